//! The back office of commune radio, `/quan-tri/truyen-thanh`: the month's
//! figures (devices online, playbacks and completion per commune, hours,
//! emergencies' delivery), the bulletins with their approval buttons, the
//! form that writes one (its audio uploaded and decoded; kept when the form
//! comes back for another field), the stations and the form that adds one;
//! each station's page (`/quan-tri/truyen-thanh/dai/{id}`): its programme
//! for a day or a week with what did not fit, its slots, its devices and
//! their one-time enrolment codes.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Form, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, NaiveTime};
use egov_app::radio::{self as ra, Writing};
use egov_app::Actor;
use egov_i18n::t;
use egov_identity::Principal;
use egov_radio::{BulletinInput, Category, Decision, DeviceInput, Priority, Slot, StationInput, StationKind};

use super::public::{category_key, clock_len, priority_key};
use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

const BASE: &str = "/quan-tri/truyen-thanh";

pub(crate) fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if ra::may_view(Actor::User(p)) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

pub struct TallyRow {
    pub name: String,
    pub plays: usize,
    pub completed: String,
    pub hours: String,
    /// The bar's length in the chart (of 440) and its line.
    pub bar: u32,
    pub y: u32,
}

/// A day's devices online, and its bar in the chart (of 440).
pub struct PresenceRow {
    pub day: String,
    pub devices: i64,
    pub average: String,
    pub fewest: i64,
    pub bar: u32,
    pub y: u32,
}

pub struct BulletinRow {
    pub id: i64,
    pub title: String,
    pub priority: &'static str,
    pub category: &'static str,
    pub state: &'static str,
    pub level: &'static str,
    pub until: String,
    pub audio: String,
    pub may_decide: bool,
    pub may_withdraw: bool,
}

pub struct StationRow {
    pub id: i64,
    pub name: String,
    pub commune: String,
    pub kind: &'static str,
    pub devices: String,
}

pub struct DeliveryRow {
    pub title: String,
    pub delivered: usize,
    pub median: String,
    pub last: String,
}

#[derive(Template)]
#[template(path = "radio/dashboard.html")]
struct Dashboard {
    layout: Layout,
    saved: Option<&'static str>,
    month: String,
    facts: Vec<(&'static str, String)>,
    by_unit: Vec<TallyRow>,
    chart_height: u32,
    presence: Vec<PresenceRow>,
    presence_height: u32,
    deliveries: Vec<DeliveryRow>,
    bulletins: Vec<BulletinRow>,
    stations: Vec<StationRow>,
    communes: Vec<(String, String)>,
    commune_options: Vec<(String, String, bool)>,
    categories: Vec<(&'static str, &'static str)>,
    priorities: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    kept_audio: Option<(String, String)>,
    form: FormState,
    station_form: FormState,
    import: String,
    import_errors: Vec<String>,
}

pub(crate) fn state_key(s: egov_radio::State) -> &'static str {
    match s {
        egov_radio::State::Pending => "radio.state.pending",
        egov_radio::State::Approved => "radio.state.approved",
        egov_radio::State::Rejected => "radio.state.rejected",
        egov_radio::State::Withdrawn => "radio.state.withdrawn",
    }
}

pub(crate) fn kind_key(k: StationKind) -> &'static str {
    match k {
        StationKind::Wired => "radio.kind.wired",
        StationKind::Fm => "radio.kind.fm",
        StationKind::Ip => "radio.kind.ip",
    }
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "—".into()
    } else {
        format!("{:.1} %", n as f64 * 100.0 / of as f64)
    }
}

fn hours(ms: i64) -> String {
    format!("{:.2}", ms as f64 / 3_600_000.0)
}

#[derive(Default)]
struct Forms {
    bulletin: FormState,
    station: FormState,
    kept_audio: Option<(String, String)>,
    /// The stations' CSV as sent, and each of its problems in words.
    import: String,
    import_errors: Vec<String>,
}

async fn communes(state: &AppState) -> Result<(Vec<(String, String)>, HashMap<String, String>), WebError> {
    let today = state.app.now().date();
    let units = state.store.units().await?;
    let names: HashMap<String, String> = units.iter().map(|u| (u.code.as_str().to_string(), u.name.clone())).collect();
    let mut active: Vec<(String, String)> = units
        .into_iter()
        .filter(|u| u.is_active_on(today) && u.code.as_str().len() == 5)
        .map(|u| (u.code.as_str().to_string(), u.name))
        .collect();
    active.sort_by(|a, b| a.1.cmp(&b.1));
    Ok((active, names))
}

async fn show(state: &AppState, ctx: &Ctx, p: &Principal, month: NaiveDate, forms: Forms, status: StatusCode, saved: Option<&'static str>) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let actor = Actor::User(p);
    let last = month.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(month);
    let f = ra::stats::figures(&state.app, actor, month, last).await?;
    let (active, names) = communes(state).await?;
    let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let scope = egov_app::protection::Scope::of(actor).ok_or(WebError::Forbidden)?;
    let bulletins = ra::bulletins(&state.app, actor)
        .await?
        .iter()
        .map(|b| BulletinRow {
            id: b.id,
            title: b.b.title.clone(),
            priority: priority_key(b.b.priority),
            category: category_key(b.b.category),
            state: state_key(b.state),
            level: match b.level {
                egov_radio::Level::Commune => "radio.level.commune",
                egov_radio::Level::Province => "radio.level.province",
            },
            until: b.b.valid_to.format("%H:%M %d/%m/%Y").to_string(),
            audio: b.audio.as_ref().map_or_else(|| t(lang, "radio.no_audio").to_string(), |a| format!("{} ({})", clock_len(a.duration_ms), a.format.to_uppercase())),
            may_decide: b.state == egov_radio::State::Pending && ra::may_decide(&scope, b.level, &b.owner_agency),
            may_withdraw: matches!(b.state, egov_radio::State::Pending | egov_radio::State::Approved) && scope.covers(&b.owner_agency),
        })
        .collect();
    let stations = ra::stations(&state.app, actor)
        .await?
        .into_iter()
        .map(|v| StationRow {
            id: v.s.id,
            name: v.s.s.name,
            commune: name(&v.unit_today),
            kind: kind_key(v.s.s.kind),
            devices: format!("{} / {}", v.online, v.devices),
        })
        .collect();
    let mut form = forms.bulletin;
    if form.values.is_empty() {
        form.values.insert("priority".into(), "normal".into());
        form.values.insert("target".into(), "communes".into());
    }
    let page = Dashboard {
        layout: Layout::new(ctx, "radio.title"),
        saved,
        month: month.format("%Y-%m").to_string(),
        facts: vec![
            ("radio.devices_online", format!("{} / {}", f.online, f.devices)),
            ("radio.plays", f.total.plays.to_string()),
            ("radio.completion", pct(f.total.completed, f.total.plays)),
            ("radio.hours", hours(f.total.ms)),
        ],
        by_unit: f
            .by_unit
            .iter()
            .enumerate()
            .map(|(i, (u, x))| {
                let most = f.by_unit.values().map(|t| t.ms).max().unwrap_or(1).max(1);
                TallyRow {
                    name: name(u),
                    plays: x.plays,
                    completed: pct(x.completed, x.plays),
                    hours: hours(x.ms),
                    bar: u32::try_from(x.ms * 440 / most).unwrap_or(0),
                    y: 10 + 28 * u32::try_from(i).unwrap_or(0),
                }
            })
            .collect(),
        chart_height: 20 + 28 * u32::try_from(f.by_unit.len()).unwrap_or(0),
        presence: f
            .presence
            .iter()
            .enumerate()
            .map(|(i, d)| PresenceRow {
                day: d.day.format("%d/%m/%Y").to_string(),
                devices: d.devices,
                average: tenths(lang, d.online_tenths),
                fewest: d.fewest_online,
                bar: u32::try_from(d.online_tenths * 44 / d.devices.max(1)).unwrap_or(0).min(440),
                y: 10 + 28 * u32::try_from(i).unwrap_or(0),
            })
            .collect(),
        presence_height: 20 + 28 * u32::try_from(f.presence.len()).unwrap_or(0),
        deliveries: f
            .emergencies
            .iter()
            .map(|d| DeliveryRow {
                title: d.title.clone(),
                delivered: d.delivered,
                median: format!("{:.2} s", d.median_ms as f64 / 1000.0),
                last: format!("{:.2} s", d.last_ms as f64 / 1000.0),
            })
            .collect(),
        bulletins,
        stations,
        commune_options: active.iter().map(|(c, n)| (c.clone(), n.clone(), form.checked(&format!("commune_{c}")))).collect(),
        communes: active,
        categories: Category::ALL.iter().map(|c| (c.as_str(), category_key(*c))).collect(),
        priorities: Priority::ALL.iter().map(|c| (c.as_str(), priority_key(*c))).collect(),
        kinds: StationKind::ALL.iter().map(|c| (c.as_str(), kind_key(*c))).collect(),
        kept_audio: forms.kept_audio,
        form,
        station_form: forms.station,
        import: forms.import,
        import_errors: forms.import_errors,
    };
    Ok(render(status, &page))
}

fn month_of(state: &AppState, q: &HashMap<String, String>) -> NaiveDate {
    q.get("thang")
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .unwrap_or_else(|| chrono::Datelike::with_day(&state.app.now().date(), 1).unwrap_or_default())
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let saved = q.contains_key("luu").then_some("radio.saved");
        show(&state, &ctx, p, month_of(&state, &q), Forms::default(), StatusCode::OK, saved).await
    }
    .await;
    or_login(&ctx, r)
}

const BULLETIN_FIELDS: [&str; 9] = ["title", "text", "category", "priority", "target", "valid_from", "valid_to", "agency_id", "kept_audio"];

async fn write(State(state): State<AppState>, ctx: Ctx, req: Request) -> Response {
    let r = async {
        if !crate::dossiers::api::is_multipart(&req) {
            return Err(WebError::BadRequest("multipart/form-data expected".into()));
        }
        let (fields, files) = crate::dossiers::api::read_parts(req).await?;
        ctx.check_form(&fields)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        for k in BULLETIN_FIELDS {
            form.values.insert(k.into(), fields.get(k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        // the communes ticked: `commune_<code>`
        let communes: Vec<String> = fields.keys().filter_map(|k| k.strip_prefix("commune_")).map(String::from).collect();
        for c in &communes {
            form.values.insert(format!("commune_{c}"), "1".into());
        }
        let minute = |k: &str| crate::network::api::local_minute(form.v(k)).and_then(egov_kernel::vn::from_micros);
        let input = BulletinInput {
            title: form.v("title").into(),
            text: form.v("text").into(),
            category: form.v("category").into(),
            priority: form.v("priority").into(),
            target: form.v("target").into(),
            communes,
            stations: Vec::new(),
            from_given: !form.v("valid_from").is_empty(),
            valid_from: minute("valid_from"),
            valid_to: minute("valid_to"),
        };
        let upload = files.get("audio").map(|u| u.bytes.clone());
        // an upload that decodes is kept at once: the form sent back keeps it
        let mut kept = (!form.v("kept_audio").is_empty()).then(|| form.v("kept_audio").to_string());
        let mut audio_err = None;
        if let Some(bytes) = &upload {
            match ra::keep_audio(&state.app, Actor::User(&p), bytes).await {
                Ok(meta) => kept = Some(meta.sha256),
                Err(egov_app::AppError::Invalid(e)) => audio_err = e.into_iter().next(),
                Err(e) => return Err(e.into()),
            }
        }
        let owner = form.v("agency_id").to_string();
        let wr = Writing { owner: Some(&owner).filter(|o| !o.is_empty()).map(String::as_str), input: &input, audio: None, kept_audio: kept.as_deref() };
        let result = if audio_err.is_some() { Err(egov_app::AppError::Invalid(Vec::new())) } else { ra::create_bulletin(&state.app, Actor::User(&p), &wr).await };
        match result {
            Ok(_) => Ok(Redirect::to(&format!("{BASE}?luu=1#bul-h")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let mut errs = errs;
                if let Some(e) = audio_err {
                    errs.push(e);
                    // and the other fields' problems, all at once
                    if let Err(egov_app::AppError::Invalid(more)) = ra::create_bulletin(&state.app, Actor::User(&p), &wr).await {
                        errs.extend(more);
                    }
                }
                for e in &errs {
                    match &e.detail {
                        Some(d) => form.errors.push((e.field.clone(), format!("{} {d}", t(ctx.lang, e.key)))),
                        None => form.add(&e.field, ctx.lang, e.key),
                    }
                }
                let kept_audio = match &kept {
                    Some(sha) => state.store.radio_audio_meta(sha).await?.map(|m| (m.sha256, format!("{} ({})", clock_len(m.duration_ms), m.format.to_uppercase()))),
                    None => None,
                };
                if let Some((sha, _)) = &kept_audio {
                    form.values.insert("kept_audio".into(), sha.clone());
                }
                let month = month_of(&state, &HashMap::new());
                show(&state, &ctx, &p, month, Forms { bulletin: form, kept_audio, ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn decide(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        let d = f.get("decision").and_then(|d| Decision::parse(d)).ok_or_else(|| WebError::BadRequest("decision".into()))?;
        ra::decide(&state.app, Actor::User(p), id, d, f.get("note").map(String::as_str).unwrap_or("")).await?;
        Ok(Redirect::to(&format!("{BASE}?luu=1#bul-h")).into_response())
    }
    .await;
    or_login(&ctx, r)
}

const STATION_FIELDS: [&str; 6] = ["name", "unit_code", "kind", "status", "staff", "address"];

async fn add_station(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        for k in STATION_FIELDS {
            form.values.insert(k.into(), f.get(k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        let input = StationInput {
            name: form.v("name").into(),
            unit_code: form.v("unit_code").into(),
            kind: form.v("kind").into(),
            status: form.v("status").into(),
            staff: form.v("staff").into(),
            address: form.v("address").into(),
        };
        match ra::save_station(&state.app, Actor::User(&p), None, &input).await {
            Ok(id) => Ok(Redirect::to(&format!("{BASE}/dai/{id}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let month = month_of(&state, &HashMap::new());
                show(&state, &ctx, &p, month, Forms { station: form, ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(dashboard))
        .route(&format!("{BASE}/ban-tin"), post(write).layer(DefaultBodyLimit::max(egov_app::radio::MAX_AUDIO + 64 * 1024)))
        .route(&format!("{BASE}/ban-tin/{{id}}/quyet-dinh"), post(decide))
        .route(&format!("{BASE}/dai"), post(add_station))
        .route(&format!("{BASE}/dai/nhap"), post(import_stations))
        .merge(super::station::routes())
}

/// A problem of an imported line in words: `line N/field` (or `file`) and
/// its message, the field named as the form names it.
fn import_problem(lang: egov_i18n::Lang, field: &str, key: &'static str) -> String {
    let (line, column) = match field.strip_prefix("line ") {
        Some(rest) => match rest.split_once('/') {
            Some((n, c)) => (Some(n), Some(c)),
            None => (Some(rest), None),
        },
        None => (None, None),
    };
    let label = column.map(|c| match c {
        "name" => t(lang, "radio.station"),
        "unit_code" => t(lang, "radio.commune"),
        "kind" => t(lang, "radio.kind"),
        "staff" => t(lang, "radio.staff"),
        "address" => t(lang, "radio.address"),
        _ => t(lang, "radio.import.status"),
    });
    match (line, label) {
        (Some(n), Some(l)) => format!("{} {n}, {l}: {}", t(lang, "radio.import.line"), t(lang, key)),
        (Some(n), None) => format!("{} {n}: {}", t(lang, "radio.import.line"), t(lang, key)),
        _ => t(lang, key).to_string(),
    }
}

async fn import_stations(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let document = f.get("document").cloned().unwrap_or_default();
        match ra::import_stations(&state.app, Actor::User(&p), &document).await {
            Ok(_) => Ok(Redirect::to(&format!("{BASE}?luu=1#st-h")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let import_errors = errs.iter().map(|e| import_problem(ctx.lang, &e.field, e.key)).collect();
                let month = month_of(&state, &HashMap::new());
                let forms = Forms { import: document, import_errors, ..Default::default() };
                show(&state, &ctx, &p, month, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// `HH:MM-HH:MM` per line: the slots, or the line that is not one.
pub(crate) fn parse_slots(text: &str) -> Result<Vec<Slot>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let (a, b) = line.split_once(['-', '–']).ok_or(i + 1)?;
        let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
        match (t(a), t(b)) {
            (Some(start), Some(end)) => out.push(Slot { start, end }),
            _ => return Err(i + 1),
        }
    }
    Ok(out)
}

pub(crate) fn device_input(f: &HashMap<String, String>) -> DeviceInput {
    let v = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    DeviceInput { serial: v("serial"), name: v("device_name"), location: v("location") }
}

/// A count in tenths, as the language writes it ("2,5" / "2.5").
fn tenths(lang: egov_i18n::Lang, n: i64) -> String {
    let sep = if lang == egov_i18n::Lang::Vi { ',' } else { '.' };
    format!("{}{sep}{}", n / 10, n % 10)
}

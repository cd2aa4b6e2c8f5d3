//! The back office's network page, `/quan-tri/mang`: the connection points
//! in the caller's scope with their state and uptime, the province's daily
//! uptime over 30 days (an SVG chart and its table), uptime over a chosen
//! day, month or year counted by probe, site, commune, agency or the
//! province, the latest outages, and the forms (a site added, the
//! department's settings); its workbook (`.xlsx`, also in the API).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use egov_app::network::report::{self, Group, Period};
use egov_app::network::{self as net};
use egov_app::protection::Scope;
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_network::{NetPolicy, SiteInput, Span, Uptime};
use utoipa::IntoParams;

use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

pub(crate) const BASE: &str = "/quan-tri/mang";

/// Percent with one decimal, Vietnamese style in Vietnamese ("99,5 %").
pub(crate) fn pct(p: Option<f64>, lang: Lang) -> String {
    match p {
        Some(p) => {
            let s = format!("{p:.1}");
            let s = if lang == Lang::Vi { s.replace('.', ",") } else { s };
            format!("{s} %")
        }
        None => "—".into(),
    }
}

/// A duration in words: "2 giờ 5 phút" / "2 h 5 min".
pub(crate) fn duration(secs: i64, lang: Lang) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let (hu, mu, su) = (t(lang, "net.unit.h"), t(lang, "net.unit.min"), t(lang, "net.unit.s"));
    match (h, m) {
        (0, 0) => format!("{s} {su}"),
        (0, m) => format!("{m} {mu}"),
        (h, m) => format!("{h} {hu} {m} {mu}"),
    }
}

pub(crate) fn when(m: Option<i64>) -> String {
    m.map(egov_kernel::vn::micros_to_page).unwrap_or_else(|| "—".into())
}

pub(crate) fn kind_key(k: &str) -> &'static str {
    match k {
        "province" => "net.kind.province",
        "agency" => "net.kind.agency",
        _ => "net.kind.commune",
    }
}

pub(crate) fn state_key(s: &str) -> &'static str {
    match s {
        "up" => "net.state.up",
        "down" => "net.state.down",
        "failing" => "net.state.failing",
        "paused" => "net.state.paused",
        "pending" => "net.state.pending",
        _ => "net.state.unwatched",
    }
}

pub struct SiteRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub unit: String,
    pub agency: String,
    pub level: &'static str,
    pub state: &'static str,
    pub down: bool,
    pub today: String,
    pub month: String,
}

pub struct DayBar {
    pub day: String,
    pub percent: String,
    pub height: f64,
    pub x: f64,
}

pub struct OutageRow {
    pub id: i64,
    pub site_id: i64,
    pub site: String,
    pub probe: String,
    pub start: String,
    pub end: String,
    pub duration: String,
    pub counted: String,
    pub cause: String,
}

pub struct GroupRow {
    pub name: String,
    pub watched: String,
    pub down: String,
    pub percent: String,
    pub outages: usize,
}

#[derive(Template)]
#[template(path = "network/dashboard.html")]
struct Dashboard {
    layout: Layout,
    system: bool,
    saved: Option<&'static str>,
    counts: Vec<(&'static str, usize)>,
    province: String,
    sites: Vec<SiteRow>,
    days: Vec<DayBar>,
    outages: Vec<OutageRow>,
    period: String,
    group: &'static str,
    groups: Vec<(&'static str, &'static str)>,
    lines: Vec<GroupRow>,
    agencies: Vec<(String, String)>,
    units: Vec<(String, String)>,
    form: FormState,
    policy: FormState,
}

/// The network's reader: a system administrator, or an agency's administrator.
pub(crate) fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if net::may_view(Actor::User(p)) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

pub(crate) fn group_key(g: Group) -> &'static str {
    match g {
        Group::Probe => "net.by.probe",
        Group::Site => "net.by.site",
        Group::Commune => "net.by.commune",
        Group::Agency => "net.by.agency",
        Group::Province => "net.by.province",
    }
}

/// Names of agencies and units by id, in the language.
pub(crate) async fn names(state: &AppState, lang: Lang) -> Result<(HashMap<String, String>, HashMap<String, String>), WebError> {
    let agencies = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.id.as_str().to_string(), if lang == Lang::En { a.name_en } else { a.name_vi }))
        .collect();
    let units = state.store.units().await?.into_iter().map(|u| (u.code.as_str().to_string(), u.name)).collect();
    Ok((agencies, units))
}

pub(crate) fn outage_rows(list: Vec<report::OutageLine>, lang: Lang) -> Vec<OutageRow> {
    list.into_iter()
        .map(|o| OutageRow {
            id: o.id,
            site_id: o.site_id,
            site: o.site,
            probe: o.probe,
            start: when(Some(o.started_at)),
            end: o.ended_at.map_or_else(|| t(lang, "net.ongoing").to_string(), |e| when(Some(e))),
            duration: duration(o.duration_s, lang),
            counted: duration(o.counted_s, lang),
            cause: o.cause,
        })
        .collect()
}

pub(crate) fn day_bars(days: &[(NaiveDate, Uptime)], lang: Lang) -> Vec<DayBar> {
    days.iter()
        .enumerate()
        .map(|(i, (d, u))| DayBar {
            day: d.format("%d/%m").to_string(),
            percent: pct(u.percent(), lang),
            height: 150.0 * u.percent().unwrap_or(0.0) / 100.0,
            x: 40.0 + 20.0 * i as f64,
        })
        .collect()
}

#[derive(Default)]
struct Forms {
    site: FormState,
    policy: Option<FormState>,
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    period: Period,
    group: Group,
    forms: Forms,
    status: StatusCode,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let actor = Actor::User(p);
    let scope = Scope::of(actor).ok_or(WebError::Forbidden)?;
    let (agency_names, unit_names) = names(state, lang).await?;
    let today = state.app.now().date();
    let month = Period::Month(chrono::Datelike::year(&today), chrono::Datelike::month(&today));
    let list = net::sites(&state.app, actor).await?;
    let by_today = report::uptime(&state.app, actor, Period::Day(today), Group::Site).await?;
    let by_month = report::uptime(&state.app, actor, month, Group::Site).await?;
    let of = |lines: &[report::UptimeLine], id: i64| lines.iter().find(|l| l.key == id.to_string()).and_then(|l| l.percent);
    let sites: Vec<SiteRow> = list
        .iter()
        .map(|c| {
            let v = super::api::site_view(c);
            SiteRow {
                id: c.site.id,
                name: c.site.s.name.clone(),
                kind: kind_key(c.site.s.kind.as_str()),
                unit: unit_names.get(&c.site.s.unit_code).cloned().unwrap_or_else(|| c.site.s.unit_code.clone()),
                agency: c.site.s.agency_id.as_ref().map(|a| agency_names.get(a).cloned().unwrap_or_else(|| a.clone())).unwrap_or_default(),
                level: if c.site.s.access_level == egov_network::AccessLevel::One { "net.level.1" } else { "net.level.2" },
                state: state_key(&v.state),
                down: v.state == "down",
                today: pct(of(&by_today, c.site.id), lang),
                month: pct(of(&by_month, c.site.id), lang),
            }
        })
        .collect();
    let counts = vec![
        ("net.count.sites", list.len()),
        ("net.state.up", list.iter().filter(|c| c.probes > 0 && c.site.down_since.is_none()).count()),
        ("net.state.down", list.iter().filter(|c| c.site.down_since.is_some()).count()),
        ("net.state.unwatched", list.iter().filter(|c| c.probes == 0).count()),
        ("net.count.probes", list.iter().map(|c| c.probes as usize).sum()),
    ];
    let province = report::uptime(&state.app, actor, month, Group::Province).await?;
    let province = pct(province.first().and_then(|l| l.percent), lang);
    let series = report::scope_daily(&state.app, actor, 30).await?;
    let from = today.checked_sub_days(chrono::Days::new(29)).unwrap_or(today);
    let span = Span::new(Period::Day(from).span().from, Period::Day(today).span().to);
    let outages = outage_rows(report::outages(&state.app, actor, None, span).await?.into_iter().take(50).collect(), lang);
    let lines = report::uptime(&state.app, actor, period, group)
        .await?
        .into_iter()
        .map(|l| GroupRow {
            name: if group == Group::Province { t(lang, "net.by.province").to_string() } else { l.name },
            watched: duration(l.watched_s, lang),
            down: duration(l.down_s, lang),
            percent: pct(l.percent, lang),
            outages: l.outages,
        })
        .collect();
    let mut agencies: Vec<(String, String)> = agency_names.into_iter().filter(|(id, _)| scope.covers(id)).collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let mut units: Vec<(String, String)> = unit_names.into_iter().collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    let policy = match forms.policy {
        Some(f) => f,
        None => {
            let p = state.app.store.net_policy().await?;
            let mut f = FormState::default();
            f.values.insert("remind_after_minutes".into(), p.remind_after_minutes.to_string());
            f.values.insert("raw_days".into(), p.raw_days.to_string());
            f
        }
    };
    let page = Dashboard {
        layout: Layout::new(ctx, "net.title"),
        system: scope == Scope::All,
        saved,
        counts,
        province,
        sites,
        days: day_bars(&series, lang),
        outages,
        period: period.label(),
        group: group.as_str(),
        groups: Group::ALL.iter().map(|g| (g.as_str(), group_key(*g))).collect(),
        lines,
        agencies,
        units,
        form: forms.site,
        policy,
    };
    Ok(render(status, &page))
}

fn chosen(state: &AppState, q: &HashMap<String, String>) -> (Period, Group) {
    let today = state.app.now().date();
    let period = q
        .get("ky")
        .and_then(|s| Period::parse(s))
        .filter(|p| (2000..=2100).contains(&chrono::Datelike::year(&p.first_day())))
        .unwrap_or(Period::Month(chrono::Datelike::year(&today), chrono::Datelike::month(&today)));
    let group = q.get("theo").and_then(|s| Group::parse(s)).unwrap_or(Group::Site);
    (period, group)
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let (period, group) = chosen(&state, &q);
        let saved = q.contains_key("luu").then_some("net.saved");
        show(&state, &ctx, p, period, group, Forms::default(), StatusCode::OK, saved).await
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) const SITE_FIELDS: [&str; 7] = ["name", "kind", "unit_code", "agency_id", "access_level", "address", "notes"];

pub(crate) fn site_form(f: &HashMap<String, String>) -> (FormState, SiteInput) {
    let mut form = FormState::default();
    for k in SITE_FIELDS.iter().chain(&["public"]) {
        form.values.insert(k.to_string(), f.get(*k).map(|v| v.trim().to_string()).unwrap_or_default());
    }
    let v = |k: &str| form.v(k).to_string();
    let input = SiteInput {
        name: v("name"),
        kind: v("kind"),
        unit_code: v("unit_code"),
        agency_id: v("agency_id"),
        access_level: v("access_level"),
        address: v("address"),
        public: !form.v("public").is_empty(),
        notes: v("notes"),
    };
    (form, input)
}

async fn add(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let (mut form, input) = site_form(&f);
        match net::save_site(&state.app, Actor::User(&p), None, &input).await {
            Ok(id) => Ok(Redirect::to(&format!("{BASE}/diem/{id}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let (period, group) = chosen(&state, &HashMap::new());
                let forms = Forms { site: form, ..Default::default() };
                show(&state, &ctx, &p, period, group, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn policy(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        for k in ["remind_after_minutes", "raw_days"] {
            form.values.insert(k.into(), f.get(k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        let mut errs = Vec::new();
        let mut n = |k: &'static str| {
            form.v(k).parse::<u32>().unwrap_or_else(|_| {
                errs.push(egov_app::FieldError::new(k, "err.net.number"));
                u32::MAX
            })
        };
        let policy = NetPolicy { remind_after_minutes: n("remind_after_minutes"), raw_days: n("raw_days") };
        let r = if errs.is_empty() {
            net::set_policy(&state.app, Actor::User(&p), &policy).await
        } else {
            Err(egov_app::AppError::Invalid(errs))
        };
        match r {
            Ok(()) => Ok(Redirect::to(&format!("{BASE}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let (period, group) = chosen(&state, &HashMap::new());
                let forms = Forms { policy: Some(form), ..Default::default() };
                show(&state, &ctx, &p, period, group, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// The workbook of a period: uptime by site, commune, agency and the
/// province, and the outages.
async fn workbook(state: &AppState, actor: Actor<'_>, period: Period, lang: Lang) -> Result<Vec<u8>, WebError> {
    use egov_reports::{Cell, Table};
    let h = |keys: &[&'static str]| keys.iter().map(|k| t(lang, k).to_string()).collect::<Vec<_>>();
    let sheet = |key: &'static str| t(lang, key).chars().take(31).collect::<String>();
    let mut tables = Vec::new();
    for g in [Group::Site, Group::Commune, Group::Agency, Group::Province] {
        let rows = report::uptime(&state.app, actor, period, g)
            .await?
            .into_iter()
            .map(|l| {
                let name = if g == Group::Province { t(lang, "net.by.province").to_string() } else { l.name };
                vec![
                    Cell::Text(name),
                    Cell::Number(l.watched_s as f64 / 3600.0),
                    Cell::Number(l.down_s as f64 / 60.0),
                    l.percent.map_or(Cell::Empty, |p| Cell::Percent(p / 100.0)),
                    Cell::Number(l.outages as f64),
                ]
            })
            .collect();
        tables.push(Table {
            name: sheet(group_key(g)),
            headers: h(&["net.name", "net.watched_h", "net.down_min", "net.uptime", "net.outages"]),
            rows,
        });
    }
    let outages = report::outages(&state.app, actor, None, period.span()).await?;
    let at = |m: i64| egov_kernel::vn::from_micros(m).map_or(Cell::Empty, Cell::DateTime);
    tables.push(Table {
        name: sheet("net.outages"),
        headers: h(&["net.site", "net.probe", "net.start", "net.end", "net.duration_min", "net.counted_min", "net.cause"]),
        rows: outages
            .into_iter()
            .map(|o| {
                vec![
                    Cell::Text(o.site),
                    Cell::Text(o.probe),
                    at(o.started_at),
                    o.ended_at.map_or(Cell::Empty, at),
                    Cell::Number(o.duration_s as f64 / 60.0),
                    Cell::Number(o.counted_s as f64 / 60.0),
                    Cell::Text(o.cause),
                ]
            })
            .collect(),
    });
    Ok(egov_reports::xlsx(&tables)?)
}

fn xlsx_response(bytes: Vec<u8>, period: Period) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"mang_{}.xlsx\"", period.label())),
        ],
        bytes,
    )
        .into_response()
}

async fn export(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let (period, _) = chosen(&state, &q);
        Ok(xlsx_response(workbook(&state, Actor::User(p), period, ctx.lang).await?, period))
    }
    .await;
    or_login(&ctx, r)
}

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// A day, a month or a year (absent: this month).
    #[param(example = "2026", pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    period: Option<String>,
}

/// The network's workbook of a period: uptime by site, commune, agency and the province; the outages.
#[utoipa::path(get, operation_id = "network_export_api", path = "/api/v1/network/report.xlsx", params(ExportQuery), security(("bearer" = [])), responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn export_api(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ExportQuery>) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let period = super::api::period_of(&state, q.period.as_deref())?;
        Ok(xlsx_response(workbook(&state, Actor::User(p), period, ctx.lang).await?, period))
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(dashboard))
        .route("/quan-tri/mang/diem", post(add))
        .route("/quan-tri/mang/cai-dat", post(policy))
        .route("/quan-tri/mang.xlsx", get(export))
        .merge(super::site::routes())
        .merge(super::status::routes())
}

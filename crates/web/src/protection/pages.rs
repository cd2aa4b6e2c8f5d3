//! The back office's "An toàn thông tin" (information security) console,
//! `/quan-tri/an-toan-thong-tin`: today's coverage of the caller's scope
//! (the province for the department, an agency for its administrators)
//! with its chart by agency and the kept daily series, every machine with
//! its agent's state, detections to handle, and the forms: a machine added,
//! an inventory pasted as CSV, the department's thresholds. Each machine's
//! page issues enrolment tokens, revokes its agent and edits (retires) it.
//! Everything through the application layer, as the API does it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::protection::{self as pr, Console, MachineLine, Scope};
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_protection::{AgentState, Coverage, DetectionState, MachineInput, Policy};

use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

const BASE: &str = "/quan-tri/an-toan-thong-tin";
const PER_PAGE: usize = 50;

pub struct MachineRow {
    pub id: i64,
    pub name: String,
    pub agency: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub active: bool,
    pub signatures: String,
    pub outdated: bool,
    pub last_scan: String,
    pub covered: bool,
    pub counted: bool,
}

pub struct AgencyBar {
    pub agency: String,
    pub covered: u32,
    pub machines: u32,
    pub percent: String,
    pub width: f64,
    pub y: u32,
}

pub struct DayBar {
    pub day: String,
    pub percent: String,
    pub height: f64,
    pub x: f64,
}

pub struct DetectionRow {
    pub id: i64,
    pub when: String,
    pub machine: String,
    pub path: String,
    pub signature: String,
    pub action: &'static str,
    pub state: &'static str,
    pub can_quarantine: bool,
}

/// A detection already closed: who handled it, when, how.
pub struct HandledRow {
    pub when: String,
    pub machine: String,
    pub signature: String,
    pub state: &'static str,
    pub by: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "protection/console.html")]
struct ConsolePage {
    layout: Layout,
    system: bool,
    saved: Option<&'static str>,
    total: String,
    counts: Vec<(&'static str, usize)>,
    open_detections: i64,
    bars: Vec<AgencyBar>,
    days: Vec<DayBar>,
    machines: Vec<MachineRow>,
    page: usize,
    pages: usize,
    detections: Vec<DetectionRow>,
    handled: Vec<HandledRow>,
    agencies: Vec<(String, String)>,
    form: FormState,
    import: String,
    import_errors: Vec<String>,
    policy: FormState,
}

fn percent(c: &Coverage, lang: Lang) -> String {
    match c.per_mille() {
        Some(pm) => {
            let s = format!("{}.{}", pm / 10, pm % 10);
            let s = if lang == Lang::Vi { s.replace('.', ",") } else { s };
            format!("{s} % ({}/{})", c.covered, c.machines)
        }
        None => "—".into(),
    }
}

fn when(m: Option<i64>) -> String {
    m.map(egov_kernel::vn::micros_to_page).unwrap_or_else(|| "—".into())
}

pub(crate) fn state_key(s: AgentState) -> &'static str {
    match s {
        AgentState::Active => "pr.state.active",
        AgentState::Disconnected => "pr.state.disconnected",
        AgentState::NeverConnected => "pr.state.never",
    }
}

pub(crate) fn detection_key(s: DetectionState) -> &'static str {
    match s {
        DetectionState::New => "pr.det.new",
        DetectionState::Quarantined => "pr.det.quarantined",
        DetectionState::Cleaned => "pr.det.cleaned",
        DetectionState::FalsePositive => "pr.det.false_positive",
    }
}

/// Agencies' names by id, in the language (egov's own machine: its name).
pub(crate) async fn agency_names(state: &AppState, lang: Lang) -> Result<HashMap<String, String>, WebError> {
    let mut names: HashMap<String, String> = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.id.as_str().to_string(), if lang == Lang::En { a.name_en } else { a.name_vi }))
        .collect();
    names.insert(String::new(), t(lang, "pr.own").to_string());
    Ok(names)
}

pub(crate) fn machine_row(l: &MachineLine, names: &HashMap<String, String>, lang: Lang) -> MachineRow {
    let m = &l.m.machine.m;
    let s = l.m.status.as_ref();
    let signatures = match s.and_then(|s| s.engine.as_ref()) {
        Some(e) => match (e.signatures, s.and_then(|s| s.signature_date)) {
            (Some(v), Some(d)) => format!("{v} ({})", egov_kernel::vn::micros_to_page(d)),
            _ => t(lang, "pr.sig.unknown").to_string(),
        },
        None => "—".into(),
    };
    MachineRow {
        id: l.m.machine.id,
        name: m.name.clone(),
        agency: names.get(&m.agency_id).cloned().unwrap_or_else(|| m.agency_id.clone()),
        kind: if m.kind == egov_protection::MachineKind::Server { "pr.kind.server" } else { "pr.kind.workstation" },
        state: state_key(l.state),
        active: l.state == AgentState::Active,
        signatures,
        outdated: l.outdated,
        last_scan: when(s.and_then(|s| s.last_good_scan)),
        covered: l.covered,
        counted: l.counted,
    }
}

/// The console's reader: a system administrator, or an agency's administrator.
pub(crate) fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if pr::may_view(Actor::User(p)) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

/// What the console's forms hold when it is shown again.
#[derive(Default)]
struct Forms {
    machine: FormState,
    import: String,
    import_errors: Vec<String>,
    policy: Option<FormState>,
}

async fn show(state: &AppState, ctx: &Ctx, p: &Principal, page: usize, forms: Forms, status: StatusCode, saved: Option<&'static str>) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let c: Console = pr::console(&state.app, Actor::User(p)).await?;
    let names = agency_names(state, lang).await?;
    let most = c.by_agency.iter().map(|(_, c)| c.machines).max().unwrap_or(1).max(1);
    let bars = c
        .by_agency
        .iter()
        .enumerate()
        .map(|(i, (a, cov))| AgencyBar {
            agency: names.get(a).cloned().unwrap_or_else(|| a.clone()),
            covered: cov.covered,
            machines: cov.machines,
            percent: percent(cov, lang),
            width: 300.0 * f64::from(cov.covered) / f64::from(most),
            y: 26 + 36 * i as u32,
        })
        .collect();
    let year = state.app.now().date().format("%Y").to_string().parse().unwrap_or(2026);
    let series = pr::series(&state.app, Actor::User(p), None, year).await?;
    let last: Vec<_> = series.iter().rev().take(30).rev().collect();
    let days = last
        .iter()
        .enumerate()
        .map(|(i, (d, cov))| DayBar {
            day: d.format("%d/%m").to_string(),
            percent: percent(cov, lang),
            height: 150.0 * f64::from(cov.per_mille().unwrap_or(0)) / 1000.0,
            x: 40.0 + 20.0 * i as f64,
        })
        .collect();
    let n = c.counts;
    let counts = vec![
        ("pr.count.machines", n.machines),
        ("pr.state.active", n.active),
        ("pr.state.disconnected", n.disconnected),
        ("pr.state.never", n.never),
        ("pr.count.outdated", n.outdated),
        ("pr.count.unscanned", n.unprotected),
    ];
    let pages = c.machines.len().div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let machines =
        c.machines.iter().skip((page - 1) * PER_PAGE).take(PER_PAGE).map(|l| machine_row(l, &names, lang)).collect();
    let (open, _) = pr::detections(&state.app, Actor::User(p), true, 1, 50).await?;
    let detections = open
        .into_iter()
        .map(|d| DetectionRow {
            id: d.id,
            when: egov_kernel::vn::micros_to_page(d.d.found_at),
            machine: d.machine_name,
            path: d.d.path,
            signature: d.d.signature,
            action: match d.d.action {
                egov_protection::ActionTaken::Reported => "pr.action.reported",
                egov_protection::ActionTaken::Quarantined => "pr.action.quarantined",
                egov_protection::ActionTaken::Refused => "pr.action.refused",
            },
            state: detection_key(d.state),
            can_quarantine: d.state == DetectionState::New,
        })
        .collect();
    let (recent, _) = pr::detections(&state.app, Actor::User(p), false, 1, 50).await?;
    let handled = recent
        .into_iter()
        .filter(|d| !d.state.open())
        .take(20)
        .map(|d| HandledRow {
            when: when(d.handled_at),
            machine: d.machine_name,
            signature: d.d.signature,
            state: detection_key(d.state),
            by: d.handler.unwrap_or_else(|| "—".into()),
            note: d.note,
        })
        .collect();
    let mut agencies: Vec<(String, String)> = names.into_iter().filter(|(id, _)| !id.is_empty() && c.scope.covers(id)).collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let policy = forms.policy.unwrap_or_else(|| {
        let mut f = FormState::default();
        f.values.insert("signature_max_age_days".into(), c.policy.signature_max_age_days.to_string());
        f.values.insert("scan_within_days".into(), c.policy.scan_within_days.to_string());
        f.values.insert("disconnected_alert_minutes".into(), c.policy.disconnected_alert_minutes.to_string());
        f
    });
    let page = ConsolePage {
        layout: Layout::new(ctx, "pr.title"),
        system: c.scope == Scope::All,
        saved,
        total: percent(&c.total, lang),
        counts,
        open_detections: c.open_detections,
        bars,
        days,
        machines,
        page,
        pages,
        detections,
        handled,
        agencies,
        form: forms.machine,
        import: forms.import,
        import_errors: forms.import_errors,
        policy,
    };
    Ok(render(status, &page))
}

async fn console(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let page = q.get("trang").and_then(|v| v.parse().ok()).unwrap_or(1);
        let saved = q.contains_key("luu").then_some("pr.saved");
        show(&state, &ctx, p, page, Forms::default(), StatusCode::OK, saved).await
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) const MACHINE_FIELDS: [&str; 8] = ["agency_id", "name", "kind", "location", "address", "notes", "added_on", "retired_on"];

pub(crate) fn machine_form(f: &HashMap<String, String>) -> (FormState, MachineInput) {
    let mut form = FormState::default();
    for k in MACHINE_FIELDS {
        form.values.insert(k.into(), f.get(k).map(|v| v.trim().to_string()).unwrap_or_default());
    }
    let v = |k: &str| form.v(k).to_string();
    let input = MachineInput {
        agency_id: v("agency_id"),
        name: v("name"),
        kind: v("kind"),
        location: v("location"),
        address: v("address"),
        notes: v("notes"),
        added_on: v("added_on"),
        retired_on: v("retired_on"),
    };
    (form, input)
}

async fn add(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let (mut form, input) = machine_form(&f);
        match pr::save_machine(&state.app, Actor::User(&p), None, &input).await {
            Ok(id) => Ok(Redirect::to(&format!("{BASE}/may/{id}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let forms = Forms { machine: form, ..Default::default() };
                show(&state, &ctx, &p, 1, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn import(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let document = f.get("document").cloned().unwrap_or_default();
        match pr::import(&state.app, Actor::User(&p), document.as_bytes()).await? {
            Ok(_) => Ok(Redirect::to(&format!("{BASE}?luu=1")).into_response()),
            Err(problems) => {
                let lang = ctx.lang;
                let import_errors = problems
                    .iter()
                    .map(|p| format!("{} {}, {}: {}", t(lang, "pr.line"), p.line, p.field, t(lang, p.key)))
                    .collect();
                let forms = Forms { import: document, import_errors, ..Default::default() };
                show(&state, &ctx, &p, 1, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn handle(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        let to = f
            .get("state")
            .and_then(|s| DetectionState::parse(s))
            .filter(|s| *s != DetectionState::New)
            .ok_or_else(|| WebError::BadRequest("state".into()))?;
        let note = f.get("note").map(String::as_str).unwrap_or("");
        pr::handle(&state.app, Actor::User(p), id, to, note).await?;
        Ok(Redirect::to(&format!("{BASE}?luu=1#det-h")).into_response())
    }
    .await;
    or_login(&ctx, r)
}

async fn policy(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        let keys = ["signature_max_age_days", "scan_within_days", "disconnected_alert_minutes"];
        for k in keys {
            form.values.insert(k.into(), f.get(k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        let n = |k: &str| form.v(k).parse::<u32>().unwrap_or(0);
        let policy = Policy {
            signature_max_age_days: n(keys[0]),
            scan_within_days: n(keys[1]),
            disconnected_alert_minutes: n(keys[2]),
        };
        match pr::set_policy(&state.app, Actor::User(&p), &policy).await {
            Ok(()) => Ok(Redirect::to(&format!("{BASE}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let forms = Forms { policy: Some(form), ..Default::default() };
                show(&state, &ctx, &p, 1, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(console))
        .route("/quan-tri/an-toan-thong-tin/may", post(add))
        .route("/quan-tri/an-toan-thong-tin/nhap", post(import))
        .route("/quan-tri/an-toan-thong-tin/phat-hien/{id}", post(handle))
        .route("/quan-tri/an-toan-thong-tin/chinh-sach", post(policy))
        .merge(super::machine::routes())
}

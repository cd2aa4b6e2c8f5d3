//! The back office's register of information-security incidents,
//! `/quan-tri/su-co`: the year's incidents with their late reports, the
//! year's figures, the systems' inventory, and the forms (an incident
//! reported, a system added); each incident's page (`/quan-tri/su-co/{id}`)
//! with the reports owed and sent (their PDFs), the timeline, and the forms
//! of its response (a step, a report sent).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::incidents::{self as inc, IncidentInput};
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_incident::{Harms, Kind, Phase, ReportKind, Severity, SystemInput};

use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

const BASE: &str = "/quan-tri/su-co";

pub(crate) fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if inc::may_view(Actor::User(p)) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

pub(crate) fn kind_key(k: Kind) -> &'static str {
    match k {
        Kind::Malware => "inc.kind.malware",
        Kind::Intrusion => "inc.kind.intrusion",
        Kind::DenialOfService => "inc.kind.denial_of_service",
        Kind::DataLeak => "inc.kind.data_leak",
        Kind::Defacement => "inc.kind.defacement",
        Kind::Phishing => "inc.kind.phishing",
        Kind::Outage => "inc.kind.outage",
        Kind::Other => "inc.kind.other",
    }
}

pub(crate) fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Low => "inc.sev.low",
        Severity::Medium => "inc.sev.medium",
        Severity::High => "inc.sev.high",
        Severity::Critical => "inc.sev.critical",
    }
}

pub(crate) fn phase_key(p: Phase) -> &'static str {
    match p {
        Phase::Reported => "inc.phase.reported",
        Phase::Verified => "inc.phase.verified",
        Phase::Contained => "inc.phase.contained",
        Phase::Recovered => "inc.phase.recovered",
        Phase::Closed => "inc.phase.closed",
    }
}

pub(crate) fn report_key(r: ReportKind) -> &'static str {
    match r {
        ReportKind::Notification => "inc.rep.notification",
        ReportKind::Initial => "inc.rep.initial",
        ReportKind::Progress => "inc.rep.progress",
        ReportKind::ResponsePlan => "inc.rep.response_plan",
        ReportKind::SupportRequest => "inc.rep.support_request",
        ReportKind::Closing => "inc.rep.closing",
        ReportKind::Periodic => "inc.rep.periodic",
    }
}

pub(crate) fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "—".into())
}

pub struct Row {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub agency: String,
    pub kind: &'static str,
    pub severity: &'static str,
    pub serious: bool,
    pub phase: &'static str,
    pub discovered: String,
    pub late: bool,
}

pub struct SystemRow {
    pub name: String,
    pub agency: String,
    pub level: u8,
    pub approved: bool,
    pub decision: String,
    pub last_test: String,
}

#[derive(Template)]
#[template(path = "incidents/register.html")]
struct Register {
    layout: Layout,
    saved: Option<&'static str>,
    year: i32,
    rows: Vec<Row>,
    total: usize,
    serious: usize,
    open: usize,
    by_kind: Vec<(&'static str, usize)>,
    to_contain: String,
    to_close: String,
    systems: Vec<SystemRow>,
    agencies: Vec<(String, String)>,
    units: Vec<(String, String)>,
    system_options: Vec<(i64, String, bool)>,
    kinds: Vec<(&'static str, &'static str)>,
    severities: Vec<(&'static str, &'static str)>,
    form: FormState,
    system_form: FormState,
}

fn hours(h: Option<f64>, lang: Lang) -> String {
    match h {
        Some(h) => {
            let s = format!("{h:.1}");
            format!("{} {}", if lang == Lang::Vi { s.replace('.', ",") } else { s }, t(lang, "inc.hours"))
        }
        None => "—".into(),
    }
}

#[derive(Default)]
struct Forms {
    incident: FormState,
    system: FormState,
}

async fn show(state: &AppState, ctx: &Ctx, p: &Principal, year: i32, forms: Forms, status: StatusCode, saved: Option<&'static str>) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let actor = Actor::User(p);
    let (agency_names, _) = crate::network::pages::names(state, lang).await?;
    let today = state.app.now().date();
    let mut units: Vec<(String, String)> = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.is_active_on(today))
        .map(|u| (u.code.as_str().to_string(), u.name))
        .collect();
    // the province first, then its communes by name
    units.sort_by(|a, b| (a.0.len(), &a.1).cmp(&(b.0.len(), &b.1)));
    let list = inc::incidents(&state.app, actor, year).await?;
    let rows = list
        .iter()
        .map(|(i, owed)| Row {
            id: i.id,
            code: egov_app::incidents::pdf::code(i),
            title: i.n.title.clone(),
            agency: agency_names.get(&i.n.agency_id).cloned().unwrap_or_else(|| i.n.agency_id.clone()),
            kind: kind_key(i.n.kind),
            severity: severity_key(i.n.severity),
            serious: i.n.serious,
            phase: phase_key(i.phase),
            discovered: egov_kernel::vn::micros_to_page(i.n.discovered_at),
            late: owed.iter().any(|o| o.late),
        })
        .collect();
    let s = inc::year_stats(&state.app, actor, year).await?;
    let systems_list = inc::systems(&state.app, actor).await?;
    let systems = systems_list
        .iter()
        .map(|r| SystemRow {
            name: r.s.name.clone(),
            agency: agency_names.get(&r.s.owner_agency).cloned().unwrap_or_else(|| r.s.owner_agency.clone()),
            level: r.s.level().number(),
            approved: r.s.approved_level.is_some(),
            decision: r.s.approval_decision.clone(),
            last_test: day(r.s.last_test),
        })
        .collect();
    let scope = egov_app::protection::Scope::of(actor).ok_or(WebError::Forbidden)?;
    let mut agencies: Vec<(String, String)> = agency_names.into_iter().filter(|(id, _)| scope.covers(id)).collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let mut form = forms.incident;
    if form.values.is_empty() {
        form.values.insert("agency_id".into(), p.agency_id.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default());
        form.values.insert("severity".into(), "medium".into());
    }
    let system_options = systems_list.iter().map(|r| (r.id, r.s.name.clone(), form.checked(&format!("system_{}", r.id)))).collect();
    let page = Register {
        layout: Layout::new(ctx, "inc.title"),
        saved,
        year,
        rows,
        total: s.total,
        serious: s.serious,
        open: s.open,
        by_kind: s.by_kind.iter().map(|(k, n)| (kind_key(*k), *n)).collect(),
        to_contain: hours(s.to_contain.mean, lang),
        to_close: hours(s.to_close.mean, lang),
        systems,
        agencies,
        units,
        system_options,
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), kind_key(*k))).collect(),
        severities: Severity::ALL.iter().map(|s| (s.as_str(), severity_key(*s))).collect(),
        form,
        system_form: forms.system,
    };
    Ok(render(status, &page))
}

pub(crate) fn year_of(state: &AppState, q: &HashMap<String, String>) -> i32 {
    q.get("nam")
        .and_then(|y| y.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| chrono::Datelike::year(&state.app.now()))
}

async fn register(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let saved = q.contains_key("luu").then_some("inc.saved");
        show(&state, &ctx, p, year_of(&state, &q), Forms::default(), StatusCode::OK, saved).await
    }
    .await;
    or_login(&ctx, r)
}

const INCIDENT_FIELDS: [&str; 9] = ["agency_id", "unit_code", "title", "description", "kind", "severity", "discovered_at", "beyond_capacity_on", "systems"];
const HARMS: [&str; 5] = ["outage", "secret_leak", "data_lost", "loss_of_control", "cascading"];

async fn add(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let r = async {
        // repeated fields (the systems' checkboxes): read as pairs
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        let f: HashMap<String, String> = pairs.iter().cloned().collect();
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        for k in INCIDENT_FIELDS.iter().chain(HARMS.iter()) {
            form.values.insert(k.to_string(), f.get(*k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        let systems: Vec<i64> = pairs.iter().filter(|(k, _)| k == "system").filter_map(|(_, v)| v.parse().ok()).collect();
        for s in &systems {
            form.values.insert(format!("system_{s}"), "1".into());
        }
        let on = |k: &str| !form.v(k).is_empty();
        let beyond = form.v("beyond_capacity_on");
        let mut errs = Vec::new();
        let beyond_capacity_on = if beyond.is_empty() {
            None
        } else {
            match chrono::NaiveDate::parse_from_str(beyond, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.push(egov_app::FieldError::new("beyond_capacity_on", "err.date"));
                    None
                }
            }
        };
        let input = IncidentInput {
            agency_id: form.v("agency_id").into(),
            unit_code: form.v("unit_code").into(),
            title: form.v("title").into(),
            description: form.v("description").into(),
            kind: form.v("kind").into(),
            severity: form.v("severity").into(),
            harms: Harms { outage: on("outage"), secret_leak: on("secret_leak"), data_lost: on("data_lost"), loss_of_control: on("loss_of_control"), cascading: on("cascading") },
            beyond_capacity_on,
            discovered_at: crate::network::api::local_minute(form.v("discovered_at")),
            systems,
        };
        let r = if errs.is_empty() {
            inc::report(&state.app, Actor::User(&p), &input).await
        } else {
            errs.extend(inc::problems(&state.app, Actor::User(&p), &input).await?);
            Err(egov_app::AppError::Invalid(Vec::new()))
        };
        match r {
            Ok(id) => Ok(Redirect::to(&format!("{BASE}/{id}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(more)) => {
                errs.extend(more);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let year = chrono::Datelike::year(&state.app.now());
                show(&state, &ctx, &p, year, Forms { incident: form, ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

const SYSTEM_FIELDS: [&str; 8] =
    ["system_name", "owner_agency", "operator", "proposed_level", "approved_level", "approval_decision", "protection_plan", "last_test"];

async fn add_system(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        for k in SYSTEM_FIELDS.iter().chain(&["monitored", "national"]) {
            form.values.insert(k.to_string(), f.get(*k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        let input = SystemInput {
            name: form.v("system_name").into(),
            owner_agency: form.v("owner_agency").into(),
            operator: form.v("operator").into(),
            proposed_level: form.v("proposed_level").into(),
            approved_level: form.v("approved_level").into(),
            approval_decision: form.v("approval_decision").into(),
            protection_plan: form.v("protection_plan").into(),
            last_test: form.v("last_test").into(),
            monitored: !form.v("monitored").is_empty(),
            national: !form.v("national").is_empty(),
        };
        match inc::save_system(&state.app, Actor::User(&p), None, &input).await {
            Ok(_) => Ok(Redirect::to(&format!("{BASE}?luu=1#sys-h")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| {
                    let field = if e.field == "name" { "system_name" } else { e.field.as_str() };
                    form.add(field, ctx.lang, e.key)
                });
                let year = chrono::Datelike::year(&state.app.now());
                show(&state, &ctx, &p, year, Forms { system: form, ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// An incident raised from a detection or an outage (or the one raised
/// before), shown on its page.
fn raised(r: inc::Raised) -> Response {
    Redirect::to(&format!("{BASE}/{}{}", r.id, if r.new { "?luu=1" } else { "" })).into_response()
}

/// The security console's button on a detection.
async fn from_detection(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        Ok(raised(inc::from_detection(&state.app, Actor::User(p), id).await?))
    }
    .await;
    or_login(&ctx, r)
}

/// The network pages' button on an outage.
async fn from_outage(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        Ok(raised(inc::from_outage(&state.app, Actor::User(p), id).await?))
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(register).post(add))
        .route("/quan-tri/su-co/tu-phat-hien/{id}", post(from_detection))
        .route("/quan-tri/su-co/tu-mat-ket-noi/{id}", post(from_outage))
        .route("/quan-tri/su-co/he-thong", post(add_system))
        .merge(super::incident::routes())
        .merge(super::periodic::routes())
}

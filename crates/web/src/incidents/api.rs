//! The incidents' API (`/api/v1/incidents/…`, bearer tokens): the systems'
//! inventory, incidents reported or raised from a detection, their steps,
//! the reports sent and owed, the year's statistics — as the caller may see
//! them (the department every agency's, an agency's administrators their own).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use egov_app::incidents::{self as inc, IncidentInput, Step};
use egov_app::Actor;
use egov_incident::regime::Owed;
use egov_incident::{Harms, Phase, ReportKind, SystemInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(body).map_err(|e| WebError::BadRequest(e.to_string()))
}

async fn answer(ctx: &Ctx, f: impl std::future::Future<Output = Result<Response, WebError>>) -> Response {
    f.await.unwrap_or_else(|e| e.problem(ctx.lang))
}

fn instant(m: i64) -> String {
    crate::network::api::instant(m)
}

/// A day, `YYYY-MM-DD`: a string the schema allows that is no day is
/// refused as a field's problem (422), like the dates of the other modules.
fn day(s: &str, field: &'static str) -> Result<NaiveDate, WebError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| WebError::Invalid(vec![egov_app::FieldError::new(field, "err.date")]))
}

#[derive(Serialize, ToSchema)]
pub struct IncCreated {
    id: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemRequest {
    #[schema(max_length = 200, example = "Hệ thống thông tin giải quyết thủ tục hành chính")]
    name: String,
    #[schema(max_length = 32, example = "H72.11")]
    owner_agency: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    operator: String,
    #[schema(minimum = 1, maximum = 5)]
    proposed_level: u8,
    #[schema(minimum = 1, maximum = 5)]
    approved_level: Option<u8>,
    /// The approval's decision (required with an approved level).
    #[serde(default)]
    #[schema(max_length = 200)]
    approval_decision: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    protection_plan: String,
    #[schema(example = "2026-05-20")]
    last_test: Option<String>,
    #[serde(default)]
    monitored: bool,
    /// On the national list of important information systems.
    #[serde(default)]
    national: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SystemDoc {
    id: i64,
    name: String,
    owner_agency: String,
    operator: String,
    proposed_level: u8,
    approved_level: Option<u8>,
    approval_decision: String,
    protection_plan: String,
    last_test: Option<String>,
    monitored: bool,
    national: bool,
}

/// The information systems in the caller's scope, with their security levels.
#[utoipa::path(get, operation_id = "incidents_systems", path = "/api/v1/incidents/systems", security(("bearer" = [])), responses((status = 200, body = [SystemDoc]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn systems(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let list = inc::systems(&state.app, Actor::User(p)).await?;
        let docs: Vec<SystemDoc> = list
            .into_iter()
            .map(|r| SystemDoc {
                id: r.id,
                name: r.s.name,
                owner_agency: r.s.owner_agency,
                operator: r.s.operator,
                proposed_level: r.s.proposed_level.number(),
                approved_level: r.s.approved_level.map(|l| l.number()),
                approval_decision: r.s.approval_decision,
                protection_plan: r.s.protection_plan,
                last_test: r.s.last_test.map(|d| d.to_string()),
                monitored: r.s.monitored,
                national: r.s.national,
            })
            .collect();
        Ok(Json(docs).into_response())
    })
    .await
}

/// Adds an information system to the inventory.
#[utoipa::path(post, operation_id = "incidents_add_system", path = "/api/v1/incidents/systems", request_body = SystemRequest, security(("bearer" = [])), responses((status = 201, body = IncCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "a name taken in the agency, an agency not the caller's, an approved level without its decision")))]
async fn add_system(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: SystemRequest = json(&body)?;
        let input = SystemInput {
            name: r.name,
            owner_agency: r.owner_agency,
            operator: r.operator,
            proposed_level: r.proposed_level.to_string(),
            approved_level: r.approved_level.map(|l| l.to_string()).unwrap_or_default(),
            approval_decision: r.approval_decision,
            protection_plan: r.protection_plan,
            last_test: r.last_test.unwrap_or_default(),
            monitored: r.monitored,
            national: r.national,
        };
        let id = inc::save_system(&state.app, Actor::User(p), None, &input).await?;
        Ok((StatusCode::CREATED, Json(IncCreated { id })).into_response())
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct HarmsDoc {
    #[serde(default)]
    outage: bool,
    #[serde(default)]
    secret_leak: bool,
    #[serde(default)]
    data_lost: bool,
    #[serde(default)]
    loss_of_control: bool,
    #[serde(default)]
    cascading: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRequest {
    #[schema(max_length = 32, example = "H72.11")]
    agency_id: String,
    /// The administrative unit where it happened (a commune's 5 digits or
    /// the province's 2), in force on the day of discovery; absent: the agency's.
    #[schema(max_length = 5, example = "25441")]
    unit_code: Option<String>,
    #[schema(max_length = 300)]
    title: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    description: String,
    /// `malware`, `intrusion`, `denial_of_service`, `data_leak`, `defacement`, `phishing`, `outage` or `other`.
    #[schema(example = "malware")]
    kind: String,
    /// `low`, `medium`, `high` or `critical`.
    #[schema(example = "medium")]
    severity: String,
    #[serde(default)]
    harms: Option<HarmsDoc>,
    /// When it was discovered, Vietnam time (`YYYY-MM-DDTHH:MM`).
    #[schema(example = "2026-12-04T08:30")]
    discovered_at: String,
    /// The day the unit found it beyond its capacity (the initial report falls due).
    #[schema(example = "2026-12-04")]
    beyond_capacity_on: Option<String>,
    /// The affected information systems' ids.
    #[serde(default)]
    #[schema(max_items = 50)]
    systems: Vec<i64>,
}

/// Reports an incident.
#[utoipa::path(post, operation_id = "incidents_report", path = "/api/v1/incidents", request_body = IncidentRequest, security(("bearer" = [])), responses((status = 201, body = IncCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "no legal basis in force on the day of discovery"), (status = 422, body = crate::error::Problem)))]
async fn report(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: IncidentRequest = json(&body)?;
        if r.systems.len() > 50 {
            return Err(WebError::BadRequest("systems: at most 50".into()));
        }
        let h = r.harms.unwrap_or_default();
        let input = IncidentInput {
            agency_id: r.agency_id,
            unit_code: r.unit_code.unwrap_or_default(),
            title: r.title,
            description: r.description,
            kind: r.kind,
            severity: r.severity,
            harms: Harms { outage: h.outage, secret_leak: h.secret_leak, data_lost: h.data_lost, loss_of_control: h.loss_of_control, cascading: h.cascading },
            beyond_capacity_on: r.beyond_capacity_on.as_deref().map(|d| day(d, "beyond_capacity_on")).transpose()?,
            discovered_at: crate::network::api::local_minute(&r.discovered_at),
            systems: r.systems,
        };
        let id = inc::report(&state.app, Actor::User(p), &input).await?;
        Ok((StatusCode::CREATED, Json(IncCreated { id })).into_response())
    })
    .await
}

/// Raises an incident from a detection of the information-security console
/// (201); asked again, answers the incident raised before (200).
#[utoipa::path(post, operation_id = "incidents_from_detection", path = "/api/v1/incidents/from-detection/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 201, body = IncCreated), (status = 200, body = IncCreated, description = "raised before"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
async fn from_detection(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r = inc::from_detection(&state.app, Actor::User(p), id).await?;
        Ok((if r.new { StatusCode::CREATED } else { StatusCode::OK }, Json(IncCreated { id: r.id })).into_response())
    })
    .await
}

/// Raises an incident from an outage of the data network (201); asked
/// again, answers the incident raised before (200).
#[utoipa::path(post, operation_id = "incidents_from_outage", path = "/api/v1/incidents/from-outage/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 201, body = IncCreated), (status = 200, body = IncCreated, description = "raised before"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "no agency serves the site's unit")))]
async fn from_outage(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r = inc::from_outage(&state.app, Actor::User(p), id).await?;
        Ok((if r.new { StatusCode::CREATED } else { StatusCode::OK }, Json(IncCreated { id: r.id })).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct OwedDoc {
    /// `notification`, `initial`, `progress`, `response_plan`, `support_request`, `closing` or `periodic`.
    report: String,
    /// The last day allowed (none: sent as needed).
    due: Option<String>,
    sent: Option<String>,
    late: bool,
}

fn owed_doc(o: &Owed) -> OwedDoc {
    OwedDoc { report: o.report.as_str().into(), due: o.due.map(|d| d.to_string()), sent: o.sent.map(|d| d.to_string()), late: o.late }
}

#[derive(Serialize, ToSchema)]
pub struct IncidentSummary {
    id: i64,
    agency_id: String,
    /// The administrative unit where it happened.
    unit_code: String,
    title: String,
    kind: String,
    severity: String,
    serious: bool,
    /// `reported`, `verified`, `contained`, `recovered` or `closed`.
    phase: String,
    discovered_at: String,
    source: String,
    assignee: Option<String>,
    /// A report owed is late.
    late: bool,
    reports: Vec<OwedDoc>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year of discovery (absent: this year).
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
}

fn year_of(state: &AppState, y: Option<i32>) -> Result<i32, WebError> {
    let y = y.unwrap_or_else(|| chrono::Datelike::year(&state.app.now()));
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(WebError::BadRequest("year: from 2000 to 2100".into()))
    }
}

fn summary(i: &egov_store::incidents::Incident, owed: &[Owed]) -> IncidentSummary {
    IncidentSummary {
        id: i.id,
        agency_id: i.n.agency_id.clone(),
        unit_code: i.n.unit_code.clone(),
        title: i.n.title.clone(),
        kind: i.n.kind.as_str().into(),
        severity: i.n.severity.as_str().into(),
        serious: i.n.serious,
        phase: i.phase.as_str().into(),
        discovered_at: instant(i.n.discovered_at),
        source: i.n.source.as_str().into(),
        assignee: i.assignee.clone(),
        late: owed.iter().any(|o| o.late),
        reports: owed.iter().map(owed_doc).collect(),
    }
}

/// Incidents discovered in a year, newest first, with the reports each owes.
#[utoipa::path(get, operation_id = "incidents_list", path = "/api/v1/incidents", params(YearQuery), security(("bearer" = [])), responses((status = 200, body = [IncidentSummary]), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<YearQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let year = year_of(&state, q.year)?;
        let list = inc::incidents(&state.app, Actor::User(p), year).await?;
        let docs: Vec<IncidentSummary> = list.iter().map(|(i, owed)| summary(i, owed)).collect();
        Ok(Json(docs).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct ActionDoc {
    at: String,
    /// Who, as the audit log names them (`user:ID`, `cli`).
    actor: String,
    /// `reported`, `beyond_capacity`, `assigned`, `note`, `phase:…`, `report:…`.
    what: String,
    note: String,
}

#[derive(Serialize, ToSchema)]
pub struct IncidentDoc {
    #[serde(flatten)]
    summary: IncidentSummary,
    description: String,
    harms: HarmsDoc,
    beyond_capacity_on: Option<String>,
    systems: Vec<i64>,
    /// The legal basis whose rules apply (in force on the day of discovery).
    regime: String,
    recipients: Vec<String>,
    contained_at: Option<String>,
    response_ended_on: Option<String>,
    closed_at: Option<String>,
    root_cause: String,
    lessons: String,
    timeline: Vec<ActionDoc>,
}

/// An incident with its timeline and its reports, owed and sent.
#[utoipa::path(get, operation_id = "incidents_get", path = "/api/v1/incidents/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = IncidentDoc), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let v = inc::incident(&state.app, Actor::User(p), id).await?;
        let i = &v.i;
        let h = i.n.harms;
        Ok(Json(IncidentDoc {
            summary: summary(i, &v.owed),
            description: i.n.description.clone(),
            harms: HarmsDoc { outage: h.outage, secret_leak: h.secret_leak, data_lost: h.data_lost, loss_of_control: h.loss_of_control, cascading: h.cascading },
            beyond_capacity_on: i.n.beyond_capacity_on.map(|d| d.to_string()),
            systems: i.n.systems.clone(),
            regime: i.n.regime.clone(),
            recipients: v.recipients.clone(),
            contained_at: i.contained_at.map(instant),
            response_ended_on: i.response_ended_on.map(|d| d.to_string()),
            closed_at: i.closed_at.map(instant),
            root_cause: i.root_cause.clone(),
            lessons: i.lessons.clone(),
            timeline: v.actions.iter().map(|a| ActionDoc { at: instant(a.at), actor: a.actor.clone(), what: a.what.clone(), note: a.note.clone() }).collect(),
        })
        .into_response())
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Phase,
    BeyondCapacity,
    Assign,
    Note,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    step: StepKind,
    /// `phase`: `verified`, `contained`, `recovered` or `closed`.
    to: Option<String>,
    /// `phase` to `closed`: the root cause and the lessons.
    #[schema(max_length = 5000)]
    root_cause: Option<String>,
    #[schema(max_length = 5000)]
    lessons: Option<String>,
    /// `phase` to `recovered` or `closed`: the day the response ended (absent: today).
    response_ended_on: Option<String>,
    /// `beyond_capacity`: the day (absent: today).
    day: Option<String>,
    /// `assign`: a username.
    #[schema(max_length = 64)]
    assignee: Option<String>,
    /// `note`: the text.
    #[schema(max_length = 5000)]
    note: Option<String>,
}

/// Takes a step of an incident's response: a phase (forward; closed only
/// with the root cause and once the closing report is sent), beyond
/// capacity, an assignment, a note.
#[utoipa::path(post, operation_id = "incidents_step", path = "/api/v1/incidents/{id}/steps", params(("id" = i64, Path)), request_body = StepRequest, security(("bearer" = [])), responses((status = 204, description = "taken"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "not from its present phase, or not yet closable"), (status = 422, body = crate::error::Problem)))]
async fn step(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: StepRequest = json(&body)?;
        let today = state.app.now().date();
        let s = match r.step {
            StepKind::Phase => {
                let to = r
                    .to
                    .as_deref()
                    .and_then(Phase::parse)
                    .ok_or_else(|| WebError::Invalid(vec![egov_app::FieldError::new("to", "err.option")]))?;
                Step::Phase {
                    to,
                    root_cause: r.root_cause.unwrap_or_default(),
                    lessons: r.lessons.unwrap_or_default(),
                    response_ended_on: r.response_ended_on.as_deref().map(|d| day(d, "response_ended_on")).transpose()?,
                }
            }
            StepKind::BeyondCapacity => Step::BeyondCapacity(r.day.as_deref().map(|d| day(d, "day")).transpose()?.unwrap_or(today)),
            StepKind::Assign => Step::Assign(r.assignee.unwrap_or_default()),
            StepKind::Note => Step::Note(r.note.unwrap_or_default()),
        };
        inc::step(&state.app, Actor::User(p), id, s).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendRequest {
    /// `notification`, `initial`, `progress`, `response_plan`, `support_request` or `closing`.
    #[schema(example = "notification")]
    kind: String,
    /// The report's text: at most 20,000 characters (longer is refused with 422).
    #[serde(default)]
    body: String,
}

/// Records one of an incident's reports as sent today, to the recipients of its legal basis.
#[utoipa::path(post, operation_id = "incidents_send", path = "/api/v1/incidents/{id}/reports", params(("id" = i64, Path)), request_body = SendRequest, security(("bearer" = [])), responses((status = 201, body = IncCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn send(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: SendRequest = json(&body)?;
        let kind = ReportKind::parse(r.kind.trim())
            .ok_or_else(|| WebError::Invalid(vec![egov_app::FieldError::new("kind", "err.option")]))?;
        let rid = inc::send(&state.app, Actor::User(p), id, kind, &r.body).await?;
        Ok((StatusCode::CREATED, Json(IncCreated { id: rid })).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct HoursDoc {
    count: usize,
    mean: Option<f64>,
    median: Option<f64>,
    max: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct StatsDoc {
    year: i32,
    total: usize,
    serious: usize,
    open: usize,
    #[schema(value_type = Object)]
    by_kind: std::collections::BTreeMap<String, usize>,
    #[schema(value_type = Object)]
    by_severity: std::collections::BTreeMap<String, usize>,
    /// Hours from discovery to containment and to closing.
    to_contain: HoursDoc,
    to_close: HoursDoc,
}

/// The year's incidents for the year-end report: counts by kind and
/// severity, serious ones, the hours to contain and to close.
#[utoipa::path(get, operation_id = "incidents_stats", path = "/api/v1/incidents/stats", params(YearQuery), security(("bearer" = [])), responses((status = 200, body = StatsDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn stats(State(state): State<AppState>, ctx: Ctx, Query(q): Query<YearQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let year = year_of(&state, q.year)?;
        let s = inc::year_stats(&state.app, Actor::User(p), year).await?;
        let hours = |h: egov_incident::stats::Hours| HoursDoc { count: h.count, mean: h.mean, median: h.median, max: h.max };
        Ok(Json(StatsDoc {
            year,
            total: s.total,
            serious: s.serious,
            open: s.open,
            by_kind: s.by_kind.iter().map(|(k, n)| (k.as_str().to_string(), *n)).collect(),
            by_severity: s.by_severity.iter().map(|(k, n)| (k.as_str().to_string(), *n)).collect(),
            to_contain: hours(s.to_contain),
            to_close: hours(s.to_close),
        })
        .into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodicQuery {
    /// The agency (absent: the caller's own).
    #[param(max_length = 32)]
    agency: Option<String>,
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct PeriodicDoc {
    agency_id: String,
    year: i32,
    /// Each deadline (the last day allowed) with the report that answers it.
    deadlines: Vec<OwedDoc>,
    /// The reports sent in the year: their ids and days.
    sent: Vec<SentDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct SentDoc {
    id: i64,
    sent_on: String,
    sent_by: String,
}

fn agency_for(p: &egov_identity::Principal, given: Option<&str>) -> Result<String, WebError> {
    match (given, &p.agency_id) {
        (Some(a), _) => Ok(a.trim().to_string()),
        (None, Some(a)) => Ok(a.as_str().to_string()),
        (None, None) => Err(WebError::BadRequest("agency: the caller has none of their own".into())),
    }
}

/// An agency's periodic reports (form 05) of a year: due before 20 June and 15 December.
#[utoipa::path(get, operation_id = "incidents_periodic", path = "/api/v1/incidents/periodic", params(PeriodicQuery), security(("bearer" = [])), responses((status = 200, body = PeriodicDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn periodic(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PeriodicQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let year = year_of(&state, q.year)?;
        let agency = agency_for(p, q.agency.as_deref())?;
        let (owed, sent) = inc::periodic(&state.app, Actor::User(p), &agency, year).await?;
        Ok(Json(PeriodicDoc {
            agency_id: agency,
            year,
            deadlines: owed.iter().map(owed_doc).collect(),
            sent: sent.iter().map(|r| SentDoc { id: r.id, sent_on: r.sent_on.to_string(), sent_by: r.sent_by.clone() }).collect(),
        })
        .into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodicRequest {
    /// The agency (absent: the caller's own).
    #[schema(max_length = 32)]
    agency_id: Option<String>,
    /// The report's text: at most 20,000 characters (counted after the
    /// server's cleaning of control characters; longer is refused with 422).
    #[serde(default)]
    body: String,
}

/// Records an agency's periodic report (form 05) as sent today.
#[utoipa::path(post, operation_id = "incidents_send_periodic", path = "/api/v1/incidents/periodic", request_body = PeriodicRequest, security(("bearer" = [])), responses((status = 201, body = IncCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn send_periodic(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PeriodicRequest = json(&body)?;
        let agency = agency_for(p, r.agency_id.as_deref())?;
        let id = inc::send_periodic(&state.app, Actor::User(p), &agency, &r.body).await?;
        Ok((StatusCode::CREATED, Json(IncCreated { id })).into_response())
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    /// `notification`, `initial`, `progress`, `response_plan`, `support_request` or `closing`.
    report: String,
    /// `discovery`, `beyond_capacity` or `response_end`.
    anchor: String,
    /// `working` (days of the calendar) or `calendar`.
    count: String,
    #[schema(minimum = 0, maximum = 365)]
    days: u32,
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct MonthDay {
    #[schema(minimum = 1, maximum = 12)]
    month: u32,
    #[schema(minimum = 1, maximum = 31)]
    day: u32,
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct RegimeDoc {
    #[schema(max_length = 40, example = "QD05-2017")]
    code: String,
    #[schema(max_length = 500)]
    basis: String,
    #[schema(example = "2017-03-16")]
    effective_from: String,
    effective_to: Option<String>,
    rules: Vec<RuleDoc>,
    /// The periodic report is due before these days of each year.
    periodic_before: Vec<MonthDay>,
    recipients: Vec<String>,
    /// The forms' numbers the reports are made on.
    #[serde(default)]
    forms: Vec<FormDoc>,
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct FormDoc {
    /// A report kind, as in `rules`, or `periodic`.
    report: String,
    #[schema(max_length = 20, example = "03")]
    number: String,
}

fn regime_doc(r: &egov_incident::Regime) -> RegimeDoc {
    let anchor = |a: egov_incident::Anchor| match a {
        egov_incident::Anchor::Discovery => "discovery",
        egov_incident::Anchor::BeyondCapacity => "beyond_capacity",
        egov_incident::Anchor::ResponseEnd => "response_end",
    };
    RegimeDoc {
        code: r.code.clone(),
        basis: r.basis.clone(),
        effective_from: r.effective_from.to_string(),
        effective_to: r.effective_to.map(|d| d.to_string()),
        rules: r
            .rules
            .iter()
            .map(|x| RuleDoc {
                report: x.report.as_str().into(),
                anchor: anchor(x.anchor).into(),
                count: if x.count == egov_incident::DayCount::Working { "working" } else { "calendar" }.into(),
                days: x.days,
            })
            .collect(),
        periodic_before: r.periodic_before.iter().map(|&(month, day)| MonthDay { month, day }).collect(),
        recipients: r.recipients.clone(),
        forms: r.forms.iter().map(|(k, n)| FormDoc { report: k.as_str().into(), number: n.clone() }).collect(),
    }
}

fn regime_of(d: RegimeDoc) -> Result<egov_incident::Regime, WebError> {
    let bad = |f: &'static str| WebError::Invalid(vec![egov_app::FieldError::new(f, "err.option")]);
    let mut rules = Vec::new();
    for x in d.rules {
        rules.push(egov_incident::Rule {
            report: ReportKind::parse(&x.report).filter(|k| *k != ReportKind::Periodic).ok_or_else(|| bad("rules"))?,
            anchor: match x.anchor.as_str() {
                "discovery" => egov_incident::Anchor::Discovery,
                "beyond_capacity" => egov_incident::Anchor::BeyondCapacity,
                "response_end" => egov_incident::Anchor::ResponseEnd,
                _ => return Err(bad("rules")),
            },
            count: match x.count.as_str() {
                "working" => egov_incident::DayCount::Working,
                "calendar" => egov_incident::DayCount::Calendar,
                _ => return Err(bad("rules")),
            },
            days: x.days,
        });
    }
    Ok(egov_incident::Regime {
        code: d.code.trim().to_string(),
        basis: d.basis.trim().to_string(),
        effective_from: day(&d.effective_from, "effective_from")?,
        effective_to: d.effective_to.as_deref().map(|t| day(t, "effective_to")).transpose()?,
        rules,
        periodic_before: d.periodic_before.iter().map(|p| (p.month, p.day)).collect(),
        recipients: d.recipients.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect(),
        forms: d
            .forms
            .iter()
            .map(|f| ReportKind::parse(&f.report).map(|k| (k, f.number.trim().to_string())).ok_or_else(|| bad("forms")))
            .collect::<Result<_, _>>()?,
    })
}

/// The legal bases' rules for the reports owed, with their dates (Decision 05/2017 until another is kept).
#[utoipa::path(get, operation_id = "incidents_regimes", path = "/api/v1/incidents/regimes", security(("bearer" = [])), responses((status = 200, body = [RegimeDoc]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn regimes(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        if !inc::may_view(Actor::User(p)) {
            return Err(WebError::Forbidden);
        }
        let list = inc::regimes(&state.app).await?;
        Ok(Json(list.iter().map(regime_doc).collect::<Vec<_>>()).into_response())
    })
    .await
}

/// Keeps a legal basis's rules (system administrators): the code in the
/// address and the body's must agree; a new law is a new code with its dates.
#[utoipa::path(put, operation_id = "incidents_put_regime", path = "/api/v1/incidents/regimes/{code}", params(("code" = String, Path)), request_body = RegimeDoc, security(("bearer" = [])), responses((status = 204, description = "kept"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_regime(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let d: RegimeDoc = json(&body)?;
        if d.code.trim() != code.trim() {
            return Err(WebError::Invalid(vec![egov_app::FieldError::new("code", "err.option")]));
        }
        let r = regime_of(d)?;
        inc::save_regime(&state.app, Actor::User(p), &r).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// A report as it was sent: the PDF, with its SHA-256 and the instance's
/// Ed25519 signature of that digest in headers (`X-Egov-Sha256`,
/// `X-Egov-Signature`, `X-Egov-Signer-Key`, hex).
#[utoipa::path(get, operation_id = "incidents_report_pdf", path = "/api/v1/incidents/reports/{id}/pdf", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, description = "the report", content_type = "application/pdf", body = Vec<u8>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn report_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let doc = inc::report_pdf(&state.app, Actor::User(p), id).await?;
        let mut headers = vec![
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"bao-cao-su-co-{id}.pdf\"")),
        ];
        let extra = [("x-egov-sha256", Some(doc.sha256.clone())), ("x-egov-signature", doc.signature.clone()), ("x-egov-signer-key", doc.signer_key.clone())];
        let mut r = (StatusCode::OK, doc.pdf).into_response();
        for (k, v) in headers.drain(..) {
            if let Ok(v) = axum::http::HeaderValue::from_str(&v) {
                r.headers_mut().insert(k, v);
            }
        }
        for (k, v) in extra {
            if let Some(v) = v.and_then(|v| axum::http::HeaderValue::from_str(&v).ok()) {
                r.headers_mut().insert(axum::http::HeaderName::from_static(k), v);
            }
        }
        Ok(r)
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/incidents", get(list).post(report))
        .route("/api/v1/incidents/systems", get(systems).post(add_system))
        .route("/api/v1/incidents/stats", get(stats))
        .route("/api/v1/incidents/from-detection/{id}", post(from_detection))
        .route("/api/v1/incidents/from-outage/{id}", post(from_outage))
        .route("/api/v1/incidents/periodic", get(periodic).post(send_periodic))
        .route("/api/v1/incidents/regimes", get(regimes))
        .route("/api/v1/incidents/reports/{id}/pdf", get(report_pdf))
        .route("/api/v1/incidents/regimes/{code}", axum::routing::put(put_regime))
        .route("/api/v1/incidents/{id}", get(one))
        .route("/api/v1/incidents/{id}/steps", post(step))
        .route("/api/v1/incidents/{id}/reports", post(send))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(systems, add_system, report, from_detection, from_outage, list, one, step, send, stats, periodic, send_periodic, regimes, put_regime, report_pdf, super::export::workbook_api),
    components(schemas(
        IncCreated,
        SystemRequest,
        SystemDoc,
        HarmsDoc,
        IncidentRequest,
        OwedDoc,
        IncidentSummary,
        ActionDoc,
        IncidentDoc,
        StepKind,
        StepRequest,
        SendRequest,
        HoursDoc,
        StatsDoc,
        PeriodicDoc,
        SentDoc,
        PeriodicRequest,
        RuleDoc,
        MonthDay,
        FormDoc,
        RegimeDoc
    ))
)]
pub(crate) struct Api;

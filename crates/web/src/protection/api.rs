//! Endpoint protection's API. The agents' endpoints (`/api/v1/agent/…`)
//! know an agent by its key (`X-Agent-Key`) only, and each agent by its
//! machine: nothing in a report names another. The console's
//! (`/api/v1/protection/…`, bearer tokens) show and change what the pages
//! do, as the caller may see it.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use egov_app::protection::agent::{self, Heartbeat as AppHeartbeat, LastScan, Report};
use egov_app::protection::{self as pr, MachineLine};
use egov_app::Actor;
use egov_protection::{DetectionState, MachineInput, Policy};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

/// The header an agent's key travels in.
pub const AGENT_KEY: &str = "x-agent-key";

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(body).map_err(|e| WebError::BadRequest(e.to_string()))
}

async fn answer(ctx: &Ctx, f: impl std::future::Future<Output = Result<Response, WebError>>) -> Response {
    f.await.unwrap_or_else(|e| e.problem(ctx.lang))
}

/// The calling agent, by its key; each agent's calls counted against its limit.
async fn calling_agent(state: &AppState, headers: &HeaderMap) -> Result<egov_store::protection::AgentCred, WebError> {
    let key = headers.get(AGENT_KEY).and_then(|v| v.to_str().ok()).ok_or(WebError::Unauthorized)?;
    let cred = match agent::authenticate(&state.app, key).await {
        Ok(c) => c,
        Err(egov_app::AppError::Refused(..)) => return Err(WebError::Unauthorized),
        Err(e) => return Err(e.into()),
    };
    state
        .agent_throttle
        .check(&format!("agent:{}", cred.machine_id), std::time::Instant::now())
        .map_err(WebError::Throttled)?;
    Ok(cred)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    /// The one-time token an agency administrator issued for the machine.
    #[schema(min_length = 1, max_length = 200)]
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct AgentCredentials {
    machine_id: i64,
    /// The agent's key, shown once: sent as `X-Agent-Key` from now on.
    key: String,
}

/// An agent exchanges a one-time enrolment token for its key.
#[utoipa::path(post, path = "/api/v1/agent/enrol", request_body = Enrolment, responses((status = 201, body = AgentCredentials), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem, description = "the token is unknown, used or expired"), (status = 429, body = crate::error::Problem)))]
async fn enrol(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        state.throttle(&state.enrol_throttle, &ctx)?;
        let r: Enrolment = json(&body)?;
        if r.token.chars().count() > 200 {
            return Err(WebError::BadRequest("token: at most 200 characters".into()));
        }
        let e = agent::enrol(&state.app, &r.token).await?;
        Ok((StatusCode::CREATED, Json(AgentCredentials { machine_id: e.machine_id, key: e.secret })).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanDoc {
    #[schema(minimum = 0)]
    seconds_ago: u64,
    /// `clean`, `infected` or `failed`.
    #[schema(example = "clean")]
    result: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatDoc {
    #[schema(max_length = 253)]
    host_name: String,
    #[schema(max_length = 200)]
    os: String,
    #[serde(default)]
    #[schema(max_items = 32)]
    addresses: Vec<String>,
    #[schema(max_length = 40)]
    agent_version: String,
    /// clamd's answer to `VERSION`; absent when clamd did not answer.
    #[schema(example = "ClamAV 1.4.6/27474/Mon Nov 30 09:35:01 2026")]
    clamd_version: Option<String>,
    last_scan: Option<ScanDoc>,
    #[schema(minimum = 0)]
    last_good_scan_seconds_ago: Option<u64>,
}

/// An agent's heartbeat, once a minute: its machine's state.
#[utoipa::path(post, path = "/api/v1/agent/heartbeat", request_body = HeartbeatDoc, security(("agent" = [])), responses((status = 204, description = "kept"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem, description = "no key, or a key unknown or revoked"), (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn heartbeat(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let cred = calling_agent(&state, &headers).await?;
        let h: HeartbeatDoc = json(&body)?;
        let h = AppHeartbeat {
            host_name: h.host_name,
            os: h.os,
            addresses: h.addresses,
            agent_version: h.agent_version,
            clamd_version: h.clamd_version,
            last_scan: h.last_scan.map(|s| LastScan { seconds_ago: s.seconds_ago, result: s.result }),
            last_good_scan_seconds_ago: h.last_good_scan_seconds_ago,
        };
        agent::heartbeat(&state.app, &cred, &h).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectionDoc {
    /// The agent's own id for the report (letters, digits, `-`): a report
    /// sent again is kept once.
    #[schema(max_length = 64, example = "1733040000-3")]
    report_id: String,
    #[schema(minimum = 0)]
    found_seconds_ago: u64,
    #[schema(max_length = 4096)]
    path: String,
    #[schema(max_length = 200, example = "Win.Test.EICAR_HDB-1")]
    signature: String,
    #[schema(min_length = 64, max_length = 64)]
    sha256: String,
    /// `reported` (left in place) or `quarantined` (moved away).
    #[schema(example = "quarantined")]
    action: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Detections {
    #[schema(max_items = 100)]
    reports: Vec<DetectionDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct Recorded {
    /// How many of the reports were new (the others were had already).
    new: usize,
}

/// An agent reports what its scans found.
#[utoipa::path(post, path = "/api/v1/agent/detections", request_body = Detections, security(("agent" = [])), responses((status = 200, body = Recorded), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn detections_in(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let cred = calling_agent(&state, &headers).await?;
        let d: Detections = json(&body)?;
        let reports: Vec<Report> = d
            .reports
            .into_iter()
            .map(|r| Report {
                report_id: r.report_id,
                found_seconds_ago: r.found_seconds_ago,
                path: r.path,
                signature: r.signature,
                sha256: r.sha256,
                action: r.action,
            })
            .collect();
        let new = agent::report(&state.app, &cred, &reports).await?;
        Ok(Json(Recorded { new }).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct CoverageDoc {
    machines: u32,
    covered: u32,
    /// covered ÷ machines, in per mille; absent with no machine.
    per_mille: Option<u32>,
}

impl From<egov_protection::Coverage> for CoverageDoc {
    fn from(c: egov_protection::Coverage) -> Self {
        CoverageDoc { machines: c.machines, covered: c.covered, per_mille: c.per_mille() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MachineDoc {
    id: i64,
    agency_id: String,
    name: String,
    /// `server` or `workstation`.
    kind: String,
    location: String,
    address: String,
    notes: String,
    added_on: String,
    retired_on: Option<String>,
    /// `active`, `disconnected` or `never_connected`.
    state: String,
    outdated: bool,
    covered: bool,
    /// In the inventory today.
    counted: bool,
    host_name: Option<String>,
    agent_version: Option<String>,
    engine: Option<String>,
    signature_version: Option<u32>,
    signature_date: Option<String>,
    last_seen: Option<String>,
    last_scan: Option<String>,
    last_scan_result: Option<String>,
    last_good_scan: Option<String>,
    /// egov's own machine (its upload scanning).
    own: bool,
}

fn instant(micros: i64) -> String {
    egov_kernel::vn::from_micros(micros).map(|t| t.format("%Y-%m-%dT%H:%M:%S+07:00").to_string()).unwrap_or_default()
}

pub(crate) fn machine_doc(l: &MachineLine) -> MachineDoc {
    let m = &l.m.machine.m;
    let s = l.m.status.as_ref();
    MachineDoc {
        id: l.m.machine.id,
        agency_id: m.agency_id.clone(),
        name: m.name.clone(),
        kind: m.kind.as_str().into(),
        location: m.location.clone(),
        address: m.address.clone(),
        notes: m.notes.clone(),
        added_on: m.added_on.to_string(),
        retired_on: m.retired_on.map(|d| d.to_string()),
        state: l.state.as_str().into(),
        outdated: l.outdated,
        covered: l.covered,
        counted: l.counted,
        host_name: s.map(|s| s.host_name.clone()),
        agent_version: s.map(|s| s.agent_version.clone()),
        engine: s.and_then(|s| s.engine.as_ref().map(|e| e.engine.clone())),
        signature_version: s.and_then(|s| s.engine.as_ref().and_then(|e| e.signatures)),
        signature_date: s.and_then(|s| s.signature_date).map(instant),
        last_seen: s.map(|s| instant(s.last_seen)),
        last_scan: s.and_then(|s| s.last_scan).map(instant),
        last_scan_result: s.and_then(|s| s.last_scan_result).map(|r| r.as_str().into()),
        last_good_scan: s.and_then(|s| s.last_good_scan).map(instant),
        own: l.m.own,
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgencyCoverage {
    agency_id: String,
    coverage: CoverageDoc,
}

#[derive(Serialize, ToSchema)]
pub struct ConsoleDoc {
    policy: PolicyDoc,
    /// Today's coverage of the caller's whole scope (the province for the department).
    total: CoverageDoc,
    by_agency: Vec<AgencyCoverage>,
    open_detections: i64,
    machines: Vec<MachineDoc>,
}

/// The console: every machine in the caller's scope, its state, today's coverage.
#[utoipa::path(get, path = "/api/v1/protection/machines", security(("bearer" = [])), responses((status = 200, body = ConsoleDoc), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn machines(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let c = pr::console(&state.app, Actor::User(p)).await?;
        let doc = ConsoleDoc {
            policy: c.policy.into(),
            total: c.total.into(),
            by_agency: c.by_agency.into_iter().map(|(a, c)| AgencyCoverage { agency_id: a, coverage: c.into() }).collect(),
            open_detections: c.open_detections,
            machines: c.machines.iter().map(machine_doc).collect(),
        };
        Ok(Json(doc).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MachineRequest {
    #[schema(max_length = 64, example = "H72.11")]
    agency_id: String,
    #[schema(max_length = 100, example = "PC-TIEP-NHAN-01")]
    name: String,
    /// `server` or `workstation`.
    #[schema(example = "workstation")]
    kind: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    location: String,
    /// An IPv4, IPv6 or MAC address (empty: not known).
    #[serde(default)]
    #[schema(max_length = 64)]
    address: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    notes: String,
    #[schema(example = "2026-01-05")]
    added_on: String,
    #[serde(default)]
    retired_on: Option<String>,
}

impl From<MachineRequest> for MachineInput {
    fn from(r: MachineRequest) -> Self {
        MachineInput {
            agency_id: r.agency_id,
            name: r.name,
            kind: r.kind,
            location: r.location,
            address: r.address,
            notes: r.notes,
            added_on: r.added_on,
            retired_on: r.retired_on.unwrap_or_default(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MachineId {
    id: i64,
}

/// Adds a machine to an agency's inventory.
#[utoipa::path(post, path = "/api/v1/protection/machines", request_body = MachineRequest, security(("bearer" = [])), responses((status = 201, body = MachineId), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "every field's problem; `errors` points at each")))]
async fn add_machine(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: MachineRequest = json(&body)?;
        let id = pr::save_machine(&state.app, Actor::User(p), None, &r.into()).await?;
        Ok((StatusCode::CREATED, Json(MachineId { id })).into_response())
    })
    .await
}

/// Changes a machine (retiring it: `retired_on`).
#[utoipa::path(put, path = "/api/v1/protection/machines/{id}", params(("id" = i64, Path)), request_body = MachineRequest, security(("bearer" = [])), responses((status = 204, description = "changed"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_machine(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: MachineRequest = json(&body)?;
        pr::save_machine(&state.app, Actor::User(p), Some(id), &r.into()).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    /// How long the token lasts, in hours (1 to 72; 24 if absent).
    #[schema(minimum = 1, maximum = 72)]
    hours: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentToken {
    /// Shown once: `egov-agent enrol --server URL --token TOKEN` on the machine.
    token: String,
    expires_at: String,
}

/// Issues a one-time enrolment token for a machine.
#[utoipa::path(post, path = "/api/v1/protection/machines/{id}/enrolment", params(("id" = i64, Path)), request_body = EnrolmentRequest, security(("bearer" = [])), responses((status = 201, body = EnrolmentToken), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "the machine is retired"), (status = 422, body = crate::error::Problem)))]
async fn issue(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: EnrolmentRequest = json(&body)?;
        let hours = r.hours.unwrap_or(pr::ENROLMENT_HOURS.0);
        let (token, expires) = pr::issue_enrolment(&state.app, Actor::User(p), id, hours).await?;
        Ok((StatusCode::CREATED, Json(EnrolmentToken { token, expires_at: instant(expires) })).into_response())
    })
    .await
}

/// Revokes a machine's agent: refused from its next call.
#[utoipa::path(delete, path = "/api/v1/protection/machines/{id}/agent", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 204, description = "revoked (or there was none)"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn revoke(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        pr::revoke(&state.app, Actor::User(p), id).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    added: usize,
    changed: usize,
}

/// Imports an inventory (CSV: `agency,name,kind,location,address,notes,added_on,retired_on`
/// with a header; all or nothing: every problem with its line).
#[utoipa::path(post, path = "/api/v1/protection/inventory", request_body(content = String, content_type = "text/csv"), security(("bearer" = [])), responses((status = 200, body = Imported), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "nothing imported; `errors` points at each line's field as `line N/field`")))]
async fn import(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        match pr::import(&state.app, Actor::User(p), &body).await? {
            Ok((added, changed)) => Ok(Json(Imported { added, changed }).into_response()),
            Err(problems) => Err(WebError::Invalid(
                problems
                    .into_iter()
                    .map(|p| egov_app::FieldError::new(format!("line {}/{}", p.line, p.field), p.key))
                    .collect(),
            )),
        }
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DetectionQuery {
    /// Only those not yet closed (new or quarantined).
    #[serde(default)]
    open: bool,
    #[param(minimum = 1, maximum = 100000)]
    page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct DetectionView {
    id: i64,
    machine_id: i64,
    machine: String,
    agency_id: String,
    received_at: String,
    found_at: String,
    path: String,
    signature: String,
    sha256: String,
    /// `reported`, `quarantined` or `refused` (an upload egov refused).
    action: String,
    /// `new`, `quarantined`, `cleaned` or `false_positive`.
    state: String,
    /// Who handled it, as the audit log names them (`user:ID`, `cli`).
    handled_by: Option<String>,
    /// The official who handled it, by name.
    handler: Option<String>,
    handled_at: Option<String>,
    note: String,
}

#[derive(Serialize, ToSchema)]
pub struct DetectionList {
    total: i64,
    page: u32,
    per_page: u32,
    detections: Vec<DetectionView>,
}

pub(crate) const PER_PAGE: u32 = 50;

/// Detections in the caller's scope, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/protection/detections", params(DetectionQuery), security(("bearer" = [])), responses((status = 200, body = DetectionList), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn detections(State(state): State<AppState>, ctx: Ctx, Query(q): Query<DetectionQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let page = q.page.unwrap_or(1);
        if !(1..=100_000).contains(&page) {
            return Err(WebError::BadRequest("page: from 1 to 100000".into()));
        }
        let (list, total) = pr::detections(&state.app, Actor::User(p), q.open, page, PER_PAGE).await?;
        let detections = list
            .into_iter()
            .map(|d| DetectionView {
                id: d.id,
                machine_id: d.machine_id,
                machine: d.machine_name,
                agency_id: d.agency_id,
                received_at: instant(d.received_at),
                found_at: instant(d.d.found_at),
                path: d.d.path,
                signature: d.d.signature,
                sha256: d.d.sha256,
                action: d.d.action.as_str().into(),
                state: d.state.as_str().into(),
                handled_by: d.handled_by,
                handler: d.handler,
                handled_at: d.handled_at.map(instant),
                note: d.note,
            })
            .collect();
        Ok(Json(DetectionList { total, page, per_page: PER_PAGE, detections }).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Handling {
    Quarantined,
    Cleaned,
    FalsePositive,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandleRequest {
    state: Handling,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

/// Handles a detection: new → quarantined, cleaned or false positive;
/// quarantined → cleaned or false positive.
#[utoipa::path(put, path = "/api/v1/protection/detections/{id}", params(("id" = i64, Path)), request_body = HandleRequest, security(("bearer" = [])), responses((status = 204, description = "handled"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "not from its present state"), (status = 422, body = crate::error::Problem)))]
async fn handle(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: HandleRequest = json(&body)?;
        let to = match r.state {
            Handling::Quarantined => DetectionState::Quarantined,
            Handling::Cleaned => DetectionState::Cleaned,
            Handling::FalsePositive => DetectionState::FalsePositive,
        };
        pr::handle(&state.app, Actor::User(p), id, to, &r.note).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    /// Signatures older than this many days are outdated.
    #[schema(minimum = 1, maximum = 365)]
    signature_max_age_days: u32,
    /// A machine is covered with a successful scan within this many days.
    #[schema(minimum = 1, maximum = 365)]
    scan_within_days: u32,
    /// An e-mail goes out once a machine is disconnected this long.
    #[schema(minimum = 5, maximum = 43200)]
    disconnected_alert_minutes: u32,
}

impl From<Policy> for PolicyDoc {
    fn from(p: Policy) -> Self {
        PolicyDoc {
            signature_max_age_days: p.signature_max_age_days,
            scan_within_days: p.scan_within_days,
            disconnected_alert_minutes: p.disconnected_alert_minutes,
        }
    }
}

/// Sets the department's thresholds (system administrators).
#[utoipa::path(put, path = "/api/v1/protection/policy", request_body = PolicyDoc, security(("bearer" = [])), responses((status = 204, description = "set"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn policy(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PolicyDoc = json(&body)?;
        let policy = Policy {
            signature_max_age_days: r.signature_max_age_days,
            scan_within_days: r.scan_within_days,
            disconnected_alert_minutes: r.disconnected_alert_minutes,
        };
        pr::set_policy(&state.app, Actor::User(p), &policy).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// The year (absent: this year).
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
    /// One agency's (absent: the caller's whole scope).
    agency: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageDay {
    day: String,
    coverage: CoverageDoc,
}

/// The kept daily coverage over a year, for the year-end report.
#[utoipa::path(get, path = "/api/v1/protection/coverage", params(SeriesQuery), security(("bearer" = [])), responses((status = 200, body = [CoverageDay]), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn coverage(State(state): State<AppState>, ctx: Ctx, Query(q): Query<SeriesQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&state.app.now()));
        if !(2000..=2100).contains(&year) {
            return Err(WebError::BadRequest("year: from 2000 to 2100".into()));
        }
        let s = pr::series(&state.app, Actor::User(p), q.agency.as_deref(), year).await?;
        let days: Vec<CoverageDay> =
            s.into_iter().map(|(d, c)| CoverageDay { day: d.to_string(), coverage: c.into() }).collect();
        Ok(Json(days).into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/agent/enrol", post(enrol))
        .route("/api/v1/agent/heartbeat", post(heartbeat))
        .route("/api/v1/agent/detections", post(detections_in))
        .route("/api/v1/protection/machines", get(machines).post(add_machine))
        .route("/api/v1/protection/machines/{id}", put(put_machine))
        .route("/api/v1/protection/machines/{id}/enrolment", post(issue))
        .route("/api/v1/protection/machines/{id}/agent", axum::routing::delete(revoke))
        .route("/api/v1/protection/inventory", post(import))
        .route("/api/v1/protection/detections", get(detections))
        .route("/api/v1/protection/detections/{id}", put(handle))
        .route("/api/v1/protection/policy", put(policy))
        .route("/api/v1/protection/coverage", get(coverage))
}

struct AgentKey;

impl utoipa::Modify for AgentKey {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme("agent", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Agent-Key"))));
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    modifiers(&AgentKey),
    paths(enrol, heartbeat, detections_in, machines, add_machine, put_machine, issue, revoke, import, detections, handle, policy, coverage),
    components(schemas(
        Enrolment,
        AgentCredentials,
        ScanDoc,
        HeartbeatDoc,
        DetectionDoc,
        Detections,
        Recorded,
        CoverageDoc,
        MachineDoc,
        AgencyCoverage,
        ConsoleDoc,
        MachineRequest,
        MachineId,
        EnrolmentRequest,
        EnrolmentToken,
        Imported,
        DetectionView,
        DetectionList,
        Handling,
        HandleRequest,
        PolicyDoc,
        CoverageDay
    ))
)]
pub(crate) struct Api;

//! The gateway's management API (`/api/v1/gateway/…`, bearer tokens): the
//! registry as the caller may see it, subsystems registered and approved,
//! services published, rights granted and revoked, keys issued and revoked,
//! maintenance, and each service's figures. Every rule and every "who may"
//! is the application layer's, as for the command line and the pages.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use egov_app::gateway as gw;
use egov_app::Actor;
use egov_gateway::{LogMode, SubsystemState};
use egov_store::{GwGrant, GwGrantee, GwService};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

#[derive(Serialize, ToSchema)]
pub struct SubsystemView {
    id: i64,
    /// `INSTANCE/CLASS/MEMBER/SUBSYSTEM`
    ident: String,
    name: String,
    agency_id: Option<String>,
    #[schema(example = "Approved")]
    state: String,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceView {
    id: i64,
    subsystem_id: i64,
    /// `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE`
    ident: String,
    code: String,
    upstream: String,
    timeout_ms: i64,
    /// `Full` or `Metadata`
    logging: String,
    has_openapi: bool,
}

#[derive(Serialize, ToSchema)]
pub struct GrantView {
    id: i64,
    service_id: i64,
    /// The client subsystem, when granted to one.
    subsystem: Option<String>,
    /// The group, when granted to one.
    group: Option<String>,
    method: Option<String>,
    path: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegistryDoc {
    subsystems: Vec<SubsystemView>,
    services: Vec<ServiceView>,
    grants: Vec<GrantView>,
    maintenance: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubsystem {
    #[schema(pattern = r"^[A-Za-z0-9._~-]{1,64}(/[A-Za-z0-9._~-]{1,64}){3}$", example = "VN-TN/GOV/H72.11/hotich")]
    ident: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    name: String,
    /// The agency the system belongs to (its administrators manage it).
    #[schema(max_length = 64)]
    agency_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GwId {
    id: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateChange {
    state: ApprovalState,
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
pub enum ApprovalState {
    Approved,
    Disabled,
}

#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
pub enum Logging {
    Full,
    #[default]
    Metadata,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRequest {
    subsystem_id: i64,
    #[schema(pattern = r"^[A-Za-z0-9._~-]{1,64}$", example = "status")]
    code: String,
    #[schema(pattern = r"^https?://", max_length = 2000, example = "https://hotich.internal/api")]
    upstream: String,
    #[schema(minimum = 100, maximum = 300000)]
    timeout_ms: i64,
    #[serde(default)]
    logging: Logging,
    /// The service's OpenAPI description (JSON or YAML), for `getOpenAPI`.
    #[schema(max_length = 1000000)]
    openapi: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    service_id: i64,
    /// A client subsystem (exactly one of `subsystem` and `group`).
    #[schema(pattern = r"^[A-Za-z0-9._~-]{1,64}(/[A-Za-z0-9._~-]{1,64}){3}$")]
    subsystem: Option<String>,
    /// A group of subsystems.
    #[schema(pattern = r"^[A-Za-z0-9._~-]{1,64}$")]
    group: Option<String>,
    /// `*` or an HTTP method; with `path`, or neither for the whole service.
    #[schema(example = "GET", max_length = 20)]
    method: Option<String>,
    /// A path pattern: `/dossiers/*`, `/dossiers/**`.
    #[schema(example = "/dossiers/*", max_length = 500)]
    path: Option<String>,
    #[schema(format = DateTime)]
    valid_from: Option<String>,
    #[schema(format = DateTime)]
    valid_until: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedKey {
    id: i64,
    /// The key, shown this once (only its digest is kept).
    key: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    on: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// The window, in minutes back from now (default 60).
    #[param(minimum = 1, maximum = 10080)]
    minutes: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceFigures {
    service: String,
    calls: usize,
    /// Refused by the gateway, cut short, or a 5xx from the upstream.
    failures: usize,
    last_success: Option<String>,
    last_failure: Option<String>,
    p50_ms: f64,
    p99_ms: f64,
}

#[derive(Serialize, ToSchema)]
pub struct FiguresDoc {
    minutes: u32,
    services: Vec<ServiceFigures>,
}

fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// An instant as RFC 3339, in micros since the epoch.
fn instant(field: &'static str, s: Option<&str>) -> Result<Option<i64>, WebError> {
    s.map(|s| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| t.timestamp_micros())
            .map_err(|_| WebError::Invalid(vec![egov_app::FieldError::new(field, "err.gw.period")]))
    })
    .transpose()
}

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(body).map_err(|e| WebError::BadRequest(e.to_string()))
}

/// The schema's longest texts, refused as the schema refuses them (400).
fn within(limits: &[(&str, Option<&str>, usize)]) -> Result<(), WebError> {
    match limits.iter().find(|(_, v, max)| v.is_some_and(|v| v.chars().count() > *max)) {
        Some((field, _, max)) => Err(WebError::BadRequest(format!("{field}: at most {max} characters"))),
        None => Ok(()),
    }
}

async fn answer(ctx: &Ctx, f: impl std::future::Future<Output = Result<Response, WebError>>) -> Response {
    f.await.unwrap_or_else(|e| e.problem(ctx.lang))
}

/// The registry as the caller may see it: a system administrator all of
/// it, an agency's administrator their agency's subsystems and services.
#[utoipa::path(get, path = "/api/v1/gateway/registry", security(("bearer" = [])), responses((status = 200, body = RegistryDoc), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn registry(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let v = gw::registry_view(&state.app, Actor::User(p))?;
        let ident_of = |sid: i64| v.subsystems.iter().find(|s| s.id == sid).map(|s| s.ident.clone()).unwrap_or_default();
        let doc = RegistryDoc {
            subsystems: v
                .subsystems
                .iter()
                .map(|s| SubsystemView {
                    id: s.id,
                    ident: s.ident.clone(),
                    name: s.name.clone(),
                    agency_id: s.agency_id.clone(),
                    state: s.state.as_str().into(),
                })
                .collect(),
            services: v
                .services
                .iter()
                .map(|s| ServiceView {
                    id: s.id,
                    subsystem_id: s.subsystem_id,
                    ident: format!("{}/{}", ident_of(s.subsystem_id), s.code),
                    code: s.code.clone(),
                    upstream: s.upstream.clone(),
                    timeout_ms: s.timeout_ms,
                    logging: s.logging.as_str().into(),
                    has_openapi: s.openapi.is_some(),
                })
                .collect(),
            grants: v
                .grants
                .iter()
                .map(|g| {
                    let (subsystem, group) = match &g.grantee {
                        GwGrantee::Subsystem(s) => (Some(s.clone()), None),
                        GwGrantee::Group(s) => (None, Some(s.clone())),
                    };
                    GrantView {
                        id: g.id,
                        service_id: g.service_id,
                        subsystem,
                        group,
                        method: g.method.clone(),
                        path: g.path.clone(),
                        valid_from: g.valid_from.map(rfc3339),
                        valid_until: g.valid_until.map(rfc3339),
                    }
                })
                .collect(),
            maintenance: v.maintenance,
        };
        Ok(Json(doc).into_response())
    })
    .await
}

/// Registers a subsystem: approved at once by a system administrator,
/// requested (for approval) by an administrator of its agency.
#[utoipa::path(post, path = "/api/v1/gateway/subsystems", request_body = NewSubsystem, security(("bearer" = [])), responses((status = 201, body = GwId), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "the identifier is taken, or no such agency; `errors` points at each")))]
async fn add_subsystem(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: NewSubsystem = json(&body)?;
        within(&[("name", Some(&r.name), 200), ("agency_id", r.agency_id.as_deref(), 64)])?;
        let who = Actor::User(p).audit_name();
        let s = gw::NewSubsystem { ident: r.ident, agency: r.agency_id, name: r.name };
        let id = gw::add_subsystem(&state.app, Actor::User(p), s, &who).await?;
        Ok((StatusCode::CREATED, Json(GwId { id })).into_response())
    })
    .await
}

/// A system administrator approves or disables a subsystem.
#[utoipa::path(put, path = "/api/v1/gateway/subsystems/{id}/state", params(("id" = i64, Path)), request_body = StateChange, security(("bearer" = [])), responses((status = 204, description = "changed"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn set_state(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: StateChange = json(&body)?;
        let to = match r.state {
            ApprovalState::Approved => SubsystemState::Approved,
            ApprovalState::Disabled => SubsystemState::Disabled,
        };
        let who = Actor::User(p).audit_name();
        gw::set_subsystem_state(&state.app, Actor::User(p), id, to, &who).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// Publishes a service of a subsystem, or updates it (by subsystem and code).
#[utoipa::path(put, path = "/api/v1/gateway/services", request_body = ServiceRequest, security(("bearer" = [])), responses((status = 200, body = GwId), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_service(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: ServiceRequest = json(&body)?;
        within(&[("upstream", Some(&r.upstream), 2000), ("openapi", r.openapi.as_deref(), 1_000_000)])?;
        let s = GwService {
            id: 0,
            subsystem_id: r.subsystem_id,
            code: r.code,
            upstream: r.upstream,
            timeout_ms: r.timeout_ms,
            logging: match r.logging {
                Logging::Full => LogMode::Full,
                Logging::Metadata => LogMode::Metadata,
            },
            openapi: r.openapi,
        };
        let who = Actor::User(p).audit_name();
        let id = gw::put_service(&state.app, Actor::User(p), s, &who).await?;
        Ok(Json(GwId { id }).into_response())
    })
    .await
}

/// Grants a client subsystem or a group access to a service, or to some of
/// its endpoints, optionally for a period.
#[utoipa::path(post, path = "/api/v1/gateway/grants", request_body = GrantRequest, security(("bearer" = [])), responses((status = 201, body = GwId), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "not exactly one of `subsystem` and `group`, a method without a path, a bad pattern, or a period that ends before it begins")))]
async fn grant(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: GrantRequest = json(&body)?;
        within(&[("method", r.method.as_deref(), 20), ("path", r.path.as_deref(), 500)])?;
        let grantee = match (r.subsystem, r.group) {
            (Some(s), None) => GwGrantee::Subsystem(s),
            (None, Some(g)) => GwGrantee::Group(g),
            _ => return Err(WebError::Invalid(vec![egov_app::FieldError::new("subsystem", "err.gw.grantee")])),
        };
        let g = GwGrant {
            id: 0,
            service_id: r.service_id,
            grantee,
            method: r.method,
            path: r.path,
            valid_from: instant("valid_from", r.valid_from.as_deref())?,
            valid_until: instant("valid_until", r.valid_until.as_deref())?,
        };
        let who = Actor::User(p).audit_name();
        let id = gw::grant(&state.app, Actor::User(p), g, &who).await?;
        Ok((StatusCode::CREATED, Json(GwId { id })).into_response())
    })
    .await
}

/// Revokes a grant.
#[utoipa::path(delete, path = "/api/v1/gateway/grants/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 204, description = "revoked"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn revoke_grant(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let who = Actor::User(p).audit_name();
        gw::revoke_grant(&state.app, Actor::User(p), id, &who).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// Issues an API key for a subsystem; the key is in this answer only.
#[utoipa::path(post, path = "/api/v1/gateway/subsystems/{id}/keys", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 201, body = IssuedKey), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn issue_key(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let who = Actor::User(p).audit_name();
        let (id, key) = gw::issue_key(&state.app, Actor::User(p), id, &who).await?;
        Ok((StatusCode::CREATED, Json(IssuedKey { id, key })).into_response())
    })
    .await
}

/// Revokes an API key or a client certificate (a system administrator).
#[utoipa::path(delete, path = "/api/v1/gateway/keys/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 204, description = "revoked"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn revoke_key(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let who = Actor::User(p).audit_name();
        gw::revoke_key(&state.app, Actor::User(p), id, &who).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// Puts the gateway in maintenance (every call and its health check
/// answered 503) or takes it out (a system administrator).
#[utoipa::path(put, path = "/api/v1/gateway/maintenance", request_body = Maintenance, security(("bearer" = [])), responses((status = 204, description = "set"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn maintenance(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: Maintenance = json(&body)?;
        let who = Actor::User(p).audit_name();
        gw::set_maintenance(&state.app, Actor::User(p), r.on, &who).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// Each service's calls, failures, last success and failure, p50 and p99
/// durations over the last minutes (of the services the caller sees).
#[utoipa::path(get, path = "/api/v1/gateway/figures", params(FiguresQuery), security(("bearer" = [])), responses((status = 200, body = FiguresDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn figures(State(state): State<AppState>, ctx: Ctx, q: Result<Query<FiguresQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let Query(q) = q.map_err(|e| WebError::BadRequest(e.body_text()))?;
        let minutes = q.minutes.unwrap_or(60);
        if !(1..=10080).contains(&minutes) {
            return Err(WebError::BadRequest("minutes: 1 to 10080".into()));
        }
        let window = std::time::Duration::from_secs(u64::from(minutes) * 60);
        let services = gw::figures_for(&state.app, Actor::User(p), window)
            .await?
            .into_iter()
            .map(|f| ServiceFigures {
                service: f.service,
                calls: f.calls,
                failures: f.failures,
                last_success: f.last_success.map(rfc3339),
                last_failure: f.last_failure.map(rfc3339),
                p50_ms: f.p50_us as f64 / 1000.0,
                p99_ms: f.p99_us as f64 / 1000.0,
            })
            .collect();
        Ok(Json(FiguresDoc { minutes, services }).into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/gateway/registry", get(registry))
        .route("/api/v1/gateway/subsystems", post(add_subsystem))
        .route("/api/v1/gateway/subsystems/{id}/state", put(set_state))
        .route("/api/v1/gateway/subsystems/{id}/keys", post(issue_key))
        .route("/api/v1/gateway/services", put(put_service))
        .route("/api/v1/gateway/grants", post(grant))
        .route("/api/v1/gateway/grants/{id}", delete(revoke_grant))
        .route("/api/v1/gateway/keys/{id}", delete(revoke_key))
        .route("/api/v1/gateway/maintenance", put(maintenance))
        .route("/api/v1/gateway/figures", get(figures))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(registry, add_subsystem, set_state, put_service, grant, revoke_grant, issue_key, revoke_key, maintenance, figures),
    components(schemas(
        RegistryDoc,
        SubsystemView,
        ServiceView,
        GrantView,
        NewSubsystem,
        GwId,
        StateChange,
        ApprovalState,
        Logging,
        ServiceRequest,
        GrantRequest,
        IssuedKey,
        Maintenance,
        ServiceFigures,
        FiguresDoc
    ))
)]
pub(crate) struct Api;

//! The JSON API under `/api/v1`, its OpenAPI 3.1 document, and `/healthz`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_catalog::CatalogDocument;
use egov_i18n::t;
use egov_identity::Action;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::ctx::Ctx;
use crate::error::{problem_response, Problem, ProblemField};
use crate::pages::{authenticate, SearchParams};
use crate::{AppState, WebError};
use egov_app::sessions::LoginFailure;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/procedures", get(search_procedures))
        .route("/api/v1/procedures/{code}", get(get_procedure))
        .route(
            "/api/v1/catalog",
            get(export_catalog).put(import_catalog).layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .route("/api/v1/agencies/{id}", get(get_agency))
        .route("/api/v1/me", get(me))
        .route("/api/v1/auth/token", post(issue_token))
        .route("/api/v1/auth/tokens", get(list_tokens))
        .route("/api/v1/auth/tokens/{id}", axum::routing::delete(revoke_token))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "egov API", description = "The provincial e-government platform's JSON API. Errors are RFC 9457 problem details."),
    paths(
        healthz, search_procedures, get_procedure, export_catalog, import_catalog, get_agency, me, issue_token,
        list_tokens, revoke_token,
        crate::calendar_pages::api_lunar, crate::calendar_pages::api_solar, crate::calendar_pages::api_holidays,
        crate::calendar_pages::api_due, crate::calendar_pages::api_working_days,
        crate::dossier_api::create, crate::dossier_api::read, crate::dossier_api::status, crate::dossier_api::act,
        crate::dossier_api::list, crate::dossier_api::rate_api, crate::dossier_api::counter,
        crate::dossier_api::receipt_pdf, crate::dossier_api::form_pdf, crate::dossier_api::file,
        crate::quality_api::quality_index
    ),
    components(schemas(
        Problem, ProblemField, ProcedureList, ProcedureSummary, AgencyView, Me, TokenRequest, TokenResponse, TokenView, TokenList, ImportResult, CatalogSchema,
        crate::calendar_pages::LunarView, crate::calendar_pages::HolidaysView, crate::calendar_pages::DayView,
        crate::calendar_pages::DueView, crate::calendar_pages::WorkingDaysView,
        crate::dossier_api::CreateDossier, crate::dossier_api::Created, crate::dossier_api::DossierView, crate::dossier_api::FileView,
        crate::dossier_api::EventView, crate::dossier_api::PublicStatus, crate::dossier_api::PublicStep,
        crate::dossier_api::ActionRequest, crate::dossier_api::ListItem, crate::dossier_api::DossierList,
        crate::dossier_api::RatingRequest, crate::dossier_api::Score, crate::dossier_api::WorklistName, crate::dossier_api::CounterDossier,
        crate::quality_api::IndexView, crate::quality_api::LateDossier, crate::quality_api::IndexSchema, crate::quality_api::ScoreSchema
    )),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3.1 document, generated from the code and made true to the
/// answers every operation can give (see [`crate::contract`]).
pub fn openapi_document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    crate::contract::apply(&mut doc);
    doc
}

async fn openapi() -> Response {
    Json(openapi_document()).into_response()
}

/// 200 when the database answers, 503 when not.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "healthy", content_type = "text/plain", body = String), (status = 503, description = "database unreachable", content_type = "text/html", body = String)))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProcedureSummary {
    code: String,
    name: String,
    name_en: String,
    field: String,
    online_level: String,
    processing_time: u32,
    time_unit: String,
    agencies: Vec<String>,
    score: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedureList {
    total: usize,
    items: Vec<ProcedureSummary>,
}

/// Searches the catalog, accent- and case-insensitively.
#[utoipa::path(get, path = "/api/v1/procedures", params(SearchParams), responses((status = 200, body = ProcedureList)))]
async fn search_procedures(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Json<ProcedureList> {
    let snap = state.catalog.get();
    let (total, hits) = params.run(&snap);
    let items = hits
        .iter()
        .filter_map(|h| snap.procedures.get(&h.code).map(|p| (p, h.score)))
        .map(|(p, score)| ProcedureSummary {
            code: p.code.clone(),
            name: p.name_vi.clone(),
            name_en: p.name_en.clone(),
            field: p.field.clone(),
            online_level: p.online_level.as_str().into(),
            processing_time: p.processing_time.amount,
            time_unit: p.processing_time.unit.as_str().into(),
            agencies: p.agencies.clone(),
            score,
        })
        .collect();
    Json(ProcedureList { total, items })
}

/// One procedure's full definition (documents, fees, process, form, legal bases).
#[utoipa::path(get, path = "/api/v1/procedures/{code}", params(("code" = String, Path)), responses((status = 200, description = "the procedure"), (status = 404, body = Problem)))]
async fn get_procedure(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    match state.catalog.get().procedures.get(&code) {
        Some(p) => Json(p.as_ref().clone()).into_response(),
        None => WebError::NotFound.problem(ctx.lang),
    }
}

/// The whole catalog as one JSON document (system administrators).
#[utoipa::path(get, path = "/api/v1/catalog", security(("bearer" = [])), responses((status = 200, body = CatalogSchema, description = "catalog document"), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn export_catalog(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        if !p.may(Action::ManageCatalog) {
            return Err(WebError::Forbidden);
        }
        let doc = CatalogDocument {
            version: CatalogDocument::VERSION,
            fields: state.store.fields().await?,
            procedures: state.store.procedures().await?.into_iter().map(|(p, _)| p).collect(),
        };
        Ok(Json(doc).into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// The catalog document as `GET` gives it and `PUT` takes it (`egov catalog
/// export`): its version, the fields, the procedures with everything in
/// them (documented in the README; checked in full on import).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CatalogSchema {
    #[schema(minimum = 1, maximum = 1)]
    version: u32,
    #[schema(value_type = Vec<Object>)]
    fields: Vec<()>,
    #[schema(value_type = Vec<Object>)]
    procedures: Vec<()>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    created: usize,
    updated: usize,
}

/// Imports a catalog document: all of it, or nothing with every error listed.
#[utoipa::path(put, path = "/api/v1/catalog", security(("bearer" = [])), request_body(content = CatalogSchema, description = "catalog document", content_type = "application/json"), responses((status = 200, body = ImportResult), (status = 422, body = Problem, description = "the document breaks a rule (codes, names, references between fields, procedures and agencies, forms); nothing was imported and `errors` points at every problem")))]
async fn import_catalog(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let errors = match egov_app::catalog::import(&state.store, egov_app::Actor::User(p), &body).await? {
            Ok(rep) => {
                state.catalog.refresh(&state.store).await?;
                return Ok(Json(ImportResult { created: rep.created, updated: rep.updated }).into_response());
            }
            Err(errs) => errs,
        };
        let fields = errors
            .iter()
            .map(|e| ProblemField { pointer: e.path.clone(), detail: t(ctx.lang, e.key).to_string() })
            .collect();
        Ok(problem_response(StatusCode::UNPROCESSABLE_ENTITY, t(ctx.lang, "err.import.invalid"), None, fields))
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

#[derive(Serialize, ToSchema)]
pub struct AgencyView {
    id: String,
    name_vi: String,
    name_en: String,
    kind: String,
    unit_code: String,
    staff: Vec<StaffView>,
}

#[derive(Serialize, ToSchema)]
pub struct StaffView {
    username: String,
    full_name: String,
    roles: Vec<String>,
}

/// An agency and its staff: its own officials and system administrators only.
#[utoipa::path(get, path = "/api/v1/agencies/{id}", params(("id" = String, Path)), security(("bearer" = [])), responses((status = 200, body = AgencyView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_agency(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        if !p.may(Action::ReadAgency(&id)) {
            return Err(WebError::Forbidden);
        }
        let a = state.store.agency(&id).await?.ok_or(WebError::NotFound)?;
        let staff = state
            .store
            .users_of_agency(&id)
            .await?
            .into_iter()
            .map(|u| StaffView {
                username: u.username,
                full_name: u.full_name,
                roles: u.roles.iter().map(|r| r.as_str().to_string()).collect(),
            })
            .collect();
        Ok(Json(AgencyView {
            id: a.id.as_str().into(),
            name_vi: a.name_vi,
            name_en: a.name_en,
            kind: a.kind.as_str().into(),
            unit_code: a.unit_code.as_str().into(),
            staff,
        })
        .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    username: String,
    full_name: String,
    kind: String,
    agency_id: Option<String>,
    roles: Vec<String>,
}

/// Who the bearer token belongs to.
#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])), responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(ctx: Ctx) -> Response {
    match ctx.api_principal() {
        Ok(p) => Json(Me {
            username: p.username.clone(),
            full_name: p.full_name.clone(),
            kind: p.kind.as_str().into(),
            agency_id: p.agency_id.clone(),
            roles: p.roles.iter().map(|r| r.as_str().to_string()).collect(),
        })
        .into_response(),
        Err(e) => e.problem(ctx.lang),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// The secret: shown once, never stored (only its digest is).
    token: String,
    token_type: String,
    /// The token's id, to list or revoke it.
    id: i64,
    /// Seconds from now until the token stops working.
    expires_in: i64,
    /// When it stops working (RFC 3339, UTC).
    expires_at: String,
}

/// One of the caller's live tokens (never its secret).
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    id: i64,
    name: String,
    /// RFC 3339, UTC.
    created_at: String,
    expires_at: String,
    /// The token this request came with.
    current: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    items: Vec<TokenView>,
}

fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The caller's live tokens, newest first.
#[utoipa::path(get, path = "/api/v1/auth/tokens", security(("bearer" = [])), responses((status = 200, body = TokenList), (status = 401, body = Problem)))]
async fn list_tokens(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let items = state
            .store
            .tokens_of(p.user_id)
            .await?
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                created_at: rfc3339(t.created_at),
                expires_at: rfc3339(t.expires_at),
                current: ctx.token_id == Some(t.id),
            })
            .collect();
        Ok(Json(TokenList { items }).into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// Revokes one of the caller's own live tokens (the one in use too).
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 204, description = "revoked"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn revoke_token(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        egov_app::accounts::revoke_token(&state.store, egov_app::Actor::User(p), id).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// Exchanges a username and password for a bearer token (throttled like sign-in).
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest, responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn issue_token(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let r = async {
        let req: TokenRequest = serde_json::from_slice(&body).map_err(|e| WebError::BadRequest(e.to_string()))?;
        match authenticate(&state, &ctx.addr, &req.username, &req.password).await? {
            Ok(user_id) => {
                // the password just proved who this is
                let me = state.store.principal(user_id).await?.ok_or(WebError::Unauthorized)?;
                let ttl = state.settings.token_ttl_secs;
                let lifetime = std::time::Duration::from_secs(ttl.max(1) as u64);
                let t =
                    egov_app::accounts::issue_token(&state.store, egov_app::Actor::User(&me), user_id, "api", lifetime)
                        .await?;
                Ok(Json(TokenResponse {
                    token: t.secret,
                    token_type: "Bearer".into(),
                    id: t.id,
                    expires_in: ttl,
                    expires_at: rfc3339(t.expires_at),
                })
                .into_response())
            }
            Err(LoginFailure::Throttled) => {
                let mut r =
                    problem_response(StatusCode::TOO_MANY_REQUESTS, t(ctx.lang, "err.login.throttled"), None, vec![]);
                r.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(state.settings.failure_window_secs),
                );
                Ok(r)
            }
            Err(LoginFailure::Wrong) => {
                Ok(problem_response(StatusCode::UNAUTHORIZED, t(ctx.lang, "err.login.wrong"), None, vec![]))
            }
        }
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

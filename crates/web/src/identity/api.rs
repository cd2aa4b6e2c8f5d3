//! The signed-in account, bearer tokens, an agency's record, the public
//! directory of agencies.

use crate::ctx::Ctx;
use crate::error::{problem_response, Problem};
use crate::identity::pages::authenticate;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use egov_app::sessions::LoginFailure;
use egov_i18n::t;
use egov_identity::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// An agency as the public directory shows it.
#[derive(Serialize, ToSchema)]
pub struct DirectoryEntry {
    id: String,
    name_vi: String,
    name_en: String,
    kind: String,
    unit_code: String,
}

#[derive(Serialize, ToSchema)]
pub struct Directory {
    items: Vec<DirectoryEntry>,
}

/// The directory of agencies: each agency's identifier, names, kind and
/// administrative unit, for everyone (and for other systems, through the
/// data-exchange gateway).
#[utoipa::path(get, path = "/api/v1/directory/agencies", responses((status = 200, body = Directory)))]
async fn directory(State(state): State<AppState>, ctx: Ctx) -> Response {
    match state.store.agencies().await {
        Ok(all) => Json(Directory {
            items: all
                .into_iter()
                .map(|a| DirectoryEntry {
                    id: a.id.as_str().into(),
                    name_vi: a.name_vi,
                    name_en: a.name_en,
                    kind: a.kind.as_str().into(),
                    unit_code: a.unit_code.as_str().into(),
                })
                .collect(),
        })
        .into_response(),
        Err(e) => WebError::from(e).problem(ctx.lang),
    }
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
            agency_id: p.agency_id.as_deref().map(String::from),
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
            Err(LoginFailure::NotLocal) => {
                Ok(problem_response(StatusCode::FORBIDDEN, t(ctx.lang, "err.login.citizen_local"), None, vec![]))
            }
        }
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/agencies/{id}", get(get_agency))
        .route("/api/v1/directory/agencies", get(directory))
        .route("/api/v1/me", get(me))
        .route("/api/v1/auth/token", axum::routing::post(issue_token))
        .route("/api/v1/auth/tokens", get(list_tokens))
        .route("/api/v1/auth/tokens/{id}", axum::routing::delete(revoke_token))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(get_agency, directory, me, issue_token, list_tokens, revoke_token),
    components(schemas(AgencyView, Directory, DirectoryEntry, Me, TokenRequest, TokenResponse, TokenView, TokenList))
)]
pub(crate) struct Api;

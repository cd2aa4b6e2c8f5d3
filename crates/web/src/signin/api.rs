//! Back-channel logout: a provider signs people out of egov.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use crate::error::Problem;
use crate::AppState;

#[derive(OpenApi)]
#[openapi(paths(back_channel_logout), components(schemas(LogoutToken)))]
pub struct Api;

/// The form a provider posts (OpenID Connect Back-Channel Logout 1.0, §2.5).
#[derive(Debug, Deserialize, ToSchema)]
pub struct LogoutToken {
    pub logout_token: String,
}

/// Ends the sessions a provider's signed logout token names.
#[utoipa::path(post, path = "/api/v1/auth/oidc/{provider}/backchannel-logout", params(("provider" = String, Path)),
    request_body(content = LogoutToken, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "the sessions named are ended"), (status = 400, body = Problem, description = "the logout token is not valid"), (status = 404, body = Problem, description = "no such provider"), (status = 422, body = Problem, description = "no logout token")))]
pub async fn back_channel_logout(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    form: Result<Form<LogoutToken>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return crate::error::problem_response(StatusCode::UNPROCESSABLE_ENTITY, "logout_token is required", None, vec![]);
    };
    match egov_app::signin::back_channel_logout(&state.app, &provider, &f.logout_token).await {
        Ok(_) => (StatusCode::OK, [(axum::http::header::CACHE_CONTROL, "no-store")]).into_response(),
        Err(egov_app::AppError::Refused(_, _, detail)) => {
            crate::error::problem_response(StatusCode::BAD_REQUEST, "the logout token is not valid", Some(detail), vec![])
        }
        Err(e) => crate::error::WebError::from(e).into_response(),
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/auth/oidc/{provider}/backchannel-logout", post(back_channel_logout))
}

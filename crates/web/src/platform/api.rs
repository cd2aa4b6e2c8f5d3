//! `/healthz` and the OpenAPI document.

use crate::openapi_document;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

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

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/api/openapi.json", get(openapi))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz))]
pub(crate) struct Api;

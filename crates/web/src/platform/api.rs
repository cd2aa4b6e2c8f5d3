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
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "healthy", content_type = "text/plain", body = String), (status = 503, description = "database unreachable", content_type = "text/plain", body = String)))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    let text = |t: &'static str| ([(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], t);
    if state.store.ping().await {
        (StatusCode::OK, text("ok")).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, text("database unreachable")).into_response()
    }
}

/// Whether this instance should be sent requests (a load balancer's check,
/// apart from `/healthz`, which says whether it is alive): 200 when the
/// database answers, the blob store takes a write and the instance is not
/// stopping (migrations ran before it began to listen); 503 with the reason
/// otherwise, first among them "draining" once it is asked to stop.
#[utoipa::path(get, path = "/readyz", responses((status = 200, description = "ready", content_type = "text/plain", body = String), (status = 503, description = "draining, database unreachable or file storage unwritable", content_type = "text/plain", body = String)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let unready = if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        Some("draining")
    } else if !state.store.ping().await {
        Some("database unreachable")
    } else if !state.blobs.ready().await {
        Some("file storage unwritable")
    } else {
        None
    };
    let text = |t: &'static str| ([(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], t);
    match unready {
        None => (StatusCode::OK, text("ready")).into_response(),
        Some(why) => (StatusCode::SERVICE_UNAVAILABLE, text(why)).into_response(),
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/api/openapi.json", get(openapi))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz, readyz))]
pub(crate) struct Api;

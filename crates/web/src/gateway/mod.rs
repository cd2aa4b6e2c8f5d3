//! The data-exchange gateway (issue 17): the proxy (`/r1/…`, outside the
//! pages' and the API's middleware), its registry's tables and refresh job,
//! and its messages. The management API, the metadata services and the
//! back-office pages come next.

pub mod federation;
pub(crate) mod messages;
pub(crate) mod metadata;
pub(crate) mod proxy;

use axum::Router;

use crate::module::Module;
use crate::AppState;

pub const MODULE: Module = Module {
    name: "gateway",
    routes,
    openapi: utoipa::openapi::OpenApi::default,
    nav: &[],
    messages: &[messages::MESSAGES],
    migrations: egov_store::gateway::MIGRATIONS,
    jobs: &[egov_app::jobs::REFRESH_GATEWAY, egov_app::jobs::SEAL_GATEWAY_LOG],
    passthrough: Some(proxy::routes),
};

fn routes() -> Router<AppState> {
    Router::new()
}

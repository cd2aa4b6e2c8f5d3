//! The data-exchange gateway (issue 17): its registry's tables and refresh
//! job, and its messages. The proxy (`/r1/…`), the management API and the
//! back-office pages come next.

pub(crate) mod messages;

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
    jobs: &[egov_app::jobs::REFRESH_GATEWAY],
};

fn routes() -> Router<AppState> {
    Router::new()
}

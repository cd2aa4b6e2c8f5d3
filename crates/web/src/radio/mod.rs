//! Commune radio (issue 20): the source-information system's API, the
//! devices' protocol with its emergency stream, and their jobs.

pub(crate) mod api;
pub(crate) mod device;
pub(crate) mod messages;

use axum::Router;

use crate::module::Module;
use crate::AppState;

pub const MODULE: Module = Module {
    name: "radio",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[],
    messages: &[messages::MESSAGES],
    migrations: egov_store::radio::MIGRATIONS,
    jobs: &[egov_app::radio::hub::FANOUT],
    passthrough: None,
};

fn routes() -> Router<AppState> {
    api::routes()
}

//! Information-security incidents (issue 19, part 4): the API of the
//! systems' inventory, the incidents, their reports and the year's figures;
//! its tables. (Its back-office pages and the reports' signed PDFs are not
//! built yet: docs/network.md, "What is left".)

pub(crate) mod api;
pub(crate) mod messages;

use axum::Router;

use crate::module::Module;
use crate::AppState;

pub const MODULE: Module = Module {
    name: "incidents",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[],
    messages: &[messages::MESSAGES],
    migrations: egov_store::incidents::MIGRATIONS,
    jobs: &[],
    passthrough: None,
};

fn routes() -> Router<AppState> {
    api::routes()
}

//! Information-security incidents (issue 19, part 4): the API of the
//! systems' inventory, the incidents, their reports and the year's figures;
//! its tables; the back office's register and each incident's page.

pub(crate) mod api;
pub(crate) mod export;
pub(crate) mod incident;
pub(crate) mod messages;
pub(crate) mod pages;
pub(crate) mod periodic;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "incidents",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/su-co",
        label: "nav.admin.incidents",
        order: 67,
        shown: |p| p.is_some_and(|p| egov_app::incidents::may_view(egov_app::Actor::User(p))),
    }],
    messages: &[messages::MESSAGES],
    migrations: egov_store::incidents::MIGRATIONS,
    jobs: &[],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes()).merge(export::routes())
}

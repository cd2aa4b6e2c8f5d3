//! The data-exchange gateway (issue 17): the proxy (`/r1/…`, outside the
//! pages' and the API's middleware), its registry's tables and refresh job,
//! and its messages. The management API, the metadata services and the
//! back-office pages come next.

pub(crate) mod api;
pub mod federation;
pub(crate) mod messages;
pub(crate) mod metadata;
pub(crate) mod pages;
pub(crate) mod proxy;
pub(crate) mod upstream;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "gateway",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/lien-thong",
        label: "nav.admin.gateway",
        order: 60,
        shown: |p| p.is_some_and(|p| egov_app::gateway::may_view(egov_app::Actor::User(p))),
    }],
    messages: &[messages::MESSAGES],
    migrations: egov_store::gateway::MIGRATIONS,
    jobs: &[egov_app::jobs::REFRESH_GATEWAY, egov_app::jobs::SEAL_GATEWAY_LOG],
    passthrough: Some(proxy::routes),
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

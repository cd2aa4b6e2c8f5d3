//! Endpoint protection (issue 18): the anti-malware agents' endpoints, the
//! back office's "An toàn thông tin" console and its API, its tables and
//! the job that keeps the daily coverage.

pub(crate) mod api;
pub(crate) mod machine;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "protection",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/an-toan-thong-tin",
        label: "nav.admin.protection",
        order: 65,
        shown: |p| p.is_some_and(|p| egov_app::protection::may_view(egov_app::Actor::User(p))),
    }],
    messages: &[messages::MESSAGES],
    migrations: egov_store::protection::MIGRATIONS,
    jobs: &[egov_app::protection::KEEP_COVERAGE, egov_app::protection::ALERT_SILENT],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

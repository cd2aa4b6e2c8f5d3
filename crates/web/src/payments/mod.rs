//! Payments (issue 22, begun): the agencies' receiving accounts for bank
//! transfers and the VietQR codes that pay into them.

pub(crate) mod api;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "payments",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/thanh-toan",
        label: "nav.admin.payments",
        order: 66,
        shown: |p| p.is_some_and(|p| p.is_system_admin() || p.has_role(egov_identity::Role::AgencyAdmin)),
    }],
    messages: &[messages::MESSAGES],
    migrations: egov_store::payments::MIGRATIONS,
    jobs: &[],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

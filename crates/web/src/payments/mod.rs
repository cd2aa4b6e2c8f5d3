//! Payments (issue 22, begun): the agencies' receiving accounts for bank
//! transfers and the VietQR codes that pay into them.

pub(crate) mod api;
pub(crate) mod bank;
pub(crate) mod bank_api;
pub(crate) mod fees;
pub(crate) mod gateway;
pub(crate) mod receipts;
pub(crate) mod requests_api;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "payments",
    routes,
    openapi: || {
        use utoipa::OpenApi;
        let mut doc = api::Api::openapi();
        doc.merge(requests_api::Api::openapi());
        doc.merge(bank_api::Api::openapi());
        doc.merge(gateway::Api::openapi());
        doc
    },
    nav: &[
        NavEntry {
            menu: Menu::BackOffice,
            href: "/quan-tri/thanh-toan",
            label: "nav.admin.payments",
            order: 66,
            shown: |p| p.is_some_and(|p| p.is_system_admin() || p.has_role(egov_identity::Role::AgencyAdmin)),
        },
        NavEntry {
            menu: Menu::BackOffice,
            href: bank::PATH,
            label: "nav.admin.bank",
            order: 67,
            shown: |p| p.is_some_and(|p| p.is_system_admin() || p.has_role(egov_identity::Role::Receiver)),
        },
    ],
    messages: &[messages::MESSAGES],
    migrations: egov_store::payments::MIGRATIONS,
    jobs: &[],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes()).merge(fees::routes()).merge(requests_api::routes()).merge(bank::routes()).merge(bank_api::routes()).merge(gateway::routes())
}

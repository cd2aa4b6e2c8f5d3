//! The procedure catalog: public search and pages, the API, the back
//! office's editor and import.

pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod editor;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;
use egov_identity::Action;
use utoipa::OpenApi;

use crate::module::{everyone, Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "catalog",
    routes,
    openapi: || api::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES],
    migrations: egov_store::catalog::MIGRATIONS,
    jobs: &[egov_app::jobs::REFRESH_CATALOG],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    admin::routes().merge(api::routes()).merge(pages::routes())
}

const NAV: &[NavEntry] = &[
    NavEntry { menu: Menu::Site, href: "/thu-tuc", label: "nav.catalog", order: 20, shown: everyone },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/thu-tuc",
        label: "nav.admin.procedures",
        order: 40,
        shown: |p| p.is_some_and(|p| p.may(Action::ManageCatalog)),
    },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/thu-tuc/nhap",
        label: "nav.admin.import",
        order: 41,
        shown: |p| p.is_some_and(|p| p.may(Action::ManageCatalog)),
    },
];

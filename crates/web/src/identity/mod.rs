//! Accounts and the directory: registering, signing in and out, tokens,
//! agencies with their staff and roles, administrative units.

pub(crate) mod api;
pub(crate) mod directory_edit;
pub(crate) mod directory;
pub(crate) mod staff;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;
use egov_identity::Action;
use utoipa::OpenApi;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "identity",
    routes,
    openapi: || api::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES],
    migrations: egov_store::identity::MIGRATIONS,
    jobs: &[egov_app::jobs::SWEEP_CREDENTIALS],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(directory::routes()).merge(staff::routes()).merge(directory_edit::routes()).merge(pages::routes())
}

const NAV: &[NavEntry] = &[
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/co-quan",
        label: "nav.admin.agency",
        order: 30,
        shown: |p| p.is_some_and(|p| p.agency_id.as_deref().is_some_and(|a| p.may(Action::ReadAgency(a)))),
    },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/cac-co-quan",
        label: "nav.admin.agencies",
        order: 60,
        shown: |p| p.is_some_and(|p| p.may(Action::ManageDirectory)),
    },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/don-vi",
        label: "nav.admin.units",
        order: 70,
        shown: |p| p.is_some_and(|p| p.may(Action::ManageDirectory)),
    },
];

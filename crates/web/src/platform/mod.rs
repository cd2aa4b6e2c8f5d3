//! The platform's own pages: the portal's home, the back office's home and
//! audit log, `/healthz` and the OpenAPI document; its store part holds the
//! audit chain and the foundation migration.

pub(crate) mod api;
pub(crate) mod back_office;
pub(crate) mod home;
pub(crate) use home::not_found;
pub(crate) mod messages;

use axum::Router;
use egov_identity::{Action, Principal};
use utoipa::OpenApi;

use crate::module::{everyone, Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "platform",
    routes,
    openapi: || api::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES],
    migrations: egov_store::platform::MIGRATIONS,
    jobs: &[egov_app::files::RELEASE_HELD],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(back_office::routes()).merge(home::routes())
}

const NAV: &[NavEntry] = &[
    NavEntry { menu: Menu::Site, href: "/", label: "nav.home", order: 10, shown: everyone },
    NavEntry { menu: Menu::Site, href: "/quan-tri", label: "nav.admin", order: 90, shown: official },
    NavEntry { menu: Menu::BackOffice, href: "/quan-tri", label: "nav.admin.home", order: 10, shown: official },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/nhat-ky",
        label: "nav.admin.audit",
        order: 80,
        shown: |p| p.is_some_and(|p| p.may(Action::ReadAudit)),
    },
];

fn official(p: Option<&Principal>) -> bool {
    p.is_some_and(|p| p.may(Action::UseBackOffice))
}

//! Commune radio (issue 20): the source-information system's API, the
//! devices' protocol with its emergency stream, and their jobs.

pub(crate) mod api;
pub(crate) mod device;
pub(crate) mod export;
pub(crate) mod messages;
pub(crate) mod pages;
pub(crate) mod public;
pub(crate) mod station;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "radio",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[
        NavEntry { menu: Menu::Site, href: "/truyen-thanh", label: "nav.radio", order: 75, shown: |_| true },
        NavEntry {
            menu: Menu::BackOffice,
            href: "/quan-tri/truyen-thanh",
            label: "nav.admin.radio",
            order: 68,
            shown: |p| p.is_some_and(|p| egov_app::radio::may_view(egov_app::Actor::User(p))),
        },
    ],
    messages: &[messages::MESSAGES],
    migrations: egov_store::radio::MIGRATIONS,
    jobs: &[egov_app::radio::hub::FANOUT, egov_app::radio::stats::PRESENCE],
    passthrough: None,
    lean: device::LEAN,
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes()).merge(public::routes()).merge(export::routes())
}

//! The specialised data network (issue 19): connection points and their
//! probes, uptime and outages, link capacity, the public status page,
//! their tables and the prober's jobs.

pub(crate) mod api;
pub(crate) mod messages;
pub(crate) mod pages;
pub(crate) mod site;
pub(crate) mod status;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "network",
    routes,
    openapi: || <api::Api as utoipa::OpenApi>::openapi(),
    nav: &[
        NavEntry { menu: Menu::Site, href: "/trang-thai", label: "nav.status", order: 70, shown: |_| true },
        NavEntry {
            menu: Menu::BackOffice,
            href: "/quan-tri/mang",
            label: "nav.admin.network",
            order: 66,
            shown: |p| p.is_some_and(|p| egov_app::network::may_view(egov_app::Actor::User(p))),
        },
    ],
    messages: &[messages::MESSAGES],
    migrations: egov_store::network::MIGRATIONS,
    jobs: &[
        egov_app::network::PROBER,
        egov_app::network::REMIND,
        egov_app::network::COMPACT,
        egov_app::network::POLL_LINKS,
    ],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

//! The news portal (issue 21): the newsroom's API (articles, their
//! translations, the editorial workflow, revisions), the public pages and
//! the feeds.

pub(crate) mod api;
pub(crate) mod cache;
pub(crate) mod feeds;
pub(crate) mod messages;
pub(crate) mod newsroom;
pub(crate) mod press;
pub(crate) mod press_info;
pub(crate) mod press_report;
pub(crate) mod public;
pub(crate) mod spokespersons;

use axum::Router;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "news",
    routes,
    openapi: || {
        let mut doc = <api::Api as utoipa::OpenApi>::openapi();
        doc.merge(<press_report::Api as utoipa::OpenApi>::openapi());
        doc
    },
    nav: &[
        NavEntry { menu: Menu::Site, href: "/tin-tuc", label: "nav.news", order: 15, shown: crate::module::everyone },
        NavEntry {
            menu: Menu::BackOffice,
            href: "/quan-tri/nguoi-phat-ngon",
            label: "nav.admin.press",
            order: 73,
            shown: |p| p.is_some_and(|p| egov_app::news::spokespersons::may_view(egov_app::Actor::User(p))),
        },
        NavEntry {
            menu: Menu::BackOffice,
            href: "/quan-tri/bao-chi",
            label: "nav.admin.press_coop",
            order: 74,
            shown: |p| p.is_some_and(|p| egov_app::news::spokespersons::may_view(egov_app::Actor::User(p))),
        },
        NavEntry {
            menu: Menu::BackOffice,
            href: "/quan-tri/thong-tin-bao-chi",
            label: "nav.admin.press_info",
            order: 75,
            shown: |p| p.is_some_and(|p| egov_app::news::spokespersons::may_view(egov_app::Actor::User(p))),
        },
        NavEntry {
            menu: Menu::BackOffice,
            href: "/quan-tri/tin-tuc",
            label: "nav.admin.news",
            order: 72,
            shown: |p| p.is_some_and(|p| egov_app::news::may_write(egov_app::Actor::User(p))),
        },
    ],
    messages: &[messages::MESSAGES, messages::PRESS_INFO],
    migrations: egov_store::news::MIGRATIONS,
    jobs: &[egov_app::news::INDEX],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(public::routes()).merge(feeds::routes()).merge(newsroom::routes()).merge(spokespersons::routes()).merge(press::routes()).merge(press_info::routes()).merge(press_report::routes())
}

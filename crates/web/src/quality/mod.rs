//! The quality of public service (Decision 766): the index, its dashboard
//! and exports.

pub(crate) mod api;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;
use utoipa::OpenApi;

use crate::module::{everyone, Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "quality",
    routes,
    openapi: || api::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES],
    migrations: egov_store::quality::MIGRATIONS,
    jobs: &[egov_app::jobs::KEEP_QUALITY],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

const NAV: &[NavEntry] =
    &[NavEntry { menu: Menu::Site, href: "/chat-luong", label: "nav.quality", order: 40, shown: everyone }];

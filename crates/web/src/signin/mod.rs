//! Signing in through identity providers (OpenID Connect): the redirect,
//! the callback, linking an old local account, and logout from the
//! provider's side (front- and back-channel).

pub(crate) mod api;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;
use utoipa::OpenApi;

use crate::module::{Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "signin",
    routes,
    openapi: || api::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES],
    migrations: egov_store::signin::MIGRATIONS,
    jobs: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

const NAV: &[NavEntry] = &[];

/// The Account menu gets no entry: the link page is offered right after
/// signing in, when there is something to link.
#[allow(dead_code)]
const _MENU: Option<Menu> = None;

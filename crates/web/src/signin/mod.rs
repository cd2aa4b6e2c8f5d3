//! Signing in through identity providers (OpenID Connect): the redirect,
//! the callback, linking an old local account, and logout from the
//! provider's side (front- and back-channel).

pub(crate) mod api;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;
use utoipa::OpenApi;

use crate::module::{Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "signin",
    routes,
    openapi: || api::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES],
    migrations: egov_store::signin::MIGRATIONS,
    jobs: &[],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

/// No menu entry: the link page is offered right after signing in, when
/// there is something to link.
const NAV: &[NavEntry] = &[];

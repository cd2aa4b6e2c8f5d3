//! The working-day and lunar calendar: the public page, its API, and the
//! back office's announcements and working hours.

pub(crate) mod messages;
pub(crate) mod pages;
pub(crate) mod year_editor;

use axum::Router;
use egov_identity::Action;
use utoipa::OpenApi;

use crate::module::{everyone, Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "calendar",
    routes,
    openapi: || pages::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES],
    migrations: egov_store::calendar::MIGRATIONS,
    jobs: &[egov_app::jobs::REFRESH_CALENDAR],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    pages::routes().merge(year_editor::routes())
}

const NAV: &[NavEntry] = &[
    NavEntry { menu: Menu::Site, href: "/lich", label: "nav.calendar", order: 50, shown: everyone },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/lich",
        label: "nav.admin.calendar",
        order: 50,
        shown: |p| p.is_some_and(|p| p.may(Action::ManageCalendar)),
    },
];

//! Dossiers: filing online and at the counter, the citizen's pages, the
//! officials' worklists and actions, the public lookup, slips and notices,
//! the inbox and the mail outbox.

pub(crate) mod api;
pub(crate) mod counter;
pub(crate) mod documents;
pub(crate) mod lookup;
pub(crate) mod messages;
pub(crate) mod office;
pub(crate) mod outbox;
pub(crate) mod pages;

use axum::Router;
use egov_identity::{Action, Principal, Role};
use utoipa::OpenApi;

use crate::module::{everyone, Menu, Module, NavEntry};
use crate::AppState;

pub const MODULE: Module = Module {
    name: "dossiers",
    routes,
    openapi: || api::Api::openapi(),
    nav: NAV,
    messages: &[messages::MESSAGES, egov_mail::MESSAGES],
    migrations: egov_store::dossiers::MIGRATIONS,
    jobs: &[egov_app::jobs::SWEEP_FILES],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(counter::routes()).merge(office::routes()).merge(outbox::routes()).merge(pages::routes())
}

const NAV: &[NavEntry] = &[
    NavEntry { menu: Menu::Site, href: "/tra-cuu", label: "nav.lookup", order: 30, shown: everyone },
    NavEntry { menu: Menu::Account, href: "/ho-so-cua-toi", label: "nav.my", order: 10, shown: citizen },
    NavEntry { menu: Menu::Account, href: "/hop-thu", label: "nav.inbox", order: 20, shown: citizen },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/ho-so",
        label: "nav.admin.dossiers",
        order: 20,
        shown: |p| p.is_some_and(|p| [Role::Receiver, Role::Specialist, Role::Approver].iter().any(|r| p.has_role(*r))),
    },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/tiep-nhan",
        label: "nav.admin.counter",
        order: 21,
        shown: |p| p.is_some_and(|p| p.is_official() && p.has_role(Role::Receiver)),
    },
    NavEntry {
        menu: Menu::BackOffice,
        href: "/quan-tri/thu-di",
        label: "nav.admin.outbox",
        order: 90,
        shown: |p| p.is_some_and(|p| p.may(Action::ReadMailOutbox)),
    },
];

/// A signed-in person without the back office.
fn citizen(p: Option<&Principal>) -> bool {
    p.is_some_and(|p| !p.may(Action::UseBackOffice))
}

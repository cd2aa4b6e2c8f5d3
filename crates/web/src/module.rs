//! What a module is to the web crate: everything it contributes, in one
//! value. The registry (`modules.rs`) lists the modules; nothing else in
//! egov lists routes, OpenAPI paths, menu entries, messages, migrations or
//! jobs.

use axum::Router;
use egov_i18n::{t, Lang};
use egov_identity::Principal;

use crate::views::NavItem;
use crate::AppState;

/// One module of the platform.
pub struct Module {
    /// Its name: the folder it lives in under `web/src`, `store/src`,
    /// `store/migrations` and `templates`.
    pub name: &'static str,
    /// Its pages and API, merged into the server's router.
    pub routes: fn() -> Router<AppState>,
    /// Its API's OpenAPI paths and schemas, merged into the document.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
    /// Its entries in the site's and the back office's menus.
    pub nav: &'static [NavEntry],
    /// Its messages (keys with Vietnamese and English texts).
    pub messages: &'static [&'static [egov_i18n::Message]],
    /// Its schema migrations.
    pub migrations: &'static [egov_store::Migration],
    /// Its background jobs.
    pub jobs: &'static [egov_app::jobs::Job],
    /// Routes served as they come, outside the pages' and the API's
    /// middleware: no session or token read, no body read or cleaned, no
    /// error rewritten (the gateway's proxy, whose requests and answers are
    /// other systems').
    pub passthrough: Option<fn() -> Router<AppState>>,
    /// Routes also served on the bare connection when a connection's first
    /// request asks for them (`lean`): held streams, whose every kept byte
    /// counts. Each is in `routes` too, for the same request on a kept-alive
    /// connection.
    pub lean: &'static [crate::lean::LeanRoute],
}

/// Which menu an entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    /// The site's main menu, for everyone.
    Site,
    /// The back office's side menu.
    BackOffice,
    /// Beside the signed-in person's name: their own pages.
    Account,
}

/// A menu entry: where, what it says, its place, and whom it is shown to.
pub struct NavEntry {
    pub menu: Menu,
    pub href: &'static str,
    /// The message key of its label.
    pub label: &'static str,
    /// Entries are shown by this, smallest first.
    pub order: u16,
    pub shown: fn(Option<&Principal>) -> bool,
}

/// Shown to everyone.
pub fn everyone(_: Option<&Principal>) -> bool {
    true
}

/// A menu as `who` sees it at `path`: the registered entries shown to
/// them, in order; the entry whose address is the longest prefix of the
/// path is the current one.
pub fn menu(menu: Menu, who: Option<&Principal>, lang: Lang, path: &str) -> Vec<NavItem> {
    let mut entries: Vec<&NavEntry> = crate::modules::MODULES
        .iter()
        .flat_map(|m| m.nav.iter())
        .filter(|e| e.menu == menu && (e.shown)(who))
        .collect();
    entries.sort_by_key(|e| e.order);
    let within =
        |href: &str| path == href || (href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/'));
    let current = entries.iter().filter(|e| within(e.href)).map(|e| e.href.len()).max();
    entries
        .into_iter()
        .map(|e| NavItem {
            href: e.href,
            label: t(lang, e.label),
            current: Some(e.href.len()) == current && within(e.href),
        })
        .collect()
}

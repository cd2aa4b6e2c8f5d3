//! Issued results and the citizen's store of documents (issue 22): the
//! officials' registry, the public check by number and printed code, the
//! printed check slip with its QR code, the citizen's store, and marking a
//! dossier's part checked against its original.

pub(crate) mod api;
pub(crate) mod messages;
pub(crate) mod pages;

use axum::Router;
use egov_i18n::{t, Lang};
use egov_store::results::StoredDocument;

use crate::ctx::Ctx;
use crate::module::{Menu, Module, NavEntry};
use crate::{AppState, WebError};

pub const MODULE: Module = Module {
    name: "results",
    routes,
    openapi: || {
        use utoipa::OpenApi;
        api::Api::openapi()
    },
    nav: &[
        NavEntry { menu: Menu::Site, href: pages::CHECK, label: "nav.results.check", order: 35, shown: |_| true },
        NavEntry {
            menu: Menu::Account,
            href: pages::STORE,
            label: "nav.results.store",
            order: 15,
            shown: |p| p.is_some_and(|p| p.is_applicant()),
        },
        NavEntry {
            menu: Menu::BackOffice,
            href: pages::REGISTRY,
            label: "nav.results.registry",
            order: 25,
            shown: |p| p.is_some_and(|p| p.is_system_admin() || (p.agency_id.is_some() && !p.roles.is_empty())),
        },
    ],
    messages: &[messages::MESSAGES],
    migrations: egov_store::results::MIGRATIONS,
    jobs: &[],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    api::routes().merge(pages::routes())
}

/// A document of the store in words: a result's kind and number, or a
/// part's name in its procedure, with the dossier it came from.
pub(crate) fn label(state: &AppState, lang: Lang, d: &StoredDocument) -> String {
    match &d.result {
        Some((_, kind, number)) => format!("{kind} — {} {number}", t(lang, "results.number_short")),
        None => {
            let snap = state.catalog.get();
            let part = snap
                .procedures
                .get(d.procedure_code.as_str())
                .and_then(|p| p.documents.get(usize::try_from(d.file.part_index).ok()?))
                .map(|doc| if lang == Lang::En { doc.name_en.clone() } else { doc.name_vi.clone() })
                .unwrap_or_else(|| d.file.file_name.clone());
            format!("{part} — {} {}", t(lang, "results.of_dossier"), d.dossier_code)
        }
    }
}

/// The documents of the signed-in citizen's store a part may be taken
/// from (none for anyone else), as (id, words).
pub(crate) async fn store_options(
    state: &AppState,
    ctx: &Ctx,
    p: &egov_identity::Principal,
) -> Result<Vec<(i64, String)>, WebError> {
    if !p.is_applicant() {
        return Ok(Vec::new());
    }
    let docs = egov_app::results::documents(&state.app, p).await?;
    Ok(docs.iter().map(|d| (d.file.id, label(state, ctx.lang, d))).collect())
}

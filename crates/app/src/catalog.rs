//! The procedure catalog's import (from the back office's form, the API
//! and `egov catalog import` alike: all of it, or nothing with every
//! error) and the editor's save.

use egov_catalog::{CatalogDocument, CatalogError, Procedure};
use egov_identity::Action;
use egov_store::{ImportReport, Store};

use crate::{Actor, AppError};

/// What an import did, or every reason it did nothing.
pub type ImportOutcome = Result<ImportReport, Vec<CatalogError>>;

/// Parses a catalog document and imports it in one transaction; `Ok(Err(…))`
/// lists each problem at its path (nothing was written).
pub async fn import(store: &Store, actor: Actor<'_>, document: &[u8]) -> Result<ImportOutcome, AppError> {
    if !actor.may(Action::ManageCatalog) {
        return Err(AppError::Forbidden);
    }
    Ok(match CatalogDocument::parse(document) {
        Ok(doc) => store.import_catalog(&doc, &actor.audit_name()).await?,
        Err(errs) => Err(errs),
    })
}

/// Saves one procedure from the editor (new, or replacing the one with its
/// code) and brings the catalog in memory up to date; `Ok(Err(…))` lists
/// each problem at its path (nothing was written).
pub async fn save(
    app: &crate::App,
    actor: Actor<'_>,
    procedure: &Procedure,
    is_new: bool,
) -> Result<Result<(), Vec<CatalogError>>, AppError> {
    if !actor.may(Action::ManageCatalog) {
        return Err(AppError::Forbidden);
    }
    let saved = app.store.save_procedure(procedure, is_new, &actor.audit_name()).await?;
    if saved.is_ok() {
        app.catalog.refresh(&app.store).await?;
    }
    Ok(saved)
}

//! Importing the directory: administrative units and agencies from CSV,
//! all or nothing.

use egov_identity::Action;
use egov_store::{ImportReport, Store};

use crate::{Actor, AppError};

/// What an import did, or every reason it did nothing.
pub type Imported = Result<ImportReport, Vec<String>>;

/// Imports agencies (`id,name_vi,name_en,kind,parent_id,unit_code,effective_from,effective_to`);
/// `Ok(Err(…))` lists every problem (nothing was written).
pub async fn import_agencies(store: &Store, actor: Actor<'_>, document: &[u8]) -> Result<Imported, AppError> {
    let agencies = match parsed(actor, egov_directory::parse_agencies_csv(document))? {
        Ok(a) => a,
        Err(errs) => return Ok(Err(errs)),
    };
    Ok(store.import_agencies(&agencies, &actor.audit_name()).await?)
}

/// Imports administrative units (`code,name,level,parent_code,effective_from,effective_to,succeeded_by`);
/// `Ok(Err(…))` lists every problem (nothing was written).
pub async fn import_units(store: &Store, actor: Actor<'_>, document: &[u8]) -> Result<Imported, AppError> {
    let units = match parsed(actor, egov_directory::parse_units_csv(document))? {
        Ok(u) => u,
        Err(errs) => return Ok(Err(errs)),
    };
    Ok(Ok(store.import_units(&units, &actor.audit_name()).await?))
}

/// A parsed directory file, if the actor manages the directory; its
/// problems as text.
fn parsed<T, E: ToString>(actor: Actor<'_>, r: Result<T, Vec<E>>) -> Result<Result<T, Vec<String>>, AppError> {
    if !actor.may(Action::ManageDirectory) {
        return Err(AppError::Forbidden);
    }
    Ok(r.map_err(|errs| errs.iter().map(ToString::to_string).collect()))
}

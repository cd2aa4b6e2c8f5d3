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

/// Creates (`new`) or changes an agency from the back office's form: every
/// field's problem at once; the parent and the unit must exist and the tree
/// must stay a tree. One transaction with its audit entry.
pub async fn save_agency(
    store: &Store,
    actor: Actor<'_>,
    form: &egov_directory::AgencyForm,
    new: bool,
) -> Result<egov_directory::Agency, AppError> {
    if !actor.may(Action::ManageDirectory) {
        return Err(AppError::Forbidden);
    }
    let field = |(f, k): (&'static str, &'static str)| crate::FieldError::new(f, k);
    let a = form.parse().map_err(|errs| AppError::Invalid(errs.into_iter().map(field).collect()))?;
    let all = store.agencies().await?;
    let mut w = store.begin_write().await?;
    let before = w.agency(a.id.as_str()).await?;
    let mut errs = Vec::new();
    match (&before, new) {
        (Some(_), true) => errs.push(field(("id", "err.taken"))),
        (None, false) => return Err(AppError::NotFound),
        _ => {}
    }
    if let Some(p) = &a.parent_id {
        if w.agency(p.as_str()).await?.is_none() {
            errs.push(field(("parent_id", "err.option")));
        } else if egov_directory::would_loop(&all, &a.id, p) {
            errs.push(field(("parent_id", "err.agency.loop")));
        }
    }
    if !w.unit_exists(a.unit_code.as_str()).await? {
        errs.push(field(("unit_code", "err.option")));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    w.upsert_agency(&a).await?;
    w.audit(egov_audit::Event::new(
        actor.audit_name(),
        "agency.upsert",
        format!("agency:{}", a.id),
        before.as_ref(),
        Some(&a),
    ));
    w.commit().await?;
    Ok(a)
}

/// Creates (`new`) or changes an administrative unit from the back office's
/// form: every field's problem at once; the province it belongs to and the
/// unit it merged into must exist. One transaction with its audit entry.
pub async fn save_unit(
    store: &Store,
    actor: Actor<'_>,
    form: &egov_directory::UnitForm,
    new: bool,
) -> Result<egov_directory::AdminUnit, AppError> {
    if !actor.may(Action::ManageDirectory) {
        return Err(AppError::Forbidden);
    }
    let field = |(f, k): (&'static str, &'static str)| crate::FieldError::new(f, k);
    let u = form.parse().map_err(|errs| AppError::Invalid(errs.into_iter().map(field).collect()))?;
    let before = store.units().await?.into_iter().find(|x| x.code == u.code);
    let mut w = store.begin_write().await?;
    let mut errs = Vec::new();
    match (&before, new) {
        (Some(_), true) => errs.push(field(("code", "err.taken"))),
        (None, false) => return Err(AppError::NotFound),
        _ => {}
    }
    for (name, code) in [("parent_code", &u.parent_code), ("succeeded_by", &u.succeeded_by)] {
        if let Some(c) = code {
            if !w.unit_exists(c.as_str()).await? {
                errs.push(field((name, "err.option")));
            }
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    w.save_unit(&u, before.as_ref(), &actor.audit_name()).await?;
    w.commit().await?;
    Ok(u)
}

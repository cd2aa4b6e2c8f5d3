//! Payments (issue 22, begun): an agency's administrator records the
//! agency's receiving accounts for bank transfers (a system administrator,
//! any agency's); the VietQR transfer of an amount for a purpose into one
//! (which is in force on a day is the domain's `account::in_force`).

pub mod bank;
pub mod gateway;
pub mod provider;
mod requests;

pub use requests::{collect_at_counter, holds, of_dossier, one, owed, refund, transfer, transfers};
pub(crate) use requests::{expire_unpaid, settle};

use egov_identity::Action;
use egov_payments::account::AccountInput;
use egov_payments::vietqr::Transfer;
use egov_store::payments::KeptAccount;

use crate::{Actor, App, AppError, FieldError};

/// Whether the actor keeps `agency`'s accounts.
pub fn may_keep(actor: Actor<'_>, agency: &str) -> bool {
    match actor {
        Actor::Operator => true,
        Actor::User(p) => p.may(Action::ManageAgency(agency)),
    }
}

/// The agency whose accounts the actor sees (none: every agency's).
fn scope(actor: Actor<'_>) -> Result<Option<String>, AppError> {
    match actor {
        Actor::Operator => Ok(None),
        Actor::User(p) if p.is_system_admin() => Ok(None),
        Actor::User(p) => match p.agency_id.as_ref() {
            Some(a) if may_keep(actor, a.as_str()) => Ok(Some(a.as_str().to_string())),
            _ => Err(AppError::Forbidden),
        },
    }
}

/// Records an account for `agency`: its id.
pub async fn add_account(app: &App, actor: Actor<'_>, agency: &str, input: &AccountInput) -> Result<i64, AppError> {
    if !may_keep(actor, agency) {
        return Err(AppError::Forbidden);
    }
    let mut problems = Vec::new();
    if app.store.agency(agency).await?.is_none() {
        problems.push(FieldError::new("agency", "err.option"));
    }
    let a = input.check();
    if let Err(ps) = &a {
        problems.extend(ps.iter().map(|p| FieldError::new(p.field, p.key)));
    }
    let a = match a {
        Ok(a) if problems.is_empty() => a,
        _ => return Err(AppError::Invalid(problems)),
    };
    let mut w = app.store.begin_write().await?;
    let id = w.payment_account_add(agency, &a, &actor.audit_name(), app.store.now()).await?;
    w.commit().await?;
    Ok(id)
}

/// The accounts the actor keeps.
pub async fn accounts(app: &App, actor: Actor<'_>) -> Result<Vec<KeptAccount>, AppError> {
    let own = scope(actor)?;
    Ok(app.store.payment_accounts(own.as_deref()).await?)
}

/// The transfer of `amount` đồng for `purpose` into an account the actor
/// keeps (its QR, printed to check it).
pub async fn sample_transfer(
    app: &App,
    actor: Actor<'_>,
    account: i64,
    amount: u64,
    purpose: &str,
) -> Result<(KeptAccount, Transfer), AppError> {
    let k = app.store.payment_account(account).await?.ok_or(AppError::NotFound)?;
    if !may_keep(actor, &k.agency) {
        return Err(AppError::NotFound);
    }
    let t = k.a.transfer(amount, purpose).map_err(|e| {
        let field = match e {
            egov_payments::vietqr::QrError::Purpose => "purpose",
            _ => "amount",
        };
        let key = if field == "purpose" { "err.pay.purpose" } else { "err.pay.amount" };
        AppError::Invalid(vec![FieldError::new(field, key)])
    })?;
    Ok((k, t))
}

//! What dossiers owe: payment requests written with the submission, what
//! unpaid ones hold back, a fee recorded paid at the desk, a refund; every
//! state change audited. Providers (bank transfer, gateway) settle through
//! [`settle`] too.

use egov_dossier::FeeHolds;
use egov_identity::{Action, Principal};
use egov_payments::payment::{self, Method, Stage, State};
use egov_store::payments::{FeeOwed, KeptPayment, Settlement};
use egov_store::WriteTx;

use crate::dossiers::may_read;
use crate::{App, AppError, FieldError, Refusal};

/// What a dossier of `proc` owes when it is submitted: its fees with an amount.
pub fn owed(proc: &egov_catalog::Procedure) -> Vec<FeeOwed> {
    proc.fees
        .iter()
        .enumerate()
        .filter(|(_, f)| f.amount_vnd > 0)
        .map(|(i, f)| FeeOwed {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            description_vi: f.description_vi.clone(),
            description_en: f.description_en.clone(),
            amount: f.amount_vnd,
            due: f.due,
        })
        .collect()
}

/// What a dossier's requests hold back (the domain's `holds`).
pub fn holds(requests: &[KeptPayment]) -> FeeHolds {
    let any = |stage| requests.iter().any(|k| payment::holds(k.fee.due, k.state, stage));
    FeeHolds { reception: any(Stage::Reception), result: any(Stage::Result) }
}

/// A dossier's requests, for those who may read it.
pub async fn of_dossier(app: &App, p: &Principal, code: &str) -> Result<Vec<KeptPayment>, AppError> {
    let d = app.store.dossier(code).await?.ok_or(AppError::NotFound)?;
    if !may_read(p, &d.state) {
        return Err(AppError::Forbidden);
    }
    Ok(app.store.dossier_payments(code).await?)
}

/// A request's audited facts.
#[derive(serde::Serialize)]
struct Facts<'a> {
    dossier: &'a str,
    amount: u64,
    state: State,
    method: Option<Method>,
    reference: Option<&'a str>,
}

/// Moves `k` to `to` (the domain's transition from its state, checked
/// here), with the method, reference and payer once paid; audited as
/// `payment.<state>` by `by`.
/// Expires a dossier's requests still awaiting payment, as it ends without
/// a result (in the transaction that ends it): a fee no longer owed.
pub(crate) async fn expire_unpaid(w: &mut WriteTx, p: &Principal, owed: &[KeptPayment]) -> Result<(), AppError> {
    for k in owed.iter().filter(|k| k.state.awaiting()) {
        settle(w, k, State::Expired, None, None, None, &format!("user:{}", p.user_id)).await?;
    }
    Ok(())
}

pub(crate) async fn settle(
    w: &mut WriteTx,
    k: &KeptPayment,
    to: State,
    method: Option<Method>,
    reference: Option<&str>,
    payer: Option<&str>,
    by: &str,
) -> Result<(), AppError> {
    let next = match to {
        State::Paid => payment::pay(k.state),
        State::Failed => payment::fail(k.state),
        State::Expired => payment::expire(k.state),
        State::Pending | State::Refunded => {
            return Err(AppError::Internal(format!("a payment is not settled as {}", to.as_str())))
        }
    }
    .map_err(|e| AppError::refused(Refusal::Conflict, "err.pay.state", e.to_string()))?;
    let at = w.now();
    w.payment_settle(k.id, &Settlement { from: k.state, to: next, method, reference, payer, by, at }).await?;
    let before = Facts {
        dossier: &k.dossier_code,
        amount: k.fee.amount,
        state: k.state,
        method: k.method,
        reference: k.reference.as_deref(),
    };
    let after = Facts {
        dossier: &k.dossier_code,
        amount: k.fee.amount,
        state: next,
        method: method.or(k.method),
        reference: reference.or(k.reference.as_deref()),
    };
    w.audit(egov_audit::Event::new(
        by,
        format!("payment.{}", next.as_str()),
        format!("payment:{}", k.id),
        Some(&before),
        Some(&after),
    ));
    Ok(())
}

/// A fee paid at the desk, recorded by a receiving officer of the agency
/// (with the receipt's number, when the desk gives one).
pub async fn collect_at_counter(
    app: &App,
    p: &Principal,
    id: i64,
    reference: Option<&str>,
) -> Result<KeptPayment, AppError> {
    let reference = reference.map(str::trim).filter(|r| !r.is_empty());
    if reference.is_some_and(|r| r.chars().count() > 64) {
        return Err(AppError::Invalid(vec![FieldError::new("reference", "err.pay.reference")]));
    }
    let mut w = app.store.begin_write().await?;
    let k = w.payment_in_tx(id).await?.ok_or(AppError::NotFound)?;
    if !p.may(Action::CollectFees(&k.agency)) {
        return Err(refusal(&mut w, p, &k).await?);
    }
    settle(&mut w, &k, State::Paid, Some(Method::Counter), reference, None, &format!("user:{}", p.user_id)).await?;
    let k = w.payment_in_tx(id).await?.ok_or(AppError::NotFound)?;
    w.commit().await?;
    Ok(k)
}

/// Why `p` may not change `k`: forbidden to a reader of its dossier, not
/// found for anyone else (a request's existence is the dossier's to show).
async fn refusal(w: &mut WriteTx, p: &Principal, k: &KeptPayment) -> Result<AppError, AppError> {
    let readable = w.dossier(&k.dossier_code).await?.is_some_and(|d| may_read(p, &d.state));
    Ok(if readable { AppError::Forbidden } else { AppError::NotFound })
}

/// A paid fee paid back, with the reason, by an approver of the agency.
pub async fn refund(app: &App, p: &Principal, id: i64, reason: &str) -> Result<KeptPayment, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::Invalid(vec![FieldError::new("reason", "err.pay.refund_reason")]));
    }
    let mut w = app.store.begin_write().await?;
    let k = w.payment_in_tx(id).await?.ok_or(AppError::NotFound)?;
    if !p.may(Action::RefundFees(&k.agency)) {
        return Err(refusal(&mut w, p, &k).await?);
    }
    payment::refund(k.state).map_err(|e| AppError::refused(Refusal::Conflict, "err.pay.state", e.to_string()))?;
    let by = format!("user:{}", p.user_id);
    let at = w.now();
    w.payment_refund(k.id, reason, &by, at).await?;
    w.audit(egov_audit::Event::new(
        by,
        "payment.refunded",
        format!("payment:{}", k.id),
        Some(&Facts {
            dossier: &k.dossier_code,
            amount: k.fee.amount,
            state: k.state,
            method: k.method,
            reference: k.reference.as_deref(),
        }),
        Some(&serde_json::json!({"state": "refunded", "reason": reason})),
    ));
    let k = w.payment_in_tx(id).await?.ok_or(AppError::NotFound)?;
    w.commit().await?;
    Ok(k)
}

/// One request, for those who may read its dossier (others: not found).
pub async fn one(app: &App, p: &Principal, id: i64) -> Result<KeptPayment, AppError> {
    let k = app.store.payment(id).await?.ok_or(AppError::NotFound)?;
    let d = app.store.dossier(&k.dossier_code).await?.ok_or(AppError::NotFound)?;
    if !may_read(p, &d.state) {
        return Err(AppError::NotFound);
    }
    Ok(k)
}

/// The bank transfer that pays `k`: into its agency's account in force
/// today, the dossier's code as the purpose. None when the agency has no
/// account (or the request is not awaiting payment).
pub async fn transfer(
    app: &App,
    k: &KeptPayment,
) -> Result<Option<(egov_store::payments::KeptAccount, egov_payments::vietqr::Transfer)>, AppError> {
    Ok(transfers(app, std::slice::from_ref(k)).await?.pop().flatten())
}

/// [`transfer`] for each of `ks`, reading each agency's accounts once.
pub async fn transfers(
    app: &App,
    ks: &[KeptPayment],
) -> Result<Vec<Option<(egov_store::payments::KeptAccount, egov_payments::vietqr::Transfer)>>, AppError> {
    let today = app.now().date();
    let mut accounts: std::collections::HashMap<&str, Vec<egov_store::payments::KeptAccount>> = Default::default();
    let mut out = Vec::with_capacity(ks.len());
    for k in ks {
        if !k.state.awaiting() {
            out.push(None);
            continue;
        }
        if !accounts.contains_key(k.agency.as_str()) {
            accounts.insert(&k.agency, app.store.payment_accounts(Some(&k.agency)).await?);
        }
        let of_agency = accounts.get(k.agency.as_str()).map(Vec::as_slice).unwrap_or_default();
        let Some(a) = egov_payments::account::in_force(of_agency, today, |x| &x.a) else {
            out.push(None);
            continue;
        };
        let t =
            a.a.transfer(k.fee.amount, &k.dossier_code)
                .map_err(|e| AppError::Internal(format!("the transfer of payment {}: {e}", k.id)))?;
        out.push(Some((a.clone(), t)));
    }
    Ok(out)
}

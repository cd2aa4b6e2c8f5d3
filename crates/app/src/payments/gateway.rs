//! Paying a fee through a redirect payment gateway (`provider::Gateway`;
//! the one configured for the dossier's agency): the citizen is sent to the
//! gateway with a signed order, one attempt per visit; the gateway's signed
//! server notification (IPN) or egov's own signed status query settles the
//! attempt — the browser's return only says which attempt to look at, and
//! is never believed. A notification is taken once; its amount must be the
//! attempt's.

use egov_identity::Principal;
use egov_payments::payment::{Method, State};
use egov_payments::redirect::IpnAnswer;
use egov_store::payments::KeptPayment;

use super::provider::{Gateway, Outcome, Purchase};
pub use super::provider::{GatewayConfig, GatewayFile};
use crate::{App, AppError, Refusal};

/// The gateways configured, as adapters of their protocols.
fn gateways(app: &App) -> Vec<Box<dyn Gateway>> {
    app.config.payment_gateways.iter().map(GatewayConfig::adapter).collect()
}

/// The gateway that collects for `agency`: the first configured that serves it.
fn gateway_for(app: &App, agency: &str) -> Option<Box<dyn Gateway>> {
    gateways(app).into_iter().find(|g| g.serves(agency))
}

/// Whether `p` may pay `k` through a gateway now: one serves its agency, it
/// is unpaid, and `p` filed the dossier.
pub async fn payable_online(app: &App, p: &Principal, k: &KeptPayment) -> Result<bool, AppError> {
    if gateway_for(app, &k.agency).is_none() || !k.state.awaiting() || !p.is_applicant() {
        return Ok(false);
    }
    let d = app.store.dossier(&k.dossier_code).await?.ok_or(AppError::NotFound)?;
    Ok(payable_online_by(app, p, k, d.state.owner))
}

/// [`payable_online`] with the dossier's owner already read.
pub fn payable_online_by(app: &App, p: &Principal, k: &KeptPayment, owner: Option<egov_identity::UserId>) -> bool {
    gateway_for(app, &k.agency).is_some() && k.state.awaiting() && p.is_applicant() && owner == Some(p.user_id)
}

/// Starts an attempt to pay request `id`: the gateway's address with the
/// signed order, where the citizen is sent.
pub async fn start(app: &App, p: &Principal, id: i64, ip: &str, english: bool) -> Result<String, AppError> {
    let k = super::one(app, p, id).await?;
    let g = gateway_for(app, &k.agency).ok_or(AppError::NotFound)?;
    if !payable_online(app, p, &k).await? {
        return Err(AppError::refused(Refusal::Conflict, "err.pay.online", "not payable online now"));
    }
    let now = app.now();
    let mut w = app.store.begin_write().await?;
    let n = w.attempts_of(id).await? + 1;
    let reference = format!("{id}x{n}");
    let return_base = app.config.payment_gateways.iter().find(|c| c.name == g.name()).map(|c| c.return_base.clone());
    let purchase = Purchase {
        reference: reference.clone(),
        amount_vnd: k.fee.amount,
        info: egov_payments::vietqr::purpose_text(&format!("Nop phi ho so {}", k.dossier_code)),
        return_url: format!("{}/thanh-toan/tra-ve", return_base.unwrap_or_default().trim_end_matches('/')),
        client_ip: ip.to_string(),
        created: now,
        english,
    };
    let created = now.format("%Y%m%d%H%M%S").to_string();
    w.attempt_add(id, g.name(), &reference, k.fee.amount, &created).await.map_err(|e| match e {
        // another attempt for this fee began at the same instant
        egov_store::StoreError::Conflict(_) => {
            AppError::refused(Refusal::Conflict, "err.pay.online", reference.clone())
        }
        e => e.into(),
    })?;
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        "payment.attempt",
        format!("payment:{id}"),
        None::<&()>,
        Some(&serde_json::json!({"provider": g.name(), "reference": reference, "amount": k.fee.amount})),
    ));
    w.commit().await?;
    Ok(g.pay_url(&purchase))
}

/// Settles the attempt a verified outcome (a notification or a query's
/// answer) speaks of.
async fn settle_from(app: &App, g: &dyn Gateway, n: &Outcome) -> Result<IpnAnswer, AppError> {
    let mut w = app.store.begin_write().await?;
    let Some(a) = w.attempt_by_reference(&n.reference).await? else { return Ok(IpnAnswer::UnknownOrder) };
    if a.amount != n.amount_vnd || a.provider != g.name() {
        return Ok(if a.amount != n.amount_vnd { IpnAnswer::WrongAmount } else { IpnAnswer::UnknownOrder });
    }
    if a.state != "open" {
        return Ok(IpnAnswer::AlreadyConfirmed);
    }
    let k = w.payment_in_tx(a.payment_id).await?.ok_or(AppError::NotFound)?;
    let by = format!("provider:{}", g.name());
    let (attempt, to) = if n.paid { ("paid", State::Paid) } else { ("failed", State::Failed) };
    w.attempt_settle(a.id, attempt, &n.transaction, &by).await?;
    // the request follows while it awaits payment; paid meanwhile at the
    // desk or by transfer (or no longer owed), the money the gateway took is
    // listed with the bank's transfers for the desk to pay back
    if k.state.awaiting() {
        super::settle(&mut w, &k, to, Some(Method::Gateway), Some(&n.transaction), None, &by).await?;
    } else if n.paid {
        let description = format!("{} {}: {}", g.name(), n.transaction, k.dossier_code);
        w.bank_transfer_add(&egov_store::payments::NewTransfer {
            reference: &format!("{}:{}", g.name(), n.transaction),
            received_at: app.now().format("%Y-%m-%d %H:%M:%S").to_string(),
            amount: n.amount_vnd,
            description: &description,
            dossier_code: Some(&k.dossier_code),
            agency: Some(&k.agency),
            outcome: "duplicate",
            difference: 0,
            source: "gateway",
            by: &by,
            at: w.now(),
        })
        .await?;
    }
    w.commit().await?;
    Ok(IpnAnswer::Confirmed)
}

/// A gateway's server notification: its answer, as the protocol wants it.
/// The gateway whose signature it carries settles it.
pub async fn ipn(app: &App, params: &[(String, String)]) -> Result<IpnAnswer, AppError> {
    let all = gateways(app);
    if all.is_empty() {
        return Ok(IpnAnswer::UnknownOrder);
    }
    for g in &all {
        if let Ok(n) = g.notification(params) {
            return settle_from(app, g.as_ref(), &n).await;
        }
    }
    Ok(IpnAnswer::BadSignature)
}

/// What the citizen's return from the gateway showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returned {
    /// The dossier the attempt was for, when the return names a known attempt.
    pub dossier: Option<String>,
    /// The return's signature held.
    pub verified: bool,
    /// The request's state, as egov knows it after asking the gateway.
    pub state: Option<State>,
}

/// The citizen's return: only which attempt to look at. While the attempt
/// is open (no notification yet), its gateway is asked.
pub async fn returned(app: &App, params: &[(String, String)]) -> Result<Returned, AppError> {
    let all = gateways(app);
    if all.is_empty() {
        return Err(AppError::NotFound);
    }
    // the attempt the return names (by any gateway's reading), then its own gateway's word
    let reference = all.iter().find_map(|g| g.returned(params).0).unwrap_or_default();
    let unknown = || Returned { dossier: None, verified: all.iter().any(|g| g.returned(params).1), state: None };
    let Some(a) = app.store.attempt(&reference).await? else { return Ok(unknown()) };
    let Some(g) = all.iter().find(|g| g.name() == a.provider) else { return Ok(unknown()) };
    let (_, verified) = g.returned(params);
    if verified && a.state == "open" {
        // the gateway not answering leaves the attempt open: the page says
        // egov is waiting, and the notification or a later return settles it
        let request_id = format!("{}q{}", a.reference, app.store.now());
        if let Ok(Some(n)) = g.query(&a, app.now(), request_id).await {
            settle_from(app, g.as_ref(), &n).await?;
        }
    }
    let k = app.store.payment(a.payment_id).await?.ok_or(AppError::NotFound)?;
    Ok(Returned { dossier: Some(k.dossier_code), verified, state: Some(k.state) })
}

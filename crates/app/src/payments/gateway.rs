//! Paying a fee through a redirect payment gateway (VNPay's 2.1.0 shape,
//! `egov_payments::redirect`): the citizen is sent to the gateway with a
//! signed order, one attempt per visit; the gateway's signed server
//! notification (IPN) or egov's own signed status query settles the
//! attempt — the browser's return only says which attempt to look at, and
//! is never believed. A notification is taken once; its amount must be the
//! attempt's.

use chrono::Duration;
use egov_identity::Principal;
use egov_payments::payment::{Method, State};
use egov_payments::redirect::{self, IpnAnswer, Notice, Order};
use egov_store::payments::{KeptAttempt, KeptPayment};

use crate::{App, AppError, Refusal};

/// The gateway's settings: its merchant terminal and secret, its pay page
/// and API, egov's public address (for the return), and the agencies it
/// collects for (none named: every agency).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// A name for the audit log (`provider:NAME`).
    pub name: String,
    pub terminal: String,
    pub secret: String,
    pub pay_url: String,
    pub api_url: String,
    pub return_base: String,
    #[serde(default)]
    pub agencies: Vec<String>,
}

impl GatewayConfig {
    pub fn serves(&self, agency: &str) -> bool {
        self.agencies.is_empty() || self.agencies.iter().any(|a| a == agency)
    }
}

/// Whether `p` may pay `k` through the gateway now: a gateway serves its
/// agency, it is unpaid, and `p` filed the dossier.
pub async fn payable_online(app: &App, p: &Principal, k: &KeptPayment) -> Result<bool, AppError> {
    let Some(g) = &app.config.payment_gateway else { return Ok(false) };
    if !g.serves(&k.agency) || !k.state.awaiting() || !p.is_applicant() {
        return Ok(false);
    }
    let d = app.store.dossier(&k.dossier_code).await?.ok_or(AppError::NotFound)?;
    Ok(d.state.owner == Some(p.user_id))
}

const STAMP: &str = "%Y%m%d%H%M%S";

/// Starts an attempt to pay request `id`: the gateway's address with the
/// signed order, where the citizen is sent.
pub async fn start(app: &App, p: &Principal, id: i64, ip: &str, english: bool) -> Result<String, AppError> {
    let k = super::one(app, p, id).await?;
    let g = app.config.payment_gateway.as_ref().ok_or(AppError::NotFound)?;
    if !payable_online(app, p, &k).await? {
        return Err(AppError::refused(Refusal::Conflict, "err.pay.online", "not payable online now"));
    }
    let now = app.now();
    let mut w = app.store.begin_write().await?;
    let n = w.attempts_of(id).await? + 1;
    let reference = format!("{id}x{n}");
    let created = now.format(STAMP).to_string();
    let order = Order {
        terminal: g.terminal.clone(),
        reference: reference.clone(),
        amount_vnd: k.fee.amount,
        info: egov_payments::vietqr::purpose_text(&format!("Nop phi ho so {}", k.dossier_code)),
        return_url: format!("{}/thanh-toan/tra-ve", g.return_base.trim_end_matches('/')),
        client_ip: ip.to_string(),
        created: created.clone(),
        expires: (now + Duration::minutes(15)).format(STAMP).to_string(),
        locale: if english { "en" } else { "vn" }.into(),
    };
    w.attempt_add(id, &g.name, &reference, k.fee.amount, &created).await?;
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        "payment.attempt",
        format!("payment:{id}"),
        None::<&()>,
        Some(&serde_json::json!({"provider": g.name, "reference": reference, "amount": k.fee.amount})),
    ));
    w.commit().await?;
    Ok(redirect::pay_url(&g.pay_url, g.secret.as_bytes(), &order))
}

/// Settles the attempt a verified notice (a notification or a query's
/// answer) speaks of.
async fn settle_from(app: &App, g: &GatewayConfig, n: &Notice) -> Result<IpnAnswer, AppError> {
    let mut w = app.store.begin_write().await?;
    let Some(a) = w.attempt_by_reference(&n.reference).await? else { return Ok(IpnAnswer::UnknownOrder) };
    if a.amount != n.amount_vnd {
        return Ok(IpnAnswer::WrongAmount);
    }
    if a.state != "open" {
        return Ok(IpnAnswer::AlreadyConfirmed);
    }
    let k = w.payment_in_tx(a.payment_id).await?.ok_or(AppError::NotFound)?;
    let by = format!("provider:{}", g.name);
    let (attempt, to) = if n.succeeded() { ("paid", State::Paid) } else { ("failed", State::Failed) };
    w.attempt_settle(a.id, attempt, &n.transaction_no, &by).await?;
    // the request follows while it awaits payment (paid meanwhile at the
    // desk or by transfer: the attempt alone is recorded, for a refund)
    if k.state.awaiting() {
        super::settle(&mut w, &k, to, Some(Method::Gateway), Some(&n.transaction_no), None, &by).await?;
    }
    w.commit().await?;
    Ok(IpnAnswer::Confirmed)
}

/// The gateway's server notification: its answer, as the protocol wants it.
pub async fn ipn(app: &App, params: &[(String, String)]) -> Result<IpnAnswer, AppError> {
    let Some(g) = &app.config.payment_gateway else { return Ok(IpnAnswer::UnknownOrder) };
    match Notice::verified(g.secret.as_bytes(), params) {
        Ok(n) => settle_from(app, g, &n).await,
        Err(_) => Ok(IpnAnswer::BadSignature),
    }
}

/// Asks the gateway what became of attempt `a` (a signed query, a signed
/// answer); `None` when it does not know it yet.
async fn query(app: &App, g: &GatewayConfig, a: &KeptAttempt) -> Result<Option<Notice>, AppError> {
    let now = app.now().format(STAMP).to_string();
    let request_id = format!("{}q{}", a.reference, app.store.now());
    let body = redirect::query_request(
        g.secret.as_bytes(),
        &g.terminal,
        &request_id,
        &a.reference,
        &a.created,
        &now,
        "127.0.0.1",
    );
    let unreachable = |e: reqwest::Error| AppError::refused(Refusal::Unavailable, "err.pay.gateway", e.to_string());
    let answer: serde_json::Value = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(unreachable)?
        .post(&g.api_url)
        .json(&body)
        .send()
        .await
        .map_err(unreachable)?
        .json()
        .await
        .map_err(unreachable)?;
    let n = redirect::query_answer(g.secret.as_bytes(), &answer)
        .map_err(|e| AppError::refused(Refusal::Unavailable, "err.pay.gateway", e.to_string()))?;
    // "00": the query was answered; the transaction's own status says the rest
    Ok((n.response_code == "00" && n.reference == a.reference)
        .then_some(Notice { response_code: n.transaction_status.clone(), ..n }))
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
/// is open (no notification yet), the gateway is asked.
pub async fn returned(app: &App, params: &[(String, String)]) -> Result<Returned, AppError> {
    let Some(g) = &app.config.payment_gateway else { return Err(AppError::NotFound) };
    let verified = redirect::verify(g.secret.as_bytes(), params).is_ok();
    let reference = params.iter().find(|(k, _)| k == "vnp_TxnRef").map(|(_, v)| v.clone()).unwrap_or_default();
    let Some(a) = app.store.attempt(&reference).await? else {
        return Ok(Returned { dossier: None, verified, state: None });
    };
    if verified && a.state == "open" {
        // the gateway not answering leaves the attempt open: the page says
        // egov is waiting, and the notification or a later return settles it
        if let Ok(Some(n)) = query(app, g, &a).await {
            // "01": not finished at the gateway yet
            if !n.response_code.is_empty() && n.response_code != "01" {
                settle_from(app, g, &n).await?;
            }
        }
    }
    let k = app.store.payment(a.payment_id).await?.ok_or(AppError::NotFound)?;
    Ok(Returned { dossier: Some(k.dossier_code), verified, state: Some(k.state) })
}

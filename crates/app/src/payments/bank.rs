//! Bank transfers into the agencies' accounts: a statement imported by the
//! desk (all or nothing), a notification the bank signs; each transfer
//! recorded once by its reference, paying the fees of the dossier it names
//! when it matches, else listed for an official, who resolves it (paying a
//! fee with it, or noting what was done). Every change audited.

use egov_dossier::DossierCode;
use egov_identity::{Action, Principal};
use egov_payments::payment::{Method, State};
use egov_payments::reconcile::{self, Found, Outcome, Owed, Transfer};
use egov_store::payments::{KeptTransfer, NewTransfer};
use egov_store::WriteTx;

use crate::{App, AppError, FieldError, Refusal};

/// Where a transfer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Statement,
    Notice,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Statement => "statement",
            Source::Notice => "notice",
        }
    }
}

/// What one transfer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub reference: String,
    pub amount: u64,
    pub dossier_code: Option<String>,
    pub outcome: Outcome,
    /// Recorded now (false: its reference was recorded before).
    pub new: bool,
}

/// Records `t` into `agency`'s account (none: an account egov does not
/// know) and does what it says.
async fn book(
    w: &mut WriteTx,
    agency: Option<&str>,
    t: &Transfer,
    source: Source,
    by: &str,
) -> Result<Booked, AppError> {
    let seen = w.bank_transfer_seen(&t.reference).await?;
    let code = reconcile::code_in(&t.description, |word| DossierCode::parse(word).is_ok());
    let requests = match &code {
        Some(c) => w.payments_by_code(c).await?,
        None => Vec::new(),
    };
    // a dossier of another agency is not paid from this one's account
    let requests: Vec<_> = requests.into_iter().filter(|k| agency.is_none_or(|a| a == k.agency)).collect();
    let found = if requests.is_empty() {
        Found::Nothing
    } else {
        let unpaid = requests.iter().filter(|k| k.state.awaiting());
        Found::Unpaid(unpaid.map(|k| Owed { id: k.id, amount: k.fee.amount }).collect())
    };
    let outcome = reconcile::classify(t.amount, seen, &found);
    let booked = Booked {
        reference: t.reference.clone(),
        amount: t.amount,
        dossier_code: code.clone(),
        outcome: outcome.clone(),
        new: !seen,
    };
    if seen {
        return Ok(booked);
    }
    let difference = match outcome {
        Outcome::Partial { short } => short,
        Outcome::Over { by } => by,
        _ => 0,
    };
    let at = w.now();
    let home = agency.or(requests.first().map(|k| k.agency.as_str()));
    let id = w
        .bank_transfer_add(&NewTransfer {
            reference: &t.reference,
            received_at: t.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            amount: t.amount,
            description: &t.description,
            dossier_code: code.as_deref(),
            agency: home,
            outcome: outcome.as_str(),
            difference,
            source: source.as_str(),
            by,
            at,
        })
        .await?;
    w.audit(egov_audit::Event::new(
        by,
        format!("bank_transfer.{}", outcome.as_str()),
        format!("bank-transfer:{id}"),
        None::<&()>,
        Some(&serde_json::json!({"reference": t.reference, "amount": t.amount, "dossier": code})),
    ));
    if let Outcome::Matched(ids) = &outcome {
        for k in requests.iter().filter(|k| ids.contains(&k.id)) {
            let payer = None;
            super::settle(w, k, State::Paid, Some(Method::BankTransfer), Some(&t.reference), payer, by).await?;
        }
    }
    Ok(booked)
}

/// Imports `agency`'s bank statement (CSV): every bad line named and
/// nothing taken, or every transfer booked in one transaction.
pub async fn import_statement(app: &App, p: &Principal, agency: &str, csv: &str) -> Result<Vec<Booked>, AppError> {
    if !p.may(Action::CollectFees(agency)) {
        return Err(AppError::Forbidden);
    }
    let transfers = reconcile::parse_statement(csv).map_err(|errors| {
        AppError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError::with_detail(format!("statement.line.{}", e.line), e.key, e.detail))
                .collect(),
        )
    })?;
    if transfers.is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("statement", "err.statement.empty")]));
    }
    let by = format!("user:{}", p.user_id);
    let mut w = app.store.begin_write().await?;
    let mut out = Vec::with_capacity(transfers.len());
    for t in &transfers {
        out.push(book(&mut w, Some(agency), t, Source::Statement, &by).await?);
    }
    w.commit().await?;
    Ok(out)
}

/// A transfer notification from the bank, taken only when `signature` is
/// the HMAC of `body` with the shared secret. The same reference again
/// changes nothing (and says so).
pub async fn notice(app: &App, body: &[u8], signature: &str) -> Result<Booked, AppError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Notice {
        reference: String,
        time: String,
        amount: u64,
        description: String,
        account: String,
    }
    let n: Notice = serde_json::from_slice(body)
        .map_err(|e| AppError::refused(Refusal::Malformed, "err.page.bad_request", e.to_string()))?;
    if signature.trim().is_empty() {
        return Err(AppError::refused(Refusal::Malformed, "err.bank.signature", "no X-Signature"));
    }
    // no secret configured: no signature can hold
    let secret = app.config.bank_notice_secret.as_deref().unwrap_or("");
    if secret.is_empty() || !reconcile::notice_verified(secret.as_bytes(), body, signature) {
        return Err(AppError::refused(Refusal::NotPermitted, "err.bank.signature", "the signature does not hold"));
    }
    // the notice is one line of a statement: read by the same rules
    let line = format!(
        "reference,time,amount,description\n{},{},{},\"{}\"\n",
        csv_cell(&n.reference),
        csv_cell(&n.time),
        n.amount,
        n.description.replace('"', "\"\"")
    );
    let t = reconcile::parse_statement(&line)
        .map_err(|e| {
            AppError::Invalid(e.into_iter().map(|e| FieldError::with_detail("notice", e.key, e.detail)).collect())
        })?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("notice", "err.statement.empty")]))?;
    let accounts = app.store.payment_accounts(None).await?;
    let agency = accounts.iter().find(|a| a.a.account == n.account.trim()).map(|a| a.agency.clone());
    let mut w = app.store.begin_write().await?;
    let booked = book(&mut w, agency.as_deref(), &t, Source::Notice, "bank-notice").await?;
    w.commit().await?;
    Ok(booked)
}

/// A cell of the one-line statement a notice becomes (quoted when it must be).
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The agency whose transfers `p` resolves (none: every agency's, for a
/// system administrator).
fn desk_of(p: &Principal) -> Result<Option<String>, AppError> {
    if p.is_system_admin() {
        return Ok(None);
    }
    match p.agency_id.as_ref() {
        Some(a) if p.may(Action::CollectFees(a.as_str())) => Ok(Some(a.as_str().to_string())),
        _ => Err(AppError::Forbidden),
    }
}

/// Transfers `p` resolves: those still listed (`open`), or all recent ones.
pub async fn transfers(app: &App, p: &Principal, open: bool) -> Result<Vec<KeptTransfer>, AppError> {
    let agency = desk_of(p)?;
    Ok(app.store.bank_transfers(agency.as_deref(), open, 500).await?)
}

/// Resolves a listed transfer: with `pay`, the request it pays (of the
/// agency, unpaid), else a note of what was done (returned to the sender…).
pub async fn resolve(
    app: &App,
    p: &Principal,
    id: i64,
    note: &str,
    pay: Option<i64>,
) -> Result<KeptTransfer, AppError> {
    let note = note.trim();
    let mut problems = Vec::new();
    if note.is_empty() || note.chars().count() > 500 {
        problems.push(FieldError::new("note", "err.bank.note"));
    }
    let mut w = app.store.begin_write().await?;
    let t = w.bank_transfer_in_tx(id).await?.ok_or(AppError::NotFound)?;
    let agency = desk_of(p)?;
    if agency.is_some() && t.agency != agency {
        return Err(AppError::NotFound);
    }
    let request = match pay {
        Some(r) => match w.payment_in_tx(r).await? {
            Some(k) if agency.as_ref().is_none_or(|a| *a == k.agency) => Some(k),
            _ => {
                problems.push(FieldError::new("payment", "err.bank.payment"));
                None
            }
        },
        None => None,
    };
    AppError::invalid(problems)?;
    let by = format!("user:{}", p.user_id);
    let at = w.now();
    w.bank_transfer_resolve(id, note, &by, at).await?;
    if let Some(k) = &request {
        super::settle(&mut w, k, State::Paid, Some(Method::BankTransfer), Some(&t.reference), None, &by).await?;
    }
    w.audit(egov_audit::Event::new(
        by,
        "bank_transfer.resolve",
        format!("bank-transfer:{id}"),
        Some(&serde_json::json!({"outcome": t.outcome})),
        Some(&serde_json::json!({"note": note, "paid": request.as_ref().map(|k| k.id)})),
    ));
    let t = w.bank_transfer_in_tx(id).await?.ok_or(AppError::NotFound)?;
    w.commit().await?;
    Ok(t)
}

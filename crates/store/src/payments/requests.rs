//! Payment requests: what each dossier owes, one row per fee of its
//! procedure, written with the dossier's submission; each state change is
//! one guarded update (from the state the caller read, or nothing).

use egov_payments::payment::{Due, Method, State};

use crate::{get, Result, Store, StoreError, WriteTx};

/// A fee a dossier owes, as the procedure said when it was submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeOwed {
    /// Its place among the procedure's fees.
    pub index: u32,
    pub description_vi: String,
    pub description_en: String,
    pub amount: u64,
    pub due: Due,
}

/// A payment request as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPayment {
    pub id: i64,
    pub dossier_id: i64,
    pub dossier_code: String,
    /// The agency that received the dossier (and whose account is paid).
    pub agency: String,
    pub fee: FeeOwed,
    pub state: State,
    pub method: Option<Method>,
    /// The bank's or the provider's transaction reference.
    pub reference: Option<String>,
    pub payer: Option<String>,
    pub paid_at: Option<i64>,
    /// Who confirmed it: `user:N`, `bank-statement`, `bank-notice`, `provider:NAME`.
    pub confirmed_by: Option<String>,
    pub refund_reason: Option<String>,
    pub refunded_at: Option<i64>,
    pub created_at: i64,
}

/// A change of a request's state, with what comes with it.
#[derive(Debug, Clone)]
pub struct Settlement<'a> {
    pub from: State,
    pub to: State,
    pub method: Option<Method>,
    pub reference: Option<&'a str>,
    pub payer: Option<&'a str>,
    pub by: &'a str,
    pub at: i64,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("a payment's {what}: {v}"))
}

pub(super) fn row(r: &sqlx::any::AnyRow) -> Result<KeptPayment> {
    let due: String = get(r, "due")?;
    let state: String = get(r, "state")?;
    let method: Option<String> = get(r, "method")?;
    let amount: i64 = get(r, "amount")?;
    let index: i32 = get(r, "fee_index")?;
    Ok(KeptPayment {
        id: get(r, "id")?,
        dossier_id: get(r, "dossier_id")?,
        dossier_code: get(r, "dossier_code")?,
        agency: get(r, "agency_code")?,
        fee: FeeOwed {
            index: u32::try_from(index).map_err(|_| corrupt("fee", &index.to_string()))?,
            description_vi: get(r, "description_vi")?,
            description_en: get(r, "description_en")?,
            amount: u64::try_from(amount).map_err(|_| corrupt("amount", &amount.to_string()))?,
            due: Due::parse(&due).ok_or_else(|| corrupt("due", &due))?,
        },
        state: State::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        method: method.map(|m| Method::parse(&m).ok_or_else(|| corrupt("method", &m))).transpose()?,
        reference: get(r, "reference")?,
        payer: get(r, "payer")?,
        paid_at: get(r, "paid_at")?,
        confirmed_by: get(r, "confirmed_by")?,
        refund_reason: get(r, "refund_reason")?,
        refunded_at: get(r, "refunded_at")?,
        created_at: get(r, "created_at")?,
    })
}

const ORDER: &str = "ORDER BY dossier_code, fee_index";

impl Store {
    /// A dossier's requests, in the procedure's order of fees.
    pub async fn dossier_payments(&self, code: &str) -> Result<Vec<KeptPayment>> {
        let sql = format!("SELECT * FROM payment_requests WHERE dossier_code = $1 {ORDER}");
        let rows = sqlx::query(&sql).bind(code).fetch_all(&self.pool).await?;
        rows.iter().map(row).collect()
    }

    pub async fn payment(&self, id: i64) -> Result<Option<KeptPayment>> {
        let r = sqlx::query("SELECT * FROM payment_requests WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(row).transpose()
    }

    /// Of these dossiers, those with a request awaiting payment
    /// (`State::awaiting`): what a worklist marks.
    pub async fn unpaid_among(&self, codes: &[&str]) -> Result<std::collections::HashSet<String>> {
        let mut out = std::collections::HashSet::new();
        for chunk in codes.chunks(200) {
            let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let awaiting = State::AWAITING.map(|s| format!("'{}'", s.as_str())).join(", ");
            let sql = format!(
                "SELECT DISTINCT dossier_code FROM payment_requests WHERE state IN ({awaiting}) \
                 AND dossier_code IN ({marks})"
            );
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for c in chunk {
                q = q.bind(*c);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }
}

impl WriteTx {
    /// Writes what a submitted dossier owes (nothing for a free procedure).
    pub(crate) async fn payment_requests_add(
        &mut self,
        rows: &[(i64, &str, &str, &[FeeOwed])],
        now: i64,
    ) -> Result<()> {
        for (dossier_id, code, agency, fees) in rows {
            for f in fees.iter() {
                sqlx::query(
                    "INSERT INTO payment_requests (dossier_id, dossier_code, agency_code, fee_index, description_vi, \
                     description_en, amount, due, state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9)",
                )
                .bind(*dossier_id)
                .bind(*code)
                .bind(*agency)
                .bind(i32::try_from(f.index).map_err(|_| corrupt("fee", &f.index.to_string()))?)
                .bind(&f.description_vi)
                .bind(&f.description_en)
                .bind(i64::try_from(f.amount).map_err(|_| corrupt("amount", &f.amount.to_string()))?)
                .bind(f.due.as_str())
                .bind(now)
                .execute(self.conn())
                .await?;
            }
        }
        Ok(())
    }

    /// A dossier's requests, read inside the transaction that acts on it.
    pub async fn payments_of(&mut self, dossier_id: i64) -> Result<Vec<KeptPayment>> {
        let sql = format!("SELECT * FROM payment_requests WHERE dossier_id = $1 {ORDER}");
        let rows = sqlx::query(&sql).bind(dossier_id).fetch_all(self.conn()).await?;
        rows.iter().map(row).collect()
    }

    pub async fn payment_in_tx(&mut self, id: i64) -> Result<Option<KeptPayment>> {
        let r =
            sqlx::query("SELECT * FROM payment_requests WHERE id = $1").bind(id).fetch_optional(self.conn()).await?;
        r.as_ref().map(row).transpose()
    }

    /// Moves a request from the state read to the next, with its method,
    /// reference and payer once paid; `Conflict` when another change came
    /// first.
    pub async fn payment_settle(&mut self, id: i64, s: &Settlement<'_>) -> Result<()> {
        let paid = s.to == State::Paid;
        let dossier: Option<i64> = sqlx::query_scalar(
            "UPDATE payment_requests SET state = $3, method = COALESCE($4, method), reference = COALESCE($5, reference), \
             payer = COALESCE($6, payer), paid_at = CASE WHEN $7 = 1 THEN $8 ELSE paid_at END, \
             confirmed_by = CASE WHEN $7 = 1 THEN $9 ELSE confirmed_by END, updated_at = $8 \
             WHERE id = $1 AND state = $2 RETURNING dossier_id",
        )
        .bind(id)
        .bind(s.from.as_str())
        .bind(s.to.as_str())
        .bind(s.method.map(Method::as_str))
        .bind(s.reference)
        .bind(s.payer)
        .bind(i32::from(paid))
        .bind(s.at)
        .bind(s.by)
        .fetch_optional(self.conn())
        .await?;
        // a fee paid online counts in the dossier's share of the quality index
        let dossier = dossier.ok_or(StoreError::Conflict("payment"))?;
        self.touch(&[dossier]);
        Ok(())
    }

    /// Records a paid request paid back, with the reason.
    pub async fn payment_refund(&mut self, id: i64, reason: &str, by: &str, at: i64) -> Result<()> {
        let dossier: Option<i64> = sqlx::query_scalar(
            "UPDATE payment_requests SET state = 'refunded', refund_reason = $2, refunded_by = $3, refunded_at = $4, \
             updated_at = $4 WHERE id = $1 AND state = 'paid' RETURNING dossier_id",
        )
        .bind(id)
        .bind(reason)
        .bind(by)
        .bind(at)
        .fetch_optional(self.conn())
        .await?;
        let dossier = dossier.ok_or(StoreError::Conflict("payment"))?;
        self.touch(&[dossier]);
        Ok(())
    }
}

//! Bank transfers as recorded: each once by the bank's reference, with
//! the outcome of matching it; those listed for an official until resolved.

use crate::{get, Result, Store, StoreError, WriteTx};

/// A transfer to record.
#[derive(Debug, Clone)]
pub struct NewTransfer<'a> {
    pub reference: &'a str,
    /// The bank's time, `YYYY-MM-DD HH:MM:SS`.
    pub received_at: String,
    pub amount: u64,
    pub description: &'a str,
    pub dossier_code: Option<&'a str>,
    pub agency: Option<&'a str>,
    /// `matched`, `partial`, `over`, `duplicate`, `unmatched`.
    pub outcome: &'static str,
    /// Short or over by this much.
    pub difference: u64,
    /// `statement` or `notice`; `gateway` for a gateway's payment of a fee
    /// paid another way meanwhile.
    pub source: &'static str,
    pub by: &'a str,
    pub at: i64,
}

/// A transfer as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptTransfer {
    pub id: i64,
    pub reference: String,
    pub received_at: String,
    pub amount: u64,
    pub description: String,
    pub dossier_code: Option<String>,
    pub agency: Option<String>,
    pub outcome: String,
    pub difference: u64,
    pub source: String,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
}

fn money(v: i64) -> Result<u64> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("a transfer's amount: {v}")))
}

fn row(r: &sqlx::any::AnyRow) -> Result<KeptTransfer> {
    Ok(KeptTransfer {
        id: get(r, "id")?,
        reference: get(r, "reference")?,
        received_at: get(r, "received_at")?,
        amount: money(get(r, "amount")?)?,
        description: get(r, "description")?,
        dossier_code: get(r, "dossier_code")?,
        agency: get(r, "agency_code")?,
        outcome: get(r, "outcome")?,
        difference: money(get(r, "difference")?)?,
        source: get(r, "source")?,
        resolved_at: get(r, "resolved_at")?,
        resolved_by: get(r, "resolved_by")?,
        resolution: get(r, "resolution")?,
    })
}

fn signed(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("an amount out of range: {v}")))
}

impl Store {
    /// Transfers an official resolves: of an agency (and those of no agency,
    /// for a system administrator: `None`), not matched and not resolved
    /// (`open`), or all; newest first.
    pub async fn bank_transfers(&self, agency: Option<&str>, open: bool, limit: i64) -> Result<Vec<KeptTransfer>> {
        let sql = format!(
            "SELECT * FROM bank_transfers WHERE ($1 = '' OR agency_code = $1) {} ORDER BY id DESC LIMIT $2",
            if open { "AND outcome <> 'matched' AND resolved_at IS NULL" } else { "" }
        );
        let rows = sqlx::query(&sql).bind(agency.unwrap_or("")).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(row).collect()
    }
}

impl WriteTx {
    pub async fn bank_transfer_seen(&mut self, reference: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bank_transfers WHERE reference = $1")
            .bind(reference)
            .fetch_one(self.conn())
            .await?;
        Ok(n > 0)
    }

    pub async fn bank_transfer_in_tx(&mut self, id: i64) -> Result<Option<KeptTransfer>> {
        let r = sqlx::query("SELECT * FROM bank_transfers WHERE id = $1").bind(id).fetch_optional(self.conn()).await?;
        r.as_ref().map(row).transpose()
    }

    /// Records a transfer: its id.
    pub async fn bank_transfer_add(&mut self, t: &NewTransfer<'_>) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO bank_transfers (reference, received_at, amount, description, dossier_code, agency_code, \
             outcome, difference, source, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(t.reference)
        .bind(&t.received_at)
        .bind(signed(t.amount)?)
        .bind(t.description)
        .bind(t.dossier_code)
        .bind(t.agency)
        .bind(t.outcome)
        .bind(signed(t.difference)?)
        .bind(t.source)
        .bind(t.at)
        .bind(t.by)
        .fetch_one(self.conn())
        .await?)
    }

    /// Marks a listed transfer resolved, with what was done; `Conflict`
    /// when it was resolved already.
    pub async fn bank_transfer_resolve(&mut self, id: i64, resolution: &str, by: &str, at: i64) -> Result<()> {
        let n = sqlx::query(
            "UPDATE bank_transfers SET resolved_at = $2, resolved_by = $3, resolution = $4 \
             WHERE id = $1 AND resolved_at IS NULL AND outcome <> 'matched'",
        )
        .bind(id)
        .bind(at)
        .bind(by)
        .bind(resolution)
        .execute(self.conn())
        .await?
        .rows_affected();
        crate::guarded(n, "transfer")
    }

    /// A dossier's requests by its code, inside the transaction.
    pub async fn payments_by_code(&mut self, code: &str) -> Result<Vec<super::KeptPayment>> {
        let rows = sqlx::query("SELECT * FROM payment_requests WHERE dossier_code = $1 ORDER BY fee_index")
            .bind(code)
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(super::requests::row).collect()
    }
}

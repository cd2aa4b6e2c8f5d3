//! Attempts to pay through a redirect gateway, each by the reference the
//! gateway was given; an attempt is settled once (paid or failed).

use crate::{get, Result, Store, StoreError, WriteTx};

/// An attempt as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAttempt {
    pub id: i64,
    pub payment_id: i64,
    pub provider: String,
    pub reference: String,
    pub amount: u64,
    /// `yyyyMMddHHmmss` (Vietnam's time), as the gateway was told.
    pub created: String,
    /// `open`, `paid` or `failed`.
    pub state: String,
    pub transaction_no: Option<String>,
}

fn row(r: &sqlx::any::AnyRow) -> Result<KeptAttempt> {
    let amount: i64 = get(r, "amount")?;
    Ok(KeptAttempt {
        id: get(r, "id")?,
        payment_id: get(r, "payment_id")?,
        provider: get(r, "provider")?,
        reference: get(r, "reference")?,
        amount: u64::try_from(amount).map_err(|_| StoreError::Corrupt(format!("an attempt's amount: {amount}")))?,
        created: get(r, "created")?,
        state: get(r, "state")?,
        transaction_no: get(r, "transaction_no")?,
    })
}

impl Store {
    pub async fn attempt(&self, reference: &str) -> Result<Option<KeptAttempt>> {
        let r = sqlx::query("SELECT * FROM payment_attempts WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(row).transpose()
    }
}

impl WriteTx {
    /// Records an open attempt: its id (the reference is the caller's, unique).
    pub async fn attempt_add(
        &mut self,
        payment_id: i64,
        provider: &str,
        reference: &str,
        amount: u64,
        created: &str,
    ) -> Result<i64> {
        let at = self.now();
        sqlx::query_scalar(
            "INSERT INTO payment_attempts (payment_id, provider, reference, amount, created, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
        )
        .bind(payment_id)
        .bind(provider)
        .bind(reference)
        .bind(i64::try_from(amount).map_err(|_| StoreError::Corrupt(format!("an amount out of range: {amount}")))?)
        .bind(created)
        .bind(at)
        .fetch_one(self.conn())
        .await
        .map_err(crate::unique("attempt reference"))
    }

    pub async fn attempts_of(&mut self, payment_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM payment_attempts WHERE payment_id = $1")
            .bind(payment_id)
            .fetch_one(self.conn())
            .await?)
    }

    pub async fn attempt_by_reference(&mut self, reference: &str) -> Result<Option<KeptAttempt>> {
        let r = sqlx::query("SELECT * FROM payment_attempts WHERE reference = $1")
            .bind(reference)
            .fetch_optional(self.conn())
            .await?;
        r.as_ref().map(row).transpose()
    }

    /// Settles an open attempt as `paid` or `failed`; `Conflict` if it was settled.
    pub async fn attempt_settle(&mut self, id: i64, state: &str, transaction_no: &str, by: &str) -> Result<()> {
        let at = self.now();
        let n = sqlx::query(
            "UPDATE payment_attempts SET state = $2, transaction_no = $3, settled_by = $4, settled_at = $5 \
             WHERE id = $1 AND state = 'open'",
        )
        .bind(id)
        .bind(state)
        .bind(transaction_no)
        .bind(by)
        .bind(at)
        .execute(self.conn())
        .await?
        .rows_affected();
        crate::guarded(n, "attempt")
    }
}

//! Leases: which instance runs a background job now. A lease is taken when
//! free, kept by renewing it before it ends, and taken over once its holder
//! lets it end (it stopped, or was killed).

use crate::{Result, Store};

impl Store {
    /// Takes or renews the lease of job `name` for `holder` until `ttl_micros`
    /// from now; whether `holder` has it. Another holder's lease that has not
    /// ended is left alone.
    pub async fn take_lease(&self, name: &str, holder: &str, ttl_micros: i64) -> Result<bool> {
        let now = self.now();
        let until = now + ttl_micros;
        let taken = sqlx::query(
            "INSERT INTO job_leases (name, holder, until_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if taken == 1 {
            return Ok(true);
        }
        let renewed = sqlx::query(
            "UPDATE job_leases SET holder = $2, until_at = $3 WHERE name = $1 AND (holder = $2 OR until_at < $4)",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(renewed == 1)
    }

    /// Who holds the lease of job `name`, and until when (micros); `None`
    /// if no instance took it yet.
    pub async fn lease_holder(&self, name: &str) -> Result<Option<(String, i64)>> {
        let row = sqlx::query("SELECT holder, until_at FROM job_leases WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((crate::get(&r, "holder")?, crate::get(&r, "until_at")?))).transpose()
    }
}

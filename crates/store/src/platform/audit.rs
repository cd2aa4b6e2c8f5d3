//! The audit chain's storage: append inside a write, stream for verification.

use egov_audit::{seal, Entry, Event, Verifier};
use sqlx::{Any, Transaction};

use crate::{get, Result, Store};

/// The head of the chain, kept apart from the entries so that removing
/// entries from the end is detected too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

pub(crate) async fn append(tx: &mut Transaction<'static, Any>, events: Vec<Event>, at: i64) -> Result<()> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut **tx).await?;
    let mut seq: i64 = get(&row, "seq")?;
    let mut hash: String = get(&row, "hash")?;
    let mut sealed = Vec::with_capacity(events.len());
    for ev in events {
        let e = seal(seq, &hash, at, ev);
        seq = e.seq;
        hash = e.hash.clone();
        sealed.push(e);
    }
    for chunk in sealed.chunks(100) {
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor, action, subject, before_digest, after_digest, prev_hash, hash) VALUES {}",
            crate::batch::numbered(tx, chunk.len(), 9)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.seq)
                .bind(e.at_micros)
                .bind(&e.event.actor)
                .bind(&e.event.action)
                .bind(&e.event.subject)
                .bind(&e.event.before_digest)
                .bind(&e.event.after_digest)
                .bind(&e.prev_hash)
                .bind(&e.hash);
        }
        q.execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn entry(row: &sqlx::any::AnyRow) -> Result<Entry> {
    Ok(Entry {
        seq: get(row, "seq")?,
        at_micros: get(row, "at")?,
        event: Event {
            actor: get(row, "actor")?,
            action: get(row, "action")?,
            subject: get(row, "subject")?,
            before_digest: get(row, "before_digest")?,
            after_digest: get(row, "after_digest")?,
        },
        prev_hash: get(row, "prev_hash")?,
        hash: get(row, "hash")?,
    })
}

const COLS: &str = "seq, at, actor, action, subject, before_digest, after_digest, prev_hash, hash";

impl Store {
    pub async fn audit_head(&self) -> Result<AuditHead> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        Ok(AuditHead { seq: get(&row, "seq")?, hash: get(&row, "hash")? })
    }

    /// Verifies the whole chain in stored (physical) order, page by page, in
    /// one read snapshot. Returns the number of entries or the first bad one.
    pub async fn verify_audit(&self) -> Result<std::result::Result<i64, egov_audit::ChainError>> {
        let mut tx = self.pool.begin().await?;
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let (head_seq, head_hash): (i64, String) = (get(&head, "seq")?, get(&head, "hash")?);
        let mut v = Verifier::default();
        // Entries are read by the position they claim; an entry moved to
        // another position no longer links to the hash of the one before it.
        let mut offset = 0i64;
        loop {
            let rows = sqlx::query(&format!("SELECT {COLS} FROM audit_log ORDER BY seq LIMIT 1000 OFFSET $1"))
                .bind(offset)
                .fetch_all(&mut *tx)
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                if let Err(e) = v.push(&entry(row)?) {
                    return Ok(Err(e));
                }
            }
            offset += rows.len() as i64;
        }
        Ok(v.finish(head_seq, &head_hash))
    }

    /// The stored hash of each of these entries (those that exist).
    pub async fn audit_hashes_at(&self, seqs: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
        let mut out = std::collections::HashMap::new();
        for chunk in seqs.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT seq, hash FROM audit_log WHERE seq IN ({})", marks.join(", "));
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q.bind(*s);
            }
            for row in q.fetch_all(&self.pool).await? {
                out.insert(get(&row, "seq")?, get(&row, "hash")?);
            }
        }
        Ok(out)
    }

    /// The latest entries, newest first.
    pub async fn recent_audit(&self, limit: i64) -> Result<Vec<Entry>> {
        let rows = sqlx::query(&format!("SELECT {COLS} FROM audit_log ORDER BY seq DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry).collect()
    }

    /// Runs raw SQL; for tests that tamper with stored data on purpose.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn execute_raw(&self, sql: &str) -> Result<u64> {
        Ok(sqlx::query(sql).execute(&self.pool).await?.rows_affected())
    }
}

impl Store {
    /// The number of rows of a table; for tests.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        if !table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(crate::StoreError::NotFound);
        }
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&self.pool).await?)
    }

    /// The rows of a table meeting a condition written by a test.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn count_where(&self, table: &str, condition: &str) -> Result<i64> {
        if !table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(crate::StoreError::NotFound);
        }
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {condition}")).fetch_one(&self.pool).await?)
    }

    /// The one text value a test's query selects.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn scalar_text(&self, sql: &str) -> Result<String> {
        Ok(sqlx::query_scalar(sql).fetch_one(&self.pool).await?)
    }
}

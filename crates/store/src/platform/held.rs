//! Files held for a form shown again: a good file sent with a form that
//! another field made come back is kept under its sender, so the form is
//! sent again without choosing it again. The row names the blob, so the
//! sweep of unreferenced files leaves it; holds are let go after a while.

use crate::{get, Blob, Result, Store};

/// A held file: whose, what it is called and is, where its bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFile {
    pub id: i64,
    pub owner: String,
    pub name: String,
    pub content_type: String,
    pub blob: Blob,
    pub held_at: i64,
}

impl Store {
    /// Holds `blob` (written before) for `owner`; the hold's id.
    pub async fn hold_file(&self, owner: &str, name: &str, content_type: &str, blob: &Blob) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO held_files (owner, name, content_type, blob_key, sha256, size, held_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(owner)
        .bind(name)
        .bind(content_type)
        .bind(&blob.key)
        .bind(&blob.sha256)
        .bind(i64::try_from(blob.size).unwrap_or(i64::MAX))
        .bind(self.now())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// The file held as `id` for `owner` (none: no such hold, or another's).
    pub async fn held_file(&self, id: i64, owner: &str) -> Result<Option<HeldFile>> {
        let row = sqlx::query(
            "SELECT id, owner, name, content_type, blob_key, sha256, size, held_at FROM held_files \
             WHERE id = $1 AND owner = $2",
        )
        .bind(id)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let size: i64 = get(&r, "size")?;
            Ok(HeldFile {
                id: get(&r, "id")?,
                owner: get(&r, "owner")?,
                name: get(&r, "name")?,
                content_type: get(&r, "content_type")?,
                blob: Blob { key: get(&r, "blob_key")?, size: size.max(0) as u64, sha256: get(&r, "sha256")? },
                held_at: get(&r, "held_at")?,
            })
        })
        .transpose()
    }

    /// Lets go `owner`'s hold `id`.
    pub async fn release_held_file(&self, id: i64, owner: &str) -> Result<()> {
        sqlx::query("DELETE FROM held_files WHERE id = $1 AND owner = $2")
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Lets go the holds made before `before` (micros); how many. Their
    /// files are the sweep's once no other row names them.
    pub async fn release_held_files(&self, before: i64) -> Result<u64> {
        let r = sqlx::query("DELETE FROM held_files WHERE held_at < $1").bind(before).execute(&self.pool).await?;
        Ok(r.rows_affected())
    }
}

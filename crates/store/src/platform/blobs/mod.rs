//! The blob store: the bytes of attached files, behind one interface with
//! two homes, chosen by configuration: a folder of the local disk (the
//! default) or an S3-compatible object store that several instances share.
//!
//! Either way a blob is written before the row that names it and is durable
//! before that row commits; its key (its SHA-256 and 16 random bytes, in
//! hex) is never reused, so a blob never changes once named.

mod folder;
mod s3;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::{Result, StoreError};
use folder::Folder;
pub use s3::S3Spec;
use s3::S3;

/// A column that names blobs: `blob_key`, or `<what>_blob_key` (its
/// digest beside it in `sha256` or `<what>_sha256`). The sweep and the
/// backups find such columns in the schema itself, so a module's table that
/// keeps files needs no list of them: a blob no such column names is an
/// orphan.
fn names_blobs(column: &str) -> Option<String> {
    if column == "blob_key" {
        return Some("sha256".to_string());
    }
    column.strip_suffix("_blob_key").filter(|w| !w.is_empty()).map(|w| format!("{w}_sha256"))
}

/// A table's column that names blobs, and the column of their digests.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Naming {
    table: String,
    key: String,
    sha256: String,
}

/// A stored blob: its key (where it lives), size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

/// Where blobs are kept, as configured (`--blob-store`): parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobSpec {
    /// A folder of the local disk.
    Folder(PathBuf),
    /// A bucket of an S3-compatible object store.
    S3(S3Spec),
}

impl BlobSpec {
    /// `s3://BUCKET[/PREFIX]?endpoint=…&region=…`, or a folder (`file:///PATH`
    /// or a plain path).
    pub fn parse(s: &str) -> std::result::Result<BlobSpec, String> {
        if s.starts_with("s3:") {
            return S3Spec::parse(s).map(BlobSpec::S3);
        }
        let path = s.strip_prefix("file://").unwrap_or(s);
        if path.is_empty() || path.contains("://") {
            return Err(format!("{s}: a blob store is a folder or s3://BUCKET[/PREFIX]"));
        }
        Ok(BlobSpec::Folder(PathBuf::from(path)))
    }
}

impl std::fmt::Display for BlobSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobSpec::Folder(p) => write!(f, "file://{}", p.display()),
            BlobSpec::S3(s) => s.fmt(f),
        }
    }
}

/// Whether `key` is a blob key: 96 hexadecimal digits.
fn is_key(key: &str) -> bool {
    key.len() == 96 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A file found by a sweep: its blob key (`None` for the leftover of an
/// interrupted write) and where it lies.
#[derive(Debug, Clone)]
pub struct Leftover {
    pub key: Option<String>,
    at: String,
}

#[derive(Debug)]
enum Home {
    Folder(Folder),
    S3(S3),
}

/// The blob store; cheap to clone.
#[derive(Debug, Clone)]
pub struct BlobStore {
    home: Arc<Home>,
    spec: Arc<BlobSpec>,
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Blobs(format!("file storage: {e}"))
}

fn joined<T>(r: std::result::Result<T, tokio::task::JoinError>) -> Result<T> {
    r.map_err(|e| StoreError::Blobs(e.to_string()))
}

impl BlobStore {
    /// Blobs in a folder of the local disk.
    pub fn folder(dir: impl Into<PathBuf>) -> BlobStore {
        let dir = dir.into();
        BlobStore { spec: Arc::new(BlobSpec::Folder(dir.clone())), home: Arc::new(Home::Folder(Folder { dir })) }
    }

    /// The store `spec` names (an object store's client is made; nothing is
    /// asked of it yet).
    pub fn open(spec: &BlobSpec) -> Result<BlobStore> {
        match spec {
            BlobSpec::Folder(dir) => Ok(BlobStore::folder(dir.clone())),
            BlobSpec::S3(s) => Ok(BlobStore { home: Arc::new(Home::S3(S3::open(s)?)), spec: Arc::new(spec.clone()) }),
        }
    }

    pub fn spec(&self) -> &BlobSpec {
        &self.spec
    }

    /// Whether a put must wait for a sync of the batch ([`BlobStore::sync`])
    /// before the row naming it commits: a folder's unsynced writes do.
    pub fn syncs_in_batches(&self) -> bool {
        matches!(*self.home, Home::Folder(_))
    }

    /// Whether files can be stored now: the folder takes a write, or the
    /// bucket answers.
    pub async fn ready(&self) -> bool {
        match &*self.home {
            Home::Folder(_) => {
                let me = self.clone();
                tokio::task::spawn_blocking(move || matches!(&*me.home, Home::Folder(f) if f.ready()))
                    .await
                    .unwrap_or(false)
            }
            Home::S3(s) => s.ready().await,
        }
    }

    /// Where the file of `key` lies, if the store is a folder and `key` a blob key.
    pub fn file_of(&self, key: &str) -> Option<PathBuf> {
        match &*self.home {
            Home::Folder(f) => f.path(key),
            Home::S3(_) => None,
        }
    }

    /// Stores bytes under a new key. `durable`: on disk before this returns;
    /// otherwise (a folder only) the caller makes the batch durable with
    /// [`BlobStore::sync`] before anything refers to it, one sync for many.
    pub async fn put(&self, bytes: Vec<u8>, durable: bool) -> Result<Blob> {
        let sha256: String = egov_kernel::hex(&Sha256::digest(&bytes));
        let mut rand = [0u8; 16];
        getrandom::getrandom(&mut rand).map_err(|e| StoreError::Blobs(e.to_string()))?;
        let key = format!("{sha256}{}", egov_kernel::hex(&rand));
        let size = bytes.len() as u64;
        self.write(&key, bytes, durable).await?;
        Ok(Blob { key, size, sha256 })
    }

    /// Stores bytes durably under a key they already have (a restore, a
    /// migration between stores).
    pub async fn put_at(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        if !is_key(key) {
            return Err(StoreError::Blobs(format!("not a blob key: {key}")));
        }
        self.write(key, bytes, true).await
    }

    async fn write(&self, key: &str, bytes: Vec<u8>, durable: bool) -> Result<()> {
        match &*self.home {
            Home::Folder(_) => {
                let (me, key) = (self.clone(), key.to_string());
                joined(
                    tokio::task::spawn_blocking(move || match &*me.home {
                        Home::Folder(f) if durable => f.put_durable(&key, &bytes),
                        Home::Folder(f) => f.put_unsynced(&key, &bytes),
                        Home::S3(_) => Ok(()),
                    })
                    .await,
                )?
                .map_err(io)
            }
            Home::S3(s) => s.put(key, bytes).await,
        }
    }

    /// Makes every blob written so far durable (a folder's one `syncfs`; an
    /// object store acknowledged each already).
    pub async fn sync(&self) -> Result<()> {
        match &*self.home {
            Home::Folder(_) => {
                let me = self.clone();
                joined(
                    tokio::task::spawn_blocking(move || match &*me.home {
                        Home::Folder(f) => f.sync(),
                        Home::S3(_) => Ok(()),
                    })
                    .await,
                )?
                .map_err(io)
            }
            Home::S3(_) => Ok(()),
        }
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        match &*self.home {
            Home::Folder(_) => {
                let (me, key) = (self.clone(), key.to_string());
                joined(
                    tokio::task::spawn_blocking(move || match &*me.home {
                        Home::Folder(f) => f.get(&key),
                        Home::S3(_) => None,
                    })
                    .await,
                )?
                .ok_or(StoreError::NotFound)
            }
            Home::S3(s) => s.get(key).await,
        }
    }

    /// Removes a blob whose record was never written (a failed submission).
    pub async fn delete(&self, key: &str) {
        match &*self.home {
            Home::Folder(f) => f.delete(key),
            Home::S3(s) => s.delete(key).await,
        }
    }

    /// Removes blobs no row will name, from code that cannot wait (a drop):
    /// a folder's at once, an object store's in the background (should that
    /// fail, the sweep removes them, since no row names them).
    pub fn discard(&self, keys: Vec<String>) {
        match &*self.home {
            Home::Folder(f) => keys.iter().for_each(|k| f.delete(k)),
            Home::S3(_) => {
                let me = self.clone();
                if let Ok(rt) = tokio::runtime::Handle::try_current() {
                    rt.spawn(async move {
                        for k in keys {
                            me.delete(&k).await;
                        }
                    });
                }
            }
        }
    }

    /// Every blob's key in the store, and every leftover of an interrupted
    /// write (key `None`): what a count or a check goes through.
    pub async fn everything(&self) -> Result<Vec<Leftover>> {
        self.older_than(std::time::SystemTime::now() + std::time::Duration::from_secs(86_400)).await
    }

    /// The blobs (and leftovers of interrupted writes) older than `cutoff`.
    async fn older_than(&self, cutoff: std::time::SystemTime) -> Result<Vec<Leftover>> {
        match &*self.home {
            Home::Folder(_) => {
                let me = self.clone();
                joined(
                    tokio::task::spawn_blocking(move || match &*me.home {
                        Home::Folder(f) => f.older_than(cutoff),
                        Home::S3(_) => Vec::new(),
                    })
                    .await,
                )
            }
            Home::S3(s) => s.older_than(cutoff).await,
        }
    }

    async fn remove(&self, doomed: Vec<Leftover>) -> Result<()> {
        match &*self.home {
            Home::Folder(_) => {
                let me = self.clone();
                joined(
                    tokio::task::spawn_blocking(move || {
                        if let Home::Folder(f) = &*me.home {
                            f.remove(&doomed)
                        }
                    })
                    .await,
                )
            }
            Home::S3(s) => {
                s.remove(&doomed).await;
                Ok(())
            }
        }
    }
}

/// What a sweep of unreferenced files did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Files no row names (and leftovers of interrupted writes), removed.
    pub removed: usize,
    /// Old enough to be looked at, but named by a row: kept.
    pub kept: usize,
}

impl crate::Store {
    /// The schema's columns that name blobs (see [`names_blobs`]), by table.
    async fn namings(&self) -> Result<Vec<Naming>> {
        let sql = match self.backend() {
            crate::Backend::Sqlite => {
                "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' ORDER BY m.name, p.cid"
            }
            crate::Backend::Postgres => {
                "SELECT c.table_name::text AS t, c.column_name::text AS c FROM information_schema.columns c \
                 JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
                 WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
                 ORDER BY c.table_name, c.ordinal_position"
            }
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        let mut columns: Vec<(String, String)> = Vec::with_capacity(rows.len());
        for r in &rows {
            columns.push((crate::get(r, "t")?, crate::get(r, "c")?));
        }
        let has = |t: &str, c: &str| columns.iter().any(|(tt, cc)| tt == t && cc == c);
        let mut out = Vec::new();
        for (table, key) in &columns {
            let Some(sha256) = names_blobs(key) else { continue };
            if !has(table, &sha256) {
                return Err(StoreError::Corrupt(format!("{table}.{key} names blobs without {sha256} beside it")));
            }
            out.push(Naming { table: table.clone(), key: key.clone(), sha256 });
        }
        Ok(out)
    }

    /// Every file a row names (a dossier's file, a news image's size, a
    /// plan report's evidence…): its blob key and digest (what a backup
    /// copies and a restore checks).
    pub async fn named_files(&self) -> Result<Vec<(String, String)>> {
        let namings = self.namings().await?;
        if namings.is_empty() {
            return Ok(Vec::new());
        }
        let sql = namings
            .iter()
            .map(|n| format!("SELECT \"{}\" AS k, \"{}\" AS d FROM \"{}\"", n.key, n.sha256, n.table))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let rows = sqlx::query(&format!("{sql} ORDER BY k")).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((crate::get(r, "k")?, crate::get(r, "d")?))).collect()
    }

    /// Whether the database holds egov's schema (a restore goes into one
    /// that does not).
    pub async fn has_schema(&self) -> Result<bool> {
        let sql = match self.backend() {
            crate::Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'",
            crate::Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
            }
        };
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&self.pool).await?;
        Ok(n > 0)
    }

    /// A consistent copy of an SQLite database, taken while it serves
    /// (`VACUUM INTO`: one read transaction, a compact file); PostgreSQL is
    /// copied with its own tools.
    pub async fn snapshot_into(&self, path: &Path) -> Result<()> {
        if self.backend() != crate::Backend::Sqlite {
            return Err(StoreError::Corrupt("a PostgreSQL database is copied with pg_dump".into()));
        }
        sqlx::query("VACUUM INTO $1").bind(path.display().to_string()).execute(&self.pool).await?;
        Ok(())
    }

    /// Removes the files that no row names (a dossier's file, a news
    /// image's size) and that are older than
    /// `min_age`: those of submissions that failed or were cut short by a
    /// crash before their commit. Recent files are left alone, since a
    /// submission in flight writes its files before its row.
    ///
    /// Several instances may sweep at once: a blob is removed only when no
    /// row names it and it is older than any submission in flight, so two
    /// sweeps remove the same orphans and nothing else.
    pub async fn sweep_blobs(&self, blobs: &BlobStore, min_age: std::time::Duration) -> Result<SweepReport> {
        let cutoff = std::time::SystemTime::now() - min_age;
        let candidates = blobs.older_than(cutoff).await?;
        let mut report = SweepReport::default();
        let mut doomed = Vec::new();
        let namings = self.namings().await?;
        if namings.is_empty() {
            // no schema read: nothing is known to be an orphan
            return Ok(report);
        }
        for chunk in candidates.chunks(500) {
            let keys: Vec<&str> = chunk.iter().filter_map(|l| l.key.as_deref()).collect();
            let named: std::collections::HashSet<String> = if keys.is_empty() {
                Default::default()
            } else {
                let marks: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
                let marks = marks.join(", ");
                let sql = namings
                    .iter()
                    .map(|n| format!("SELECT \"{0}\" FROM \"{1}\" WHERE \"{0}\" IN ({marks})", n.key, n.table))
                    .collect::<Vec<_>>()
                    .join(" UNION ");
                let mut q = sqlx::query_scalar::<_, String>(&sql);
                for k in &keys {
                    q = q.bind(*k);
                }
                q.fetch_all(&self.pool).await?.into_iter().collect()
            };
            for l in chunk {
                if l.key.as_ref().is_some_and(|k| named.contains(k)) {
                    report.kept += 1;
                } else {
                    doomed.push(l.clone());
                }
            }
        }
        report.removed = doomed.len();
        blobs.remove(doomed).await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::names_blobs;

    #[test]
    fn a_column_names_blobs_by_its_name_and_says_where_its_digest_is() {
        assert_eq!(names_blobs("blob_key").as_deref(), Some("sha256"));
        assert_eq!(names_blobs("evidence_blob_key").as_deref(), Some("evidence_sha256"));
        assert_eq!(names_blobs("_blob_key"), None);
        assert_eq!(names_blobs("evidence_key"), None);
        assert_eq!(names_blobs("blob_keys"), None);
    }
}

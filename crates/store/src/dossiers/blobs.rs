//! The blob store: the bytes of attached files, on disk under the data
//! folder, each written durably (file and folder synced) before it is named.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

/// A stored blob: its key (where it lives), size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("file storage: {e}"))
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

impl BlobStore {
    pub fn new(dir: impl Into<PathBuf>) -> BlobStore {
        BlobStore { dir: dir.into() }
    }

    /// Whether files can be stored now: the folder exists (made if missing)
    /// and takes a write.
    pub fn ready(&self) -> bool {
        let probe = self.dir.join(".ready");
        std::fs::create_dir_all(&self.dir).is_ok()
            && std::fs::write(&probe, b"ok").is_ok()
            && std::fs::remove_file(&probe).is_ok()
    }

    /// Where the file of `key` lies, if `key` is a blob key.
    pub fn file_of(&self, key: &str) -> Option<PathBuf> {
        self.path(key)
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        let ok = key.len() == 96 && key.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| self.dir.join(&key[..2]).join(key))
    }

    /// Writes bytes durably: a temporary file, synced, renamed into place,
    /// and the folder synced, so that a blob that has a key survives a crash.
    pub fn put(&self, bytes: &[u8]) -> Result<Blob> {
        let sha256: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let mut rand = [0u8; 16];
        getrandom::getrandom(&mut rand).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let key = format!("{sha256}{}", rand.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let final_path = self.path(&key).ok_or_else(|| StoreError::Corrupt("blob key".into()))?;
        let folder = final_path.parent().map(Path::to_path_buf).unwrap_or_else(|| self.dir.clone());
        std::fs::create_dir_all(&folder).map_err(io)?;
        let tmp = folder.join(format!(".tmp-{key}"));
        {
            let mut f = std::fs::File::create(&tmp).map_err(io)?;
            f.write_all(bytes).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, &final_path).map_err(io)?;
        sync_dir(&folder).map_err(io)?;
        Ok(Blob { key, size: bytes.len() as u64, sha256 })
    }

    /// Writes bytes under their key without syncing: the caller makes them
    /// durable with [`BlobStore::sync`] before anything refers to them. This
    /// lets a batch of submissions share one sync of the file system.
    pub fn put_unsynced(&self, bytes: &[u8]) -> Result<Blob> {
        let sha256: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let mut rand = [0u8; 16];
        getrandom::getrandom(&mut rand).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let key = format!("{sha256}{}", rand.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let final_path = self.path(&key).ok_or_else(|| StoreError::Corrupt("blob key".into()))?;
        let folder = final_path.parent().map(Path::to_path_buf).unwrap_or_else(|| self.dir.clone());
        std::fs::create_dir_all(&folder).map_err(io)?;
        // Straight under its key, no temporary name: nothing reads a blob
        // before a committed row names it, and a crash before the sync
        // leaves a file no row names, which the sweep removes.
        std::fs::write(&final_path, bytes).map_err(io)?;
        Ok(Blob { key, size: bytes.len() as u64, sha256 })
    }

    /// Makes every blob written so far durable, files and folders: one
    /// `syncfs` of the file system that holds the store (Linux).
    pub fn sync(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let dir = std::fs::File::open(&self.dir).map_err(io)?;
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: the descriptor is open for the duration of the call.
            let rc = unsafe { libc::syncfs(dir.as_raw_fd()) };
            if rc != 0 {
                return Err(io(std::io::Error::last_os_error()));
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            dir.sync_all().map_err(io)?;
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Result<Vec<u8>> {
        let p = self.path(key).ok_or(StoreError::NotFound)?;
        std::fs::read(p).map_err(|_| StoreError::NotFound)
    }

    /// The files older than `cutoff`: blobs by key, and leftovers of
    /// interrupted writes (`.tmp-…`, key `None`).
    pub fn older_than(&self, cutoff: std::time::SystemTime) -> Vec<(PathBuf, Option<String>)> {
        let mut out = Vec::new();
        let Ok(folders) = std::fs::read_dir(&self.dir) else { return out };
        for folder in folders.flatten().filter(|e| e.path().is_dir()) {
            let Ok(files) = std::fs::read_dir(folder.path()) else { continue };
            for f in files.flatten() {
                let old = f.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < cutoff);
                let name = f.file_name().to_string_lossy().into_owned();
                if !old || !f.path().is_file() {
                    continue;
                }
                if name.starts_with(".tmp-") {
                    out.push((f.path(), None));
                } else if self.path(&name).is_some_and(|p| p == f.path()) {
                    out.push((f.path(), Some(name)));
                }
            }
        }
        out
    }

    /// Removes a blob whose record was never written (a failed submission).
    pub fn delete(&self, key: &str) {
        if let Some(p) = self.path(key) {
            let _ = std::fs::remove_file(p);
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
    /// Every file a dossier names: its blob key and digest (what a backup
    /// copies and a restore checks).
    pub async fn named_files(&self) -> Result<Vec<(String, String)>> {
        let rows =
            sqlx::query("SELECT blob_key, sha256 FROM dossier_files ORDER BY blob_key").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((crate::get(r, "blob_key")?, crate::get(r, "sha256")?))).collect()
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

    /// Removes the files that no dossier names and that are older than
    /// `min_age`: those of submissions that failed or were cut short by a
    /// crash before their commit. Recent files are left alone, since a
    /// submission in flight writes its files before its row.
    pub async fn sweep_blobs(&self, blobs: &BlobStore, min_age: std::time::Duration) -> Result<SweepReport> {
        let cutoff = std::time::SystemTime::now() - min_age;
        let b = blobs.clone();
        let candidates = tokio::task::spawn_blocking(move || b.older_than(cutoff))
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut report = SweepReport::default();
        let mut doomed = Vec::new();
        for chunk in candidates.chunks(500) {
            let keys: Vec<&str> = chunk.iter().filter_map(|(_, k)| k.as_deref()).collect();
            let named: std::collections::HashSet<String> = if keys.is_empty() {
                Default::default()
            } else {
                let marks: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
                let sql = format!("SELECT blob_key FROM dossier_files WHERE blob_key IN ({})", marks.join(", "));
                let mut q = sqlx::query_scalar::<_, String>(&sql);
                for k in &keys {
                    q = q.bind(*k);
                }
                q.fetch_all(&self.pool).await?.into_iter().collect()
            };
            for (path, key) in chunk {
                if key.as_ref().is_some_and(|k| named.contains(k)) {
                    report.kept += 1;
                } else {
                    doomed.push(path.clone());
                }
            }
        }
        report.removed = doomed.len();
        tokio::task::spawn_blocking(move || {
            for p in doomed {
                let _ = std::fs::remove_file(p);
            }
        })
        .await
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(report)
    }
}

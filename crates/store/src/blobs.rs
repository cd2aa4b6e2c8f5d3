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
        let tmp = folder.join(format!(".tmp-{key}"));
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, &final_path).map_err(io)?;
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

    /// Removes a blob whose record was never written (a failed submission).
    pub fn delete(&self, key: &str) {
        if let Some(p) = self.path(key) {
            let _ = std::fs::remove_file(p);
        }
    }
}

//! The agent's folder: its credentials (readable by its owner only), what
//! it remembers of its scans, and the queue of detection reports not yet
//! taken by the server — one file a report, written whole (a temporary
//! file synced, then renamed) so that nothing is lost or half-read across
//! a crash or a restart.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}: {1}")]
    Json(String, serde_json::Error),
    #[error("not enrolled: run `egov-agent enrol --server URL --token TOKEN` first ({0} is missing)")]
    NotEnrolled(String),
}

/// What enrolment gave: where the server is and the agent's key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub server: String,
    pub machine_id: i64,
    pub key: String,
}

/// What the agent remembers of its scans (its own clock's seconds since the epoch).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScanState {
    pub last_scan: Option<u64>,
    /// `clean`, `infected` or `failed`.
    pub last_result: Option<String>,
    /// The last scan that ran to its end.
    pub last_good_scan: Option<u64>,
}

/// A detection waiting to be sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pending {
    pub report_id: String,
    /// When it was found, in the agent's clock (seconds since the epoch).
    pub found_at: u64,
    pub path: String,
    pub signature: String,
    pub sha256: String,
    pub action: String,
}

pub struct Store {
    pub dir: PathBuf,
}

fn io(p: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Io(p.display().to_string(), e)
}

/// Writes a file whole: a temporary file beside it, synced, renamed over
/// it, the folder synced. `private`: readable and writable by the owner only.
fn write_whole(path: &Path, bytes: &[u8], private: bool) -> Result<(), StoreError> {
    let tmp = path.with_extension("tmp");
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(if private { 0o600 } else { 0o644 });
    }
    let mut f = o.open(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))?;
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b).map(Some).map_err(|e| StoreError::Json(path.display().to_string(), e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::Io(path.display().to_string(), e)),
    }
}

impl Store {
    /// The folder, made (owner only) if missing.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir.join("queue")).map_err(io(dir))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
        }
        Ok(Store { dir: dir.to_path_buf() })
    }

    fn credentials_path(&self) -> PathBuf {
        self.dir.join("credentials.json")
    }

    pub fn save_credentials(&self, c: &Credentials) -> Result<(), StoreError> {
        let p = self.credentials_path();
        write_whole(&p, &serde_json::to_vec_pretty(c).map_err(|e| StoreError::Json(p.display().to_string(), e))?, true)
    }

    pub fn credentials(&self) -> Result<Credentials, StoreError> {
        let p = self.credentials_path();
        read_json(&p)?.ok_or_else(|| StoreError::NotEnrolled(p.display().to_string()))
    }

    pub fn scan_state(&self) -> Result<ScanState, StoreError> {
        Ok(read_json(&self.dir.join("state.json"))?.unwrap_or_default())
    }

    pub fn save_scan_state(&self, s: &ScanState) -> Result<(), StoreError> {
        let p = self.dir.join("state.json");
        write_whole(&p, &serde_json::to_vec(s).map_err(|e| StoreError::Json(p.display().to_string(), e))?, false)
    }

    /// Queues a report (durably) until the server takes it.
    pub fn queue(&self, r: &Pending) -> Result<(), StoreError> {
        let p = self.dir.join("queue").join(format!("{}.json", r.report_id));
        write_whole(&p, &serde_json::to_vec(r).map_err(|e| StoreError::Json(p.display().to_string(), e))?, true)
    }

    /// The queued reports, oldest first (a file that cannot be read is left
    /// where it is, and said).
    pub fn pending(&self) -> Result<Vec<Pending>, StoreError> {
        let dir = self.dir.join("queue");
        let mut out = Vec::new();
        for e in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let p = e.map_err(io(&dir))?.path();
            if p.extension().is_some_and(|x| x == "json") {
                match read_json::<Pending>(&p) {
                    Ok(Some(r)) => out.push(r),
                    Ok(None) => {}
                    Err(e) => tracing::error!(error = %e, "a queued report cannot be read"),
                }
            }
        }
        out.sort_by(|a, b| (a.found_at, &a.report_id).cmp(&(b.found_at, &b.report_id)));
        Ok(out)
    }

    /// Forgets reports the server took.
    pub fn taken(&self, ids: &[String]) -> Result<(), StoreError> {
        for id in ids {
            let p = self.dir.join("queue").join(format!("{id}.json"));
            match std::fs::remove_file(&p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(StoreError::Io(p.display().to_string(), e))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

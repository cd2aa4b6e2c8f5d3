//! A scheduled scan: every regular file under the configured folders
//! (symbolic links not followed) streamed to clamd; each file found
//! infected moved to the quarantine folder when one is set, and queued as
//! a report either way. The scan's end (clean, infected, failed) is
//! remembered for the heartbeat.

use std::path::{Path, PathBuf};

use egov_clamd::{Clamd, ClamdError, Verdict};
use sha2::{Digest, Sha256};

use crate::store::{Pending, Store};

/// How a scan went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub files: u64,
    pub infected: u64,
    pub skipped: u64,
    /// Why it stopped short (clamd unreachable).
    pub failed: Option<String>,
}

pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn report_id() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::getrandom(&mut b);
    format!("{}-{}", now(), b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

fn sha256(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h)?;
    Ok(h.finalize().iter().map(|x| format!("{x:02x}")).collect())
}

/// Moves an infected file into the quarantine folder (owner only); its new path.
fn quarantine(path: &Path, dir: &Path, id: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let to = dir.join(format!("{id}-{name}"));
    if std::fs::rename(path, &to).is_err() {
        std::fs::copy(path, &to)?;
        std::fs::remove_file(path)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(to)
}

/// Every regular file under the roots (not following links), a folder at a time.
fn files(roots: &[PathBuf], quarantine: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(p) = stack.pop() {
        if quarantine.is_some_and(|q| p.starts_with(q)) {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
        if meta.is_dir() {
            match std::fs::read_dir(&p) {
                Ok(entries) => stack.extend(entries.flatten().map(|e| e.path())),
                Err(e) => tracing::warn!(path = %p.display(), error = %e, "a folder cannot be read"),
            }
        } else if meta.is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Scans the roots through clamd; queues what it finds; remembers how it ended.
pub async fn run(store: &Store, clamd: &Clamd, roots: &[PathBuf], quarantine_dir: Option<&Path>) -> Outcome {
    let started = now();
    let mut out = Outcome::default();
    for path in files(roots, quarantine_dir) {
        let mut f = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "a file cannot be read");
                out.skipped += 1;
                continue;
            }
        };
        match clamd.scan_reader(&mut f).await {
            Ok(Verdict::Clean) => out.files += 1,
            Ok(Verdict::Infected(signature)) => {
                out.files += 1;
                out.infected += 1;
                let id = report_id();
                let sha = sha256(&path).unwrap_or_else(|_| "0".repeat(64));
                let action = match quarantine_dir.map(|q| quarantine(&path, q, &id)) {
                    Some(Ok(to)) => {
                        tracing::warn!(path = %path.display(), to = %to.display(), %signature, "malware found and quarantined");
                        "quarantined"
                    }
                    Some(Err(e)) => {
                        tracing::error!(path = %path.display(), error = %e, %signature, "malware found; it could not be quarantined");
                        "reported"
                    }
                    None => {
                        tracing::warn!(path = %path.display(), %signature, "malware found");
                        "reported"
                    }
                };
                let r = Pending {
                    report_id: id,
                    found_at: now(),
                    path: path.display().to_string(),
                    signature,
                    sha256: sha,
                    action: action.into(),
                };
                if let Err(e) = store.queue(&r) {
                    tracing::error!(error = %e, "a detection could not be queued");
                }
            }
            // a file clamd will not take (past its size limit) is passed over
            Err(ClamdError::Refused(why)) => {
                tracing::warn!(path = %path.display(), %why, "clamd refused a file");
                out.skipped += 1;
            }
            Err(ClamdError::Read(e)) => {
                tracing::warn!(path = %path.display(), error = %e, "a file cannot be read");
                out.skipped += 1;
            }
            Err(e) => {
                out.failed = Some(e.to_string());
                break;
            }
        }
    }
    let mut s = store.scan_state().unwrap_or_default();
    s.last_scan = Some(started);
    s.last_result = Some(
        match (&out.failed, out.infected) {
            (Some(_), _) => "failed",
            (None, 0) => "clean",
            (None, _) => "infected",
        }
        .into(),
    );
    if out.failed.is_none() {
        s.last_good_scan = Some(started);
    }
    if let Err(e) = store.save_scan_state(&s) {
        tracing::error!(error = %e, "the scan's end could not be remembered");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use egov_clamd::testing::{TestClamd, EICAR};

    fn temp(name: &str) -> PathBuf {
        let mut b = [0u8; 6];
        getrandom::getrandom(&mut b).unwrap();
        let d = std::env::temp_dir()
            .join(format!("egov-agent-{name}-{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[tokio::test]
    async fn a_scan_quarantines_and_queues_what_clamd_finds_and_remembers_its_end() {
        let clamd = TestClamd::start().await;
        let home = temp("home");
        std::fs::create_dir_all(home.join("sub")).unwrap();
        std::fs::write(home.join("sub/eicar.com"), EICAR).unwrap();
        std::fs::write(home.join("letter.txt"), b"nothing to see").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc", home.join("etc-link")).unwrap();
        let store = Store::open(&temp("state")).unwrap();
        let q = temp("quarantine");
        let o = run(&store, &clamd.client(), std::slice::from_ref(&home), Some(&q)).await;
        assert_eq!((o.files, o.infected, o.failed), (2, 1, None), "links are not followed");
        assert!(!home.join("sub/eicar.com").exists(), "moved away");
        let pending = store.pending().unwrap();
        assert_eq!(pending.len(), 1);
        let r = &pending[0];
        assert_eq!((r.action.as_str(), r.signature.as_str()), ("quarantined", "Egov.Test.EICAR.UNOFFICIAL"));
        assert_eq!(r.sha256, "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
        assert_eq!(std::fs::read(q.join(format!("{}-eicar.com", r.report_id))).unwrap(), EICAR);
        let s = store.scan_state().unwrap();
        assert_eq!(s.last_result.as_deref(), Some("infected"));
        assert!(s.last_good_scan.is_some());
        // queued reports outlive the process: a new handle on the folder reads them
        let again = Store::open(&store.dir).unwrap();
        assert_eq!(again.pending().unwrap(), pending);
        again.taken(std::slice::from_ref(&r.report_id)).unwrap();
        assert!(again.pending().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_scan_without_clamd_fails_and_keeps_the_last_good_one() {
        let mut clamd = TestClamd::start().await;
        let home = temp("home2");
        std::fs::write(home.join("a.txt"), b"a").unwrap();
        let store = Store::open(&temp("state2")).unwrap();
        let c = clamd.client();
        assert_eq!(run(&store, &c, std::slice::from_ref(&home), None).await.failed, None);
        let good = store.scan_state().unwrap().last_good_scan;
        clamd.stop();
        assert!(run(&store, &c, &[home], None).await.failed.is_some());
        let s = store.scan_state().unwrap();
        assert_eq!((s.last_result.as_deref(), s.last_good_scan), (Some("failed"), good));
    }
}

//! Scanning uploads through clamd before they are accepted: an infected
//! file is refused naming the signature, nothing of it is stored, and the
//! event is recorded (audit, and a detection on egov's own machine). A
//! clamd configured but unreachable refuses uploads (fail closed) unless
//! the configuration says to let them through.

use egov_clamd::{Clamd, Verdict};
use egov_protection::ActionTaken;
use egov_store::protection::NewDetection;
use sha2::{Digest, Sha256};

use crate::{App, AppError, Refusal};

/// The scanner of uploads (`--clamd`).
#[derive(Debug, Clone)]
pub struct Scanner {
    pub clamd: Clamd,
    /// Accept uploads unscanned while clamd is unreachable (`--clamd-fail-open`).
    pub fail_open: bool,
}

/// What a scan of one file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Clean,
    /// Not scanned: clamd unreachable and the scanner fails open.
    Unscanned,
    /// The signature that matched.
    Infected(String),
}

/// Scans files (each `(name, bytes)`), all at once: what each is. Infected
/// ones are recorded. Clamd unreachable: refused as unavailable, unless the
/// scanner fails open. Without a scanner every file is clean.
pub async fn scan(app: &App, who: &str, files: &[(&str, &[u8])]) -> Result<Vec<Found>, AppError> {
    let Some(s) = &app.config.scanner else {
        return Ok(vec![Found::Clean; files.len()]);
    };
    let verdicts = futures_util::future::join_all(files.iter().map(|(_, b)| s.clamd.scan(b))).await;
    let mut found = Vec::with_capacity(files.len());
    for ((name, bytes), v) in files.iter().zip(verdicts) {
        found.push(match v {
            Ok(Verdict::Clean) => Found::Clean,
            Ok(Verdict::Infected(sig)) => {
                record(app, who, name, bytes, &sig).await?;
                Found::Infected(sig)
            }
            Err(e) if s.fail_open => {
                tracing::warn!(error = %e, "upload accepted unscanned: clamd failed and --clamd-fail-open is set");
                Found::Unscanned
            }
            Err(e) => {
                tracing::error!(error = %e, "upload refused: clamd failed");
                return Err(AppError::refused(
                    Refusal::Unavailable,
                    "err.file.scanner",
                    "the malware scanner is unreachable",
                ));
            }
        });
    }
    Ok(found)
}

/// A refused upload as a detection on egov's own machine (the same file
/// refused within a minute is one detection).
async fn record(app: &App, who: &str, name: &str, bytes: &[u8], signature: &str) -> Result<(), AppError> {
    let sha = egov_kernel::hex(&Sha256::digest(bytes));
    let now = app.store.now();
    let d = NewDetection {
        report_id: format!("upload-{}-{}", &sha[..32], now / 60_000_000),
        found_at: now,
        path: format!("upload:{}", name.chars().filter(|c| !c.is_control()).take(200).collect::<String>()),
        signature: signature.to_string(),
        sha256: sha,
        action: ActionTaken::Refused,
    };
    let note = format!("egov — {} — {} — {}", d.path, d.signature, d.sha256);
    let mut w = app.store.begin_write().await?;
    let machine = w.pr_own_machine(app.now().date()).await?;
    if w.pr_record_detection(machine, &d, who).await?.1 {
        w.pr_alert(egov_protection::Alert::Detection, None, &note).await?;
    }
    w.commit().await?;
    app.mail_wake.notify_one();
    tracing::warn!(signature, file = name, by = who, "upload refused: malware found");
    Ok(())
}

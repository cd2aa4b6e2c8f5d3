//! What agents call: enrolment (a one-time token for credentials),
//! heartbeats and detection reports. An agent is known by its credentials
//! only, and reports for its own machine only: the machine is the
//! credentials', never a field of the report. Ages, not instants, cross the
//! wire (`seconds_ago`), so that an agent's clock being off moves nothing.

use egov_protection::{ActionTaken, EngineVersion, ScanResult, Status};
use egov_store::protection::{AgentCred, NewDetection};

use crate::{App, AppError, FieldError, Refusal};

/// Credentials an enrolment gives: shown to the agent once, kept as a digest.
#[derive(Debug, Clone)]
pub struct Enrolled {
    pub machine_id: i64,
    pub secret: String,
}

/// Exchanges a one-time enrolment token for an agent's credentials.
pub async fn enrol(app: &App, token: &str) -> Result<Enrolled, AppError> {
    let secret = egov_identity::random_secret().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut w = app.store.begin_write().await?;
    let machine =
        w.pr_enrol(&egov_identity::secret_digest(token.trim()), &egov_identity::secret_digest(&secret)).await?;
    let Some(machine_id) = machine else {
        return Err(AppError::refused(
            Refusal::NotPermitted,
            "err.pr.token",
            "the enrolment token is unknown, used or expired",
        ));
    };
    w.commit().await?;
    Ok(Enrolled { machine_id, secret })
}

/// The agent these credentials are, if they are current.
pub async fn authenticate(app: &App, secret: &str) -> Result<AgentCred, AppError> {
    let denied = || AppError::refused(Refusal::NotPermitted, "err.pr.agent", "unknown or revoked agent credentials");
    let cred = app.store.pr_agent(&egov_identity::secret_digest(secret.trim())).await?.ok_or_else(denied)?;
    if cred.revoked {
        return Err(denied());
    }
    Ok(cred)
}

/// The last scan as an agent says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastScan {
    pub seconds_ago: u64,
    pub result: String,
}

/// A heartbeat as an agent sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heartbeat {
    pub host_name: String,
    pub os: String,
    pub addresses: Vec<String>,
    pub agent_version: String,
    /// clamd's `VERSION` answer (none: clamd unreachable).
    pub clamd_version: Option<String>,
    pub last_scan: Option<LastScan>,
    /// The last scan that ran to its end.
    pub last_good_scan_seconds_ago: Option<u64>,
}

/// Ten years, the most an age may be.
const MAX_AGE: u64 = 10 * 366 * 86_400;

fn text(errs: &mut Vec<FieldError>, field: &str, s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() > max || s.chars().any(char::is_control) {
        errs.push(FieldError::new(field, "err.too_long"));
    }
    s.to_string()
}

fn age(errs: &mut Vec<FieldError>, field: &str, secs: u64, now: i64) -> i64 {
    if secs > MAX_AGE {
        errs.push(FieldError::new(field, "err.pr.age"));
        return now;
    }
    now - secs as i64 * 1_000_000
}

/// Keeps an agent's heartbeat as its machine's status.
pub async fn heartbeat(app: &App, agent: &AgentCred, h: &Heartbeat) -> Result<(), AppError> {
    let now = app.store.now();
    let mut errs = Vec::new();
    let host_name = text(&mut errs, "host_name", &h.host_name, 253);
    let os = text(&mut errs, "os", &h.os, 200);
    let agent_version = text(&mut errs, "agent_version", &h.agent_version, 40);
    if h.addresses.len() > 32 {
        errs.push(FieldError::new("addresses", "err.too_long"));
    }
    let addresses: Vec<String> = h
        .addresses
        .iter()
        .take(32)
        .enumerate()
        .map(|(i, a)| text(&mut errs, &format!("addresses[{i}]"), a, 64))
        .collect();
    let engine = match h.clamd_version.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => match EngineVersion::parse(v) {
            Some(e) => Some((v.to_string(), e)),
            None => {
                errs.push(FieldError::new("clamd_version", "err.pr.version"));
                None
            }
        },
        None => None,
    };
    let last_scan = match &h.last_scan {
        Some(s) => {
            let at = age(&mut errs, "last_scan.seconds_ago", s.seconds_ago, now);
            match ScanResult::parse(s.result.trim()) {
                Some(r) => Some((at, r)),
                None => {
                    errs.push(FieldError::new("last_scan.result", "err.option"));
                    None
                }
            }
        }
        None => None,
    };
    let last_good = h.last_good_scan_seconds_ago.map(|s| age(&mut errs, "last_good_scan_seconds_ago", s, now));
    AppError::invalid(errs)?;
    let status = Status {
        last_seen: now,
        host_name,
        os,
        addresses,
        agent_version,
        signature_date: engine.as_ref().and_then(|(_, e)| e.signature_date).map(|d| d.and_utc().timestamp_micros()),
        engine: engine.as_ref().map(|(_, e)| e.clone()),
        last_scan: last_scan.map(|(at, _)| at),
        last_scan_result: last_scan.map(|(_, r)| r),
        last_good_scan: last_good,
    };
    app.store
        .pr_save_status(agent.machine_id, agent.agent_id, &status, engine.as_ref().map(|(l, _)| l.as_str()))
        .await?;
    Ok(())
}

/// A detection as an agent reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub report_id: String,
    pub found_seconds_ago: u64,
    pub path: String,
    pub signature: String,
    pub sha256: String,
    pub action: String,
}

/// The most reports one call may carry.
pub const MAX_REPORTS: usize = 100;

/// Records an agent's detections (each once, however often it is sent):
/// how many were new.
pub async fn report(app: &App, agent: &AgentCred, reports: &[Report]) -> Result<usize, AppError> {
    let now = app.store.now();
    let mut errs = Vec::new();
    if reports.len() > MAX_REPORTS {
        errs.push(FieldError::new("reports", "err.too_long"));
    }
    let mut list = Vec::new();
    for (i, r) in reports.iter().take(MAX_REPORTS).enumerate() {
        let f = |name: &str| format!("reports[{i}].{name}");
        let id = r.report_id.trim();
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            errs.push(FieldError::new(f("report_id"), "err.pr.report_id"));
        }
        let found_at = age(&mut errs, &f("found_seconds_ago"), r.found_seconds_ago, now);
        let path = text(&mut errs, &f("path"), &r.path, 4096);
        let signature = text(&mut errs, &f("signature"), &r.signature, 200);
        if path.is_empty() {
            errs.push(FieldError::new(f("path"), "err.required"));
        }
        if signature.is_empty() {
            errs.push(FieldError::new(f("signature"), "err.required"));
        }
        let sha = r.sha256.trim().to_ascii_lowercase();
        if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
            errs.push(FieldError::new(f("sha256"), "err.pr.sha256"));
        }
        let action = ActionTaken::parse(r.action.trim()).filter(|a| *a != ActionTaken::Refused);
        if action.is_none() {
            errs.push(FieldError::new(f("action"), "err.option"));
        }
        if let Some(action) = action {
            list.push(NewDetection { report_id: id.to_string(), found_at, path, signature, sha256: sha, action });
        }
    }
    AppError::invalid(errs)?;
    let mut w = app.store.begin_write().await?;
    let mut new = 0;
    for d in &list {
        let (id, fresh) = w.pr_record_detection(agent.machine_id, d, &format!("agent:{}", agent.agent_id)).await?;
        if fresh {
            new += 1;
            let machine = w.pr_detection(id).await?.map(|d| d.machine_name).unwrap_or_default();
            let note = super::alert_note(app, &machine, &agent.agency_id, &[&d.path, &d.signature, &d.sha256]).await?;
            w.pr_alert(egov_protection::Alert::Detection, Some(&agent.agency_id), &note).await?;
        }
    }
    w.commit().await?;
    if new > 0 {
        app.mail_wake.notify_one();
    }
    Ok(new)
}

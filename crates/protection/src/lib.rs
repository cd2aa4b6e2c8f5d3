//! Endpoint protection (issue 18), pure: the inventory of an agency's
//! servers and workstations, dated; what an agent reports and how its
//! machine's state follows from the time of its last heartbeat; when
//! signatures are outdated; which machines count as covered and the
//! coverage of a set of them on a day; detections and how they are handled.
//! Instants are microseconds since the epoch (the store's), passed in.

pub mod inventory;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub use inventory::{Machine, MachineInput, MachineKind, NewMachine};

const MINUTE: i64 = 60_000_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// A problem of one field: its name and the i18n key of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

/// A heartbeat within this long ago makes an agent active.
pub const ACTIVE_WITHIN_MINUTES: i64 = 3;

/// A machine's agent, as its last heartbeat says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    /// A heartbeat within [`ACTIVE_WITHIN_MINUTES`].
    Active,
    /// Heard from once, not lately.
    Disconnected,
    /// No agent ever reported for the machine.
    NeverConnected,
}

impl AgentState {
    pub fn of(last_seen: Option<i64>, now: i64) -> AgentState {
        match last_seen {
            None => AgentState::NeverConnected,
            Some(t) if now - t <= ACTIVE_WITHIN_MINUTES * MINUTE => AgentState::Active,
            Some(_) => AgentState::Disconnected,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Active => "active",
            AgentState::Disconnected => "disconnected",
            AgentState::NeverConnected => "never_connected",
        }
    }
}

/// The department's thresholds, kept as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Signatures older than this many days are outdated.
    pub signature_max_age_days: u32,
    /// A machine counts as covered with a successful scan within this many days.
    pub scan_within_days: u32,
    /// An e-mail goes out once a machine is disconnected this long.
    pub disconnected_alert_minutes: u32,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy { signature_max_age_days: 7, scan_within_days: 7, disconnected_alert_minutes: 60 }
    }
}

impl Policy {
    /// Every field's problem at once: days from 1 to 365, the alert's delay
    /// from 5 minutes to 30 days.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if !(1..=365).contains(&self.signature_max_age_days) {
            out.push(Problem { field: "signature_max_age_days", key: "err.pr.days" });
        }
        if !(1..=365).contains(&self.scan_within_days) {
            out.push(Problem { field: "scan_within_days", key: "err.pr.days" });
        }
        if !(5..=43_200).contains(&self.disconnected_alert_minutes) {
            out.push(Problem { field: "disconnected_alert_minutes", key: "err.pr.minutes" });
        }
        out
    }

    /// Whether signatures of this date are outdated at `now` (an unknown date is).
    pub fn outdated(&self, signature_date: Option<i64>, now: i64) -> bool {
        signature_date.is_none_or(|d| now - d > i64::from(self.signature_max_age_days) * DAY)
    }

    /// Whether a machine counts as covered at `now`: an active agent,
    /// current signatures, a successful scan within the window.
    pub fn covered(&self, s: &Status, now: i64) -> bool {
        AgentState::of(Some(s.last_seen), now) == AgentState::Active
            && !self.outdated(s.signature_date, now)
            && s.last_good_scan.is_some_and(|t| now - t <= i64::from(self.scan_within_days) * DAY)
    }

    /// The instant before which a machine's last heartbeat is past the
    /// alert's delay (the store finds those machines by it).
    pub fn alarm_before(&self, now: i64) -> i64 {
        now - i64::from(self.disconnected_alert_minutes) * MINUTE
    }

    /// Whether a machine silent since `last_seen` is past the alert's delay.
    pub fn alarming(&self, last_seen: i64, now: i64) -> bool {
        last_seen < self.alarm_before(now)
    }
}

/// What the server keeps of a machine's last heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub last_seen: i64,
    pub host_name: String,
    pub os: String,
    pub addresses: Vec<String>,
    pub agent_version: String,
    /// clamd's `VERSION` line as the agent read it.
    pub engine: Option<EngineVersion>,
    pub signature_date: Option<i64>,
    pub last_scan: Option<i64>,
    pub last_scan_result: Option<ScanResult>,
    /// The last scan that ran to its end (infected or not).
    pub last_good_scan: Option<i64>,
}

/// How a scan ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanResult {
    Clean,
    Infected,
    /// The scan could not run (clamd unreachable, a folder unreadable).
    Failed,
}

impl ScanResult {
    pub const ALL: [ScanResult; 3] = [ScanResult::Clean, ScanResult::Infected, ScanResult::Failed];
    pub fn as_str(self) -> &'static str {
        match self {
            ScanResult::Clean => "clean",
            ScanResult::Infected => "infected",
            ScanResult::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<ScanResult> {
        ScanResult::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Whether the scan ran to its end.
    pub fn completed(self) -> bool {
        self != ScanResult::Failed
    }
}

/// The engine and signatures clamd reports: `ClamAV 1.4.6/27474/Mon Nov 30
/// 09:35:01 2026` (without an official database, only `ClamAV 1.4.6`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineVersion {
    pub engine: String,
    pub signatures: Option<u32>,
    pub signature_date: Option<NaiveDateTime>,
}

impl EngineVersion {
    pub fn parse(line: &str) -> Option<EngineVersion> {
        let rest = line.trim().strip_prefix("ClamAV ")?;
        let mut parts = rest.splitn(3, '/');
        let engine = parts.next()?.trim();
        if engine.is_empty()
            || engine.len() > 40
            || !engine.chars().all(|c| c.is_ascii_alphanumeric() || ".-_+~".contains(c))
        {
            return None;
        }
        let signatures = match parts.next() {
            Some(s) => Some(s.trim().parse().ok()?),
            None => None,
        };
        let signature_date = match parts.next() {
            // ctime's form, its day padded with a space
            Some(d) => Some(
                NaiveDateTime::parse_from_str(
                    &d.split_whitespace().collect::<Vec<_>>().join(" "),
                    "%a %b %d %H:%M:%S %Y",
                )
                .ok()?,
            ),
            None => None,
        };
        Some(EngineVersion { engine: engine.to_string(), signatures, signature_date })
    }
}

/// A machine's coverage tally: machines in the inventory and those covered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub machines: u32,
    pub covered: u32,
}

impl Coverage {
    /// The share covered, in per mille (none of none: none).
    pub fn per_mille(&self) -> Option<u32> {
        (self.machines > 0).then(|| (u64::from(self.covered) * 1000 / u64::from(self.machines)) as u32)
    }
    pub fn add(&mut self, covered: bool) {
        self.machines += 1;
        self.covered += u32::from(covered);
    }
}

/// What an agent did with a file it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionTaken {
    /// Reported only: the file is where it was.
    Reported,
    /// Moved to the agent's quarantine folder.
    Quarantined,
    /// Refused at upload (egov's own scanning): nothing was stored.
    Refused,
}

impl ActionTaken {
    pub const ALL: [ActionTaken; 3] = [ActionTaken::Reported, ActionTaken::Quarantined, ActionTaken::Refused];
    pub fn as_str(self) -> &'static str {
        match self {
            ActionTaken::Reported => "reported",
            ActionTaken::Quarantined => "quarantined",
            ActionTaken::Refused => "refused",
        }
    }
    pub fn parse(s: &str) -> Option<ActionTaken> {
        ActionTaken::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a detection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectionState {
    New,
    Quarantined,
    Cleaned,
    FalsePositive,
}

/// A change of a detection's state that its rules forbid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a detection that is {from} cannot become {to}")]
pub struct BadTransition {
    pub from: &'static str,
    pub to: &'static str,
}

impl DetectionState {
    pub const ALL: [DetectionState; 4] =
        [DetectionState::New, DetectionState::Quarantined, DetectionState::Cleaned, DetectionState::FalsePositive];
    pub fn as_str(self) -> &'static str {
        match self {
            DetectionState::New => "new",
            DetectionState::Quarantined => "quarantined",
            DetectionState::Cleaned => "cleaned",
            DetectionState::FalsePositive => "false_positive",
        }
    }
    pub fn parse(s: &str) -> Option<DetectionState> {
        DetectionState::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// The state a detection starts in: quarantined when the agent moved
    /// the file away or the upload was refused, new otherwise.
    pub fn first(action: ActionTaken) -> DetectionState {
        match action {
            ActionTaken::Reported => DetectionState::New,
            ActionTaken::Quarantined | ActionTaken::Refused => DetectionState::Quarantined,
        }
    }
    /// An official's handling: new → quarantined, cleaned or false
    /// positive; quarantined → cleaned or false positive; the last two are final.
    pub fn handle(self, to: DetectionState) -> Result<DetectionState, BadTransition> {
        use DetectionState::*;
        match (self, to) {
            (New, Quarantined | Cleaned | FalsePositive) | (Quarantined, Cleaned | FalsePositive) => Ok(to),
            _ => Err(BadTransition { from: self.as_str(), to: to.as_str() }),
        }
    }
    pub fn open(self) -> bool {
        matches!(self, DetectionState::New | DetectionState::Quarantined)
    }
}

/// What an alert mailed to the administrators is about (kept in the mail
/// outbox by this name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Alert {
    /// Malware found on a machine, or in an upload refused.
    Detection,
    /// A machine silent longer than the policy allows.
    Disconnected,
}

impl Alert {
    pub const ALL: [Alert; 2] = [Alert::Detection, Alert::Disconnected];
    pub fn as_str(self) -> &'static str {
        match self {
            Alert::Detection => "security_detection",
            Alert::Disconnected => "security_disconnected",
        }
    }
    pub fn parse(s: &str) -> Option<Alert> {
        Alert::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Whether a machine is in the inventory on a day: added by then, not yet retired.
pub fn counts_on(added_on: NaiveDate, retired_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    added_on <= day && retired_on.is_none_or(|r| day < r)
}

#[cfg(test)]
mod tests;

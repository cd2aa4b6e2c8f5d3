//! Information-security incidents (issue 19, part 4), pure: an incident's
//! classification and the serious-incident test (Decision 05/2017: a
//! system of level 4–5 or on the national list suffering outage, secret
//! data leaked, important data lost for good, loss of control or cascading
//! spread, and an owner unable to handle it alone), its phases (forward
//! only; closed only once the closing report is sent), the reports a unit
//! owes and their deadlines — the rules are dated data of a legal basis
//! (`regime.rs`), counted in working days on the calendar or in calendar
//! days — and the year's statistics (`stats.rs`). The information systems
//! and their security levels are in `systems.rs`.

pub mod regime;
pub mod stats;
pub mod systems;

use serde::{Deserialize, Serialize};

pub use regime::{Anchor, DayCount, Regime, ReportKind, Rule};
pub use systems::{InfoSystem, SecurityLevel, SystemInput};

/// A problem of one field: its name and the i18n key of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

/// What kind of incident it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Malware,
    Intrusion,
    DenialOfService,
    DataLeak,
    Defacement,
    Phishing,
    Outage,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Malware,
        Kind::Intrusion,
        Kind::DenialOfService,
        Kind::DataLeak,
        Kind::Defacement,
        Kind::Phishing,
        Kind::Outage,
        Kind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Malware => "malware",
            Kind::Intrusion => "intrusion",
            Kind::DenialOfService => "denial_of_service",
            Kind::DataLeak => "data_leak",
            Kind::Defacement => "defacement",
            Kind::Phishing => "phishing",
            Kind::Outage => "outage",
            Kind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How bad it is, as the unit judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The harms that can make an incident serious (Decision 05/2017, art. 3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Harms {
    /// The system stopped working.
    pub outage: bool,
    /// Secret (state-secret) data leaked.
    pub secret_leak: bool,
    /// Important data lost for good.
    pub data_lost: bool,
    /// Control of the system lost.
    pub loss_of_control: bool,
    /// Spreading to other systems.
    pub cascading: bool,
}

impl Harms {
    pub fn any(&self) -> bool {
        self.outage || self.secret_leak || self.data_lost || self.loss_of_control || self.cascading
    }
}

/// The serious-incident test: an affected system of level 4 or 5 (or on
/// the national list of important systems), one of the harms, and an owner
/// unable to handle it alone. All three.
pub fn serious(systems: &[(SecurityLevel, bool)], harms: Harms, beyond_capacity: bool) -> bool {
    let important = systems.iter().any(|&(level, national)| national || level >= SecurityLevel::Four);
    important && harms.any() && beyond_capacity
}

/// Where the response stands: receive and verify → contain → eradicate and
/// recover → closed (root cause and lessons written, the closing report sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Reported,
    Verified,
    Contained,
    Recovered,
    Closed,
}

impl Phase {
    pub const ALL: [Phase; 5] = [Phase::Reported, Phase::Verified, Phase::Contained, Phase::Recovered, Phase::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Reported => "reported",
            Phase::Verified => "verified",
            Phase::Contained => "contained",
            Phase::Recovered => "recovered",
            Phase::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a phase cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseError {
    /// Phases go forward only (recovery may repeat: an unstable system is contained again).
    Backwards,
    /// Closing needs the root cause and the lessons.
    NoRootCause,
    /// The incident counts as closed only once its closing report is sent.
    NoClosingReport,
}

impl PhaseError {
    pub fn key(self) -> &'static str {
        match self {
            PhaseError::Backwards => "err.inc.backwards",
            PhaseError::NoRootCause => "err.inc.root_cause",
            PhaseError::NoClosingReport => "err.inc.closing_report",
        }
    }
}

/// The one transition of an incident's phase: forward (from recovered back
/// to contained too, when the system proves unstable); to closed only with
/// its root cause written and its closing report sent.
pub fn advance(from: Phase, to: Phase, root_cause: &str, closing_sent: bool) -> Result<Phase, PhaseError> {
    let again = from == Phase::Recovered && to == Phase::Contained;
    if to <= from && !again {
        return Err(PhaseError::Backwards);
    }
    if to == Phase::Closed {
        if root_cause.trim().is_empty() {
            return Err(PhaseError::NoRootCause);
        }
        if !closing_sent {
            return Err(PhaseError::NoClosingReport);
        }
    }
    Ok(to)
}

#[cfg(test)]
mod tests;

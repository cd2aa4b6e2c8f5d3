//! The specialised data network (issue 19), pure: connection points
//! (sites) and what probes them, how a probe's results make it go down and
//! come back, when a probe is planned in its interval (spread, never two
//! at once), outages and maintenance as spans of time and the uptime that
//! follows, the alerts an outage owes, the compact form raw results are
//! kept in, and the link-capacity rule (`capacity.rs`).
//! Instants are microseconds since the epoch (the store's), passed in.

pub mod capacity;
pub mod site;
pub mod span;
pub mod wire;

use serde::{Deserialize, Serialize};

pub use site::{AccessLevel, NewProbe, NewSite, ProbeInput, SiteInput, SiteKind, Target};
pub use span::{Span, Uptime};

pub const SECOND: i64 = 1_000_000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// A problem of one field: its name and the i18n key of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

/// One check of a probe: whether it passed, how long it took, and (failed,
/// or passed with a warning such as a certificate near expiry) what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub ok: bool,
    pub ms: u32,
    pub note: String,
}

impl Outcome {
    pub fn up(ms: u32) -> Outcome {
        Outcome { ok: true, ms, note: String::new() }
    }
    pub fn down(ms: u32, note: impl Into<String>) -> Outcome {
        Outcome { ok: false, ms, note: note.into() }
    }
}

/// What one more result changed for its probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    None,
    /// The `down_after`-th failure in a row: an outage that began at the first of them.
    WentDown,
    /// The first success after being down: the outage ends.
    CameBack,
}

/// A probe's run of results: failures in a row (and when the first of
/// them was), and whether it is down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracker {
    pub failures: u32,
    pub first_failure: Option<i64>,
    pub down: bool,
}

impl Tracker {
    /// Takes one result at `at`: down after `down_after` failures in a row
    /// (the outage dated from the first), up again at the first success.
    pub fn observe(&mut self, ok: bool, at: i64, down_after: u32) -> Change {
        if ok {
            let was = self.down;
            *self = Tracker::default();
            return if was { Change::CameBack } else { Change::None };
        }
        self.failures = self.failures.saturating_add(1);
        self.first_failure.get_or_insert(at);
        if !self.down && self.failures >= down_after.max(1) {
            self.down = true;
            return Change::WentDown;
        }
        Change::None
    }
}

/// Where in its interval a probe runs: spread by its id over the interval
/// (a multiplicative hash, so probes made one after another do not bunch),
/// in microseconds from the interval's start.
pub fn offset(probe_id: i64, interval_s: u32) -> i64 {
    let span = u64::from(interval_s.max(1)) * 1000;
    let h = (probe_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16;
    (h % span) as i64 * 1000
}

/// The planned instant of the slot holding `at` (slots are whole intervals
/// since the epoch, each with the probe's offset) and the slot's number.
pub fn slot(at: i64, interval_s: u32, offset: i64) -> (i64, i64) {
    let every = i64::from(interval_s.max(1)) * SECOND;
    let n = (at - offset).div_euclid(every);
    (n, n * every + offset)
}

/// The planned instant of slot `n`.
pub fn planned(n: i64, interval_s: u32, offset: i64) -> i64 {
    n * i64::from(interval_s.max(1)) * SECOND + offset
}

/// The alerts an outage of a site owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetAlert {
    /// The site went down (one an outage).
    Down,
    /// Still down after the reminder's delay (once an outage).
    StillDown,
    /// It came back.
    Up,
}

impl NetAlert {
    pub const ALL: [NetAlert; 3] = [NetAlert::Down, NetAlert::StillDown, NetAlert::Up];
    pub fn as_str(self) -> &'static str {
        match self {
            NetAlert::Down => "network_down",
            NetAlert::StillDown => "network_still_down",
            NetAlert::Up => "network_up",
        }
    }
    pub fn parse(s: &str) -> Option<NetAlert> {
        NetAlert::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// The department's settings for the network, kept as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetPolicy {
    /// A reminder once a site has been down this long (0: none).
    pub remind_after_minutes: u32,
    /// Raw results are kept this many days, then only the hour's sums.
    pub raw_days: u32,
}

impl Default for NetPolicy {
    fn default() -> NetPolicy {
        NetPolicy { remind_after_minutes: 60, raw_days: 7 }
    }
}

impl NetPolicy {
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.remind_after_minutes > 43_200 {
            out.push(Problem { field: "remind_after_minutes", key: "err.net.minutes" });
        }
        if !(1..=366).contains(&self.raw_days) {
            out.push(Problem { field: "raw_days", key: "err.net.days" });
        }
        out
    }
    /// Whether an outage of a site begun at `since` owes its reminder at `now`.
    pub fn remind(&self, since: i64, now: i64) -> bool {
        self.remind_after_minutes > 0 && now - since >= i64::from(self.remind_after_minutes) * MINUTE
    }
}

/// Raw results in compact form: each one four bytes (seconds into its hour,
/// 12 bits; milliseconds, 19 bits, capped; passed, 1 bit), kept as eight
/// hexadecimal digits appended to the hour's row.
pub mod packed {
    pub const MS_CAP: u32 = (1 << 19) - 1;

    /// One result, `second` into its hour (0–3599).
    pub fn encode(second: u32, ms: u32, ok: bool) -> String {
        let v = (second.min(3599) << 20) | (ms.min(MS_CAP) << 1) | u32::from(ok);
        format!("{v:08x}")
    }

    /// The results of an hour's row, in order; none if it is not well formed.
    pub fn decode(s: &str) -> Option<Vec<(u32, u32, bool)>> {
        if !s.len().is_multiple_of(8) || !s.is_ascii() {
            return None;
        }
        (0..s.len() / 8)
            .map(|i| {
                let v = u32::from_str_radix(&s[i * 8..i * 8 + 8], 16).ok()?;
                Some((v >> 20, (v >> 1) & MS_CAP, v & 1 == 1))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

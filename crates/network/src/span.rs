//! Spans of time (outages, maintenance windows, periods) and the uptime
//! they make: over a period, the time watched (from when the probe or site
//! was first watched, less maintenance) and the time down within it (the
//! union of the outages, less maintenance).

use serde::{Deserialize, Serialize};

/// `[from, to)` in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub from: i64,
    pub to: i64,
}

impl Span {
    pub fn new(from: i64, to: i64) -> Span {
        Span { from, to: to.max(from) }
    }
    pub fn len(&self) -> i64 {
        self.to - self.from
    }
    pub fn is_empty(&self) -> bool {
        self.to <= self.from
    }
    pub fn clip(&self, to: Span) -> Span {
        Span::new(self.from.max(to.from), self.to.min(to.to))
    }
}

/// The spans merged: sorted, overlapping and touching ones joined, empty ones dropped.
pub fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| !s.is_empty());
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.from <= last.to => last.to = last.to.max(s.to),
            _ => out.push(s),
        }
    }
    out
}

/// The time of `spans` (merged) within `period`, less what `minus` (merged) covers.
pub fn length_within(spans: &[Span], minus: &[Span], period: Span) -> i64 {
    let a = union(spans.iter().map(|s| s.clip(period)).collect());
    let b = union(minus.iter().map(|s| s.clip(period)).collect());
    let mut total = 0;
    for s in &a {
        let mut len = s.len();
        for m in &b {
            len -= s.clip(*m).len();
        }
        total += len;
    }
    total
}

/// Watched and down time over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uptime {
    pub watched: i64,
    pub down: i64,
}

impl Uptime {
    /// Over `period`: watched from `since` (until `until`, the present for
    /// a period not over) less `maintenance`; down the outages' union
    /// (an open one ending at `until`) less maintenance.
    pub fn of(outages: &[Span], maintenance: &[Span], since: i64, until: i64, period: Span) -> Uptime {
        let watched_span = Span::new(period.from.max(since), period.to.min(until));
        if watched_span.is_empty() {
            return Uptime::default();
        }
        let watched = length_within(&[watched_span], maintenance, period);
        let down = length_within(outages, maintenance, watched_span);
        Uptime { watched, down }
    }
    pub fn add(&mut self, o: Uptime) {
        self.watched += o.watched;
        self.down += o.down;
    }
    /// The share of the watched time up, in percent (none when nothing was watched).
    pub fn percent(&self) -> Option<f64> {
        (self.watched > 0).then(|| 100.0 * (self.watched - self.down) as f64 / self.watched as f64)
    }
}

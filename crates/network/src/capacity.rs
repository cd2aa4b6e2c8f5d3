//! Link utilisation and the capacity rule of the specialised data network
//! (Decision 33/2025): the 95th percentile of the 5-minute traffic samples
//! over 7 days stays at or below 90 % of the link's capacity.
//!
//! The percentile is the nearest-rank one (sorted ascending, the
//! ⌈0.95·n⌉-th value: of a full week's 2,016 samples the 1,916th, the 100
//! highest set aside). Each direction is judged on its own, and the link
//! by the busier one.

use serde::{Deserialize, Serialize};

use crate::SECOND;

/// The length of a sample.
pub const SAMPLE: i64 = 300 * SECOND;
/// The rule's window: seven days of samples.
pub const WEEK_SAMPLES: usize = 7 * 24 * 12;
/// The rule's limit, in percent of capacity.
pub const LIMIT_PERCENT: u64 = 90;

/// One 5-minute sample of a link: its slot's start and the mean rates in
/// bits per second each way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub at: i64,
    pub in_bps: u64,
    pub out_bps: u64,
}

/// The nearest-rank 95th percentile (none of no values).
pub fn p95(values: &mut [u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (values.len() * 95).div_ceil(100);
    Some(values[rank.max(1) - 1])
}

/// A counter's width: SNMP's `Counter32` wraps at 2³², `Counter64` (the
/// `ifHC…` columns) never in practice, so a fall is the agent restarting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Bits32,
    Bits64,
}

/// Two readings of an octet counter `dt` microseconds apart: the mean rate
/// in bits per second, or none (a restart, or no time between them).
pub fn rate(before: u64, after: u64, dt: i64, width: Width) -> Option<u64> {
    if dt <= 0 {
        return None;
    }
    let delta = match (after >= before, width) {
        (true, _) => after - before,
        (false, Width::Bits32) if before <= u64::from(u32::MAX) => (1u64 << 32) - before + after,
        (false, _) => return None,
    };
    Some(((delta as u128 * 8 * SECOND as u128) / dt as u128).min(u128::from(u64::MAX)) as u64)
}

/// The start of the 5-minute slot holding `at`.
pub fn slot(at: i64) -> i64 {
    at.div_euclid(SAMPLE) * SAMPLE
}

/// The rule's verdict on a link over a window of samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub samples: usize,
    pub p95_in_bps: u64,
    pub p95_out_bps: u64,
    /// 90 % of the capacity.
    pub limit_bps: u64,
    /// Whether the window is a whole week of samples.
    pub complete: bool,
    /// Both directions' percentile at or below the limit.
    pub ok: bool,
}

impl Verdict {
    /// The busier direction's percentile in percent of the capacity.
    pub fn percent_of_capacity(&self, capacity_bps: u64) -> f64 {
        if capacity_bps == 0 {
            return 0.0;
        }
        100.0 * self.p95_in_bps.max(self.p95_out_bps) as f64 / capacity_bps as f64
    }
}

/// Judges a link of `capacity_bps` on its samples (those of the window).
pub fn judge(samples: &[Sample], capacity_bps: u64) -> Option<Verdict> {
    let mut ins: Vec<u64> = samples.iter().map(|s| s.in_bps).collect();
    let mut outs: Vec<u64> = samples.iter().map(|s| s.out_bps).collect();
    let (p_in, p_out) = (p95(&mut ins)?, p95(&mut outs)?);
    let limit_bps = (capacity_bps as u128 * u128::from(LIMIT_PERCENT) / 100) as u64;
    Some(Verdict {
        samples: samples.len(),
        p95_in_bps: p_in,
        p95_out_bps: p_out,
        limit_bps,
        complete: samples.len() >= WEEK_SAMPLES,
        ok: p_in <= limit_bps && p_out <= limit_bps,
    })
}

/// Samples from a CSV of `time,in_bps,out_bps` lines (time as
/// `YYYY-MM-DD HH:MM` in Vietnam time, or seconds since the epoch; a header
/// line allowed), each checked; every bad line with its number. `to_micros`
/// turns a local time into an instant.
pub fn parse_samples(text: &str, to_micros: impl Fn(chrono::NaiveDateTime) -> i64) -> Result<Vec<Sample>, Vec<usize>> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.chars().next().is_some_and(|c| c.is_alphabetic())) {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let at = f.first().and_then(|t| match t.parse::<i64>() {
            Ok(s) => s.checked_mul(SECOND),
            Err(_) => chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").ok().map(&to_micros),
        });
        match (f.len(), at, f.get(1).and_then(|v| v.parse().ok()), f.get(2).and_then(|v| v.parse().ok())) {
            (3, Some(at), Some(in_bps), Some(out_bps)) => out.push(Sample { at: slot(at), in_bps, out_bps }),
            _ => bad.push(i + 1),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

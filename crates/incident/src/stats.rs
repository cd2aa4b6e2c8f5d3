//! A year's incidents for the year-end report: how many by kind and by
//! severity, how many serious, and how long they took to contain and to
//! close (from discovery; those not yet contained or closed are left out
//! of the times and counted as open).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Kind, Severity};

/// What the statistics read of an incident (instants in microseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub kind: Kind,
    pub severity: Severity,
    pub serious: bool,
    pub discovered_at: i64,
    pub contained_at: Option<i64>,
    pub closed_at: Option<i64>,
}

/// Hours, summarised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Hours {
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub max: Option<f64>,
}

impl Hours {
    fn of(mut hours: Vec<f64>) -> Hours {
        if hours.is_empty() {
            return Hours::default();
        }
        hours.sort_by(f64::total_cmp);
        let n = hours.len();
        let median = if n % 2 == 1 { hours[n / 2] } else { (hours[n / 2 - 1] + hours[n / 2]) / 2.0 };
        Hours {
            count: n,
            mean: Some(hours.iter().sum::<f64>() / n as f64),
            median: Some(median),
            max: hours.last().copied(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearStats {
    pub total: usize,
    pub serious: usize,
    pub open: usize,
    pub by_kind: BTreeMap<Kind, usize>,
    pub by_severity: BTreeMap<Severity, usize>,
    /// Each kind's count by severity.
    pub by_kind_severity: BTreeMap<Kind, BTreeMap<Severity, usize>>,
    pub to_contain: Hours,
    pub to_close: Hours,
}

/// The statistics of the incidents given (those discovered in the year: the caller's choice).
pub fn year(incidents: &[Facts]) -> YearStats {
    let hours = |from: i64, to: i64| (to - from) as f64 / 3_600_000_000.0;
    let mut s = YearStats {
        total: incidents.len(),
        serious: incidents.iter().filter(|i| i.serious).count(),
        open: incidents.iter().filter(|i| i.closed_at.is_none()).count(),
        by_kind: BTreeMap::new(),
        by_severity: BTreeMap::new(),
        by_kind_severity: BTreeMap::new(),
        to_contain: Hours::of(
            incidents.iter().filter_map(|i| i.contained_at.map(|c| hours(i.discovered_at, c))).collect(),
        ),
        to_close: Hours::of(incidents.iter().filter_map(|i| i.closed_at.map(|c| hours(i.discovered_at, c))).collect()),
    };
    for i in incidents {
        *s.by_kind.entry(i.kind).or_default() += 1;
        *s.by_severity.entry(i.severity).or_default() += 1;
        *s.by_kind_severity.entry(i.kind).or_default().entry(i.severity).or_default() += 1;
    }
    s
}

//! The service-quality index of Decision 766/QĐ-TTg as plain calculations.
//!
//! The caller gathers, for a period and a scope, the facts of each dossier
//! ([`DossierFacts`]) and of each procedure ([`ProcedureFacts`]); [`index`]
//! turns them into each indicator's rate, points and maximum, and the total.
//! Thresholds and points are configuration ([`IndexConfig`], versioned, with
//! the date it takes effect), never constants. No I/O, no clock: `now` is an
//! argument.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// What the index needs to know of one dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierFacts {
    /// When it was received (the clock starts).
    pub received: NaiveDateTime,
    /// The appointment given at receipt; `None` when the procedure sets no
    /// deadline. An apology's new date does not replace it: a dossier that
    /// needed an apology is late.
    pub appointment: Option<NaiveDateTime>,
    /// The end of processing: the first of processed, result returned,
    /// stopped, refused. `None` while open.
    pub finished: Option<NaiveDateTime>,
    /// Time spent waiting for the citizen's supplements, over the waits
    /// that ended.
    pub waiting: Duration,
    /// Waiting for the citizen now (the clock stopped), since then.
    pub waiting_since: Option<NaiveDateTime>,
    pub supplement_requests: u32,
    /// Withdrawn by the citizen: not the agency's doing, left out of every rate.
    pub withdrawn: bool,
    pub online: bool,
    pub electronic_result: bool,
    pub digitised_inputs: bool,
    /// A part was taken from the citizen's store of digitised documents.
    pub reused: bool,
    pub paid_online: bool,
    /// The citizen complained or rated the service as disliked.
    pub complaint: bool,
    /// The citizen's rating total (0–18, Circular 01/2018), if rated.
    pub rating_total: Option<u32>,
}

/// What the index needs to know of one procedure offered in the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcedureFacts {
    /// Offered online, fully or partly.
    pub online: bool,
    pub has_fee: bool,
    pub fee_payable_online: bool,
}

/// Whether a dossier kept its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    /// Finished by its appointment (waiting for the citizen not counted), or without a deadline.
    OnTime,
    /// Still open, and still within its deadline: counts as on time.
    WithinDeadline,
    /// Past its appointment by `by` (zero when late by rule: more than one supplement request).
    Late { by: Duration },
    /// Left out of the rates (withdrawn).
    Excluded,
}

impl Timeliness {
    pub fn counts_on_time(self) -> bool {
        matches!(self, Timeliness::OnTime | Timeliness::WithinDeadline)
    }
}

/// Decision 766's rule for one dossier at `now`.
pub fn timeliness(f: &DossierFacts, now: NaiveDateTime) -> Timeliness {
    if f.withdrawn {
        return Timeliness::Excluded;
    }
    let waiting = f.waiting + f.waiting_since.map(|s| (now - s).max(Duration::zero())).unwrap_or_else(Duration::zero);
    let end = f.finished.unwrap_or(now) - waiting;
    let by = f.appointment.map(|a| (end - a).max(Duration::zero())).unwrap_or_else(Duration::zero);
    if f.supplement_requests > 1 {
        return Timeliness::Late { by };
    }
    match f.appointment {
        Some(a) if end > a => Timeliness::Late { by },
        _ if f.finished.is_none() => Timeliness::WithinDeadline,
        _ => Timeliness::OnTime,
    }
}

/// How a dossier's timeliness stands as time passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Settled, or its clock stopped (waiting for the citizen), or no
    /// deadline: the same at any later time.
    Fixed(Timeliness),
    /// Open with its clock running towards a deadline: within it until
    /// `until` (the appointment pushed back by the time waited), late after,
    /// by the time since; late by rule throughout when `by_rule` (more than
    /// one supplement request).
    Running { until: NaiveDateTime, by_rule: bool },
}

impl Standing {
    /// The timeliness at `now` (not before the dossier's last step).
    pub fn at(self, now: NaiveDateTime) -> Timeliness {
        match self {
            Standing::Fixed(t) => t,
            Standing::Running { until, by_rule } => {
                let by = (now - until).max(Duration::zero());
                if by_rule || now > until {
                    Timeliness::Late { by }
                } else {
                    Timeliness::WithinDeadline
                }
            }
        }
    }
}

/// How a dossier's timeliness stands: what [`timeliness`] gives at every
/// time after its last step, in one value.
pub fn standing(f: &DossierFacts) -> Standing {
    match (f.withdrawn, f.finished, f.waiting_since, f.appointment) {
        (true, ..) => Standing::Fixed(Timeliness::Excluded),
        (_, Some(end), ..) => Standing::Fixed(timeliness(f, end)),
        // the clock stopped: as it stood when the wait began
        (_, None, Some(since), _) => Standing::Fixed(timeliness(f, since)),
        (_, None, None, None) => Standing::Fixed(timeliness(f, f.received)),
        (_, None, None, Some(a)) => Standing::Running { until: a + f.waiting, by_rule: f.supplement_requests > 1 },
    }
}

/// The indicators egov computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Procedures published on time and complete (not measured yet: no publication data).
    PublishedOnTime,
    /// Dossiers synchronised with the national portal (not measured yet: no sync).
    SyncedToPortal,
    OnTime,
    OnlineProcedures,
    OnlineDossiers,
    OnlinePaymentProcedures,
    PaidOnlineDossiers,
    Digitisation,
    /// Reuse of digitised data: dossiers that took a part from the
    /// citizen's store instead of handing it in again.
    DigitisedReuse,
    Satisfaction,
}

/// The five groups of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Transparency,
    Progress,
    Online,
    Digitisation,
    Satisfaction,
}

/// One indicator's share of the points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub indicator: Indicator,
    pub group: Group,
    pub max_points: f64,
    /// The rate at which the full points are given; below it, points are
    /// proportional: rate × max ÷ threshold.
    pub full_at: f64,
}

/// A version of the index's thresholds and points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexConfig {
    pub version: String,
    pub effective_from: NaiveDate,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("not a valid configuration: {0}")]
    Json(String),
    #[error("the points add up to {0}, not 100")]
    Total(f64),
    #[error("the threshold of {0:?} must be above 0 and at most 1")]
    Threshold(Indicator),
    #[error("{0:?} appears twice")]
    Twice(Indicator),
}

impl IndexConfig {
    /// The configuration egov ships: Decision 766's groups (transparency 18,
    /// progress 20, online 22, digitisation 22, satisfaction 18) and its
    /// published thresholds; the split of a group among its indicators is
    /// egov's choice, in `decision766.json`.
    pub fn decision_766() -> IndexConfig {
        IndexConfig::from_json(include_str!("decision766.json")).expect("the shipped configuration is valid")
    }

    pub fn from_json(text: &str) -> Result<IndexConfig, ConfigError> {
        let c: IndexConfig = serde_json::from_str(text).map_err(|e| ConfigError::Json(e.to_string()))?;
        c.check()?;
        Ok(c)
    }

    pub fn check(&self) -> Result<(), ConfigError> {
        let total: f64 = self.rules.iter().map(|r| r.max_points).sum();
        if (total - 100.0).abs() > 1e-9 {
            return Err(ConfigError::Total(total));
        }
        for (i, r) in self.rules.iter().enumerate() {
            if !(r.full_at > 0.0 && r.full_at <= 1.0) {
                return Err(ConfigError::Threshold(r.indicator));
            }
            if self.rules[..i].iter().any(|o| o.indicator == r.indicator) {
                return Err(ConfigError::Twice(r.indicator));
            }
        }
        Ok(())
    }

    /// The version in force on `day`, from several.
    pub fn in_force(configs: &[IndexConfig], day: NaiveDate) -> Option<&IndexConfig> {
        configs.iter().filter(|c| c.effective_from <= day).max_by_key(|c| c.effective_from)
    }
}

/// Points for a rate: full at the threshold and above, proportional below.
pub fn points(rate: f64, full_at: f64, max: f64) -> f64 {
    if rate >= full_at {
        max
    } else {
        (rate / full_at * max).max(0.0)
    }
}

/// One indicator's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub indicator: Indicator,
    pub group: Group,
    /// `None` when the data to measure it is not there (then no points).
    pub rate: Option<f64>,
    pub points: f64,
    pub max_points: f64,
}

/// The index of a period and scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    pub config_version: String,
    pub scores: Vec<Score>,
    /// Out of 100.
    pub total: f64,
    /// The points of the indicators that could be measured.
    pub measured_max: f64,
    /// Dossiers counted (withdrawn ones left out), on time, late.
    pub dossiers: usize,
    pub on_time: usize,
    pub late: usize,
    /// Of those, rated "not satisfied" (under 9 of 18): the other part the
    /// satisfaction indicator takes away; and rated at all.
    pub complaints: usize,
    pub rated: usize,
    /// Mean time from receipt to the end of processing, waiting for the
    /// citizen not counted, over finished dossiers, in hours.
    pub average_hours: Option<f64>,
}

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// What a set of dossiers adds up to: whole numbers only, so that sums kept
/// up to date one dossier at a time equal a count from scratch exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Dossiers counted (withdrawn ones left out).
    pub counted: i64,
    /// Of those, on time or still within their deadline.
    pub on_time: i64,
    /// Of those, finished, and their processing minutes (waiting for the citizen not counted).
    pub finished: i64,
    pub minutes: i64,
    pub online: i64,
    pub paid_online: i64,
    /// Digitised inputs and an electronic result.
    pub digitised: i64,
    /// A part taken from the citizen's store (digitised data reused).
    #[serde(default)]
    pub reused: i64,
    pub complaints: i64,
    /// Rated, and the sum of the ratings' totals (Circular 01/2018).
    pub rated: i64,
    pub rating_sum: i64,
}

impl Tally {
    /// One dossier's share at `now`. A finished or withdrawn dossier's
    /// share no longer depends on `now` (see [`settled`]).
    pub fn of(f: &DossierFacts, now: NaiveDateTime) -> Tally {
        if f.withdrawn {
            return Tally::default();
        }
        let b = i64::from;
        Tally {
            counted: 1,
            on_time: b(timeliness(f, now).counts_on_time()),
            finished: b(f.finished.is_some()),
            minutes: f.finished.map(|e| (e - f.received - f.waiting).num_minutes()).unwrap_or(0),
            online: b(f.online),
            paid_online: b(f.paid_online),
            digitised: b(f.digitised_inputs && f.electronic_result),
            reused: b(f.reused),
            complaints: b(f.complaint),
            rated: b(f.rating_total.is_some()),
            rating_sum: f.rating_total.map(i64::from).unwrap_or(0),
        }
    }

    /// One dossier's share as kept in sums: [`Tally::of`] at any time while
    /// its deadline has not passed. A running dossier counts as on time
    /// here; the reader takes away those whose `until` has passed.
    pub fn kept(f: &DossierFacts) -> Tally {
        let at = match standing(f) {
            Standing::Fixed(_) => f.finished.or(f.waiting_since).unwrap_or(f.received),
            Standing::Running { until, .. } => until,
        };
        Tally::of(f, at)
    }

    pub fn late(&self) -> i64 {
        self.counted - self.on_time
    }

    /// The Circular 01/2018 average of the ratings, if any.
    pub fn rating_average(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.rating_sum as f64 / self.rated as f64)
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.counted += o.counted;
        self.on_time += o.on_time;
        self.finished += o.finished;
        self.minutes += o.minutes;
        self.online += o.online;
        self.paid_online += o.paid_online;
        self.digitised += o.digitised;
        self.reused += o.reused;
        self.complaints += o.complaints;
        self.rated += o.rated;
        self.rating_sum += o.rating_sum;
    }
}

impl std::ops::Neg for Tally {
    type Output = Tally;
    fn neg(self) -> Tally {
        Tally {
            counted: -self.counted,
            on_time: -self.on_time,
            finished: -self.finished,
            minutes: -self.minutes,
            online: -self.online,
            paid_online: -self.paid_online,
            digitised: -self.digitised,
            reused: -self.reused,
            complaints: -self.complaints,
            rated: -self.rated,
            rating_sum: -self.rating_sum,
        }
    }
}

impl std::iter::Sum for Tally {
    fn sum<I: Iterator<Item = Tally>>(iter: I) -> Tally {
        let mut t = Tally::default();
        for x in iter {
            t += x;
        }
        t
    }
}

/// Computes the index of the dossiers and procedures of a period and scope.
pub fn index(
    config: &IndexConfig,
    dossiers: &[DossierFacts],
    procedures: &[ProcedureFacts],
    now: NaiveDateTime,
) -> Index {
    index_of(config, &dossiers.iter().map(|d| Tally::of(d, now)).sum(), procedures)
}

/// The index of what the dossiers of a period and scope add up to.
pub fn index_of(config: &IndexConfig, t: &Tally, procedures: &[ProcedureFacts]) -> Index {
    let n = t.counted;
    let count = |f: &dyn Fn(&ProcedureFacts) -> bool| procedures.iter().filter(|p| f(p)).count() as i64;
    let rate_of = |i: Indicator| -> Option<f64> {
        match i {
            Indicator::PublishedOnTime | Indicator::SyncedToPortal => None,
            Indicator::DigitisedReuse => ratio(t.reused, n),
            Indicator::OnTime => ratio(t.on_time, n),
            Indicator::OnlineProcedures => ratio(count(&|p| p.online), procedures.len() as i64),
            Indicator::OnlinePaymentProcedures => {
                ratio(count(&|p| p.has_fee && p.fee_payable_online), count(&|p| p.has_fee))
            }
            Indicator::OnlineDossiers => ratio(t.online, n),
            Indicator::PaidOnlineDossiers => ratio(t.paid_online, n),
            Indicator::Digitisation => ratio(t.digitised, n),
            Indicator::Satisfaction => {
                ratio(t.on_time, n).map(|r| (1.0 - ((1.0 - r) + t.complaints as f64 / n as f64)).max(0.0))
            }
        }
    };
    let scores: Vec<Score> = config
        .rules
        .iter()
        .map(|r| {
            let rate = rate_of(r.indicator);
            Score {
                indicator: r.indicator,
                group: r.group,
                rate,
                points: rate.map(|x| points(x, r.full_at, r.max_points)).unwrap_or(0.0),
                max_points: r.max_points,
            }
        })
        .collect();
    Index {
        config_version: config.version.clone(),
        total: scores.iter().map(|s| s.points).sum(),
        measured_max: scores.iter().filter(|s| s.rate.is_some()).map(|s| s.max_points).sum(),
        scores,
        dossiers: n as usize,
        on_time: t.on_time as usize,
        late: t.late() as usize,
        complaints: t.complaints as usize,
        rated: t.rated as usize,
        average_hours: (t.finished > 0).then(|| t.minutes as f64 / 60.0 / t.finished as f64),
    }
}

/// The satisfaction scale of Circular 01/2018 (Arts 13–15): the average of
/// the nine 0–2 scores' totals (0–18) per officer or agency, rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SatisfactionLevel {
    Excellent,
    Good,
    Fair,
    Average,
    Weak,
}

/// The lower bounds of the levels (the scale is configuration too).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionScale {
    pub excellent: f64,
    pub good: f64,
    pub fair: f64,
    pub average: f64,
}

impl Default for SatisfactionScale {
    /// Circular 01/2018: ≥ 15 excellent, 12–15 good, 9–12 fair, 6–9 average, < 6 weak.
    fn default() -> Self {
        SatisfactionScale { excellent: 15.0, good: 12.0, fair: 9.0, average: 6.0 }
    }
}

impl SatisfactionScale {
    pub fn level(&self, average: f64) -> SatisfactionLevel {
        if average >= self.excellent {
            SatisfactionLevel::Excellent
        } else if average >= self.good {
            SatisfactionLevel::Good
        } else if average >= self.fair {
            SatisfactionLevel::Fair
        } else if average >= self.average {
            SatisfactionLevel::Average
        } else {
            SatisfactionLevel::Weak
        }
    }

    /// Per key (an officer, an agency): the number of ratings, their
    /// average total, and its level; keys in order.
    pub fn rate<K: Ord + Clone>(&self, ratings: &[(K, u32)]) -> Vec<(K, usize, f64, SatisfactionLevel)> {
        let mut by: std::collections::BTreeMap<K, (usize, u32)> = Default::default();
        for (k, total) in ratings {
            let e = by.entry(k.clone()).or_default();
            e.0 += 1;
            e.1 += total;
        }
        by.into_iter()
            .map(|(k, (n, sum))| {
                let avg = f64::from(sum) / n as f64;
                (k, n, avg, self.level(avg))
            })
            .collect()
    }
}

/// A line of a dossier's history, as the facts are read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at: NaiveDateTime,
    /// What happened.
    pub action: egov_dossier::EventKind,
    pub to: egov_dossier::Status,
    /// The due date after this step, if any.
    pub due: Option<NaiveDateTime>,
}

/// What the store knows of a dossier beyond its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub online: bool,
    /// Its inputs are digitised: it has document parts, and each was
    /// checked against its original by an official or taken from the
    /// citizen's store.
    pub digitised_inputs: bool,
    /// A part was taken from the citizen's store.
    pub reused: bool,
    pub electronic_result: bool,
    pub paid_online: bool,
    /// The citizen's rating total (0–18), if rated.
    pub rating_total: Option<u32>,
}

/// The facts of a dossier from its history: received when the clock started
/// (its first due date; else its first step after the draft), the
/// appointment then given, the end of processing (processed, returned,
/// stopped or refused), the time between each supplement request and the
/// next step that ended the wait (and whether it is still waiting). Facts
/// hold no clock: time enters with [`timeliness`]. A rating below half the
/// points (under 9 of 18) counts as disliked. `None` for a dossier never
/// submitted.
pub fn facts(record: &Record, steps: &[Step]) -> Option<DossierFacts> {
    use egov_dossier::Status;
    let submitted: Vec<&Step> = steps.iter().filter(|s| s.to != Status::Draft).collect();
    let first = *submitted.first()?;
    let start = submitted.iter().find(|s| s.due.is_some()).copied().unwrap_or(first);
    let finished = submitted
        .iter()
        .find(|s| matches!(s.to, Status::Approved | Status::ResultReturned | Status::Stopped | Status::Refused))
        .map(|s| s.at);
    let mut waiting = Duration::zero();
    let mut waiting_since = None;
    let mut requests = 0;
    for (i, s) in submitted.iter().enumerate() {
        if s.action == egov_dossier::EventKind::Command(egov_dossier::CommandKind::RequestSupplement) {
            requests += 1;
            match submitted.get(i + 1) {
                Some(next) => waiting += next.at - s.at,
                None => waiting_since = Some(s.at),
            }
        }
    }
    Some(DossierFacts {
        received: start.at,
        appointment: start.due,
        finished,
        waiting,
        waiting_since,
        supplement_requests: requests,
        withdrawn: submitted.iter().any(|s| s.to == Status::Withdrawn),
        online: record.online,
        electronic_result: record.electronic_result,
        digitised_inputs: record.digitised_inputs,
        reused: record.reused,
        paid_online: record.paid_online,
        complaint: record.rating_total.is_some_and(|t| t < 9),
        rating_total: record.rating_total,
    })
}

#[cfg(test)]
mod tests;

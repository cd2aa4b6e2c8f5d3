//! The reports a unit owes for an incident, as dated data of a legal basis:
//! which report, counted from what, in how many days (working days on the
//! calendar, or calendar days), and the periodic report's dates. The regime
//! in force on the day of discovery applies. Decision 05/2017/QĐ-TTg
//! (with Circular 20/2017/TT-BTTTT) is the one egov installs first; the
//! 2025 Law on Cybersecurity's will be another row, with its own dates.

use chrono::{Datelike, NaiveDate};
use egov_calendar::{Calendar, CalendarError};
use serde::{Deserialize, Serialize};

use crate::Problem;

/// The six reports of an incident, and the periodic one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Notification to the system's owner, the province's specialised unit and the national coordinator.
    Notification,
    /// The initial report (form 03), at once when the incident exceeds the unit's capacity.
    Initial,
    Progress,
    ResponsePlan,
    SupportRequest,
    /// The closing report (form 04): the incident counts as closed only once it is sent.
    Closing,
    /// The periodic report (form 05), twice a year.
    Periodic,
}

impl ReportKind {
    pub const ALL: [ReportKind; 7] = [
        ReportKind::Notification,
        ReportKind::Initial,
        ReportKind::Progress,
        ReportKind::ResponsePlan,
        ReportKind::SupportRequest,
        ReportKind::Closing,
        ReportKind::Periodic,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Notification => "notification",
            ReportKind::Initial => "initial",
            ReportKind::Progress => "progress",
            ReportKind::ResponsePlan => "response_plan",
            ReportKind::SupportRequest => "support_request",
            ReportKind::Closing => "closing",
            ReportKind::Periodic => "periodic",
        }
    }
    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a report's days are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The day the incident was discovered.
    Discovery,
    /// The day the unit found it beyond its capacity.
    BeyondCapacity,
    /// The day the response ended.
    ResponseEnd,
}

/// How the days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Working days of the calendar (weekends, holidays and Tết left out).
    Working,
    /// Every day.
    Calendar,
}

/// One report's deadline: within `days` (0: the same day) of its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub report: ReportKind,
    pub anchor: Anchor,
    pub count: DayCount,
    pub days: u32,
}

/// A legal basis's rules, in force over its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regime {
    pub code: String,
    /// Its legal bases, as they are cited.
    pub basis: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub rules: Vec<Rule>,
    /// The periodic report is due before these days (month, day) of each year.
    pub periodic_before: Vec<(u32, u32)>,
    /// Whom the reports go to (names change: data).
    pub recipients: Vec<String>,
    /// The forms' numbers its reports are made on.
    #[serde(default)]
    pub forms: Vec<(ReportKind, String)>,
}

impl Regime {
    /// Decision 05/2017/QĐ-TTg with Circular 20/2017/TT-BTTTT: the
    /// notification within 5 days of discovery, the initial report (form
    /// 03) at once when the incident exceeds the unit's capacity, the
    /// closing report (form 04) within 5 days of the response's end, the
    /// periodic report (form 05) before 20 June and 15 December. Days
    /// counted as working days (configurable).
    pub fn decision_05_2017() -> Regime {
        let rule = |report, anchor, days| Rule { report, anchor, count: DayCount::Working, days };
        Regime {
            code: "QD05-2017".into(),
            basis: "Quyết định 05/2017/QĐ-TTg; Thông tư 20/2017/TT-BTTTT".into(),
            effective_from: NaiveDate::from_ymd_opt(2017, 3, 16).unwrap_or_default(),
            effective_to: None,
            rules: vec![
                rule(ReportKind::Notification, Anchor::Discovery, 5),
                rule(ReportKind::Initial, Anchor::BeyondCapacity, 0),
                rule(ReportKind::Closing, Anchor::ResponseEnd, 5),
            ],
            periodic_before: vec![(6, 20), (12, 15)],
            recipients: vec![
                "Chủ quản hệ thống thông tin".into(),
                "Sở Khoa học và Công nghệ (đơn vị chuyên trách của tỉnh)".into(),
                "Cơ quan điều phối quốc gia về ứng cứu sự cố".into(),
            ],
            forms: vec![
                (ReportKind::Initial, "03".into()),
                (ReportKind::Closing, "04".into()),
                (ReportKind::Periodic, "05".into()),
            ],
        }
    }

    /// The form a report is made on: its number and the regime's basis.
    pub fn form(&self, report: ReportKind) -> Option<(String, String)> {
        self.forms.iter().find(|(k, _)| *k == report).map(|(_, n)| (n.clone(), self.basis.clone()))
    }

    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|t| day <= t)
    }

    /// The regime in force on a day (the latest begun, if two overlap).
    pub fn for_day(regimes: &[Regime], day: NaiveDate) -> Option<&Regime> {
        regimes.iter().filter(|r| r.in_force_on(day)).max_by_key(|r| r.effective_from)
    }

    /// Every problem of a regime at once.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.code.trim().is_empty() || self.code.len() > 40 {
            out.push(Problem { field: "code", key: "err.required" });
        }
        if self.basis.trim().is_empty() {
            out.push(Problem { field: "basis", key: "err.required" });
        }
        if self.effective_to.is_some_and(|t| t < self.effective_from) {
            out.push(Problem { field: "effective_to", key: "err.inc.dates" });
        }
        if self.rules.iter().any(|r| r.days > 365) {
            out.push(Problem { field: "rules", key: "err.inc.days" });
        }
        let mut seen = std::collections::HashSet::new();
        if !self.rules.iter().all(|r| seen.insert(r.report)) {
            out.push(Problem { field: "rules", key: "err.inc.rule_twice" });
        }
        if self.periodic_before.iter().any(|&(m, d)| NaiveDate::from_ymd_opt(2024, m, d).is_none()) {
            out.push(Problem { field: "periodic_before", key: "err.inc.day" });
        }
        out
    }

    pub fn rule(&self, report: ReportKind) -> Option<&Rule> {
        self.rules.iter().find(|r| r.report == report)
    }

    /// The periodic report's deadlines of a year (the last days allowed:
    /// the day before each "before" day), in order.
    pub fn periodic_due(&self, year: i32) -> Vec<NaiveDate> {
        let mut out: Vec<NaiveDate> = self
            .periodic_before
            .iter()
            .filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d).and_then(|d| d.pred_opt()))
            .collect();
        out.sort();
        out
    }
}

/// The last day a report is due: `days` after its anchor's day (the anchor
/// not counted), counted in working days on the calendar or in calendar
/// days; 0 is the anchor's day itself.
pub fn due(rule: &Rule, anchor: NaiveDate, cal: &Calendar) -> Result<NaiveDate, CalendarError> {
    match rule.count {
        DayCount::Calendar => Ok(anchor + chrono::Duration::days(i64::from(rule.days))),
        DayCount::Working => {
            let mut d = anchor;
            let mut left = rule.days;
            while left > 0 {
                d = d.succ_opt().ok_or_else(|| CalendarError::OutOfRange(d.to_string()))?;
                if cal.is_working_day(d)? {
                    left -= 1;
                }
            }
            Ok(d)
        }
    }
}

/// What an incident's response has reached, for its deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Milestones {
    pub discovered: NaiveDate,
    pub beyond_capacity: Option<NaiveDate>,
    pub response_ended: Option<NaiveDate>,
}

/// A report owed, or sent: its deadline (none: sent as needed) and whether
/// it is late (sent after its deadline, or not sent and the deadline past).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Owed {
    pub report: ReportKind,
    pub due: Option<NaiveDate>,
    pub sent: Option<NaiveDate>,
    pub late: bool,
}

/// The reports of an incident: those the regime's rules make owed by its
/// milestones (with their deadlines), and those sent without a rule (a
/// progress report, a response plan, a request for support), in the
/// order of `ReportKind`. `sent` holds each report's first sending day.
pub fn owed(
    regime: &Regime,
    m: Milestones,
    sent: &[(ReportKind, NaiveDate)],
    today: NaiveDate,
    cal: &Calendar,
) -> Result<Vec<Owed>, CalendarError> {
    let first = |k: ReportKind| sent.iter().filter(|(r, _)| *r == k).map(|(_, d)| *d).min();
    let mut out = Vec::new();
    for kind in ReportKind::ALL.into_iter().filter(|k| *k != ReportKind::Periodic) {
        let anchor = regime.rule(kind).and_then(|r| match r.anchor {
            Anchor::Discovery => Some((r, m.discovered)),
            Anchor::BeyondCapacity => m.beyond_capacity.map(|d| (r, d)),
            Anchor::ResponseEnd => m.response_ended.map(|d| (r, d)),
        });
        let sent_on = first(kind);
        let due = match anchor {
            Some((rule, day)) => Some(due(rule, day, cal)?),
            None if sent_on.is_some() => None,
            None => continue,
        };
        let late = match (due, sent_on) {
            (Some(d), Some(s)) => s > d,
            (Some(d), None) => today > d,
            (None, _) => false,
        };
        out.push(Owed { report: kind, due, sent: sent_on, late });
    }
    Ok(out)
}

/// The periodic reports of a year: each deadline, with the report that
/// answers it — the year's reports taken in order, one a deadline — and
/// whether it is late.
pub fn periodic(regime: &Regime, year: i32, sent: &[NaiveDate], today: NaiveDate) -> Vec<Owed> {
    let mut pool: Vec<NaiveDate> = sent.iter().copied().filter(|s| s.year() == year).collect();
    pool.sort();
    let mut pool = pool.into_iter();
    regime
        .periodic_due(year)
        .into_iter()
        .map(|d| {
            let s = pool.next();
            Owed { report: ReportKind::Periodic, due: Some(d), sent: s, late: s.map_or(today > d, |s| s > d) }
        })
        .collect()
}

//! Press information under Decree 244/2026, counted: the yearly report's
//! period runs from 15 December of the year before to 14 December of the
//! report's year (sent before 20 December); a first statement on a major
//! event is on time within 24 hours of the event becoming known; a
//! journalist's request is answered on time by its deadline. Each count
//! keeps the ids of the records it counts, so that every figure of the
//! report can be traced to them. Pure: the records are passed in.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

/// The report year a day falls in: from 15 December it is the next year's.
pub fn report_year(day: NaiveDate) -> i32 {
    if day.month() == 12 && day.day() >= 15 {
        day.year() + 1
    } else {
        day.year()
    }
}

/// The first and last day of a report year's period.
pub fn period(year: i32) -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(year - 1, 12, 15).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year, 12, 14).unwrap_or_default();
    (from, to)
}

/// Whether a first statement was made within 24 hours of the event.
pub fn statement_on_time(event_known: NaiveDateTime, first_statement: Option<NaiveDateTime>) -> bool {
    first_statement.is_some_and(|s| s >= event_known && s - event_known <= TimeDelta::hours(24))
}

/// One record of press information, as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A press conference held.
    Conference { id: i64, held_on: NaiveDate },
    /// A briefing (of the province or the centre) attended.
    Briefing { id: i64, on: NaiveDate },
    /// A journalist's request: received, its deadline, answered when.
    Request { id: i64, received: NaiveDate, deadline: NaiveDate, answered: Option<NaiveDate> },
    /// A major event or a matter dividing public opinion, and when the
    /// first statement on it was made.
    Event { id: i64, known: NaiveDateTime, first_statement: Option<NaiveDateTime> },
    /// A written correction of a false report, requested of an outlet.
    Correction { id: i64, requested_on: NaiveDate },
}

/// A count and the records it counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Count {
    pub n: usize,
    pub ids: Vec<i64>,
}

impl Count {
    fn add(&mut self, id: i64) {
        self.n += 1;
        self.ids.push(id);
    }
}

/// The yearly report's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Yearly {
    pub conferences: Count,
    pub briefings: Count,
    pub requests: Count,
    pub answered: Count,
    pub answered_on_time: Count,
    pub events: Count,
    pub statements_on_time: Count,
    pub corrections: Count,
}

/// The counts of a report year: each record in the period by its day
/// (a request by when it was received, an event by when it became known).
pub fn yearly(records: &[Record], year: i32) -> Yearly {
    let (from, to) = period(year);
    let within = |d: NaiveDate| from <= d && d <= to;
    let mut y = Yearly::default();
    for r in records {
        match r {
            Record::Conference { id, held_on } if within(*held_on) => y.conferences.add(*id),
            Record::Briefing { id, on } if within(*on) => y.briefings.add(*id),
            Record::Request { id, received, deadline, answered } if within(*received) => {
                y.requests.add(*id);
                if let Some(a) = answered {
                    y.answered.add(*id);
                    if a <= deadline {
                        y.answered_on_time.add(*id);
                    }
                }
            }
            Record::Event { id, known, first_statement } if within(known.date()) => {
                y.events.add(*id);
                if statement_on_time(*known, *first_statement) {
                    y.statements_on_time.add(*id);
                }
            }
            Record::Correction { id, requested_on } if within(*requested_on) => y.corrections.add(*id),
            _ => {}
        }
    }
    y
}

/// What a record of press information is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A journalist's request for information.
    Request,
    /// A press conference (planned for a quarter; held on a day).
    Conference,
    /// A briefing (of the province or the centre) attended.
    Briefing,
    /// The month's periodic information given to the press.
    Periodic,
    /// A major event or a matter dividing opinion, and its first statement.
    Event,
    /// A written correction of a false report, requested of an outlet.
    Correction,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Request, Kind::Conference, Kind::Briefing, Kind::Periodic, Kind::Event, Kind::Correction];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Conference => "conference",
            Kind::Briefing => "briefing",
            Kind::Periodic => "periodic",
            Kind::Event => "event",
            Kind::Correction => "correction",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
    /// Whether the record waits for something more (an answer, the
    /// conference held, the first statement, the correction made).
    pub fn completes(self) -> bool {
        !matches!(self, Kind::Briefing | Kind::Periodic)
    }
}

/// A record as the form or the API sends it: which fields are read
/// depends on the kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryInput {
    /// `request`, `conference`, `briefing`, `periodic`, `event` or `correction`.
    pub kind: String,
    /// The question, the conference's or briefing's subject, the month's
    /// information, the event, the false report.
    pub subject: String,
    /// A request's journalist.
    pub journalist: String,
    /// A request's or a correction's outlet.
    pub outlet: String,
    /// `YYYY-MM-DD`: received, planned, attended, given, requested.
    pub on: String,
    /// A request's deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// An event's time known, `YYYY-MM-DDTHH:MM`.
    pub known_at: String,
}

/// A record checked: each kind with exactly its fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Request { journalist: String, outlet: String, question: String, received: NaiveDate, deadline: NaiveDate },
    Conference { subject: String, planned: NaiveDate },
    Briefing { subject: String, on: NaiveDate },
    Periodic { subject: String, on: NaiveDate },
    Event { subject: String, known: NaiveDateTime },
    Correction { outlet: String, report: String, requested: NaiveDate },
}

/// How a record was completed: when, what (the answer, the materials, the
/// statement, the correction), by whom.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Done {
    pub at: NaiveDateTime,
    pub text: String,
    pub by: String,
}

/// A completion as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoneInput {
    /// `YYYY-MM-DD` (answered, held, corrected) or, for an event's first
    /// statement, `YYYY-MM-DDTHH:MM`.
    pub at: String,
    /// The answer, the materials, the statement, the correction.
    pub text: String,
    /// Who answered or spoke.
    pub by: String,
}

fn text(out: &mut Vec<crate::Problem>, field: &'static str, v: &str, max: usize) -> String {
    if v.trim().is_empty() {
        out.push(crate::Problem { field, key: "err.required" });
    } else if v.chars().count() > max {
        out.push(crate::Problem { field, key: "err.too_long" });
    }
    v.trim().to_string()
}

fn day(out: &mut Vec<crate::Problem>, field: &'static str, v: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok().filter(|d| (2000..=2100).contains(&d.year()));
    if d.is_none() {
        out.push(crate::Problem { field, key: "err.date" });
    }
    d
}

fn time(out: &mut Vec<crate::Problem>, field: &'static str, v: &str) -> Option<NaiveDateTime> {
    let t =
        NaiveDateTime::parse_from_str(v.trim(), "%Y-%m-%dT%H:%M").ok().filter(|t| (2000..=2100).contains(&t.year()));
    if t.is_none() {
        out.push(crate::Problem { field, key: "err.press.when" });
    }
    t
}

impl EntryInput {
    /// The record, or every problem at once.
    pub fn check(&self) -> Result<Entry, Vec<crate::Problem>> {
        let mut out = Vec::new();
        let Some(kind) = Kind::parse(&self.kind) else {
            return Err(vec![crate::Problem { field: "kind", key: "err.option" }]);
        };
        let subject = text(&mut out, "subject", &self.subject, 2000);
        let e = match kind {
            Kind::Request => {
                let journalist = text(&mut out, "journalist", &self.journalist, 200);
                let outlet = text(&mut out, "outlet", &self.outlet, 200);
                let received = day(&mut out, "on", &self.on);
                let deadline = day(&mut out, "deadline", &self.deadline);
                match (received, deadline) {
                    (Some(r), Some(d)) if d < r => {
                        out.push(crate::Problem { field: "deadline", key: "err.press.deadline" });
                        None
                    }
                    (Some(received), Some(deadline)) => {
                        Some(Entry::Request { journalist, outlet, question: subject, received, deadline })
                    }
                    _ => None,
                }
            }
            Kind::Conference => day(&mut out, "on", &self.on).map(|planned| Entry::Conference { subject, planned }),
            Kind::Briefing => day(&mut out, "on", &self.on).map(|on| Entry::Briefing { subject, on }),
            Kind::Periodic => day(&mut out, "on", &self.on).map(|on| Entry::Periodic { subject, on }),
            Kind::Event => time(&mut out, "known_at", &self.known_at).map(|known| Entry::Event { subject, known }),
            Kind::Correction => {
                let outlet = text(&mut out, "outlet", &self.outlet, 200);
                day(&mut out, "on", &self.on).map(|requested| Entry::Correction { outlet, report: subject, requested })
            }
        };
        match e {
            Some(e) if out.is_empty() => Ok(e),
            _ => Err(out),
        }
    }
}

impl Entry {
    pub fn kind(&self) -> Kind {
        match self {
            Entry::Request { .. } => Kind::Request,
            Entry::Conference { .. } => Kind::Conference,
            Entry::Briefing { .. } => Kind::Briefing,
            Entry::Periodic { .. } => Kind::Periodic,
            Entry::Event { .. } => Kind::Event,
            Entry::Correction { .. } => Kind::Correction,
        }
    }

    /// What the record is about (the question, the subject, the event, the report).
    pub fn subject(&self) -> &str {
        match self {
            Entry::Request { question: s, .. }
            | Entry::Conference { subject: s, .. }
            | Entry::Briefing { subject: s, .. }
            | Entry::Periodic { subject: s, .. }
            | Entry::Event { subject: s, .. }
            | Entry::Correction { report: s, .. } => s,
        }
    }

    /// The record's own time: received, planned, attended, given, known, requested.
    pub fn at(&self) -> NaiveDateTime {
        match self {
            Entry::Request { received: d, .. }
            | Entry::Conference { planned: d, .. }
            | Entry::Briefing { on: d, .. }
            | Entry::Periodic { on: d, .. }
            | Entry::Correction { requested: d, .. } => d.and_time(chrono::NaiveTime::MIN),
            Entry::Event { known, .. } => *known,
        }
    }

    /// A completion checked against the record: every problem at once. A
    /// record that completes nothing (a briefing, periodic information)
    /// takes none.
    pub fn complete(&self, input: &DoneInput) -> Result<Done, Vec<crate::Problem>> {
        let mut out = Vec::new();
        if !self.kind().completes() {
            return Err(vec![crate::Problem { field: "at", key: "err.press.nothing_due" }]);
        }
        let at = match self {
            Entry::Event { .. } => time(&mut out, "at", &input.at),
            _ => day(&mut out, "at", &input.at).map(|d| d.and_time(chrono::NaiveTime::MIN)),
        };
        // a conference's materials and a correction's note may come later
        let t = match self {
            Entry::Request { .. } | Entry::Event { .. } => text(&mut out, "text", &input.text, 20_000),
            _ => input.text.trim().chars().take(20_000).collect(),
        };
        let by = match self {
            Entry::Request { .. } | Entry::Event { .. } => text(&mut out, "by", &input.by, 200),
            _ => input.by.trim().chars().take(200).collect(),
        };
        if let Some(a) = at {
            // answered, held or spoken before the record began: a typing error
            let begins = match self {
                Entry::Event { known, .. } => *known,
                Entry::Conference { .. } => NaiveDateTime::MIN,
                e => e.at(),
            };
            if a < begins {
                out.push(crate::Problem { field: "at", key: "err.press.before" });
            }
        }
        match at {
            Some(at) if out.is_empty() => Ok(Done { at, text: t, by }),
            _ => Err(out),
        }
    }

    /// What the yearly report counts of it (a conference only once held).
    pub fn record(&self, id: i64, done: Option<&Done>) -> Option<Record> {
        Some(match self {
            Entry::Request { received, deadline, .. } => {
                Record::Request { id, received: *received, deadline: *deadline, answered: done.map(|d| d.at.date()) }
            }
            Entry::Conference { .. } => Record::Conference { id, held_on: done?.at.date() },
            Entry::Briefing { on, .. } => Record::Briefing { id, on: *on },
            Entry::Periodic { .. } => return None,
            Entry::Event { known, .. } => Record::Event { id, known: *known, first_statement: done.map(|d| d.at) },
            Entry::Correction { requested, .. } => Record::Correction { id, requested_on: *requested },
        })
    }
}

/// A stretch of the calendar that must have its conference or its
/// periodic information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stretch {
    Quarter { year: i32, quarter: u32 },
    Month { year: i32, month: u32 },
}

/// Something the press duties still owe: a record waiting (`id`), or a
/// quarter without a conference held, a month without periodic information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub kind: Kind,
    pub id: Option<i64>,
    pub stretch: Option<Stretch>,
    /// By when (none: the law sets no time).
    pub by: Option<NaiveDateTime>,
    pub overdue: bool,
}

fn last_moment(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(23, 59, 59).unwrap_or_default()
}

/// What is due at `now`: requests unanswered (by their deadline's end),
/// events without a first statement (24 hours), corrections not yet made,
/// and, for `now`'s calendar year up to `now`, each quarter without a
/// conference held and each month without periodic information (due by
/// its last day). Overdue ones first, then by when.
pub fn due(entries: &[(i64, Entry, Option<Done>)], now: NaiveDateTime) -> Vec<Due> {
    let mut out = Vec::new();
    let mut push = |kind, id, stretch, by: Option<NaiveDateTime>| {
        out.push(Due { kind, id, stretch, by, overdue: by.is_some_and(|b| now > b) })
    };
    for (id, e, done) in entries {
        if done.is_some() {
            continue;
        }
        match e {
            Entry::Request { deadline, .. } => push(Kind::Request, Some(*id), None, Some(last_moment(*deadline))),
            Entry::Event { known, .. } => push(Kind::Event, Some(*id), None, Some(*known + TimeDelta::hours(24))),
            Entry::Correction { .. } => push(Kind::Correction, Some(*id), None, None),
            _ => {}
        }
    }
    let year = now.year();
    let held = |q: u32| {
        entries.iter().any(|(_, e, d)| {
            matches!(e, Entry::Conference { .. })
                && d.as_ref().is_some_and(|d| d.at.year() == year && d.at.month0() / 3 + 1 == q)
        })
    };
    for quarter in 1..=(now.month0() / 3 + 1) {
        if !held(quarter) {
            let end = NaiveDate::from_ymd_opt(year, quarter * 3, 1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .and_then(|d| d.pred_opt())
                .unwrap_or_default();
            push(Kind::Conference, None, Some(Stretch::Quarter { year, quarter }), Some(last_moment(end)));
        }
    }
    let given = |m: u32| {
        entries.iter().any(|(_, e, _)| matches!(e, Entry::Periodic { on, .. } if on.year() == year && on.month() == m))
    };
    for month in 1..=now.month() {
        if !given(month) {
            let end = NaiveDate::from_ymd_opt(year, month, 1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .and_then(|d| d.pred_opt())
                .unwrap_or_default();
            push(Kind::Periodic, None, Some(Stretch::Month { year, month }), Some(last_moment(end)));
        }
    }
    out.sort_by_key(|d| (!d.overdue, d.by.is_none(), d.by));
    out
}

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

//! The spokesperson regime (Decree 244/2026/NĐ-CP, in force 1 Jul 2026):
//! each body — the province, a department, a commune — names its
//! spokespersons, whose name, title, phone and e-mail the portal publishes
//! within 24 hours of the appointment; someone else may speak for it only
//! by a written delegation, per case and for a limited time. An entry is
//! checked field by field here; the portal publishes it when it is
//! recorded, and says when that was later than 24 hours after the
//! appointment.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::Problem;

/// How long a delegation may last at most.
pub const MAX_DELEGATION_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Appointed as the body's spokesperson.
    Appointed,
    /// Delegated in writing to speak for it on one matter, until a day.
    Delegated,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Appointed => "appointed",
            Kind::Delegated => "delegated",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Appointed, Kind::Delegated].into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// An entry as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryInput {
    pub kind: String,
    pub full_name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    /// `YYYY-MM-DDTHH:MM`, the decision's or the delegation's time.
    pub appointed_at: String,
    /// The decision or the written delegation: its number and date.
    pub instrument: String,
    /// A delegation's matter.
    pub scope: String,
    /// A delegation's last day, `YYYY-MM-DD`.
    pub ends_on: String,
}

/// An entry checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: Kind,
    pub full_name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub appointed_at: NaiveDateTime,
    pub instrument: String,
    pub scope: String,
    pub ends_on: Option<NaiveDate>,
}

fn text(out: &mut Vec<Problem>, field: &'static str, v: &str, max: usize) {
    if v.trim().is_empty() {
        out.push(Problem { field, key: "err.required" });
    } else if v.chars().count() > max {
        out.push(Problem { field, key: "err.too_long" });
    }
}

/// A phone number as people write it: digits with spaces, dots or dashes,
/// an optional leading `+`; 8 to 15 digits.
fn phone_ok(p: &str) -> bool {
    let p = p.trim();
    let body = p.strip_prefix('+').unwrap_or(p);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-')) && (8..=15).contains(&digits)
}

fn email_ok(e: &str) -> bool {
    let e = e.trim();
    match e.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !e.contains(char::is_whitespace)
                && e.len() <= 200
        }
        None => false,
    }
}

impl EntryInput {
    /// The entry, or every problem at once.
    pub fn check(&self) -> Result<Entry, Vec<Problem>> {
        let mut out = Vec::new();
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            out.push(Problem { field: "kind", key: "err.option" });
        }
        text(&mut out, "full_name", &self.full_name, 200);
        text(&mut out, "title", &self.title, 200);
        if !phone_ok(&self.phone) {
            out.push(Problem { field: "phone", key: "err.press.phone" });
        }
        if !email_ok(&self.email) {
            out.push(Problem { field: "email", key: "err.email" });
        }
        let appointed_at = NaiveDateTime::parse_from_str(self.appointed_at.trim(), "%Y-%m-%dT%H:%M").ok();
        if appointed_at.is_none() {
            out.push(Problem { field: "appointed_at", key: "err.press.when" });
        }
        text(&mut out, "instrument", &self.instrument, 200);
        let mut ends_on = None;
        if kind == Some(Kind::Delegated) {
            text(&mut out, "scope", &self.scope, 1000);
            match NaiveDate::parse_from_str(self.ends_on.trim(), "%Y-%m-%d") {
                Err(_) => out.push(Problem { field: "ends_on", key: "err.press.ends_on" }),
                Ok(d) => match appointed_at {
                    Some(a) if d < a.date() || d > a.date() + TimeDelta::days(MAX_DELEGATION_DAYS) => {
                        out.push(Problem { field: "ends_on", key: "err.press.ends_on" })
                    }
                    _ => ends_on = Some(d),
                },
            }
        }
        match (kind, appointed_at) {
            (Some(kind), Some(appointed_at)) if out.is_empty() => Ok(Entry {
                kind,
                full_name: self.full_name.trim().into(),
                title: self.title.trim().into(),
                phone: self.phone.trim().into(),
                email: self.email.trim().into(),
                appointed_at,
                instrument: self.instrument.trim().into(),
                scope: if kind == Kind::Delegated { self.scope.trim().into() } else { String::new() },
                ends_on,
            }),
            _ => Err(out),
        }
    }
}

/// Published more than 24 hours after the appointment.
pub fn late(appointed_at: NaiveDateTime, published_at: NaiveDateTime) -> bool {
    published_at - appointed_at > TimeDelta::hours(24)
}

/// Whether an entry speaks for its body at `now`: appointed by then, not
/// ended, a delegation not past its last day.
pub fn current(e: &Entry, ended_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    e.appointed_at <= now && ended_at.is_none_or(|x| now < x) && e.ends_on.is_none_or(|d| now.date() <= d)
}

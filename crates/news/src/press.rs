//! Information cooperation with the press: the province orders articles or
//! broadcasts from outlets (newspapers, radio and television stations,
//! online papers, in the province or outside it) under contracts — a
//! subject, how many items, a period, a budget —; each item delivered is
//! recorded with its link or air time and accepted by the department. What
//! remains due is what was ordered and not yet accepted; the year's
//! summary counts, per outlet and subject, what was ordered, delivered and
//! accepted. Checked field by field; counted here, purely.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutletKind {
    Newspaper,
    Radio,
    Television,
    Online,
}

impl OutletKind {
    pub const ALL: [OutletKind; 4] =
        [OutletKind::Newspaper, OutletKind::Radio, OutletKind::Television, OutletKind::Online];
    pub fn as_str(self) -> &'static str {
        match self {
            OutletKind::Newspaper => "newspaper",
            OutletKind::Radio => "radio",
            OutletKind::Television => "television",
            OutletKind::Online => "online",
        }
    }
    pub fn parse(s: &str) -> Option<OutletKind> {
        OutletKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// An outlet as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct OutletInput {
    pub name: String,
    pub kind: String,
    /// Its press licence (number, date, issuer).
    pub licence: String,
    pub in_province: bool,
    /// Who to reach there, how.
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outlet {
    pub name: String,
    pub kind: OutletKind,
    pub licence: String,
    pub in_province: bool,
    pub contact: String,
}

/// A contract or order as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct ContractInput {
    pub number: String,
    pub subject: String,
    /// How many articles or broadcasts.
    pub items: String,
    pub from: String,
    pub to: String,
    /// In đồng.
    pub budget: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub number: String,
    pub subject: String,
    pub items: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub budget: i64,
}

/// An item delivered as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct DeliveryInput {
    pub title: String,
    /// Its link (an article) or air time (a broadcast).
    pub where_when: String,
    pub delivered_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub title: String,
    pub where_when: String,
    pub delivered_on: NaiveDate,
}

fn text(out: &mut Vec<Problem>, field: &'static str, v: &str, max: usize) {
    if v.trim().is_empty() {
        out.push(Problem { field, key: "err.required" });
    } else if v.chars().count() > max {
        out.push(Problem { field, key: "err.too_long" });
    }
}

fn day(out: &mut Vec<Problem>, field: &'static str, v: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        out.push(Problem { field, key: "err.date" });
    }
    d
}

impl OutletInput {
    pub fn check(&self) -> Result<Outlet, Vec<Problem>> {
        let mut out = Vec::new();
        text(&mut out, "name", &self.name, 200);
        let kind = OutletKind::parse(&self.kind);
        if kind.is_none() {
            out.push(Problem { field: "kind", key: "err.option" });
        }
        text(&mut out, "licence", &self.licence, 200);
        text(&mut out, "contact", &self.contact, 500);
        match kind {
            Some(kind) if out.is_empty() => Ok(Outlet {
                name: self.name.trim().into(),
                kind,
                licence: self.licence.trim().into(),
                in_province: self.in_province,
                contact: self.contact.trim().into(),
            }),
            _ => Err(out),
        }
    }
}

impl ContractInput {
    pub fn check(&self) -> Result<Contract, Vec<Problem>> {
        let mut out = Vec::new();
        text(&mut out, "number", &self.number, 100);
        text(&mut out, "subject", &self.subject, 300);
        let items = self.items.trim().parse::<i64>().ok().filter(|n| (1..=100_000).contains(n));
        if items.is_none() {
            out.push(Problem { field: "items", key: "err.press.count" });
        }
        let from = day(&mut out, "from", &self.from);
        let to = day(&mut out, "to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                out.push(Problem { field: "to", key: "err.press.period" });
            }
        }
        let digits: String = self.budget.chars().filter(|c| !matches!(c, '.' | ',' | ' ')).collect();
        let budget = digits.parse::<i64>().ok().filter(|b| (0..=1_000_000_000_000).contains(b));
        if budget.is_none() {
            out.push(Problem { field: "budget", key: "err.press.budget" });
        }
        match (items, from, to, budget) {
            (Some(items), Some(from), Some(to), Some(budget)) if out.is_empty() => Ok(Contract {
                number: self.number.trim().into(),
                subject: self.subject.trim().into(),
                items,
                from,
                to,
                budget,
            }),
            _ => Err(out),
        }
    }
}

impl DeliveryInput {
    pub fn check(&self) -> Result<Delivery, Vec<Problem>> {
        let mut out = Vec::new();
        text(&mut out, "title", &self.title, 300);
        text(&mut out, "where_when", &self.where_when, 500);
        let d = day(&mut out, "delivered_on", &self.delivered_on);
        match d {
            Some(delivered_on) if out.is_empty() => Ok(Delivery {
                title: self.title.trim().into(),
                where_when: self.where_when.trim().into(),
                delivered_on,
            }),
            _ => Err(out),
        }
    }
}

/// One line of the year's summary: an outlet's contracts on a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub outlet: i64,
    pub subject: String,
    pub contracts: usize,
    pub ordered: i64,
    pub delivered: i64,
    pub accepted: i64,
    /// Ordered and not accepted by the year's end.
    pub due: i64,
    pub budget: i64,
}

/// The year's summary: the contracts whose period touches `year`, by
/// outlet and subject (in that order), with the items delivered in the year
/// and those of them accepted. `contracts`: (id, outlet, contract);
/// `deliveries`: (contract id, delivery, accepted).
/// What a contract still owes once `accepted` items were accepted (an
/// item delivered but not accepted is still owed).
pub fn remaining(c: &Contract, accepted: i64) -> i64 {
    (c.items - accepted).max(0)
}

pub fn summary(contracts: &[(i64, i64, Contract)], deliveries: &[(i64, Delivery, bool)], year: i32) -> Vec<SummaryRow> {
    let mut rows: Vec<SummaryRow> = Vec::new();
    for (id, outlet, c) in contracts.iter().filter(|(_, _, c)| c.from.year() <= year && year <= c.to.year()) {
        let of: Vec<&(i64, Delivery, bool)> =
            deliveries.iter().filter(|(cid, d, _)| cid == id && d.delivered_on.year() == year).collect();
        let delivered = of.len() as i64;
        let accepted = of.iter().filter(|(_, _, a)| *a).count() as i64;
        // what remains due at the year's end: every acceptance until then counts
        let accepted_by_end =
            deliveries.iter().filter(|(cid, d, a)| cid == id && *a && d.delivered_on.year() <= year).count() as i64;
        let i = match rows.iter().position(|r| r.outlet == *outlet && r.subject == c.subject) {
            Some(i) => i,
            None => {
                rows.push(SummaryRow {
                    outlet: *outlet,
                    subject: c.subject.clone(),
                    contracts: 0,
                    ordered: 0,
                    delivered: 0,
                    accepted: 0,
                    due: 0,
                    budget: 0,
                });
                rows.len() - 1
            }
        };
        let r = &mut rows[i];
        r.contracts += 1;
        r.ordered += c.items;
        r.delivered += delivered;
        r.accepted += accepted;
        r.due += remaining(c, accepted_by_end);
        r.budget += c.budget;
    }
    rows.sort_by(|a, b| a.outlet.cmp(&b.outlet).then_with(|| a.subject.cmp(&b.subject)));
    rows
}

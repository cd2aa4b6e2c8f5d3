//! The inventory: each agency's servers and workstations, dated — a machine
//! counts from the day it was added until the day it was retired. Kept in
//! the back office and imported from CSV (all or nothing, every problem
//! with its line).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MachineKind {
    Server,
    Workstation,
}

impl MachineKind {
    pub const ALL: [MachineKind; 2] = [MachineKind::Server, MachineKind::Workstation];
    pub fn as_str(self) -> &'static str {
        match self {
            MachineKind::Server => "server",
            MachineKind::Workstation => "workstation",
        }
    }
    /// Its name in the store, or as people write it in a spreadsheet
    /// (`máy chủ`, `máy trạm`, either case).
    pub fn parse(s: &str) -> Option<MachineKind> {
        match s.trim().to_lowercase().as_str() {
            "server" | "máy chủ" => Some(MachineKind::Server),
            "workstation" | "máy trạm" => Some(MachineKind::Workstation),
            _ => None,
        }
    }
}

/// A machine of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    pub id: i64,
    #[serde(flatten)]
    pub m: NewMachine,
}

/// A machine's details, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMachine {
    pub agency_id: String,
    pub name: String,
    pub kind: MachineKind,
    /// Where it is: a commune, a building, a room.
    pub location: String,
    /// Its IP or MAC address, normalised (empty: not known).
    pub address: String,
    pub notes: String,
    pub added_on: NaiveDate,
    pub retired_on: Option<NaiveDate>,
}

/// A machine's details as typed (a form, a CSV line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineInput {
    pub agency_id: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    pub address: String,
    pub notes: String,
    pub added_on: String,
    pub retired_on: String,
}

/// The CSV's columns, in order (a header line naming them comes first).
pub const CSV_COLUMNS: [&str; 8] = ["agency", "name", "kind", "location", "address", "notes", "added_on", "retired_on"];

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// An IPv4 or IPv6 address, or a MAC address (six pairs of hex digits
/// joined by `:` or `-`), normalised: lower case, `:`.
pub fn address(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<std::net::IpAddr>() {
        return Some(ip.to_string());
    }
    let pairs: Vec<&str> = s.split([':', '-']).collect();
    (pairs.len() == 6 && pairs.iter().all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit())))
        .then(|| pairs.join(":").to_lowercase())
}

impl MachineInput {
    /// The machine, or every field's problem at once. Whether the agency
    /// exists is the caller's question.
    pub fn check(&self) -> Result<NewMachine, Vec<Problem>> {
        let mut errs = Vec::new();
        let mut bad = |field, key| errs.push(Problem { field, key });
        let name = self.name.trim();
        if name.is_empty() {
            bad("name", "err.required");
        } else if name.chars().count() > 100 {
            bad("name", "err.too_long");
        }
        if self.agency_id.trim().is_empty() {
            bad("agency_id", "err.required");
        }
        let kind = MachineKind::parse(&self.kind);
        if kind.is_none() {
            bad("kind", "err.option");
        }
        if self.location.chars().count() > 200 {
            bad("location", "err.too_long");
        }
        if self.notes.chars().count() > 1000 {
            bad("notes", "err.too_long");
        }
        let addr = if self.address.trim().is_empty() { Some(String::new()) } else { address(&self.address) };
        if addr.is_none() {
            bad("address", "err.pr.address");
        }
        let added = date(&self.added_on);
        if added.is_none() {
            bad("added_on", "err.date");
        }
        let retired = if self.retired_on.trim().is_empty() { Some(None) } else { date(&self.retired_on).map(Some) };
        match (retired, added) {
            (None, _) => bad("retired_on", "err.date"),
            (Some(Some(r)), Some(a)) if r <= a => bad("retired_on", "err.pr.retired_before"),
            _ => {}
        }
        match (kind, addr, added, retired) {
            (Some(kind), Some(address), Some(added_on), Some(retired_on)) if errs.is_empty() => Ok(NewMachine {
                agency_id: self.agency_id.trim().to_string(),
                name: name.to_string(),
                kind,
                location: self.location.trim().to_string(),
                address,
                notes: self.notes.trim().to_string(),
                added_on,
                retired_on,
            }),
            _ => Err(errs),
        }
    }
}

/// A problem of an imported file: its line (1 is the header), the field, the message's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: u64,
    pub field: &'static str,
    pub key: &'static str,
}

/// Reads an inventory CSV (UTF-8, a header naming [`CSV_COLUMNS`] in any
/// order; `retired_on`, `location`, `address`, `notes` may be left out):
/// every machine with its line, or every problem. Two lines naming the same
/// machine of an agency are a problem too.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<(u64, NewMachine)>, Vec<LineProblem>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| vec![LineProblem { line: 1, field: "file", key: "err.import.utf8" }])?;
    let mut r = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => return Err(vec![LineProblem { line: 1, field: "file", key: "err.import.csv" }]),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut problems: Vec<LineProblem> = ["agency", "name", "kind", "added_on"]
        .into_iter()
        .filter(|c| col(c).is_none())
        .map(|c| LineProblem {
            line: 1,
            field: CSV_COLUMNS.into_iter().find(|k| *k == c).unwrap_or("file"),
            key: "err.import.column",
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out: Vec<(u64, NewMachine)> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for rec in r.records() {
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(LineProblem { line, field: "file", key: "err.import.csv" });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|c| c.is_empty()) {
            continue;
        }
        let get = |name: &str| col(name).and_then(|i| rec.get(i)).unwrap_or("").to_string();
        let input = MachineInput {
            agency_id: get("agency"),
            name: get("name"),
            kind: get("kind"),
            location: get("location"),
            address: get("address"),
            notes: get("notes"),
            added_on: get("added_on"),
            retired_on: get("retired_on"),
        };
        match input.check() {
            Ok(m) => {
                let key = (m.agency_id.clone(), m.name.to_lowercase());
                if seen.insert(key, line).is_some() {
                    problems.push(LineProblem { line, field: "name", key: "err.pr.duplicate" });
                }
                out.push((line, m));
            }
            Err(errs) => problems.extend(errs.into_iter().map(|p| LineProblem {
                line,
                field: if p.field == "agency_id" { "agency" } else { p.field },
                key: p.key,
            })),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

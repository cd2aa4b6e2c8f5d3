//! A commune's radio station and the devices (IP speaker clusters,
//! receivers) that belong to it. A station is attached to an administrative
//! unit by its code; when communes merge, the directory says which unit the
//! code names on a day, so the station's history reads under the old unit
//! before the merger and the new one after, with nothing rewritten.

use serde::{Deserialize, Serialize};

use crate::{text, Problem};

/// How a station broadcasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationKind {
    /// Wired loudspeakers.
    Wired,
    /// FM radio.
    Fm,
    /// Based on IT and telecommunications (IP speaker clusters): the
    /// stations the source-information system drives.
    Ip,
}

impl StationKind {
    pub const ALL: [StationKind; 3] = [StationKind::Wired, StationKind::Fm, StationKind::Ip];
    pub fn as_str(self) -> &'static str {
        match self {
            StationKind::Wired => "wired",
            StationKind::Fm => "fm",
            StationKind::Ip => "ip",
        }
    }
    pub fn parse(s: &str) -> Option<StationKind> {
        StationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationStatus {
    Operating,
    /// Out of service (damaged, being upgraded): nothing is planned for it.
    Suspended,
}

impl StationStatus {
    pub const ALL: [StationStatus; 2] = [StationStatus::Operating, StationStatus::Suspended];
    pub fn as_str(self) -> &'static str {
        match self {
            StationStatus::Operating => "operating",
            StationStatus::Suspended => "suspended",
        }
    }
    pub fn parse(s: &str) -> Option<StationStatus> {
        StationStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A station as typed (a form, the API, a CSV row): checked by [`StationInput::check`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationInput {
    pub name: String,
    /// The commune's code (5 digits).
    pub unit_code: String,
    pub kind: String,
    pub status: String,
    /// People who run it.
    pub staff: String,
    pub address: String,
}

/// A station checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStation {
    pub name: String,
    pub unit_code: String,
    pub kind: StationKind,
    pub status: StationStatus,
    pub staff: u32,
    pub address: String,
}

impl StationInput {
    /// The station, or every field's problem at once (the unit's existence
    /// is the caller's to check: it needs the directory).
    pub fn check(&self) -> Result<NewStation, Vec<Problem>> {
        let mut out = Vec::new();
        text(&mut out, "name", &self.name, 200, true);
        let unit = self.unit_code.trim();
        if unit.len() != 5 || !unit.bytes().all(|b| b.is_ascii_digit()) {
            out.push(Problem { field: "unit_code", key: "err.radio.unit" });
        }
        let kind = StationKind::parse(self.kind.trim());
        if kind.is_none() {
            out.push(Problem { field: "kind", key: "err.option" });
        }
        let status = match self.status.trim() {
            "" => Some(StationStatus::Operating),
            s => StationStatus::parse(s),
        };
        if status.is_none() {
            out.push(Problem { field: "status", key: "err.option" });
        }
        let staff = match self.staff.trim() {
            "" => Some(0),
            s => s.parse::<u32>().ok().filter(|n| *n <= 1000),
        };
        if staff.is_none() {
            out.push(Problem { field: "staff", key: "err.number" });
        }
        text(&mut out, "address", &self.address, 300, false);
        match (kind, status, staff) {
            (Some(kind), Some(status), Some(staff)) if out.is_empty() => Ok(NewStation {
                name: self.name.trim().into(),
                unit_code: unit.into(),
                kind,
                status,
                staff,
                address: self.address.trim().into(),
            }),
            _ => Err(out),
        }
    }
}

/// A device (a speaker cluster, a receiver) as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInput {
    /// The maker's serial or the province's inventory number: unique.
    pub serial: String,
    pub name: String,
    /// Where it hangs (a hamlet, a crossroads).
    pub location: String,
}

impl DeviceInput {
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let serial = self.serial.trim();
        if serial.is_empty() {
            out.push(Problem { field: "serial", key: "err.required" });
        } else if serial.len() > 64 || !serial.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
            out.push(Problem { field: "serial", key: "err.radio.serial" });
        }
        text(&mut out, "name", &self.name, 200, true);
        text(&mut out, "location", &self.location, 300, false);
        out
    }
}

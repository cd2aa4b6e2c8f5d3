//! The province's inventory of information systems with their security
//! levels (Decree 85/2016, five levels; Circular 12/2022): owner, operator,
//! the level proposed and the level approved with its decision, the
//! protection plan, the last test, whether it is connected to monitoring.
//! The serious-incident test reads the approved level (the proposed one
//! while none is approved).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SecurityLevel {
    One = 1,
    Two = 2,
    Three = 3,
    Four = 4,
    Five = 5,
}

impl SecurityLevel {
    pub fn from_number(n: u8) -> Option<SecurityLevel> {
        match n {
            1 => Some(SecurityLevel::One),
            2 => Some(SecurityLevel::Two),
            3 => Some(SecurityLevel::Three),
            4 => Some(SecurityLevel::Four),
            5 => Some(SecurityLevel::Five),
            _ => None,
        }
    }
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// A system as a form gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemInput {
    pub name: String,
    pub owner_agency: String,
    pub operator: String,
    pub proposed_level: String,
    pub approved_level: String,
    pub approval_decision: String,
    pub protection_plan: String,
    pub last_test: String,
    pub monitored: bool,
    /// On the national list of important information systems.
    pub national: bool,
}

/// A system, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoSystem {
    pub name: String,
    pub owner_agency: String,
    pub operator: String,
    pub proposed_level: SecurityLevel,
    pub approved_level: Option<SecurityLevel>,
    pub approval_decision: String,
    pub protection_plan: String,
    pub last_test: Option<NaiveDate>,
    pub monitored: bool,
    pub national: bool,
}

impl InfoSystem {
    /// The level the serious-incident test reads: the approved one, else the proposed.
    pub fn level(&self) -> SecurityLevel {
        self.approved_level.unwrap_or(self.proposed_level)
    }
}

fn level(out: &mut Vec<Problem>, field: &'static str, s: &str, required: bool) -> Option<SecurityLevel> {
    let s = s.trim();
    if s.is_empty() {
        if required {
            out.push(Problem { field, key: "err.required" });
        }
        return None;
    }
    let l = s.parse::<u8>().ok().and_then(SecurityLevel::from_number);
    if l.is_none() {
        out.push(Problem { field, key: "err.inc.level" });
    }
    l
}

impl SystemInput {
    /// The system, or every field's problem (the agency is checked against the directory by the caller).
    pub fn check(&self) -> Result<InfoSystem, Vec<Problem>> {
        let mut out = Vec::new();
        let text = |out: &mut Vec<Problem>, field: &'static str, s: &str, max: usize, required: bool| {
            let s = s.trim();
            if required && s.is_empty() {
                out.push(Problem { field, key: "err.required" });
            } else if s.chars().count() > max {
                out.push(Problem { field, key: "err.too_long" });
            }
            s.to_string()
        };
        let name = text(&mut out, "name", &self.name, 200, true);
        let owner_agency = text(&mut out, "owner_agency", &self.owner_agency, 32, true);
        let operator = text(&mut out, "operator", &self.operator, 200, false);
        let proposed = level(&mut out, "proposed_level", &self.proposed_level, true);
        let approved = level(&mut out, "approved_level", &self.approved_level, false);
        let approval_decision = text(&mut out, "approval_decision", &self.approval_decision, 200, false);
        if approved.is_some() && approval_decision.is_empty() {
            out.push(Problem { field: "approval_decision", key: "err.inc.decision" });
        }
        let protection_plan = text(&mut out, "protection_plan", &self.protection_plan, 1000, false);
        let last_test = match self.last_test.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    out.push(Problem { field: "last_test", key: "err.date" });
                    None
                }
            },
        };
        match proposed {
            Some(proposed_level) if out.is_empty() => Ok(InfoSystem {
                name,
                owner_agency,
                operator,
                proposed_level,
                approved_level: approved,
                approval_decision,
                protection_plan,
                last_test,
                monitored: self.monitored,
                national: self.national,
            }),
            _ => Err(out),
        }
    }
}

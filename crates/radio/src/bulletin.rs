//! A bulletin: its text (the transcript), category, priority, whom it
//! targets, when it may play, and the approval step before anything plays.
//! Circular 39/2020: normal bulletins go in the slots the commune chooses,
//! priority ones are played first, emergency ones at once.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::{text, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    Priority,
    /// Storms, floods, fire, epidemics: played at once, interrupting what plays.
    Emergency,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Normal, Priority::Priority, Priority::Emergency];
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Priority => "priority",
            Priority::Emergency => "emergency",
        }
    }
    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The Party's guidelines, the State's policies and laws.
    Policy,
    /// Local news and the authorities' announcements.
    News,
    /// Natural disasters: storms, floods, landslides.
    Disaster,
    /// Health and epidemics.
    Health,
    /// Security and public order, fire.
    Security,
    Culture,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Policy,
        Category::News,
        Category::Disaster,
        Category::Health,
        Category::Security,
        Category::Culture,
        Category::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Policy => "policy",
            Category::News => "news",
            Category::Disaster => "disaster",
            Category::Health => "health",
            Category::Security => "security",
            Category::Culture => "culture",
            Category::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whom a bulletin is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "ids", rename_all = "snake_case")]
pub enum Target {
    /// Every station of the province.
    Province,
    /// The stations of these communes (codes).
    Communes(Vec<String>),
    /// These stations.
    Stations(Vec<i64>),
}

impl Target {
    /// Whether a station is targeted: its id, and the commune its unit
    /// code names today (a merged commune's stations are the new one's).
    pub fn reaches(&self, station: i64, unit_today: &str) -> bool {
        match self {
            Target::Province => true,
            Target::Communes(c) => c.iter().any(|c| c == unit_today),
            Target::Stations(s) => s.contains(&station),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Written, waiting for the approval of the right level.
    Pending,
    Approved,
    Rejected,
    /// Taken off the air (by its agency or the province).
    Withdrawn,
}

impl State {
    pub const ALL: [State; 4] = [State::Pending, State::Approved, State::Rejected, State::Withdrawn];
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    Withdraw,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            "withdraw" => Some(Decision::Withdraw),
            _ => None,
        }
    }
}

/// A bulletin as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulletinInput {
    pub title: String,
    /// What is read: the transcript the public page shows beside the audio.
    pub text: String,
    pub category: String,
    pub priority: String,
    /// `province`, `communes` or `stations`.
    pub target: String,
    pub communes: Vec<String>,
    pub stations: Vec<i64>,
    /// None: the field was not a time (or empty, for `valid_from`: now).
    pub valid_from: Option<NaiveDateTime>,
    pub valid_to: Option<NaiveDateTime>,
    /// Whether `valid_from` was given at all.
    pub from_given: bool,
}

/// A bulletin checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bulletin {
    pub title: String,
    pub text: String,
    pub category: Category,
    pub priority: Priority,
    pub target: Target,
    pub valid_from: NaiveDateTime,
    pub valid_to: NaiveDateTime,
}

impl BulletinInput {
    /// The bulletin, or every field's problem at once; `now` is when it is written.
    pub fn check(&self, now: NaiveDateTime) -> Result<Bulletin, Vec<Problem>> {
        let mut out = Vec::new();
        text(&mut out, "title", &self.title, 300, true);
        text(&mut out, "text", &self.text, 20_000, true);
        let category = Category::parse(self.category.trim());
        if category.is_none() {
            out.push(Problem { field: "category", key: "err.option" });
        }
        let priority = Priority::parse(self.priority.trim());
        if priority.is_none() {
            out.push(Problem { field: "priority", key: "err.option" });
        }
        let target = match self.target.trim() {
            "province" => Some(Target::Province),
            "communes" if self.communes.is_empty() => {
                out.push(Problem { field: "communes", key: "err.radio.no_target" });
                None
            }
            "communes" => Some(Target::Communes(self.communes.iter().map(|c| c.trim().to_string()).collect())),
            "stations" if self.stations.is_empty() => {
                out.push(Problem { field: "stations", key: "err.radio.no_target" });
                None
            }
            "stations" => Some(Target::Stations(self.stations.clone())),
            _ => {
                out.push(Problem { field: "target", key: "err.option" });
                None
            }
        };
        let from = if self.from_given {
            if self.valid_from.is_none() {
                out.push(Problem { field: "valid_from", key: "err.datetime" });
            }
            self.valid_from
        } else {
            Some(now)
        };
        match self.valid_to {
            None => out.push(Problem { field: "valid_to", key: "err.datetime" }),
            Some(to) if to <= now => out.push(Problem { field: "valid_to", key: "err.radio.past" }),
            Some(to) if from.is_some_and(|f| to <= f) => {
                out.push(Problem { field: "valid_to", key: "err.radio.order" })
            }
            Some(_) => {}
        }
        match (category, priority, target, from, self.valid_to) {
            (Some(category), Some(priority), Some(target), Some(valid_from), Some(valid_to)) if out.is_empty() => {
                Ok(Bulletin {
                    title: self.title.trim().into(),
                    text: self.text.trim().into(),
                    category,
                    priority,
                    target,
                    valid_from,
                    valid_to,
                })
            }
            _ => Err(out),
        }
    }
}

impl Bulletin {
    pub fn valid_at(&self, t: NaiveDateTime) -> bool {
        self.valid_from <= t && t < self.valid_to
    }
}

/// Who must approve a bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The commune's own: a commune's bulletin for its own commune.
    Commune,
    /// The province's department: everything else.
    Province,
}

/// The level that approves a bulletin: a commune's bulletin that reaches
/// only its own commune (`own_unit`; its own stations checked by the
/// caller) is the commune's to approve; any other, the province's.
pub fn level(owner_is_commune: bool, own_unit: &str, target: &Target, only_own_stations: bool) -> Level {
    let own = match target {
        Target::Province => false,
        Target::Communes(c) => c.iter().all(|c| c == own_unit),
        Target::Stations(_) => only_own_stations,
    };
    if owner_is_commune && own {
        Level::Commune
    } else {
        Level::Province
    }
}

/// The state a decision leads to, or the key of why not: approval needs
/// the audio and a pending bulletin; withdrawal a pending or approved one.
pub fn decide(state: State, d: Decision, has_audio: bool) -> Result<State, &'static str> {
    match (state, d) {
        (State::Pending, Decision::Approve) if !has_audio => Err("err.radio.no_audio"),
        (State::Pending, Decision::Approve) => Ok(State::Approved),
        (State::Pending, Decision::Reject) => Ok(State::Rejected),
        (State::Pending | State::Approved, Decision::Withdraw) => Ok(State::Withdrawn),
        _ => Err("err.radio.state"),
    }
}

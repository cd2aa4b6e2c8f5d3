//! Commune radio (issue 20; Circular 39/2020/TT-BTTTT), pure: a commune's
//! stations and their devices (`station.rs`), bulletins — priority,
//! category, target, validity, the approval step — (`bulletin.rs`), and the
//! daily slots with the playlist they make for a station (`schedule.rs`).
//! Times are the province's local time (`NaiveDateTime`), passed in.

pub mod bulletin;
pub mod schedule;
pub mod station;

pub use bulletin::{decide, level, Bulletin, BulletinInput, Category, Decision, Level, Priority, State, Target};
pub use schedule::{playlist, Clash, Planned, Playable, Slot};
pub use station::{DeviceInput, NewStation, StationInput, StationKind, StationStatus};

/// A problem of one field: its name and the i18n key of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

/// Every problem of a text field: required or not, at most `max` characters.
pub(crate) fn text(out: &mut Vec<Problem>, field: &'static str, value: &str, max: usize, required: bool) {
    let v = value.trim();
    if required && v.is_empty() {
        out.push(Problem { field, key: "err.required" });
    } else if v.chars().count() > max {
        out.push(Problem { field, key: "err.too_long" });
    }
}

#[cfg(test)]
mod tests;

//! The year's IT plan (issue 23), pure: an indicator's target and direction,
//! the target in force on a day once amendments are read, and the verdict
//! of a value against it at a day of the year.
//!
//! No I/O, no clock: the day is an argument. Where a value comes from (a
//! figure egov measures, or a unit's approved report) is the application's
//! business; here a value is a number, or none yet.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Which side of the target is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The value should reach the target (online share, stations invested).
    AtLeast,
    /// The value should stay within the target (serious incidents).
    AtMost,
    /// The value should equal the target.
    Exactly,
}

impl Direction {
    pub const ALL: [Direction; 3] = [Direction::AtLeast, Direction::AtMost, Direction::Exactly];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
            Direction::Exactly => "exactly",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Whether `value` keeps the target.
    pub fn keeps(self, value: f64, target: f64) -> bool {
        match self {
            Direction::AtLeast => value >= target - EPSILON,
            Direction::AtMost => value <= target + EPSILON,
            Direction::Exactly => (value - target).abs() <= EPSILON,
        }
    }

    /// Whether `value` goes beyond the target on its good side.
    pub fn exceeds(self, value: f64, target: f64) -> bool {
        match self {
            Direction::AtLeast => value > target + EPSILON,
            Direction::AtMost => value < target - EPSILON,
            Direction::Exactly => false,
        }
    }
}

/// Figures are compared to a millionth: shares computed two ways agree.
const EPSILON: f64 = 1e-6;

/// How a value moves through the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Course {
    /// A level read at a time (a share, a rate, a coverage): it may go up
    /// and down until the year ends.
    Level,
    /// A count that only grows over the year (stations invested, incidents,
    /// conferences held): once past an at-most target it cannot come back,
    /// once at an at-least target it stays there.
    Cumulative,
}

/// An indicator's standing against its target at a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The year is over (or a count has passed it for good) beyond the target.
    Exceeded,
    /// The year is over (or a count has reached it for good) at the target.
    Met,
    /// During the year: on its way to the target.
    OnTrack,
    /// During the year: off the way to the target, still reachable.
    AtRisk,
    /// Over without the target, or a count past an at-most target.
    Missed,
    /// No value yet (a reported indicator nobody has reported).
    NoValue,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Exceeded => "exceeded",
            Verdict::Met => "met",
            Verdict::OnTrack => "on_track",
            Verdict::AtRisk => "at_risk",
            Verdict::Missed => "missed",
            Verdict::NoValue => "no_value",
        }
    }

    /// Whether the target is reached (beyond or at).
    pub fn kept(self) -> bool {
        matches!(self, Verdict::Exceeded | Verdict::Met)
    }
}

/// The share of `year` gone by the end of `day` (0 before it, 1 after it).
pub fn elapsed(year: i32, day: NaiveDate) -> f64 {
    let (Some(first), Some(next)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year + 1, 1, 1))
    else {
        return 0.0;
    };
    let days = (next - first).num_days() as f64;
    let done = ((day - first).num_days() + 1) as f64;
    (done / days).clamp(0.0, 1.0)
}

/// The verdict of `value` against `target` at the end of `day` of `year`.
///
/// After the year: exceeded, met or missed. During it, a level keeping its
/// target is on track and one not keeping it at risk; a cumulative count is
/// met (or exceeded) for good once it reaches an at-least target, missed
/// for good once past an at-most one, and otherwise on track while its pace
/// (the value over the share of the year gone) reaches the target.
pub fn verdict(
    direction: Direction,
    course: Course,
    target: f64,
    value: Option<f64>,
    year: i32,
    day: NaiveDate,
) -> Verdict {
    let Some(value) = value else { return Verdict::NoValue };
    let over = day.year() > year || (day.year() == year && day.month() == 12 && day.day() == 31);
    let settled = |v: f64| {
        if direction.exceeds(v, target) {
            Verdict::Exceeded
        } else if direction.keeps(v, target) {
            Verdict::Met
        } else {
            Verdict::Missed
        }
    };
    if over {
        return settled(value);
    }
    match (course, direction) {
        (Course::Level, _) => {
            if direction.keeps(value, target) {
                Verdict::OnTrack
            } else {
                Verdict::AtRisk
            }
        }
        (Course::Cumulative, Direction::AtLeast) if direction.keeps(value, target) => settled(value),
        (Course::Cumulative, Direction::AtMost | Direction::Exactly) if value > target + EPSILON => Verdict::Missed,
        (Course::Cumulative, Direction::AtLeast) => {
            let gone = elapsed(year, day);
            if gone > 0.0 && value / gone >= target - EPSILON {
                Verdict::OnTrack
            } else {
                Verdict::AtRisk
            }
        }
        (Course::Cumulative, _) => Verdict::OnTrack,
    }
}

/// A change of an indicator's target from a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amendment {
    /// The day it takes effect.
    pub from: NaiveDate,
    pub target: f64,
    /// The decision that amended the plan.
    pub decision: String,
}

/// The target in force at the end of `day`: the plan's, or the latest
/// amendment in force by then; and whether an amendment changed it.
pub fn target_on(planned: f64, amendments: &[Amendment], day: NaiveDate) -> (f64, bool) {
    amendments.iter().filter(|a| a.from <= day).max_by_key(|a| a.from).map_or((planned, false), |a| (a.target, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn after_the_year_a_value_exceeds_meets_or_misses_its_target() {
        let end = d("2026-12-31");
        let v = |dir, t, x| verdict(dir, Course::Level, t, Some(x), 2026, end);
        assert_eq!(v(Direction::AtLeast, 0.5, 0.62), Verdict::Exceeded);
        assert_eq!(v(Direction::AtLeast, 0.5, 0.5), Verdict::Met);
        assert_eq!(v(Direction::AtLeast, 0.5, 0.49), Verdict::Missed);
        assert_eq!(v(Direction::AtMost, 0.0, 0.0), Verdict::Met, "no serious incident");
        assert_eq!(v(Direction::AtMost, 0.0, 1.0), Verdict::Missed);
        assert_eq!(v(Direction::Exactly, 192.0, 192.0), Verdict::Met);
        assert_eq!(v(Direction::Exactly, 192.0, 191.0), Verdict::Missed);
        assert_eq!(verdict(Direction::AtLeast, Course::Level, 1.0, None, 2026, end), Verdict::NoValue);
        // a later year reads the year as over too
        assert_eq!(verdict(Direction::AtLeast, Course::Level, 0.5, Some(0.4), 2026, d("2027-03-01")), Verdict::Missed);
        // shares computed two ways agree to a millionth
        assert_eq!(v(Direction::AtLeast, 0.8, 0.8 - 1e-9), Verdict::Met);
    }

    #[test]
    fn during_the_year_a_level_is_on_track_while_it_keeps_its_target() {
        let mid = d("2026-06-30");
        assert_eq!(verdict(Direction::AtLeast, Course::Level, 1.0, Some(1.0), 2026, mid), Verdict::OnTrack);
        assert_eq!(verdict(Direction::AtLeast, Course::Level, 1.0, Some(0.97), 2026, mid), Verdict::AtRisk);
        assert_eq!(verdict(Direction::AtMost, Course::Level, 0.05, Some(0.02), 2026, mid), Verdict::OnTrack);
    }

    #[test]
    fn a_count_is_judged_by_its_pace_and_settles_once_it_cannot_change() {
        // 52 stations to invest in the year: 30 by the end of June is ahead of the pace (26.1)
        let june = d("2026-06-30");
        let gone = elapsed(2026, june);
        assert!((gone - 181.0 / 365.0).abs() < 1e-12, "{gone}");
        let v = |x| verdict(Direction::AtLeast, Course::Cumulative, 52.0, Some(x), 2026, june);
        assert_eq!(v(30.0), Verdict::OnTrack);
        assert_eq!(v(20.0), Verdict::AtRisk, "20 / (181/365) = 40.3 < 52");
        assert_eq!(v(52.0), Verdict::Met, "reached: it only grows");
        assert_eq!(v(60.0), Verdict::Exceeded);
        // no serious incident: one in March misses the year for good
        let march = d("2026-03-15");
        assert_eq!(verdict(Direction::AtMost, Course::Cumulative, 0.0, Some(1.0), 2026, march), Verdict::Missed);
        assert_eq!(verdict(Direction::AtMost, Course::Cumulative, 0.0, Some(0.0), 2026, march), Verdict::OnTrack);
        // the first day of the year: nothing is behind yet
        assert_eq!(
            verdict(Direction::AtLeast, Course::Cumulative, 4.0, Some(0.0), 2026, d("2026-01-01")),
            Verdict::AtRisk
        );
    }

    #[test]
    fn the_target_in_force_is_the_latest_amendment_begun() {
        let amendments = vec![
            Amendment { from: d("2026-07-01"), target: 60.0, decision: "QĐ 120/QĐ-UBND".into() },
            Amendment { from: d("2026-04-01"), target: 55.0, decision: "QĐ 80/QĐ-UBND".into() },
        ];
        assert_eq!(target_on(52.0, &amendments, d("2026-03-31")), (52.0, false));
        assert_eq!(target_on(52.0, &amendments, d("2026-04-01")), (55.0, true));
        assert_eq!(target_on(52.0, &amendments, d("2026-12-31")), (60.0, true));
        assert_eq!(target_on(52.0, &[], d("2026-12-31")), (52.0, false));
    }

    #[test]
    fn directions_read_back_from_their_names() {
        for dir in Direction::ALL {
            assert_eq!(Direction::parse(dir.as_str()), Some(dir));
        }
        assert_eq!(Direction::parse("more"), None);
    }
}

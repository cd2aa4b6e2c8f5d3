//! The working-day calendar: the Vietnamese lunar calendar, public holidays
//! by rule and by announcement, working hours, and due dates. Pure
//! computation: announcements and settings come in as values.

pub mod holidays;
pub mod lunar;

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

pub use holidays::{Announcement, NamedDay, ScheduleError};
pub use lunar::{LunarDate, LunarError};

/// The first and last years the calendar covers.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} is outside the calendar (1900–2100)")]
    OutOfRange(String),
    #[error("the working hours are invalid: {0}")]
    Hours(String),
}

/// A shift: minutes since midnight, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub start: u16,
    pub end: u16,
}

/// Working hours: the shifts of each weekday (Monday first), the afternoon
/// cut-off after which a receipt counts from the next working day, and the
/// length of a working day for processing times given in days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    pub shifts: [Vec<Shift>; 7],
    pub cutoff: u16,
    pub day_minutes: u32,
}

impl Default for WorkingHours {
    /// Monday–Friday, 07:30–11:30 and 13:00–17:00; cut-off 15:00; 8 hours a day.
    fn default() -> Self {
        let day = vec![Shift { start: 450, end: 690 }, Shift { start: 780, end: 1020 }];
        WorkingHours {
            shifts: [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]],
            cutoff: 900,
            day_minutes: 480,
        }
    }
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Reads `HH:MM` as minutes since midnight.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
}

impl Shift {
    /// Reads `07:30-11:30, 13:00-17:00` (empty: no work that day).
    pub fn parse_list(s: &str) -> Option<Vec<Shift>> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (a, b) = p.split_once('-')?;
                Some(Shift { start: parse_hhmm(a)?, end: parse_hhmm(b)? })
            })
            .collect()
    }

    pub fn format_list(list: &[Shift]) -> String {
        list.iter().map(|s| format!("{}-{}", hhmm(s.start), hhmm(s.end))).collect::<Vec<_>>().join(", ")
    }
}

impl WorkingHours {
    pub fn cutoff_text(&self) -> String {
        hhmm(self.cutoff)
    }

    pub fn validate(&self) -> Result<(), CalendarError> {
        for (i, day) in self.shifts.iter().enumerate() {
            let mut last = 0;
            for s in day {
                if s.start >= s.end || s.end > 1440 || s.start < last {
                    return Err(CalendarError::Hours(format!(
                        "weekday {}: shifts must be ordered, non-empty, within the day",
                        i + 1
                    )));
                }
                last = s.end;
            }
        }
        if self.cutoff > 1440 || self.day_minutes == 0 {
            return Err(CalendarError::Hours("cut-off or day length".into()));
        }
        Ok(())
    }
}

/// How a day is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayKind {
    Work,
    Weekend,
    Off,
    /// A weekend day worked in exchange for a day off (on weekday hours).
    MakeUp,
}

/// A processing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    WorkingDays(u32),
    WorkingHours(u32),
}

/// The working-day calendar of the platform: every day of 1900–2100 classified
/// once, so that a due date is a walk over an array.
#[derive(Debug, Clone)]
pub struct Calendar {
    days: Vec<DayKind>,
    names: HashMap<NaiveDate, NamedDay>,
    hours: WorkingHours,
    first: NaiveDate,
}

fn minutes(t: NaiveTime) -> u32 {
    chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t)
}

impl Calendar {
    /// Builds the calendar from the rules, the announcements (which replace
    /// the rule for their years) and the working hours.
    pub fn new(announcements: &[Announcement], hours: WorkingHours) -> Calendar {
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or_default();
        let mut days = Vec::with_capacity(((last - first).num_days() + 1) as usize);
        let mut d = first;
        while d <= last {
            days.push(if holidays::is_weekend(d) { DayKind::Weekend } else { DayKind::Work });
            d = d.succ_opt().unwrap_or(d);
        }
        let by_year: HashMap<i32, &Announcement> = announcements.iter().map(|a| (a.year, a)).collect();
        let mut names = HashMap::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            let (off, work) = holidays::year_schedule(year, by_year.get(&year).copied());
            for n in off {
                if let Some(i) = Self::index_of(first, n.date, days.len()) {
                    days[i] = DayKind::Off;
                    names.insert(n.date, n);
                }
            }
            for n in work {
                if let Some(i) = Self::index_of(first, n.date, days.len()) {
                    days[i] = DayKind::MakeUp;
                    names.insert(n.date, n);
                }
            }
        }
        Calendar { days, names, hours, first }
    }

    fn index_of(first: NaiveDate, d: NaiveDate, len: usize) -> Option<usize> {
        let i = (d - first).num_days();
        (0..len as i64).contains(&i).then_some(i as usize)
    }

    fn kind(&self, d: NaiveDate) -> Result<DayKind, CalendarError> {
        Self::index_of(self.first, d, self.days.len())
            .map(|i| self.days[i])
            .ok_or_else(|| CalendarError::OutOfRange(d.to_string()))
    }

    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        Ok(match self.kind(d)? {
            DayKind::Work => !self.hours.shifts[d.weekday().num_days_from_monday() as usize].is_empty(),
            DayKind::MakeUp => true,
            DayKind::Weekend | DayKind::Off => false,
        })
    }

    /// The shifts worked on a day (none on a day off; weekday hours on a make-up day).
    fn shifts(&self, d: NaiveDate) -> Result<&[Shift], CalendarError> {
        Ok(match self.kind(d)? {
            DayKind::Work => &self.hours.shifts[d.weekday().num_days_from_monday() as usize],
            DayKind::MakeUp => &self.hours.shifts[Weekday::Mon.num_days_from_monday() as usize],
            DayKind::Weekend | DayKind::Off => &[],
        })
    }

    /// The name of a day off or make-up day.
    pub fn name_of(&self, d: NaiveDate) -> Option<&NamedDay> {
        self.names.get(&d)
    }

    /// Days off that fall on a weekday of a year, sorted.
    pub fn weekday_days_off(&self, year: i32) -> Vec<&NamedDay> {
        let mut v: Vec<&NamedDay> = self
            .names
            .values()
            .filter(|n| n.date.year() == year && !holidays::is_weekend(n.date) && self.kind(n.date) == Ok(DayKind::Off))
            .collect();
        v.sort_by_key(|n| n.date);
        v
    }

    /// Weekend days worked in a year, sorted.
    pub fn make_up_days(&self, year: i32) -> Vec<&NamedDay> {
        let mut v: Vec<&NamedDay> =
            self.names.values().filter(|n| n.date.year() == year && self.kind(n.date) == Ok(DayKind::MakeUp)).collect();
        v.sort_by_key(|n| n.date);
        v
    }

    /// Moves forward by `amount` working minutes from `start`; an end that
    /// falls exactly on the end of a shift stays there.
    pub fn add_working_minutes(&self, start: NaiveDateTime, amount: i64) -> Result<NaiveDateTime, CalendarError> {
        let mut left = amount.max(0) as u32;
        let mut day = start.date();
        let mut from = minutes(start.time());
        loop {
            for s in self.shifts(day)? {
                let (a, b) = (u32::from(s.start), u32::from(s.end));
                if from >= b {
                    continue;
                }
                let begin = from.max(a);
                let avail = b - begin;
                if left <= avail {
                    let m = begin + left;
                    let t = NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or_default();
                    return Ok(day.and_time(t));
                }
                left -= avail;
            }
            day = day.succ_opt().ok_or_else(|| CalendarError::OutOfRange(day.to_string()))?;
            from = 0;
        }
    }

    /// Working minutes from `a` to `b`; negative when `b` is before `a`.
    pub fn working_minutes_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> Result<i64, CalendarError> {
        if b < a {
            return self.working_minutes_between(b, a).map(|m| -m);
        }
        let mut total = 0i64;
        let mut day = a.date();
        while day <= b.date() {
            let lo = if day == a.date() { minutes(a.time()) } else { 0 };
            let hi = if day == b.date() { minutes(b.time()) } else { 1440 };
            for s in self.shifts(day)? {
                let (s0, s1) = (u32::from(s.start).max(lo), u32::from(s.end).min(hi));
                if s1 > s0 {
                    total += i64::from(s1 - s0);
                }
            }
            day = day.succ_opt().ok_or_else(|| CalendarError::OutOfRange(day.to_string()))?;
        }
        Ok(total)
    }

    /// The first working moment at or after `t`.
    pub fn next_working_moment(&self, t: NaiveDateTime) -> Result<NaiveDateTime, CalendarError> {
        let mut day = t.date();
        let mut from = minutes(t.time());
        loop {
            if let Some(s) = self.shifts(day)?.iter().find(|s| u32::from(s.end) > from) {
                let m = from.max(u32::from(s.start));
                return Ok(day.and_time(NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or_default()));
            }
            day = day.succ_opt().ok_or_else(|| CalendarError::OutOfRange(day.to_string()))?;
            from = 0;
        }
    }

    /// Where the clock of a dossier received at `receipt` starts: the first
    /// working moment, and for a receipt on a working day after the cut-off,
    /// the start of the next working day.
    pub fn clock_start(&self, receipt: NaiveDateTime) -> Result<NaiveDateTime, CalendarError> {
        if self.is_working_day(receipt.date())? && minutes(receipt.time()) > u32::from(self.hours.cutoff) {
            let next = receipt.date().succ_opt().ok_or_else(|| CalendarError::OutOfRange(receipt.to_string()))?;
            return self.next_working_moment(next.and_time(NaiveTime::MIN));
        }
        self.next_working_moment(receipt)
    }

    fn span_minutes(&self, span: Span) -> i64 {
        match span {
            Span::WorkingDays(n) => i64::from(n) * i64::from(self.hours.day_minutes),
            Span::WorkingHours(n) => i64::from(n) * 60,
        }
    }

    /// The due time of a dossier received at `receipt` with processing time `span`.
    pub fn due(&self, receipt: NaiveDateTime, span: Span) -> Result<NaiveDateTime, CalendarError> {
        let start = self.clock_start(receipt)?;
        self.add_working_minutes(start, self.span_minutes(span))
    }

    /// Working minutes left until `due` at `now` (negative when overdue):
    /// what a pause keeps.
    pub fn remaining(&self, now: NaiveDateTime, due: NaiveDateTime) -> Result<i64, CalendarError> {
        self.working_minutes_between(now, due)
    }

    /// The new due time when a paused clock resumes at `at` with `remaining` working minutes left.
    pub fn resume(&self, at: NaiveDateTime, remaining: i64) -> Result<NaiveDateTime, CalendarError> {
        self.add_working_minutes(at, remaining)
    }

    /// Working days in [from, to).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, CalendarError> {
        if to < from {
            return self.working_days_between(to, from).map(|n| -n);
        }
        let mut n = 0;
        let mut d = from;
        while d < to {
            if self.is_working_day(d)? {
                n += 1;
            }
            d = d.succ_opt().ok_or_else(|| CalendarError::OutOfRange(d.to_string()))?;
        }
        Ok(n)
    }

    /// The first day of the next working period at or after `t` (for display).
    pub fn next_working_day(&self, d: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut d = d;
        while !self.is_working_day(d)? {
            d += Duration::days(1);
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The 2026 schedule as announced (domain.md §4): 1–4 Jan off with Friday
    /// 2 Jan swapped for Saturday 10 Jan; Tết 14–22 Feb.
    fn announced_2026() -> Announcement {
        let mut off = vec![
            NamedDay::new(d(2026, 1, 1), "Tết Dương lịch", "New Year"),
            NamedDay::new(d(2026, 1, 2), "Nghỉ hoán đổi", "Swapped day off"),
        ];
        for day in 14..=22 {
            off.push(NamedDay::new(d(2026, 2, day), "Tết Nguyên đán", "Lunar New Year"));
        }
        off.extend([
            NamedDay::new(d(2026, 4, 26), "Giỗ Tổ Hùng Vương", "Hùng Kings"),
            NamedDay::new(d(2026, 4, 27), "Nghỉ bù", "In lieu"),
            NamedDay::new(d(2026, 4, 30), "Ngày Chiến thắng", "Reunification Day"),
            NamedDay::new(d(2026, 5, 1), "Quốc tế Lao động", "Labour Day"),
            NamedDay::new(d(2026, 9, 1), "Quốc khánh", "National Day"),
            NamedDay::new(d(2026, 9, 2), "Quốc khánh", "National Day"),
        ]);
        Announcement {
            year: 2026,
            days_off: off,
            working_days: vec![NamedDay::new(d(2026, 1, 10), "Làm bù", "Make-up day")],
            source: "test".into(),
        }
    }

    fn cal() -> Calendar {
        Calendar::new(&[announced_2026()], WorkingHours::default())
    }

    #[test]
    fn shifts_read_and_write() {
        let s = Shift::parse_list("07:30-11:30, 13:00-17:00").unwrap();
        assert_eq!(Shift::format_list(&s), "07:30-11:30, 13:00-17:00");
        assert_eq!(Shift::parse_list("").unwrap(), vec![]);
        assert!(Shift::parse_list("7h-11h").is_none());
        assert!(Shift::parse_list("25:00-26:00").is_none());
        let mut h = WorkingHours::default();
        h.shifts[0] = vec![Shift { start: 600, end: 500 }];
        assert!(h.validate().is_err());
    }

    #[test]
    fn one_day_is_eight_working_hours() {
        let c = cal();
        // Monday 09:00 + 1 day = Tuesday 09:00 (2.5 h + 4 h + 1.5 h)
        assert_eq!(c.due(at("2026-03-02 09:00"), Span::WorkingDays(1)).unwrap(), at("2026-03-03 09:00"));
        // a receipt before opening counts from opening: due the same evening
        assert_eq!(c.due(at("2026-03-02 06:00"), Span::WorkingDays(1)).unwrap(), at("2026-03-02 17:00"));
        // hours across lunch
        assert_eq!(c.due(at("2026-03-02 10:30"), Span::WorkingHours(2)).unwrap(), at("2026-03-02 14:00"));
    }

    #[test]
    fn receipt_at_15_01_on_a_friday_counts_from_monday() {
        let c = cal();
        // Friday 6 March 2026, 15:01 → clock from Monday 9 March 07:30 → 3 days: Wednesday 17:00.
        assert_eq!(c.due(at("2026-03-06 15:01"), Span::WorkingDays(3)).unwrap(), at("2026-03-11 17:00"));
        assert_eq!(c.clock_start(at("2026-03-06 15:01")).unwrap(), at("2026-03-09 07:30"));
        assert_eq!(c.clock_start(at("2026-03-07 10:00")).unwrap(), at("2026-03-09 07:30"), "a Saturday");
        assert_eq!(c.clock_start(at("2026-03-09 12:00")).unwrap(), at("2026-03-09 13:00"), "lunch");
        // at 15:00 exactly it still counts from Friday 15:00
        assert_eq!(c.due(at("2026-03-06 15:00"), Span::WorkingDays(1)).unwrap(), at("2026-03-09 15:00"));
    }

    #[test]
    fn across_tet() {
        let c = cal();
        // Thursday 12 Feb 2026 10:00 + 5 days: Thu 12 (part), Fri 13, (Tết 14–22), Mon 23 … Thu 26 10:00
        assert_eq!(c.due(at("2026-02-12 10:00"), Span::WorkingDays(5)).unwrap(), at("2026-02-26 10:00"));
        assert_eq!(c.working_days_between(d(2026, 2, 13), d(2026, 2, 24)).unwrap(), 2);
    }

    #[test]
    fn across_a_swapped_saturday() {
        let c = cal();
        assert!(!c.is_working_day(d(2026, 1, 2)).unwrap());
        assert!(c.is_working_day(d(2026, 1, 10)).unwrap());
        // Wednesday 31 Dec 2025 16:00 is after the cut-off; 1–4 Jan are off:
        // the clock starts Monday 5 Jan 07:30; day 5 ends Friday 9, day 6 is Saturday 10.
        assert_eq!(c.due(at("2025-12-31 16:00"), Span::WorkingDays(5)).unwrap(), at("2026-01-09 17:00"));
        assert_eq!(c.due(at("2025-12-31 16:00"), Span::WorkingDays(6)).unwrap(), at("2026-01-10 17:00"));
        // Friday 9 Jan 09:00 + 1 day = Saturday 10 Jan 09:00 (a make-up day on weekday hours)
        assert_eq!(c.due(at("2026-01-09 09:00"), Span::WorkingDays(1)).unwrap(), at("2026-01-10 09:00"));
    }

    #[test]
    fn a_pause_in_the_middle_moves_the_due_date_by_the_paused_working_time() {
        let c = cal();
        let due = c.due(at("2026-03-02 08:00"), Span::WorkingDays(5)).unwrap();
        assert_eq!(due, at("2026-03-09 08:00"));
        // paused Wednesday 4 March 14:00 for a supplement, resumed Thursday 12 March 10:00
        let left = c.remaining(at("2026-03-04 14:00"), due).unwrap();
        assert_eq!(left, 180 + 480 + 480 + 30); // Wed 14–17, Thu, Fri, Mon 07:30–08:00
                                                // Thu 10:00–17:00 (330) + Fri (480) + Mon 16 March 07:30–15:00 (360)
        let new_due = c.resume(at("2026-03-12 10:00"), left).unwrap();
        assert_eq!(new_due, at("2026-03-16 15:00"));
        assert_eq!(c.remaining(new_due, at("2026-03-16 16:00")).unwrap(), 60);
        assert_eq!(c.remaining(at("2026-03-16 16:00"), new_due).unwrap(), -60, "overdue is negative");
    }

    #[test]
    fn rules_apply_where_nothing_was_announced() {
        let c = cal();
        let off: Vec<NaiveDate> = c.weekday_days_off(2027).into_iter().map(|n| n.date).collect();
        assert!(off.contains(&d(2027, 2, 5)) && off.contains(&d(2027, 2, 8)), "{off:?}"); // Tết eve Fri 5 Feb; mùng 1 = Sat 6 → Mon 8 etc.
        assert!(off.contains(&d(2027, 4, 16)), "Hùng Kings 2027");
        let off26: Vec<NaiveDate> = c.weekday_days_off(2026).into_iter().map(|n| n.date).collect();
        assert!(off26.contains(&d(2026, 2, 16)) && !off26.contains(&d(2026, 2, 14)), "weekends not listed");
        assert_eq!(c.make_up_days(2026).len(), 1);
    }

    #[test]
    fn outside_the_calendar_is_an_error_not_a_panic() {
        let c = cal();
        assert!(c.due(at("2100-12-31 16:00"), Span::WorkingDays(10)).is_err());
        assert!(c.is_working_day(d(1800, 1, 1)).is_err());
    }
}

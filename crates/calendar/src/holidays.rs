//! Public holidays (Labour Code 2019, Art. 112) by rule, and the announced
//! schedule of a year, which overrides the rule for that year.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::lunar::{self, LunarDate};

/// A named day: a day off, or a weekend day worked in exchange for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedDay {
    pub date: NaiveDate,
    pub name_vi: String,
    pub name_en: String,
}

impl NamedDay {
    pub fn new(date: NaiveDate, vi: &str, en: &str) -> NamedDay {
        NamedDay { date, name_vi: vi.into(), name_en: en.into() }
    }
}

/// What the government announced for one year: every day off (holidays,
/// Tết days, bridge days, compensation days, new holidays) and every weekend
/// day worked instead. Entered, it replaces the rule for that year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub year: i32,
    pub days_off: Vec<NamedDay>,
    #[serde(default)]
    pub working_days: Vec<NamedDay>,
    /// Where it was announced, e.g. the document's number.
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{date}: not in year {year}")]
    WrongYear { date: NaiveDate, year: i32 },
    #[error("{0}: listed twice")]
    Twice(NaiveDate),
    #[error("{0}: a working day must be a Saturday or Sunday")]
    WorkingWeekday(NaiveDate),
    #[error("{0}: the name is missing")]
    NoName(NaiveDate),
    #[error("year {0} is outside 1900–2100")]
    Year(i32),
}

impl Announcement {
    /// Checks the announcement; every problem at once.
    pub fn validate(&self) -> Result<(), Vec<ScheduleError>> {
        let mut errs = Vec::new();
        if !(1900..=2100).contains(&self.year) {
            errs.push(ScheduleError::Year(self.year));
        }
        let mut seen = std::collections::HashSet::new();
        for d in self.days_off.iter().chain(&self.working_days) {
            if d.date.year() != self.year {
                errs.push(ScheduleError::WrongYear { date: d.date, year: self.year });
            }
            if !seen.insert(d.date) {
                errs.push(ScheduleError::Twice(d.date));
            }
            if d.name_vi.trim().is_empty() {
                errs.push(ScheduleError::NoName(d.date));
            }
        }
        for d in &self.working_days {
            if !is_weekend(d.date) {
                errs.push(ScheduleError::WorkingWeekday(d.date));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The holidays of a year by rule, before compensation: New Year, Tết (the
/// last day of the lunar year and the first four of the new one, the default
/// when no announcement exists), Hùng Kings' day (10/3 lunar), 30 April,
/// 1 May, and National Day 2 September with one adjacent day (1 September,
/// or 3 September when 1 September is a weekend day).
pub fn rule_holidays(year: i32) -> Vec<NamedDay> {
    let mut out = vec![NamedDay::new(ymd(year, 1, 1), "Tết Dương lịch", "New Year's Day")];
    if let Ok(tet) = lunar::tet(year) {
        if let Some(eve) = tet.pred_opt() {
            out.push(NamedDay::new(eve, "Tết Nguyên đán (ngày cuối năm)", "Lunar New Year (last day of the year)"));
        }
        for i in 0..4 {
            let d = tet + chrono::Duration::days(i);
            out.push(NamedDay::new(
                d,
                &format!("Tết Nguyên đán (mùng {})", i + 1),
                &format!("Lunar New Year (day {})", i + 1),
            ));
        }
    }
    if let Ok(hung) = lunar::to_solar(LunarDate { year, month: 3, day: 10, leap: false }) {
        out.push(NamedDay::new(hung, "Giỗ Tổ Hùng Vương", "Hùng Kings' Commemoration Day"));
    }
    out.push(NamedDay::new(ymd(year, 4, 30), "Ngày Chiến thắng", "Reunification Day"));
    out.push(NamedDay::new(ymd(year, 5, 1), "Ngày Quốc tế Lao động", "International Labour Day"));
    let adjacent = if is_weekend(ymd(year, 9, 1)) { ymd(year, 9, 3) } else { ymd(year, 9, 1) };
    out.push(NamedDay::new(ymd(year, 9, 2), "Quốc khánh", "National Day"));
    out.push(NamedDay::new(adjacent, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"));
    out.retain(|d| d.date.year() == year);
    out.sort_by_key(|d| d.date);
    out.dedup_by_key(|d| d.date);
    out
}

/// The days off of a year by rule: the holidays, plus for each one that
/// falls on a weekend a compensation day on the next working day.
pub fn rule_days_off(year: i32) -> Vec<NamedDay> {
    let holidays = rule_holidays(year);
    let taken = |d: NaiveDate, list: &[NamedDay]| list.iter().any(|x| x.date == d);
    let mut out = holidays.clone();
    for h in holidays.iter().filter(|h| is_weekend(h.date)) {
        let mut d = h.date;
        loop {
            d = match d.succ_opt() {
                Some(n) => n,
                None => break,
            };
            if !is_weekend(d) && !taken(d, &out) {
                out.push(NamedDay::new(d, &format!("Nghỉ bù {}", h.name_vi), &format!("In lieu of {}", h.name_en)));
                break;
            }
        }
    }
    out.sort_by_key(|d| d.date);
    out
}

/// The year's schedule: the announcement if there is one, else the rule.
pub fn year_schedule(year: i32, announcement: Option<&Announcement>) -> (Vec<NamedDay>, Vec<NamedDay>) {
    match announcement {
        Some(a) => {
            let mut off = a.days_off.clone();
            off.sort_by_key(|d| d.date);
            let mut work = a.working_days.clone();
            work.sort_by_key(|d| d.date);
            (off, work)
        }
        None => (rule_days_off(year), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_2025() {
        let days: Vec<NaiveDate> = rule_days_off(2025).into_iter().map(|d| d.date).collect();
        // Tết 2025: 29 Jan; eve 28 Jan; mùng 1–4 = 29 Jan – 1 Feb (Sat) → compensation Mon 3 Feb.
        for d in [
            ymd(2025, 1, 1),
            ymd(2025, 1, 28),
            ymd(2025, 1, 29),
            ymd(2025, 2, 1),
            ymd(2025, 2, 3),
            ymd(2025, 4, 7),
            ymd(2025, 4, 30),
            ymd(2025, 5, 1),
            ymd(2025, 9, 1),
            ymd(2025, 9, 2),
        ] {
            assert!(days.contains(&d), "{d} missing from {days:?}");
        }
    }

    #[test]
    fn hung_kings_on_a_sunday_is_compensated_on_monday() {
        // 2026: 10/3 lunar = Sunday 26 April → Monday 27 April.
        let off = rule_days_off(2026);
        assert!(off.iter().any(|d| d.date == ymd(2026, 4, 26)));
        let comp = off.iter().find(|d| d.date == ymd(2026, 4, 27)).expect("compensation");
        assert!(comp.name_en.contains("Hùng Kings"));
    }

    #[test]
    fn announcements_are_checked() {
        let a = Announcement {
            year: 2026,
            days_off: vec![NamedDay::new(ymd(2026, 1, 2), "Nghỉ", "Off"), NamedDay::new(ymd(2025, 1, 2), "x", "x")],
            working_days: vec![
                NamedDay::new(ymd(2026, 1, 10), "Làm bù", "Worked"),
                NamedDay::new(ymd(2026, 1, 2), "y", "y"),
                NamedDay::new(ymd(2026, 1, 13), "z", "z"),
            ],
            source: String::new(),
        };
        let errs = a.validate().unwrap_err();
        assert!(errs.contains(&ScheduleError::WrongYear { date: ymd(2025, 1, 2), year: 2026 }));
        assert!(errs.contains(&ScheduleError::Twice(ymd(2026, 1, 2))));
        assert!(errs.contains(&ScheduleError::WorkingWeekday(ymd(2026, 1, 13))));
    }
}

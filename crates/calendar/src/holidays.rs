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

/// The columns of an announcement CSV file.
pub const CSV_HEADER: [&str; 5] = ["year", "date", "kind", "name_vi", "name_en"];

/// Parses announcements from CSV (`year,date,kind,name_vi,name_en`, kind
/// `off` or `work`, one row a day) or from JSON (one announcement or a list).
/// Either every announcement is valid or every error is returned, with its line.
pub fn parse_announcements(bytes: &[u8]) -> Result<Vec<Announcement>, Vec<String>> {
    let text = std::str::from_utf8(bytes).map_err(|_| vec!["the file is not UTF-8".to_string()])?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let list: Vec<Announcement> = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let parsed: Result<Vec<Announcement>, _> = if trimmed.starts_with('[') {
            serde_json::from_str(trimmed)
        } else {
            serde_json::from_str::<Announcement>(trimmed).map(|a| vec![a])
        };
        parsed.map_err(|e| vec![format!("line {} column {}: {e}", e.line(), e.column())])?
    } else {
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(trimmed.as_bytes());
        let header: Vec<String> =
            rdr.headers().map_err(|e| vec![e.to_string()])?.iter().map(|h| h.trim().to_string()).collect();
        if header != CSV_HEADER {
            return Err(vec![format!("the header must be: {}", CSV_HEADER.join(","))]);
        }
        let mut by_year: std::collections::BTreeMap<i32, Announcement> = Default::default();
        let mut errs = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    errs.push(format!("line {line}: {e}"));
                    continue;
                }
            };
            let f = |k: usize| rec.get(k).unwrap_or("").trim();
            let year: i32 = match f(0).parse() {
                Ok(y) => y,
                Err(_) => {
                    errs.push(format!("line {line}: year '{}' is not a number", f(0)));
                    continue;
                }
            };
            let date = match NaiveDate::parse_from_str(f(1), "%Y-%m-%d") {
                Ok(d) => d,
                Err(_) => {
                    errs.push(format!("line {line}: date '{}' is not YYYY-MM-DD", f(1)));
                    continue;
                }
            };
            let day = NamedDay::new(date, f(3), if f(4).is_empty() { f(3) } else { f(4) });
            let a = by_year.entry(year).or_insert_with(|| Announcement {
                year,
                days_off: vec![],
                working_days: vec![],
                source: String::new(),
            });
            match f(2) {
                "off" => a.days_off.push(day),
                "work" => a.working_days.push(day),
                other => errs.push(format!("line {line}: kind '{other}' must be off or work")),
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        by_year.into_values().collect()
    };
    let errs: Vec<String> = list
        .iter()
        .filter_map(|a| a.validate().err().map(|e| (a.year, e)))
        .flat_map(|(y, e)| e.into_iter().map(move |e| format!("{y}: {e}")))
        .collect();
    if list.is_empty() {
        return Err(vec!["the file holds no announcement".into()]);
    }
    if errs.is_empty() {
        Ok(list)
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn csv_and_json() {
        let csv = "year,date,kind,name_vi,name_en\n2026,2026-01-01,off,Tết Dương lịch,New Year\n2026,2026-01-10,work,Làm bù,Make-up\n";
        let a = parse_announcements(csv.as_bytes()).unwrap();
        assert_eq!((a[0].days_off.len(), a[0].working_days.len()), (1, 1));
        let json = serde_json::to_string(&a[0]).unwrap();
        assert_eq!(parse_announcements(json.as_bytes()).unwrap(), a);
        let bad = "year,date,kind,name_vi,name_en\n2026,2026-02-30,off,X,X\n2026,2026-01-13,work,Y,Y\n";
        let errs = parse_announcements(bad.as_bytes()).unwrap_err();
        assert!(errs[0].contains("line 2"), "{errs:?}");
        let bad = "year,date,kind,name_vi,name_en\n2026,2026-01-13,work,Y,Y\n";
        assert!(parse_announcements(bad.as_bytes()).unwrap_err()[0].contains("Saturday or Sunday"));
        assert!(parse_announcements(b"{\"year\": 2026,").is_err());
    }
}

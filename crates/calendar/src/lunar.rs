//! The Vietnamese lunisolar calendar, computed from astronomy.
//!
//! A month begins on the local day (UTC+7, the 105°E meridian) that contains
//! the new moon; the month holding the December solstice is month 11; in a
//! year with 13 new moons between two month-11s, the leap month is the first
//! month after month 11 that contains no principal solar term (no multiple of
//! 30° of the sun's ecliptic longitude). New moons and the sun's longitude
//! are computed with the series of Jean Meeus, *Astronomical Algorithms*
//! (1998), ch. 49 and 25, truncated to the terms that matter at the
//! resolution of a day. Because the day boundary is UTC+7, some months start
//! a day apart from the Chinese (UTC+8) calendar: Tết 1985 is 21 January
//! here, 20 January in China.

use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};

/// Hours east of UTC of the Vietnamese calendar.
pub const TIME_ZONE: f64 = 7.0;

/// A lunar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LunarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// The intercalary repetition of `month`.
    pub leap: bool,
}

impl std::fmt::Display for LunarDate {
    /// `D/M/YYYY`, with ` leap` after a leap month.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}{}", self.day, self.month, self.year, if self.leap { " leap" } else { "" })
    }
}

impl LunarDate {
    /// Reads `D/M/YYYY` (the day and month may have leading zeros).
    pub fn parse(s: &str, leap: bool) -> Result<LunarDate, LunarError> {
        let parts: Vec<&str> = s.trim().split('/').collect();
        let bad = || LunarError::Format(s.trim().to_string());
        if parts.len() != 3 {
            return Err(bad());
        }
        let day: u32 = parts[0].parse().map_err(|_| bad())?;
        let month: u32 = parts[1].parse().map_err(|_| bad())?;
        let year: i32 = parts[2].parse().map_err(|_| bad())?;
        Ok(LunarDate { year, month, day, leap })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LunarError {
    #[error("'{0}' is not a lunar date D/M/YYYY")]
    Format(String),
    #[error("{0} is outside the supported years 1800–2199")]
    OutOfRange(String),
    #[error("month {0} does not exist (1–12)")]
    Month(u32),
    #[error("day {0} does not exist in a lunar month (1–30)")]
    Day(u32),
    #[error("lunar year {year} has no leap month {month}")]
    NoLeap { year: i32, month: u32 },
    #[error("lunar month {month}{leap} of {year} has only 29 days")]
    ShortMonth { year: i32, month: u32, leap: &'static str },
}

/// Julian day number of a Gregorian date.
pub fn jdn(date: NaiveDate) -> i64 {
    // chrono counts days from 1 Jan 1 CE (day 1); JDN of that day is 1721426.
    date.num_days_from_ce() as i64 + 1_721_425
}

/// The Gregorian date of a Julian day number.
pub fn from_jdn(jd: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt((jd - 1_721_425) as i32)
}

/// The instant (Julian ephemeris day) of new moon number `k`, counted from
/// the new moon of 1900-01-01.
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3; // sun's mean anomaly
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3; // moon's mean anomaly
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3; // moon's argument of latitude
    let mut c = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c -= 0.4068 * (mpr * dr).sin() - 0.0161 * (dr * 2.0 * mpr).sin();
    c -= 0.0004 * (dr * 3.0 * mpr).sin();
    c += 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c -= 0.0074 * (dr * (m - mpr)).sin() - 0.0004 * (dr * (2.0 * f + m)).sin();
    c -= 0.0004 * (dr * (2.0 * f - m)).sin() + 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c += 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    // ΔT, the difference between dynamical and universal time, in days.
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd + c - delta_t
}

/// The local day (JDN) that contains new moon number `k`.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k as f64) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// The sun's apparent ecliptic longitude, in radians in [0, 2π), at Julian day `jd` (UT).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl += (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Which of the twelve 30° sectors of longitude the sun is in at the start
/// (local midnight) of day `day`: 0 = [0°, 30°) … 9 = [270°, 300°) holds the December solstice.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - TIME_ZONE / 24.0) / PI * 6.0).floor() as i64
}

const SYNODIC: f64 = 29.530588853;
const K0: f64 = 2415021.076998695;

/// The first day of month 11 of the lunar year that ends in Gregorian year `y`:
/// the month that contains the December solstice of `y`.
fn month11(y: i32) -> i64 {
    let dec31 = jdn(NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default());
    let k = ((dec31 as f64 - 2415021.0) / SYNODIC).floor() as i64;
    let nm = new_moon_day(k);
    // The solstice (longitude 270°) is in sector 9: if the sun is already
    // past it at the start of this month, the solstice lies in the month before.
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// For a 13-month year starting at month 11 on day `a11`, the index (1…) of
/// the first month after it that contains no principal term: the leap month.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - K0) / SYNODIC + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

fn check_range(y: i32, what: impl Fn() -> String) -> Result<(), LunarError> {
    if (1800..=2199).contains(&y) {
        Ok(())
    } else {
        Err(LunarError::OutOfRange(what()))
    }
}

/// The lunar date of a Gregorian date, computed from the astronomy (the
/// reference for the month table that [`to_lunar`] reads).
pub fn compute_lunar(date: NaiveDate) -> LunarDate {
    let day = jdn(date);
    // The estimate of the month's new moon can be one off either way where a
    // new moon falls near local midnight: step until it brackets the day.
    let mut k = ((day as f64 - K0) / SYNODIC).floor() as i64;
    while new_moon_day(k) > day {
        k -= 1;
    }
    while new_moon_day(k + 1) <= day {
        k += 1;
    }
    let month_start = new_moon_day(k);
    let mut a11 = month11(date.year());
    let b11;
    let mut year;
    if a11 >= month_start {
        year = date.year();
        b11 = a11;
        a11 = month11(date.year() - 1);
    } else {
        year = date.year() + 1;
        b11 = month11(date.year() + 1);
    }
    let lunar_day = (day - month_start + 1) as u32;
    let diff = ((month_start - a11) as f64 / 29.0).floor() as i64;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        year -= 1;
    }
    LunarDate { year, month: month as u32, day: lunar_day, leap }
}

/// Every lunar month from late 1799 to early 2200: the day it starts and its
/// label, computed once from the astronomy at first use (about 5,000 months,
/// a few milliseconds), so that a conversion is a binary search.
struct Months {
    starts: Vec<i64>,
    labels: Vec<(i32, u32, bool)>,
}

fn months() -> &'static Months {
    static MONTHS: std::sync::OnceLock<Months> = std::sync::OnceLock::new();
    MONTHS.get_or_init(|| {
        let first = jdn(NaiveDate::from_ymd_opt(1799, 12, 1).unwrap_or_default());
        let last = jdn(NaiveDate::from_ymd_opt(2200, 2, 1).unwrap_or_default());
        let mut k = ((first as f64 - K0) / SYNODIC).floor() as i64;
        let (mut starts, mut labels) = (Vec::new(), Vec::new());
        loop {
            let start = new_moon_day(k);
            if start > last {
                break;
            }
            if let Some(d) = from_jdn(start) {
                let l = compute_lunar(d);
                starts.push(start);
                labels.push((l.year, l.month, l.leap));
            }
            k += 1;
        }
        Months { starts, labels }
    })
}

/// The lunar date of a Gregorian date.
pub fn to_lunar(date: NaiveDate) -> Result<LunarDate, LunarError> {
    check_range(date.year(), || date.to_string())?;
    let m = months();
    let day = jdn(date);
    let i = m.starts.partition_point(|&s| s <= day);
    if i == 0 {
        return Err(LunarError::OutOfRange(date.to_string()));
    }
    let (year, month, leap) = m.labels[i - 1];
    Ok(LunarDate { year, month, day: (day - m.starts[i - 1] + 1) as u32, leap })
}

/// The Gregorian date of a lunar date; errors name what does not exist.
pub fn to_solar(l: LunarDate) -> Result<NaiveDate, LunarError> {
    if !(1..=12).contains(&l.month) {
        return Err(LunarError::Month(l.month));
    }
    if !(1..=30).contains(&l.day) {
        return Err(LunarError::Day(l.day));
    }
    check_range(l.year, || l.to_string())?;
    let m = months();
    let key = (l.year, l.month, l.leap);
    let i = m.labels.partition_point(|x| (x.0, x.1, x.2) < key);
    if m.labels.get(i) != Some(&key) || i + 1 >= m.starts.len() {
        return Err(if l.leap {
            LunarError::NoLeap { year: l.year, month: l.month }
        } else {
            LunarError::OutOfRange(l.to_string())
        });
    }
    if i64::from(l.day) > m.starts[i + 1] - m.starts[i] {
        return Err(LunarError::ShortMonth { year: l.year, month: l.month, leap: if l.leap { " (leap)" } else { "" } });
    }
    from_jdn(m.starts[i] + i64::from(l.day) - 1).ok_or_else(|| LunarError::OutOfRange(l.to_string()))
}

/// The Gregorian date of a lunar date computed from the astronomy (the
/// reference for [`to_solar`]).
pub fn compute_solar(l: LunarDate) -> Result<NaiveDate, LunarError> {
    if !(1..=12).contains(&l.month) {
        return Err(LunarError::Month(l.month));
    }
    if l.day == 0 {
        return Err(LunarError::Day(0));
    }
    if !(1..=30).contains(&l.day) {
        return Err(LunarError::Day(l.day));
    }
    check_range(l.year, || l.to_string())?;
    let (a11, b11) =
        if l.month < 11 { (month11(l.year - 1), month11(l.year)) } else { (month11(l.year), month11(l.year + 1)) };
    let mut off = l.month as i64 - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if l.leap && l.month as i64 != leap_month {
            return Err(LunarError::NoLeap { year: l.year, month: l.month });
        }
        if l.leap || off >= leap_off {
            off += 1;
        }
    } else if l.leap {
        return Err(LunarError::NoLeap { year: l.year, month: l.month });
    }
    let k = (0.5 + (a11 as f64 - K0) / SYNODIC).floor() as i64;
    let start = new_moon_day(k + off);
    let next = new_moon_day(k + off + 1);
    if l.day as i64 > next - start {
        return Err(LunarError::ShortMonth { year: l.year, month: l.month, leap: if l.leap { " (leap)" } else { "" } });
    }
    from_jdn(start + l.day as i64 - 1).ok_or_else(|| LunarError::OutOfRange(l.to_string()))
}

/// The leap month of a lunar year, if it has one.
pub fn leap_month(year: i32) -> Option<u32> {
    (1..=12).find(|&m| to_solar(LunarDate { year, month: m, day: 1, leap: true }).is_ok())
}

/// The length (29 or 30) of a lunar month.
pub fn month_len(year: i32, month: u32, leap: bool) -> Result<u32, LunarError> {
    let start = to_solar(LunarDate { year, month, day: 1, leap })?;
    Ok(if to_solar(LunarDate { year, month, day: 30, leap }).is_ok() {
        30
    } else {
        let _ = start;
        29
    })
}

/// Tết: the first day of the lunar year `year`.
pub fn tet(year: i32) -> Result<NaiveDate, LunarError> {
    to_solar(LunarDate { year, month: 1, day: 1, leap: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn published_tet_dates() {
        // 1985 and 2007 are years where the Vietnamese calendar differs from the Chinese.
        for (y, date) in [
            (1985, d(1985, 1, 21)),
            (2007, d(2007, 2, 17)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2030, d(2030, 2, 2)),
        ] {
            assert_eq!(tet(y).unwrap(), date, "Tết {y}");
            assert_eq!(to_lunar(date).unwrap(), LunarDate { year: y, month: 1, day: 1, leap: false });
        }
    }

    #[test]
    fn published_hung_kings_days() {
        for (y, date) in [(2025, d(2025, 4, 7)), (2026, d(2026, 4, 26)), (2027, d(2027, 4, 16))] {
            assert_eq!(to_solar(LunarDate { year: y, month: 3, day: 10, leap: false }).unwrap(), date);
        }
    }

    #[test]
    fn known_leap_months() {
        // 2020: leap 4th month; 2023: leap 2nd; 2025: leap 6th; 2028: leap 5th.
        assert_eq!(leap_month(2020), Some(4));
        assert_eq!(leap_month(2023), Some(2));
        assert_eq!(leap_month(2025), Some(6));
        assert_eq!(leap_month(2028), Some(5));
        assert_eq!(leap_month(2024), None);
        assert_eq!(to_lunar(d(2025, 7, 25)).unwrap(), LunarDate { year: 2025, month: 6, day: 1, leap: true });
    }

    #[test]
    fn impossible_dates_are_errors() {
        assert_eq!(to_solar(LunarDate { year: 2025, month: 13, day: 1, leap: false }), Err(LunarError::Month(13)));
        assert_eq!(to_solar(LunarDate { year: 2025, month: 1, day: 31, leap: false }), Err(LunarError::Day(31)));
        assert!(matches!(
            to_solar(LunarDate { year: 2025, month: 3, day: 1, leap: true }),
            Err(LunarError::NoLeap { .. })
        ));
        assert!(matches!(
            to_solar(LunarDate { year: 2024, month: 6, day: 1, leap: true }),
            Err(LunarError::NoLeap { .. })
        ));
        assert!(to_solar(LunarDate { year: 3000, month: 1, day: 1, leap: false }).is_err());
        // a 29-day month has no 30th
        let short = (1..=12).find(|&m| month_len(2026, m, false).unwrap() == 29).unwrap();
        assert!(matches!(
            to_solar(LunarDate { year: 2026, month: short, day: 30, leap: false }),
            Err(LunarError::ShortMonth { .. })
        ));
    }

    /// The month table agrees with the direct computation on every day and
    /// every month of 1800–2199.
    #[test]
    fn the_table_agrees_with_the_astronomy() {
        let mut day = d(1800, 1, 1);
        while day <= d(2199, 12, 31) {
            let l = compute_lunar(day);
            assert_eq!(to_lunar(day).unwrap(), l, "{day}");
            if (l.day == 1 || l.day == 29) && (1800..=2199).contains(&l.year) {
                assert_eq!(compute_solar(l).unwrap(), day, "{l}");
            }
            day = day.succ_opt().unwrap();
        }
    }

    /// Every day of 1900–2100: solar → lunar → solar is the identity; months
    /// have 29 or 30 days; years 12 or 13 months; days run on without gaps.
    #[test]
    fn every_day_of_1900_to_2100() {
        use std::collections::BTreeMap;
        let mut day = d(1900, 1, 1);
        let end = d(2100, 12, 31);
        let mut months: BTreeMap<(i32, u32, bool), u32> = BTreeMap::new();
        let mut prev: Option<LunarDate> = None;
        while day <= end {
            let l = to_lunar(day).unwrap();
            assert_eq!(to_solar(l).unwrap(), day, "{day} -> {l}");
            if let Some(p) = prev {
                if l.day != 1 {
                    assert_eq!((l.year, l.month, l.leap, l.day), (p.year, p.month, p.leap, p.day + 1), "{day}");
                }
            }
            let e = months.entry((l.year, l.month, l.leap)).or_insert(0);
            *e = (*e).max(l.day);
            prev = Some(l);
            day = day.succ_opt().unwrap();
        }
        let mut per_year: BTreeMap<i32, Vec<(u32, bool)>> = BTreeMap::new();
        for (&(y, m, leap), &len) in &months {
            per_year.entry(y).or_default().push((m, leap));
            let complete = (y > 1900 || m > 1) && (y < 2100 || m < 11);
            if complete {
                assert!(len == 29 || len == 30, "{y}/{m} leap={leap}: {len} days");
            }
        }
        for (y, ms) in per_year.iter().filter(|(y, _)| (1901..=2099).contains(*y)) {
            assert!(ms.len() == 12 || ms.len() == 13, "{y}: {} months", ms.len());
            let leaps: Vec<u32> = ms.iter().filter(|(_, l)| *l).map(|(m, _)| *m).collect();
            assert!(leaps.len() <= 1, "{y}: {leaps:?}");
            assert_eq!(leaps.len() == 1, ms.len() == 13, "{y}");
            for m in leaps {
                // The rule puts a leap 11th or 12th month only where the month
                // after the solstice month has no principal term: in 1900–2100
                // that happens once, the leap 11th month of 2033 (the "2033
                // problem" of the Chinese calendar too).
                assert!(m != 11 && m != 12 || *y == 2033, "{y}: leap month {m}");
            }
        }
        assert_eq!(leap_month(2033), Some(11));
        // The December solstice always falls in month 11 itself, never in a leap month.
        for y in 1900..=2099 {
            let mut sol = jdn(d(y, 12, 15));
            while sun_sector(sol + 1) < 9 {
                sol += 1;
            }
            let l = to_lunar(from_jdn(sol).unwrap()).unwrap();
            assert_eq!((l.month, l.leap), (11, false), "solstice {y} falls in {l}");
        }
    }
}

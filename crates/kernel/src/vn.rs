//! Vietnam time (Indochina Time, UTC+7 all year) and stored instants
//! (microseconds since the Unix epoch, UTC). Every conversion between the
//! two in egov is one of these functions.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// Vietnam is seven hours ahead of UTC, with no daylight saving.
pub const OFFSET_HOURS: i64 = 7;

/// The form deadlines and history lines are written in: `2026-03-02 08:00`.
pub const MINUTE_FORMAT: &str = "%Y-%m-%d %H:%M";

/// A UTC instant as the wall clock in Vietnam shows it.
pub fn from_utc(t: DateTime<Utc>) -> NaiveDateTime {
    (t + Duration::hours(OFFSET_HOURS)).naive_utc()
}

/// A stored instant (microseconds since the epoch) in Vietnam time; `None`
/// for a value out of chrono's range.
pub fn from_micros(m: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_micros(m).map(from_utc)
}

/// A moment in Vietnam as a stored instant.
pub fn to_micros(t: NaiveDateTime) -> i64 {
    (t - Duration::hours(OFFSET_HOURS)).and_utc().timestamp_micros()
}

/// The start of a day in Vietnam, as a stored instant.
pub fn day_start_micros(d: NaiveDate) -> i64 {
    to_micros(d.and_time(chrono::NaiveTime::MIN))
}

/// `2026-03-02 08:00`.
pub fn format_minute(t: NaiveDateTime) -> String {
    t.format(MINUTE_FORMAT).to_string()
}

/// A stored instant as `2026-03-02 08:00` in Vietnam; empty when out of range.
pub fn micros_to_minute(m: i64) -> String {
    from_micros(m).map(format_minute).unwrap_or_default()
}

/// How pages show an instant, Vietnamese style: `02/03/2026 08:00`.
pub const PAGE_FORMAT: &str = "%d/%m/%Y %H:%M";

/// An instant as pages show it (`02/03/2026 08:00`).
pub fn page_minute(t: NaiveDateTime) -> String {
    t.format(PAGE_FORMAT).to_string()
}

/// A stored instant as pages show it; empty when out of range.
pub fn micros_to_page(m: i64) -> String {
    from_micros(m).map(page_minute).unwrap_or_default()
}

/// A stored `2026-03-02 08:00` as pages show it (as it was if it is not one).
pub fn stored_to_page(s: &str) -> String {
    parse_minute(s).map(page_minute).unwrap_or_else(|| s.to_string())
}

/// Parses `2026-03-02 08:00` (Vietnam time).
pub fn parse_minute(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s.trim(), MINUTE_FORMAT).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_in_vietnam_is_five_in_the_afternoon_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let m = day_start_micros(d);
        let utc = DateTime::from_timestamp_micros(m).unwrap();
        assert_eq!(utc.to_rfc3339(), "2025-12-31T17:00:00+00:00");
        assert_eq!(micros_to_minute(m), "2026-01-01 00:00");
    }

    #[test]
    fn minutes_read_back_as_written() {
        let t = parse_minute(" 2026-03-06 17:01 ").unwrap();
        assert_eq!(format_minute(t), "2026-03-06 17:01");
        assert_eq!(from_micros(to_micros(t)), Some(t));
        assert_eq!(parse_minute("2026-03-06"), None);
        assert_eq!(micros_to_minute(i64::MAX), "");
    }
}

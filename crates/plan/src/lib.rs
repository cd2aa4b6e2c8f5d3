//! The year's IT plan (issue 23), pure: an indicator's target and direction,
//! the target in force on a day once amendments are read, and the verdict
//! of a value against it at a day of the year.
//!
//! No I/O, no clock: the day is an argument. Where a value comes from (a
//! figure egov measures, or a unit's approved report) is the application's
//! business; here a value is a number, or none yet.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub mod template;

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

/// The figures egov measures itself, each from its module's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Dossiers received online, % of those received in the year (Decision 766).
    OnlineDossiers,
    /// Dossiers on time, % (Decision 766).
    OnTime,
    /// Dossiers with a fee paid online, % (Decision 766).
    PaidOnline,
    /// Dossiers digitised with an electronic result, % (Decision 766).
    Digitisation,
    /// Decision 766's total, points of 100.
    Index766,
    /// Procedures offered online (fully or partly), %.
    OnlineProcedures,
    /// Machines of the inventory protected by a reporting anti-malware agent, %.
    ProtectionCoverage,
    /// Serious security incidents in the year.
    SeriousIncidents,
    /// The data network's availability over the communes' points, %.
    NetworkAvailability,
    /// Commune radio stations in service.
    RadioStations,
    /// Of those, IT-based (managed through the provincial system).
    RadioStationsIt,
    /// Data-sharing services published on the gateway.
    GatewayServices,
    /// Exchanges through the gateway, a month on average.
    GatewayExchanges,
    /// News articles published in the year.
    NewsArticles,
    /// Press conferences held in the year.
    PressConferences,
}

impl Measure {
    pub const ALL: [Measure; 15] = [
        Measure::OnlineDossiers,
        Measure::OnTime,
        Measure::PaidOnline,
        Measure::Digitisation,
        Measure::Index766,
        Measure::OnlineProcedures,
        Measure::ProtectionCoverage,
        Measure::SeriousIncidents,
        Measure::NetworkAvailability,
        Measure::RadioStations,
        Measure::RadioStationsIt,
        Measure::GatewayServices,
        Measure::GatewayExchanges,
        Measure::NewsArticles,
        Measure::PressConferences,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::OnlineDossiers => "online_dossiers",
            Measure::OnTime => "on_time",
            Measure::PaidOnline => "paid_online",
            Measure::Digitisation => "digitisation",
            Measure::Index766 => "index_766",
            Measure::OnlineProcedures => "online_procedures",
            Measure::ProtectionCoverage => "protection_coverage",
            Measure::SeriousIncidents => "serious_incidents",
            Measure::NetworkAvailability => "network_availability",
            Measure::RadioStations => "radio_stations",
            Measure::RadioStationsIt => "radio_stations_it",
            Measure::GatewayServices => "gateway_services",
            Measure::GatewayExchanges => "gateway_exchanges",
            Measure::NewsArticles => "news_articles",
            Measure::PressConferences => "press_conferences",
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Its names in Vietnamese and English, as a plan writes them.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Measure::OnlineDossiers => ("Tỷ lệ hồ sơ nộp trực tuyến", "Dossiers filed online"),
            Measure::OnTime => ("Tỷ lệ hồ sơ giải quyết đúng hạn", "Dossiers on time"),
            Measure::PaidOnline => ("Tỷ lệ hồ sơ thanh toán trực tuyến", "Dossiers paid online"),
            Measure::Digitisation => ("Tỷ lệ số hóa hồ sơ, kết quả", "Dossiers and results digitised"),
            Measure::Index766 => ("Điểm chỉ số phục vụ (QĐ 766)", "Service index (Decision 766)"),
            Measure::OnlineProcedures => ("Tỷ lệ TTHC cung cấp trực tuyến", "Procedures offered online"),
            Measure::ProtectionCoverage => ("Tỷ lệ máy được phòng chống mã độc", "Machines protected from malware"),
            Measure::SeriousIncidents => ("Sự cố an toàn thông tin nghiêm trọng", "Serious security incidents"),
            Measure::NetworkAvailability => ("Độ sẵn sàng mạng truyền số liệu", "Data network availability"),
            Measure::RadioStations => ("Đài truyền thanh cấp xã", "Commune radio stations"),
            Measure::RadioStationsIt => ("Đài truyền thanh ứng dụng CNTT", "IT-based radio stations"),
            Measure::GatewayServices => ("Dịch vụ chia sẻ dữ liệu trên LGSP", "Data-sharing services published"),
            Measure::GatewayExchanges => ("Lượt trao đổi dữ liệu mỗi tháng", "Data exchanges a month"),
            Measure::NewsArticles => ("Tin bài đăng trên cổng", "News articles published"),
            Measure::PressConferences => ("Họp báo đã tổ chức", "Press conferences held"),
        }
    }

    /// What its value counts in.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::OnlineDossiers
            | Measure::OnTime
            | Measure::PaidOnline
            | Measure::Digitisation
            | Measure::OnlineProcedures
            | Measure::ProtectionCoverage
            | Measure::NetworkAvailability => "%",
            Measure::Index766 => "điểm",
            Measure::SeriousIncidents => "sự cố",
            Measure::RadioStations | Measure::RadioStationsIt => "đài",
            Measure::GatewayServices => "dịch vụ",
            Measure::GatewayExchanges => "lượt",
            Measure::NewsArticles => "tin bài",
            Measure::PressConferences => "cuộc",
        }
    }

    /// How its value moves through the year.
    pub fn course(self) -> Course {
        match self {
            Measure::SeriousIncidents
            | Measure::RadioStations
            | Measure::RadioStationsIt
            | Measure::GatewayServices
            | Measure::NewsArticles
            | Measure::PressConferences => Course::Cumulative,
            _ => Course::Level,
        }
    }

    /// The template's example target and direction.
    pub fn example_target(self) -> f64 {
        match self {
            Measure::OnlineDossiers => 50.0,
            Measure::OnTime | Measure::ProtectionCoverage => 100.0,
            Measure::PaidOnline => 50.0,
            Measure::Digitisation => 80.0,
            Measure::Index766 => 80.0,
            Measure::OnlineProcedures => 80.0,
            Measure::SeriousIncidents => 0.0,
            Measure::NetworkAvailability => 99.0,
            Measure::RadioStations => 192.0,
            Measure::RadioStationsIt => 52.0,
            Measure::GatewayServices => 20.0,
            Measure::GatewayExchanges => 10000.0,
            Measure::NewsArticles => 500.0,
            Measure::PressConferences => 4.0,
        }
    }

    pub fn example_direction(self) -> Direction {
        match self {
            Measure::SeriousIncidents => Direction::AtMost,
            _ => Direction::AtLeast,
        }
    }
}

/// Where an indicator's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// egov measures it from its records.
    Measured(Measure),
    /// A unit reports it, with evidence, and an approver accepts it.
    Reported,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Measured(m) => m.as_str(),
            Source::Reported => "reported",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "reported" => Some(Source::Reported),
            m => Measure::parse(m).map(Source::Measured),
        }
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

/// A unit's reported value on its way: submitted, then approved (the only
/// state that counts) or returned with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Submitted,
    Approved,
    Returned,
}

impl ReportState {
    pub const ALL: [ReportState; 3] = [ReportState::Submitted, ReportState::Approved, ReportState::Returned];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Submitted => "submitted",
            ReportState::Approved => "approved",
            ReportState::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<ReportState> {
        ReportState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The one transition out of `Submitted`: to approved or returned.
    pub fn decide(self, approve: bool) -> Option<ReportState> {
        match self {
            ReportState::Submitted => Some(if approve { ReportState::Approved } else { ReportState::Returned }),
            _ => None,
        }
    }
}

/// The value a reported indicator has at the end of `day`: the latest
/// approved report whose day is at most `day` (reports are of a value as of
/// their day), or none.
pub fn reported_on(reports: &[(NaiveDate, ReportState, f64)], day: NaiveDate) -> Option<f64> {
    reports
        .iter()
        .filter(|(d, s, _)| *s == ReportState::Approved && *d <= day)
        .max_by_key(|(d, _, _)| *d)
        .map(|(_, _, v)| *v)
}

/// Figures are kept as whole millionths (exact in both databases).
pub fn to_micro(x: f64) -> i64 {
    (x * 1e6).round() as i64
}

pub fn from_micro(x: i64) -> f64 {
    x as f64 / 1e6
}

/// The last day of each month of `year` up to `day` (the trend's points).
pub fn month_ends(year: i32, day: NaiveDate) -> Vec<NaiveDate> {
    (1..=12)
        .filter_map(|m| {
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)
            }?;
            let end = next.pred_opt()?;
            let first = NaiveDate::from_ymd_opt(year, m, 1)?;
            (first <= day).then(|| end.min(day))
        })
        .collect()
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
    fn directions_measures_and_sources_read_back_from_their_names() {
        for dir in Direction::ALL {
            assert_eq!(Direction::parse(dir.as_str()), Some(dir));
        }
        assert_eq!(Direction::parse("more"), None);
        for m in Measure::ALL {
            assert_eq!(Source::parse(m.as_str()), Some(Source::Measured(m)));
        }
        assert_eq!(Source::parse("reported"), Some(Source::Reported));
        assert_eq!(Source::parse("guess"), None);
    }

    #[test]
    fn only_approved_reports_count_and_the_latest_by_its_day() {
        let r = vec![
            (d("2026-03-31"), ReportState::Approved, 2.0),
            (d("2026-06-30"), ReportState::Submitted, 9.0),
            (d("2026-05-31"), ReportState::Returned, 7.0),
            (d("2026-04-30"), ReportState::Approved, 3.0),
        ];
        assert_eq!(reported_on(&r, d("2026-03-30")), None);
        assert_eq!(reported_on(&r, d("2026-04-15")), Some(2.0));
        assert_eq!(reported_on(&r, d("2026-12-31")), Some(3.0), "a submitted or returned value never counts");
        assert_eq!(ReportState::Submitted.decide(true), Some(ReportState::Approved));
        assert_eq!(ReportState::Submitted.decide(false), Some(ReportState::Returned));
        assert_eq!(ReportState::Approved.decide(false), None, "decided once");
    }

    #[test]
    fn month_ends_stop_at_the_day() {
        let m = month_ends(2026, d("2026-03-10"));
        assert_eq!(m, vec![d("2026-01-31"), d("2026-02-28"), d("2026-03-10")]);
        assert_eq!(month_ends(2026, d("2027-02-01")).len(), 12);
        assert_eq!(month_ends(2026, d("2025-12-31")), Vec::<NaiveDate>::new());
        assert_eq!(from_micro(to_micro(99.123456)), 99.123456);
    }
}

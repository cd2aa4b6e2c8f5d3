use chrono::NaiveDate;
use egov_calendar::{Calendar, WorkingHours};

use super::regime::{self, due, owed, periodic, Milestones, Owed};
use super::stats::{self, Facts};
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cal() -> Calendar {
    Calendar::new(&[], WorkingHours::default())
}

#[test]
fn the_notification_is_due_five_working_days_after_discovery_over_a_weekend_and_tet() {
    let r = Regime::decision_05_2017();
    let notify = *r.rule(ReportKind::Notification).unwrap();
    // found on Friday 4 December 2026: Mon 7 (1), Tue 8, Wed 9, Thu 10, Fri 11 (5)
    assert_eq!(due(&notify, d(2026, 12, 4), &cal()).unwrap(), d(2026, 12, 11));
    // found on Thursday 4 February 2027, before Tết (mùng 1 is Saturday 6 February): by the
    // Labour Code the eve (Fri 5) and mùng 1–4 (Sat 6 – Tue 9) are off, the two falling on the
    // weekend made up on Wed 10 and Thu 11; the working days: Fri 12 (1), Mon 15, Tue 16,
    // Wed 17, Thu 18 (5)
    assert_eq!(due(&notify, d(2027, 2, 4), &cal()).unwrap(), d(2027, 2, 18));
    // counted in calendar days instead (another regime's choice): Tuesday 9 February
    let calendar_days = Rule { count: DayCount::Calendar, ..notify };
    assert_eq!(due(&calendar_days, d(2027, 2, 4), &cal()).unwrap(), d(2027, 2, 9));
    // the initial report: the same day
    let initial = *r.rule(ReportKind::Initial).unwrap();
    assert_eq!(due(&initial, d(2027, 2, 6), &cal()).unwrap(), d(2027, 2, 6));
}

#[test]
fn an_incident_owes_its_reports_by_its_milestones_and_late_ones_are_flagged() {
    let r = Regime::decision_05_2017();
    let m = Milestones { discovered: d(2026, 12, 4), beyond_capacity: None, response_ended: None };
    // nothing sent by Monday 14 December: the notification (due Fri 11) is late
    let o = owed(&r, m, &[], d(2026, 12, 14), &cal()).unwrap();
    assert_eq!(o, vec![Owed { report: ReportKind::Notification, due: Some(d(2026, 12, 11)), sent: None, late: true }]);
    // beyond capacity on the 7th, the response over on the 18th (a Friday): the initial report
    // due the 7th, the closing report five working days later, Friday 25 December; a progress
    // report sent (no deadline)
    let m = Milestones { beyond_capacity: Some(d(2026, 12, 7)), response_ended: Some(d(2026, 12, 18)), ..m };
    let sent = [
        (ReportKind::Notification, d(2026, 12, 10)),
        (ReportKind::Initial, d(2026, 12, 8)),
        (ReportKind::Progress, d(2026, 12, 9)),
    ];
    let o = owed(&r, m, &sent, d(2026, 12, 21), &cal()).unwrap();
    let got: Vec<(ReportKind, Option<NaiveDate>, bool)> = o.iter().map(|o| (o.report, o.due, o.late)).collect();
    assert_eq!(
        got,
        vec![
            (ReportKind::Notification, Some(d(2026, 12, 11)), false),
            (ReportKind::Initial, Some(d(2026, 12, 7)), true),
            (ReportKind::Progress, None, false),
            (ReportKind::Closing, Some(d(2026, 12, 25)), false),
        ]
    );
}

#[test]
fn the_periodic_report_is_due_before_20_june_and_15_december() {
    let r = Regime::decision_05_2017();
    assert_eq!(r.periodic_due(2026), vec![d(2026, 6, 19), d(2026, 12, 14)]);
    let p = periodic(&r, 2026, &[d(2026, 6, 18), d(2026, 12, 16)], d(2026, 12, 31));
    assert_eq!(
        p.iter().map(|o| (o.sent, o.late)).collect::<Vec<_>>(),
        vec![(Some(d(2026, 6, 18)), false), (Some(d(2026, 12, 16)), true)]
    );
    let none = periodic(&r, 2026, &[], d(2026, 7, 1));
    assert_eq!(none.iter().map(|o| o.late).collect::<Vec<_>>(), vec![true, false]);
}

#[test]
fn regimes_are_dated_and_checked() {
    let old = Regime::decision_05_2017();
    let mut new = Regime { code: "LAT-ANM-2025".into(), effective_from: d(2026, 7, 1), ..old.clone() };
    new.rules[0].days = 3;
    let mut old_dated = old.clone();
    old_dated.effective_to = Some(d(2026, 6, 30));
    let all = [old_dated, new];
    assert_eq!(Regime::for_day(&all, d(2026, 6, 30)).unwrap().code, "QD05-2017");
    assert_eq!(Regime::for_day(&all, d(2026, 7, 1)).unwrap().code, "LAT-ANM-2025");
    assert!(Regime::for_day(&all, d(2010, 1, 1)).is_none());
    let mut bad = old.clone();
    bad.effective_to = Some(d(2000, 1, 1));
    bad.rules.push(bad.rules[0]);
    bad.periodic_before.push((2, 30));
    let fields: Vec<&str> = bad.check().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["effective_to", "rules", "periodic_before"]);
    assert!(old.check().is_empty());
    let _ = regime::Anchor::Discovery;
}

#[test]
fn an_incident_is_serious_only_with_an_important_system_a_harm_and_beyond_capacity() {
    let harm = Harms { outage: true, ..Default::default() };
    assert!(serious(&[(SecurityLevel::Four, false)], harm, true));
    assert!(serious(&[(SecurityLevel::Two, false), (SecurityLevel::Three, true)], harm, true), "on the national list");
    assert!(!serious(&[(SecurityLevel::Three, false)], harm, true), "level 3");
    assert!(!serious(&[(SecurityLevel::Five, false)], Harms::default(), true), "no harm");
    assert!(!serious(&[(SecurityLevel::Five, false)], harm, false), "handled alone");
    assert!(!serious(&[], harm, true), "no system");
}

#[test]
fn phases_go_forward_and_close_only_with_a_root_cause_and_the_closing_report() {
    assert_eq!(advance(Phase::Reported, Phase::Contained, "", false), Ok(Phase::Contained));
    assert_eq!(advance(Phase::Contained, Phase::Reported, "", false), Err(PhaseError::Backwards));
    assert_eq!(advance(Phase::Recovered, Phase::Contained, "", false), Ok(Phase::Contained), "unstable: again");
    assert_eq!(advance(Phase::Recovered, Phase::Closed, " ", true), Err(PhaseError::NoRootCause));
    assert_eq!(advance(Phase::Recovered, Phase::Closed, "mật khẩu yếu", false), Err(PhaseError::NoClosingReport));
    assert_eq!(advance(Phase::Recovered, Phase::Closed, "mật khẩu yếu", true), Ok(Phase::Closed));
    assert_eq!(advance(Phase::Closed, Phase::Closed, "x", true), Err(PhaseError::Backwards));
}

#[test]
fn a_system_is_checked_field_by_field_and_read_at_its_approved_level() {
    let e = SystemInput {
        proposed_level: "6".into(),
        approved_level: "4".into(),
        last_test: "hôm qua".into(),
        ..Default::default()
    }
    .check()
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "owner_agency", "proposed_level", "approval_decision", "last_test"]);
    let s = SystemInput {
        name: "Hệ thống thông tin giải quyết thủ tục hành chính".into(),
        owner_agency: "H72.11".into(),
        proposed_level: "3".into(),
        approved_level: "4".into(),
        approval_decision: "Quyết định 123/QĐ-UBND".into(),
        last_test: "2026-05-20".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    assert_eq!((s.level(), s.last_test), (SecurityLevel::Four, Some(d(2026, 5, 20))));
    assert_eq!(InfoSystem { approved_level: None, ..s }.level(), SecurityLevel::Three);
}

#[test]
fn the_year_s_statistics_equal_a_hand_count() {
    let h = 3_600_000_000i64;
    let f = |kind, severity, serious, contained: Option<i64>, closed: Option<i64>| Facts {
        kind,
        severity,
        serious,
        discovered_at: 0,
        contained_at: contained.map(|x| x * h),
        closed_at: closed.map(|x| x * h),
    };
    let list = [
        f(Kind::Malware, Severity::Medium, false, Some(2), Some(30)),
        f(Kind::Malware, Severity::High, false, Some(4), Some(50)),
        f(Kind::Malware, Severity::Medium, false, Some(6), None),
        f(Kind::DenialOfService, Severity::Critical, true, Some(12), Some(100)),
        f(Kind::Phishing, Severity::Low, false, None, None),
    ];
    let s = stats::year(&list);
    // by hand: 5 incidents, 1 serious, 2 open; malware 3 (2 medium, 1 high), DoS 1, phishing 1;
    // contained in 2, 4, 6, 12 h: mean 6, median 5, max 12; closed in 30, 50, 100 h: mean 60, median 50
    assert_eq!((s.total, s.serious, s.open), (5, 1, 2));
    assert_eq!(s.by_kind.get(&Kind::Malware), Some(&3));
    assert_eq!(s.by_kind_severity[&Kind::Malware].get(&Severity::Medium), Some(&2));
    assert_eq!(s.by_severity.get(&Severity::Critical), Some(&1));
    assert_eq!(
        (s.to_contain.count, s.to_contain.mean, s.to_contain.median, s.to_contain.max),
        (4, Some(6.0), Some(5.0), Some(12.0))
    );
    assert_eq!((s.to_close.count, s.to_close.mean, s.to_close.median), (3, Some(60.0), Some(50.0)));
    assert_eq!(stats::year(&[]).to_close.mean, None);
}

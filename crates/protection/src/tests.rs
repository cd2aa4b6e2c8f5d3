use super::*;
use chrono::NaiveDate;

const MIN: i64 = 60_000_000;
const D: i64 = 24 * 60 * MIN;

fn status(now: i64) -> Status {
    Status {
        last_seen: now - MIN,
        host_name: "pc-01".into(),
        os: "Debian 12".into(),
        addresses: vec!["10.0.0.5".into()],
        agent_version: "0.1.0".into(),
        engine: None,
        signature_date: Some(now - D),
        last_scan: Some(now - 2 * D),
        last_scan_result: Some(ScanResult::Clean),
        last_good_scan: Some(now - 2 * D),
    }
}

#[test]
fn an_agent_is_active_for_three_minutes_after_its_heartbeat() {
    let now = 1_000 * D;
    assert_eq!(AgentState::of(None, now), AgentState::NeverConnected);
    assert_eq!(AgentState::of(Some(now - 3 * MIN), now), AgentState::Active);
    assert_eq!(AgentState::of(Some(now - 3 * MIN - 1), now), AgentState::Disconnected);
}

#[test]
fn a_machine_is_covered_only_with_an_active_agent_current_signatures_and_a_recent_scan() {
    let now = 1_000 * D;
    let p = Policy { signature_max_age_days: 3, scan_within_days: 7, disconnected_alert_minutes: 60 };
    assert!(p.covered(&status(now), now));
    assert!(!p.covered(&Status { last_seen: now - 4 * MIN, ..status(now) }, now), "disconnected");
    assert!(!p.covered(&Status { signature_date: Some(now - 3 * D - 1), ..status(now) }, now), "outdated");
    assert!(!p.covered(&Status { signature_date: None, ..status(now) }, now), "unknown signatures");
    assert!(!p.covered(&Status { last_good_scan: Some(now - 7 * D - 1), ..status(now) }, now), "no recent scan");
    assert!(!p.covered(&Status { last_good_scan: None, ..status(now) }, now), "never scanned");
    assert!(p.outdated(None, now) && !p.outdated(Some(now - 3 * D), now));
    assert!(p.alarming(now - 61 * MIN, now) && !p.alarming(now - 60 * MIN, now));
}

#[test]
fn a_policy_is_checked_field_by_field() {
    assert!(Policy::default().check().is_empty());
    let p = Policy { signature_max_age_days: 0, scan_within_days: 400, disconnected_alert_minutes: 1 };
    let fields: Vec<_> = p.check().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["signature_max_age_days", "scan_within_days", "disconnected_alert_minutes"]);
}

#[test]
fn clamds_version_line_is_read_with_and_without_an_official_database() {
    let v = EngineVersion::parse("ClamAV 1.4.6/27474/Mon Nov 30 09:35:01 2026").unwrap();
    assert_eq!(v.engine, "1.4.6");
    assert_eq!(v.signatures, Some(27474));
    assert_eq!(v.signature_date, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(9, 35, 1));
    // ctime pads the day with a space
    let v = EngineVersion::parse("ClamAV 0.103.11/26950/Tue Jun  3 08:10:00 2025").unwrap();
    assert_eq!(v.signature_date.unwrap().date(), NaiveDate::from_ymd_opt(2025, 6, 3).unwrap());
    let v = EngineVersion::parse("ClamAV 1.4.6").unwrap();
    assert_eq!((v.signatures, v.signature_date), (None, None));
    for bad in ["", "ClamAV ", "clamav 1.0", "ClamAV 1.0/x/Mon", "ClamAV 1.0/12/not a date", "ClamAV <b>/1"] {
        assert_eq!(EngineVersion::parse(bad), None, "{bad}");
    }
}

#[test]
fn coverage_is_a_share_of_the_inventory() {
    let mut c = Coverage::default();
    assert_eq!(c.per_mille(), None);
    for covered in [true, true, false] {
        c.add(covered);
    }
    assert_eq!((c.machines, c.covered, c.per_mille()), (3, 2, Some(666)));
}

#[test]
fn detections_are_handled_forward_only() {
    use DetectionState::*;
    assert_eq!(DetectionState::first(ActionTaken::Reported), New);
    assert_eq!(DetectionState::first(ActionTaken::Quarantined), Quarantined);
    assert_eq!(New.handle(Cleaned), Ok(Cleaned));
    assert_eq!(Quarantined.handle(FalsePositive), Ok(FalsePositive));
    assert!(Cleaned.handle(New).is_err() && FalsePositive.handle(Cleaned).is_err() && Quarantined.handle(New).is_err());
    for s in DetectionState::ALL {
        assert_eq!(DetectionState::parse(s.as_str()), Some(s));
    }
}

#[test]
fn a_machine_counts_from_the_day_it_is_added_until_the_day_it_is_retired() {
    let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
    assert!(!counts_on(d(10), None, d(9)));
    assert!(counts_on(d(10), None, d(10)));
    assert!(counts_on(d(10), Some(d(20)), d(19)));
    assert!(!counts_on(d(10), Some(d(20)), d(20)));
}

#[test]
fn a_machine_is_checked_field_by_field() {
    let ok = MachineInput {
        agency_id: "H72.11".into(),
        name: " PC-01 ".into(),
        kind: "Máy trạm".into(),
        address: "AA-BB-CC-00-11-22".into(),
        added_on: "2026-01-05".into(),
        ..Default::default()
    };
    let m = ok.check().unwrap();
    assert_eq!((m.name.as_str(), m.kind, m.address.as_str()), ("PC-01", MachineKind::Workstation, "aa:bb:cc:00:11:22"));
    let bad = MachineInput {
        agency_id: "".into(),
        name: "".into(),
        kind: "toaster".into(),
        address: "300.1.1.1".into(),
        added_on: "2026-02-30".into(),
        retired_on: "soon".into(),
        ..Default::default()
    };
    let fields: Vec<_> = bad.check().unwrap_err().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "agency_id", "kind", "address", "added_on", "retired_on"]);
    let early = MachineInput { retired_on: "2026-01-05".into(), ..ok };
    assert_eq!(early.check().unwrap_err()[0].key, "err.pr.retired_before");
}

#[test]
fn an_inventory_csv_is_taken_whole_or_every_problem_is_listed_with_its_line() {
    let good = "agency,name,kind,location,address,added_on\nH72.11,SRV-1,server,Phòng máy,10.0.0.1,2026-01-01\nH72.11,PC-1,workstation,,,2026-02-01\n";
    let rows = inventory::parse_csv(good.as_bytes()).unwrap();
    assert_eq!(rows.iter().map(|(l, m)| (*l, m.name.as_str())).collect::<Vec<_>>(), [(2, "SRV-1"), (3, "PC-1")]);
    let bad = "\u{feff}agency,name,kind,added_on\nH72.11,SRV-1,server,2026-01-01\nH72.11,srv-1,server,2026-01-01\n,PC,tablet,2026-13-01\n";
    let problems = inventory::parse_csv(bad.as_bytes()).unwrap_err();
    let seen: Vec<_> = problems.iter().map(|p| (p.line, p.field)).collect();
    assert_eq!(seen, [(3, "name"), (4, "agency"), (4, "kind"), (4, "added_on")]);
    let missing = inventory::parse_csv(b"name,kind\nx,server\n").unwrap_err();
    assert_eq!(missing.iter().map(|p| p.field).collect::<Vec<_>>(), ["agency", "added_on"]);
    assert_eq!(inventory::parse_csv(b"\xff\xfe").unwrap_err()[0].key, "err.import.utf8");
}

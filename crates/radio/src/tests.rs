use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::bulletin::{decide, level, Level};
use crate::*;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn hm(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}

#[test]
fn a_bulletin_says_every_problem_at_once_and_needs_a_future_end() {
    let now = at("2026-12-01 08:00");
    let bad = BulletinInput { target: "communes".into(), from_given: true, ..Default::default() };
    let fields: Vec<&str> = bad.check(now).unwrap_err().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["title", "text", "category", "priority", "communes", "valid_from", "valid_to"]);
    let mut ok = BulletinInput {
        title: "Bão số 15".into(),
        text: "Bà con chằng chống nhà cửa.".into(),
        category: "disaster".into(),
        priority: "emergency".into(),
        target: "province".into(),
        valid_to: Some(at("2026-12-02 08:00")),
        ..Default::default()
    };
    let b = ok.check(now).unwrap();
    assert_eq!((b.valid_from, b.priority, b.target.clone()), (now, Priority::Emergency, Target::Province));
    assert!(b.valid_at(at("2026-12-01 20:00")) && !b.valid_at(at("2026-12-02 08:00")));
    ok.valid_to = Some(at("2026-11-30 08:00"));
    assert_eq!(ok.check(now).unwrap_err()[0].key, "err.radio.past");
}

#[test]
fn a_commune_approves_its_own_and_the_province_the_rest() {
    let own = Target::Communes(vec!["25441".into()]);
    assert_eq!(level(true, "25441", &own, false), Level::Commune);
    assert_eq!(level(true, "25441", &Target::Communes(vec!["25441".into(), "25450".into()]), false), Level::Province);
    assert_eq!(level(true, "25441", &Target::Province, false), Level::Province);
    assert_eq!(level(true, "25441", &Target::Stations(vec![3]), true), Level::Commune);
    assert_eq!(level(false, "72", &own, false), Level::Province, "an agency's goes to the province");
    assert_eq!(decide(State::Pending, Decision::Approve, false), Err("err.radio.no_audio"));
    assert_eq!(decide(State::Pending, Decision::Approve, true), Ok(State::Approved));
    assert_eq!(decide(State::Approved, Decision::Approve, true), Err("err.radio.state"));
    assert_eq!(decide(State::Approved, Decision::Withdraw, true), Ok(State::Withdrawn));
    assert_eq!(decide(State::Rejected, Decision::Withdraw, true), Err("err.radio.state"));
}

#[test]
fn the_targets_reach_a_merged_commune_s_stations_through_its_new_unit() {
    let t = Target::Communes(vec!["25441".into()]);
    assert!(t.reaches(7, "25441"));
    assert!(!t.reaches(7, "25450"));
    assert!(Target::Stations(vec![7]).reaches(7, "x") && Target::Province.reaches(1, "x"));
}

#[test]
fn the_playlist_plays_emergencies_at_once_then_priority_first_in_each_slot() {
    let p = |id, priority, rank, approved: &str, from: &str, to: &str, secs: u64| Playable {
        id,
        priority,
        rank,
        approved_at: at(approved),
        valid_from: at(from),
        valid_to: at(to),
        duration_ms: secs * 1000,
        slots: Vec::new(),
    };
    let bulletins = vec![
        p(1, Priority::Normal, 0, "2026-12-01 06:00", "2026-12-01 00:00", "2026-12-03 00:00", 600),
        p(2, Priority::Priority, 0, "2026-12-01 07:00", "2026-12-01 00:00", "2026-12-03 00:00", 300),
        p(3, Priority::Normal, 0, "2026-12-01 05:00", "2026-12-01 00:00", "2026-12-03 00:00", 900),
        p(4, Priority::Emergency, 0, "2026-12-01 07:50", "2026-12-01 07:50", "2026-12-01 20:00", 120),
        // valid only from noon: not in the morning slot
        p(5, Priority::Normal, 0, "2026-12-01 07:00", "2026-12-01 12:00", "2026-12-03 00:00", 60),
    ];
    let slots = [Slot { start: hm("17:00"), end: hm("17:30") }, Slot { start: hm("06:00"), end: hm("06:25") }];
    assert!(Slot::check(&slots).is_empty());
    let (plays, clashes) = playlist(&bulletins, &slots, at("2026-12-01 08:00"), at("2026-12-02 08:00"));
    let got: Vec<(i64, String)> = plays.iter().map(|x| (x.bulletin, x.at.format("%d %H:%M").to_string())).collect();
    assert_eq!(
        got,
        [
            (4, "01 08:00".to_string()),
            // 17:00–17:30: the priority one, then normal by approval (3 at 05:00, 1 at 06:00): full, 5 clashes
            (2, "01 17:00".into()),
            (3, "01 17:05".into()),
            (1, "01 17:20".into()),
            // 06:00–06:25 next day: 2 (5 min), 3 (15 min), then 1 (10 min) does not fit; 5 (1 min) does
            (2, "02 06:00".into()),
            (3, "02 06:05".into()),
            (5, "02 06:20".into()),
        ]
    );
    let clashed: Vec<(i64, String)> =
        clashes.iter().map(|c| (c.bulletin, c.slot.format("%d %H:%M").to_string())).collect();
    assert_eq!(clashed, [(5, "01 17:00".to_string()), (1, "02 06:00".into())]);
    // the commune orders a clash: 1 before 3
    let mut ranked = bulletins.clone();
    ranked[0].rank = -1;
    let (plays, _) = playlist(&ranked, &slots, at("2026-12-02 00:00"), at("2026-12-02 08:00"));
    assert_eq!(plays.iter().map(|x| x.bulletin).collect::<Vec<_>>(), [2, 1, 5]);
    let overlapping = [Slot { start: hm("06:00"), end: hm("07:00") }, Slot { start: hm("06:30"), end: hm("08:00") }];
    assert_eq!(Slot::check(&overlapping)[0].key, "err.radio.slot_overlap");
    let _ = NaiveDate::from_ymd_opt(2026, 1, 1);
}

#[test]
fn a_normal_bulletin_placed_by_the_commune_plays_in_its_chosen_slots_alone() {
    let p = |id, priority, slots: Vec<NaiveTime>| Playable {
        id,
        priority,
        rank: 0,
        approved_at: at("2026-12-01 06:00"),
        valid_from: at("2026-12-01 00:00"),
        valid_to: at("2026-12-03 00:00"),
        duration_ms: 60_000 * u64::try_from(id).unwrap_or(1),
        slots,
    };
    let slots = [
        Slot { start: hm("06:00"), end: hm("06:30") },
        Slot { start: hm("11:00"), end: hm("11:30") },
        Slot { start: hm("17:00"), end: hm("17:30") },
    ];
    let bulletins = vec![
        // placed by the commune in the evening slot
        p(1, Priority::Normal, vec![hm("17:00")]),
        // placed in two slots
        p(2, Priority::Normal, vec![hm("06:00"), hm("11:00")]),
        // not placed: every slot
        p(3, Priority::Normal, vec![]),
        // a priority bulletin's placement does not narrow it: first in every slot
        p(4, Priority::Priority, vec![hm("06:00")]),
    ];
    let (plays, clashes) = playlist(&bulletins, &slots, at("2026-12-01 00:00"), at("2026-12-02 00:00"));
    let got: Vec<(i64, String)> = plays.iter().map(|x| (x.bulletin, x.at.format("%H:%M").to_string())).collect();
    assert_eq!(
        got,
        [
            (4, "06:00".to_string()),
            (2, "06:04".into()),
            (3, "06:06".into()),
            (4, "11:00".into()),
            (2, "11:04".into()),
            (3, "11:06".into()),
            (4, "17:00".into()),
            (1, "17:04".into()),
            (3, "17:05".into()),
        ]
    );
    assert!(clashes.is_empty());
    assert!(!bulletins[0].fits_slot(hm("06:00")) && bulletins[0].fits_slot(hm("17:00")));
    assert!(bulletins[2].fits_slot(hm("11:00")) && bulletins[3].fits_slot(hm("17:00")));
}

#[test]
fn a_station_and_a_device_say_every_problem_at_once() {
    let s = StationInput { unit_code: "7".into(), kind: "tv".into(), staff: "-1".into(), ..Default::default() };
    let fields: Vec<&str> = s.check().unwrap_err().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "unit_code", "kind", "staff"]);
    let ok = StationInput {
        name: "Đài xã Tân Ninh".into(),
        unit_code: "25441".into(),
        kind: "ip".into(),
        ..Default::default()
    };
    let n = ok.check().unwrap();
    assert_eq!((n.kind, n.status, n.staff), (StationKind::Ip, StationStatus::Operating, 0));
    let d = DeviceInput { serial: "bad serial!".into(), ..Default::default() };
    let fields: Vec<&str> = d.check().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["serial", "name"]);
}

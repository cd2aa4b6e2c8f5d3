//! The console's rules on a real store: scopes, enrolment, agents' reports,
//! coverage against a hand count.

use chrono::NaiveDate;
use egov_identity::Principal;
use egov_kernel::Clock;
use egov_protection::{DetectionState, MachineInput, Policy};

use super::agent::{self, Heartbeat, LastScan, Report};
use super::*;
use crate::testing::{admin_of, app, at};
use crate::{Actor, App};

fn machine(agency: &str, name: &str, added: &str) -> MachineInput {
    MachineInput {
        agency_id: agency.into(),
        name: name.into(),
        kind: "workstation".into(),
        added_on: added.into(),
        ..Default::default()
    }
}

fn beat(version: &str, scanned_secs_ago: Option<u64>) -> Heartbeat {
    Heartbeat {
        host_name: "pc".into(),
        os: "Debian GNU/Linux 12".into(),
        addresses: vec!["10.0.0.9".into()],
        agent_version: "0.1.0".into(),
        clamd_version: Some(version.into()),
        last_scan: scanned_secs_ago.map(|s| LastScan { seconds_ago: s, result: "clean".into() }),
        last_good_scan_seconds_ago: scanned_secs_ago,
    }
}

async fn enrolled(app: &App, id: i64) -> egov_store::protection::AgentCred {
    let (token, _) = issue_enrolment(app, Actor::Operator, id, 24).await.unwrap();
    let e = agent::enrol(app, &token).await.unwrap();
    agent::authenticate(app, &e.secret).await.unwrap()
}

#[tokio::test]
async fn coverage_equals_a_hand_count_of_the_fixture_inventory() {
    let clock = Clock::fixed(at("2026-12-01 09:00"));
    let (app, dir) = app(clock.clone()).await;
    let op = Actor::Operator;
    let p = Policy { signature_max_age_days: 3, scan_within_days: 7, disconnected_alert_minutes: 60 };
    set_policy(&app, op, &p).await.unwrap();
    // H72.11: five machines; H72.12: two, one retired yesterday
    let mut ids = Vec::new();
    for (a, n) in [("H72.11", "a"), ("H72.11", "b"), ("H72.11", "c"), ("H72.11", "d"), ("H72.11", "e"), ("H72.12", "f")]
    {
        ids.push(save_machine(&app, op, None, &machine(a, n, "2026-01-01")).await.unwrap());
    }
    let g = save_machine(&app, op, None, &machine("H72.12", "g", "2026-01-01")).await.unwrap();
    let fresh = "ClamAV 1.4.6/27474/Mon Nov 30 09:35:01 2026";
    let old = "ClamAV 1.4.6/27400/Wed Nov 25 09:35:01 2026";
    // a: covered; b: outdated signatures; c: scanned 8 days ago; d: will be
    // disconnected; e: never connected; f: covered; g: covered but retired
    let plan = [
        (ids[0], fresh, Some(3600)),
        (ids[1], old, Some(3600)),
        (ids[2], fresh, Some(8 * 86_400)),
        (ids[3], fresh, Some(60)),
        (ids[5], fresh, Some(60)),
        (g, fresh, Some(60)),
    ];
    for (id, v, scanned) in plan {
        let a = enrolled(&app, id).await;
        if id == ids[3] {
            clock.set(at("2026-12-01 08:50"));
        }
        agent::heartbeat(&app, &a, &beat(v, scanned)).await.unwrap();
        clock.set(at("2026-12-01 09:00"));
    }
    // retired yesterday, its agent still beating
    let retired = MachineInput { retired_on: "2026-11-30".into(), ..machine("H72.12", "g", "2026-01-01") };
    save_machine(&app, op, Some(g), &retired).await.unwrap();
    let c = console(&app, op).await.unwrap();
    // hand count: H72.11 covers a of a–e (1 of 5), H72.12 covers f of f (g retired)
    let by: Vec<_> = c.by_agency.iter().map(|(a, c)| (a.as_str(), c.covered, c.machines)).collect();
    assert_eq!(by, [("H72.11", 1, 5), ("H72.12", 1, 1)]);
    assert_eq!((c.total.covered, c.total.machines, c.total.per_mille()), (2, 6, Some(333)));
    let state = |id: i64| c.machines.iter().find(|l| l.m.machine.id == id).unwrap().clone();
    assert_eq!(state(ids[3]).state, egov_protection::AgentState::Disconnected);
    assert_eq!(state(ids[4]).state, egov_protection::AgentState::NeverConnected);
    assert!(state(ids[1]).outdated && !state(ids[0]).outdated);
    // a, b, c active; d disconnected; e never; f active (g retired: not counted)
    let n = c.counts;
    assert_eq!((n.machines, n.active, n.disconnected, n.never, n.outdated, n.unprotected), (6, 4, 1, 1, 1, 3));
    // the day's figures are kept, and read back as a series
    keep_coverage(&app).await.unwrap();
    let s = series(&app, op, None, 2026).await.unwrap();
    assert_eq!(s, [(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), c.total)]);
    let one = series(&app, op, Some("H72.12"), 2026).await.unwrap();
    assert_eq!((one[0].1.covered, one[0].1.machines), (1, 1));
    // an agency's administrator sees their agency's only
    let admin = admin_of("H72.12");
    let theirs = console(&app, Actor::User(&admin)).await.unwrap();
    assert_eq!((theirs.total.covered, theirs.total.machines), (1, 1));
    assert!(theirs.machines.iter().all(|l| l.m.machine.m.agency_id == "H72.12"));
    assert!(matches!(machine_of(&app, &admin, ids[0]).await, Err(AppError::NotFound)));
    assert!(matches!(series(&app, Actor::User(&admin), Some("H72.11"), 2026).await, Err(AppError::NotFound)));
    assert!(matches!(set_policy(&app, Actor::User(&admin), &p).await, Err(AppError::Forbidden)));
    std::fs::remove_dir_all(dir).ok();
}

async fn machine_of(app: &App, p: &Principal, id: i64) -> Result<MachineLine, AppError> {
    super::machine(app, Actor::User(p), id).await
}

#[tokio::test]
async fn enrolment_tokens_are_single_use_and_expire_and_revoked_agents_are_refused() {
    let clock = Clock::fixed(at("2026-12-01 09:00"));
    let (app, dir) = app(clock.clone()).await;
    let id = save_machine(&app, Actor::Operator, None, &machine("H72.11", "pc", "2026-01-01")).await.unwrap();
    let (token, _) = issue_enrolment(&app, Actor::Operator, id, 1).await.unwrap();
    let e = agent::enrol(&app, &token).await.unwrap();
    assert_eq!(e.machine_id, id);
    assert!(agent::enrol(&app, &token).await.is_err(), "used twice");
    let (late, _) = issue_enrolment(&app, Actor::Operator, id, 1).await.unwrap();
    clock.set(at("2026-12-01 10:01"));
    assert!(agent::enrol(&app, &late).await.is_err(), "expired");
    assert!(issue_enrolment(&app, Actor::Operator, id, 73).await.is_err());
    // re-enrolling replaces the machine's credentials
    let (again, _) = issue_enrolment(&app, Actor::Operator, id, 1).await.unwrap();
    let second = agent::enrol(&app, &again).await.unwrap();
    assert!(agent::authenticate(&app, &e.secret).await.is_err(), "the first agent was replaced");
    let a = agent::authenticate(&app, &second.secret).await.unwrap();
    agent::heartbeat(&app, &a, &beat("ClamAV 1.4.6", None)).await.unwrap();
    assert!(revoke(&app, Actor::Operator, id).await.unwrap());
    assert!(agent::authenticate(&app, &second.secret).await.is_err(), "revoked");
    // another agency's administrator cannot issue for this machine
    assert!(matches!(issue_enrolment(&app, Actor::User(&admin_of("H72.12")), id, 1).await, Err(AppError::NotFound)));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn detections_are_kept_once_each_and_handled_forward_only() {
    let (app, dir) = app(Clock::fixed(at("2026-12-01 09:00"))).await;
    let id = save_machine(&app, Actor::Operator, None, &machine("H72.11", "pc", "2026-01-01")).await.unwrap();
    let a = enrolled(&app, id).await;
    let r = Report {
        report_id: "7f3a".into(),
        found_seconds_ago: 120,
        path: "/home/u/eicar.com".into(),
        signature: "Eicar-Test-Signature".into(),
        sha256: "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f".into(),
        action: "reported".into(),
    };
    assert_eq!(agent::report(&app, &a, &[r.clone(), r.clone()]).await.unwrap(), 1);
    assert_eq!(agent::report(&app, &a, std::slice::from_ref(&r)).await.unwrap(), 0, "sent again after a restart");
    let bad = Report { sha256: "xyz".into(), action: "refused".into(), report_id: "../x".into(), ..r.clone() };
    let Err(AppError::Invalid(errs)) = agent::report(&app, &a, &[bad]).await else { panic!() };
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["reports[0].report_id", "reports[0].sha256", "reports[0].action"]);
    let (list, total) = detections(&app, Actor::Operator, true, 1, 50).await.unwrap();
    assert_eq!((total, list[0].state, list[0].d.found_at), (1, DetectionState::New, app.store.now() - 120_000_000));
    let d = list[0].id;
    assert!(matches!(
        handle(&app, Actor::User(&admin_of("H72.12")), d, DetectionState::Cleaned, "").await,
        Err(AppError::NotFound)
    ));
    handle(&app, Actor::User(&admin_of("H72.11")), d, DetectionState::Cleaned, "xoá tệp").await.unwrap();
    assert!(matches!(
        handle(&app, Actor::Operator, d, DetectionState::FalsePositive, "").await,
        Err(AppError::Refused(Refusal::Conflict, ..))
    ));
    assert_eq!(detections(&app, Actor::Operator, true, 1, 50).await.unwrap().1, 0);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_inventory_import_is_all_or_nothing_within_the_actors_agency() {
    let (app, dir) = app(Clock::fixed(at("2026-12-01 09:00"))).await;
    let admin = admin_of("H72.11");
    let csv = "agency,name,kind,added_on\nH72.11,pc-1,workstation,2026-01-01\nH72.12,pc-2,workstation,2026-01-01\nH99,pc-3,server,2026-01-01\n";
    let problems = import(&app, Actor::User(&admin), csv.as_bytes()).await.unwrap().unwrap_err();
    assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [3, 4]);
    assert!(console(&app, Actor::Operator).await.unwrap().machines.is_empty(), "nothing written");
    let ok = "agency,name,kind,added_on\nH72.11,pc-1,workstation,2026-01-01\n";
    assert_eq!(import(&app, Actor::User(&admin), ok.as_bytes()).await.unwrap().unwrap(), (1, 0));
    assert_eq!(import(&app, Actor::User(&admin), ok.as_bytes()).await.unwrap().unwrap(), (0, 1));
    let taken = save_machine(&app, Actor::User(&admin), None, &machine("H72.11", "PC-1", "2026-01-01")).await;
    assert!(matches!(taken, Err(AppError::Invalid(e)) if e[0].key == "err.pr.duplicate"));
    std::fs::remove_dir_all(dir).ok();
}

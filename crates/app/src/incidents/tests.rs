//! The incidents' rules on a real store, on a fixed clock: scopes, the
//! serious test from the systems' levels, the response's phases and the
//! closing report, the reports owed, the year's figures.

use chrono::NaiveDate;
use egov_incident::{Harms, Phase, ReportKind, SystemInput};
use egov_kernel::Clock;

use super::*;
use crate::testing::{admin_of, app, at};
use crate::Actor;

fn system(name: &str, agency: &str, level: &str) -> SystemInput {
    SystemInput {
        name: name.into(),
        owner_agency: agency.into(),
        proposed_level: level.into(),
        approved_level: level.into(),
        approval_decision: "QĐ 1/QĐ-UBND".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_incident_is_classified_reported_on_time_and_closed_only_after_its_closing_report() {
    let clock = Clock::fixed(at("2026-12-04 10:00"));
    let (app, dir) = app(clock.clone()).await;
    let op = Actor::Operator;
    let a11 = admin_of("H72.11");
    let me = Actor::User(&a11);
    let portal = save_system(&app, me, None, &system("Cổng dịch vụ công", "H72.11", "4")).await.unwrap();
    let web = save_system(&app, me, None, &system("Trang tin", "H72.11", "2")).await.unwrap();
    // not another agency's system
    assert!(matches!(save_system(&app, me, None, &system("X", "H72.12", "2")).await, Err(AppError::Invalid(_))));
    let input = IncidentInput {
        agency_id: "H72.11".into(),
        title: "Cổng dịch vụ công ngừng hoạt động".into(),
        kind: "denial_of_service".into(),
        severity: "critical".into(),
        harms: Harms { outage: true, ..Default::default() },
        discovered_at: Some(egov_kernel::vn::to_micros(at("2026-12-04 08:30"))),
        systems: vec![web, portal],
        ..Default::default()
    };
    // every field's problem at once: none given
    match report(&app, me, &IncidentInput::default()).await {
        Err(AppError::Invalid(e)) => {
            let f: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(f, ["agency_id", "title", "kind", "severity", "discovered_at"]);
        }
        other => panic!("{other:?}"),
    }
    let id = report(&app, me, &input).await.unwrap();
    let v = incident(&app, me, id).await.unwrap();
    assert!(!v.i.n.serious, "handled alone so far");
    assert_eq!(v.i.n.regime, "QD05-2017");
    assert_eq!(v.i.n.unit_code, "72", "the agency's unit when none is given");
    // another agency's administrator does not see it
    let a12 = admin_of("H72.12");
    assert!(matches!(incident(&app, Actor::User(&a12), id).await, Err(AppError::NotFound)));
    assert!(incidents(&app, Actor::User(&a12), 2026).await.unwrap().is_empty());
    // the notification is owed by Friday 11 December (five working days after Friday the 4th)
    let owed: Vec<(ReportKind, Option<NaiveDate>)> = v.owed.iter().map(|o| (o.report, o.due)).collect();
    assert_eq!(owed, vec![(ReportKind::Notification, NaiveDate::from_ymd_opt(2026, 12, 11))]);
    // beyond the unit's capacity: serious now (a level-4 system, an outage), the initial report due at once
    step(&app, me, id, Step::BeyondCapacity(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap())).await.unwrap();
    let v = incident(&app, me, id).await.unwrap();
    assert!(v.i.n.serious);
    assert!(v.owed.iter().any(|o| o.report == ReportKind::Initial && o.due == NaiveDate::from_ymd_opt(2026, 12, 4)));
    send(&app, me, id, ReportKind::Initial, "Báo cáo ban đầu").await.unwrap();
    step(
        &app,
        me,
        id,
        Step::Phase {
            to: Phase::Contained,
            root_cause: String::new(),
            lessons: String::new(),
            response_ended_on: None,
        },
    )
    .await
    .unwrap();
    // not back, and not closed without its root cause, nor without the closing report
    let back = step(
        &app,
        me,
        id,
        Step::Phase { to: Phase::Reported, root_cause: String::new(), lessons: String::new(), response_ended_on: None },
    )
    .await;
    assert!(matches!(back, Err(AppError::Refused(Refusal::Conflict, "err.inc.backwards", _))), "{back:?}");
    clock.set(at("2026-12-08 09:00"));
    let close = |rc: &str| Step::Phase {
        to: Phase::Closed,
        root_cause: rc.into(),
        lessons: "Giới hạn tốc độ".into(),
        response_ended_on: None,
    };
    assert!(matches!(step(&app, me, id, close("")).await, Err(AppError::Refused(_, "err.inc.root_cause", _))));
    assert!(matches!(
        step(&app, me, id, close("Tấn công từ chối dịch vụ")).await,
        Err(AppError::Refused(_, "err.inc.closing_report", _))
    ));
    step(
        &app,
        me,
        id,
        Step::Phase {
            to: Phase::Recovered,
            root_cause: String::new(),
            lessons: String::new(),
            response_ended_on: None,
        },
    )
    .await
    .unwrap();
    send(&app, me, id, ReportKind::Notification, "").await.unwrap();
    send(&app, me, id, ReportKind::Closing, "Báo cáo kết thúc").await.unwrap();
    step(&app, me, id, close("Tấn công từ chối dịch vụ")).await.unwrap();
    let v = incident(&app, me, id).await.unwrap();
    assert_eq!(v.i.phase, Phase::Closed);
    // the response ended on Tuesday the 8th: the closing report was due by the 15th, sent the 8th
    let late: Vec<(ReportKind, bool)> = v.owed.iter().map(|o| (o.report, o.late)).collect();
    assert_eq!(
        late,
        vec![(ReportKind::Notification, false), (ReportKind::Initial, false), (ReportKind::Closing, false)]
    );
    // the timeline holds every step, with who took it
    let what: Vec<&str> = v.actions.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(
        what,
        [
            "reported",
            "beyond_capacity",
            "report:initial",
            "phase:contained",
            "phase:recovered",
            "report:notification",
            "report:closing",
            "phase:closed"
        ]
    );
    assert!(v.actions.iter().all(|a| a.actor == "user:7"));
    // the year: one incident, serious, contained in 1.5 h, closed in 96.5 h
    let s = year_stats(&app, op, 2026).await.unwrap();
    assert_eq!((s.total, s.serious, s.open), (1, 1, 0));
    assert_eq!(s.to_contain.mean, Some(1.5));
    assert_eq!(s.to_close.mean, Some(96.5));
    assert_eq!(app.store.count_where("audit_log", "action LIKE 'incidents.%'").await.unwrap(), 10);
    let _ = std::fs::remove_dir_all(dir);
}

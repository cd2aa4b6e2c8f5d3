//! Hand-computed fixtures: every number below was worked out on paper first.

use super::*;

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn base(received: &str, appointment: Option<&str>, finished: Option<&str>) -> DossierFacts {
    DossierFacts {
        received: t(received),
        appointment: appointment.map(t),
        finished: finished.map(t),
        waiting: Duration::zero(),
        waiting_since: None,
        supplement_requests: 0,
        withdrawn: false,
        online: false,
        electronic_result: false,
        digitised_inputs: false,
        reused: false,
        paid_online: false,
        complaint: false,
        rating_total: None,
    }
}

const NOW: &str = "2026-03-20 08:00";

/// A: on time; B: late but for 48 h of waiting for the citizen; C: two
/// supplement requests; D: no deadline; E: open, within its deadline;
/// F: an apology with a new date, finished after the first appointment;
/// G: withdrawn; H: open and past its deadline.
fn fixtures() -> Vec<DossierFacts> {
    let a = DossierFacts {
        online: true,
        paid_online: true,
        digitised_inputs: true,
        reused: true,
        electronic_result: true,
        ..base("2026-03-02 08:00", Some("2026-03-05 08:00"), Some("2026-03-04 10:00"))
    };
    let b = DossierFacts {
        online: true,
        digitised_inputs: true,
        electronic_result: true,
        waiting: Duration::hours(48),
        supplement_requests: 1,
        ..base("2026-03-02 08:00", Some("2026-03-05 08:00"), Some("2026-03-06 10:00"))
    };
    let c = DossierFacts {
        digitised_inputs: true,
        waiting: Duration::hours(1),
        supplement_requests: 2,
        ..base("2026-03-02 08:00", Some("2026-03-05 08:00"), Some("2026-03-04 09:00"))
    };
    let d = base("2026-03-02 08:00", None, Some("2026-03-10 08:00"));
    let e = DossierFacts { online: true, ..base("2026-03-18 08:00", Some("2026-03-25 08:00"), None) };
    let f = DossierFacts {
        complaint: true,
        ..base("2026-03-02 08:00", Some("2026-03-05 08:00"), Some("2026-03-09 08:00"))
    };
    let g = DossierFacts { withdrawn: true, online: true, ..base("2026-03-02 08:00", Some("2026-03-05 08:00"), None) };
    let h = base("2026-03-02 08:00", Some("2026-03-10 08:00"), None);
    vec![a, b, c, d, e, f, g, h]
}

#[test]
fn each_dossier_on_time_or_late_by_the_rule() {
    let now = t(NOW);
    let got: Vec<Timeliness> = fixtures().iter().map(|f| timeliness(f, now)).collect();
    assert_eq!(
        got,
        vec![
            Timeliness::OnTime,                          // A
            Timeliness::OnTime,                          // B: 03-06 10:00 − 48 h = 03-04 10:00
            Timeliness::Late { by: Duration::zero() },   // C: by rule
            Timeliness::OnTime,                          // D: no deadline to miss
            Timeliness::WithinDeadline,                  // E
            Timeliness::Late { by: Duration::days(4) },  // F: the apology does not help
            Timeliness::Excluded,                        // G
            Timeliness::Late { by: Duration::days(10) }, // H: 03-20 08:00 − 03-10 08:00
        ]
    );
}

#[test]
fn the_index_of_the_fixtures_as_computed_by_hand() {
    let procedures = [
        ProcedureFacts { online: true, has_fee: true, fee_payable_online: true },
        ProcedureFacts { online: true, has_fee: true, fee_payable_online: false },
        ProcedureFacts { online: true, has_fee: false, fee_payable_online: false },
        ProcedureFacts { online: true, has_fee: false, fee_payable_online: false },
        ProcedureFacts { online: false, has_fee: false, fee_payable_online: false },
    ];
    let ix = index(&IndexConfig::decision_766(), &fixtures(), &procedures, t(NOW));
    assert_eq!((ix.dossiers, ix.on_time, ix.late), (7, 4, 3), "G is left out");
    let score = |i: Indicator| ix.scores.iter().find(|s| s.indicator == i).unwrap().clone();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    // on time 4/7 of 20 points
    let s = score(Indicator::OnTime);
    assert!(close(s.rate.unwrap(), 4.0 / 7.0) && close(s.points, 4.0 / 7.0 * 20.0), "{s:?}");
    // 4 of 5 procedures online: at the 80 % threshold, full 8 points
    let s = score(Indicator::OnlineProcedures);
    assert!(close(s.rate.unwrap(), 0.8) && close(s.points, 8.0), "{s:?}");
    // online dossiers A, B, E of 7: (3/7) / 0.5 × 8
    let s = score(Indicator::OnlineDossiers);
    assert!(close(s.points, 3.0 / 7.0 / 0.5 * 8.0), "{s:?}");
    // 1 of the 2 procedures with a fee payable online: 0.5 / 0.8 × 3
    assert!(close(score(Indicator::OnlinePaymentProcedures).points, 1.875));
    // paid online: A of 7: (1/7) / 0.5 × 3
    assert!(close(score(Indicator::PaidOnlineDossiers).points, 1.0 / 7.0 / 0.5 * 3.0));
    // digitised inputs and an electronic result: A, B (C has no electronic result): (2/7) / 0.8 × 14 = 5
    assert!(close(score(Indicator::Digitisation).points, 5.0));
    // satisfaction = 1 − (3/7 late + 1/7 complaints) = 3/7; (3/7) / 0.9 × 18
    let s = score(Indicator::Satisfaction);
    assert!(close(s.rate.unwrap(), 3.0 / 7.0) && close(s.points, 3.0 / 7.0 / 0.9 * 18.0), "{s:?}");
    // a part taken from the citizen's store: A of 7: (1/7) / 0.8 × 8 = 10/7
    assert!(close(score(Indicator::DigitisedReuse).points, 10.0 / 7.0));
    // not measurable from egov's data yet: no rate, no points
    for i in [Indicator::PublishedOnTime, Indicator::SyncedToPortal] {
        assert_eq!((score(i).rate, score(i).points), (None, 0.0));
    }
    let total = 4.0 / 7.0 * 20.0
        + 8.0
        + 3.0 / 7.0 / 0.5 * 8.0
        + 1.875
        + 1.0 / 7.0 / 0.5 * 3.0
        + 5.0
        + 10.0 / 7.0
        + 3.0 / 7.0 / 0.9 * 18.0;
    assert!(close(ix.total, total), "{} vs {total}", ix.total);
    assert!(close(ix.measured_max, 82.0));
    // mean processing time of A, B, C, D, F: (50 + 50 + 48 + 192 + 168) / 5 hours
    assert!(close(ix.average_hours.unwrap(), 101.6), "{:?}", ix.average_hours);
}

#[test]
fn points_are_proportional_below_the_threshold_and_capped_above() {
    assert_eq!(points(0.4, 0.8, 10.0), 5.0);
    assert_eq!(points(0.8, 0.8, 10.0), 10.0);
    assert_eq!(points(1.0, 0.8, 10.0), 10.0);
    assert_eq!(points(0.0, 0.5, 8.0), 0.0);
}

#[test]
fn configurations_are_checked_and_chosen_by_date() {
    let c = IndexConfig::decision_766();
    assert_eq!(c.rules.iter().map(|r| r.max_points).sum::<f64>(), 100.0);
    let groups = |g: Group| c.rules.iter().filter(|r| r.group == g).map(|r| r.max_points).sum::<f64>();
    assert_eq!(
        [
            groups(Group::Transparency),
            groups(Group::Progress),
            groups(Group::Online),
            groups(Group::Digitisation),
            groups(Group::Satisfaction)
        ],
        [18.0, 20.0, 22.0, 22.0, 18.0]
    );
    let mut bad = c.clone();
    bad.rules[0].max_points = 10.0;
    assert_eq!(bad.check(), Err(ConfigError::Total(101.0)));
    let mut bad = c.clone();
    bad.rules[2].full_at = 0.0;
    assert_eq!(bad.check(), Err(ConfigError::Threshold(Indicator::OnTime)));
    assert!(matches!(IndexConfig::from_json("{}"), Err(ConfigError::Json(_))));
    let mut newer = c.clone();
    newer.version = "next".into();
    newer.effective_from = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let all = [c.clone(), newer];
    assert_eq!(IndexConfig::in_force(&all, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()).unwrap().version, c.version);
    assert_eq!(IndexConfig::in_force(&all, NaiveDate::from_ymd_opt(2027, 6, 1).unwrap()).unwrap().version, "next");
    assert!(IndexConfig::in_force(&all, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()).is_none());
}

#[test]
fn nothing_to_count_gives_no_rate_rather_than_a_division_by_zero() {
    let ix = index(&IndexConfig::decision_766(), &[], &[], t(NOW));
    assert_eq!((ix.dossiers, ix.total, ix.measured_max), (0, 0.0, 0.0));
    assert!(ix.scores.iter().all(|s| s.rate.is_none()));
    assert_eq!(ix.average_hours, None);
}

#[test]
fn facts_are_read_from_the_history() {
    use egov_dossier::Status;
    let step = |at: &str, action: &str, to: Status, due: Option<&str>| Step {
        at: t(at),
        action: egov_dossier::EventKind::parse(action).expect("a step egov writes"),
        to,
        due: due.map(t),
    };
    let record = Record {
        online: true,
        digitised_inputs: true,
        reused: false,
        electronic_result: true,
        paid_online: false,
        rating_total: Some(8),
    };
    let steps = vec![
        step("2026-03-01 20:00", "draft", Status::Draft, None),
        step("2026-03-02 07:00", "submit", Status::Submitted, None),
        step("2026-03-02 08:00", "accept", Status::Accepted, Some("2026-03-05 08:00")),
        step("2026-03-02 09:00", "assign", Status::Processing, Some("2026-03-05 08:00")),
        step("2026-03-02 10:00", "request_supplement", Status::SupplementRequested, None),
        step("2026-03-04 10:00", "resubmit", Status::Processing, Some("2026-03-07 10:00")),
        step("2026-03-06 10:00", "approve", Status::Approved, Some("2026-03-07 10:00")),
        step("2026-03-06 15:00", "return_result", Status::ResultReturned, Some("2026-03-07 10:00")),
        step("2026-03-07 09:00", "rate", Status::ResultReturned, Some("2026-03-07 10:00")),
    ];
    let f = facts(&record, &steps).unwrap();
    assert_eq!(f.received, t("2026-03-02 08:00"), "the clock starts at acceptance");
    assert_eq!(f.appointment, Some(t("2026-03-05 08:00")), "the appointment given then");
    assert_eq!(f.finished, Some(t("2026-03-06 10:00")), "processed ends processing");
    assert_eq!((f.waiting, f.supplement_requests), (Duration::hours(48), 1));
    assert!(f.complaint, "8 of 18 is disliked");
    // 03-06 10:00 less 48 h of waiting = 03-04 10:00, before the appointment
    assert_eq!(timeliness(&f, t(NOW)), Timeliness::OnTime);
    // still waiting: the wait runs until now, and the deadline with it
    let f = facts(&record, &steps[..5]).unwrap();
    assert_eq!((f.waiting, f.waiting_since, f.finished), (Duration::zero(), Some(t("2026-03-02 10:00")), None));
    assert_eq!(timeliness(&f, t("2026-03-09 10:00")), Timeliness::WithinDeadline, "a week waiting is not late");
    assert_eq!(standing(&f), Standing::Fixed(Timeliness::WithinDeadline));
    // a draft is no dossier yet
    assert_eq!(facts(&record, &steps[..1]), None);
}

#[test]
fn satisfaction_per_officer_and_agency_on_the_circular_scale() {
    let scale = SatisfactionScale::default();
    assert_eq!(scale.level(15.0), SatisfactionLevel::Excellent);
    assert_eq!(scale.level(14.99), SatisfactionLevel::Good);
    assert_eq!(scale.level(12.0), SatisfactionLevel::Good);
    assert_eq!(scale.level(9.0), SatisfactionLevel::Fair);
    assert_eq!(scale.level(6.0), SatisfactionLevel::Average);
    assert_eq!(scale.level(5.9), SatisfactionLevel::Weak);
    // officer 7: 18 and 12 → 15, excellent; officer 9: 10 → fair
    let got = scale.rate(&[(7, 18), (9, 10), (7, 12)]);
    assert_eq!(got, vec![(7, 2, 15.0, SatisfactionLevel::Excellent), (9, 1, 10.0, SatisfactionLevel::Fair)]);
    assert!(scale.rate::<i64>(&[]).is_empty());
}

#[test]
fn a_settled_dossiers_share_does_not_move_with_time_and_an_open_ones_does() {
    let settled = |f: &&DossierFacts| f.withdrawn || f.finished.is_some();
    let later = t(NOW) + Duration::days(30);
    let fx = fixtures();
    for f in fx.iter().filter(settled) {
        assert_eq!(Tally::of(f, t(NOW)), Tally::of(f, later), "{f:?}");
    }
    // E, open and within its deadline at NOW, is late thirty days on.
    let e = fx.iter().find(|f| f.received == t("2026-03-18 08:00")).unwrap();
    assert!(!settled(&e));
    assert_eq!((Tally::of(e, t(NOW)).on_time, Tally::of(e, later).on_time), (1, 0));
}

#[test]
fn the_index_of_the_sum_of_shares_is_the_index_of_the_dossiers() {
    let fx = fixtures();
    let procedures = [ProcedureFacts { online: true, has_fee: true, fee_payable_online: false }];
    let mut sum = Tally::default();
    for f in &fx {
        sum += Tally::of(f, t(NOW));
    }
    // Adding a share and taking it away again leaves the sum as it was.
    let mut back = sum;
    back += Tally::of(&fx[0], t(NOW));
    back += -Tally::of(&fx[0], t(NOW));
    assert_eq!(back, sum);
    assert_eq!(
        index_of(&IndexConfig::decision_766(), &sum, &procedures),
        index(&IndexConfig::decision_766(), &fx, &procedures, t(NOW))
    );
    assert_eq!((sum.counted, sum.on_time, sum.late(), sum.finished), (7, 4, 3, 5));
}

/// `standing` says in one value what `timeliness` says at each later time,
/// and `Tally::kept` with the late running ones taken away is `Tally::of`:
/// checked over many generated dossiers and times.
#[test]
fn standing_and_kept_shares_agree_with_the_rule_at_every_later_time() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: i64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as i64
    };
    let t0 = t("2026-03-02 08:00");
    let mut seen = std::collections::HashSet::new();
    for _ in 0..20_000 {
        let received = t0 + Duration::minutes(next(10_000));
        let appointment = (next(5) > 0).then(|| received + Duration::minutes(next(20_000)));
        let finished = (next(3) == 0).then(|| received + Duration::minutes(next(30_000)));
        let waiting = Duration::minutes(next(3) * next(3_000));
        let waiting_since =
            (finished.is_none() && next(3) == 0).then(|| received + waiting + Duration::minutes(next(5_000)));
        let f = DossierFacts {
            received,
            appointment,
            finished,
            waiting,
            waiting_since,
            supplement_requests: next(4) as u32,
            withdrawn: next(20) == 0,
            complaint: next(5) == 0,
            rating_total: None,
            ..base("2026-03-02 08:00", None, None)
        };
        let last = [Some(received), finished, waiting_since].into_iter().flatten().max().unwrap();
        let st = standing(&f);
        for _ in 0..5 {
            let now = last + Duration::minutes(next(40_000));
            let rule = timeliness(&f, now);
            assert_eq!(st.at(now), rule, "{f:?} at {now}");
            seen.insert(
                format!("{:?}", std::mem::discriminant(&rule)) + &format!("{}", matches!(st, Standing::Running { .. })),
            );
            let mut kept = Tally::kept(&f);
            if let Standing::Running { until, by_rule: false } = st {
                if now > until {
                    kept.on_time -= 1;
                }
            }
            assert_eq!(kept, Tally::of(&f, now), "{f:?} at {now}");
        }
    }
    assert!(seen.len() >= 5, "every kind of case was met: {seen:?}");
}

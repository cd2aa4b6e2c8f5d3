use chrono::{Duration, NaiveDate, NaiveDateTime};
use egov_calendar::{Calendar, Span, WorkingHours};
use egov_identity::{AccountKind, Principal, Role, UserId};

use super::*;

/// An agency id as the store would give it.
fn ag(s: &str) -> AgencyId {
    AgencyId::from_stored(s.into())
}

const A: &str = "H72.50.01";
const B: &str = "H72.50.02";

fn person(id: i64, kind: AccountKind, agency: Option<&str>, roles: &[Role]) -> Principal {
    Principal {
        user_id: UserId::new(id),
        username: format!("u{id}"),
        full_name: format!("User {id}"),
        kind,
        agency_id: agency.map(ag),
        roles: roles.to_vec(),
        signed_by: None,
    }
}

fn cast() -> Vec<Principal> {
    vec![
        person(1, AccountKind::Citizen, None, &[]),
        person(2, AccountKind::Citizen, None, &[]),
        person(10, AccountKind::Official, Some(A), &[Role::Receiver]),
        person(11, AccountKind::Official, Some(A), &[Role::Specialist]),
        person(12, AccountKind::Official, Some(A), &[Role::Approver]),
        person(20, AccountKind::Official, Some(B), &[Role::Receiver]),
        person(21, AccountKind::Official, Some(B), &[Role::Specialist]),
        person(22, AccountKind::Official, Some(B), &[Role::Approver]),
        person(30, AccountKind::Official, Some(A), &[Role::SystemAdmin]),
    ]
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn the_whole_journey_with_a_supplement() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let rules =
        Rules { calendar: &cal, processing_time: Span::WorkingDays(5), steps: 4, max_extension: Span::WorkingDays(30) };
    let p = cast();
    let (citizen, receiver, specialist, approver) = (&p[0], &p[2], &p[3], &p[4]);
    let d = Dossier::draft(UserId::new(1), &ag(A));
    assert_eq!(d.status.national_code(), None);
    let d = apply(&d, citizen, &Command::Submit, at("2026-03-02 08:00"), &rules).unwrap();
    assert_eq!(d.status.national_code(), Some(1));
    // the wrong role, agency or status is refused with a clear reason
    assert_eq!(
        apply(&d, specialist, &Command::Accept, at("2026-03-02 09:00"), &rules),
        Err(DossierError::WrongRole { action: "accept", role: Role::Receiver })
    );
    assert_eq!(
        apply(&d, &p[5], &Command::Accept, at("2026-03-02 09:00"), &rules),
        Err(DossierError::WrongAgency { action: "accept" })
    );
    assert!(matches!(
        apply(&d, approver, &Command::Approve, at("2026-03-02 09:00"), &rules),
        Err(DossierError::WrongStatus { .. })
    ));
    let d = apply(&d, receiver, &Command::Accept, at("2026-03-02 09:00"), &rules).unwrap();
    assert_eq!(d.due, Some(at("2026-03-09 09:00")));
    let to = Assignee { user_id: UserId::new(11), agency: ag(A), roles: vec![Role::Specialist] };
    let d = apply(&d, approver, &Command::Assign { to }, at("2026-03-02 10:00"), &rules).unwrap();
    assert_eq!((d.status, d.assignee, d.step), (Status::Processing, Some(UserId::new(11)), 1));
    let d = apply(
        &d,
        specialist,
        &Command::RequestSupplement { missing: vec!["Bản sao giấy khai sinh".into()] },
        at("2026-03-03 10:00"),
        &rules,
    )
    .unwrap();
    assert_eq!(d.status.national_code(), Some(5));
    assert!(!d.status.clock_runs());
    // someone else's dossier
    assert_eq!(
        apply(&d, &p[1], &Command::Resubmit, at("2026-03-05 10:00"), &rules),
        Err(DossierError::NotOwner { action: "resubmit" })
    );
    assert_eq!(d.pending_documents(), vec![(0, "Bản sao giấy khai sinh")]);
    let d = apply(&d, citizen, &Command::Resubmit, at("2026-03-05 10:00"), &rules).unwrap();
    assert_eq!((d.status, d.due), (Status::Processing, Some(at("2026-03-12 10:00"))), "restarted from zero");
    assert!(d.pending_documents().is_empty(), "nothing asked for once sent");
    // a second request: its items come after the first's, which stay named
    let again = Command::RequestSupplement { missing: vec!["Ảnh 4x6".into(), " ".into(), "Sổ hộ khẩu".into()] };
    let d2 = apply(&d, specialist, &again, at("2026-03-05 11:00"), &rules).unwrap();
    assert_eq!(d2.pending_documents(), vec![(1, "Ảnh 4x6"), (2, "Sổ hộ khẩu")]);
    assert_eq!(d2.requested_document(SUPPLEMENT_PART_BASE), Some("Bản sao giấy khai sinh"));
    assert_eq!(d2.requested_document(1), None, "a procedure's part is no requested document");
    let d = apply(&d, approver, &Command::Approve, at("2026-03-06 10:00"), &rules).unwrap();
    assert_eq!(
        apply(&d, receiver, &Command::ReturnResult { electronic: false, paper: false }, at("2026-03-06 11:00"), &rules),
        Err(DossierError::NoResult),
        "a result goes out some way"
    );
    let d =
        apply(&d, receiver, &Command::ReturnResult { electronic: true, paper: false }, at("2026-03-06 11:00"), &rules)
            .unwrap();
    assert_eq!(d.result, Some(ResultDelivery { electronic: true, paper: false }));
    assert_eq!(d.status.national_code(), Some(10));
    assert!(d.status.is_final());
    // then the citizen rates it, once
    assert_eq!(rate(&d, &p[1]), Err(DossierError::NotOwner { action: "rate" }));
    let rated = rate(&d, citizen).unwrap();
    assert_eq!(rate(&rated, citizen), Err(DossierError::AlreadyRated));
    assert_eq!(Rating::new(&[2; 9]).unwrap().total(), 18);
    assert_eq!(Rating::new(&[3, 0, 0, 0, 0, 0, 0, 0, 0]), Err(DossierError::BadRating));
    assert_eq!(Rating::new(&[1; 8]), Err(DossierError::BadRating));
}

#[test]
fn apology_once_and_only_before_the_due_date() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let rules =
        Rules { calendar: &cal, processing_time: Span::WorkingDays(1), steps: 3, max_extension: Span::WorkingDays(30) };
    let p = cast();
    let mut d = Dossier::draft(UserId::new(1), &ag(A));
    d = apply(&d, &p[0], &Command::Submit, at("2026-03-02 08:00"), &rules).unwrap();
    d = apply(&d, &p[2], &Command::Accept, at("2026-03-02 08:00"), &rules).unwrap();
    let due = d.due.unwrap();
    let late = Command::Apologize { new_due: due + Duration::days(3), reason: "Cần xác minh".into() };
    assert_eq!(apply(&d, &p[4], &late, due, &rules), Err(DossierError::TooLate));
    let earlier = Command::Apologize { new_due: due - Duration::hours(1), reason: "x".into() };
    assert_eq!(apply(&d, &p[4], &earlier, at("2026-03-02 09:00"), &rules), Err(DossierError::NewDueNotLater));
    let d2 = apply(&d, &p[4], &late, at("2026-03-02 09:00"), &rules).unwrap();
    assert_eq!(d2.due, Some(due + Duration::days(3)));
    let again = Command::Apologize { new_due: due + Duration::days(5), reason: "x".into() };
    assert_eq!(apply(&d2, &p[4], &again, at("2026-03-02 10:00"), &rules), Err(DossierError::AlreadyApologized));
}

#[test]
fn an_apology_extends_the_due_date_by_at_most_the_configured_span() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let rules =
        Rules { calendar: &cal, processing_time: Span::WorkingDays(1), steps: 3, max_extension: Span::WorkingDays(10) };
    let p = cast();
    let mut d = Dossier::draft(UserId::new(1), &ag(A));
    d = apply(&d, &p[0], &Command::Submit, at("2026-03-02 08:00"), &rules).unwrap();
    d = apply(&d, &p[2], &Command::Accept, at("2026-03-02 08:00"), &rules).unwrap();
    let due = d.due.unwrap();
    let now = at("2026-03-02 09:00");
    let latest = cal.due(due, Span::WorkingDays(10)).unwrap();
    let far = Command::Apologize { new_due: at("9999-12-31 17:00"), reason: "x".into() };
    assert!(matches!(apply(&d, &p[4], &far, now, &rules), Err(DossierError::ExtensionTooLong(_))));
    let past = Command::Apologize { new_due: latest + Duration::minutes(1), reason: "x".into() };
    assert!(matches!(apply(&d, &p[4], &past, now, &rules), Err(DossierError::ExtensionTooLong(_))));
    let edge = Command::Apologize { new_due: latest, reason: "x".into() };
    assert_eq!(apply(&d, &p[4], &edge, now, &rules).unwrap().due, Some(latest));
}

#[test]
fn online_return_happens_once_and_lists_what_is_missing() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let rules =
        Rules { calendar: &cal, processing_time: Span::WorkingDays(1), steps: 3, max_extension: Span::WorkingDays(30) };
    let p = cast();
    let d = apply(&Dossier::draft(UserId::new(1), &ag(A)), &p[0], &Command::Submit, at("2026-03-02 08:00"), &rules)
        .unwrap();
    assert_eq!(
        apply(&d, &p[2], &Command::ReturnIncomplete { missing: vec![" ".into()] }, at("2026-03-02 09:00"), &rules),
        Err(DossierError::NothingMissing)
    );
    let d = apply(
        &d,
        &p[2],
        &Command::ReturnIncomplete { missing: vec!["Tờ khai".into()] },
        at("2026-03-02 09:00"),
        &rules,
    )
    .unwrap();
    let d = apply(&d, &p[0], &Command::Submit, at("2026-03-03 09:00"), &rules).unwrap();
    assert_eq!(
        apply(
            &d,
            &p[2],
            &Command::ReturnIncomplete { missing: vec!["Tờ khai".into()] },
            at("2026-03-03 10:00"),
            &rules
        ),
        Err(DossierError::AlreadyReturned)
    );
}

/// A small deterministic generator (SplitMix64) for the property test.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_command(r: &mut Rng, now: NaiveDateTime, d: &Dossier) -> Command {
    let agencies = [A, B];
    match r.below(13) {
        0 => Command::Submit,
        1 => Command::Accept,
        2 => Command::ReturnIncomplete { missing: if r.below(4) == 0 { vec![] } else { vec!["Tờ khai".into()] } },
        3 => {
            let agency = agencies[r.below(2)];
            let roles = if r.below(3) == 0 { vec![Role::Receiver] } else { vec![Role::Specialist] };
            Command::Assign { to: Assignee { user_id: UserId::new([11, 21][r.below(2)]), agency: ag(agency), roles } }
        }
        4 => Command::Forward { to_agency: if r.below(2) == 0 { None } else { Some(ag(agencies[r.below(2)])) } },
        5 => Command::RequestSupplement { missing: vec!["Giấy tờ".into()] },
        6 => Command::Resubmit,
        7 if r.below(3) == 0 => Command::Refuse {
            reason: if r.below(5) == 0 { String::new() } else { "Không đủ điều kiện".into() },
        },
        7 => Command::Assign {
            to: Assignee { user_id: UserId::new(11), agency: d.current_agency.clone(), roles: vec![Role::Specialist] },
        },
        8 if r.below(4) == 0 => Command::Withdraw { reason: "Không cần nữa".into() },
        8 => Command::Approve,
        9 if r.below(4) == 0 => Command::Stop { reason: "Dừng".into() },
        9 => Command::Accept,
        10 => Command::Approve,
        11 => Command::ReturnResult { electronic: r.below(2) == 0, paper: r.below(2) == 0 },
        _ => {
            let base = d.due.unwrap_or(now);
            let shift = r.below(10) as i64 - 3;
            Command::Apologize { new_due: base + Duration::days(shift), reason: "Xin lỗi".into() }
        }
    }
}

/// Random sequences of actions by random people never reach an invalid
/// state, and the due date moves only by acceptance, a restart after a
/// supplement, or the one apology.
#[test]
fn random_sequences_keep_every_invariant() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let people = cast();
    let mut r = Rng(20261128);
    let mut reached = std::collections::HashSet::new();
    let mut ok_counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for _ in 0..3000 {
        let steps = 2 + r.below(4);
        let rules = Rules {
            calendar: &cal,
            processing_time: Span::WorkingDays(1 + r.below(10) as u32),
            steps,
            max_extension: Span::WorkingDays(30),
        };
        let mut d = Dossier::draft(UserId::new(1), &ag(A));
        let mut now = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap().and_hms_opt(8, 0, 0).unwrap();
        let mut apologies = 0;
        for _ in 0..40 {
            now += Duration::minutes(r.below(3 * 24 * 60) as i64);
            let cmd = random_command(&mut r, now, &d);
            // Mostly the person the command is meant for, sometimes anyone:
            // so that long lives are explored as well as refusals.
            let natural = match &cmd {
                Command::Submit | Command::Resubmit | Command::Withdraw { .. } => 1,
                Command::Accept | Command::ReturnIncomplete { .. } | Command::ReturnResult { .. } => 10,
                Command::Forward { .. } | Command::RequestSupplement { .. } => {
                    if d.current_agency == A {
                        11
                    } else {
                        21
                    }
                }
                _ => {
                    if d.current_agency == A {
                        12
                    } else {
                        22
                    }
                }
            };
            let who = if r.below(10) < 7 {
                people.iter().find(|p| p.user_id == UserId::new(natural)).unwrap()
            } else {
                &people[r.below(people.len())]
            };
            let before = d.clone();
            // what the pages offer agrees with what the machine accepts: an
            // offered kind fails only for its details, a refused kind never
            // succeeds (but forwarding to another agency from the last step)
            let offered = available_commands(&d, who, now, &rules).contains(&cmd.kind());
            let result = apply(&d, who, &cmd, now, &rules);
            match &result {
                Ok(_) => {
                    assert!(offered || matches!(&cmd, Command::Forward { to_agency: Some(_) }), "{cmd:?} not offered")
                }
                Err(e) if offered => assert!(
                    matches!(
                        e,
                        DossierError::NothingMissing
                            | DossierError::NoReason
                            | DossierError::BadAssignee
                            | DossierError::NoResult
                            | DossierError::FeeUnpaidAtSubmission
                            | DossierError::FeeUnpaid
                            | DossierError::NewDueNotLater
                            | DossierError::ExtensionTooLong(_)
                            | DossierError::LastStep
                            | DossierError::Calendar(_)
                    ),
                    "{cmd:?} offered, then refused: {e:?}"
                ),
                Err(_) => {}
            }
            match result {
                Err(_) => assert_eq!(d, before),
                Ok(n) => {
                    *ok_counts.entry(cmd.name()).or_default() += 1;
                    assert!(!before.status.is_final(), "{cmd:?} changed a final dossier");
                    if n.due != before.due {
                        match &cmd {
                            Command::Accept | Command::Resubmit => {}
                            Command::Apologize { .. } => {
                                apologies += 1;
                                assert!(n.due > before.due && before.due.is_some_and(|due| now < due));
                            }
                            other => panic!("{other:?} moved the due date"),
                        }
                    }
                    d = n;
                }
            }
            reached.insert(d.status);
            // invariants of every state
            assert!(apologies <= 1);
            assert_eq!(d.status.national_code().is_none(), d.status == Status::Draft);
            match d.status {
                Status::Draft | Status::Submitted | Status::ReturnedIncomplete => assert!(d.due.is_none(), "{d:?}"),
                Status::Accepted
                | Status::Processing
                | Status::SupplementRequested
                | Status::Approved
                | Status::ResultReturned => {
                    assert!(d.due.is_some(), "{d:?}")
                }
                _ => {}
            }
            if d.status == Status::Processing {
                assert!(d.assignee.is_some());
            }
            // a returned result says how it went out, and some way it did
            assert_eq!(d.result.is_some(), d.status == Status::ResultReturned, "{d:?}");
            assert!(d.result.iter().all(|r| r.electronic || r.paper), "{d:?}");
            assert!(d.step < steps.max(1), "{d:?}");
            assert!(d.current_agency == A || d.current_agency == B);
            assert_eq!(d.receiving_agency, A);
        }
    }
    eprintln!("{ok_counts:?}");
    // the random walk did explore the machine
    for s in [
        Status::Accepted,
        Status::Processing,
        Status::SupplementRequested,
        Status::Approved,
        Status::ResultReturned,
        Status::Refused,
        Status::Withdrawn,
        Status::Stopped,
        Status::ReturnedIncomplete,
    ] {
        assert!(reached.contains(&s), "never reached {s:?}");
    }
}

#[test]
fn counter_receipt_is_accepted_at_once_by_a_receiver_of_the_agency() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let rules =
        Rules { calendar: &cal, processing_time: Span::WorkingDays(2), steps: 3, max_extension: Span::WorkingDays(30) };
    let p = cast();
    let d = receive_at_counter(&p[2], &ag(A), UserId::new(1), at("2026-03-02 09:00"), &rules).unwrap();
    assert_eq!((d.status, d.channel, d.due), (Status::Accepted, Channel::Counter, Some(at("2026-03-04 09:00"))));
    assert_eq!(
        receive_at_counter(&p[3], &ag(A), UserId::new(1), at("2026-03-02 09:00"), &rules),
        Err(DossierError::WrongRole { action: "receive_at_counter", role: Role::Receiver })
    );
    assert_eq!(
        receive_at_counter(&p[5], &ag(A), UserId::new(1), at("2026-03-02 09:00"), &rules),
        Err(DossierError::WrongAgency { action: "receive_at_counter" })
    );
    // the citizen can then withdraw it like any other
    assert!(apply(&d, &p[0], &Command::Withdraw { reason: "x".into() }, at("2026-03-02 10:00"), &rules).is_ok());
}

#[test]
fn files_are_typed_by_their_content() {
    assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
    assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
    assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some("image/png"));
    assert_eq!(sniff(b"MZ\x90\x00 an .exe renamed to .pdf"), None);
    assert_eq!(sniff(b""), None);
}

#[test]
fn each_move_waits_on_the_right_desk() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let rules =
        Rules { calendar: &cal, processing_time: Span::WorkingDays(5), steps: 4, max_extension: Span::WorkingDays(30) };
    let p = cast();
    let (citizen, receiver, specialist, approver) = (&p[0], &p[2], &p[3], &p[4]);
    let now = at("2026-03-02 08:00");
    let d = Dossier::draft(UserId::new(1), &ag(A));
    assert_eq!(d.work(), None);
    let d = apply(&d, citizen, &Command::Submit, now, &rules).unwrap();
    assert_eq!(d.work(), Some(Work::Receive));
    let d = apply(&d, receiver, &Command::Accept, now, &rules).unwrap();
    assert_eq!(d.work(), Some(Work::Assign));
    let to = Assignee { user_id: UserId::new(11), agency: ag(A), roles: vec![Role::Specialist] };
    let d = apply(&d, approver, &Command::Assign { to }, now, &rules).unwrap();
    assert_eq!(d.work(), Some(Work::Process));
    let asked = Command::RequestSupplement { missing: vec!["Bản sao".into()] };
    let d = apply(&d, specialist, &asked, now, &rules).unwrap();
    assert_eq!(d.work(), Some(Work::Citizen));
    let d = apply(&d, citizen, &Command::Resubmit, now, &rules).unwrap();
    assert_eq!(d.work(), Some(Work::Process));
    // forwarded to the step before the last: the approver's move
    let d = apply(&d, specialist, &Command::Forward { to_agency: None }, now, &rules).unwrap();
    assert_eq!((d.step, d.work()), (2, Some(Work::Approve)));
    assert!(!available_commands(&d, specialist, now, &rules).contains(&CommandKind::Forward));
    let d = apply(&d, approver, &Command::Approve, now, &rules).unwrap();
    assert_eq!(d.work(), Some(Work::Return));
    let d = apply(&d, receiver, &Command::ReturnResult { electronic: false, paper: true }, now, &rules).unwrap();
    assert_eq!(d.work(), None);
    // with two steps only, the assigned dossier is at its approval step at once
    let short = Rules { steps: 2, ..rules };
    let d = apply(&Dossier::draft(UserId::new(1), &ag(A)), citizen, &Command::Submit, now, &short).unwrap();
    let d = apply(&d, receiver, &Command::Accept, now, &short).unwrap();
    let to = Assignee { user_id: UserId::new(11), agency: ag(A), roles: vec![Role::Specialist] };
    let d = apply(&d, approver, &Command::Assign { to }, now, &short).unwrap();
    assert_eq!(d.work(), Some(Work::Approve));
    for w in Work::ALL {
        assert_eq!(Work::parse(w.as_str()), Some(w));
    }
}

#[test]
fn unpaid_fees_hold_reception_and_the_result_with_a_clear_refusal() {
    let cal = Calendar::new(&[], WorkingHours::default());
    let rules =
        Rules { calendar: &cal, processing_time: Span::WorkingDays(5), steps: 4, max_extension: Span::WorkingDays(30) };
    let p = cast();
    let receiver = &p[2];
    let mut d = Dossier::draft(UserId::new(1), &ag(A));
    d.status = Status::Submitted;
    d.fees = FeeHolds { reception: true, result: true };
    let now = at("2026-03-02 09:00");
    assert_eq!(apply(&d, receiver, &Command::Accept, now, &rules), Err(DossierError::FeeUnpaidAtSubmission));
    d.fees.reception = false;
    assert!(apply(&d, receiver, &Command::Accept, now, &rules).is_ok());
    d.status = Status::Approved;
    let back = Command::ReturnResult { electronic: false, paper: true };
    assert_eq!(apply(&d, receiver, &back, now, &rules), Err(DossierError::FeeUnpaid));
    // the details come first: with nothing to hand over, that is what is said
    let nothing = Command::ReturnResult { electronic: false, paper: false };
    assert_eq!(apply(&d, receiver, &nothing, now, &rules), Err(DossierError::NoResult));
    d.fees.result = false;
    assert_eq!(apply(&d, receiver, &back, now, &rules).map(|n| n.status), Ok(Status::ResultReturned));
}

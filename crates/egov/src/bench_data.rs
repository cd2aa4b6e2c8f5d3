//! `egov bench-data`: a synthetic year of dossiers straight into the
//! database, for the quality index's figures at scale. Deterministic for a
//! seed: the demo's agencies and procedures, channels, assignments,
//! supplements (some twice), lateness, withdrawals, results and ratings,
//! with histories the index reads like real ones.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use egov_calendar::Span;
use egov_dossier::{Channel, Dossier, DossierCode, EventKind, ResultDelivery, Status};
use egov_store::{EventRow, NewDossier, Store};

/// A small, fast, deterministic generator (xorshift64*).
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for a seed (any, zero included).
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `pct` percent.
    fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

/// One generated dossier: its row, its history, its rating.
struct Life {
    new: NewDossier,
    received: NaiveDateTime,
    steps: Vec<(NaiveDateTime, EventKind, Status, Status, Option<NaiveDateTime>)>,
    rating: Option<[u8; 9]>,
}

fn micros(t: NaiveDateTime) -> i64 {
    egov_kernel::vn::to_micros(t)
}

/// Generates `n` dossiers received in `year` up to `now`; returns how many were written.
pub async fn generate(store: &Store, n: u64, seed: u64, year: i32, now: NaiveDateTime) -> Result<u64, String> {
    let procedures = store.procedures().await.map_err(|e| e.to_string())?;
    let calendar = store.calendar().await.map_err(|e| e.to_string())?;
    let offers: Vec<(String, String, Span)> = procedures
        .iter()
        .map(|(p, _)| p)
        .flat_map(|p| {
            let span = match p.processing_time.unit {
                egov_catalog::TimeUnit::WorkingDays => Span::WorkingDays(p.processing_time.amount.max(1)),
                egov_catalog::TimeUnit::WorkingHours => Span::WorkingHours(p.processing_time.amount.max(1)),
            };
            p.agencies.iter().map(move |a| (p.code.to_string(), a.clone(), span))
        })
        .collect();
    if offers.is_empty() {
        return Err("no procedure is offered: load the demo data first (egov serve --demo, or egov bench-data on a demo database)".into());
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("bad year")?;
    let last = now.date().min(NaiveDate::from_ymd_opt(year, 12, 31).ok_or("bad year")?);
    let days: Vec<NaiveDate> =
        first.iter_days().take_while(|d| *d <= last).filter(|d| calendar.is_working_day(*d).unwrap_or(false)).collect();
    if days.is_empty() {
        return Err(format!("no working day in {year} before {now}"));
    }
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let per_day = n / days.len() as u64;
    let extra = n % days.len() as u64;
    let mut written = 0u64;
    for (di, day) in days.iter().enumerate() {
        let count = per_day + u64::from((di as u64) < extra);
        let mut lives: Vec<(String, Life)> = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let (proc, agency, span) = offers[rng.below(offers.len() as u64) as usize].clone();
            // (on the last day, not after `now`)
            let received = day.and_hms_opt(7 + rng.below(8) as u32, 30, 0).unwrap_or_default().min(now);
            lives.push((agency.clone(), live(&mut rng, &calendar, proc, &agency, span, received, now)));
        }
        // numbers per agency of the day, in one upsert each, inside the batch's transaction
        lives.sort_by(|a, b| a.0.cmp(&b.0));
        let mut w = store.begin_write().await.map_err(|e| e.to_string())?;
        let mut codes = Vec::with_capacity(lives.len());
        let mut i = 0;
        while i < lives.len() {
            let agency = lives[i].0.clone();
            let j = lives[i..].iter().position(|(a, _)| *a != agency).map(|k| i + k).unwrap_or(lives.len());
            let first = w.take_dossier_seqs(&agency, *day, (j - i) as u32).await.map_err(|e| e.to_string())?;
            for k in 0..(j - i) {
                codes.push(DossierCode::new(&agency, *day, first + k as u32));
            }
            i = j;
        }
        for (chunk_l, chunk_c) in lives.chunks(500).zip(codes.chunks(500)) {
            let rows: Vec<(&NewDossier, Option<&DossierCode>, Option<i64>)> =
                chunk_l.iter().zip(chunk_c).map(|((_, l), c)| (&l.new, Some(c), Some(micros(l.received)))).collect();
            let ids = w.insert_dossiers(&rows).await.map_err(|e| e.to_string())?;
            let events: Vec<EventRow> = chunk_l
                .iter()
                .zip(&ids)
                .flat_map(|((_, l), id)| {
                    l.steps.iter().map(move |(at, action, from, to, due)| EventRow {
                        dossier_id: *id,
                        at: micros(*at),
                        actor_id: None,
                        action: *action,
                        from: *from,
                        to: *to,
                        note: "",
                        due: *due,
                    })
                })
                .collect();
            w.add_dossier_events(&events).await.map_err(|e| e.to_string())?;
            // their shares of the quality index, kept in this transaction
            w.touch(&ids);
            for ((_, l), id) in chunk_l.iter().zip(&ids) {
                if let Some(scores) = l.rating {
                    w.add_rating(*id, &egov_dossier::Rating(scores)).await.map_err(|e| e.to_string())?;
                }
            }
        }
        w.audit(egov_audit::Event::new(
            "system:bench-data".to_string(),
            "bench.generate".to_string(),
            format!("day:{day}"),
            None::<&()>,
            Some(&count),
        ));
        w.commit().await.map_err(|e| e.to_string())?;
        written += count;
    }
    Ok(written)
}

/// One dossier's life from its receipt, cut at `now`.
fn live(
    rng: &mut Rng,
    cal: &egov_calendar::Calendar,
    procedure: String,
    agency: &str,
    span: Span,
    received: NaiveDateTime,
    now: NaiveDateTime,
) -> Life {
    let online = rng.pct(60);
    let mut d = Dossier::draft(egov_identity::UserId::new(1), &egov_identity::AgencyId::from_stored(agency.into()));
    d.channel = if online { Channel::Online } else { Channel::Counter };
    let due = cal.due(received, span).unwrap_or(received + Duration::days(3));
    use egov_dossier::CommandKind as K;
    use EventKind::Command as C;
    let mut steps = Vec::new();
    let mut t = received;
    let push = |steps: &mut Vec<_>, at: NaiveDateTime, action, from, to, due| {
        if at <= now {
            steps.push((at, action, from, to, due));
        }
    };
    push(
        &mut steps,
        t,
        if online { C(K::Accept) } else { EventKind::ReceiveAtCounter },
        Status::Draft,
        Status::Accepted,
        Some(due),
    );
    d.status = Status::Accepted;
    d.due = Some(due);
    let mut current_due = due;
    t += Duration::hours(1);
    push(&mut steps, t, C(K::Assign), Status::Accepted, Status::Processing, Some(current_due));
    d.status = Status::Processing;
    d.assignee = Some(egov_identity::UserId::new(2 + rng.below(20) as i64));
    let supplements = if rng.pct(15) { 1 + u32::from(rng.pct(20)) } else { 0 };
    for _ in 0..supplements {
        t += Duration::hours(2 + rng.below(20) as i64);
        push(&mut steps, t, C(K::RequestSupplement), Status::Processing, Status::SupplementRequested, None);
        t += Duration::hours(24 + rng.below(96) as i64);
        current_due = cal.due(t, span).unwrap_or(t + Duration::days(3));
        push(&mut steps, t, C(K::Resubmit), Status::SupplementRequested, Status::Processing, Some(current_due));
        d.supplements += 1;
    }
    let withdrawn = rng.pct(3);
    let late = rng.pct(10);
    let end = if late {
        current_due + Duration::hours(4 + rng.below(120) as i64)
    } else {
        t + (current_due - t) * (20 + rng.below(75) as i32) / 100
    };
    let mut rating = None;
    if withdrawn {
        let at = t + Duration::hours(3);
        push(&mut steps, at, C(K::Withdraw), Status::Processing, Status::Withdrawn, None);
        if at <= now {
            d.status = Status::Withdrawn;
        }
    } else if end <= now {
        push(&mut steps, end, C(K::Approve), Status::Processing, Status::Approved, Some(current_due));
        d.status = Status::Approved;
        let back = end + Duration::hours(2);
        if back <= now {
            let electronic = rng.pct(70);
            push(&mut steps, back, C(K::ReturnResult), Status::Approved, Status::ResultReturned, Some(current_due));
            d.status = Status::ResultReturned;
            d.result = Some(ResultDelivery { electronic, paper: !electronic || rng.pct(30) });
            if rng.pct(30) {
                let mut s = [2u8; 9];
                for x in s.iter_mut() {
                    *x = (if late { rng.below(3) } else { 1 + rng.below(2) }) as u8;
                }
                rating = Some(s);
                d.rated = true;
            }
        }
    }
    d.due = if d.status == Status::SupplementRequested { None } else { Some(current_due) };
    let name = format!("Công dân {}", rng.below(1_000_000));
    Life {
        new: NewDossier {
            procedure_code: procedure.into(),
            applicant_folded: egov_catalog::search::fold(&name),
            applicant_name: name,
            applicant_id_number: None,
            state: d,
            form_data: Default::default(),
            parts: Vec::new(),
            files: Vec::new(),
            draft: None,
            filed_by: None,
            // payments are not generated (yet)
            fees: Vec::new(),
        },
        received,
        steps,
        rating,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_spread() {
        let mut a = Rng(42);
        let mut b = Rng(42);
        let xs: Vec<u64> = (0..100).map(|_| a.below(10)).collect();
        assert_eq!(xs, (0..100).map(|_| b.below(10)).collect::<Vec<_>>());
        assert!((0..10).all(|v| xs.contains(&v)));
    }
}

//! A province's year beside its dossiers, for the IT plan's figure
//! (issue 23): machines in the inventory with a day of coverage each day
//! (a few uncovered), connection points with their probes (paused: the
//! outages are the generator's) and about a dozen outages a probe, commune
//! radio stations (about half IT-based), and the year's plan from the
//! template with today's readings. Deterministic for a seed; written
//! through the store's own writes, in batches.

use chrono::{NaiveDate, NaiveDateTime};
use egov_kernel::Clock;
use egov_network::{AccessLevel, Change, NewProbe, NewSite, Outcome, SiteKind, Target, Tracker};
use egov_protection::{Coverage, MachineKind, NewMachine};
use egov_radio::{NewStation, StationKind, StationStatus};
use egov_store::network::Record;

use crate::bench_data::Rng;

const WHO: &str = "system:bench-data";

/// What the province has beside its dossiers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Province {
    pub machines: u64,
    pub probes: u64,
    pub stations: u64,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Generates the province's machines, probes and stations of `year` up to
/// `now`, and the year's plan; what was written, in words.
pub async fn generate(
    store: &egov_store::Store,
    p: Province,
    seed: u64,
    year: i32,
    now: NaiveDateTime,
) -> Result<String, String> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("bad year")?;
    let last = now.date().min(NaiveDate::from_ymd_opt(year, 12, 31).ok_or("bad year")?);
    // records stamped at the year's start (a probe is watched from its creation)
    let clock = Clock::fixed(first.and_hms_opt(0, 0, 0).unwrap_or_default());
    let app = egov_app::App::new(store.clone(), egov_app::Config { clock: clock.clone(), ..Default::default() })
        .await
        .map_err(err)?;
    let mut rng = Rng::new(seed ^ 0x5EED_2023);
    let agencies: Vec<String> =
        store.agencies().await.map_err(err)?.into_iter().map(|a| a.id.as_str().to_string()).collect();
    let communes: Vec<String> = store
        .units()
        .await
        .map_err(err)?
        .into_iter()
        .filter(|u| u.level == egov_directory::UnitLevel::Commune && u.effective_to.is_none())
        .map(|u| u.code.as_str().to_string())
        .collect();
    if agencies.is_empty() || communes.is_empty() {
        return Err("no agency or commune: load the demo data first (--demo)".into());
    }
    // machines, spread over the agencies
    let mut per_agency = vec![0u32; agencies.len()];
    let list: Vec<NewMachine> = (0..p.machines)
        .map(|i| {
            let a = (i % agencies.len() as u64) as usize;
            per_agency[a] += 1;
            NewMachine {
                agency_id: agencies[a].clone(),
                name: format!("PC-{:05}", i + 1),
                kind: if i % 10 == 0 { MachineKind::Server } else { MachineKind::Workstation },
                location: String::new(),
                address: String::new(),
                notes: String::new(),
                added_on: first,
                retired_on: None,
            }
        })
        .collect();
    for chunk in list.chunks(1000) {
        let mut w = store.begin_write().await.map_err(err)?;
        w.pr_import_machines(chunk, WHO).await.map_err(err)?;
        w.commit().await.map_err(err)?;
    }
    // each day's coverage: each agency's machines, a few without a current agent
    if p.machines > 0 {
        for day in first.iter_days().take_while(|d| *d <= last) {
            let by: Vec<(String, Coverage)> = agencies
                .iter()
                .zip(&per_agency)
                .filter(|(_, n)| **n > 0)
                .map(|(a, n)| {
                    (a.clone(), Coverage { machines: *n, covered: n - (rng.below(u64::from(*n) / 20 + 1) as u32) })
                })
                .collect();
            store.pr_save_coverage(day, &by).await.map_err(err)?;
        }
    }
    // connection points of the communes, two probes each, paused; outages as the prober records them
    let year_us = (egov_kernel::vn::to_micros(last.and_hms_opt(23, 59, 0).unwrap_or_default()))
        - egov_kernel::vn::to_micros(first.and_hms_opt(0, 0, 0).unwrap_or_default());
    let start_us = egov_kernel::vn::to_micros(first.and_hms_opt(0, 0, 0).unwrap_or_default());
    let mut outages = 0u64;
    let sites = p.probes.div_ceil(2);
    let mut made = 0u64;
    for s in 0..sites {
        let mut w = store.begin_write().await.map_err(err)?;
        let site = NewSite {
            name: format!("Điểm kết nối {:04}", s + 1),
            kind: SiteKind::Commune,
            unit_code: communes[(s % communes.len() as u64) as usize].clone(),
            agency_id: None,
            access_level: AccessLevel::Two,
            address: String::new(),
            public: false,
            notes: String::new(),
        };
        let site_id = w.net_save_site(None, &site, WHO).await.map_err(err)?;
        for k in 0..2 {
            if made == p.probes {
                break;
            }
            made += 1;
            let probe = NewProbe {
                name: format!("Thiết bị {}", k + 1),
                target: Target::Icmp { host: format!("10.{}.{}.{}", 72, s % 250, k + 1) },
                interval_s: 60,
                timeout_s: 5,
                down_after: 3,
            };
            let id = w.net_save_probe(None, site_id, &probe, None, WHO).await.map_err(err)?;
            w.net_pause_probe(id, true, WHO).await.map_err(err)?;
            // a dozen outages over the year, 10 minutes to 3 hours each, in order
            let n = 8 + rng.below(9);
            let mut starts: Vec<i64> = (0..n).map(|_| start_us + rng.below(year_us.max(1) as u64) as i64).collect();
            starts.sort_unstable();
            let mut slot = 0i64;
            let mut free_from = start_us;
            let mut records = Vec::new();
            for t0 in starts {
                if t0 < free_from {
                    continue;
                }
                let t1 = t0 + (10 + rng.below(170) as i64) * 60_000_000;
                let rec = |slot, at, outcome, change, tracker| Record {
                    probe_id: id,
                    site_id,
                    slot,
                    planned: at,
                    at,
                    outcome,
                    change,
                    tracker,
                    cert_expires_at: None,
                };
                let down = Tracker { failures: 3, first_failure: Some(t0), down: true };
                records.push(rec(slot + 1, t0 + 120_000_000, Outcome::down(0, "timeout"), Change::WentDown, down));
                records.push(rec(slot + 2, t1, Outcome::up(4), Change::CameBack, Tracker::default()));
                slot += 2;
                free_from = t1 + 60_000_000;
                outages += 1;
            }
            w.net_record(&records).await.map_err(err)?;
        }
        w.commit().await.map_err(err)?;
    }
    // commune radio stations, about half IT-based
    for i in 0..p.stations {
        let st = NewStation {
            name: format!("Đài truyền thanh {:03}", i + 1),
            unit_code: communes[(i % communes.len() as u64) as usize].clone(),
            kind: match i % 25 {
                0..=12 => StationKind::Ip,
                13..=20 => StationKind::Wired,
                _ => StationKind::Fm,
            },
            status: StationStatus::Operating,
            staff: 1 + (i % 3) as u32,
            address: String::new(),
        };
        let mut w = store.begin_write().await.map_err(err)?;
        w.radio_save_station(None, &st, WHO).await.map_err(err)?;
        w.commit().await.map_err(err)?;
    }
    // the year's plan, and today's readings of the registers
    clock.set(now);
    if store.plan(year).await.map_err(err)?.is_none() {
        let indicators = egov_app::plan::read_template(egov_plan::template::template_csv().as_bytes()).map_err(err)?;
        let plan = egov_store::plan::Plan { year, decision: "QĐ 1/QĐ-UBND".into(), adopted_on: first };
        egov_app::plan::create(&app, egov_app::Actor::Operator, &plan, &indicators).await.map_err(err)?;
    }
    egov_app::plan::keep_readings(&app).await.map_err(err)?;
    Ok(format!(
        "{} machines with {} days of coverage, {made} probes at {sites} points with {outages} outages, {} stations, the plan of {year}",
        p.machines,
        (last - first).num_days() + 1,
        p.stations
    ))
}

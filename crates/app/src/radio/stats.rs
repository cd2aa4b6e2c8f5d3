//! Commune radio's figures over a period: playbacks and their completion
//! per commune (the commune a station's code named on the day it played:
//! a merged commune's history stays under the old unit before the merger
//! and counts under the new one after), hours broadcast, bulletins by
//! category and priority, and how fast emergencies reached their devices.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use egov_radio::{Category, Priority};

use super::unit_on;
use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub plays: usize,
    pub completed: usize,
    /// Milliseconds broadcast.
    pub ms: i64,
}

/// One emergency's delivery: devices that acknowledged it, and how long
/// after its approval (milliseconds: median and the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub bulletin_id: i64,
    pub title: String,
    pub delivered: usize,
    pub median_ms: i64,
    pub last_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub total: Tally,
    /// By commune code (as that day named it).
    pub by_unit: BTreeMap<String, Tally>,
    pub by_station: BTreeMap<i64, Tally>,
    /// Bulletins approved in the period.
    pub by_category: BTreeMap<Category, usize>,
    pub by_priority: BTreeMap<Priority, usize>,
    pub emergencies: Vec<Delivery>,
    pub devices: usize,
    pub online: usize,
    /// Devices online over the period, a line a day that has notes.
    pub presence: Vec<DayPresence>,
    /// The same, station by station.
    pub presence_by_station: BTreeMap<i64, Vec<DayPresence>>,
}

/// The devices of one day, from its quarter-hour notes (every station's
/// summed at each quarter): the most there were, and of those online the
/// average (in tenths) and the fewest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPresence {
    pub day: NaiveDate,
    pub quarters: usize,
    pub devices: i64,
    pub online_tenths: i64,
    pub fewest_online: i64,
}

/// How often the devices online are noted.
pub const PRESENCE_EVERY_MICROS: i64 = 15 * 60 * 1_000_000;

/// Notes each station's devices online now, once a quarter hour (several
/// instances note a quarter once).
pub async fn note_presence(app: &App) -> Result<u64, AppError> {
    let now = app.store.now();
    let quarter = now - now.rem_euclid(PRESENCE_EVERY_MICROS);
    Ok(app.store.radio_note_presence(quarter, now - super::ONLINE_MICROS + 1).await?)
}

/// Keeps notes of devices online made elsewhere (the demo's past), in one
/// transaction.
pub async fn keep_presence(app: &App, notes: &[egov_store::radio::Presence]) -> Result<(), AppError> {
    let mut w = app.store.begin_write().await?;
    w.radio_put_presence(notes).await?;
    w.commit().await?;
    Ok(())
}

/// Notes the devices online every few minutes (each quarter once).
pub const PRESENCE: crate::jobs::Job = crate::jobs::Job {
    name: "radio-presence",
    every: std::time::Duration::from_secs(300),
    run: |app| Box::pin(async move { note_presence(&app).await.map(|_| ()) }),
    runs: crate::jobs::Runs::OnOne,
};

/// The notes grouped by day (in Vietnam's time): each quarter's stations
/// summed, then the day's quarters.
pub fn by_day(notes: &[egov_store::radio::Presence]) -> Vec<DayPresence> {
    let mut quarters: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for n in notes {
        let q = quarters.entry(n.at).or_default();
        q.0 += n.devices;
        q.1 += n.online;
    }
    let mut days: BTreeMap<NaiveDate, Vec<(i64, i64)>> = BTreeMap::new();
    for (at, q) in quarters {
        if let Some(t) = egov_kernel::vn::from_micros(at) {
            days.entry(t.date()).or_default().push(q);
        }
    }
    days.into_iter()
        .map(|(day, qs)| {
            let n = qs.len() as i64;
            DayPresence {
                day,
                quarters: qs.len(),
                devices: qs.iter().map(|q| q.0).max().unwrap_or(0),
                online_tenths: (qs.iter().map(|q| q.1).sum::<i64>() * 10 + n / 2) / n.max(1),
                fewest_online: qs.iter().map(|q| q.1).min().unwrap_or(0),
            }
        })
        .collect()
}

/// The figures of `[from, to]` (days, inclusive).
pub async fn figures(app: &App, actor: Actor<'_>, from: NaiveDate, to: NaiveDate) -> Result<Figures, AppError> {
    crate::protection::Scope::of(actor).ok_or(AppError::Forbidden)?;
    let start = egov_kernel::vn::to_micros(from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = egov_kernel::vn::to_micros(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default());
    let units = app.store.units().await?;
    let mut f = Figures::default();
    for p in app.store.radio_playbacks(start, end).await? {
        let day = egov_kernel::vn::from_micros(p.started_at).map(|t| t.date()).unwrap_or(from);
        let unit = unit_on(&units, &p.unit_code, day);
        let ms = (p.ended_at - p.started_at) / 1000;
        for t in [&mut f.total, f.by_unit.entry(unit).or_default(), f.by_station.entry(p.station_id).or_default()] {
            t.plays += 1;
            t.completed += usize::from(p.completed);
            t.ms += ms;
        }
    }
    let bulletins = app.store.radio_bulletins(100_000).await?;
    for b in bulletins.iter().filter(|b| {
        b.decided_at.is_some_and(|t| (start..end).contains(&t))
            && b.state != egov_radio::State::Rejected
            && b.state != egov_radio::State::Pending
    }) {
        *f.by_category.entry(b.b.category).or_default() += 1;
        *f.by_priority.entry(b.b.priority).or_default() += 1;
        if b.b.priority == Priority::Emergency {
            let approved = b.decided_at.unwrap_or(b.created_at);
            let mut ms: Vec<i64> =
                app.store.radio_deliveries(b.id).await?.iter().map(|(_, at)| (at - approved) / 1000).collect();
            ms.sort_unstable();
            f.emergencies.push(Delivery {
                bulletin_id: b.id,
                title: b.b.title.clone(),
                delivered: ms.len(),
                median_ms: ms.get(ms.len() / 2).copied().unwrap_or(0),
                last_ms: ms.last().copied().unwrap_or(0),
            });
        }
    }
    let now = app.store.now();
    let devices = app.store.radio_devices(None).await?;
    f.devices = devices.len();
    f.online = devices.iter().filter(|d| d.last_seen.is_some_and(|t| now - t < super::ONLINE_MICROS)).count();
    let notes = app.store.radio_presence(start, end).await?;
    f.presence = by_day(&notes);
    let mut stations: BTreeMap<i64, Vec<egov_store::radio::Presence>> = BTreeMap::new();
    for n in notes {
        stations.entry(n.station_id).or_default().push(n);
    }
    f.presence_by_station = stations.into_iter().map(|(id, notes)| (id, by_day(&notes))).collect();
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{admin_of, app, at};
    use egov_radio::{NewStation, StationKind, StationStatus};

    #[tokio::test]
    async fn devices_online_are_noted_each_quarter_and_read_by_day() {
        let clock = egov_kernel::Clock::fixed(at("2026-11-30 08:05"));
        let (app, dir) = app(clock.clone()).await;
        let mut w = app.store.begin_write().await.unwrap();
        let mut devices = Vec::new();
        for (name, n) in [("Đài A", 2), ("Đài B", 1)] {
            let s = NewStation {
                name: name.into(),
                unit_code: "72001".into(),
                kind: StationKind::Ip,
                status: StationStatus::Operating,
                staff: 1,
                address: String::new(),
            };
            let id = w.radio_save_station(None, &s, "test").await.unwrap().unwrap();
            for i in 0..n {
                devices.push(w.radio_add_device(id, &format!("{name}-{i}"), "loa", "", "test").await.unwrap().unwrap());
            }
        }
        w.commit().await.unwrap();
        let heard = |ids: &[i64]| {
            let (app, ids) = (app.clone(), ids.to_vec());
            async move {
                let mut w = app.store.begin_write().await.unwrap();
                for id in ids {
                    w.radio_status(id, None, Some(5), "").await.unwrap();
                }
                w.commit().await.unwrap();
            }
        };
        // 08:05: two of three heard; noted for the quarter from 08:00, once
        heard(&devices[..2]).await;
        assert_eq!(note_presence(&app).await.unwrap(), 2, "a note per station");
        heard(&devices).await;
        assert_eq!(note_presence(&app).await.unwrap(), 0, "the quarter is noted already");
        // 08:20: all three heard at 08:05 are no longer online (3 minutes)
        clock.set(at("2026-11-30 08:20"));
        note_presence(&app).await.unwrap();
        // the next day, 00:10: one heard
        clock.set(at("2026-12-01 00:10"));
        heard(&devices[2..]).await;
        note_presence(&app).await.unwrap();
        let f = figures(
            &app,
            crate::Actor::User(&admin_of("H72.11")),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        )
        .await
        .unwrap();
        let days: Vec<_> = f
            .presence
            .iter()
            .map(|d| (d.day.to_string(), d.quarters, d.devices, d.online_tenths, d.fewest_online))
            .collect();
        assert_eq!(
            days,
            [("2026-11-30".to_string(), 2, 3, 10, 0), ("2026-12-01".to_string(), 1, 3, 10, 1)],
            "(2 + 0) / 2 = 1.0 online on the first day, the fewest 0; 1 on the next"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}

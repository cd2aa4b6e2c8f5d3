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
    Ok(f)
}

//! Each figure egov measures, at the end of a day of a year, from its
//! module's records: the year so far (1 January to that day). Decision
//! 766's shares are those of the dossiers received in that period as the
//! records stand now (the index's own definition of a period); counts are
//! of the records dated in it; coverage is the last kept day's; the
//! registers without dates (radio stations, published gateway services)
//! are today's register, and a past day's value is the reading kept that
//! day by the plan's daily job. Each figure is split by agency or commune
//! where its records say which.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use egov_kernel::vn::day_start_micros;
use egov_plan::Measure;
use egov_quality::Indicator;
use egov_store::plan::measures::{Counted, DossierFlag};

use crate::network::report::{uptime_by, Group};
use crate::quality::{index_where, Payable};
use crate::{Actor, App, AppError};

/// A figure at a day, and its parts (by agency or commune) where it splits.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Reading {
    pub value: Option<f64>,
    /// `(agency id or commune code, value)`, by key.
    pub parts: Vec<(String, Option<f64>)>,
    /// What the parts are: `agency`, `commune`, or empty.
    pub by: &'static str,
}

/// The year's first day and the last day counted (the day, or the year's
/// end when the day is later).
pub fn period(year: i32, day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31)?.min(day);
    (last >= first).then_some((first, last))
}

fn micros(first: NaiveDate, last: NaiveDate) -> (i64, i64) {
    (day_start_micros(first), day_start_micros(last.succ_opt().unwrap_or(last)))
}

fn split(records: &[Counted], by_unit: bool) -> Vec<(String, Option<f64>)> {
    let mut m: BTreeMap<String, f64> = BTreeMap::new();
    for r in records {
        *m.entry(if by_unit { r.unit.clone() } else { r.agency.clone() }).or_default() += 1.0;
    }
    m.into_iter().map(|(k, v)| (k, Some(v))).collect()
}

fn percent(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 * 100.0 / d as f64)
}

/// Keeps what one request measures once: the 766 views by period, the
/// payability of fees, the units, the province's availability by period.
#[derive(Default)]
pub struct Cache {
    views: BTreeMap<(NaiveDate, NaiveDate), egov_store::QualityView>,
    availability: BTreeMap<(NaiveDate, NaiveDate), Option<f64>>,
    payable: Option<Payable>,
    units: Option<Vec<egov_directory::AdminUnit>>,
}

impl Cache {
    async fn view(
        &mut self,
        app: &App,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<&egov_store::QualityView, AppError> {
        use std::collections::btree_map::Entry;
        Ok(match self.views.entry((first, last)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let q = egov_store::QualityScope { late_limit: 0, ..egov_store::QualityScope::new(first, last) };
                e.insert(app.store.quality_view(&q, app.now(), egov_store::Source::Kept).await?)
            }
        })
    }

    async fn payable(&mut self, app: &App) -> Result<Payable, AppError> {
        if self.payable.is_none() {
            self.payable = Some(crate::quality::payable(app).await?);
        }
        Ok(self.payable.clone().unwrap_or_default())
    }

    async fn units(&mut self, app: &App) -> Result<Vec<egov_directory::AdminUnit>, AppError> {
        if self.units.is_none() {
            self.units = Some(app.store.units().await?);
        }
        Ok(self.units.clone().unwrap_or_default())
    }
}

/// Measures `m` at each of `days` of `year` ahead, where reading them
/// together costs less than one by one: the network's availability at a
/// trend's month ends from one read of the outages (the others are kept
/// sums or small reads already).
pub async fn prefetch(app: &App, cache: &mut Cache, m: Measure, year: i32, days: &[NaiveDate]) -> Result<(), AppError> {
    if m != Measure::NetworkAvailability {
        return Ok(());
    }
    let periods: Vec<(NaiveDate, NaiveDate)> = days.iter().filter_map(|d| period(year, *d)).collect();
    let Some((first, _)) = periods.first().copied() else { return Ok(()) };
    let lasts: Vec<NaiveDate> = periods.iter().map(|(_, l)| *l).collect();
    let lines = crate::network::report::uptime_to_each(app, Actor::Operator, first, &lasts, Group::Province).await?;
    for (last, province) in lasts.into_iter().zip(lines) {
        cache.availability.insert((first, last), province.first().and_then(|l| l.percent));
    }
    Ok(())
}

/// Decision 766's indicator a measure reads, or the total.
fn indicator_of(m: Measure) -> Option<Option<Indicator>> {
    Some(match m {
        Measure::OnlineDossiers => Some(Indicator::OnlineDossiers),
        Measure::OnTime => Some(Indicator::OnTime),
        Measure::PaidOnline => Some(Indicator::PaidOnlineDossiers),
        Measure::Digitisation => Some(Indicator::Digitisation),
        Measure::OnlineProcedures => Some(Indicator::OnlineProcedures),
        Measure::Index766 => None,
        _ => return None,
    })
}

/// A 766 figure of a period with dossiers (none: the period has no
/// dossier, and a share of the catalogue today would not be that period's).
fn score(index: &egov_quality::Index, i: Option<Indicator>) -> Option<f64> {
    if index.dossiers == 0 {
        return None;
    }
    match i {
        None => Some(index.total),
        Some(i) => index.scores.iter().find(|s| s.indicator == i).and_then(|s| s.rate).map(|r| r * 100.0),
    }
}

/// The figure `m` at the end of `day` of `year`, with its parts when
/// `parts` is asked.
pub async fn measure(
    app: &App,
    cache: &mut Cache,
    m: Measure,
    year: i32,
    day: NaiveDate,
    parts: bool,
) -> Result<Reading, AppError> {
    let Some((first, last)) = period(year, day) else { return Ok(Reading::default()) };
    let (from, to) = micros(first, last);
    let today = app.now().date();
    if let Some(ind) = indicator_of(m) {
        let payable = cache.payable(app).await?;
        let view = cache.view(app, first, last).await?.clone();
        let index = index_where(app, &view, None, None, &payable, &|_| true);
        let mut out = Reading { value: score(&index, ind), by: "agency", ..Reading::default() };
        if parts {
            let agencies: std::collections::BTreeSet<&String> = view.tallies.keys().map(|k| &k.agency).collect();
            for a in agencies {
                let only = [a.clone()];
                let i = index_where(app, &view, Some(&only), None, &payable, &|_| true);
                out.parts.push((a.clone(), score(&i, ind)));
            }
        }
        return Ok(out);
    }
    Ok(match m {
        Measure::ProtectionCoverage => match app.store.plan_coverage(first, last).await? {
            None => Reading { by: "agency", ..Reading::default() },
            Some((_, lines)) => {
                let (n, d) = lines.iter().fold((0, 0), |(n, d), (_, machines, covered)| (n + covered, d + machines));
                Reading {
                    value: percent(n, d),
                    parts: lines
                        .iter()
                        .map(|(a, machines, covered)| (a.clone(), percent(*covered, *machines)))
                        .collect(),
                    by: "agency",
                }
            }
        },
        Measure::SeriousIncidents => {
            let r = app.store.plan_serious_incidents(from, to).await?;
            Reading { value: Some(r.len() as f64), parts: split(&r, false), by: "agency" }
        }
        Measure::NewsArticles => {
            let r = app.store.plan_articles(from, to).await?;
            Reading { value: Some(r.len() as f64), parts: split(&r, false), by: "agency" }
        }
        Measure::PressConferences => {
            let r = app.store.plan_conferences(from, to).await?;
            Reading { value: Some(r.len() as f64), parts: split(&r, false), by: "agency" }
        }
        Measure::GatewayExchanges => {
            let months = egov_plan::month_ends(year, last).len().max(1);
            let n = app.store.plan_exchanges(from, to).await?;
            Reading { value: Some(n as f64 / months as f64), ..Reading::default() }
        }
        Measure::NetworkAvailability if !parts && cache.availability.contains_key(&(first, last)) => Reading {
            value: cache.availability.get(&(first, last)).copied().flatten(),
            by: "commune",
            ..Reading::default()
        },
        Measure::NetworkAvailability => {
            // the outages read once for the province and its communes
            let groups: &[Group] = if parts { &[Group::Province, Group::Commune] } else { &[Group::Province] };
            let mut lines = uptime_by(app, Actor::Operator, first, last, groups).await?.into_iter();
            let province = lines.next().unwrap_or_default();
            Reading {
                value: province.first().and_then(|l| l.percent),
                parts: lines.next().unwrap_or_default().into_iter().map(|l| (l.key, l.percent)).collect(),
                by: "commune",
            }
        }
        Measure::RadioStations | Measure::RadioStationsIt | Measure::GatewayServices => {
            let by = if m == Measure::GatewayServices { "agency" } else { "commune" };
            if last >= today {
                let (value, parts) = register(app, cache, m, today).await?;
                Reading { value: Some(value), parts, by }
            } else {
                let kept = app.store.plan_readings(m, first, last).await?;
                Reading {
                    value: kept.iter().find(|(s, _)| s.is_empty()).map(|(_, v)| *v),
                    parts: kept.into_iter().filter(|(s, _)| !s.is_empty()).map(|(s, v)| (s, Some(v))).collect(),
                    by,
                }
            }
        }
        _ => Reading::default(),
    })
}

/// A register figure today: its value and its parts (radio stations by
/// the commune that stands for theirs today; services by agency).
pub(crate) async fn register(
    app: &App,
    cache: &mut Cache,
    m: Measure,
    today: NaiveDate,
) -> Result<(f64, Vec<(String, Option<f64>)>), AppError> {
    let records = register_records(app, cache, m, today).await?;
    Ok((records.len() as f64, split(&records, m != Measure::GatewayServices)))
}

pub(crate) async fn register_records(
    app: &App,
    cache: &mut Cache,
    m: Measure,
    today: NaiveDate,
) -> Result<Vec<Counted>, AppError> {
    Ok(match m {
        Measure::GatewayServices => app.store.plan_services().await?,
        _ => {
            let kind = (m == Measure::RadioStationsIt).then_some(egov_radio::station::StationKind::Ip.as_str());
            let units = cache.units(app).await?;
            let mut r = app.store.plan_stations(kind).await?;
            for s in &mut r {
                s.unit = crate::radio::unit_on(&units, &s.unit, today);
            }
            r
        }
    })
}

/// How many records a drill-down lists at most.
pub const RECORDS_LIMIT: i64 = 200;

/// The records figure `m` counts at the end of `day` (of an agency or
/// commune: `part`), at most [`RECORDS_LIMIT`], and how many there are.
pub async fn records(
    app: &App,
    m: Measure,
    year: i32,
    day: NaiveDate,
    part: Option<&str>,
) -> Result<(Vec<Counted>, i64), AppError> {
    let Some((first, last)) = period(year, day) else { return Ok((Vec::new(), 0)) };
    let (from, to) = micros(first, last);
    let mut cache = Cache::default();
    let flag = match m {
        Measure::OnlineDossiers => Some(DossierFlag::Online),
        Measure::OnTime => Some(DossierFlag::OnTime),
        Measure::PaidOnline => Some(DossierFlag::PaidOnline),
        Measure::Digitisation => Some(DossierFlag::Digitised),
        Measure::Index766 => Some(DossierFlag::Counted),
        _ => None,
    };
    if let Some(flag) = flag {
        return Ok(app.store.plan_dossiers(first, last, flag, part, RECORDS_LIMIT).await?);
    }
    let all: Vec<Counted> = match m {
        Measure::SeriousIncidents => app.store.plan_serious_incidents(from, to).await?,
        Measure::NewsArticles => app.store.plan_articles(from, to).await?,
        Measure::PressConferences => app.store.plan_conferences(from, to).await?,
        Measure::ProtectionCoverage => app
            .store
            .pr_machines(part)
            .await?
            .into_iter()
            .filter(|x| !x.own)
            .map(|x| Counted {
                id: x.machine.id.to_string(),
                label: x.machine.m.name.clone(),
                agency: x.machine.m.agency_id.clone(),
                unit: String::new(),
                at: None,
            })
            .collect(),
        Measure::NetworkAvailability => {
            let sites = app.store.net_sites(None).await?;
            app.store
                .net_outages(None, from, to)
                .await?
                .into_iter()
                .map(|o| {
                    let site = sites.iter().find(|s| s.site.id == o.site_id);
                    Counted {
                        id: o.id.to_string(),
                        label: site.map_or_else(String::new, |s| s.site.s.name.clone()),
                        agency: site.and_then(|s| s.site.s.agency_id.clone()).unwrap_or_default(),
                        unit: site.map_or_else(String::new, |s| s.site.s.unit_code.clone()),
                        at: Some(o.started_at),
                    }
                })
                .collect()
        }
        Measure::GatewayExchanges => {
            let mut out = Vec::new();
            for end in egov_plan::month_ends(year, last) {
                let start = NaiveDate::from_ymd_opt(end.year(), end.month(), 1).unwrap_or(end);
                let (a, b) = micros(start, end);
                let n = app.store.plan_exchanges(a, b).await?;
                out.push(Counted {
                    id: format!("{:04}-{:02}", end.year(), end.month()),
                    label: n.to_string(),
                    agency: String::new(),
                    unit: String::new(),
                    at: None,
                });
            }
            out
        }
        Measure::RadioStations | Measure::RadioStationsIt | Measure::GatewayServices => {
            register_records(app, &mut cache, m, app.now().date()).await?
        }
        _ => Vec::new(),
    };
    let by_unit = matches!(m, Measure::RadioStations | Measure::RadioStationsIt | Measure::NetworkAvailability);
    let mut kept: Vec<Counted> =
        all.into_iter().filter(|r| part.is_none_or(|p| if by_unit { r.unit == p } else { r.agency == p })).collect();
    let total = kept.len() as i64;
    kept.truncate(RECORDS_LIMIT as usize);
    Ok((kept, total))
}

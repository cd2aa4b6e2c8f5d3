//! The network's figures: uptime per probe, site, commune, agency and the
//! province over a day, a month or a year; outages; daily series and the
//! hourly response time; the public status page. A site is down while any
//! of its probes is (its outages are their union); a commune, an agency or
//! the province adds its sites' watched and down time. Maintenance windows
//! count neither as watched nor as down. Communes merged since are counted
//! under the unit that succeeded them by the period's end.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use egov_network::span::union;
use egov_network::{Span, Uptime};
use egov_store::network::{Maintenance, Outage, Probe, Site};

use super::{agency_of, scope};
use crate::{Actor, App, AppError};

/// A period of the calendar, in Vietnam's days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day(NaiveDate),
    Month(i32, u32),
    Year(i32),
}

impl Period {
    /// `2026-12-01`, `2026-12` or `2026`.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(Period::Day(d));
        }
        if let Some((y, m)) = s.split_once('-') {
            let (y, m) = (y.parse().ok()?, m.parse().ok()?);
            return NaiveDate::from_ymd_opt(y, m, 1).map(|_| Period::Month(y, m));
        }
        let y: i32 = s.parse().ok()?;
        (1970..=2200).contains(&y).then_some(Period::Year(y))
    }
    pub fn first_day(&self) -> NaiveDate {
        match *self {
            Period::Day(d) => d,
            Period::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default(),
            Period::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default(),
        }
    }
    /// The day after the period.
    pub fn end_day(&self) -> NaiveDate {
        match *self {
            Period::Day(d) => d.succ_opt().unwrap_or(d),
            Period::Month(y, 12) => NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or_default(),
            Period::Month(y, m) => NaiveDate::from_ymd_opt(y, m + 1, 1).unwrap_or_default(),
            Period::Year(y) => NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or_default(),
        }
    }
    pub fn span(&self) -> Span {
        Span::new(
            egov_kernel::vn::day_start_micros(self.first_day()),
            egov_kernel::vn::day_start_micros(self.end_day()),
        )
    }
    pub fn label(&self) -> String {
        match *self {
            Period::Day(d) => d.format("%Y-%m-%d").to_string(),
            Period::Month(y, m) => format!("{y:04}-{m:02}"),
            Period::Year(y) => y.to_string(),
        }
    }
}

/// What uptime is counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Probe,
    Site,
    Commune,
    Agency,
    Province,
}

impl Group {
    pub const ALL: [Group; 5] = [Group::Probe, Group::Site, Group::Commune, Group::Agency, Group::Province];
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Probe => "probe",
            Group::Site => "site",
            Group::Commune => "commune",
            Group::Agency => "agency",
            Group::Province => "province",
        }
    }
    pub fn parse(s: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// One line of an uptime table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UptimeLine {
    /// The probe's or site's id, the unit's code, the agency's id; "province".
    pub key: String,
    pub name: String,
    /// Seconds watched and down.
    pub watched_s: i64,
    pub down_s: i64,
    /// Percent up of the watched time (none: nothing watched).
    pub percent: Option<f64>,
    /// Outages begun in the period.
    pub outages: usize,
}

fn line(key: String, name: String, u: Uptime, outages: usize) -> UptimeLine {
    let s = egov_network::SECOND;
    UptimeLine { key, name, watched_s: u.watched / s, down_s: u.down / s, percent: u.percent(), outages }
}

/// Everything the figures of a period need, in scope.
pub(crate) struct Facts {
    pub sites: Vec<Site>,
    pub probes: Vec<Probe>,
    pub outages: Vec<Outage>,
    pub maintenance: Vec<Maintenance>,
    /// The end of what is known: the period's end, or now.
    pub until: i64,
    /// Each site's outages and its probes' creation (indexes into
    /// `outages`, the earliest probe): a province's thousands of points
    /// read their own, not every point's.
    by_site: std::collections::HashMap<i64, (Vec<usize>, Option<i64>)>,
}

impl Facts {
    pub(crate) async fn load(app: &App, agency: Option<&str>, period: Span) -> Result<Facts, AppError> {
        let sites: Vec<Site> = app.store.net_sites(agency).await?.into_iter().map(|c| c.site).collect();
        let ids: std::collections::HashSet<i64> = sites.iter().map(|s| s.id).collect();
        let probes: Vec<Probe> =
            app.store.net_probes(None).await?.into_iter().filter(|p| ids.contains(&p.site_id)).collect();
        let outages: Vec<Outage> = app
            .store
            .net_outages(None, period.from, period.to)
            .await?
            .into_iter()
            .filter(|o| ids.contains(&o.site_id))
            .collect();
        let maintenance = app
            .store
            .net_maintenance(None, period.from, period.to)
            .await?
            .into_iter()
            .filter(|m| ids.contains(&m.site_id))
            .collect();
        let mut by_site: std::collections::HashMap<i64, (Vec<usize>, Option<i64>)> = std::collections::HashMap::new();
        for (i, o) in outages.iter().enumerate() {
            by_site.entry(o.site_id).or_default().0.push(i);
        }
        for p in &probes {
            let e = by_site.entry(p.site_id).or_default();
            e.1 = Some(e.1.map_or(p.created_at, |t: i64| t.min(p.created_at)));
        }
        Ok(Facts { sites, probes, outages, maintenance, until: app.store.now().min(period.to), by_site })
    }

    fn spans<'a>(outages: impl Iterator<Item = &'a Outage>, until: i64) -> Vec<Span> {
        outages.map(|o| Span::new(o.started_at, o.ended_at.unwrap_or(until))).collect()
    }

    fn maintenance_of(&self, site: i64) -> Vec<Span> {
        self.maintenance.iter().filter(|m| m.site_id == site).map(|m| Span::new(m.starts_at, m.ends_at)).collect()
    }

    pub(crate) fn probe_uptime(&self, p: &Probe, period: Span) -> Uptime {
        let o = Facts::spans(self.outages.iter().filter(|o| o.probe_id == p.id), self.until);
        Uptime::of(&o, &self.maintenance_of(p.site_id), p.created_at, self.until, period)
    }

    /// A site's uptime: watched from its first probe, down while any probe is.
    pub(crate) fn site_uptime(&self, site: i64, period: Span) -> Uptime {
        let Some((mine, Some(since))) = self.by_site.get(&site) else {
            return Uptime::default();
        };
        let since = *since;
        let o = union(Facts::spans(mine.iter().map(|i| &self.outages[*i]), self.until));
        Uptime::of(&o, &self.maintenance_of(site), since, self.until, period)
    }

    fn begun_in(&self, f: impl Fn(&Outage) -> bool, period: Span) -> usize {
        self.outages.iter().filter(|o| f(o) && o.started_at >= period.from && o.started_at < period.to).count()
    }
}

fn site_line<'a>(f: &Facts, s: &'a Site, span: Span) -> (&'a Site, Uptime, usize) {
    let begun = f.by_site.get(&s.id).map_or(0, |(mine, _)| {
        mine.iter().map(|i| &f.outages[*i]).filter(|o| o.started_at >= span.from && o.started_at < span.to).count()
    });
    (s, f.site_uptime(s.id, span), begun)
}

/// Uptime over a period, counted by `group`, for the sites in the actor's scope.
pub async fn uptime(app: &App, actor: Actor<'_>, period: Period, group: Group) -> Result<Vec<UptimeLine>, AppError> {
    let last = period.end_day().pred_opt().unwrap_or(period.first_day());
    uptime_between(app, actor, period.first_day(), last, group).await
}

/// Uptime from `first` to `last` (inclusive days), counted by `group`.
pub async fn uptime_between(
    app: &App,
    actor: Actor<'_>,
    first: NaiveDate,
    last: NaiveDate,
    group: Group,
) -> Result<Vec<UptimeLine>, AppError> {
    Ok(uptime_by(app, actor, first, last, &[group]).await?.pop().unwrap_or_default())
}

/// The span of the days `first` to `last`, inclusive.
fn days(first: NaiveDate, last: NaiveDate) -> Span {
    Span::new(
        egov_kernel::vn::day_start_micros(first),
        egov_kernel::vn::day_start_micros(last.succ_opt().unwrap_or(last)),
    )
}

/// Uptime from `first` to `last` counted by each of `groups`, the records
/// read once for all.
pub async fn uptime_by(
    app: &App,
    actor: Actor<'_>,
    first: NaiveDate,
    last: NaiveDate,
    groups: &[Group],
) -> Result<Vec<Vec<UptimeLine>>, AppError> {
    let scope = scope(actor)?;
    let span = days(first, last);
    let f = Facts::load(app, agency_of(&scope), span).await?;
    let mut out = Vec::with_capacity(groups.len());
    for group in groups {
        out.push(lines_of(app, &f, span, last, *group).await?);
    }
    Ok(out)
}

/// Uptime from `first` to each of `lasts` counted by `group` (a trend's
/// months), the records read once, up to the latest: a shorter period
/// clips the same outages, and an outage still open ends at its period's
/// end or now, as it would read alone.
pub async fn uptime_to_each(
    app: &App,
    actor: Actor<'_>,
    first: NaiveDate,
    lasts: &[NaiveDate],
    group: Group,
) -> Result<Vec<Vec<UptimeLine>>, AppError> {
    let scope = scope(actor)?;
    let Some(latest) = lasts.iter().max() else { return Ok(Vec::new()) };
    let f = Facts::load(app, agency_of(&scope), days(first, *latest)).await?;
    let mut out = Vec::with_capacity(lasts.len());
    for last in lasts {
        out.push(lines_of(app, &f, days(first, *last), *last, group).await?);
    }
    Ok(out)
}

async fn lines_of(
    app: &App,
    f: &Facts,
    span: Span,
    last: NaiveDate,
    group: Group,
) -> Result<Vec<UptimeLine>, AppError> {
    let site_line = |s| site_line(f, s, span);
    Ok(match group {
        Group::Probe => f
            .probes
            .iter()
            .map(|p| {
                let site = f.sites.iter().find(|s| s.id == p.site_id).map_or("", |s| s.s.name.as_str());
                line(
                    p.id.to_string(),
                    format!("{site} — {}", p.p.name),
                    f.probe_uptime(p, span),
                    f.begun_in(|o| o.probe_id == p.id, span),
                )
            })
            .collect(),
        Group::Site => {
            f.sites.iter().map(site_line).map(|(s, u, n)| line(s.id.to_string(), s.s.name.clone(), u, n)).collect()
        }
        Group::Commune | Group::Agency | Group::Province => {
            // the directory read only for the grouping that names its entries
            let units = if group == Group::Commune { app.store.units().await? } else { Vec::new() };
            let agencies = if group == Group::Agency { app.store.agencies().await? } else { Vec::new() };
            let last_day = last;
            let mut by: BTreeMap<String, (String, Uptime, usize)> = BTreeMap::new();
            for (s, u, n) in f.sites.iter().map(site_line) {
                let (key, name) = match group {
                    Group::Commune => {
                        let code = successor(&units, &s.s.unit_code, last_day);
                        // communes only: the province centre and agencies' points of the capital are not
                        match units.iter().find(|x| x.code.as_str() == code) {
                            Some(x) if x.level == egov_directory::UnitLevel::Commune => (code, x.name.clone()),
                            _ => continue,
                        }
                    }
                    Group::Agency => match &s.s.agency_id {
                        Some(a) => {
                            let name =
                                agencies.iter().find(|x| x.id.as_str() == a).map_or(a.clone(), |x| x.name_vi.clone());
                            (a.clone(), name)
                        }
                        None => continue,
                    },
                    _ => ("province".to_string(), String::new()),
                };
                let e = by.entry(key).or_insert((name, Uptime::default(), 0));
                e.1.add(u);
                e.2 += n;
            }
            by.into_iter().map(|(k, (name, u, n))| line(k, name, u, n)).collect()
        }
    })
}

/// The unit that stands for `code` on `day`: itself, or what it was merged
/// into (followed along `succeeded_by` while the unit had ended by then:
/// its last day, `effective_to`, before `day`).
pub fn successor(units: &[egov_directory::AdminUnit], code: &str, day: NaiveDate) -> String {
    let mut code = code.to_string();
    for _ in 0..8 {
        match units.iter().find(|u| u.code.as_str() == code) {
            Some(u) if u.effective_to.is_some_and(|t| t < day) => match &u.succeeded_by {
                Some(next) => code = next.as_str().to_string(),
                None => break,
            },
            _ => break,
        }
    }
    code
}

/// A site's uptime day by day over the `days` days ending today.
pub(crate) fn daily(f: &Facts, site: i64, today: NaiveDate, days: u32) -> Vec<(NaiveDate, Uptime)> {
    (0..days)
        .rev()
        .filter_map(|back| today.checked_sub_days(chrono::Days::new(u64::from(back))))
        .map(|d| (d, f.site_uptime(site, Period::Day(d).span())))
        .collect()
}

/// The uptime of every site in the actor's scope taken together, day by
/// day over the `days` days ending today.
pub async fn scope_daily(app: &App, actor: Actor<'_>, days: u32) -> Result<Vec<(NaiveDate, Uptime)>, AppError> {
    let scope = scope(actor)?;
    let today = app.now().date();
    let from = today.checked_sub_days(chrono::Days::new(u64::from(days.max(1) - 1))).unwrap_or(today);
    let span = Span::new(Period::Day(from).span().from, Period::Day(today).span().to);
    let f = Facts::load(app, agency_of(&scope), span).await?;
    let mut out: Vec<(NaiveDate, Uptime)> = Vec::new();
    for s in &f.sites {
        for (i, (d, u)) in daily(&f, s.id, today, days).into_iter().enumerate() {
            match out.get_mut(i) {
                Some((_, sum)) => sum.add(u),
                None => out.push((d, u)),
            }
        }
    }
    Ok(out)
}

/// A site's uptime day by day over the `days` days ending today.
pub async fn site_daily(
    app: &App,
    actor: Actor<'_>,
    site: i64,
    days: u32,
) -> Result<Vec<(NaiveDate, Uptime)>, AppError> {
    // the actor's site, checked; the figures need no other
    super::site(app, actor, site).await?;
    let today = app.now().date();
    let from = today.checked_sub_days(chrono::Days::new(u64::from(days.max(1) - 1))).unwrap_or(today);
    let span = Span::new(Period::Day(from).span().from, Period::Day(today).span().to);
    let f = Facts::load(app, None, span).await?;
    Ok(daily(&f, site, today, days))
}

/// A line of the public status page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicSite {
    pub name: String,
    pub kind: &'static str,
    pub up: bool,
    /// Watched at all.
    pub watched: bool,
    pub percent_90d: Option<f64>,
    /// The last 90 days, oldest first: percent up of each (none: not watched).
    pub days: Vec<(NaiveDate, Option<f64>)>,
}

/// The public status page: the sites shown publicly, their state and their
/// last 90 days. Anyone may read it.
pub async fn status_page(app: &App) -> Result<Vec<PublicSite>, AppError> {
    let today = app.now().date();
    let from = today.checked_sub_days(chrono::Days::new(89)).unwrap_or(today);
    let span = Span::new(Period::Day(from).span().from, Period::Day(today).span().to);
    let mut f = Facts::load(app, None, span).await?;
    f.sites.retain(|s| s.s.public);
    Ok(f.sites
        .iter()
        .map(|s| {
            let days: Vec<(NaiveDate, Option<f64>)> =
                daily(&f, s.id, today, 90).into_iter().map(|(d, u)| (d, u.percent())).collect();
            let all = f.site_uptime(s.id, span);
            PublicSite {
                name: s.s.name.clone(),
                kind: s.s.kind.as_str(),
                up: s.down_since.is_none(),
                watched: all.watched > 0,
                percent_90d: all.percent(),
                days,
            }
        })
        .collect())
}

/// An outage as the pages list it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutageLine {
    pub id: i64,
    pub site_id: i64,
    pub site: String,
    pub probe: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// Seconds, to its end or now.
    pub duration_s: i64,
    /// Seconds of it outside maintenance windows (what uptime counts).
    pub counted_s: i64,
    pub cause: String,
}

/// Outages in scope overlapping a period (of one site, or all), newest first.
pub async fn outages(
    app: &App,
    actor: Actor<'_>,
    site: Option<i64>,
    period: Span,
) -> Result<Vec<OutageLine>, AppError> {
    let scope = scope(actor)?;
    if let Some(id) = site {
        super::site(app, actor, id).await?;
    }
    let f = Facts::load(app, agency_of(&scope), period).await?;
    let now = app.store.now();
    let mut out: Vec<OutageLine> = f
        .outages
        .iter()
        .filter(|o| site.is_none_or(|s| o.site_id == s))
        .map(|o| {
            let span = Span::new(o.started_at, o.ended_at.unwrap_or(now));
            let counted = egov_network::span::length_within(&[span], &f.maintenance_of(o.site_id), span);
            OutageLine {
                id: o.id,
                site_id: o.site_id,
                site: f.sites.iter().find(|s| s.id == o.site_id).map_or(String::new(), |s| s.s.name.clone()),
                probe: f.probes.iter().find(|p| p.id == o.probe_id).map_or(String::new(), |p| p.p.name.clone()),
                started_at: o.started_at,
                ended_at: o.ended_at,
                duration_s: span.len() / egov_network::SECOND,
                counted_s: counted / egov_network::SECOND,
                cause: o.cause.clone(),
            }
        })
        .collect();
    out.reverse();
    Ok(out)
}

/// A probe's mean response time per hour over the `hours` before now: (hour, ms) of hours with checks.
pub async fn response_times(app: &App, actor: Actor<'_>, probe: i64, hours: i64) -> Result<Vec<(i64, f64)>, AppError> {
    super::probe(app, actor, probe).await?;
    let now = app.store.now();
    let from = egov_store::network::hour_of(now) - (hours - 1) * egov_network::HOUR;
    Ok(app
        .store
        .net_hours(probe, from, now + 1)
        .await?
        .into_iter()
        .filter(|h| h.checks > h.fails)
        .map(|h| (h.hour, h.ms_sum as f64 / h.checks.max(1) as f64))
        .collect())
}

/// The months of a year that have begun by `today` (for a yearly table by month).
pub fn months_of(year: i32, today: NaiveDate) -> Vec<Period> {
    (1..=12).map(|m| Period::Month(year, m)).filter(|p| p.first_day() <= today || today.year() > year).collect()
}

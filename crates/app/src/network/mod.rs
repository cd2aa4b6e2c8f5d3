//! The specialised data network (issue 19): who sees and manages which
//! connection points (system administrators all, an agency's
//! administrators their agency's), sites, probes, maintenance windows,
//! links and their samples, push heartbeats, the policy, the alerts and
//! the jobs; `prober.rs` runs the probes, `check.rs` one check,
//! `report.rs` the uptime, outages and status page figures.

pub mod check;
pub mod prober;
pub mod report;

use egov_network::capacity::{self, Sample, Verdict};
use egov_network::{NetAlert, NetPolicy, NewProbe, NewSite, ProbeInput, SiteInput, Target};
use egov_store::network::{Link, NewLink, Probe, Site, SiteCount, SnmpSource};
use egov_store::StoreError;

use crate::protection::Scope;
use crate::{Actor, App, AppError, FieldError};

/// Whether the network's pages are shown to the actor at all.
pub fn may_view(actor: Actor<'_>) -> bool {
    Scope::of(actor).is_some()
}

fn scope(actor: Actor<'_>) -> Result<Scope, AppError> {
    Scope::of(actor).ok_or(AppError::Forbidden)
}

fn covers(scope: &Scope, s: &Site) -> bool {
    match scope {
        Scope::All => true,
        Scope::Agency(a) => s.s.agency_id.as_deref() == Some(a.as_str()),
    }
}

fn agency_of(scope: &Scope) -> Option<&str> {
    match scope {
        Scope::All => None,
        Scope::Agency(a) => Some(a),
    }
}

fn problems(ps: Vec<egov_network::Problem>) -> Vec<FieldError> {
    ps.into_iter().map(|p| FieldError::new(p.field, p.key)).collect()
}

/// The sites in the actor's scope, by name, with their probes counted.
pub async fn sites(app: &App, actor: Actor<'_>) -> Result<Vec<SiteCount>, AppError> {
    let scope = scope(actor)?;
    Ok(app.store.net_sites(agency_of(&scope)).await?)
}

/// A site with all it holds.
#[derive(Debug, Clone)]
pub struct SiteDetail {
    pub site: SiteCount,
    pub probes: Vec<Probe>,
    pub links: Vec<Link>,
    /// Maintenance windows not yet over, and those of the last 90 days.
    pub maintenance: Vec<egov_store::network::Maintenance>,
}

/// A site, its probes, links and maintenance windows, if the actor's.
pub async fn site_detail(app: &App, actor: Actor<'_>, id: i64) -> Result<SiteDetail, AppError> {
    let s = site(app, actor, id).await?;
    let probes = app.store.net_probes(Some(id)).await?;
    let down = probes.iter().filter(|p| p.state.tracker.down).count() as i64;
    let links = app.store.net_links(Some(id)).await?;
    let now = app.store.now();
    let maintenance = app.store.net_maintenance(Some(id), now - 90 * egov_network::DAY, i64::MAX).await?;
    Ok(SiteDetail { site: SiteCount { probes: probes.len() as i64, down, site: s }, probes, links, maintenance })
}

/// This instance's prober, for the department (system administrators).
pub fn prober_status(app: &App, actor: Actor<'_>) -> Result<prober::ProberStatus, AppError> {
    if scope(actor)? != Scope::All {
        return Err(AppError::Forbidden);
    }
    Ok(app.prober.status(&app.instance))
}

/// A site, if the actor's.
pub async fn site(app: &App, actor: Actor<'_>, id: i64) -> Result<Site, AppError> {
    let scope = scope(actor)?;
    let s = app.store.net_site(id).await?.ok_or(AppError::NotFound)?;
    if !covers(&scope, &s) {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

/// A probe with its site, if the actor's.
pub async fn probe(app: &App, actor: Actor<'_>, id: i64) -> Result<(Probe, Site), AppError> {
    let p = app.store.net_probe(id).await?.ok_or(AppError::NotFound)?;
    let s = site(app, actor, p.site_id).await?;
    Ok((p, s))
}

/// Checks a site's fields, its unit and agency against the directory,
/// and that the actor may keep a site of that agency.
async fn checked_site(app: &App, scope: &Scope, input: &SiteInput) -> Result<NewSite, AppError> {
    let s = input.check();
    let mut errs = match &s {
        Ok(_) => Vec::new(),
        Err(ps) => problems(ps.clone()),
    };
    let unit = input.unit_code.trim();
    if !unit.is_empty() && !app.store.units().await?.iter().any(|u| u.code.as_str() == unit) {
        errs.push(FieldError::new("unit_code", "err.option"));
    }
    let agency = input.agency_id.trim();
    if !agency.is_empty() && app.store.agency(agency).await?.is_none() {
        errs.push(FieldError::new("agency_id", "err.option"));
    }
    // an agency's administrator keeps their agency's sites only
    if let Scope::Agency(a) = scope {
        if agency != a && !errs.iter().any(|e| e.field == "agency_id") {
            errs.push(FieldError::new("agency_id", "err.option"));
        }
    }
    match s {
        Ok(s) if errs.is_empty() => Ok(s),
        _ => Err(AppError::Invalid(errs)),
    }
}

fn name_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::Invalid(vec![FieldError::new("name", "err.net.duplicate")]),
        e => e.into(),
    }
}

/// Adds a site (`id` none) or changes one; its id.
pub async fn save_site(app: &App, actor: Actor<'_>, id: Option<i64>, input: &SiteInput) -> Result<i64, AppError> {
    let scope = scope(actor)?;
    if let Some(id) = id {
        site(app, actor, id).await?;
    }
    let s = checked_site(app, &scope, input).await?;
    let mut w = app.store.begin_write().await?;
    let id = w.net_save_site(id, &s, &actor.audit_name()).await.map_err(name_taken)?;
    w.commit().await?;
    Ok(id)
}

/// Adds a probe to a site (`id` none) or changes one: its id, and for a
/// new push probe its secret (shown once: the device's push address).
pub async fn save_probe(
    app: &App,
    actor: Actor<'_>,
    site_id: i64,
    id: Option<i64>,
    input: &ProbeInput,
) -> Result<(i64, Option<String>), AppError> {
    site(app, actor, site_id).await?;
    if let Some(id) = id {
        let (p, _) = probe(app, actor, id).await?;
        if p.site_id != site_id {
            return Err(AppError::NotFound);
        }
    }
    let p: NewProbe = input.check().map_err(|ps| AppError::Invalid(problems(ps)))?;
    let secret = match (&p.target, id) {
        (Target::Push, None) => Some(egov_identity::random_secret().map_err(|e| AppError::Internal(e.to_string()))?),
        _ => None,
    };
    let digest = secret.as_deref().map(egov_identity::secret_digest);
    let mut w = app.store.begin_write().await?;
    let id = w.net_save_probe(id, site_id, &p, digest.as_deref(), &actor.audit_name()).await?;
    w.commit().await?;
    Ok((id, secret))
}

/// Pauses a probe (its lease given up at the next sync) or starts it again.
pub async fn pause_probe(app: &App, actor: Actor<'_>, id: i64, paused: bool) -> Result<(), AppError> {
    probe(app, actor, id).await?;
    let mut w = app.store.begin_write().await?;
    w.net_pause_probe(id, paused, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// A heartbeat to a push address (its secret): whether it is one.
pub async fn push(app: &App, secret: &str) -> Result<bool, AppError> {
    if secret.len() > 200 {
        return Ok(false);
    }
    Ok(app.store.net_push(&egov_identity::secret_digest(secret), app.store.now()).await?.is_some())
}

/// The longest maintenance window, in days.
pub const MAINTENANCE_MAX_DAYS: i64 = 31;

/// Plans a maintenance window (instants parsed by the caller; none: the
/// field was not a date and time); its id.
pub async fn add_maintenance(
    app: &App,
    actor: Actor<'_>,
    site_id: i64,
    starts: Option<i64>,
    ends: Option<i64>,
    note: &str,
) -> Result<i64, AppError> {
    site(app, actor, site_id).await?;
    let mut errs = Vec::new();
    if starts.is_none() {
        errs.push(FieldError::new("starts_at", "err.net.when"));
    }
    if ends.is_none() {
        errs.push(FieldError::new("ends_at", "err.net.when"));
    }
    if let (Some(s), Some(e)) = (starts, ends) {
        if e <= s || e - s > MAINTENANCE_MAX_DAYS * egov_network::DAY {
            errs.push(FieldError::new("ends_at", "err.net.window"));
        }
    }
    if note.chars().count() > 500 {
        errs.push(FieldError::new("note", "err.too_long"));
    }
    AppError::invalid(errs)?;
    let (Some(s), Some(e)) = (starts, ends) else { return Err(AppError::Internal("checked above".into())) };
    let mut w = app.store.begin_write().await?;
    let id = w.net_add_maintenance(site_id, s, e, note.trim(), &actor.audit_name()).await?;
    w.commit().await?;
    Ok(id)
}

/// A link as a form gives it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct LinkInput {
    pub name: String,
    pub capacity_mbps: String,
    /// `host:port` of the SNMP agent (empty: samples are imported).
    pub snmp_address: String,
    pub snmp_community: String,
    pub if_index: String,
}

impl LinkInput {
    fn check(&self) -> Result<NewLink, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            errs.push(FieldError::new("name", "err.required"));
        } else if name.chars().count() > 200 {
            errs.push(FieldError::new("name", "err.too_long"));
        }
        let capacity = self.capacity_mbps.trim().parse::<u64>().ok().filter(|c| (1..=1_000_000).contains(c));
        if capacity.is_none() {
            errs.push(FieldError::new("capacity_mbps", "err.net.number"));
        }
        let address = self.snmp_address.trim();
        let snmp = if address.is_empty() {
            None
        } else {
            if address.parse::<std::net::SocketAddr>().is_err() {
                errs.push(FieldError::new("snmp_address", "err.net.server"));
            }
            let community = self.snmp_community.trim();
            if community.is_empty() || community.len() > 64 {
                errs.push(FieldError::new("snmp_community", "err.required"));
            }
            let index = self.if_index.trim().parse::<u32>().ok().filter(|i| *i > 0);
            if index.is_none() {
                errs.push(FieldError::new("if_index", "err.net.number"));
            }
            Some(SnmpSource {
                address: address.to_string(),
                community: community.to_string(),
                if_index: index.unwrap_or(0),
            })
        };
        match capacity {
            Some(capacity_mbps) if errs.is_empty() => Ok(NewLink { name: name.to_string(), capacity_mbps, snmp }),
            _ => Err(errs),
        }
    }
}

/// Adds a link to a site; its id.
pub async fn add_link(app: &App, actor: Actor<'_>, site_id: i64, input: &LinkInput) -> Result<i64, AppError> {
    site(app, actor, site_id).await?;
    let l = input.check().map_err(AppError::Invalid)?;
    let mut w = app.store.begin_write().await?;
    let id = w.net_add_link(site_id, &l, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(id)
}

/// A link with its site, if the actor's.
pub async fn link(app: &App, actor: Actor<'_>, id: i64) -> Result<(Link, Site), AppError> {
    let l = app.store.net_link(id).await?.ok_or(AppError::NotFound)?;
    let s = site(app, actor, l.site_id).await?;
    Ok((l, s))
}

/// Imports a link's samples from CSV, all or nothing: how many, or the bad
/// lines (a text with no sample at all is refused).
pub async fn import_samples(
    app: &App,
    actor: Actor<'_>,
    link_id: i64,
    csv: &str,
) -> Result<Result<usize, Vec<usize>>, AppError> {
    link(app, actor, link_id).await?;
    let samples = match capacity::parse_samples(csv, egov_kernel::vn::to_micros) {
        Ok(s) if s.is_empty() => return Err(AppError::Invalid(vec![FieldError::new("body", "err.net.no_samples")])),
        Ok(s) => s,
        Err(lines) => return Ok(Err(lines)),
    };
    let mut w = app.store.begin_write().await?;
    let n = w.net_import_samples(link_id, &samples, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(Ok(n))
}

/// The capacity rule over the seven days before `until`: the verdict (none
/// without samples) and the samples.
pub async fn capacity(
    app: &App,
    actor: Actor<'_>,
    link_id: i64,
    until: i64,
) -> Result<(Link, Option<Verdict>, Vec<Sample>), AppError> {
    let (l, _) = link(app, actor, link_id).await?;
    let until = capacity::slot(until);
    let from = until - capacity::WEEK_SAMPLES as i64 * capacity::SAMPLE;
    let samples = app.store.net_samples(link_id, from, until).await?;
    let verdict = capacity::judge(&samples, l.l.capacity_mbps * 1_000_000);
    Ok((l, verdict, samples))
}

/// Reads every SNMP link's counters once, keeping the sample each makes
/// with the reading before (a restart or a first reading makes none).
/// How many links answered.
pub async fn poll_links(app: &App) -> Result<usize, AppError> {
    let mut n = 0;
    for l in app.store.net_links(None).await? {
        let Some(src) = &l.l.snmp else { continue };
        let Ok(address) = src.address.parse() else { continue };
        let agent = egov_snmp::Agent {
            address,
            community: src.community.clone(),
            timeout: std::time::Duration::from_secs(3),
            retries: 1,
        };
        let (i, o) = (egov_snmp::oid::if_hc_in_octets(src.if_index), egov_snmp::oid::if_hc_out_octets(src.if_index));
        let values = match agent.get(&[&i, &o]).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(link = l.id, error = %e, "SNMP counters not read");
                continue;
            }
        };
        let (Some(vin), Some(vout)) = (values[0].as_u64(), values[1].as_u64()) else { continue };
        let now = app.store.now();
        let sample = l.reading.and_then(|(at, pin, pout)| {
            let w = capacity::Width::Bits64;
            Some(Sample {
                at: capacity::slot(now),
                in_bps: capacity::rate(pin, vin, now - at, w)?,
                out_bps: capacity::rate(pout, vout, now - at, w)?,
            })
        });
        let mut w = app.store.begin_write().await?;
        w.net_reading(l.id, now, (vin, vout), sample).await?;
        w.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// Sets the department's settings (system administrators).
pub async fn set_policy(app: &App, actor: Actor<'_>, p: &NetPolicy) -> Result<(), AppError> {
    if scope(actor)? != Scope::All {
        return Err(AppError::Forbidden);
    }
    AppError::invalid(problems(p.check()))?;
    let mut w = app.store.begin_write().await?;
    w.net_set_policy(p, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// An alert's text: the site, its agency by name, when, and the cause.
pub(crate) async fn alert_note(
    app: &App,
    site_id: i64,
    alert: NetAlert,
    at: i64,
    cause: Option<&str>,
) -> Result<String, AppError> {
    let site = app.store.net_site(site_id).await?;
    let name = site.as_ref().map_or_else(|| format!("#{site_id}"), |s| s.s.name.clone());
    let agency = match site.as_ref().and_then(|s| s.s.agency_id.clone()) {
        Some(a) => app.store.agency(&a).await?.map(|a| a.name_vi),
        None => None,
    };
    let mut note = name;
    if let Some(a) = agency {
        note.push_str(" — ");
        note.push_str(&a);
    }
    note.push_str(" — ");
    note.push_str(&egov_kernel::vn::micros_to_page(at));
    if let (Some(c), NetAlert::Down) = (cause.filter(|c| !c.is_empty()), alert) {
        note.push_str(" — ");
        note.push_str(c);
    }
    Ok(note)
}

/// Sends the reminders owed (sites down longer than the policy's delay,
/// their going down told, not yet reminded); how many.
pub async fn remind(app: &App) -> Result<usize, AppError> {
    let policy = app.store.net_policy().await?;
    if policy.remind_after_minutes == 0 {
        return Ok(0);
    }
    let now = app.store.now();
    let before = now - i64::from(policy.remind_after_minutes) * egov_network::MINUTE;
    let mut n = 0;
    for s in app.store.net_reminders_due(before).await? {
        let Some(since) = s.down_since.filter(|&d| policy.remind(d, now)) else { continue };
        let note = alert_note(app, s.id, NetAlert::StillDown, since, None).await?;
        let mut w = app.store.begin_write().await?;
        if w.net_mark_alerted(s.id, NetAlert::StillDown).await? {
            w.net_alert(NetAlert::StillDown, s.s.agency_id.as_deref(), &note).await?;
            w.commit().await?;
            n += 1;
        }
    }
    if n > 0 {
        app.mail_wake.notify_one();
    }
    Ok(n)
}

/// Drops raw results older than the policy's raw period (the hours' sums stay).
pub async fn compact(app: &App) -> Result<u64, AppError> {
    let policy = app.store.net_policy().await?;
    let before = app.store.now() - i64::from(policy.raw_days) * egov_network::DAY;
    Ok(app.store.net_compact(egov_store::network::hour_of(before)).await?)
}

/// The prober (on every instance; it shares the probes by leases).
pub const PROBER: crate::jobs::Job = crate::jobs::Job {
    name: "network-prober",
    every: std::time::Duration::from_secs(5),
    run: |app| Box::pin(async move { app.prober.clone().run(app).await }),
    runs: crate::jobs::Runs::OnEach,
};

/// Reminders of long outages, every minute (on one instance at a time).
pub const REMIND: crate::jobs::Job = crate::jobs::Job {
    name: "network-remind",
    every: std::time::Duration::from_secs(60),
    run: |app| Box::pin(async move { remind(&app).await.map(|_| ()) }),
    runs: crate::jobs::Runs::OnOne,
};

/// The raw results' compaction, hourly (on one instance at a time).
pub const COMPACT: crate::jobs::Job = crate::jobs::Job {
    name: "network-compact",
    every: std::time::Duration::from_secs(3600),
    run: |app| Box::pin(async move { compact(&app).await.map(|_| ()) }),
    runs: crate::jobs::Runs::OnOne,
};

/// The links' SNMP counters, every five minutes: one sample each (on one instance at a time).
pub const POLL_LINKS: crate::jobs::Job = crate::jobs::Job {
    name: "network-links",
    every: std::time::Duration::from_secs(300),
    run: |app| Box::pin(async move { poll_links(&app).await.map(|_| ()) }),
    runs: crate::jobs::Runs::OnOne,
};

#[cfg(test)]
mod tests;

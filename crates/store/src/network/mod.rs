//! The specialised data network (issue 19): sites, probes, the prober's
//! leases and results (per probe and hour, raw results packed), outages,
//! maintenance windows, links and their samples, the policy (in `meta`).
//! Changes people make are audited; results are not (thousands a minute),
//! the outages and alerts they make are kept in the same transaction.

mod read;

use egov_network::capacity::Sample;
use egov_network::{AccessLevel, Change, NetAlert, NetPolicy, NewProbe, NewSite, Outcome, SiteKind, Target, Tracker};

use crate::{get, Migration, Result, StoreError, WriteTx};

pub use read::{HourRow, SiteCount};

pub const MIGRATIONS: &[Migration] = crate::migrations!("network": 26 "0026_network");

const POLICY: &str = "network_policy";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub id: i64,
    pub s: NewSite,
    pub created_at: i64,
    /// Down since (one of its probes down), or up.
    pub down_since: Option<i64>,
}

/// What the prober keeps of a probe between results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProbeState {
    pub tracker: Tracker,
    /// The last interval probed (slot number), -1 for none.
    pub last_slot: i64,
    pub last_at: Option<i64>,
    pub last_ok: Option<bool>,
    pub last_ms: Option<u32>,
    pub last_note: String,
    pub cert_expires_at: Option<i64>,
    pub last_push: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub id: i64,
    pub site_id: i64,
    pub p: NewProbe,
    pub paused: bool,
    /// Watched since.
    pub created_at: i64,
    pub state: ProbeState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub id: i64,
    pub probe_id: i64,
    pub site_id: i64,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub cause: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintenance {
    pub id: i64,
    pub site_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub note: String,
}

/// Where a link's counters are read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SnmpSource {
    pub address: String,
    pub community: String,
    pub if_index: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewLink {
    pub name: String,
    pub capacity_mbps: u64,
    pub snmp: Option<SnmpSource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: i64,
    pub site_id: i64,
    pub l: NewLink,
    /// The last counters read: when, octets in and out.
    pub reading: Option<(i64, u64, u64)>,
}

/// One result of one probe, with what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub probe_id: i64,
    pub site_id: i64,
    pub slot: i64,
    pub planned: i64,
    pub at: i64,
    pub outcome: Outcome,
    pub change: Change,
    /// The probe's run after this result.
    pub tracker: Tracker,
    pub cert_expires_at: Option<i64>,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

fn site(r: &sqlx::any::AnyRow) -> Result<Site> {
    let kind: String = get(r, "kind")?;
    let level: String = get(r, "access_level")?;
    Ok(Site {
        id: get(r, "id")?,
        s: NewSite {
            name: get(r, "name")?,
            kind: SiteKind::parse(&kind).ok_or_else(|| corrupt("a site's kind", &kind))?,
            unit_code: get(r, "unit_code")?,
            agency_id: get(r, "agency_id")?,
            access_level: AccessLevel::parse(&level).ok_or_else(|| corrupt("an access level", &level))?,
            address: get(r, "address")?,
            public: get::<i64>(r, "public")? != 0,
            notes: get(r, "notes")?,
        },
        created_at: get(r, "created_at")?,
        down_since: get(r, "down_since")?,
    })
}

fn probe(r: &sqlx::any::AnyRow) -> Result<Probe> {
    let target: String = get(r, "target")?;
    let target: Target = serde_json::from_str(&target).map_err(|e| corrupt("a probe's target", &e.to_string()))?;
    let n = |c: &str| -> Result<u32> { Ok(get::<i64>(r, c)?.clamp(0, i64::from(u32::MAX)) as u32) };
    Ok(Probe {
        id: get(r, "id")?,
        site_id: get(r, "site_id")?,
        p: NewProbe {
            name: get(r, "name")?,
            target,
            interval_s: n("interval_s")?,
            timeout_s: n("timeout_s")?,
            down_after: n("down_after")?,
        },
        paused: get::<i64>(r, "paused")? != 0,
        created_at: get(r, "created_at")?,
        state: ProbeState {
            tracker: Tracker {
                failures: n("failures")?,
                first_failure: get(r, "first_failure")?,
                down: get::<i64>(r, "down")? != 0,
            },
            last_slot: get(r, "last_slot")?,
            last_at: get(r, "last_at")?,
            last_ok: get::<Option<i64>>(r, "last_ok")?.map(|v| v != 0),
            last_ms: get::<Option<i64>>(r, "last_ms")?.map(|v| v.clamp(0, i64::from(u32::MAX)) as u32),
            last_note: get(r, "last_note")?,
            cert_expires_at: get(r, "cert_expires_at")?,
            last_push: get(r, "last_push")?,
        },
    })
}

fn outage(r: &sqlx::any::AnyRow) -> Result<Outage> {
    Ok(Outage {
        id: get(r, "id")?,
        probe_id: get(r, "probe_id")?,
        site_id: get(r, "site_id")?,
        started_at: get(r, "started_at")?,
        ended_at: get(r, "ended_at")?,
        cause: get(r, "cause")?,
    })
}

fn link(r: &sqlx::any::AnyRow) -> Result<Link> {
    let address: Option<String> = get(r, "snmp_address")?;
    let snmp = match address {
        Some(address) => Some(SnmpSource {
            address,
            community: get::<Option<String>>(r, "snmp_community")?.unwrap_or_default(),
            if_index: get::<Option<i64>>(r, "if_index")?.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        }),
        None => None,
    };
    let at: Option<i64> = get(r, "read_at")?;
    let (i, o): (Option<i64>, Option<i64>) = (get(r, "read_in")?, get(r, "read_out")?);
    Ok(Link {
        id: get(r, "id")?,
        site_id: get(r, "site_id")?,
        l: NewLink { name: get(r, "name")?, capacity_mbps: get::<i64>(r, "capacity_mbps")?.max(0) as u64, snmp },
        reading: match (at, i, o) {
            (Some(at), Some(i), Some(o)) => Some((at, i as u64, o as u64)),
            _ => None,
        },
    })
}

/// The hour holding an instant.
pub fn hour_of(at: i64) -> i64 {
    at.div_euclid(egov_network::HOUR) * egov_network::HOUR
}

impl WriteTx {
    /// Adds a site (`id` none) or changes one; its id.
    pub async fn net_save_site(&mut self, id: Option<i64>, s: &NewSite, actor: &str) -> Result<i64> {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM net_sites WHERE LOWER(name) = LOWER($1)")
            .bind(&s.name)
            .fetch_optional(self.conn())
            .await?;
        if taken.is_some_and(|t| Some(t) != id) {
            return Err(StoreError::Conflict("name"));
        }
        let before = match id {
            Some(id) => {
                let r =
                    sqlx::query("SELECT * FROM net_sites WHERE id = $1").bind(id).fetch_optional(self.conn()).await?;
                Some(site(&r.ok_or(StoreError::NotFound)?)?.s)
            }
            None => None,
        };
        let q = match id {
            Some(_) => sqlx::query(
                "UPDATE net_sites SET name = $2, kind = $3, unit_code = $4, agency_id = $5, access_level = $6, \
                 address = $7, public = $8, notes = $9 WHERE id = $1 RETURNING id",
            ),
            None => sqlx::query(
                "INSERT INTO net_sites (created_at, name, kind, unit_code, agency_id, access_level, address, public, notes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            ),
        };
        // $1: the row's id, or a new row's time of creation
        let r = q
            .bind(id.unwrap_or(self.now()))
            .bind(&s.name)
            .bind(s.kind.as_str())
            .bind(&s.unit_code)
            .bind(&s.agency_id)
            .bind(s.access_level.as_str())
            .bind(&s.address)
            .bind(i64::from(s.public))
            .bind(&s.notes)
            .fetch_one(self.conn())
            .await?;
        let id: i64 = get(&r, "id")?;
        self.audit(egov_audit::Event::new(actor, "network.site", format!("site:{id}"), before.as_ref(), Some(s)));
        Ok(id)
    }

    /// Adds a probe to a site (`id` none) or changes one; its id. A push
    /// probe's address is kept as the digest of its secret.
    pub async fn net_save_probe(
        &mut self,
        id: Option<i64>,
        site_id: i64,
        p: &NewProbe,
        push_digest: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        let target = serde_json::to_string(&p.target).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let before = match id {
            Some(id) => Some(self.net_probe(id).await?.ok_or(StoreError::NotFound)?.p),
            None => None,
        };
        let id = match id {
            Some(id) => {
                // a changed probe starts its run afresh (its outage, if any, stays until it comes back)
                sqlx::query(
                    "UPDATE net_probes SET name = $2, kind = $3, target = $4, interval_s = $5, timeout_s = $6, \
                     down_after = $7, push_digest = COALESCE($8, push_digest) WHERE id = $1",
                )
                .bind(id)
                .bind(&p.name)
                .bind(p.target.kind())
                .bind(&target)
                .bind(i64::from(p.interval_s))
                .bind(i64::from(p.timeout_s))
                .bind(i64::from(p.down_after))
                .bind(push_digest)
                .execute(self.conn())
                .await?;
                id
            }
            None => sqlx::query_scalar(
                "INSERT INTO net_probes (site_id, name, kind, target, interval_s, timeout_s, down_after, created_at, push_digest) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(site_id)
            .bind(&p.name)
            .bind(p.target.kind())
            .bind(&target)
            .bind(i64::from(p.interval_s))
            .bind(i64::from(p.timeout_s))
            .bind(i64::from(p.down_after))
            .bind(self.now())
            .bind(push_digest)
            .fetch_one(self.conn())
            .await?,
        };
        self.audit(egov_audit::Event::new(actor, "network.probe", format!("probe:{id}"), before.as_ref(), Some(p)));
        Ok(id)
    }

    pub async fn net_probe(&mut self, id: i64) -> Result<Option<Probe>> {
        let r = sqlx::query("SELECT * FROM net_probes WHERE id = $1").bind(id).fetch_optional(self.conn()).await?;
        r.as_ref().map(probe).transpose()
    }

    /// Sets when a probe has been watched from: monitoring history brought
    /// in from elsewhere (the demo's month) begins before the probe was
    /// added here.
    pub async fn net_watched_since(&mut self, id: i64, since: i64) -> Result<()> {
        sqlx::query("UPDATE net_probes SET created_at = $2 WHERE id = $1")
            .bind(id)
            .bind(since)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Pauses a probe or starts it again.
    pub async fn net_pause_probe(&mut self, id: i64, paused: bool, actor: &str) -> Result<()> {
        sqlx::query("UPDATE net_probes SET paused = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(paused))
            .execute(self.conn())
            .await?;
        self.audit(egov_audit::Event::new(actor, "network.pause", format!("probe:{id}"), None::<&()>, Some(&paused)));
        Ok(())
    }

    /// Plans a maintenance window of a site; its id.
    pub async fn net_add_maintenance(
        &mut self,
        site_id: i64,
        starts_at: i64,
        ends_at: i64,
        note: &str,
        actor: &str,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO net_maintenance (site_id, starts_at, ends_at, note, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(site_id)
        .bind(starts_at)
        .bind(ends_at)
        .bind(note)
        .bind(actor)
        .fetch_one(self.conn())
        .await?;
        let after = serde_json::json!({ "site": site_id, "starts_at": starts_at, "ends_at": ends_at, "note": note });
        self.audit(egov_audit::Event::new(
            actor,
            "network.maintenance",
            format!("maintenance:{id}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(id)
    }

    /// Whether a site is in a maintenance window at `at`.
    pub async fn net_in_maintenance(&mut self, site_id: i64, at: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM net_maintenance WHERE site_id = $1 AND starts_at <= $2 AND ends_at > $2",
        )
        .bind(site_id)
        .bind(at)
        .fetch_one(self.conn())
        .await?;
        Ok(n > 0)
    }

    /// Adds a link to a site; its id.
    pub async fn net_add_link(&mut self, site_id: i64, l: &NewLink, actor: &str) -> Result<i64> {
        let snmp = l.snmp.as_ref();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO net_links (site_id, name, capacity_mbps, snmp_address, snmp_community, if_index) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(site_id)
        .bind(&l.name)
        .bind(l.capacity_mbps as i64)
        .bind(snmp.map(|s| s.address.clone()))
        .bind(snmp.map(|s| s.community.clone()))
        .bind(snmp.map(|s| i64::from(s.if_index)))
        .fetch_one(self.conn())
        .await?;
        // the community is a password of sorts: the audit keeps the rest
        let after = serde_json::json!({ "site": site_id, "name": l.name, "capacity_mbps": l.capacity_mbps,
            "snmp": snmp.map(|s| format!("{}#{}", s.address, s.if_index)) });
        self.audit(egov_audit::Event::new(actor, "network.link", format!("link:{id}"), None::<&()>, Some(&after)));
        Ok(id)
    }

    /// Keeps samples of a link (a sample of the same slot replaced); how many.
    pub async fn net_import_samples(&mut self, link_id: i64, samples: &[Sample], actor: &str) -> Result<usize> {
        for s in samples {
            self.net_sample(link_id, s).await?;
        }
        let after = serde_json::json!({ "samples": samples.len(),
            "from": samples.iter().map(|s| s.at).min(), "to": samples.iter().map(|s| s.at).max() });
        self.audit(egov_audit::Event::new(
            actor,
            "network.samples",
            format!("link:{link_id}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(samples.len())
    }

    async fn net_sample(&mut self, link_id: i64, s: &Sample) -> Result<()> {
        sqlx::query(
            "INSERT INTO net_samples (link_id, at, in_bps, out_bps) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (link_id, at) DO UPDATE SET in_bps = excluded.in_bps, out_bps = excluded.out_bps",
        )
        .bind(link_id)
        .bind(s.at)
        .bind(s.in_bps.min(i64::MAX as u64) as i64)
        .bind(s.out_bps.min(i64::MAX as u64) as i64)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Keeps a link's counters as read at `at`, and the sample they make
    /// with the reading before (if any).
    pub async fn net_reading(
        &mut self,
        link_id: i64,
        at: i64,
        octets: (u64, u64),
        sample: Option<Sample>,
    ) -> Result<()> {
        sqlx::query("UPDATE net_links SET read_at = $2, read_in = $3, read_out = $4 WHERE id = $1")
            .bind(link_id)
            .bind(at)
            .bind(octets.0 as i64)
            .bind(octets.1 as i64)
            .execute(self.conn())
            .await?;
        if let Some(s) = sample {
            self.net_sample(link_id, &s).await?;
        }
        Ok(())
    }

    pub async fn net_set_policy(&mut self, p: &NetPolicy, actor: &str) -> Result<()> {
        let before = self.meta(POLICY).await?;
        let doc = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.set_meta(POLICY, &doc).await?;
        let before: Option<NetPolicy> = before.and_then(|b| serde_json::from_str(&b).ok());
        self.audit(egov_audit::Event::new(actor, "network.policy", "network:policy", before.as_ref(), Some(p)));
        Ok(())
    }

    /// Keeps the prober's results, in order: each probe's state, its hour's
    /// sums and packed raw result, outages opened and closed. A slot
    /// already kept (another instance's) is skipped. The sites that went
    /// down or came back with it (their first probe down, their last up).
    pub async fn net_record(&mut self, records: &[Record]) -> Result<Vec<(i64, NetAlert, i64)>> {
        let mut changes = Vec::new();
        for r in records {
            let n = sqlx::query(
                "UPDATE net_probes SET last_slot = $2, last_at = $3, last_ok = $4, last_ms = $5, last_note = $6, \
                 failures = $7, first_failure = $8, down = $9, cert_expires_at = COALESCE($10, cert_expires_at) \
                 WHERE id = $1 AND last_slot < $2",
            )
            .bind(r.probe_id)
            .bind(r.slot)
            .bind(r.at)
            .bind(i64::from(r.outcome.ok))
            .bind(i64::from(r.outcome.ms))
            .bind(&r.outcome.note)
            .bind(i64::from(r.tracker.failures))
            .bind(r.tracker.first_failure)
            .bind(i64::from(r.tracker.down))
            .bind(r.cert_expires_at)
            .execute(self.conn())
            .await?
            .rows_affected();
            if n == 0 {
                continue;
            }
            let hour = hour_of(r.at);
            let raw =
                egov_network::packed::encode(((r.at - hour) / egov_network::SECOND) as u32, r.outcome.ms, r.outcome.ok);
            sqlx::query(
                "INSERT INTO net_hours (probe_id, hour, checks, fails, ms_sum, ms_max, raw) VALUES ($1, $2, 1, $3, $4, $4, $5) \
                 ON CONFLICT (probe_id, hour) DO UPDATE SET checks = net_hours.checks + 1, \
                 fails = net_hours.fails + excluded.fails, ms_sum = net_hours.ms_sum + excluded.ms_sum, \
                 ms_max = CASE WHEN excluded.ms_max > net_hours.ms_max THEN excluded.ms_max ELSE net_hours.ms_max END, \
                 raw = net_hours.raw || excluded.raw",
            )
            .bind(r.probe_id)
            .bind(hour)
            .bind(i64::from(!r.outcome.ok))
            .bind(i64::from(r.outcome.ms))
            .bind(raw)
            .execute(self.conn())
            .await?;
            match r.change {
                Change::None => {}
                Change::WentDown => {
                    let since = r.tracker.first_failure.unwrap_or(r.at);
                    sqlx::query(
                        "INSERT INTO net_outages (probe_id, site_id, started_at, cause) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(r.probe_id)
                    .bind(r.site_id)
                    .bind(since)
                    .bind(&r.outcome.note)
                    .execute(self.conn())
                    .await?;
                    let n = sqlx::query(
                        "UPDATE net_sites SET down_since = $2, alerted = 0, reminded = 0 WHERE id = $1 AND down_since IS NULL",
                    )
                    .bind(r.site_id)
                    .bind(since)
                    .execute(self.conn())
                    .await?
                    .rows_affected();
                    if n > 0 {
                        changes.push((r.site_id, NetAlert::Down, since));
                    }
                }
                Change::CameBack => {
                    sqlx::query("UPDATE net_outages SET ended_at = $2 WHERE probe_id = $1 AND ended_at IS NULL")
                        .bind(r.probe_id)
                        .bind(r.at)
                        .execute(self.conn())
                        .await?;
                    let n = sqlx::query(
                        "UPDATE net_sites SET down_since = NULL WHERE id = $1 AND down_since IS NOT NULL AND NOT EXISTS \
                         (SELECT 1 FROM net_probes p WHERE p.site_id = $1 AND p.down = 1)",
                    )
                    .bind(r.site_id)
                    .execute(self.conn())
                    .await?
                    .rows_affected();
                    if n > 0 {
                        changes.push((r.site_id, NetAlert::Up, r.at));
                    }
                }
            }
        }
        Ok(changes)
    }

    /// Marks what a site's outage has been told: the going down (`Down`),
    /// the reminder (`StillDown`, once, unless another instance sent it),
    /// the coming back (`Up`: owed only if its going down was told).
    /// Whether this one is to be sent.
    pub async fn net_mark_alerted(&mut self, site_id: i64, alert: NetAlert) -> Result<bool> {
        let sql = match alert {
            NetAlert::Down => "UPDATE net_sites SET alerted = 1 WHERE id = $1 AND down_since IS NOT NULL",
            NetAlert::StillDown => {
                "UPDATE net_sites SET reminded = 1 WHERE id = $1 AND down_since IS NOT NULL AND reminded = 0"
            }
            NetAlert::Up => "UPDATE net_sites SET alerted = 0 WHERE id = $1 AND alerted = 1",
        };
        Ok(sqlx::query(sql).bind(site_id).execute(self.conn()).await?.rows_affected() > 0)
    }

    /// Leaves a network alert in the outbox of the system administrators
    /// and those of the site's agency; how many were addressed.
    pub async fn net_alert(&mut self, alert: NetAlert, agency: Option<&str>, note: &str) -> Result<u64> {
        self.admin_alert(alert.as_str(), agency, note).await
    }
}

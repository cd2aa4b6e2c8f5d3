//! What the pages, the API and the prober read; the prober's leases and
//! push heartbeats (single statements outside the audit chain: they record
//! what machines did, not decisions), and the raw results' compaction.

use egov_network::capacity::Sample;
use egov_network::NetPolicy;

use super::{link, outage, probe, site, Link, Maintenance, Outage, Probe, Site, POLICY};
use crate::{get, Result, Store, StoreError};

/// An hour's sums of one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourRow {
    pub probe_id: i64,
    pub hour: i64,
    pub checks: i64,
    pub fails: i64,
    pub ms_sum: i64,
    pub ms_max: i64,
    /// The packed raw results (empty once past the raw period).
    pub raw: String,
}

/// A site and how many of its probes there are and are down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteCount {
    pub site: Site,
    pub probes: i64,
    pub down: i64,
}

impl Store {
    pub async fn net_policy(&self) -> Result<NetPolicy> {
        match self.meta(POLICY).await? {
            Some(doc) => serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string())),
            None => Ok(NetPolicy::default()),
        }
    }

    /// Sites (of one agency, or all), by name, with their probes counted.
    pub async fn net_sites(&self, agency: Option<&str>) -> Result<Vec<SiteCount>> {
        let rows = sqlx::query(
            "SELECT s.*, (SELECT COUNT(*) FROM net_probes p WHERE p.site_id = s.id) AS probes, \
             (SELECT COUNT(*) FROM net_probes p WHERE p.site_id = s.id AND p.down = 1) AS down_probes \
             FROM net_sites s WHERE ($1 = '' OR s.agency_id = $1) ORDER BY s.name",
        )
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(SiteCount { site: site(r)?, probes: get(r, "probes")?, down: get(r, "down_probes")? }))
            .collect()
    }

    pub async fn net_site(&self, id: i64) -> Result<Option<Site>> {
        let r = sqlx::query("SELECT * FROM net_sites WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(site).transpose()
    }

    /// A site's probes (or every probe: `None`), by id.
    pub async fn net_probes(&self, site_id: Option<i64>) -> Result<Vec<Probe>> {
        let rows = sqlx::query("SELECT * FROM net_probes WHERE ($1 = 0 OR site_id = $1) ORDER BY id")
            .bind(site_id.unwrap_or(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(probe).collect()
    }

    pub async fn net_probe(&self, id: i64) -> Result<Option<Probe>> {
        let r = sqlx::query("SELECT * FROM net_probes WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(probe).transpose()
    }

    /// Outages of a site (or of every site) that overlap `[from, to)`, oldest first.
    pub async fn net_outages(&self, site_id: Option<i64>, from: i64, to: i64) -> Result<Vec<Outage>> {
        let rows = sqlx::query(
            "SELECT * FROM net_outages WHERE ($1 = 0 OR site_id = $1) AND started_at < $3 \
             AND (ended_at IS NULL OR ended_at > $2) ORDER BY started_at, id",
        )
        .bind(site_id.unwrap_or(0))
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(outage).collect()
    }

    pub async fn net_outage(&self, id: i64) -> Result<Option<Outage>> {
        let r = sqlx::query("SELECT * FROM net_outages WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(outage).transpose()
    }

    /// Maintenance windows of a site (or every site) that overlap `[from, to)`.
    pub async fn net_maintenance(&self, site_id: Option<i64>, from: i64, to: i64) -> Result<Vec<Maintenance>> {
        let rows = sqlx::query(
            "SELECT * FROM net_maintenance WHERE ($1 = 0 OR site_id = $1) AND starts_at < $3 AND ends_at > $2 \
             ORDER BY starts_at, id",
        )
        .bind(site_id.unwrap_or(0))
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Maintenance {
                    id: get(r, "id")?,
                    site_id: get(r, "site_id")?,
                    starts_at: get(r, "starts_at")?,
                    ends_at: get(r, "ends_at")?,
                    note: get(r, "note")?,
                })
            })
            .collect()
    }

    /// A probe's hours in `[from, to)`.
    pub async fn net_hours(&self, probe_id: i64, from: i64, to: i64) -> Result<Vec<HourRow>> {
        let rows =
            sqlx::query("SELECT * FROM net_hours WHERE probe_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour")
                .bind(probe_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(HourRow {
                    probe_id: get(r, "probe_id")?,
                    hour: get(r, "hour")?,
                    checks: get(r, "checks")?,
                    fails: get(r, "fails")?,
                    ms_sum: get(r, "ms_sum")?,
                    ms_max: get(r, "ms_max")?,
                    raw: get(r, "raw")?,
                })
            })
            .collect()
    }

    /// Takes (or keeps) the leases of the probes not paused whose lease is
    /// free or this instance's, until `until`; gives up those paused. The
    /// probes held. (An instance takes at most `limit` new ones at a time,
    /// so that several starting together share the work.)
    pub async fn net_claim(&self, instance: &str, now: i64, until: i64, limit: i64) -> Result<Vec<Probe>> {
        self.write_one(
            sqlx::query(
                "UPDATE net_probes SET lease_holder = NULL, lease_until = 0 WHERE lease_holder = $1 AND paused = 1",
            )
            .bind(instance),
        )
        .await?;
        self.write_one(
            sqlx::query("UPDATE net_probes SET lease_until = $2 WHERE lease_holder = $1 AND paused = 0")
                .bind(instance)
                .bind(until),
        )
        .await?;
        self.write_one(
            sqlx::query(
                "UPDATE net_probes SET lease_holder = $1, lease_until = $3 WHERE id IN (SELECT id FROM net_probes \
                 WHERE paused = 0 AND lease_until < $2 ORDER BY id LIMIT $4) AND lease_until < $2",
            )
            .bind(instance)
            .bind(now)
            .bind(until)
            .bind(limit),
        )
        .await?;
        let rows = sqlx::query("SELECT * FROM net_probes WHERE lease_holder = $1 AND lease_until = $2 ORDER BY id")
            .bind(instance)
            .bind(until)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(probe).collect()
    }

    /// Gives up this instance's leases (it stops).
    pub async fn net_release(&self, instance: &str) -> Result<()> {
        self.write_one(
            sqlx::query("UPDATE net_probes SET lease_holder = NULL, lease_until = 0 WHERE lease_holder = $1")
                .bind(instance),
        )
        .await?;
        Ok(())
    }

    /// A push heartbeat to the probe with this secret's digest: its id, or none.
    pub async fn net_push(&self, digest: &str, at: i64) -> Result<Option<i64>> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM net_probes WHERE push_digest = $1")
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(id) = id {
            self.write_one(sqlx::query("UPDATE net_probes SET last_push = $2 WHERE id = $1").bind(id).bind(at)).await?;
        }
        Ok(id)
    }

    /// Drops the raw results of hours before `before` (their sums stay); how many hours.
    pub async fn net_compact(&self, before: i64) -> Result<u64> {
        self.write_one(sqlx::query("UPDATE net_hours SET raw = '' WHERE hour < $1 AND raw <> ''").bind(before)).await
    }

    /// Sites down with their reminder owed: down since before `before`, not reminded.
    pub async fn net_reminders_due(&self, before: i64) -> Result<Vec<Site>> {
        let rows = sqlx::query(
            "SELECT * FROM net_sites WHERE down_since IS NOT NULL AND down_since <= $1 AND reminded = 0 AND alerted = 1",
        )
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(site).collect()
    }

    /// A site's links (or every link), by id.
    pub async fn net_links(&self, site_id: Option<i64>) -> Result<Vec<Link>> {
        let rows = sqlx::query("SELECT * FROM net_links WHERE ($1 = 0 OR site_id = $1) ORDER BY id")
            .bind(site_id.unwrap_or(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(link).collect()
    }

    pub async fn net_link(&self, id: i64) -> Result<Option<Link>> {
        let r = sqlx::query("SELECT * FROM net_links WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(link).transpose()
    }

    /// A link's samples in `[from, to)`, in order.
    pub async fn net_samples(&self, link_id: i64, from: i64, to: i64) -> Result<Vec<Sample>> {
        let rows = sqlx::query("SELECT * FROM net_samples WHERE link_id = $1 AND at >= $2 AND at < $3 ORDER BY at")
            .bind(link_id)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Sample {
                    at: get(r, "at")?,
                    in_bps: get::<i64>(r, "in_bps")?.max(0) as u64,
                    out_bps: get::<i64>(r, "out_bps")?.max(0) as u64,
                })
            })
            .collect()
    }
}

//! What the console and the agents' endpoints read, and the writes made
//! outside a use case's transaction: heartbeats (not audited) and the
//! coverage series.

use chrono::NaiveDate;
use egov_protection::{Coverage, Policy, Status};

use super::{detection, machine, status, AgentCred, Detection, PrMachine, MACHINE_COLUMNS, POLICY};
use crate::{get, Result, Store, StoreError};

impl Store {
    /// The agent these credentials (their digest) are of.
    pub async fn pr_agent(&self, digest: &str) -> Result<Option<AgentCred>> {
        let r = sqlx::query(
            "SELECT a.id, a.machine_id, a.revoked_at, m.agency_id FROM pr_agents a JOIN pr_machines m ON m.id = a.machine_id \
             WHERE a.digest = $1",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| {
            Ok(AgentCred {
                agent_id: get(&r, "id")?,
                machine_id: get(&r, "machine_id")?,
                agency_id: get(&r, "agency_id")?,
                revoked: get::<Option<i64>>(&r, "revoked_at")?.is_some(),
            })
        })
        .transpose()
    }

    /// Keeps a machine's last heartbeat (and clears its disconnection alert).
    pub async fn pr_save_status(
        &self,
        machine_id: i64,
        agent_id: i64,
        s: &Status,
        engine_line: Option<&str>,
    ) -> Result<()> {
        let addresses = serde_json::to_string(&s.addresses).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.write_one(
            sqlx::query(
                "INSERT INTO pr_status (machine_id, agent_id, last_seen, host_name, os, addresses, agent_version, engine_line, \
                 signature_date, last_scan, last_scan_result, last_good_scan, alerted_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL) \
                 ON CONFLICT (machine_id) DO UPDATE SET agent_id = excluded.agent_id, last_seen = excluded.last_seen, \
                 host_name = excluded.host_name, os = excluded.os, addresses = excluded.addresses, \
                 agent_version = excluded.agent_version, engine_line = excluded.engine_line, \
                 signature_date = excluded.signature_date, last_scan = excluded.last_scan, \
                 last_scan_result = excluded.last_scan_result, last_good_scan = excluded.last_good_scan, alerted_at = NULL",
            )
            .bind(machine_id)
            .bind(agent_id)
            .bind(s.last_seen)
            .bind(&s.host_name)
            .bind(&s.os)
            .bind(addresses)
            .bind(&s.agent_version)
            .bind(engine_line)
            .bind(s.signature_date)
            .bind(s.last_scan)
            .bind(s.last_scan_result.map(|r| r.as_str()))
            .bind(s.last_good_scan),
        )
        .await?;
        Ok(())
    }

    /// A machine's last heartbeat.
    pub async fn pr_status(&self, machine_id: i64) -> Result<Option<Status>> {
        Ok(self.pr_machine_view(machine_id).await?.and_then(|m| m.status))
    }

    fn pr_view(r: &sqlx::any::AnyRow) -> Result<PrMachine> {
        Ok(PrMachine {
            machine: machine(r)?,
            own: get::<i64>(r, "own")? != 0,
            status: status(r)?,
            enrolled_at: get(r, "enrolled_at")?,
        })
    }

    /// The machines of an agency (none: of every agency, and egov's own), by agency and name.
    pub async fn pr_machines(&self, agency: Option<&str>) -> Result<Vec<PrMachine>> {
        let rows = sqlx::query(&format!(
            "SELECT {MACHINE_COLUMNS} FROM pr_machines m LEFT JOIN pr_status s ON s.machine_id = m.id \
             WHERE ($1 IS NULL OR m.agency_id = $1) ORDER BY m.agency_id, LOWER(m.name), m.id"
        ))
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Self::pr_view).collect()
    }

    pub async fn pr_machine_view(&self, id: i64) -> Result<Option<PrMachine>> {
        let r = sqlx::query(&format!(
            "SELECT {MACHINE_COLUMNS} FROM pr_machines m LEFT JOIN pr_status s ON s.machine_id = m.id WHERE m.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(Self::pr_view).transpose()
    }

    /// Detections of an agency's machines (none: all), newest first, a page
    /// at a time; with `open`, only those not yet closed. The page and the count of all.
    pub async fn pr_detections(
        &self,
        agency: Option<&str>,
        open: bool,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Detection>, i64)> {
        let filter = "FROM pr_detections d JOIN pr_machines m ON m.id = d.machine_id \
             WHERE ($1 IS NULL OR m.agency_id = $1) AND ($2 = 0 OR d.state IN ('new', 'quarantined'))";
        let rows = sqlx::query(&format!(
            "SELECT d.*, m.name, m.agency_id, (SELECT u.full_name FROM users u WHERE u.id = \
             CASE WHEN d.handled_by LIKE 'user:%' THEN CAST(SUBSTR(d.handled_by, 6) AS BIGINT) END) AS handler \
             {filter} ORDER BY d.received_at DESC, d.id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(agency)
        .bind(i64::from(open))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {filter}"))
            .bind(agency)
            .bind(i64::from(open))
            .fetch_one(&self.pool)
            .await?;
        Ok((rows.iter().map(detection).collect::<Result<_>>()?, total))
    }

    /// The policy in force (the defaults until the department sets one).
    pub async fn pr_policy(&self) -> Result<Policy> {
        match self.meta(POLICY).await? {
            Some(d) => serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string())),
            None => Ok(Policy::default()),
        }
    }

    /// Keeps a day's coverage of each agency (replacing that day's figures).
    pub async fn pr_save_coverage(&self, day: NaiveDate, by_agency: &[(String, Coverage)]) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("DELETE FROM pr_coverage_days WHERE day = $1").bind(day.to_string()).execute(w.conn()).await?;
        for (agency, c) in by_agency {
            sqlx::query("INSERT INTO pr_coverage_days (day, agency_id, machines, covered) VALUES ($1, $2, $3, $4)")
                .bind(day.to_string())
                .bind(agency)
                .bind(i64::from(c.machines))
                .bind(i64::from(c.covered))
                .execute(w.conn())
                .await?;
        }
        w.commit().await
    }

    /// The kept daily coverage from `from` to `to` (inclusive) of an agency,
    /// or of the province (none: every agency's summed), by day.
    pub async fn pr_coverage_series(
        &self,
        agency: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, Coverage)>> {
        let rows = sqlx::query(
            "SELECT day, CAST(SUM(machines) AS BIGINT) AS machines, CAST(SUM(covered) AS BIGINT) AS covered FROM pr_coverage_days \
             WHERE day >= $1 AND day <= $2 AND ($3 IS NULL OR agency_id = $3) GROUP BY day ORDER BY day",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let n = |c| get::<i64>(r, c).map(|v| u32::try_from(v).unwrap_or(u32::MAX));
                Ok((
                    super::day(&get::<String>(r, "day")?)?,
                    Coverage { machines: n("machines")?, covered: n("covered")? },
                ))
            })
            .collect()
    }

    /// Machines in service with a current agent, silent since before
    /// `before`, whose disconnection was not yet said: their ids, names,
    /// agencies and last heartbeat.
    pub async fn pr_silent(&self, before: i64) -> Result<Vec<(i64, String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT m.id, m.name, m.agency_id, s.last_seen FROM pr_status s JOIN pr_machines m ON m.id = s.machine_id \
             WHERE s.last_seen < $1 AND s.alerted_at IS NULL AND m.own = 0 AND m.retired_on IS NULL \
             AND EXISTS (SELECT 1 FROM pr_agents a WHERE a.machine_id = m.id AND a.revoked_at IS NULL) ORDER BY s.last_seen",
        )
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((get(r, "id")?, get(r, "name")?, get(r, "agency_id")?, get(r, "last_seen")?))).collect()
    }
}

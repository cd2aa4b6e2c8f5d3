//! Endpoint protection (issue 18): the inventory, enrolment tokens and
//! agents' credentials (digests only), each machine's last heartbeat,
//! detections, the policy (in `meta`) and the daily coverage series.
//! Changes people make are audited; heartbeats are not (one a minute a
//! machine), detections are.

use chrono::NaiveDate;
use egov_protection::{
    ActionTaken, DetectionState, EngineVersion, Machine, MachineKind, NewMachine, Policy, ScanResult, Status,
};

use crate::{get, Migration, Result, StoreError, WriteTx};

pub const MIGRATIONS: &[Migration] = crate::migrations!("protection": 25 "0025_protection");

/// A machine with what the console shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrMachine {
    pub machine: Machine,
    /// egov's own machine (its upload scanning), not in any inventory.
    pub own: bool,
    pub status: Option<Status>,
    /// Its current agent's enrolment (none: never enrolled, or revoked).
    pub enrolled_at: Option<i64>,
}

/// An agent's credentials, found by their digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentCred {
    pub agent_id: i64,
    pub machine_id: i64,
    pub agency_id: String,
    pub revoked: bool,
}

/// A detection as an agent (or egov's own scanning) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDetection {
    /// The reporter's own id for the report: sent twice, kept once.
    pub report_id: String,
    pub found_at: i64,
    pub path: String,
    pub signature: String,
    pub sha256: String,
    pub action: ActionTaken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub id: i64,
    pub machine_id: i64,
    pub machine_name: String,
    pub agency_id: String,
    pub received_at: i64,
    pub d: NewDetection,
    pub state: DetectionState,
    pub handled_by: Option<String>,
    /// The official who handled it, by name (none: not handled, or by the command line).
    pub handler: Option<String>,
    pub handled_at: Option<i64>,
    pub note: String,
}

const POLICY: &str = "protection_policy";

fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("a date: {s}")))
}

fn machine(r: &sqlx::any::AnyRow) -> Result<Machine> {
    let kind: String = get(r, "kind")?;
    let retired: Option<String> = get(r, "retired_on")?;
    Ok(Machine {
        id: get(r, "id")?,
        m: NewMachine {
            agency_id: get(r, "agency_id")?,
            name: get(r, "name")?,
            kind: MachineKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("a machine's kind: {kind}")))?,
            location: get(r, "location")?,
            address: get(r, "address")?,
            notes: get(r, "notes")?,
            added_on: day(&get::<String>(r, "added_on")?)?,
            retired_on: retired.as_deref().map(day).transpose()?,
        },
    })
}

fn status(r: &sqlx::any::AnyRow) -> Result<Option<Status>> {
    let Some(last_seen) = get::<Option<i64>>(r, "last_seen")? else { return Ok(None) };
    let engine: Option<String> = get(r, "engine_line")?;
    let engine = match engine {
        Some(l) => Some(EngineVersion::parse(&l).ok_or_else(|| StoreError::Corrupt(format!("an engine line: {l}")))?),
        None => None,
    };
    let result: Option<String> = get(r, "last_scan_result")?;
    let addresses: String = get(r, "addresses")?;
    Ok(Some(Status {
        last_seen,
        host_name: get(r, "host_name")?,
        os: get(r, "os")?,
        addresses: serde_json::from_str(&addresses).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        agent_version: get(r, "agent_version")?,
        engine,
        signature_date: get(r, "signature_date")?,
        last_scan: get(r, "last_scan")?,
        last_scan_result: match result {
            Some(s) => Some(ScanResult::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("a scan result: {s}")))?),
            None => None,
        },
        last_good_scan: get(r, "last_good_scan")?,
    }))
}

fn detection(r: &sqlx::any::AnyRow) -> Result<Detection> {
    let action: String = get(r, "action")?;
    let state: String = get(r, "state")?;
    Ok(Detection {
        id: get(r, "id")?,
        machine_id: get(r, "machine_id")?,
        machine_name: get(r, "name")?,
        agency_id: get(r, "agency_id")?,
        received_at: get(r, "received_at")?,
        d: NewDetection {
            report_id: get(r, "report_id")?,
            found_at: get(r, "found_at")?,
            path: get(r, "path")?,
            signature: get(r, "signature")?,
            sha256: get(r, "sha256")?,
            action: ActionTaken::parse(&action).ok_or_else(|| StoreError::Corrupt(format!("an action: {action}")))?,
        },
        state: DetectionState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("a state: {state}")))?,
        handled_by: get(r, "handled_by")?,
        handler: get(r, "handler")?,
        handled_at: get(r, "handled_at")?,
        note: get(r, "note")?,
    })
}

/// A machine's eight columns, bound in their order after what `q` bound.
fn bind_machine<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    m: &'q NewMachine,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&m.agency_id)
        .bind(&m.name)
        .bind(m.kind.as_str())
        .bind(&m.location)
        .bind(&m.address)
        .bind(&m.notes)
        .bind(m.added_on.to_string())
        .bind(m.retired_on.map(|d| d.to_string()))
}

const MACHINE_COLUMNS: &str =
    "m.id, m.agency_id, m.name, m.kind, m.location, m.address, m.notes, m.added_on, m.retired_on, m.own, \
     s.last_seen, s.host_name, s.os, s.addresses, s.agent_version, s.engine_line, s.signature_date, s.last_scan, \
     s.last_scan_result, s.last_good_scan, \
     (SELECT MAX(a.enrolled_at) FROM pr_agents a WHERE a.machine_id = m.id AND a.revoked_at IS NULL) AS enrolled_at";

impl WriteTx {
    /// Adds a machine to the inventory, or changes one (`id`); its id.
    pub async fn pr_save_machine(&mut self, id: Option<i64>, m: &NewMachine, actor: &str) -> Result<i64> {
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM pr_machines WHERE agency_id = $1 AND LOWER(name) = LOWER($2)")
                .bind(&m.agency_id)
                .bind(&m.name)
                .fetch_optional(self.conn())
                .await?;
        if taken.is_some_and(|t| Some(t) != id) {
            return Err(StoreError::Conflict("name"));
        }
        let before = match id {
            Some(id) => Some(self.pr_machine(id).await?.ok_or(StoreError::NotFound)?),
            None => None,
        };
        let id = match id {
            Some(id) => {
                let q = sqlx::query(
                    "UPDATE pr_machines SET agency_id = $2, name = $3, kind = $4, location = $5, address = $6, \
                     notes = $7, added_on = $8, retired_on = $9 WHERE id = $1",
                );
                bind_machine(q.bind(id), m).execute(self.conn()).await?;
                id
            }
            None => {
                let q = sqlx::query(
                    "INSERT INTO pr_machines (agency_id, name, kind, location, address, notes, added_on, retired_on) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                );
                get(&bind_machine(q, m).fetch_one(self.conn()).await?, "id")?
            }
        };
        self.audit(egov_audit::Event::new(
            actor,
            "protection.machine",
            format!("machine:{id}"),
            before.as_ref().map(|b| &b.m),
            Some(m),
        ));
        Ok(id)
    }

    async fn pr_machine(&mut self, id: i64) -> Result<Option<Machine>> {
        let r = sqlx::query("SELECT * FROM pr_machines WHERE id = $1").bind(id).fetch_optional(self.conn()).await?;
        r.as_ref().map(machine).transpose()
    }

    /// Imports machines: each added, or changed when its agency already has
    /// one of that name. How many were added and changed.
    pub async fn pr_import_machines(&mut self, list: &[NewMachine], actor: &str) -> Result<(usize, usize)> {
        let (mut added, mut changed) = (0, 0);
        for m in list {
            let id: Option<i64> =
                sqlx::query_scalar("SELECT id FROM pr_machines WHERE agency_id = $1 AND LOWER(name) = LOWER($2)")
                    .bind(&m.agency_id)
                    .bind(&m.name)
                    .fetch_optional(self.conn())
                    .await?;
            if id.is_some() {
                changed += 1;
            } else {
                added += 1;
            }
            self.pr_save_machine(id, m, actor).await?;
        }
        Ok((added, changed))
    }

    /// Keeps an enrolment token's digest for a machine until it expires.
    pub async fn pr_issue_enrolment(
        &mut self,
        machine_id: i64,
        digest: &str,
        expires_at: i64,
        actor: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO pr_enrolments (digest, machine_id, issued_by, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(digest)
        .bind(machine_id)
        .bind(actor)
        .bind(self.now())
        .bind(expires_at)
        .execute(self.conn())
        .await?;
        let after = serde_json::json!({ "expires_at": expires_at });
        self.audit(egov_audit::Event::new(
            actor,
            "protection.enrolment",
            format!("machine:{machine_id}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(())
    }

    /// Takes an enrolment token once, if unexpired, and gives its machine a
    /// new agent with these credentials (the machine's earlier agents are
    /// revoked: one agent a machine). The machine's id, or none.
    pub async fn pr_enrol(&mut self, token_digest: &str, agent_digest: &str) -> Result<Option<i64>> {
        let now = self.now();
        let machine: Option<i64> = sqlx::query_scalar(
            "UPDATE pr_enrolments SET used_at = $2 WHERE digest = $1 AND used_at IS NULL AND expires_at > $2 \
             RETURNING machine_id",
        )
        .bind(token_digest)
        .bind(now)
        .fetch_optional(self.conn())
        .await?;
        let Some(machine) = machine else { return Ok(None) };
        sqlx::query("UPDATE pr_agents SET revoked_at = $2 WHERE machine_id = $1 AND revoked_at IS NULL")
            .bind(machine)
            .bind(now)
            .execute(self.conn())
            .await?;
        let agent: i64 = sqlx::query_scalar(
            "INSERT INTO pr_agents (machine_id, digest, enrolled_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(machine)
        .bind(agent_digest)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        let after = serde_json::json!({ "agent": agent });
        self.audit(egov_audit::Event::new(
            format!("agent:{agent}"),
            "protection.enrol",
            format!("machine:{machine}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(Some(machine))
    }

    /// Revokes a machine's agent: refused from its next request on. Whether one was.
    pub async fn pr_revoke_agent(&mut self, machine_id: i64, actor: &str) -> Result<bool> {
        let n = sqlx::query("UPDATE pr_agents SET revoked_at = $2 WHERE machine_id = $1 AND revoked_at IS NULL")
            .bind(machine_id)
            .bind(self.now())
            .execute(self.conn())
            .await?
            .rows_affected();
        if n > 0 {
            self.audit(egov_audit::Event::new(
                actor,
                "protection.revoke",
                format!("machine:{machine_id}"),
                None::<&()>,
                None::<&()>,
            ));
        }
        Ok(n > 0)
    }

    /// Records a detection (once: a report sent again is recognised by its
    /// id); its id, and whether it is new.
    pub async fn pr_record_detection(&mut self, machine_id: i64, d: &NewDetection, actor: &str) -> Result<(i64, bool)> {
        let had: Option<i64> =
            sqlx::query_scalar("SELECT id FROM pr_detections WHERE machine_id = $1 AND report_id = $2")
                .bind(machine_id)
                .bind(&d.report_id)
                .fetch_optional(self.conn())
                .await?;
        if let Some(id) = had {
            return Ok((id, false));
        }
        let state = DetectionState::first(d.action);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO pr_detections (machine_id, report_id, found_at, received_at, path, signature, sha256, action, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(machine_id)
        .bind(&d.report_id)
        .bind(d.found_at)
        .bind(self.now())
        .bind(&d.path)
        .bind(&d.signature)
        .bind(&d.sha256)
        .bind(d.action.as_str())
        .bind(state.as_str())
        .fetch_one(self.conn())
        .await?;
        let after = serde_json::json!({
            "machine": machine_id, "path": d.path, "signature": d.signature, "sha256": d.sha256, "action": d.action.as_str()
        });
        self.audit(egov_audit::Event::new(
            actor,
            "protection.detection",
            format!("detection:{id}"),
            None::<&()>,
            Some(&after),
        ));
        Ok((id, true))
    }

    /// A detection, for its handling.
    pub async fn pr_detection(&mut self, id: i64) -> Result<Option<Detection>> {
        let r = sqlx::query(
            "SELECT d.*, m.name, m.agency_id, NULL AS handler FROM pr_detections d JOIN pr_machines m ON m.id = d.machine_id \
             WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await?;
        r.as_ref().map(detection).transpose()
    }

    /// Moves a detection to a state its rules allow (checked by the caller).
    pub async fn pr_handle_detection(
        &mut self,
        id: i64,
        from: DetectionState,
        to: DetectionState,
        note: &str,
        actor: &str,
    ) -> Result<()> {
        let n = sqlx::query(
            "UPDATE pr_detections SET state = $3, handled_by = $4, handled_at = $5, note = $6 WHERE id = $1 AND state = $2",
        )
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(actor)
        .bind(self.now())
        .bind(note)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("state"));
        }
        self.audit(egov_audit::Event::new(
            actor,
            "protection.handle",
            format!("detection:{id}"),
            Some(&from.as_str()),
            Some(&serde_json::json!({ "state": to.as_str(), "note": note })),
        ));
        Ok(())
    }

    pub async fn pr_set_policy(&mut self, p: &Policy, actor: &str) -> Result<()> {
        let before = self.meta(POLICY).await?;
        let doc = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.set_meta(POLICY, &doc).await?;
        let before: Option<Policy> = before.and_then(|b| serde_json::from_str(&b).ok());
        self.audit(egov_audit::Event::new(actor, "protection.policy", "protection:policy", before.as_ref(), Some(p)));
        Ok(())
    }

    /// Leaves an alert in the outbox of every administrator it concerns —
    /// the system administrators, and those of `agency` — in this
    /// transaction: mailed when e-mail is on and they have an address.
    /// How many were addressed.
    pub async fn pr_alert(&mut self, alert: egov_protection::Alert, agency: Option<&str>, note: &str) -> Result<u64> {
        self.admin_alert(alert.as_str(), agency, note).await
    }

    /// Marks a silent machine's disconnection as said, unless it was heard
    /// from meanwhile or another instance said it: whether this one did.
    pub async fn pr_mark_alerted(&mut self, machine_id: i64, last_seen: i64) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE pr_status SET alerted_at = $3 WHERE machine_id = $1 AND last_seen = $2 AND alerted_at IS NULL",
        )
        .bind(machine_id)
        .bind(last_seen)
        .bind(self.now())
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    /// egov's own machine (made the first time it is needed).
    pub async fn pr_own_machine(&mut self, today: NaiveDate) -> Result<i64> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM pr_machines WHERE own = 1").fetch_optional(self.conn()).await?;
        if let Some(id) = id {
            return Ok(id);
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO pr_machines (agency_id, name, kind, location, address, notes, added_on, own) \
             VALUES ('', 'egov', 'server', '', '', '', $1, 1) RETURNING id",
        )
        .bind(today.to_string())
        .fetch_one(self.conn())
        .await?)
    }
}

mod read;

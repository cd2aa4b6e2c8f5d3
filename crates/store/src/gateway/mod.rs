//! The data-exchange gateway's registry (subsystems, services, groups,
//! access rights, API keys) and its message log. Every registry change is
//! audited and bumps `gateway_version`, which every instance watches.

use base64::Engine;
use egov_gateway::archive::Seal;
use egov_gateway::{log, Bodies, Credential, Exchange, LogMode, Logged, Outcome, SubsystemState};

use crate::{get, Migration, Result, Store, StoreError, WriteTx};

pub mod journal;

pub const MIGRATIONS: &[Migration] = crate::migrations!("gateway": 21 "0021_gateway", 22 "0022_gateway_seals", 23 "0023_gateway_credentials_bodies", 24 "0024_gateway_journals");

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GwSubsystem {
    pub id: i64,
    pub ident: String,
    pub agency_id: Option<String>,
    pub name: String,
    #[serde(serialize_with = "state_name")]
    pub state: SubsystemState,
}

fn state_name<S: serde::Serializer>(s: &SubsystemState, ser: S) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

fn mode_name<S: serde::Serializer>(m: &LogMode, ser: S) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(m.as_str())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GwService {
    pub id: i64,
    pub subsystem_id: i64,
    pub code: String,
    pub upstream: String,
    pub timeout_ms: i64,
    #[serde(serialize_with = "mode_name")]
    pub logging: LogMode,
    #[serde(skip)]
    pub openapi: Option<String>,
}

/// Whom a stored grant is for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum GwGrantee {
    Subsystem(String),
    Group(String),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GwGrant {
    pub id: i64,
    pub service_id: i64,
    pub grantee: GwGrantee,
    pub method: Option<String>,
    pub path: Option<String>,
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
}

/// The whole registry, as an instance holds it in memory.
#[derive(Debug, Clone, Default)]
pub struct GwRegistry {
    pub version: String,
    pub subsystems: Vec<GwSubsystem>,
    pub services: Vec<GwService>,
    /// (group, subsystem id)
    pub groups: Vec<(String, i64)>,
    /// Grants not revoked.
    pub grants: Vec<GwGrant>,
    /// (key digest, subsystem id) of API keys not revoked.
    pub keys: Vec<(String, i64)>,
    /// (certificate SHA-256, subsystem id) of client certificates not revoked.
    pub certificates: Vec<(String, i64)>,
    /// The gateway is in maintenance: it answers every call 503.
    pub maintenance: bool,
}

/// What may be revoked.
enum Revocable {
    Grant,
    Key,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} '{v}'"))
}

impl Store {
    /// The registry as it is now.
    pub async fn gateway_registry(&self) -> Result<GwRegistry> {
        let version = self.meta("gateway_version").await?.unwrap_or_default();
        let subsystems = sqlx::query("SELECT id, ident, agency_id, name, state FROM gw_subsystems ORDER BY ident")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let state: String = get(r, "state")?;
                Ok(GwSubsystem {
                    id: get(r, "id")?,
                    ident: get(r, "ident")?,
                    agency_id: get(r, "agency_id")?,
                    name: get(r, "name")?,
                    state: SubsystemState::parse(&state).ok_or_else(|| corrupt("subsystem state", &state))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let services = sqlx::query(
            "SELECT id, subsystem_id, code, upstream, timeout_ms, logging, openapi FROM gw_services ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let logging: String = get(r, "logging")?;
            Ok(GwService {
                id: get(r, "id")?,
                subsystem_id: get(r, "subsystem_id")?,
                code: get(r, "code")?,
                upstream: get(r, "upstream")?,
                timeout_ms: get(r, "timeout_ms")?,
                logging: LogMode::parse(&logging).ok_or_else(|| corrupt("logging mode", &logging))?,
                openapi: get(r, "openapi")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let groups = sqlx::query("SELECT grp, subsystem_id FROM gw_group_members ORDER BY grp")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((get(r, "grp")?, get(r, "subsystem_id")?)))
            .collect::<Result<Vec<_>>>()?;
        let grants = sqlx::query(
            "SELECT id, service_id, grantee_kind, grantee, method, path, valid_from, valid_until FROM gw_grants \
             WHERE revoked_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let (kind, who): (String, String) = (get(r, "grantee_kind")?, get(r, "grantee")?);
            let grantee = match kind.as_str() {
                "Subsystem" => GwGrantee::Subsystem(who),
                "Group" => GwGrantee::Group(who),
                other => return Err(corrupt("grantee kind", other)),
            };
            Ok(GwGrant {
                id: get(r, "id")?,
                service_id: get(r, "service_id")?,
                grantee,
                method: get(r, "method")?,
                path: get(r, "path")?,
                valid_from: get(r, "valid_from")?,
                valid_until: get(r, "valid_until")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let (mut keys, mut certificates) = (Vec::new(), Vec::new());
        for r in sqlx::query("SELECT digest, subsystem_id, kind FROM gw_keys WHERE revoked_at IS NULL")
            .fetch_all(&self.pool)
            .await?
        {
            let kind: String = get(&r, "kind")?;
            let row = (get(&r, "digest")?, get(&r, "subsystem_id")?);
            match Credential::parse(&kind).ok_or_else(|| corrupt("credential", &kind))? {
                Credential::ApiKey => keys.push(row),
                Credential::Certificate => certificates.push(row),
            }
        }
        let maintenance = self.meta("gateway_maintenance").await?.as_deref() == Some("on");
        Ok(GwRegistry { version, subsystems, services, groups, grants, keys, certificates, maintenance })
    }

    pub async fn gateway_version(&self) -> Result<String> {
        Ok(self.meta("gateway_version").await?.unwrap_or_default())
    }

    /// Appends exchanges to the message log, chained, in one transaction
    /// that holds the log's head; their sequence numbers.
    pub async fn append_exchanges(&self, logged: &[Logged], mark: Option<&journal::Mark>) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin().await?;
        let lock = match self.backend() {
            crate::Backend::Postgres => " FOR UPDATE",
            crate::Backend::Sqlite => "",
        };
        if self.backend() == crate::Backend::Sqlite {
            // take SQLite's write lock first, as the audit head does
            sqlx::query("UPDATE gw_log_head SET seq = seq WHERE id = 1").execute(&mut *tx).await?;
        }
        let head =
            sqlx::query(&format!("SELECT seq, hash FROM gw_log_head WHERE id = 1{lock}")).fetch_one(&mut *tx).await?;
        let (mut seq, mut hash): (i64, String) = (get(&head, "seq")?, get(&head, "hash")?);
        // chained here, written in multi-row statements (16 columns; 60 rows
        // keep a statement under SQLite's and PostgreSQL's parameter limits)
        let mut rows = Vec::with_capacity(logged.len());
        for e in logged.iter().map(|l| &l.exchange) {
            seq += 1;
            let next = log::link(&hash, seq, e);
            rows.push((seq, e, std::mem::replace(&mut hash, next.clone()), next));
        }
        for chunk in rows.chunks(60) {
            let sql = format!(
                "INSERT INTO gw_log (seq, message_id, client, service, method, path, status, outcome, request_bytes, \
                 response_bytes, request_sha256, response_sha256, started_at, duration_us, prev_hash, hash) VALUES {}",
                crate::batch::numbered(&tx, chunk.len(), 16)
            );
            let mut q = sqlx::query(&sql);
            for (seq, e, prev, h) in chunk {
                q = q
                    .bind(*seq)
                    .bind(&e.message_id)
                    .bind(&e.client)
                    .bind(&e.service)
                    .bind(&e.method)
                    .bind(&e.path)
                    .bind(i64::from(e.status))
                    .bind(e.outcome.as_str())
                    .bind(e.request_bytes as i64)
                    .bind(e.response_bytes as i64)
                    .bind(&e.request_sha256)
                    .bind(&e.response_sha256)
                    .bind(e.started_at)
                    .bind(e.duration_us)
                    .bind(prev)
                    .bind(h);
            }
            q.execute(&mut *tx).await?;
        }
        let seqs: Vec<i64> = rows.iter().map(|r| r.0).collect();
        for (seq, l) in seqs.iter().zip(logged) {
            if let Some(b) = &l.bodies {
                let b64 = |x: &[u8]| base64::engine::general_purpose::STANDARD.encode(x);
                sqlx::query("INSERT INTO gw_bodies (seq, request, response) VALUES ($1, $2, $3)")
                    .bind(seq)
                    .bind(b64(&b.request))
                    .bind(b64(&b.response))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query("UPDATE gw_log_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        if let Some(m) = mark {
            sqlx::query(
                "INSERT INTO gw_journals (id, n) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = excluded.n",
            )
            .bind(&m.journal)
            .bind(m.n as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(seqs)
    }

    /// How far a journal is in the chain: its last entry's number there (0: none).
    pub async fn journal_position(&self, id: &str) -> Result<u64> {
        let n: Option<i64> =
            sqlx::query_scalar("SELECT n FROM gw_journals WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    /// A journal replayed and removed: its position is forgotten.
    pub async fn forget_journal(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM gw_journals WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// The kept bodies of the records `lo..=hi` (services in full mode).
    pub async fn exchange_bodies(&self, lo: i64, hi: i64) -> Result<std::collections::HashMap<i64, Bodies>> {
        let rows = sqlx::query("SELECT seq, request, response FROM gw_bodies WHERE seq >= $1 AND seq <= $2")
            .bind(lo)
            .bind(hi)
            .fetch_all(&self.pool)
            .await?;
        let mut out = std::collections::HashMap::new();
        for r in rows {
            let decode = |col: &str| -> Result<Vec<u8>> {
                let text: String = get(&r, col)?;
                base64::engine::general_purpose::STANDARD.decode(&text).map_err(|_| corrupt("a kept body", col))
            };
            out.insert(get(&r, "seq")?, Bodies { request: decode("request")?, response: decode("response")? });
        }
        Ok(out)
    }

    /// What a service's figures are made of: (service, outcome, status,
    /// started_at, duration_us) of the exchanges that began since `since`
    /// (micros), at most `limit`, the latest first.
    pub async fn exchange_times(&self, since: i64, limit: i64) -> Result<Vec<(String, String, i64, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT service, outcome, status, started_at, duration_us FROM gw_log WHERE started_at >= $1 \
             ORDER BY seq DESC LIMIT $2",
        )
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    get(r, "service")?,
                    get(r, "outcome")?,
                    get(r, "status")?,
                    get(r, "started_at")?,
                    get(r, "duration_us")?,
                ))
            })
            .collect()
    }

    /// The log's records from `from_seq` on (at most `limit`), with their
    /// chain fields: (seq, exchange, prev_hash, hash).
    pub async fn exchanges(&self, from_seq: i64, limit: i64) -> Result<Vec<(i64, Exchange, String, String)>> {
        let rows = sqlx::query("SELECT * FROM gw_log WHERE seq >= $1 ORDER BY seq LIMIT $2")
            .bind(from_seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let outcome: String = get(r, "outcome")?;
                let status: i64 = get(r, "status")?;
                let e = Exchange {
                    message_id: get(r, "message_id")?,
                    client: get(r, "client")?,
                    service: get(r, "service")?,
                    method: get(r, "method")?,
                    path: get(r, "path")?,
                    status: u16::try_from(status).map_err(|_| corrupt("status", &status.to_string()))?,
                    outcome: Outcome::parse(&outcome).ok_or_else(|| corrupt("outcome", &outcome))?,
                    request_bytes: get::<i64>(r, "request_bytes")? as u64,
                    response_bytes: get::<i64>(r, "response_bytes")? as u64,
                    request_sha256: get(r, "request_sha256")?,
                    response_sha256: get(r, "response_sha256")?,
                    started_at: get(r, "started_at")?,
                    duration_us: get(r, "duration_us")?,
                };
                Ok((get(r, "seq")?, e, get(r, "prev_hash")?, get(r, "hash")?))
            })
            .collect()
    }
}

impl Store {
    /// The log's head: its last sequence number and hash.
    pub async fn gateway_log_head(&self) -> Result<(i64, String)> {
        let r = sqlx::query("SELECT seq, hash FROM gw_log_head WHERE id = 1").fetch_one(&self.pool).await?;
        Ok((get(&r, "seq")?, get(&r, "hash")?))
    }

    /// The last sealed sequence number (0 before any seal).
    pub async fn last_seal(&self) -> Result<i64> {
        let s: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM gw_seals").fetch_one(&self.pool).await?;
        Ok(s.unwrap_or(0))
    }

    /// Keeps a seal (a second one of the same head is ignored: two
    /// instances sealing at once agree).
    pub async fn add_seal(&self, s: &Seal) -> Result<()> {
        sqlx::query(
            "INSERT INTO gw_seals (seq, hash, at_micros, signer, sig) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(s.seq)
        .bind(&s.hash)
        .bind(s.at_micros)
        .bind(&s.key)
        .bind(&s.sig)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The seals from `from_seq` on, and the first one after `to_seq` (it
    /// covers the period's tail).
    pub async fn seals_covering(&self, from_seq: i64, to_seq: i64) -> Result<Vec<Seal>> {
        let rows = sqlx::query(
            "SELECT seq, hash, at_micros, signer, sig FROM gw_seals WHERE seq >= $1 AND \
             seq <= COALESCE((SELECT MIN(seq) FROM gw_seals WHERE seq >= $2), $2) ORDER BY seq",
        )
        .bind(from_seq)
        .bind(to_seq)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Seal {
                    seq: get(r, "seq")?,
                    hash: get(r, "hash")?,
                    at_micros: get(r, "at_micros")?,
                    key: get(r, "signer")?,
                    sig: get(r, "sig")?,
                })
            })
            .collect()
    }

    /// The sequence numbers of the exchanges that began in `[from, to)`
    /// (micros): the first and the last, when any did.
    pub async fn log_range(&self, from: i64, to: i64) -> Result<Option<(i64, i64)>> {
        let r =
            sqlx::query("SELECT MIN(seq) AS lo, MAX(seq) AS hi FROM gw_log WHERE started_at >= $1 AND started_at < $2")
                .bind(from)
                .bind(to)
                .fetch_one(&self.pool)
                .await?;
        let (lo, hi): (Option<i64>, Option<i64>) = (get(&r, "lo")?, get(&r, "hi")?);
        Ok(lo.zip(hi))
    }
}

impl WriteTx {
    async fn gateway_changed(&mut self) -> Result<()> {
        let v = self.now().to_string();
        self.set_meta("gateway_version", &v).await
    }

    /// Registers a subsystem (requested, or approved at once by a system
    /// administrator); its id.
    pub async fn gw_add_subsystem(
        &mut self,
        ident: &str,
        agency_id: Option<&str>,
        name: &str,
        state: SubsystemState,
        actor: &str,
    ) -> Result<i64> {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM gw_subsystems WHERE ident = $1")
            .bind(ident)
            .fetch_optional(self.conn())
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict("ident"));
        }
        let now = self.now();
        let decided = (state != SubsystemState::Requested).then_some(now);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO gw_subsystems (ident, agency_id, name, state, requested_at, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(ident)
        .bind(agency_id)
        .bind(name)
        .bind(state.as_str())
        .bind(now)
        .bind(decided)
        .fetch_one(self.conn())
        .await?;
        self.gateway_changed().await?;
        let after = serde_json::json!({"ident": ident, "agency": agency_id, "name": name, "state": state.as_str()});
        self.audit(egov_audit::Event::new(
            actor,
            "gateway.subsystem",
            format!("subsystem:{ident}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(id)
    }

    /// Approves or disables a subsystem.
    pub async fn gw_set_subsystem_state(&mut self, id: i64, state: SubsystemState, actor: &str) -> Result<()> {
        let before: Option<String> = sqlx::query_scalar("SELECT state FROM gw_subsystems WHERE id = $1")
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        let before = before.ok_or(StoreError::NotFound)?;
        sqlx::query("UPDATE gw_subsystems SET state = $2, decided_at = $3 WHERE id = $1")
            .bind(id)
            .bind(state.as_str())
            .bind(self.now())
            .execute(self.conn())
            .await?;
        self.gateway_changed().await?;
        self.audit(egov_audit::Event::new(
            actor,
            "gateway.subsystem_state",
            format!("subsystem:{id}"),
            Some(&before),
            Some(&state.as_str()),
        ));
        Ok(())
    }

    /// Publishes (or updates) a service of a subsystem; its id.
    pub async fn gw_put_service(&mut self, s: &GwService, actor: &str) -> Result<i64> {
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM gw_services WHERE subsystem_id = $1 AND code = $2")
                .bind(s.subsystem_id)
                .bind(&s.code)
                .fetch_optional(self.conn())
                .await?;
        let id = match existing {
            Some(id) => {
                sqlx::query(
                    "UPDATE gw_services SET upstream = $2, timeout_ms = $3, logging = $4, openapi = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(&s.upstream)
                .bind(s.timeout_ms)
                .bind(s.logging.as_str())
                .bind(&s.openapi)
                .execute(self.conn())
                .await?;
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO gw_services (subsystem_id, code, upstream, timeout_ms, logging, openapi) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(s.subsystem_id)
                .bind(&s.code)
                .bind(&s.upstream)
                .bind(s.timeout_ms)
                .bind(s.logging.as_str())
                .bind(&s.openapi)
                .fetch_one(self.conn())
                .await?
            }
        };
        self.gateway_changed().await?;
        self.audit(egov_audit::Event::new(actor, "gateway.service", format!("service:{id}"), None::<&()>, Some(s)));
        Ok(id)
    }

    /// Adds a subsystem to a group.
    pub async fn gw_join_group(&mut self, group: &str, subsystem_id: i64, actor: &str) -> Result<()> {
        sqlx::query("INSERT INTO gw_group_members (grp, subsystem_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(group)
            .bind(subsystem_id)
            .execute(self.conn())
            .await?;
        self.gateway_changed().await?;
        self.audit(egov_audit::Event::new(
            actor,
            "gateway.group",
            format!("group:{group}"),
            None::<&()>,
            Some(&subsystem_id),
        ));
        Ok(())
    }

    /// Grants access; its id.
    pub async fn gw_grant(&mut self, g: &GwGrant, actor: &str) -> Result<i64> {
        let (kind, who) = match &g.grantee {
            GwGrantee::Subsystem(s) => ("Subsystem", s),
            GwGrantee::Group(s) => ("Group", s),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO gw_grants (service_id, grantee_kind, grantee, method, path, valid_from, valid_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(g.service_id)
        .bind(kind)
        .bind(who)
        .bind(&g.method)
        .bind(&g.path)
        .bind(g.valid_from)
        .bind(g.valid_until)
        .fetch_one(self.conn())
        .await?;
        self.gateway_changed().await?;
        self.audit(egov_audit::Event::new(actor, "gateway.grant", format!("grant:{id}"), None::<&()>, Some(g)));
        Ok(id)
    }

    /// Revokes a grant.
    pub async fn gw_revoke_grant(&mut self, id: i64, actor: &str) -> Result<()> {
        self.revoke(Revocable::Grant, id, actor).await
    }

    /// Ends a grant or a key: its row kept, marked revoked now; audited.
    async fn revoke(&mut self, what: Revocable, id: i64, actor: &str) -> Result<()> {
        let (sql, action, subject) = match what {
            Revocable::Grant => (
                "UPDATE gw_grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                "gateway.revoke_grant",
                format!("grant:{id}"),
            ),
            Revocable::Key => (
                "UPDATE gw_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                "gateway.revoke_key",
                format!("key:{id}"),
            ),
        };
        let n = sqlx::query(sql).bind(id).bind(self.now()).execute(self.conn()).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.gateway_changed().await?;
        self.audit(egov_audit::Event::new(actor, action, subject, None::<&()>, None::<&()>));
        Ok(())
    }

    /// Records a subsystem's API key or client certificate by its digest;
    /// its id.
    pub async fn gw_add_key(&mut self, subsystem_id: i64, kind: Credential, digest: &str, actor: &str) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO gw_keys (subsystem_id, digest, created_at, kind) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(subsystem_id)
        .bind(digest)
        .bind(self.now())
        .bind(kind.as_str())
        .fetch_one(self.conn())
        .await?;
        self.gateway_changed().await?;
        self.audit(egov_audit::Event::new(
            actor,
            "gateway.key",
            format!("subsystem:{subsystem_id}"),
            None::<&()>,
            Some(&id),
        ));
        Ok(id)
    }

    /// Puts the gateway in maintenance, or takes it out.
    pub async fn gw_set_maintenance(&mut self, on: bool, actor: &str) -> Result<()> {
        self.set_meta("gateway_maintenance", if on { "on" } else { "off" }).await?;
        self.gateway_changed().await?;
        self.audit(egov_audit::Event::new(actor, "gateway.maintenance", "gateway", None::<&()>, Some(&on)));
        Ok(())
    }

    /// Revokes an API key.
    pub async fn gw_revoke_key(&mut self, id: i64, actor: &str) -> Result<()> {
        self.revoke(Revocable::Key, id, actor).await
    }
}

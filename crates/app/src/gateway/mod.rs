//! The data-exchange gateway's use cases: the registry held in memory and
//! refreshed when any instance changes it, the one decision of whether and
//! where a call goes ([`Gateway::route`]), the management of subsystems,
//! services, groups, grants and keys, and the message log.

#[cfg(test)]
mod journal_tests;
mod log;
mod own;
mod registry;
mod view;

pub use own::publish_own;
pub use registry::{Registry, Route};
pub use view::{figures_for, may_view, registry_view, RegistryView};

use std::sync::{Arc, RwLock};

use egov_gateway::{decide, Decision, Logged, SubsystemState};
use egov_identity::{Action, AgencyId};
use egov_store::gateway::journal::Journal;
use egov_store::{GwGrant, GwService, Store};

use self::log::{write_log, Queued, LOG_BACKLOG};
use crate::{Actor, App, AppError, FieldError, Refusal};

/// Why the gateway answers a call itself, each with its X-Road error type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("{0}")]
    Malformed(String),
    #[error("the client is not authenticated: {0}")]
    Unauthenticated(&'static str),
    #[error("access denied: {client} may not call {method} {path} of {service}")]
    Denied { client: String, service: String, method: String, path: String },
    #[error("no service {0} is published here")]
    UnknownService(String),
    #[error("the request body is larger than {0} bytes")]
    TooLarge(u64),
    #[error("the service's upstream cannot be reached: {0}")]
    Unreachable(String),
    #[error("the service's upstream did not answer within {0} ms")]
    Timeout(i64),
    #[error("the gateway is in maintenance: try again later")]
    Maintenance,
    #[error("too many calls from this client: try again in {0} s")]
    RateLimited(u64),
    #[error("the message log's database is behind: try again in a few seconds")]
    LogBehind,
}

impl GatewayError {
    /// The HTTP status and the X-Road error type (`X-Road-Error`).
    pub fn kind(&self) -> (u16, &'static str) {
        match self {
            GatewayError::Malformed(_) => (400, "Client.BadRequest"),
            GatewayError::Unauthenticated(_) => (401, "Client.AuthenticationFailed"),
            GatewayError::Denied { .. } => (403, "Server.ServerProxy.AccessDenied"),
            GatewayError::UnknownService(_) => (404, "Server.ServerProxy.UnknownService"),
            GatewayError::TooLarge(_) => (413, "Client.MessageTooLarge"),
            GatewayError::Unreachable(_) => (502, "Server.ServerProxy.NetworkError"),
            GatewayError::Timeout(_) => (504, "Server.ServerProxy.Timeout"),
            GatewayError::Maintenance => (503, "Server.ServerProxy.Maintenance"),
            GatewayError::RateLimited(_) => (429, "Client.RateLimited"),
            GatewayError::LogBehind => (503, "Server.ServerProxy.LogBehind"),
        }
    }
}

/// The registry in memory, rebuilt when the stored version changes, and
/// the message log's writer.
pub struct Gateway {
    current: RwLock<Arc<Registry>>,
    log: tokio::sync::mpsc::UnboundedSender<Queued>,
    /// With a journal (`process` durability), an exchange is in the log
    /// once written there; the database's chain follows in batches. The
    /// lock is held while an entry is written and queued, so that entries
    /// reach the chain in the journal's order. Nothing in between awaits:
    /// a caller that goes away cannot leave an entry written but unqueued.
    journal: Option<std::sync::Mutex<Journal>>,
    /// About how many bytes wait for the log's writer or are in its batch;
    /// past `backlog` ([`LOG_BACKLOG`]), new calls wait for room
    /// ([`Gateway::room`]).
    queued: Arc<std::sync::atomic::AtomicUsize>,
    backlog: usize,
    /// Told each time the writer is done with a batch.
    drained: Arc<tokio::sync::Notify>,
}

impl Gateway {
    /// The registry, and the log's writer; with `journal_dir`, the journals
    /// left there by processes that ended are replayed first, and a new
    /// one is written.
    pub async fn load(store: &Store, journal_dir: Option<&std::path::Path>) -> Result<Gateway, AppError> {
        let journal = match journal_dir {
            Some(dir) => {
                egov_store::gateway::journal::replay(store, dir).await?;
                Some(Journal::create(dir)?)
            }
            None => None,
        };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let queued = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let drained = Arc::new(tokio::sync::Notify::new());
        let forget = journal.as_ref().map(Journal::forget);
        tokio::spawn(write_log(store.clone(), rx, forget, queued.clone(), drained.clone()));
        let registry = Registry::build(store.gateway_registry().await?);
        let journal = journal.map(std::sync::Mutex::new);
        let current = RwLock::new(Arc::new(registry));
        Ok(Gateway { current, log: tx, journal, queued, backlog: LOG_BACKLOG, drained })
    }

    pub fn get(&self) -> Arc<Registry> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Rereads the registry if it changed (here or on another instance).
    pub async fn refresh(&self, store: &Store) -> Result<(), AppError> {
        if store.gateway_version().await? == self.get().version {
            return Ok(());
        }
        let fresh = Arc::new(Registry::build(store.gateway_registry().await?));
        match self.current.write() {
            Ok(mut g) => *g = fresh,
            Err(p) => *p.into_inner() = fresh,
        }
        Ok(())
    }

    /// The client named by `X-Road-Client`, if `proof` proves it: its
    /// API key or its registered certificate (and it is approved here), or
    /// a peer gateway's certificate (a client of the peer's instance).
    pub fn authenticate(
        &self,
        client: Option<&str>,
        proof: Proof<'_>,
    ) -> Result<(Arc<Registry>, egov_gateway::SubsystemId), GatewayError> {
        let reg = self.get();
        if reg.maintenance() {
            return Err(GatewayError::Maintenance);
        }
        let client = client.ok_or(GatewayError::Malformed("the X-Road-Client header is missing".into()))?;
        let client = egov_gateway::SubsystemId::parse(client).map_err(|e| GatewayError::Malformed(e.to_string()))?;
        let holder = match proof {
            Proof::Key(key) => {
                let key = key.ok_or(GatewayError::Unauthenticated("no X-Road-Api-Key"))?;
                reg.key_holder(key).ok_or(GatewayError::Unauthenticated("the key is unknown or revoked"))?
            }
            Proof::Certificate(fingerprint) => reg
                .certificate_holder(fingerprint)
                .ok_or(GatewayError::Unauthenticated("the certificate is not registered for any client"))?,
            Proof::Peer(instance) => {
                return if client.member.instance.as_str() == instance {
                    Ok((reg, client))
                } else {
                    Err(GatewayError::Unauthenticated("a peer gateway speaks for its own instance's clients only"))
                };
            }
        };
        if holder != &client || !reg.approved(&client) {
            return Err(GatewayError::Unauthenticated("the proof is not the client's, or the client is not approved"));
        }
        Ok((reg, client))
    }

    /// Where a call goes, or why it does not: the client proven, then
    /// either a service published here (its provider approved, a grant in
    /// force for the method and the clean path) or — for a local client
    /// only — a service of another instance that `federated` says a peer
    /// serves (the peer checks its own rights).
    #[allow(clippy::too_many_arguments)]
    pub fn route(
        &self,
        client: Option<&str>,
        proof: Proof<'_>,
        service: &str,
        method: &str,
        path: &str,
        now: chrono::NaiveDateTime,
        federated: impl Fn(&str) -> bool,
    ) -> Result<(Arc<Registry>, Destination), GatewayError> {
        let service_id = egov_gateway::ServiceId::parse(service).map_err(|e| GatewayError::Malformed(e.to_string()))?;
        let path = egov_gateway::clean_path(path).map_err(|e| GatewayError::Malformed(e.to_string()))?;
        let from_peer = matches!(proof, Proof::Peer(_));
        let (reg, client) = self.authenticate(client, proof)?;
        let Some(route) = reg.service(&service_id).filter(|_| reg.approved(&service_id.provider)).cloned() else {
            return if !from_peer && federated(service_id.provider.member.instance.as_str()) {
                Ok((reg, Destination::Peer(service_id.provider.member.instance.to_string())))
            } else {
                Err(GatewayError::UnknownService(service_id.to_string()))
            };
        };
        match decide(&reg.grants, &client, reg.groups_of(&client), &service_id, method, path, now) {
            Decision::Allowed => Ok((reg, Destination::Local(route))),
            Decision::Denied => Err(GatewayError::Denied {
                client: client.to_string(),
                service: service_id.to_string(),
                method: method.into(),
                path: path.into(),
            }),
        }
    }
}

/// How a caller proves which client subsystem it is.
#[derive(Debug, Clone, Copy)]
pub enum Proof<'a> {
    /// An API key of the subsystem (`X-Road-Api-Key`), if one was sent.
    Key(Option<&'a str>),
    /// The SHA-256 of a TLS client certificate registered for the subsystem.
    Certificate(&'a str),
    /// A peer gateway's pinned certificate: the peer's instance (its own
    /// clients only).
    Peer(&'a str),
}

/// Where a call goes.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A service published here: its upstream.
    Local(Route),
    /// A service of a peer's instance: forwarded to that peer.
    Peer(String),
}

/// An API key: 32 random bytes in hex, and the digest kept of it.
pub fn new_api_key() -> Result<(String, String), AppError> {
    let mut b = [0u8; 32];
    getrandom::getrandom(&mut b).map_err(|e| AppError::Internal(e.to_string()))?;
    let key: String = egov_kernel::hex(&b);
    let digest = egov_gateway::log::sha256_hex(key.as_bytes());
    Ok((key, digest))
}

/// What registering a subsystem asks.
pub struct NewSubsystem {
    pub ident: String,
    pub agency: Option<String>,
    pub name: String,
}

/// Registers a subsystem: an agency administrator for their own agency
/// (requested, to be approved), a system administrator for anyone (approved).
pub async fn add_subsystem(app: &App, actor: Actor<'_>, s: NewSubsystem, who: &str) -> Result<i64, AppError> {
    let mut errs = Vec::new();
    if egov_gateway::SubsystemId::parse(&s.ident).is_err() {
        errs.push(FieldError::new("ident", "err.gw.ident"));
    }
    if s.name.trim().is_empty() {
        errs.push(FieldError::new("name", "err.required"));
    }
    let agency = match s.agency.as_deref().map(AgencyId::parse) {
        Some(Ok(a)) => Some(a),
        Some(Err(_)) => {
            errs.push(FieldError::new("agency", "err.option"));
            None
        }
        None => None,
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let state = if actor.is_system() {
        SubsystemState::Approved
    } else if agency.as_ref().is_some_and(|a| actor.may(Action::ManageAgency(a.as_str()))) {
        SubsystemState::Requested
    } else {
        return Err(AppError::Forbidden);
    };
    let mut w = app.store.begin_write().await?;
    let id = w
        .gw_add_subsystem(&s.ident, agency.as_ref().map(|a| a.as_str()), s.name.trim(), state, who)
        .await
        .map_err(|e| match e {
            egov_store::StoreError::Conflict(_) => AppError::Invalid(vec![FieldError::new("ident", "err.gw.taken")]),
            e => e.into(),
        })?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await?;
    Ok(id)
}

/// A system administrator approves (or disables) a subsystem.
pub async fn set_subsystem_state(
    app: &App,
    actor: Actor<'_>,
    id: i64,
    state: SubsystemState,
    who: &str,
) -> Result<(), AppError> {
    if !actor.is_system() {
        return Err(AppError::Forbidden);
    }
    let mut w = app.store.begin_write().await?;
    w.gw_set_subsystem_state(id, state, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await
}

/// The registry's subsystem of `id`, if `actor` may manage it: a system
/// administrator any, an agency administrator their agency's.
fn manageable(app: &App, actor: Actor<'_>, subsystem_id: i64) -> Result<(), AppError> {
    let reg = app.gateway.get();
    let s = reg.subsystem_row(subsystem_id).ok_or(AppError::NotFound)?;
    let own = s
        .agency_id
        .as_deref()
        .and_then(|a| AgencyId::parse(a).ok())
        .is_some_and(|a| actor.may(Action::ManageAgency(a.as_str())));
    if actor.is_system() || own {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Publishes (or updates) a service of a subsystem.
pub async fn put_service(app: &App, actor: Actor<'_>, s: GwService, who: &str) -> Result<i64, AppError> {
    manageable(app, actor, s.subsystem_id)?;
    let mut errs = Vec::new();
    if egov_gateway::Part::parse(&s.code).is_err() {
        errs.push(FieldError::new("code", "err.gw.ident"));
    }
    let url_ok = s.upstream.starts_with("http://") || s.upstream.starts_with("https://");
    if !url_ok || s.upstream.len() > 2000 {
        errs.push(FieldError::new("upstream", "err.gw.upstream"));
    }
    if !(100..=300_000).contains(&s.timeout_ms) {
        errs.push(FieldError::new("timeout_ms", "err.gw.timeout"));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let mut w = app.store.begin_write().await?;
    let id = w.gw_put_service(&s, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await?;
    Ok(id)
}

/// A system administrator adds a subsystem to a group.
pub async fn join_group(
    app: &App,
    actor: Actor<'_>,
    group: &str,
    subsystem_id: i64,
    who: &str,
) -> Result<(), AppError> {
    if !actor.is_system() {
        return Err(AppError::Forbidden);
    }
    egov_gateway::Part::parse(group).map_err(|_| AppError::Invalid(vec![FieldError::new("group", "err.gw.ident")]))?;
    let mut w = app.store.begin_write().await?;
    w.gw_join_group(group, subsystem_id, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await
}

/// The provider's administrator (or a system administrator) grants access
/// to one of its services.
pub async fn grant(app: &App, actor: Actor<'_>, g: GwGrant, who: &str) -> Result<i64, AppError> {
    let provider = app.gateway.get().service_row(g.service_id).map(|s| s.subsystem_id).ok_or(AppError::NotFound)?;
    manageable(app, actor, provider)?;
    let mut errs = Vec::new();
    match &g.grantee {
        egov_store::GwGrantee::Subsystem(s) if egov_gateway::SubsystemId::parse(s).is_err() => {
            errs.push(FieldError::new("grantee", "err.gw.ident"))
        }
        egov_store::GwGrantee::Group(s) if egov_gateway::Part::parse(s).is_err() => {
            errs.push(FieldError::new("grantee", "err.gw.ident"))
        }
        _ => {}
    }
    match (&g.method, &g.path) {
        (None, None) => {}
        (Some(m), Some(p)) => {
            if egov_gateway::MethodRule::parse(m).is_err() {
                errs.push(FieldError::new("method", "err.gw.method"));
            }
            if egov_gateway::PathPattern::parse(p).is_err() {
                errs.push(FieldError::new("path", "err.gw.path"));
            }
        }
        _ => errs.push(FieldError::new("path", "err.gw.path")),
    }
    if let (Some(f), Some(u)) = (g.valid_from, g.valid_until) {
        if u <= f {
            errs.push(FieldError::new("valid_until", "err.gw.period"));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let mut w = app.store.begin_write().await?;
    let id = w.gw_grant(&g, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await?;
    Ok(id)
}

/// Revokes a grant (its service's administrator or a system administrator).
pub async fn revoke_grant(app: &App, actor: Actor<'_>, grant_id: i64, who: &str) -> Result<(), AppError> {
    let reg = app.gateway.get();
    let g = reg.grant_row(grant_id).ok_or(AppError::NotFound)?;
    let provider = reg.service_row(g.service_id).map(|s| s.subsystem_id).ok_or(AppError::NotFound)?;
    manageable(app, actor, provider)?;
    let mut w = app.store.begin_write().await?;
    w.gw_revoke_grant(grant_id, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await
}

/// Issues an API key for a subsystem: (its id, the key, shown once).
pub async fn issue_key(app: &App, actor: Actor<'_>, subsystem_id: i64, who: &str) -> Result<(i64, String), AppError> {
    manageable(app, actor, subsystem_id)?;
    let (key, digest) = new_api_key()?;
    let mut w = app.store.begin_write().await?;
    let id = w.gw_add_key(subsystem_id, egov_gateway::Credential::ApiKey, &digest, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await?;
    Ok((id, key))
}

/// Registers a TLS client certificate (its DER's SHA-256, hex) that proves
/// a subsystem on the gateway's TLS listener; revoked like a key.
pub async fn add_certificate(
    app: &App,
    actor: Actor<'_>,
    subsystem_id: i64,
    fingerprint: &str,
    who: &str,
) -> Result<i64, AppError> {
    manageable(app, actor, subsystem_id)?;
    let hex = fingerprint.len() == 64 && fingerprint.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return Err(AppError::Invalid(vec![FieldError::new("certificate", "err.gw.certificate")]));
    }
    let mut w = app.store.begin_write().await?;
    let id = w.gw_add_key(subsystem_id, egov_gateway::Credential::Certificate, fingerprint, who).await.map_err(
        |e| match e {
            egov_store::StoreError::Conflict(_) => {
                AppError::Invalid(vec![FieldError::new("certificate", "err.gw.taken")])
            }
            e => e.into(),
        },
    )?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await?;
    Ok(id)
}

/// Puts the gateway in maintenance (every call answered 503, its health
/// check too, so that balancers move away), or takes it out: a system
/// administrator.
pub async fn set_maintenance(app: &App, actor: Actor<'_>, on: bool, who: &str) -> Result<(), AppError> {
    if !actor.is_system() {
        return Err(AppError::Forbidden);
    }
    let mut w = app.store.begin_write().await?;
    w.gw_set_maintenance(on, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await
}

/// Revokes an API key (a system administrator).
pub async fn revoke_key(app: &App, actor: Actor<'_>, key_id: i64, who: &str) -> Result<(), AppError> {
    if !actor.is_system() {
        return Err(AppError::Forbidden);
    }
    let mut w = app.store.begin_write().await?;
    w.gw_revoke_key(key_id, who).await?;
    w.commit().await?;
    app.gateway.refresh(&app.store).await
}

/// The 32 secret bytes of the key that seals the log (never printed).
#[derive(Clone)]
pub struct SealKey(pub [u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

/// Seals the log's head if it grew since the last seal; the sealed
/// sequence number.
pub async fn seal_now(app: &App) -> Result<Option<i64>, AppError> {
    let Some(key) = &app.config.seal_key else { return Ok(None) };
    let (seq, hash) = app.store.gateway_log_head().await?;
    if seq <= app.store.last_seal().await? {
        return Ok(None);
    }
    let seal = egov_gateway::archive::seal(&key.0, seq, &hash, app.store.now());
    app.store.add_seal(&seal).await?;
    Ok(Some(seq))
}

/// An archive of the exchanges that began from `from` to `to` (whole days,
/// Vietnam's dates): a header line, the records in order, the seals that
/// cover them, as JSON lines for `egov gateway verify`.
pub async fn archive(store: &Store, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<String, AppError> {
    use egov_gateway::archive::Line;
    let json = |l: &Line| serde_json::to_string(l).map_err(|e| AppError::Internal(e.to_string()));
    let mut out = json(&Line::Archive { from: from.to_string(), to: to.to_string() })?;
    out.push('\n');
    let (start, end) =
        (egov_kernel::vn::day_start_micros(from), egov_kernel::vn::day_start_micros(to + chrono::Days::new(1)));
    let Some((lo, hi)) = store.log_range(start, end).await? else { return Ok(out) };
    let seals = store.seals_covering(lo, hi).await?;
    let mut next = lo;
    while next <= hi {
        let page = store.exchanges(next, 5000).await?;
        if page.is_empty() {
            break;
        }
        let last = page.last().map(|p| p.0).unwrap_or(next);
        let mut bodies = store.exchange_bodies(next, last).await?;
        for (seq, exchange, prev_hash, hash) in page {
            if seq > hi {
                break;
            }
            let bodies = bodies.remove(&seq);
            out.push_str(&json(&Line::Record { seq, exchange, prev_hash, hash, bodies })?);
            out.push('\n');
            next = seq + 1;
        }
    }
    for s in seals {
        out.push_str(&json(&Line::Seal(s))?);
        out.push('\n');
    }
    Ok(out)
}

/// A service's figures over a window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceFigures {
    pub service: String,
    pub calls: usize,
    /// Refused by the gateway, cut short, or answered with a 5xx by the upstream.
    pub failures: usize,
    /// Microseconds since the epoch.
    pub last_success: Option<i64>,
    pub last_failure: Option<i64>,
    pub p50_us: i64,
    pub p99_us: i64,
}

/// A service's durations, failures, last success and last failure, as counted.
type Tally = (Vec<i64>, usize, Option<i64>, Option<i64>);

/// Each service's figures over the last `window` (from the log's most
/// recent 200,000 exchanges at most), the busiest first.
pub async fn figures(store: &Store, window: std::time::Duration) -> Result<Vec<ServiceFigures>, AppError> {
    let since = store.now() - window.as_micros() as i64;
    let mut by: std::collections::BTreeMap<String, Tally> = Default::default();
    for (service, outcome, status, at, took) in store.exchange_times(since, 200_000).await? {
        let e = by.entry(service).or_default();
        e.0.push(took);
        let failed = outcome != "Answered" || status >= 500;
        if failed {
            e.1 += 1;
            e.3 = e.3.max(Some(at));
        } else {
            e.2 = e.2.max(Some(at));
        }
    }
    let pick =
        |v: &[i64], q: f64| v.get(((v.len().saturating_sub(1)) as f64 * q).round() as usize).copied().unwrap_or(0);
    let mut out: Vec<ServiceFigures> = by
        .into_iter()
        .map(|(service, (mut took, failures, last_success, last_failure))| {
            took.sort_unstable();
            ServiceFigures {
                service,
                calls: took.len(),
                failures,
                last_success,
                last_failure,
                p50_us: pick(&took, 0.5),
                p99_us: pick(&took, 0.99),
            }
        })
        .collect();
    out.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.service.cmp(&b.service)));
    Ok(out)
}

/// Records an exchange in the message log (journaled, or chained and
/// group-committed with those arriving meanwhile).
pub async fn record(app: &App, logged: Logged) -> Result<(), AppError> {
    app.gateway.log(logged).await
}

/// Refusals the gateway reports at a field.
pub fn refusal(key: &'static str, detail: impl Into<String>) -> AppError {
    AppError::refused(Refusal::Unacceptable, key, detail.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use egov_gateway::{Exchange, LogMode, Outcome};
    use egov_store::GwGrantee;

    pub(super) async fn store() -> (Store, std::path::PathBuf) {
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).unwrap();
        let dir = std::env::temp_dir().join(format!("egov-gw-{}", egov_kernel::hex(&b)));
        std::fs::create_dir_all(&dir).unwrap();
        let s = Store::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.unwrap();
        let migrations: Vec<_> =
            egov_store::platform::MIGRATIONS.iter().chain(egov_store::gateway::MIGRATIONS).cloned().collect();
        s.migrate(&migrations).await.unwrap();
        (s, dir)
    }

    fn at(s: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// The registry as the proxy asks it: who the client is (its key), what
    /// the service is, whether a grant covers the call; and the log's chain.
    #[tokio::test]
    async fn a_call_is_routed_only_for_an_approved_client_with_its_key_and_a_grant_in_force() {
        let (s, dir) = store().await;
        let mut w = s.begin_write().await.unwrap();
        let approved = SubsystemState::Approved;
        let provider =
            w.gw_add_subsystem("VN-TN/GOV/H72.11/hotich", Some("H72.11"), "Hộ tịch", approved, "cli").await.unwrap();
        let a = w.gw_add_subsystem("VN-TN/GOV/H72.12/erp", None, "A", approved, "cli").await.unwrap();
        let b = w.gw_add_subsystem("VN-TN/GOV/H72.50.01/mc", None, "B", approved, "cli").await.unwrap();
        let c = w.gw_add_subsystem("VN-TN/COM/0312/erp", None, "C", SubsystemState::Requested, "cli").await.unwrap();
        let svc = GwService {
            id: 0,
            subsystem_id: provider,
            code: "status".into(),
            upstream: "http://127.0.0.1:9/base/".into(),
            timeout_ms: 1000,
            logging: LogMode::Metadata,
            openapi: None,
        };
        let svc = w.gw_put_service(&svc, "cli").await.unwrap();
        w.gw_join_group("communes", b, "cli").await.unwrap();
        let grant = |grantee, method: Option<&str>, path: Option<&str>| GwGrant {
            id: 0,
            service_id: svc,
            grantee,
            method: method.map(String::from),
            path: path.map(String::from),
            valid_from: None,
            valid_until: None,
        };
        let whole =
            w.gw_grant(&grant(GwGrantee::Subsystem("VN-TN/GOV/H72.12/erp".into()), None, None), "cli").await.unwrap();
        w.gw_grant(&grant(GwGrantee::Group("communes".into()), Some("GET"), Some("/dossiers/*")), "cli").await.unwrap();
        let mut expired = grant(GwGrantee::Subsystem("VN-TN/COM/0312/erp".into()), None, None);
        expired.valid_until = Some(egov_kernel::vn::to_micros(at("2026-01-01 00:00")));
        w.gw_grant(&expired, "cli").await.unwrap();
        let mut keys = Vec::new();
        for sub in [a, b, c] {
            let (key, digest) = new_api_key().unwrap();
            let id = w.gw_add_key(sub, egov_gateway::Credential::ApiKey, &digest, "cli").await.unwrap();
            keys.push((id, key));
        }
        w.commit().await.unwrap();

        let gw = Gateway::load(&s, None).await.unwrap();
        let now = at("2026-11-30 10:00");
        let service = "VN-TN/GOV/H72.11/hotich/status";
        let (ka, kb, kc) = (keys[0].1.as_str(), keys[1].1.as_str(), keys[2].1.as_str());
        let hn = |i: &str| i == "VN-HN";
        let call = |gw: &Gateway, client: Option<&str>, key: Option<&str>, svc: &str, m: &str, p: &str| {
            gw.route(client, Proof::Key(key), svc, m, p, now, hn).map(|(_, r)| match r {
                Destination::Local(r) => r.upstream,
                Destination::Peer(i) => format!("peer {i}"),
            })
        };
        let (ca, cb, cc) = (Some("VN-TN/GOV/H72.12/erp"), Some("VN-TN/GOV/H72.50.01/mc"), Some("VN-TN/COM/0312/erp"));
        assert_eq!(call(&gw, ca, Some(ka), service, "DELETE", "/x").unwrap(), "http://127.0.0.1:9/base");
        assert!(call(&gw, cb, Some(kb), service, "GET", "/dossiers/1").is_ok(), "the group's endpoint");
        assert!(matches!(call(&gw, cb, Some(kb), service, "POST", "/dossiers/1"), Err(GatewayError::Denied { .. })));
        assert!(matches!(call(&gw, cb, Some(kb), service, "GET", "/other"), Err(GatewayError::Denied { .. })));
        assert!(
            matches!(call(&gw, ca, Some(kb), service, "GET", "/"), Err(GatewayError::Unauthenticated(_))),
            "another's key"
        );
        assert!(matches!(call(&gw, ca, None, service, "GET", "/"), Err(GatewayError::Unauthenticated(_))));
        assert!(
            matches!(call(&gw, cc, Some(kc), service, "GET", "/"), Err(GatewayError::Unauthenticated(_))),
            "not approved"
        );
        assert!(matches!(call(&gw, None, Some(ka), service, "GET", "/"), Err(GatewayError::Malformed(_))));
        assert!(matches!(call(&gw, Some("a/b"), Some(ka), service, "GET", "/"), Err(GatewayError::Malformed(_))));
        assert!(matches!(call(&gw, ca, Some(ka), service, "GET", "/a/../b"), Err(GatewayError::Malformed(_))));
        assert!(matches!(
            call(&gw, ca, Some(ka), "VN-TN/GOV/H72.11/hotich/other", "GET", "/"),
            Err(GatewayError::UnknownService(_))
        ));
        assert_eq!(GatewayError::Timeout(5).kind(), (504, "Server.ServerProxy.Timeout"));
        // federation: a local client's call to a peer's instance goes there;
        // a peer's client is checked against the rights here, and a peer
        // never has a call forwarded on
        assert_eq!(call(&gw, ca, Some(ka), "VN-HN/GOV/H01/x/y", "GET", "/").unwrap(), "peer VN-HN");
        assert!(matches!(
            call(&gw, ca, Some(ka), "VN-XX/GOV/H01/x/y", "GET", "/"),
            Err(GatewayError::UnknownService(_))
        ));
        let from_peer =
            |client: &str, svc: &str, p: &str| gw.route(Some(client), Proof::Peer("VN-HN"), svc, "GET", p, now, hn);
        assert!(matches!(from_peer("VN-HN/GOV/H01/x", service, "/"), Err(GatewayError::Denied { .. })));
        assert!(matches!(from_peer("VN-TN/GOV/H72.12/erp", service, "/"), Err(GatewayError::Unauthenticated(_))));
        assert!(matches!(from_peer("VN-HN/GOV/H01/x", "VN-HN/GOV/H01/x/y", "/"), Err(GatewayError::UnknownService(_))));
        let by_cert = gw.route(ca, Proof::Certificate(&"ab".repeat(32)), service, "GET", "/", now, hn);
        assert!(matches!(by_cert, Err(GatewayError::Unauthenticated(_))), "an unregistered certificate");

        // approved now, C's grant has expired; A's key and grant revoked
        let mut w = s.begin_write().await.unwrap();
        w.gw_set_subsystem_state(c, approved, "cli").await.unwrap();
        w.gw_revoke_key(keys[0].0, "cli").await.unwrap();
        w.gw_revoke_grant(whole, "cli").await.unwrap();
        w.commit().await.unwrap();
        let before = gw.get().version.clone();
        gw.refresh(&s).await.unwrap();
        assert_ne!(gw.get().version, before, "the change is seen");
        assert!(matches!(call(&gw, cc, Some(kc), service, "GET", "/"), Err(GatewayError::Denied { .. })), "expired");
        assert!(
            matches!(call(&gw, ca, Some(ka), service, "GET", "/"), Err(GatewayError::Unauthenticated(_))),
            "revoked"
        );
        let (key, digest) = new_api_key().unwrap();
        let mut w = s.begin_write().await.unwrap();
        w.gw_add_key(a, egov_gateway::Credential::ApiKey, &digest, "cli").await.unwrap();
        w.commit().await.unwrap();
        gw.refresh(&s).await.unwrap();
        assert!(
            matches!(call(&gw, ca, Some(&key), service, "GET", "/"), Err(GatewayError::Denied { .. })),
            "grant revoked"
        );

        // the message log: chained in order
        let ex = |status| Exchange {
            message_id: format!("m{status}"),
            client: "VN-TN/GOV/H72.12/erp".into(),
            service: service.into(),
            method: "GET".into(),
            path: "/".into(),
            status,
            outcome: Outcome::Answered,
            request_bytes: 0,
            response_bytes: 2,
            request_sha256: egov_gateway::log::sha256_hex(b""),
            response_sha256: egov_gateway::log::sha256_hex(b"ok"),
            started_at: 1,
            duration_us: 2,
        };
        assert_eq!(
            s.append_exchanges(&[ex(200), ex(404)].map(|exchange| Logged { exchange, bodies: None }), None)
                .await
                .unwrap(),
            vec![1, 2]
        );
        assert_eq!(s.append_exchanges(&[Logged { exchange: ex(502), bodies: None }], None).await.unwrap(), vec![3]);
        let log = s.exchanges(1, 10).await.unwrap();
        let mut prev = egov_gateway::log::GENESIS.to_string();
        for (seq, e, p, h) in &log {
            assert_eq!(p, &prev);
            assert_eq!(h, &egov_gateway::log::link(&prev, *seq, e));
            prev = h.clone();
        }
        assert_eq!(log.iter().map(|r| r.1.status).collect::<Vec<_>>(), vec![200, 404, 502]);
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}

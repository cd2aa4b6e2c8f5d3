//! The network's API (`/api/v1/network/…`): sites, probes, maintenance,
//! links and their samples, the figures (uptime, outages, the capacity
//! rule, the workbook), the policy and the prober's state, with bearer
//! tokens as the caller may see them; the status page's figures and the
//! push heartbeat need none.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use egov_app::network::report::{self, Group, Period, PublicSite, UptimeLine};
use egov_app::network::{self as net, LinkInput};
use egov_app::Actor;
use egov_network::{NetPolicy, ProbeInput, SiteInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(body).map_err(|e| WebError::BadRequest(e.to_string()))
}

async fn answer(ctx: &Ctx, f: impl std::future::Future<Output = Result<Response, WebError>>) -> Response {
    f.await.unwrap_or_else(|e| e.problem(ctx.lang))
}

pub(crate) fn instant(micros: i64) -> String {
    egov_kernel::vn::from_micros(micros).map(|t| t.format("%Y-%m-%dT%H:%M:%S+07:00").to_string()).unwrap_or_default()
}

/// `2026-12-01T08:30`, `2026-12-01 08:30` (Vietnam time), or none.
pub(crate) fn local_minute(s: &str) -> Option<i64> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .map(egov_kernel::vn::to_micros)
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SiteKindDoc {
    Province,
    Agency,
    Commune,
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Copy, PartialEq, Eq)]
pub enum LevelDoc {
    I,
    II,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    #[schema(max_length = 200, example = "UBND xã Tân Hà")]
    name: String,
    kind: SiteKindDoc,
    /// The administrative unit it serves (a commune's code; the province's for the centre).
    #[schema(max_length = 16, example = "25432")]
    unit_code: String,
    /// The agency whose point it is (required for an agency's).
    #[serde(default)]
    #[schema(max_length = 32, example = "H72.11")]
    agency_id: Option<String>,
    /// `I`: two fibre links over different routes; `II`: one connection point.
    access_level: LevelDoc,
    #[serde(default)]
    #[schema(max_length = 300)]
    address: String,
    /// Shown on the public status page.
    #[serde(default)]
    public: bool,
    #[serde(default)]
    #[schema(max_length = 1000)]
    notes: String,
}

impl From<SiteRequest> for SiteInput {
    fn from(r: SiteRequest) -> Self {
        let kind = match r.kind {
            SiteKindDoc::Province => "province",
            SiteKindDoc::Agency => "agency",
            SiteKindDoc::Commune => "commune",
        };
        SiteInput {
            name: r.name,
            kind: kind.into(),
            unit_code: r.unit_code,
            agency_id: r.agency_id.unwrap_or_default(),
            access_level: if r.access_level == LevelDoc::I { "I" } else { "II" }.into(),
            address: r.address,
            public: r.public,
            notes: r.notes,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NetCreated {
    id: i64,
    /// A push probe's address, shown once: the device sends `GET` or `POST` to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    push_path: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SiteView {
    id: i64,
    name: String,
    /// `province`, `agency` or `commune`.
    kind: String,
    unit_code: String,
    agency_id: Option<String>,
    access_level: String,
    address: String,
    public: bool,
    notes: String,
    /// `up`, `down`, or `unwatched` (no probe).
    pub(crate) state: String,
    down_since: Option<String>,
    probes: i64,
    probes_down: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProbeView {
    id: i64,
    name: String,
    /// `tcp`, `http`, `dns`, `icmp` or `push`.
    kind: String,
    target: String,
    interval_s: u32,
    timeout_s: u32,
    down_after: u32,
    paused: bool,
    /// `up`, `down`, `failing` (failures not yet enough), `pending` (not yet checked) or `paused`.
    state: String,
    last_at: Option<String>,
    last_ms: Option<u32>,
    last_note: String,
    cert_expires_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LinkView {
    id: i64,
    name: String,
    capacity_mbps: u64,
    /// `host:port#ifIndex` of its SNMP agent (none: samples are imported).
    snmp: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SiteDetail {
    site: SiteView,
    probes: Vec<ProbeView>,
    links: Vec<LinkView>,
}

pub(crate) fn site_view(c: &egov_store::network::SiteCount) -> SiteView {
    let s = &c.site;
    let state = match (c.probes, s.down_since) {
        (0, _) => "unwatched",
        (_, Some(_)) => "down",
        _ => "up",
    };
    SiteView {
        id: s.id,
        name: s.s.name.clone(),
        kind: s.s.kind.as_str().into(),
        unit_code: s.s.unit_code.clone(),
        agency_id: s.s.agency_id.clone(),
        access_level: s.s.access_level.as_str().into(),
        address: s.s.address.clone(),
        public: s.s.public,
        notes: s.s.notes.clone(),
        state: state.into(),
        down_since: s.down_since.map(instant),
        probes: c.probes,
        probes_down: c.down,
    }
}

/// A probe's state word.
pub(crate) fn probe_state(p: &egov_store::network::Probe) -> &'static str {
    match (p.paused, p.state.tracker.down, p.state.last_ok) {
        (true, _, _) => "paused",
        (_, true, _) => "down",
        (_, _, None) => "pending",
        (_, _, Some(false)) => "failing",
        _ => "up",
    }
}

pub(crate) fn probe_view(p: &egov_store::network::Probe) -> ProbeView {
    ProbeView {
        id: p.id,
        name: p.p.name.clone(),
        kind: p.p.target.kind().into(),
        target: p.p.target.describe(),
        interval_s: p.p.interval_s,
        timeout_s: p.p.timeout_s,
        down_after: p.p.down_after,
        paused: p.paused,
        state: probe_state(p).into(),
        last_at: p.state.last_at.map(instant),
        last_ms: p.state.last_ms,
        last_note: p.state.last_note.clone(),
        cert_expires_at: p.state.cert_expires_at.map(instant),
    }
}

fn link_view(l: &egov_store::network::Link) -> LinkView {
    LinkView {
        id: l.id,
        name: l.l.name.clone(),
        capacity_mbps: l.l.capacity_mbps,
        snmp: l.l.snmp.as_ref().map(|s| format!("{}#{}", s.address, s.if_index)),
    }
}

/// The sites in the caller's scope, by name.
#[utoipa::path(get, operation_id = "network_sites", path = "/api/v1/network/sites", security(("bearer" = [])), responses((status = 200, body = [SiteView]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn sites(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let list = net::sites(&state.app, Actor::User(p)).await?;
        Ok(Json(list.iter().map(site_view).collect::<Vec<_>>()).into_response())
    })
    .await
}

/// Adds a connection point.
#[utoipa::path(post, operation_id = "network_add_site", path = "/api/v1/network/sites", request_body = SiteRequest, security(("bearer" = [])), responses((status = 201, body = NetCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "a name taken, a unit or agency unknown or not the caller's")))]
async fn add_site(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: SiteRequest = json(&body)?;
        let id = net::save_site(&state.app, Actor::User(p), None, &r.into()).await?;
        Ok((StatusCode::CREATED, Json(NetCreated { id, push_path: None })).into_response())
    })
    .await
}

/// A connection point with its probes and links.
#[utoipa::path(get, operation_id = "network_site", path = "/api/v1/network/sites/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = SiteDetail), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn site(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let d = net::site_detail(&state.app, Actor::User(p), id).await?;
        Ok(Json(SiteDetail {
            site: site_view(&d.site),
            probes: d.probes.iter().map(probe_view).collect(),
            links: d.links.iter().map(link_view).collect(),
        })
        .into_response())
    })
    .await
}

/// Changes a connection point.
#[utoipa::path(put, operation_id = "network_put_site", path = "/api/v1/network/sites/{id}", params(("id" = i64, Path)), request_body = SiteRequest, security(("bearer" = [])), responses((status = 204, description = "changed"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_site(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: SiteRequest = json(&body)?;
        net::save_site(&state.app, Actor::User(p), Some(id), &r.into()).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKindDoc {
    Tcp,
    Http,
    Dns,
    Icmp,
    Push,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProbeRequest {
    #[schema(max_length = 200, example = "Cổng thông tin")]
    name: String,
    kind: ProbeKindDoc,
    /// `tcp`, `icmp`: the host name or address.
    #[schema(max_length = 253, example = "10.72.1.1")]
    host: Option<String>,
    /// `tcp`: the port.
    #[schema(minimum = 1, maximum = 65535)]
    port: Option<u16>,
    /// `http`: the address, `http://` or `https://`.
    #[schema(max_length = 2000, example = "https://tanha.tayninh.gov.vn/")]
    url: Option<String>,
    /// `http`: a text the page must hold.
    #[schema(max_length = 200)]
    keyword: Option<String>,
    /// `http`: warn once the certificate ends within this many days (0: never).
    #[schema(minimum = 0, maximum = 365)]
    cert_days: Option<u32>,
    /// `dns`: the name whose A records are asked for.
    #[schema(max_length = 253)]
    dns_name: Option<String>,
    /// `dns`: the server, `address` or `address:port`.
    #[schema(max_length = 64, example = "10.72.0.53")]
    dns_server: Option<String>,
    /// `dns`: an IPv4 address that must be among the answers.
    #[schema(max_length = 15)]
    dns_expect: Option<String>,
    #[schema(minimum = 10, maximum = 86400)]
    interval_s: Option<u32>,
    #[schema(minimum = 1, maximum = 600)]
    timeout_s: Option<u32>,
    /// Failures in a row that make it down.
    #[schema(minimum = 1, maximum = 10)]
    down_after: Option<u32>,
}

impl From<ProbeRequest> for ProbeInput {
    fn from(r: ProbeRequest) -> Self {
        let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        let kind = match r.kind {
            ProbeKindDoc::Tcp => "tcp",
            ProbeKindDoc::Http => "http",
            ProbeKindDoc::Dns => "dns",
            ProbeKindDoc::Icmp => "icmp",
            ProbeKindDoc::Push => "push",
        };
        ProbeInput {
            name: r.name,
            kind: kind.into(),
            host: r.host.unwrap_or_default(),
            port: r.port.map(|p| p.to_string()).unwrap_or_default(),
            url: r.url.unwrap_or_default(),
            keyword: r.keyword.unwrap_or_default(),
            cert_days: n(r.cert_days),
            dns_name: r.dns_name.unwrap_or_default(),
            dns_server: r.dns_server.unwrap_or_default(),
            dns_expect: r.dns_expect.unwrap_or_default(),
            interval_s: n(r.interval_s),
            timeout_s: n(r.timeout_s),
            down_after: n(r.down_after),
        }
    }
}

pub(crate) fn push_path(secret: &str) -> String {
    format!("/api/v1/network/push/{secret}")
}

/// Adds a probe to a connection point.
#[utoipa::path(post, operation_id = "network_add_probe", path = "/api/v1/network/sites/{id}/probes", params(("id" = i64, Path)), request_body = ProbeRequest, security(("bearer" = [])), responses((status = 201, body = NetCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "the fields of its kind missing or wrong, a timeout not under the interval")))]
async fn add_probe(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: ProbeRequest = json(&body)?;
        let (pid, secret) = net::save_probe(&state.app, Actor::User(p), id, None, &r.into()).await?;
        Ok((StatusCode::CREATED, Json(NetCreated { id: pid, push_path: secret.as_deref().map(push_path) })).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseRequest {
    paused: bool,
}

/// Pauses a probe or starts it again.
#[utoipa::path(put, operation_id = "network_pause", path = "/api/v1/network/probes/{id}", params(("id" = i64, Path)), request_body = PauseRequest, security(("bearer" = [])), responses((status = 204, description = "done"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn pause(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PauseRequest = json(&body)?;
        net::pause_probe(&state.app, Actor::User(p), id, r.paused).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceRequest {
    /// Vietnam time, `YYYY-MM-DDTHH:MM`.
    #[schema(example = "2026-12-05T22:00")]
    starts_at: String,
    #[schema(example = "2026-12-06T02:00")]
    ends_at: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    note: String,
}

/// Plans a maintenance window: its time counts neither as watched nor as down, and no alert goes out for an outage begun in it.
#[utoipa::path(post, operation_id = "network_maintenance", path = "/api/v1/network/sites/{id}/maintenance", params(("id" = i64, Path)), request_body = MaintenanceRequest, security(("bearer" = [])), responses((status = 201, body = NetCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "a time that is none, an end not after the start, longer than 31 days")))]
async fn maintenance(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: MaintenanceRequest = json(&body)?;
        let mid = net::add_maintenance(
            &state.app,
            Actor::User(p),
            id,
            local_minute(&r.starts_at),
            local_minute(&r.ends_at),
            &r.note,
        )
        .await?;
        Ok((StatusCode::CREATED, Json(NetCreated { id: mid, push_path: None })).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    #[schema(max_length = 200, example = "Cáp quang tuyến 1")]
    name: String,
    #[schema(minimum = 1, maximum = 1000000)]
    capacity_mbps: u64,
    /// The SNMP agent, `address:port` (absent: samples are imported).
    #[schema(max_length = 64, example = "10.72.1.1:161")]
    snmp_address: Option<String>,
    #[schema(max_length = 64)]
    snmp_community: Option<String>,
    /// The interface's `ifIndex`.
    #[schema(minimum = 1)]
    if_index: Option<u32>,
}

/// Adds a link (with its capacity) to a connection point.
#[utoipa::path(post, operation_id = "network_add_link", path = "/api/v1/network/sites/{id}/links", params(("id" = i64, Path)), request_body = LinkRequest, security(("bearer" = [])), responses((status = 201, body = NetCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add_link(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: LinkRequest = json(&body)?;
        let input = LinkInput {
            name: r.name,
            capacity_mbps: r.capacity_mbps.to_string(),
            snmp_address: r.snmp_address.unwrap_or_default(),
            snmp_community: r.snmp_community.unwrap_or_default(),
            if_index: r.if_index.map(|i| i.to_string()).unwrap_or_default(),
        };
        let lid = net::add_link(&state.app, Actor::User(p), id, &input).await?;
        Ok((StatusCode::CREATED, Json(NetCreated { id: lid, push_path: None })).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct SamplesImported {
    imported: usize,
}

/// Imports a link's 5-minute samples (CSV `time,in_bps,out_bps`; time as
/// `YYYY-MM-DD HH:MM` Vietnam time or seconds since the epoch; all or nothing).
#[utoipa::path(post, operation_id = "network_samples", path = "/api/v1/network/links/{id}/samples", params(("id" = i64, Path)), request_body(content = String, content_type = "text/csv"), security(("bearer" = [])), responses((status = 200, body = SamplesImported), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "nothing imported: `errors` names each bad line as `line N`, or `body` when it holds no sample")))]
async fn samples(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let text = String::from_utf8_lossy(&body);
        match net::import_samples(&state.app, Actor::User(p), id, &text).await? {
            Ok(imported) => Ok(Json(SamplesImported { imported }).into_response()),
            Err(lines) => Err(WebError::Invalid(
                lines.into_iter().map(|l| egov_app::FieldError::new(format!("line {l}"), "err.net.sample")).collect(),
            )),
        }
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CapacityQuery {
    /// The window's end, a day (the seven days before it); absent: now.
    #[param(example = "2026-12-01", pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    until: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CapacityDoc {
    link_id: i64,
    capacity_mbps: u64,
    from: String,
    until: String,
    samples: usize,
    /// Whether the window holds a whole week (2,016 samples).
    complete: bool,
    p95_in_bps: Option<u64>,
    p95_out_bps: Option<u64>,
    /// 90 % of the capacity.
    limit_bps: u64,
    /// Both directions' 95th percentile at or below the limit (none without samples).
    ok: Option<bool>,
}

/// The capacity rule over seven days: the 95th percentile (nearest rank) of
/// the 5-minute samples each way against 90 % of the link's capacity.
#[utoipa::path(get, operation_id = "network_capacity", path = "/api/v1/network/links/{id}/capacity", params(("id" = i64, Path), CapacityQuery), security(("bearer" = [])), responses((status = 200, body = CapacityDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn capacity(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<CapacityQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let until = match q.until.as_deref() {
            None => state.app.store.now(),
            Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
                .map(egov_kernel::vn::day_start_micros)
                .ok_or_else(|| WebError::BadRequest("until: a day, YYYY-MM-DD".into()))?,
        };
        let (l, v, _) = net::capacity(&state.app, Actor::User(p), id, until).await?;
        let until = egov_network::capacity::slot(until);
        let from = until - egov_network::capacity::WEEK_SAMPLES as i64 * egov_network::capacity::SAMPLE;
        Ok(Json(CapacityDoc {
            link_id: l.id,
            capacity_mbps: l.l.capacity_mbps,
            from: instant(from),
            until: instant(until),
            samples: v.map_or(0, |v| v.samples),
            complete: v.is_some_and(|v| v.complete),
            p95_in_bps: v.map(|v| v.p95_in_bps),
            p95_out_bps: v.map(|v| v.p95_out_bps),
            limit_bps: l.l.capacity_mbps * 900_000,
            ok: v.map(|v| v.ok),
        })
        .into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UptimeQuery {
    /// A day `2026-12-01`, a month `2026-12` or a year `2026` (absent: this month).
    #[param(example = "2026-12", pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    period: Option<String>,
    /// What to count by: `probe`, `site`, `commune`, `agency` or `province` (absent: `site`).
    #[param(example = "site", pattern = "^(probe|site|commune|agency|province)$")]
    by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UptimeLineDoc {
    /// The probe's or site's id, the unit's code, the agency's id, or `province`.
    key: String,
    name: String,
    /// Seconds watched (maintenance left out) and down.
    watched_s: i64,
    down_s: i64,
    /// Percent up of the watched time (none: nothing watched).
    percent: Option<f64>,
    /// Outages begun in the period.
    outages: usize,
}

impl From<UptimeLine> for UptimeLineDoc {
    fn from(l: UptimeLine) -> Self {
        UptimeLineDoc { key: l.key, name: l.name, watched_s: l.watched_s, down_s: l.down_s, percent: l.percent, outages: l.outages }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UptimeDoc {
    period: String,
    by: String,
    lines: Vec<UptimeLineDoc>,
}

pub(crate) fn period_of(state: &AppState, s: Option<&str>) -> Result<Period, WebError> {
    match s {
        None => {
            let d = state.app.now().date();
            Ok(Period::Month(chrono::Datelike::year(&d), chrono::Datelike::month(&d)))
        }
        Some(s) => Period::parse(s)
            .filter(|p| (2000..=2100).contains(&chrono::Datelike::year(&p.first_day())))
            .ok_or_else(|| WebError::BadRequest("period: YYYY-MM-DD, YYYY-MM or YYYY".into())),
    }
}

/// Uptime over a day, a month or a year: seconds watched (maintenance left
/// out) and down, by probe, site, commune, agency or the province.
#[utoipa::path(get, operation_id = "network_uptime", path = "/api/v1/network/uptime", params(UptimeQuery), security(("bearer" = [])), responses((status = 200, body = UptimeDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn uptime(State(state): State<AppState>, ctx: Ctx, Query(q): Query<UptimeQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let period = period_of(&state, q.period.as_deref())?;
        let by = match q.by.as_deref() {
            None => Group::Site,
            Some(b) => Group::parse(b).ok_or_else(|| WebError::BadRequest("by: probe, site, commune, agency or province".into()))?,
        };
        let lines = report::uptime(&state.app, Actor::User(p), period, by).await?;
        let lines = lines.into_iter().map(UptimeLineDoc::from).collect();
        Ok(Json(UptimeDoc { period: period.label(), by: by.as_str().into(), lines }).into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutageQuery {
    /// A day, a month or a year (absent: this month).
    #[param(example = "2026-12", pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    period: Option<String>,
    /// One site's.
    site: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OutageDoc {
    id: i64,
    site_id: i64,
    site: String,
    probe: String,
    started_at: String,
    ended_at: Option<String>,
    duration_s: i64,
    /// Seconds outside maintenance windows (what uptime counts).
    counted_s: i64,
    cause: String,
}

/// Outages overlapping a period, newest first.
#[utoipa::path(get, operation_id = "network_outages", path = "/api/v1/network/outages", params(OutageQuery), security(("bearer" = [])), responses((status = 200, body = [OutageDoc]), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn outages(State(state): State<AppState>, ctx: Ctx, Query(q): Query<OutageQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let period = period_of(&state, q.period.as_deref())?;
        let list = report::outages(&state.app, Actor::User(p), q.site, period.span()).await?;
        let docs: Vec<OutageDoc> = list
            .into_iter()
            .map(|o| OutageDoc {
                id: o.id,
                site_id: o.site_id,
                site: o.site,
                probe: o.probe,
                started_at: instant(o.started_at),
                ended_at: o.ended_at.map(instant),
                duration_s: o.duration_s,
                counted_s: o.counted_s,
                cause: o.cause,
            })
            .collect();
        Ok(Json(docs).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct StatusDoc {
    name: String,
    kind: String,
    up: bool,
    watched: bool,
    percent_90d: Option<f64>,
    /// The last 90 days, oldest first.
    days: Vec<StatusDay>,
}

#[derive(Serialize, ToSchema)]
pub struct StatusDay {
    day: String,
    /// Percent up (none: not watched that day).
    percent: Option<f64>,
}

pub(crate) fn status_doc(s: PublicSite) -> StatusDoc {
    StatusDoc {
        name: s.name,
        kind: s.kind.into(),
        up: s.up,
        watched: s.watched,
        percent_90d: s.percent_90d,
        days: s.days.into_iter().map(|(d, percent)| StatusDay { day: d.to_string(), percent }).collect(),
    }
}

/// The public status page's figures: the sites shown publicly. No sign-in.
#[utoipa::path(get, operation_id = "network_status", path = "/api/v1/network/status", responses((status = 200, body = [StatusDoc])))]
async fn status(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let list = report::status_page(&state.app).await?;
        Ok(Json(list.into_iter().map(status_doc).collect::<Vec<_>>()).into_response())
    })
    .await
}

/// A device's heartbeat to its push address (a push probe's secret). No sign-in: the address is the secret.
#[utoipa::path(post, operation_id = "network_push", path = "/api/v1/network/push/{secret}", params(("secret" = String, Path)), responses((status = 204, description = "kept"), (status = 404, body = crate::error::Problem, description = "no push probe has that address"), (status = 429, body = crate::error::Problem)))]
async fn push(State(state): State<AppState>, ctx: Ctx, Path(secret): Path<String>) -> Response {
    answer(&ctx, async {
        if secret.len() > 200 {
            return Err(WebError::NotFound);
        }
        state.agent_throttle.check(&format!("push:{secret}"), std::time::Instant::now()).map_err(WebError::Throttled)?;
        if net::push(&state.app, &secret).await? {
            Ok(StatusCode::NO_CONTENT.into_response())
        } else {
            Err(WebError::NotFound)
        }
    })
    .await
}

/// The same heartbeat by `GET`, for devices that can only fetch an address.
#[utoipa::path(get, operation_id = "network_push_get", path = "/api/v1/network/push/{secret}", params(("secret" = String, Path)), responses((status = 204, description = "kept"), (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn push_get(state: State<AppState>, ctx: Ctx, secret: Path<String>) -> Response {
    push(state, ctx, secret).await
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetPolicyDoc {
    /// A reminder once a site has been down this long (0: none).
    #[schema(minimum = 0, maximum = 43200)]
    remind_after_minutes: u32,
    /// Raw results are kept this many days, then only each hour's sums.
    #[schema(minimum = 1, maximum = 366)]
    raw_days: u32,
}

/// Sets the department's settings (system administrators).
#[utoipa::path(put, operation_id = "network_policy", path = "/api/v1/network/policy", request_body = NetPolicyDoc, security(("bearer" = [])), responses((status = 204, description = "set"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn policy(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: NetPolicyDoc = json(&body)?;
        let policy = NetPolicy { remind_after_minutes: r.remind_after_minutes, raw_days: r.raw_days };
        net::set_policy(&state.app, Actor::User(p), &policy).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct ProberDoc {
    instance: String,
    /// Probes this instance holds the lease of.
    held: usize,
    /// Results waiting to be written (the database away).
    buffered: usize,
    dropped: u64,
    /// `datagram`, `raw` or `denied`: whether ICMP echoes may be sent.
    icmp: String,
    lag_samples: usize,
    lag_p50_ms: f64,
    lag_p99_ms: f64,
    lag_max_ms: f64,
}

/// This instance's prober: its leases, what waits to be written, how late checks start (system administrators).
#[utoipa::path(get, operation_id = "network_prober", path = "/api/v1/network/prober", security(("bearer" = [])), responses((status = 200, body = ProberDoc), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn prober(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let s = net::prober_status(&state.app, Actor::User(p))?;
        Ok(Json(ProberDoc {
            instance: s.instance,
            held: s.held,
            buffered: s.buffered,
            dropped: s.dropped,
            icmp: s.icmp.into(),
            lag_samples: s.lag_samples,
            lag_p50_ms: s.lag_p50_ms,
            lag_p99_ms: s.lag_p99_ms,
            lag_max_ms: s.lag_max_ms,
        })
        .into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/network/sites", get(sites).post(add_site))
        .route("/api/v1/network/sites/{id}", get(site).put(put_site))
        .route("/api/v1/network/sites/{id}/probes", post(add_probe))
        .route("/api/v1/network/probes/{id}", put(pause))
        .route("/api/v1/network/sites/{id}/maintenance", post(maintenance))
        .route("/api/v1/network/sites/{id}/links", post(add_link))
        .route("/api/v1/network/links/{id}/samples", post(samples))
        .route("/api/v1/network/links/{id}/capacity", get(capacity))
        .route("/api/v1/network/uptime", get(uptime))
        .route("/api/v1/network/outages", get(outages))
        .route("/api/v1/network/status", get(status))
        .route("/api/v1/network/push/{secret}", post(push).get(push_get))
        .route("/api/v1/network/policy", put(policy))
        .route("/api/v1/network/prober", get(prober))
        .route("/api/v1/network/report.xlsx", get(super::pages::export_api))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(sites, add_site, site, put_site, add_probe, pause, maintenance, add_link, samples, capacity, uptime, outages, status, push, push_get, policy, prober, super::pages::export_api),
    components(schemas(
        SiteKindDoc,
        LevelDoc,
        SiteRequest,
        NetCreated,
        SiteView,
        ProbeView,
        LinkView,
        SiteDetail,
        ProbeKindDoc,
        ProbeRequest,
        PauseRequest,
        MaintenanceRequest,
        LinkRequest,
        SamplesImported,
        CapacityDoc,
        UptimeLineDoc,
        UptimeDoc,
        OutageDoc,
        StatusDoc,
        StatusDay,
        NetPolicyDoc,
        ProberDoc
    ))
)]
pub(crate) struct Api;

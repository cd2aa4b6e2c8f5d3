//! The gateway's proxy, X-Road's REST interface:
//! `ANY /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}/{path…}`, the
//! client named by `X-Road-Client` and proven by `X-Road-Api-Key`. Bodies
//! are streamed both ways, digested as they pass, never held whole; the
//! exchange is in the message log before the answer's last bytes leave, so
//! that an exchange a client saw answered is in the log.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use base64::Engine;
use egov_app::gateway::{Destination, GatewayError, Proof};
use egov_gateway::{log::EMPTY_SHA256, Bodies, Exchange, Logged, Outcome};
use futures_util::StreamExt;
use sha2::{Digest, Sha256, Sha512};

use super::upstream::Upstream;
use crate::server::PeerCertificate;
use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/r1", any(proxy))
        .route("/r1/", any(proxy))
        .route("/r1/{*rest}", any(proxy))
        .route("/listClients", axum::routing::get(super::metadata::list_clients))
        .route("/gateway/health", axum::routing::get(health))
}

/// Headers that are the connection's, or that would tell the other side
/// where the message came from (the protocol's filtered headers), and the
/// client's key: never passed on.
fn filtered(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "host"
            | "user-agent"
            | "server"
            | "x-road-api-key"
    )
}

/// The protocol's headers a client sets for the provider (who the user is,
/// which issue the call is for): passed on, and returned with the answer.
const PASSED: [HeaderName; 2] = [HeaderName::from_static("x-road-userid"), HeaderName::from_static("x-road-issue")];

const X_ROAD_CLIENT: HeaderName = HeaderName::from_static("x-road-client");
const X_ROAD_ID: HeaderName = HeaderName::from_static("x-road-id");
const X_ROAD_SERVICE: HeaderName = HeaderName::from_static("x-road-service");
const X_ROAD_REQUEST_ID: HeaderName = HeaderName::from_static("x-road-request-id");
const X_ROAD_REQUEST_HASH: HeaderName = HeaderName::from_static("x-road-request-hash");

/// The client to services' upstreams, made once.
fn services() -> Result<&'static Upstream, GatewayError> {
    static HTTP: OnceLock<Result<Upstream, String>> = OnceLock::new();
    HTTP.get_or_init(Upstream::services).as_ref().map_err(|e| GatewayError::Unreachable(e.clone()))
}

/// A message id: the client's `X-Road-Id` when it is a sensible one, else new.
fn message_id(headers: &HeaderMap) -> String {
    let given = headers.get("x-road-id").and_then(|v| v.to_str().ok());
    match given.filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic())) {
        Some(v) => v.to_string(),
        None => {
            let h = egov_kernel::hex(&fresh_id());
            format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
        }
    }
}

/// How long a call waits for the message log's backlog to shrink before it
/// is refused.
const LOG_PATIENCE: Duration = Duration::from_secs(5);

/// The first `n` characters of `s` (the log's fields are bounded).
fn clipped(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect()
    }
}

/// A new message id's 16 bytes: 8 random ones drawn once a process, then a
/// count: unique within the process, and across processes but by a chance
/// of one in 2^64 per pair (the system's randomness is not asked for each).
fn fresh_id() -> [u8; 16] {
    static PREFIX: OnceLock<[u8; 8]> = OnceLock::new();
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        b
    });
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(prefix);
    id[8..].copy_from_slice(&COUNT.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    id
}

/// What a body's passage measured.
struct Meter {
    sha256: Sha256,
    sha512: Sha512,
    bytes: u64,
    ended: bool,
    broken: bool,
    /// The first bytes kept (full logging mode), and how many at most.
    kept: Vec<u8>,
    keep: usize,
}

impl Meter {
    fn new(keep: usize) -> Arc<Mutex<Meter>> {
        Arc::new(Mutex::new(Meter {
            sha256: Sha256::new(),
            sha512: Sha512::new(),
            bytes: 0,
            ended: false,
            broken: false,
            kept: Vec::new(),
            keep,
        }))
    }

    /// A chunk passed: counted, digested, its first bytes kept if asked.
    fn pass(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        self.sha256.update(chunk);
        let room = self.keep.saturating_sub(self.kept.len()).min(chunk.len());
        self.kept.extend_from_slice(&chunk[..room]);
    }
}

/// Writes an exchange to the log and waits for it; a failure is said, not
/// hidden.
pub(crate) async fn record(state: &AppState, e: Exchange) {
    log(state, Logged { exchange: e, bodies: None }).done().await;
}

/// Whether an exchange is in the log: known at once (journaled), or once
/// the task writing it ends.
enum Written {
    Now(bool),
    Task(tokio::task::JoinHandle<bool>),
}

impl Written {
    async fn done(self) -> bool {
        match self {
            Written::Now(ok) => ok,
            Written::Task(t) => t.await.unwrap_or(false),
        }
    }
}

/// Writes an exchange to the log: at once when the log is journaled
/// (nothing awaited, so nothing can interrupt it), else in a task of its
/// own (a client that goes away drops the request's future, never the
/// log's write), returned to be waited for.
fn log(state: &AppState, logged: Logged) -> Written {
    let said = |err: &egov_app::AppError, id: &str| {
        tracing::error!(error = %err, message = %id, "gateway: an exchange was not logged");
    };
    let id = logged.exchange.message_id.clone();
    if state.app.gateway.journaled() {
        let written = state.app.gateway.log_now(logged);
        if let Err(err) = &written {
            said(err, &id);
        }
        return Written::Now(written.is_ok());
    }
    let app = state.app.clone();
    Written::Task(tokio::spawn(async move {
        match egov_app::gateway::record(&app, logged).await {
            Ok(()) => true,
            Err(err) => {
                said(&err, &id);
                false
            }
        }
    }))
}

/// The gateway's own answer: a problem document with X-Road's error type,
/// in `X-Road-Error` and in the body's `type`.
fn problem(e: &GatewayError, id: &str) -> Response {
    let (status, kind) = e.kind();
    let body = serde_json::json!({
        "type": kind,
        "title": kind,
        "status": status,
        "message": e.to_string(),
        "detail": id,
    });
    let mut resp = (StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY), body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    if let Ok(v) = HeaderValue::from_str(kind) {
        h.insert("x-road-error", v);
    }
    if let Ok(v) = HeaderValue::from_str(id) {
        h.insert("x-road-id", v);
    }
    match e {
        GatewayError::RateLimited(secs) => {
            h.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(*secs));
        }
        GatewayError::LogBehind => {
            h.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(5u64));
        }
        _ => {}
    }
    resp
}

/// Counts a call of an authenticated client against its limit.
pub(crate) fn throttle(state: &AppState, client: &str) -> Result<(), GatewayError> {
    state.gateway_throttle.check(client, Instant::now()).map_err(GatewayError::RateLimited)
}

pub(crate) async fn refuse(state: &AppState, mut e: Exchange, err: GatewayError, started: Instant) -> Response {
    e.status = err.kind().0;
    e.outcome = Outcome::Refused;
    e.duration_us = started.elapsed().as_micros() as i64;
    let resp = problem(&err, &e.message_id);
    record(state, e).await;
    resp
}

/// The protocol's request hash: base64 of SHA-512 over the SHA-512 of the
/// request's method, path and passed headers (sorted, one `name: value` a
/// line) and the SHA-512 of its body. The lines are hashed as they are
/// compared, never written out.
fn request_hash(method: &str, target: &str, headers: &HeaderMap, body_sha512: &[u8]) -> String {
    let mut lines: Vec<(&str, std::borrow::Cow<'_, str>)> = headers
        .iter()
        .filter(|(n, _)| !filtered(n))
        .map(|(n, v)| (n.as_str(), String::from_utf8_lossy(v.as_bytes())))
        .collect();
    fn bytes<'a>((n, v): &'a (&str, std::borrow::Cow<'_, str>)) -> impl Iterator<Item = u8> + 'a {
        n.as_bytes().iter().chain(b": ").chain(v.as_bytes()).copied()
    }
    lines.sort_by(|a, b| bytes(a).cmp(bytes(b)));
    let mut head = Sha512::new();
    for part in [method.as_bytes(), b" ", target.as_bytes(), b"\n"] {
        head.update(part);
    }
    for (i, (n, v)) in lines.iter().enumerate() {
        if i > 0 {
            head.update(b"\n");
        }
        head.update(n.as_bytes());
        head.update(b": ");
        head.update(v.as_bytes());
    }
    let mut h = Sha512::new();
    h.update(head.finalize());
    h.update(body_sha512);
    base64::engine::general_purpose::STANDARD.encode(h.finalize())
}

/// Logs the exchange once: at the end of the answer, or (dropped before
/// that: the client went away) as failed.
struct Pending {
    state: AppState,
    exchange: Option<Exchange>,
    started: Instant,
    meter: Arc<Mutex<Meter>>,
    /// The request's kept bytes (full logging mode).
    request: Option<Vec<u8>>,
}

impl Pending {
    fn finish(&mut self, outcome: Outcome) -> Option<Logged> {
        let mut e = self.exchange.take()?;
        let mut response = Vec::new();
        if let Ok(mut m) = self.meter.lock() {
            e.response_bytes = m.bytes;
            e.response_sha256 = egov_kernel::hex(&std::mem::take(&mut m.sha256).finalize());
            response = std::mem::take(&mut m.kept);
        }
        e.outcome = outcome;
        e.duration_us = self.started.elapsed().as_micros() as i64;
        let bodies = self.request.take().map(|request| Bodies { request, response });
        Some(Logged { exchange: e, bodies })
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(logged) = self.finish(Outcome::Failed) {
            if tokio::runtime::Handle::try_current().is_ok() {
                drop(log(&self.state, logged));
            }
        }
    }
}

/// The gateway's health, for load balancers: 200 `ok`, or 503 with the
/// reason (maintenance, the database unreachable), in plain text.
pub async fn health(State(state): State<AppState>) -> Response {
    let text = |s: StatusCode, t: &'static str| (s, [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], t);
    if state.gateway.get().maintenance() {
        text(StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response()
    } else if !state.store.ping().await {
        text(StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    } else {
        text(StatusCode::OK, "ok").into_response()
    }
}

pub async fn proxy(State(state): State<AppState>, req: Request) -> Response {
    let started = Instant::now();
    let headers = req.headers();
    let id = message_id(headers);
    let method = req.method().as_str().to_string();
    let full = req.uri().path().to_string();
    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    let rest = full.strip_prefix("/r1/").unwrap_or("");
    let mut parts = rest.splitn(6, '/');
    let ids: Vec<&str> = parts.by_ref().take(5).collect();
    // the rest after the service is passed on as it is (none: the service's
    // own address); rights are checked against it, `/` when there is none
    let rest_path = parts.next().map(|p| format!("/{p}")).unwrap_or_default();
    let path = if rest_path.is_empty() { "/".to_string() } else { rest_path.clone() };
    let service = ids.join("/");
    let client = headers.get("x-road-client").and_then(|v| v.to_str().ok()).map(String::from);
    let key = headers.get("x-road-api-key").and_then(|v| v.to_str().ok()).map(String::from);
    let cert = req.extensions().get::<PeerCertificate>().cloned();
    let proof = proof(cert.as_ref(), &state, key.as_deref());
    let exchange = Exchange {
        message_id: id.clone(),
        client: clipped(client.as_deref().unwrap_or_default(), 300),
        service: clipped(&service, 400),
        method: method.clone(),
        path: clipped(&path, 2000),
        status: 0,
        outcome: Outcome::Refused,
        request_bytes: 0,
        response_bytes: 0,
        request_sha256: EMPTY_SHA256.into(),
        response_sha256: EMPTY_SHA256.into(),
        started_at: state.store.now(),
        duration_us: 0,
    };
    if ids.len() < 5 {
        let e = GatewayError::Malformed("the address is /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/path]".into());
        return refuse(&state, exchange, e, started).await;
    }
    if super::metadata::is_metadata(ids[4]) {
        let provider = ids[..4].join("/");
        return super::metadata::serve(&state, req, proof, &provider, ids[4], exchange, started).await;
    }
    // a log that cannot keep up paces the calls it takes
    if !state.app.gateway.room(LOG_PATIENCE).await {
        return refuse(&state, exchange, GatewayError::LogBehind, started).await;
    }
    let fed = state.settings.gateway_federation.clone();
    let federated = |instance: &str| fed.as_ref().is_some_and(|f| f.peer(instance).is_some());
    let routed = state.gateway.route(client.as_deref(), proof, &service, &method, &path, state.now(), federated);
    let target = match routed {
        Ok((_, Destination::Local(route))) => Target {
            url: format!("{}{rest_path}{query}", route.upstream),
            http: match services() {
                Ok(http) => http.clone(),
                Err(e) => return refuse(&state, exchange, e, started).await,
            },
            timeout: Duration::from_millis(route.timeout_ms.max(1) as u64),
            peer: false,
            path,
            keep_bodies: route.logging == egov_gateway::LogMode::Full,
        },
        Ok((_, Destination::Peer(instance))) => match fed.as_ref().and_then(|f| Some((f, f.peer(&instance)?))) {
            Some((f, p)) => Target {
                url: format!("{}/r1/{service}{rest_path}{query}", p.url),
                http: f.client.clone(),
                timeout: f.timeout,
                peer: true,
                path,
                keep_bodies: false,
            },
            None => return refuse(&state, exchange, GatewayError::UnknownService(service), started).await,
        },
        Err(e) => return refuse(&state, exchange, e, started).await,
    };
    if let Err(e) = throttle(&state, &exchange.client) {
        return refuse(&state, exchange, e, started).await;
    }
    pass(state, req, exchange, target, started).await
}

/// Where a call is passed: a service's upstream, or a peer's gateway.
pub(crate) struct Target {
    pub url: String,
    pub http: Upstream,
    pub timeout: Duration,
    /// A peer gateway: the X-Road headers that name the message, its
    /// client and its user are passed on as they came.
    pub peer: bool,
    /// The path after the service's address (`/` for none), as the rights
    /// saw it: the request hash covers it.
    pub path: String,
    /// The service logs in full: the bodies' first bytes are kept.
    pub keep_bodies: bool,
}

/// How a caller proves itself on this connection: a peer's or a client's
/// certificate on the TLS listener, else an API key.
pub(crate) fn proof<'a>(req_cert: Option<&'a PeerCertificate>, state: &'a AppState, key: Option<&'a str>) -> Proof<'a> {
    let peer = req_cert.and_then(|c| state.settings.gateway_federation.as_deref()?.peer_by_certificate(&c.0));
    match (req_cert, peer) {
        (Some(_), Some(p)) => Proof::Peer(&p.instance),
        (Some(c), None) => Proof::Certificate(&c.0),
        (None, _) => Proof::Key(key),
    }
}

/// Passes a call on to `target`, the bodies streamed and digested both
/// ways; the exchange logged before the answer's last bytes leave.
pub(crate) async fn pass(state: AppState, req: Request, exchange: Exchange, target: Target, started: Instant) -> Response {
    let (parts, incoming) = req.into_parts();
    let headers = parts.headers;
    let (id, method, service, client) =
        (exchange.message_id.clone(), exchange.method.clone(), exchange.service.clone(), exchange.client.clone());
    let query = parts.uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let path = target.path.clone();

    // the request's body, streamed through a meter, refused past the limit
    let limit = state.settings.gateway_max_body;
    let keep = if target.keep_bodies { state.settings.gateway_log_body_limit } else { 0 };
    let (inbound, over) = (Meter::new(keep), Arc::new(AtomicBool::new(false)));
    // no body at all (a GET: no length and no chunks, or a length of 0):
    // none is sent on, and it is whole already
    let declared = headers.get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let bodiless = axum::body::HttpBody::is_end_stream(&incoming)
        || declared == Some(0)
        || (declared.is_none() && !headers.contains_key("transfer-encoding"));
    if bodiless {
        if let Ok(mut m) = inbound.lock() {
            m.ended = true;
        }
    }
    let body = {
        let (meter, over) = (inbound.clone(), over.clone());
        futures_util::stream::unfold((incoming.into_data_stream(), false), move |(mut s, done)| {
            let (meter, over) = (meter.clone(), over.clone());
            async move {
                if done {
                    return None;
                }
                let next = s.next().await;
                let mut m = meter.lock().ok()?;
                match next {
                    Some(Ok(chunk)) => {
                        if m.bytes + chunk.len() as u64 > limit {
                            over.store(true, Ordering::SeqCst);
                            return Some((Err(std::io::Error::other("the body is too large")), (s, true)));
                        }
                        m.pass(&chunk);
                        m.sha512.update(&chunk);
                        Some((Ok(chunk), (s, false)))
                    }
                    Some(Err(e)) => {
                        m.broken = true;
                        Some((Err(std::io::Error::other(e.to_string())), (s, true)))
                    }
                    None => {
                        m.ended = true;
                        None
                    }
                }
            }
        })
    };
    let Ok(uri) = target.url.parse::<axum::http::Uri>() else {
        let e = GatewayError::Malformed("the path or query is not a valid address".into());
        return refuse(&state, exchange, e, started).await;
    };
    let mut onward = HeaderMap::with_capacity(headers.len() + 3);
    for (name, value) in headers.iter().filter(|(n, _)| !filtered(n) && !n.as_str().starts_with("x-road-")) {
        onward.append(name.clone(), value.clone());
    }
    let named = [(X_ROAD_CLIENT, &client), (X_ROAD_ID, &id), (X_ROAD_SERVICE, &service)];
    for (name, value) in named.into_iter().take(if target.peer { 2 } else { 3 }) {
        match HeaderValue::from_str(value) {
            Ok(v) => drop(onward.insert(name, v)),
            Err(_) => return refuse(&state, exchange, GatewayError::Malformed(format!("{name}: not a header")), started).await,
        }
    }
    for name in PASSED {
        if let Some(v) = headers.get(&name) {
            onward.insert(name, v.clone());
        }
    }
    let mut onward_req = axum::http::Request::new(if bodiless { Body::empty() } else { Body::from_stream(body) });
    *onward_req.method_mut() = parts.method.clone();
    *onward_req.uri_mut() = uri;
    *onward_req.headers_mut() = onward;
    let timeout_ms = target.timeout.as_millis() as i64;
    let sent = tokio::time::timeout(target.timeout, target.http.send(onward_req)).await;
    let take_inbound = |e: &mut Exchange| {
        if let Ok(mut m) = inbound.lock() {
            e.request_bytes = m.bytes;
            e.request_sha256 = egov_kernel::hex(&std::mem::take(&mut m.sha256).finalize());
        }
    };
    let upstream = match sent {
        Ok(Ok(r)) => r,
        Ok(Err(err)) => {
            let mut e = exchange;
            take_inbound(&mut e);
            let broken = inbound.lock().map(|m| m.broken).unwrap_or(false);
            let why = if over.load(Ordering::SeqCst) {
                GatewayError::TooLarge(limit)
            } else if broken {
                // the client went away mid-body: nobody to answer
                e.outcome = Outcome::Failed;
                e.status = 400;
                e.duration_us = started.elapsed().as_micros() as i64;
                record(&state, e).await;
                return StatusCode::BAD_REQUEST.into_response();
            } else {
                GatewayError::Unreachable(err)
            };
            return refuse(&state, e, why, started).await;
        }
        Err(_) => {
            let mut e = exchange;
            take_inbound(&mut e);
            return refuse(&state, e, GatewayError::Timeout(timeout_ms), started).await;
        }
    };

    let mut e = exchange;
    e.status = upstream.status().as_u16();
    // whole when its stream ended, or when it is as long as it said
    let (request_sha512, ended) = match inbound.lock() {
        Ok(m) => (m.sha512.clone().finalize().to_vec(), m.ended || declared == Some(m.bytes)),
        Err(_) => (Vec::new(), false),
    };
    take_inbound(&mut e);
    let (upstream, upstream_body) = upstream.into_parts();
    let mut out = HeaderMap::with_capacity(upstream.headers.len() + 6);
    for (name, value) in upstream.headers.iter() {
        // a peer's refusal keeps its X-Road error type
        let ours = name.as_str().starts_with("x-road-") && !(target.peer && name == "x-road-error");
        if !filtered(name) && !ours && name != "content-length" {
            out.append(name.clone(), value.clone());
        }
    }
    if let Some(len) = upstream.headers.get("content-length") {
        out.insert(axum::http::header::CONTENT_LENGTH, len.clone());
    }
    for (name, value) in [(X_ROAD_CLIENT, &client), (X_ROAD_SERVICE, &service), (X_ROAD_ID, &id), (X_ROAD_REQUEST_ID, &id)] {
        if let Ok(v) = HeaderValue::from_str(value) {
            out.insert(name, v);
        }
    }
    for name in PASSED {
        if let Some(v) = headers.get(&name) {
            out.insert(name, v.clone());
        }
    }
    if ended {
        let hash = request_hash(&method, &format!("{path}{query}"), &headers, &request_sha512);
        if let Ok(v) = HeaderValue::from_str(&hash) {
            out.insert(X_ROAD_REQUEST_HASH, v);
        }
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_GATEWAY);

    // the answer, streamed through a meter; its last chunk held back until
    // the exchange is in the log
    let outbound = Meter::new(keep);
    let request = target.keep_bodies.then(|| inbound.lock().map(|mut m| std::mem::take(&mut m.kept)).unwrap_or_default());
    let pending = Pending { state: state.clone(), exchange: Some(e), started, meter: outbound.clone(), request };
    let stream = futures_util::stream::unfold(
        (Body::new(upstream_body).into_data_stream(), None::<Bytes>, pending, outbound, false),
        |(mut s, mut held, mut pending, meter, done)| async move {
            if done {
                return None;
            }
            loop {
                match s.next().await {
                    Some(Ok(chunk)) => {
                        if let Ok(mut m) = meter.lock() {
                            m.pass(&chunk);
                        }
                        if let Some(prev) = held.replace(chunk) {
                            return Some((Ok::<Bytes, std::io::Error>(prev), (s, held, pending, meter, false)));
                        }
                    }
                    Some(Err(err)) => {
                        // the upstream broke off: logged as failed when dropped
                        return Some((Err(std::io::Error::other(err.to_string())), (s, None, pending, meter, true)));
                    }
                    None => {
                        if let Some(logged) = pending.finish(Outcome::Answered) {
                            if !log(&pending.state, logged).done().await {
                                // not in the log: the client never gets a whole answer
                                let cut = std::io::Error::other("the exchange could not be logged");
                                return Some((Err(cut), (s, None, pending, meter, true)));
                            }
                        }
                        let last = held.take();
                        return last.map(|b| (Ok(b), (s, None, pending, meter, true)));
                    }
                }
            }
        },
    );
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = status;
    *resp.headers_mut() = out;
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recipe written out: the lines made, sorted as text and joined.
    fn written_out(method: &str, target: &str, headers: &HeaderMap, body_sha512: &[u8]) -> String {
        let mut lines: Vec<String> = headers
            .iter()
            .filter(|(n, _)| !filtered(n))
            .map(|(n, v)| format!("{}: {}", n.as_str(), String::from_utf8_lossy(v.as_bytes())))
            .collect();
        lines.sort();
        let head = Sha512::digest(format!("{method} {target}\n{}", lines.join("\n")).as_bytes());
        let mut h = Sha512::new();
        h.update(head);
        h.update(body_sha512);
        base64::engine::general_purpose::STANDARD.encode(h.finalize())
    }

    #[test]
    fn the_request_hash_is_the_recipes() {
        let mut headers = HeaderMap::new();
        // "a-b" sorts before "a" as a line ('-' < ':'), after it as a name
        for (n, v) in [("a", "1"), ("a-b", "2"), ("x-road-client", "VN/GOV/1/x"), ("host", "h"), ("accept", "*/*")] {
            headers.append(HeaderName::from_static(n), HeaderValue::from_static(v));
        }
        headers.append(HeaderName::from_static("a"), HeaderValue::from_static("0"));
        headers.append(HeaderName::from_static("z"), HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let body = Sha512::digest(b"body");
        let ours = request_hash("POST", "/p?q=1", &headers, &body);
        assert_eq!(ours, written_out("POST", "/p?q=1", &headers, &body));
        assert_ne!(ours, request_hash("POST", "/p?q=2", &headers, &body));
        assert_eq!(request_hash("GET", "/", &HeaderMap::new(), &[]), written_out("GET", "/", &HeaderMap::new(), &[]));
    }
}

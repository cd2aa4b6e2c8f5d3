//! The devices' protocol (`/api/v1/radio/device/…`), documented in the
//! OpenAPI document: a device knows itself by its key (`X-Device-Key`),
//! got once for a one-time enrolment code; it fetches its playlist for the
//! coming hours, downloads audio (range requests, `ETag`, cached for good:
//! an audio file never changes under its digest), reports its status and
//! each playback, and holds `GET …/emergencies` open (server-sent events):
//! an emergency reaches it the moment it is approved, and on reconnecting
//! it gets those still valid that it has not acknowledged.

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_app::radio::device::{self, Listener, Reported, Status};
use egov_app::radio::hub::Alert;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::api::{answer, instant, json};
use crate::ctx::Ctx;
use crate::{AppState, WebError};

pub const DEVICE_KEY: &str = "x-device-key";

/// The device a key is; its calls counted against the agents' limit (per
/// device, 30 a minute by default), but for audio ranges and the held stream.
async fn calling_device(state: &AppState, headers: &HeaderMap) -> Result<egov_store::radio::Device, WebError> {
    let d = keyed_device(state, headers).await?;
    state.agent_throttle.check(&format!("radio-device:{}", d.id), std::time::Instant::now()).map_err(WebError::Throttled)?;
    Ok(d)
}

async fn keyed_device(state: &AppState, headers: &HeaderMap) -> Result<egov_store::radio::Device, WebError> {
    let key = headers.get(DEVICE_KEY).and_then(|v| v.to_str().ok()).ok_or(WebError::Unauthorized)?;
    if key.len() > 200 {
        return Err(WebError::Unauthorized);
    }
    match device::authenticate(&state.app, key).await {
        Ok(d) => Ok(d),
        Err(egov_app::AppError::Refused(..)) => Err(WebError::Unauthorized),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceEnrolment {
    /// The one-time code the back office showed for this device.
    #[schema(max_length = 200)]
    code: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeviceCredentials {
    device_id: i64,
    /// The device's key, shown once: sent as `X-Device-Key` from now on.
    key: String,
}

/// A device exchanges its one-time enrolment code for its key.
#[utoipa::path(post, operation_id = "radio_device_enrol", path = "/api/v1/radio/device/enrol", request_body = DeviceEnrolment, responses((status = 201, body = DeviceCredentials), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem, description = "the code is unknown, used or expired"), (status = 429, body = crate::error::Problem)))]
async fn enrol(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        state.throttle(&state.enrol_throttle, &ctx)?;
        let r: DeviceEnrolment = json(&body)?;
        if r.code.chars().count() > 200 {
            return Err(WebError::BadRequest("code: at most 200 characters".into()));
        }
        let e = device::enrol(&state.app, &r.code).await?;
        Ok((StatusCode::CREATED, Json(DeviceCredentials { device_id: e.device_id, key: e.secret })).into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaylistQuery {
    /// How many hours ahead (1–24; absent: 6).
    #[param(minimum = 1, maximum = 24)]
    hours: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct PlayDoc {
    bulletin_id: i64,
    title: String,
    /// `normal`, `priority` or `emergency` (play at once).
    priority: String,
    /// When to start, Vietnam time (`YYYY-MM-DDTHH:MM:SS`).
    at: String,
    duration_ms: i64,
    /// Where to download the audio (with its digest as `ETag`).
    audio: String,
    sha256: String,
    /// `mp3` or `wav`.
    format: String,
    size: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Playlist {
    device_id: i64,
    plays: Vec<PlayDoc>,
}

/// The device's playlist for the coming hours: emergencies valid now first
/// (play at once), then each slot's bulletins, priority ones first.
#[utoipa::path(get, operation_id = "radio_device_playlist", path = "/api/v1/radio/device/playlist", params(PlaylistQuery), security(("device" = [])), responses((status = 200, body = Playlist), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn playlist(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Query(q): Query<PlaylistQuery>) -> Response {
    answer(&ctx, async {
        let d = calling_device(&state, &headers).await?;
        let hours = q.hours.unwrap_or(6);
        if !(1..=24).contains(&hours) {
            return Err(WebError::BadRequest("hours: from 1 to 24".into()));
        }
        let plays = device::playlist(&state.app, &d, hours).await?;
        Ok(Json(Playlist {
            device_id: d.id,
            plays: plays
                .into_iter()
                .map(|p| PlayDoc {
                    audio: format!("/api/v1/radio/device/audio/{}", p.bulletin_id),
                    bulletin_id: p.bulletin_id,
                    title: p.title,
                    priority: p.priority.as_str().into(),
                    at: seconds(p.at),
                    duration_ms: p.duration_ms,
                    sha256: p.sha256,
                    format: p.format,
                    size: p.size,
                })
                .collect(),
        })
        .into_response())
    })
    .await
}

fn seconds(m: i64) -> String {
    egov_kernel::vn::from_micros(m).map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default()
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` within `len`: the inclusive range,
/// none if it cannot be served (416); a header of another unit or of
/// several ranges is ignored (the whole file).
fn range(h: &str, len: u64) -> Option<Option<(u64, u64)>> {
    let Some(spec) = h.trim().strip_prefix("bytes=") else { return Some(None) };
    if spec.contains(',') || len == 0 {
        return Some(None);
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let r = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        (len.saturating_sub(n.min(len)), len - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() { len - 1 } else { b.parse::<u64>().ok()?.min(len - 1) };
        (start, end)
    };
    (r.0 <= r.1 && r.0 < len).then_some(Some(r))
}

/// A bulletin's audio for a device it reaches: whole, or the range asked
/// (`Range: bytes=…`, 206); `ETag` is the audio's SHA-256 and
/// `If-None-Match` with it answers 304.
#[utoipa::path(get, operation_id = "radio_device_audio", path = "/api/v1/radio/device/audio/{id}", params(("id" = i64, Path), ("Range" = Option<String>, Header, description = "bytes=START-END")), security(("device" = [])), responses((status = 200, description = "the audio", content_type = "audio/mpeg", body = Vec<u8>), (status = 206, description = "the range asked", content_type = "audio/mpeg", body = Vec<u8>), (status = 304, description = "not changed"), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 416, body = crate::error::Problem, description = "a range outside the file")))]
async fn audio(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let d = keyed_device(&state, &headers).await?;
        let (format, bytes, sha) = device::audio(&state.app, &d, id).await?;
        serve_audio(&ctx, &headers, &format, &sha, bytes)
    })
    .await
}

/// An audio file as HTTP serves a file that never changes under its
/// digest: `ETag`, `If-None-Match` (304), `Range` (206, or 416 with
/// `Content-Range: bytes */LEN`).
pub(crate) fn serve_audio(ctx: &Ctx, headers: &HeaderMap, format: &str, sha: &str, bytes: Arc<Vec<u8>>) -> Result<Response, WebError> {
    let etag = format!("\"{sha}\"");
    let mime = egov_audio::AudioFormat::parse(format).map_or("application/octet-stream", |f| f.mime());
    let mut h = HeaderMap::new();
    h.insert(header::ETAG, HeaderValue::from_str(&etag).map_err(|e| WebError::BadRequest(e.to_string()))?);
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable"));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    let len = bytes.len() as u64;
    let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    match asked.map(|a| range(a, len)) {
        None | Some(Some(None)) => Ok((StatusCode::OK, h, Arc::unwrap_or_clone(bytes)).into_response()),
        Some(Some(Some((a, b)))) => {
            let cr = format!("bytes {a}-{b}/{len}");
            h.insert(header::CONTENT_RANGE, HeaderValue::from_str(&cr).map_err(|e| WebError::BadRequest(e.to_string()))?);
            let part = bytes[a as usize..=b as usize].to_vec();
            Ok((StatusCode::PARTIAL_CONTENT, h, part).into_response())
        }
        Some(None) => {
            let mut r = WebError::RangeNotSatisfiable.problem(ctx.lang);
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            Ok(r)
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceStatus {
    /// The bulletin playing now, if any.
    playing: Option<i64>,
    #[schema(minimum = 0, maximum = 100)]
    volume: Option<u8>,
    /// The last error the device met (empty: none).
    #[serde(default)]
    #[schema(max_length = 500)]
    error: String,
}

/// The device's status (it is online while it reports; every minute or so).
#[utoipa::path(post, operation_id = "radio_device_status", path = "/api/v1/radio/device/status", request_body = DeviceStatus, security(("device" = [])), responses((status = 204, description = "kept"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn status(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let d = calling_device(&state, &headers).await?;
        let s: DeviceStatus = json(&body)?;
        device::status(&state.app, &d, &Status { playing: s.playing, volume: s.volume, error: s.error }).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaybackDoc {
    /// The device's own id for the report (letters, digits, `-`): sent again, kept once.
    #[schema(max_length = 64, example = "1733040000-3")]
    report_id: String,
    bulletin_id: i64,
    /// How long ago it started and ended, in seconds (a device's clock may be off).
    #[schema(minimum = 0)]
    started_seconds_ago: u64,
    #[schema(minimum = 0)]
    ended_seconds_ago: u64,
    /// Played to its end (false: interrupted).
    completed: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Playbacks {
    #[schema(max_items = 200)]
    playbacks: Vec<PlaybackDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct PlaybacksRecorded {
    /// How many were new.
    recorded: usize,
}

/// Playbacks the device reports.
#[utoipa::path(post, operation_id = "radio_device_playbacks", path = "/api/v1/radio/device/playbacks", request_body = Playbacks, security(("device" = [])), responses((status = 200, body = PlaybacksRecorded), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn playbacks(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let d = calling_device(&state, &headers).await?;
        let p: Playbacks = json(&body)?;
        if p.playbacks.len() > 200 {
            return Err(WebError::BadRequest("playbacks: at most 200".into()));
        }
        let list: Vec<Reported> = p
            .playbacks
            .into_iter()
            .map(|x| Reported {
                report_id: x.report_id,
                bulletin_id: x.bulletin_id,
                started_seconds_ago: x.started_seconds_ago,
                ended_seconds_ago: x.ended_seconds_ago,
                completed: x.completed,
            })
            .collect();
        let recorded = device::playbacks(&state.app, &d, &list).await?;
        Ok(Json(PlaybacksRecorded { recorded }).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct EmergencyDoc {
    bulletin_id: i64,
    title: String,
    /// What is read (the transcript).
    text: String,
    audio: String,
    duration_ms: i64,
    sha256: String,
    format: String,
    size: i64,
    /// Until when it may play, Vietnam time.
    valid_to: String,
    /// When it was approved, Vietnam time.
    approved_at: String,
}

fn emergency_doc(a: &Alert) -> EmergencyDoc {
    EmergencyDoc {
        bulletin_id: a.bulletin_id,
        title: a.title.clone(),
        text: a.text.clone(),
        audio: format!("/api/v1/radio/device/audio/{}", a.bulletin_id),
        duration_ms: a.duration_ms,
        sha256: a.sha256.clone(),
        format: a.format.clone(),
        size: a.size,
        valid_to: seconds(a.valid_to),
        approved_at: instant(a.approved_at),
    }
}

/// An emergency as its event's id and data (an `EmergencyDoc`).
fn event_parts(a: &Alert) -> (i64, String) {
    (a.bulletin_id, serde_json::to_string(&emergency_doc(a)).unwrap_or_default())
}

/// An emergency event as it is written on the wire, byte for byte what
/// `Sse` writes for the same event.
fn event_text((id, data): &(i64, String)) -> String {
    format!("event: emergency\nid: {id}\ndata: {data}\n\n")
}

/// A comment every 15 s keeps a held stream's connection alive.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

struct Held {
    app: egov_app::App,
    listener: Listener,
    backlog: VecDeque<Alert>,
    sent: HashSet<i64>,
    rx: tokio::sync::broadcast::Receiver<Arc<Alert>>,
}

/// The emergencies a device has not acknowledged, read again (after the
/// stream fell behind the broadcast).
async fn reload(app: egov_app::App, device_id: i64) -> Option<VecDeque<Alert>> {
    let dev = app.store.radio_device(device_id).await.ok().flatten()?;
    device::pending(&app, &dev).await.ok().map(Into::into)
}

/// The device a key is, listening: subscribed before its backlog is read,
/// so that nothing approved in between is missed.
async fn hold(state: &AppState, headers: &HeaderMap) -> Result<Held, WebError> {
    let d = keyed_device(state, headers).await?;
    let listener = Listener::of(&state.app, &d).await?;
    let rx = state.app.radio.subscribe();
    let backlog: VecDeque<Alert> = device::pending(&state.app, &d).await?.into();
    Ok(Held { app: state.app.clone(), listener, backlog, sent: HashSet::new(), rx })
}

/// The next emergency for the held device: its backlog first, then each
/// approved for it; once each. None: the stream ends.
async fn next_event(h: &mut Held) -> Option<(i64, String)> {
    loop {
        if let Some(a) = h.backlog.pop_front() {
            if h.sent.insert(a.bulletin_id) {
                return Some(event_parts(&a));
            }
            continue;
        }
        match h.rx.recv().await {
            Ok(a) => {
                if h.listener.wants(&a, h.app.store.now()) && h.sent.insert(a.bulletin_id) {
                    return Some(event_parts(&a));
                }
            }
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                // boxed: the stream's state is sized for its largest await, held as
                // long as the device listens; the rare reload must not size it
                h.backlog = Box::pin(reload(h.app.clone(), h.listener.device_id)).await?;
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        }
    }
}

/// Held open: each emergency for the device as an `emergency` event (its
/// id the bulletin's; data an `EmergencyDoc`), those still valid and not
/// acknowledged first, then each the moment it is approved; a comment
/// every 15 s keeps the connection alive. Interrupt what plays, play it,
/// then acknowledge it (`POST …/emergencies/{id}/received`).
///
/// Asked as a connection's first request, it is served on the bare
/// connection (`lean`, see `LEAN`), which then closes; the same bytes.
#[utoipa::path(get, operation_id = "radio_device_emergencies", path = "/api/v1/radio/device/emergencies", security(("device" = [])), responses((status = 200, description = "server-sent events, one `emergency` event each", content_type = "text/event-stream", body = String), (status = 401, body = crate::error::Problem)))]
async fn emergencies(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    answer(&ctx, async {
        let held = hold(&state, &headers).await?;
        let stream = futures_util::stream::unfold(held, |mut h| async move {
            let (id, data) = next_event(&mut h).await?;
            Some((Ok::<Event, Infallible>(Event::default().event("emergency").id(id.to_string()).data(data)), h))
        });
        Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)).into_response())
    })
    .await
}

/// The held stream on the bare connection: what each of thousands of
/// devices holds costs its socket, its task and `Held`, not hyper's
/// buffers (BENCHMARKS.md, "Commune radio").
pub(crate) const LEAN: &[crate::lean::LeanRoute] =
    &[crate::lean::LeanRoute { method: "GET", path: "/api/v1/radio/device/emergencies", serve: lean_emergencies }];

fn lean_emergencies(state: AppState, req: crate::lean::LeanRequest) -> futures_util::future::BoxFuture<'static, ()> {
    Box::pin(emergencies_lean(state, req))
}

async fn emergencies_lean(state: AppState, mut req: crate::lean::LeanRequest) {
    use crate::lean;
    let held = hold(&state, &req.headers).await;
    let mut held = match held {
        Ok(h) => h,
        Err(e) => {
            let lang = req
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(egov_i18n::Lang::from_accept_language)
                .unwrap_or_default();
            let mut resp = e.problem(lang);
            let status = resp.status().as_u16();
            crate::ctx::lean_api_headers(&state, req.peer, &req.headers, status, resp.headers_mut());
            lean::answer(&mut req, resp).await;
            return;
        }
    };
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    crate::ctx::lean_api_headers(&state, req.peer, &req.headers, 200, &mut h);
    // what is held from here on: the socket, the task, `Held`
    req.headers = HeaderMap::new();
    drop(state);
    if lean::begin(&mut req, StatusCode::OK, &h).await.is_err() {
        return;
    }
    drop(h);
    let crate::lean::LeanRequest { stream, stop, .. } = &mut req;
    loop {
        tokio::select! {
            e = next_event(&mut held) => match e {
                Some(e) => {
                    if lean::chunk(stream, event_text(&e).as_bytes()).await.is_err() {
                        return;
                    }
                }
                None => break,
            },
            _ = tokio::time::sleep(KEEP_ALIVE) => {
                if lean::chunk(stream, b":\n\n").await.is_err() {
                    return;
                }
            }
            _ = lean::closed(stream) => return,
            _ = lean::stopped(stop) => break,
        }
    }
    lean::end(stream).await;
}

/// The device received (and played) an emergency.
#[utoipa::path(post, operation_id = "radio_device_received", path = "/api/v1/radio/device/emergencies/{id}/received", params(("id" = i64, Path)), security(("device" = [])), responses((status = 204, description = "kept"), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn received(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let d = calling_device(&state, &headers).await?;
        device::received(&state.app, &d, id).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/radio/device/enrol", post(enrol))
        .route("/api/v1/radio/device/playlist", get(playlist))
        .route("/api/v1/radio/device/audio/{id}", get(audio))
        .route("/api/v1/radio/device/status", post(status))
        .route("/api/v1/radio/device/playbacks", post(playbacks))
        .route("/api/v1/radio/device/emergencies", get(emergencies))
        .route("/api/v1/radio/device/emergencies/{id}/received", post(received))
}

#[cfg(test)]
mod tests {
    use super::range;

    #[tokio::test]
    async fn the_lean_stream_writes_an_event_as_sse_does() {
        use axum::response::sse::{Event, Sse};
        use axum::response::IntoResponse;
        use http_body_util::BodyExt;
        let e = (42, r#"{"bulletin_id":42,"title":"Bão số 9"}"#.to_string());
        let one = Event::default().event("emergency").id(e.0.to_string()).data(e.1.clone());
        let sse = Sse::new(futures_util::stream::iter([Ok::<_, std::convert::Infallible>(one)])).into_response();
        let bytes = sse.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(String::from_utf8_lossy(&bytes), super::event_text(&e));
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(range("bytes=0-99", 1000), Some(Some((0, 99))));
        assert_eq!(range("bytes=900-", 1000), Some(Some((900, 999))));
        assert_eq!(range("bytes=-100", 1000), Some(Some((900, 999))));
        assert_eq!(range("bytes=990-2000", 1000), Some(Some((990, 999))));
        assert_eq!(range("bytes=1000-", 1000), None, "outside: 416");
        assert_eq!(range("bytes=5-2", 1000), None);
        assert_eq!(range("bytes=0-1,5-6", 1000), Some(None), "several: the whole file");
        assert_eq!(range("items=0-1", 1000), Some(None));
    }
}

//! Commune radio's API (`/api/v1/radio/…`, bearer tokens): stations (CSV
//! import too), their slots and programme, devices and their enrolment
//! codes, bulletins with their audio and the approval step — as the caller
//! may see them. The devices' own protocol is `device.rs`.

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveTime;
use egov_app::radio::{self as ra, Writing};
use egov_app::Actor;
use egov_radio::{BulletinInput, Decision, DeviceInput, Slot, StationInput, Target};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

pub(crate) fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(body).map_err(|e| WebError::BadRequest(e.to_string()))
}

pub(crate) async fn answer(ctx: &Ctx, f: impl std::future::Future<Output = Result<Response, WebError>>) -> Response {
    f.await.unwrap_or_else(|e| e.problem(ctx.lang))
}

pub(crate) fn instant(m: i64) -> String {
    crate::network::api::instant(m)
}

#[derive(Serialize, ToSchema)]
pub struct RadioCreated {
    id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StationDoc {
    id: i64,
    name: String,
    /// The commune's code as kept.
    unit_code: String,
    /// The commune that code names today (a merged commune's successor).
    unit_today: String,
    /// `wired`, `fm` or `ip`.
    kind: String,
    /// `operating` or `suspended`.
    status: String,
    staff: u32,
    address: String,
    devices: usize,
    /// Devices heard from in the last 3 minutes.
    online: usize,
}

/// Every station, with its devices online now.
#[utoipa::path(get, operation_id = "radio_stations", path = "/api/v1/radio/stations", security(("bearer" = [])), responses((status = 200, body = [StationDoc]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn stations(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let list = ra::stations(&state.app, Actor::User(p)).await?;
        Ok(Json(
            list.into_iter()
                .map(|v| StationDoc {
                    id: v.s.id,
                    name: v.s.s.name,
                    unit_code: v.s.s.unit_code,
                    unit_today: v.unit_today,
                    kind: v.s.s.kind.as_str().into(),
                    status: v.s.s.status.as_str().into(),
                    staff: v.s.s.staff,
                    address: v.s.s.address,
                    devices: v.devices,
                    online: v.online,
                })
                .collect::<Vec<_>>(),
        )
        .into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StationRequest {
    #[schema(max_length = 200, example = "Đài truyền thanh phường Tân Ninh")]
    name: String,
    /// The commune's code (5 digits), in force today.
    #[schema(example = "25441")]
    unit_code: String,
    /// `wired`, `fm` or `ip`.
    #[schema(example = "ip")]
    kind: String,
    /// `operating` (absent) or `suspended`.
    #[serde(default)]
    status: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    staff: u32,
    #[serde(default)]
    #[schema(max_length = 300)]
    address: String,
}

fn station_input(r: StationRequest) -> StationInput {
    StationInput { name: r.name, unit_code: r.unit_code, kind: r.kind, status: r.status, staff: r.staff.to_string(), address: r.address }
}

/// Adds a station (the department, or a commune's committee in its commune).
#[utoipa::path(post, operation_id = "radio_add_station", path = "/api/v1/radio/stations", request_body = StationRequest, security(("bearer" = [])), responses((status = 201, body = RadioCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add_station(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: StationRequest = json(&body)?;
        let id = ra::save_station(&state.app, Actor::User(p), None, &station_input(r)).await?;
        Ok((StatusCode::CREATED, Json(RadioCreated { id })).into_response())
    })
    .await
}

/// Changes a station.
#[utoipa::path(put, operation_id = "radio_put_station", path = "/api/v1/radio/stations/{id}", params(("id" = i64, Path)), request_body = StationRequest, security(("bearer" = [])), responses((status = 204, description = "changed"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_station(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: StationRequest = json(&body)?;
        ra::save_station(&state.app, Actor::User(p), Some(id), &station_input(r)).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct StationsImported {
    added: usize,
    changed: usize,
}

/// Imports stations from CSV (`name,unit_code,kind,status,staff,address`;
/// the same name in the same commune changes that station): all or nothing.
#[utoipa::path(post, operation_id = "radio_import_stations", path = "/api/v1/radio/stations/import", request_body(content = String, content_type = "text/csv"), security(("bearer" = [])), responses((status = 200, body = StationsImported), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "nothing imported; `errors` points at each line's field as `line N/field`")))]
async fn import(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let text = std::str::from_utf8(&body).map_err(|_| WebError::Invalid(vec![egov_app::FieldError::new("file", "err.radio.csv")]))?;
        let (added, changed) = ra::import_stations(&state.app, Actor::User(p), text).await?;
        Ok(Json(StationsImported { added, changed }).into_response())
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotDoc {
    /// `HH:MM`
    #[schema(example = "06:00", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    start: String,
    #[schema(example = "06:30", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    end: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotsRequest {
    #[schema(max_items = 24)]
    slots: Vec<SlotDoc>,
}

/// Replaces a station's daily broadcast slots.
#[utoipa::path(put, operation_id = "radio_put_slots", path = "/api/v1/radio/stations/{id}/slots", params(("id" = i64, Path)), request_body = SlotsRequest, security(("bearer" = [])), responses((status = 204, description = "kept"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_slots(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: SlotsRequest = json(&body)?;
        if r.slots.len() > 24 {
            return Err(WebError::BadRequest("slots: at most 24".into()));
        }
        let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
        let mut slots = Vec::new();
        for (i, s) in r.slots.iter().enumerate() {
            match (t(&s.start), t(&s.end)) {
                (Some(start), Some(end)) => slots.push(Slot { start, end }),
                _ => return Err(WebError::Invalid(vec![egov_app::FieldError::new(format!("slots[{i}]"), "err.radio.time")])),
            }
        }
        ra::set_slots(&state.app, Actor::User(p), id, &slots).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// Bulletins to play first at this station, in this order, within their
    /// priority (the commune resolving a clash); empty: forget the order.
    #[schema(max_items = 500)]
    bulletins: Vec<i64>,
}

/// The commune's order among a station's clashing bulletins.
#[utoipa::path(put, operation_id = "radio_put_order", path = "/api/v1/radio/stations/{id}/order", params(("id" = i64, Path)), request_body = OrderRequest, security(("bearer" = [])), responses((status = 204, description = "kept"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_order(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: OrderRequest = json(&body)?;
        if r.bulletins.len() > 500 {
            return Err(WebError::BadRequest("bulletins: at most 500".into()));
        }
        ra::set_order(&state.app, Actor::User(p), id, &r.bulletins).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementRequest {
    /// The starts (`HH:MM`) of the station's daily slots this normal
    /// bulletin plays in; empty: any slot (placed automatically).
    #[schema(schema_with = slot_starts, example = json!(["06:00", "17:00"]))]
    slots: Vec<String>,
}

/// At most 24 times, each `HH:MM`.
fn slot_starts() -> utoipa::openapi::Array {
    use utoipa::openapi::{schema::Type, ArrayBuilder, ObjectBuilder};
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::String).pattern(Some(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")))
        .max_items(Some(24))
        .build()
}

#[derive(Serialize, ToSchema)]
pub struct PlacementDoc {
    bulletin_id: i64,
    title: String,
    /// The chosen slots' starts (`HH:MM`); empty: any slot.
    slots: Vec<String>,
}

/// The valid normal bulletins that reach a station, each with the slots
/// the commune chose for it there.
#[utoipa::path(get, operation_id = "radio_placements", path = "/api/v1/radio/stations/{id}/placements", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = Vec<PlacementDoc>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn placements(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let list = ra::placements(&state.app, Actor::User(p), id).await?;
        let docs: Vec<PlacementDoc> = list
            .into_iter()
            .map(|(b, chosen)| PlacementDoc {
                bulletin_id: b.id,
                title: b.b.title,
                slots: chosen.iter().map(|t| t.format("%H:%M").to_string()).collect(),
            })
            .collect();
        Ok(Json(docs).into_response())
    })
    .await
}

/// The commune places a normal bulletin in chosen daily slots of its station.
#[utoipa::path(put, operation_id = "radio_put_placement", path = "/api/v1/radio/stations/{id}/placements/{bulletin}", params(("id" = i64, Path), ("bulletin" = i64, Path)), request_body = PlacementRequest, security(("bearer" = [])), responses((status = 204, description = "kept"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_placement(State(state): State<AppState>, ctx: Ctx, Path((id, bulletin)): Path<(i64, i64)>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PlacementRequest = json(&body)?;
        if r.slots.len() > 24 {
            return Err(WebError::BadRequest("slots: at most 24".into()));
        }
        let mut starts = Vec::new();
        for (i, s) in r.slots.iter().enumerate() {
            match NaiveTime::parse_from_str(s.trim(), "%H:%M") {
                Ok(t) => starts.push(t),
                Err(_) => return Err(WebError::Invalid(vec![egov_app::FieldError::new(format!("slots[{i}]"), "err.radio.time")])),
            }
        }
        ra::place(&state.app, Actor::User(p), id, bulletin, &starts).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// The first day (absent: today).
    #[param(example = "2026-12-01", pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    day: Option<String>,
    /// How many days (1–7; absent: 1).
    #[param(minimum = 1, maximum = 7)]
    days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct PlannedDoc {
    bulletin_id: i64,
    /// Vietnam time.
    at: String,
    duration_ms: u64,
    priority: String,
    /// The slot's start (none: an emergency, at once).
    slot: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeDoc {
    station_id: i64,
    plays: Vec<PlannedDoc>,
    /// Bulletins that did not fit in a slot.
    clashes: Vec<PlannedDoc>,
}

/// A station's programme for a day or a week.
#[utoipa::path(get, operation_id = "radio_programme", path = "/api/v1/radio/stations/{id}/programme", params(("id" = i64, Path), ProgrammeQuery), security(("bearer" = [])), responses((status = 200, body = ProgrammeDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn programme(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<ProgrammeQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let day = match q.day.as_deref() {
            Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
                .ok_or_else(|| WebError::Invalid(vec![egov_app::FieldError::new("day", "err.date")]))?,
            None => state.app.now().date(),
        };
        let days = q.days.unwrap_or(1);
        if !(1..=7).contains(&days) {
            return Err(WebError::BadRequest("days: from 1 to 7".into()));
        }
        let (s, plays, clashes) = ra::station_programme(&state.app, Actor::User(p), id, day, days).await?;
        let t = |x: chrono::NaiveDateTime| x.format("%Y-%m-%dT%H:%M:%S").to_string();
        Ok(Json(ProgrammeDoc {
            station_id: s.id,
            plays: plays
                .iter()
                .map(|x| PlannedDoc { bulletin_id: x.bulletin, at: t(x.at), duration_ms: x.duration_ms, priority: x.priority.as_str().into(), slot: x.slot.map(t) })
                .collect(),
            clashes: clashes
                .iter()
                .map(|c| PlannedDoc { bulletin_id: c.bulletin, at: t(c.slot), duration_ms: 0, priority: String::new(), slot: Some(t(c.slot)) })
                .collect(),
        })
        .into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceRequest {
    /// The maker's serial or the inventory number (letters, digits, `-_.`): unique.
    #[schema(max_length = 64, example = "LOA-TN-001")]
    serial: String,
    #[schema(max_length = 200)]
    name: String,
    #[serde(default)]
    #[schema(max_length = 300)]
    location: String,
}

/// Adds a device (a speaker cluster, a receiver) to a station.
#[utoipa::path(post, operation_id = "radio_add_device", path = "/api/v1/radio/stations/{id}/devices", params(("id" = i64, Path)), request_body = DeviceRequest, security(("bearer" = [])), responses((status = 201, body = RadioCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add_device(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: DeviceRequest = json(&body)?;
        let d = DeviceInput { serial: r.serial, name: r.name, location: r.location };
        let id = ra::add_device(&state.app, Actor::User(p), id, &d).await?;
        Ok((StatusCode::CREATED, Json(RadioCreated { id })).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentCode {
    /// Shown once; valid 7 days; the device sends it to `POST /api/v1/radio/device/enrol`.
    code: String,
}

/// A device's one-time enrolment code.
#[utoipa::path(post, operation_id = "radio_enrolment", path = "/api/v1/radio/devices/{id}/enrolment", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 201, body = EnrolmentCode), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn enrolment(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let code = ra::issue_enrolment(&state.app, Actor::User(p), id).await?;
        Ok((StatusCode::CREATED, Json(EnrolmentCode { code })).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct BulletinDoc {
    id: i64,
    owner_agency: String,
    title: String,
    text: String,
    category: String,
    priority: String,
    /// `province`, `communes` or `stations`.
    target: String,
    communes: Vec<String>,
    stations: Vec<i64>,
    valid_from: String,
    valid_to: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    state: String,
    /// Who approves: `commune` or `province`.
    level: String,
    audio_format: Option<String>,
    audio_duration_ms: Option<i64>,
    audio_sha256: Option<String>,
    created_at: String,
    decided_at: Option<String>,
    note: String,
}

fn bulletin_doc(b: &egov_store::radio::BulletinRow) -> BulletinDoc {
    let t = |x: chrono::NaiveDateTime| x.format("%Y-%m-%dT%H:%M").to_string();
    let (target, communes, stations) = match &b.b.target {
        Target::Province => ("province", Vec::new(), Vec::new()),
        Target::Communes(c) => ("communes", c.clone(), Vec::new()),
        Target::Stations(s) => ("stations", Vec::new(), s.clone()),
    };
    BulletinDoc {
        id: b.id,
        owner_agency: b.owner_agency.clone(),
        title: b.b.title.clone(),
        text: b.b.text.clone(),
        category: b.b.category.as_str().into(),
        priority: b.b.priority.as_str().into(),
        target: target.into(),
        communes,
        stations,
        valid_from: t(b.b.valid_from),
        valid_to: t(b.b.valid_to),
        state: b.state.as_str().into(),
        level: match b.level {
            egov_radio::Level::Commune => "commune",
            egov_radio::Level::Province => "province",
        }
        .into(),
        audio_format: b.audio.as_ref().map(|a| a.format.clone()),
        audio_duration_ms: b.audio.as_ref().map(|a| a.duration_ms),
        audio_sha256: b.audio.as_ref().map(|a| a.sha256.clone()),
        created_at: instant(b.created_at),
        decided_at: b.decided_at.map(instant),
        note: b.note.clone(),
    }
}

/// The bulletins the caller sees, newest first.
#[utoipa::path(get, operation_id = "radio_bulletins", path = "/api/v1/radio/bulletins", security(("bearer" = [])), responses((status = 200, body = [BulletinDoc]), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn bulletins(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let list = ra::bulletins(&state.app, Actor::User(p)).await?;
        Ok(Json(list.iter().map(bulletin_doc).collect::<Vec<_>>()).into_response())
    })
    .await
}

/// One bulletin.
#[utoipa::path(get, operation_id = "radio_bulletin", path = "/api/v1/radio/bulletins/{id}", params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = BulletinDoc), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn bulletin(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        Ok(Json(bulletin_doc(&ra::bulletin(&state.app, Actor::User(p), id).await?)).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulletinRequest {
    /// The agency it is from (the department may name any; others their own; absent: their own).
    #[schema(max_length = 32)]
    agency_id: Option<String>,
    #[schema(max_length = 300)]
    title: String,
    /// What is read: the transcript shown beside the audio.
    #[schema(max_length = 20000)]
    text: String,
    /// `policy`, `news`, `disaster`, `health`, `security`, `culture` or `other`.
    #[schema(example = "disaster")]
    category: String,
    /// `normal`, `priority` or `emergency`.
    #[schema(example = "normal")]
    priority: String,
    /// `province`, `communes` (with `communes`) or `stations` (with `stations`).
    #[schema(example = "province")]
    target: String,
    #[serde(default)]
    #[schema(max_items = 500)]
    communes: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 5000)]
    stations: Vec<i64>,
    /// From when it may play, Vietnam time (`YYYY-MM-DDTHH:MM`; absent: now).
    valid_from: Option<String>,
    /// Until when, Vietnam time (`YYYY-MM-DDTHH:MM`), in the future.
    #[schema(example = "2026-12-31T23:00")]
    valid_to: String,
}

fn minute(s: &str) -> Option<chrono::NaiveDateTime> {
    crate::network::api::local_minute(s).and_then(egov_kernel::vn::from_micros)
}

/// Writes a bulletin, pending approval (its audio: `PUT …/audio`).
#[utoipa::path(post, operation_id = "radio_add_bulletin", path = "/api/v1/radio/bulletins", request_body = BulletinRequest, security(("bearer" = [])), responses((status = 201, body = RadioCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add_bulletin(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: BulletinRequest = json(&body)?;
        if r.communes.len() > 500 || r.stations.len() > 5000 {
            return Err(WebError::BadRequest("too many targets".into()));
        }
        let input = BulletinInput {
            title: r.title,
            text: r.text,
            category: r.category,
            priority: r.priority,
            target: r.target,
            communes: r.communes,
            stations: r.stations,
            from_given: r.valid_from.is_some(),
            valid_from: r.valid_from.as_deref().and_then(minute),
            valid_to: minute(&r.valid_to),
        };
        let id = ra::create_bulletin(&state.app, Actor::User(p), &Writing { owner: r.agency_id.as_deref(), input: &input, audio: None, kept_audio: None }).await?;
        Ok((StatusCode::CREATED, Json(RadioCreated { id })).into_response())
    })
    .await
}

/// A pending bulletin's audio: MP3 or WAV, at most 20 MB, decoded in full
/// (a file that does not decode is refused, 422, saying why).
#[utoipa::path(put, operation_id = "radio_put_audio", path = "/api/v1/radio/bulletins/{id}/audio", params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the audio file (`audio/mpeg` or `audio/wav` are taken alike: the bytes decide)"), security(("bearer" = [])), responses((status = 204, description = "kept"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "not pending"), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn put_audio(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, _h: HeaderMap, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        ra::attach_audio(&state.app, Actor::User(p), id, &body).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `approve`, `reject` or `withdraw`.
    #[schema(example = "approve")]
    decision: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

/// Approves, rejects or withdraws a bulletin (approval: by its level, not
/// its author — but an emergency's author may approve it). An approved
/// emergency reaches every targeted online device at once.
#[utoipa::path(post, operation_id = "radio_decide", path = "/api/v1/radio/bulletins/{id}/decision", params(("id" = i64, Path)), request_body = DecisionRequest, security(("bearer" = [])), responses((status = 204, description = "decided"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "not from its present state, or no audio yet"), (status = 422, body = crate::error::Problem)))]
async fn decide(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: DecisionRequest = json(&body)?;
        let d = Decision::parse(r.decision.trim())
            .ok_or_else(|| WebError::Invalid(vec![egov_app::FieldError::new("decision", "err.option")]))?;
        ra::decide(&state.app, Actor::User(p), id, d, &r.note).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// A month (`YYYY-MM`; absent: this month).
    #[param(example = "2026-12", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    month: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RadioTally {
    /// A commune's code, or a station's id, or `total`.
    key: String,
    plays: usize,
    completed: usize,
    hours: f64,
}

#[derive(Serialize, ToSchema)]
pub struct RadioDelivery {
    bulletin_id: i64,
    title: String,
    /// Devices that acknowledged it.
    delivered: usize,
    /// Milliseconds from approval: the median device and the last.
    median_ms: i64,
    last_ms: i64,
}

#[derive(Serialize, ToSchema)]
pub struct RadioStats {
    month: String,
    total: RadioTally,
    /// Per commune, as the day of each playback named it.
    by_unit: Vec<RadioTally>,
    by_station: Vec<RadioTally>,
    /// Bulletins approved in the month, by category and by priority.
    by_category: std::collections::BTreeMap<String, usize>,
    by_priority: std::collections::BTreeMap<String, usize>,
    emergencies: Vec<RadioDelivery>,
    devices: usize,
    online: usize,
}

/// A month's figures: playbacks and completion per commune and station,
/// hours broadcast, bulletins by category and priority, emergency delivery.
#[utoipa::path(get, operation_id = "radio_stats", path = "/api/v1/radio/stats", params(StatsQuery), security(("bearer" = [])), responses((status = 200, body = RadioStats), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn stats(State(state): State<AppState>, ctx: Ctx, Query(q): Query<StatsQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let first = match q.month.as_deref() {
            Some(m) => chrono::NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d")
                .ok()
                .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
                .ok_or_else(|| WebError::Invalid(vec![egov_app::FieldError::new("month", "err.date")]))?,
            None => chrono::Datelike::with_day(&state.app.now().date(), 1).unwrap_or_default(),
        };
        let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
        let f = egov_app::radio::stats::figures(&state.app, Actor::User(p), first, last).await?;
        let tally = |key: String, t: &egov_app::radio::stats::Tally| RadioTally {
            key,
            plays: t.plays,
            completed: t.completed,
            hours: (t.ms as f64 / 3_600_000.0 * 100.0).round() / 100.0,
        };
        Ok(Json(RadioStats {
            month: first.format("%Y-%m").to_string(),
            total: tally("total".into(), &f.total),
            by_unit: f.by_unit.iter().map(|(k, t)| tally(k.clone(), t)).collect(),
            by_station: f.by_station.iter().map(|(k, t)| tally(k.to_string(), t)).collect(),
            by_category: f.by_category.iter().map(|(k, n)| (k.as_str().to_string(), *n)).collect(),
            by_priority: f.by_priority.iter().map(|(k, n)| (k.as_str().to_string(), *n)).collect(),
            emergencies: f
                .emergencies
                .iter()
                .map(|d| RadioDelivery { bulletin_id: d.bulletin_id, title: d.title.clone(), delivered: d.delivered, median_ms: d.median_ms, last_ms: d.last_ms })
                .collect(),
            devices: f.devices,
            online: f.online,
        })
        .into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/radio/stations", get(stations).post(add_station))
        .route("/api/v1/radio/stations/import", post(import))
        .route("/api/v1/radio/stations/{id}", put(put_station))
        .route("/api/v1/radio/stations/{id}/slots", put(put_slots))
        .route("/api/v1/radio/stations/{id}/programme", get(programme))
        .route("/api/v1/radio/stations/{id}/order", put(put_order))
        .route("/api/v1/radio/stations/{id}/placements", get(placements))
        .route("/api/v1/radio/stations/{id}/placements/{bulletin}", put(put_placement))
        .route("/api/v1/radio/stations/{id}/devices", post(add_device))
        .route("/api/v1/radio/devices/{id}/enrolment", post(enrolment))
        .route("/api/v1/radio/bulletins", get(bulletins).post(add_bulletin))
        .route("/api/v1/radio/bulletins/{id}", get(bulletin))
        .route(
            "/api/v1/radio/bulletins/{id}/audio",
            put(put_audio).layer(DefaultBodyLimit::max(egov_app::radio::MAX_AUDIO + 1024)),
        )
        .route("/api/v1/radio/bulletins/{id}/decision", post(decide))
        .route("/api/v1/radio/stats", get(stats))
        .merge(super::device::routes())
}

struct DeviceKey;

impl utoipa::Modify for DeviceKey {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme("device", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Device-Key"))));
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    modifiers(&DeviceKey),
    paths(
        stations, add_station, put_station, import, put_slots, programme, put_order, placements, put_placement, add_device, enrolment, bulletins, bulletin,
        add_bulletin, put_audio, decide, stats, super::export::workbook_api, super::export::export, super::export::schema,
        super::device::enrol, super::device::playlist, super::device::audio, super::device::status,
        super::device::playbacks, super::device::emergencies, super::device::received
    ),
    components(schemas(
        RadioCreated, OrderRequest, PlacementRequest, PlacementDoc, StationDoc, StationRequest, StationsImported, SlotDoc, SlotsRequest, PlannedDoc, ProgrammeDoc,
        DeviceRequest, EnrolmentCode, BulletinDoc, BulletinRequest, DecisionRequest, RadioTally, RadioDelivery, RadioStats,
        super::device::DeviceEnrolment, super::device::DeviceCredentials, super::device::PlayDoc, super::device::Playlist,
        super::device::DeviceStatus, super::device::PlaybackDoc, super::device::Playbacks, super::device::PlaybacksRecorded,
        super::device::EmergencyDoc
    ))
)]
pub struct Api;

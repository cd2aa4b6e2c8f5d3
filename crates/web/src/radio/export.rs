//! The month as files: the workbook (`/quan-tri/truyen-thanh.xlsx`,
//! `GET /api/v1/radio/report.xlsx`: per commune, per station, the
//! bulletins, the emergencies' delivery) and what the central
//! source-information system collects (`GET /api/v1/radio/export.json`), in
//! egov's published schema (`GET /api/v1/radio/export.schema.json`,
//! `crates/web/schemas/radio-export.schema.json`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use egov_app::radio as ra;
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_radio::Target;
use egov_reports::{Cell, Table};
use serde::Deserialize;
use utoipa::IntoParams;

use super::public::{category_key, priority_key};
use crate::ctx::Ctx;
use crate::views::or_login;
use crate::{AppState, WebError};

pub const SCHEMA: &str = include_str!("../../schemas/radio-export.schema.json");

fn month(s: Option<&str>, state: &AppState) -> Result<(NaiveDate, NaiveDate), WebError> {
    let first = match s {
        Some(m) => NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d")
            .ok()
            .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
            .ok_or_else(|| WebError::Invalid(vec![egov_app::FieldError::new("month", "err.date")]))?,
        None => chrono::Datelike::with_day(&state.app.now().date(), 1).unwrap_or_default(),
    };
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    Ok((first, last))
}

async fn tables(state: &AppState, actor: Actor<'_>, first: NaiveDate, last: NaiveDate, lang: Lang) -> Result<Vec<Table>, WebError> {
    let f = ra::stats::figures(&state.app, actor, first, last).await?;
    let units = state.store.units().await?;
    let name = |c: &str| units.iter().find(|u| u.code.as_str() == c).map_or_else(|| c.to_string(), |u| u.name.clone());
    let h = |keys: &[&'static str]| keys.iter().map(|k| t(lang, k).to_string()).collect::<Vec<_>>();
    let sheet = |key: &'static str| t(lang, key).chars().take(31).collect::<String>();
    let ratio = |a: usize, b: usize| if b == 0 { Cell::Empty } else { Cell::Percent(a as f64 / b as f64) };
    let hours = |ms: i64| Cell::Number(ms as f64 / 3_600_000.0);
    let stations = state.store.radio_stations().await?;
    let by_unit = Table {
        name: sheet("radio.commune"),
        headers: h(&["radio.commune", "radio.plays", "radio.completion", "radio.hours"]),
        rows: f.by_unit.iter().map(|(u, x)| vec![Cell::Text(name(u)), Cell::Number(x.plays as f64), ratio(x.completed, x.plays), hours(x.ms)]).collect(),
    };
    let by_station = Table {
        name: sheet("radio.stations"),
        headers: h(&["radio.station", "radio.commune", "radio.plays", "radio.completion", "radio.hours"]),
        rows: f
            .by_station
            .iter()
            .map(|(id, x)| {
                let s = stations.iter().find(|s| s.id == *id);
                vec![
                    Cell::Text(s.map_or_else(|| id.to_string(), |s| s.s.name.clone())),
                    Cell::Text(s.map_or_else(String::new, |s| name(&ra::unit_on(&units, &s.s.unit_code, last)))),
                    Cell::Number(x.plays as f64),
                    ratio(x.completed, x.plays),
                    hours(x.ms),
                ]
            })
            .collect(),
    };
    let list = ra::bulletins(&state.app, actor).await?;
    let bulletins = Table {
        name: sheet("radio.bulletins"),
        headers: h(&["radio.bulletin", "radio.category", "radio.priority", "radio.state", "radio.until", "radio.length"]),
        rows: list
            .iter()
            .map(|b| {
                vec![
                    Cell::Text(b.b.title.clone()),
                    Cell::Text(t(lang, category_key(b.b.category)).into()),
                    Cell::Text(t(lang, priority_key(b.b.priority)).into()),
                    Cell::Text(t(lang, super::pages::state_key(b.state)).into()),
                    Cell::DateTime(b.b.valid_to),
                    b.audio.as_ref().map_or(Cell::Empty, |a| Cell::Number(a.duration_ms as f64 / 1000.0)),
                ]
            })
            .collect(),
    };
    let emergencies = Table {
        name: sheet("radio.deliveries"),
        headers: h(&["radio.bulletin", "radio.delivered", "radio.median", "radio.last"]),
        rows: f
            .emergencies
            .iter()
            .map(|d| vec![Cell::Text(d.title.clone()), Cell::Number(d.delivered as f64), Cell::Number(d.median_ms as f64 / 1000.0), Cell::Number(d.last_ms as f64 / 1000.0)])
            .collect(),
    };
    let presence = Table {
        name: sheet("radio.presence"),
        headers: h(&["radio.presence.day", "radio.presence.devices", "radio.presence.average", "radio.presence.fewest"]),
        rows: f
            .presence
            .iter()
            .map(|d| {
                vec![
                    Cell::Text(d.day.to_string()),
                    Cell::Number(d.devices as f64),
                    Cell::Number(d.online_tenths as f64 / 10.0),
                    Cell::Number(d.fewest_online as f64),
                ]
            })
            .collect(),
    };
    Ok(vec![by_unit, by_station, bulletins, emergencies, presence])
}

fn xlsx(bytes: Vec<u8>, first: NaiveDate) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"truyen-thanh_{}.xlsx\"", first.format("%Y-%m"))),
        ],
        bytes,
    )
        .into_response()
}

async fn workbook(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = ctx.principal()?;
        if !ra::may_view(Actor::User(p)) {
            return Err(WebError::Forbidden);
        }
        let (first, last) = month(q.get("thang").map(String::as_str), &state)?;
        Ok(xlsx(egov_reports::xlsx(&tables(&state, Actor::User(p), first, last, ctx.lang).await?)?, first))
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// A month (`YYYY-MM`; absent: this month).
    #[param(example = "2026-12", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    month: Option<String>,
}

/// The month as a workbook: per commune, per station, the bulletins, the emergencies' delivery.
#[utoipa::path(get, operation_id = "radio_workbook", path = "/api/v1/radio/report.xlsx", params(MonthQuery), security(("bearer" = [])), responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(crate) async fn workbook_api(State(state): State<AppState>, ctx: Ctx, Query(q): Query<MonthQuery>) -> Response {
    super::api::answer(&ctx, async {
        let p = ctx.api_principal()?;
        let (first, last) = month(q.month.as_deref(), &state)?;
        Ok(xlsx(egov_reports::xlsx(&tables(&state, Actor::User(p), first, last, ctx.lang).await?)?, first))
    })
    .await
}

fn iso(t: chrono::NaiveDateTime) -> String {
    format!("{}+07:00", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// What the central source-information system collects for a month, in
/// egov's published schema (`/api/v1/radio/export.schema.json`; the
/// central system's own format is unpublished): the stations, the
/// bulletins approved in the month, what each station broadcast, and each
/// emergency's delivery. The department's.
#[utoipa::path(get, operation_id = "radio_export", path = "/api/v1/radio/export.json", params(MonthQuery), security(("bearer" = [])), responses((status = 200, description = "the month, as the schema says", content_type = "application/json", body = serde_json::Value), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn export(State(state): State<AppState>, ctx: Ctx, Query(q): Query<MonthQuery>) -> Response {
    super::api::answer(&ctx, async {
        let p = ctx.api_principal()?;
        if egov_app::protection::Scope::of(Actor::User(p)) != Some(egov_app::protection::Scope::All) {
            return Err(WebError::Forbidden);
        }
        let (first, last) = month(q.month.as_deref(), &state)?;
        let f = ra::stats::figures(&state.app, Actor::User(p), first, last).await?;
        let units = state.store.units().await?;
        let name = |c: &str| units.iter().find(|u| u.code.as_str() == c).map_or_else(String::new, |u| u.name.clone());
        let province = units.iter().find(|u| u.code.as_str().len() == 2 && u.is_active_on(last)).or_else(|| units.iter().find(|u| u.code.as_str().len() == 2));
        let views = ra::stations(&state.app, Actor::User(p)).await?;
        let stations: Vec<serde_json::Value> = views
            .iter()
            .map(|v| {
                serde_json::json!({"id": v.s.id, "name": v.s.s.name, "commune_code": v.unit_today, "commune_name": name(&v.unit_today),
                    "kind": v.s.s.kind.as_str(), "status": v.s.s.status.as_str(), "devices": v.devices, "devices_online": v.online})
            })
            .collect();
        let (start, end) = (first.and_hms_opt(0, 0, 0).unwrap_or_default(), last.and_hms_opt(23, 59, 59).unwrap_or_default());
        let bulletins: Vec<serde_json::Value> = ra::bulletins(&state.app, Actor::User(p))
            .await?
            .iter()
            .filter(|b| matches!(b.state, egov_radio::State::Approved | egov_radio::State::Withdrawn))
            .filter_map(|b| {
                let approved = egov_kernel::vn::from_micros(b.decided_at?)?;
                (start <= approved && approved <= end).then(|| {
                    let target = match &b.b.target {
                        Target::Province => serde_json::json!({"kind": "province"}),
                        Target::Communes(c) => serde_json::json!({"kind": "communes", "communes": c}),
                        Target::Stations(s) => serde_json::json!({"kind": "stations", "stations": s}),
                    };
                    serde_json::json!({"id": b.id, "title": b.b.title, "category": b.b.category.as_str(), "priority": b.b.priority.as_str(),
                        "approved_at": iso(approved), "valid_from": iso(b.b.valid_from), "valid_to": iso(b.b.valid_to),
                        "duration_s": b.audio.as_ref().map_or(0.0, |a| a.duration_ms as f64 / 1000.0), "target": target, "state": b.state.as_str()})
                })
            })
            .collect();
        let broadcast: Vec<serde_json::Value> = f
            .by_station
            .iter()
            .map(|(id, x)| {
                let commune = views.iter().find(|v| v.s.id == *id).map_or_else(String::new, |v| ra::unit_on(&units, &v.s.s.unit_code, last));
                serde_json::json!({"station_id": id, "commune_code": commune, "plays": x.plays, "completed": x.completed,
                    "hours": (x.ms as f64 / 3_600_000.0 * 1000.0).round() / 1000.0})
            })
            .collect();
        let emergencies: Vec<serde_json::Value> = f
            .emergencies
            .iter()
            .map(|d| serde_json::json!({"bulletin_id": d.bulletin_id, "devices_reached": d.delivered, "median_ms": d.median_ms.max(0), "last_ms": d.last_ms.max(0)}))
            .collect();
        let presence: Vec<serde_json::Value> = f
            .presence_by_station
            .iter()
            .flat_map(|(id, days)| {
                days.iter().map(move |d| {
                    serde_json::json!({"station_id": id, "day": d.day.to_string(), "quarters": d.quarters, "devices": d.devices,
                        "online_average": d.online_tenths as f64 / 10.0, "fewest_online": d.fewest_online})
                })
            })
            .collect();
        Ok(Json(serde_json::json!({
            "format": "egov-radio-export",
            "version": 2,
            "province": {"code": province.map_or("00", |u| u.code.as_str()), "name": province.map_or_else(String::new, |u| u.name.clone())},
            "month": first.format("%Y-%m").to_string(),
            "generated_at": iso(state.app.now()),
            "stations": stations,
            "bulletins": bulletins,
            "broadcast": broadcast,
            "emergencies": emergencies,
            "presence": presence,
        }))
        .into_response())
    })
    .await
}

/// The export's JSON Schema (draft 2020-12).
#[utoipa::path(get, operation_id = "radio_export_schema", path = "/api/v1/radio/export.schema.json", responses((status = 200, description = "the schema", content_type = "application/schema+json", body = serde_json::Value)))]
async fn schema() -> Response {
    ([(header::CONTENT_TYPE, "application/schema+json")], SCHEMA).into_response()
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/truyen-thanh.xlsx", get(workbook))
        .route("/api/v1/radio/report.xlsx", get(workbook_api))
        .route("/api/v1/radio/export.json", get(export))
        .route("/api/v1/radio/export.schema.json", get(schema))
}

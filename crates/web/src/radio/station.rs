//! One station's page, `/quan-tri/truyen-thanh/dai/{id}`: its programme for
//! a day or a week (what plays when, in which slot, and what did not fit),
//! the commune's placement of normal bulletins in chosen slots (a form a
//! bulletin), its daily slots (a form), its devices (a form adds one; a button shows
//! a device's one-time enrolment code, once).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{NaiveDate, NaiveTime};
use egov_app::radio as ra;
use egov_app::Actor;
use egov_i18n::t;
use egov_identity::Principal;

use super::pages::{device_input, parse_slots, reader};
use super::public::{clock_len, priority_key};
use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

pub struct PlayRow {
    pub bulletin: i64,
    pub at: String,
    pub title: String,
    pub priority: &'static str,
    pub length: String,
}

/// A normal bulletin reaching the station, with a checkbox a slot.
pub struct PlaceRow {
    pub bulletin: i64,
    pub title: String,
    /// (value `HH:MM`, label `HH:MM–HH:MM`, checked)
    pub slots: Vec<(String, String, bool)>,
    pub auto: bool,
    pub error: Option<String>,
}

pub struct DeviceRow {
    pub id: i64,
    pub serial: String,
    pub name: String,
    pub location: String,
    pub state: &'static str,
    pub enrolled: bool,
}

#[derive(Template)]
#[template(path = "radio/station.html")]
struct StationPage {
    layout: Layout,
    id: i64,
    saved: Option<&'static str>,
    name: String,
    facts: Vec<(&'static str, String)>,
    day: String,
    days: u32,
    plays: Vec<PlayRow>,
    clashes: Vec<PlayRow>,
    placements: Vec<PlaceRow>,
    has_slots: bool,
    devices: Vec<DeviceRow>,
    code: Option<(String, String)>,
    slots_form: FormState,
    device_form: FormState,
}

struct Shown {
    day: NaiveDate,
    days: u32,
    slots_form: FormState,
    device_form: FormState,
    code: Option<(String, String)>,
    /// A placement sent back: its bulletin, the slots ticked, the errors.
    place: Option<(i64, Vec<NaiveTime>, Vec<String>)>,
}

async fn show(state: &AppState, ctx: &Ctx, p: &Principal, id: i64, s: Shown, status: StatusCode, saved: Option<&'static str>) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let (station, plays, clashes) = ra::station_programme(&state.app, Actor::User(p), id, s.day, s.days).await?;
    let bulletins = ra::bulletins(&state.app, Actor::User(p)).await?;
    let all = state.store.radio_bulletins(500).await?;
    let title = |b: i64| {
        bulletins.iter().chain(all.iter()).find(|x| x.id == b).map(|x| x.b.title.clone()).unwrap_or_else(|| format!("#{b}"))
    };
    let units = state.store.units().await?;
    let today = state.app.now().date();
    let unit = ra::unit_on(&units, &station.s.unit_code, today);
    let unit_name = units.iter().find(|u| u.code.as_str() == unit).map_or(unit.clone(), |u| u.name.clone());
    let now = state.store.now();
    let slots = state.store.radio_slots(id).await?;
    let placements = ra::placements(&state.app, Actor::User(p), id)
        .await?
        .into_iter()
        .map(|(b, chosen)| {
            let (chosen, error) = match &s.place {
                Some((pb, ticked, errs)) if *pb == b.id => (ticked.clone(), Some(errs.join(" "))),
                _ => (chosen, None),
            };
            PlaceRow {
                bulletin: b.id,
                title: b.b.title.clone(),
                auto: chosen.is_empty(),
                slots: slots
                    .iter()
                    .map(|x| {
                        let v = x.start.format("%H:%M").to_string();
                        (v.clone(), format!("{v}–{}", x.end.format("%H:%M")), chosen.contains(&x.start))
                    })
                    .collect(),
                error,
            }
        })
        .collect();
    let mut slots_form = s.slots_form;
    if slots_form.values.is_empty() {
        let text: Vec<String> = slots.iter().map(|s| format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M"))).collect();
        slots_form.values.insert("slots".into(), text.join("\n"));
    }
    let page = StationPage {
        layout: Layout::titled(ctx, format!("{} · {}", t(lang, "radio.station"), station.s.name)),
        id,
        saved,
        name: station.s.name.clone(),
        facts: vec![
            ("radio.commune", unit_name),
            ("radio.kind", t(lang, super::pages::kind_key(station.s.kind)).to_string()),
            ("radio.staff", station.s.staff.to_string()),
            ("radio.address", station.s.address.clone()),
        ],
        day: s.day.to_string(),
        days: s.days,
        plays: plays
            .iter()
            .map(|x| PlayRow {
                bulletin: x.bulletin,
                at: x.at.format("%d/%m %H:%M:%S").to_string(),
                title: title(x.bulletin),
                priority: priority_key(x.priority),
                length: clock_len(i64::try_from(x.duration_ms).unwrap_or(0)),
            })
            .collect(),
        clashes: clashes
            .iter()
            .map(|c| PlayRow { bulletin: c.bulletin, at: c.slot.format("%d/%m %H:%M").to_string(), title: title(c.bulletin), priority: "", length: String::new() })
            .collect(),
        placements,
        has_slots: !slots.is_empty(),
        devices: state
            .store
            .radio_devices(Some(id))
            .await?
            .into_iter()
            .map(|d| DeviceRow {
                id: d.id,
                state: match d.last_seen {
                    Some(t) if now - t < ra::ONLINE_MICROS => "radio.online",
                    Some(_) => "radio.offline",
                    None => "radio.never",
                },
                enrolled: d.enrolled_at.is_some(),
                serial: d.serial,
                name: d.name,
                location: d.location,
            })
            .collect(),
        code: s.code,
        slots_form,
        device_form: s.device_form,
    };
    Ok(render(status, &page))
}

fn shown(state: &AppState, q: &HashMap<String, String>) -> Shown {
    let day = q
        .get("ngay")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .unwrap_or_else(|| state.app.now().date());
    let days = q.get("so-ngay").and_then(|d| d.parse().ok()).filter(|d| (1..=7).contains(d)).unwrap_or(1);
    Shown { day, days, slots_form: FormState::default(), device_form: FormState::default(), code: None, place: None }
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        show(&state, &ctx, p, id, shown(&state, &q), StatusCode::OK, q.contains_key("luu").then_some("radio.saved")).await
    }
    .await;
    or_login(&ctx, r)
}

async fn slots(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let text = f.get("slots").cloned().unwrap_or_default();
        let mut form = FormState::default();
        form.values.insert("slots".into(), text.clone());
        let result = match parse_slots(&text) {
            Ok(list) => ra::set_slots(&state.app, Actor::User(&p), id, &list).await,
            Err(_) => Err(egov_app::AppError::Invalid(vec![egov_app::FieldError::new("slots", "err.radio.time")])),
        };
        match result {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/truyen-thanh/dai/{id}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add("slots", ctx.lang, e.key));
                let s = Shown { slots_form: form, ..shown(&state, &HashMap::new()) };
                show(&state, &ctx, &p, id, s, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn add_device(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let d = device_input(&f);
        match ra::add_device(&state.app, Actor::User(&p), id, &d).await {
            Ok(_) => Ok(Redirect::to(&format!("/quan-tri/truyen-thanh/dai/{id}?luu=1#dev-h")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let mut form = FormState::default();
                for (k, v) in [("serial", &d.serial), ("device_name", &d.name), ("location", &d.location)] {
                    form.values.insert(k.into(), v.clone());
                }
                errs.iter().for_each(|e| form.add(if e.field == "name" { "device_name" } else { &e.field }, ctx.lang, e.key));
                let s = Shown { device_form: form, ..shown(&state, &HashMap::new()) };
                show(&state, &ctx, &p, id, s, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// A clash resolved: this bulletin first at this station.
async fn first(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        let b = f.get("bulletin").and_then(|b| b.parse().ok()).ok_or_else(|| WebError::BadRequest("bulletin".into()))?;
        ra::play_first(&state.app, Actor::User(p), id, b).await?;
        Ok(Redirect::to(&format!("/quan-tri/truyen-thanh/dai/{id}?luu=1#prog-h")).into_response())
    }
    .await;
    or_login(&ctx, r)
}

/// The commune places a normal bulletin in the slots ticked (none: any).
async fn place(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<Vec<(String, String)>>) -> Response {
    let r = async {
        let one = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        ctx.check_csrf(one("csrf").unwrap_or(""))?;
        let p = reader(&ctx)?.clone();
        let b: i64 = one("bulletin").and_then(|b| b.parse().ok()).ok_or_else(|| WebError::BadRequest("bulletin".into()))?;
        let mut ticked = Vec::new();
        let mut unreadable = false;
        for (_, v) in f.iter().filter(|(n, _)| n == "slot").take(48) {
            match NaiveTime::parse_from_str(v.trim(), "%H:%M") {
                Ok(t) => ticked.push(t),
                Err(_) => unreadable = true,
            }
        }
        let result = if unreadable {
            Err(egov_app::AppError::Invalid(vec![egov_app::FieldError::new("slots", "err.radio.time")]))
        } else {
            ra::place(&state.app, Actor::User(&p), id, b, &ticked).await
        };
        match result {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/truyen-thanh/dai/{id}?luu=1#place-h")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let words = errs.iter().map(|e| t(ctx.lang, e.key).to_string()).collect();
                let s = Shown { place: Some((b, ticked, words)), ..shown(&state, &HashMap::new()) };
                show(&state, &ctx, &p, id, s, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn code(State(state): State<AppState>, ctx: Ctx, Path(device): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let d = state.store.radio_device(device).await?.ok_or(WebError::NotFound)?;
        let code = ra::issue_enrolment(&state.app, Actor::User(&p), device).await?;
        let s = Shown { code: Some((d.serial, code)), ..shown(&state, &HashMap::new()) };
        show(&state, &ctx, &p, d.station_id, s, StatusCode::OK, None).await
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/truyen-thanh/dai/{id}", get(page))
        .route("/quan-tri/truyen-thanh/dai/{id}/khung-gio", post(slots))
        .route("/quan-tri/truyen-thanh/dai/{id}/thiet-bi", post(add_device))
        .route("/quan-tri/truyen-thanh/dai/{id}/thu-tu", post(first))
        .route("/quan-tri/truyen-thanh/dai/{id}/xep", post(place))
        .route("/quan-tri/truyen-thanh/thiet-bi/{id}/ma", post(code))
}

//! The public page of a commune's bulletins, `/truyen-thanh` (`?xa=CODE`):
//! what the province and the commune broadcast — each bulletin's title,
//! category and time, an audio player and its transcript (the text read),
//! valid now or in the last 30 days; and the audio itself
//! (`/truyen-thanh/am-thanh/{id}`, with ranges). No JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use egov_radio::{State as BState, Target};

use crate::ctx::Ctx;
use crate::views::{render, Layout};
use crate::{AppState, WebError};

pub struct PublicBulletin {
    pub id: i64,
    pub title: String,
    pub category: &'static str,
    pub priority: &'static str,
    pub urgent: bool,
    pub when: String,
    pub text: String,
    pub mime: &'static str,
    pub minutes: String,
}

#[derive(Template)]
#[template(path = "radio/public.html")]
struct PublicPage {
    layout: Layout,
    communes: Vec<(String, String)>,
    chosen: String,
    bulletins: Vec<PublicBulletin>,
}

pub(crate) fn category_key(c: egov_radio::Category) -> &'static str {
    use egov_radio::Category::*;
    match c {
        Policy => "radio.cat.policy",
        News => "radio.cat.news",
        Disaster => "radio.cat.disaster",
        Health => "radio.cat.health",
        Security => "radio.cat.security",
        Culture => "radio.cat.culture",
        Other => "radio.cat.other",
    }
}

pub(crate) fn priority_key(p: egov_radio::Priority) -> &'static str {
    match p {
        egov_radio::Priority::Normal => "radio.pri.normal",
        egov_radio::Priority::Priority => "radio.pri.priority",
        egov_radio::Priority::Emergency => "radio.pri.emergency",
    }
}

/// `m:ss`
pub(crate) fn clock_len(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Whether a bulletin is published: approved (not withdrawn), begun, and
/// ended no more than 30 days ago.
fn published(b: &egov_store::radio::BulletinRow, now: chrono::NaiveDateTime) -> bool {
    b.state == BState::Approved && b.b.valid_from <= now && b.b.valid_to + chrono::Duration::days(30) > now && b.audio.is_some()
}

async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let now = state.app.now();
    let mut communes: Vec<(String, String)> = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.is_active_on(now.date()) && u.code.as_str().len() == 5)
        .map(|u| (u.code.as_str().to_string(), u.name))
        .collect();
    communes.sort_by(|a, b| a.1.cmp(&b.1));
    let chosen = q.get("xa").filter(|c| communes.iter().any(|(k, _)| k == *c)).cloned().unwrap_or_default();
    let list = state.store.radio_bulletins(500).await?;
    let bulletins = list
        .iter()
        .filter(|b| published(b, now))
        .filter(|b| match &b.b.target {
            Target::Province => true,
            Target::Communes(c) => chosen.is_empty() || c.contains(&chosen),
            Target::Stations(_) => false,
        })
        .map(|b| {
            let a = b.audio.as_ref();
            PublicBulletin {
                id: b.id,
                title: b.b.title.clone(),
                category: category_key(b.b.category),
                priority: priority_key(b.b.priority),
                urgent: b.b.priority == egov_radio::Priority::Emergency,
                when: b.b.valid_from.format("%H:%M %d/%m/%Y").to_string(),
                text: b.b.text.clone(),
                mime: a.and_then(|a| egov_audio::AudioFormat::parse(&a.format)).map_or("audio/mpeg", |f| f.mime()),
                minutes: clock_len(a.map_or(0, |a| a.duration_ms)),
            }
        })
        .collect();
    let page = PublicPage { layout: Layout::new(&ctx, "radio.public.title"), communes, chosen, bulletins };
    Ok(render(StatusCode::OK, &page))
}

/// A published bulletin's audio, whole or by range.
async fn audio(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<i64>) -> Result<Response, WebError> {
    let b = state.store.radio_bulletin(id).await?.ok_or(WebError::NotFound)?;
    if !published(&b, state.app.now()) || matches!(b.b.target, Target::Stations(_)) {
        return Err(WebError::NotFound);
    }
    let sha = b.audio.as_ref().map(|a| a.sha256.clone()).ok_or(WebError::NotFound)?;
    let (format, bytes) = state.app.radio.audio(&state.app, &sha).await?.ok_or(WebError::NotFound)?;
    super::device::serve_audio(&ctx, &headers, &format, &sha, bytes)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/truyen-thanh", get(page)).route("/truyen-thanh/am-thanh/{id}", get(audio))
}

//! The portal's home page, its stylesheet, the answer to unknown addresses.

use crate::catalog::pages::row;
use crate::ctx::Ctx;
use crate::views::{render, Layout, ProcedureRow};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{routing::get, Router};
use egov_i18n::Lang;

pub async fn stylesheet() -> Response {
    (
        [(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/egov.css"),
    )
        .into_response()
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

pub struct FieldTile {
    pub code: String,
    pub name: String,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "platform/home.html")]
struct HomePage {
    layout: Layout,
    fields: Vec<FieldTile>,
    popular: Vec<ProcedureRow>,
    total: usize,
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let snap = state.catalog.get();
    let fields = snap
        .fields
        .iter()
        .map(|f| FieldTile {
            code: f.code.clone(),
            name: if ctx.lang == Lang::En { f.name_en.clone() } else { f.name_vi.clone() },
            count: snap.field_counts.get(&f.code).copied().unwrap_or(0),
        })
        .collect();
    let popular = snap.popular.iter().filter_map(|c| snap.procedures.get(c)).map(|p| row(&snap, p, ctx.lang)).collect();
    let page = HomePage { layout: Layout::new(&ctx, "home.title"), fields, popular, total: snap.procedures.len() };
    render(StatusCode::OK, &page)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/", get(home)).route("/static/egov.css", get(stylesheet))
}

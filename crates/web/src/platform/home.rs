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

/// The site's icon (a star on the portal's blue), for browsers' tabs.
pub async fn favicon() -> Response {
    (
        [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../static/favicon.svg"),
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
    /// The name of a person who has just registered.
    welcome: Option<String>,
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
    // a new account arrives here: greeted by name, told where to start
    let welcome = match (&ctx.principal, ctx.query.split('&').any(|q| q == "welcome=1")) {
        (Some(p), true) => Some(p.full_name.clone()),
        _ => None,
    };
    let page =
        HomePage { layout: Layout::new(&ctx, "home.title"), fields, popular, total: snap.procedures.len(), welcome };
    render(StatusCode::OK, &page)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/egov.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        .route("/favicon.ico", get(|| async { axum::response::Redirect::permanent("/static/favicon.svg") }))
}

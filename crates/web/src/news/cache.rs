//! Conditional requests on the portal's pages. A page a visitor who is not
//! signed in sees is the same for everyone with the same language, address
//! and version of the news (`app::news::version`: every change and every
//! publication time passed), served by the same program: its ETag is a
//! digest of those, found with one small query and no rendering, and an
//! `If-None-Match` that names it is answered 304 at once. Such a page may be
//! kept a minute by a shared cache (`Vary: Cookie`: the language and the
//! session are cookies), and sets no cookie. A signed-in person's pages
//! name them: private, never stored. A page rendered once for a tag is
//! kept (`pagecache`) and served again for it without rendering.

use std::sync::OnceLock;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

/// This program: a digest of its executable (the same build on every
/// instance names the same pages alike), read once.
fn build() -> &'static str {
    static BUILD: OnceLock<String> = OnceLock::new();
    BUILD.get_or_init(|| {
        let exe = std::env::current_exe().and_then(std::fs::read).unwrap_or_default();
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(&exe);
        egov_kernel::hex(&h.finalize()[..8])
    })
}

/// What a page's handler does: answer now (304, or the page kept for its
/// tag), or render and [`finish`].
pub enum Check {
    Answered(Response),
    Render(Option<HeaderValue>),
}

/// The page's ETag, and 304 if the request already has it. A signed-in
/// person's page has none.
pub async fn check(state: &AppState, ctx: &Ctx, headers: &HeaderMap) -> Result<Check, WebError> {
    if ctx.principal.is_some() {
        return Ok(Check::Render(None));
    }
    let version = egov_app::news::version(&state.app).await?;
    let mut h = Sha256::new();
    for part in [build(), &version, ctx.lang.code(), &ctx.path, &ctx.query] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let tag = format!("\"n{}\"", egov_kernel::hex(&h.finalize()[..12]));
    let Ok(tag) = HeaderValue::from_str(&tag) else { return Ok(Check::Render(None)) };
    let matched = headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == tag.to_str().unwrap_or_default());
    if matched {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        cacheable(&mut r, Some(tag));
        return Ok(Check::Answered(r));
    }
    if let Some(page) = tag.to_str().ok().and_then(|t| state.pages.get(t)) {
        let mut r = (StatusCode::OK, [(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], page).into_response();
        cacheable(&mut r, Some(tag));
        return Ok(Check::Answered(r));
    }
    Ok(Check::Render(Some(tag)))
}

/// Renders a page with its caching headers, and keeps it for its tag.
pub fn finish<T: askama::Template>(state: &AppState, page: &T, tag: Option<HeaderValue>) -> Response {
    let html = match page.render() {
        Ok(html) => html,
        Err(_) => return crate::views::render(StatusCode::OK, page),
    };
    let body = axum::body::Bytes::from(html);
    if let Some(t) = tag.as_ref().and_then(|t| t.to_str().ok()) {
        state.pages.put(t, body.clone());
    }
    let mut r = (StatusCode::OK, [(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], body).into_response();
    cacheable(&mut r, tag);
    r
}

fn cacheable(r: &mut Response, tag: Option<HeaderValue>) {
    let h = r.headers_mut();
    match tag {
        Some(tag) => {
            h.insert(ETAG, tag);
            h.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            h.insert(VARY, HeaderValue::from_static("Cookie"));
            r.extensions_mut().insert(crate::ctx::SharedCache);
        }
        None => {
            h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
        }
    }
}

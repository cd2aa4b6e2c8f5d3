//! The demonstration identity provider, served at `/demo-idp` only when
//! `serve --demo` made one (`Settings::demo_idp`); everywhere else each of
//! its addresses is "not found". Its pages say plainly that it is a
//! demonstration: anyone may pick any demo person.

pub(crate) mod messages;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use egov_oidc::demo::{DemoError, DemoProvider};

use crate::ctx::Ctx;
use crate::module::Module;
use crate::views::{render, Layout};
use crate::{AppState, WebError};

pub const MODULE: Module = Module {
    name: "demo_idp",
    routes,
    openapi: utoipa::openapi::OpenApi::default,
    nav: &[],
    messages: &[messages::MESSAGES],
    migrations: &[],
    jobs: &[],
    passthrough: None,
    lean: &[],
};

fn routes() -> Router<AppState> {
    Router::new()
        .route("/demo-idp/.well-known/openid-configuration", get(discovery))
        .route("/demo-idp/jwks", get(jwks))
        .route("/demo-idp/authorize", get(authorize).post(approve))
        .route("/demo-idp/token", axum::routing::post(token))
        .route("/demo-idp/userinfo", get(userinfo))
        .route("/demo-idp/logout", get(logout))
}

fn provider(state: &AppState) -> Result<&DemoProvider, WebError> {
    state.settings.demo_idp.as_deref().ok_or(WebError::NotFound)
}

fn now(state: &AppState) -> i64 {
    state.store.now().div_euclid(1_000_000)
}

fn json(v: serde_json::Value) -> Response {
    ([(CACHE_CONTROL, "no-store")], Json(v)).into_response()
}

fn oauth_error(e: DemoError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(CACHE_CONTROL, "no-store")], Json(serde_json::json!({"error": e.error, "error_description": e.description})))
        .into_response()
}

async fn discovery(State(state): State<AppState>) -> Result<Response, WebError> {
    Ok(json(provider(&state)?.discovery()))
}

async fn jwks(State(state): State<AppState>) -> Result<Response, WebError> {
    Ok(json(provider(&state)?.jwks()))
}

/// A demo person on the provider's page.
struct Person {
    subject: String,
    label: String,
}

#[derive(Template)]
#[template(path = "demo_idp/authorize.html")]
struct AuthorizePage {
    layout: Layout,
    people: Vec<Person>,
    /// The authorization request, carried through the form.
    request: Vec<(String, String)>,
}

const CARRIED: [&str; 8] =
    ["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"];

/// The provider's page: pick a demo person.
async fn authorize(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let op = provider(&state)?;
    if let Err(e) = op.authorize(&q) {
        return Err(WebError::BadRequest(e.description));
    }
    let request = CARRIED.iter().filter_map(|k| q.get(*k).map(|v| (k.to_string(), v.clone()))).collect();
    let people = op.people().iter().map(|p| Person { subject: p.subject.clone(), label: p.label.clone() }).collect();
    let mut resp = render(StatusCode::OK, &AuthorizePage { layout: Layout::new(&ctx, "demo_idp.title"), people, request });
    // the form's answer redirects to the client's registered callback, which
    // a browser checks against form-action too
    let client = q.get("redirect_uri").map(|u| crate::ctx::origin_of(u)).unwrap_or_default();
    let csp = format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self' {client}; frame-ancestors 'none'"
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&csp) {
        resp.headers_mut().insert("content-security-policy", v);
        resp.headers_mut().insert("x-frame-options", axum::http::HeaderValue::from_static("DENY"));
    }
    Ok(resp)
}

/// A person was picked: back to the client with a code.
async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    ctx.check_form(&f)?;
    let op = provider(&state)?;
    let auth = op.authorize(&f).map_err(|e| WebError::BadRequest(e.description))?;
    let subject = f.get("subject").map(String::as_str).unwrap_or("");
    let url = op.approve(auth, subject, now(&state)).map_err(|e| WebError::BadRequest(e.description))?;
    Ok(Redirect::to(&url).into_response())
}

async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let op = provider(&state)?;
    let auth = headers.get(AUTHORIZATION).and_then(|h| h.to_str().ok());
    Ok(match op.token(&f, auth, now(&state)) {
        Ok(v) => json(v),
        Err(e) => oauth_error(e),
    })
}

async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let op = provider(&state)?;
    let bearer = headers.get(AUTHORIZATION).and_then(|h| h.to_str().ok()).and_then(|h| h.strip_prefix("Bearer "));
    Ok(match bearer.and_then(|b| op.userinfo(b, now(&state))) {
        Some(v) => json(v),
        None => (
            StatusCode::UNAUTHORIZED,
            [(CONTENT_TYPE, "application/json"), (axum::http::header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
            "{\"error\":\"invalid_token\"}",
        )
            .into_response(),
    })
}

/// RP-initiated logout; the provider's sessions end and each client that
/// asked for it is told through its back-channel logout address (egov,
/// the one client, is told in-process: the same check of the signed token).
async fn logout(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let op = provider(&state)?;
    let (back, notices) = op.end_session(&q, now(&state));
    for n in notices {
        if let Err(e) = egov_app::signin::back_channel_logout(&state.app, DEMO_PROVIDER, &n.logout_token).await {
            tracing::warn!(error = %e, "demo back-channel logout refused");
        }
    }
    Ok(Redirect::to(back.as_deref().unwrap_or("/")).into_response())
}

/// The name egov's own configuration gives the demonstration provider.
pub const DEMO_PROVIDER: &str = "demo";

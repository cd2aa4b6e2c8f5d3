//! The browser's side of signing in at a provider.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use crate::ctx::{cookie, set_cookie, Ctx, SESSION_COOKIE};
use crate::identity::pages::safe_next;
use crate::views::{render, FormState, Layout};
use crate::{AppState, WebError};

/// The cookie that binds a sign-in under way to the browser that began it.
pub const SIGNIN_COOKIE: &str = "egov_signin";

/// egov's address as the browser sees it.
pub(crate) fn origin(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    state.settings.public_url.clone().unwrap_or_else(|| format!("http://{host}"))
}

#[derive(Debug, Deserialize, Default)]
pub struct BeginParams {
    next: Option<String>,
}

/// Sends the browser to the provider, with a cookie binding the sign-in to it.
pub async fn begin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(provider): Path<String>,
    Query(q): Query<BeginParams>,
) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref());
    let redirect_uri = format!("{}/dang-nhap/oidc/callback", origin(&state, &headers));
    let begun = egov_app::signin::begin(&state.app, &provider, &next, &redirect_uri).await?;
    let mut resp = Redirect::to(&begun.url).into_response();
    resp.headers_mut().append(SET_COOKIE, set_cookie(SIGNIN_COOKIE, &begun.browser_secret, Some(600), state.settings.cookie_secure));
    Ok(resp)
}

#[derive(Debug, Deserialize, Default)]
pub struct CallbackParams {
    #[serde(default)]
    state: String,
    code: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// The provider sends the browser back here.
pub async fn callback(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<CallbackParams>,
) -> Result<Response, WebError> {
    let cb = egov_app::signin::Callback { state: q.state, code: q.code, error: q.error, iss: q.iss };
    let browser = cookie(&headers, SIGNIN_COOKIE);
    let policy = state.session_policy();
    let done = egov_app::signin::complete(&state.app, &policy, &cb, browser, ctx.session_digest.as_deref()).await;
    let clear = set_cookie(SIGNIN_COOKIE, "", Some(0), state.settings.cookie_secure);
    let done = match done {
        Ok(d) => d,
        Err(e) => {
            let mut resp = WebError::from(e).into_response();
            resp.headers_mut().append(SET_COOKIE, clear);
            return Ok(resp);
        }
    };
    let dest = if done.linkable { "/tai-khoan/lien-ket".to_string() } else { done.next };
    let mut resp = Redirect::to(&dest).into_response();
    resp.headers_mut().append(SET_COOKIE, clear);
    resp.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, &done.session.secret, Some(state.settings.session_ttl_secs), state.settings.cookie_secure),
    );
    Ok(resp)
}

#[derive(Template)]
#[template(path = "signin/link.html")]
struct LinkPage {
    layout: Layout,
    form: FormState,
    username: String,
}

fn person(ctx: &Ctx) -> Result<&egov_identity::Principal, WebError> {
    let p = ctx.principal()?;
    if p.kind == egov_identity::AccountKind::Citizen && p.signed_by.is_some() {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

/// Offers to link the old local account that claims the person's number.
pub async fn link_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let p = person(&ctx)?;
    let (_, username) = state.store.linkable_account(p.user_id).await?.ok_or(WebError::NotFound)?;
    let page = LinkPage { layout: Layout::new(&ctx, "link.title"), form: FormState::default(), username };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// Links it, once the person gives its password.
pub async fn link(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LinkForm>) -> Result<Response, WebError> {
    ctx.check_csrf(&f.csrf)?;
    let p = person(&ctx)?;
    let (_, username) = state.store.linkable_account(p.user_id).await?.ok_or(WebError::NotFound)?;
    match egov_app::signin::link_local_account(&state.app, p.user_id, &f.password).await {
        Ok(_) => Ok(Redirect::to("/ho-so-cua-toi?linked=1").into_response()),
        Err(egov_app::AppError::Invalid(errs)) => {
            let mut form = FormState::default();
            errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
            let page = LinkPage { layout: Layout::new(&ctx, "link.title"), form, username };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct FrontChannel {
    #[serde(default)]
    iss: String,
    #[serde(default)]
    sid: String,
}

/// Front-channel logout: the provider's logout page loads this in a frame.
pub async fn front_channel(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(q): Query<FrontChannel>,
) -> Result<Response, WebError> {
    egov_app::signin::front_channel_logout(&state.app, &provider, &q.iss, &q.sid).await?;
    // loaded in a frame of the provider's logout page: only it may frame this
    let csp = format!("default-src 'none'; frame-ancestors {}", crate::ctx::origin_of(&q.iss));
    let mut resp = (StatusCode::OK, [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], "").into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&csp) {
        resp.headers_mut().insert("content-security-policy", v);
    }
    Ok(resp)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/dang-nhap/oidc/callback", get(callback))
        .route("/dang-nhap/oidc/{provider}", get(begin))
        .route("/dang-nhap/oidc/{provider}/frontchannel-logout", get(front_channel))
        .route("/tai-khoan/lien-ket", get(link_form).post(link))
}

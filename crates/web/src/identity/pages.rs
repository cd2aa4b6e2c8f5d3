//! Registering, signing in and out.

use crate::ctx::{set_cookie, Ctx, SESSION_COOKIE};
use crate::views::{render, FormState, Layout};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum::{routing::get, Router};
use egov_app::sessions::{LoginFailure, Registered};
use egov_identity::Registration;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "identity/register.html")]
struct RegisterPage {
    layout: Layout,
    form: FormState,
    /// Local citizen accounts are on (else the page says why not and offers the providers).
    open: bool,
    providers: Vec<ProviderButton>,
}

impl RegisterPage {
    fn new(ctx: &Ctx, state: &AppState, form: FormState) -> RegisterPage {
        RegisterPage {
            layout: Layout::new(ctx, "register.title"),
            form,
            open: state.settings.local_citizen_accounts,
            providers: provider_buttons(state, ctx, "/"),
        }
    }
}

pub async fn register_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    render(StatusCode::OK, &RegisterPage::new(&ctx, &state, FormState::default()))
}

/// A button that starts signing in at a provider.
pub(crate) struct ProviderButton {
    pub href: String,
    pub label: String,
    pub demo: bool,
}

/// The providers people sign in through, as buttons (officials-only ones left out).
pub(crate) fn provider_buttons(state: &AppState, ctx: &Ctx, next: &str) -> Vec<ProviderButton> {
    let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish();
    state
        .signin
        .all()
        .filter(|p| !p.officials_only)
        .map(|p| ProviderButton {
            href: format!("/dang-nhap/oidc/{}?{q}", p.name),
            label: if ctx.lang == egov_i18n::Lang::En { p.label_en.clone() } else { p.label_vi.clone() },
            demo: p.demo,
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    citizen_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RegisterForm>,
) -> Result<Response, WebError> {
    ctx.check_csrf(&f.csrf)?;
    if !state.settings.local_citizen_accounts {
        return Err(WebError::Refused(egov_app::Refusal::NotPermitted, "err.register.off", String::new()));
    }
    let reg = Registration {
        full_name: f.full_name,
        citizen_id: f.citizen_id,
        phone: f.phone,
        email: f.email,
        password: f.password,
        password_confirm: f.password_confirm,
    };
    let mut form = FormState::default();
    for (k, v) in
        [("full_name", &reg.full_name), ("citizen_id", &reg.citizen_id), ("phone", &reg.phone), ("email", &reg.email)]
    {
        form.values.insert(k.into(), v.clone());
    }
    // Each attempt counts: the answers tell whether an ID or e-mail is taken.
    if let Err(WebError::Throttled(secs)) = state.throttle(&state.register_throttle, &ctx) {
        form.add("citizen_id", ctx.lang, "err.throttled");
        let page = RegisterPage::new(&ctx, &state, form);
        let mut resp = render(StatusCode::TOO_MANY_REQUESTS, &page);
        resp.headers_mut().insert(RETRY_AFTER, axum::http::HeaderValue::from(secs));
        return Ok(resp);
    }
    let policy = state.session_policy();
    match egov_app::sessions::register(&state.app, &policy, &reg).await {
        Ok(Registered::Done { session, .. }) => {
            let mut resp = Redirect::to("/?welcome=1").into_response();
            resp.headers_mut().append(SET_COOKIE, session_cookie(&state, &session));
            Ok(resp)
        }
        Ok(Registered::Taken(e)) => {
            form.add(&e.field, ctx.lang, e.key);
            let page = RegisterPage::new(&ctx, &state, form);
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(egov_app::AppError::Invalid(errs)) => {
            errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
            let page = RegisterPage::new(&ctx, &state, form);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The cookie of a session just started.
fn session_cookie(state: &AppState, s: &egov_app::sessions::Session) -> axum::http::HeaderValue {
    set_cookie(SESSION_COOKIE, &s.secret, Some(state.settings.session_ttl_secs), state.settings.cookie_secure)
}

#[derive(Template)]
#[template(path = "identity/login.html")]
struct LoginPage {
    layout: Layout,
    form: FormState,
    next: String,
    providers: Vec<ProviderButton>,
    /// Whether citizens may register with a password.
    local_citizens: bool,
}

impl LoginPage {
    fn new(ctx: &Ctx, state: &AppState, form: FormState, next: String) -> LoginPage {
        LoginPage {
            layout: Layout::new(ctx, "login.title"),
            form,
            providers: provider_buttons(state, ctx, &next),
            next,
            local_citizens: state.settings.local_citizen_accounts,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct NextParam {
    next: Option<String>,
}

/// Where to go after sign-in: only a path of this site, parsed once here.
///
/// Browsers drop tabs and line breaks from addresses and read `\\` as `/`,
/// so `/\t/evil.example` or `/\\evil.example` would leave the site: any
/// byte that is not visible ASCII, any backslash and any `//` start refuse
/// the value (and so does anything `http` cannot put in a `Location`).
/// Everything refused goes to the home page.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else { return "/".to_string() };
    let visible = n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\');
    let local = n.starts_with('/') && !n.starts_with("//");
    if visible && local && n.len() <= 2048 && axum::http::uri::PathAndQuery::try_from(n).is_ok() {
        n.to_string()
    } else {
        "/".to_string()
    }
}

pub async fn login_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NextParam>) -> Response {
    let page = LoginPage::new(&ctx, &state, FormState::default(), safe_next(q.next.as_deref()));
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Checks a login and password with the throttle; shared by the page and the token API.
pub async fn authenticate(
    state: &AppState,
    addr: &str,
    login: &str,
    password: &str,
) -> Result<Result<egov_identity::UserId, LoginFailure>, WebError> {
    Ok(egov_app::sessions::authenticate(&state.app, &state.session_policy(), addr, login, password).await?)
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> Result<Response, WebError> {
    ctx.check_csrf(&f.csrf)?;
    let next = safe_next(Some(&f.next));
    let mut form = FormState::default();
    form.values.insert("login".into(), f.login.clone());
    if f.login.trim().is_empty() {
        form.add("login", ctx.lang, "err.required");
    }
    if f.password.is_empty() {
        form.add("password", ctx.lang, "err.required");
    }
    if f.login.len() > 254 || f.password.len() > 1024 {
        form.add("login", ctx.lang, "err.login.wrong");
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if !form.has_errors() {
        match authenticate(&state, &ctx.addr, &f.login, &f.password).await? {
            Ok(id) => {
                let policy = state.session_policy();
                let session =
                    egov_app::sessions::sign_in(&state.app, &policy, id, ctx.session_digest.as_deref()).await?;
                let cookie = session_cookie(&state, &session);
                let is_official = state.store.principal(id).await?.is_some_and(|p| p.is_official());
                let dest = if next == "/" && is_official { "/quan-tri".to_string() } else { next };
                let mut resp = Redirect::to(&dest).into_response();
                resp.headers_mut().append(SET_COOKIE, cookie);
                return Ok(resp);
            }
            Err(LoginFailure::Throttled) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                form.add("login", ctx.lang, "err.login.throttled");
            }
            Err(LoginFailure::Wrong) => {
                status = StatusCode::UNAUTHORIZED;
                form.add("login", ctx.lang, "err.login.wrong");
            }
            Err(LoginFailure::NotLocal) => {
                status = StatusCode::FORBIDDEN;
                form.add("login", ctx.lang, "err.login.citizen_local");
            }
        }
    }
    let page = LoginPage::new(&ctx, &state, form, next);
    let mut resp = render(status, &page);
    if status == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut().insert(RETRY_AFTER, axum::http::HeaderValue::from(state.settings.failure_window_secs));
    }
    Ok(resp)
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    ctx.check_form(&f)?;
    let mut dest = "/".to_string();
    if let (Some(d), Some(p)) = (&ctx.session_digest, &ctx.principal) {
        // a session begun at a provider ends there too (RP-initiated logout)
        let back = format!("{}/", crate::signin::pages::origin(&state, &headers));
        if let Some(url) = egov_app::signin::end_session_url(&state.app, d, &back).await? {
            dest = url;
        }
        egov_app::sessions::sign_out(&state.app, d, p.user_id).await?;
    }
    let mut resp = Redirect::to(&dest).into_response();
    resp.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), state.settings.cookie_secure));
    Ok(resp)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/dang-ky", get(register_form).post(register))
        .route("/dang-nhap", get(login_form).post(login))
        .route("/dang-xuat", axum::routing::post(logout))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        for ok in ["/", "/ho-so/H72-1?x=1&y=%2F", "/quan-tri", "/thu-tuc/1.000894"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        let refused = [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/a\rb",
            "/a\0b",
            "/a\u{7f}b",
            "/ a",
            "https://evil.example/",
            "evil.example",
            "/\u{2028}/evil.example",
            "/ả",
            "",
        ];
        for bad in refused {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}

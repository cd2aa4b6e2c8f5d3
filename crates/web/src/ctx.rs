//! The request context: language, signed-in principal, CSRF token and
//! request id, set up once per request by [`middleware`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{
    ACCEPT_LANGUAGE, ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, COOKIE, RETRY_AFTER, SET_COOKIE,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use egov_i18n::Lang;
use egov_identity::{random_secret, secret_digest, Principal};
use tracing::Instrument;

use crate::{views, AppState, WebError};

pub const SESSION_COOKIE: &str = "egov_session";
pub const CSRF_COOKIE: &str = "egov_csrf";
pub const LANG_COOKIE: &str = "egov_lang";

/// Marks an answer a shared cache may keep (a public page, the same for
/// every visitor not signed in): the middleware sets no cookie on it.
#[derive(Debug, Clone, Copy)]
pub struct SharedCache;

/// How the principal was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVia {
    None,
    Session,
    Token,
    /// An `Authorization` header was sent but names no live token.
    BadToken,
}

#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub principal: Option<Principal>,
    pub via: AuthVia,
    pub session_digest: Option<String>,
    /// The id of the bearer token the request came with.
    pub token_id: Option<i64>,
    pub csrf: String,
    pub path: String,
    pub query: String,
    pub addr: String,
}

impl Ctx {
    /// A posted form's token (its field `csrf`) checked as [`Ctx::check_csrf`] does.
    pub fn check_form(&self, fields: &std::collections::HashMap<String, String>) -> Result<(), WebError> {
        self.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))
    }

    /// Checks a submitted CSRF token in constant time.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        let (a, b) = (self.csrf.as_bytes(), submitted.as_bytes());
        let same = a.len() == b.len() && !a.is_empty() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
        if same {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }

    /// The signed-in principal or 401.
    pub fn principal(&self) -> Result<&Principal, WebError> {
        self.principal.as_ref().ok_or(WebError::Unauthorized)
    }

    /// The principal of an API call: only bearer tokens count there.
    pub fn api_principal(&self) -> Result<&Principal, WebError> {
        match self.via {
            AuthVia::Token => self.principal(),
            _ => Err(WebError::Unauthorized),
        }
    }

    /// The current address with `lang` set to another language.
    pub fn switch_href(&self, to: Lang) -> String {
        let kept: Vec<&str> = self.query.split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).collect();
        let mut q = kept.join("&");
        if !q.is_empty() {
            q.push('&');
        }
        format!("{}?{}lang={}", self.path, q, to.code())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| WebError::Internal("no request context".into()))
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the platform's defaults: HttpOnly, SameSite=Lax,
/// Path=/, and Secure unless turned off.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        s.push_str("; Secure");
    }
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

fn query_lang(query: &str) -> Option<Lang> {
    query.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Lang::parse)
}

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let request_id = REQUEST_IDS.fetch_add(1, Ordering::Relaxed);
    let span = tracing::info_span!("request", id = request_id, method = %req.method(), path = %req.uri().path());
    async move {
        let started = Instant::now();
        let headers = req.headers();
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let is_api = path.starts_with("/api/");
        // a load balancer's probes answer in plain words, errors included
        let is_probe = path == "/healthz" || path == "/readyz";
        let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let client = peer.map(|p| crate::forwarded::client(p, headers, &state.settings.trusted_proxies));
        let addr = client.map(|c| c.ip.to_string()).unwrap_or_else(|| "unknown".into());
        let https = client.is_some_and(|c| c.https)
            || state.settings.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        let explicit_lang = query_lang(&query);
        let lang = explicit_lang
            .or_else(|| cookie(headers, LANG_COOKIE).and_then(Lang::parse))
            .or_else(|| {
                if is_api {
                    headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language)
                } else {
                    None
                }
            })
            .unwrap_or_default();

        let Caller { principal, via, session_digest, token_id, csrf } = match identify(&state, headers).await {
            Ok(c) => c,
            Err(e) => return e.problem(lang),
        };
        let mut new_csrf_cookie = None;
        let csrf = match csrf {
            Some(c) => c,
            // The API takes no cookies as credentials, so it needs no CSRF token.
            None if is_api => String::new(),
            None => match cookie(headers, CSRF_COOKIE).filter(|c| c.len() == 64) {
                Some(c) => c.to_string(),
                None => {
                    let c = random_secret().unwrap_or_default();
                    new_csrf_cookie = Some(c.clone());
                    c
                }
            },
        };
        // Text enters clean: the query string and form and JSON bodies lose
        // their control characters here, once (multipart in its one reader).
        let query = clean_query(&mut req, &path, query);
        let may_import = principal.as_ref().is_some_and(|p| p.may(egov_identity::Action::ManageCatalog));
        let mut req = match clean_body(req, if may_import { crate::IMPORT_LIMIT } else { crate::BODY_LIMIT }).await {
            Ok(r) => r,
            Err(e) => return e.problem(lang),
        };
        let ctx = Ctx { lang, principal, via, session_digest, token_id, csrf, path: path.clone(), query, addr };
        req.extensions_mut().insert(ctx.clone());

        let mut resp = next.run(req).await;

        let status = resp.status();
        if (status.is_client_error() || status.is_server_error()) && !is_probe {
            resp = uniform_error(&ctx, is_api, resp).await;
        }
        let secure = state.settings.cookie_secure;
        // a page shared caches may keep sets no cookie: its CSRF token waits
        // for a page with a form
        let shared = resp.extensions().get::<SharedCache>().is_some();
        let h = resp.headers_mut();
        if let Some(c) = new_csrf_cookie.filter(|_| !shared) {
            h.append(SET_COOKIE, set_cookie(CSRF_COOKIE, &c, None, secure));
        }
        if let Some(l) = explicit_lang {
            h.append(SET_COOKIE, set_cookie(LANG_COOKIE, l.code(), Some(365 * 24 * 3600), secure));
        }
        if let Ok(v) = HeaderValue::from_str(&request_id.to_string()) {
            h.insert("x-request-id", v);
        }
        security_headers(h, is_api, https, &state.page_csp);
        tracing::info!(status = status.as_u16(), micros = started.elapsed().as_micros() as u64, "served");
        resp
    }
    .instrument(span)
    .await
}

/// Who a request comes from: a bearer token (for the API), else a session cookie.
struct Caller {
    principal: Option<Principal>,
    via: AuthVia,
    session_digest: Option<String>,
    token_id: Option<i64>,
    /// The session's CSRF token.
    csrf: Option<String>,
}

async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Caller, WebError> {
    let mut c = Caller { principal: None, via: AuthVia::None, session_digest: None, token_id: None, csrf: None };
    if let Some(auth) = headers.get(AUTHORIZATION) {
        c.via = AuthVia::BadToken;
        let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
        if let Some(token) = token.filter(|t| !t.is_empty()) {
            if let Some((p, id)) = state.store.token_principal(&secret_digest(token)).await? {
                c.principal = Some(p);
                c.via = AuthVia::Token;
                c.token_id = Some(id);
            }
        }
    } else if let Some(sid) = cookie(headers, SESSION_COOKIE) {
        let digest = secret_digest(sid);
        if let Some((p, token)) = state.store.session(&digest).await? {
            c.principal = Some(p);
            c.via = AuthVia::Session;
            c.csrf = Some(token);
            c.session_digest = Some(digest);
        }
    }
    Ok(c)
}

/// The query string without control characters (see [`crate::clean`]); the
/// request's address is rewritten when anything was stripped.
fn clean_query(req: &mut Request, path: &str, query: String) -> String {
    let Some(cleaned) = crate::clean::urlencoded(query.as_bytes()) else { return query };
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = format!("{path}?{cleaned}").parse().ok();
    if let Ok(uri) = axum::http::Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
    cleaned
}

/// The headers the middleware gives an API answer, for one served outside
/// it (`lean`): a request id, and the security headers. Logs the answer.
pub(crate) fn lean_api_headers(
    state: &AppState,
    peer: SocketAddr,
    request: &HeaderMap,
    status: u16,
    h: &mut HeaderMap,
) {
    let request_id = REQUEST_IDS.fetch_add(1, Ordering::Relaxed);
    let client = crate::forwarded::client(peer.ip(), request, &state.settings.trusted_proxies);
    let https = client.https || state.settings.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    if let Ok(v) = HeaderValue::from_str(&request_id.to_string()) {
        h.insert("x-request-id", v);
    }
    security_headers(h, true, https, &state.page_csp);
    tracing::info!(id = request_id, status, addr = %client.ip, "served lean");
}

/// The headers every answer carries. A handler that set its own content
/// security policy keeps it (and then says itself whether it may be framed):
/// the demonstration provider's page posting back to its client, the
/// front-channel logout address a provider loads in a frame.
fn security_headers(h: &mut HeaderMap, is_api: bool, https: bool, page_csp: &HeaderValue) {
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if h.contains_key("content-security-policy") {
        return finish_headers(h, https);
    }
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "content-security-policy",
        if is_api {
            // JSON, PDFs and files: nothing in them may run or be framed.
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'")
        } else {
            page_csp.clone()
        },
    );
    finish_headers(h, https);
}

fn finish_headers(h: &mut HeaderMap, https: bool) {
    if https {
        h.insert("strict-transport-security", HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    // Nothing dynamic is kept by browsers or shared caches unless its handler
    // says otherwise (the stylesheet does): pages and answers carry personal
    // data and CSRF tokens.
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The pages' content security policy. Forms post to this site only, but
/// a form's answer may send the browser on to an identity provider (signing
/// out ends its session too), so the providers' origins are allowed as well.
pub(crate) fn page_csp(provider_origins: &[String]) -> HeaderValue {
    let extra: String = provider_origins.iter().map(|o| format!(" {o}")).collect();
    let csp = format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'{extra}; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&csp).unwrap_or_else(|_| {
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
        )
    })
}

/// `scheme://host[:port]` of an address; empty unless it is plainly one.
pub(crate) fn origin_of(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return String::new() };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let plain = !host.is_empty()
        && matches!(scheme, "http" | "https")
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if plain {
        format!("{scheme}://{host}")
    } else {
        String::new()
    }
}

/// What an error answer keeps when it is rewritten: when to try again, and
/// which methods a path allows.
fn kept_headers(h: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for name in [RETRY_AFTER, ALLOW] {
        if let Some(v) = h.get(&name) {
            kept.insert(name, v.clone());
        }
    }
    kept
}

/// A form or JSON body with its control characters stripped (see
/// [`crate::clean`]); other bodies pass untouched.
async fn clean_body(req: Request, limit: usize) -> Result<Request, WebError> {
    let kind = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json") || (kind.starts_with("application/") && kind.contains("+json"));
    if !form && !json {
        return Ok(req);
    }
    let (mut parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            || e.to_string().contains("length limit");
        if too_large {
            WebError::TooLarge
        } else {
            WebError::BadRequest(e.to_string())
        }
    })?;
    let cleaned =
        if form { crate::clean::urlencoded(&bytes).map(String::into_bytes) } else { crate::clean::json(&bytes) };
    let bytes = match cleaned {
        Some(c) => {
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            axum::body::Bytes::from(c)
        }
        None => bytes,
    };
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// Every error leaves in one shape: problem details from the API, a page in
/// the user's language elsewhere — including the framework's own rejections
/// (a malformed query, an oversized body), which come as plain text.
async fn uniform_error(ctx: &Ctx, is_api: bool, resp: Response) -> Response {
    let status = resp.status();
    let content_type = resp.headers().get(CONTENT_TYPE).map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    let is_problem = content_type.starts_with(b"application/problem+json");
    let is_html = content_type.starts_with(b"text/html");
    let key = resp.extensions().get::<crate::error::ErrorKey>().map(|k| k.0);
    if is_api {
        if is_problem {
            return resp;
        }
        let kept = kept_headers(resp.headers());
        let body = axum::body::to_bytes(resp.into_body(), 64 * 1024).await.unwrap_or_default();
        let detail = String::from_utf8_lossy(&body).trim().to_string();
        let title = egov_i18n::t(ctx.lang, views::status_key(status));
        let mut problem =
            crate::error::problem_response(status, title, (!detail.is_empty()).then_some(detail), Vec::new());
        problem.headers_mut().extend(kept);
        return problem;
    }
    if is_html {
        return resp;
    }
    let kept = kept_headers(resp.headers());
    let mut page = views::error_page(ctx, status, key).into_response();
    page.headers_mut().extend(kept);
    page
}

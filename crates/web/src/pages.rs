//! Public pages: home, catalog search, procedure, registration, sign-in.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use egov_app::sessions::{LoginFailure, Registered};
use egov_app::Snapshot;
use egov_catalog::search::{self, Hit};
use egov_catalog::{format_vnd, OnlineLevel, Procedure, TimeUnit};
use egov_i18n::{t, Lang};
use egov_identity::Registration;
use serde::Deserialize;

use crate::ctx::{set_cookie, Ctx, SESSION_COOKIE};
use crate::views::{render, FormState, Layout, ProcedureRow};
use crate::{AppState, WebError};

pub async fn stylesheet() -> Response {
    (
        [(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/egov.css"),
    )
        .into_response()
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

pub fn time_text(lang: Lang, amount: u32, unit: TimeUnit) -> String {
    let key = match unit {
        TimeUnit::WorkingDays => "unit.working_days",
        TimeUnit::WorkingHours => "unit.working_hours",
    };
    format!("{amount} {}", t(lang, key))
}

pub fn row(snap: &Snapshot, p: &Procedure, lang: Lang) -> ProcedureRow {
    let field = snap
        .fields
        .iter()
        .find(|f| f.code == p.field)
        .map(|f| if lang == Lang::En { f.name_en.clone() } else { f.name_vi.clone() })
        .unwrap_or_else(|| p.field.clone());
    ProcedureRow {
        code: p.code.clone(),
        name: if lang == Lang::En { p.name_en.clone() } else { p.name_vi.clone() },
        field,
        online: t(lang, p.online_level.label_key()),
        time: time_text(lang, p.processing_time.amount, p.processing_time.unit),
    }
}

pub struct FieldTile {
    pub code: String,
    pub name: String,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
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

/// Catalog search parameters, shared by the page and the API.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, with or without accents.
    pub q: Option<String>,
    /// A field code.
    pub field: Option<String>,
    /// An agency identifier.
    pub agency: Option<String>,
    /// `full`, `partial` or `info_only`.
    pub online: Option<String>,
    /// `province` or `commune`.
    pub level: Option<String>,
    /// 1–100, default 20 (larger is taken as 100, 0 as 1).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    pub limit: Option<u32>,
    /// Results to skip (at most 10,000 are).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    pub offset: Option<u32>,
}

impl SearchParams {
    /// Runs the search; returns the total and the hits of this page.
    pub fn run(&self, snap: &Snapshot) -> (usize, Vec<Hit>) {
        let limit = self.limit.unwrap_or(20).clamp(1, 100) as usize;
        let offset = self.offset.unwrap_or(0).min(10_000) as usize;
        let q = search::Query {
            text: self.q.clone().unwrap_or_default().chars().take(200).collect(),
            field: self.field.clone().filter(|s| !s.is_empty()),
            agency: self.agency.clone().filter(|s| !s.is_empty()),
            online_level: self.online.as_deref().and_then(OnlineLevel::parse),
            level: self.level.as_deref().and_then(egov_catalog::Level::parse),
            limit: limit + offset,
        };
        let (total, mut hits) = snap.index.search(&q);
        let hits = if offset < hits.len() { hits.split_off(offset) } else { Vec::new() };
        (total, hits)
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    layout: Layout,
    q: String,
    fields: Vec<Choice>,
    online: Vec<Choice>,
    results: Vec<ProcedureRow>,
    total: usize,
    searched: bool,
}

pub async fn catalog(State(state): State<AppState>, ctx: Ctx, Query(params): Query<SearchParams>) -> Response {
    let snap = state.catalog.get();
    let (total, hits) = params.run(&snap);
    let results = hits.iter().filter_map(|h| snap.procedures.get(&h.code)).map(|p| row(&snap, p, ctx.lang)).collect();
    let sel_field = params.field.clone().unwrap_or_default();
    let fields = snap
        .fields
        .iter()
        .map(|f| Choice {
            value: f.code.clone(),
            label: if ctx.lang == Lang::En { f.name_en.clone() } else { f.name_vi.clone() },
            selected: f.code == sel_field,
        })
        .collect();
    let sel_online = params.online.clone().unwrap_or_default();
    let online = OnlineLevel::ALL
        .iter()
        .map(|l| Choice {
            value: l.as_str().into(),
            label: t(ctx.lang, l.label_key()).into(),
            selected: l.as_str() == sel_online,
        })
        .collect();
    let q = params.q.clone().unwrap_or_default();
    let searched = !q.is_empty() || !sel_field.is_empty() || !sel_online.is_empty();
    let page = CatalogPage { layout: Layout::new(&ctx, "catalog.title"), q, fields, online, results, total, searched };
    render(StatusCode::OK, &page)
}

pub struct DocView {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub mandatory: bool,
}

pub struct FeeView {
    pub description: String,
    pub amount: String,
}

pub struct LegalView {
    pub number: String,
    pub title: String,
    pub from: String,
}

pub struct StepView {
    pub name: String,
    pub role: &'static str,
    pub share: u32,
}

pub struct AgencyView {
    pub name: String,
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    layout: Layout,
    p: ProcedureRow,
    can_apply: bool,
    levels: String,
    agencies: Vec<AgencyView>,
    docs: Vec<DocView>,
    fees: Vec<FeeView>,
    free: bool,
    legal: Vec<LegalView>,
    steps: Vec<StepView>,
    form_fields: Vec<String>,
}

pub async fn procedure(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let snap = state.catalog.get();
    let p = snap.procedures.get(&code).ok_or(WebError::NotFound)?.clone();
    let en = ctx.lang == Lang::En;
    let pick = |vi: &str, en_: &str| if en { en_.to_string() } else { vi.to_string() };
    let agencies_all = state.store.agencies().await?;
    let agencies = p
        .agencies
        .iter()
        .map(|id| AgencyView {
            name: agencies_all
                .iter()
                .find(|a| a.id.as_str() == id)
                .map(|a| pick(&a.name_vi, &a.name_en))
                .unwrap_or_else(|| id.clone()),
        })
        .collect();
    let today = state.now().date();
    let page = ProcedurePage {
        layout: Layout::titled(&ctx, pick(&p.name_vi, &p.name_en)),
        p: row(&snap, &p, ctx.lang),
        can_apply: p.online_level != OnlineLevel::InfoOnly,
        levels: p
            .levels
            .iter()
            .map(|l| t(ctx.lang, if *l == egov_catalog::Level::Province { "level.province" } else { "level.commune" }))
            .collect::<Vec<_>>()
            .join(", "),
        agencies,
        docs: p
            .documents
            .iter()
            .map(|d| DocView {
                name: pick(&d.name_vi, &d.name_en),
                originals: d.originals,
                copies: d.copies,
                mandatory: d.mandatory,
            })
            .collect(),
        free: p.fees.iter().all(|f| f.amount_vnd == 0),
        fees: p
            .fees
            .iter()
            .map(|f| FeeView {
                description: pick(&f.description_vi, &f.description_en),
                amount: format_vnd(f.amount_vnd),
            })
            .collect(),
        legal: p
            .legal_bases_on(today)
            .map(|l| LegalView {
                number: l.number.clone(),
                title: l.title.clone(),
                from: l.effective_from.format("%d/%m/%Y").to_string(),
            })
            .collect(),
        steps: p
            .process
            .iter()
            .map(|s| StepView {
                name: pick(&s.name_vi, &s.name_en),
                role: t(ctx.lang, s.role.label_key()),
                share: s.share_percent,
            })
            .collect(),
        form_fields: p.form.iter().map(|f| pick(&f.label_vi, &f.label_en)).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    form: FormState,
}

pub async fn register_form(ctx: Ctx) -> Response {
    render(StatusCode::OK, &RegisterPage { layout: Layout::new(&ctx, "register.title"), form: FormState::default() })
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
        let page = RegisterPage { layout: Layout::new(&ctx, "register.title"), form };
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
            let page = RegisterPage { layout: Layout::new(&ctx, "register.title"), form };
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(egov_app::AppError::Invalid(errs)) => {
            errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
            let page = RegisterPage { layout: Layout::new(&ctx, "register.title"), form };
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
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    form: FormState,
    next: String,
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

pub async fn login_form(ctx: Ctx, Query(q): Query<NextParam>) -> Response {
    let page = LoginPage {
        layout: Layout::new(&ctx, "login.title"),
        form: FormState::default(),
        next: safe_next(q.next.as_deref()),
    };
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
) -> Result<Result<i64, LoginFailure>, WebError> {
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
        }
    }
    let page = LoginPage { layout: Layout::new(&ctx, "login.title"), form, next };
    let mut resp = render(status, &page);
    if status == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut().insert(RETRY_AFTER, axum::http::HeaderValue::from(state.settings.failure_window_secs));
    }
    Ok(resp)
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    ctx.check_csrf(f.get("csrf").map(String::as_str).unwrap_or(""))?;
    if let (Some(d), Some(p)) = (&ctx.session_digest, &ctx.principal) {
        egov_app::sessions::sign_out(&state.app, d, p.user_id).await?;
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), state.settings.cookie_secure));
    Ok(resp)
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

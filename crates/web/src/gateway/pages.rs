//! The gateway's back-office page (`/quan-tri/lien-thong`): each service's
//! figures over the last hour (a chart and its table), the subsystems with
//! their approval, the services with their rights, maintenance, and the
//! form that registers (or requests) a subsystem. Everything as the
//! management API and the command line do it, through the application.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::gateway as gw;
use egov_app::Actor;
use egov_gateway::{LogMode, SubsystemState};
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_store::GwGrantee;

use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

pub struct SubsystemRow {
    pub id: i64,
    pub ident: String,
    pub name: String,
    pub agency: String,
    pub state: &'static str,
    pub approved: bool,
    pub disabled: bool,
}

pub struct ServiceRow {
    pub ident: String,
    pub upstream: String,
    pub timeout: String,
    pub logging: &'static str,
    pub rights: String,
}

pub struct FigureRow {
    pub service: String,
    /// The service's own part (`SUBSYSTEM/SERVICE`), for the chart.
    pub short: String,
    pub calls: usize,
    pub failures: usize,
    pub p50: String,
    pub p99: String,
    pub last_success: String,
    pub last_failure: String,
    /// The bars' widths in the 0–300 drawing, and their top.
    pub ok_width: f64,
    pub failed_width: f64,
    pub y: u32,
}

#[derive(Template)]
#[template(path = "gateway/registry.html")]
struct RegistryPage {
    layout: Layout,
    system: bool,
    maintenance: bool,
    saved: bool,
    subsystems: Vec<SubsystemRow>,
    services: Vec<ServiceRow>,
    figures: Vec<FigureRow>,
    form: FormState,
}

fn state_word(s: SubsystemState) -> &'static str {
    match s {
        SubsystemState::Requested => "gw.state.requested",
        SubsystemState::Approved => "gw.state.approved",
        SubsystemState::Disabled => "gw.state.disabled",
    }
}

fn ms(us: i64, lang: Lang) -> String {
    let v = us as f64 / 1000.0;
    let s = if v < 10.0 { format!("{v:.2}") } else { format!("{v:.0}") };
    if lang == Lang::Vi {
        format!("{} ms", s.replace('.', ","))
    } else {
        format!("{s} ms")
    }
}

/// The figures' rows, their bars scaled to the busiest service.
fn figure_rows(all: Vec<gw::ServiceFigures>, lang: Lang) -> Vec<FigureRow> {
    let most = all.iter().map(|f| f.calls).max().unwrap_or(1).max(1) as f64;
    let when = |m: Option<i64>| m.map(egov_kernel::vn::micros_to_page).unwrap_or_else(|| "—".into());
    all.into_iter()
        .enumerate()
        .map(|(i, f)| {
            let short = f.service.splitn(4, '/').nth(3).unwrap_or(&f.service).to_string();
            let failed = f.failures.min(f.calls);
            FigureRow {
                ok_width: 300.0 * (f.calls - failed) as f64 / most,
                failed_width: 300.0 * failed as f64 / most,
                y: 26 + 36 * i as u32,
                p50: ms(f.p50_us, lang),
                p99: ms(f.p99_us, lang),
                last_success: when(f.last_success),
                last_failure: when(f.last_failure),
                calls: f.calls,
                failures: f.failures,
                short,
                service: f.service,
            }
        })
        .collect()
}

async fn show(state: &AppState, ctx: &Ctx, p: &Principal, form: FormState, status: StatusCode, saved: bool) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let v = gw::registry_view(&state.app, Actor::User(p))?;
    let figures = gw::figures_for(&state.app, Actor::User(p), std::time::Duration::from_secs(3600)).await?;
    let ident_of: HashMap<i64, &str> = v.subsystems.iter().map(|s| (s.id, s.ident.as_str())).collect();
    let rights = |service: i64| {
        let list: Vec<String> = v
            .grants
            .iter()
            .filter(|g| g.service_id == service)
            .map(|g| {
                let who = match &g.grantee {
                    GwGrantee::Subsystem(s) => s.clone(),
                    GwGrantee::Group(g) => format!("{} {g}", t(lang, "gw.group")),
                };
                match (&g.method, &g.path) {
                    (Some(m), Some(p)) => format!("{who}: {m} {p}"),
                    _ => format!("{who}: {}", t(lang, "gw.whole")),
                }
            })
            .collect();
        if list.is_empty() {
            t(lang, "gw.nobody").to_string()
        } else {
            list.join("; ")
        }
    };
    let page = RegistryPage {
        layout: Layout::new(ctx, "gw.title"),
        system: v.system,
        maintenance: v.maintenance,
        saved,
        subsystems: v
            .subsystems
            .iter()
            .map(|s| SubsystemRow {
                id: s.id,
                ident: s.ident.clone(),
                name: s.name.clone(),
                agency: s.agency_id.clone().unwrap_or_else(|| "—".into()),
                state: t(lang, state_word(s.state)),
                approved: s.state == SubsystemState::Approved,
                disabled: s.state == SubsystemState::Disabled,
            })
            .collect(),
        services: v
            .services
            .iter()
            .map(|s| ServiceRow {
                ident: format!("{}/{}", ident_of.get(&s.subsystem_id).copied().unwrap_or("?"), s.code),
                upstream: s.upstream.clone(),
                timeout: ms(s.timeout_ms * 1000, lang),
                logging: t(lang, if s.logging == LogMode::Full { "gw.logging.full" } else { "gw.logging.metadata" }),
                rights: rights(s.id),
            })
            .collect(),
        figures: figure_rows(figures, lang),
        form,
    };
    Ok(render(status, &page))
}

/// The page's reader: a system administrator, or an agency's administrator.
fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if gw::may_view(Actor::User(p)) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        show(&state, &ctx, p, FormState::default(), StatusCode::OK, q.contains_key("saved")).await
    }
    .await;
    or_login(&ctx, r)
}

async fn add(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        for k in ["ident", "name", "agency"] {
            form.values.insert(k.into(), f.get(k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        let agency = Some(form.v("agency").to_string()).filter(|a| !a.is_empty()).or_else(|| p.agency_id.as_ref().map(|a| a.as_str().to_string()));
        let s = gw::NewSubsystem { ident: form.v("ident").into(), agency, name: form.v("name").into() };
        let who = Actor::User(&p).audit_name();
        match gw::add_subsystem(&state.app, Actor::User(&p), s, &who).await {
            Ok(_) => Ok(Redirect::to("/quan-tri/lien-thong?saved=1").into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                show(&state, &ctx, &p, form, StatusCode::UNPROCESSABLE_ENTITY, false).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn decide(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        let to = match f.get("state").map(String::as_str) {
            Some("Approved") => SubsystemState::Approved,
            Some("Disabled") => SubsystemState::Disabled,
            _ => return Err(WebError::BadRequest("state".into())),
        };
        let who = Actor::User(p).audit_name();
        gw::set_subsystem_state(&state.app, Actor::User(p), id, to, &who).await?;
        Ok(Redirect::to("/quan-tri/lien-thong?saved=1").into_response())
    }
    .await;
    or_login(&ctx, r)
}

async fn maintenance(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        let on = f.get("on").map(String::as_str) == Some("on");
        let who = Actor::User(p).audit_name();
        gw::set_maintenance(&state.app, Actor::User(p), on, &who).await?;
        Ok(Redirect::to("/quan-tri/lien-thong?saved=1").into_response())
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/lien-thong", get(page).post(add))
        .route("/quan-tri/lien-thong/he-thong/{id}", post(decide))
        .route("/quan-tri/lien-thong/bao-tri", post(maintenance))
}

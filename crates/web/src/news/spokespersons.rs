//! The spokespersons' register: `/quan-tri/nguoi-phat-ngon` (an agency's
//! administrator records its spokespersons and written delegations, ends
//! one with a reason; the register says which were published more than 24
//! hours after the appointment, and which bodies have no spokesperson) and
//! the portal's page `/nguoi-phat-ngon`, who speaks for each body now,
//! published as each is recorded.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::news::spokespersons as sp;
use egov_app::{Actor, AppError};
use egov_i18n::t;
use egov_identity::Principal;
use egov_news::spokesperson::{EntryInput, Kind};

use crate::ctx::Ctx;
use crate::views::{agency_choices, error_title, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

/// An entry as a page shows it.
pub struct Row {
    pub id: i64,
    pub agency: String,
    pub delegated: bool,
    pub full_name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub appointed: String,
    pub published: String,
    pub instrument: String,
    pub scope: String,
    pub ends_on: String,
    pub late: bool,
    pub current: bool,
    pub ended: String,
}

fn when(t: chrono::NaiveDateTime) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

async fn rows(state: &AppState, ctx: &Ctx, lines: Vec<sp::Line>) -> Result<Vec<Row>, WebError> {
    let en = ctx.lang.code() == "en";
    let agencies = state.store.agencies().await?;
    Ok(lines
        .into_iter()
        .map(|l| {
            let agency = agencies.iter().find(|a| a.id.as_str() == l.s.agency_code).map_or_else(
                || l.s.agency_code.clone(),
                |a| if en { a.name_en.clone() } else { a.name_vi.clone() },
            );
            Row {
                id: l.s.id,
                agency,
                delegated: l.s.e.kind == Kind::Delegated,
                full_name: l.s.e.full_name.clone(),
                title: l.s.e.title.clone(),
                phone: l.s.e.phone.clone(),
                email: l.s.e.email.clone(),
                appointed: when(l.s.e.appointed_at),
                published: when(l.published),
                instrument: l.s.e.instrument.clone(),
                scope: l.s.e.scope.clone(),
                ends_on: l.s.e.ends_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                late: l.late,
                current: l.current,
                ended: l.s.ended_at.and_then(egov_kernel::vn::from_micros).map(when).unwrap_or_default(),
            }
        })
        .collect())
}

/// The signed-in keeper of some agency's register (an agency's
/// administrator, a system administrator), or why not.
pub(crate) fn keeper(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if sp::may_view(Actor::User(p)) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "news/spokespersons_admin.html")]
struct AdminPage {
    layout: Layout,
    rows: Vec<Row>,
    missing: Vec<(String, String)>,
    late: usize,
    /// The agencies the reader may record for: (code, name).
    agencies: Vec<(String, String)>,
    form: FormState,
    summary: Vec<SummaryItem>,
    saved: bool,
    /// An entry whose ending came back: its id and the problem.
    end_error: Option<(i64, String)>,
}

impl AdminPage {
    fn failed(&self, id: &i64) -> bool {
        self.end_error.as_ref().is_some_and(|e| e.0 == *id)
    }
    fn end_problem(&self) -> &str {
        self.end_error.as_ref().map_or("", |e| e.1.as_str())
    }
}

const LABELS: [(&str, &str); 10] = [
    ("agency", "press.f.agency"),
    ("kind", "press.f.kind"),
    ("full_name", "press.f.full_name"),
    ("title", "press.f.title"),
    ("phone", "press.f.phone"),
    ("email", "press.f.email"),
    ("appointed_at", "press.f.appointed_at"),
    ("instrument", "press.f.instrument"),
    ("scope", "press.f.scope"),
    ("ends_on", "press.f.ends_on"),
];

async fn admin_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    form: FormState,
    (saved, end_error): (bool, Option<(i64, String)>),
    status: StatusCode,
) -> Result<Response, WebError> {
    let (lines, missing) = sp::register(&state.app, Actor::User(p)).await?;
    let late = lines.iter().filter(|l| l.late).count();
    let agencies = agency_choices(state, ctx.lang, |a| sp::may_keep(Actor::User(p), a)).await?;
    let summary = form.summary(ctx.lang, &LABELS, "");
    let bad = form.has_errors() || end_error.is_some();
    let layout = Layout::titled(ctx, error_title(ctx.lang, bad, t(ctx.lang, "press.register").to_string()));
    let page = AdminPage { layout, rows: rows(state, ctx, lines).await?, missing, late, agencies, form, summary, saved, end_error };
    Ok(render(status, &page))
}

async fn admin(State(state): State<AppState>, ctx: Ctx, axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = keeper(&ctx)?;
        let mut form = FormState::default();
        form.values.insert("kind".into(), "appointed".into());
        admin_page(&state, &ctx, p, form, (q.contains_key("luu"), None), StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn record(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = keeper(&ctx)?;
        let v = |k: &str| f.get(k).cloned().unwrap_or_default();
        let input = EntryInput {
            kind: v("kind"),
            full_name: v("full_name"),
            title: v("title"),
            phone: v("phone"),
            email: v("email"),
            appointed_at: v("appointed_at"),
            instrument: v("instrument"),
            scope: v("scope"),
            ends_on: v("ends_on"),
        };
        let agency = match f.get("agency").filter(|a| !a.is_empty()) {
            Some(a) => a.clone(),
            None => p.agency_id.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default(),
        };
        match sp::record(&state.app, Actor::User(p), &agency, &input).await {
            Ok(_) => Ok(Redirect::to("/quan-tri/nguoi-phat-ngon?luu=1").into_response()),
            Err(AppError::Invalid(errs)) => {
                let mut form = FormState::posted(&f);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                admin_page(&state, &ctx, p, form, (false, None), StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn end(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = keeper(&ctx)?;
        match sp::end(&state.app, Actor::User(p), id, f.get("reason").map(String::as_str).unwrap_or("")).await {
            Ok(()) => Ok(Redirect::to("/quan-tri/nguoi-phat-ngon?luu=1").into_response()),
            Err(AppError::Invalid(errs)) => {
                let problem = errs.first().map(|e| crate::views::field_message(ctx.lang, e)).unwrap_or_default();
                let mut form = FormState::default();
                form.values.insert("kind".into(), "appointed".into());
                admin_page(&state, &ctx, p, form, (false, Some((id, problem))), StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Template)]
#[template(path = "news/spokespersons.html")]
struct PublicPage {
    layout: Layout,
    rows: Vec<Row>,
}

async fn public(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let mut rows = rows(&state, &ctx, sp::published(&state.app).await?).await?;
    rows.sort_by(|a, b| a.agency.cmp(&b.agency).then(a.delegated.cmp(&b.delegated)));
    Ok(render(StatusCode::OK, &PublicPage { layout: Layout::new(&ctx, "press.public"), rows }))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/nguoi-phat-ngon", get(public))
        .route("/quan-tri/nguoi-phat-ngon", get(admin).post(record))
        .route("/quan-tri/nguoi-phat-ngon/{id}/ket-thuc", post(end))
}

//! One incident's page, `/quan-tri/su-co/{id}`: its facts, the reports owed
//! and sent (each sent one's PDF), its timeline, and the forms of its
//! response — a step (a phase, beyond capacity, an assignment, a note) and
//! a report sent.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::incidents::{self as inc, Step};
use egov_app::Actor;
use egov_i18n::t;
use egov_identity::Principal;
use egov_incident::{Phase, ReportKind};

use super::pages::{day, kind_key, phase_key, reader, report_key, severity_key};
use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

pub struct OwedRow {
    pub report: &'static str,
    pub due: String,
    pub sent: String,
    pub late: bool,
}

pub struct SentRow {
    pub id: i64,
    pub report: &'static str,
    pub sent: String,
    pub by: String,
}

pub struct ActionRow {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "incidents/incident.html")]
struct IncidentPage {
    layout: Layout,
    id: i64,
    saved: Option<&'static str>,
    code: String,
    title: String,
    facts: Vec<(&'static str, String)>,
    serious: bool,
    owed: Vec<OwedRow>,
    sent: Vec<SentRow>,
    actions: Vec<ActionRow>,
    phases: Vec<(&'static str, &'static str)>,
    reports: Vec<(&'static str, &'static str)>,
    closed: bool,
    form: FormState,
}

/// A timeline step in words: "Chuyển bước: Đã ngăn chặn", "Gửi: Báo cáo ban đầu".
fn what_words(what: &str, lang: egov_i18n::Lang) -> String {
    if let Some(p) = what.strip_prefix("phase:").and_then(Phase::parse) {
        return format!("{}: {}", t(lang, "inc.what.phase"), t(lang, phase_key(p)));
    }
    if let Some(r) = what.strip_prefix("report:").and_then(ReportKind::parse) {
        return format!("{}: {}", t(lang, "inc.what.report"), t(lang, report_key(r)));
    }
    t(lang, match what {
        "reported" => "inc.what.reported",
        "beyond_capacity" => "inc.what.beyond",
        "assigned" => "inc.what.assigned",
        _ => "inc.what.note",
    })
    .to_string()
}

async fn show(state: &AppState, ctx: &Ctx, p: &Principal, id: i64, form: FormState, status: StatusCode, saved: Option<&'static str>) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let v = inc::incident(&state.app, Actor::User(p), id).await?;
    let i = &v.i;
    let (agencies, units) = crate::network::pages::names(state, lang).await?;
    let mut facts = vec![
        ("inc.agency", agencies.get(&i.n.agency_id).cloned().unwrap_or_else(|| i.n.agency_id.clone())),
        ("inc.unit", units.get(&i.n.unit_code).cloned().unwrap_or_else(|| "—".into())),
        ("inc.kind", t(lang, kind_key(i.n.kind)).to_string()),
        ("inc.severity", t(lang, severity_key(i.n.severity)).to_string()),
        ("inc.phase", t(lang, phase_key(i.phase)).to_string()),
        ("inc.discovered", egov_kernel::vn::micros_to_page(i.n.discovered_at)),
        ("inc.serious", t(lang, if i.n.serious { "net.yes" } else { "net.no" }).to_string()),
        ("inc.regime", v.regime.basis.clone()),
    ];
    if let Some(a) = &i.assignee {
        facts.push(("inc.assignee", a.clone()));
    }
    if let Some(d) = i.n.beyond_capacity_on {
        facts.push(("inc.beyond", day(Some(d))));
    }
    if !i.root_cause.is_empty() {
        facts.push(("inc.root_cause", i.root_cause.clone()));
    }
    let mut sent = Vec::new();
    for r in &v.reports {
        let by = inc::who(&state.app, &r.sent_by).await?;
        sent.push(SentRow { id: r.id, report: report_key(r.kind), sent: day(Some(r.sent_on)), by });
    }
    let mut actions = Vec::new();
    for a in &v.actions {
        actions.push(ActionRow {
            at: egov_kernel::vn::micros_to_page(a.at),
            actor: inc::who(&state.app, &a.actor).await?,
            what: what_words(&a.what, lang),
            note: a.note.clone(),
        });
    }
    let page = IncidentPage {
        layout: Layout::titled(ctx, format!("{} · {}", t(lang, "inc.incident"), inc::pdf::code(i))),
        id,
        saved,
        code: inc::pdf::code(i),
        title: i.n.title.clone(),
        facts,
        serious: i.n.serious,
        owed: v
            .owed
            .iter()
            .map(|o| OwedRow { report: report_key(o.report), due: day(o.due), sent: day(o.sent), late: o.late })
            .collect(),
        sent,
        actions,
        phases: [Phase::Verified, Phase::Contained, Phase::Recovered, Phase::Closed].iter().map(|p| (p.as_str(), phase_key(*p))).collect(),
        reports: ReportKind::ALL
            .iter()
            .filter(|k| **k != ReportKind::Periodic)
            .map(|k| (k.as_str(), report_key(*k)))
            .collect(),
        closed: i.phase == Phase::Closed,
        form,
    };
    Ok(render(status, &page))
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        show(&state, &ctx, p, id, FormState::default(), StatusCode::OK, q.contains_key("luu").then_some("inc.saved")).await
    }
    .await;
    or_login(&ctx, r)
}

const STEP_FIELDS: [&str; 7] = ["step", "to", "root_cause", "lessons", "day", "assignee", "note"];

async fn step(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let mut form = FormState::default();
        for k in STEP_FIELDS {
            form.values.insert(k.into(), f.get(k).map(|v| v.trim().to_string()).unwrap_or_default());
        }
        let date = |k: &str| chrono::NaiveDate::parse_from_str(form.v(k), "%Y-%m-%d").ok();
        let s = match form.v("step") {
            "phase" => Phase::parse(form.v("to")).map(|to| Step::Phase {
                to,
                root_cause: form.v("root_cause").into(),
                lessons: form.v("lessons").into(),
                response_ended_on: None,
            }),
            "beyond_capacity" => Some(Step::BeyondCapacity(date("day").unwrap_or_else(|| state.app.now().date()))),
            "assign" => Some(Step::Assign(form.v("assignee").into())),
            "note" => Some(Step::Note(form.v("note").into())),
            _ => None,
        };
        let s = s.ok_or_else(|| WebError::BadRequest("step".into()))?;
        match inc::step(&state.app, Actor::User(&p), id, s).await {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/su-co/{id}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                show(&state, &ctx, &p, id, form, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(egov_app::AppError::Refused(_, key, _)) => {
                form.add("to", ctx.lang, key);
                show(&state, &ctx, &p, id, form, StatusCode::CONFLICT, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn send(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let kind = f.get("kind").and_then(|k| ReportKind::parse(k)).ok_or_else(|| WebError::BadRequest("kind".into()))?;
        let body = f.get("body").cloned().unwrap_or_default();
        match inc::send(&state.app, Actor::User(&p), id, kind, &body).await {
            Ok(_) => Ok(Redirect::to(&format!("/quan-tri/su-co/{id}?luu=1#sent-h")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let mut form = FormState::default();
                form.values.insert("body".into(), body);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                show(&state, &ctx, &p, id, form, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn pdf(State(state): State<AppState>, ctx: Ctx, Path(rid): Path<i64>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let doc = inc::report_pdf(&state.app, Actor::User(p), rid).await?;
        Ok((
            [
                (axum::http::header::CONTENT_TYPE, "application/pdf".to_string()),
                (axum::http::header::CONTENT_DISPOSITION, format!("inline; filename=\"bao-cao-su-co-{rid}.pdf\"")),
            ],
            doc.pdf,
        )
            .into_response())
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/su-co/{id}", get(page))
        .route("/quan-tri/su-co/{id}/buoc", post(step))
        .route("/quan-tri/su-co/{id}/bao-cao", post(send))
        .route("/quan-tri/su-co/bao-cao/{rid}", get(pdf))
}

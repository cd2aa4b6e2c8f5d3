//! The yearly press-information report (Decree 244/2026; the period from
//! 15 December to 14 December): as PDF and XLSX from the page
//! (`/quan-tri/thong-tin-bao-chi/bao-cao.{pdf,xlsx}?nam=`), each count
//! followed by the numbers of the records it counts and an annex listing
//! those records; and the API (`/api/v1/press/…`): record an entry,
//! complete it, the report's counts with their records' ids.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_app::news::press_info as pi;
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_news::press_info::{period, DoneInput, EntryInput};
use egov_reports::{Cell, Table};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::press_info::{count, done_when, kind_key, party, when, year_of, COUNTS};
use super::spokespersons::keeper;
use crate::ctx::Ctx;
use crate::radio::api::{answer, json};
use crate::views::or_login;
use crate::{AppState, WebError};

/// The report's tables: the counts (each with its records' numbers), then
/// the records.
fn tables(o: &pi::Overview, lang: Lang) -> Vec<Table> {
    let tr = |k: &'static str| t(lang, k).to_string();
    let ids = |v: &[i64]| v.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ");
    let counts = Table {
        name: tr("pinfo.report.sheet"),
        headers: vec![tr("pinfo.count"), tr("pinfo.number"), tr("pinfo.records.counted")],
        rows: COUNTS
            .iter()
            .filter_map(|(k, words)| count(&o.counts, k).map(|c| (words, c)))
            .map(|(words, c)| vec![Cell::Text(tr(words)), Cell::Number(c.n as f64), Cell::Text(ids(&c.ids))])
            .collect(),
    };
    let records = Table {
        name: tr("pinfo.records"),
        headers: vec![
            tr("pinfo.number.short"),
            tr("pinfo.f.kind"),
            tr("pinfo.f.subject"),
            tr("pinfo.party"),
            tr("pinfo.when"),
            tr("pinfo.done"),
        ],
        rows: o
            .entries
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(format!("#{}", e.id)),
                    Cell::Text(tr(kind_key(e.entry.kind()))),
                    Cell::Text(e.entry.subject().to_string()),
                    Cell::Text(party(&e.entry)),
                    Cell::Text(when(&e.entry)),
                    e.done.as_ref().map_or(Cell::Empty, |d| Cell::Text(done_when(&e.entry, d))),
                ]
            })
            .collect(),
    };
    vec![counts, records]
}

async fn report(state: &AppState, ctx: &Ctx, q: &HashMap<String, String>) -> Result<(pi::Overview, String), WebError> {
    let p = keeper(ctx)?;
    let year = year_of(state, q);
    let o = pi::overview(&state.app, Actor::User(p), year).await?;
    Ok((o, format!("bao-cao-thong-tin-bao-chi_{year}")))
}

async fn pdf(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let (o, name) = report(&state, &ctx, &q).await?;
        let lang = ctx.lang;
        let (from, to) = period(o.year);
        let facts = vec![
            (t(lang, "pinfo.report.year").to_string(), o.year.to_string()),
            (t(lang, "pinfo.period").to_string(), format!("{} – {}", from.format("%d/%m/%Y"), to.format("%d/%m/%Y"))),
            (t(lang, "quality.report.made").to_string(), state.now().format("%d/%m/%Y %H:%M").to_string()),
        ];
        let r = egov_reports::Report {
            title: format!("{} {}", t(lang, "pinfo.report.title"), o.year),
            facts,
            tables: tables(&o, lang),
            footer: t(lang, "pinfo.report.footer").to_string(),
        };
        let bytes = egov_reports::pdf(&r)?;
        Ok(crate::quality::pages::download(bytes, "application/pdf", format!("{name}.pdf")))
    }
    .await;
    or_login(&ctx, r)
}

async fn xlsx(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let (o, name) = report(&state, &ctx, &q).await?;
        let bytes = egov_reports::xlsx(&tables(&o, ctx.lang))?;
        let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        Ok(crate::quality::pages::download(bytes, kind, format!("{name}.xlsx")))
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PressEntryRequest {
    /// The agency's code (the caller's own unless a system administrator).
    #[schema(max_length = 60)]
    agency: String,
    #[schema(pattern = "^(request|conference|briefing|periodic|event|correction)$", example = "request")]
    kind: String,
    /// The question, the subject, the event, the false report.
    #[schema(max_length = 2000)]
    subject: String,
    /// A request's journalist.
    #[serde(default)]
    #[schema(max_length = 200)]
    journalist: String,
    /// A request's or a correction's outlet.
    #[serde(default)]
    #[schema(max_length = 200)]
    outlet: String,
    /// `YYYY-MM-DD`: received, planned, attended, given, requested.
    #[serde(default)]
    #[schema(max_length = 10, example = "2026-04-01")]
    on: String,
    /// A request's deadline, `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(max_length = 10, example = "2026-04-08")]
    deadline: String,
    /// An event's time known, `YYYY-MM-DDTHH:MM` (Vietnam time).
    #[serde(default)]
    #[schema(max_length = 16, example = "2026-08-01T09:00")]
    known_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PressDoneRequest {
    /// `YYYY-MM-DD`, or for an event's first statement `YYYY-MM-DDTHH:MM`.
    #[schema(max_length = 16, example = "2026-04-07")]
    at: String,
    /// The answer, the materials, the statement, the correction.
    #[serde(default)]
    #[schema(max_length = 20000)]
    text: String,
    /// Who answered or spoke.
    #[serde(default)]
    #[schema(max_length = 200)]
    by: String,
}

#[derive(Serialize, ToSchema)]
pub struct PressEntryCreated {
    id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PressCountDoc {
    n: usize,
    /// The records counted (`id`s of press-information entries).
    ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PressReportDoc {
    year: i32,
    /// The period's first and last day.
    from: String,
    to: String,
    /// By key: conferences, briefings, requests, answered,
    /// answered_on_time, events, statements_on_time, corrections.
    counts: std::collections::BTreeMap<String, PressCountDoc>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PressReportQuery {
    /// The report year (its period runs from 15 December of the year before).
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
}

/// Records an entry of press information.
#[utoipa::path(post, operation_id = "press_entry_add", path = "/api/v1/press/entries", request_body = PressEntryRequest, security(("bearer" = [])), responses((status = 201, body = PressEntryCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PressEntryRequest = json(&body)?;
        let input = EntryInput {
            kind: r.kind,
            subject: r.subject,
            journalist: r.journalist,
            outlet: r.outlet,
            on: r.on,
            deadline: r.deadline,
            known_at: r.known_at,
        };
        let id = pi::record(&state.app, Actor::User(p), &r.agency, &input).await?;
        Ok((StatusCode::CREATED, Json(PressEntryCreated { id })).into_response())
    })
    .await
}

/// Completes an entry: a request answered, a conference held, an event's
/// first statement made, a correction made.
#[utoipa::path(post, operation_id = "press_entry_done", path = "/api/v1/press/entries/{entry}/done", params(("entry" = i64, Path, description = "the entry's id (`POST /api/v1/press/entries`)")), request_body = PressDoneRequest, security(("bearer" = [])), responses((status = 204, description = "done"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn done(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PressDoneRequest = json(&body)?;
        pi::complete(&state.app, Actor::User(p), id, &DoneInput { at: r.at, text: r.text, by: r.by }).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// The yearly report's counts, each with the records it counts.
#[utoipa::path(get, operation_id = "press_report", path = "/api/v1/press/report", params(PressReportQuery), security(("bearer" = [])), responses((status = 200, body = PressReportDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn report_api(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PressReportQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let year = match q.year {
            Some(y) if (2000..=2100).contains(&y) => y,
            Some(_) => return Err(WebError::BadRequest("year".into())),
            None => egov_news::press_info::report_year(state.app.now().date()),
        };
        let o = pi::overview(&state.app, Actor::User(p), year).await?;
        let (from, to) = period(year);
        let counts = COUNTS
            .iter()
            .filter_map(|(k, _)| count(&o.counts, k).map(|c| (k.to_string(), PressCountDoc { n: c.n, ids: c.ids.clone() })))
            .collect();
        Ok(Json(PressReportDoc { year, from: from.to_string(), to: to.to_string(), counts }).into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/thong-tin-bao-chi/bao-cao.pdf", get(pdf))
        .route("/quan-tri/thong-tin-bao-chi/bao-cao.xlsx", get(xlsx))
        .route("/api/v1/press/entries", post(add))
        .route("/api/v1/press/entries/{entry}/done", post(done))
        .route("/api/v1/press/report", get(report_api))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(add, done, report_api),
    components(schemas(PressEntryRequest, PressDoneRequest, PressEntryCreated, PressCountDoc, PressReportDoc))
)]
pub struct Api;

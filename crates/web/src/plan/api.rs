//! The plan through the API: the years planned, a plan imported from the
//! template (CSV or XLSX, all or nothing), the template itself, every
//! indicator's progress at a day (trend, previous year, parts), the
//! records an indicator counts, amendments, reported values with their
//! evidence and their approval.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use chrono::NaiveDate;
use egov_app::plan::{self as plan, Detail, Submission};
use egov_app::Actor;
use egov_i18n::Lang;
use egov_plan::Amendment;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::radio::api::{answer, instant, json};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans", get(years))
        .route("/api/v1/plans/template.csv", get(template_csv))
        .route("/api/v1/plans/template.xlsx", get(template_xlsx))
        .route("/api/v1/plans/{year}/import", post(import))
        .route("/api/v1/plans/{year}/progress", get(progress))
        .route("/api/v1/plans/indicators/{indicator}/records", get(records))
        .route("/api/v1/plans/indicators/{indicator}/amendments", post(amend))
        .route("/api/v1/plans/indicators/{indicator}/reports", post(submit))
        .route("/api/v1/plans/reports/{report}/decision", post(decide))
        .route("/api/v1/plans/reports/{report}/evidence", get(evidence))
}

/// A day given as `YYYY-MM-DD`, or the plan's default: today within the
/// year, its last day after it.
pub(crate) fn day_of(state: &AppState, year: i32, on: Option<&str>) -> Result<NaiveDate, WebError> {
    match on.map(str::trim) {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| WebError::Invalid(vec![egov_app::FieldError::new("on", "err.date")])),
        None => {
            let today = state.now().date();
            Ok(NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |end| end.min(today)))
        }
    }
}

pub(crate) fn year_ok(year: i32) -> Result<i32, WebError> {
    if (2000..=2200).contains(&year) {
        Ok(year)
    } else {
        Err(WebError::BadRequest("year: 2000 to 2200".into()))
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanYears {
    /// The years that have a plan, the latest first.
    years: Vec<i32>,
}

/// The years that have a plan (any official of the back office).
#[utoipa::path(get, operation_id = "plan_years", path = "/api/v1/plans", security(("bearer" = [])), responses((status = 200, body = PlanYears), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn years(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        if !plan::may_read(Actor::User(p)) {
            return Err(WebError::Forbidden);
        }
        Ok(Json(PlanYears { years: state.store.plan_years().await? }).into_response())
    })
    .await
}

/// The template of a plan's indicators (CSV, UTF-8 with a byte order
/// mark): its columns and one example row for each figure egov measures.
#[utoipa::path(get, operation_id = "plan_template", path = "/api/v1/plans/template.csv", responses((status = 200, description = "text/csv")))]
async fn template_csv() -> Response {
    let body = format!("\u{feff}{}", egov_plan::template::template_csv());
    crate::quality::pages::download(body.into_bytes(), "text/csv; charset=utf-8", "mau-chi-tieu.csv".into())
}

/// The same template as an XLSX workbook (one sheet; targets as numbers).
#[utoipa::path(get, operation_id = "plan_template_xlsx", path = "/api/v1/plans/template.xlsx", responses((status = 200, description = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn template_xlsx() -> Response {
    let r = async {
        let rows = egov_reports::csv_rows(egov_plan::template::template_csv().as_bytes())?;
        let mut rows = rows.into_iter();
        let headers = rows.next().unwrap_or_default();
        let rows = rows
            .map(|r| {
                r.into_iter()
                    .enumerate()
                    .map(|(i, c)| match (i, c.parse::<f64>()) {
                        (4, Ok(x)) => egov_reports::Cell::Number(x),
                        _ => egov_reports::Cell::Text(c),
                    })
                    .collect()
            })
            .collect();
        let table = egov_reports::Table { name: "Chỉ tiêu".into(), headers, rows };
        let made = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        let bytes = egov_reports::xlsx_made(&[table], made)?;
        let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        Ok::<Response, WebError>(crate::quality::pages::download(bytes, kind, "mau-chi-tieu.xlsx".into()))
    }
    .await;
    r.unwrap_or_else(|e| e.problem(Lang::Vi))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The decision that adopted the plan.
    #[param(min_length = 1, max_length = 200, example = "QĐ 15/QĐ-UBND")]
    decision: String,
    /// `YYYY-MM-DD`.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date, example = "2026-01-15")]
    adopted_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanCreated {
    year: i32,
    indicators: usize,
}

/// Sets a year's plan from the template (CSV, or an XLSX workbook's first
/// sheet), all or nothing: every bad cell is named (`rows[LINE].COLUMN`,
/// the header being line 1). A year planned already is a conflict.
#[utoipa::path(post, operation_id = "plan_import", path = "/api/v1/plans/{year}/import", params(("year" = i32, Path, minimum = 2000, maximum = 2200), ImportParams), request_body(content = String, content_type = "text/csv", description = "the template's rows (or an XLSX workbook)"), security(("bearer" = [])), responses((status = 201, body = PlanCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "nothing imported: `errors` names every bad cell")))]
async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
    q: Result<Query<ImportParams>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Bytes,
) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let year = year_ok(year)?;
        let Query(q) = q.map_err(|e| WebError::BadRequest(e.body_text()))?;
        let adopted_on = NaiveDate::parse_from_str(q.adopted_on.trim(), "%Y-%m-%d")
            .map_err(|_| WebError::Invalid(vec![egov_app::FieldError::new("adopted_on", "err.date")]))?;
        if !plan::may_keep(Actor::User(p)) {
            return Err(WebError::Forbidden);
        }
        let indicators = plan::read_template(&body)?;
        let n = indicators.len();
        let decision = q.decision.trim().to_string();
        plan::create(&state.app, Actor::User(p), &egov_store::plan::Plan { year, decision, adopted_on }, &indicators)
            .await?;
        Ok((StatusCode::CREATED, Json(PlanCreated { year, indicators: n })).into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// The day (`YYYY-MM-DD`): today within the year, its last day after it.
    #[serde(default)]
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    on: Option<String>,
    /// Also each month's value, the previous year's and the parts by
    /// agency or commune (slower).
    #[serde(default)]
    detail: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanPointDoc {
    /// The month's last day counted.
    day: String,
    value: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanPartDoc {
    /// The agency's id or the commune's code.
    key: String,
    name: String,
    value: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanIndicatorDoc {
    id: i64,
    code: String,
    name: String,
    unit: String,
    /// `at_least`, `at_most` or `exactly`.
    direction: String,
    /// The target in force at the day.
    target: f64,
    /// The plan's own target, before any amendment.
    planned_target: f64,
    amended: bool,
    value: Option<f64>,
    /// `exceeded`, `met`, `on_track`, `at_risk`, `missed` or `no_value`.
    verdict: String,
    /// `reported`, or the figure egov measures.
    source: String,
    agency: String,
    /// `level` or `cumulative`.
    course: String,
    trend: Vec<PlanPointDoc>,
    previous: Option<f64>,
    /// `agency`, `commune`, or empty.
    parts_by: String,
    parts: Vec<PlanPartDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanProgressDoc {
    year: i32,
    decision: String,
    on: String,
    indicators: Vec<PlanIndicatorDoc>,
}

/// Words for a part's key: an agency's or a commune's name.
pub(crate) struct Names {
    agencies: Vec<egov_directory::Agency>,
    units: Vec<egov_directory::AdminUnit>,
}

impl Names {
    pub(crate) async fn load(state: &AppState) -> Result<Names, WebError> {
        Ok(Names { agencies: state.store.agencies().await?, units: state.store.units().await? })
    }

    pub(crate) fn of(&self, lang: Lang, by: &str, key: &str) -> String {
        match by {
            "commune" => self.units.iter().find(|u| u.code.as_str() == key).map_or_else(|| key.to_string(), |u| u.name.clone()),
            _ => self
                .agencies
                .iter()
                .find(|a| a.id.as_str() == key)
                .map_or_else(|| key.to_string(), |a| if lang == Lang::En { a.name_en.clone() } else { a.name_vi.clone() }),
        }
    }
}

/// Every indicator of a year's plan at a day: the value, the target in
/// force, the verdict; with `detail`, the monthly trend, the previous
/// year's value and the parts.
#[utoipa::path(get, operation_id = "plan_progress", path = "/api/v1/plans/{year}/progress", params(("year" = i32, Path, minimum = 2000, maximum = 2200), ProgressParams), security(("bearer" = [])), responses((status = 200, body = PlanProgressDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "a day that does not exist")))]
async fn progress(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
    q: Result<Query<ProgressParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let year = year_ok(year)?;
        let Query(q) = q.map_err(|e| WebError::BadRequest(e.body_text()))?;
        let day = day_of(&state, year, q.on.as_deref())?;
        let all = q.detail.unwrap_or(false);
        let d = Detail { trend: all, previous: all, parts: all };
        let pr = plan::progress(&state.app, Actor::User(p), year, day, d).await?;
        let names = Names::load(&state).await?;
        let lang = ctx.lang;
        let indicators = pr
            .lines
            .iter()
            .map(|l| PlanIndicatorDoc {
                id: l.indicator.id,
                code: l.indicator.i.code.clone(),
                name: super::name(lang, &l.indicator).to_string(),
                unit: l.indicator.i.unit.clone(),
                direction: l.indicator.i.direction.as_str().into(),
                target: l.target,
                planned_target: l.indicator.i.target,
                amended: l.amended,
                value: l.value,
                verdict: l.verdict.as_str().into(),
                source: l.indicator.i.source.as_str().into(),
                agency: l.indicator.i.agency.clone(),
                course: match l.indicator.i.course {
                    egov_plan::Course::Level => "level",
                    egov_plan::Course::Cumulative => "cumulative",
                }
                .into(),
                trend: l.trend.iter().map(|(d, v)| PlanPointDoc { day: d.to_string(), value: *v }).collect(),
                previous: l.previous,
                parts_by: l.by.into(),
                parts: l
                    .parts
                    .iter()
                    .map(|(k, v)| PlanPartDoc { key: k.clone(), name: names.of(lang, l.by, k), value: *v })
                    .collect(),
            })
            .collect();
        Ok(Json(PlanProgressDoc { year, decision: pr.plan.decision, on: day.to_string(), indicators }).into_response())
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordsParams {
    /// The day (`YYYY-MM-DD`): today within the year, its last day after it.
    #[serde(default)]
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    on: Option<String>,
    /// Only an agency's (its id) or a commune's (its code) records.
    #[serde(default)]
    #[param(max_length = 60)]
    part: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanCountedDoc {
    /// The record's number in its module (a dossier's, an incident's, a
    /// machine's, a station's…), or for exchanges the month.
    id: String,
    label: String,
    agency: String,
    unit: String,
    at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanRecordsDoc {
    /// How many records the figure counts (the list holds at most 200).
    total: i64,
    items: Vec<PlanCountedDoc>,
}

/// The records an indicator's figure counts at a day (of an agency or a
/// commune): the dossiers, machines, incidents, outages, stations,
/// services, articles or conferences. A reported indicator counts none.
#[utoipa::path(get, operation_id = "plan_records", path = "/api/v1/plans/indicators/{indicator}/records", params(("indicator" = i64, Path), RecordsParams), security(("bearer" = [])), responses((status = 200, body = PlanRecordsDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "a day that does not exist")))]
async fn records(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(indicator): Path<i64>,
    q: Result<Query<RecordsParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let Query(q) = q.map_err(|e| WebError::BadRequest(e.body_text()))?;
        let i = state.store.plan_indicator(indicator).await?.ok_or(WebError::NotFound)?;
        let day = day_of(&state, i.year, q.on.as_deref())?;
        if q.part.as_ref().is_some_and(|p| p.chars().count() > 60) {
            return Err(WebError::BadRequest("part: at most 60 characters".into()));
        }
        let part = q.part.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let (_, items, total) = plan::records(&state.app, Actor::User(p), indicator, day, part).await?;
        let items = items
            .into_iter()
            .map(|c| PlanCountedDoc { id: c.id, label: c.label, agency: c.agency, unit: c.unit, at: c.at.map(instant) })
            .collect();
        Ok(Json(PlanRecordsDoc { total, items }).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanAmendmentRequest {
    /// The first day of the new target, `YYYY-MM-DD`, within the plan's year.
    #[schema(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date, example = "2026-07-01")]
    from: String,
    target: f64,
    /// The decision that amended the plan.
    #[schema(min_length = 1, max_length = 200, example = "QĐ 120/QĐ-UBND")]
    decision: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanItemCreated {
    id: i64,
}

/// Changes an indicator's target from a day (the department).
#[utoipa::path(post, operation_id = "plan_amend", path = "/api/v1/plans/indicators/{indicator}/amendments", params(("indicator" = i64, Path)), request_body = PlanAmendmentRequest, security(("bearer" = [])), responses((status = 201, body = PlanItemCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn amend(State(state): State<AppState>, ctx: Ctx, Path(indicator): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PlanAmendmentRequest = json(&body)?;
        let from = NaiveDate::parse_from_str(r.from.trim(), "%Y-%m-%d")
            .map_err(|_| WebError::Invalid(vec![egov_app::FieldError::new("from", "err.date")]))?;
        let a = Amendment { from, target: r.target, decision: r.decision.trim().to_string() };
        let id = plan::amend(&state.app, Actor::User(p), indicator, &a).await?;
        Ok((StatusCode::CREATED, Json(PlanItemCreated { id })).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanReportRequest {
    /// The day the value is of, `YYYY-MM-DD`, within the plan's year.
    #[schema(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date, example = "2026-06-30")]
    as_of: String,
    value: f64,
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
    /// The evidence's file name.
    #[schema(min_length = 1, max_length = 200, example = "bien-ban.pdf")]
    evidence_name: String,
    /// The evidence (a PDF, JPEG or PNG), in base 64.
    #[schema(min_length = 1)]
    evidence_base64: String,
}

/// Reports a value of an indicator the caller's agency is responsible for,
/// with its evidence; it counts once the department approves it.
#[utoipa::path(post, operation_id = "plan_report", path = "/api/v1/plans/indicators/{indicator}/reports", params(("indicator" = i64, Path)), request_body = PlanReportRequest, security(("bearer" = [])), responses((status = 201, body = PlanItemCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "the indicator is measured, not reported"), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn submit(State(state): State<AppState>, ctx: Ctx, Path(indicator): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PlanReportRequest = json(&body)?;
        let as_of = NaiveDate::parse_from_str(r.as_of.trim(), "%Y-%m-%d")
            .map_err(|_| WebError::Invalid(vec![egov_app::FieldError::new("as_of", "err.date")]))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(r.evidence_base64.trim())
            .map_err(|_| WebError::Invalid(vec![egov_app::FieldError::new("evidence_base64", "err.file.type")]))?;
        let s = Submission { as_of, value: r.value, note: r.note, file_name: r.evidence_name, bytes };
        let id = plan::submit(&state.app, Actor::User(p), indicator, s).await?;
        Ok((StatusCode::CREATED, Json(PlanItemCreated { id })).into_response())
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDecisionRequest {
    approve: bool,
    /// Why it is returned (required then).
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
}

/// Approves or returns a submitted value (the department); decided once.
#[utoipa::path(post, operation_id = "plan_decide", path = "/api/v1/plans/reports/{report}/decision", params(("report" = i64, Path)), request_body = PlanDecisionRequest, security(("bearer" = [])), responses((status = 204, description = "decided"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn decide(State(state): State<AppState>, ctx: Ctx, Path(report): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PlanDecisionRequest = json(&body)?;
        plan::decide(&state.app, Actor::User(p), report, r.approve, &r.note).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

/// A reported value's evidence, as it was uploaded.
#[utoipa::path(get, operation_id = "plan_evidence", path = "/api/v1/plans/reports/{report}/evidence", params(("report" = i64, Path)), security(("bearer" = [])), responses((status = 200, description = "the file"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn evidence(State(state): State<AppState>, ctx: Ctx, Path(report): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.principal()?;
        let (r, bytes) = plan::evidence(&state.app, Actor::User(p), report).await?;
        let (kind, ext) = match egov_dossier::sniff(&bytes) {
            Some("application/pdf") => ("application/pdf", "pdf"),
            Some("image/jpeg") => ("image/jpeg", "jpg"),
            Some("image/png") => ("image/png", "png"),
            _ => ("application/octet-stream", "bin"),
        };
        Ok(crate::quality::pages::download(bytes, kind, format!("minh-chung-{}.{ext}", r.id)))
    })
    .await
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(years, template_csv, template_xlsx, import, progress, records, amend, submit, decide, evidence, super::report::report_file),
    components(schemas(
        PlanYears,
        PlanCreated,
        PlanPointDoc,
        PlanPartDoc,
        PlanIndicatorDoc,
        PlanProgressDoc,
        PlanCountedDoc,
        PlanRecordsDoc,
        PlanAmendmentRequest,
        PlanItemCreated,
        PlanReportRequest,
        PlanDecisionRequest
    ))
)]
pub struct Api;

//! The plan's pages: the dashboard of a year at a day (a chart of every
//! indicator's value against its target, and the same as a table), an
//! indicator's page (its monthly trend, its parts, the records it counts,
//! its amendments and reported values), and their forms: importing a
//! plan from the template, amending a target, reporting a value with its
//! evidence, approving or returning it. A form that comes back keeps what
//! was typed and says every problem at its field.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use egov_app::plan::{self as plan, Detail, Submission};
use egov_app::{Actor, AppError};
use egov_i18n::{t, Lang};
use egov_identity::{Action, Principal};
use egov_plan::{Amendment, Source, Verdict};

use super::api::{day_of, Names};
use super::{figure, name, source_words, target_words, verdict_key};
use crate::ctx::Ctx;
use crate::views::{field_message, or_login, render, sent_or_held, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

pub const BASE: &str = "/quan-tri/ke-hoach";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(dashboard))
        .route("/quan-tri/ke-hoach/nhap", post(import))
        .route("/quan-tri/ke-hoach/chi-tieu/{id}", get(indicator))
        .route("/quan-tri/ke-hoach/chi-tieu/{id}/dieu-chinh", post(amend))
        .route("/quan-tri/ke-hoach/chi-tieu/{id}/bao-cao", post(submit))
        .route("/quan-tri/ke-hoach/bao-cao/{id}/duyet", post(decide))
}

fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if p.may(Action::ReadPlan) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

/// A form's day (`YYYY-MM-DD`), or its error at the field.
fn date_in(form: &FormState, field: &str, errs: &mut Vec<egov_app::FieldError>) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(form.v(field).trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        errs.push(egov_app::FieldError::new(field, "err.date"));
    }
    d
}

/// A form's number (a decimal comma read as a point), or its error at the field.
fn number_in(form: &FormState, field: &str, errs: &mut Vec<egov_app::FieldError>) -> Option<f64> {
    let x = form.v(field).trim().replace(',', ".").parse::<f64>().ok().filter(|x| x.is_finite());
    if x.is_none() {
        errs.push(egov_app::FieldError::new(field, "err.number"));
    }
    x
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// How a verdict looks beside its words (never the colour alone).
fn tone(v: Verdict) -> &'static str {
    match v {
        Verdict::Exceeded | Verdict::Met => "ok",
        Verdict::OnTrack => "ok",
        Verdict::AtRisk => "warn",
        Verdict::Missed => "bad",
        Verdict::NoValue => "none",
    }
}

/// A form's problems as the page shows them: each at its field, and the
/// summary linking to them.
fn with_errors(lang: Lang, form: &mut FormState, errs: &[egov_app::FieldError], prefix: &str) -> Vec<SummaryItem> {
    for e in errs {
        form.errors.push((e.field.clone(), field_message(lang, e)));
    }
    form.errors
        .iter()
        .map(|(f, m)| {
            let label = match f.as_str() {
                "year" => t(lang, "plan.year"),
                "decision" if prefix == "amend-" => t(lang, "plan.amend_decision"),
                "decision" => t(lang, "plan.decision"),
                "adopted_on" => t(lang, "plan.adopted_on"),
                "file" => t(lang, "plan.file"),
                "from" => t(lang, "plan.from_day"),
                "target" => t(lang, "plan.col.target"),
                "as_of" => t(lang, "plan.as_of"),
                "value" => t(lang, "plan.col.value"),
                "note" => t(lang, "plan.note"),
                "evidence" => t(lang, "plan.evidence"),
                _ => f.as_str(),
            };
            // a template's cell: rows[LINE].COLUMN, said as "line LINE, COLUMN"
            let label = match f.strip_prefix("rows[").and_then(|r| r.split_once("].")) {
                Some((line, col)) => format!("{} {line}, {} {col}", t(lang, "plan.line"), t(lang, "plan.column")),
                None => label.to_string(),
            };
            let target = if f.starts_with("rows[") { "file" } else { f.as_str() };
            SummaryItem::new(&format!("{prefix}{target}"), &label, m)
        })
        .collect()
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub target: String,
    pub amended: bool,
    pub value: String,
    pub verdict: String,
    pub tone: &'static str,
    pub source: String,
    pub agency: String,
    /// The chart: the bar's and the target mark's x in a 0–300 drawing, the row's top.
    pub bar: f64,
    pub mark: f64,
    pub y: usize,
}

#[derive(Template)]
#[template(path = "plan/dashboard.html")]
struct DashPage {
    layout: Layout,
    years: Vec<(i32, bool)>,
    year: i32,
    on: String,
    on_words: String,
    plan: Option<(String, String)>,
    rows: Vec<Row>,
    counts: Vec<(String, usize)>,
    keeper: bool,
    form: FormState,
    summary: Vec<SummaryItem>,
    /// The file's problems: each bad cell by line and column.
    file_errors: Vec<String>,
    saved: bool,
}

#[derive(serde::Deserialize, Default)]
struct DashQuery {
    nam: Option<String>,
    ngay: Option<String>,
    luu: Option<String>,
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx, Query(q): Query<DashQuery>) -> Response {
    let r = async {
        let p = reader(&ctx)?.clone();
        show(&state, &ctx, &p, &q, FormState::default(), StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    q: &DashQuery,
    mut form: FormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let planned = state.store.plan_years().await?;
    let today = state.now().date();
    let year = q
        .nam
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=2200).contains(y))
        .or_else(|| planned.first().copied())
        .unwrap_or_else(|| chrono::Datelike::year(&today));
    let on = day_of(state, year, q.ngay.as_deref().filter(|d| !d.trim().is_empty())).unwrap_or(today);
    let mut years: Vec<(i32, bool)> = planned.iter().map(|y| (*y, *y == year)).collect();
    if !planned.contains(&year) {
        years.insert(0, (year, true));
    }
    let actor = Actor::User(p);
    let (plan_words, rows, counts) = match plan::progress(&state.app, actor, year, on, Detail::default()).await {
        Ok(pr) => {
            let names = Names::load(state).await?;
            let mut counts: Vec<(String, usize)> = Vec::new();
            for v in [Verdict::Exceeded, Verdict::Met, Verdict::OnTrack, Verdict::AtRisk, Verdict::Missed, Verdict::NoValue] {
                let n = pr.lines.iter().filter(|l| l.verdict == v).count();
                if n > 0 {
                    counts.push((t(lang, verdict_key(v)).to_string(), n));
                }
            }
            let rows = pr
                .lines
                .iter()
                .enumerate()
                .map(|(n, l)| {
                    let scale = l.value.unwrap_or(0.0).max(l.target).max(1e-9) * 1.1;
                    Row {
                        id: l.indicator.id,
                        name: name(lang, &l.indicator).to_string(),
                        unit: l.indicator.i.unit.clone(),
                        target: target_words(lang, l.indicator.i.direction, l.target),
                        amended: l.amended,
                        value: figure(l.value),
                        verdict: t(lang, verdict_key(l.verdict)).to_string(),
                        tone: tone(l.verdict),
                        source: source_words(lang, l.indicator.i.source),
                        agency: names.of(lang, "agency", &l.indicator.i.agency),
                        bar: (l.value.unwrap_or(0.0).max(0.0) / scale * 300.0).min(300.0),
                        mark: (l.target.max(0.0) / scale * 300.0).min(300.0),
                        y: 10 + 34 * n,
                    }
                })
                .collect();
            (Some((pr.plan.decision.clone(), day(pr.plan.adopted_on))), rows, counts)
        }
        Err(AppError::NotFound) => (None, Vec::new(), Vec::new()),
        Err(e) => return Err(e.into()),
    };
    if form.values.is_empty() {
        form.values.insert("year".into(), year.to_string());
    }
    let summary = with_errors(lang, &mut form, &[], "imp-");
    let file_errors = summary
        .iter()
        .zip(&form.errors)
        .filter(|(_, (f, _))| f == "file" || f.starts_with("rows["))
        .map(|(s, _)| s.text.clone())
        .collect();
    let title = crate::views::error_title(lang, form.has_errors(), t(lang, "plan.title").to_string());
    let page = DashPage {
        layout: Layout::titled(ctx, title),
        years,
        year,
        on: on.to_string(),
        on_words: day(on),
        plan: plan_words,
        rows,
        counts,
        keeper: plan::may_keep(Actor::User(p)),
        form,
        summary,
        file_errors,
        saved: q.luu.is_some(),
    };
    Ok(render(status, &page))
}

/// A template's media type: a workbook by its zip signature, else CSV.
fn template_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"PK\x03\x04") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv"
    }
}

async fn import(State(state): State<AppState>, ctx: Ctx, req: Request) -> Response {
    let r = async {
        if !crate::dossiers::api::is_multipart(&req) {
            return Err(WebError::BadRequest("multipart/form-data expected".into()));
        }
        let (fields, mut files) = crate::dossiers::api::read_parts(req).await?;
        ctx.check_form(&fields)?;
        let p = reader(&ctx)?.clone();
        let owner = p.user_id.to_string();
        let mut form = FormState::posted(&fields);
        form.values.retain(|k, _| !k.starts_with("held_"));
        let lang = ctx.lang;
        let year = form.v("year").trim().parse::<i32>().ok().filter(|y| (2000..=2200).contains(y));
        let mut errs = Vec::new();
        if year.is_none() {
            errs.push(egov_app::FieldError::new("year", "err.plan.year"));
        }
        let adopted = date_in(&form, "adopted_on", &mut errs);
        // the file read whatever else is wrong: every problem said at once
        let file = sent_or_held(&state.app, &owner, &mut files, &fields, "file").await?;
        let list = match &file {
            None => {
                errs.push(egov_app::FieldError::new("file", "err.required"));
                None
            }
            Some(f) => match plan::read_template(&f.bytes) {
                Ok(list) => Some(list),
                Err(AppError::Invalid(e)) => {
                    errs.extend(e);
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        let outcome = match (year, adopted, &list) {
            (Some(year), Some(adopted_on), Some(list)) if errs.is_empty() => {
                let plan = egov_store::plan::Plan { year, decision: form.v("decision").trim().to_string(), adopted_on };
                plan::create(&state.app, Actor::User(&p), &plan, list).await.map(|_| year)
            }
            _ => {
                plan::check_decision(form.v("decision"), &mut errs);
                Err(AppError::Invalid(errs))
            }
        };
        // a file that read well comes back held when something else is refused
        let file_refused = |e: &[egov_app::FieldError]| e.iter().any(|e| e.field == "file" || e.field.starts_with("rows["));
        match (&outcome, file) {
            (Err(AppError::Invalid(e)), Some(f)) if list.is_some() && !file_refused(e) => {
                let kind = template_type(&f.bytes);
                form.hold(&state.app, &owner, "file", f, kind).await?
            }
            (Err(AppError::Store(egov_store::StoreError::Conflict(_))), Some(f)) => {
                let kind = template_type(&f.bytes);
                form.hold(&state.app, &owner, "file", f, kind).await?
            }
            (Ok(_), Some(f)) => f.used(&state.app, &owner).await?,
            _ => {}
        }
        let q = DashQuery { nam: year.map(|y| y.to_string()), ..DashQuery::default() };
        match outcome {
            Ok(year) => Ok(Redirect::to(&format!("{BASE}?nam={year}&luu=1")).into_response()),
            Err(AppError::Invalid(errs)) => {
                for e in &errs {
                    form.errors.push((e.field.clone(), field_message(lang, e)));
                }
                show(&state, &ctx, &p, &q, form, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(AppError::Store(egov_store::StoreError::Conflict(_))) => {
                form.add("year", lang, "err.plan.exists");
                show(&state, &ctx, &p, &q, form, StatusCode::CONFLICT).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

pub struct Point {
    pub label: String,
    pub value: String,
    pub x: usize,
    pub height: f64,
}

pub struct PartLine {
    pub key: String,
    pub name: String,
    pub value: String,
}

pub struct RecordLine {
    pub label: String,
    pub agency: String,
    pub unit: String,
    pub at: String,
    pub href: Option<String>,
}

pub struct ReportLine {
    pub id: i64,
    pub as_of: String,
    pub value: String,
    pub note: String,
    pub state: String,
    pub submitted: bool,
    pub decision_note: String,
}

#[derive(Template)]
#[template(path = "plan/indicator.html")]
struct IndicatorPage {
    layout: Layout,
    id: i64,
    year: i32,
    name: String,
    unit: String,
    on: String,
    on_words: String,
    target: String,
    planned: String,
    amended: bool,
    value: String,
    verdict: String,
    tone: &'static str,
    source: String,
    agency: String,
    reported: bool,
    trend: Vec<Point>,
    target_y: f64,
    parts_by: String,
    parts: Vec<PartLine>,
    part: String,
    records: Vec<RecordLine>,
    total: i64,
    amendments: Vec<(String, String, String)>,
    reports: Vec<ReportLine>,
    keeper: bool,
    reporter: bool,
    back: String,
    form: FormState,
    summary: Vec<SummaryItem>,
}

#[derive(serde::Deserialize, Default)]
struct IndicatorQuery {
    ngay: Option<String>,
    phan: Option<String>,
}

async fn indicator(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<IndicatorQuery>) -> Response {
    let r = async {
        let p = reader(&ctx)?.clone();
        indicator_page(&state, &ctx, &p, id, &q, "", FormState::default(), StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

/// Where a counted record is shown, where it has a page.
fn record_href(source: Source, id: &str, label: &str) -> Option<String> {
    use egov_plan::Measure as M;
    match source {
        Source::Measured(M::OnlineDossiers | M::OnTime | M::PaidOnline | M::Digitisation | M::Index766) => {
            Some(format!("/quan-tri/ho-so/{label}"))
        }
        Source::Measured(M::SeriousIncidents) => Some(format!("/quan-tri/su-co/{id}")),
        Source::Measured(M::NewsArticles) => Some(format!("/tin-tuc/{id}")),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn indicator_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i64,
    q: &IndicatorQuery,
    back: &str,
    mut form: FormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let i = state.store.plan_indicator(id).await?.ok_or(WebError::NotFound)?;
    let on = day_of(state, i.year, q.ngay.as_deref().filter(|d| !d.trim().is_empty())).unwrap_or_else(|_| state.now().date());
    let actor = Actor::User(p);
    let pr = plan::progress(&state.app, actor, i.year, on, Detail { trend: true, previous: false, parts: true }).await?;
    let l = pr.lines.iter().find(|l| l.indicator.id == id).ok_or(WebError::NotFound)?;
    let names = Names::load(state).await?;
    let part = q.phan.as_deref().map(str::trim).filter(|s| !s.is_empty() && s.len() <= 60).map(String::from);
    let (_, counted, total) = plan::records(&state.app, actor, id, on, part.as_deref()).await?;
    let top = l.trend.iter().filter_map(|(_, v)| *v).fold(l.target, f64::max).max(1e-9) * 1.1;
    let trend = l
        .trend
        .iter()
        .enumerate()
        .map(|(n, (d, v))| Point {
            label: d.format("%m/%Y").to_string(),
            value: figure(*v),
            x: 50 + 44 * n,
            height: v.unwrap_or(0.0).max(0.0) / top * 150.0,
        })
        .collect();
    let records = counted
        .into_iter()
        .map(|c| RecordLine {
            href: record_href(i.i.source, &c.id, &c.label),
            agency: if c.agency.is_empty() { String::new() } else { names.of(lang, "agency", &c.agency) },
            unit: if c.unit.is_empty() { String::new() } else { names.of(lang, "commune", &c.unit) },
            at: c.at.map(|m| egov_kernel::vn::from_micros(m).map_or_else(String::new, |d| d.format("%d/%m/%Y %H:%M").to_string())).unwrap_or_default(),
            label: c.label,
        })
        .collect();
    let reports = l
        .reports
        .iter()
        .map(|r| ReportLine {
            id: r.id,
            as_of: day(r.as_of),
            value: figure(Some(r.value)),
            note: r.note.clone(),
            state: t(lang, state_key(r.state)).to_string(),
            submitted: r.state == egov_plan::ReportState::Submitted,
            decision_note: r.decision_note.clone(),
        })
        .collect();
    let prefix = format!("{back}-");
    let summary = with_errors(lang, &mut form, &[], &prefix);
    let title = crate::views::error_title(lang, form.has_errors(), name(lang, &i).to_string());
    let page = IndicatorPage {
        layout: Layout::titled(ctx, title),
        id,
        year: i.year,
        name: name(lang, &i).to_string(),
        unit: i.i.unit.clone(),
        on: on.to_string(),
        on_words: day(on),
        target: target_words(lang, i.i.direction, l.target),
        planned: target_words(lang, i.i.direction, i.i.target),
        amended: l.amended,
        value: figure(l.value),
        verdict: t(lang, verdict_key(l.verdict)).to_string(),
        tone: tone(l.verdict),
        source: source_words(lang, i.i.source),
        agency: names.of(lang, "agency", &i.i.agency),
        reported: i.i.source == Source::Reported,
        target_y: 170.0 - l.target.max(0.0) / top * 150.0,
        trend,
        parts_by: l.by.to_string(),
        parts: l
            .parts
            .iter()
            .map(|(k, v)| PartLine { key: k.clone(), name: names.of(lang, l.by, k), value: figure(*v) })
            .collect(),
        part: part.unwrap_or_default(),
        records,
        total,
        amendments: i
            .amendments
            .iter()
            .map(|a| (day(a.from), target_words(lang, i.i.direction, a.target), a.decision.clone()))
            .collect(),
        reports,
        keeper: plan::may_keep(actor),
        reporter: i.i.source == Source::Reported && p.may(Action::ReportIndicator(&i.i.agency)),
        back: back.to_string(),
        form,
        summary,
    };
    Ok(render(status, &page))
}

fn state_key(s: egov_plan::ReportState) -> &'static str {
    match s {
        egov_plan::ReportState::Submitted => "plan.state.submitted",
        egov_plan::ReportState::Approved => "plan.state.approved",
        egov_plan::ReportState::Returned => "plan.state.returned",
    }
}

/// A form's outcome: back to the indicator's page, or the page again with
/// the form's problems (every field's, what was typed kept).
async fn outcome(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i64,
    which: &str,
    mut form: FormState,
    r: Result<(), AppError>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let status = match r {
        Ok(()) => return Ok(Redirect::to(&format!("/quan-tri/ke-hoach/chi-tieu/{id}?luu=1")).into_response()),
        Err(AppError::Invalid(errs)) => {
            for e in &errs {
                form.errors.push((e.field.clone(), field_message(lang, e)));
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AppError::Refused(how, key, _)) => {
            form.errors.push((String::new(), t(lang, key).to_string()));
            WebError::from(AppError::Refused(how, key, String::new())).status()
        }
        Err(e) => return Err(e.into()),
    };
    indicator_page(state, ctx, p, id, &IndicatorQuery::default(), which, form, status).await
}

async fn amend(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let form = FormState::posted(&f);
        let mut errs = Vec::new();
        let from = date_in(&form, "from", &mut errs);
        let target = number_in(&form, "target", &mut errs);
        let r = match (from, target) {
            (Some(from), Some(target)) if errs.is_empty() => {
                let a = Amendment { from, target, decision: form.v("decision").trim().to_string() };
                plan::amend(&state.app, Actor::User(&p), id, &a).await.map(|_| ())
            }
            _ => {
                plan::check_decision(form.v("decision"), &mut errs);
                Err(AppError::Invalid(errs))
            }
        };
        outcome(&state, &ctx, &p, id, "amend", form, r).await
    }
    .await;
    or_login(&ctx, r)
}

async fn submit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, req: Request) -> Response {
    let r = async {
        if !crate::dossiers::api::is_multipart(&req) {
            return Err(WebError::BadRequest("multipart/form-data expected".into()));
        }
        let (fields, mut files) = crate::dossiers::api::read_parts(req).await?;
        ctx.check_form(&fields)?;
        let p = reader(&ctx)?.clone();
        let owner = p.user_id.to_string();
        let mut form = FormState::posted(&fields);
        form.values.retain(|k, _| !k.starts_with("held_"));
        let mut errs = Vec::new();
        let as_of = date_in(&form, "as_of", &mut errs);
        let value = number_in(&form, "value", &mut errs);
        let evidence = sent_or_held(&state.app, &owner, &mut files, &fields, "evidence").await?;
        let r = match (as_of, value, &evidence) {
            (Some(as_of), Some(value), Some(f)) if errs.is_empty() => {
                let s = Submission {
                    as_of,
                    value,
                    note: form.v("note").to_string(),
                    file_name: f.name.clone(),
                    bytes: f.bytes.clone(),
                };
                plan::submit(&state.app, Actor::User(&p), id, s).await.map(|_| ())
            }
            _ => {
                plan::check_report(form.v("note"), evidence.as_ref().map_or(&[][..], |f| f.bytes.as_slice()), &mut errs);
                Err(AppError::Invalid(errs))
            }
        };
        match (&r, evidence) {
            // a good file comes back held when another field is refused
            (Err(AppError::Invalid(errs)), Some(f)) if !errs.iter().any(|e| e.field == "evidence") => {
                if let Some(kind) = egov_app::files::document_kind(&f.bytes) {
                    form.hold(&state.app, &owner, "evidence", f, kind).await?;
                }
            }
            (Ok(()), Some(f)) => f.used(&state.app, &owner).await?,
            _ => {}
        }
        outcome(&state, &ctx, &p, id, "report", form, r).await
    }
    .await;
    or_login(&ctx, r)
}

async fn decide(State(state): State<AppState>, ctx: Ctx, Path(report): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let rep = state.store.plan_report(report).await?.ok_or(WebError::NotFound)?;
        let form = FormState::posted(&f);
        let approve = form.v("approve") == "1";
        let r = plan::decide(&state.app, Actor::User(&p), report, approve, form.v("note")).await;
        outcome(&state, &ctx, &p, rep.indicator_id, &format!("decide{report}"), form, r).await
    }
    .await;
    or_login(&ctx, r)
}

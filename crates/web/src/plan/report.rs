//! The year-end report of a plan: each indicator's target (the one in
//! force at the year's end, saying when an amendment set it), the value
//! achieved and the verdict; the changes from the previous year; an annex
//! of the figures by agency and by commune. As PDF, as an ODT document and
//! as an XLSX workbook, for any year, in Vietnamese or English; the same
//! data give the same bytes (nothing in it says when it was made).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use egov_app::plan::{self as plan, Detail, Progress};
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_reports::{Cell, Report, Table};
use serde::Deserialize;
use utoipa::IntoParams;

use super::api::{day_of, year_ok, Names};
use super::{name, target_words, verdict_key};
use crate::ctx::Ctx;
use crate::radio::api::answer;
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/plans/{year}/report/{format}", get(report_file))
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn num(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

/// The report's tables and facts, in `lang`.
pub(crate) fn build(p: &Progress, names: &Names, lang: Lang) -> Report {
    let tr = |k: &'static str| t(lang, k).to_string();
    let mut main = Table {
        name: tr("plan.report.indicators"),
        headers: vec![
            tr("plan.col.indicator"),
            tr("plan.col.unit"),
            tr("plan.col.target"),
            tr("plan.col.value"),
            tr("plan.col.verdict"),
            tr("plan.col.source"),
            tr("plan.col.agency"),
        ],
        rows: Vec::new(),
    };
    let mut changes = Table {
        name: tr("plan.report.changes"),
        headers: vec![tr("plan.col.indicator"), tr("plan.col.previous"), tr("plan.col.value"), tr("plan.col.change")],
        rows: Vec::new(),
    };
    let mut by_agency = Table {
        name: tr("plan.report.by_agency"),
        headers: vec![tr("plan.col.indicator"), tr("plan.col.agency"), tr("plan.col.value")],
        rows: Vec::new(),
    };
    let mut by_commune = Table {
        name: tr("plan.report.by_commune"),
        headers: vec![tr("plan.col.indicator"), tr("plan.col.commune"), tr("plan.col.value")],
        rows: Vec::new(),
    };
    let (mut kept, mut missed) = (0, 0);
    for (n, l) in p.lines.iter().enumerate() {
        let i = &l.indicator;
        let mut target = target_words(lang, i.i.direction, l.target);
        if l.amended {
            if let Some(a) = i.amendments.iter().filter(|a| a.from <= p.day).max_by_key(|a| a.from) {
                target.push_str(&format!(
                    " ({} {} {} {}; {} {})",
                    tr("plan.amended_by"),
                    a.decision,
                    tr("plan.from_day"),
                    day(a.from),
                    tr("plan.planned"),
                    target_words(lang, i.i.direction, i.i.target)
                ));
            }
        }
        if l.verdict.kept() {
            kept += 1;
        } else if l.verdict == egov_plan::Verdict::Missed {
            missed += 1;
        }
        main.rows.push(vec![
            Cell::Text(format!("{}. {}", n + 1, name(lang, i))),
            Cell::Text(i.i.unit.clone()),
            Cell::Text(target),
            num(l.value),
            Cell::Text(tr(verdict_key(l.verdict))),
            Cell::Text(tr(match i.i.source {
                egov_plan::Source::Reported => "plan.source.reported_short",
                egov_plan::Source::Measured(_) => "plan.source.measured",
            })),
            Cell::Text(names.of(lang, "agency", &i.i.agency)),
        ]);
        let change = match (l.previous, l.value) {
            (Some(a), Some(b)) => Cell::Number(b - a),
            _ => Cell::Empty,
        };
        changes.rows.push(vec![Cell::Text(name(lang, i).to_string()), num(l.previous), num(l.value), change]);
        for (key, v) in &l.parts {
            let row = vec![Cell::Text(name(lang, i).to_string()), Cell::Text(names.of(lang, l.by, key)), num(*v)];
            if l.by == "commune" {
                by_commune.rows.push(row);
            } else {
                by_agency.rows.push(row);
            }
        }
    }
    Report {
        title: format!("{} {}", tr("plan.report.title"), p.plan.year),
        facts: vec![
            (tr("plan.year"), p.plan.year.to_string()),
            (tr("plan.decision"), format!("{} ({})", p.plan.decision, day(p.plan.adopted_on))),
            (tr("plan.as_of"), day(p.day)),
            (tr("plan.report.count"), p.lines.len().to_string()),
            (tr("plan.report.kept"), kept.to_string()),
            (tr("plan.report.missed"), missed.to_string()),
        ],
        tables: vec![main, changes, by_agency, by_commune],
        footer: tr("plan.report.footer"),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The day the figures run to (`YYYY-MM-DD`): by default the year's last day, or today within it.
    #[serde(default)]
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    on: Option<String>,
    /// `vi` (default) or `en`.
    #[serde(default)]
    #[param(pattern = "^(vi|en)$")]
    lang: Option<String>,
}

/// The year-end report of a plan: `pdf`, `odt` (editable) or `xlsx` (the figures).
#[utoipa::path(get, operation_id = "plan_report_file", path = "/api/v1/plans/{year}/report/{format}", params(("year" = i32, Path, minimum = 2000, maximum = 2200), ("format" = String, Path, pattern = "^(pdf|odt|xlsx)$"), ReportParams), security(("bearer" = [])), responses((status = 200, description = "application/pdf, application/vnd.oasis.opendocument.text or the XLSX workbook"), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "a day that does not exist")))]
pub(crate) async fn report_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, format)): Path<(i32, String)>,
    q: Result<Query<ReportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    answer(&ctx, async {
        let p = ctx.principal()?;
        let year = year_ok(year)?;
        let Query(q) = q.map_err(|e| WebError::BadRequest(e.body_text()))?;
        let lang = match q.lang.as_deref() {
            None => Lang::Vi,
            Some("vi") => Lang::Vi,
            Some("en") => Lang::En,
            Some(_) => return Err(WebError::BadRequest("lang: vi or en".into())),
        };
        if !matches!(format.as_str(), "pdf" | "odt" | "xlsx") {
            return Err(WebError::BadRequest("format: pdf, odt or xlsx".into()));
        }
        let day = day_of(&state, year, q.on.as_deref())?;
        let d = Detail { trend: false, previous: true, parts: true };
        let pr = plan::progress(&state.app, Actor::User(p), year, day, d).await?;
        let names = Names::load(&state).await?;
        let r = build(&pr, &names, lang);
        let stem = format!("bao-cao-ke-hoach-{year}-{}", lang.code());
        let made = day.and_hms_opt(23, 59, 0);
        let (bytes, kind) = match format.as_str() {
            "pdf" => (egov_reports::pdf_fitted(&r)?, "application/pdf"),
            "odt" => (egov_reports::odt(&r)?, "application/vnd.oasis.opendocument.text"),
            _ => {
                let facts = Table {
                    name: t(lang, "plan.report.facts").to_string(),
                    headers: vec![r.title.clone(), String::new()],
                    rows: r.facts.iter().map(|(k, v)| vec![Cell::Text(k.clone()), Cell::Text(v.clone())]).collect(),
                };
                let mut tables = vec![facts];
                tables.extend(r.tables.iter().cloned());
                for t in &mut tables {
                    t.name = t.name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
                }
                (
                    egov_reports::xlsx_made(&tables, made)?,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            }
        };
        Ok(crate::quality::pages::download(bytes, kind, format!("{stem}.{format}")))
    })
    .await
}

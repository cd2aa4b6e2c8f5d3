//! The register's year as files: a workbook (`/quan-tri/su-co.xlsx`,
//! `GET /api/v1/incidents/report.xlsx`: the incidents, the count by kind
//! and severity, the systems) and a printable PDF of the year-end figures
//! (`/quan-tri/su-co.pdf`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use egov_app::incidents as inc;
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_incident::{Kind, Severity};
use egov_reports::{Cell, Table};

use super::pages::{kind_key, phase_key, reader, severity_key};
use crate::ctx::Ctx;
use crate::views::or_login;
use crate::{AppState, WebError};

async fn tables(state: &AppState, actor: Actor<'_>, year: i32, lang: Lang) -> Result<(Vec<Table>, Vec<(String, String)>), WebError> {
    let h = |keys: &[&'static str]| keys.iter().map(|k| t(lang, k).to_string()).collect::<Vec<_>>();
    let sheet = |key: &'static str| t(lang, key).chars().take(31).collect::<String>();
    let list = inc::incidents(&state.app, actor, year).await?;
    let (agencies, units) = crate::network::pages::names(state, lang).await?;
    let name = |m: &HashMap<String, String>, k: &str| Cell::Text(m.get(k).cloned().unwrap_or_else(|| k.to_string()));
    let at = |m: i64| egov_kernel::vn::from_micros(m).map_or(Cell::Empty, Cell::DateTime);
    let incidents = Table {
        name: sheet("inc.list"),
        headers: h(&["inc.code", "inc.name", "inc.agency", "inc.unit", "inc.kind", "inc.severity", "inc.serious", "inc.phase", "inc.discovered", "inc.reports"]),
        rows: list
            .iter()
            .map(|(i, owed)| {
                vec![
                    Cell::Text(inc::pdf::code(i)),
                    Cell::Text(i.n.title.clone()),
                    name(&agencies, &i.n.agency_id),
                    name(&units, &i.n.unit_code),
                    Cell::Text(t(lang, kind_key(i.n.kind)).into()),
                    Cell::Text(t(lang, severity_key(i.n.severity)).into()),
                    Cell::Text(t(lang, if i.n.serious { "net.yes" } else { "net.no" }).into()),
                    Cell::Text(t(lang, phase_key(i.phase)).into()),
                    at(i.n.discovered_at),
                    Cell::Text(t(lang, if owed.iter().any(|o| o.late) { "inc.late" } else { "inc.on_time" }).into()),
                ]
            })
            .collect(),
    };
    let s = inc::year_stats(&state.app, actor, year).await?;
    let mut headers = vec![t(lang, "inc.kind").to_string()];
    headers.extend(Severity::ALL.iter().map(|x| t(lang, severity_key(*x)).to_string()));
    headers.push(t(lang, "inc.total").into());
    let by_kind = Table {
        name: sheet("inc.figures"),
        headers,
        rows: Kind::ALL
            .iter()
            .filter(|k| s.by_kind.contains_key(k))
            .map(|k| {
                let mut row = vec![Cell::Text(t(lang, kind_key(*k)).into())];
                let m = s.by_kind_severity.get(k);
                row.extend(Severity::ALL.iter().map(|x| Cell::Number(m.and_then(|m| m.get(x)).copied().unwrap_or(0) as f64)));
                row.push(Cell::Number(s.by_kind[k] as f64));
                row
            })
            .collect(),
    };
    let systems = Table {
        name: sheet("inc.systems"),
        headers: h(&["inc.system", "inc.owner", "inc.level", "inc.decision", "inc.last_test", "inc.national"]),
        rows: inc::systems(&state.app, actor)
            .await?
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.s.name.clone()),
                    Cell::Text(r.s.owner_agency.clone()),
                    Cell::Number(f64::from(r.s.level().number())),
                    Cell::Text(r.s.approval_decision.clone()),
                    r.s.last_test.map_or(Cell::Empty, |d| Cell::Text(d.format("%d/%m/%Y").to_string())),
                    Cell::Text(t(lang, if r.s.national { "net.yes" } else { "net.no" }).into()),
                ]
            })
            .collect(),
    };
    let hours = |h: Option<f64>| h.map_or_else(|| "—".to_string(), |h| format!("{h:.1} {}", t(lang, "inc.hours")));
    let facts = vec![
        (t(lang, "inc.year").to_string(), year.to_string()),
        (t(lang, "inc.total").to_string(), s.total.to_string()),
        (t(lang, "inc.serious_count").to_string(), s.serious.to_string()),
        (t(lang, "inc.open").to_string(), s.open.to_string()),
        (t(lang, "inc.to_contain").to_string(), hours(s.to_contain.mean)),
        (t(lang, "inc.to_close").to_string(), hours(s.to_close.mean)),
    ];
    Ok((vec![incidents, by_kind, systems], facts))
}

fn year_of(state: &AppState, q: &HashMap<String, String>) -> Result<i32, WebError> {
    match q.get("nam").or_else(|| q.get("year")) {
        None => Ok(chrono::Datelike::year(&state.app.now())),
        Some(y) => y.parse().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| WebError::BadRequest("year: from 2000 to 2100".into())),
    }
}

fn xlsx(bytes: Vec<u8>, year: i32) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"su-co_{year}.xlsx\"")),
        ],
        bytes,
    )
        .into_response()
}

async fn workbook(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let year = year_of(&state, &q)?;
        let (tables, _) = tables(&state, Actor::User(p), year, ctx.lang).await?;
        Ok(xlsx(egov_reports::xlsx(&tables)?, year))
    }
    .await;
    or_login(&ctx, r)
}

async fn printable(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let year = year_of(&state, &q)?;
        let (tables, facts) = tables(&state, Actor::User(p), year, ctx.lang).await?;
        let report = egov_reports::Report {
            title: format!("{} {year}", t(ctx.lang, "inc.title")),
            facts,
            tables: tables.into_iter().skip(1).take(1).collect(),
            footer: t(ctx.lang, "inc.print.footer").into(),
        };
        let bytes = egov_reports::pdf(&report)?;
        Ok(([(axum::http::header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
    }
    .await;
    or_login(&ctx, r)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The year of discovery (absent: this year).
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
}

/// The register's year as a workbook: the incidents, the count by kind and severity, the systems.
#[utoipa::path(get, operation_id = "incidents_workbook", path = "/api/v1/incidents/report.xlsx", params(ExportQuery), security(("bearer" = [])), responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub(crate) async fn workbook_api(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ExportQuery>) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&state.app.now()));
        if !(2000..=2100).contains(&year) {
            return Err(WebError::BadRequest("year: from 2000 to 2100".into()));
        }
        let (tables, _) = tables(&state, Actor::User(p), year, ctx.lang).await?;
        Ok(xlsx(egov_reports::xlsx(&tables)?, year))
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/su-co.xlsx", get(workbook))
        .route("/quan-tri/su-co.pdf", get(printable))
        .route("/api/v1/incidents/report.xlsx", get(workbook_api))
}

//! The service-quality index as open data: `GET /api/v1/quality/index`.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{NaiveDate, NaiveDateTime};
use egov_catalog::OnlineLevel;
use egov_quality::{facts, index, timeliness, IndexConfig, ProcedureFacts, Record, Step, Timeliness};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

/// The index of some dossiers (already chosen for a period and scope) and
/// the procedures of the scope, with the late dossiers behind it.
pub(crate) fn compute(
    state: &AppState,
    rows: Vec<egov_store::QualityRow>,
    agency: Option<&str>,
) -> (egov_quality::Index, Vec<LateDossier>) {
    let now = state.settings.clock.now();
    let mut all = Vec::with_capacity(rows.len());
    let mut late = Vec::new();
    for r in rows {
        let record = Record {
            online: r.state.channel == egov_dossier::Channel::Online,
            digitised_inputs: r.part_files > 0,
            electronic_result: r.state.result.is_some_and(|x| x.electronic),
            paid_online: false,
            rating_total: r.rating_total.and_then(|t| u32::try_from(t).ok()),
        };
        let steps: Vec<Step> =
            r.steps.into_iter().map(|(at, action, to, due)| Step { at: vn(at), action, to, due }).collect();
        let Some(f) = facts(&record, &steps, now) else { continue };
        if let Timeliness::Late { by } = timeliness(&f, now) {
            late.push(LateDossier { code: r.code, hours: by.num_minutes() as f64 / 60.0, appointment: f.appointment });
        }
        all.push(f);
    }
    let snap = state.catalog.get();
    let procedures: Vec<ProcedureFacts> = snap
        .procedures
        .values()
        .filter(|p| agency.is_none_or(|a| p.agencies.iter().any(|x| x == a)))
        .map(|p| ProcedureFacts {
            online: matches!(p.online_level, OnlineLevel::Full | OnlineLevel::Partial),
            has_fee: p.fees.iter().any(|f| f.amount_vnd > 0),
            // a procedure offered fully online is paid online
            fee_payable_online: p.online_level == OnlineLevel::Full,
        })
        .collect();
    (index(&IndexConfig::decision_766(), &all, &procedures, now), late)
}

/// A period from the query: first and last day, included; and the
/// instants (micros) that bound it.
pub(crate) fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate, i64, i64), WebError> {
    let day = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| WebError::Domain("err.date", s.to_string()))
    };
    let (f, t) = (day(from)?, day(to)?);
    if t < f {
        return Err(WebError::Domain("err.date", to.to_string()));
    }
    let end = t.succ_opt().ok_or_else(|| WebError::Domain("err.date", to.to_string()))?;
    Ok((f, t, day_start_micros(f), day_start_micros(end)))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/quality/index", get(quality_index))
}

#[derive(Deserialize, IntoParams)]
pub struct IndexQuery {
    /// First day of the period (YYYY-MM-DD, Vietnam's time), included.
    from: String,
    /// Last day of the period, included.
    to: String,
    /// One agency's index; the province's when absent.
    #[serde(default)]
    agency: Option<String>,
}

/// A dossier that missed its deadline.
#[derive(Serialize, ToSchema)]
pub struct LateDossier {
    pub(crate) code: String,
    /// How late, in hours (0 when late by rule: more than one supplement request).
    pub(crate) hours: f64,
    /// The appointment it missed (Vietnam's time), when it had one.
    #[schema(value_type = Option<String>)]
    pub(crate) appointment: Option<NaiveDateTime>,
}

/// The index of a period and scope, each indicator with its rate, points
/// and maximum, and the dossiers behind the on-time rate that were late.
#[derive(Serialize, ToSchema)]
pub struct IndexView {
    from: String,
    to: String,
    agency: Option<String>,
    #[schema(value_type = Object)]
    index: egov_quality::Index,
    late: Vec<LateDossier>,
}

fn day_start_micros(d: NaiveDate) -> i64 {
    (d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(7)).and_utc().timestamp_micros()
}

fn vn(micros: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|d| d.naive_utc() + chrono::Duration::hours(7))
        .unwrap_or_default()
}

/// The Decision 766 index of the dossiers received in a period, for the
/// province or one agency: public open data.
#[utoipa::path(get, path = "/api/v1/quality/index", params(IndexQuery), responses((status = 200, body = IndexView), (status = 400, body = crate::error::Problem)))]
pub async fn quality_index(State(state): State<AppState>, ctx: Ctx, Query(q): Query<IndexQuery>) -> Response {
    let r = async {
        let (from, to, start, end) = period(&q.from, &q.to)?;
        let agency = q.agency.as_deref().map(str::trim).filter(|a| !a.is_empty());
        let rows = state.store.quality_rows(start, end, agency).await?;
        let (ix, late) = compute(&state, rows, agency);
        Ok(Json(IndexView {
            from: from.to_string(),
            to: to.to_string(),
            agency: agency.map(String::from),
            index: ix,
            late,
        })
        .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

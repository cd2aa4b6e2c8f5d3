//! The service-quality index as open data: `GET /api/v1/quality/index`.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{NaiveDate, NaiveDateTime};
use egov_app::quality::{index_where, scope_of, view};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::{AppState, WebError};

/// The late dossiers of a view, for the API and the pages.
pub(crate) fn late_of(view: &egov_store::QualityView) -> Vec<LateDossier> {
    view.late
        .iter()
        .map(|l| LateDossier {
            code: l.code.clone(),
            hours: l.minutes as f64 / 60.0,
            appointment: l.appointment,
            reason: if l.minutes > 0 { "after_due" } else { "supplements" },
        })
        .collect()
}

/// A period from the query: first and last day, included; and the
/// instants (micros) that bound it.
pub(crate) fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate, i64, i64), WebError> {
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| WebError::malformed("err.date", s));
    let (f, t) = (day(from)?, day(to)?);
    if t < f {
        return Err(WebError::unacceptable("err.period", format!("{from} – {to}")));
    }
    let end = t.succ_opt().ok_or_else(|| WebError::malformed("err.date", to))?;
    Ok((f, t, day_start_micros(f), day_start_micros(end)))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/quality/index", get(quality_index))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexQuery {
    /// First day of the period (YYYY-MM-DD, Vietnam's time), included.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    from: String,
    /// Last day of the period, included; not before `from`.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    to: String,
    /// One agency's index; the province's when absent. At most one of
    /// `agency`, `unit`, `field` and `procedure`.
    #[serde(default)]
    #[param(required = false)]
    agency: Option<String>,
    /// One commune's (or any unit's) index: its agencies' dossiers and those
    /// of the units merged into it.
    #[serde(default)]
    #[param(required = false)]
    unit: Option<String>,
    /// Only the procedures of one field.
    #[serde(default)]
    #[param(required = false)]
    field: Option<String>,
    /// Only one procedure.
    #[serde(default)]
    #[param(required = false)]
    procedure: Option<String>,
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
    /// Why it counts as late: `after_due` (finished or still open after its
    /// due time), or `supplements` (late by rule: a supplement was asked for
    /// more than once, Decision 766).
    #[schema(pattern = "^(after_due|supplements)$")]
    pub(crate) reason: &'static str,
}

/// The index of a period and scope, each indicator with its rate, points
/// and maximum, and the dossiers behind the on-time rate that were late.
#[derive(Serialize, ToSchema)]
pub struct IndexView {
    from: String,
    to: String,
    agency: Option<String>,
    unit: Option<String>,
    field: Option<String>,
    procedure: Option<String>,
    index: IndexSchema,
    /// The most late of the late dossiers (at most 100).
    late: Vec<LateDossier>,
    /// How many dossiers are late.
    late_total: i64,
}

/// One indicator's result.
#[derive(Serialize, ToSchema)]
pub struct ScoreSchema {
    /// `published_on_time`, `synced_to_portal`, `on_time`, `online_procedures`,
    /// `online_dossiers`, `online_payment_procedures`, `paid_online_dossiers`,
    /// `digitisation`, `digitised_reuse`, `satisfaction`.
    indicator: String,
    /// `transparency`, `progress`, `online`, `digitisation`, `satisfaction`.
    group: String,
    /// From 0 to 1; null when not measured.
    rate: Option<f64>,
    points: f64,
    max_points: f64,
}

/// The index: each indicator, the total out of 100 and the dossiers counted.
#[derive(Serialize, ToSchema)]
pub struct IndexSchema {
    config_version: String,
    scores: Vec<ScoreSchema>,
    total: f64,
    /// The points of the indicators that could be measured.
    measured_max: f64,
    dossiers: u64,
    on_time: u64,
    late: u64,
    /// Mean processing time of the finished dossiers, in hours.
    average_hours: Option<f64>,
}

impl From<egov_quality::Index> for IndexSchema {
    fn from(ix: egov_quality::Index) -> Self {
        let name = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
        IndexSchema {
            config_version: ix.config_version,
            scores: ix
                .scores
                .into_iter()
                .map(|s| ScoreSchema {
                    indicator: name(serde_json::to_value(s.indicator).unwrap_or_default()),
                    group: name(serde_json::to_value(s.group).unwrap_or_default()),
                    rate: s.rate,
                    points: s.points,
                    max_points: s.max_points,
                })
                .collect(),
            total: ix.total,
            measured_max: ix.measured_max,
            dossiers: ix.dossiers as u64,
            on_time: ix.on_time as u64,
            late: ix.late as u64,
            average_hours: ix.average_hours,
        }
    }
}

use egov_kernel::vn::day_start_micros;

/// The Decision 766 index of the dossiers received in a period, for the
/// province or one agency: public open data.
#[utoipa::path(get, path = "/api/v1/quality/index", params(IndexQuery), responses((status = 200, body = IndexView), (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "the last day is before the first, or no such agency, unit, field or procedure")))]
pub async fn quality_index(State(state): State<AppState>, ctx: Ctx, Query(q): Query<IndexQuery>) -> Response {
    let r = async {
        let (from, to, _, _) = period(&q.from, &q.to)?;
        let pick = |v: &Option<String>| v.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(String::from);
        let (agency, unit, field, procedure) = (pick(&q.agency), pick(&q.unit), pick(&q.field), pick(&q.procedure));
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let scope = scope_of(&state.app, &s(&agency), &s(&unit), &s(&field), &s(&procedure)).await?;
        let v = view(&state.app, from, to, &scope).await?;
        let pay = egov_app::quality::payable(&state.app).await?;
        let ix = index_where(&state.app, &v, scope.agencies.as_deref(), scope.procedures.as_deref(), &pay, &|_| true);
        Ok(Json(IndexView {
            from: from.to_string(),
            to: to.to_string(),
            agency,
            unit,
            field,
            procedure,
            index: ix.into(),
            late: late_of(&v),
            late_total: v.late_total,
        })
        .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(quality_index), components(schemas(IndexView, LateDossier, IndexSchema, ScoreSchema)))]
pub(crate) struct Api;

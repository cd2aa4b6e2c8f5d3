//! The quality dashboard: the Decision 766 index of a period for the
//! province or one agency, its groups as an accessible SVG chart with the
//! same numbers in a table, the agencies ranked, and the late dossiers
//! behind the on-time rate.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use egov_i18n::{t, Lang};
use egov_quality::{Group, Indicator};

use crate::ctx::Ctx;
use crate::quality_api::{compute, period, LateDossier};
use crate::views::{render, Layout};
use crate::{AppState, WebError};

#[derive(serde::Deserialize)]
pub struct DashQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    agency: String,
}

pub struct Bar {
    pub label: &'static str,
    pub points: String,
    pub max: String,
    /// The bar's width in the 0–300 drawing, and its top.
    pub width: f64,
    pub y: u32,
}

pub struct Line {
    pub label: &'static str,
    pub rate: String,
    pub points: String,
    pub max: String,
}

pub struct Ranked {
    pub id: String,
    pub name: String,
    pub dossiers: usize,
    pub on_time: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "quality.html")]
struct DashPage {
    layout: Layout,
    from: String,
    to: String,
    agency: String,
    scope: String,
    total: String,
    measured: String,
    dossiers: usize,
    bars: Vec<Bar>,
    lines: Vec<Line>,
    ranking: Vec<Ranked>,
    late: Vec<LateDossier>,
    error: Option<String>,
}

fn group_key(g: Group) -> &'static str {
    match g {
        Group::Transparency => "quality.group.transparency",
        Group::Progress => "quality.group.progress",
        Group::Online => "quality.group.online",
        Group::Digitisation => "quality.group.digitisation",
        Group::Satisfaction => "quality.group.satisfaction",
    }
}

fn indicator_key(i: Indicator) -> &'static str {
    match i {
        Indicator::PublishedOnTime => "quality.ind.published_on_time",
        Indicator::SyncedToPortal => "quality.ind.synced_to_portal",
        Indicator::OnTime => "quality.ind.on_time",
        Indicator::OnlineProcedures => "quality.ind.online_procedures",
        Indicator::OnlineDossiers => "quality.ind.online_dossiers",
        Indicator::OnlinePaymentProcedures => "quality.ind.online_payment_procedures",
        Indicator::PaidOnlineDossiers => "quality.ind.paid_online_dossiers",
        Indicator::Digitisation => "quality.ind.digitisation",
        Indicator::DigitisedReuse => "quality.ind.digitised_reuse",
        Indicator::Satisfaction => "quality.ind.satisfaction",
    }
}

fn num(x: f64) -> String {
    format!("{x:.2}")
}

/// `/chat-luong`: public, like the index it shows.
pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> Result<Response, WebError> {
    {
        let today = state.settings.clock.now().date();
        let from = if q.from.trim().is_empty() { format!("{}-01-01", today.year()) } else { q.from.clone() };
        let to = if q.to.trim().is_empty() { today.to_string() } else { q.to.clone() };
        let (f, tday, start, end) = match period(&from, &to) {
            Ok(p) => p,
            Err(WebError::Domain(key, _)) => {
                let y = today.year();
                let (f, t, s, e) = period(&format!("{y}-01-01"), &today.to_string())?;
                let mut page = build(&state, &ctx, f, t, s, e, "").await?;
                (page.from, page.to) = (from, to);
                page.error = Some(t_owned(ctx.lang, key));
                return Ok(render(StatusCode::BAD_REQUEST, &page));
            }
            Err(e) => return Err(e),
        };
        let page = build(&state, &ctx, f, tday, start, end, q.agency.trim()).await?;
        Ok(render(StatusCode::OK, &page))
    }
}

fn t_owned(lang: Lang, key: &'static str) -> String {
    t(lang, key).to_string()
}

async fn build(
    state: &AppState,
    ctx: &Ctx,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    start: i64,
    end: i64,
    agency: &str,
) -> Result<DashPage, WebError> {
    let en = ctx.lang == Lang::En;
    // One read of the period; the scope and each agency's share are cut from it.
    let rows = state.store.quality_rows(start, end, None).await?;
    let agencies = state.store.agencies().await?;
    let name_of = |id: &str| {
        agencies
            .iter()
            .find(|a| a.id.as_str() == id)
            .map(|a| if en { a.name_en.clone() } else { a.name_vi.clone() })
            .unwrap_or_else(|| id.to_string())
    };
    let scoped: Vec<_> = rows.iter().filter(|r| agency.is_empty() || r.receiving_agency == agency).cloned().collect();
    let (ix, mut late) = compute(state, scoped, (!agency.is_empty()).then_some(agency));
    late.sort_by(|a, b| b.hours.total_cmp(&a.hours));
    let mut ids: Vec<&str> = rows.iter().map(|r| r.receiving_agency.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut ranking: Vec<(f64, Ranked)> = ids
        .into_iter()
        .map(|id| {
            let mine: Vec<_> = rows.iter().filter(|r| r.receiving_agency == id).cloned().collect();
            let (x, _) = compute(state, mine, Some(id));
            let on_time = if x.dossiers > 0 { x.on_time as f64 / x.dossiers as f64 * 100.0 } else { 0.0 };
            (
                x.total,
                Ranked {
                    id: id.to_string(),
                    name: name_of(id),
                    dossiers: x.dossiers,
                    on_time: format!("{on_time:.1} %"),
                    total: num(x.total),
                },
            )
        })
        .collect();
    ranking.sort_by(|a, b| b.0.total_cmp(&a.0));
    let groups = [Group::Transparency, Group::Progress, Group::Online, Group::Digitisation, Group::Satisfaction];
    let bars = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let pts: f64 = ix.scores.iter().filter(|s| s.group == *g).map(|s| s.points).sum();
            let max: f64 = ix.scores.iter().filter(|s| s.group == *g).map(|s| s.max_points).sum();
            Bar {
                label: t(ctx.lang, group_key(*g)),
                points: num(pts),
                max: num(max),
                width: if max > 0.0 { (pts / max * 300.0).round() } else { 0.0 },
                y: 10 + 36 * i as u32,
            }
        })
        .collect();
    let lines = ix
        .scores
        .iter()
        .map(|s| Line {
            label: t(ctx.lang, indicator_key(s.indicator)),
            rate: s
                .rate
                .map(|r| format!("{:.1} %", r * 100.0))
                .unwrap_or_else(|| t(ctx.lang, "quality.unmeasured").into()),
            points: num(s.points),
            max: num(s.max_points),
        })
        .collect();
    Ok(DashPage {
        layout: Layout::new(ctx, "quality.title"),
        from: from.to_string(),
        to: to.to_string(),
        scope: if agency.is_empty() { t(ctx.lang, "quality.province").to_string() } else { name_of(agency) },
        agency: agency.to_string(),
        total: num(ix.total),
        measured: num(ix.measured_max),
        dossiers: ix.dossiers,
        bars,
        lines,
        ranking: ranking.into_iter().map(|(_, r)| r).collect(),
        late,
        error: None,
    })
}

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

/// An agency's raw figures for the exports: name, dossiers, on-time ratio, total.
type RankRaw = (String, usize, f64, f64);

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
    /// The numbers behind the tables, for the exports.
    raw_lines: Vec<(&'static str, Option<f64>, f64, f64)>,
    raw_ranking: Vec<RankRaw>,
    /// Circular 01/2018: agencies (for the province) then officers.
    satisfaction: Vec<Rated>,
    trend: Vec<Month>,
}

/// A month of the trend: its label, dossiers, total, and its bar.
pub struct Month {
    pub label: String,
    pub dossiers: usize,
    pub total: String,
    pub x: u32,
    pub height: f64,
}

pub struct Rated {
    pub name: String,
    pub count: usize,
    pub average: String,
    pub level: &'static str,
}

fn level_key(l: egov_quality::SatisfactionLevel) -> &'static str {
    use egov_quality::SatisfactionLevel::*;
    match l {
        Excellent => "quality.level.excellent",
        Good => "quality.level.good",
        Fair => "quality.level.fair",
        Average => "quality.level.average",
        Weak => "quality.level.weak",
    }
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
    // Circular 01/2018: the ratings' average per agency and per officer (the
    // one the dossier was assigned to).
    let scale = egov_quality::SatisfactionScale::default();
    let ratings = |key: &dyn Fn(&egov_store::QualityRow) -> Option<String>, rs: &[egov_store::QualityRow]| {
        let pairs: Vec<(String, u32)> =
            rs.iter().filter_map(|r| Some((key(r)?, u32::try_from(r.rating_total?).ok()?))).collect();
        scale.rate(&pairs)
    };
    let mut satisfaction = Vec::new();
    if agency.is_empty() {
        for (id, n, avg, level) in ratings(&|r| Some(r.receiving_agency.clone()), &rows) {
            satisfaction.push(Rated {
                name: name_of(&id),
                count: n,
                average: num(avg),
                level: t(ctx.lang, level_key(level)),
            });
        }
    }
    for (id, n, avg, level) in ratings(&|r| r.state.assignee.map(|a| a.to_string()), &scoped) {
        let who = match id.parse::<i64>() {
            Ok(uid) => state.store.principal(uid).await?.map(|p| p.full_name).unwrap_or(id),
            Err(_) => id,
        };
        satisfaction.push(Rated { name: who, count: n, average: num(avg), level: t(ctx.lang, level_key(level)) });
    }
    // The trend: the scope's index month by month over the period.
    let mut months: Vec<(i32, u32)> = Vec::new();
    let mut m = (from.year(), from.month());
    while (m.0, m.1) <= (to.year(), to.month()) && months.len() < 120 {
        months.push(m);
        m = if m.1 == 12 { (m.0 + 1, 1) } else { (m.0, m.1 + 1) };
    }
    let month_of = |r: &egov_store::QualityRow| {
        let d = chrono::DateTime::from_timestamp_micros(r.received_at)
            .map(|d| d.naive_utc() + chrono::Duration::hours(7))
            .unwrap_or_default();
        (d.year(), d.month())
    };
    let scope = (!agency.is_empty()).then_some(agency);
    let trend: Vec<Month> = months
        .iter()
        .enumerate()
        .map(|(i, (y, mo))| {
            let of_month: Vec<_> = scoped.iter().filter(|r| month_of(r) == (*y, *mo)).cloned().collect();
            let (x, _) = compute(state, of_month, scope);
            Month {
                label: format!("{mo:02}/{y}"),
                dossiers: x.dossiers,
                total: num(x.total),
                x: 40 + 44 * i as u32,
                height: (x.total / 100.0 * 150.0).round(),
            }
        })
        .collect();
    let (ix, mut late) = compute(state, scoped, scope);
    late.sort_by(|a, b| b.hours.total_cmp(&a.hours));
    let mut ids: Vec<&str> = rows.iter().map(|r| r.receiving_agency.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut ranking: Vec<(f64, Ranked, RankRaw)> = ids
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
                (name_of(id), x.dossiers, on_time / 100.0, x.total),
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
    let raw_lines =
        ix.scores.iter().map(|s| (t(ctx.lang, indicator_key(s.indicator)), s.rate, s.points, s.max_points)).collect();
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
        raw_ranking: ranking.iter().map(|(_, _, raw)| raw.clone()).collect(),
        ranking: ranking.into_iter().map(|(_, r, _)| r).collect(),
        raw_lines,
        satisfaction,
        trend,
        late,
        error: None,
    })
}

/// The dashboard's tables: indicators, late dossiers, agencies ranked.
fn tables(page: &DashPage, lang: Lang) -> Vec<egov_reports::Table> {
    use egov_reports::{Cell, Table};
    let h = |k: &'static str| t(lang, k).to_string();
    vec![
        Table {
            name: h("quality.sheet.index"),
            headers: vec![h("quality.indicator"), h("quality.rate"), h("quality.points"), h("quality.max")],
            rows: page
                .raw_lines
                .iter()
                .map(|(label, rate, pts, max)| {
                    vec![
                        Cell::Text(label.to_string()),
                        rate.map(Cell::Percent).unwrap_or(Cell::Empty),
                        Cell::Number(*pts),
                        Cell::Number(*max),
                    ]
                })
                .collect(),
        },
        Table {
            name: h("quality.sheet.late"),
            headers: vec![h("lookup.label"), h("lookup.due"), h("quality.hours_late")],
            rows: page
                .late
                .iter()
                .map(|d| {
                    vec![
                        Cell::Text(d.code.clone()),
                        d.appointment.map(Cell::DateTime).unwrap_or(Cell::Empty),
                        Cell::Number(d.hours),
                    ]
                })
                .collect(),
        },
        Table {
            name: h("quality.sheet.ranking"),
            headers: vec![h("quality.agency"), h("quality.dossiers"), h("quality.on_time"), h("quality.total")],
            rows: page
                .raw_ranking
                .iter()
                .map(|(name, n, on_time, total)| {
                    vec![
                        Cell::Text(name.clone()),
                        Cell::Number(*n as f64),
                        Cell::Percent(*on_time),
                        Cell::Number(*total),
                    ]
                })
                .collect(),
        },
    ]
}

async fn export_page(state: &AppState, ctx: &Ctx, q: &DashQuery) -> Result<DashPage, WebError> {
    let today = state.settings.clock.now().date();
    let from = if q.from.trim().is_empty() { format!("{}-01-01", today.year()) } else { q.from.clone() };
    let to = if q.to.trim().is_empty() { today.to_string() } else { q.to.clone() };
    let (f, tday, start, end) = period(&from, &to)?;
    build(state, ctx, f, tday, start, end, q.agency.trim()).await
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: String) -> Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// `/chat-luong.xlsx`: the dashboard's tables as a workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> Result<Response, WebError> {
    let page = export_page(&state, &ctx, &q).await?;
    let bytes = egov_reports::xlsx(&tables(&page, ctx.lang)).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("chi-so-766_{}_{}.xlsx", page.from, page.to),
    ))
}

/// `/chat-luong.csv`: the indicators' table as CSV.
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> Result<Response, WebError> {
    let page = export_page(&state, &ctx, &q).await?;
    let bytes = egov_reports::csv(&tables(&page, ctx.lang)[0]).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(bytes, "text/csv; charset=utf-8", format!("chi-so-766_{}_{}.csv", page.from, page.to)))
}

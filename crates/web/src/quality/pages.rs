//! The quality dashboard: the Decision 766 index of a period for the
//! province or one agency, its groups as an accessible SVG chart with the
//! same numbers in a table, the agencies ranked, and the late dossiers
//! behind the on-time rate.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use chrono::Datelike;
use egov_i18n::{t, Lang};
use egov_quality::{Group, Indicator};

use crate::ctx::Ctx;
use crate::quality::api::{late_of, period, LateDossier};
use egov_app::quality::{agencies_under, index_where, scope_of, view, Scoped};
use crate::views::{render, Layout};
use crate::{AppState, WebError};
use egov_quality::Tally;

#[derive(serde::Deserialize, Default)]
pub struct DashQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    agency: String,
    /// A commune (or any unit): its agencies and those of the units merged into it.
    #[serde(default)]
    unit: String,
    #[serde(default)]
    field: String,
}

impl DashQuery {
    /// The period asked for, as typed: by default the year so far.
    fn period_or_year(&self, today: chrono::NaiveDate) -> (String, String) {
        let from = if self.from.trim().is_empty() { format!("{}-01-01", today.year()) } else { self.from.clone() };
        let to = if self.to.trim().is_empty() { today.to_string() } else { self.to.clone() };
        (from, to)
    }

    /// The scope's part of a link's query string (known identifiers only:
    /// the scope was checked against the directory and the catalogue).
    fn scope_query(&self) -> String {
        [("agency", &self.agency), ("unit", &self.unit), ("field", &self.field)]
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("&{k}={}", v.trim()))
            .collect()
    }
}

pub struct Bar {
    pub label: &'static str,
    pub points: String,
    pub max: String,
    /// The bar's width in the 0–240 drawing, and its top.
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
/// An indicator for the spreadsheet and CSV: its label, rate, points, most points.
type RawLine = (&'static str, Option<f64>, f64, f64);

pub struct Ranked {
    /// The query that shows it (`agency=…` or `unit=…`).
    pub query: String,
    pub name: String,
    /// Merged into another unit, or counting merged units.
    pub note: Option<String>,
    pub dossiers: usize,
    pub on_time: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "quality/quality.html")]
struct DashPage {
    layout: Layout,
    from: String,
    to: String,
    agency: String,
    /// The scope's part of the links' query strings (`&agency=…`).
    scope_query: String,
    /// The province is shown (not one agency, commune or field).
    province: bool,
    fields: Vec<(String, String, bool)>,
    scope: String,
    /// What the scope counts beside its own agencies: merged communes.
    scope_note: Option<String>,
    communes: Vec<Ranked>,
    late_total: i64,
    total: String,
    measured: String,
    dossiers: usize,
    bars: Vec<Bar>,
    lines: Vec<Line>,
    ranking: Vec<Ranked>,
    late: Vec<LateDossier>,
    error: Option<String>,
    /// The numbers behind the tables, for the exports.
    raw_lines: Vec<RawLine>,
    raw_ranking: Vec<RankRaw>,
    raw_communes: Vec<RankRaw>,
    /// Circular 01/2018: agencies (for the province) then officers.
    satisfaction: Vec<Rated>,
    /// How the index's satisfaction figure comes from the same dossiers and
    /// ratings, in words.
    satisfaction_said: Option<String>,
    trend: Vec<Month>,
}

/// The satisfaction indicator of Decision 766 explained from its parts:
/// 100 % less the late share less the share rated "not satisfied".
fn satisfaction_said(lang: Lang, ix: &egov_quality::Index) -> Option<String> {
    let n = ix.dossiers;
    if n == 0 {
        return None;
    }
    let pct = |k: usize| k as f64 * 100.0 / n as f64;
    let rate = (100.0 - pct(ix.late) - pct(ix.complaints)).max(0.0);
    Some(
        t(lang, "quality.sat.said")
            .replace("{rate}", &format!("{rate:.1} %"))
            .replace("{late_pct}", &format!("{:.1} %", pct(ix.late)))
            .replace("{late}", &ix.late.to_string())
            .replace("{dislike_pct}", &format!("{:.1} %", pct(ix.complaints)))
            .replace("{dislike}", &ix.complaints.to_string())
            .replace("{rated}", &ix.rated.to_string())
            .replace("{n}", &n.to_string()),
    )
}

/// A month of the trend: its label, dossiers, total, and its bar.
pub struct Month {
    pub label: String,
    /// Under the bar: the month (`T3`, `Mar`), and the year under January and the first month.
    pub short: String,
    pub year: Option<i32>,
    pub dossiers: usize,
    pub total: String,
    pub raw_total: f64,
    pub x: u32,
    pub height: f64,
}

pub struct Rated {
    pub name: String,
    pub count: usize,
    pub average: String,
    pub raw_average: f64,
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
    let today = state.now().date();
    let (from, to) = q.period_or_year(today);
    let built = match period(&from, &to) {
        Ok((f, t, _, _)) => build(&state, &ctx, f, t, &q).await,
        Err(e) => Err(e),
    };
    match built {
        Ok(page) => Ok(render(StatusCode::OK, &page)),
        // A bad period or an unknown scope: the province's year so far,
        // with what was typed and why it was not shown.
        Err(WebError::Refused(_, key, _)) => {
            let (f, l, _, _) = period(&format!("{}-01-01", today.year()), &today.to_string())?;
            let mut page = build(&state, &ctx, f, l, &DashQuery::default()).await?;
            (page.from, page.to) = (from, to);
            page.error = Some(t(ctx.lang, key).to_string());
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => Err(e),
    }
}

fn rated(tallies: &mut dyn Iterator<Item = (String, Tally)>) -> Vec<(String, Tally)> {
    let mut by: std::collections::BTreeMap<String, Tally> = Default::default();
    for (k, t) in tallies {
        *by.entry(k).or_default() += t;
    }
    by.into_iter().filter(|(_, t)| t.rated > 0).collect()
}

/// Agencies' and units' names as the dashboard shows them, and how a
/// commune stands towards the 2025 mergers.
struct Names {
    agencies: Vec<egov_directory::Agency>,
    units: Vec<egov_directory::AdminUnit>,
    lang: Lang,
}

impl Names {
    fn agency(&self, id: &str) -> String {
        self.agencies
            .iter()
            .find(|a| a.id.as_str() == id)
            .map(|a| if self.lang == Lang::En { a.name_en.clone() } else { a.name_vi.clone() })
            .unwrap_or_else(|| id.to_string())
    }

    fn unit(&self, code: &str) -> Option<String> {
        self.units.iter().find(|u| u.code.as_str() == code).map(|u| u.name.clone())
    }

    /// Merged into another (then its dossiers count there too), or counting merged ones.
    fn merger_note(&self, code: &str) -> Option<String> {
        let tr = |k: &'static str| t(self.lang, k);
        let u = self.units.iter().find(|u| u.code.as_str() == code)?;
        if let Some(next) = &u.succeeded_by {
            let to = self.unit(next.as_str()).unwrap_or_else(|| next.as_str().to_string());
            let day = u.effective_to.and_then(|d| d.succ_opt()).map(|d| d.format("%d/%m/%Y").to_string());
            return Some(format!(
                "{} {to}{}",
                tr("quality.merged_into"),
                day.map(|d| format!(" ({d})")).unwrap_or_default()
            ));
        }
        let merged: Vec<String> =
            egov_directory::counted_under(&self.units, code).iter().skip(1).map(|u| u.name.clone()).collect();
        (!merged.is_empty()).then(|| format!("{} {}", tr("quality.counts_merged"), merged.join(", ")))
    }
}

async fn build(
    state: &AppState,
    ctx: &Ctx,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    q: &DashQuery,
) -> Result<DashPage, WebError> {
    let en = ctx.lang == Lang::En;
    let (agency, unit, field) = (q.agency.trim(), q.unit.trim(), q.field.trim());
    let scope = scope_of(&state.app, agency, unit, field, "").await?;
    // One read of the period: the province's sums by month, agency and
    // officer; the scope, the trend and the rankings are cut from them.
    let v = view(&state.app, from, to, &scope).await?;
    let names = Names { agencies: state.store.agencies().await?, units: state.store.units().await?, lang: ctx.lang };
    let pay = egov_app::quality::payable(&state.app).await?;
    let ix = index_where(&state.app, &v, scope.agencies.as_deref(), scope.procedures.as_deref(), &pay, &|_| true);
    let satisfaction = satisfaction(state, ctx.lang, &v, &scope, &names).await?;
    let trend = trend(state, &v, &scope, &pay, from, to, ctx.lang);
    let (ranking, communes) = rankings(state, &v, &scope, &pay, &names);
    let (bars, lines, raw_lines) = scores(ctx.lang, &ix);
    let mut scope_name = if !agency.is_empty() {
        names.agency(agency)
    } else if !unit.is_empty() {
        names.unit(unit).unwrap_or_else(|| unit.to_string())
    } else {
        t(ctx.lang, "quality.province").to_string()
    };
    let snap = state.catalog.get();
    if let Some(f) = snap.fields.iter().find(|f| f.code == field) {
        scope_name = format!("{scope_name} · {}", if en { &f.name_en } else { &f.name_vi });
    }
    let fields = snap
        .fields
        .iter()
        .map(|f| (f.code.clone(), if en { f.name_en.clone() } else { f.name_vi.clone() }, f.code == field))
        .collect();
    Ok(DashPage {
        // each scope and period its own title
        layout: Layout::titled(
            ctx,
            format!("{}: {scope_name}, {} – {}", t(ctx.lang, "quality.title"), from.format("%d/%m/%Y"), to.format("%d/%m/%Y")),
        ),
        from: from.to_string(),
        to: to.to_string(),
        scope_query: q.scope_query(),
        province: scope.agencies.is_none(),
        fields,
        scope: scope_name,
        scope_note: if unit.is_empty() { None } else { names.merger_note(unit) },
        agency: agency.to_string(),
        total: num(ix.total),
        measured: num(ix.measured_max),
        dossiers: ix.dossiers,
        bars,
        lines,
        raw_ranking: ranking.iter().map(|(_, _, raw)| raw.clone()).collect(),
        raw_communes: communes.iter().map(|(_, _, raw)| raw.clone()).collect(),
        ranking: ranking.into_iter().map(|(_, r, _)| r).collect(),
        communes: communes.into_iter().map(|(_, r, _)| r).collect(),
        raw_lines,
        satisfaction,
        satisfaction_said: satisfaction_said(ctx.lang, &ix),
        trend,
        late: late_of(&v),
        late_total: v.late_total,
        error: None,
    })
}

/// Circular 01/2018: the ratings' average per agency (the province's page)
/// and per officer (the one the dossier was assigned to).
async fn satisfaction(
    state: &AppState,
    lang: Lang,
    v: &egov_store::QualityView,
    scope: &Scoped,
    names: &Names,
) -> Result<Vec<Rated>, WebError> {
    let scale = egov_quality::SatisfactionScale::default();
    let rated_row = |name: String, x: &Tally| {
        let avg = x.rating_average().unwrap_or(0.0);
        Rated { name, count: x.rated as usize, average: num(avg), raw_average: avg, level: t(lang, level_key(scale.level(avg))) }
    };
    let mut out = Vec::new();
    if scope.agencies.is_none() {
        for (id, tl) in rated(&mut v.tallies.iter().map(|(k, t)| (k.agency.clone(), *t))) {
            out.push(rated_row(names.agency(&id), &tl));
        }
    }
    let officers = rated(
        &mut v.officers.iter().filter(|((a, _), _)| scope.has_agency(a)).map(|((_, o), t)| (o.to_string(), *t)),
    );
    for (id, tl) in officers {
        let who = match id.parse::<i64>() {
            Ok(uid) => state.store.principal(egov_identity::UserId::new(uid)).await?.map(|p| p.full_name).unwrap_or(id),
            Err(_) => id,
        };
        out.push(rated_row(who, &tl));
    }
    Ok(out)
}

/// The scope's index month by month over the period (ten years at most).
fn trend(
    state: &AppState,
    v: &egov_store::QualityView,
    scope: &Scoped,
    pay: &egov_app::quality::Payable,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    lang: Lang,
) -> Vec<Month> {
    let mut months: Vec<(i32, u32)> = Vec::new();
    let mut m = (from.year(), from.month());
    while (m.0, m.1) <= (to.year(), to.month()) && months.len() < 120 {
        months.push(m);
        m = if m.1 == 12 { (m.0 + 1, 1) } else { (m.0, m.1 + 1) };
    }
    months
        .iter()
        .enumerate()
        .map(|(i, (y, mo))| {
            let key = i64::from(*y) * 100 + i64::from(*mo);
            let x = index_where(&state.app, v, scope.agencies.as_deref(), scope.procedures.as_deref(), pay, &|k| k.month == key);
            Month {
                label: format!("{mo:02}/{y}"),
                short: if lang == Lang::En {
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(*mo as usize - 1) % 12]
                        .to_string()
                } else {
                    format!("T{mo}")
                },
                year: (i == 0 || *mo == 1).then_some(*y),
                dossiers: x.dossiers,
                total: num(x.total),
                raw_total: x.total,
                x: 40 + 44 * i as u32,
                height: (x.total / 100.0 * 150.0).round(),
            }
        })
        .collect()
}

type Rank = (f64, Ranked, RankRaw);

/// Agencies, then communes, ranked by their index. A commune counts its own
/// agencies' dossiers and those of the communes merged into it; a merged
/// commune is listed too, labelled.
fn rankings(
    state: &AppState,
    v: &egov_store::QualityView,
    scope: &Scoped,
    pay: &egov_app::quality::Payable,
    names: &Names,
) -> (Vec<Rank>, Vec<Rank>) {
    let procs = scope.procedures.as_deref();
    let rank = |query: String, name: String, note: Option<String>, ids: &[String]| {
        let x = index_where(&state.app, v, Some(ids), procs, pay, &|_| true);
        let on_time = if x.dossiers > 0 { x.on_time as f64 / x.dossiers as f64 * 100.0 } else { 0.0 };
        let shown = Ranked {
            query,
            name: name.clone(),
            note,
            dossiers: x.dossiers,
            on_time: format!("{on_time:.1} %"),
            total: num(x.total),
        };
        (x.total, shown, (name, x.dossiers, on_time / 100.0, x.total))
    };
    let mut ids: Vec<&str> = v.tallies.keys().map(|k| k.agency.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut ranking: Vec<Rank> =
        ids.into_iter().map(|id| rank(format!("agency={id}"), names.agency(id), None, &[id.to_string()])).collect();
    ranking.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut communes: Vec<Rank> = names
        .units
        .iter()
        .filter(|u| u.level == egov_directory::UnitLevel::Commune)
        .filter_map(|u| {
            let code = u.code.as_str();
            let ids = agencies_under(&names.units, &names.agencies, code);
            let any = v.tallies.iter().any(|(k, t)| ids.contains(&k.agency) && t.counted > 0);
            any.then(|| rank(format!("unit={code}"), u.name.clone(), names.merger_note(code), &ids))
        })
        .collect();
    communes.sort_by(|a, b| b.0.total_cmp(&a.0));
    (ranking, communes)
}

/// The index's groups as bars, and its indicators as lines (shown and raw).
fn scores(lang: Lang, ix: &egov_quality::Index) -> (Vec<Bar>, Vec<Line>, Vec<RawLine>) {
    let groups = [Group::Transparency, Group::Progress, Group::Online, Group::Digitisation, Group::Satisfaction];
    let bars = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let pts: f64 = ix.scores.iter().filter(|s| s.group == *g).map(|s| s.points).sum();
            let max: f64 = ix.scores.iter().filter(|s| s.group == *g).map(|s| s.max_points).sum();
            Bar {
                label: t(lang, group_key(*g)),
                points: format!("{pts:.1}"),
                max: format!("{max:.0}"),
                width: if max > 0.0 { (pts / max * 240.0).round() } else { 0.0 },
                y: 10 + 36 * i as u32,
            }
        })
        .collect();
    let raw_lines =
        ix.scores.iter().map(|s| (t(lang, indicator_key(s.indicator)), s.rate, s.points, s.max_points)).collect();
    let lines = ix
        .scores
        .iter()
        .map(|s| Line {
            label: t(lang, indicator_key(s.indicator)),
            rate: s.rate.map(|r| format!("{:.1} %", r * 100.0)).unwrap_or_else(|| t(lang, "quality.unmeasured").into()),
            points: num(s.points),
            max: num(s.max_points),
        })
        .collect();
    (bars, lines, raw_lines)
}

/// The dashboard's tables: indicators, late dossiers, the month-by-month
/// trend, satisfaction, and (for the province) agencies and communes ranked.
fn tables(page: &DashPage, lang: Lang) -> Vec<egov_reports::Table> {
    use egov_reports::{Cell, Table};
    let h = |k: &'static str| t(lang, k).to_string();
    let ranked = |name: &'static str, first: &'static str, rows: &[RankRaw]| Table {
        name: h(name),
        headers: vec![h(first), h("quality.dossiers"), h("quality.on_time"), h("quality.total")],
        rows: rows
            .iter()
            .map(|(name, n, on_time, total)| {
                vec![Cell::Text(name.clone()), Cell::Number(*n as f64), Cell::Percent(*on_time), Cell::Number(*total)]
            })
            .collect(),
    };
    let mut out = vec![
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
            headers: vec![h("lookup.label"), h("lookup.due"), h("quality.hours_late"), h("quality.late_reason")],
            rows: page
                .late
                .iter()
                .map(|d| {
                    let why = if d.reason == "supplements" { "quality.late_by_rule" } else { "quality.late_after_due" };
                    vec![
                        Cell::Text(d.code.clone()),
                        d.appointment.map(Cell::DateTime).unwrap_or(Cell::Empty),
                        Cell::Number(d.hours),
                        Cell::Text(h(why)),
                    ]
                })
                .collect(),
        },
        Table {
            name: h("quality.sheet.trend"),
            headers: vec![h("quality.month"), h("quality.dossiers"), h("quality.total")],
            rows: page
                .trend
                .iter()
                .map(|m| vec![Cell::Text(m.label.clone()), Cell::Number(m.dossiers as f64), Cell::Number(m.raw_total)])
                .collect(),
        },
        Table {
            name: h("quality.sheet.satisfaction"),
            headers: vec![
                h("quality.sat.who"),
                h("quality.sat.count"),
                h("quality.sat.average"),
                h("quality.sat.level"),
            ],
            rows: page
                .satisfaction
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(r.name.clone()),
                        Cell::Number(r.count as f64),
                        Cell::Number(r.raw_average),
                        Cell::Text(r.level.to_string()),
                    ]
                })
                .collect(),
        },
    ];
    if page.province {
        out.push(ranked("quality.sheet.ranking", "quality.agency", &page.raw_ranking));
        out.push(ranked("quality.sheet.communes", "quality.commune", &page.raw_communes));
    }
    out
}

async fn export_page(state: &AppState, ctx: &Ctx, q: &DashQuery) -> Result<DashPage, WebError> {
    let today = state.now().date();
    let (from, to) = q.period_or_year(today);
    let (f, tday, _, _) = period(&from, &to)?;
    build(state, ctx, f, tday, q).await
}

pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, name: String) -> Response {
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
    let bytes = egov_reports::xlsx(&tables(&page, ctx.lang))?;
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
    let bytes = egov_reports::csv(&tables(&page, ctx.lang)[0])?;
    Ok(download(bytes, "text/csv; charset=utf-8", format!("chi-so-766_{}_{}.csv", page.from, page.to)))
}

/// `/chat-luong.pdf`: the period's report, printable (A4).
pub async fn export_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> Result<Response, WebError> {
    let page = export_page(&state, &ctx, &q).await?;
    let lang = ctx.lang;
    let tr = |k: &'static str| t(lang, k).to_string();
    let day = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
    };
    let mut facts = vec![
        (tr("quality.report.scope"), page.scope.clone()),
        (tr("quality.period"), format!("{} – {}", day(&page.from), day(&page.to))),
        (tr("quality.total"), format!("{} / 100 ({} {})", page.total, tr("quality.report.measurable"), page.measured)),
        (tr("quality.dossiers"), page.dossiers.to_string()),
        (tr("quality.late_total"), page.late_total.to_string()),
    ];
    if let Some(n) = &page.scope_note {
        facts.insert(1, (tr("quality.report.note"), n.clone()));
    }
    facts.push((tr("quality.report.made"), state.now().format("%d/%m/%Y %H:%M").to_string()));
    let mut tables = tables(&page, lang);
    if page.late_total > page.late.len() as i64 {
        tables[1].name =
            format!("{} ({} {} / {})", tables[1].name, tr("quality.late_shown"), page.late.len(), page.late_total);
    }
    let report =
        egov_reports::Report { title: tr("quality.report.title"), facts, tables, footer: tr("quality.report.footer") };
    let bytes = egov_reports::pdf(&report)?;
    Ok(download(bytes, "application/pdf", format!("chi-so-766_{}_{}.pdf", page.from, page.to)))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/chat-luong", axum::routing::get(dashboard))
        .route("/chat-luong.xlsx", axum::routing::get(export_xlsx))
        .route("/chat-luong.csv", axum::routing::get(export_csv))
        .route("/chat-luong.pdf", axum::routing::get(export_pdf))
}

//! The public catalog: search and one procedure.

use crate::ctx::Ctx;
use crate::views::{render, Layout, ProcedureRow};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{routing::get, Router};
use egov_app::Snapshot;
use egov_catalog::search::{self, Hit};
use egov_catalog::{format_vnd, OnlineLevel, Procedure, TimeUnit};
use egov_i18n::{t, Lang};
use serde::Deserialize;

pub fn time_text(lang: Lang, amount: u32, unit: TimeUnit) -> String {
    let key = match unit {
        TimeUnit::WorkingDays => "unit.working_days",
        TimeUnit::WorkingHours => "unit.working_hours",
    };
    format!("{amount} {}", t(lang, key))
}

pub fn row(snap: &Snapshot, p: &Procedure, lang: Lang) -> ProcedureRow {
    let field = snap
        .fields
        .iter()
        .find(|f| f.code == p.field)
        .map(|f| if lang == Lang::En { f.name_en.clone() } else { f.name_vi.clone() })
        .unwrap_or_else(|| p.field.clone());
    ProcedureRow {
        code: p.code.to_string(),
        name: if lang == Lang::En { p.name_en.clone() } else { p.name_vi.clone() },
        field,
        online: t(lang, p.online_level.label_key()),
        time: time_text(lang, p.processing_time.amount, p.processing_time.unit),
    }
}

/// Catalog search parameters, shared by the page and the API.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, with or without accents.
    pub q: Option<String>,
    /// A field code.
    pub field: Option<String>,
    /// An agency identifier.
    pub agency: Option<String>,
    /// `full`, `partial` or `info_only`.
    pub online: Option<String>,
    /// `province` or `commune`.
    pub level: Option<String>,
    /// 1–100, default 20 (larger is taken as 100, 0 as 1).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    pub limit: Option<u32>,
    /// Results to skip (at most 10,000 are).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    pub offset: Option<u32>,
}

impl SearchParams {
    /// Runs the search; returns the total and the hits of this page.
    pub fn run(&self, snap: &Snapshot) -> (usize, Vec<Hit>) {
        let limit = self.limit.unwrap_or(20).clamp(1, 100) as usize;
        let offset = self.offset.unwrap_or(0).min(10_000) as usize;
        let q = search::Query {
            text: self.q.clone().unwrap_or_default().chars().take(200).collect(),
            field: self.field.clone().filter(|s| !s.is_empty()),
            agency: self.agency.clone().filter(|s| !s.is_empty()),
            online_level: self.online.as_deref().and_then(OnlineLevel::parse),
            level: self.level.as_deref().and_then(egov_catalog::Level::parse),
            limit: limit + offset,
        };
        let (total, mut hits) = snap.index.search(&q);
        let hits = if offset < hits.len() { hits.split_off(offset) } else { Vec::new() };
        (total, hits)
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "catalog/catalog.html")]
struct CatalogPage {
    layout: Layout,
    q: String,
    fields: Vec<Choice>,
    online: Vec<Choice>,
    results: Vec<ProcedureRow>,
    total: usize,
    searched: bool,
}

pub async fn catalog(State(state): State<AppState>, ctx: Ctx, Query(params): Query<SearchParams>) -> Response {
    let snap = state.catalog.get();
    let (total, hits) = params.run(&snap);
    let results = hits.iter().filter_map(|h| snap.procedures.get(h.code.as_str())).map(|p| row(&snap, p, ctx.lang)).collect();
    let sel_field = params.field.clone().unwrap_or_default();
    let fields = snap
        .fields
        .iter()
        .map(|f| Choice {
            value: f.code.clone(),
            label: if ctx.lang == Lang::En { f.name_en.clone() } else { f.name_vi.clone() },
            selected: f.code == sel_field,
        })
        .collect();
    let sel_online = params.online.clone().unwrap_or_default();
    let online = OnlineLevel::ALL
        .iter()
        .map(|l| Choice {
            value: l.as_str().into(),
            label: t(ctx.lang, l.label_key()).into(),
            selected: l.as_str() == sel_online,
        })
        .collect();
    let q = params.q.clone().unwrap_or_default();
    let searched = !q.is_empty() || !sel_field.is_empty() || !sel_online.is_empty();
    // a search's page is titled by what was searched, apart from the catalog's own
    let title = if q.trim().is_empty() && !searched {
        t(ctx.lang, "catalog.title").to_string()
    } else if q.trim().is_empty() {
        format!("{} ({total})", t(ctx.lang, "catalog.results"))
    } else {
        format!("{} “{}” ({total})", t(ctx.lang, "catalog.results"), q.trim().chars().take(60).collect::<String>())
    };
    let page = CatalogPage { layout: Layout::titled(&ctx, title), q, fields, online, results, total, searched };
    render(StatusCode::OK, &page)
}

pub struct DocView {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub mandatory: bool,
}

pub struct FeeView {
    pub description: String,
    pub amount: String,
    /// When it is paid, in words.
    pub due: String,
}

pub struct LegalView {
    pub number: String,
    pub title: String,
    pub from: String,
}

pub struct StepView {
    pub name: String,
    pub role: &'static str,
    pub share: u32,
}

pub struct AgencyView {
    pub name: String,
}

#[derive(Template)]
#[template(path = "catalog/procedure.html")]
struct ProcedurePage {
    layout: Layout,
    p: ProcedureRow,
    can_apply: bool,
    /// Filing online needs a level 2 electronic identity.
    needs_level2: bool,
    levels: String,
    agencies: Vec<AgencyView>,
    docs: Vec<DocView>,
    fees: Vec<FeeView>,
    free: bool,
    legal: Vec<LegalView>,
    steps: Vec<StepView>,
    form_fields: Vec<String>,
}

pub async fn procedure(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let snap = state.catalog.get();
    let p = snap.procedures.get(code.as_str()).ok_or(WebError::NotFound)?.clone();
    let en = ctx.lang == Lang::En;
    let pick = |vi: &str, en_: &str| if en { en_.to_string() } else { vi.to_string() };
    let agencies_all = state.store.agencies().await?;
    let agencies = p
        .agencies
        .iter()
        .map(|id| AgencyView {
            name: agencies_all
                .iter()
                .find(|a| a.id.as_str() == id)
                .map(|a| pick(&a.name_vi, &a.name_en))
                .unwrap_or_else(|| id.clone()),
        })
        .collect();
    let today = state.now().date();
    let page = ProcedurePage {
        layout: Layout::titled(&ctx, pick(&p.name_vi, &p.name_en)),
        p: row(&snap, &p, ctx.lang),
        can_apply: p.online_level != OnlineLevel::InfoOnly,
        needs_level2: p.identity == egov_catalog::RequiredIdentity::Level2,
        levels: p
            .levels
            .iter()
            .map(|l| t(ctx.lang, if *l == egov_catalog::Level::Province { "level.province" } else { "level.commune" }))
            .collect::<Vec<_>>()
            .join(", "),
        agencies,
        docs: p
            .documents
            .iter()
            .map(|d| DocView {
                name: pick(&d.name_vi, &d.name_en),
                originals: d.originals,
                copies: d.copies,
                mandatory: d.mandatory,
            })
            .collect(),
        free: p.fees.iter().all(|f| f.amount_vnd == 0),
        fees: p
            .fees
            .iter()
            .map(|f| FeeView {
                description: pick(&f.description_vi, &f.description_en),
                amount: format_vnd(f.amount_vnd),
                due: t(ctx.lang, f.due.label_key()).to_string(),
            })
            .collect(),
        legal: p
            .legal_bases_on(today)
            .map(|l| LegalView {
                number: l.number.clone(),
                title: l.title.clone(),
                from: l.effective_from.format("%d/%m/%Y").to_string(),
            })
            .collect(),
        steps: p
            .process
            .iter()
            .map(|s| StepView {
                name: pick(&s.name_vi, &s.name_en),
                role: t(ctx.lang, s.role.label_key()),
                share: s.share_percent,
            })
            .collect(),
        form_fields: p.form.iter().map(|f| pick(&f.label_vi, &f.label_en)).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/thu-tuc", get(catalog)).route("/thu-tuc/{code}", get(procedure))
}

//! The results' pages: the public check, the citizen's store, the
//! officials' registry, and the form that marks a part checked against its
//! original.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use egov_i18n::t;
use egov_store::results::KeptResult;
use serde::Deserialize;
use std::collections::HashMap;

use crate::ctx::Ctx;
use crate::dossiers::office::Pager;
use crate::views::{or_login, render, Layout};
use crate::{AppState, WebError};

pub const CHECK: &str = "/kiem-tra-ket-qua";
pub const STORE: &str = "/kho-du-lieu";
pub const REGISTRY: &str = "/quan-tri/ket-qua";
const PER_PAGE: u32 = 25;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(CHECK, get(check))
        .route(STORE, get(store))
        .route(REGISTRY, get(registry))
        .route("/quan-tri/ho-so/{code}/tep/{file}/so-hoa", post(digitise))
}

/// A result's facts in words, for a page.
pub struct Facts {
    pub doc_type: String,
    pub number: String,
    pub issued_on: String,
    pub agency: String,
    pub holder: String,
    pub valid_until: String,
    pub standing: String,
    pub valid: bool,
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[derive(Template)]
#[template(path = "results/check.html")]
struct CheckPage {
    layout: Layout,
    number: String,
    code: String,
    searched: bool,
    found: Option<Facts>,
}

#[derive(Deserialize)]
struct CheckQuery {
    so: Option<String>,
    ma: Option<String>,
}

/// The public check: a result's number and the code printed on it (a
/// QR code on the slip opens this page with both filled in).
async fn check(State(state): State<AppState>, ctx: Ctx, Query(q): Query<CheckQuery>) -> Response {
    let clip = |s: Option<String>| s.unwrap_or_default().trim().chars().take(80).collect::<String>();
    let (number, code) = (clip(q.so), clip(q.ma));
    let searched = !number.is_empty() || !code.is_empty();
    if searched {
        if let Err(e) = state.throttle(&state.lookup_throttle, &ctx) {
            return e.problem(ctx.lang);
        }
    }
    let r = async {
        let found = if searched { egov_app::results::check(&state.app, &number, &code).await? } else { None };
        let found = found.map(|f| Facts {
            valid: f.standing == egov_results::Standing::Valid,
            standing: t(ctx.lang, standing_key(f.standing)).to_string(),
            doc_type: f.doc_type,
            number: f.number,
            issued_on: day(f.issued_on),
            agency: f.agency_name,
            holder: f.holder,
            valid_until: f.valid_until.map(day).unwrap_or_else(|| t(ctx.lang, "results.no_end").to_string()),
        });
        let status = if searched && found.is_none() { StatusCode::NOT_FOUND } else { StatusCode::OK };
        let page = CheckPage { layout: Layout::new(&ctx, "results.check.title"), number, code, searched, found };
        Ok(render(status, &page))
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn standing_key(s: egov_results::Standing) -> &'static str {
    match s {
        egov_results::Standing::Valid => "results.valid",
        egov_results::Standing::Expired => "results.expired",
    }
}

/// A document of the citizen's store, ready to show.
pub struct StoreLine {
    pub label: String,
    pub href: String,
    pub name: String,
    pub kind: String,
    /// A result's check slip.
    pub slip: Option<String>,
}

#[derive(Template)]
#[template(path = "results/store.html")]
struct StorePage {
    layout: Layout,
    results: Vec<StoreLine>,
    parts: Vec<StoreLine>,
}

async fn store(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = ctx.principal()?;
        let docs = egov_app::results::documents(&state.app, p).await?;
        let (mut results, mut parts) = (Vec::new(), Vec::new());
        for d in &docs {
            let line = StoreLine {
                label: super::label(&state, ctx.lang, d),
                href: format!("/api/v1/dossiers/{}/files/{}", d.dossier_code, d.file.id),
                name: egov_app::files::file_name_for(&d.file.file_name, &d.file.content_type),
                kind: t(ctx.lang, if d.result.is_some() { "results.kind.result" } else { "results.kind.part" })
                    .to_string(),
                slip: d.result.as_ref().map(|(id, ..)| format!("/api/v1/results/{id}/slip.pdf")),
            };
            if d.result.is_some() {
                results.push(line)
            } else {
                parts.push(line)
            }
        }
        Ok(render(StatusCode::OK, &StorePage { layout: Layout::new(&ctx, "results.store.title"), results, parts }))
    }
    .await;
    or_login(&ctx, r)
}

/// A line of the registry.
pub struct RegistryLine {
    pub number: String,
    pub doc_type: String,
    pub issued_on: String,
    pub holder: String,
    pub valid_until: String,
    pub dossier: String,
    pub slip: String,
}

#[derive(Template)]
#[template(path = "results/registry.html")]
struct RegistryPage {
    layout: Layout,
    q: String,
    lines: Vec<RegistryLine>,
    total: i64,
    pager: Option<Pager>,
}

#[derive(Deserialize)]
struct RegistryQuery {
    q: Option<String>,
    trang: Option<String>,
}

fn registry_line(ctx: &Ctx, k: KeptResult) -> RegistryLine {
    RegistryLine {
        slip: format!("/api/v1/results/{}/slip.pdf", k.id),
        number: k.issue.number,
        doc_type: k.issue.doc_type,
        issued_on: day(k.issue.issued_on),
        holder: k.holder_name,
        valid_until: k.issue.valid_until.map(day).unwrap_or_else(|| t(ctx.lang, "results.no_end").to_string()),
        dossier: k.dossier_code,
    }
}

async fn registry(State(state): State<AppState>, ctx: Ctx, Query(q): Query<RegistryQuery>) -> Response {
    let r = async {
        let p = ctx.principal()?;
        let search: String = q.q.as_deref().map(str::trim).unwrap_or_default().chars().take(100).collect();
        let number = q.trang.as_deref().and_then(|n| n.trim().parse::<u32>().ok()).filter(|n| (1..=1_000_000).contains(n)).unwrap_or(1);
        let (found, total) = egov_app::results::search(&state.app, p, &search, number, PER_PAGE).await?;
        let pages = (total.max(0) as u64).div_ceil(u64::from(PER_PAGE)).max(1);
        let link = |n: u64| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            if !search.is_empty() {
                query.append_pair("q", &search);
            }
            query.append_pair("trang", &n.to_string());
            format!("{REGISTRY}?{}", query.finish())
        };
        let n = u64::from(number);
        let pager = (pages > 1 || n > 1).then(|| Pager {
            summary: t(ctx.lang, "office.page_of")
                .replace("{page}", &n.to_string())
                .replace("{pages}", &pages.to_string())
                .replace("{total}", &total.to_string()),
            previous: (n > 1).then(|| link((n - 1).min(pages))),
            next: (n < pages).then(|| link(n + 1)),
        });
        let lines = found.into_iter().map(|k| registry_line(&ctx, k)).collect();
        let page = RegistryPage { layout: Layout::new(&ctx, "results.registry.title"), q: search, lines, total, pager };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    or_login(&ctx, r)
}

/// Marks a part checked against its original; back to the dossier's page,
/// which says a refusal in words.
async fn digitise(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, file)): Path<(String, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = ctx.principal()?;
        match egov_app::results::mark_digitised(&state.app, p, &code, file).await.map_err(WebError::from) {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/ho-so/{code}?ok=1")).into_response()),
            Err(e @ WebError::Refused(..)) => {
                let (status, key) = (e.status(), e.title_key());
                crate::dossiers::office::office_page(&state, &ctx, &code, Some(t(ctx.lang, key).to_string()), status)
                    .await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    or_login(&ctx, r)
}

//! The portal's news: `/tin-tuc` (the latest in the reader's language, by
//! category, a page of 12 at a time) and an article's page
//! `/tin-tuc/{id}/{words}`: its body in the safe subset, Open Graph and
//! Twitter card metadata, share links that need no third party's script,
//! and the language switch that goes to its translation, or says there is
//! none. No JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use egov_app::news as na;
use egov_i18n::Lang;
use egov_news::Language;
use egov_store::news::Article;

use crate::ctx::Ctx;
use crate::views::{render, Layout};
use crate::{AppState, WebError};

pub(crate) fn language_of(lang: Lang) -> Language {
    if lang.code() == "en" {
        Language::En
    } else {
        Language::Vi
    }
}

pub struct Item {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub when: String,
    pub category: String,
}

pub(crate) fn when(m: Option<i64>) -> String {
    m.and_then(egov_kernel::vn::from_micros).map(|t| t.format("%d/%m/%Y %H:%M").to_string()).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "news/index.html")]
struct IndexPage {
    layout: Layout,
    categories: Vec<(String, String)>,
    chosen: String,
    items: Vec<Item>,
    page: i64,
    pages: i64,
    /// The address of another page of the same list.
    base: String,
}

pub(crate) async fn category_names(state: &AppState, lang: Lang) -> Result<Vec<(String, String)>, WebError> {
    let en = language_of(lang) == Language::En;
    Ok(state
        .store
        .news_categories()
        .await?
        .into_iter()
        .map(|c| (c.code, if en { c.name_en } else { c.name_vi }))
        .collect())
}

fn item(a: &Article, categories: &[(String, String)]) -> Item {
    Item {
        url: super::api::url_of(a),
        title: a.a.title.clone(),
        summary: a.a.summary.clone(),
        when: when(a.publish_at),
        category: categories.iter().find(|(c, _)| *c == a.a.category).map_or_else(String::new, |(_, n)| n.clone()),
    }
}

async fn index(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let categories = category_names(&state, ctx.lang).await?;
    let chosen = q.get("chuyen-muc").filter(|c| categories.iter().any(|(k, _)| k == *c)).cloned().unwrap_or_default();
    let page = q.get("trang").and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..=100_000).contains(p)).unwrap_or(1);
    let (list, pages) =
        na::listing(&state.app, language_of(ctx.lang), (!chosen.is_empty()).then_some(chosen.as_str()), page).await?;
    let base = if chosen.is_empty() { "/tin-tuc?".to_string() } else { format!("/tin-tuc?chuyen-muc={chosen}&") };
    let title_key = "news.title";
    let p = IndexPage {
        layout: Layout::new(&ctx, title_key),
        items: list.iter().map(|a| item(a, &categories)).collect(),
        categories,
        chosen,
        page,
        pages,
        base,
    };
    Ok(render(StatusCode::OK, &p))
}

#[derive(Template)]
#[template(path = "news/article.html")]
struct ArticlePage {
    layout: Layout,
    title: String,
    summary: String,
    body: String,
    when: String,
    category: (String, String),
    tags: Vec<String>,
    /// The absolute address, for metadata and sharing.
    url: String,
    og_locale: &'static str,
    /// The translation's address and language code, if it shows.
    translation: Option<(String, &'static str)>,
    /// The reader asked for the other language, which this article lacks.
    missing: bool,
    share: Vec<(&'static str, String)>,
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Share links that work without a third party's script.
fn share_links(url: &str, title: &str) -> Vec<(&'static str, String)> {
    let (u, t) = (enc(url), enc(title));
    vec![
        ("Facebook", format!("https://www.facebook.com/sharer/sharer.php?u={u}")),
        ("Zalo", format!("https://sp.zalo.me/share_inline?d={u}")),
        ("X", format!("https://x.com/intent/post?url={u}&text={t}")),
        ("news.share.email", format!("mailto:?subject={t}&body={u}")),
    ]
}

async fn article(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(params): Path<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let id: i64 = params.get("id").and_then(|i| i.parse().ok()).ok_or(WebError::NotFound)?;
    let (a, t) = na::public(&state.app, id).await.map_err(|e| match e {
        egov_app::AppError::NotFound => WebError::NotFound,
        e => e.into(),
    })?;
    let wanted = language_of(ctx.lang);
    // the reader's language is the translation's: there it is
    if wanted != a.a.language {
        if let Some(t) = &t {
            return Ok(Redirect::to(&super::api::url_of(t)).into_response());
        }
    }
    // an address with other words than the title's: the title's
    let canonical = super::api::url_of(&a);
    if params.get("words").is_some_and(|w| *w != canonical.rsplit('/').next().unwrap_or_default()) {
        return Ok(Redirect::permanent(&canonical).into_response());
    }
    let categories = category_names(&state, ctx.lang).await?;
    let origin = crate::signin::pages::origin(&state, &headers);
    let url = format!("{origin}{canonical}");
    let mut layout = Layout::titled(&ctx, a.a.title.clone());
    if let Some(t) = &t {
        layout.switch_href = format!("{}?lang={}", super::api::url_of(t), t.a.language.as_str());
    }
    let page = ArticlePage {
        share: share_links(&url, &a.a.title),
        title: a.a.title.clone(),
        summary: a.a.summary.clone(),
        body: a.a.body.clone(),
        when: when(a.publish_at),
        category: categories.iter().find(|(c, _)| *c == a.a.category).cloned().unwrap_or_default(),
        tags: a.a.tags.clone(),
        og_locale: if a.a.language == Language::En { "en_US" } else { "vi_VN" },
        translation: t.as_ref().map(|t| (super::api::url_of(t), t.a.language.as_str())),
        missing: wanted != a.a.language && t.is_none(),
        url,
        layout,
    };
    Ok(render(StatusCode::OK, &page))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/tin-tuc", get(index))
        .route("/tin-tuc/{id}", get(article))
        .route("/tin-tuc/{id}/{words}", get(article))
}

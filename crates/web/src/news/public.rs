//! The portal's news: `/tin-tuc` (the latest in the reader's language, by
//! category, a page of 12 at a time) and an article's page
//! `/tin-tuc/{id}/{words}`: its body in the safe subset, Open Graph and
//! Twitter card metadata, share links that need no third party's script,
//! and the language switch that goes to its translation, or says there is
//! none. No JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use egov_app::news as na;
use egov_i18n::Lang;
use egov_news::Language;
use egov_store::news::Article;

use super::cache;
use crate::ctx::Ctx;
use crate::views::Layout;
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
    pub image: Option<Picture>,
}

/// A featured image as a page shows it: the sizes, the smallest as `src`.
pub struct Picture {
    pub src: String,
    pub srcset: String,
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

pub(crate) fn when(m: Option<i64>) -> String {
    m.and_then(egov_kernel::vn::from_micros).map(|t| t.format("%d/%m/%Y %H:%M").to_string()).unwrap_or_default()
}

/// What a list is narrowed to, in words for its heading.
pub struct Narrowed {
    pub what: &'static str,
    pub name: String,
}

#[derive(Template)]
#[template(path = "news/index.html")]
struct IndexPage {
    layout: Layout,
    categories: Vec<(String, String)>,
    chosen: String,
    /// The home page (nothing narrowed, the first page).
    home: bool,
    featured: Vec<Item>,
    by_category: Vec<(String, String, Vec<Item>)>,
    sections: Vec<(String, String, i64)>,
    narrowed: Option<Narrowed>,
    search: String,
    total: i64,
    items: Vec<Item>,
    page: i64,
    pages: i64,
    /// The address of another page of the same list.
    base: String,
    /// The feeds' query (`lang=…&chuyen-muc=…`), escaped.
    feed_query: String,
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

/// The picture of an article's featured image, if it has one.
async fn picture(state: &AppState, a: &Article) -> Result<Option<Picture>, WebError> {
    let Some(id) = a.a.image else { return Ok(None) };
    let Some(img) = state.store.news_image(id).await? else { return Ok(None) };
    let Some(small) = img.sizes.first() else { return Ok(None) };
    let src = |w: i64| format!("/tin-tuc/anh/{id}/{w}.jpg");
    Ok(Some(Picture {
        src: src(small.width),
        srcset: img.sizes.iter().map(|s| format!("{} {}w", src(s.width), s.width)).collect::<Vec<_>>().join(", "),
        alt: a.a.image_alt.clone(),
        width: small.width,
        height: small.height,
    }))
}

async fn item(state: &AppState, a: &Article, categories: &[(String, String)]) -> Result<Item, WebError> {
    Ok(Item {
        url: super::api::url_of(a),
        title: a.a.title.clone(),
        summary: a.a.summary.clone(),
        when: when(a.publish_at),
        category: categories.iter().find(|(c, _)| *c == a.a.category).map_or_else(String::new, |(_, n)| n.clone()),
        image: picture(state, a).await?,
    })
}

async fn items(state: &AppState, list: &[Article], categories: &[(String, String)]) -> Result<Vec<Item>, WebError> {
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        out.push(item(state, a, categories).await?);
    }
    Ok(out)
}

fn q_enc(s: &str) -> String {
    enc(s)
}

async fn listed(state: AppState, ctx: Ctx, headers: HeaderMap, q: HashMap<String, String>, tag: Option<String>) -> Result<Response, WebError> {
    let tag_key = match tag {
        Some(t) if egov_news::index::tag_key(&t) == t && !t.is_empty() => Some(t),
        Some(_) => return Err(WebError::NotFound),
        None => None,
    };
    let c = match cache::check(&state, &ctx, &headers).await? {
        cache::Check::Answered(r) => return Ok(r),
        cache::Check::Render(tag) => tag,
    };
    let language = language_of(ctx.lang);
    let categories = category_names(&state, ctx.lang).await?;
    let sections = na::sections(&state.app, language).await?;
    let chosen = q.get("chuyen-muc").filter(|c| categories.iter().any(|(k, _)| k == *c)).cloned().unwrap_or_default();
    let agency = q.get("co-quan").filter(|a| sections.iter().any(|(k, _, _)| k == *a)).cloned();
    let search: String = q.get("q").map(|s| s.trim().chars().take(200).collect()).unwrap_or_default();
    let page = q.get("trang").and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..=100_000).contains(p)).unwrap_or(1);
    let filter = na::Filter {
        category: (!chosen.is_empty()).then(|| chosen.clone()),
        tag: tag_key.clone(),
        agency: agency.clone(),
        search: search.clone(),
        page,
    };
    let (list, pages, total) = na::listing(&state.app, language, &filter).await?;
    let mut kept: Vec<String> = Vec::new();
    if !chosen.is_empty() {
        kept.push(format!("chuyen-muc={chosen}"));
    }
    if let Some(a) = &agency {
        kept.push(format!("co-quan={}", q_enc(a)));
    }
    if !search.is_empty() {
        kept.push(format!("q={}", q_enc(&search)));
    }
    let path = match &tag_key {
        Some(t) => format!("/tin-tuc/the/{t}"),
        None => "/tin-tuc".into(),
    };
    let base = format!("{path}?{}", kept.iter().map(|k| format!("{k}&")).collect::<String>());
    let narrowed = if let Some(t) = &tag_key {
        // the tag as an article writes it
        let name = list.iter().flat_map(|a| a.a.tags.iter()).find(|x| egov_news::index::tag_key(x) == *t).cloned();
        Some(Narrowed { what: "news.tag", name: name.unwrap_or_else(|| t.clone()) })
    } else if let Some(a) = &agency {
        Some(Narrowed { what: "news.section", name: sections.iter().find(|s| s.0 == *a).map(|s| s.1.clone()).unwrap_or_default() })
    } else if !search.is_empty() {
        Some(Narrowed { what: "news.results", name: search.clone() })
    } else {
        None
    };
    let home = narrowed.is_none() && chosen.is_empty() && page == 1;
    let (featured, by_category) = if home {
        let f = na::featured(&state.app, language).await?;
        let mut by = Vec::new();
        for (code, list) in na::latest_by_category(&state.app, language, 3).await? {
            let name = categories.iter().find(|(c, _)| *c == code).map(|c| c.1.clone()).unwrap_or_default();
            by.push((code, name, items(&state, &list, &categories).await?));
        }
        (items(&state, &f, &categories).await?, by)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut feed_query = format!("lang={}", ctx.lang.code());
    if !chosen.is_empty() {
        feed_query.push_str(&format!("&chuyen-muc={chosen}"));
    }
    let mut layout = Layout::new(&ctx, "news.title");
    if let Some(n) = &narrowed {
        layout.title = format!("{}: {}", egov_i18n::t(ctx.lang, n.what), n.name);
    }
    let p = IndexPage {
        layout,
        items: items(&state, &list, &categories).await?,
        featured,
        by_category,
        sections,
        narrowed,
        search,
        total,
        home,
        categories,
        chosen,
        page,
        pages,
        base,
        feed_query,
    };
    Ok(cache::finish(&state, &p, c))
}

async fn index(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    listed(state, ctx, headers, q, None).await
}

async fn tag(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(key): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    listed(state, ctx, headers, q, Some(key)).await
}

/// One size of an uploaded image: the same bytes for ever (a new image is
/// a new address), so kept a year by anyone.
async fn image(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>) -> Result<Response, WebError> {
    let width: i64 = file.strip_suffix(".jpg").and_then(|w| w.parse().ok()).ok_or(WebError::NotFound)?;
    let img = na::image(&state.app, id).await?;
    let size = img.sizes.iter().find(|s| s.width == width && s.format == "jpeg").ok_or(WebError::NotFound)?;
    let bytes = state.app.blobs.get(&size.blob_key).await.map_err(egov_app::AppError::from)?;
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", size.sha256)) {
        h.insert(header::ETAG, v);
    }
    Ok(r)
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
    /// Each tag as written, and its page.
    tags: Vec<(String, String)>,
    image: Option<Picture>,
    /// The absolute address of the image's largest size, for metadata.
    og_image: String,
    /// The agency's section: its address and name.
    section: (String, String),
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
    let c = match cache::check(&state, &ctx, &headers).await? {
        cache::Check::Answered(r) => return Ok(r),
        cache::Check::Render(tag) => tag,
    };
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
    let image = picture(&state, &a).await?;
    let page = ArticlePage {
        share: share_links(&url, &a.a.title),
        title: a.a.title.clone(),
        summary: a.a.summary.clone(),
        body: a.a.body.clone(),
        when: when(a.publish_at),
        category: categories.iter().find(|(c, _)| *c == a.a.category).cloned().unwrap_or_default(),
        tags: a.a.tags.iter().map(|t| (t.clone(), format!("/tin-tuc/the/{}", egov_news::index::tag_key(t)))).collect(),
        og_image: match (a.a.image, &image) {
            (Some(id), Some(_)) => {
                let largest = state.store.news_image(id).await?.and_then(|i| i.sizes.last().map(|s| s.width)).unwrap_or(0);
                format!("{origin}/tin-tuc/anh/{id}/{largest}.jpg")
            }
            _ => String::new(),
        },
        image,
        section: (
            format!("/tin-tuc?co-quan={}", enc(&a.agency_code)),
            state
                .store
                .agency(&a.agency_code)
                .await?
                .map(|ag| if a.a.language == Language::En { ag.name_en } else { ag.name_vi })
                .unwrap_or_else(|| a.agency_code.clone()),
        ),
        og_locale: if a.a.language == Language::En { "en_US" } else { "vi_VN" },
        translation: t.as_ref().map(|t| (super::api::url_of(t), t.a.language.as_str())),
        missing: wanted != a.a.language && t.is_none(),
        url,
        layout,
    };
    Ok(cache::finish(&state, &page, c))
}

impl ArticlePage {
    fn image_alt_text(&self) -> &str {
        self.image.as_ref().map_or("", |p| p.alt.as_str())
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/tin-tuc", get(index))
        .route("/tin-tuc/the/{key}", get(tag))
        .route("/tin-tuc/anh/{id}/{file}", get(image))
        .route("/tin-tuc/{id}", get(article))
        .route("/tin-tuc/{id}/{words}", get(article))
}

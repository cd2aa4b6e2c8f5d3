//! The portal's feeds, per language and category: RSS 2.0
//! (`/tin-tuc/rss.xml`) and Atom (`/tin-tuc/atom.xml`), `?chuyen-muc=CODE`
//! for one category, `?lang=en` for the English articles; the 30 latest
//! shown now. Written by hand, every text escaped.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use egov_i18n::t;
use egov_news::Language;
use egov_store::news::Article;

use super::public::{category_names, language_of};
use crate::ctx::Ctx;
use crate::{AppState, WebError};

pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

struct Feed {
    title: String,
    origin: String,
    language: Language,
    category: Option<String>,
    items: Vec<Article>,
}

async fn feed(state: &AppState, ctx: &Ctx, headers: &HeaderMap, q: &HashMap<String, String>) -> Result<Feed, WebError> {
    let categories = category_names(state, ctx.lang).await?;
    let category = match q.get("chuyen-muc") {
        Some(c) => Some(categories.iter().find(|(k, _)| k == c).ok_or(WebError::NotFound)?.clone()),
        None => None,
    };
    let language = language_of(ctx.lang);
    let now = egov_kernel::vn::to_micros(state.app.now());
    let shown = egov_store::news::Shown {
        category: category.as_ref().map(|c| c.0.as_str()),
        ..egov_store::news::Shown::all(Some(language))
    };
    let (items, _) = state.store.news_shown(now, &shown, 30, 0).await?;
    let site = t(ctx.lang, "site.name");
    let title = match &category {
        Some((_, name)) => format!("{name} · {site}"),
        None => format!("{} · {site}", t(ctx.lang, "news.title")),
    };
    Ok(Feed { title, origin: crate::signin::pages::origin(state, headers), language, category: category.map(|c| c.0), items })
}

fn rfc2822(m: Option<i64>) -> String {
    m.and_then(egov_kernel::vn::from_micros).map(|t| t.format("%a, %d %b %Y %H:%M:%S +0700").to_string()).unwrap_or_default()
}

fn rfc3339(m: Option<i64>) -> String {
    m.and_then(egov_kernel::vn::from_micros).map(|t| t.format("%Y-%m-%dT%H:%M:%S+07:00").to_string()).unwrap_or_default()
}

fn self_link(f: &Feed, file: &str) -> String {
    let mut q = vec![format!("lang={}", f.language.as_str())];
    if let Some(c) = &f.category {
        q.push(format!("chuyen-muc={c}"));
    }
    format!("{}/tin-tuc/{file}?{}", f.origin, q.join("&amp;"))
}

fn answer(body: String, kind: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    r
}

async fn rss(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let f = feed(&state, &ctx, &headers, &q).await?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    out.push_str(&format!(
        "<title>{}</title>\n<link>{}/tin-tuc</link>\n<description>{}</description>\n<language>{}</language>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        xml(&f.title),
        f.origin,
        xml(&f.title),
        f.language.as_str(),
        self_link(&f, "rss.xml")
    ));
    if let Some(first) = f.items.first() {
        out.push_str(&format!("<lastBuildDate>{}</lastBuildDate>\n", rfc2822(first.publish_at)));
    }
    for a in &f.items {
        let link = format!("{}{}", f.origin, super::api::url_of(a));
        out.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>{link}</link>\n<guid isPermaLink=\"true\">{link}</guid>\n<description>{}</description>\n<category>{}</category>\n<pubDate>{}</pubDate>\n</item>\n",
            xml(&a.a.title),
            xml(&a.a.summary),
            xml(&a.a.category),
            rfc2822(a.publish_at)
        ));
    }
    out.push_str("</channel>\n</rss>\n");
    Ok(answer(out, "application/rss+xml; charset=utf-8"))
}

async fn atom(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let f = feed(&state, &ctx, &headers, &q).await?;
    let updated = f.items.first().map_or_else(|| rfc3339(Some(state.store.now())), |a| rfc3339(a.publish_at));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<id>{}</id>\n<title>{}</title>\n<updated>{updated}</updated>\n<link rel=\"self\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}/tin-tuc\"/>\n<author><name>{}</name></author>\n",
        f.language.as_str(),
        self_link(&f, "atom.xml"),
        xml(&f.title),
        self_link(&f, "atom.xml"),
        f.origin,
        xml(t(language_lang(f.language), "site.name"))
    ));
    for a in &f.items {
        let link = format!("{}{}", f.origin, super::api::url_of(a));
        out.push_str(&format!(
            "<entry>\n<id>{link}</id>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n<published>{}</published>\n<updated>{}</updated>\n<summary>{}</summary>\n<category term=\"{}\"/>\n</entry>\n",
            xml(&a.a.title),
            rfc3339(a.publish_at),
            rfc3339(a.publish_at),
            xml(&a.a.summary),
            xml(&a.a.category)
        ));
    }
    out.push_str("</feed>\n");
    Ok(answer(out, "application/atom+xml; charset=utf-8"))
}

fn language_lang(l: Language) -> egov_i18n::Lang {
    match l {
        Language::Vi => egov_i18n::Lang::Vi,
        Language::En => egov_i18n::Lang::En,
    }
}

/// The sitemap (sitemaps.org 0.9): the news pages in both languages, each
/// category's, and every article shown, with when it last changed (an
/// article's translation is named by its page's `hreflang` link).
async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let origin = crate::signin::pages::origin(&state, &headers);
    let articles = egov_app::news::sitemap(&state.app).await?;
    let categories = state.store.news_categories().await?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let newest = articles.iter().map(|a| a.updated_at.max(a.publish_at.unwrap_or(0))).max();
    for lang in ["vi", "en"] {
        out.push_str(&format!("<url><loc>{}</loc>", xml(&format!("{origin}/tin-tuc?lang={lang}"))));
        if let Some(m) = newest {
            out.push_str(&format!("<lastmod>{}</lastmod>", rfc3339(Some(m))));
        }
        out.push_str("<changefreq>hourly</changefreq><priority>1.0</priority></url>\n");
        for c in &categories {
            out.push_str(&format!(
                "<url><loc>{}</loc><changefreq>daily</changefreq><priority>0.6</priority></url>\n",
                xml(&format!("{origin}/tin-tuc?chuyen-muc={}&lang={lang}", c.code))
            ));
        }
    }
    for a in &articles {
        let loc = format!("{origin}{}", super::api::url_of(a));
        out.push_str(&format!("<url><loc>{}</loc><lastmod>{}</lastmod>", xml(&loc), rfc3339(Some(a.updated_at.max(a.publish_at.unwrap_or(0))))));
        out.push_str("<priority>0.8</priority></url>\n");
    }
    out.push_str("</urlset>\n");
    Ok(answer(out, "application/xml; charset=utf-8"))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/tin-tuc/rss.xml", get(rss))
        .route("/tin-tuc/atom.xml", get(atom))
        .route("/sitemap.xml", get(sitemap))
}

//! What the public portal shows — a filtered page of articles, the
//! featured ones, the latest of each category, the agencies' sections, the
//! sitemap, and a version of it all for conditional requests — and the
//! publisher's and the writers' tools for it: featuring an article and
//! uploading its image.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use egov_news::{Desk, Language};
use egov_store::news::{Article, Image, ImageSize, Shown};

use super::{desk, held, own_agency, PAGE};
use crate::jobs::{Job, Runs};
use crate::{Actor, App, AppError, FieldError};

/// What a list of the portal is narrowed to; a page from 1.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub category: Option<String>,
    /// A tag's key.
    pub tag: Option<String>,
    pub agency: Option<String>,
    /// A search, as typed.
    pub search: String,
    pub page: i64,
}

fn now(app: &App) -> i64 {
    egov_kernel::vn::to_micros(app.now())
}

/// A page of the articles shown in a language under a filter: the page's
/// articles, how many pages and how many articles there are.
pub async fn listing(app: &App, language: Language, f: &Filter) -> Result<(Vec<Article>, i64, i64), AppError> {
    let page = f.page.max(1);
    let words = egov_news::index::words(&f.search);
    let shown = Shown {
        language: Some(language),
        category: f.category.as_deref(),
        tag: f.tag.as_deref(),
        agency: f.agency.as_deref(),
        words: &words,
        featured: false,
    };
    let (list, total) = app.store.news_shown(now(app), &shown, PAGE, (page - 1) * PAGE).await?;
    Ok((list, ((total + PAGE - 1) / PAGE).max(1), total))
}

/// The featured articles shown in a language, newest first: at most 3.
pub async fn featured(app: &App, language: Language) -> Result<Vec<Article>, AppError> {
    let shown = Shown { featured: true, ..Shown::all(Some(language)) };
    Ok(app.store.news_shown(now(app), &shown, 3, 0).await?.0)
}

/// The latest `n` articles of each category (those with any), in the
/// categories' order.
pub async fn latest_by_category(
    app: &App,
    language: Language,
    n: i64,
) -> Result<Vec<(String, Vec<Article>)>, AppError> {
    let mut out = Vec::new();
    for c in app.store.news_categories().await? {
        let shown = Shown { category: Some(&c.code), ..Shown::all(Some(language)) };
        let (list, _) = app.store.news_shown(now(app), &shown, n, 0).await?;
        if !list.is_empty() {
            out.push((c.code, list));
        }
    }
    Ok(out)
}

/// The agencies with news in a language: code, name in that language, how
/// many articles.
pub async fn sections(app: &App, language: Language) -> Result<Vec<(String, String, i64)>, AppError> {
    let agencies = app.store.agencies().await?;
    let list = app.store.news_sections(now(app), language).await?;
    Ok(list
        .into_iter()
        .map(|(code, n)| {
            let name = agencies.iter().find(|a| a.id.as_str() == code).map_or_else(
                || code.clone(),
                |a| if language == Language::En { a.name_en.clone() } else { a.name_vi.clone() },
            );
            (code, name, n)
        })
        .collect())
}

/// Every article shown, in both languages (a sitemap holds 50,000).
pub async fn sitemap(app: &App) -> Result<Vec<Article>, AppError> {
    Ok(app.store.news_shown(now(app), &Shown::all(None), 50_000, 0).await?.0)
}

/// The portal's version as last read: read again when the clock has moved
/// to another second or this instance changed the news since (another
/// instance's change is seen within the second).
#[derive(Default)]
pub struct Portal {
    /// Changes made through this instance.
    changes: AtomicU64,
    /// (the second, the changes then, the version)
    last: Mutex<Option<(i64, u64, String)>>,
}

impl Portal {
    /// This instance changed the news: the version is read again.
    pub fn changed(&self) {
        self.changes.fetch_add(1, Ordering::Relaxed);
    }
}

/// A version of everything the portal shows now: the same version, the
/// same pages. Read from the database at most once a second (and after
/// every change made here), so that a conditional request costs no query.
pub async fn version(app: &App) -> Result<String, AppError> {
    let now = now(app);
    let second = now.div_euclid(1_000_000);
    let changes = app.news.changes.load(Ordering::Relaxed);
    if let Ok(last) = app.news.last.lock() {
        if let Some((s, c, v)) = last.as_ref() {
            if *s == second && *c == changes {
                return Ok(v.clone());
            }
        }
    }
    let v = app.store.news_version(now).await?;
    if let Ok(mut last) = app.news.last.lock() {
        *last = Some((second, changes, v.clone()));
    }
    Ok(v)
}

/// The publisher features an article on the home page, or stops.
pub async fn feature(app: &App, actor: Actor<'_>, id: i64, on: bool) -> Result<(), AppError> {
    let (_, d) = held(app, actor, id).await?;
    if d != Desk::Publisher {
        return Err(AppError::Forbidden);
    }
    let mut w = app.store.begin_write().await?;
    w.news_feature(id, on, &actor.audit_name()).await?;
    w.commit().await?;
    app.news.changed();
    Ok(())
}

/// An image uploaded by someone of a newsroom (for `agency`'s, by default
/// their own), made into every size served: its id.
pub async fn upload_image(app: &App, actor: Actor<'_>, agency: Option<&str>, bytes: Vec<u8>) -> Result<i64, AppError> {
    let agency = match agency {
        Some(a) => a.to_string(),
        None => own_agency(actor)?,
    };
    desk(actor, &agency).ok_or(AppError::Forbidden)?;
    let made = tokio::task::spawn_blocking(move || egov_news::image::sizes(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|p| AppError::Invalid(vec![FieldError::new(p.field, p.key)]))?;
    let ((w, h), sized) = made;
    let mut sizes = Vec::new();
    for s in sized {
        let bytes = s.bytes.len() as i64;
        let blob = app.blobs.put(s.bytes, true).await?;
        sizes.push(ImageSize {
            width: i64::from(s.width),
            height: i64::from(s.height),
            format: s.format.into(),
            blob_key: blob.key,
            sha256: blob.sha256,
            bytes,
        });
    }
    let mut tx = app.store.begin_write().await?;
    let id =
        tx.news_image_add(&agency, (i64::from(w), i64::from(h)), &sizes, &actor.audit_name(), app.store.now()).await?;
    tx.commit().await?;
    Ok(id)
}

/// An image and its sizes.
pub async fn image(app: &App, id: i64) -> Result<Image, AppError> {
    app.store.news_image(id).await?.ok_or(AppError::NotFound)
}

/// Folds the words and keeps the tags of articles saved before the portal's
/// index was (each later save keeps its own).
pub const INDEX: Job = Job {
    name: "news-index",
    every: Duration::from_secs(60),
    run: |app| {
        Box::pin(async move {
            for a in app.store.news_unindexed(200).await? {
                let mut w = app.store.begin_write().await?;
                w.news_index(a.id, &a.a, a.revision).await?;
                w.commit().await?;
                app.news.changed();
            }
            Ok(())
        })
    },
    runs: Runs::OnOne,
};

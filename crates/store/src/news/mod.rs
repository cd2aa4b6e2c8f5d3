//! The news portal (issue 21): categories, articles with their translation
//! and workflow, every revision kept. Every change is audited.

use egov_news::{Language, NewArticle, State};

use crate::{get, Migration, Result, Store, StoreError, WriteTx};

pub const MIGRATIONS: &[Migration] = crate::migrations!("news": 34 "0034_news", 35 "0035_news_portal", 36 "0036_spokespersons", 37 "0037_press_cooperation", 38 "0038_press_information");

mod portal;
mod press;
mod press_info;
mod spokespersons;
pub use portal::{Image, ImageSize, Shown};
pub use press_info::PressEntry;
pub use spokespersons::Spokesperson;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// An article as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: i64,
    pub agency_code: String,
    pub translation_id: Option<i64>,
    pub a: NewArticle,
    pub author: String,
    pub state: State,
    /// The editor's or publisher's note when it was sent back.
    pub note: String,
    /// Micros, Vietnam time.
    pub publish_at: Option<i64>,
    pub unpublish_at: Option<i64>,
    pub unpublish_reason: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub revision: i64,
    /// The publisher features it on the portal's home.
    pub featured: bool,
}

/// One revision: the article as it was saved then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub n: i64,
    pub a: NewArticle,
    pub saved_by: String,
    pub saved_at: i64,
}

/// Where an article's workflow goes: its new state and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub state: State,
    pub note: String,
    pub publish_at: Option<i64>,
    pub unpublish_at: Option<i64>,
    pub unpublish_reason: String,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

pub(crate) fn article(r: &sqlx::any::AnyRow) -> Result<Article> {
    let (language, state, tags): (String, String, String) = (get(r, "language")?, get(r, "state")?, get(r, "tags")?);
    Ok(Article {
        id: get(r, "id")?,
        agency_code: get(r, "agency_code")?,
        translation_id: get(r, "translation_id")?,
        a: NewArticle {
            language: Language::parse(&language).ok_or_else(|| corrupt("an article's language", &language))?,
            title: get(r, "title")?,
            summary: get(r, "summary")?,
            body: get(r, "body")?,
            category: get(r, "category")?,
            tags: serde_json::from_str(&tags).map_err(|_| corrupt("an article's tags", &tags))?,
            image_alt: get(r, "image_alt")?,
            image: get(r, "image_id")?,
        },
        author: get(r, "author")?,
        state: State::parse(&state).ok_or_else(|| corrupt("an article's state", &state))?,
        note: get(r, "note")?,
        publish_at: get(r, "publish_at")?,
        unpublish_at: get(r, "unpublish_at")?,
        unpublish_reason: get(r, "unpublish_reason")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
        revision: get(r, "revision")?,
        featured: get::<i64>(r, "featured")? != 0,
    })
}

/// The condition of an article shown at `$1` (micros).
pub(crate) const SHOWN: &str =
    "state IN ('published', 'unpublished') AND publish_at <= $1 AND (unpublish_at IS NULL OR unpublish_at > $1)";

impl Store {
    pub async fn news_categories(&self) -> Result<Vec<Category>> {
        let rows = sqlx::query("SELECT code, name_vi, name_en FROM news_categories ORDER BY position, code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(Category { code: get(r, "code")?, name_vi: get(r, "name_vi")?, name_en: get(r, "name_en")? }))
            .collect()
    }

    pub async fn news_article(&self, id: i64) -> Result<Option<Article>> {
        let r = sqlx::query("SELECT * FROM news_articles WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(article).transpose()
    }

    /// An agency's articles (every agency's: none), newest change first.
    pub async fn news_articles(&self, agency: Option<&str>, limit: i64) -> Result<Vec<Article>> {
        let rows = match agency {
            Some(a) => {
                sqlx::query(
                    "SELECT * FROM news_articles WHERE agency_code = $1 ORDER BY updated_at DESC, id DESC LIMIT $2",
                )
                .bind(a)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query("SELECT * FROM news_articles ORDER BY updated_at DESC, id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(article).collect()
    }

    pub async fn news_revisions(&self, id: i64) -> Result<Vec<Revision>> {
        let rows = sqlx::query("SELECT * FROM news_revisions WHERE article_id = $1 ORDER BY n")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let a: String = get(r, "article")?;
                Ok(Revision {
                    n: get(r, "n")?,
                    a: serde_json::from_str(&a).map_err(|_| corrupt("a revision", &a))?,
                    saved_by: get(r, "saved_by")?,
                    saved_at: get(r, "saved_at")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    /// Saves an article: a new one (`id` none, a draft) or a new revision of
    /// one, put in `state`; its id, or none if there is no such article.
    pub async fn news_save(
        &mut self,
        id: Option<i64>,
        agency: &str,
        a: &NewArticle,
        state: State,
        actor: &str,
        now: i64,
    ) -> Result<Option<i64>> {
        let tags = serde_json::to_string(&a.tags).unwrap_or_else(|_| "[]".into());
        let (id, n, before) = match id {
            Some(id) => {
                let r = sqlx::query("SELECT * FROM news_articles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(self.conn())
                    .await?;
                let Some(before) = r.as_ref().map(article).transpose()? else { return Ok(None) };
                let n = before.revision + 1;
                sqlx::query(
                    "UPDATE news_articles SET language = $2, title = $3, summary = $4, body = $5, category = $6, tags = $7, \
                     image_alt = $8, state = $9, updated_at = $10, revision = $11, image_id = $12 WHERE id = $1",
                )
                .bind(id)
                .bind(a.language.as_str())
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.body)
                .bind(&a.category)
                .bind(&tags)
                .bind(&a.image_alt)
                .bind(state.as_str())
                .bind(now)
                .bind(n)
                .bind(a.image)
                .execute(self.conn())
                .await?;
                (id, n, Some(before.a))
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO news_articles (agency_code, language, title, summary, body, category, tags, image_alt, \
                     author, state, created_at, updated_at, revision, image_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1, $12) RETURNING id",
                )
                .bind(agency)
                .bind(a.language.as_str())
                .bind(&a.title)
                .bind(&a.summary)
                .bind(&a.body)
                .bind(&a.category)
                .bind(&tags)
                .bind(&a.image_alt)
                .bind(actor)
                .bind(state.as_str())
                .bind(now)
                .bind(a.image)
                .fetch_one(self.conn())
                .await?;
                (id, 1, None)
            }
        };
        sqlx::query(
            "INSERT INTO news_revisions (article_id, n, article, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(n)
        .bind(serde_json::to_string(a).unwrap_or_default())
        .bind(actor)
        .bind(now)
        .execute(self.conn())
        .await?;
        self.news_index(id, a, n).await?;
        self.audit(egov_audit::Event::new(
            actor,
            "news.article",
            format!("news-article:{id}"),
            before.as_ref(),
            Some(a),
        ));
        Ok(Some(id))
    }

    /// Links two articles as translations of each other.
    pub async fn news_link(&mut self, a: i64, b: i64, actor: &str) -> Result<()> {
        for (x, y) in [(a, b), (b, a)] {
            sqlx::query("UPDATE news_articles SET translation_id = $2 WHERE id = $1")
                .bind(x)
                .bind(y)
                .execute(self.conn())
                .await?;
        }
        self.news_changed().await?;
        self.audit(egov_audit::Event::new(
            actor,
            "news.translation",
            format!("news-article:{a}"),
            None::<&()>,
            Some(&b),
        ));
        Ok(())
    }

    /// Moves an article on in its workflow.
    pub async fn news_move(&mut self, id: i64, step: &str, m: &Moved, actor: &str, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE news_articles SET state = $2, note = $3, publish_at = $4, unpublish_at = $5, unpublish_reason = $6, \
             updated_at = $7 WHERE id = $1",
        )
        .bind(id)
        .bind(m.state.as_str())
        .bind(&m.note)
        .bind(m.publish_at)
        .bind(m.unpublish_at)
        .bind(&m.unpublish_reason)
        .bind(now)
        .execute(self.conn())
        .await?;
        let after = serde_json::json!({"step": step, "state": m.state.as_str(), "note": m.note, "publish_at": m.publish_at,
            "unpublish_at": m.unpublish_at, "reason": m.unpublish_reason});
        self.news_changed().await?;
        self.audit(egov_audit::Event::new(actor, "news.step", format!("news-article:{id}"), None::<&()>, Some(&after)));
        Ok(())
    }
}

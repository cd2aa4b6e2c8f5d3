//! What the public portal asks of the news: the articles shown under a
//! filter (language, category, tag, agency, a search's folded words,
//! featured), a version of everything shown (for the pages' ETag), the
//! agencies with news, the search index kept beside each article, and the
//! featured images in the sizes served.

use egov_news::{Language, NewArticle};

use super::{article, Article, SHOWN};
use crate::{get, Result, Store, WriteTx};

/// Which shown articles a list wants.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    /// None: both languages (the sitemap).
    pub language: Option<Language>,
    pub category: Option<&'a str>,
    /// A tag's key.
    pub tag: Option<&'a str>,
    pub agency: Option<&'a str>,
    /// A search's folded words: each begins a word of the article.
    pub words: &'a [String],
    pub featured: bool,
}

impl Shown<'_> {
    pub fn all(language: Option<Language>) -> Shown<'static> {
        Shown { language, category: None, tag: None, agency: None, words: &[], featured: false }
    }
}

/// An uploaded image and the sizes it is served in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub id: i64,
    pub agency_code: String,
    pub width: i64,
    pub height: i64,
    pub sizes: Vec<ImageSize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSize {
    pub width: i64,
    pub height: i64,
    /// `jpeg` or `webp`.
    pub format: String,
    pub blob_key: String,
    pub sha256: String,
    pub bytes: i64,
}

impl Store {
    /// The articles shown at `now` (micros) under a filter, newest
    /// publication first: a page of them, and how many there are in all.
    pub async fn news_shown(&self, now: i64, f: &Shown<'_>, limit: i64, offset: i64) -> Result<(Vec<Article>, i64)> {
        let mut cond = vec![SHOWN.to_string()];
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |cond: &mut Vec<String>, sql: &str, v: String| {
            binds.push(v);
            cond.push(sql.replace('?', &format!("${}", binds.len() + 1)));
        };
        if let Some(l) = f.language {
            bind(&mut cond, "language = ?", l.as_str().into());
        }
        if let Some(c) = f.category {
            bind(&mut cond, "category = ?", c.into());
        }
        if let Some(a) = f.agency {
            bind(&mut cond, "agency_code = ?", a.into());
        }
        if let Some(t) = f.tag {
            bind(&mut cond, "id IN (SELECT article_id FROM news_tags WHERE tag_key = ?)", t.into());
        }
        for w in f.words {
            // folded words are letters and digits: nothing in them is a pattern
            bind(&mut cond, "(' ' || folded) LIKE ?", format!("% {w}%"));
        }
        if f.featured {
            cond.push("featured = 1".into());
        }
        let filter = cond.join(" AND ");
        let sql = format!("SELECT COUNT(*) FROM news_articles WHERE {filter}");
        let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(now);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let total = q.fetch_one(&self.pool).await?;
        let n = binds.len();
        let sql = format!(
            "SELECT * FROM news_articles WHERE {filter} ORDER BY publish_at DESC, id DESC LIMIT ${} OFFSET ${}",
            n + 2,
            n + 3
        );
        let mut q = sqlx::query(&sql).bind(now);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let rows = q.bind(limit).bind(offset).fetch_all(&self.pool).await?;
        Ok((rows.iter().map(article).collect::<Result<_>>()?, total))
    }

    /// A version of everything the portal shows at `now` (micros): it
    /// changes with every change to an article and whenever a publication
    /// or unpublication time passes.
    pub async fn news_version(&self, now: i64) -> Result<String> {
        let r = sqlx::query(
            "SELECT (SELECT n FROM news_generation WHERE id = 1) AS g, \
             (SELECT COUNT(*) FROM news_articles WHERE publish_at <= $1) AS p, \
             (SELECT COUNT(*) FROM news_articles WHERE unpublish_at <= $1) AS u",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(format!("{}.{}.{}", get::<i64>(&r, "g")?, get::<i64>(&r, "p")?, get::<i64>(&r, "u")?))
    }

    /// The agencies with articles shown at `now`, and how many each.
    pub async fn news_sections(&self, now: i64, language: Language) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(&format!(
            "SELECT agency_code, COUNT(*) AS n FROM news_articles WHERE {SHOWN} AND language = $2 \
             GROUP BY agency_code ORDER BY agency_code"
        ))
        .bind(now)
        .bind(language.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((get(r, "agency_code")?, get(r, "n")?))).collect()
    }

    /// Articles whose search index is not of their latest revision (kept
    /// before the index was): at most `limit`.
    pub async fn news_unindexed(&self, limit: i64) -> Result<Vec<Article>> {
        let rows = sqlx::query("SELECT * FROM news_articles WHERE indexed <> revision ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(article).collect()
    }

    pub async fn news_image(&self, id: i64) -> Result<Option<Image>> {
        let Some(r) =
            sqlx::query("SELECT * FROM news_images WHERE id = $1").bind(id).fetch_optional(&self.pool).await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query("SELECT * FROM news_image_sizes WHERE image_id = $1 ORDER BY format, width")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let sizes = rows
            .iter()
            .map(|s| {
                Ok(ImageSize {
                    width: get(s, "width")?,
                    height: get(s, "height")?,
                    format: get(s, "format")?,
                    blob_key: get(s, "blob_key")?,
                    sha256: get(s, "sha256")?,
                    bytes: get(s, "bytes")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(Image {
            id,
            agency_code: get(&r, "agency_code")?,
            width: get(&r, "width")?,
            height: get(&r, "height")?,
            sizes,
        }))
    }
}

impl WriteTx {
    /// One more change to what the portal shows.
    pub(crate) async fn news_changed(&mut self) -> Result<()> {
        sqlx::query("UPDATE news_generation SET n = n + 1 WHERE id = 1").execute(self.conn()).await?;
        Ok(())
    }

    /// Keeps an article's search index (its folded words and its tags'
    /// keys) as of `revision`.
    pub async fn news_index(&mut self, id: i64, a: &NewArticle, revision: i64) -> Result<()> {
        sqlx::query("UPDATE news_articles SET folded = $2, indexed = $3 WHERE id = $1")
            .bind(id)
            .bind(egov_news::index::folded(a))
            .bind(revision)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM news_tags WHERE article_id = $1").bind(id).execute(self.conn()).await?;
        let mut keys: Vec<String> =
            a.tags.iter().map(|t| egov_news::index::tag_key(t)).filter(|k| !k.is_empty()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            sqlx::query("INSERT INTO news_tags (article_id, tag_key) VALUES ($1, $2)")
                .bind(id)
                .bind(k)
                .execute(self.conn())
                .await?;
        }
        self.news_changed().await
    }

    /// Features an article on the portal's home, or stops.
    pub async fn news_feature(&mut self, id: i64, featured: bool, actor: &str) -> Result<()> {
        sqlx::query("UPDATE news_articles SET featured = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(featured))
            .execute(self.conn())
            .await?;
        self.news_changed().await?;
        self.audit(egov_audit::Event::new(
            actor,
            "news.feature",
            format!("news-article:{id}"),
            None::<&()>,
            Some(&featured),
        ));
        Ok(())
    }

    /// Records an uploaded image and its sizes (their blobs already
    /// durable): its id.
    pub async fn news_image_add(
        &mut self,
        agency: &str,
        (width, height): (i64, i64),
        sizes: &[ImageSize],
        actor: &str,
        now: i64,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_images (agency_code, width, height, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(agency)
        .bind(width)
        .bind(height)
        .bind(actor)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        for s in sizes {
            sqlx::query(
                "INSERT INTO news_image_sizes (image_id, width, height, format, blob_key, sha256, bytes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(s.width)
            .bind(s.height)
            .bind(&s.format)
            .bind(&s.blob_key)
            .bind(&s.sha256)
            .bind(s.bytes)
            .execute(self.conn())
            .await?;
        }
        let sizes: Vec<String> = sizes.iter().map(|s| format!("{}x{} {}", s.width, s.height, s.format)).collect();
        self.audit(egov_audit::Event::new(actor, "news.image", format!("news-image:{id}"), None::<&()>, Some(&sizes)));
        Ok(id)
    }
}

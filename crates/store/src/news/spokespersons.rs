//! The spokespersons' register: entries as recorded, each published from
//! its recording, and ended with a reason. Every change is audited.

use egov_news::spokesperson::{Entry, Kind};

use crate::{get, Result, Store, StoreError, WriteTx};

/// An entry as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spokesperson {
    pub id: i64,
    pub agency_code: String,
    pub e: Entry,
    /// Micros, Vietnam time.
    pub published_at: i64,
    pub recorded_by: String,
    pub ended_at: Option<i64>,
    pub end_reason: String,
}

fn row(r: &sqlx::any::AnyRow) -> Result<Spokesperson> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("{what}: {v}"));
    let kind: String = get(r, "kind")?;
    let appointed: i64 = get(r, "appointed_at")?;
    let ends_on: Option<String> = get(r, "ends_on")?;
    Ok(Spokesperson {
        id: get(r, "id")?,
        agency_code: get(r, "agency_code")?,
        e: Entry {
            kind: Kind::parse(&kind).ok_or_else(|| corrupt("a spokesperson's kind", &kind))?,
            full_name: get(r, "full_name")?,
            title: get(r, "title")?,
            phone: get(r, "phone")?,
            email: get(r, "email")?,
            appointed_at: egov_kernel::vn::from_micros(appointed)
                .ok_or_else(|| corrupt("an appointment's time", &appointed.to_string()))?,
            instrument: get(r, "instrument")?,
            scope: get(r, "scope")?,
            ends_on: match ends_on {
                Some(d) => Some(
                    chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("a delegation's end", &d))?,
                ),
                None => None,
            },
        },
        published_at: get(r, "published_at")?,
        recorded_by: get(r, "recorded_by")?,
        ended_at: get(r, "ended_at")?,
        end_reason: get(r, "end_reason")?,
    })
}

impl Store {
    /// The register (one agency's: `Some`), newest appointment first.
    pub async fn spokespersons(&self, agency: Option<&str>) -> Result<Vec<Spokesperson>> {
        let rows = sqlx::query(
            "SELECT * FROM news_spokespersons WHERE ($1 = '' OR agency_code = $1) ORDER BY appointed_at DESC, id DESC",
        )
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    pub async fn spokesperson(&self, id: i64) -> Result<Option<Spokesperson>> {
        let r =
            sqlx::query("SELECT * FROM news_spokespersons WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(row).transpose()
    }
}

impl WriteTx {
    /// Records an entry, published from `now`: its id.
    pub async fn spokesperson_add(&mut self, agency: &str, e: &Entry, actor: &str, now: i64) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_spokespersons (agency_code, kind, full_name, title, phone, email, appointed_at, instrument, \
             scope, ends_on, published_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(agency)
        .bind(e.kind.as_str())
        .bind(&e.full_name)
        .bind(&e.title)
        .bind(&e.phone)
        .bind(&e.email)
        .bind(egov_kernel::vn::to_micros(e.appointed_at))
        .bind(&e.instrument)
        .bind(&e.scope)
        .bind(e.ends_on.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(now)
        .bind(actor)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(
            actor,
            "news.spokesperson",
            format!("spokesperson:{id}"),
            None::<&()>,
            Some(e),
        ));
        Ok(id)
    }

    /// Ends an entry at `now` with a reason; false if it had ended already.
    pub async fn spokesperson_end(&mut self, id: i64, reason: &str, actor: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE news_spokespersons SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .bind(reason)
        .execute(self.conn())
        .await?
        .rows_affected();
        if done == 1 {
            self.audit(egov_audit::Event::new(
                actor,
                "news.spokesperson.end",
                format!("spokesperson:{id}"),
                None::<&()>,
                Some(&reason),
            ));
        }
        Ok(done == 1)
    }
}

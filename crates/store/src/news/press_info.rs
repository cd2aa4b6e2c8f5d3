//! Press information: each record with its kind's columns (mapped here to
//! the domain's `Entry`, which has exactly its kind's fields) and its
//! completion. Every change is audited.

use chrono::NaiveDate;
use egov_kernel::vn::{from_micros, to_micros};
use egov_news::press_info::{Done, Entry, Kind};

use crate::{get, Result, Store, StoreError, WriteTx};

/// A record of press information as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PressEntry {
    pub id: i64,
    pub agency: String,
    pub entry: Entry,
    pub done: Option<Done>,
    pub recorded_by: String,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

fn row(r: &sqlx::any::AnyRow) -> Result<PressEntry> {
    let kind: String = get(r, "kind")?;
    let at: i64 = get(r, "at_time")?;
    let at = from_micros(at).ok_or_else(|| corrupt("a press record's time", &at.to_string()))?;
    let subject: String = get(r, "subject")?;
    let outlet: String = get(r, "outlet")?;
    let entry = match Kind::parse(&kind).ok_or_else(|| corrupt("a press record's kind", &kind))? {
        Kind::Request => {
            let deadline: Option<String> = get(r, "deadline")?;
            let deadline = deadline.unwrap_or_default();
            Entry::Request {
                journalist: get(r, "journalist")?,
                outlet,
                question: subject,
                received: at.date(),
                deadline: NaiveDate::parse_from_str(&deadline, "%Y-%m-%d")
                    .map_err(|_| corrupt("a request's deadline", &deadline))?,
            }
        }
        Kind::Conference => Entry::Conference { subject, planned: at.date() },
        Kind::Briefing => Entry::Briefing { subject, on: at.date() },
        Kind::Periodic => Entry::Periodic { subject, on: at.date() },
        Kind::Event => Entry::Event { subject, known: at },
        Kind::Correction => Entry::Correction { outlet, report: subject, requested: at.date() },
    };
    let done_at: Option<i64> = get(r, "done_at")?;
    let done = match done_at {
        Some(m) => Some(Done {
            at: from_micros(m).ok_or_else(|| corrupt("a press record's completion", &m.to_string()))?,
            text: get(r, "done_text")?,
            by: get(r, "done_by")?,
        }),
        None => None,
    };
    Ok(PressEntry {
        id: get(r, "id")?,
        agency: get(r, "agency_code")?,
        entry,
        done,
        recorded_by: get(r, "recorded_by")?,
    })
}

impl Store {
    /// Records from `from` to `to` (inclusive days), of one agency (`Some`)
    /// or all; by their time.
    pub async fn press_entries(&self, agency: Option<&str>, from: NaiveDate, to: NaiveDate) -> Result<Vec<PressEntry>> {
        let start = to_micros(from.and_time(chrono::NaiveTime::MIN));
        let end = to_micros(to.succ_opt().unwrap_or(to).and_time(chrono::NaiveTime::MIN));
        let rows = sqlx::query(
            "SELECT * FROM news_press_entries WHERE ($1 = '' OR agency_code = $1) AND at_time >= $2 AND at_time < $3 \
             ORDER BY at_time, id",
        )
        .bind(agency.unwrap_or(""))
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Records still waiting (of one agency, or all), whenever they began.
    pub async fn press_open(&self, agency: Option<&str>) -> Result<Vec<PressEntry>> {
        let rows = sqlx::query(
            "SELECT * FROM news_press_entries WHERE ($1 = '' OR agency_code = $1) AND done_at IS NULL \
             AND kind IN ('request', 'conference', 'event', 'correction') ORDER BY at_time, id",
        )
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    pub async fn press_entry(&self, id: i64) -> Result<Option<PressEntry>> {
        let r =
            sqlx::query("SELECT * FROM news_press_entries WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(row).transpose()
    }
}

impl WriteTx {
    /// Records an entry for `agency`: its id.
    pub async fn press_entry_add(&mut self, agency: &str, e: &Entry, actor: &str, now: i64) -> Result<i64> {
        let (journalist, outlet, deadline) = match e {
            Entry::Request { journalist, outlet, deadline, .. } => {
                (journalist.as_str(), outlet.as_str(), Some(deadline.format("%Y-%m-%d").to_string()))
            }
            Entry::Correction { outlet, .. } => ("", outlet.as_str(), None),
            _ => ("", "", None),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_press_entries (agency_code, kind, subject, journalist, outlet, at_time, deadline, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(agency)
        .bind(e.kind().as_str())
        .bind(e.subject())
        .bind(journalist)
        .bind(outlet)
        .bind(to_micros(e.at()))
        .bind(deadline)
        .bind(actor)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(actor, "news.press_info", format!("press:{id}"), None::<&()>, Some(e)));
        Ok(id)
    }

    /// Completes an entry; false if it was completed already.
    pub async fn press_entry_done(&mut self, id: i64, d: &Done, actor: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE news_press_entries SET done_at = $2, done_text = $3, done_by = $4 WHERE id = $1 AND done_at IS NULL",
        )
        .bind(id)
        .bind(to_micros(d.at))
        .bind(&d.text)
        .bind(&d.by)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 1 {
            self.audit(egov_audit::Event::new(
                actor,
                "news.press_info.done",
                format!("press:{id}"),
                None::<&()>,
                Some(d),
            ));
        }
        Ok(n == 1)
    }
}

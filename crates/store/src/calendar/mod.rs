//! Announced working-day schedules and the working-hours settings.

use egov_calendar::{Announcement, WorkingHours};

use crate::{get, Migration, Result, Store, StoreError, WriteTx};

pub const MIGRATIONS: &[Migration] = crate::migrations!("calendar": 2 "0002_calendar");

impl WriteTx {
    /// Stores (or replaces) a year's announcement with an audit entry; bumps
    /// the calendar version so every instance rebuilds its calendar.
    pub async fn save_announcement(&mut self, a: &Announcement, actor: &str) -> Result<bool> {
        let doc = serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let before: Option<String> = sqlx::query_scalar("SELECT document FROM calendar_announcements WHERE year = $1")
            .bind(i64::from(a.year))
            .fetch_optional(self.conn())
            .await?;
        let before: Option<Announcement> = before.and_then(|d| serde_json::from_str(&d).ok());
        if before.is_some() {
            sqlx::query("UPDATE calendar_announcements SET document = $2, updated_at = $3 WHERE year = $1")
                .bind(i64::from(a.year))
                .bind(&doc)
                .bind(self.now())
                .execute(self.conn())
                .await?;
        } else {
            sqlx::query("INSERT INTO calendar_announcements (year, document, updated_at) VALUES ($1, $2, $3)")
                .bind(i64::from(a.year))
                .bind(&doc)
                .bind(self.now())
                .execute(self.conn())
                .await?;
        }
        self.set_meta("calendar_version", &self.now().to_string()).await?;
        self.audit(egov_audit::Event::new(
            actor,
            "calendar.announce",
            format!("calendar:{}", a.year),
            before.as_ref(),
            Some(a),
        ));
        Ok(before.is_none())
    }

    pub async fn set_working_hours(&mut self, h: &WorkingHours, actor: &str) -> Result<()> {
        let doc = serde_json::to_string(h).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.set_meta("calendar_hours", &doc).await?;
        self.set_meta("calendar_version", &self.now().to_string()).await?;
        self.audit(egov_audit::Event::new(actor, "calendar.hours", "calendar:hours", None::<&()>, Some(h)));
        Ok(())
    }
}

impl Store {
    /// Every stored announcement, by year.
    pub async fn announcements(&self) -> Result<Vec<Announcement>> {
        let rows =
            sqlx::query("SELECT document FROM calendar_announcements ORDER BY year").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let d: String = get(r, "document")?;
                serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    /// The working hours in force (the defaults until an administrator sets them).
    pub async fn working_hours(&self) -> Result<WorkingHours> {
        match self.meta("calendar_hours").await? {
            Some(d) => serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string())),
            None => Ok(WorkingHours::default()),
        }
    }

    /// The calendar built from the stored announcements and hours.
    pub async fn calendar(&self) -> Result<egov_calendar::Calendar> {
        Ok(egov_calendar::Calendar::new(&self.announcements().await?, self.working_hours().await?))
    }

    /// Imports announcements in one write: all, or none when any is invalid.
    pub async fn import_announcements(
        &self,
        list: &[Announcement],
        actor: &str,
    ) -> Result<std::result::Result<crate::ImportReport, Vec<String>>> {
        let mut errs = Vec::new();
        for a in list {
            if let Err(e) = a.validate() {
                errs.extend(e.into_iter().map(|e| format!("{}: {e}", a.year)));
            }
        }
        if !errs.is_empty() {
            return Ok(Err(errs));
        }
        let mut w = self.begin_write().await?;
        let mut rep = crate::ImportReport::default();
        for a in list {
            if w.save_announcement(a, actor).await? {
                rep.created += 1;
            } else {
                rep.updated += 1;
            }
        }
        w.commit().await?;
        Ok(Ok(rep))
    }
}

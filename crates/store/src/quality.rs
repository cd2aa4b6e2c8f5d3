//! What the service-quality index reads: the dossiers received in a period,
//! with their histories, files and ratings.

use chrono::NaiveDateTime;
use egov_dossier::{Dossier, Status};

use crate::{get, Result, Store, StoreError};

/// A dossier as the index sees it.
#[derive(Debug, Clone)]
pub struct QualityRow {
    pub id: i64,
    pub code: String,
    pub procedure_code: String,
    pub receiving_agency: String,
    /// When it was received (microseconds).
    pub received_at: i64,
    pub state: Dossier,
    /// Document parts attached as files.
    pub part_files: i64,
    pub rating_total: Option<i64>,
    /// (when, action, status after, due after), in order.
    pub steps: Vec<(i64, String, Status, Option<NaiveDateTime>)>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl Store {
    /// The dossiers received in `[from, to)` (microseconds), of one agency or
    /// all, with their histories: two queries whatever their number.
    pub async fn quality_rows(&self, from: i64, to: i64, agency: Option<&str>) -> Result<Vec<QualityRow>> {
        let filter = "d.code IS NOT NULL AND d.received_at >= $1 AND d.received_at < $2 AND ($3 = '' OR d.receiving_agency = $3)";
        let rows = sqlx::query(&format!(
            "SELECT d.id, d.code, d.procedure_code, d.receiving_agency, d.received_at, d.state, \
             (SELECT COUNT(*) FROM dossier_files f WHERE f.dossier_id = d.id AND f.purpose = 'part') AS part_files, \
             (SELECT MAX(r.total) FROM ratings r WHERE r.dossier_id = d.id) AS rating_total \
             FROM dossiers d WHERE {filter} ORDER BY d.id"
        ))
        .bind(from)
        .bind(to)
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<QualityRow> = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(QualityRow {
                id: get(r, "id")?,
                code: get(r, "code")?,
                procedure_code: get(r, "procedure_code")?,
                receiving_agency: get(r, "receiving_agency")?,
                received_at: get(r, "received_at")?,
                state: serde_json::from_str(&get::<String>(r, "state")?).map_err(corrupt)?,
                part_files: get(r, "part_files")?,
                rating_total: get(r, "rating_total")?,
                steps: Vec::new(),
            });
        }
        let events = sqlx::query(&format!(
            "SELECT e.dossier_id, e.at, e.action, e.to_status, e.due FROM dossier_events e \
             JOIN dossiers d ON d.id = e.dossier_id WHERE {filter} ORDER BY e.dossier_id, e.id"
        ))
        .bind(from)
        .bind(to)
        .bind(agency.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        let mut i = 0;
        for e in &events {
            let id: i64 = get(e, "dossier_id")?;
            while i < out.len() && out[i].id < id {
                i += 1;
            }
            let Some(row) = out.get_mut(i).filter(|r| r.id == id) else { continue };
            let to: String = get(e, "to_status")?;
            let due: Option<String> = get(e, "due")?;
            row.steps.push((
                get(e, "at")?,
                get(e, "action")?,
                Status::parse(&to).ok_or_else(|| corrupt(format!("status {to}")))?,
                due.map(|d| NaiveDateTime::parse_from_str(&d, "%Y-%m-%d %H:%M")).transpose().map_err(corrupt)?,
            ));
        }
        Ok(out)
    }
}

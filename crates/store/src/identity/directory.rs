//! Administrative units and agencies.

use egov_directory::{AdminUnit, Agency, AgencyId, AgencyKind, UnitCode, UnitLevel};
use sqlx::any::AnyRow;

use crate::{date, get, opt_date, Result, Store, StoreError, WriteTx};

fn unit(row: &AnyRow) -> Result<AdminUnit> {
    let level: String = get(row, "level")?;
    Ok(AdminUnit {
        code: UnitCode::from_stored(get(row, "code")?),
        name: get(row, "name")?,
        level: UnitLevel::parse(&level).ok_or_else(|| StoreError::Corrupt(format!("unit level {level}")))?,
        parent_code: get::<Option<String>>(row, "parent_code")?.map(UnitCode::from_stored),
        effective_from: date(&get::<String>(row, "effective_from")?)?,
        effective_to: opt_date(get(row, "effective_to")?)?,
        succeeded_by: get::<Option<String>>(row, "succeeded_by")?.map(UnitCode::from_stored),
    })
}

fn agency(row: &AnyRow) -> Result<Agency> {
    let kind: String = get(row, "kind")?;
    Ok(Agency {
        id: AgencyId::from_stored(get(row, "id")?),
        name_vi: get(row, "name_vi")?,
        name_en: get(row, "name_en")?,
        kind: AgencyKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("agency kind {kind}")))?,
        parent_id: get::<Option<String>>(row, "parent_id")?.map(AgencyId::from_stored),
        unit_code: UnitCode::from_stored(get(row, "unit_code")?),
        effective_from: date(&get::<String>(row, "effective_from")?)?,
        effective_to: opt_date(get(row, "effective_to")?)?,
    })
}

const UNIT_COLS: &str = "code, name, level, parent_code, effective_from, effective_to, succeeded_by";
const AGENCY_COLS: &str = "id, name_vi, name_en, kind, parent_id, unit_code, effective_from, effective_to";

impl WriteTx {
    /// Inserts a unit or updates the one with the same code; returns whether it was new.
    pub async fn upsert_unit(&mut self, u: &AdminUnit) -> Result<bool> {
        let fmt = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let n = sqlx::query(
            "UPDATE admin_units SET name = $2, level = $3, parent_code = $4, effective_from = $5, effective_to = $6, succeeded_by = $7 WHERE code = $1",
        )
        .bind(u.code.as_str())
        .bind(&u.name)
        .bind(u.level.as_str())
        .bind(u.parent_code.as_ref().map(|c| c.as_str().to_string()))
        .bind(fmt(u.effective_from))
        .bind(u.effective_to.map(fmt))
        .bind(u.succeeded_by.as_ref().map(|c| c.as_str().to_string()))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n > 0 {
            return Ok(false);
        }
        sqlx::query(&format!("INSERT INTO admin_units ({UNIT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
            .bind(u.code.as_str())
            .bind(&u.name)
            .bind(u.level.as_str())
            .bind(u.parent_code.as_ref().map(|c| c.as_str().to_string()))
            .bind(fmt(u.effective_from))
            .bind(u.effective_to.map(fmt))
            .bind(u.succeeded_by.as_ref().map(|c| c.as_str().to_string()))
            .execute(self.conn())
            .await?;
        Ok(true)
    }

    pub async fn unit_exists(&mut self, code: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_units WHERE code = $1")
            .bind(code)
            .fetch_one(self.conn())
            .await?;
        Ok(n > 0)
    }

    pub async fn agency(&mut self, id: &str) -> Result<Option<Agency>> {
        let row = sqlx::query(&format!("SELECT {AGENCY_COLS} FROM agencies WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(agency).transpose()
    }

    /// Inserts an agency or replaces the one with the same identifier; returns whether it was new.
    pub async fn upsert_agency(&mut self, a: &Agency) -> Result<bool> {
        let fmt = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let n = sqlx::query(
            "UPDATE agencies SET name_vi = $2, name_en = $3, kind = $4, parent_id = $5, unit_code = $6, effective_from = $7, effective_to = $8 WHERE id = $1",
        )
        .bind(a.id.as_str())
        .bind(&a.name_vi)
        .bind(&a.name_en)
        .bind(a.kind.as_str())
        .bind(a.parent_id.as_ref().map(|p| p.as_str().to_string()))
        .bind(a.unit_code.as_str())
        .bind(fmt(a.effective_from))
        .bind(a.effective_to.map(fmt))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n > 0 {
            return Ok(false);
        }
        sqlx::query(&format!("INSERT INTO agencies ({AGENCY_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
            .bind(a.id.as_str())
            .bind(&a.name_vi)
            .bind(&a.name_en)
            .bind(a.kind.as_str())
            .bind(a.parent_id.as_ref().map(|p| p.as_str().to_string()))
            .bind(a.unit_code.as_str())
            .bind(fmt(a.effective_from))
            .bind(a.effective_to.map(fmt))
            .execute(self.conn())
            .await?;
        Ok(true)
    }
}

impl Store {
    pub async fn units(&self) -> Result<Vec<AdminUnit>> {
        let rows =
            sqlx::query(&format!("SELECT {UNIT_COLS} FROM admin_units ORDER BY code")).fetch_all(&self.pool).await?;
        rows.iter().map(unit).collect()
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        let rows =
            sqlx::query(&format!("SELECT {AGENCY_COLS} FROM agencies ORDER BY id")).fetch_all(&self.pool).await?;
        rows.iter().map(agency).collect()
    }

    pub async fn agency(&self, id: &str) -> Result<Option<Agency>> {
        let row = sqlx::query(&format!("SELECT {AGENCY_COLS} FROM agencies WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(agency).transpose()
    }
}

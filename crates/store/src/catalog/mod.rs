//! Fields and procedures. A procedure is stored as its JSON definition plus
//! the columns that lists and filters need.

use egov_catalog::{Field, Procedure};

use crate::{get, Migration, Result, Store, StoreError, WriteTx};

/// The catalog's tables are in the platform's foundation.
pub const MIGRATIONS: &[Migration] = &[];

impl WriteTx {
    pub async fn upsert_field(&mut self, f: &Field) -> Result<()> {
        let n = sqlx::query("UPDATE fields SET name_vi = $2, name_en = $3 WHERE code = $1")
            .bind(&f.code)
            .bind(&f.name_vi)
            .bind(&f.name_en)
            .execute(self.conn())
            .await?
            .rows_affected();
        if n == 0 {
            sqlx::query("INSERT INTO fields (code, name_vi, name_en) VALUES ($1, $2, $3)")
                .bind(&f.code)
                .bind(&f.name_vi)
                .bind(&f.name_en)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    pub async fn field_exists(&mut self, code: &str) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM fields WHERE code = $1").bind(code).fetch_one(self.conn()).await?;
        Ok(n > 0)
    }

    pub async fn procedure(&mut self, code: &str) -> Result<Option<Procedure>> {
        let def: Option<String> = sqlx::query_scalar("SELECT definition FROM procedures WHERE code = $1")
            .bind(code)
            .fetch_optional(self.conn())
            .await?;
        def.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }

    /// Inserts or replaces a procedure; `popularity` None keeps the stored one.
    /// Bumps the catalog version so every instance reloads its search index.
    pub async fn upsert_procedure(&mut self, p: &Procedure, popularity: Option<i64>) -> Result<bool> {
        let def = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let n = sqlx::query(
            "UPDATE procedures SET name_vi = $2, field = $3, online_level = $4, definition = $5, updated_at = $6, \
             popularity = COALESCE($7, popularity) WHERE code = $1",
        )
        .bind(p.code.as_str())
        .bind(&p.name_vi)
        .bind(&p.field)
        .bind(p.online_level.as_str())
        .bind(&def)
        .bind(self.now())
        .bind(popularity)
        .execute(self.conn())
        .await?
        .rows_affected();
        let new = n == 0;
        if new {
            sqlx::query(
                "INSERT INTO procedures (code, name_vi, field, online_level, definition, popularity, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(p.code.as_str())
            .bind(&p.name_vi)
            .bind(&p.field)
            .bind(p.online_level.as_str())
            .bind(&def)
            .bind(popularity.unwrap_or(0))
            .bind(self.now())
            .execute(self.conn())
            .await?;
        }
        sqlx::query("UPDATE meta SET value = $1 WHERE key = 'catalog_version'")
            .bind(self.now().to_string())
            .execute(self.conn())
            .await?;
        Ok(new)
    }
}

impl Store {
    pub async fn fields(&self) -> Result<Vec<Field>> {
        let rows = sqlx::query("SELECT code, name_vi, name_en FROM fields ORDER BY code").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(Field { code: get(r, "code")?, name_vi: get(r, "name_vi")?, name_en: get(r, "name_en")? }))
            .collect()
    }

    /// Every procedure with its popularity, by code.
    pub async fn procedures(&self) -> Result<Vec<(Procedure, i64)>> {
        let rows =
            sqlx::query("SELECT definition, popularity FROM procedures ORDER BY code").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let def: String = get(r, "definition")?;
                let p: Procedure = serde_json::from_str(&def).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((p, get(r, "popularity")?))
            })
            .collect()
    }

    /// Changes whenever any procedure changes.
    pub async fn catalog_version(&self) -> Result<String> {
        Ok(self.meta("catalog_version").await?.unwrap_or_default())
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

impl Store {
    /// Imports a validated catalog document in one write: every procedure's
    /// field and agencies must exist (in the store or the document), else
    /// nothing is written and every missing reference is returned.
    pub async fn import_catalog(
        &self,
        doc: &egov_catalog::CatalogDocument,
        actor: &str,
    ) -> Result<std::result::Result<ImportReport, Vec<egov_catalog::CatalogError>>> {
        let mut w = self.begin_write().await?;
        let mut errs = Vec::new();
        for (i, p) in doc.procedures.iter().enumerate() {
            if !doc.fields.iter().any(|f| f.code == p.field) && !w.field_exists(&p.field).await? {
                errs.push(egov_catalog::CatalogError {
                    path: format!("procedures[{i}].field"),
                    key: "err.catalog.unknown_field",
                });
            }
            for (j, a) in p.agencies.iter().enumerate() {
                if w.agency(a).await?.is_none() {
                    errs.push(egov_catalog::CatalogError {
                        path: format!("procedures[{i}].agencies[{j}]"),
                        key: "err.catalog.unknown_agency",
                    });
                }
            }
        }
        if !errs.is_empty() {
            return Ok(Err(errs));
        }
        let mut report = ImportReport::default();
        for f in &doc.fields {
            w.upsert_field(f).await?;
        }
        for p in &doc.procedures {
            let before = w.procedure(&p.code).await?;
            if w.upsert_procedure(p, None).await? {
                report.created += 1;
            } else {
                report.updated += 1;
            }
            let action = if before.is_some() { "procedure.update" } else { "procedure.create" };
            w.audit(egov_audit::Event::new(actor, action, format!("procedure:{}", p.code), before.as_ref(), Some(p)));
        }
        w.commit().await?;
        Ok(Ok(report))
    }

    /// Imports agencies in one write (insert or update by identifier). Each
    /// parent must exist in the store or the file, each unit in the store;
    /// otherwise nothing is written and every problem is returned.
    pub async fn import_agencies(
        &self,
        agencies: &[egov_directory::Agency],
        actor: &str,
    ) -> Result<std::result::Result<ImportReport, Vec<String>>> {
        let mut w = self.begin_write().await?;
        let mut errs = Vec::new();
        for a in agencies {
            if let Some(p) = &a.parent_id {
                if !agencies.iter().any(|x| &x.id == p) && w.agency(p.as_str()).await?.is_none() {
                    errs.push(format!("agency {}: no parent agency {}", a.id, p));
                }
            }
            if !w.unit_exists(a.unit_code.as_str()).await? {
                errs.push(format!("agency {}: no administrative unit {}", a.id, a.unit_code.as_str()));
            }
        }
        if !errs.is_empty() {
            return Ok(Err(errs));
        }
        let mut report = ImportReport::default();
        for a in agencies {
            let before = w.agency(a.id.as_str()).await?;
            if w.upsert_agency(a).await? {
                report.created += 1;
            } else {
                report.updated += 1;
            }
            w.audit(egov_audit::Event::new(
                actor,
                "agency.upsert",
                format!("agency:{}", a.id),
                before.as_ref(),
                Some(a),
            ));
        }
        w.commit().await?;
        Ok(Ok(report))
    }

    /// Imports administrative units in one write (insert or update by code).
    pub async fn import_units(&self, units: &[egov_directory::AdminUnit], actor: &str) -> Result<ImportReport> {
        let mut w = self.begin_write().await?;
        let mut report = ImportReport::default();
        for u in units {
            if w.save_unit(u, None, actor).await? {
                report.created += 1;
            } else {
                report.updated += 1;
            }
        }
        w.commit().await?;
        Ok(report)
    }
}

impl WriteTx {
    /// Inserts or updates a unit with its audit entry (what it was, if
    /// known, and what it is); returns whether it was new.
    pub async fn save_unit(
        &mut self,
        u: &egov_directory::AdminUnit,
        before: Option<&egov_directory::AdminUnit>,
        actor: &str,
    ) -> Result<bool> {
        let new = self.upsert_unit(u).await?;
        self.audit(egov_audit::Event::new(actor, "unit.upsert", format!("unit:{}", u.code.as_str()), before, Some(u)));
        Ok(new)
    }
}

impl Store {
    /// Saves one procedure edited in the back office: checks its field and
    /// agencies exist and, for a new one, that its code is free; then writes
    /// it with an audit entry, all in one transaction.
    pub async fn save_procedure(
        &self,
        p: &Procedure,
        is_new: bool,
        actor: &str,
    ) -> Result<std::result::Result<(), Vec<egov_catalog::CatalogError>>> {
        let mut w = self.begin_write().await?;
        let before = w.procedure(&p.code).await?;
        let mut errs = Vec::new();
        if is_new && before.is_some() {
            errs.push(egov_catalog::CatalogError { path: "p.code".into(), key: "err.taken" });
        }
        if !is_new && before.is_none() {
            return Err(StoreError::NotFound);
        }
        if !w.field_exists(&p.field).await? {
            errs.push(egov_catalog::CatalogError { path: "p.field".into(), key: "err.catalog.unknown_field" });
        }
        for a in &p.agencies {
            if w.agency(a).await?.is_none() {
                errs.push(egov_catalog::CatalogError { path: "p.agencies".into(), key: "err.catalog.unknown_agency" });
            }
        }
        if !errs.is_empty() {
            return Ok(Err(errs));
        }
        w.upsert_procedure(p, None).await?;
        let action = if before.is_some() { "procedure.update" } else { "procedure.create" };
        w.audit(egov_audit::Event::new(actor, action, format!("procedure:{}", p.code), before.as_ref(), Some(p)));
        w.commit().await?;
        Ok(Ok(()))
    }
}

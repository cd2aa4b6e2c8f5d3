//! The catalog held in memory for search and pages, rebuilt when the stored
//! catalog's version changes (by this instance at once, by others within seconds).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use egov_catalog::search::Index;
use egov_catalog::{Field, Procedure, ProcedureCode};
use egov_store::Store;

use crate::AppError;

pub struct Snapshot {
    pub version: String,
    pub index: Index,
    pub procedures: HashMap<ProcedureCode, Arc<Procedure>>,
    /// Codes by popularity, most used first.
    pub popular: Vec<ProcedureCode>,
    pub fields: Vec<Field>,
    pub field_counts: HashMap<String, usize>,
}

pub struct CatalogCache {
    current: RwLock<Arc<Snapshot>>,
}

async fn snapshot(store: &Store) -> Result<Snapshot, AppError> {
    let version = store.catalog_version().await?;
    let procs = store.procedures().await?;
    let fields = store.fields().await?;
    let index = Index::build(procs.iter().map(|(p, n)| (p, *n)));
    let mut by_pop: Vec<(&Procedure, i64)> = procs.iter().map(|(p, n)| (p, *n)).collect();
    by_pop.sort_by_key(|(p, n)| (std::cmp::Reverse(*n), p.code.clone()));
    let popular = by_pop.iter().take(12).map(|(p, _)| p.code.clone()).collect();
    let mut field_counts = HashMap::new();
    for (p, _) in &procs {
        *field_counts.entry(p.field.clone()).or_insert(0) += 1;
    }
    let procedures = procs.into_iter().map(|(p, _)| (p.code.clone(), Arc::new(p))).collect();
    Ok(Snapshot { version, index, procedures, popular, fields, field_counts })
}

impl CatalogCache {
    pub async fn load(store: &Store) -> Result<CatalogCache, AppError> {
        Ok(CatalogCache { current: RwLock::new(Arc::new(snapshot(store).await?)) })
    }

    pub fn get(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Reloads from the store if the stored version differs.
    pub async fn refresh(&self, store: &Store) -> Result<(), AppError> {
        if store.catalog_version().await? == self.get().version {
            return Ok(());
        }
        let snap = Arc::new(snapshot(store).await?);
        match self.current.write() {
            Ok(mut g) => *g = snap,
            Err(p) => *p.into_inner() = snap,
        }
        Ok(())
    }
}

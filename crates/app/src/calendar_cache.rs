//! The working-day calendar held in memory, rebuilt when the stored
//! announcements or hours change (by this instance at once, by others within seconds).

use std::sync::{Arc, RwLock};

use egov_calendar::Calendar;
use egov_store::Store;

use crate::AppError;

pub struct CalendarCache {
    current: RwLock<Arc<(String, Calendar)>>,
}

async fn build(store: &Store) -> Result<(String, Calendar), AppError> {
    let version = store.meta("calendar_version").await?.unwrap_or_default();
    Ok((version, store.calendar().await?))
}

impl CalendarCache {
    pub async fn load(store: &Store) -> Result<CalendarCache, AppError> {
        Ok(CalendarCache { current: RwLock::new(Arc::new(build(store).await?)) })
    }

    pub fn get(&self) -> Arc<(String, Calendar)> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub async fn refresh(&self, store: &Store) -> Result<(), AppError> {
        if store.meta("calendar_version").await?.unwrap_or_default() == self.get().0 {
            return Ok(());
        }
        let fresh = Arc::new(build(store).await?);
        match self.current.write() {
            Ok(mut g) => *g = fresh,
            Err(p) => *p.into_inner() = fresh,
        }
        Ok(())
    }
}

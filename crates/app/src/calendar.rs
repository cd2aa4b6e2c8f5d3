//! Setting the working-day calendar: a year's announcement of days off and
//! working days, and the working hours. Managers of the calendar only
//! (`Action::ManageCalendar`); every instance rebuilds its calendar.

use egov_calendar::{Announcement, WorkingHours};
use egov_identity::Action;
use egov_store::{ImportReport, Store};

use crate::{Actor, App, AppError};

/// Stores (or replaces) a year's announcement, already checked.
pub async fn save_announcement(app: &App, actor: Actor<'_>, a: &Announcement) -> Result<(), AppError> {
    if !actor.may(Action::ManageCalendar) {
        return Err(AppError::Forbidden);
    }
    let mut w = app.store.begin_write().await?;
    w.save_announcement(a, &actor.audit_name()).await?;
    w.commit().await?;
    app.calendar.refresh(&app.store).await
}

/// Sets the working hours, already checked.
pub async fn set_working_hours(app: &App, actor: Actor<'_>, h: &WorkingHours) -> Result<(), AppError> {
    if !actor.may(Action::ManageCalendar) {
        return Err(AppError::Forbidden);
    }
    let mut w = app.store.begin_write().await?;
    w.set_working_hours(h, &actor.audit_name()).await?;
    w.commit().await?;
    app.calendar.refresh(&app.store).await
}

/// Imports announced schedules (CSV `year,date,kind,name_vi,name_en` or
/// JSON), all or nothing: `Ok(Err(…))` lists every problem (nothing was
/// written).
pub async fn import(
    store: &Store,
    actor: Actor<'_>,
    document: &[u8],
) -> Result<Result<ImportReport, Vec<String>>, AppError> {
    if !actor.may(Action::ManageCalendar) {
        return Err(AppError::Forbidden);
    }
    let list = match egov_calendar::holidays::parse_announcements(document) {
        Ok(l) => l,
        Err(errs) => return Ok(Err(errs)),
    };
    Ok(store.import_announcements(&list, &actor.audit_name()).await?)
}

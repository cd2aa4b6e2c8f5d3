//! Setting the working-day calendar: a year's announcement of days off and
//! working days, and the working hours. Managers of the calendar only
//! (`Action::ManageCalendar`); every instance rebuilds its calendar.

use egov_calendar::{Announcement, WorkingHours};
use egov_identity::Action;

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

//! Press information (Decree 244/2026): an agency's administrator records
//! its journalists' requests, conferences, briefings attended, monthly
//! periodic information, events and correction requests, and completes
//! them (answered, held, first statement, corrected); what is due and
//! overdue, and the yearly report's counts (`egov_news::press_info`), each
//! with the records it counts. A system administrator sees the province's.

use chrono::NaiveDateTime;
use egov_news::press_info::{due, period, yearly, DoneInput, Due, EntryInput, Yearly};
use egov_news::Problem;
use egov_store::news::PressEntry;

use super::spokespersons::{may_keep, may_view};
use crate::{Actor, App, AppError, FieldError, Refusal};

fn invalid(ps: Vec<Problem>) -> AppError {
    AppError::Invalid(ps.into_iter().map(|p| FieldError::new(p.field, p.key)).collect())
}

/// The agency whose records the actor sees (none: all of them).
fn scope(actor: Actor<'_>) -> Option<String> {
    match actor {
        Actor::User(p) if !p.is_system_admin() => p.agency_id.as_ref().map(|a| a.as_str().to_string()),
        _ => None,
    }
}

/// Records an entry for `agency`: its id.
pub async fn record(app: &App, actor: Actor<'_>, agency: &str, input: &EntryInput) -> Result<i64, AppError> {
    let e = super::spokespersons::for_agency(app, actor, agency, input.check()).await?;
    let mut w = app.store.begin_write().await?;
    let id = w.press_entry_add(agency, &e, &actor.audit_name(), app.store.now()).await?;
    w.commit().await?;
    Ok(id)
}

/// Completes an entry: answered, held, first statement made, corrected.
pub async fn complete(app: &App, actor: Actor<'_>, id: i64, input: &DoneInput) -> Result<(), AppError> {
    let e = app.store.press_entry(id).await?.ok_or(AppError::NotFound)?;
    if !may_keep(actor, &e.agency) {
        return Err(AppError::NotFound);
    }
    if e.done.is_some() {
        return Err(AppError::refused(Refusal::Conflict, "err.press.done_already", ""));
    }
    let d = e.entry.complete(input).map_err(invalid)?;
    let mut w = app.store.begin_write().await?;
    if !w.press_entry_done(id, &d, &actor.audit_name()).await? {
        return Err(AppError::refused(Refusal::Conflict, "err.press.done_already", ""));
    }
    w.commit().await?;
    Ok(())
}

/// The report year's records the actor sees, what is due now, and the
/// year's counts.
pub struct Overview {
    pub year: i32,
    pub entries: Vec<PressEntry>,
    pub due: Vec<Due>,
    /// The waiting records `due` names (some may be of earlier years).
    pub open: Vec<PressEntry>,
    pub counts: Yearly,
}

pub async fn overview(app: &App, actor: Actor<'_>, year: i32) -> Result<Overview, AppError> {
    if !may_view(actor) {
        return Err(AppError::Forbidden);
    }
    let own = scope(actor);
    let (from, to) = period(year);
    // a conference is counted by the day it was held, which may fall in
    // the period when it was planned before: the year before is read too
    let before = from.checked_sub_days(chrono::Days::new(366)).unwrap_or(from);
    let mut entries = app.store.press_entries(own.as_deref(), before, to).await?;
    let counts = yearly(&records(&entries), year);
    let counted = |id: i64| counts.conferences.ids.contains(&id);
    entries.retain(|e| e.entry.at().date() >= from || counted(e.id));
    let now: NaiveDateTime = app.now();
    // the calendar year's months and quarters, and every record still waiting
    let this_year = chrono::Datelike::year(&now);
    let first = chrono::NaiveDate::from_ymd_opt(this_year, 1, 1).unwrap_or(from);
    let last = chrono::NaiveDate::from_ymd_opt(this_year, 12, 31).unwrap_or(to);
    let open = app.store.press_open(own.as_deref()).await?;
    // (a conference held this year may have been planned the year before)
    let since = first.checked_sub_days(chrono::Days::new(366)).unwrap_or(first);
    let mut seen = app.store.press_entries(own.as_deref(), since, last).await?;
    seen.retain(|e| e.done.is_some() || !e.entry.kind().completes());
    seen.extend(open.iter().cloned());
    let owed: Vec<_> = seen.into_iter().map(|e| (e.id, e.entry, e.done)).collect();
    Ok(Overview { year, entries, due: due(&owed, now), open, counts })
}

/// What the yearly report counts of each entry.
pub fn records(entries: &[PressEntry]) -> Vec<egov_news::press_info::Record> {
    entries.iter().filter_map(|e| e.entry.record(e.id, e.done.as_ref())).collect()
}

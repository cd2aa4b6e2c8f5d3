//! The spokespersons' register (Decree 244/2026): an agency's
//! administrator records its spokespersons and written delegations (a
//! system administrator, any agency's); the portal publishes each from its
//! recording; the register says which were published later than 24 hours
//! after the appointment, and which bodies have nobody speaking for them.

use chrono::NaiveDateTime;
use egov_identity::Role;
use egov_news::spokesperson::{current, late, EntryInput};
use egov_store::news::Spokesperson;

use crate::{Actor, App, AppError, FieldError};

/// Whether the actor keeps `agency`'s entries.
pub fn may_keep(actor: Actor<'_>, agency: &str) -> bool {
    match actor {
        Actor::Operator => true,
        Actor::User(p) => {
            p.is_system_admin()
                || (p.is_official()
                    && p.has_role(Role::AgencyAdmin)
                    && p.agency_id.as_ref().is_some_and(|a| a.as_str() == agency))
        }
    }
}

/// Whether the actor keeps some agency's entries (sees the register).
pub fn may_view(actor: Actor<'_>) -> bool {
    match actor {
        Actor::Operator => true,
        Actor::User(p) => p.is_system_admin() || (p.is_official() && p.has_role(Role::AgencyAdmin)),
    }
}

/// An entry for `agency` as its keeper may record it: checked, with an
/// agency that is not in the directory said beside the entry's own problems.
pub(super) async fn for_agency<T>(
    app: &App,
    actor: Actor<'_>,
    agency: &str,
    checked: Result<T, Vec<egov_news::Problem>>,
) -> Result<T, AppError> {
    if !may_keep(actor, agency) {
        return Err(AppError::Forbidden);
    }
    let mut problems: Vec<FieldError> = Vec::new();
    if app.store.agency(agency).await?.is_none() {
        problems.push(FieldError::new("agency", "err.option"));
    }
    if let Err(ps) = &checked {
        problems.extend(ps.iter().map(|p| FieldError::new(p.field, p.key)));
    }
    match checked {
        Ok(e) if problems.is_empty() => Ok(e),
        _ => Err(AppError::Invalid(problems)),
    }
}

/// Records an entry for `agency`: its id. Published from now.
pub async fn record(app: &App, actor: Actor<'_>, agency: &str, input: &EntryInput) -> Result<i64, AppError> {
    let e = for_agency(app, actor, agency, input.check()).await?;
    let mut w = app.store.begin_write().await?;
    let id = w.spokesperson_add(agency, &e, &actor.audit_name(), app.store.now()).await?;
    w.commit().await?;
    Ok(id)
}

/// Ends an entry now, saying why.
pub async fn end(app: &App, actor: Actor<'_>, id: i64, reason: &str) -> Result<(), AppError> {
    let s = app.store.spokesperson(id).await?.ok_or(AppError::NotFound)?;
    if !may_keep(actor, &s.agency_code) {
        return Err(AppError::NotFound);
    }
    if reason.trim().is_empty() || reason.chars().count() > 1000 {
        let key = if reason.trim().is_empty() { "err.required" } else { "err.too_long" };
        return Err(AppError::Invalid(vec![FieldError::new("reason", key)]));
    }
    let mut w = app.store.begin_write().await?;
    w.spokesperson_end(id, reason.trim(), &actor.audit_name(), app.store.now()).await?;
    w.commit().await?;
    Ok(())
}

/// An entry as the register shows it.
pub struct Line {
    pub s: Spokesperson,
    pub published: NaiveDateTime,
    /// Published more than 24 hours after the appointment.
    pub late: bool,
    pub current: bool,
}

fn line(app: &App, s: Spokesperson) -> Option<Line> {
    let published = egov_kernel::vn::from_micros(s.published_at)?;
    let ended = s.ended_at.and_then(egov_kernel::vn::from_micros);
    Some(Line { late: late(s.e.appointed_at, published), current: current(&s.e, ended, app.now()), published, s })
}

/// The register as the actor keeps it (every agency's for a system
/// administrator), and the active agencies of it with nobody appointed
/// speaking for them now.
pub async fn register(app: &App, actor: Actor<'_>) -> Result<(Vec<Line>, Vec<(String, String)>), AppError> {
    if !may_view(actor) {
        return Err(AppError::Forbidden);
    }
    let own = match actor {
        Actor::User(p) if !p.is_system_admin() => p.agency_id.as_ref().map(|a| a.as_str().to_string()),
        _ => None,
    };
    let lines: Vec<Line> =
        app.store.spokespersons(own.as_deref()).await?.into_iter().filter_map(|s| line(app, s)).collect();
    let today = app.now().date();
    let missing = app
        .store
        .agencies()
        .await?
        .into_iter()
        .filter(|a| {
            a.effective_from <= today
                && a.effective_to.is_none_or(|t| today <= t)
                && own.as_deref().is_none_or(|o| o == a.id.as_str())
        })
        .filter(|a| {
            !lines.iter().any(|l| {
                l.current && l.s.agency_code == a.id.as_str() && l.s.e.kind == egov_news::spokesperson::Kind::Appointed
            })
        })
        .map(|a| (a.id.as_str().to_string(), a.name_vi))
        .collect();
    Ok((lines, missing))
}

/// Who speaks for each body now, as the portal publishes it.
pub async fn published(app: &App) -> Result<Vec<Line>, AppError> {
    Ok(app.store.spokespersons(None).await?.into_iter().filter_map(|s| line(app, s)).filter(|l| l.current).collect())
}

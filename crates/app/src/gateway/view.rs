//! The registry and its figures as a person may see them: a system
//! administrator all of it, an agency's administrator their agency's
//! subsystems, the services those publish and the rights granted on them.

use egov_identity::{Action, AgencyId};
use egov_store::{GwGrant, GwService, GwSubsystem};

use super::ServiceFigures;
use crate::{Actor, App, AppError};

/// What of the registry one person sees.
#[derive(Debug, Clone, Default)]
pub struct RegistryView {
    pub subsystems: Vec<GwSubsystem>,
    pub services: Vec<GwService>,
    pub grants: Vec<GwGrant>,
    pub maintenance: bool,
    /// The viewer may approve and disable subsystems, join groups, revoke
    /// keys and switch maintenance (a system administrator).
    pub system: bool,
}

/// Whether `actor` may see (and manage) subsystem `s`.
fn own(actor: Actor<'_>, s: &GwSubsystem) -> bool {
    actor.is_system()
        || s.agency_id
            .as_deref()
            .and_then(|a| AgencyId::parse(a).ok())
            .is_some_and(|a| actor.may(Action::ManageAgency(a.as_str())))
}

/// Whether `actor` administers anything in the registry: a system
/// administrator, or an administrator of some agency.
pub fn may_view(actor: Actor<'_>) -> bool {
    match actor {
        Actor::Operator => true,
        Actor::User(p) => {
            p.is_system_admin() || p.agency_id.as_ref().is_some_and(|a| p.may(Action::ManageAgency(a.as_str())))
        }
    }
}

/// The registry as `actor` sees it.
pub fn registry_view(app: &App, actor: Actor<'_>) -> Result<RegistryView, AppError> {
    if !may_view(actor) {
        return Err(AppError::Forbidden);
    }
    let reg = app.gateway.get();
    let subsystems: Vec<GwSubsystem> = reg.subsystems().iter().filter(|s| own(actor, s)).cloned().collect();
    let ids: std::collections::HashSet<i64> = subsystems.iter().map(|s| s.id).collect();
    let services: Vec<GwService> = reg.services().iter().filter(|s| ids.contains(&s.subsystem_id)).cloned().collect();
    let sids: std::collections::HashSet<i64> = services.iter().map(|s| s.id).collect();
    let grants = reg.grant_rows().iter().filter(|g| sids.contains(&g.service_id)).cloned().collect();
    Ok(RegistryView { subsystems, services, grants, maintenance: reg.maintenance(), system: actor.is_system() })
}

/// Each service's figures over the last `window`, of the services `actor`
/// sees (all, for a system administrator).
pub async fn figures_for(
    app: &App,
    actor: Actor<'_>,
    window: std::time::Duration,
) -> Result<Vec<ServiceFigures>, AppError> {
    let view = registry_view(app, actor)?;
    let all = super::figures(&app.store, window).await?;
    if view.system {
        return Ok(all);
    }
    let names: std::collections::HashSet<String> = view
        .services
        .iter()
        .filter_map(|s| {
            let sub = view.subsystems.iter().find(|x| x.id == s.subsystem_id)?;
            Some(format!("{}/{}", sub.ident, s.code))
        })
        .collect();
    Ok(all.into_iter().filter(|f| names.contains(&f.service)).collect())
}

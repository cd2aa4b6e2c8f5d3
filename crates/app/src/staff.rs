//! An agency administrator's care of existing officials: their details and
//! roles, whether they may sign in, and a new password. Each change is one
//! transaction with its audit entry; nobody can lock themselves out.

use egov_identity::{password, Action, Role};
use egov_store::{StaffChange, StaffMember, Store, StoreError};

use crate::{Actor, AppError, FieldError};

/// An official's record, for those who manage the agency.
pub async fn member(store: &Store, actor: Actor<'_>, agency: &str, username: &str) -> Result<StaffMember, AppError> {
    if !actor.may(Action::ManageAgency(agency)) {
        return Err(AppError::Forbidden);
    }
    let mut w = store.begin_write().await?;
    w.staff_member(agency, username).await?.ok_or(AppError::NotFound)
}

/// What an administrator typed about an official.
#[derive(Debug, Clone, Default)]
pub struct StaffEdit {
    pub full_name: String,
    /// Empty for none.
    pub email: String,
    pub roles: Vec<Role>,
    pub active: bool,
}

fn same(actor: &Actor<'_>, m: &StaffMember) -> bool {
    matches!(actor, Actor::User(p) if p.user_id == m.id)
}

/// Changes an official of `agency`: every field checked at once; each role
/// given or taken must be one the actor may grant; an administrator cannot
/// disable themselves nor give up the role that lets them manage the agency.
pub async fn change(
    store: &Store,
    actor: Actor<'_>,
    agency: &str,
    username: &str,
    edit: StaffEdit,
) -> Result<(), AppError> {
    if !actor.may(Action::ManageAgency(agency)) {
        return Err(AppError::Forbidden);
    }
    let mut w = store.begin_write().await?;
    let m = w.staff_member(agency, username).await?.ok_or(AppError::NotFound)?;
    let changed: Vec<Role> = Role::ALL.into_iter().filter(|r| m.roles.contains(r) != edit.roles.contains(r)).collect();
    if changed.iter().any(|r| !actor.may(Action::GrantRole(agency, *r))) {
        return Err(AppError::Forbidden);
    }
    let mut errs = Vec::new();
    let full_name = edit.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if full_name.is_empty() {
        errs.push(FieldError::new("full_name", "err.required"));
    } else if full_name.chars().count() > egov_identity::MAX_NAME {
        errs.push(FieldError::new("full_name", "err.too_long"));
    }
    let email = match edit.email.trim() {
        "" => None,
        e => {
            let n = egov_identity::normalize_email(e);
            if n.is_none() {
                errs.push(FieldError::new("email", "err.email"));
            }
            n
        }
    };
    if edit.roles.is_empty() {
        errs.push(FieldError::new("roles", "err.roles"));
    }
    if same(&actor, &m) {
        if !edit.active {
            errs.push(FieldError::new("active", "err.staff.self_disable"));
        }
        let keeps = |r: Role| !m.roles.contains(&r) || edit.roles.contains(&r);
        if !keeps(Role::AgencyAdmin) || !keeps(Role::SystemAdmin) {
            errs.push(FieldError::new("roles", "err.staff.self_admin"));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let c = StaffChange { full_name, email, roles: edit.roles, active: edit.active };
    match w.change_staff(m.id, &c).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(AppError::Invalid(vec![FieldError::new("email", "err.taken")])),
        Err(e) => return Err(e.into()),
    }
    let before = serde_json::json!({"full_name": m.full_name, "email": m.email, "roles": m.roles, "active": m.active});
    let after = serde_json::json!({"full_name": c.full_name, "email": c.email, "roles": c.roles, "active": c.active});
    w.audit(egov_audit::Event::new(
        actor.audit_name(),
        "official.update",
        format!("user:{}", m.id),
        Some(&before),
        Some(&after),
    ));
    w.commit().await?;
    Ok(())
}

/// Gives an official of `agency` a new password (checked as any new one is)
/// and signs them out everywhere.
pub async fn reset_password(
    store: &Store,
    actor: Actor<'_>,
    agency: &str,
    username: &str,
    new_password: &str,
) -> Result<(), AppError> {
    if !actor.may(Action::ManageAgency(agency)) {
        return Err(AppError::Forbidden);
    }
    let m = {
        let mut w = store.begin_write().await?;
        w.staff_member(agency, username).await?.ok_or(AppError::NotFound)?
    };
    let own = [m.username.as_str(), m.email.as_deref().unwrap_or("")];
    if let Some(key) = password::weakness(new_password, &own) {
        return Err(AppError::Invalid(vec![FieldError::new("password", key)]));
    }
    let pw = new_password.to_string();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut w = store.begin_write().await?;
    w.reset_password(m.id, &hash).await?;
    w.audit(egov_audit::Event::new(
        actor.audit_name(),
        "official.reset_password",
        format!("user:{}", m.id),
        None::<&()>,
        None::<&()>,
    ));
    w.commit().await?;
    Ok(())
}

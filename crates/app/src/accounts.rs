//! Officials' accounts and bearer tokens: what the back office, the API and
//! `egov admin` do alike.

use std::time::Duration;

use egov_identity::{password, random_secret, secret_digest, valid_username, AccountKind, Action, Role, UserId};
use egov_store::{NewUser, Store, StoreError};

use crate::{Actor, AppError, FieldError};

/// An official to create, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewOfficial {
    pub username: String,
    pub full_name: String,
    /// Empty for none.
    pub email: String,
    pub agency: String,
    pub roles: Vec<Role>,
    pub password: String,
    /// A system account (the operator's alone to make).
    pub system: bool,
}

/// Checks every field at once; returns the normalised username, name and e-mail.
fn check(o: &NewOfficial) -> Result<(String, String, Option<String>), Vec<FieldError>> {
    let mut errs = Vec::new();
    let username = o.username.trim().to_lowercase();
    if !valid_username(&username) {
        errs.push(FieldError::new("username", "err.username"));
    }
    let full_name = o.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if full_name.is_empty() {
        errs.push(FieldError::new("full_name", "err.required"));
    } else if full_name.chars().count() > egov_identity::MAX_NAME {
        errs.push(FieldError::new("full_name", "err.too_long"));
    }
    let email = match o.email.trim() {
        "" => None,
        e => {
            let n = egov_identity::normalize_email(e);
            if n.is_none() {
                errs.push(FieldError::new("email", "err.email"));
            }
            n
        }
    };
    if o.roles.is_empty() {
        errs.push(FieldError::new("roles", "err.roles"));
    }
    if let Some(key) = egov_identity::password::weakness(&o.password, &[o.username.as_str(), o.email.as_str()]) {
        errs.push(FieldError::new("password", key));
    }
    if errs.is_empty() {
        Ok((username, full_name, email))
    } else {
        Err(errs)
    }
}

/// Creates an official of an agency with roles, in one transaction with its
/// audit entry. Returns the new account's id.
pub async fn create_official(store: &Store, actor: Actor<'_>, o: NewOfficial) -> Result<UserId, AppError> {
    if !actor.may(Action::ManageAgency(&o.agency)) {
        return Err(AppError::Forbidden);
    }
    if o.roles.iter().any(|r| !actor.may(Action::GrantRole(&o.agency, *r))) || (o.system && !actor.is_system()) {
        return Err(AppError::Forbidden);
    }
    let (username, full_name, email) = check(&o).map_err(AppError::Invalid)?;
    let pw = o.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut w = store.begin_write().await?;
    if w.agency(&o.agency).await?.is_none() {
        return Err(AppError::Invalid(vec![FieldError::new("agency", "err.option")]));
    }
    let user = NewUser {
        username: username.clone(),
        kind: if o.system { AccountKind::System } else { AccountKind::Official },
        full_name,
        citizen_id: None,
        email,
        phone: None,
        agency_id: Some(o.agency.clone()),
        password_hash: hash,
        roles: o.roles.clone(),
    };
    let id = match w.create_user(&user).await {
        Ok(id) => id,
        Err(StoreError::Conflict(field)) => {
            let field = if field == "email" { "email" } else { "username" };
            return Err(AppError::Invalid(vec![FieldError::new(field, "err.taken")]));
        }
        Err(e) => return Err(e.into()),
    };
    w.audit(egov_audit::Event::new(
        actor.audit_name(),
        "official.create",
        format!("user:{id}"),
        None::<&()>,
        Some(&serde_json::json!({"username": username, "agency": o.agency, "roles": o.roles})),
    ));
    w.commit().await?;
    Ok(id)
}

/// A token just issued: its secret is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub id: i64,
    pub secret: String,
    /// Microseconds since the epoch.
    pub expires_at: i64,
}

/// The longest a token may live.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);

/// Issues a bearer token for the account `user_id` (a person for
/// themselves, having just proved who they are; the operator for anyone),
/// living `lifetime` (at most [`MAX_TOKEN_LIFETIME`]).
pub async fn issue_token(
    store: &Store,
    actor: Actor<'_>,
    user_id: UserId,
    name: &str,
    lifetime: Duration,
) -> Result<IssuedToken, AppError> {
    if let Actor::User(p) = actor {
        if p.user_id != user_id {
            return Err(AppError::Forbidden);
        }
    }
    if lifetime.is_zero() || lifetime > MAX_TOKEN_LIFETIME {
        return Err(AppError::Invalid(vec![FieldError::new("expires_in", "err.option")]));
    }
    let secret = random_secret().map_err(|e| AppError::Internal(e.to_string()))?;
    let expires_at = store.now() + lifetime.as_micros() as i64;
    let mut w = store.begin_write().await?;
    let id = w.create_token(user_id, name, &secret_digest(&secret), expires_at).await?;
    w.audit(egov_audit::Event::new(actor.audit_name(), "token.issue", format!("token:{id}"), None::<&()>, None::<&()>));
    w.commit().await?;
    Ok(IssuedToken { id, secret, expires_at })
}

/// The id of the account named `username`, if any (for the command line).
pub async fn user_id(store: &Store, username: &str) -> Result<Option<UserId>, AppError> {
    Ok(store.user_id_of(username).await?)
}

/// Revokes a live token: a person their own only, the operator any.
/// `NotFound` when there is no such live token (or none of the person's).
pub async fn revoke_token(store: &Store, actor: Actor<'_>, id: i64) -> Result<(), AppError> {
    let mut w = store.begin_write().await?;
    let revoked = match actor {
        Actor::Operator => w.revoke_token(id).await?,
        Actor::User(p) => w.revoke_own_token(p.user_id, id).await?,
    };
    if !revoked {
        return Err(AppError::NotFound);
    }
    w.audit(egov_audit::Event::new(
        actor.audit_name(),
        "token.revoke",
        format!("token:{id}"),
        None::<&()>,
        None::<&()>,
    ));
    w.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use egov_identity::Principal;

    async fn store() -> (Store, std::path::PathBuf) {
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).unwrap();
        let dir =
            std::env::temp_dir().join(format!("egov-app-{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()));
        std::fs::create_dir_all(&dir).unwrap();
        let s = Store::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.unwrap();
        s.migrate(&[egov_store::platform::MIGRATIONS, egov_store::identity::MIGRATIONS].concat()).await.unwrap();
        (s, dir)
    }

    #[tokio::test]
    async fn every_problem_of_a_new_official_is_named_at_once_and_nothing_is_written() {
        let (s, dir) = store().await;
        let bad = NewOfficial {
            username: "079123456789".into(),
            full_name: "  ".into(),
            email: "not an address".into(),
            agency: "H72.50.01".into(),
            roles: vec![],
            password: "short".into(),
            system: false,
        };
        let Err(AppError::Invalid(errs)) = create_official(&s, Actor::Operator, bad).await else { panic!("invalid") };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "full_name", "email", "roles", "password"]);
        assert_eq!(s.count_rows("users").await.unwrap(), 0);
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn only_the_agency_admin_staffs_an_agency_and_never_with_system_admins() {
        let (s, dir) = store().await;
        let admin = Principal {
            user_id: UserId::new(7),
            username: "a".into(),
            full_name: "A".into(),
            kind: AccountKind::Official,
            agency_id: Some(egov_identity::AgencyId::from_stored("H72.50.01".into())),
            roles: vec![Role::AgencyAdmin],
            signed_by: None,
        };
        let ask = |roles: Vec<Role>, agency: &str, system: bool| NewOfficial {
            username: "can.bo".into(),
            full_name: "Cán Bộ".into(),
            agency: agency.into(),
            roles,
            password: "long enough".into(),
            system,
            ..Default::default()
        };
        for o in [
            ask(vec![Role::SystemAdmin], "H72.50.01", false),
            ask(vec![Role::Specialist], "H72.50.02", false),
            ask(vec![Role::Specialist], "H72.50.01", true),
        ] {
            assert!(matches!(create_official(&s, Actor::User(&admin), o).await, Err(AppError::Forbidden)));
        }
        // allowed, but the agency does not exist in this empty store
        let r = create_official(&s, Actor::User(&admin), ask(vec![Role::Specialist], "H72.50.01", false)).await;
        assert!(matches!(r, Err(AppError::Invalid(ref e)) if e[0].field == "agency"), "{r:?}");
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}

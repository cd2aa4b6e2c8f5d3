//! Signing in and out, and citizens registering: the throttled password
//! check shared by the sign-in page and the token API, sessions started and
//! ended with their audit entries.

use egov_identity::{password, random_secret, secret_digest, AccountKind, Registration, UserId};
use egov_store::{NewUser, StoreError, WriteTx};

use crate::{App, AppError, FieldError, Refusal};

/// How sign-in attempts are throttled and how long a session lives.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed per account and per address in the window.
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    pub failure_window_secs: i64,
    pub session_ttl_secs: i64,
    /// Whether citizens may have local accounts (register and sign in with
    /// a password): off by default, as Decree 69/2024/NĐ-CP requires in Vietnam.
    pub local_citizen_accounts: bool,
}

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// Too many failures for this account or address lately.
    Throttled,
    /// No such active account, or the wrong password (which of them is not told).
    Wrong,
    /// A citizen's local account while local citizen accounts are off: the
    /// password was right, and they sign in with their electronic identity.
    NotLocal,
}

/// Checks a login and password against the throttle; the account's id, or
/// why not. A failure is counted; a success clears the account's failures.
pub async fn authenticate(
    app: &App,
    policy: &Policy,
    addr: &str,
    login: &str,
    password: &str,
) -> Result<Result<UserId, LoginFailure>, AppError> {
    let login = login.trim();
    let counted = login.to_lowercase();
    let since = app.store.now() - policy.failure_window_secs * 1_000_000;
    let (by_user, by_addr) = app.store.login_failures_since(&counted, addr, since).await?;
    if by_user >= policy.max_failures_per_account || by_addr >= policy.max_failures_per_address {
        return Ok(Err(LoginFailure::Throttled));
    }
    let (id, hash, active) = match app.store.login_lookup(login).await? {
        Some(f) => f,
        // the same work whether or not the account exists
        None => (UserId::new(0), password::dummy_hash().to_string(), false),
    };
    let pw = password.to_string();
    let ok = tokio::task::spawn_blocking(move || password::verify(&pw, &hash)).await.unwrap_or(false);
    if ok && active && id.get() > 0 {
        app.store.clear_login_failures(&counted).await?;
        if !policy.local_citizen_accounts
            && app.store.principal(id).await?.is_some_and(|p| p.kind == egov_identity::AccountKind::Citizen)
        {
            return Ok(Err(LoginFailure::NotLocal));
        }
        Ok(Ok(id))
    } else {
        app.store.record_login_failure(&counted, addr).await?;
        Ok(Err(LoginFailure::Wrong))
    }
}

/// A session started: the secret for the cookie, and the form token.
pub struct Session {
    pub secret: String,
    pub csrf: String,
}

async fn start(w: &mut WriteTx, policy: &Policy, user_id: UserId) -> Result<Session, AppError> {
    let secret = random_secret().map_err(|e| AppError::Internal(e.to_string()))?;
    let csrf = random_secret().map_err(|e| AppError::Internal(e.to_string()))?;
    w.create_session(user_id, &secret_digest(&secret), &csrf, policy.session_ttl_secs).await?;
    let who = format!("user:{user_id}");
    w.audit(egov_audit::Event::new(who.clone(), "session.start", who, None::<&()>, None::<&()>));
    Ok(Session { secret, csrf })
}

/// Starts a session for an authenticated account, ending the one the
/// browser held before (its digest), in one transaction.
pub async fn sign_in(app: &App, policy: &Policy, user_id: UserId, previous: Option<&str>) -> Result<Session, AppError> {
    let mut w = app.store.begin_write().await?;
    if let Some(old) = previous {
        w.delete_session(old).await?;
    }
    let s = start(&mut w, policy, user_id).await?;
    w.commit().await?;
    Ok(s)
}

/// Ends a session (by its digest) of the account `user_id`.
pub async fn sign_out(app: &App, digest: &str, user_id: UserId) -> Result<(), AppError> {
    let mut w = app.store.begin_write().await?;
    w.delete_session(digest).await?;
    let who = format!("user:{user_id}");
    w.audit(egov_audit::Event::new(who.clone(), "session.end", who, None::<&()>, None::<&()>));
    w.commit().await?;
    Ok(())
}

/// Registers a citizen and signs them in, in one transaction. Every
/// problem comes back at its field; an ID number or e-mail already taken
/// is `Conflict` at its field.
pub enum Registered {
    Done { user_id: UserId, session: Session },
    Taken(FieldError),
}

pub async fn register(app: &App, policy: &Policy, reg: &Registration) -> Result<Registered, AppError> {
    if !policy.local_citizen_accounts {
        return Err(AppError::refused(Refusal::NotPermitted, "err.register.off", "local citizen accounts are off"));
    }
    let year = chrono::Datelike::year(&app.now());
    let valid = reg
        .validate(year)
        .map_err(|errs| AppError::Invalid(errs.into_iter().map(|e| FieldError::new(e.field, e.key)).collect()))?;
    let pw = valid.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = NewUser {
        username: valid.citizen_id.as_str().to_string(),
        kind: AccountKind::Citizen,
        full_name: valid.full_name.clone(),
        citizen_id: Some(valid.citizen_id.as_str().to_string()),
        email: Some(valid.email.clone()),
        phone: Some(valid.phone.clone()),
        agency_id: None,
        password_hash: hash,
        roles: vec![],
    };
    let mut w = app.store.begin_write().await?;
    let user_id = match w.create_user(&user).await {
        Ok(id) => id,
        Err(StoreError::Conflict(field)) => {
            return Ok(Registered::Taken(if field == "email" {
                FieldError::new("email", "err.email.taken")
            } else {
                FieldError::new("citizen_id", "err.citizen_id.taken")
            }))
        }
        Err(e) => return Err(e.into()),
    };
    w.audit(egov_audit::Event::new(
        format!("user:{user_id}"),
        "citizen.register",
        format!("user:{user_id}"),
        None::<&()>,
        Some(&serde_json::json!({"username": user.username, "email": user.email})),
    ));
    let session = start(&mut w, policy, user_id).await?;
    w.commit().await?;
    Ok(Registered::Done { user_id, session })
}

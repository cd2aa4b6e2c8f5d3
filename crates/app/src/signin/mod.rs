//! Signing in through an identity provider (OpenID Connect, issue 14): the
//! redirect with PKCE, `state` and `nonce`; the callback that exchanges the
//! code, checks the ID token, reads userinfo and finds or makes the person's
//! record; linking an old local account; logout started here or by the
//! provider (front- and back-channel).
//!
//! **Invariants:** a `state` is good once, for ten minutes, in the browser
//! that started it (a cookie's digest is kept with it); no session begins
//! unless every check of `egov_oidc` passed; a citizen's record is keyed by
//! the ID number a provider vouched for and is never made twice; every
//! sign-in, refusal after the provider answered, link and logout is in the
//! audit chain.

mod provider;

pub use provider::{Provider, ProviderConfig, Providers};

use egov_identity::{random_secret, secret_digest, Assurance, SignedBy, UserId};
use egov_oidc::{
    token_request, verify_id_token, verify_logout_token, AuthRequest, Exchange, Expect, Identity, LogoutExpect,
    OidcError, Pkce, TokenResponse,
};
use egov_store::{PendingLogin, ProviderSession, VerifiedPerson, WriteTx};
use serde_json::{Map, Value};

use crate::sessions::{Policy, Session};
use crate::{App, AppError, Refusal};

/// How long a sign-in may take at the provider.
const PENDING_SECS: i64 = 600;
/// How far clocks may disagree.
const LEEWAY_SECS: i64 = 120;

fn refused(key: &'static str, detail: impl Into<String>) -> AppError {
    AppError::refused(Refusal::NotPermitted, key, detail)
}

fn random() -> Result<String, AppError> {
    random_secret().map_err(|e| AppError::Internal(e.to_string()))
}

fn epoch_secs(app: &App) -> i64 {
    app.store.now().div_euclid(1_000_000)
}

/// A sign-in begun: where to send the browser, and the secret of the
/// cookie that binds the sign-in to this browser.
#[derive(Debug)]
pub struct Begun {
    pub url: String,
    pub browser_secret: String,
}

/// Starts signing in at `provider`; `next` is a local path to return to;
/// `redirect_uri` is egov's callback address as the browser sees it.
pub async fn begin(app: &App, provider: &str, next: &str, redirect_uri: &str) -> Result<Begun, AppError> {
    let p = app.signin.get(provider).ok_or(AppError::NotFound)?;
    let discovery = app.signin.discovery(&p).await?;
    let pkce = Pkce::new().map_err(|e| AppError::Internal(e.to_string()))?;
    let (state, nonce, browser_secret) = (random()?, random()?, random()?);
    let mut w = app.store.begin_write().await?;
    w.put_login(&PendingLogin {
        state: state.clone(),
        provider: provider.to_string(),
        nonce: nonce.clone(),
        verifier: pkce.verifier.clone(),
        browser: secret_digest(&browser_secret),
        next: next.to_string(),
        redirect_uri: redirect_uri.to_string(),
        expires_at: w.now() + PENDING_SECS * 1_000_000,
    })
    .await?;
    w.commit().await?;
    let url = discovery.authorization_url(&AuthRequest {
        client_id: &p.config.client_id,
        redirect_uri,
        scope: &p.config.scope,
        state: &state,
        nonce: &nonce,
        code_challenge: &pkce.challenge,
    });
    Ok(Begun { url, browser_secret })
}

/// What the provider sent back to the callback.
#[derive(Debug, Default, Clone)]
pub struct Callback {
    pub state: String,
    pub code: Option<String>,
    /// The provider's error code (`access_denied`…), if it sent one.
    pub error: Option<String>,
    /// The issuer, when the provider says it (RFC 9207).
    pub iss: Option<String>,
}

/// A sign-in finished: the session, where to go, and whether an old local
/// account claims the person's number (they may link it).
pub struct SignedIn {
    pub user_id: UserId,
    pub session: Session,
    pub next: String,
    pub linkable: bool,
}

/// Finishes a sign-in: takes the pending sign-in of `state` (once), checks
/// the browser, exchanges the code, checks the ID token (keys fetched again
/// on rotation), reads userinfo, then in one transaction finds or makes the
/// person's record and starts the session (ending `previous`).
pub async fn complete(
    app: &App,
    policy: &Policy,
    cb: &Callback,
    browser_secret: Option<&str>,
    previous: Option<&str>,
) -> Result<SignedIn, AppError> {
    let mut w = app.store.begin_write().await?;
    let pending = w.take_login(&cb.state).await?;
    w.commit().await?;
    let pending = pending.ok_or_else(|| refused("err.signin.state", "unknown, used or expired state"))?;
    if browser_secret.map(secret_digest).as_deref() != Some(pending.browser.as_str()) {
        return Err(refused("err.signin.state", "the sign-in was started in another browser"));
    }
    let p = app.signin.get(&pending.provider).ok_or(AppError::NotFound)?;
    let audit_refusal = |reason: String| refusal_audit(app, &p.config.name, reason);
    if let Some(e) = &cb.error {
        return Err(refused("err.signin.provider", format!("the provider answered {e}")));
    }
    if cb.iss.as_deref().is_some_and(|i| i != p.config.issuer) {
        return Err(audit_refusal(format!("callback from issuer {:?}", cb.iss)).await);
    }
    let code = cb.code.as_deref().ok_or_else(|| refused("err.signin.provider", "no code"))?;
    let discovery = app.signin.discovery(&p).await?;
    let now = epoch_secs(app);
    let req = token_request(
        &Exchange {
            client_id: &p.config.client_id,
            token_endpoint: &discovery.token_endpoint,
            code,
            redirect_uri: &pending.redirect_uri,
            code_verifier: &pending.verifier,
            now,
        },
        &p.config.auth,
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut post = app.signin.http().post(&discovery.token_endpoint).form(&req.form);
    if let Some(a) = &req.authorization {
        post = post.header("authorization", a);
    }
    let answer = post.send().await.map_err(|e| refused("err.signin.unavailable", e.to_string()))?;
    let status = answer.status();
    let body = answer.bytes().await.map_err(|e| refused("err.signin.unavailable", e.to_string()))?;
    if !status.is_success() {
        let detail = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        return Err(audit_refusal(format!("token endpoint {status}: {detail}")).await);
    }
    let tokens = match TokenResponse::parse(&body) {
        Ok(t) => t,
        Err(e) => return Err(audit_refusal(e.to_string()).await),
    };
    let expect = Expect {
        issuer: &p.config.issuer,
        client_id: &p.config.client_id,
        nonce: &pending.nonce,
        now,
        leeway: LEEWAY_SECS,
    };
    let claims = match app.signin.with_keys(&p, |keys| verify_id_token(&tokens.id_token, keys, &expect)).await? {
        Ok(c) => c,
        Err(e) => return Err(audit_refusal(format!("ID token: {e}")).await),
    };
    let mut all: Map<String, Value> = claims.other.clone();
    if let Some(url) = &discovery.userinfo_endpoint {
        let info = userinfo(app, url, &tokens.access_token).await?;
        if info.get("sub").and_then(Value::as_str) != Some(claims.sub.as_str()) {
            return Err(audit_refusal("userinfo names another subject".into()).await);
        }
        all.extend(info);
    }
    // the level, read once from the claims under the provider's names (an
    // official's identity has no ID number, so not through `Identity`)
    let level = match all.get(&p.config.claims.assurance) {
        Some(Value::String(v)) if p.config.claims.level2_values.contains(v) => Assurance::Level2,
        Some(Value::Number(n)) if p.config.claims.level2_values.contains(&n.to_string()) => Assurance::Level2,
        _ => Assurance::Level1,
    };
    let mut w = app.store.begin_write().await?;
    let who = match establish(&mut w, &p.config, &claims.sub, &all, level).await {
        Ok(who) => who,
        Err(e) => {
            drop(w);
            let reason = match &e {
                AppError::Refused(_, _, d) => d.clone(),
                other => other.to_string(),
            };
            refusal_audit(app, &p.config.name, reason).await;
            return Err(e);
        }
    };
    if let Some(old) = previous {
        w.delete_session(old).await?;
    }
    let secret = random()?;
    let csrf = random()?;
    let signed_by =
        SignedBy { provider: p.config.name.clone(), subject: claims.sub.clone(), assurance: level, person: who.person };
    w.create_provider_session(
        who.user_id,
        &secret_digest(&secret),
        &csrf,
        policy.session_ttl_secs,
        &ProviderSession { signed_by: &signed_by, sid: claims.sid.as_deref(), id_token: &tokens.id_token },
    )
    .await?;
    let name = format!("user:{}", who.user_id);
    w.audit(egov_audit::Event::new(
        name.clone(),
        "session.start",
        name,
        None::<&()>,
        Some(&serde_json::json!({"provider": signed_by.provider, "subject": signed_by.subject,
            "level": level.number(), "person": signed_by.person, "created": who.created})),
    ));
    w.commit().await?;
    let linkable = app.store.linkable_account(who.user_id).await?.is_some();
    Ok(SignedIn { user_id: who.user_id, session: Session { secret, csrf }, next: pending.next, linkable })
}

async fn userinfo(app: &App, url: &str, access_token: &str) -> Result<Map<String, Value>, AppError> {
    let r = app
        .signin
        .http()
        .get(url)
        .bearer_auth(access_token)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| refused("err.signin.unavailable", e.to_string()))?;
    if !r.status().is_success() {
        return Err(refused("err.signin.unavailable", format!("userinfo {}", r.status())));
    }
    let bytes = r.bytes().await.map_err(|e| refused("err.signin.unavailable", e.to_string()))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(refused("err.signin.unavailable", "userinfo is not a JSON object (a signed one is not read)")),
    }
}

/// Records a sign-in refused after the provider answered; returns the refusal.
async fn refusal_audit(app: &App, provider: &str, reason: String) -> AppError {
    tracing::warn!(provider, reason = reason.as_str(), "sign-in refused");
    let write = async {
        let mut w = app.store.begin_write().await?;
        w.audit(egov_audit::Event::new(
            format!("provider:{provider}"),
            "oidc.refused",
            format!("provider:{provider}"),
            None::<&()>,
            Some(&serde_json::json!({"reason": reason})),
        ));
        w.commit().await
    };
    if let Err(e) = write.await {
        tracing::error!(error = %e, "could not record a refused sign-in");
    }
    refused("err.signin.refused", reason)
}

/// Whom a sign-in is for.
struct Who {
    user_id: UserId,
    /// For an organisation: the representative's ID number.
    person: Option<String>,
    created: bool,
}

/// Finds or makes the account of a verified identity: an official mapped
/// to it, an organisation and its representative, or a citizen's record.
async fn establish(
    w: &mut WriteTx,
    config: &ProviderConfig,
    subject: &str,
    claims: &Map<String, Value>,
    level: Assurance,
) -> Result<Who, AppError> {
    if let Some(user_id) = w.mapped_account(&config.name, subject).await? {
        return Ok(Who { user_id, person: None, created: false });
    }
    if config.officials_only {
        return Err(refused("err.signin.not_mapped", format!("no account is mapped to {}:{subject}", config.name)));
    }
    let id = Identity::from_claims(subject, claims, &config.claims)
        .map_err(|e: OidcError| refused("err.signin.claims", e.to_string()))?;
    let person = VerifiedPerson {
        id_number: &id.id_number,
        full_name: &id.full_name,
        birth_date: id.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
        assurance: level,
    };
    if let Some(org) = &id.organisation {
        let user_id = w.upsert_organisation(&org.code, &org.name).await?;
        if w.set_representative(user_id, &id.id_number, &id.full_name).await? {
            let name = format!("user:{user_id}");
            w.audit(egov_audit::Event::new(
                name.clone(),
                "organisation.representative",
                name,
                None::<&()>,
                Some(&serde_json::json!({"tax_code": org.code, "id_number": id.id_number})),
            ));
        }
        return Ok(Who { user_id, person: Some(id.id_number.clone()), created: false });
    }
    let found = w.citizen_match(&id.id_number).await?;
    let (user_id, created) = match (found.record, found.claimed) {
        (Some(record), _) => (record, false),
        // made at a counter, where an official saw the ID card: it becomes the record
        (None, Some((account, false))) => (account, false),
        (None, Some((_, true))) => (w.create_person(&person, false).await?, true),
        (None, None) => (w.create_person(&person, true).await?, true),
    };
    w.verify_person(user_id, &person).await?;
    Ok(Who { user_id, person: None, created })
}

/// Links the person's old local account (proved by its password) into
/// their verified record, once: its dossiers become theirs and it closes.
pub async fn link_local_account(app: &App, record: UserId, password: &str) -> Result<u64, AppError> {
    let (local, username) = app.store.linkable_account(record).await?.ok_or(AppError::NotFound)?;
    let ok = match app.store.login_lookup(&username).await? {
        Some((id, hash, true)) if id == local => {
            let pw = password.to_string();
            tokio::task::spawn_blocking(move || egov_identity::password::verify(&pw, &hash)).await.unwrap_or(false)
        }
        _ => false,
    };
    if !ok {
        return Err(AppError::Invalid(vec![crate::FieldError::new("password", "err.signin.link_password")]));
    }
    let mut w = app.store.begin_write().await?;
    let moved = w.link_local_account(record, local).await.map_err(|e| match e {
        egov_store::StoreError::NotFound => AppError::NotFound,
        e => e.into(),
    })?;
    let name = format!("user:{record}");
    w.audit(egov_audit::Event::new(
        name.clone(),
        "account.link",
        format!("user:{local}"),
        None::<&()>,
        Some(&serde_json::json!({"dossiers": moved})),
    ));
    w.commit().await?;
    Ok(moved)
}

/// Where to send the browser to end the provider's session too (RP-initiated
/// logout), for the session `digest` begun at a provider; `back` is where
/// the provider should send the browser after.
pub async fn end_session_url(app: &App, digest: &str, back: &str) -> Result<Option<String>, AppError> {
    let Some((provider, id_token)) = app.store.session_provider(digest).await? else { return Ok(None) };
    let Some(p) = app.signin.get(&provider) else { return Ok(None) };
    let Ok(d) = app.signin.discovery(&p).await else { return Ok(None) };
    Ok(d.end_session_endpoint.map(|end| {
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("id_token_hint", &id_token)
            .append_pair("client_id", &p.config.client_id)
            .append_pair("post_logout_redirect_uri", back)
            .finish();
        format!("{end}{}{q}", if end.contains('?') { '&' } else { '?' })
    }))
}

/// Back-channel logout: a provider's logout token, checked, ends the
/// sessions it names; returns how many accounts were signed out.
pub async fn back_channel_logout(app: &App, provider: &str, logout_token: &str) -> Result<usize, AppError> {
    let p = app.signin.get(provider).ok_or(AppError::NotFound)?;
    let expect = LogoutExpect {
        issuer: &p.config.issuer,
        client_id: &p.config.client_id,
        now: epoch_secs(app),
        max_age: LEEWAY_SECS + 180,
    };
    let logout = app
        .signin
        .with_keys(&p, |keys| verify_logout_token(logout_token, keys, &expect))
        .await?
        .map_err(|e| AppError::refused(Refusal::Malformed, "err.signin.logout_token", e.to_string()))?;
    end_provider_sessions(app, provider, logout.subject.as_deref(), logout.session_id.as_deref(), "back-channel").await
}

/// Front-channel logout: the provider's page loads this with its issuer and session id.
pub async fn front_channel_logout(app: &App, provider: &str, iss: &str, sid: &str) -> Result<usize, AppError> {
    let p = app.signin.get(provider).ok_or(AppError::NotFound)?;
    if iss != p.config.issuer || sid.is_empty() {
        return Err(AppError::refused(Refusal::Malformed, "err.signin.logout_token", "issuer or sid"));
    }
    end_provider_sessions(app, provider, None, Some(sid), "front-channel").await
}

async fn end_provider_sessions(
    app: &App,
    provider: &str,
    subject: Option<&str>,
    sid: Option<&str>,
    how: &str,
) -> Result<usize, AppError> {
    let mut w = app.store.begin_write().await?;
    let ended = w.end_provider_sessions(provider, subject, sid).await?;
    for u in &ended {
        let name = format!("user:{u}");
        w.audit(egov_audit::Event::new(
            format!("provider:{provider}"),
            "session.end",
            name,
            None::<&()>,
            Some(&serde_json::json!({"by": how})),
        ));
    }
    w.commit().await?;
    Ok(ended.len())
}

/// Maps an identity at a provider to an egov account (an official's), from
/// the command line.
pub async fn map_identity(
    store: &egov_store::Store,
    provider: &str,
    subject: &str,
    username: &str,
) -> Result<UserId, AppError> {
    if !ProviderConfig::valid_name(provider) || subject.is_empty() || subject.len() > 255 {
        return Err(AppError::Invalid(vec![crate::FieldError::new("provider", "err.signin.provider_name")]));
    }
    let user = store.user_id_of(username).await?.ok_or(AppError::NotFound)?;
    let mut w = store.begin_write().await?;
    w.map_identity(provider, subject, user).await?;
    w.audit(egov_audit::Event::new(
        "cli",
        "identity.map",
        format!("user:{user}"),
        None::<&()>,
        Some(&serde_json::json!({"provider": provider, "subject": subject})),
    ));
    w.commit().await?;
    Ok(user)
}

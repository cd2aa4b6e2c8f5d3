//! The logout token of OpenID Connect Back-Channel Logout 1.0 (§2.4, checked
//! as §2.6 says): signed like an ID token, for this client, from this
//! issuer, recent, carrying the back-channel logout event, naming a subject
//! or a session, and never a nonce (so that an ID token cannot pass for one).

use serde::Deserialize;

use crate::token::{verify_signed, Audience};
use crate::OidcError;

/// The event a logout token must carry.
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// What the relying party expects of a logout token.
#[derive(Debug, Clone, Copy)]
pub struct LogoutExpect<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// Seconds since the epoch.
    pub now: i64,
    /// How old (or how far ahead) its issue time may be, in seconds.
    pub max_age: i64,
}

/// Whom a verified logout token signs out: every session of `subject`, or
/// the one provider session `session_id`, or the sessions of both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logout {
    pub subject: Option<String>,
    pub session_id: Option<String>,
    /// The token's own id (for the record of its use).
    pub token_id: String,
}

#[derive(Deserialize)]
struct LogoutClaims {
    iss: String,
    aud: Audience,
    iat: i64,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    jti: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    sid: Option<String>,
    #[serde(default)]
    nonce: Option<serde_json::Value>,
    #[serde(default)]
    events: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Verifies a logout token; `UnknownKey` says to fetch the keys again.
pub fn verify_logout_token(token: &str, keys: &crate::JwkSet, expect: &LogoutExpect<'_>) -> Result<Logout, OidcError> {
    let c: LogoutClaims = verify_signed(token, keys)?;
    if c.iss != expect.issuer {
        return Err(OidcError::Issuer(c.iss));
    }
    if !c.aud.contains(expect.client_id) {
        return Err(OidcError::Audience);
    }
    if (c.iat - expect.now).abs() > expect.max_age {
        return Err(OidcError::Expired);
    }
    if c.exp.is_some_and(|exp| exp < expect.now) {
        return Err(OidcError::Expired);
    }
    if c.nonce.is_some() {
        return Err(OidcError::BadClaim("nonce".into(), "a logout token carries none".into()));
    }
    let event = c.events.as_ref().and_then(|e| e.get(BACKCHANNEL_LOGOUT_EVENT));
    if !matches!(event, Some(serde_json::Value::Object(_))) {
        return Err(OidcError::MissingClaim(format!("events.{BACKCHANNEL_LOGOUT_EVENT}")));
    }
    if c.sub.is_none() && c.sid.is_none() {
        return Err(OidcError::MissingClaim("sub or sid".into()));
    }
    let token_id = c.jti.filter(|j| !j.is_empty()).ok_or_else(|| OidcError::MissingClaim("jti".into()))?;
    Ok(Logout { subject: c.sub, session_id: c.sid, token_id })
}

//! The ID token (OpenID Connect Core 1.0, §3.1.3.7): its signature by one of
//! the provider's keys, then its issuer, audience, times and nonce.

use std::collections::HashSet;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::OidcError;

/// What the relying party expects of an ID token.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// The provider's issuer, exactly as its discovery document gives it.
    pub issuer: &'a str,
    /// This relying party's client id: the audience.
    pub client_id: &'a str,
    /// The nonce sent with the authorization request.
    pub nonce: &'a str,
    /// Now, in seconds since the epoch (the caller's clock).
    pub now: i64,
    /// The clock skew allowed either way, in seconds.
    pub leeway: i64,
}

/// An ID token's claims once verified; the provider's other claims are kept
/// for reading the identity.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: i64,
    pub iat: i64,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub sid: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `aud`: one audience or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    pub(crate) fn contains(&self, client: &str) -> bool {
        match self {
            Audience::One(a) => a == client,
            Audience::Many(v) => v.iter().any(|a| a == client),
        }
    }

    fn len(&self) -> usize {
        match self {
            Audience::One(_) => 1,
            Audience::Many(v) => v.len(),
        }
    }
}

/// The signature algorithms accepted: asymmetric ones only (never `none`,
/// never a shared secret the provider's keys cannot hold).
const ACCEPTED: [Algorithm; 7] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
];

/// Verifies an ID token against the provider's keys and what the relying
/// party expects. `UnknownKey` says to fetch the keys again (the provider
/// may have rotated them) and try once more.
pub fn verify_id_token(token: &str, keys: &JwkSet, expect: &Expect<'_>) -> Result<IdClaims, OidcError> {
    let claims: IdClaims = verify_signed(token, keys)?;
    check(&claims, expect)?;
    Ok(claims)
}

/// A JWS's payload, once its signature by one of `keys` verifies with an
/// accepted algorithm (the key named by `kid`, or the only key); nothing
/// of the payload is checked here.
pub(crate) fn verify_signed<T: serde::de::DeserializeOwned>(token: &str, keys: &JwkSet) -> Result<T, OidcError> {
    let header = decode_header(token).map_err(|e| OidcError::Malformed(e.to_string()))?;
    if !ACCEPTED.contains(&header.alg) {
        return Err(OidcError::Algorithm(format!("{:?}", header.alg)));
    }
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid).ok_or_else(|| OidcError::UnknownKey(kid.clone()))?,
        None if keys.keys.len() == 1 => &keys.keys[0],
        None => return Err(OidcError::UnknownKey("(none)".into())),
    };
    let key = DecodingKey::from_jwk(jwk).map_err(|e| OidcError::Malformed(format!("key: {e}")))?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    Ok(decode::<T>(token, &key, &validation)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => OidcError::Signature,
            _ => OidcError::Malformed(e.to_string()),
        })?
        .claims)
}

fn check(c: &IdClaims, expect: &Expect<'_>) -> Result<(), OidcError> {
    if c.iss != expect.issuer {
        return Err(OidcError::Issuer(c.iss.clone()));
    }
    if !c.aud.contains(expect.client_id) {
        return Err(OidcError::Audience);
    }
    // several audiences: the token must be meant for this client (azp)
    if c.aud.len() > 1 && c.azp.as_deref() != Some(expect.client_id) {
        return Err(OidcError::Audience);
    }
    if c.exp + expect.leeway < expect.now {
        return Err(OidcError::Expired);
    }
    if c.iat - expect.leeway > expect.now {
        return Err(OidcError::IssuedInFuture);
    }
    if c.nonce.as_deref() != Some(expect.nonce) {
        return Err(OidcError::Nonce);
    }
    Ok(())
}

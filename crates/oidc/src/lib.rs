//! OpenID Connect as a relying party sees it, without I/O (issue 14, first
//! part): the provider's discovery document, the authorization request with
//! PKCE, `state` and `nonce`, the ID token checked against the provider's
//! keys (signature, issuer, audience, expiry with a clock skew, nonce), and
//! who the person is from the claims, by claim names set per provider.
//!
//! **Invariants:** no network, no clock: the caller fetches documents and
//! keys and passes "now"; an ID token is accepted only by
//! [`verify_id_token`], and only if every check passes; an unknown key id is
//! its own error so that the caller refetches the keys once (rotation).

mod claims;
mod client;
pub mod demo;
mod logout;
mod pkce;
mod token;

pub use claims::{is_tax_code, AssuranceLevel, ClaimNames, Identity, Organisation};
pub use client::{token_request, ClientAuth, Exchange, TokenRequest, TokenResponse};
pub use jsonwebtoken::jwk::JwkSet;
pub use logout::{verify_logout_token, Logout, LogoutExpect, BACKCHANNEL_LOGOUT_EVENT};
pub use pkce::{challenge, random_token, Pkce};
pub use token::{verify_id_token, Expect, IdClaims};

use serde::Deserialize;

/// Why an OpenID Connect step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    #[error("the provider's document is malformed: {0}")]
    Document(String),
    #[error("the discovery document names issuer {found}, not {expected}")]
    IssuerMismatch { expected: String, found: String },
    #[error("the ID token is malformed: {0}")]
    Malformed(String),
    #[error("the ID token is signed with {0}, which is not accepted")]
    Algorithm(String),
    #[error("no key {0} among the provider's keys")]
    UnknownKey(String),
    #[error("the ID token's signature does not verify")]
    Signature,
    #[error("the ID token was issued by {0}")]
    Issuer(String),
    #[error("the ID token is not for this client")]
    Audience,
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token was issued in the future")]
    IssuedInFuture,
    #[error("the ID token's nonce is not the one sent")]
    Nonce,
    #[error("the identity lacks the claim {0}")]
    MissingClaim(String),
    #[error("the claim {0} is not valid: {1}")]
    BadClaim(String, String),
}

/// A provider's discovery document (OpenID Connect Discovery 1.0, §3): the
/// endpoints egov uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    pub backchannel_logout_supported: bool,
}

impl Discovery {
    /// Reads a discovery document fetched from `<issuer>/.well-known/openid-configuration`;
    /// its issuer must be exactly the one configured (Discovery §4.3).
    pub fn parse(bytes: &[u8], expected_issuer: &str) -> Result<Discovery, OidcError> {
        let d: Discovery = serde_json::from_slice(bytes).map_err(|e| OidcError::Document(e.to_string()))?;
        if d.issuer != expected_issuer {
            return Err(OidcError::IssuerMismatch { expected: expected_issuer.into(), found: d.issuer });
        }
        Ok(d)
    }

    /// Where to send the browser: the authorization code flow with PKCE
    /// (S256), `state` and `nonce`.
    pub fn authorization_url(&self, request: &AuthRequest<'_>) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", request.client_id)
            .append_pair("redirect_uri", request.redirect_uri)
            .append_pair("scope", request.scope)
            .append_pair("state", request.state)
            .append_pair("nonce", request.nonce)
            .append_pair("code_challenge", request.code_challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        let sep = if self.authorization_endpoint.contains('?') { '&' } else { '?' };
        format!("{}{sep}{query}", self.authorization_endpoint)
    }
}

/// What an authorization request carries.
#[derive(Debug, Clone, Copy)]
pub struct AuthRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_challenge: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"issuer":"https://id.example.vn","authorization_endpoint":"https://id.example.vn/auth",
        "token_endpoint":"https://id.example.vn/token","jwks_uri":"https://id.example.vn/jwks",
        "userinfo_endpoint":"https://id.example.vn/me","id_token_signing_alg_values_supported":["RS256"],
        "backchannel_logout_supported":true}"#;

    #[test]
    fn a_discovery_document_is_read_and_its_issuer_must_be_the_configured_one() {
        let d = Discovery::parse(DOC.as_bytes(), "https://id.example.vn").unwrap();
        assert_eq!(d.token_endpoint, "https://id.example.vn/token");
        assert!(d.backchannel_logout_supported);
        assert_eq!(d.end_session_endpoint, None);
        assert!(matches!(
            Discovery::parse(DOC.as_bytes(), "https://id.example.vn/"),
            Err(OidcError::IssuerMismatch { .. })
        ));
        assert!(matches!(Discovery::parse(b"{}", "x"), Err(OidcError::Document(_))));
    }

    #[test]
    fn the_authorization_url_carries_pkce_state_and_nonce_encoded() {
        let d = Discovery::parse(DOC.as_bytes(), "https://id.example.vn").unwrap();
        let url = d.authorization_url(&AuthRequest {
            client_id: "egov",
            redirect_uri: "https://dvc.example.vn/dang-nhap/vneid",
            scope: "openid profile",
            state: "s1",
            nonce: "n1",
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        });
        assert!(url.starts_with("https://id.example.vn/auth?response_type=code&client_id=egov&"), "{url}");
        assert!(url.contains("redirect_uri=https%3A%2F%2Fdvc.example.vn%2Fdang-nhap%2Fvneid"), "{url}");
        assert!(url.contains("scope=openid+profile&state=s1&nonce=n1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"), "{url}");
    }
}

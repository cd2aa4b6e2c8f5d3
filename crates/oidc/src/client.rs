//! The token request (Core §3.1.3.1) and its answer: the code exchanged with
//! the PKCE verifier, the client authenticated by `client_secret_basic` or
//! by `private_key_jwt` (Core §9: a short JWT signed with the client's key).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde::Deserialize;

use crate::{random_token, OidcError};

/// How egov proves to a provider that it is the client.
#[derive(Clone)]
pub enum ClientAuth {
    /// `client_secret_basic`: the secret in an Authorization header.
    SecretBasic(String),
    /// `private_key_jwt`: an assertion signed with egov's private key.
    PrivateKeyJwt { key: EncodingKey, alg: Algorithm, kid: Option<String> },
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientAuth::SecretBasic(_) => f.write_str("SecretBasic(…)"),
            ClientAuth::PrivateKeyJwt { alg, kid, .. } => write!(f, "PrivateKeyJwt({alg:?}, {kid:?})"),
        }
    }
}

impl ClientAuth {
    /// A private key in PEM (RSA or EC P-256), for `private_key_jwt`.
    pub fn private_key_pem(pem: &[u8], kid: Option<String>) -> Result<ClientAuth, OidcError> {
        if let Ok(key) = EncodingKey::from_rsa_pem(pem) {
            return Ok(ClientAuth::PrivateKeyJwt { key, alg: Algorithm::RS256, kid });
        }
        EncodingKey::from_ec_pem(pem)
            .map(|key| ClientAuth::PrivateKeyJwt { key, alg: Algorithm::ES256, kid })
            .map_err(|e| OidcError::Document(format!("the client's private key: {e}")))
    }
}

/// A token request ready to send: the form and, for `client_secret_basic`,
/// the Authorization header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    pub form: Vec<(String, String)>,
    pub authorization: Option<String>,
}

/// The values of a code exchange.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    pub client_id: &'a str,
    pub token_endpoint: &'a str,
    pub code: &'a str,
    pub redirect_uri: &'a str,
    pub code_verifier: &'a str,
    /// Seconds since the epoch (for the client assertion).
    pub now: i64,
}

/// Builds the request that exchanges a code for tokens.
pub fn token_request(x: &Exchange<'_>, auth: &ClientAuth) -> Result<TokenRequest, OidcError> {
    let mut form = vec![
        ("grant_type".to_string(), "authorization_code".to_string()),
        ("code".into(), x.code.into()),
        ("redirect_uri".into(), x.redirect_uri.into()),
        ("code_verifier".into(), x.code_verifier.into()),
    ];
    let authorization = match auth {
        ClientAuth::SecretBasic(secret) => {
            let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            Some(format!("Basic {}", STANDARD.encode(format!("{}:{}", enc(x.client_id), enc(secret)))))
        }
        ClientAuth::PrivateKeyJwt { key, alg, kid } => {
            let mut header = Header::new(*alg);
            header.kid = kid.clone();
            let jti = random_token().map_err(|e| OidcError::Document(e.to_string()))?;
            let claims = serde_json::json!({"iss": x.client_id, "sub": x.client_id, "aud": x.token_endpoint,
                "jti": jti, "iat": x.now, "exp": x.now + 60});
            let assertion = encode(&header, &claims, key).map_err(|e| OidcError::Document(e.to_string()))?;
            form.push(("client_id".into(), x.client_id.into()));
            form.push((
                "client_assertion_type".into(),
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            ));
            form.push(("client_assertion".into(), assertion));
            None
        }
    };
    Ok(TokenRequest { form, authorization })
}

/// The provider's answer to a code exchange (RFC 6749 §5.1 with the ID token).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub id_token: String,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

impl TokenResponse {
    /// Reads a token endpoint's JSON answer; a bearer token and an ID token are required.
    pub fn parse(bytes: &[u8]) -> Result<TokenResponse, OidcError> {
        let t: TokenResponse = serde_json::from_slice(bytes).map_err(|e| OidcError::Document(e.to_string()))?;
        if !t.token_type.eq_ignore_ascii_case("bearer") {
            return Err(OidcError::Document(format!("token type {}", t.token_type)));
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Exchange<'static> {
        Exchange {
            client_id: "egov portal",
            token_endpoint: "https://id.example.vn/token",
            code: "c",
            redirect_uri: "https://dvc/cb",
            code_verifier: "v",
            now: 1_790_000_000,
        }
    }

    #[test]
    fn secret_basic_encodes_the_id_and_secret_as_rfc_6749_says() {
        let r = token_request(&x(), &ClientAuth::SecretBasic("s:1".into())).unwrap();
        // "egov+portal:s%3A1"
        assert_eq!(r.authorization.as_deref(), Some("Basic ZWdvditwb3J0YWw6cyUzQTE="));
        assert!(r.form.contains(&("code_verifier".into(), "v".into())));
        assert!(!r.form.iter().any(|(k, _)| k == "client_secret"), "the secret travels in the header only");
    }

    #[test]
    fn private_key_jwt_sends_a_signed_assertion_for_the_token_endpoint() {
        let pem = std::fs::read(format!("{}/tests/keys/a.pem", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let auth = ClientAuth::private_key_pem(&pem, Some("rp-1".into())).unwrap();
        let r = token_request(&x(), &auth).unwrap();
        assert_eq!(r.authorization, None);
        let assertion = &r.form.iter().find(|(k, _)| k == "client_assertion").unwrap().1;
        let keys: crate::JwkSet = serde_json::from_str(
            &std::fs::read_to_string(format!("{}/tests/keys/jwks-a.json", env!("CARGO_MANIFEST_DIR"))).unwrap(),
        )
        .unwrap();
        let mut keys = keys;
        keys.keys[0].common.key_id = Some("rp-1".into());
        let c: serde_json::Value = crate::token::verify_signed(assertion, &keys).unwrap();
        assert_eq!(c["aud"], "https://id.example.vn/token");
        assert_eq!(c["sub"], "egov portal");
        assert_eq!(c["exp"], 1_790_000_060);
    }

    #[test]
    fn a_token_answer_needs_a_bearer_token_and_an_id_token() {
        assert!(TokenResponse::parse(br#"{"access_token":"a","token_type":"Bearer","id_token":"x.y.z"}"#).is_ok());
        assert!(TokenResponse::parse(br#"{"access_token":"a","token_type":"Bearer"}"#).is_err());
        assert!(TokenResponse::parse(br#"{"access_token":"a","token_type":"mac","id_token":"t"}"#).is_err());
    }
}

//! ID tokens signed with real RSA keys (made with `openssl genrsa 2048`,
//! their public halves as a JWKS in `keys/`), checked as OpenID Connect
//! Core §3.1.3.7 says: each way a token can be wrong is refused.

use egov_oidc::{verify_id_token, Expect, JwkSet, OidcError};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};

const ISSUER: &str = "https://id.example.vn";
const CLIENT: &str = "egov";
const NOW: i64 = 1_790_000_000;

fn keys(file: &str) -> JwkSet {
    serde_json::from_str(&std::fs::read_to_string(format!("{}/tests/keys/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap())
        .unwrap()
}

fn sign(kid: &str, claims: serde_json::Value) -> String {
    let pem = std::fs::read(format!("{}/tests/keys/{}.pem", env!("CARGO_MANIFEST_DIR"), &kid[4..])).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    encode(&header, &claims, &EncodingKey::from_rsa_pem(&pem).unwrap()).unwrap()
}

fn claims() -> serde_json::Value {
    serde_json::json!({"iss": ISSUER, "sub": "vneid-1", "aud": CLIENT, "exp": NOW + 300, "iat": NOW - 5,
        "nonce": "n-1", "citizen_id": "079195000321", "name": "Trần Thị B"})
}

fn expect() -> Expect<'static> {
    Expect { issuer: ISSUER, client_id: CLIENT, nonce: "n-1", now: NOW, leeway: 60 }
}

fn with(key: &str, value: serde_json::Value) -> serde_json::Value {
    let mut c = claims();
    c[key] = value;
    c
}

#[test]
fn a_good_token_is_accepted_with_its_claims() {
    let c = verify_id_token(&sign("key-a", claims()), &keys("jwks-a.json"), &expect()).unwrap();
    assert_eq!(c.sub, "vneid-1");
    assert_eq!(c.other["citizen_id"], "079195000321");
}

#[test]
fn a_tampered_token_fails_its_signature() {
    let token = sign("key-a", claims());
    let parts: Vec<&str> = token.split('.').collect();
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&with("citizen_id", "001099000001".into())).unwrap());
    let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
    assert_eq!(verify_id_token(&tampered, &keys("jwks-a.json"), &expect()), Err(OidcError::Signature));
    // signed by another key under this key's id
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("key-a".into());
    let pem = std::fs::read(format!("{}/tests/keys/b.pem", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let other = encode(&header, &claims(), &EncodingKey::from_rsa_pem(&pem).unwrap()).unwrap();
    assert_eq!(verify_id_token(&other, &keys("jwks-a.json"), &expect()), Err(OidcError::Signature));
}

#[test]
fn issuer_audience_times_and_nonce_are_checked() {
    let k = keys("jwks-a.json");
    let v = |c| verify_id_token(&sign("key-a", c), &k, &expect());
    assert_eq!(v(with("iss", "https://evil.example".into())), Err(OidcError::Issuer("https://evil.example".into())));
    assert_eq!(v(with("aud", "someone-else".into())), Err(OidcError::Audience));
    // several audiences: only if this client is the authorised party
    assert_eq!(v(with("aud", serde_json::json!(["someone-else", CLIENT]))), Err(OidcError::Audience));
    let mut c = with("aud", serde_json::json!(["someone-else", CLIENT]));
    c["azp"] = CLIENT.into();
    assert!(v(c).is_ok());
    assert_eq!(v(with("exp", (NOW - 61).into())), Err(OidcError::Expired));
    assert!(v(with("exp", (NOW - 59).into())).is_ok(), "within the clock skew");
    assert_eq!(v(with("iat", (NOW + 61).into())), Err(OidcError::IssuedInFuture));
    assert_eq!(v(with("nonce", "n-2".into())), Err(OidcError::Nonce));
    let mut no_nonce = claims();
    no_nonce.as_object_mut().unwrap().remove("nonce");
    assert_eq!(v(no_nonce), Err(OidcError::Nonce));
}

#[test]
fn a_rotated_key_is_an_unknown_key_until_the_keys_are_fetched_again() {
    let token = sign("key-b", claims());
    assert_eq!(verify_id_token(&token, &keys("jwks-a.json"), &expect()), Err(OidcError::UnknownKey("key-b".into())));
    assert!(verify_id_token(&token, &keys("jwks-ab.json"), &expect()).is_ok());
}

#[test]
fn unsigned_and_shared_secret_tokens_are_refused() {
    let k = keys("jwks-a.json");
    let hs = encode(&Header::new(Algorithm::HS256), &claims(), &EncodingKey::from_secret(b"public")).unwrap();
    assert_eq!(verify_id_token(&hs, &k, &expect()), Err(OidcError::Algorithm("HS256".into())));
    use base64::Engine;
    let b64 = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let none = format!("{}.{}.", b64(serde_json::json!({"alg": "none"})), b64(claims()));
    assert!(matches!(verify_id_token(&none, &k, &expect()), Err(OidcError::Malformed(_))));
    assert!(matches!(verify_id_token("not.a.token", &k, &expect()), Err(OidcError::Malformed(_))));
}

mod logout {
    use super::*;
    use egov_oidc::{verify_logout_token, LogoutExpect, BACKCHANNEL_LOGOUT_EVENT};

    fn good() -> serde_json::Value {
        serde_json::json!({"iss": ISSUER, "aud": CLIENT, "iat": NOW - 2, "exp": NOW + 118, "jti": "j-1",
            "sid": "s-1", "events": {BACKCHANNEL_LOGOUT_EVENT: {}}})
    }

    fn expect() -> LogoutExpect<'static> {
        LogoutExpect { issuer: ISSUER, client_id: CLIENT, now: NOW, max_age: 120 }
    }

    fn change(key: &str, value: serde_json::Value) -> serde_json::Value {
        let mut c = good();
        if value.is_null() {
            c.as_object_mut().unwrap().remove(key);
        } else {
            c[key] = value;
        }
        c
    }

    #[test]
    fn a_logout_token_names_the_session_to_end() {
        let l = verify_logout_token(&sign("key-a", good()), &keys("jwks-a.json"), &expect()).unwrap();
        assert_eq!(l.session_id.as_deref(), Some("s-1"));
        assert_eq!(l.subject, None);
        assert_eq!(l.token_id, "j-1");
    }

    #[test]
    fn each_way_a_logout_token_can_be_wrong_is_refused() {
        let k = keys("jwks-a.json");
        let refused = |c| verify_logout_token(&sign("key-a", c), &k, &expect()).unwrap_err();
        assert_eq!(refused(change("aud", "another".into())), OidcError::Audience);
        assert_eq!(
            refused(change("iss", "https://evil.example".into())),
            OidcError::Issuer("https://evil.example".into())
        );
        assert_eq!(refused(change("iat", (NOW - 3600).into())), OidcError::Expired);
        assert!(
            matches!(refused(change("nonce", "n".into())), OidcError::BadClaim(..)),
            "an ID token is no logout token"
        );
        assert!(matches!(refused(change("events", serde_json::json!({"other": {}}))), OidcError::MissingClaim(_)));
        assert!(matches!(refused(change("sid", serde_json::Value::Null)), OidcError::MissingClaim(_)));
        assert!(matches!(refused(change("jti", serde_json::Value::Null)), OidcError::MissingClaim(_)));
        assert_eq!(
            verify_logout_token(&sign("key-b", good()), &k, &expect()).unwrap_err(),
            OidcError::UnknownKey("key-b".into())
        );
    }
}

//! A small OpenID Connect provider for demonstrations: the authorization
//! code flow with PKCE (S256 only), ID tokens signed with ES256 by a key
//! made at start, discovery, JWKS, userinfo, RP-initiated logout and
//! back-channel logout tokens. It knows a fixed list of people and clients;
//! it is **not** an identity provider for real use (nothing proves who
//! picks a person), which is why egov serves it only in demo mode.
//!
//! **Invariants:** no I/O and no clock: the web layer carries requests in
//! and answers out, and passes "now" (seconds); a code is used once, within
//! a minute, by the client and redirect URI it was issued for, with the
//! verifier of its challenge.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Map, Value};

use crate::{challenge, random_token, BACKCHANNEL_LOGOUT_EVENT};

/// A client the provider knows.
#[derive(Debug, Clone)]
pub struct DemoClient {
    pub id: String,
    pub secret: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
}

/// A person (or a person for an organisation) one may sign in as.
#[derive(Debug, Clone)]
pub struct DemoPerson {
    pub subject: String,
    /// Shown on the provider's page.
    pub label: String,
    /// The claims in the ID token and userinfo besides the registered ones.
    pub claims: Map<String, Value>,
}

/// An OAuth error answer: the `error` code, a description, the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoError {
    pub error: &'static str,
    pub description: String,
    pub status: u16,
}

fn err(error: &'static str, description: impl Into<String>, status: u16) -> DemoError {
    DemoError { error, description: description.into(), status }
}

/// A checked authorization request, waiting for a person to be picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
}

struct Grant {
    auth: Authorization,
    subject: String,
    sid: String,
    expires: i64,
}

struct Access {
    subject: String,
    expires: i64,
}

#[derive(Default)]
struct Memory {
    codes: HashMap<String, Grant>,
    access: HashMap<String, Access>,
    /// Provider sessions: sid → (subject, the clients signed in with it).
    sessions: HashMap<String, (String, Vec<String>)>,
}

/// A back-channel logout to deliver: where, and the logout token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutNotice {
    pub uri: String,
    pub logout_token: String,
}

/// The demonstration provider.
pub struct DemoProvider {
    issuer: String,
    key: EncodingKey,
    jwk: Value,
    kid: String,
    clients: Vec<DemoClient>,
    people: Vec<DemoPerson>,
    memory: Mutex<Memory>,
}

const CODE_TTL: i64 = 60;
const TOKEN_TTL: i64 = 300;

impl std::fmt::Debug for DemoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DemoProvider({}, {} people)", self.issuer, self.people.len())
    }
}

impl DemoProvider {
    /// A provider at `issuer` (its base URL) with a fresh P-256 signing key.
    pub fn new(issuer: &str, clients: Vec<DemoClient>, people: Vec<DemoPerson>) -> Result<DemoProvider, String> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).map_err(|e| e.to_string())?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|e| e.to_string())?;
        // the uncompressed point: 0x04, X (32 bytes), Y (32 bytes)
        let point = pair.public_key().as_ref();
        let kid = random_token().map_err(|e| e.to_string())?[..16].to_string();
        let jwk = json!({"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65])});
        Ok(DemoProvider {
            issuer: issuer.trim_end_matches('/').to_string(),
            key: EncodingKey::from_ec_der(pkcs8.as_ref()),
            jwk,
            kid,
            clients,
            people,
            memory: Mutex::new(Memory::default()),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn people(&self) -> &[DemoPerson] {
        &self.people
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The discovery document.
    pub fn discovery(&self) -> Value {
        let i = &self.issuer;
        json!({
            "issuer": i,
            "authorization_endpoint": format!("{i}/authorize"),
            "token_endpoint": format!("{i}/token"),
            "userinfo_endpoint": format!("{i}/userinfo"),
            "jwks_uri": format!("{i}/jwks"),
            "end_session_endpoint": format!("{i}/logout"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
            "scopes_supported": ["openid", "profile"],
            "backchannel_logout_supported": true,
            "backchannel_logout_session_supported": true,
        })
    }

    /// The public keys.
    pub fn jwks(&self) -> Value {
        json!({"keys": [self.jwk]})
    }

    fn client(&self, id: &str) -> Option<&DemoClient> {
        self.clients.iter().find(|c| c.id == id)
    }

    /// Checks an authorization request. An unknown client or redirect URI
    /// is answered on the provider's own page (never redirected to).
    pub fn authorize(&self, q: &HashMap<String, String>) -> Result<Authorization, DemoError> {
        let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
        let client = self.client(get("client_id")).ok_or_else(|| err("invalid_client", "unknown client", 400))?;
        if !client.redirect_uris.iter().any(|u| u == get("redirect_uri")) {
            return Err(err("invalid_request", "redirect_uri is not registered for this client", 400));
        }
        if get("response_type") != "code" {
            return Err(err("unsupported_response_type", "only the code flow", 400));
        }
        if !get("scope").split(' ').any(|s| s == "openid") {
            return Err(err("invalid_scope", "scope must include openid", 400));
        }
        if get("code_challenge_method") != "S256" || get("code_challenge").len() < 43 {
            return Err(err("invalid_request", "PKCE with S256 is required", 400));
        }
        Ok(Authorization {
            client_id: client.id.clone(),
            redirect_uri: get("redirect_uri").into(),
            state: get("state").into(),
            nonce: q.get("nonce").cloned(),
            code_challenge: get("code_challenge").into(),
        })
    }

    /// The person `subject` was picked: the redirect back to the client, with a code.
    pub fn approve(&self, auth: Authorization, subject: &str, now: i64) -> Result<String, DemoError> {
        if !self.people.iter().any(|p| p.subject == subject) {
            return Err(err("access_denied", "no such demo person", 400));
        }
        let code = random_token().map_err(|e| err("server_error", e.to_string(), 500))?;
        let sid = random_token().map_err(|e| err("server_error", e.to_string(), 500))?;
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .append_pair("state", &auth.state)
            .append_pair("iss", &self.issuer)
            .finish();
        let sep = if auth.redirect_uri.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}{query}", auth.redirect_uri);
        let mut m = self.memory();
        m.codes.retain(|_, g| g.expires > now);
        m.sessions
            .entry(sid.clone())
            .or_insert_with(|| (subject.to_string(), Vec::new()))
            .1
            .push(auth.client_id.clone());
        m.codes.insert(code, Grant { auth, subject: subject.into(), sid, expires: now + CODE_TTL });
        Ok(url)
    }

    fn authenticate(
        &self,
        form: &HashMap<String, String>,
        authorization: Option<&str>,
    ) -> Result<&DemoClient, DemoError> {
        let (id, secret) = match authorization.and_then(|h| h.strip_prefix("Basic ")) {
            Some(b64) => {
                let raw = STANDARD.decode(b64.trim()).map_err(|_| err("invalid_client", "bad Basic header", 401))?;
                let raw = String::from_utf8(raw).map_err(|_| err("invalid_client", "bad Basic header", 401))?;
                let (id, secret) = raw.split_once(':').ok_or_else(|| err("invalid_client", "bad Basic header", 401))?;
                let dec =
                    |s: &str| form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
                (dec(id).unwrap_or_default(), dec(secret).unwrap_or_default())
            }
            None => (
                form.get("client_id").cloned().unwrap_or_default(),
                form.get("client_secret").cloned().unwrap_or_default(),
            ),
        };
        match self.client(&id) {
            Some(c) if !secret.is_empty() && c.secret == secret => Ok(c),
            _ => Err(err("invalid_client", "client authentication failed", 401)),
        }
    }

    /// The token endpoint: a code exchanged once for an ID token and an access token.
    pub fn token(
        &self,
        form: &HashMap<String, String>,
        authorization: Option<&str>,
        now: i64,
    ) -> Result<Value, DemoError> {
        let client = self.authenticate(form, authorization)?;
        if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
            return Err(err("unsupported_grant_type", "only authorization_code", 400));
        }
        let code = form.get("code").map(String::as_str).unwrap_or("");
        let grant = self.memory().codes.remove(code);
        let grant = grant
            .filter(|g| g.expires > now && g.auth.client_id == client.id)
            .ok_or_else(|| err("invalid_grant", "the code is unknown, used or expired", 400))?;
        if form.get("redirect_uri") != Some(&grant.auth.redirect_uri) {
            return Err(err("invalid_grant", "redirect_uri differs from the authorization request", 400));
        }
        let verifier = form.get("code_verifier").map(String::as_str).unwrap_or("");
        if challenge(verifier) != grant.auth.code_challenge {
            return Err(err("invalid_grant", "the code verifier does not match the challenge", 400));
        }
        let person = self
            .people
            .iter()
            .find(|p| p.subject == grant.subject)
            .ok_or_else(|| err("invalid_grant", "no such person", 400))?;
        let mut claims = person.claims.clone();
        for (k, v) in [
            ("iss", json!(self.issuer)),
            ("sub", json!(person.subject)),
            ("aud", json!(client.id)),
            ("iat", json!(now)),
            ("auth_time", json!(now)),
            ("exp", json!(now + TOKEN_TTL)),
            ("sid", json!(grant.sid)),
        ] {
            claims.insert(k.into(), v);
        }
        if let Some(n) = &grant.auth.nonce {
            claims.insert("nonce".into(), json!(n));
        }
        let id_token = self.sign(&Value::Object(claims))?;
        let access_token = random_token().map_err(|e| err("server_error", e.to_string(), 500))?;
        let mut m = self.memory();
        m.access.retain(|_, a| a.expires > now);
        m.access.insert(access_token.clone(), Access { subject: person.subject.clone(), expires: now + TOKEN_TTL });
        Ok(json!({"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_TTL,
            "id_token": id_token, "scope": "openid profile"}))
    }

    fn sign(&self, claims: &Value) -> Result<String, DemoError> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        header.typ = None;
        encode(&header, claims, &self.key).map_err(|e| err("server_error", e.to_string(), 500))
    }

    /// The userinfo endpoint: the person's claims for a live access token.
    pub fn userinfo(&self, bearer: &str, now: i64) -> Option<Value> {
        let subject = {
            let m = self.memory();
            let a = m.access.get(bearer).filter(|a| a.expires > now)?;
            a.subject.clone()
        };
        let person = self.people.iter().find(|p| p.subject == subject)?;
        let mut claims = person.claims.clone();
        claims.insert("sub".into(), json!(subject));
        Some(Value::Object(claims))
    }

    /// RP-initiated logout: ends the provider session named in the ID token
    /// hint; returns where to send the browser (a registered post-logout
    /// address, or none) and the back-channel logouts to deliver.
    pub fn end_session(&self, q: &HashMap<String, String>, now: i64) -> (Option<String>, Vec<LogoutNotice>) {
        let sid = q.get("id_token_hint").and_then(|t| unverified_claim(t, "sid"));
        let client_id = q.get("id_token_hint").and_then(|t| unverified_claim(t, "aud"));
        let back = q.get("post_logout_redirect_uri").filter(|u| {
            client_id.as_deref().and_then(|c| self.client(c)).is_some_and(|c| c.post_logout_redirect_uris.contains(u))
        });
        let back = back.map(|u| match q.get("state") {
            Some(s) => format!("{u}{}state={}", if u.contains('?') { '&' } else { '?' }, urlencode(s)),
            None => u.clone(),
        });
        let ended = sid.and_then(|sid| self.memory().sessions.remove(&sid).map(|s| (sid, s)));
        let notices = match ended {
            Some((sid, (subject, clients))) => clients
                .iter()
                .filter_map(|c| self.client(c))
                .filter_map(|c| {
                    let uri = c.backchannel_logout_uri.clone()?;
                    let logout_token = self.logout_token(&c.id, &subject, &sid, now).ok()?;
                    Some(LogoutNotice { uri, logout_token })
                })
                .collect(),
            None => Vec::new(),
        };
        (back, notices)
    }

    /// A logout token for `client_id` ending the provider session `sid` of `subject`.
    pub fn logout_token(&self, client_id: &str, subject: &str, sid: &str, now: i64) -> Result<String, DemoError> {
        let jti = random_token().map_err(|e| err("server_error", e.to_string(), 500))?;
        self.sign(&json!({"iss": self.issuer, "aud": client_id, "iat": now, "exp": now + 120, "jti": jti,
            "sub": subject, "sid": sid, "events": {BACKCHANNEL_LOGOUT_EVENT: {}}}))
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A claim of a JWT the provider itself signed, read without checking (an
/// ID token hint is only a hint: the worst a forged one does is end a
/// session whose random id it already knows).
fn unverified_claim(token: &str, name: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    match v.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.first()?.as_str().map(String::from),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{verify_id_token, verify_logout_token, Expect, JwkSet, LogoutExpect, Pkce};

    const NOW: i64 = 1_790_000_000;

    fn provider() -> DemoProvider {
        let client = DemoClient {
            id: "egov".into(),
            secret: "s3cret".into(),
            redirect_uris: vec!["http://rp/cb".into()],
            post_logout_redirect_uris: vec!["http://rp/".into()],
            backchannel_logout_uri: Some("http://rp/bcl".into()),
        };
        let person = DemoPerson {
            subject: "p1".into(),
            label: "Dân".into(),
            claims: json!({"name": "Nguyễn Văn Dân", "citizen_id": "072090001234"}).as_object().unwrap().clone(),
        };
        DemoProvider::new("http://op/", vec![client], vec![person]).unwrap()
    }

    fn request(pkce: &Pkce) -> HashMap<String, String> {
        [
            ("client_id", "egov"),
            ("redirect_uri", "http://rp/cb"),
            ("response_type", "code"),
            ("scope", "openid profile"),
            ("state", "st"),
            ("nonce", "nn"),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn code_of(url: &str) -> String {
        let q = url.split_once('?').unwrap().1;
        form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "code").unwrap().1.into_owned()
    }

    fn exchange(code: &str, verifier: &str) -> HashMap<String, String> {
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", "http://rp/cb"),
            ("code_verifier", verifier),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    const BASIC: &str = "Basic ZWdvdjpzM2NyZXQ="; // egov:s3cret

    #[test]
    fn a_code_becomes_an_id_token_the_relying_party_s_checks_accept_once() {
        let op = provider();
        let pkce = Pkce::new().unwrap();
        let auth = op.authorize(&request(&pkce)).unwrap();
        let url = op.approve(auth, "p1", NOW).unwrap();
        assert!(url.starts_with("http://rp/cb?code=") && url.contains("&state=st&iss=http%3A%2F%2Fop"), "{url}");
        let code = code_of(&url);
        let t = op.token(&exchange(&code, &pkce.verifier), Some(BASIC), NOW).unwrap();
        let keys: JwkSet = serde_json::from_value(op.jwks()).unwrap();
        let expect = Expect { issuer: "http://op", client_id: "egov", nonce: "nn", now: NOW, leeway: 60 };
        let claims = verify_id_token(t["id_token"].as_str().unwrap(), &keys, &expect).unwrap();
        assert_eq!(claims.other["citizen_id"], "072090001234");
        let info = op.userinfo(t["access_token"].as_str().unwrap(), NOW).unwrap();
        assert_eq!(info["sub"], "p1");
        let again = op.token(&exchange(&code, &pkce.verifier), Some(BASIC), NOW).unwrap_err();
        assert_eq!(again.error, "invalid_grant", "a code is used once");
    }

    #[test]
    fn the_provider_refuses_what_a_provider_must() {
        let op = provider();
        let pkce = Pkce::new().unwrap();
        let mut q = request(&pkce);
        q.insert("redirect_uri".into(), "http://evil/cb".into());
        assert_eq!(op.authorize(&q).unwrap_err().error, "invalid_request");
        let mut q = request(&pkce);
        q.remove("code_challenge");
        assert_eq!(op.authorize(&q).unwrap_err().error, "invalid_request", "PKCE is required");
        let code = code_of(&op.approve(op.authorize(&request(&pkce)).unwrap(), "p1", NOW).unwrap());
        assert_eq!(op.token(&exchange(&code, "wrong-verifier"), Some(BASIC), NOW).unwrap_err().error, "invalid_grant");
        let code = code_of(&op.approve(op.authorize(&request(&pkce)).unwrap(), "p1", NOW).unwrap());
        assert_eq!(op.token(&exchange(&code, &pkce.verifier), Some("Basic ZWdvdjp4"), NOW).unwrap_err().status, 401);
        let code = code_of(&op.approve(op.authorize(&request(&pkce)).unwrap(), "p1", NOW).unwrap());
        let late = op.token(&exchange(&code, &pkce.verifier), Some(BASIC), NOW + CODE_TTL + 1).unwrap_err();
        assert_eq!(late.error, "invalid_grant", "a code lives a minute");
    }

    #[test]
    fn ending_the_session_sends_a_back_channel_logout_the_relying_party_accepts() {
        let op = provider();
        let pkce = Pkce::new().unwrap();
        let code = code_of(&op.approve(op.authorize(&request(&pkce)).unwrap(), "p1", NOW).unwrap());
        let t = op.token(&exchange(&code, &pkce.verifier), Some(BASIC), NOW).unwrap();
        let q: HashMap<String, String> = [
            ("id_token_hint".to_string(), t["id_token"].as_str().unwrap().to_string()),
            ("post_logout_redirect_uri".into(), "http://rp/".into()),
        ]
        .into();
        let (back, notices) = op.end_session(&q, NOW);
        assert_eq!(back.as_deref(), Some("http://rp/"));
        assert_eq!(notices.len(), 1);
        let keys: JwkSet = serde_json::from_value(op.jwks()).unwrap();
        let expect = LogoutExpect { issuer: "http://op", client_id: "egov", now: NOW, max_age: 120 };
        let l = verify_logout_token(&notices[0].logout_token, &keys, &expect).unwrap();
        assert_eq!(l.subject.as_deref(), Some("p1"));
        assert!(op.end_session(&q, NOW).1.is_empty(), "ended once");
    }
}

//! The configured identity providers, their discovery documents and keys
//! fetched over HTTP and kept (the keys fetched again, at most every ten
//! seconds, when a token names a key not among them: rotation).

use std::sync::Arc;
use std::time::{Duration, Instant};

use egov_oidc::{ClaimNames, ClientAuth, Discovery, JwkSet, OidcError};
use tokio::sync::RwLock;

use crate::AppError;

/// One identity provider egov signs people in through.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Its name in addresses and records (`vneid`, `demo`): lower-case letters, digits, `-`.
    pub name: String,
    /// What the sign-in button says.
    pub label_vi: String,
    pub label_en: String,
    /// The issuer; the discovery document is at `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub auth: ClientAuth,
    pub scope: String,
    /// Where its claims put the ID number, name, birth date, level, organisation.
    pub claims: ClaimNames,
    /// Only officials mapped to an egov account sign in through it.
    pub officials_only: bool,
    /// A demonstration provider (its button says so).
    pub demo: bool,
}

impl ProviderConfig {
    /// Whether a provider name is acceptable in an address.
    pub fn valid_name(name: &str) -> bool {
        !name.is_empty()
            && name.len() <= 32
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

/// What is known of a provider at run time.
struct Known {
    discovery: Discovery,
    keys: JwkSet,
    /// When the keys were last fetched again for an unknown key id.
    refetched: Option<Instant>,
}

/// A provider with what was fetched of it.
pub struct Provider {
    pub config: ProviderConfig,
    known: RwLock<Option<Known>>,
}

/// The providers, and the HTTP client that reaches them.
pub struct Providers {
    list: Vec<Arc<Provider>>,
    http: reqwest::Client,
}

/// How long a key refetch waits after the last one.
const REFETCH_GAP: Duration = Duration::from_secs(10);

fn unavailable(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::refused(crate::Refusal::Conflict, "err.signin.unavailable", format!("{what}: {e}"))
}

impl Providers {
    pub fn new(configs: Vec<ProviderConfig>) -> Result<Providers, AppError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        for (i, c) in configs.iter().enumerate() {
            if !ProviderConfig::valid_name(&c.name) || configs[..i].iter().any(|o| o.name == c.name) {
                return Err(AppError::Internal(format!("provider name '{}' is not valid or not unique", c.name)));
            }
        }
        let list = configs.into_iter().map(|config| Arc::new(Provider { config, known: RwLock::new(None) })).collect();
        Ok(Providers { list, http })
    }

    /// The providers, in the configured order.
    pub fn all(&self) -> impl Iterator<Item = &ProviderConfig> {
        self.list.iter().map(|p| &p.config)
    }

    pub fn get(&self, name: &str) -> Option<Arc<Provider>> {
        self.list.iter().find(|p| p.config.name == name).cloned()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, AppError> {
        let r =
            self.http.get(url).header("accept", "application/json").send().await.map_err(|e| unavailable(url, e))?;
        if !r.status().is_success() {
            return Err(unavailable(url, r.status()));
        }
        Ok(r.bytes().await.map_err(|e| unavailable(url, e))?.to_vec())
    }

    async fn fetch_keys(&self, jwks_uri: &str) -> Result<JwkSet, AppError> {
        let bytes = self.fetch(jwks_uri).await?;
        serde_json::from_slice(&bytes).map_err(|e| unavailable(jwks_uri, e))
    }

    /// The provider's discovery document (fetched once).
    pub async fn discovery(&self, p: &Provider) -> Result<Discovery, AppError> {
        if let Some(k) = p.known.read().await.as_ref() {
            return Ok(k.discovery.clone());
        }
        let mut known = p.known.write().await;
        if let Some(k) = known.as_ref() {
            return Ok(k.discovery.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", p.config.issuer.trim_end_matches('/'));
        let discovery =
            Discovery::parse(&self.fetch(&url).await?, &p.config.issuer).map_err(|e| unavailable("discovery", e))?;
        let keys = self.fetch_keys(&discovery.jwks_uri).await?;
        *known = Some(Known { discovery: discovery.clone(), keys, refetched: None });
        Ok(discovery)
    }

    /// Runs `verify` with the provider's keys; if the token names a key not
    /// among them, fetches the keys again (not more often than every ten
    /// seconds) and tries once more.
    pub async fn with_keys<T>(
        &self,
        p: &Provider,
        verify: impl Fn(&JwkSet) -> Result<T, OidcError>,
    ) -> Result<Result<T, OidcError>, AppError> {
        let discovery = self.discovery(p).await?;
        let first = {
            let known = p.known.read().await;
            match known.as_ref() {
                Some(k) => verify(&k.keys),
                None => return Err(AppError::Internal("provider keys vanished".into())),
            }
        };
        if !matches!(first, Err(OidcError::UnknownKey(_))) {
            return Ok(first);
        }
        let mut known = p.known.write().await;
        let Some(k) = known.as_mut() else { return Err(AppError::Internal("provider keys vanished".into())) };
        if k.refetched.is_none_or(|at| at.elapsed() >= REFETCH_GAP) {
            k.keys = self.fetch_keys(&discovery.jwks_uri).await?;
            k.refetched = Some(Instant::now());
        }
        Ok(verify(&k.keys))
    }
}

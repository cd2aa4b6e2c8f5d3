//! Federation: this gateway and other egov instances' gateways (another
//! province's, the national platform's) as peers over mutual TLS. A call
//! of a local client to a service of a peer's instance is forwarded to
//! that peer's federation listener, which checks its own access rights; a
//! call arriving there is believed to come from the peer whose pinned
//! certificate the connection presented, for that peer's instance's
//! clients only.
//!
//! Everything is configuration, one JSON file (`--gateway-federation`):
//!
//! ```json
//! { "instance": "VN-TN", "listen": "0.0.0.0:8443",
//!   "certificate": "tn.crt", "key": "tn.key", "ca": ["federation-ca.crt"],
//!   "timeout_ms": 60000,
//!   "peers": [{ "instance": "VN-HN", "url": "https://lgsp.hanoi.example:8443",
//!               "certificate": "hn.crt" }] }
//! ```
//!
//! Both sides' certificates must chain to one of `ca`, and each side pins
//! the other's: a peer is known by its certificate's SHA-256, never by a
//! name it claims. The same listener takes local clients that prove
//! themselves with a client certificate registered for their subsystem.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::Deserialize;
use sha2::Digest;

/// The federation's settings as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    instance: String,
    listen: String,
    certificate: std::path::PathBuf,
    key: std::path::PathBuf,
    ca: Vec<std::path::PathBuf>,
    #[serde(default = "default_timeout")]
    timeout_ms: u64,
    #[serde(default)]
    peers: Vec<PeerFile>,
}

fn default_timeout() -> u64 {
    60_000
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeerFile {
    instance: String,
    url: String,
    certificate: std::path::PathBuf,
}

/// Another egov instance's gateway.
#[derive(Debug, Clone)]
pub struct Peer {
    /// Its X-Road instance (`VN-HN`).
    pub instance: String,
    /// Its federation listener, without a trailing `/`.
    pub url: String,
    /// The SHA-256 (hex) of its certificate.
    pub fingerprint: String,
}

/// The federation, ready: the listener's TLS, the peers, the client that
/// forwards to them.
pub struct Federation {
    pub instance: String,
    pub listen: String,
    pub timeout: std::time::Duration,
    pub peers: Vec<Peer>,
    pub tls: tokio_rustls::TlsAcceptor,
    pub client: super::upstream::Upstream,
}

impl std::fmt::Debug for Federation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Federation").field("instance", &self.instance).field("peers", &self.peers).finish()
    }
}

/// The SHA-256 (hex) of a certificate's DER.
pub fn fingerprint(der: &[u8]) -> String {
    egov_kernel::hex(&sha2::Sha256::digest(der))
}

fn certificates(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(path)
        .and_then(|i| i.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate", path.display()));
    }
    Ok(certs)
}

/// The SHA-256 (hex) of the first certificate of a PEM file.
pub fn certificate_fingerprint(path: &std::path::Path) -> Result<String, String> {
    Ok(fingerprint(certificates(path)?[0].as_ref()))
}

pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl Federation {
    /// Reads the federation's file and every file it names; what is wrong
    /// with it, said.
    pub fn load(path: &std::path::Path) -> Result<Federation, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let f: File = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let part = |s: &str| egov_gateway::Part::parse(s).map(|p| p.to_string()).map_err(|e| format!("instance {s}: {e}"));
        let instance = part(&f.instance)?;
        let mut roots = rustls::RootCertStore::empty();
        for ca in &f.ca {
            for c in certificates(ca)? {
                roots.add(c).map_err(|e| format!("{}: {e}", ca.display()))?;
            }
        }
        if roots.is_empty() {
            return Err("ca: at least one certificate authority".into());
        }
        let roots = Arc::new(roots);
        let chain = certificates(&f.certificate)?;
        let key = PrivateKeyDer::from_pem_file(&f.key).map_err(|e| format!("{}: {e}", f.key.display()))?;
        let mut peers = Vec::new();
        for p in &f.peers {
            let peer_instance = part(&p.instance)?;
            if peer_instance == instance {
                return Err(format!("peer {peer_instance}: that is this instance"));
            }
            if !p.url.starts_with("https://") {
                return Err(format!("peer {peer_instance}: its url must be https://"));
            }
            let cert = certificates(&p.certificate)?;
            peers.push(Peer {
                instance: peer_instance,
                url: p.url.trim_end_matches('/').to_string(),
                fingerprint: fingerprint(cert[0].as_ref()),
            });
        }

        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(roots.clone(), provider())
            .build()
            .map_err(|e| format!("ca: {e}"))?;
        let mut server = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain.clone(), key.clone_key())
            .map_err(|e| format!("{}: {e}", f.key.display()))?;
        server.alpn_protocols = vec![b"http/1.1".to_vec()];

        let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider())
            .build()
            .map_err(|e| format!("ca: {e}"))?;
        let pinned = Pinned { inner, pins: peers.iter().map(|p| p.fingerprint.clone()).collect() };
        let client_tls = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(pinned))
            .with_client_auth_cert(chain, key)
            .map_err(|e| format!("{}: {e}", f.key.display()))?;
        let client = super::upstream::Upstream::peers(client_tls);
        Ok(Federation {
            instance,
            listen: f.listen,
            timeout: std::time::Duration::from_millis(f.timeout_ms.clamp(100, 600_000)),
            peers,
            tls: tokio_rustls::TlsAcceptor::from(Arc::new(server)),
            client,
        })
    }

    /// The peer serving `instance`.
    pub fn peer(&self, instance: &str) -> Option<&Peer> {
        self.peers.iter().find(|p| p.instance == instance)
    }

    /// The peer whose certificate this is.
    pub fn peer_by_certificate(&self, fingerprint: &str) -> Option<&Peer> {
        self.peers.iter().find(|p| p.fingerprint == fingerprint)
    }
}

/// A peer's certificate must chain to the federation's authorities, name
/// the address called, and be one of the peers' pinned certificates.
#[derive(Debug)]
struct Pinned {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    pins: Vec<String>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)?;
        if self.pins.contains(&fingerprint(end_entity.as_ref())) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("the certificate is not a peer's".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

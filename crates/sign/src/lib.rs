//! Signatures of egov's documents as a CMS `SignedData` (RFC 5652), the
//! form a PDF's signature dictionary holds (PAdES baseline B-B: detached,
//! with the signing certificate's digest among the signed attributes and
//! no signing time there — the PDF's `/M` says it).
//!
//! The key is the instance's: RSA or ECDSA P-256 in PKCS #8 (RSA also in
//! PKCS #1), with its certificate and the chain up to its CA, as PEM — an
//! organisation's certificate from a licensed CA in production. When none
//! is configured, [`self_signed`] makes one so that every report is signed
//! from the first start (a reader sees "issuer unknown", never "unsigned").
//!
//! Deliberately absent: I/O and the clock (the caller reads the files and
//! passes the time), timestamps from a TSA, revocation data (B-T and B-LT).

pub mod der;

use base64::Engine;
use der::{bits, children, ctx, octets, oid, read, seq, set_of, uint, utf8, NULL};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING, RSA_PKCS1_SHA256};
use sha2::{Digest, Sha256};

const SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
const DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 1];
const CONTENT_TYPE: &[u64] = &[1, 2, 840, 113549, 1, 9, 3];
const MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113549, 1, 9, 4];
const SIGNING_CERTIFICATE_V2: &[u64] = &[1, 2, 840, 113549, 1, 9, 16, 2, 47];
const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const ECDSA_WITH_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const COMMON_NAME: &[u64] = &[2, 5, 4, 3];
const ORGANISATION: &[u64] = &[2, 5, 4, 10];
const KEY_USAGE: &[u64] = &[2, 5, 29, 15];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    #[error("no {0} block in the PEM text")]
    NoPem(&'static str),
    #[error("the PEM text is not base64")]
    Base64,
    #[error("the key is not an RSA or ECDSA P-256 key in PKCS #8 (or an RSA key in PKCS #1): {0}")]
    Key(String),
    #[error("the certificate cannot be read as DER X.509")]
    Certificate,
    #[error("the certificate is not the key's: its public key differs")]
    Mismatch,
    #[error("the signature could not be made")]
    Signing,
}

enum Key {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
}

/// The instance's signing key with its certificate chain.
pub struct Signer {
    key: Key,
    chain: Vec<Vec<u8>>,
    name: String,
    rng: SystemRandom,
    reserve: usize,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("name", &self.name).field("chain", &self.chain.len()).finish_non_exhaustive()
    }
}

/// The blocks of a PEM text with this label, decoded.
pub fn pem_blocks(text: &str, label: &'static str) -> Result<Vec<Vec<u8>>, SignError> {
    let (begin, end) = (format!("-----BEGIN {label}-----"), format!("-----END {label}-----"));
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&begin) {
        let after = &rest[i + begin.len()..];
        let j = after.find(&end).ok_or(SignError::NoPem(label))?;
        let b64: String = after[..j].chars().filter(|c| !c.is_whitespace()).collect();
        out.push(base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| SignError::Base64)?);
        rest = &after[j + end.len()..];
    }
    if out.is_empty() {
        return Err(SignError::NoPem(label));
    }
    Ok(out)
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

/// What a certificate says that a signature needs.
struct CertInfo<'a> {
    serial: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    public_key: &'a [u8],
}

fn cert_info(cert: &[u8]) -> Option<CertInfo<'_>> {
    let (c, _) = read(cert)?;
    let tbs = *children(c.content)?.first()?;
    let f = children(tbs.content)?;
    let i = usize::from(f.first()?.tag == 0xa0);
    let spki = children(f.get(i + 5)?.content)?;
    let key_bits = spki.get(1)?;
    Some(CertInfo {
        serial: f.get(i)?.whole,
        issuer: f.get(i + 2)?.whole,
        subject: f.get(i + 4)?.whole,
        public_key: key_bits.content.get(1..)?,
    })
}

/// A name's common name (CN), if it has one.
fn common_name(name: &[u8]) -> Option<String> {
    let (n, _) = read(name)?;
    for rdn in children(n.content)? {
        for atv in children(rdn.content)? {
            let parts = children(atv.content)?;
            if parts.first()?.whole == oid(COMMON_NAME).as_slice() {
                return Some(String::from_utf8_lossy(parts.get(1)?.content).into_owned());
            }
        }
    }
    None
}

impl Signer {
    /// The key (PKCS #8 `PRIVATE KEY`, or PKCS #1 `RSA PRIVATE KEY`) and the
    /// certificates (the signer's first, then its CA's), both PEM.
    pub fn from_pem(key_pem: &str, certs_pem: &str) -> Result<Signer, SignError> {
        let rng = SystemRandom::new();
        let key = match pem_blocks(key_pem, "PRIVATE KEY") {
            Ok(k) => {
                let k = &k[0];
                match EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, k, &rng) {
                    Ok(e) => Key::Ecdsa(e),
                    Err(_) => Key::Rsa(RsaKeyPair::from_pkcs8(k).map_err(|e| SignError::Key(e.to_string()))?),
                }
            }
            Err(_) => {
                let k = pem_blocks(key_pem, "RSA PRIVATE KEY").map_err(|_| SignError::NoPem("PRIVATE KEY"))?;
                Key::Rsa(RsaKeyPair::from_der(&k[0]).map_err(|e| SignError::Key(e.to_string()))?)
            }
        };
        let chain = pem_blocks(certs_pem, "CERTIFICATE")?;
        let info = cert_info(&chain[0]).ok_or(SignError::Certificate)?;
        let public: &[u8] = match &key {
            Key::Rsa(k) => k.public().as_ref(),
            Key::Ecdsa(k) => k.public_key().as_ref(),
        };
        if info.public_key != public {
            return Err(SignError::Mismatch);
        }
        let name = common_name(info.subject).unwrap_or_default();
        let mut s = Signer { key, chain, name, rng, reserve: 0 };
        // the room a signature takes: one made now, with the DER's slack
        s.reserve = s.cms(&[b""])?.len() + 16;
        Ok(s)
    }

    /// The certificate's common name: whom a reader sees as the signer.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signer's certificate, PEM.
    pub fn certificate_pem(&self) -> String {
        pem("CERTIFICATE", &self.chain[0])
    }

    /// The most bytes a signature of this signer takes.
    pub fn reserve(&self) -> usize {
        self.reserve
    }

    fn sign_raw(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        match &self.key {
            Key::Rsa(k) => {
                let mut sig = vec![0; k.public().modulus_len()];
                k.sign(&RSA_PKCS1_SHA256, &self.rng, msg, &mut sig).map_err(|_| SignError::Signing)?;
                Ok(sig)
            }
            Key::Ecdsa(k) => Ok(k.sign(&self.rng, msg).map_err(|_| SignError::Signing)?.as_ref().to_vec()),
        }
    }

    /// A detached CMS signature of the bytes given in parts (a PDF's two
    /// ranges either side of its signature's place).
    pub fn cms(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        let digest = h.finalize();
        let cert = &self.chain[0];
        let info = cert_info(cert).ok_or(SignError::Certificate)?;
        let sha256 = seq(&[&oid(SHA256)]);
        let attr = |t: &[u64], v: Vec<u8>| seq(&[&oid(t), &set_of(vec![v])]);
        let ess_cert_id = seq(&[&octets(&Sha256::digest(cert))]);
        let signing_certificate = seq(&[&seq(&[&ess_cert_id])]);
        let attrs = set_of(vec![
            attr(CONTENT_TYPE, oid(DATA)),
            attr(MESSAGE_DIGEST, octets(&digest)),
            attr(SIGNING_CERTIFICATE_V2, signing_certificate),
        ]);
        let signature = self.sign_raw(&attrs)?;
        // signed as a SET, kept as [0] IMPLICIT
        let mut signed_attrs = attrs;
        signed_attrs[0] = 0xa0;
        let algorithm = match self.key {
            Key::Rsa(_) => seq(&[&oid(RSA_ENCRYPTION), &NULL]),
            Key::Ecdsa(_) => seq(&[&oid(ECDSA_WITH_SHA256)]),
        };
        let signer_info = seq(&[
            &uint(&[1]),
            &seq(&[info.issuer, info.serial]),
            &sha256,
            &signed_attrs,
            &algorithm,
            &octets(&signature),
        ]);
        let signed_data = seq(&[
            &uint(&[1]),
            &set_of(vec![sha256.clone()]),
            &seq(&[&oid(DATA)]),
            &ctx(0, &self.chain.concat()),
            &set_of(vec![signer_info]),
        ]);
        Ok(seq(&[&oid(SIGNED_DATA), &ctx(0, &signed_data)]))
    }
}

fn time(t: chrono::DateTime<chrono::Utc>) -> Vec<u8> {
    use chrono::Datelike;
    if t.year() < 2050 {
        der::tlv(0x17, t.format("%y%m%d%H%M%SZ").to_string().as_bytes())
    } else {
        der::tlv(0x18, t.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
    }
}

/// A new ECDSA P-256 key and a self-signed certificate for it, valid from
/// a day before `now` for `years`: (the key as PKCS #8 PEM, the certificate PEM).
pub fn self_signed(
    common_name: &str,
    organisation: &str,
    now: chrono::DateTime<chrono::Utc>,
    years: i32,
) -> Result<(String, String), SignError> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).map_err(|_| SignError::Signing)?;
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
        .map_err(|e| SignError::Key(e.to_string()))?;
    let mut serial = [0u8; 16];
    rng.fill(&mut serial).map_err(|_| SignError::Signing)?;
    serial[0] = (serial[0] & 0x7f) | 0x01;
    let algorithm = seq(&[&oid(ECDSA_WITH_SHA256)]);
    let name = seq(&[
        &set_of(vec![seq(&[&oid(COMMON_NAME), &utf8(common_name)])]),
        &set_of(vec![seq(&[&oid(ORGANISATION), &utf8(organisation)])]),
    ]);
    let from = now - chrono::Duration::days(1);
    let until = now.with_timezone(&chrono::Utc) + chrono::Duration::days(365 * i64::from(years));
    let validity = seq(&[&time(from), &time(until)]);
    let spki = seq(&[&seq(&[&oid(EC_PUBLIC_KEY), &oid(P256)]), &bits(key.public_key().as_ref())]);
    // keyUsage, critical: digitalSignature and nonRepudiation
    let key_usage = seq(&[&oid(KEY_USAGE), &der::tlv(0x01, &[0xff]), &octets(&der::tlv(0x03, &[0x06, 0xc0]))]);
    let tbs = seq(&[
        &ctx(0, &uint(&[2])),
        &uint(&serial),
        &algorithm,
        &name,
        &validity,
        &name,
        &spki,
        &ctx(3, &seq(&[&key_usage])),
    ]);
    let signature = key.sign(&rng, &tbs).map_err(|_| SignError::Signing)?;
    let cert = seq(&[&tbs, &algorithm, &bits(signature.as_ref())]);
    Ok((pem("PRIVATE KEY", pkcs8.as_ref()), pem("CERTIFICATE", &cert)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    #[test]
    fn a_self_signed_certificate_reads_back_and_signs() {
        let (key, cert) = self_signed("egov — Sở KH&CN", "egov", now(), 10).unwrap();
        let s = Signer::from_pem(&key, &cert).unwrap();
        assert_eq!(s.name(), "egov — Sở KH&CN");
        let cms = s.cms(&[b"abc", b"def"]).unwrap();
        assert!(cms.len() <= s.reserve());
        // the message digest signed is that of the parts joined
        let digest = Sha256::digest(b"abcdef");
        assert!(cms.windows(32).any(|w| w == digest.as_slice()));
    }

    #[test]
    fn a_key_and_a_certificate_that_do_not_match_are_refused() {
        let (key, _) = self_signed("a", "egov", now(), 1).unwrap();
        let (_, other) = self_signed("b", "egov", now(), 1).unwrap();
        assert_eq!(Signer::from_pem(&key, &other).unwrap_err(), SignError::Mismatch);
        assert_eq!(Signer::from_pem("nothing", &other).unwrap_err(), SignError::NoPem("PRIVATE KEY"));
        assert_eq!(
            Signer::from_pem(&key, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").unwrap_err(),
            SignError::Certificate
        );
    }
}

//! PKCE (RFC 7636) with S256, and the random values of a sign-in (`state`,
//! `nonce`, the code verifier).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// A code verifier and its S256 challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkce {
    /// Kept by egov until the code is exchanged (43 characters).
    pub verifier: String,
    /// Sent in the authorization request.
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier (32 random bytes) and its challenge.
    pub fn new() -> Result<Pkce, getrandom::Error> {
        let verifier = random_token()?;
        let challenge = challenge(&verifier);
        Ok(Pkce { verifier, challenge })
    }
}

/// The S256 challenge of a verifier: BASE64URL(SHA-256(verifier)), unpadded.
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// 32 random bytes, base64url: a `state`, a `nonce` or a verifier.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 32];
    getrandom::getrandom(&mut b)?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636_appendix_b_s() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_fresh_and_of_the_allowed_length() {
        let (a, b) = (Pkce::new().unwrap(), Pkce::new().unwrap());
        assert_ne!(a.verifier, b.verifier);
        assert_eq!(a.verifier.len(), 43);
        assert!(a.verifier.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(a.challenge, challenge(&a.verifier));
    }
}

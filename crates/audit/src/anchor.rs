//! Anchors: the chain's head (sequence and hash) signed with the instance's
//! Ed25519 key, kept outside the database.
//!
//! The chain alone shows any change *inside* it, but not a cut tail: remove
//! the last entries and rewind the head row, and what is left is a valid
//! chain. An anchor written elsewhere (an append-only file, a log collector)
//! remembers a head; a database whose entry at that sequence is missing or
//! has another hash has lost or rewritten its tail since.
//!
//! An anchor is one line of JSON: `{"seq":…,"hash":"…","at_micros":…,
//! "key":"<public key, hex>","sig":"<signature, hex>"}`; the signature covers
//! `egov-audit-anchor/1 <seq> <hash> <at_micros>`.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};

/// One signed head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    pub at_micros: i64,
    /// The signer's public key, hex.
    pub key: String,
    /// The Ed25519 signature, hex.
    pub sig: String,
}

fn message(seq: i64, hash: &str, at_micros: i64) -> String {
    format!("egov-audit-anchor/1 {seq} {hash} {at_micros}")
}

/// The instance's signing key, from its 32 secret bytes.
pub struct AnchorKey(SigningKey);

impl AnchorKey {
    pub fn from_secret(bytes: [u8; 32]) -> AnchorKey {
        AnchorKey(SigningKey::from_bytes(&bytes))
    }

    /// From the 64 hex digits a key file holds.
    pub fn from_hex(s: &str) -> Option<AnchorKey> {
        egov_kernel::unhex::<32>(s.trim()).map(AnchorKey::from_secret)
    }

    /// The 64 hex digits of the secret, for the key file.
    pub fn to_hex(&self) -> String {
        egov_kernel::hex(&self.0.to_bytes())
    }

    /// The public key, hex: what a verifier is given.
    pub fn public_hex(&self) -> String {
        egov_kernel::hex(self.0.verifying_key().as_bytes())
    }

    pub fn sign(&self, seq: i64, hash: &str, at_micros: i64) -> Anchor {
        let sig = self.0.sign(message(seq, hash, at_micros).as_bytes());
        Anchor {
            seq,
            hash: hash.to_string(),
            at_micros,
            key: self.public_hex(),
            sig: egov_kernel::hex(&sig.to_bytes()),
        }
    }
}

/// What is wrong with a list of anchors, or with the chain against them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    #[error("line {line}: not an anchor")]
    Malformed { line: usize },
    #[error("line {line}: signed by another key than the one given")]
    WrongKey { line: usize },
    #[error("line {line}: the signature does not match the anchor")]
    BadSignature { line: usize },
    #[error("line {line}: the sequence goes back ({seq} after {previous})")]
    OutOfOrder { line: usize, seq: i64, previous: i64 },
    #[error("the chain ends at entry {head} but entry {anchored} was anchored: its tail was cut")]
    Truncated { anchored: i64, head: i64 },
    #[error("entry {seq} has another hash than the one anchored: the chain was rewritten from there")]
    Rewritten { seq: i64 },
}

/// Parses anchor lines (blank lines skipped) and checks each signature with
/// `public_key` (hex) and that sequences never go back.
pub fn parse_anchors(text: &str, public_key: &str) -> Result<Vec<Anchor>, AnchorError> {
    let key = egov_kernel::unhex::<32>(public_key.trim())
        .and_then(|k| VerifyingKey::from_bytes(&k).ok())
        .ok_or(AnchorError::WrongKey { line: 0 })?;
    let mut out: Vec<Anchor> = Vec::new();
    for (i, l) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line = i + 1;
        let a: Anchor = serde_json::from_str(l).map_err(|_| AnchorError::Malformed { line })?;
        if !a.key.eq_ignore_ascii_case(public_key.trim()) {
            return Err(AnchorError::WrongKey { line });
        }
        let sig = egov_kernel::unhex::<64>(&a.sig)
            .map(|b| Signature::from_bytes(&b))
            .ok_or(AnchorError::Malformed { line })?;
        key.verify(message(a.seq, &a.hash, a.at_micros).as_bytes(), &sig)
            .map_err(|_| AnchorError::BadSignature { line })?;
        if let Some(prev) = out.last() {
            if a.seq < prev.seq {
                return Err(AnchorError::OutOfOrder { line, seq: a.seq, previous: prev.seq });
            }
        }
        out.push(a);
    }
    Ok(out)
}

/// Checks a chain (already verified in itself, ending at `head`) against
/// anchors: `hash_at(seq)` is the stored hash of entry `seq`, if any. The
/// anchor at the genesis (sequence 0) names no entry.
pub fn check_chain(
    anchors: &[Anchor],
    head: i64,
    mut hash_at: impl FnMut(i64) -> Option<String>,
) -> Result<usize, AnchorError> {
    for a in anchors {
        if a.seq == 0 {
            continue;
        }
        if a.seq > head {
            return Err(AnchorError::Truncated { anchored: a.seq, head });
        }
        if hash_at(a.seq).as_deref() != Some(a.hash.as_str()) {
            return Err(AnchorError::Rewritten { seq: a.seq });
        }
    }
    Ok(anchors.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> AnchorKey {
        AnchorKey::from_secret([b; 32])
    }

    /// RFC 8032, section 7.1, test 1: the empty message.
    #[test]
    fn signatures_are_ed25519_as_published() {
        let secret = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        let k = AnchorKey::from_hex(secret).unwrap();
        assert_eq!(k.public_hex(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        let sig = k.0.sign(b"");
        assert_eq!(
            egov_kernel::hex(&sig.to_bytes()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert_eq!(k.to_hex(), secret);
    }

    #[test]
    fn anchors_round_trip_and_any_change_is_caught() {
        let k = key(7);
        let lines: Vec<String> = [(0, "00"), (3, "aa"), (3, "aa"), (9, "bb")]
            .iter()
            .map(|(s, h)| k.sign(*s, h, 100 + s))
            .map(|a| serde_json::to_string(&a).unwrap())
            .collect();
        let text = lines.join("\n") + "\n\n";
        let anchors = parse_anchors(&text, &k.public_hex()).unwrap();
        assert_eq!(anchors.len(), 4);
        // another key
        assert_eq!(parse_anchors(&text, &key(8).public_hex()), Err(AnchorError::WrongKey { line: 1 }));
        // a forged hash, signed or not
        let forged = lines[3].replace("\"bb\"", "\"cc\"");
        assert_eq!(parse_anchors(&forged, &k.public_hex()), Err(AnchorError::BadSignature { line: 1 }));
        assert_eq!(parse_anchors("not json", &k.public_hex()), Err(AnchorError::Malformed { line: 1 }));
        let back = format!("{}\n{}", lines[3], lines[1]);
        assert_eq!(
            parse_anchors(&back, &k.public_hex()),
            Err(AnchorError::OutOfOrder { line: 2, seq: 3, previous: 9 })
        );
    }

    #[test]
    fn a_cut_or_rewritten_tail_is_caught() {
        let k = key(1);
        let anchors = vec![k.sign(0, "00", 1), k.sign(3, "h3", 2), k.sign(5, "h5", 3)];
        let chain = |n: i64, bad: Option<i64>| {
            move |seq: i64| (seq <= n).then(|| if Some(seq) == bad { "x".to_string() } else { format!("h{seq}") })
        };
        assert_eq!(check_chain(&anchors, 7, chain(7, None)), Ok(3));
        assert_eq!(check_chain(&anchors, 5, chain(5, None)), Ok(3));
        assert_eq!(check_chain(&anchors, 4, chain(4, None)), Err(AnchorError::Truncated { anchored: 5, head: 4 }));
        assert_eq!(check_chain(&anchors, 7, chain(7, Some(5))), Err(AnchorError::Rewritten { seq: 5 }));
        assert_eq!(check_chain(&anchors, 7, chain(7, Some(3))), Err(AnchorError::Rewritten { seq: 3 }));
    }
}

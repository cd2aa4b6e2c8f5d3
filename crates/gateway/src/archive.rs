//! Seals and archives of the message log. A seal is the log's head
//! (sequence and hash) signed with a gateway instance's Ed25519 key; an
//! archive is a period's records with the seals that cover them, one JSON
//! document a line, checked offline by [`verify`] with no database: it
//! names the first altered, removed or reordered record, and any seal whose
//! signature or key is not right.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::log::{link, Exchange};

/// A signed head of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub seq: i64,
    pub hash: String,
    pub at_micros: i64,
    /// The signer's public key, hex.
    pub key: String,
    /// The Ed25519 signature of `egov-gateway-seal/1 <seq> <hash> <at_micros>`, hex.
    pub sig: String,
}

fn message(seq: i64, hash: &str, at: i64) -> String {
    format!("egov-gateway-seal/1 {seq} {hash} {at}")
}

/// Seals the head `seq`/`hash` at `at_micros` with the key of 32 secret bytes.
pub fn seal(secret: &[u8; 32], seq: i64, hash: &str, at_micros: i64) -> Seal {
    let key = SigningKey::from_bytes(secret);
    let sig = key.sign(message(seq, hash, at_micros).as_bytes());
    Seal {
        seq,
        hash: hash.into(),
        at_micros,
        key: egov_kernel::hex(key.verifying_key().as_bytes()),
        sig: egov_kernel::hex(&sig.to_bytes()),
    }
}

fn signed(s: &Seal) -> bool {
    let key = egov_kernel::unhex::<32>(&s.key).and_then(|k| VerifyingKey::from_bytes(&k).ok());
    let sig = egov_kernel::unhex::<64>(&s.sig).map(|b| Signature::from_bytes(&b));
    matches!((key, sig), (Some(k), Some(sig)) if k.verify(message(s.seq, &s.hash, s.at_micros).as_bytes(), &sig).is_ok())
}

/// One line of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
// a line read or written one at a time: its size does not matter
#[allow(clippy::large_enum_variant)]
pub enum Line {
    /// What the archive holds: its period, in Vietnam's dates.
    Archive {
        from: String,
        to: String,
    },
    Record {
        seq: i64,
        exchange: Exchange,
        prev_hash: String,
        hash: String,
        /// The bodies, for a service in full logging mode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bodies: Option<crate::log::Bodies>,
    },
    Seal(Seal),
}

/// What a sound archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub records: usize,
    pub seals: usize,
    /// The keys that signed its seals.
    pub keys: Vec<String>,
    /// Records after the last seal (none covers them yet).
    pub unsealed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("line {0}: not a line of a gateway archive")]
    Malformed(usize),
    #[error("record {0} was altered: its hash does not cover its content")]
    Altered(i64),
    #[error("record {0} is missing: the record after {1} does not follow it")]
    Removed(i64, i64),
    #[error("record {0} is out of order (after record {1})")]
    Reordered(i64, i64),
    #[error("the seal of record {0} is not signed by its key")]
    BadSignature(i64),
    #[error("the seal of record {0} is signed by a key that is not the gateway's ({1})")]
    UnknownKey(i64, String),
    #[error("the seal of record {0} names another hash: a record up to {0} was altered and its hashes recomputed")]
    Rewritten(i64),
    #[error("record {0}: its {1} body was altered (its SHA-256 is not the record's)")]
    BodyAltered(i64, &'static str),
    #[error("the archive holds no record")]
    Empty,
}

/// Checks an archive: every record's hash, their order without a gap, and
/// every seal's signature (by one of `keys` when any are given) and hash.
pub fn verify(text: &str, keys: &[String]) -> Result<Verified, ArchiveError> {
    let mut lines = Vec::new();
    let mut seals = Vec::<Seal>::new();
    for (i, l) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match serde_json::from_str::<Line>(l).map_err(|_| ArchiveError::Malformed(i + 1))? {
            Line::Archive { .. } => {}
            Line::Record { seq, exchange, prev_hash, hash, bodies } => {
                if let Some(which) = bodies.as_ref().and_then(|b| b.mismatch(&exchange)) {
                    return Err(ArchiveError::BodyAltered(seq, which));
                }
                lines.push((seq, exchange, prev_hash, hash))
            }
            Line::Seal(s) => seals.push(s),
        }
    }
    let present: std::collections::HashSet<i64> = lines.iter().map(|r| r.0).collect();
    let mut prev: Option<(i64, String)> = None;
    let mut hashes = std::collections::HashMap::new();
    let mut last_sealed = None::<i64>;
    for (seq, exchange, prev_hash, hash) in &lines {
        let seq = *seq;
        if let Some((p, ref ph)) = prev {
            if seq != p + 1 {
                // the record expected here comes later: this one is out of place
                return Err(if present.contains(&(p + 1)) {
                    ArchiveError::Reordered(seq, p)
                } else {
                    ArchiveError::Removed(p + 1, p)
                });
            }
            if prev_hash != ph {
                return Err(ArchiveError::Altered(seq));
            }
        }
        if &link(prev_hash, seq, exchange) != hash {
            return Err(ArchiveError::Altered(seq));
        }
        hashes.insert(seq, hash.clone());
        prev = Some((seq, hash.clone()));
    }
    let records = lines.len();
    let Some((last, _)) = prev else { return Err(ArchiveError::Empty) };
    for s in &seals {
        if !signed(s) {
            return Err(ArchiveError::BadSignature(s.seq));
        }
        if !keys.is_empty() && !keys.iter().any(|k| k.eq_ignore_ascii_case(&s.key)) {
            return Err(ArchiveError::UnknownKey(s.seq, s.key.clone()));
        }
        if let Some(h) = hashes.get(&s.seq) {
            if h != &s.hash {
                return Err(ArchiveError::Rewritten(s.seq));
            }
            last_sealed = last_sealed.max(Some(s.seq));
        }
    }
    let mut signers: Vec<String> = seals.iter().map(|s| s.key.clone()).collect();
    signers.sort();
    signers.dedup();
    let unsealed = match last_sealed {
        Some(s) => (last - s) as usize,
        None => records,
    };
    Ok(Verified { records, seals: seals.len(), keys: signers, unsealed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{sha256_hex, Outcome, GENESIS};

    fn exchange(i: i64) -> Exchange {
        Exchange {
            message_id: format!("m{i}"),
            client: "VN-TN/GOV/H72.12/erp".into(),
            service: "VN-TN/GOV/H72.11/hotich/status".into(),
            method: "GET".into(),
            path: format!("/dossiers/{i}"),
            status: 200,
            outcome: Outcome::Answered,
            request_bytes: 0,
            response_bytes: 2,
            request_sha256: sha256_hex(b""),
            response_sha256: sha256_hex(b"ok"),
            started_at: 1_000 + i,
            duration_us: 5,
        }
    }

    /// Six records, sealed after the third and the sixth.
    fn archive(secret: &[u8; 32]) -> Vec<String> {
        let mut lines =
            vec![serde_json::to_string(&Line::Archive { from: "2026-11-30".into(), to: "2026-11-30".into() }).unwrap()];
        let mut prev = GENESIS.to_string();
        for seq in 1..=6 {
            let e = exchange(seq);
            let hash = link(&prev, seq, &e);
            lines.push(
                serde_json::to_string(&Line::Record {
                    seq,
                    exchange: e,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                    bodies: (seq == 5).then(|| crate::log::Bodies { request: vec![], response: b"ok".to_vec() }),
                })
                .unwrap(),
            );
            if seq % 3 == 0 {
                lines.push(serde_json::to_string(&Line::Seal(seal(secret, seq, &hash, 9_000 + seq))).unwrap());
            }
            prev = hash;
        }
        lines
    }

    #[test]
    fn a_sound_archive_verifies_and_says_who_sealed_it() {
        let secret = [7u8; 32];
        let text = archive(&secret).join("\n");
        let key = seal(&secret, 0, "", 0).key;
        let v = verify(&text, std::slice::from_ref(&key)).unwrap();
        assert_eq!((v.records, v.seals, v.unsealed), (6, 2, 0));
        assert_eq!(v.keys, vec![key]);
        let mut shorter = archive(&secret);
        shorter.pop(); // the last seal
        assert_eq!(verify(&shorter.join("\n"), &[]).unwrap().unsealed, 3, "the tail after the last seal is said");
    }

    #[test]
    fn an_altered_removed_or_reordered_record_and_a_swapped_signature_are_named() {
        let secret = [7u8; 32];
        let lines = archive(&secret);
        // record 2 (line 2) altered: its status
        let mut altered = lines.clone();
        altered[2] = altered[2].replace("\"status\":200", "\"status\":500");
        assert_eq!(verify(&altered.join("\n"), &[]), Err(ArchiveError::Altered(2)));
        // record 2 removed
        let mut removed = lines.clone();
        removed.remove(2);
        assert_eq!(verify(&removed.join("\n"), &[]), Err(ArchiveError::Removed(2, 1)));
        // records 4 and 5 swapped
        let mut reordered = lines.clone();
        reordered.swap(5, 6);
        assert_eq!(verify(&reordered.join("\n"), &[]), Err(ArchiveError::Reordered(5, 3)));
        // the two seals' signatures swapped
        let mut swapped = lines.clone();
        let (a, b): (Line, Line) =
            (serde_json::from_str(&swapped[4]).unwrap(), serde_json::from_str(&swapped[8]).unwrap());
        if let (Line::Seal(mut x), Line::Seal(mut y)) = (a, b) {
            std::mem::swap(&mut x.sig, &mut y.sig);
            swapped[4] = serde_json::to_string(&Line::Seal(x)).unwrap();
            swapped[8] = serde_json::to_string(&Line::Seal(y)).unwrap();
        }
        assert_eq!(verify(&swapped.join("\n"), &[]), Err(ArchiveError::BadSignature(3)));
        // record 5's kept response body altered ("ok" is b2s= in base64)
        let mut body = lines.clone();
        assert!(body[6].contains("\"response\":\"b2s=\""), "{}", body[6]);
        body[6] = body[6].replace("\"response\":\"b2s=\"", "\"response\":\"bm8=\"");
        assert_eq!(verify(&body.join("\n"), &[]), Err(ArchiveError::BodyAltered(5, "response")));
        // a forger re-hashes from record 2 on and seals with their own key
        let mut forged = lines.clone();
        let mut prev = GENESIS.to_string();
        let forger = [9u8; 32];
        for (i, line) in forged.iter_mut().enumerate().skip(1) {
            match serde_json::from_str::<Line>(line).unwrap() {
                Line::Record { seq, mut exchange, bodies, .. } => {
                    if seq == 2 {
                        exchange.status = 500;
                    }
                    let hash = link(&prev, seq, &exchange);
                    *line = serde_json::to_string(&Line::Record {
                        seq,
                        exchange,
                        prev_hash: prev.clone(),
                        hash: hash.clone(),
                        bodies,
                    })
                    .unwrap();
                    prev = hash;
                }
                Line::Seal(s) => {
                    *line = serde_json::to_string(&Line::Seal(seal(&forger, s.seq, &prev, s.at_micros))).unwrap()
                }
                Line::Archive { .. } => panic!("line {i}"),
            }
        }
        let key = seal(&secret, 0, "", 0).key;
        assert!(
            matches!(verify(&forged.join("\n"), &[key]), Err(ArchiveError::UnknownKey(3, _))),
            "the gateway's key is pinned"
        );
        // re-hashed without re-sealing: the seal names another hash
        let mut rehashed = forged.clone();
        rehashed[4] = lines[4].clone();
        assert_eq!(verify(&rehashed.join("\n"), &[]), Err(ArchiveError::Rewritten(3)));
        assert_eq!(verify("{\"kind\":\"nonsense\"}", &[]), Err(ArchiveError::Malformed(1)));
    }
}

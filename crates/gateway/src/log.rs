//! The message log: every exchange through the gateway, as evidence. Each
//! record's hash covers its sequence number, its fields and the hash of the
//! record before it, so that an altered, removed or reordered record breaks
//! the chain where it is.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How an exchange ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The upstream's answer reached the client whole.
    Answered,
    /// The gateway answered with an error of its own (refused, upstream
    /// unreachable or too slow, body too large).
    Refused,
    /// Cut short: the client or the upstream went away mid-body.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "Answered",
            Outcome::Refused => "Refused",
            Outcome::Failed => "Failed",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "Answered" => Some(Outcome::Answered),
            "Refused" => Some(Outcome::Refused),
            "Failed" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// One exchange, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub message_id: String,
    /// The client subsystem (as it said, when it was refused before being known).
    pub client: String,
    pub service: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub outcome: Outcome,
    pub request_bytes: u64,
    pub response_bytes: u64,
    /// SHA-256 (hex) of the request and the response bodies.
    pub request_sha256: String,
    pub response_sha256: String,
    /// Microseconds since the Unix epoch.
    pub started_at: i64,
    pub duration_us: i64,
}

/// The bodies of an exchange of a service in full logging mode, each its
/// first bytes up to the gateway's limit (base64 in archives): whole when
/// as long as the record says, and then their SHA-256 is the record's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bodies {
    #[serde(with = "b64")]
    pub request: Vec<u8>,
    #[serde(with = "b64")]
    pub response: Vec<u8>,
}

impl Bodies {
    /// A kept body that is whole but whose digest is not the record's:
    /// `Some("request")` or `Some("response")`.
    pub fn mismatch(&self, e: &Exchange) -> Option<&'static str> {
        let bad = |b: &[u8], len: u64, sha: &str| b.len() as u64 == len && sha256_hex(b) != sha;
        if bad(&self.request, e.request_bytes, &e.request_sha256) {
            Some("request")
        } else if bad(&self.response, e.response_bytes, &e.response_sha256) {
            Some("response")
        } else {
            None
        }
    }
}

/// An exchange handed to the log: its record, and its bodies in full mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub exchange: Exchange,
    pub bodies: Option<Bodies>,
}

mod b64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// The hash of record `seq` holding `e` after the record whose hash is `prev`.
pub fn link(prev: &str, seq: i64, e: &Exchange) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_be_bytes());
    // field order is the struct's: serde_json writes it so, always
    h.update(serde_json::to_vec(e).unwrap_or_default());
    egov_kernel::hex(&h.finalize())
}

/// The SHA-256 of no bytes (a body that was not sent), in hex.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The SHA-256 of `bytes` in hex (an empty body's too).
pub fn sha256_hex(bytes: &[u8]) -> String {
    egov_kernel::hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_digest_is_the_digest_of_nothing() {
        assert_eq!(EMPTY_SHA256, sha256_hex(b""));
    }

    fn ex(status: u16) -> Exchange {
        Exchange {
            message_id: "m1".into(),
            client: "VN-TN/GOV/H72.50.01/mc".into(),
            service: "VN-TN/GOV/H72.11/hotich/status".into(),
            method: "GET".into(),
            path: "/dossiers/1".into(),
            status,
            outcome: Outcome::Answered,
            request_bytes: 0,
            response_bytes: 10,
            request_sha256: sha256_hex(b""),
            response_sha256: sha256_hex(b"0123456789"),
            started_at: 1,
            duration_us: 2,
        }
    }

    #[test]
    fn a_record_s_hash_covers_its_place_its_fields_and_the_one_before() {
        let h1 = link(GENESIS, 1, &ex(200));
        assert_eq!(h1.len(), 64);
        assert_eq!(h1, link(GENESIS, 1, &ex(200)), "the same record, the same hash");
        assert_ne!(h1, link(GENESIS, 1, &ex(404)), "a field changed");
        assert_ne!(h1, link(GENESIS, 2, &ex(200)), "another place");
        assert_ne!(h1, link(&h1, 1, &ex(200)), "another predecessor");
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}

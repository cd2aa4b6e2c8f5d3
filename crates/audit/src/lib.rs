//! The append-only, hash-chained audit log: pure computation, no I/O.
//!
//! Every entry carries the hash of the entry before it; its own hash covers
//! its sequence number, time, actor, action, subject, the digests of the state
//! before and after, and that previous hash. Altering, removing or reordering
//! any entry breaks the chain at that entry, which [`verify`] names.

pub mod anchor;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a caller records; the chain fields are added by [`seal`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Who did it: `user:<id>`, `token:<id>`, `cli`, `system`.
    pub actor: String,
    /// What was done, e.g. `procedure.update`.
    pub action: String,
    /// What it was done to, e.g. `procedure:1.000894`.
    pub subject: String,
    /// Digest of the state before (empty for a creation).
    pub before_digest: String,
    /// Digest of the state after (empty for a deletion).
    pub after_digest: String,
}

impl Event {
    /// An event whose before/after digests are computed from the given states.
    pub fn new<B: Serialize, A: Serialize>(
        actor: impl Into<String>,
        action: impl Into<String>,
        subject: impl Into<String>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Event {
        Event {
            actor: actor.into(),
            action: action.into(),
            subject: subject.into(),
            before_digest: before.map(digest_of).unwrap_or_default(),
            after_digest: after.map(digest_of).unwrap_or_default(),
        }
    }
}

/// One stored link of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: i64,
    /// Microseconds since the Unix epoch (UTC).
    pub at_micros: i64,
    #[serde(flatten)]
    pub event: Event,
    pub prev_hash: String,
    pub hash: String,
}

/// Hex SHA-256 of the canonical JSON of a value.
pub fn digest_of<T: Serialize>(value: &T) -> String {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    hex(&Sha256::digest(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The hash of an entry from its fields. Each field is length-prefixed so that
/// no two different entries can serialise to the same bytes.
pub fn entry_hash(seq: i64, at_micros: i64, event: &Event, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    h.update(seq.to_be_bytes());
    h.update(at_micros.to_be_bytes());
    for field in [
        event.actor.as_str(),
        event.action.as_str(),
        event.subject.as_str(),
        event.before_digest.as_str(),
        event.after_digest.as_str(),
        prev_hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex(&h.finalize())
}

/// Makes the next entry of a chain whose last entry had `prev_seq` and `prev_hash`.
pub fn seal(prev_seq: i64, prev_hash: &str, at_micros: i64, event: Event) -> Entry {
    let seq = prev_seq + 1;
    let hash = entry_hash(seq, at_micros, &event, prev_hash);
    Entry { seq, at_micros, event, prev_hash: prev_hash.to_string(), hash }
}

/// Why a chain is broken, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("entry {seq}: expected sequence number {expected} (an entry was removed or reordered)")]
    Sequence { seq: i64, expected: i64 },
    #[error("entry {seq}: its previous-hash does not match the entry before it (an entry was removed, reordered or altered)")]
    Link { seq: i64 },
    #[error("entry {seq}: its content does not match its hash (the entry was altered)")]
    Content { seq: i64 },
    #[error(
        "the chain ends at entry {last_seq} but its head records entry {head_seq} (entries were removed from the end)"
    )]
    Truncated { last_seq: i64, head_seq: i64 },
}

impl ChainError {
    /// The sequence number of the first bad entry.
    pub fn seq(&self) -> i64 {
        match self {
            ChainError::Sequence { seq, .. } | ChainError::Link { seq } | ChainError::Content { seq } => *seq,
            ChainError::Truncated { last_seq, .. } => last_seq + 1,
        }
    }
}

/// Incremental verifier: feed entries in stored order, so that a chain of any
/// length is checked in constant memory.
#[derive(Debug, Clone)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { expected_seq: 1, prev_hash: GENESIS.to_string() }
    }
}

impl Verifier {
    pub fn push(&mut self, e: &Entry) -> Result<(), ChainError> {
        if e.seq != self.expected_seq {
            return Err(ChainError::Sequence { seq: e.seq, expected: self.expected_seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainError::Link { seq: e.seq });
        }
        if entry_hash(e.seq, e.at_micros, &e.event, &e.prev_hash) != e.hash {
            return Err(ChainError::Content { seq: e.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    /// Checks the end of the chain against the head (last seq and hash) that
    /// the store keeps apart from the entries.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<i64, ChainError> {
        let last = self.expected_seq - 1;
        if last != head_seq || (head_seq > 0 && head_hash != self.prev_hash) {
            return Err(ChainError::Truncated { last_seq: last, head_seq });
        }
        Ok(last)
    }
}

/// Verifies a whole chain held in memory.
pub fn verify(entries: &[Entry]) -> Result<(), ChainError> {
    let mut v = Verifier::default();
    entries.iter().try_for_each(|e| v.push(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for i in 0..n {
            let (ps, ph) = out.last().map(|e| (e.seq, e.hash.clone())).unwrap_or((0, GENESIS.into()));
            let ev = Event::new("user:1", "thing.update", format!("thing:{i}"), Some(&i), Some(&(i + 1)));
            out.push(seal(ps, &ph, 1_000 + i, ev));
        }
        out
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(10);
        assert_eq!(verify(&c), Ok(()));
        let mut v = Verifier::default();
        c.iter().for_each(|e| v.push(e).unwrap());
        assert_eq!(v.finish(10, &c[9].hash), Ok(10));
    }

    #[test]
    fn altered_entry_is_named() {
        let mut c = chain(10);
        c[4].event.actor = "user:2".into();
        assert_eq!(verify(&c), Err(ChainError::Content { seq: 5 }));
    }

    #[test]
    fn altered_and_rehashed_entry_breaks_the_next_link() {
        let mut c = chain(10);
        c[4].event.action = "thing.delete".into();
        c[4].hash = entry_hash(c[4].seq, c[4].at_micros, &c[4].event, &c[4].prev_hash);
        assert_eq!(verify(&c), Err(ChainError::Link { seq: 6 }));
    }

    #[test]
    fn removed_entry_is_named() {
        let mut c = chain(10);
        c.remove(3);
        assert_eq!(verify(&c), Err(ChainError::Sequence { seq: 5, expected: 4 }));
    }

    #[test]
    fn reordered_entries_are_named() {
        let mut c = chain(10);
        c.swap(2, 3);
        assert_eq!(verify(&c).unwrap_err().seq(), 4);
    }

    #[test]
    fn truncated_tail_is_caught_by_the_head() {
        let c = chain(10);
        let mut v = Verifier::default();
        c[..8].iter().for_each(|e| v.push(e).unwrap());
        assert!(matches!(v.finish(10, &c[9].hash), Err(ChainError::Truncated { .. })));
    }
}

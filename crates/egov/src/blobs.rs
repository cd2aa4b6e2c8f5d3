//! `egov blobs`: the attached files' store. `sweep` removes the files no row
//! names; `migrate --to URL` copies every named file from the configured
//! store to another (a folder to a bucket), checking each digest as it reads
//! and again from the target once written. Backups and restores copy with
//! the same function.

use std::time::Instant;

use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};

use egov_store::BlobStore;

/// Files copied at once: an object store answers each in a round trip.
const AT_ONCE: usize = 8;

fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Copies one blob, checking its digest on the way; with `read_back`, reads
/// the copy back from the target and checks it again. Its size.
async fn copy_one(from: &BlobStore, to: &BlobStore, key: &str, sha256: &str, read_back: bool) -> Result<u64, String> {
    let bytes = from.get(key).await.map_err(|e| format!("{key} in {}: {e}", from.spec()))?;
    if digest(&bytes) != sha256 {
        return Err(format!("{key} in {}: its digest is {}, its row says {sha256}", from.spec(), digest(&bytes)));
    }
    let size = bytes.len() as u64;
    to.put_at(key, bytes).await.map_err(|e| format!("{key} into {}: {e}", to.spec()))?;
    if read_back {
        let again = to.get(key).await.map_err(|e| format!("{key} read back from {}: {e}", to.spec()))?;
        if digest(&again) != sha256 {
            return Err(format!("{key} read back from {} differs from what was written", to.spec()));
        }
    }
    Ok(size)
}

/// Copies every file `rows` (key, digest) names, a few at a time, with a
/// progress line on standard error every second; the bytes copied.
pub async fn copy_named(
    from: &BlobStore,
    to: &BlobStore,
    rows: &[(String, String)],
    read_back: bool,
) -> Result<u64, String> {
    let started = Instant::now();
    let mut last = Instant::now();
    let (mut done, mut bytes) = (0usize, 0u64);
    let mut copies =
        futures_util::stream::iter(rows).map(|(k, s)| copy_one(from, to, k, s, read_back)).buffer_unordered(AT_ONCE);
    while let Some(size) = copies.try_next().await? {
        done += 1;
        bytes += size;
        if last.elapsed().as_secs() >= 1 || done == rows.len() {
            last = Instant::now();
            let pct = 100.0 * done as f64 / rows.len().max(1) as f64;
            eprintln!(
                "files: {done} of {} ({pct:.0} %), {:.1} MB, {:.0} s",
                rows.len(),
                bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(bytes)
}

//! `egov blobs`: the attached files' store. `sweep` removes the files no row
//! names; `migrate --to URL` copies every named file from the configured
//! store to another (a folder to a bucket), checking each digest as it reads
//! and again from the target once written. Backups and restores copy with
//! the same function.

use std::time::Instant;

use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};

use std::process::ExitCode;

use clap::Subcommand;
use egov_store::BlobStore;

use super::Db;

/// Files copied at once: an object store answers each in a round trip.
const AT_ONCE: usize = 8;

fn digest(bytes: &[u8]) -> String {
    egov_kernel::hex(&Sha256::digest(bytes))
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

#[derive(Subcommand)]
pub(crate) enum BlobsCmd {
    /// Remove the files that no dossier names (left by submissions cut short
    /// by a crash), older than --min-age-secs. `serve` does this hourly.
    Sweep {
        #[command(flatten)]
        db: Db,
        /// Leave younger files alone: a submission in flight writes its files first.
        #[arg(long, default_value_t = 3600)]
        min_age_secs: u64,
    },
    /// Copy every file the database names from the configured store (the
    /// folder, by default) to another, such as an S3-compatible bucket,
    /// checking each digest as it is read and again from the target. Safe
    /// to run again; the platform keeps serving from the old store until it
    /// is restarted with `--blob-store URL`.
    Migrate {
        #[command(flatten)]
        db: Db,
        /// `s3://BUCKET[/PREFIX]?endpoint=URL&region=NAME` (keys in
        /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or a folder.
        #[arg(long, value_parser = egov_store::BlobSpec::parse)]
        to: egov_store::BlobSpec,
    },
}

/// Sweeps orphaned files, or moves every file to another store.
pub(crate) async fn blobs_cmd(what: BlobsCmd) -> Result<ExitCode, String> {
    match what {
        BlobsCmd::Sweep { db, min_age_secs } => {
            let store = db.open().await?;
            let r = store
                .sweep_blobs(&db.blobs()?, std::time::Duration::from_secs(min_age_secs))
                .await
                .map_err(|e| e.to_string())?;
            println!("removed {} unreferenced files; kept {}", r.removed, r.kept);
            Ok(ExitCode::SUCCESS)
        }
        BlobsCmd::Migrate { db, to } => {
            let store = db.open().await?;
            let (from, to) = (db.blobs()?, egov_store::BlobStore::open(&to).map_err(|e| e.to_string())?);
            if from.spec() == to.spec() {
                return Err(format!("{} is already where the files are", to.spec()));
            }
            if !to.ready().await {
                return Err(format!("{} does not answer (is the bucket there, and the keys right?)", to.spec()));
            }
            let rows = store.named_files().await.map_err(|e| e.to_string())?;
            store.close().await;
            let bytes = copy_named(&from, &to, &rows, true).await?;
            println!(
                "copied {} files ({bytes} bytes) from {} to {}, every digest checked on both sides; \
                 now serve with --blob-store {}",
                rows.len(),
                from.spec(),
                to.spec(),
                to.spec()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! `egov backup` and `egov restore`: a consistent copy of the platform taken
//! while it serves, and the platform brought back from one.
//!
//! A backup folder holds the database (`egov.db`, SQLite's `VACUUM INTO`
//! copy; or `egov.pgdump`, PostgreSQL's `pg_dump --format=custom`), the files
//! the copied database names (`files/`, from the folder or the object store
//! the platform uses, checked against their digests as they are copied), the audit anchors and the instance's anchor key, and a
//! `MANIFEST` of what it holds. Files are immutable and written before the
//! row that names them, so a file named in the copy exists when it is read.

use std::path::{Path, PathBuf};
use std::process::Command;

use egov_store::{BlobStore, Store};

use crate::blobs::copy_named;

/// A PostgreSQL tool (`pg_dump`, `pg_restore`): on the PATH, or in Debian's
/// versioned folder.
fn pg_tool(name: &str) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect::<Vec<_>>())
        .and_then(|c| c.into_iter().find(|p| p.exists()))
    {
        return Ok(p);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().join("bin").join(name)).filter(|p| p.exists()).collect())
        .unwrap_or_default();
    found.sort();
    found.pop().ok_or_else(|| format!("{name} is not installed (Debian: apt-get install postgresql-client)"))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// `egov backup --to DIR`: the database, then the files the copy names.
pub async fn backup(
    store: &Store,
    blobs: &BlobStore,
    data: &Path,
    database_url: Option<&str>,
    to: &Path,
) -> Result<String, String> {
    if to.exists() && std::fs::read_dir(to).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(format!("{} is not empty: a backup goes to a new folder", to.display()));
    }
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    // the database first: the files it names exist already, and stay
    let rows = match database_url.filter(|u| u.starts_with("postgres")) {
        None => {
            let copy = to.join("egov.db");
            store.snapshot_into(&copy).await.map_err(|e| e.to_string())?;
            let snap = Store::connect(&format!("sqlite://{}", copy.display())).await.map_err(|e| e.to_string())?;
            let rows = snap.named_files().await.map_err(|e| e.to_string())?;
            snap.close().await;
            rows
        }
        Some(url) => {
            let dump = to.join("egov.pgdump");
            run(Command::new(pg_tool("pg_dump")?)
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&dump)
                .arg(url))?;
            store.named_files().await.map_err(|e| e.to_string())?
        }
    };
    let bytes = copy_named(blobs, &BlobStore::folder(to.join("files")), &rows, false).await?;
    for f in ["audit-anchors.log", "audit-anchor.key"] {
        if data.join(f).exists() {
            std::fs::copy(data.join(f), to.join(f)).map_err(|e| format!("{f}: {e}"))?;
        }
    }
    let manifest = serde_json::json!({
        "egov": env!("CARGO_PKG_VERSION"),
        "database": if database_url.is_some_and(|u| u.starts_with("postgres")) { "egov.pgdump" } else { "egov.db" },
        "files": rows.len(),
        "bytes": bytes,
    });
    std::fs::write(to.join("MANIFEST"), manifest.to_string()).map_err(|e| e.to_string())?;
    Ok(format!("backed up the database and {} files ({bytes} bytes) to {}", rows.len(), to.display()))
}

/// `egov restore --from DIR`: into an empty data folder (and, on
/// PostgreSQL, an empty database), the files into the blob store the
/// platform is configured with; every file checked against its row.
pub async fn restore(
    blobs: &BlobStore,
    data: &Path,
    database_url: Option<&str>,
    from: &Path,
) -> Result<String, String> {
    if !from.join("MANIFEST").exists() {
        return Err(format!("{} holds no backup (no MANIFEST)", from.display()));
    }
    match database_url.filter(|u| u.starts_with("postgres")) {
        None => {
            let db = data.join("egov.db");
            if db.exists() {
                return Err(format!("{} exists: restore into an empty data folder", db.display()));
            }
            std::fs::create_dir_all(data).map_err(|e| e.to_string())?;
            std::fs::copy(from.join("egov.db"), &db).map_err(|e| format!("egov.db: {e}"))?;
        }
        Some(url) => {
            let probe = Store::connect(url).await.map_err(|e| e.to_string())?;
            let used = probe.has_schema().await.map_err(|e| e.to_string())?;
            probe.close().await;
            if used {
                return Err("the database is not empty: restore into a new one".into());
            }
            run(Command::new(pg_tool("pg_restore")?)
                .args(["--no-owner", "--exit-on-error", "-d", url])
                .arg(from.join("egov.pgdump")))?;
        }
    }
    let url = database_url.map(String::from).unwrap_or_else(|| format!("sqlite://{}", data.join("egov.db").display()));
    let store = Store::connect(&url).await.map_err(|e| e.to_string())?;
    let rows = store.named_files().await.map_err(|e| e.to_string())?;
    store.close().await;
    let bytes = copy_named(&BlobStore::folder(from.join("files")), blobs, &rows, false).await?;
    // the instance's folder holds its anchors, whatever holds its files
    std::fs::create_dir_all(data).map_err(|e| format!("{}: {e}", data.display()))?;
    for f in ["audit-anchors.log", "audit-anchor.key"] {
        if from.join(f).exists() && !data.join(f).exists() {
            std::fs::copy(from.join(f), data.join(f)).map_err(|e| format!("{f}: {e}"))?;
        }
    }
    Ok(format!("restored the database and {} files ({bytes} bytes), every digest checked", rows.len()))
}

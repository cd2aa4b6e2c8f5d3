//! Anchoring the audit chain outside the database (see `egov_audit::anchor`):
//! the instance's key in a file of its own, anchors appended to a file
//! (fsynced) and/or sent as lines over TCP to a log collector, and the check
//! of a database against an anchor file.

use std::io::Write;
use std::path::{Path, PathBuf};

use egov_audit::anchor::{check_chain, parse_anchors, AnchorError, AnchorKey};
use egov_store::Store;

/// Where anchors go.
pub struct Sink {
    pub key: AnchorKey,
    /// An append-only file (make it so with `chattr +a`, or keep it on
    /// another machine's mount).
    pub file: Option<PathBuf>,
    /// `host:port` of a collector that takes one line per anchor.
    pub tcp: Option<String>,
}

/// The key in `path`, made (32 random bytes, readable by the owner alone) if
/// the file does not exist.
pub fn load_or_create_key(path: &Path) -> Result<AnchorKey, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => AnchorKey::from_hex(&text).ok_or_else(|| format!("{}: not an anchor key", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = [0u8; 32];
            getrandom::getrandom(&mut secret).map_err(|e| e.to_string())?;
            let key = AnchorKey::from_secret(secret);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(path).map_err(|e| format!("{}: {e}", path.display()))?;
            f.write_all(format!("{}\n", key.to_hex()).as_bytes()).map_err(|e| e.to_string())?;
            f.sync_all().map_err(|e| e.to_string())?;
            Ok(key)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The public key of the key in `path` (for `egov audit verify`).
pub fn public_key_of(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    AnchorKey::from_hex(&text).map(|k| k.public_hex()).ok_or_else(|| format!("{}: not an anchor key", path.display()))
}

/// Signs the current head and writes it everywhere configured. Returns the
/// anchored sequence.
pub async fn anchor_now(store: &Store, sink: &Sink) -> Result<i64, String> {
    let head = store.audit_head().await.map_err(|e| e.to_string())?;
    let a = sink.key.sign(head.seq, &head.hash, store.now());
    let line = serde_json::to_string(&a).map_err(|e| e.to_string())? + "\n";
    if let Some(path) = &sink.file {
        let path = path.clone();
        let bytes = line.clone().into_bytes();
        tokio::task::spawn_blocking(move || -> Result<(), String> {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            f.write_all(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            f.sync_data().map_err(|e| format!("{}: {e}", path.display()))
        })
        .await
        .map_err(|e| e.to_string())??;
    }
    if let Some(addr) = &sink.tcp {
        use tokio::io::AsyncWriteExt;
        let send = async {
            let mut s = tokio::net::TcpStream::connect(addr).await?;
            s.write_all(line.as_bytes()).await?;
            s.shutdown().await
        };
        tokio::time::timeout(std::time::Duration::from_secs(10), send)
            .await
            .map_err(|_| format!("{addr}: timed out"))?
            .map_err(|e| format!("{addr}: {e}"))?;
    }
    Ok(head.seq)
}

/// Anchors every `every` when the head has moved (`serve` anchors once more
/// after draining). Failures are logged and tried again next time.
pub async fn keep_anchoring(store: Store, sink: std::sync::Arc<Sink>, every: std::time::Duration) {
    let mut last: Option<i64> = None;
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let head = match store.audit_head().await {
            Ok(h) => h.seq,
            Err(e) => {
                tracing::warn!(error = %e, "audit anchor: head unreadable");
                continue;
            }
        };
        if last == Some(head) {
            continue;
        }
        match anchor_now(&store, &sink).await {
            Ok(seq) => last = Some(seq),
            Err(e) => tracing::warn!(error = %e, "audit anchor not written"),
        }
    }
}

/// Checks the database's chain against the anchors in `text`.
pub async fn verify(store: &Store, text: &str, public_key: &str) -> Result<Result<usize, AnchorError>, String> {
    let anchors = match parse_anchors(text, public_key) {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    let head = store.audit_head().await.map_err(|e| e.to_string())?.seq;
    let mut seqs: Vec<i64> = anchors.iter().map(|a| a.seq).filter(|s| *s > 0 && *s <= head).collect();
    seqs.dedup();
    let hashes = store.audit_hashes_at(&seqs).await.map_err(|e| e.to_string())?;
    Ok(check_chain(&anchors, head, |s| hashes.get(&s).cloned()))
}

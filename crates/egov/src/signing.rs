//! The key and certificate reports are signed with inside their PDFs: the
//! ones given (`--sign-cert`, `--sign-key`: the organisation's, from a
//! licensed CA), or one egov makes at first start in the data folder and
//! keeps (a self-signed ECDSA P-256 certificate, so that no report ever
//! leaves unsigned; a reader sees its issuer as unknown until the
//! organisation's certificate is configured).

use std::io::Write;
use std::path::{Path, PathBuf};

/// The signer of the given files, or of the data folder's own (made if absent).
pub fn report_signer(
    cert: Option<&Path>,
    key: Option<&Path>,
    data: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<egov_sign::Signer, String> {
    let (cert, key): (PathBuf, PathBuf) = match (cert, key) {
        (Some(c), Some(k)) => (c.to_path_buf(), k.to_path_buf()),
        (None, None) => {
            let (c, k) = (data.join("report-signing.crt"), data.join("report-signing.key"));
            if !k.exists() {
                make(&c, &k, now)?;
            }
            (c, k)
        }
        _ => return Err("--sign-cert and --sign-key go together".into()),
    };
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    egov_sign::Signer::from_pem(&read(&key)?, &read(&cert)?)
        .map_err(|e| format!("{} with {}: {e}", cert.display(), key.display()))
}

fn make(cert: &Path, key: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<(), String> {
    let (key_pem, cert_pem) =
        egov_sign::self_signed("egov — chứng thư tự cấp của máy chủ", "egov", now, 10).map_err(|e| e.to_string())?;
    if let Some(dir) = key.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    // the certificate first: a key without it is made again, never the reverse
    std::fs::write(cert, cert_pem).map_err(|e| format!("{}: {e}", cert.display()))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(key).map_err(|e| format!("{}: {e}", key.display()))?;
    f.write_all(key_pem.as_bytes()).and_then(|_| f.sync_all()).map_err(|e| format!("{}: {e}", key.display()))
}

//! Files that come with a dossier: checked by content and size, named by
//! their type, written to the blob store before the row that names them and
//! removed again if that row is not written (nothing orphaned).

use egov_store::{BlobStore, DossierFile, FilePurpose};

use crate::protection::scan::Found;
use crate::{App, AppError, FieldError};

/// A file as it was uploaded: the document part it is for, its name, its bytes.
#[derive(Clone)]
pub struct Upload {
    pub part: usize,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The problems of a set of uploads, each at its field (`parts[i]`, or
/// `parts` for the total): a known part, a PDF, JPEG or PNG by content,
/// within the limits. `already` is the size of the files kept from before.
pub fn check(uploads: &[Upload], parts: usize, already: usize) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = already;
    for u in uploads {
        total += u.bytes.len();
        let field = format!("parts[{}]", u.part);
        if u.part >= parts {
            errs.push(FieldError::new(field, "err.option"));
        } else if u.bytes.len() > egov_dossier::MAX_FILE {
            errs.push(FieldError::new(field, "err.file.too_big"));
        } else if egov_dossier::sniff(&u.bytes).is_none() {
            errs.push(FieldError::new(field, "err.file.type"));
        }
    }
    if total > egov_dossier::MAX_DOSSIER_FILES {
        errs.push(FieldError::new("parts", "err.file.total"));
    }
    errs
}

/// An upload the malware scanner passed (or that nothing is set to scan):
/// only [`scan`] makes one, and only these are written.
pub struct Clean(Upload);

impl Clean {
    pub fn upload(&self) -> &Upload {
        &self.0
    }
}

/// Scans uploads through the malware scanner, all at once: those it
/// passed, and for each infected one an error at its part naming the file
/// and the signature (recorded as a detection). Refused whole, as unavailable,
/// when the scanner cannot be reached and fails closed.
pub async fn scan(app: &App, who: &str, uploads: Vec<Upload>) -> Result<(Vec<Clean>, Vec<FieldError>), AppError> {
    let found = {
        let files: Vec<(&str, &[u8])> = uploads.iter().map(|u| (u.name.as_str(), u.bytes.as_slice())).collect();
        crate::protection::scan::scan(app, who, &files).await?
    };
    let mut clean = Vec::new();
    let mut infected = Vec::new();
    for (u, f) in uploads.into_iter().zip(found) {
        match f {
            Found::Clean | Found::Unscanned => clean.push(Clean(u)),
            Found::Infected(sig) => {
                let detail = format!("{}: {sig}", file_name_for(&u.name, egov_dossier::sniff(&u.bytes).unwrap_or("")));
                infected.push(FieldError::with_detail(format!("parts[{}]", u.part), "err.file.infected", detail))
            }
        }
    }
    Ok((clean, infected))
}

/// Files written to the blob store and not yet named by a committed row.
/// [`Written::settle`] keeps or removes them by the outcome of the write
/// that names them; dropped unsettled (a panic, a cancelled request), they
/// are discarded.
pub struct Written {
    blobs: BlobStore,
    pub files: Vec<DossierFile>,
    kept: bool,
}

impl Written {
    /// Keeps them if the write that names them succeeded; removes them
    /// (waiting for it) if it failed. The outcome, unchanged.
    pub async fn settle<T>(mut self, outcome: Result<T, AppError>) -> Result<T, AppError> {
        if outcome.is_ok() {
            self.kept = true;
        } else {
            for f in std::mem::take(&mut self.files) {
                self.blobs.delete(&f.blob_key).await;
            }
        }
        outcome
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        if self.kept || self.files.is_empty() {
            return;
        }
        self.blobs.discard(self.files.iter().map(|f| f.blob_key.clone()).collect());
    }
}

/// Writes checked uploads to the blob store, all at once. With `synced`,
/// each is durable before this returns; without, the caller syncs the batch
/// (the group writer does, before its commit). Should one fail, the others
/// are removed again.
pub async fn write(blobs: &BlobStore, uploads: Vec<(FilePurpose, Clean)>, synced: bool) -> Result<Written, AppError> {
    // all at once: an object store answers each in a round trip
    let puts = uploads.into_iter().map(|(purpose, Clean(u))| async move {
        let content_type = egov_dossier::sniff(&u.bytes).unwrap_or("application/octet-stream");
        let file_name = file_name_for(&u.name, content_type);
        let b = blobs.put(u.bytes, synced).await;
        (purpose, u.part, content_type, file_name, b)
    });
    let mut written = Written { blobs: blobs.clone(), files: Vec::new(), kept: false };
    let mut failure = None;
    for (purpose, part, content_type, file_name, b) in futures_util::future::join_all(puts).await {
        match b {
            Ok(b) => written.files.push(DossierFile {
                id: 0,
                purpose,
                part_index: part as i64,
                content_type: content_type.to_string(),
                file_name,
                size: b.size as i64,
                sha256: b.sha256,
                blob_key: b.key,
                reused_from: None,
                digitised: None,
            }),
            Err(e) => failure = Some(e),
        }
    }
    match failure {
        // those written are removed before the failure is said
        Some(e) => written.settle(Err(AppError::Store(e))).await,
        None => Ok(written),
    }
}

/// A file's name as kept and served: the uploaded name's last path segment
/// without control or direction characters, at most 190 characters before
/// the extension, and always the extension of the type its bytes were found
/// to be (`scan.exe` holding a PDF is `scan.pdf`; `a.pdf.exe` is `a.pdf.pdf`).
pub fn file_name_for(name: &str, content_type: &str) -> String {
    let ext = match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    };
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => base,
    };
    let stem: String =
        stem.trim().trim_matches('.').chars().filter(|c| !c.is_control() && !is_direction_mark(*c)).take(190).collect();
    let stem = if stem.trim().is_empty() { "tep".to_string() } else { stem };
    format!("{stem}.{ext}")
}

/// Characters that reorder text on screen (a name that shows `fdp.exe` as `exe.pdf`).
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_named_with_the_extension_of_its_detected_type() {
        assert_eq!(file_name_for("to-khai.pdf", "application/pdf"), "to-khai.pdf");
        assert_eq!(file_name_for("virus.exe", "application/pdf"), "virus.pdf");
        assert_eq!(file_name_for("a.pdf.exe", "image/png"), "a.pdf.png");
        assert_eq!(file_name_for("ảnh CCCD.JPEG", "image/jpeg"), "ảnh CCCD.jpg");
        assert_eq!(file_name_for("C:\\x\\..\\don.html", "application/pdf"), "don.pdf");
        assert_eq!(file_name_for("invoice\u{202e}fdp.exe", "application/pdf"), "invoicefdp.pdf");
        assert_eq!(file_name_for("", "application/pdf"), "tep.pdf");
        assert_eq!(file_name_for(".htaccess", "image/png"), "tep.png");
        assert_eq!(file_name_for("noext", "application/pdf"), "noext.pdf");
    }

    #[test]
    fn each_upload_problem_is_named_at_its_part() {
        let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
        let ups = vec![
            Upload { part: 0, name: "a.pdf".into(), bytes: pdf.clone() },
            Upload { part: 1, name: "b.exe".into(), bytes: b"MZ\x90\x00".to_vec() },
            Upload { part: 5, name: "c.pdf".into(), bytes: pdf },
        ];
        let errs = check(&ups, 2, 0);
        assert_eq!(errs, vec![FieldError::new("parts[1]", "err.file.type"), FieldError::new("parts[5]", "err.option")]);
        let errs = check(&ups[..1], 2, egov_dossier::MAX_DOSSIER_FILES);
        assert_eq!(errs, vec![FieldError::new("parts", "err.file.total")]);
    }
}

/// What an attached document is by its content — a PDF, JPEG or PNG within
/// the size allowed — or none: the check every file of a dossier or a
/// report passes, before any scan.
pub fn document_kind(bytes: &[u8]) -> Option<&'static str> {
    egov_dossier::sniff(bytes).filter(|_| bytes.len() <= egov_dossier::MAX_FILE)
}

/// A file held for a form shown again: the hold's id and the file's name,
/// which the page shows and sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: i64,
    pub name: String,
}

/// Holds a file that came with a form another field made come back, for
/// `owner` (a user's id), as `content_type` — what the form's own check of
/// the file found it to be (a PDF by its content, a template that parsed…):
/// a file that check refused is not held, the form says why instead.
/// Written durably, then named by its hold; removed again if the hold is not
/// written. Its name kept without folders or control characters.
pub async fn hold(app: &App, owner: &str, name: &str, content_type: &str, bytes: Vec<u8>) -> Result<Held, AppError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let blob = app.blobs.put(bytes, true).await?;
    match app.store.hold_file(owner, &name, content_type, &blob).await {
        Ok(id) => Ok(Held { id, name }),
        Err(e) => {
            app.blobs.delete(&blob.key).await;
            Err(e.into())
        }
    }
}

/// The file held as `id` for `owner`: its name and bytes (none: no such
/// hold, another's, or let go).
pub async fn held(app: &App, owner: &str, id: i64) -> Result<Option<(Held, Vec<u8>)>, AppError> {
    let Some(h) = app.store.held_file(id, owner).await? else { return Ok(None) };
    let bytes = app.blobs.get(&h.blob.key).await?;
    Ok(Some((Held { id: h.id, name: h.name }, bytes)))
}

/// Lets go a hold whose form went through (its file is then the sweep's).
pub async fn release(app: &App, owner: &str, id: i64) -> Result<(), AppError> {
    app.store.release_held_file(id, owner).await?;
    Ok(())
}

/// How long a hold lasts: a form left for longer is sent with its file
/// chosen again.
pub const HOLD_FOR: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Lets go the holds older than [`HOLD_FOR`] (their files are then the
/// sweep's), every hour on one instance.
pub const RELEASE_HELD: crate::jobs::Job = crate::jobs::Job {
    name: "held-files",
    every: std::time::Duration::from_secs(3600),
    run: |app| {
        Box::pin(async move {
            let before = app.store.now() - HOLD_FOR.as_micros() as i64;
            let n = app.store.release_held_files(before).await?;
            if n > 0 {
                tracing::info!(released = n, "held files let go");
            }
            Ok(())
        })
    },
    runs: crate::jobs::Runs::OnOne,
};

//! Blobs in a folder of the local disk: `DIR/ab/abcd…` by key, each made
//! durable (file and folder synced) before it is named.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{is_key, Leftover};

#[derive(Debug)]
pub(super) struct Folder {
    pub(super) dir: PathBuf,
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

impl Folder {
    /// The folder exists (made if missing) and takes a write.
    pub(super) fn ready(&self) -> bool {
        let probe = self.dir.join(".ready");
        std::fs::create_dir_all(&self.dir).is_ok()
            && std::fs::write(&probe, b"ok").is_ok()
            && std::fs::remove_file(&probe).is_ok()
    }

    pub(super) fn path(&self, key: &str) -> Option<PathBuf> {
        is_key(key).then(|| self.dir.join(&key[..2]).join(key))
    }

    fn folder_of(&self, key: &str) -> std::io::Result<(PathBuf, PathBuf)> {
        let path = self.path(key).ok_or_else(|| std::io::Error::other(format!("not a blob key: {key}")))?;
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_else(|| self.dir.clone());
        std::fs::create_dir_all(&folder)?;
        Ok((path, folder))
    }

    /// Durably: a temporary file, synced, renamed into place, and the folder
    /// synced, so that a blob that has a key survives a crash.
    pub(super) fn put_durable(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let (path, folder) = self.folder_of(key)?;
        let tmp = folder.join(format!(".tmp-{key}"));
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        sync_dir(&folder)
    }

    /// Straight under its key, no temporary name and no sync: nothing reads
    /// a blob before a committed row names it, the batch is synced once
    /// before its commit, and a crash before that leaves a file no row
    /// names, which the sweep removes.
    pub(super) fn put_unsynced(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let (path, _) = self.folder_of(key)?;
        std::fs::write(path, bytes)
    }

    /// Every blob written so far made durable, files and folders: one
    /// `syncfs` of the file system that holds the folder (Linux).
    pub(super) fn sync(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let dir = std::fs::File::open(&self.dir)?;
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: the descriptor is open for the duration of the call.
            let rc = unsafe { libc::syncfs(dir.as_raw_fd()) };
            if rc != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        #[cfg(not(target_os = "linux"))]
        dir.sync_all()?;
        Ok(())
    }

    pub(super) fn get(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(key)?).ok()
    }

    pub(super) fn delete(&self, key: &str) {
        if let Some(p) = self.path(key) {
            let _ = std::fs::remove_file(p);
        }
    }

    /// The files older than `cutoff`: blobs by key, and leftovers of
    /// interrupted writes (`.tmp-…`, key `None`).
    pub(super) fn older_than(&self, cutoff: std::time::SystemTime) -> Vec<Leftover> {
        let mut out = Vec::new();
        let Ok(folders) = std::fs::read_dir(&self.dir) else { return out };
        for folder in folders.flatten().filter(|e| e.path().is_dir()) {
            let Ok(files) = std::fs::read_dir(folder.path()) else { continue };
            for f in files.flatten() {
                let old = f.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < cutoff);
                let name = f.file_name().to_string_lossy().into_owned();
                if !old || !f.path().is_file() {
                    continue;
                }
                let at = f.path().display().to_string();
                if name.starts_with(".tmp-") {
                    out.push(Leftover { key: None, at });
                } else if self.path(&name).is_some_and(|p| p == f.path()) {
                    out.push(Leftover { key: Some(name), at });
                }
            }
        }
        out
    }

    pub(super) fn remove(&self, doomed: &[Leftover]) {
        for l in doomed {
            let _ = std::fs::remove_file(&l.at);
        }
    }
}

//! The message log's local journal: an exchange is appended to a file of
//! the instance's own (one `write` of one line, no flush to the disk)
//! before its answer leaves, and reaches the database's chain in batches
//! afterwards. A process killed with `kill -9` leaves what it wrote in the
//! operating system, which writes it out: the next start (or any `egov
//! gateway` command that reads the log) replays the journals no live
//! process holds. The database records, in the same transaction as each
//! batch, how far each journal is in — so a replay adds only what is not.
//!
//! Not survived: a power cut or a crash of the machine before the
//! operating system wrote the file (the `disk` durability, which waits for
//! the database's commit, survives those).
//!
//! Invariants: entries are numbered in the order they are written and
//! reach the database in that order (the caller holds the journal while it
//! queues the entry), so "in up to n" is one number; a journal file is
//! locked by the process writing it for as long as it lives.

use std::fs::File;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use egov_gateway::{Bodies, Exchange, Logged};
use serde::{Deserialize, Serialize};

use crate::{Result, Store, StoreError};

/// The file names' beginning; then the journal's id and the segment's number.
const PREFIX: &str = "gateway-journal-";
/// A segment is closed, and a new one begun, past this size.
const SEGMENT: u64 = 8 * 1024 * 1024;

/// An entry as written (borrowing the exchange).
#[derive(Serialize)]
struct EntryRef<'a> {
    n: u64,
    exchange: &'a Exchange,
    #[serde(skip_serializing_if = "Option::is_none")]
    bodies: &'a Option<Bodies>,
}

/// An entry as read back.
#[derive(Deserialize)]
struct Entry {
    n: u64,
    exchange: Exchange,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bodies: Option<Bodies>,
}

/// How far a journal is in the database: its id, and its last entry's
/// number in the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub journal: String,
    pub n: u64,
}

/// A closed segment, held (and locked) until the database has its last entry.
struct Closed {
    path: PathBuf,
    last: u64,
    _file: File,
}

/// A journal this process writes: segments of a few megabytes, the open
/// one appended to; a closed one is removed once the database has its
/// last entry. Appending and forgetting share only the list of closed
/// segments (a plain lock, never held across a wait), so that the log's
/// writer never waits for an appender.
pub struct Journal {
    id: String,
    dir: PathBuf,
    file: File,
    path: PathBuf,
    segment: u32,
    written: u64,
    /// The last entry's number (0: none yet).
    last: u64,
    closed: std::sync::Arc<std::sync::Mutex<Vec<Closed>>>,
}

/// What the log's writer needs of a journal: its id, and the closed
/// segments it may remove.
#[derive(Clone)]
pub struct Forget {
    pub id: String,
    closed: std::sync::Arc<std::sync::Mutex<Vec<Closed>>>,
}

impl Forget {
    /// Everything up to `n` is in the database: the closed segments it
    /// covers are removed.
    pub fn committed(&self, n: u64) {
        let mut closed = self.closed.lock().unwrap_or_else(|p| p.into_inner());
        closed.retain(|c| {
            if c.last <= n {
                let _ = std::fs::remove_file(&c.path);
                false
            } else {
                true
            }
        });
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("the gateway's journal: {e}"))
}

/// A segment's file, created and locked.
fn open_segment(dir: &Path, id: &str, segment: u32) -> Result<(File, PathBuf)> {
    let path = dir.join(format!("{PREFIX}{id}-{segment:06}.jsonl"));
    let file = std::fs::OpenOptions::new().create_new(true).append(true).open(&path).map_err(io)?;
    file.try_lock().map_err(|e| StoreError::Corrupt(format!("the gateway's journal: {e}")))?;
    Ok((file, path))
}

impl Journal {
    /// A new journal in `dir`, locked by this process.
    pub fn create(dir: &Path) -> Result<Journal> {
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut b = [0u8; 12];
        getrandom::getrandom(&mut b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id = egov_kernel::hex(&b);
        let (file, path) = open_segment(dir, &id, 1)?;
        let closed = Default::default();
        Ok(Journal { id, dir: dir.to_path_buf(), file, path, segment: 1, written: 0, last: 0, closed })
    }

    /// The open segment's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the log's writer uses to remove closed segments.
    pub fn forget(&self) -> Forget {
        Forget { id: self.id.clone(), closed: self.closed.clone() }
    }

    /// Appends an exchange (one write of one line); its mark.
    pub fn append(&mut self, l: &Logged) -> Result<Mark> {
        if self.written > SEGMENT {
            let (file, path) = open_segment(&self.dir, &self.id, self.segment + 1)?;
            let old_file = std::mem::replace(&mut self.file, file);
            let old_path = std::mem::replace(&mut self.path, path);
            self.segment += 1;
            self.written = 0;
            let mut closed = self.closed.lock().unwrap_or_else(|p| p.into_inner());
            closed.push(Closed { path: old_path, last: self.last, _file: old_file });
        }
        let n = self.last + 1;
        let mut line = serde_json::to_vec(&EntryRef { n, exchange: &l.exchange, bodies: &l.bodies })
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(io)?;
        self.written += line.len() as u64;
        self.last = n;
        Ok(Mark { journal: self.id.clone(), n })
    }
}

impl Drop for Journal {
    /// A journal with no entry is not left behind.
    fn drop(&mut self) {
        if self.last == 0 {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Replays into the database every journal in `dir` that no live process
/// holds, then removes its segments: the entries it adds.
pub async fn replay(store: &Store, dir: &Path) -> Result<usize> {
    let Ok(listing) = std::fs::read_dir(dir) else { return Ok(0) };
    // each journal's segments, in order
    let mut journals: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(PREFIX).and_then(|r| r.strip_suffix(".jsonl")) else { continue };
        let Some((id, _segment)) = rest.rsplit_once('-') else { continue };
        journals.entry(id.to_string()).or_default().push(entry.path());
    }
    let mut added = 0;
    for (id, mut segments) in journals {
        segments.sort();
        let mut files = Vec::new();
        for path in &segments {
            let file = File::open(path).map_err(io)?;
            if file.try_lock().is_err() {
                break; // a live process writes it
            }
            files.push(file);
        }
        if files.len() < segments.len() {
            continue;
        }
        let done = store.journal_position(&id).await?;
        let mut batch = Vec::new();
        let mut ours = 0;
        for file in &files {
            for line in std::io::BufReader::new(file).lines() {
                let line = line.map_err(io)?;
                // a last line cut short was never answered: nothing to add
                let Ok(e) = serde_json::from_str::<Entry>(&line) else { continue };
                if e.n > done {
                    batch.push((e.n, Logged { exchange: e.exchange, bodies: e.bodies }));
                }
                if batch.len() == 256 {
                    ours += flush(store, &id, &mut batch).await?;
                }
            }
        }
        ours += flush(store, &id, &mut batch).await?;
        store.forget_journal(&id).await?;
        for path in &segments {
            std::fs::remove_file(path).map_err(io)?;
        }
        if ours > 0 {
            tracing::warn!(journal = %id, entries = ours, "gateway: exchanges replayed from a journal");
        }
        added += ours;
    }
    Ok(added)
}

async fn flush(store: &Store, id: &str, batch: &mut Vec<(u64, Logged)>) -> Result<usize> {
    let Some(n) = batch.last().map(|b| b.0) else { return Ok(0) };
    let logged: Vec<Logged> = batch.drain(..).map(|b| b.1).collect();
    store.append_exchanges(&logged, Some(&Mark { journal: id.into(), n })).await?;
    Ok(logged.len())
}

//! Emergency fan-out: every held device connection of this instance
//! subscribes to one broadcast channel; an emergency approved here is sent
//! at once, one approved on another instance within a second (a job on
//! every instance looks for approved emergencies it has not sent). Each
//! connection keeps only what reaches its station. Also the audio most
//! devices ask for at once, kept in memory.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use egov_radio::Target;
use egov_store::radio::BulletinRow;
use tokio::sync::broadcast;

use crate::{App, AppError};

/// An emergency as a device is told it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Alert {
    pub bulletin_id: i64,
    pub title: String,
    pub text: String,
    #[serde(skip)]
    pub target: Target,
    /// Until when it may play (micros).
    pub valid_to: i64,
    pub duration_ms: i64,
    pub sha256: String,
    pub format: String,
    pub size: i64,
    /// When it was approved (micros): what the delivery time counts from.
    pub approved_at: i64,
}

impl Alert {
    pub fn of(b: &BulletinRow) -> Option<Alert> {
        let audio = b.audio.as_ref()?;
        Some(Alert {
            bulletin_id: b.id,
            title: b.b.title.clone(),
            text: b.b.text.clone(),
            target: b.b.target.clone(),
            valid_to: egov_kernel::vn::to_micros(b.b.valid_to),
            duration_ms: audio.duration_ms,
            sha256: audio.sha256.clone(),
            format: audio.format.clone(),
            size: audio.size,
            approved_at: b.decided_at.unwrap_or(b.created_at),
        })
    }
}

/// Audio kept in memory, up to a budget (then emptied and refilled).
const AUDIO_BUDGET: usize = 64 << 20;

/// Audio files in memory by digest: (format, bytes); and the bytes held.
#[derive(Default)]
struct AudioCache {
    held: usize,
    files: HashMap<String, (String, Arc<Vec<u8>>)>,
}

pub struct Hub {
    tx: broadcast::Sender<Arc<Alert>>,
    sent: Mutex<HashSet<i64>>,
    audio: Mutex<AudioCache>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub fn new() -> Hub {
        let (tx, _) = broadcast::channel(256);
        Hub { tx, sent: Mutex::new(HashSet::new()), audio: Mutex::new(AudioCache::default()) }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Alert>> {
        self.tx.subscribe()
    }

    /// How many connections hold a subscription.
    pub fn listeners(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Sends an emergency to this instance's connections, once.
    pub fn publish(&self, alert: Alert) {
        let fresh = self.sent.lock().map(|mut s| s.insert(alert.bulletin_id)).unwrap_or(false);
        if fresh {
            let _ = self.tx.send(Arc::new(alert));
        }
    }

    /// Publishes the approved emergencies still valid that this instance has
    /// not sent (those another instance approved).
    pub async fn sync(&self, app: &App) -> Result<usize, AppError> {
        let now = app.store.now();
        let live = app.store.radio_emergencies_after(0, now).await?;
        let mut n = 0;
        for b in &live {
            let known = self.sent.lock().map(|s| s.contains(&b.id)).unwrap_or(true);
            if !known {
                if let Some(a) = Alert::of(b) {
                    self.publish(a);
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// An audio file's format and bytes, from memory or the database.
    pub async fn audio(&self, app: &App, sha256: &str) -> Result<Option<(String, Arc<Vec<u8>>)>, AppError> {
        if let Some(hit) = self.audio.lock().ok().and_then(|g| g.files.get(sha256).cloned()) {
            return Ok(Some(hit));
        }
        let Some((format, bytes)) = app.store.radio_audio(sha256).await? else { return Ok(None) };
        let bytes = Arc::new(bytes);
        if let Ok(mut g) = self.audio.lock() {
            if g.held + bytes.len() > AUDIO_BUDGET {
                g.files.clear();
                g.held = 0;
            }
            g.held += bytes.len();
            g.files.insert(sha256.to_string(), (format.clone(), bytes.clone()));
        }
        Ok(Some((format, bytes)))
    }
}

/// The emergencies approved on other instances, every second (on every instance).
pub const FANOUT: crate::jobs::Job = crate::jobs::Job {
    name: "radio-emergencies",
    every: std::time::Duration::from_secs(1),
    run: |app| Box::pin(async move { app.radio.sync(&app).await.map(|_| ()) }),
    runs: crate::jobs::Runs::OnEach,
};

//! A simulated device of a commune's IP radio station, speaking egov's
//! device protocol exactly as the OpenAPI document gives it: it enrols
//! with a one-time code, fetches its playlist, downloads audio (with
//! ranges and its `ETag`), reports its status and playbacks, and holds the
//! emergency stream open (server-sent events), acknowledging each one.
//! Knows egov only by its HTTP API.

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    #[error("{0} answered {1}: {2}")]
    Status(String, u16, String),
    #[error("the stream ended")]
    Ended,
}

/// One play of a playlist.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Play {
    pub bulletin_id: i64,
    pub title: String,
    pub priority: String,
    pub at: String,
    pub duration_ms: i64,
    pub audio: String,
    pub sha256: String,
    pub format: String,
    pub size: i64,
}

#[derive(Debug, Clone, Deserialize)]
struct Playlist {
    plays: Vec<Play>,
}

/// An emergency as the stream gives it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Emergency {
    pub bulletin_id: i64,
    pub title: String,
    pub text: String,
    pub audio: String,
    pub duration_ms: i64,
    pub sha256: String,
    pub valid_to: String,
}

/// A playback to report.
#[derive(Debug, Clone, Serialize)]
pub struct Playback {
    pub report_id: String,
    pub bulletin_id: i64,
    pub started_seconds_ago: u64,
    pub ended_seconds_ago: u64,
    pub completed: bool,
}

/// An answer's status, headers and body.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

/// A device with its key.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub key: String,
    base: String,
    http: reqwest::Client,
}

async fn ok(what: &str, r: reqwest::Response) -> Result<reqwest::Response, SimError> {
    let status = r.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(r);
    }
    let body = r.text().await.unwrap_or_default();
    Err(SimError::Status(what.to_string(), status, body))
}

impl Device {
    /// Exchanges a one-time code for the device's key.
    pub async fn enrol(http: &reqwest::Client, base: &str, code: &str) -> Result<Device, SimError> {
        let r = http
            .post(format!("{base}/api/v1/radio/device/enrol"))
            .json(&serde_json::json!({ "code": code }))
            .send()
            .await?;
        let v: serde_json::Value = ok("enrol", r).await?.json().await?;
        Ok(Device {
            id: v["device_id"].as_i64().unwrap_or(0),
            key: v["key"].as_str().unwrap_or("").to_string(),
            base: base.to_string(),
            http: http.clone(),
        })
    }

    /// A device whose key is known already.
    pub fn with_key(http: &reqwest::Client, base: &str, id: i64, key: &str) -> Device {
        Device { id, key: key.into(), base: base.into(), http: http.clone() }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.base)).header("x-device-key", &self.key)
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.base)).header("x-device-key", &self.key)
    }

    pub async fn playlist(&self, hours: u32) -> Result<Vec<Play>, SimError> {
        let r = self.get(&format!("/api/v1/radio/device/playlist?hours={hours}")).send().await?;
        Ok(ok("playlist", r).await?.json::<Playlist>().await?.plays)
    }

    /// An audio download: whole, or a range; with the `ETag` held, if any.
    pub async fn audio(&self, path: &str, range: Option<(u64, u64)>, etag: Option<&str>) -> Result<Fetched, SimError> {
        let mut req = self.get(path);
        if let Some((a, b)) = range {
            req = req.header("range", format!("bytes={a}-{b}"));
        }
        if let Some(e) = etag {
            req = req.header("if-none-match", e);
        }
        let r = req.send().await?;
        Ok(Fetched { status: r.status().as_u16(), headers: r.headers().clone(), body: r.bytes().await?.to_vec() })
    }

    /// Downloads a file in ranges of `chunk` bytes, as a device with little memory does.
    pub async fn download(&self, path: &str, size: u64, chunk: u64) -> Result<Vec<u8>, SimError> {
        let mut out = Vec::with_capacity(size as usize);
        while (out.len() as u64) < size {
            let a = out.len() as u64;
            let f = self.audio(path, Some((a, (a + chunk).min(size) - 1)), None).await?;
            if f.status != 206 {
                return Err(SimError::Status("audio".into(), f.status, String::new()));
            }
            out.extend(f.body);
        }
        Ok(out)
    }

    pub async fn status(&self, playing: Option<i64>, volume: u8, error: &str) -> Result<(), SimError> {
        let body = serde_json::json!({ "playing": playing, "volume": volume, "error": error });
        ok("status", self.post("/api/v1/radio/device/status").json(&body).send().await?).await?;
        Ok(())
    }

    /// Reports playbacks; how many were new.
    pub async fn report(&self, list: &[Playback]) -> Result<u64, SimError> {
        let r =
            self.post("/api/v1/radio/device/playbacks").json(&serde_json::json!({ "playbacks": list })).send().await?;
        let v: serde_json::Value = ok("playbacks", r).await?.json().await?;
        Ok(v["recorded"].as_u64().unwrap_or(0))
    }

    /// Opens the emergency stream.
    pub async fn listen(&self) -> Result<Stream, SimError> {
        let r = self.get("/api/v1/radio/device/emergencies").header("accept", "text/event-stream").send().await?;
        Ok(Stream { r: ok("emergencies", r).await?, buf: Vec::new() })
    }

    pub async fn received(&self, bulletin: i64) -> Result<(), SimError> {
        ok("received", self.post(&format!("/api/v1/radio/device/emergencies/{bulletin}/received")).send().await?)
            .await?;
        Ok(())
    }
}

/// A held emergency stream.
pub struct Stream {
    r: reqwest::Response,
    buf: Vec<u8>,
}

impl Stream {
    /// The next emergency (keep-alive comments skipped); `Ended` when the server closes.
    pub async fn next(&mut self) -> Result<Emergency, SimError> {
        loop {
            if let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buf.drain(..end + 2).collect();
                let text = String::from_utf8_lossy(&block);
                let mut event = "";
                let mut data = String::new();
                for line in text.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = if v.trim() == "emergency" { "emergency" } else { "other" };
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if event == "emergency" {
                    if let Ok(e) = serde_json::from_str::<Emergency>(&data) {
                        return Ok(e);
                    }
                }
                continue;
            }
            match self.r.chunk().await? {
                Some(c) => self.buf.extend_from_slice(&c),
                None => return Err(SimError::Ended),
            }
        }
    }

    /// The next emergency within `wait`, if one comes.
    pub async fn next_within(&mut self, wait: Duration) -> Result<Option<Emergency>, SimError> {
        match tokio::time::timeout(wait, self.next()).await {
            Ok(r) => r.map(Some),
            Err(_) => Ok(None),
        }
    }
}

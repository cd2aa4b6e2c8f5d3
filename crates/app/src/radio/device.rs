//! What a device calls: enrolment (a one-time code for credentials), its
//! playlist for the coming hours, the audio, its status, the playbacks it
//! reports, and the emergencies it has received. A device is known by its
//! credentials only and speaks for itself only. Ages, not instants, cross
//! the wire for what happened on the device (`…_seconds_ago`), so that a
//! device's clock being off moves nothing.

use std::sync::Arc;

use egov_radio::Priority;
use egov_store::radio::{Device, NewPlayback};

use super::hub::Alert;
use super::unit_on;
use crate::{App, AppError, FieldError, Refusal};

/// Credentials an enrolment gives: shown to the device once, kept as a digest.
#[derive(Debug, Clone)]
pub struct Enrolled {
    pub device_id: i64,
    pub secret: String,
}

pub async fn enrol(app: &App, code: &str) -> Result<Enrolled, AppError> {
    let secret = egov_identity::random_secret().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut w = app.store.begin_write().await?;
    let id = w.radio_enrol(&egov_identity::secret_digest(code.trim()), &egov_identity::secret_digest(&secret)).await?;
    let Some(device_id) = id else {
        return Err(AppError::refused(
            Refusal::NotPermitted,
            "err.radio.code",
            "the enrolment code is unknown, used or expired",
        ));
    };
    w.commit().await?;
    Ok(Enrolled { device_id, secret })
}

/// The device these credentials are.
pub async fn authenticate(app: &App, secret: &str) -> Result<Device, AppError> {
    app.store
        .radio_device_by_cred(&egov_identity::secret_digest(secret.trim()))
        .await?
        .ok_or_else(|| AppError::refused(Refusal::NotPermitted, "err.radio.device", "unknown device credentials"))
}

/// One play of the playlist, as a device is told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Play {
    pub bulletin_id: i64,
    pub title: String,
    pub priority: Priority,
    /// When to start (micros); an emergency: now.
    pub at: i64,
    pub duration_ms: i64,
    pub sha256: String,
    pub format: String,
    pub size: i64,
}

/// The device's playlist from now for `hours` (1–24).
pub async fn playlist(app: &App, d: &Device, hours: u32) -> Result<Vec<Play>, AppError> {
    let station = app.store.radio_station(d.station_id).await?.ok_or(AppError::NotFound)?;
    if station.s.status != egov_radio::StationStatus::Operating {
        return Ok(Vec::new());
    }
    let now = app.now();
    let (plays, _) =
        super::programme(app, &station, now, now + chrono::Duration::hours(i64::from(hours.clamp(1, 24)))).await?;
    let live = app.store.radio_live(app.store.now()).await?;
    Ok(plays
        .into_iter()
        .filter_map(|p| {
            let b = live.iter().find(|b| b.id == p.bulletin)?;
            let a = b.audio.as_ref()?;
            Some(Play {
                bulletin_id: b.id,
                title: b.b.title.clone(),
                priority: p.priority,
                at: egov_kernel::vn::to_micros(p.at),
                duration_ms: a.duration_ms,
                sha256: a.sha256.clone(),
                format: a.format.clone(),
                size: a.size,
            })
        })
        .collect())
}

/// Whether a bulletin reaches the device's station now.
async fn reaches(app: &App, d: &Device, b: &egov_store::radio::BulletinRow) -> Result<bool, AppError> {
    let station = app.store.radio_station(d.station_id).await?.ok_or(AppError::NotFound)?;
    let units = app.store.units().await?;
    Ok(b.b.target.reaches(station.id, &unit_on(&units, &station.s.unit_code, app.now().date())))
}

/// A bulletin's audio for a device it reaches: (format, bytes, digest).
pub async fn audio(app: &App, d: &Device, bulletin: i64) -> Result<(String, Arc<Vec<u8>>, String), AppError> {
    let b = app.store.radio_bulletin(bulletin).await?.ok_or(AppError::NotFound)?;
    if b.state != egov_radio::State::Approved || !reaches(app, d, &b).await? {
        return Err(AppError::NotFound);
    }
    let sha = b.audio.as_ref().map(|a| a.sha256.clone()).ok_or(AppError::NotFound)?;
    let (format, bytes) = app.radio.audio(app, &sha).await?.ok_or(AppError::NotFound)?;
    Ok((format, bytes, sha))
}

/// A device's status as it says it.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub playing: Option<i64>,
    pub volume: Option<u8>,
    pub error: String,
}

pub async fn status(app: &App, d: &Device, s: &Status) -> Result<(), AppError> {
    let mut errs = Vec::new();
    if s.volume.is_some_and(|v| v > 100) {
        errs.push(FieldError::new("volume", "err.range"));
    }
    if s.error.chars().count() > 500 || s.error.chars().any(char::is_control) {
        errs.push(FieldError::new("error", "err.too_long"));
    }
    AppError::invalid(errs)?;
    let mut w = app.store.begin_write().await?;
    w.radio_status(d.id, s.playing, s.volume.map(i64::from), s.error.trim()).await?;
    w.commit().await?;
    Ok(())
}

/// A playback as a device reports it (ages in seconds).
#[derive(Debug, Clone)]
pub struct Reported {
    pub report_id: String,
    pub bulletin_id: i64,
    pub started_seconds_ago: u64,
    pub ended_seconds_ago: u64,
    pub completed: bool,
}

/// Keeps playbacks (a report sent twice is kept once); how many were new.
pub async fn playbacks(app: &App, d: &Device, list: &[Reported]) -> Result<usize, AppError> {
    let now = app.store.now();
    let station = app.store.radio_station(d.station_id).await?.ok_or(AppError::NotFound)?;
    let mut errs = Vec::new();
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let id_ok = !r.report_id.is_empty()
            && r.report_id.len() <= 64
            && r.report_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !id_ok {
            errs.push(FieldError::new(format!("playbacks[{i}].report_id"), "err.option"));
        }
        if r.ended_seconds_ago > r.started_seconds_ago || r.started_seconds_ago > 30 * 86_400 {
            errs.push(FieldError::new(format!("playbacks[{i}].started_seconds_ago"), "err.range"));
        }
        if app.store.radio_bulletin(r.bulletin_id).await?.is_none() {
            errs.push(FieldError::new(format!("playbacks[{i}].bulletin_id"), "err.option"));
        }
        out.push(NewPlayback {
            report_id: r.report_id.clone(),
            bulletin_id: r.bulletin_id,
            started_at: now - (r.started_seconds_ago.min(30 * 86_400) as i64) * 1_000_000,
            ended_at: now - (r.ended_seconds_ago.min(30 * 86_400) as i64) * 1_000_000,
            completed: r.completed,
        });
    }
    AppError::invalid(errs)?;
    let mut w = app.store.begin_write().await?;
    // the unit the station's code named then: the directory's mergers read it at counting time
    let n = w.radio_record_playbacks(d.id, station.id, &station.s.unit_code, &out).await?;
    w.commit().await?;
    Ok(n)
}

/// The emergencies valid now that reach the device and it has not received.
pub async fn pending(app: &App, d: &Device) -> Result<Vec<Alert>, AppError> {
    let received = app.store.radio_received(d.id).await?;
    let mut out = Vec::new();
    for b in app.store.radio_emergencies_after(0, app.store.now()).await? {
        if !received.contains(&b.id) && reaches(app, d, &b).await? {
            out.extend(Alert::of(&b));
        }
    }
    Ok(out)
}

/// That the device received an emergency (its delivery time is counted from approval).
pub async fn received(app: &App, d: &Device, bulletin: i64) -> Result<(), AppError> {
    let b = app.store.radio_bulletin(bulletin).await?.ok_or(AppError::NotFound)?;
    if b.b.priority != Priority::Emergency || !reaches(app, d, &b).await? {
        return Err(AppError::NotFound);
    }
    let mut w = app.store.begin_write().await?;
    w.radio_delivered(bulletin, d.id).await?;
    w.commit().await?;
    Ok(())
}

/// Where a connected device's emergencies are filtered: its station and commune today.
#[derive(Debug, Clone)]
pub struct Listener {
    pub device_id: i64,
    pub station_id: i64,
    pub unit_today: String,
}

impl Listener {
    pub async fn of(app: &App, d: &Device) -> Result<Listener, AppError> {
        let station = app.store.radio_station(d.station_id).await?.ok_or(AppError::NotFound)?;
        let units = app.store.units().await?;
        Ok(Listener {
            device_id: d.id,
            station_id: station.id,
            unit_today: unit_on(&units, &station.s.unit_code, app.now().date()),
        })
    }

    /// Whether an alert is for this device, and still valid at `now` (micros).
    pub fn wants(&self, a: &Alert, now: i64) -> bool {
        a.valid_to > now && a.target.reaches(self.station_id, &self.unit_today)
    }
}

//! What the radio's pages, devices and figures read.

use base64::Engine;
use egov_radio::Slot;

use super::{bulletin as bulletin_row, device as device_row, station as station_row, time_of as slot_time};
use super::{BulletinRow, Device, Station, BULLETIN_COLUMNS as BULLETIN_COLS};
use crate::{get, Result, Store, StoreError};

/// A playback with what the figures group it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybackRow {
    pub device_id: i64,
    pub station_id: i64,
    /// The station's unit code when it played.
    pub unit_code: String,
    pub bulletin_id: i64,
    pub started_at: i64,
    pub ended_at: i64,
    pub completed: bool,
}

impl Store {
    pub async fn radio_stations(&self) -> Result<Vec<Station>> {
        let rows = sqlx::query("SELECT * FROM radio_stations ORDER BY unit_code, name").fetch_all(&self.pool).await?;
        rows.iter().map(station_row).collect()
    }

    pub async fn radio_station(&self, id: i64) -> Result<Option<Station>> {
        let r = sqlx::query("SELECT * FROM radio_stations WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(station_row).transpose()
    }

    pub async fn radio_slots(&self, station_id: i64) -> Result<Vec<Slot>> {
        let rows = sqlx::query("SELECT start_min, end_min FROM radio_slots WHERE station_id = $1 ORDER BY start_min")
            .bind(station_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(Slot { start: slot_time(get(r, "start_min")?), end: slot_time(get(r, "end_min")?) }))
            .collect()
    }

    /// The devices of a station, or of every station.
    pub async fn radio_devices(&self, station_id: Option<i64>) -> Result<Vec<Device>> {
        let rows = match station_id {
            Some(s) => {
                sqlx::query("SELECT * FROM radio_devices WHERE station_id = $1 ORDER BY serial")
                    .bind(s)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM radio_devices ORDER BY station_id, serial").fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(device_row).collect()
    }

    pub async fn radio_device(&self, id: i64) -> Result<Option<Device>> {
        let r = sqlx::query("SELECT * FROM radio_devices WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(device_row).transpose()
    }

    /// The device these credentials (by digest) are.
    pub async fn radio_device_by_cred(&self, digest: &str) -> Result<Option<Device>> {
        let r = sqlx::query("SELECT * FROM radio_devices WHERE cred_digest = $1")
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(device_row).transpose()
    }

    /// Bulletins, newest first (at most `limit`).
    pub async fn radio_bulletins(&self, limit: i64) -> Result<Vec<BulletinRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {BULLETIN_COLS} FROM radio_bulletins b LEFT JOIN radio_audio a ON a.sha256 = b.audio_sha256 \
             ORDER BY b.id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(bulletin_row).collect()
    }

    pub async fn radio_bulletin(&self, id: i64) -> Result<Option<BulletinRow>> {
        let r = sqlx::query(&format!(
            "SELECT {BULLETIN_COLS} FROM radio_bulletins b LEFT JOIN radio_audio a ON a.sha256 = b.audio_sha256 WHERE b.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(bulletin_row).transpose()
    }

    /// Approved bulletins still valid at `at` (micros), or that ended after it.
    pub async fn radio_live(&self, at: i64) -> Result<Vec<BulletinRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {BULLETIN_COLS} FROM radio_bulletins b LEFT JOIN radio_audio a ON a.sha256 = b.audio_sha256 \
             WHERE b.state = 'approved' AND b.valid_to > $1 ORDER BY b.id"
        ))
        .bind(at)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(bulletin_row).collect()
    }

    /// Approved emergencies with an id above `after`, still valid at `at`.
    pub async fn radio_emergencies_after(&self, after: i64, at: i64) -> Result<Vec<BulletinRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {BULLETIN_COLS} FROM radio_bulletins b LEFT JOIN radio_audio a ON a.sha256 = b.audio_sha256 \
             WHERE b.state = 'approved' AND b.priority = 'emergency' AND b.id > $1 AND b.valid_to > $2 ORDER BY b.id"
        ))
        .bind(after)
        .bind(at)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(bulletin_row).collect()
    }

    /// The bulletins a device has received.
    pub async fn radio_received(&self, device_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT bulletin_id FROM radio_deliveries WHERE device_id = $1")
            .bind(device_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// An audio file's bytes and format, by its digest.
    pub async fn radio_audio(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
        let r = sqlx::query("SELECT format, data FROM radio_audio WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = r else { return Ok(None) };
        let data: String = get(&r, "data")?;
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some((get(&r, "format")?, bytes)))
    }

    /// An audio file's facts, by its digest.
    pub async fn radio_audio_meta(&self, sha256: &str) -> Result<Option<super::AudioMeta>> {
        let r = sqlx::query("SELECT sha256, format, duration_ms, size FROM radio_audio WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        r.map(|r| {
            Ok(super::AudioMeta {
                sha256: get(&r, "sha256")?,
                format: get(&r, "format")?,
                duration_ms: get(&r, "duration_ms")?,
                size: get(&r, "size")?,
            })
        })
        .transpose()
    }

    /// The commune's order among clashing bulletins of a station.
    pub async fn radio_ranks(&self, station_id: i64) -> Result<Vec<(i64, i32)>> {
        let rows = sqlx::query("SELECT bulletin_id, rank FROM radio_ranks WHERE station_id = $1")
            .bind(station_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((get(r, "bulletin_id")?, i32::try_from(get::<i64>(r, "rank")?).unwrap_or(0)))).collect()
    }

    /// The slots the commune chose for bulletins at a station: (bulletin,
    /// slot start), in order of start.
    pub async fn radio_placements(&self, station_id: i64) -> Result<Vec<(i64, chrono::NaiveTime)>> {
        let rows = sqlx::query(
            "SELECT bulletin_id, start_min FROM radio_placements WHERE station_id = $1 ORDER BY bulletin_id, start_min",
        )
        .bind(station_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((get(r, "bulletin_id")?, slot_time(get(r, "start_min")?)))).collect()
    }

    /// Playbacks that started in `[from, to)` (micros).
    pub async fn radio_playbacks(&self, from: i64, to: i64) -> Result<Vec<PlaybackRow>> {
        let rows =
            sqlx::query("SELECT * FROM radio_playbacks WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at")
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(PlaybackRow {
                    device_id: get(r, "device_id")?,
                    station_id: get(r, "station_id")?,
                    unit_code: get(r, "unit_code")?,
                    bulletin_id: get(r, "bulletin_id")?,
                    started_at: get(r, "started_at")?,
                    ended_at: get(r, "ended_at")?,
                    completed: get::<i64>(r, "completed")? != 0,
                })
            })
            .collect()
    }

    /// When each device received an emergency: (device, delivered_at).
    pub async fn radio_deliveries(&self, bulletin_id: i64) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT device_id, delivered_at FROM radio_deliveries WHERE bulletin_id = $1 ORDER BY delivered_at",
        )
        .bind(bulletin_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((get(r, "device_id")?, get(r, "delivered_at")?))).collect()
    }
}

/// One station's devices at a quarter hour, and how many were online.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    pub at: i64,
    pub station_id: i64,
    pub devices: i64,
    pub online: i64,
}

impl Store {
    /// Notes, at `at`, each station's devices and those heard from since
    /// `heard_since`; a quarter noted already is left as it was. How many
    /// stations were noted.
    pub async fn radio_note_presence(&self, at: i64, heard_since: i64) -> Result<u64> {
        let r = sqlx::query(
            "INSERT INTO radio_presence (at, station_id, devices, online) \
             SELECT $1, s.id, COUNT(d.id), COUNT(CASE WHEN d.last_seen >= $2 THEN 1 END) \
             FROM radio_stations s LEFT JOIN radio_devices d ON d.station_id = s.id WHERE 1 = 1 GROUP BY s.id \
             ON CONFLICT (at, station_id) DO NOTHING",
        )
        .bind(at)
        .bind(heard_since)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// What was noted in `[from, to)`, in time order.
    pub async fn radio_presence(&self, from: i64, to: i64) -> Result<Vec<Presence>> {
        let rows = sqlx::query(
            "SELECT at, station_id, devices, online FROM radio_presence WHERE at >= $1 AND at < $2 ORDER BY at, station_id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Presence {
                    at: get(r, "at")?,
                    station_id: get(r, "station_id")?,
                    devices: get(r, "devices")?,
                    online: get(r, "online")?,
                })
            })
            .collect()
    }
}

impl crate::WriteTx {
    /// Keeps notes of devices online made elsewhere (a demo's past, an
    /// import); a quarter noted already is left as it was.
    pub async fn radio_put_presence(&mut self, notes: &[Presence]) -> Result<()> {
        for n in notes {
            sqlx::query(
                "INSERT INTO radio_presence (at, station_id, devices, online) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (at, station_id) DO NOTHING",
            )
            .bind(n.at)
            .bind(n.station_id)
            .bind(n.devices)
            .bind(n.online)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }
}

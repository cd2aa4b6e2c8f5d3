//! Commune radio (issue 20): stations and their slots, devices (enrolment
//! codes and credentials as digests, the last status), bulletins with their
//! audio and approval, playbacks and emergency deliveries. Changes people
//! make are audited; what devices report (status, playbacks) is not — it is
//! the record itself.

use base64::Engine;
use chrono::NaiveTime;
use egov_radio::bulletin::Level;
use egov_radio::{Bulletin, Category, NewStation, Priority, Slot, State, StationKind, StationStatus, Target};

use crate::{get, Migration, Result, StoreError, WriteTx};

mod read;
pub use read::{PlaybackRow, Presence};

pub const MIGRATIONS: &[Migration] =
    crate::migrations!("radio": 31 "0031_radio", 32 "0032_radio_presence", 33 "0033_radio_placements");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub id: i64,
    pub s: NewStation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: i64,
    pub station_id: i64,
    pub serial: String,
    pub name: String,
    pub location: String,
    pub enrolled_at: Option<i64>,
    pub last_seen: Option<i64>,
    pub playing: Option<i64>,
    pub volume: Option<i64>,
    pub last_error: String,
}

/// An audio file's facts, as decoded when it was uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioMeta {
    pub sha256: String,
    pub format: String,
    pub duration_ms: i64,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinRow {
    pub id: i64,
    pub owner_agency: String,
    pub b: Bulletin,
    pub state: State,
    pub level: Level,
    pub audio: Option<AudioMeta>,
    pub created_by: String,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub note: String,
}

/// A playback as a device reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlayback {
    /// The device's own id for the report: sent twice, kept once.
    pub report_id: String,
    pub bulletin_id: i64,
    pub started_at: i64,
    pub ended_at: i64,
    pub completed: bool,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

pub(crate) fn level_str(l: Level) -> &'static str {
    match l {
        Level::Commune => "commune",
        Level::Province => "province",
    }
}

fn station(r: &sqlx::any::AnyRow) -> Result<Station> {
    let (kind, status): (String, String) = (get(r, "kind")?, get(r, "status")?);
    Ok(Station {
        id: get(r, "id")?,
        s: NewStation {
            name: get(r, "name")?,
            unit_code: get(r, "unit_code")?,
            kind: StationKind::parse(&kind).ok_or_else(|| corrupt("a station's kind", &kind))?,
            status: StationStatus::parse(&status).ok_or_else(|| corrupt("a station's status", &status))?,
            staff: u32::try_from(get::<i64>(r, "staff")?).unwrap_or(0),
            address: get(r, "address")?,
        },
    })
}

fn device(r: &sqlx::any::AnyRow) -> Result<Device> {
    Ok(Device {
        id: get(r, "id")?,
        station_id: get(r, "station_id")?,
        serial: get(r, "serial")?,
        name: get(r, "name")?,
        location: get(r, "location")?,
        enrolled_at: get(r, "enrolled_at")?,
        last_seen: get(r, "last_seen")?,
        playing: get(r, "playing")?,
        volume: get(r, "volume")?,
        last_error: get(r, "last_error")?,
    })
}

fn local(m: i64) -> chrono::NaiveDateTime {
    egov_kernel::vn::from_micros(m).unwrap_or_default()
}

fn bulletin(r: &sqlx::any::AnyRow) -> Result<BulletinRow> {
    let (category, priority, state, level, target): (String, String, String, String, String) =
        (get(r, "category")?, get(r, "priority")?, get(r, "state")?, get(r, "level")?, get(r, "target")?);
    let sha: Option<String> = get(r, "audio_sha256")?;
    let audio = match sha {
        Some(sha256) => Some(AudioMeta {
            sha256,
            format: get(r, "audio_format")?,
            duration_ms: get(r, "audio_ms")?,
            size: get(r, "audio_size")?,
        }),
        None => None,
    };
    Ok(BulletinRow {
        id: get(r, "id")?,
        owner_agency: get(r, "owner_agency")?,
        b: Bulletin {
            title: get(r, "title")?,
            text: get(r, "body")?,
            category: Category::parse(&category).ok_or_else(|| corrupt("a category", &category))?,
            priority: Priority::parse(&priority).ok_or_else(|| corrupt("a priority", &priority))?,
            target: serde_json::from_str::<Target>(&target).map_err(|_| corrupt("a target", &target))?,
            valid_from: local(get(r, "valid_from")?),
            valid_to: local(get(r, "valid_to")?),
        },
        state: State::parse(&state).ok_or_else(|| corrupt("a state", &state))?,
        level: match level.as_str() {
            "commune" => Level::Commune,
            "province" => Level::Province,
            _ => return Err(corrupt("a level", &level)),
        },
        audio,
        created_by: get(r, "created_by")?,
        created_at: get(r, "created_at")?,
        decided_by: get(r, "decided_by")?,
        decided_at: get(r, "decided_at")?,
        note: get(r, "note")?,
    })
}

const BULLETIN_COLUMNS: &str = "b.*, a.format AS audio_format, a.duration_ms AS audio_ms, a.size AS audio_size";

fn minutes(t: NaiveTime) -> i64 {
    i64::from(chrono::Timelike::hour(&t)) * 60 + i64::from(chrono::Timelike::minute(&t))
}

fn time_of(min: i64) -> NaiveTime {
    NaiveTime::from_hms_opt(u32::try_from(min / 60).unwrap_or(0) % 24, u32::try_from(min % 60).unwrap_or(0), 0)
        .unwrap_or_default()
}

impl WriteTx {
    /// Adds a station (`id` none) or changes one; its id, or none if no such station.
    pub async fn radio_save_station(&mut self, id: Option<i64>, s: &NewStation, actor: &str) -> Result<Option<i64>> {
        let before = match id {
            Some(id) => {
                let r = sqlx::query("SELECT * FROM radio_stations WHERE id = $1")
                    .bind(id)
                    .fetch_optional(self.conn())
                    .await?;
                match r {
                    Some(r) => Some(station(&r)?),
                    None => return Ok(None),
                }
            }
            None => None,
        };
        let id = match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE radio_stations SET name = $2, unit_code = $3, kind = $4, status = $5, staff = $6, address = $7 \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(&s.name)
                .bind(&s.unit_code)
                .bind(s.kind.as_str())
                .bind(s.status.as_str())
                .bind(i64::from(s.staff))
                .bind(&s.address)
                .execute(self.conn())
                .await?;
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO radio_stations (name, unit_code, kind, status, staff, address) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&s.name)
                .bind(&s.unit_code)
                .bind(s.kind.as_str())
                .bind(s.status.as_str())
                .bind(i64::from(s.staff))
                .bind(&s.address)
                .fetch_one(self.conn())
                .await?
            }
        };
        self.audit(egov_audit::Event::new(
            actor,
            "radio.station",
            format!("radio-station:{id}"),
            before.as_ref().map(|b| &b.s),
            Some(s),
        ));
        Ok(Some(id))
    }

    /// The station's id of this name in this commune, if there is one.
    pub async fn radio_station_named(&mut self, unit_code: &str, name: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM radio_stations WHERE unit_code = $1 AND name = $2")
            .bind(unit_code)
            .bind(name)
            .fetch_optional(self.conn())
            .await?)
    }

    /// Replaces a station's daily slots.
    pub async fn radio_set_slots(&mut self, station_id: i64, slots: &[Slot], actor: &str) -> Result<()> {
        sqlx::query("DELETE FROM radio_slots WHERE station_id = $1").bind(station_id).execute(self.conn()).await?;
        for s in slots {
            sqlx::query("INSERT INTO radio_slots (station_id, start_min, end_min) VALUES ($1, $2, $3)")
                .bind(station_id)
                .bind(minutes(s.start))
                .bind(minutes(s.end))
                .execute(self.conn())
                .await?;
        }
        // a placement in a slot that is gone goes with it
        sqlx::query(
            "DELETE FROM radio_placements WHERE station_id = $1 AND NOT EXISTS (SELECT 1 FROM radio_slots s \
             WHERE s.station_id = radio_placements.station_id AND s.start_min = radio_placements.start_min)",
        )
        .bind(station_id)
        .execute(self.conn())
        .await?;
        let after: Vec<String> =
            slots.iter().map(|s| format!("{}–{}", s.start.format("%H:%M"), s.end.format("%H:%M"))).collect();
        self.audit(egov_audit::Event::new(
            actor,
            "radio.slots",
            format!("radio-station:{station_id}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(())
    }

    /// The daily slots (their starts) the commune chose for a bulletin at
    /// its station; none: any slot.
    pub async fn radio_set_placement(
        &mut self,
        station_id: i64,
        bulletin_id: i64,
        starts: &[NaiveTime],
        actor: &str,
    ) -> Result<()> {
        sqlx::query("DELETE FROM radio_placements WHERE station_id = $1 AND bulletin_id = $2")
            .bind(station_id)
            .bind(bulletin_id)
            .execute(self.conn())
            .await?;
        for t in starts {
            sqlx::query("INSERT INTO radio_placements (station_id, bulletin_id, start_min) VALUES ($1, $2, $3)")
                .bind(station_id)
                .bind(bulletin_id)
                .bind(minutes(*t))
                .execute(self.conn())
                .await?;
        }
        let after: Vec<String> = starts.iter().map(|t| t.format("%H:%M").to_string()).collect();
        self.audit(egov_audit::Event::new(
            actor,
            "radio.placement",
            format!("radio-station:{station_id}/bulletin:{bulletin_id}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(())
    }

    /// The commune's order of bulletins at a station (those first, in this
    /// order, among bulletins of one priority; the rest after, by approval).
    pub async fn radio_set_order(&mut self, station_id: i64, bulletins: &[i64], actor: &str) -> Result<()> {
        sqlx::query("DELETE FROM radio_ranks WHERE station_id = $1").bind(station_id).execute(self.conn()).await?;
        let n = bulletins.len() as i64;
        for (i, b) in bulletins.iter().enumerate() {
            sqlx::query("INSERT INTO radio_ranks (station_id, bulletin_id, rank) VALUES ($1, $2, $3)")
                .bind(station_id)
                .bind(b)
                .bind(i as i64 - n)
                .execute(self.conn())
                .await?;
        }
        self.audit(egov_audit::Event::new(
            actor,
            "radio.order",
            format!("radio-station:{station_id}"),
            None::<&()>,
            Some(&bulletins),
        ));
        Ok(())
    }

    /// Adds a device to a station; none if its serial is taken.
    pub async fn radio_add_device(
        &mut self,
        station_id: i64,
        serial: &str,
        name: &str,
        location: &str,
        actor: &str,
    ) -> Result<Option<i64>> {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM radio_devices WHERE serial = $1")
            .bind(serial)
            .fetch_optional(self.conn())
            .await?;
        if taken.is_some() {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO radio_devices (station_id, serial, name, location) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(station_id)
        .bind(serial)
        .bind(name)
        .bind(location)
        .fetch_one(self.conn())
        .await?;
        let after = serde_json::json!({"station": station_id, "serial": serial, "name": name, "location": location});
        self.audit(egov_audit::Event::new(
            actor,
            "radio.device",
            format!("radio-device:{id}"),
            None::<&()>,
            Some(&after),
        ));
        Ok(Some(id))
    }

    /// Issues a device's one-time enrolment code (its digest kept), which
    /// replaces any earlier one; the device's credentials stay until it enrols.
    pub async fn radio_issue_enrolment(
        &mut self,
        device_id: i64,
        digest: &str,
        expires_at: i64,
        actor: &str,
    ) -> Result<bool> {
        let n = sqlx::query("UPDATE radio_devices SET enrol_digest = $2, enrol_expires = $3 WHERE id = $1")
            .bind(device_id)
            .bind(digest)
            .bind(expires_at)
            .execute(self.conn())
            .await?
            .rows_affected();
        if n > 0 {
            self.audit(egov_audit::Event::new(
                actor,
                "radio.enrolment",
                format!("radio-device:{device_id}"),
                None::<&()>,
                None::<&()>,
            ));
        }
        Ok(n > 0)
    }

    /// Exchanges an enrolment code (by digest) for credentials: the device's
    /// id, or none if the code is unknown, used or expired.
    pub async fn radio_enrol(&mut self, code_digest: &str, cred_digest: &str) -> Result<Option<i64>> {
        let now = self.now();
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE radio_devices SET enrol_digest = NULL, enrol_expires = NULL, cred_digest = $2, enrolled_at = $3 \
             WHERE enrol_digest = $1 AND enrol_expires > $3 RETURNING id",
        )
        .bind(code_digest)
        .bind(cred_digest)
        .bind(now)
        .fetch_optional(self.conn())
        .await?;
        if let Some(id) = id {
            self.audit(egov_audit::Event::new(
                format!("radio-device:{id}"),
                "radio.enrol",
                format!("radio-device:{id}"),
                None::<&()>,
                None::<&()>,
            ));
        }
        Ok(id)
    }

    /// Keeps an audio file once (by its digest).
    pub async fn radio_put_audio(&mut self, meta: &AudioMeta, bytes: &[u8]) -> Result<()> {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        sqlx::query(
            "INSERT INTO radio_audio (sha256, format, duration_ms, size, data) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&meta.sha256)
        .bind(&meta.format)
        .bind(meta.duration_ms)
        .bind(meta.size)
        .bind(data)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Records a bulletin, pending its approval; its id.
    pub async fn radio_create_bulletin(
        &mut self,
        owner: &str,
        b: &Bulletin,
        level: Level,
        audio_sha256: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        let now = self.now();
        let target = serde_json::to_string(&b.target).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO radio_bulletins (owner_agency, title, body, category, priority, target, valid_from, valid_to, \
             state, level, audio_sha256, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $11, $12) RETURNING id",
        )
        .bind(owner)
        .bind(&b.title)
        .bind(&b.text)
        .bind(b.category.as_str())
        .bind(b.priority.as_str())
        .bind(target)
        .bind(egov_kernel::vn::to_micros(b.valid_from))
        .bind(egov_kernel::vn::to_micros(b.valid_to))
        .bind(level_str(level))
        .bind(audio_sha256)
        .bind(actor)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(
            actor,
            "radio.bulletin",
            format!("radio-bulletin:{id}"),
            None::<&()>,
            Some(b),
        ));
        Ok(id)
    }

    /// A pending bulletin's audio.
    pub async fn radio_set_audio(&mut self, id: i64, sha256: &str, actor: &str) -> Result<bool> {
        let n = sqlx::query("UPDATE radio_bulletins SET audio_sha256 = $2 WHERE id = $1 AND state = 'pending'")
            .bind(id)
            .bind(sha256)
            .execute(self.conn())
            .await?
            .rows_affected();
        if n > 0 {
            let after = serde_json::json!({ "audio": sha256 });
            self.audit(egov_audit::Event::new(
                actor,
                "radio.audio",
                format!("radio-bulletin:{id}"),
                None::<&()>,
                Some(&after),
            ));
        }
        Ok(n > 0)
    }

    /// Moves a bulletin from the state it was read in to the next, if no
    /// one moved it meanwhile (whether it moved).
    pub async fn radio_decide(&mut self, id: i64, from: State, to: State, note: &str, actor: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE radio_bulletins SET state = $3, decided_by = $4, decided_at = $5, note = $6 WHERE id = $1 AND state = $2",
        )
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(actor)
        .bind(self.now())
        .bind(note)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n > 0 {
            let (b, a) =
                (serde_json::json!({"state": from.as_str()}), serde_json::json!({"state": to.as_str(), "note": note}));
            self.audit(egov_audit::Event::new(
                actor,
                "radio.decide",
                format!("radio-bulletin:{id}"),
                Some(&b),
                Some(&a),
            ));
        }
        Ok(n > 0)
    }

    /// A device's last status.
    pub async fn radio_status(
        &mut self,
        device_id: i64,
        playing: Option<i64>,
        volume: Option<i64>,
        error: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE radio_devices SET last_seen = $2, playing = $3, volume = $4, last_error = $5 WHERE id = $1",
        )
        .bind(device_id)
        .bind(self.now())
        .bind(playing)
        .bind(volume)
        .bind(error)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Records playbacks (the station's unit code then beside each); how many were new.
    pub async fn radio_record_playbacks(
        &mut self,
        device_id: i64,
        station_id: i64,
        unit_code: &str,
        list: &[NewPlayback],
    ) -> Result<usize> {
        let mut n = 0;
        for p in list {
            n += sqlx::query(
                "INSERT INTO radio_playbacks (device_id, station_id, unit_code, bulletin_id, report_id, started_at, ended_at, completed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (device_id, report_id) DO NOTHING",
            )
            .bind(device_id)
            .bind(station_id)
            .bind(unit_code)
            .bind(p.bulletin_id)
            .bind(&p.report_id)
            .bind(p.started_at)
            .bind(p.ended_at)
            .bind(i64::from(p.completed))
            .execute(self.conn())
            .await?
            .rows_affected() as usize;
        }
        sqlx::query("UPDATE radio_devices SET last_seen = $2 WHERE id = $1")
            .bind(device_id)
            .bind(self.now())
            .execute(self.conn())
            .await?;
        Ok(n)
    }

    /// That a device received an emergency (the first time counts).
    pub async fn radio_delivered(&mut self, bulletin_id: i64, device_id: i64) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO radio_deliveries (bulletin_id, device_id, delivered_at) VALUES ($1, $2, $3) \
             ON CONFLICT (bulletin_id, device_id) DO NOTHING",
        )
        .bind(bulletin_id)
        .bind(device_id)
        .bind(self.now())
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(n > 0)
    }
}

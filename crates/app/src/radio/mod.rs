//! Commune radio (issue 20): stations and devices kept by the department
//! and each commune for its own, bulletins written by the province, an
//! agency or a commune and approved by the right level before anything
//! plays, each station's programme, emergencies sent at once (`hub.rs`),
//! and what devices call (`device.rs`).
//!
//! Who may: the department (system administrators) everything; an
//! agency's administrators their agency's bulletins and — a commune's
//! committee — the stations of its commune (the unit its code names today,
//! so a merged commune's stations are the new commune's).

pub mod device;
pub mod hub;
pub mod stats;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use egov_directory::AgencyKind;
use egov_radio::bulletin::Level;
use egov_radio::{BulletinInput, Decision, DeviceInput, Priority, Slot, State, StationInput, Target};
use egov_store::radio::{AudioMeta, BulletinRow, Station};

use crate::protection::Scope;
use crate::{Actor, App, AppError, FieldError, Refusal};

/// The largest audio file a bulletin takes.
pub const MAX_AUDIO: usize = 20 << 20;

pub fn may_view(actor: Actor<'_>) -> bool {
    Scope::of(actor).is_some()
}

fn scope(actor: Actor<'_>) -> Result<Scope, AppError> {
    Scope::of(actor).ok_or(AppError::Forbidden)
}

fn invalid(problems: Vec<egov_radio::Problem>) -> Vec<FieldError> {
    problems.into_iter().map(|p| FieldError::new(p.field, p.key)).collect()
}

/// The commune a unit code names on a day (itself, or what it was merged into).
pub fn unit_on(units: &[egov_directory::AdminUnit], code: &str, day: NaiveDate) -> String {
    egov_directory::unit_on(units, code, day).map_or_else(|| code.to_string(), |u| u.code.as_str().to_string())
}

/// The unit (today) whose stations an agency's administrators keep: a
/// commune committee's commune; none for other agencies.
async fn own_unit(app: &App, scope: &Scope) -> Result<Option<String>, AppError> {
    let Scope::Agency(a) = scope else { return Ok(None) };
    let agency = app.store.agency(a).await?;
    Ok(agency.filter(|a| a.kind == AgencyKind::CommunePeoplesCommittee).map(|a| a.unit_code.as_str().to_string()))
}

/// Whether the actor keeps this station.
async fn keeps(app: &App, scope: &Scope, unit_today: &str) -> Result<bool, AppError> {
    Ok(match scope {
        Scope::All => true,
        Scope::Agency(_) => own_unit(app, scope).await?.as_deref() == Some(unit_today),
    })
}

/// A station with its commune today and its devices' state.
#[derive(Debug, Clone)]
pub struct StationView {
    pub s: Station,
    pub unit_today: String,
    pub devices: usize,
    pub online: usize,
}

/// A device counts as online when it was heard from in the last 3 minutes.
pub const ONLINE_MICROS: i64 = 180 * 1_000_000;

/// The stations the actor may see (all: the province's communes are read by every administrator).
pub async fn stations(app: &App, actor: Actor<'_>) -> Result<Vec<StationView>, AppError> {
    scope(actor)?;
    let today = app.now().date();
    let units = app.store.units().await?;
    let devices = app.store.radio_devices(None).await?;
    let now = app.store.now();
    Ok(app
        .store
        .radio_stations()
        .await?
        .into_iter()
        .map(|s| {
            let mine: Vec<_> = devices.iter().filter(|d| d.station_id == s.id).collect();
            StationView {
                unit_today: unit_on(&units, &s.s.unit_code, today),
                devices: mine.len(),
                online: mine.iter().filter(|d| d.last_seen.is_some_and(|t| now - t < ONLINE_MICROS)).count(),
                s,
            }
        })
        .collect())
}

/// Adds (`id` none) or changes a station: every field's problem at once.
pub async fn save_station(app: &App, actor: Actor<'_>, id: Option<i64>, input: &StationInput) -> Result<i64, AppError> {
    let scope = scope(actor)?;
    let today = app.now().date();
    let units = app.store.units().await?;
    let mut errs = Vec::new();
    let checked = input.check().map_err(invalid);
    let n = match checked {
        Ok(n) => Some(n),
        Err(e) => {
            errs.extend(e);
            None
        }
    };
    if let Some(n) = &n {
        match units.iter().find(|u| u.code.as_str() == n.unit_code) {
            Some(u) if u.is_active_on(today) => {
                if !keeps(app, &scope, &n.unit_code).await? {
                    errs.push(FieldError::new("unit_code", "err.option"));
                }
            }
            Some(_) => errs.push(FieldError::new("unit_code", "err.radio.unit_gone")),
            None => errs.push(FieldError::new("unit_code", "err.option")),
        }
    }
    if let Some(id) = id {
        let before = app.store.radio_station(id).await?.ok_or(AppError::NotFound)?;
        if !keeps(app, &scope, &unit_on(&units, &before.s.unit_code, today)).await? {
            return Err(AppError::NotFound);
        }
    }
    AppError::invalid(errs)?;
    let Some(n) = n else { return Err(AppError::Internal("checked above".into())) };
    let mut w = app.store.begin_write().await?;
    if w.radio_station_named(&n.unit_code, &n.name).await?.is_some_and(|other| Some(other) != id) {
        return Err(AppError::Invalid(vec![FieldError::new("name", "err.taken")]));
    }
    let id = w.radio_save_station(id, &n, &actor.audit_name()).await?.ok_or(AppError::NotFound)?;
    w.commit().await?;
    Ok(id)
}

/// Imports stations from CSV (`name,unit_code,kind,status,staff,address`;
/// a station of the same name in the same commune is changed): all or
/// nothing, every line's problem as `line N/field`. (added, changed).
pub async fn import_stations(app: &App, actor: Actor<'_>, csv_text: &str) -> Result<(usize, usize), AppError> {
    let scope = scope(actor)?;
    let today = app.now().date();
    let units = app.store.units().await?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers =
        reader.headers().map_err(|_| AppError::Invalid(vec![FieldError::new("file", "err.radio.csv")]))?.clone();
    let want = ["name", "unit_code", "kind", "status", "staff", "address"];
    if headers.iter().collect::<Vec<_>>() != want {
        return Err(AppError::Invalid(vec![FieldError::new("line 1", "err.radio.csv")]));
    }
    let mut errs = Vec::new();
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let Ok(rec) = rec else {
            errs.push(FieldError::new(format!("line {line}"), "err.radio.csv"));
            continue;
        };
        let f = |k: usize| rec.get(k).unwrap_or("").to_string();
        let input = StationInput { name: f(0), unit_code: f(1), kind: f(2), status: f(3), staff: f(4), address: f(5) };
        match input.check() {
            Ok(n) => match units.iter().find(|u| u.code.as_str() == n.unit_code) {
                Some(u) if u.is_active_on(today) && keeps(app, &scope, &n.unit_code).await? => rows.push(n),
                Some(u) if !u.is_active_on(today) => {
                    errs.push(FieldError::new(format!("line {line}/unit_code"), "err.radio.unit_gone"))
                }
                _ => errs.push(FieldError::new(format!("line {line}/unit_code"), "err.option")),
            },
            Err(ps) => errs.extend(ps.into_iter().map(|p| FieldError::new(format!("line {line}/{}", p.field), p.key))),
        }
    }
    if rows.len() > 5_000 {
        errs.push(FieldError::new("file", "err.too_long"));
    }
    AppError::invalid(errs)?;
    let mut w = app.store.begin_write().await?;
    let (mut added, mut changed) = (0, 0);
    for n in &rows {
        let id = w.radio_station_named(&n.unit_code, &n.name).await?;
        if id.is_some() {
            changed += 1;
        } else {
            added += 1;
        }
        w.radio_save_station(id, n, &actor.audit_name()).await?;
    }
    w.commit().await?;
    Ok((added, changed))
}

async fn station_kept(app: &App, actor: Actor<'_>, id: i64) -> Result<Station, AppError> {
    let scope = scope(actor)?;
    let s = app.store.radio_station(id).await?.ok_or(AppError::NotFound)?;
    let units = app.store.units().await?;
    if !keeps(app, &scope, &unit_on(&units, &s.s.unit_code, app.now().date())).await? {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

/// Replaces a station's daily slots.
pub async fn set_slots(app: &App, actor: Actor<'_>, station: i64, slots: &[Slot]) -> Result<(), AppError> {
    station_kept(app, actor, station).await?;
    AppError::invalid(invalid(Slot::check(slots)))?;
    let mut w = app.store.begin_write().await?;
    w.radio_set_slots(station, slots, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// The commune's order among a station's clashing bulletins: these first,
/// in this order (within their priority: a priority bulletin stays before
/// a normal one); an empty list forgets the order.
pub async fn set_order(app: &App, actor: Actor<'_>, station: i64, bulletins: &[i64]) -> Result<(), AppError> {
    station_kept(app, actor, station).await?;
    let mut seen = std::collections::HashSet::new();
    if bulletins.len() > 500 || !bulletins.iter().all(|b| seen.insert(*b)) {
        return Err(AppError::Invalid(vec![FieldError::new("bulletins", "err.option")]));
    }
    for b in bulletins {
        if app.store.radio_bulletin(*b).await?.is_none() {
            return Err(AppError::Invalid(vec![FieldError::new("bulletins", "err.option")]));
        }
    }
    let mut w = app.store.begin_write().await?;
    w.radio_set_order(station, bulletins, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// Puts one bulletin first in the commune's order at a station (a clash
/// resolved from the station's page): the others keep theirs after it.
pub async fn play_first(app: &App, actor: Actor<'_>, station: i64, bulletin: i64) -> Result<(), AppError> {
    let mut ranks = app.store.radio_ranks(station).await?;
    ranks.sort_by_key(|(_, r)| *r);
    let mut order = vec![bulletin];
    order.extend(ranks.into_iter().map(|(b, _)| b).filter(|b| *b != bulletin));
    set_order(app, actor, station, &order).await
}

/// The normal bulletins that reach a station and are still valid, each
/// with the daily slots the commune chose for it there (none: any slot).
pub async fn placements(
    app: &App,
    actor: Actor<'_>,
    station: i64,
) -> Result<Vec<(BulletinRow, Vec<NaiveTime>)>, AppError> {
    let s = station_kept(app, actor, station).await?;
    let units = app.store.units().await?;
    let unit = unit_on(&units, &s.s.unit_code, app.now().date());
    let placed = app.store.radio_placements(station).await?;
    Ok(app
        .store
        .radio_live(app.store.now())
        .await?
        .into_iter()
        .filter(|b| b.b.priority == Priority::Normal && b.b.target.reaches(station, &unit))
        .map(|b| {
            let chosen = placed.iter().filter(|(id, _)| *id == b.id).map(|(_, t)| *t).collect();
            (b, chosen)
        })
        .collect())
}

/// The commune places a normal bulletin in chosen daily slots of its
/// station (by their starts; none: any slot, placed automatically).
pub async fn place(
    app: &App,
    actor: Actor<'_>,
    station: i64,
    bulletin: i64,
    starts: &[NaiveTime],
) -> Result<(), AppError> {
    let s = station_kept(app, actor, station).await?;
    let b = app.store.radio_bulletin(bulletin).await?.ok_or(AppError::NotFound)?;
    let units = app.store.units().await?;
    let mut errs = Vec::new();
    if b.b.priority != Priority::Normal {
        errs.push(FieldError::new("bulletin", "err.radio.place_normal"));
    } else if !b.b.target.reaches(station, &unit_on(&units, &s.s.unit_code, app.now().date())) {
        errs.push(FieldError::new("bulletin", "err.radio.place_target"));
    }
    let slots = app.store.radio_slots(station).await?;
    let mut chosen: Vec<NaiveTime> = starts.to_vec();
    chosen.sort();
    chosen.dedup();
    if chosen.iter().any(|t| !slots.iter().any(|s| s.start == *t)) {
        errs.push(FieldError::new("slots", "err.option"));
    }
    AppError::invalid(errs)?;
    let mut w = app.store.begin_write().await?;
    w.radio_set_placement(station, bulletin, &chosen, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// Adds a device to a station; its id.
pub async fn add_device(app: &App, actor: Actor<'_>, station: i64, d: &DeviceInput) -> Result<i64, AppError> {
    station_kept(app, actor, station).await?;
    AppError::invalid(invalid(d.check()))?;
    let mut w = app.store.begin_write().await?;
    let id = w
        .radio_add_device(station, d.serial.trim(), d.name.trim(), d.location.trim(), &actor.audit_name())
        .await?
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("serial", "err.taken")]))?;
    w.commit().await?;
    Ok(id)
}

/// A device's one-time enrolment code, valid 7 days (shown once).
pub async fn issue_enrolment(app: &App, actor: Actor<'_>, device: i64) -> Result<String, AppError> {
    let d = app.store.radio_device(device).await?.ok_or(AppError::NotFound)?;
    station_kept(app, actor, d.station_id).await?;
    let code = egov_identity::random_secret().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut w = app.store.begin_write().await?;
    let expires = app.store.now() + 7 * 86_400 * 1_000_000;
    w.radio_issue_enrolment(device, &egov_identity::secret_digest(&code), expires, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(code)
}

/// A bulletin as written, with its audio (if any) and the agency it is
/// from (the department may write for any agency; others for their own).
pub struct Writing<'a> {
    pub owner: Option<&'a str>,
    pub input: &'a BulletinInput,
    pub audio: Option<&'a [u8]>,
    /// Audio uploaded with an earlier try of the same form (its digest):
    /// kept, so a form sent back for another field's error loses nothing.
    pub kept_audio: Option<&'a str>,
}

/// Keeps an upload's audio if it decodes (content-addressed, so the same
/// file is kept once): its facts, for a form to show and send back.
pub async fn keep_audio(app: &App, actor: Actor<'_>, bytes: &[u8]) -> Result<AudioMeta, AppError> {
    scope(actor)?;
    let meta = decoded(bytes)?;
    let mut w = app.store.begin_write().await?;
    w.radio_put_audio(&meta, bytes).await?;
    w.commit().await?;
    Ok(meta)
}

/// Records a bulletin, pending approval by its level; its id. Every field's
/// problem at once, the audio's included (decoded in full: duration and
/// format from the audio itself).
pub async fn create_bulletin(app: &App, actor: Actor<'_>, wr: &Writing<'_>) -> Result<i64, AppError> {
    let scope = scope(actor)?;
    let now = app.now();
    let mut errs = Vec::new();
    let own_agency = match actor {
        Actor::User(p) => p.agency_id.as_ref().map(|a| a.as_str().to_string()),
        Actor::Operator => None,
    };
    let owner = match (&scope, wr.owner.map(str::trim).filter(|o| !o.is_empty()).map(String::from).or(own_agency)) {
        (Scope::All, Some(o)) => o,
        (Scope::Agency(a), Some(o)) if o != *a => {
            errs.push(FieldError::new("agency_id", "err.option"));
            a.clone()
        }
        (Scope::Agency(a), _) => a.clone(),
        (Scope::All, None) => {
            errs.push(FieldError::new("agency_id", "err.required"));
            String::new()
        }
    };
    let agency = if owner.is_empty() { None } else { app.store.agency(&owner).await? };
    if agency.is_none() && !owner.is_empty() {
        errs.push(FieldError::new("agency_id", "err.option"));
    }
    let b = match wr.input.check(now) {
        Ok(b) => Some(b),
        Err(ps) => {
            errs.extend(invalid(ps));
            None
        }
    };
    let units = app.store.units().await?;
    let stations = app.store.radio_stations().await?;
    if let Some(b) = &b {
        match &b.target {
            Target::Communes(c)
                if c.iter().any(|c| !units.iter().any(|u| u.code.as_str() == c && u.is_active_on(now.date()))) =>
            {
                errs.push(FieldError::new("communes", "err.option"))
            }
            Target::Stations(s) if s.iter().any(|s| !stations.iter().any(|x| x.id == *s)) => {
                errs.push(FieldError::new("stations", "err.option"))
            }
            _ => {}
        }
    }
    let audio = match wr.audio.filter(|a| !a.is_empty()) {
        Some(bytes) if bytes.len() > MAX_AUDIO => {
            errs.push(FieldError::new("audio", "err.radio.audio_size"));
            None
        }
        Some(bytes) => match egov_audio::probe(bytes) {
            Ok(info) => Some((info, bytes)),
            Err(e) => {
                errs.push(FieldError::with_detail("audio", "err.radio.audio", e.to_string()));
                None
            }
        },
        None => None,
    };
    AppError::invalid(errs)?;
    let (Some(b), Some(agency)) = (b, agency) else { return Err(AppError::Internal("checked above".into())) };
    let own_unit = agency.unit_code.as_str().to_string();
    let only_own = match &b.target {
        Target::Stations(ids) => ids.iter().all(|id| {
            stations
                .iter()
                .find(|s| s.id == *id)
                .is_some_and(|s| unit_on(&units, &s.s.unit_code, now.date()) == own_unit)
        }),
        _ => false,
    };
    let level = egov_radio::level(agency.kind == AgencyKind::CommunePeoplesCommittee, &own_unit, &b.target, only_own);
    let mut w = app.store.begin_write().await?;
    let sha = match &audio {
        Some((info, bytes)) => {
            let meta = audio_meta(info, bytes);
            w.radio_put_audio(&meta, bytes).await?;
            Some(meta.sha256)
        }
        None => match wr.kept_audio.filter(|s| !s.is_empty()) {
            Some(s) if app.store.radio_audio_meta(s).await?.is_some() => Some(s.to_string()),
            _ => None,
        },
    };
    let id = w.radio_create_bulletin(&owner, &b, level, sha.as_deref(), &actor.audit_name()).await?;
    w.commit().await?;
    Ok(id)
}

fn audio_meta(info: &egov_audio::AudioInfo, bytes: &[u8]) -> AudioMeta {
    use sha2::Digest;
    AudioMeta {
        sha256: egov_kernel::hex(&sha2::Sha256::digest(bytes)),
        format: info.format.as_str().into(),
        duration_ms: i64::try_from(info.duration_ms).unwrap_or(i64::MAX),
        size: bytes.len() as i64,
    }
}

/// An upload's audio facts if it is within the limit and decodes in full,
/// else the field's problem saying why.
fn decoded(bytes: &[u8]) -> Result<AudioMeta, AppError> {
    if bytes.len() > MAX_AUDIO {
        return Err(AppError::Invalid(vec![FieldError::new("audio", "err.radio.audio_size")]));
    }
    let info = egov_audio::probe(bytes)
        .map_err(|e| AppError::Invalid(vec![FieldError::with_detail("audio", "err.radio.audio", e.to_string())]))?;
    Ok(audio_meta(&info, bytes))
}

/// Gives a pending bulletin its audio (or another): decoded in full first.
pub async fn attach_audio(app: &App, actor: Actor<'_>, id: i64, bytes: &[u8]) -> Result<(), AppError> {
    let scope = scope(actor)?;
    let b = app.store.radio_bulletin(id).await?.ok_or(AppError::NotFound)?;
    if !scope.covers(&b.owner_agency) {
        return Err(AppError::NotFound);
    }
    if b.state != State::Pending {
        return Err(AppError::refused(Refusal::Conflict, "err.radio.state", "only a pending bulletin's audio changes"));
    }
    let meta = decoded(bytes)?;
    let mut w = app.store.begin_write().await?;
    w.radio_put_audio(&meta, bytes).await?;
    w.radio_set_audio(id, &meta.sha256, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// Whether the actor may approve (or reject) a bulletin of this level and agency.
pub fn may_decide(scope: &Scope, level: Level, owner: &str) -> bool {
    match level {
        Level::Province => *scope == Scope::All,
        Level::Commune => scope.covers(owner),
    }
}

/// Approves, rejects or withdraws a bulletin. Approval is the level's (the
/// commune's for its own, the province's otherwise), by someone other than
/// its author — but for an emergency, which its author may send at once if
/// the level is theirs. An approved emergency goes out at once.
pub async fn decide(app: &App, actor: Actor<'_>, id: i64, d: Decision, note: &str) -> Result<(), AppError> {
    let scope = scope(actor)?;
    let b = app.store.radio_bulletin(id).await?.ok_or(AppError::NotFound)?;
    let sees = scope.covers(&b.owner_agency) || scope == Scope::All;
    if !sees {
        return Err(AppError::NotFound);
    }
    let deciding = matches!(d, Decision::Approve | Decision::Reject);
    if deciding && !may_decide(&scope, b.level, &b.owner_agency) {
        return Err(AppError::refused(
            Refusal::NotPermitted,
            "err.radio.level",
            "this bulletin is approved at another level",
        ));
    }
    // four eyes for people; the operator at the command line holds the database and may do anything
    let person = matches!(actor, Actor::User(_));
    if person && d == Decision::Approve && b.created_by == actor.audit_name() && b.b.priority != Priority::Emergency {
        return Err(AppError::refused(
            Refusal::NotPermitted,
            "err.radio.own",
            "a bulletin is approved by someone other than its author",
        ));
    }
    if note.chars().count() > 1000 {
        return Err(AppError::Invalid(vec![FieldError::new("note", "err.too_long")]));
    }
    let to = egov_radio::decide(b.state, d, b.audio.is_some())
        .map_err(|key| AppError::refused(Refusal::Conflict, key, "not from its present state"))?;
    let mut w = app.store.begin_write().await?;
    if !w.radio_decide(id, b.state, to, note.trim(), &actor.audit_name()).await? {
        return Err(AppError::refused(Refusal::Conflict, "err.radio.state", "changed meanwhile"));
    }
    w.commit().await?;
    if to == State::Approved && b.b.priority == Priority::Emergency {
        if let Some(b) = app.store.radio_bulletin(id).await? {
            if let Some(a) = hub::Alert::of(&b) {
                app.radio.publish(a);
            }
        }
    }
    Ok(())
}

/// The bulletins the actor sees: the department all, an agency its own and
/// those that reach its commune; newest first.
pub async fn bulletins(app: &App, actor: Actor<'_>) -> Result<Vec<BulletinRow>, AppError> {
    let scope = scope(actor)?;
    let unit = own_unit(app, &scope).await?;
    let list = app.store.radio_bulletins(500).await?;
    Ok(list
        .into_iter()
        .filter(|b| match &scope {
            Scope::All => true,
            Scope::Agency(a) => {
                &b.owner_agency == a
                    || unit
                        .as_deref()
                        .is_some_and(|u| matches!(&b.b.target, Target::Communes(c) if c.iter().any(|c| c == u)))
            }
        })
        .collect())
}

/// One bulletin, if the actor sees it.
pub async fn bulletin(app: &App, actor: Actor<'_>, id: i64) -> Result<BulletinRow, AppError> {
    bulletins(app, actor).await?.into_iter().find(|b| b.id == id).ok_or(AppError::NotFound)
}

/// A station's programme from `from` for `days` days: what plays when, and
/// what did not fit.
pub async fn programme(
    app: &App,
    station: &Station,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<(Vec<egov_radio::Planned>, Vec<egov_radio::Clash>), AppError> {
    let units = app.store.units().await?;
    let unit = unit_on(&units, &station.s.unit_code, from.date());
    let slots = app.store.radio_slots(station.id).await?;
    let ranks = app.store.radio_ranks(station.id).await?;
    let placed = app.store.radio_placements(station.id).await?;
    let live = app.store.radio_live(egov_kernel::vn::to_micros(from)).await?;
    let playable: Vec<egov_radio::Playable> = live
        .iter()
        .filter(|b| b.b.target.reaches(station.id, &unit))
        .filter_map(|b| {
            let audio = b.audio.as_ref()?;
            Some(egov_radio::Playable {
                id: b.id,
                priority: b.b.priority,
                rank: ranks.iter().find(|(id, _)| *id == b.id).map_or(0, |(_, r)| *r),
                approved_at: egov_kernel::vn::from_micros(b.decided_at.unwrap_or(b.created_at)).unwrap_or_default(),
                valid_from: b.b.valid_from,
                valid_to: b.b.valid_to,
                duration_ms: u64::try_from(audio.duration_ms).unwrap_or(0),
                slots: placed.iter().filter(|(id, _)| *id == b.id).map(|(_, t)| *t).collect(),
            })
        })
        .collect();
    Ok(egov_radio::playlist(&playable, &slots, from, to))
}

/// The station's programme for the back office (a station the actor sees).
pub async fn station_programme(
    app: &App,
    actor: Actor<'_>,
    station: i64,
    day: NaiveDate,
    days: u32,
) -> Result<(Station, Vec<egov_radio::Planned>, Vec<egov_radio::Clash>), AppError> {
    scope(actor)?;
    let s = app.store.radio_station(station).await?.ok_or(AppError::NotFound)?;
    let from = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let (plays, clashes) = programme(app, &s, from, from + chrono::Duration::days(i64::from(days.clamp(1, 7)))).await?;
    Ok((s, plays, clashes))
}

//! Issue 20, commune radio: bulletins take only audio that decodes; a
//! simulated device follows the protocol (enrolment, playlist, audio by
//! ranges, status, playbacks) and the figures equal a hand count; an
//! emergency reaches a thousand connected devices, a device that comes back
//! while it is valid, and not one that comes back after; a merged
//! commune's playbacks count under the old unit before the merger and the
//! new one after.

use std::time::Duration;

use egov_radio_sim::{Device, Playback};
use sha2::Digest;

use crate::common::*;

fn lame_mp3(seconds: u32) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("egov-radio-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("t.wav"), egov_audio::tone_wav(seconds, 22_050, 440.0)).unwrap();
    let out = std::process::Command::new(tool("lame"))
        .args(["--quiet", "-b", "64"])
        .arg(dir.join("t.wav"))
        .arg(dir.join("t.mp3"))
        .output()
        .expect("lame");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mp3 = std::fs::read(dir.join("t.mp3")).unwrap();
    std::fs::remove_dir_all(dir).ok();
    mp3
}

async fn put_audio(c: &Client, id: i64, bytes: Vec<u8>, kind: &str) -> Resp {
    c.put_bytes(&format!("/api/v1/radio/bulletins/{id}/audio"), bytes, kind).await
}

fn vn_now() -> chrono::NaiveDateTime {
    egov_kernel::Clock::system().now()
}

fn minute(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// A station with slots and a device, and an approved bulletin with its
/// audio that plays there and on the public page: for the pages' checks. The station's id.
pub async fn fixture(app: &TestApp) -> i64 {
    let admin = app.as_user("demo.admin").await;
    let st =
        serde_json::json!({"name": "Đài truyền thanh phường Tân Ninh", "unit_code": "25441", "kind": "ip", "staff": 2});
    let station = admin.post_json("/api/v1/radio/stations", &st.to_string()).await.json()["id"].as_i64().unwrap();
    let slots = serde_json::json!({"slots": [{"start": "06:00", "end": "06:30"}, {"start": "17:00", "end": "17:30"}]});
    assert_eq!(
        admin.put_json(&format!("/api/v1/radio/stations/{station}/slots"), &slots.to_string()).await.status,
        204
    );
    let d = serde_json::json!({"serial": "LOA-TN-1", "name": "Cụm loa chợ", "location": "Chợ Tân Ninh"});
    admin.post_json(&format!("/api/v1/radio/stations/{station}/devices"), &d.to_string()).await;
    let b = serde_json::json!({"title": "Cảnh báo mưa lớn", "text": "Mưa lớn kéo dài, người dân chú ý an toàn.", "category": "disaster",
        "priority": "emergency", "target": "province", "valid_to": minute(vn_now() + chrono::Duration::days(3))});
    let id = admin.post_json("/api/v1/radio/bulletins", &b.to_string()).await.json()["id"].as_i64().unwrap();
    assert_eq!(put_audio(&admin, id, egov_audio::tone_wav(2, 8000, 440.0), "audio/wav").await.status, 204);
    let decide = serde_json::json!({"decision": "approve"}).to_string();
    assert_eq!(admin.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide).await.status, 204);
    station
}

/// A normal bulletin for Tân Ninh ward (25441), written by its committee,
/// approved by the department, valid 3 days: its id.
pub async fn normal_bulletin(app: &TestApp, title: &str) -> i64 {
    let b = serde_json::json!({"title": title, "text": "Lịch thu gom rác mới từ tháng 12.", "category": "news",
        "priority": "normal", "target": "communes", "communes": ["25441"], "valid_to": minute(vn_now() + chrono::Duration::days(3))});
    let commune = app.as_user("demo.agency-admin").await;
    let id = commune.post_json("/api/v1/radio/bulletins", &b.to_string()).await.json()["id"].as_i64().unwrap();
    assert_eq!(put_audio(&commune, id, egov_audio::tone_wav(2, 8000, 330.0), "audio/wav").await.status, 204);
    let decide = serde_json::json!({"decision": "approve"}).to_string();
    let admin = app.as_user("demo.admin").await;
    assert_eq!(admin.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide).await.status, 204);
    id
}

#[tokio::test]
async fn bulletins_take_only_audio_that_decodes_and_a_device_follows_its_playlist() {
    let app = spawn().await;
    let admin = app.as_user("demo.admin").await; // the department
    let commune = app.as_user("demo.agency-admin").await; // Tân Ninh ward's committee (25441)
    let st =
        serde_json::json!({"name": "Đài truyền thanh phường Tân Ninh", "unit_code": "25441", "kind": "ip", "staff": 2});
    let r = commune.post_json("/api/v1/radio/stations", &st.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let station = r.json()["id"].as_i64().unwrap();
    let elsewhere = serde_json::json!({"name": "Đài xã khác", "unit_code": "25449", "kind": "ip"});
    let r = commune.post_json("/api/v1/radio/stations", &elsewhere.to_string()).await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("unit_code")), "not its commune");
    // a slot that begins within the next hours
    let now = vn_now();
    let h = (chrono::Timelike::hour(&now) + 2) % 24;
    let slots = serde_json::json!({"slots": [{"start": format!("{h:02}:00"), "end": format!("{h:02}:30")}]});
    assert_eq!(
        commune.put_json(&format!("/api/v1/radio/stations/{station}/slots"), &slots.to_string()).await.status,
        204
    );
    let bad = serde_json::json!({"slots": [{"start": "06:00", "end": "07:00"}, {"start": "06:30", "end": "08:00"}]});
    let r = commune.put_json(&format!("/api/v1/radio/stations/{station}/slots"), &bad.to_string()).await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("slots")));
    let dev = serde_json::json!({"serial": "LOA-TN-001", "name": "Cụm loa khu phố 1", "location": "Ngã ba chợ"});
    let device = commune.post_json(&format!("/api/v1/radio/stations/{station}/devices"), &dev.to_string()).await.json()
        ["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        commune.post_json(&format!("/api/v1/radio/stations/{station}/devices"), &dev.to_string()).await.status,
        422
    );
    let code = commune.post_json(&format!("/api/v1/radio/devices/{device}/enrolment"), "").await.json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    // the commune's bulletin for its own commune: the commune's level
    let b = serde_json::json!({"title": "Lịch tiêm chủng tháng 12", "text": "Trạm y tế phường tiêm chủng vào sáng thứ Bảy.",
        "category": "health", "priority": "normal", "target": "communes", "communes": ["25441"], "valid_to": minute(now + chrono::Duration::days(3))});
    let r = commune.post_json("/api/v1/radio/bulletins", &b.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(commune.get(&format!("/api/v1/radio/bulletins/{id}")).await.json()["level"], "commune");
    // a renamed text file is refused, saying why; a WAV and then a real MP3 decode
    let r = put_audio(&commune, id, "Thông báo: họp dân lúc 8 giờ.".as_bytes().to_vec(), "audio/mpeg").await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("audio")), "{}", r.text);
    assert!(r.json()["errors"][0]["detail"].as_str().unwrap().contains("MP3"), "{}", r.text);
    assert_eq!(put_audio(&commune, id, egov_audio::tone_wav(3, 8000, 440.0), "audio/wav").await.status, 204);
    let d = commune.get(&format!("/api/v1/radio/bulletins/{id}")).await.json();
    assert_eq!((d["audio_format"].as_str(), d["audio_duration_ms"].as_i64()), (Some("wav"), Some(3000)));
    let mp3 = lame_mp3(4);
    assert_eq!(put_audio(&commune, id, mp3.clone(), "audio/mpeg").await.status, 204);
    let d = commune.get(&format!("/api/v1/radio/bulletins/{id}")).await.json();
    let ms = d["audio_duration_ms"].as_i64().unwrap();
    assert!(d["audio_format"] == "mp3" && (3_900..=4_150).contains(&ms), "{d}");
    // its author may not approve it; the department does
    let decide = |what: &str| serde_json::json!({"decision": what}).to_string();
    let r = commune.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide("approve")).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        admin.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide("approve")).await.status,
        204
    );
    assert_eq!(
        admin.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide("approve")).await.status,
        409
    );
    assert_eq!(put_audio(&commune, id, mp3.clone(), "audio/mpeg").await.status, 409, "approved: its audio stays");

    // the device: enrols once, reads its playlist, downloads by ranges, reports
    let http = reqwest::Client::new();
    let dev = Device::enrol(&http, &app.base, &code).await.unwrap();
    assert_eq!(dev.id, device);
    assert!(Device::enrol(&http, &app.base, &code).await.is_err(), "a code serves once");
    let plays = dev.playlist(24).await.unwrap();
    assert_eq!(plays.len(), 1, "{plays:?}");
    assert!(plays[0].bulletin_id == id && plays[0].at.ends_with(&format!("{h:02}:00:00")), "{plays:?}");
    let path = &plays[0].audio;
    let f = dev.audio(path, Some((0, 99)), None).await.unwrap();
    assert_eq!(f.status, 206);
    assert_eq!(f.body.len(), 100);
    assert_eq!(f.headers["content-range"], format!("bytes 0-99/{}", mp3.len()).as_str());
    assert_eq!(f.body, mp3[..100]);
    let whole = dev.download(path, plays[0].size as u64, 4096).await.unwrap();
    assert_eq!(egov_kernel::hex(&sha2::Sha256::digest(&whole)), plays[0].sha256);
    let etag = format!("\"{}\"", plays[0].sha256);
    assert_eq!(dev.audio(path, None, Some(&etag)).await.unwrap().status, 304);
    let past = mp3.len() as u64 + 10;
    assert_eq!(dev.audio(path, Some((past, past + 5)), None).await.unwrap().status, 416);
    dev.status(Some(id), 70, "").await.unwrap();
    let p = |rid: &str, started: u64, completed: bool| Playback {
        report_id: rid.into(),
        bulletin_id: id,
        started_seconds_ago: started,
        ended_seconds_ago: started - 240,
        completed,
    };
    assert_eq!(dev.report(&[p("r-1", 900, true), p("r-2", 600, false)]).await.unwrap(), 2);
    assert_eq!(dev.report(&[p("r-1", 900, true)]).await.unwrap(), 0, "sent again: kept once");
    // the month's figures: two plays of 4 minutes, one completed, in Tân Ninh
    let month = vn_now().format("%Y-%m").to_string();
    let s = admin.get(&format!("/api/v1/radio/stats?month={month}")).await.json();
    assert_eq!((s["total"]["plays"].as_u64(), s["total"]["completed"].as_u64()), (Some(2), Some(1)), "{s}");
    assert_eq!(s["total"]["hours"].as_f64(), Some(0.13), "8 minutes");
    assert_eq!(s["by_unit"][0]["key"], "25441");
    assert_eq!((s["devices"].as_u64(), s["online"].as_u64()), (Some(1), Some(1)));
    assert_eq!(s["by_category"]["health"], 1);
    // what the central system collects, valid against egov's published schema (which can fail it)
    let schema = app.client().get("/api/v1/radio/export.schema.json").await.json();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let export = admin.get(&format!("/api/v1/radio/export.json?month={month}")).await.json();
    let errors: Vec<String> = validator.iter_errors(&export).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}\n{export}");
    assert_eq!(
        (export["broadcast"][0]["plays"].as_u64(), export["bulletins"][0]["id"].as_i64()),
        (Some(2), Some(id)),
        "{export}"
    );
    assert_eq!(export["stations"][0]["commune_code"], "25441");
    let mut bad = export.clone();
    bad["broadcast"][0]["plays"] = serde_json::json!(-1);
    assert!(!validator.is_valid(&bad));
    assert_eq!(commune.get(&format!("/api/v1/radio/export.json?month={month}")).await.status, 403, "the department's");
    // the month's workbook, read back
    let bytes = admin.get_bytes(&format!("/api/v1/radio/report.xlsx?month={month}")).await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheets = wb.sheet_names();
    let communes = wb.worksheet_range(&sheets[0]).unwrap();
    assert_eq!(communes.get((1, 0)).map(|c| c.to_string()), Some("Phường Tân Ninh".to_string()), "{sheets:?}");
    assert_eq!(communes.get((1, 1)), Some(&calamine::Data::Float(2.0)));
    let listed = wb.worksheet_range(&sheets[2]).unwrap();
    assert_eq!(listed.get((1, 3)).map(|c| c.to_string()), Some("Đã duyệt".to_string()), "the state in words");
    // a second bulletin: by approval it plays after the first; the commune orders it first
    let b2 = serde_json::json!({"title": "Thu gom rác", "text": "Lịch thu gom rác mới.", "category": "news", "priority": "normal",
        "target": "communes", "communes": ["25441"], "valid_to": minute(now + chrono::Duration::days(3))});
    let id2 = commune.post_json("/api/v1/radio/bulletins", &b2.to_string()).await.json()["id"].as_i64().unwrap();
    assert_eq!(put_audio(&commune, id2, egov_audio::tone_wav(2, 8000, 330.0), "audio/wav").await.status, 204);
    assert_eq!(
        admin.post_json(&format!("/api/v1/radio/bulletins/{id2}/decision"), &decide("approve")).await.status,
        204
    );
    let first_two = |p: serde_json::Value| -> Vec<i64> {
        p["plays"].as_array().unwrap().iter().take(2).map(|x| x["bulletin_id"].as_i64().unwrap()).collect()
    };
    let programme = format!("/api/v1/radio/stations/{station}/programme?day={}&days=2", now.date());
    assert_eq!(first_two(commune.get(&programme).await.json()), [id, id2]);
    let order = |ids: &[i64]| serde_json::json!({ "bulletins": ids }).to_string();
    let r = commune.put_json(&format!("/api/v1/radio/stations/{station}/order"), &order(&[id2, 999_999])).await;
    assert_eq!(r.status, 422);
    assert_eq!(commune.put_json(&format!("/api/v1/radio/stations/{station}/order"), &order(&[id2])).await.status, 204);
    assert_eq!(first_two(commune.get(&programme).await.json()), [id2, id]);
    // another device's key is not this one's
    let other = Device::with_key(&http, &app.base, 0, "not-a-key");
    assert!(other.playlist(6).await.is_err());
    assert_eq!(app.store.count_where("audit_log", "action LIKE 'radio.%'").await.unwrap(), 13);
}

#[tokio::test]
async fn an_emergency_reaches_a_thousand_connected_devices_and_late_comers_while_it_is_valid() {
    let clock = egov_web::Clock::fixed(vn_now());
    let mut settings = egov_web::Settings::default();
    settings.app.clock = clock.clone();
    settings.agent_enrol_limit = egov_web::Limit { max: 10_000, window: Duration::from_secs(600) };
    // a thousand devices behind one address (a commune's NAT, here the test)
    settings.limits.max_per_address = 2_000;
    let app = spawn_with(settings).await;
    let admin = app.as_user("demo.admin").await;
    let st = serde_json::json!({"name": "Đài truyền thanh phường Trảng Bàng", "unit_code": "25449", "kind": "ip"});
    let station = admin.post_json("/api/v1/radio/stations", &st.to_string()).await.json()["id"].as_i64().unwrap();
    let http = reqwest::Client::new();
    let mut devices = Vec::new();
    for chunk in (0..1_002).collect::<Vec<u32>>().chunks(50) {
        let made = futures_util::future::join_all(chunk.iter().map(|i| {
            let (admin, http, base) = (&admin, &http, app.base.clone());
            async move {
                let d = serde_json::json!({"serial": format!("LOA-TB-{i:04}"), "name": format!("Cụm loa {i}")});
                let id =
                    admin.post_json(&format!("/api/v1/radio/stations/{station}/devices"), &d.to_string()).await.json()
                        ["id"]
                        .as_i64()
                        .unwrap();
                let code = admin.post_json(&format!("/api/v1/radio/devices/{id}/enrolment"), "").await.json()["code"]
                    .as_str()
                    .unwrap()
                    .to_string();
                Device::enrol(http, &base, &code).await.unwrap()
            }
        }))
        .await;
        devices.extend(made);
    }
    let (late, expired_late) = (devices.pop().unwrap(), devices.pop().unwrap());
    // a thousand devices hold the stream open
    let mut streams = Vec::new();
    for chunk in devices.chunks(100) {
        streams.extend(
            futures_util::future::join_all(chunk.iter().map(|d| d.listen())).await.into_iter().map(Result::unwrap),
        );
    }
    assert_eq!(streams.len(), 1_000);
    let now = clock.now();
    let b = serde_json::json!({"title": "Cảnh báo lũ quét", "text": "Người dân ven suối di chuyển ngay đến nơi an toàn.",
        "category": "disaster", "priority": "emergency", "target": "province", "valid_to": minute(now + chrono::Duration::hours(2))});
    let id = admin.post_json("/api/v1/radio/bulletins", &b.to_string()).await.json()["id"].as_i64().unwrap();
    let decide = serde_json::json!({"decision": "approve"}).to_string();
    assert_eq!(
        admin.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide).await.status,
        409,
        "no audio yet"
    );
    assert_eq!(put_audio(&admin, id, egov_audio::tone_wav(2, 8000, 880.0), "audio/wav").await.status, 204);
    // an emergency's author may send it at once
    assert_eq!(admin.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide).await.status, 204);
    let got = futures_util::future::join_all(streams.iter_mut().zip(&devices).map(|(s, d)| async move {
        let e = s.next_within(Duration::from_secs(60)).await.unwrap()?;
        d.received(e.bulletin_id).await.unwrap();
        Some(e.bulletin_id)
    }))
    .await;
    assert_eq!(got.iter().filter(|g| **g == Some(id)).count(), 1_000, "every connected device");
    // a device that was offline gets it on coming back, while it is valid
    let mut s = late.listen().await.unwrap();
    assert_eq!(s.next_within(Duration::from_secs(10)).await.unwrap().map(|e| e.bulletin_id), Some(id));
    late.received(id).await.unwrap();
    // and one that comes back after it expired does not
    clock.set(now + chrono::Duration::hours(3));
    let mut s = expired_late.listen().await.unwrap();
    assert_eq!(s.next_within(Duration::from_secs(2)).await.unwrap(), None);
    let month = now.format("%Y-%m").to_string();
    let f = admin.get(&format!("/api/v1/radio/stats?month={month}")).await.json();
    assert_eq!(f["emergencies"][0]["delivered"], 1_001, "{f}");
}

#[tokio::test]
async fn a_merged_commune_s_stations_and_playbacks_count_under_the_old_unit_then_the_new() {
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(at("2025-06-20 09:00"));
    let mut settings = egov_web::Settings::default();
    settings.app.clock = clock.clone();
    let app = spawn_with(settings).await;
    let units = app.store.units().await.unwrap();
    let old = units.iter().find(|u| u.code.as_str() == "25451").unwrap();
    let new = old.succeeded_by.as_ref().unwrap().as_str().to_string();
    let admin = app.as_user("demo.admin").await;
    // before the merger: An Hòa commune's station
    let st = serde_json::json!({"name": "Đài truyền thanh xã An Hòa", "unit_code": "25451", "kind": "wired"});
    let r = admin.post_json("/api/v1/radio/stations", &st.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let station = r.json()["id"].as_i64().unwrap();
    let d = serde_json::json!({"serial": "LOA-AH-1", "name": "Cụm loa ấp 1"});
    let device = admin.post_json(&format!("/api/v1/radio/stations/{station}/devices"), &d.to_string()).await.json()
        ["id"]
        .as_i64()
        .unwrap();
    let code = admin.post_json(&format!("/api/v1/radio/devices/{device}/enrolment"), "").await.json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let dev = Device::enrol(&reqwest::Client::new(), &app.base, &code).await.unwrap();
    let b = serde_json::json!({"title": "Phòng chống sốt xuất huyết", "text": "Diệt lăng quăng.", "category": "health",
        "priority": "emergency", "target": "province", "valid_to": "2025-12-31T00:00"});
    let r = admin.post_json("/api/v1/radio/bulletins", &b.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(put_audio(&admin, id, egov_audio::tone_wav(1, 8000, 440.0), "audio/wav").await.status, 204);
    let decide = serde_json::json!({"decision": "approve"}).to_string();
    assert_eq!(admin.post_json(&format!("/api/v1/radio/bulletins/{id}/decision"), &decide).await.status, 204);
    let play = |rid: &str| Playback {
        report_id: rid.into(),
        bulletin_id: id,
        started_seconds_ago: 120,
        ended_seconds_ago: 60,
        completed: true,
    };
    assert_eq!(dev.report(&[play("june")]).await.unwrap(), 1);
    // after the merger on 1 July: the same station, now under the new ward
    clock.set(at("2025-07-10 09:00"));
    assert_eq!(dev.report(&[play("july")]).await.unwrap(), 1);
    let june = admin.get("/api/v1/radio/stats?month=2025-06").await.json();
    let july = admin.get("/api/v1/radio/stats?month=2025-07").await.json();
    let units_of = |s: &serde_json::Value| {
        s["by_unit"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (u["key"].as_str().unwrap().to_string(), u["plays"].as_u64().unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(units_of(&june), [("25451".to_string(), 1)]);
    assert_eq!(units_of(&july), [(new.clone(), 1)]);
    let list = admin.get("/api/v1/radio/stations").await.json();
    assert_eq!((list[0]["unit_code"].as_str(), list[0]["unit_today"].as_str()), (Some("25451"), Some(new.as_str())));
    // a new station cannot be put in a commune that is gone
    let gone = serde_json::json!({"name": "Đài mới", "unit_code": "25451", "kind": "ip"});
    let r = admin.post_json("/api/v1/radio/stations", &gone.to_string()).await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("unit_code")));
}

#[tokio::test]
async fn the_back_office_keeps_an_upload_through_a_form_s_errors_and_the_public_page_plays_the_bulletin() {
    let app = spawn().await;
    let commune = app.client();
    commune.login("demo.agency-admin", DEMO_PASSWORD).await;
    let p = commune.get("/quan-tri/truyen-thanh").await;
    assert_eq!(p.status, 200, "{}", p.text);
    let until = minute(vn_now() + chrono::Duration::days(2));
    let wav = egov_audio::tone_wav(2, 8000, 440.0);
    // no title: every error at once, the audio received and kept, the commune still ticked
    let form = reqwest::multipart::Form::new()
        .text("csrf", p.csrf())
        .text("title", "")
        .text("text", "Họp tổ dân phố lúc 19 giờ tối thứ Sáu.")
        .text("category", "news")
        .text("priority", "normal")
        .text("target", "communes")
        .text("commune_25441", "1")
        .text("valid_to", until.clone())
        .part("audio", reqwest::multipart::Part::bytes(wav.clone()).file_name("hop-to-dan-pho.wav"));
    let r = commune.post_multipart("/quan-tri/truyen-thanh/ban-tin", form).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("id=\"audio-kept\"") && r.text.contains("0:02 (WAV)"), "{}", r.text);
    assert!(r.text.contains("name=\"commune_25441\" value=\"1\" checked"), "{}", r.text);
    assert_eq!(r.text.matches("class=\"error\"").count(), 1, "{}", r.text);
    let sha = egov_kernel::hex(&sha2::Sha256::digest(&wav));
    assert!(r.text.contains(&format!("name=\"kept_audio\" value=\"{sha}\"")));
    // a renamed text file as the audio: refused, saying why
    let form = reqwest::multipart::Form::new()
        .text("csrf", p.csrf())
        .text("title", "Họp tổ dân phố")
        .text("text", "x")
        .text("category", "news")
        .text("priority", "normal")
        .text("target", "communes")
        .text("commune_25441", "1")
        .text("valid_to", until.clone())
        .part("audio", reqwest::multipart::Part::bytes(b"not audio at all".to_vec()).file_name("thong-bao.mp3"));
    let r = commune.post_multipart("/quan-tri/truyen-thanh/ban-tin", form).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Tệp âm thanh không đọc được"), "{}", r.text);
    // sent again with the title, the kept audio and no file: written
    let form = reqwest::multipart::Form::new()
        .text("csrf", p.csrf())
        .text("title", "Họp tổ dân phố")
        .text("text", "Họp tổ dân phố lúc 19 giờ tối thứ Sáu.")
        .text("category", "news")
        .text("priority", "normal")
        .text("target", "communes")
        .text("commune_25441", "1")
        .text("valid_to", until)
        .text("kept_audio", sha.clone());
    let r = commune.post_multipart("/quan-tri/truyen-thanh/ban-tin", form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let id = app.store.radio_bulletins(10).await.unwrap()[0].id;
    // the department approves it on its page
    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let d = admin.get("/quan-tri/truyen-thanh").await;
    let action = format!("/quan-tri/truyen-thanh/ban-tin/{id}/quyet-dinh");
    assert!(d.text.contains(&action), "{}", d.text);
    let r = admin.post_form(&action, &[("csrf", &d.csrf()), ("decision", "approve")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    // the public page: the title, a player and the transcript; the audio by ranges
    let public = app.client().get("/truyen-thanh?xa=25441").await;
    assert!(
        public.text.contains("Họp tổ dân phố")
            && public.text.contains(&format!("src=\"/truyen-thanh/am-thanh/{id}\""))
            && public.text.contains("Họp tổ dân phố lúc 19 giờ tối thứ Sáu."),
        "{}",
        public.text
    );
    let r = app.client().get_with(&format!("/truyen-thanh/am-thanh/{id}"), &[("range", "bytes=0-43")]).await;
    assert_eq!((r.status, r.header("content-type")), (206, "audio/wav"));
    // a station, its slots and a device with its one-time code, on the pages
    let r = commune
        .post_form(
            "/quan-tri/truyen-thanh/dai",
            &[("csrf", &p.csrf()), ("name", ""), ("unit_code", "25441"), ("kind", "ip")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("name=\"unit_code\"") && r.text.contains("value=\"25441\" selected"), "{}", r.text);
    let r = commune
        .post_form(
            "/quan-tri/truyen-thanh/dai",
            &[("csrf", &p.csrf()), ("name", "Đài phường Tân Ninh"), ("unit_code", "25441"), ("kind", "ip")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let station =
        r.header("location").trim_start_matches("/quan-tri/truyen-thanh/dai/").trim_end_matches("?luu=1").to_string();
    let s = commune.get(&format!("/quan-tri/truyen-thanh/dai/{station}")).await;
    let r = commune
        .post_form(
            &format!("/quan-tri/truyen-thanh/dai/{station}/khung-gio"),
            &[("csrf", &s.csrf()), ("slots", "06:00-06:30\n17:00-16:00")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("17:00-16:00"), "the slots typed come back: {}", r.text);
    let r = commune
        .post_form(
            &format!("/quan-tri/truyen-thanh/dai/{station}/khung-gio"),
            &[("csrf", &s.csrf()), ("slots", "06:00-06:30\n17:00-17:30")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = commune
        .post_form(
            &format!("/quan-tri/truyen-thanh/dai/{station}/thiet-bi"),
            &[("csrf", &s.csrf()), ("serial", "LOA-01"), ("device_name", "Cụm loa chợ")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let device = app.store.radio_devices(None).await.unwrap()[0].id;
    let r = commune.post_form(&format!("/quan-tri/truyen-thanh/thiet-bi/{device}/ma"), &[("csrf", &s.csrf())]).await;
    assert_eq!(r.status, 200);
    let code = r.text.split("<code>").nth(1).and_then(|x| x.split("</code>").next()).unwrap().to_string();
    assert!(Device::enrol(&reqwest::Client::new(), &app.base, &code).await.is_ok());
}

#[tokio::test]
async fn the_dashboard_shows_devices_online_by_day_from_the_quarter_hour_notes() {
    let app = spawn().await;
    let station = fixture(&app).await;
    let admin = app.as_user("demo.admin").await;
    // notes of a week ago, as the job writes them each quarter: 1 of 1
    // device online, then none
    let week_ago = vn_now() - chrono::Duration::days(7);
    let at = egov_kernel::vn::to_micros(week_ago.date().and_hms_opt(9, 0, 0).unwrap());
    let note = |at: i64, online: i64| egov_store::radio::Presence { at, station_id: station, devices: 1, online };
    let mut w = app.store.begin_write().await.unwrap();
    w.radio_put_presence(&[note(at, 1), note(at + 900_000_000, 0)]).await.unwrap();
    w.commit().await.unwrap();
    let page = admin.get(&format!("/quan-tri/truyen-thanh?thang={}", week_ago.format("%Y-%m"))).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Thiết bị trực tuyến theo ngày"), "the section");
    let section = page.text.split("id=\"pres-h\"").nth(1).expect("the section").split("</table>").next().unwrap();
    let day = week_ago.format("%d/%m/%Y").to_string();
    assert!(
        section.contains(&format!("<th scope=\"row\">{day}</th><td>1</td><td>0,5</td><td>0</td>")),
        "a week ago: 1 device, 0.5 online on average, 0 at the fewest: {section}"
    );
    // and in the month's workbook, its last sheet
    let bytes = admin.get_bytes(&format!("/api/v1/radio/report.xlsx?month={}", week_ago.format("%Y-%m"))).await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheets = wb.sheet_names();
    assert_eq!(sheets.last().map(String::as_str), Some("Thiết bị trực tuyến theo ngày"), "{sheets:?}");
    let presence = wb.worksheet_range(&sheets[sheets.len() - 1]).unwrap();
    let line = (1..presence.height())
        .find(|&r| presence.get((r, 0)).map(|c| c.to_string()) == Some(week_ago.date().to_string()))
        .expect("a week ago's line");
    assert_eq!(presence.get((line, 2)), Some(&calamine::Data::Float(0.5)));
    // and in what the central system collects, station by station, valid against the schema
    let month = week_ago.format("%Y-%m").to_string();
    let export = admin.get(&format!("/api/v1/radio/export.json?month={month}")).await.json();
    let schema = app.client().get("/api/v1/radio/export.schema.json").await.json();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator.iter_errors(&export).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}\n{export}");
    assert_eq!(
        export["presence"],
        serde_json::json!([{"station_id": station, "day": week_ago.date().to_string(), "quarters": 2, "devices": 1,
            "online_average": 0.5, "fewest_online": 0}])
    );
    let mut bad = export.clone();
    bad["presence"][0]["quarters"] = serde_json::json!(0);
    assert!(!validator.is_valid(&bad), "a day has at least one note");
    // a month before any note says there is none
    let page = admin.get("/quan-tri/truyen-thanh?thang=2020-01").await;
    assert!(page.text.contains("Chưa có ghi nhận thiết bị trực tuyến"));
}

#[tokio::test]
async fn stations_are_imported_from_csv_on_the_page_all_or_nothing_with_each_line_s_problem_in_words() {
    let app = spawn().await;
    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let p = admin.get("/quan-tri/truyen-thanh").await;
    assert_eq!(p.status, 200, "{}", p.text);
    let header = "name,unit_code,kind,status,staff,address\n";
    let bad = format!("{header}Đài phường Tân Ninh,25441,ip,operating,2,Chợ\n,25441,satellite,operating,1,\n");
    let csrf = p.csrf();
    let r = admin.post_form("/quan-tri/truyen-thanh/dai/nhap", &[("csrf", &csrf), ("document", &bad)]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let errors = r.text.split("id=\"imp-err\"").nth(1).expect("the problems").split("</ul>").next().unwrap();
    assert!(errors.contains("Dòng 3, Đài truyền thanh:") && errors.contains("Dòng 3, Loại đài:"), "{errors}");
    assert!(!errors.contains("unit_code") && !errors.contains("Dòng 2"), "words, and only the bad line: {errors}");
    assert!(r.text.contains("Đài phường Tân Ninh,25441,ip"), "what was sent is kept");
    assert!(app.store.radio_stations().await.unwrap().is_empty(), "nothing imported");
    // corrected: both lines in
    let good = format!("{header}Đài phường Tân Ninh,25441,ip,operating,2,Chợ\nĐài FM Tân Ninh,25441,fm,operating,1,\n");
    let r = admin.post_form("/quan-tri/truyen-thanh/dai/nhap", &[("csrf", &csrf), ("document", &good)]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let names: Vec<String> = app.store.radio_stations().await.unwrap().into_iter().map(|s| s.s.name).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[tokio::test]
async fn the_commune_places_a_normal_bulletin_in_chosen_slots_on_the_page_and_through_the_api() {
    let app = spawn().await;
    let station = fixture(&app).await; // slots 06:00–06:30 and 17:00–17:30, an emergency
    let admin = app.as_user("demo.admin").await;
    let api = app.as_user("demo.agency-admin").await; // Tân Ninh ward's committee
    let now = vn_now();
    let id = normal_bulletin(&app, "Lịch thu gom rác").await;
    let tomorrow = now.date() + chrono::Duration::days(1);
    let programme = format!("/api/v1/radio/stations/{station}/programme?day={tomorrow}");
    let slots_of = |p: serde_json::Value| -> Vec<String> {
        p["plays"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["bulletin_id"].as_i64() == Some(id))
            .map(|x| x["slot"].as_str().unwrap()[11..16].to_string())
            .collect()
    };
    assert_eq!(slots_of(admin.get(&programme).await.json()), ["06:00", "17:00"], "not placed: every slot");

    // the commune's official, on the station's page: the bulletin is placed automatically
    let official = app.client();
    official.login("demo.agency-admin", DEMO_PASSWORD).await;
    let page = format!("/quan-tri/truyen-thanh/dai/{station}");
    let p = official.get(&page).await;
    assert_eq!(p.status, 200, "{}", p.text);
    let section = p.text.split("id=\"place-h\"").nth(1).expect("the placement section");
    assert!(section.contains("Lịch thu gom rác") && section.contains("Đang tự xếp vào mọi khung giờ."), "{section}");
    assert!(
        !section.split("id=\"slots-h\"").next().unwrap().contains("Cảnh báo mưa lớn"),
        "an emergency is not placed"
    );
    let csrf = p.csrf();
    let post = format!("{page}/xep");
    let bid = id.to_string();
    // a slot the station does not have: every error shown, what was ticked kept, nothing stored
    let r =
        official.post_form(&post, &[("csrf", &csrf), ("bulletin", &bid), ("slot", "06:00"), ("slot", "09:00")]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Lựa chọn không hợp lệ."), "{}", r.text);
    let ticked = r.text.split(&format!("id=\"pl-err-{id}\"")).nth(1).expect("the error beside the bulletin");
    assert!(ticked.split("</fieldset>").next().unwrap().contains("value=\"06:00\" checked"), "{ticked}");
    assert!(app.store.radio_placements(station).await.unwrap().is_empty());
    // the evening slot alone
    let r = official.post_form(&post, &[("csrf", &csrf), ("bulletin", &bid), ("slot", "17:00")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(slots_of(admin.get(&programme).await.json()), ["17:00"]);
    let p = official.get(&page).await;
    let mine = p.text.split(&format!("id=\"pl-t-{id}\"")).nth(1).unwrap().split("</fieldset>").next().unwrap();
    assert!(mine.contains("value=\"17:00\" checked") && !mine.contains("value=\"06:00\" checked"), "{mine}");

    // the same through the API
    let list = api.get(&format!("/api/v1/radio/stations/{station}/placements")).await.json();
    assert_eq!(list, serde_json::json!([{"bulletin_id": id, "title": "Lịch thu gom rác", "slots": ["17:00"]}]));
    let put = |ids: i64| format!("/api/v1/radio/stations/{station}/placements/{ids}");
    let body = |s: &[&str]| serde_json::json!({ "slots": s }).to_string();
    assert_eq!(api.put_json(&put(id), &body(&["06:00", "17:00"])).await.status, 204);
    assert_eq!(slots_of(admin.get(&programme).await.json()), ["06:00", "17:00"]);
    let r = api.put_json(&put(id), &body(&["6 giờ"])).await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("slots[0]")), "{}", r.text);
    let all = admin.get("/api/v1/radio/bulletins").await.json();
    let urgent = all
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["priority"] == "emergency")
        .and_then(|b| b["id"].as_i64())
        .expect("the fixture's emergency");
    let r = api.put_json(&put(urgent), &body(&["06:00"])).await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("bulletin")), "{}", r.text);
    assert_eq!(api.put_json(&put(999_999), &body(&[])).await.status, 404);
    // the station's slots replaced: a placement in a slot that is gone goes with it
    let slots = serde_json::json!({"slots": [{"start": "06:00", "end": "06:30"}, {"start": "18:00", "end": "18:30"}]});
    assert_eq!(api.put_json(&format!("/api/v1/radio/stations/{station}/slots"), &slots.to_string()).await.status, 204);
    let kept: Vec<String> =
        app.store.radio_placements(station).await.unwrap().iter().map(|(_, t)| t.format("%H:%M").to_string()).collect();
    assert_eq!(kept, ["06:00"]);
    assert_eq!(slots_of(admin.get(&programme).await.json()), ["06:00"]);
    // nothing chosen: automatic again
    assert_eq!(api.put_json(&put(id), &body(&[])).await.status, 204);
    assert_eq!(slots_of(admin.get(&programme).await.json()), ["06:00", "18:00"]);
    assert_eq!(app.store.count_where("audit_log", "action = 'radio.placement'").await.unwrap(), 3);
}

/// Reads from a raw connection until `needle` has come (or 10 s): all read.
async fn read_until(s: &mut tokio::net::TcpStream, got: &mut Vec<u8>, needle: &str) -> String {
    use tokio::io::AsyncReadExt;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(got).contains(needle) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let mut buf = [0u8; 4096];
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            other => panic!("{needle:?} did not come ({other:?}): {}", String::from_utf8_lossy(got)),
        }
    }
    String::from_utf8_lossy(got).into_owned()
}

/// The emergency event in what a stream sent: `event: …` to its blank line.
fn event_in(text: &str) -> String {
    let from = text.find("event: emergency").expect("an emergency event");
    let len = text[from..].find("\n\n").expect("the event's end") + 2;
    text[from..from + len].to_string()
}

#[tokio::test]
async fn the_stream_asked_first_on_a_connection_is_served_lean_with_the_same_bytes_as_on_a_kept_alive_one() {
    use tokio::io::AsyncWriteExt;
    let app = spawn().await;
    let station = fixture(&app).await; // an approved emergency, valid 3 days, for the whole province
    let admin = app.as_user("demo.admin").await;
    let device = app.store.radio_devices(Some(station)).await.unwrap()[0].id;
    let code = admin.post_json(&format!("/api/v1/radio/devices/{device}/enrolment"), "").await.json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let dev = Device::enrol(&reqwest::Client::new(), &app.base, &code).await.unwrap();
    let ask = |path: &str, key: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: egov\r\nX-Device-Key: {key}\r\nAccept: text/event-stream\r\n\r\n")
    };
    // the connection's first request: served on the bare connection, closed after
    let mut lean = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    lean.write_all(ask("/api/v1/radio/device/emergencies", &dev.key).as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let text = read_until(&mut lean, &mut got, "\n\n\r\n").await.to_lowercase();
    let head = text.split("\r\n\r\n").next().unwrap();
    for h in [
        "http/1.1 200 ok",
        "content-type: text/event-stream",
        "transfer-encoding: chunked",
        "connection: close",
        "x-content-type-options: nosniff",
        "x-request-id: ",
    ] {
        assert!(head.contains(h), "{h} in {head}");
    }
    let lean_event = event_in(&String::from_utf8_lossy(&got));
    assert!(lean_event.contains("\"title\":\"Cảnh báo mưa lớn\""), "{lean_event}");
    // the device goes away: the server lets the connection go
    drop(lean);
    // the same request after another on a kept-alive connection: hyper's, the same event
    let mut kept = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    kept.write_all(ask("/api/v1/radio/device/playlist?hours=1", &dev.key).as_bytes()).await.unwrap();
    let mut got = Vec::new();
    read_until(&mut kept, &mut got, "\"plays\"").await;
    kept.write_all(ask("/api/v1/radio/device/emergencies", &dev.key).as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let text = read_until(&mut kept, &mut got, "\n\n\r\n").await;
    let head = text.to_lowercase().split("\r\n\r\n").next().unwrap().to_string();
    assert!(head.starts_with("http/1.1 200") && !head.contains("connection: close"), "{head}");
    assert_eq!(event_in(&text), lean_event, "the same bytes either way");
    // a wrong key, as a first request: the API's problem, in words, and the connection closed
    let mut bad = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    bad.write_all(ask("/api/v1/radio/device/emergencies", "not-a-key").as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let text = read_until(&mut bad, &mut got, "}").await;
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
    assert!(text.to_lowercase().contains("content-type: application/problem+json"), "{text}");
    let body: serde_json::Value = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["status"], 401);
    assert!(body["title"].as_str().is_some_and(|t| t.chars().any(char::is_whitespace)), "words: {body}");
    let mut rest = [0u8; 16];
    use tokio::io::AsyncReadExt;
    assert_eq!(tokio::time::timeout(Duration::from_secs(5), bad.read(&mut rest)).await.unwrap().unwrap(), 0, "closed");
    // the simulator, on its own connection, reads the lean stream
    let own = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let mut s = Device::with_key(&own, &app.base, dev.id, &dev.key).listen().await.unwrap();
    let e = s.next_within(Duration::from_secs(10)).await.unwrap().expect("the emergency");
    assert_eq!(e.title, "Cảnh báo mưa lớn");
}

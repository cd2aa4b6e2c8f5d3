//! The demo's commune radio (`serve --demo`): three stations with their
//! slots and devices, bulletins of each priority (tones for audio: the demo
//! has no voice), two weeks of playbacks, and the devices reporting while
//! the server runs. Made through the use cases and the device protocol.

use egov_app::radio::{self as ra, device, Writing};
use egov_app::Actor;
use egov_radio::{BulletinInput, Decision, DeviceInput, Slot, StationInput};

use crate::demo::{COMMUNE_A, DOST};

/// Makes the demo's stations unless there are some; the devices' keys.
pub async fn radio(app: &egov_app::App) -> Result<Vec<String>, String> {
    let fail = |e: egov_app::AppError| e.to_string();
    let op = Actor::Operator;
    if !ra::stations(app, op).await.map_err(fail)?.is_empty() {
        return Ok(Vec::new());
    }
    let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    let slots = [
        Slot { start: t(6, 0), end: t(6, 30) },
        Slot { start: t(11, 0), end: t(11, 15) },
        Slot { start: t(17, 0), end: t(17, 30) },
    ];
    let mut keys = Vec::new();
    for (name, unit, kind, devices) in [
        ("Đài truyền thanh phường Tân Ninh", "25441", "ip", 3),
        ("Đài truyền thanh phường Trảng Bàng", "25449", "ip", 2),
        ("Đài truyền thanh xã Châu Thành", "25445", "wired", 0),
    ] {
        let input = StationInput {
            name: name.into(),
            unit_code: unit.into(),
            kind: kind.into(),
            staff: "2".into(),
            ..Default::default()
        };
        let station = match ra::save_station(app, op, None, &input).await {
            Ok(id) => id,
            Err(egov_app::AppError::Invalid(_)) => continue,
            Err(e) => return Err(e.to_string()),
        };
        ra::set_slots(app, op, station, &slots).await.map_err(fail)?;
        for i in 1..=devices {
            let d = DeviceInput {
                serial: format!("LOA-{unit}-{i:02}"),
                name: format!("Cụm loa khu phố {i}"),
                location: format!("Khu phố {i}"),
            };
            let id = ra::add_device(app, op, station, &d).await.map_err(fail)?;
            let code = ra::issue_enrolment(app, op, id).await.map_err(fail)?;
            keys.push(device::enrol(app, &code).await.map_err(fail)?.secret);
        }
    }
    let now = app.now();
    let mut ids = Vec::new();
    for (owner, title, text, category, priority, target, communes, days, secs) in [
        (
            DOST,
            "Tuyên truyền chuyển đổi số",
            "Người dân cài đặt và sử dụng ứng dụng định danh điện tử để làm thủ tục trực tuyến.",
            "policy",
            "normal",
            "province",
            vec![],
            20,
            95,
        ),
        (
            COMMUNE_A,
            "Lịch tiêm chủng mở rộng",
            "Trạm y tế phường tiêm chủng cho trẻ dưới 5 tuổi vào sáng thứ Bảy.",
            "health",
            "priority",
            "communes",
            vec!["25441".to_string()],
            10,
            60,
        ),
        (
            DOST,
            "Cảnh báo mưa lớn, lũ quét",
            "Mưa lớn kéo dài; người dân vùng trũng thấp chủ động di dời đến nơi an toàn.",
            "disaster",
            "emergency",
            "province",
            vec![],
            1,
            40,
        ),
    ] {
        let input = BulletinInput {
            title: title.into(),
            text: text.into(),
            category: category.into(),
            priority: priority.into(),
            target: target.into(),
            communes,
            valid_to: Some(now + chrono::Duration::days(days)),
            ..Default::default()
        };
        let audio = egov_audio::tone_wav(secs, 8000, 440.0);
        let id = ra::create_bulletin(
            app,
            op,
            &Writing { owner: Some(owner), input: &input, audio: Some(&audio), kept_audio: None },
        )
        .await
        .map_err(fail)?;
        ra::decide(app, op, id, Decision::Approve, "").await.map_err(fail)?;
        ids.push((id, u64::from(secs)));
    }
    // two weeks of playbacks: each device, twice a day, one now and then cut short
    for (k, key) in keys.iter().enumerate() {
        let d = device::authenticate(app, key).await.map_err(fail)?;
        let mut list = Vec::new();
        for day in 1..=14u64 {
            for (j, (id, secs)) in ids.iter().take(2).enumerate() {
                let start = day * 86_400 - 3_600 * (j as u64 + 1);
                let cut = (day + k as u64).is_multiple_of(9);
                list.push(device::Reported {
                    report_id: format!("demo-{day}-{j}"),
                    bulletin_id: *id,
                    started_seconds_ago: start,
                    ended_seconds_ago: start - if cut { secs / 2 } else { *secs },
                    completed: !cut,
                });
            }
        }
        device::playbacks(app, &d, &list).await.map_err(fail)?;
        device::status(app, &d, &device::Status { volume: Some(80), ..Default::default() }).await.map_err(fail)?;
    }
    // two weeks of devices online, noted each hour: one device a station
    // off at night, a station's devices all off one afternoon
    let hour = 3_600_000_000i64;
    let this_hour = app.store.now() / hour * hour;
    let stations = app.store.radio_stations().await.map_err(|e| e.to_string())?;
    let devices = app.store.radio_devices(None).await.map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    for h in 1..=14 * 24i64 {
        let at = this_hour - h * hour;
        for (i, s) in stations.iter().enumerate() {
            let n = devices.iter().filter(|d| d.station_id == s.id).count() as i64;
            let local_hour = (at / hour + 7).rem_euclid(24);
            let off = if (0..5).contains(&local_hour) { 1 } else { 0 }
                + if h / 24 == 3 + i as i64 && (13..17).contains(&local_hour) { n } else { 0 };
            notes.push(egov_store::radio::Presence { at, station_id: s.id, devices: n, online: (n - off).max(0) });
        }
    }
    ra::stats::keep_presence(app, &notes).await.map_err(fail)?;
    Ok(keys)
}

/// The demo's devices report their status every minute while the server runs.
pub fn keep_reporting(app: egov_app::App, keys: Vec<String>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            for key in &keys {
                if let Ok(d) = device::authenticate(&app, key).await {
                    let _ = device::status(&app, &d, &device::Status { volume: Some(80), ..Default::default() }).await;
                }
            }
        }
    });
}

//! Issue 23 on the in-process server, its clock set by hand through a
//! fixture year (2026) that touches every module: each measured indicator
//! equals a hand count of the fixture's records at the year's end and at
//! 30 June; a unit's reported value counts only once approved; a target
//! amended in July decides the verdict and the report says so; the report
//! read back as PDF text, ODT content and XLSX cells, and made again
//! byte for byte; the template imported from CSV and XLSX, all or nothing.

use crate::common::*;

fn at(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn micros(s: &str) -> i64 {
    egov_kernel::vn::to_micros(at(s))
}

/// The fixture's plan: every figure egov measures, and training courses
/// reported by the ward.
const PLAN: &str = "\u{feff}code,name_vi,name_en,unit,target,direction,agency,source,course
online,Tỷ lệ hồ sơ trực tuyến,Dossiers online,%,50,at_least,H72.11,online_dossiers,
on_time,Tỷ lệ hồ sơ đúng hạn,Dossiers on time,%,90,at_least,H72.11,on_time,
digitised,Tỷ lệ số hóa,Digitised,%,30,at_least,H72.11,digitisation,
paid,Tỷ lệ thanh toán trực tuyến,Paid online,%,10,at_least,H72.11,paid_online,
procedures,TTHC trực tuyến,Procedures online,%,80,at_least,H72.11,online_procedures,
index,Chỉ số phục vụ,Service index,điểm,50,at_least,H72.11,index_766,
coverage,Tỷ lệ máy được bảo vệ,Machines protected,%,90,at_least,H72.11,protection_coverage,
serious,Sự cố nghiêm trọng,Serious incidents,sự cố,0,at_most,H72.11,serious_incidents,
network,Độ sẵn sàng mạng,Network availability,%,99,at_least,H72.11,network_availability,
stations,Đài truyền thanh,Radio stations,đài,2,at_least,H72.11,radio_stations,
stations_it,Đài ứng dụng CNTT,IT-based stations,đài,3,at_least,H72.11,radio_stations_it,
services,Dịch vụ LGSP,Gateway services,dịch vụ,2,at_least,H72.11,gateway_services,
exchanges,Lượt trao đổi mỗi tháng,Exchanges a month,lượt,1,at_least,H72.11,gateway_exchanges,
news,Tin bài,News articles,tin,2,at_least,H72.11,news_articles,
press,Họp báo,Press conferences,cuộc,4,at_least,H72.11,press_conferences,
training,Lớp tập huấn,Training courses,lớp,2,at_least,H72.50.01,reported,cumulative
";

/// A client with a token issued on the fixture's clock (a day long).
async fn signed(app: &TestApp, jobs: &egov_app::App, user: &str) -> Client {
    let uid = egov_app::accounts::user_id(&jobs.store, user).await.unwrap().unwrap();
    let day = std::time::Duration::from_secs(24 * 3600);
    let t = egov_app::accounts::issue_token(&jobs.store, egov_app::Actor::Operator, uid, "test", day).await.unwrap();
    app.client().with_bearer(&t.secret)
}

async fn progress(admin: &Client, on: &str) -> std::collections::HashMap<String, serde_json::Value> {
    let r = admin.get(&format!("/api/v1/plans/2026/progress?on={on}&detail=true")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["code"].as_str().unwrap().to_string(), i.clone()))
        .collect()
}

fn close(got: &serde_json::Value, want: f64, what: &str) {
    let g = got.as_f64().unwrap_or_else(|| panic!("{what}: no value ({got})"));
    assert!((g - want).abs() < 1e-6, "{what}: {g} ≠ {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_measured_indicator_equals_a_hand_count_of_a_fixture_year_at_its_end_and_in_its_middle() {
    let clock = egov_web::Clock::fixed(at("2026-01-02 08:00"));
    let app = spawn_with(egov_web::Settings {
        app: egov_app::Config { clock: clock.clone(), ..Default::default() },
        ..Default::default()
    })
    .await;
    // the job's own code, on the server's store and clock
    let jobs = egov_app::App::new(app.store.clone(), egov_app::Config { clock: clock.clone(), ..Default::default() })
        .await
        .unwrap();
    // tokens last a day of the clock: each person signs in again when it moves on
    let mut admin = signed(&app, &jobs, "demo.admin").await; // the department
    let mut ward; // H72.50.01's administrator, signed in when first needed

    // --- 2 January: the plan, the network's point, a station, egov's services on the gateway
    let r = admin
        .post_with_body("/api/v1/plans/2026/import?decision=QĐ%2015/QĐ-UBND&adopted_on=2026-01-02", PLAN, "text/csv")
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["indicators"], 16);
    // a year planned already is refused whole
    let again = admin
        .post_with_body("/api/v1/plans/2026/import?decision=QĐ%2016/QĐ-UBND&adopted_on=2026-01-03", PLAN, "text/csv")
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
    let r = admin
        .post_json(
            "/api/v1/network/sites",
            r#"{"name": "UBND phường Tân Ninh", "kind": "commune", "unit_code": "25441", "access_level": "II", "public": false}"#,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let site = r.json()["id"].as_i64().unwrap();
    let r = admin
        .post_json(
            &format!("/api/v1/network/sites/{site}/probes"),
            r#"{"name": "Loa xã", "kind": "push", "interval_s": 60}"#,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let probe = r.json()["id"].as_i64().unwrap();
    // the prober leaves it alone: its results are the fixture's below
    assert_eq!(admin.put_json(&format!("/api/v1/network/probes/{probe}"), r#"{"paused": true}"#).await.status, 204);
    // the ward takes fees by transfer to its account
    let account = r#"{"agency": "H72.50.01", "bin": "970415", "account": "113000123456", "holder": "UBND PHUONG TAN NINH", "from": "2020-01-01"}"#;
    let r = signed(&app, &jobs, "demo.agency-admin").await.post_json("/api/v1/payments/accounts", account).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let st = serde_json::json!({"name": "Đài phường Tân Ninh", "unit_code": "25441", "kind": "ip", "staff": 2});
    assert_eq!(admin.post_json("/api/v1/radio/stations", &st.to_string()).await.status, 201);
    let (own, client, key) = app.egov_on_the_gateway();
    egov_app::plan::keep_readings(&jobs).await.unwrap();

    // --- March: three dossiers, a serious incident, an outage, an article, a conference, three exchanges
    clock.set(at("2026-03-02 08:00")); // a Monday
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let approver = app.client().with_bearer(&app.token("demo.approver").await.1);
    let (a, b) = (submit_online(&citizen).await, submit_online(&citizen).await);
    let counter = serde_json::json!({"procedure": "1.000894", "citizen_id": "072090004321", "full_name": "Đặng Thị Quầy",
        "form": marriage(serde_json::json!({"applicant_name": "Đặng Thị Quầy", "applicant_id": "072090004321", "address": "Tổ 5"})), "parts": [0, 1]});
    let r = receiver.post_json("/api/v1/counter/dossiers", &counter.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let c = r.json()["code"].as_str().unwrap().to_string();
    // D, a registration of parentage, its fee of 5,000 đồng paid by transfer the same morning
    let r = citizen.post_multipart("/api/v1/dossiers", crate::fees::parentage()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let d = r.json()["code"].as_str().unwrap().to_string();
    let statement = format!("reference,time,amount,description\nFT01,2026-03-02 08:30:00,5000,{d} nop phi\n");
    let r = receiver.post_with_body("/api/v1/payments/bank/statements", &statement, "text/csv").await;
    assert_eq!(r.status, 200, "{}", r.text);
    for x in [&a, &b, &d] {
        receiver.act_ok(x, serde_json::json!({"action": "accept"})).await;
    }
    for x in [&a, &b, &c, &d] {
        approver.act_ok(x, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    }
    // A's parts checked against their originals, and A returned with an electronic result: digitised
    let files = receiver.get(&format!("/api/v1/dossiers/{a}")).await.json()["files"].clone();
    for f in files.as_array().unwrap().iter().filter(|f| f["purpose"] == "part") {
        let r = receiver.post_json(&format!("/api/v1/dossiers/{a}/files/{}/digitised", f["id"]), "").await;
        assert_eq!(r.status, 204, "{}", r.text);
    }
    clock.set(at("2026-03-02 10:00"));
    for x in [&a, &c, &d] {
        approver.act_ok(x, serde_json::json!({"action": "approve"})).await;
    }
    let form = reqwest::multipart::Form::new()
        .text("action", r#"{"action": "return_result"}"#)
        .part("result", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("ket-qua.pdf"));
    assert_eq!(receiver.post_multipart(&format!("/api/v1/dossiers/{a}/actions"), form).await.status, 200);
    clock.set(at("2026-03-04 09:00")); // B a day late
    approver.act_ok(&b, serde_json::json!({"action": "approve"})).await;

    clock.set(at("2026-03-10 10:00"));
    admin = signed(&app, &jobs, "demo.admin").await;
    ward = signed(&app, &jobs, "demo.agency-admin").await;
    let sys = serde_json::json!({"name": "Hệ thống một cửa điện tử", "owner_agency": "H72.50.01", "proposed_level": 4, "approved_level": 4, "approval_decision": "QĐ 12/QĐ-UBND"});
    let sys = ward.post_json("/api/v1/incidents/systems", &sys.to_string()).await.json()["id"].as_i64().unwrap();
    let inc = serde_json::json!({"agency_id": "H72.50.01", "title": "Một cửa điện tử ngừng hoạt động", "kind": "denial_of_service",
        "severity": "critical", "harms": {"outage": true}, "discovered_at": "2026-03-10T08:30", "systems": [sys]});
    let r = ward.post_json("/api/v1/incidents", &inc.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let incident = r.json()["id"].as_i64().unwrap();
    let beyond = serde_json::json!({"step": "beyond_capacity", "day": "2026-03-10"}).to_string();
    assert_eq!(ward.post_json(&format!("/api/v1/incidents/{incident}/steps"), &beyond).await.status, 204);
    // a lesser incident, not serious: not counted
    let minor = serde_json::json!({"agency_id": "H72.50.01", "title": "Trang tin chậm", "kind": "denial_of_service",
        "severity": "low", "harms": {}, "discovered_at": "2026-03-10T09:00", "systems": []});
    assert_eq!(ward.post_json("/api/v1/incidents", &minor.to_string()).await.status, 201);
    // the point down from 10 March 00:00 to 11 March 00:00, as the prober records it
    {
        use egov_network::{Change, Outcome, Tracker};
        let (t0, t1) = (micros("2026-03-10 00:00"), micros("2026-03-11 00:00"));
        let down = Tracker { failures: 3, first_failure: Some(t0), down: true };
        let rec = |slot, at, outcome, change, tracker| egov_store::network::Record {
            probe_id: probe,
            site_id: site,
            slot,
            planned: at,
            at,
            outcome,
            change,
            tracker,
            cert_expires_at: None,
        };
        let mut w = app.store.begin_write().await.unwrap();
        w.net_record(&[
            rec(1, t0 + 120_000_000, Outcome::down(0, "no push"), Change::WentDown, down),
            rec(2, t1, Outcome::up(3), Change::CameBack, Tracker::default()),
        ])
        .await
        .unwrap();
        w.commit().await.unwrap();
    }
    crate::news::published(&app, crate::news::article("vi", "Tỉnh ra mắt cổng dịch vụ mới", "<p>Một.</p>"), None).await;
    let conference = |subject: &str, on: &str| {
        serde_json::json!({"agency": "H72.11", "kind": "conference", "subject": subject, "on": on}).to_string()
    };
    let r = admin.post_json("/api/v1/press/entries", &conference("Họp báo quý I", "2026-03-20")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let done = admin.post_json(&format!("/api/v1/press/entries/{id}/done"), r#"{"at": "2026-03-20"}"#).await;
    assert_eq!(done.status, 204, "{}", done.text);
    let web = app.client();
    let headers = [("X-Road-Client", client), ("X-Road-Api-Key", key.as_str())];
    // every call is an exchange, those refused while the server's registry
    // has not yet the key included: counted as made
    let mut march = 0;
    let start = std::time::Instant::now();
    loop {
        march += 1;
        if web.get_with(&format!("/r1/{own}/agencies"), &headers).await.status == 200 {
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "the registry did not arrive");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    for _ in 0..2 {
        assert_eq!(web.get_with(&format!("/r1/{own}/agencies"), &headers).await.status, 200);
        march += 1;
    }

    // --- 29 June: the machines' coverage as the console's daily job keeps it (5 of 6)
    let cov = |m, c| egov_protection::Coverage { machines: m, covered: c };
    let june = chrono::NaiveDate::from_ymd_opt(2026, 6, 29).unwrap();
    app.store.pr_save_coverage(june, &[("H72.11".into(), cov(4, 3)), ("H72.50.01".into(), cov(2, 2))]).await.unwrap();

    // --- 30 June: the ward reports two courses; nothing counts until approved
    clock.set(at("2026-06-30 15:00"));
    admin = signed(&app, &jobs, "demo.admin").await;
    ward = signed(&app, &jobs, "demo.agency-admin").await;
    let training = progress(&admin, "2026-06-30").await["training"]["id"].as_i64().unwrap();
    let evidence = |value: f64, as_of: &str| {
        use base64::Engine;
        serde_json::json!({"as_of": as_of, "value": value, "note": "Biên bản", "evidence_name": "bien-ban.pdf",
            "evidence_base64": base64::engine::general_purpose::STANDARD.encode(PDF)})
        .to_string()
    };
    let path = format!("/api/v1/plans/indicators/{training}/reports");
    // not the ward's to report for another agency, nor a measured figure's
    let other = app.as_user("demo.receiver").await;
    assert_eq!(other.post_json(&path, &evidence(2.0, "2026-06-30")).await.status, 403);
    let r = ward.post_json(&path, &evidence(2.0, "2026-06-30")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let first = r.json()["id"].as_i64().unwrap();
    assert!(progress(&admin, "2026-06-30").await["training"]["value"].is_null(), "submitted, not approved");
    // a file that is no PDF, JPEG or PNG; a day still to come: both said, nothing kept
    let bad =
        serde_json::json!({"as_of": "2026-07-30", "value": 1, "evidence_name": "x.txt", "evidence_base64": "aGVsbG8="});
    let r = ward.post_json(&path, &bad.to_string()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(pointers, ["as_of", "evidence"]);
    let decide = |approve: bool, note: &str| serde_json::json!({"approve": approve, "note": note}).to_string();
    assert_eq!(ward.post_json(&format!("/api/v1/plans/reports/{first}/decision"), &decide(true, "")).await.status, 403);
    let r = admin.post_json(&format!("/api/v1/plans/reports/{first}/decision"), &decide(true, "")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        admin.post_json(&format!("/api/v1/plans/reports/{first}/decision"), &decide(false, "x")).await.status,
        409
    );
    close(&progress(&admin, "2026-06-30").await["training"]["value"], 2.0, "approved");
    assert_eq!(
        admin.get_bytes(&format!("/api/v1/plans/reports/{first}/evidence")).await,
        PDF,
        "the evidence as uploaded"
    );
    // the sweep of unreferenced files keeps it: a report's evidence is named
    // in the schema's way (the sweep once removed it after an hour)
    let swept = app.store.sweep_blobs(&app.blobs, std::time::Duration::ZERO).await.unwrap();
    assert!(swept.kept >= 1, "{swept:?}");
    assert_eq!(
        admin.get_bytes(&format!("/api/v1/plans/reports/{first}/evidence")).await,
        PDF,
        "the evidence outlives the sweep"
    );
    assert!(
        app.store
            .named_files()
            .await
            .unwrap()
            .iter()
            .any(|(_, d)| *d == egov_kernel::hex(&<sha2::Sha256 as sha2::Digest>::digest(PDF))),
        "and is backed up"
    );

    // --- September: a second station (wired), an article, a conference, two exchanges; the IT stations' target amended
    clock.set(at("2026-09-01 09:00"));
    admin = signed(&app, &jobs, "demo.admin").await;
    let st = serde_json::json!({"name": "Đài xã Châu Thành", "unit_code": "25441", "kind": "wired", "staff": 1});
    assert_eq!(admin.post_json("/api/v1/radio/stations", &st.to_string()).await.status, 201);
    egov_app::plan::keep_readings(&jobs).await.unwrap();
    crate::news::published(&app, crate::news::article("vi", "Kết quả chuyển đổi số 8 tháng", "<p>Hai.</p>"), None)
        .await;
    let r = admin.post_json("/api/v1/press/entries", &conference("Họp báo quý III", "2026-09-15")).await;
    let id = r.json()["id"].as_i64().unwrap();
    clock.set(at("2026-09-15 16:00"));
    admin = signed(&app, &jobs, "demo.admin").await;
    ward = signed(&app, &jobs, "demo.agency-admin").await;
    assert_eq!(
        admin.post_json(&format!("/api/v1/press/entries/{id}/done"), r#"{"at": "2026-09-15"}"#).await.status,
        204
    );
    for _ in 0..2 {
        assert_eq!(web.get_with(&format!("/r1/{own}/agencies"), &headers).await.status, 200);
    }
    let stations_it = progress(&admin, "2026-09-15").await["stations_it"]["id"].as_i64().unwrap();
    let amend = r#"{"from": "2026-07-01", "target": 1, "decision": "QĐ 120/QĐ-UBND"}"#;
    let r = admin.post_json(&format!("/api/v1/plans/indicators/{stations_it}/amendments"), amend).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(ward.post_json(&format!("/api/v1/plans/indicators/{stations_it}/amendments"), amend).await.status, 403);
    // a later value returned, another left waiting: neither counts
    let r = ward.post_json(&path, &evidence(3.0, "2026-09-15")).await;
    let returned = r.json()["id"].as_i64().unwrap();
    let r = admin.post_json(&format!("/api/v1/plans/reports/{returned}/decision"), &decide(false, "")).await;
    assert_eq!(r.status, 422, "a return says why");
    let r = admin
        .post_json(&format!("/api/v1/plans/reports/{returned}/decision"), &decide(false, "Thiếu danh sách học viên"))
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(ward.post_json(&path, &evidence(4.0, "2026-09-15")).await.status, 201);

    // --- 30 December: coverage 6 of 7
    let dec = chrono::NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
    app.store.pr_save_coverage(dec, &[("H72.11".into(), cov(5, 5)), ("H72.50.01".into(), cov(2, 1))]).await.unwrap();
    clock.set(at("2027-01-10 09:00"));
    admin = signed(&app, &jobs, "demo.admin").await;
    // every exchange answered is in the log (written behind the answer)
    let start = std::time::Instant::now();
    while app.count("gw_log").await < march + 2 {
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "the exchanges were not logged");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // --- the hand count
    let quality = |to: &str| {
        let admin = &admin;
        let to = to.to_string();
        async move {
            let ix = admin.get(&format!("/api/v1/quality/index?from=2026-01-01&to={to}")).await.json()["index"].clone();
            let score = ix["scores"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["indicator"] == "online_procedures")
                .unwrap()
                .clone();
            (ix["total"].as_f64().unwrap(), score["rate"].as_f64().unwrap())
        }
    };
    let h = 3600.0;
    let watched_june = (micros("2026-07-01 00:00") - micros("2026-01-02 08:00")) as f64 / 1e6;
    let watched_year = (micros("2027-01-01 00:00") - micros("2026-01-02 08:00")) as f64 / 1e6;
    for (on, months, watched, coverage, stations, articles, conferences, exchanges) in [
        ("2026-06-30", 6.0, watched_june, 5.0 / 6.0, 1.0, 1.0, 1.0, march as f64),
        ("2026-12-31", 12.0, watched_year, 6.0 / 7.0, 2.0, 2.0, 2.0, march as f64 + 2.0),
    ] {
        let p = progress(&admin, on).await;
        let v = |code: &str| p[code]["value"].clone();
        // A, B and D online, C at the counter; A, C and D on time, B a day late; A digitised; D paid by transfer
        close(&v("online"), 75.0, "online");
        close(&v("on_time"), 75.0, "on time");
        close(&v("digitised"), 25.0, "digitised");
        close(&v("paid"), 25.0, "paid online");
        let (total, procedures) = quality(on).await;
        close(&v("index"), total, "the quality index of the same period");
        close(
            &v("procedures"),
            procedures * 100.0,
            "the catalogue's procedures offered online, as the index counts them",
        );
        close(&v("coverage"), coverage * 100.0, "coverage");
        close(&v("serious"), 1.0, "serious incidents");
        close(&v("network"), (watched - 24.0 * h) / watched * 100.0, "availability");
        close(&v("stations"), stations, "stations");
        close(&v("stations_it"), 1.0, "IT-based stations");
        close(&v("services"), 2.0, "egov's own services");
        close(&v("exchanges"), exchanges / months, "exchanges a month");
        close(&v("news"), articles, "articles");
        close(&v("press"), conferences, "conferences");
        close(&v("training"), 2.0, "only the approved report");
        assert_eq!(p["serious"]["verdict"], "missed", "a serious incident misses the year for good");
        // the parts: by agency, and the communes for the network and the stations
        let part = |code: &str, key: &str| {
            p[code]["parts"].as_array().unwrap().iter().find(|x| x["key"] == key).map(|x| x["value"].clone())
        };
        close(&part("online", "H72.50.01").unwrap(), 75.0, "the ward's online share");
        close(
            &part("coverage", "H72.50.01").unwrap(),
            if on == "2026-06-30" { 100.0 } else { 50.0 },
            "the ward's coverage",
        );
        close(&part("serious", "H72.50.01").unwrap(), 1.0, "the ward's incident");
        close(&part("stations", "25441").unwrap(), stations, "the ward's stations");
        close(&part("network", "25441").unwrap(), (watched - 24.0 * h) / watched * 100.0, "the ward's point");
        assert_eq!(p["network"]["parts_by"], "commune");
        assert_eq!(p["exchanges"]["trend"].as_array().unwrap().len(), months as usize);
        // the network's trend by hand: watched from 2 January 08:00 to each
        // month's end, down the day in March from then on
        let trend = p["network"]["trend"].as_array().unwrap();
        assert_eq!(trend.len(), months as usize);
        for t in trend {
            let day = t["day"].as_str().unwrap();
            let next = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().succ_opt().unwrap();
            let watched = (micros(&format!("{next} 00:00")) - micros("2026-01-02 08:00")) as f64 / 1e6;
            let down = if day < "2026-03-10" { 0.0 } else { 24.0 * h };
            close(&t["value"], (watched - down) / watched * 100.0, &format!("availability to {day}"));
        }
    }
    // the year's end: the amended target decides, the others settle
    let p = progress(&admin, "2026-12-31").await;
    assert_eq!(
        (p["stations_it"]["target"].as_f64(), p["stations_it"]["planned_target"].as_f64()),
        (Some(1.0), Some(3.0))
    );
    assert_eq!(
        (p["stations_it"]["amended"].as_bool(), p["stations_it"]["verdict"].as_str()),
        (Some(true), Some("met"))
    );
    assert_eq!(p["stations"]["verdict"], "met");
    assert_eq!(p["training"]["verdict"], "met");
    assert_eq!(p["press"]["verdict"], "missed");
    assert_eq!(p["online"]["verdict"], "exceeded");
    assert_eq!(p["on_time"]["verdict"], "missed");
    assert_eq!(p["paid"]["verdict"], "exceeded");
    // in the middle of the year the planned target was in force: 1 of 3 stations is behind the pace
    let mid = progress(&admin, "2026-06-30").await;
    assert_eq!(
        (mid["stations_it"]["amended"].as_bool(), mid["stations_it"]["verdict"].as_str()),
        (Some(false), Some("at_risk"))
    );
    assert_eq!(mid["serious"]["verdict"], "missed");
    assert_eq!(mid["news"]["verdict"], "on_track", "1 by the middle of the year is the pace of 2");

    // --- the records each figure counts
    let records = |code: &str, extra: &str| {
        let id = p[code]["id"].as_i64().unwrap();
        let admin = &admin;
        let q = format!("/api/v1/plans/indicators/{id}/records?on=2026-12-31{extra}");
        async move {
            let r = admin.get(&q).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.json()
        }
    };
    let online = records("online", "").await;
    let mut codes: Vec<&str> =
        online["items"].as_array().unwrap().iter().map(|x| x["label"].as_str().unwrap()).collect();
    codes.sort();
    let mut want = vec![a.as_str(), b.as_str(), d.as_str()];
    want.sort();
    assert_eq!((online["total"].as_i64(), codes), (Some(3), want));
    assert_eq!(records("paid", "").await["items"][0]["label"], d.as_str());
    let serious = records("serious", "").await;
    assert_eq!(serious["items"][0]["id"], incident.to_string());
    assert_eq!(serious["total"], 1);
    assert_eq!(records("news", "").await["total"], 2);
    assert_eq!(records("press", "&part=H72.11").await["total"], 2);
    assert_eq!(records("press", "&part=H72.50.01").await["total"], 0);
    assert_eq!(records("network", "").await["total"], 1, "the outage");
    assert_eq!(records("digitised", "").await["items"][0]["label"], a.as_str());
    let months = records("exchanges", "").await;
    assert_eq!(months["items"][2]["label"], march.to_string(), "March's");
    assert_eq!(months["items"][8]["label"], "2", "September's two");
    // a reader of the back office may look; a citizen may not
    assert_eq!(signed(&app, &jobs, "demo.receiver").await.get("/api/v1/plans/2026/progress").await.status, 200);
    assert_eq!(signed(&app, &jobs, "demo.citizen").await.get("/api/v1/plans/2026/progress").await.status, 403);

    // --- the year-end report, read back by real tools, made again byte for byte
    let (pdf, odt, xlsx) = (report(&admin, "pdf").await, report(&admin, "odt").await, report(&admin, "xlsx").await);
    assert_eq!(pdf, report(&admin, "pdf").await, "the PDF made again is the same");
    assert_eq!(odt, report(&admin, "odt").await, "the ODT made again is the same");
    assert_eq!(xlsx, report(&admin, "xlsx").await, "the workbook made again is the same");
    let text = raw_text(&pdf);
    let dir = std::env::temp_dir().join(format!("egov-plan-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("r.odt"), &odt).unwrap();
    let out =
        std::process::Command::new(tool("unzip")).arg("-p").arg(dir.join("r.odt")).arg("content.xml").output().unwrap();
    assert!(out.status.success(), "unzip reads the document");
    let content = String::from_utf8(out.stdout).unwrap();
    let mime =
        std::process::Command::new(tool("unzip")).arg("-p").arg(dir.join("r.odt")).arg("mimetype").output().unwrap();
    assert_eq!(mime.stdout, b"application/vnd.oasis.opendocument.text");
    let _ = std::fs::remove_dir_all(&dir);
    // the document's words: each cell's text, tags dropped
    let words = {
        let mut s = String::new();
        let mut inside = false;
        for ch in content.chars() {
            match ch {
                '<' => {
                    inside = true;
                    s.push(' ');
                }
                '>' => inside = false,
                c if !inside => s.push(c),
                _ => {}
            }
        }
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range("Kết quả thực hiện các chỉ tiêu").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    for (code, name, target, value, verdict) in [
        ("online", "Tỷ lệ hồ sơ trực tuyến", "≥ 50", "75", "Vượt chỉ tiêu"),
        ("serious", "Sự cố nghiêm trọng", "≤ 0", "1", "Không đạt"),
        ("stations_it", "Đài ứng dụng CNTT", "≥ 1", "1", "Đạt chỉ tiêu"),
        ("training", "Lớp tập huấn", "≥ 2", "2", "Đạt chỉ tiêu"),
        ("press", "Họp báo", "≥ 4", "2", "Không đạt"),
    ] {
        // compared without spaces: the PDF breaks a long word at its column's edge
        for (what, hay) in [("PDF", &text), ("ODT", &words)] {
            for needle in [name, target, value, verdict] {
                assert!(bare(hay).contains(&bare(needle)), "{what} lacks {needle} ({code}): {hay}");
            }
        }
        let row = rows.iter().find(|r| r[0].ends_with(name)).unwrap_or_else(|| panic!("no row {name}: {rows:?}"));
        assert!(row[2].starts_with(target), "{row:?}");
        let got: f64 = row[3].parse().unwrap();
        close(&p[code]["value"], got, code);
        assert_eq!(row[4], verdict, "{row:?}");
    }
    for (what, hay) in [("PDF", &text), ("ODT", &words)] {
        let hay = bare(hay);
        assert!(
            hay.contains(&bare("điều chỉnh theo QĐ 120/QĐ-UBND từ ngày 01/07/2026")),
            "{what} says the amendment: {hay}"
        );
        assert!(
            hay.contains(&bare("Phụ lục 1 - Số liệu theo cơ quan")) && hay.contains(&bare("Phường Tân Ninh")),
            "{what}'s annex"
        );
    }
    let english = raw_text(&admin.get_bytes("/api/v1/plans/2026/report/pdf?on=2026-12-31&lang=en").await);
    assert!(english.contains("Exceeded") && english.contains("Training courses"), "{english}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_is_imported_whole_from_csv_or_xlsx_or_refused_with_every_bad_cell_named() {
    let app = spawn().await;
    let admin = app.as_user("demo.admin").await;
    // the template, as published, reads back as a plan of every figure
    let template = app.client().get("/api/v1/plans/template.csv").await;
    assert_eq!(template.status, 200);
    assert!(template.text.starts_with('\u{feff}'), "a byte order mark for spreadsheet programs");
    let bad = "code,name_vi,name_en,unit,target,direction,agency,source,course\n\
               online,Trực tuyến,Online,%,50,at_least,H72.11,online_dossiers,\n\
               online,Hai lần,Twice,%,nhiều,more,H72.99,guess,\n\
               budget,Kinh phí,Budget,triệu đồng,1200,at_most,H72.11,reported,\n";
    let r =
        admin.post_with_body("/api/v1/plans/2026/import?decision=QĐ%201&adopted_on=2026-01-02", bad, "text/csv").await;
    assert_eq!(r.status, 422, "{}", r.text);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        pointers,
        ["rows[3].code", "rows[3].target", "rows[3].direction", "rows[3].source", "rows[3].course", "rows[4].course"]
    );
    assert_eq!(admin.get("/api/v1/plans").await.json()["years"], serde_json::json!([]), "nothing imported");
    // an agency not in the directory: said at its line, nothing imported
    let unknown = "code,name_vi,name_en,unit,target,direction,agency,source,course\n\
                   online,Trực tuyến,Online,%,50,at_least,H72.99,online_dossiers,\n";
    let r = admin
        .post_with_body("/api/v1/plans/2026/import?decision=QĐ%201&adopted_on=2026-01-02", unknown, "text/csv")
        .await;
    assert_eq!(r.json()["errors"][0]["pointer"], "rows[2].agency");
    // the template as a workbook, imported as it is
    let workbook = admin.get_bytes("/api/v1/plans/template.xlsx").await;
    let r = admin
        .post_with_body_bytes(
            "/api/v1/plans/2027/import?decision=QĐ%202&adopted_on=2027-01-05",
            workbook,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["indicators"], 16);
    assert_eq!(admin.get("/api/v1/plans").await.json()["years"], serde_json::json!([2027]));
    // only the department sets a plan
    let ward = app.as_user("demo.agency-admin").await;
    let r =
        ward.post_with_body("/api/v1/plans/2028/import?decision=QĐ%203&adopted_on=2028-01-02", PLAN, "text/csv").await;
    assert_eq!(r.status, 403);
    // the page's form: every bad cell listed, the typed fields kept
    let page = app.client();
    page.login("demo.admin", DEMO_PASSWORD).await;
    let dash = page.get("/quan-tri/ke-hoach?nam=2027").await;
    assert_eq!(dash.status, 200);
    assert!(dash.text.contains("Lớp tập huấn CNTT") && dash.text.contains("<svg"), "{}", dash.text);
    let form = reqwest::multipart::Form::new()
        .text("csrf", dash.csrf())
        .text("year", "2026")
        .text("decision", "QĐ 9/QĐ-UBND")
        .text("adopted_on", "2026-01-09")
        .part("file", reqwest::multipart::Part::bytes(bad.as_bytes().to_vec()).file_name("chi-tieu.csv"));
    let r = page.post_multipart("/quan-tri/ke-hoach/nhap", form).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Dòng 3, cột direction") && r.text.contains("Dòng 4, cột course"), "{}", r.text);
    assert!(r.text.contains("value=\"QĐ 9/QĐ-UBND\"") && r.text.contains("value=\"2026-01-09\""), "kept");
    // a bad day and bad cells said at once; a good file with a bad day held,
    // and the form sent back without choosing it again
    let import = |file: Option<&str>, adopted: &str, held: Option<&str>| {
        let mut f = reqwest::multipart::Form::new()
            .text("csrf", dash.csrf())
            .text("year", "2028")
            .text("decision", "QĐ 10/QĐ-UBND")
            .text("adopted_on", adopted.to_string());
        if let Some(h) = held {
            f = f.text("held_file", h.to_string());
        }
        if let Some(text) = file {
            f = f.part("file", reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("chi-tieu.csv"));
        }
        f
    };
    let r = page.post_multipart("/quan-tri/ke-hoach/nhap", import(Some(bad), "2028-02-30", None)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("id=\"imp-adopted_on-err\"") && r.text.contains("Dòng 3, cột direction"), "{}", r.text);
    assert!(!r.text.contains("name=\"held_file\""), "a file with bad cells is not held");
    let r = page.post_multipart("/quan-tri/ke-hoach/nhap", import(Some(PLAN), "2028-02-30", None)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Đã nhận tệp <strong>chi-tieu.csv</strong>"), "{}", r.text);
    let held =
        r.text.split("name=\"held_file\" value=\"").nth(1).and_then(|t| t.split('"').next()).unwrap().to_string();
    let r = page.post_multipart("/quan-tri/ke-hoach/nhap", import(None, "2028-01-09", Some(&held))).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(admin.get("/api/v1/plans").await.json()["years"], serde_json::json!([2028, 2027]));
    assert_eq!(app.count("held_files").await, 0, "the hold let go once used");
    // an amendment's form: the day, the target and the decision refused at
    // once, each said at its field, what was typed kept
    let first = admin.get("/api/v1/plans/2027/progress?on=2027-01-05").await.json()["indicators"][0]["id"].clone();
    let path = format!("/quan-tri/ke-hoach/chi-tieu/{first}");
    let csrf = page.get(&path).await.csrf();
    let r = page
        .post_form(
            &format!("{path}/dieu-chinh"),
            &[("csrf", &csrf), ("from", "2027-02-30"), ("target", "nhiều"), ("decision", " ")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    for field in ["from", "target", "decision"] {
        assert!(r.text.contains(&format!("id=\"amend-{field}-err\"")), "{field}: {}", r.text);
    }
    assert!(r.text.contains("Quyết định điều chỉnh") && r.text.contains("value=\"nhiều\""), "{}", r.text);
    let after = admin.get("/api/v1/plans/2027/progress?on=2027-12-31").await.json()["indicators"][0].clone();
    assert_eq!((after["id"].clone(), after["amended"].as_bool()), (first, Some(false)), "nothing amended");

    // a report's form refused for its day: the good evidence held, not
    // chosen again; sent back, it is the report's
    let r =
        admin.post_with_body("/api/v1/plans/2026/import?decision=QĐ%204&adopted_on=2026-01-02", PLAN, "text/csv").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let training = admin.get("/api/v1/plans/2026/progress?on=2026-06-30").await.json()["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "training")
        .unwrap()["id"]
        .clone();
    let unit = app.client();
    unit.login("demo.agency-admin", DEMO_PASSWORD).await;
    let path = format!("/quan-tri/ke-hoach/chi-tieu/{training}");
    let csrf = unit.get(&path).await.csrf();
    let form = |as_of: &str, held: Option<&str>, file: bool| {
        let mut f = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("as_of", as_of.to_string())
            .text("value", "2")
            .text("note", "Biên bản tập huấn");
        if let Some(h) = held {
            f = f.text("held_evidence", h.to_string());
        }
        if file {
            f = f.part("evidence", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("bien-ban.pdf"));
        }
        f
    };
    let r = unit.post_multipart(&format!("{path}/bao-cao"), form("2026-06-31", None, true)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("id=\"report-as_of-err\"") && !r.text.contains("id=\"report-evidence-err\""), "{}", r.text);
    assert!(r.text.contains("Đã nhận tệp <strong>bien-ban.pdf</strong>"), "the file said held: {}", r.text);
    let held = r.text.split("name=\"held_evidence\" value=\"").nth(1).and_then(|t| t.split('"').next()).unwrap();
    let id: i64 = held.parse().unwrap();
    assert!(app.store.held_file(id, "someone else").await.unwrap().is_none(), "a hold is its sender's alone");
    // refused again for the day: still held, the same
    let r = unit.post_multipart(&format!("{path}/bao-cao"), form("2026-13-01", Some(held), false)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains(&format!("name=\"held_evidence\" value=\"{held}\"")), "{}", r.text);
    // a hold not one's own is no file
    let r = unit.post_multipart(&format!("{path}/bao-cao"), form("2026-06-30", Some("999999"), false)).await;
    assert!(r.status == 422 && r.text.contains("id=\"report-evidence-err\""), "{}", r.text);
    let r = unit.post_multipart(&format!("{path}/bao-cao"), form("2026-06-30", Some(held), false)).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = unit.get(&path).await.text;
    let report = page.split("/api/v1/plans/reports/").nth(1).and_then(|t| t.split('/').next()).unwrap().to_string();
    assert_eq!(admin.get_bytes(&format!("/api/v1/plans/reports/{report}/evidence")).await, PDF, "the held file");
    assert!(app.store.held_file(id, "").await.unwrap().is_none());
    assert_eq!(app.count("held_files").await, 0, "the hold let go once used");
}

fn bare(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn report(admin: &Client, format: &str) -> Vec<u8> {
    admin.get_bytes(&format!("/api/v1/plans/2026/report/{format}?on=2026-12-31")).await
}

/// A PDF's words in the order it draws them (`pdftotext -raw`: a table
/// cell's lines one after another), whitespace made single; after
/// `pdf_text` has checked the file with `pdfinfo`.
fn raw_text(bytes: &[u8]) -> String {
    pdf_text(bytes);
    let file = std::env::temp_dir().join(format!("egov-plan-{}.pdf", random_name()));
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new(tool("pdftotext")).arg("-raw").arg(&file).arg("-").output().unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

//! Issue 19, the incidents' register through the API: systems with their
//! levels, an incident reported and raised from a detection, the serious
//! test, the response's steps, the closing report before closing, access
//! by agency, the year's figures.

use crate::common::*;

#[tokio::test]
async fn an_incident_is_reported_classified_answered_and_counted_each_agency_seeing_its_own() {
    let mut settings = egov_web::Settings { local_citizen_accounts: true, ..Default::default() };
    settings.app.seal_key = Some(egov_app::gateway::SealKey([9u8; 32]));
    // the department's certificate from the province's (test) CA signs inside the PDFs
    let ca = crate::gateway_federation::Ca::new("CA thử nghiệm của tỉnh");
    let (cert, key) = ca.issue("Sở Khoa học và Công nghệ tỉnh thử nghiệm");
    let signer = egov_sign::Signer::from_pem(&key, &format!("{cert}{}", ca.pem)).unwrap();
    settings.app.signer = Some(std::sync::Arc::new(signer));
    let app = spawn_with(settings).await;
    let admin = app.as_user("demo.admin").await; // the department
    let agency = app.as_user("demo.agency-admin").await; // H72.50.01
    let sys = |name: &str, agency: &str, level: u8| {
        serde_json::json!({"name": name, "owner_agency": agency, "proposed_level": level, "approved_level": level, "approval_decision": "QĐ 12/QĐ-UBND"})
            .to_string()
    };
    let r = agency.post_json("/api/v1/incidents/systems", &sys("Hệ thống một cửa điện tử", "H72.50.01", 4)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let one_stop = r.json()["id"].as_i64().unwrap();
    assert_eq!(agency.post_json("/api/v1/incidents/systems", &sys("Cổng tỉnh", "H72.11", 4)).await.status, 422);
    let r = admin.post_json("/api/v1/incidents/systems", &sys("Cổng dịch vụ công tỉnh", "H72.11", 3)).await;
    assert_eq!(r.status, 201);
    let report = |agency: &str, title: &str, systems: &[i64]| {
        serde_json::json!({"agency_id": agency, "title": title, "kind": "denial_of_service", "severity": "critical",
            "harms": {"outage": true}, "discovered_at": "2026-11-27T08:30", "systems": systems})
        .to_string()
    };
    let r = agency
        .post_json("/api/v1/incidents", &report("H72.50.01", "Một cửa điện tử ngừng hoạt động", &[one_stop]))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let r = admin.post_json("/api/v1/incidents", &report("H72.11", "Cổng tỉnh chậm", &[])).await;
    let theirs = r.json()["id"].as_i64().unwrap();
    // every field's problem at once
    let r = agency
        .post_json(
            "/api/v1/incidents",
            r#"{"agency_id": "", "title": "", "kind": "ufo", "severity": "x", "discovered_at": "hôm qua"}"#,
        )
        .await;
    assert_eq!(r.status, 422);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(pointers, ["agency_id", "title", "kind", "severity", "discovered_at"]);
    // each sees its own
    assert_eq!(agency.get(&format!("/api/v1/incidents/{theirs}")).await.status, 404);
    let mine = agency.get("/api/v1/incidents?year=2026").await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(admin.get("/api/v1/incidents?year=2026").await.json().as_array().unwrap().len(), 2);
    assert_eq!(app.as_user("demo.citizen").await.get("/api/v1/incidents").await.status, 403);
    // found on Friday 27 November: the notification due five working days later, Friday 4 December
    let d = agency.get(&format!("/api/v1/incidents/{id}")).await.json();
    assert_eq!(d["serious"], false);
    assert_eq!(d["reports"][0]["report"], "notification");
    assert_eq!(d["reports"][0]["due"], "2026-12-04");
    assert_eq!(d["regime"], "QD05-2017");
    // beyond the commune's capacity: serious (a level-4 system, an outage)
    let step = |body: serde_json::Value| body.to_string();
    let r = agency
        .post_json(
            &format!("/api/v1/incidents/{id}/steps"),
            &step(serde_json::json!({"step": "beyond_capacity", "day": "2026-11-27"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(agency.get(&format!("/api/v1/incidents/{id}")).await.json()["serious"], true);
    let r = agency
        .post_json(
            &format!("/api/v1/incidents/{id}/steps"),
            &step(serde_json::json!({"step": "assign", "assignee": "demo.admin"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    for to in ["verified", "contained", "recovered"] {
        let r = agency
            .post_json(&format!("/api/v1/incidents/{id}/steps"), &step(serde_json::json!({"step": "phase", "to": to})))
            .await;
        assert_eq!(r.status, 204, "{to}: {}", r.text);
    }
    let close = step(
        serde_json::json!({"step": "phase", "to": "closed", "root_cause": "Tấn công từ chối dịch vụ", "lessons": "Giới hạn tốc độ"}),
    );
    let r = agency.post_json(&format!("/api/v1/incidents/{id}/steps"), &close).await;
    assert_eq!(r.status, 409, "no closing report yet: {}", r.text);
    for kind in ["notification", "initial", "closing"] {
        let r = agency
            .post_json(&format!("/api/v1/incidents/{id}/reports"), &serde_json::json!({"kind": kind}).to_string())
            .await;
        assert_eq!(r.status, 201, "{kind}: {}", r.text);
    }
    assert_eq!(agency.post_json(&format!("/api/v1/incidents/{id}/steps"), &close).await.status, 204);
    // each report as the PDF sent: form 03 for the initial report, its digest signed with the instance's key
    let sent = app.store.inc_reports(Some(id), "H72.50.01").await.unwrap();
    let initial = sent.iter().find(|r| r.kind == egov_incident::ReportKind::Initial).unwrap().id;
    let r = agency.get(&format!("/api/v1/incidents/reports/{initial}/pdf")).await;
    assert_eq!((r.status, r.header("content-type")), (200, "application/pdf"));
    let bytes = agency.get_bytes(&format!("/api/v1/incidents/reports/{initial}/pdf")).await;
    let text = pdf_text(&bytes);
    for needle in [
        "Mẫu số 03",
        "BÁO CÁO BAN ĐẦU SỰ CỐ AN TOÀN THÔNG TIN MẠNG",
        "Kính gửi",
        "Hệ thống một cửa điện tử",
        "Cấp độ 4",
        "Tấn công từ chối dịch vụ",
        "Sự cố nghiêm trọng",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    use sha2::Digest;
    let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
    assert_eq!(r.header("x-egov-sha256"), egov_kernel::hex(&digest));
    let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]).verifying_key();
    assert_eq!(r.header("x-egov-signer-key"), egov_kernel::hex(key.as_bytes()));
    let sig: [u8; 64] = egov_kernel::unhex(r.header("x-egov-signature")).unwrap();
    assert!(key.verify_strict(&digest, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok(), "the signature checks");
    let mut spoiled = digest;
    spoiled[0] ^= 1;
    assert!(key.verify_strict(&spoiled, &ed25519_dalek::Signature::from_bytes(&sig)).is_err());
    assert!(text.contains(&egov_kernel::hex(key.as_bytes())), "the key printed on the document");
    // signed inside, as a PDF reader checks it (poppler's pdfsig): the whole file, by the department
    let check = pdfsig(&bytes);
    for needle in [
        "Signer Certificate Common Name: Sở Khoa học và Công nghệ tỉnh thử nghiệm",
        "Signature Type: ETSI.CAdES.detached",
        "Total document signed",
        "Signature Validation: Signature is Valid.",
    ] {
        assert!(check.contains(needle), "{needle}: {check}");
    }
    // one byte changed in what was signed (the header's version: the file still reads)
    assert!(bytes.starts_with(b"%PDF-1."));
    let mut altered = bytes.clone();
    altered[7] = if altered[7] == b'4' { b'5' } else { b'4' };
    let check = pdfsig(&altered);
    assert!(!check.contains("Signature is Valid.") && check.contains("Signature Validation:"), "{check}");
    // another agency's report is not theirs to read
    assert_eq!(
        app.as_user("demo.receiver").await.get(&format!("/api/v1/incidents/reports/{initial}/pdf")).await.status,
        403
    );
    let d = agency.get(&format!("/api/v1/incidents/{id}")).await.json();
    assert_eq!(d["phase"], "closed");
    assert_eq!(d["assignee"], "demo.admin");
    let late: Vec<(String, bool)> = d["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["report"].as_str().unwrap().to_string(), r["late"].as_bool().unwrap()))
        .collect();
    // the initial report was due on the 27th, sent today: late; the others in time
    let today = vn_today();
    assert!(today.as_str() > "2026-11-27", "the test's dates are past");
    assert_eq!(
        late,
        [
            ("notification".to_string(), today.as_str() > "2026-12-04"),
            ("initial".into(), true),
            ("closing".into(), false)
        ]
    );
    assert_eq!(d["timeline"].as_array().unwrap().len(), 10, "{}", d["timeline"]);
    // the year's figures, the department's and the commune's
    let s = admin.get("/api/v1/incidents/stats?year=2026").await.json();
    assert_eq!((s["total"].as_u64(), s["serious"].as_u64(), s["open"].as_u64()), (Some(2), Some(1), Some(1)), "{s}");
    assert_eq!(s["by_kind"]["denial_of_service"], 2);
    assert_eq!(s["to_close"]["count"], 1);
    assert_eq!(agency.get("/api/v1/incidents/stats?year=2026").await.json()["total"], 1);
    // raised from a detection of the security console
    let _machine = crate::protection::console_fixture(&app).await;
    let det = admin.get("/api/v1/protection/detections").await.json()["detections"][0]["id"].as_i64().unwrap();
    let r = agency.post_json(&format!("/api/v1/incidents/from-detection/{det}"), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let again = agency.post_json(&format!("/api/v1/incidents/from-detection/{det}"), "").await;
    assert_eq!((again.status, &again.json()["id"]), (200, &r.json()["id"]), "raised once: {}", again.text);
    let d = agency.get(&format!("/api/v1/incidents/{}", r.json()["id"])).await.json();
    assert_eq!((d["kind"].as_str(), d["source"].as_str()), (Some("malware"), Some("detection")));
    assert!(d["title"].as_str().unwrap().contains("Win.Test.EICAR_HDB-1"));
    assert_eq!(app.store.count_where("audit_log", "action LIKE 'incidents.%'").await.unwrap(), 14);
}

#[tokio::test]
async fn periodic_reports_are_due_before_20_june_and_15_december_and_outages_raise_incidents() {
    let app = spawn().await;
    let agency = app.as_user("demo.agency-admin").await; // H72.50.01
    let p = agency.get("/api/v1/incidents/periodic?year=2026").await.json();
    let due: Vec<(&str, bool)> = p["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["due"].as_str().unwrap(), d["late"].as_bool().unwrap()))
        .collect();
    let today = vn_today();
    assert_eq!(due, [("2026-06-19", true), ("2026-12-14", today.as_str() > "2026-12-14")], "{p}");
    assert_eq!(agency.post_json("/api/v1/incidents/periodic", r#"{"body": "Báo cáo 6 tháng"}"#).await.status, 201);
    let p = agency.get("/api/v1/incidents/periodic?year=2026").await.json();
    assert_eq!(p["deadlines"][0]["sent"].as_str(), Some(today.as_str()), "{p}");
    assert_eq!(agency.get("/api/v1/incidents/periodic?year=2026&agency=H72.11").await.status, 404);
    // an outage of the data network raises an incident of the site's commune committee
    let admin = app.as_user("demo.admin").await;
    let site =
        serde_json::json!({"name": "Phường Tân Ninh", "kind": "commune", "unit_code": "25441", "access_level": "II"});
    let id = admin.post_json("/api/v1/network/sites", &site.to_string()).await.json()["id"].as_i64().unwrap();
    let probe = serde_json::json!({"name": "Loa", "kind": "push", "interval_s": 60});
    let pid = admin.post_json(&format!("/api/v1/network/sites/{id}/probes"), &probe.to_string()).await.json()["id"]
        .as_i64()
        .unwrap();
    let started = app.store.now() - 60_000_000;
    let mut w = app.store.begin_write().await.unwrap();
    let t = egov_network::Tracker { failures: 3, first_failure: Some(started), down: true };
    let r = egov_store::network::Record {
        probe_id: pid,
        site_id: id,
        slot: 1,
        planned: started,
        at: started,
        outcome: egov_network::Outcome::down(0, "no heartbeat in the interval"),
        change: egov_network::Change::WentDown,
        tracker: t,
        cert_expires_at: None,
    };
    w.net_record(&[r]).await.unwrap();
    w.commit().await.unwrap();
    let outage = admin.get(&format!("/api/v1/network/outages?site={id}")).await.json()[0]["id"].as_i64().unwrap();
    assert_eq!(
        agency.post_json(&format!("/api/v1/incidents/from-outage/{outage}"), "").await.status,
        404,
        "not the committee's site"
    );
    let r = admin.post_json(&format!("/api/v1/incidents/from-outage/{outage}"), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    // the site's page offers the same as a button; pressed, it shows the incident raised before
    let page = app.client();
    page.login("demo.admin", DEMO_PASSWORD).await;
    let site_page = page.get(&format!("/quan-tri/mang/diem/{id}")).await;
    let button = format!("/quan-tri/su-co/tu-mat-ket-noi/{outage}");
    assert!(site_page.text.contains(&button), "{}", site_page.text);
    let pressed = page.post_form(&button, &[("csrf", &site_page.csrf())]).await;
    assert_eq!(
        (pressed.status, pressed.header("location").to_string()),
        (303, format!("/quan-tri/su-co/{}", r.json()["id"])),
        "{}",
        pressed.text
    );
    let d = admin.get(&format!("/api/v1/incidents/{}", r.json()["id"])).await.json();
    assert_eq!(
        (d["agency_id"].as_str(), d["kind"].as_str(), d["source"].as_str()),
        (Some("H72.50.01"), Some("outage"), Some("outage"))
    );
    assert_eq!(d["harms"]["outage"], true);
    assert_eq!(d["unit_code"], "25441", "the site's commune");
    // where it happened: a commune in force on the day of discovery (An Hòa was merged into
    // Trảng Bàng on 1 July 2025), else the agency's own unit
    let at = |unit: &str| {
        serde_json::json!({"agency_id": "H72.11", "unit_code": unit, "title": "Mất kết nối", "kind": "outage", "severity": "low", "discovered_at": "2026-11-27T08:30"})
            .to_string()
    };
    for gone in ["25451", "99999"] {
        let r = admin.post_json("/api/v1/incidents", &at(gone)).await;
        assert_eq!(
            (r.status, r.json()["errors"][0]["pointer"].as_str()),
            (422, Some("unit_code")),
            "{gone}: {}",
            r.text
        );
    }
    let r = admin.post_json("/api/v1/incidents", &at("25441")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let there = r.json()["id"].as_i64().unwrap();
    assert_eq!(admin.get(&format!("/api/v1/incidents/{there}")).await.json()["unit_code"], "25441");
    let theirs = admin.post_json("/api/v1/incidents", &at("")).await.json()["id"].as_i64().unwrap();
    assert_eq!(admin.get(&format!("/api/v1/incidents/{theirs}")).await.json()["unit_code"], "72", "the agency's");
}

#[tokio::test]
async fn a_new_legal_basis_with_its_dates_governs_the_incidents_discovered_under_it() {
    let app = spawn().await;
    let admin = app.as_user("demo.admin").await;
    let mut rules = admin.get("/api/v1/incidents/regimes").await.json();
    assert_eq!(rules[0]["code"], "QD05-2017");
    // the old decision ends on 30 June 2026; the new law counts the notification in 3 calendar days
    rules[0]["effective_to"] = "2026-06-30".into();
    assert_eq!(admin.put_json("/api/v1/incidents/regimes/QD05-2017", &rules[0].to_string()).await.status, 204);
    let mut new = rules[0].clone();
    new["code"] = "LAT-ANM-2025".into();
    new["basis"] = "Luật An ninh mạng 116/2025/QH15".into();
    new["effective_from"] = "2026-07-01".into();
    new["effective_to"] = serde_json::Value::Null;
    new["rules"][0] =
        serde_json::json!({"report": "notification", "anchor": "discovery", "count": "calendar", "days": 3});
    let agency = app.as_user("demo.agency-admin").await;
    assert_eq!(agency.put_json("/api/v1/incidents/regimes/LAT-ANM-2025", &new.to_string()).await.status, 403);
    assert_eq!(admin.put_json("/api/v1/incidents/regimes/OTHER", &new.to_string()).await.status, 422);
    assert_eq!(admin.put_json("/api/v1/incidents/regimes/LAT-ANM-2025", &new.to_string()).await.status, 204);
    let report = |when: &str| {
        serde_json::json!({"agency_id": "H72.50.01", "title": "Lộ lọt dữ liệu", "kind": "data_leak", "severity": "high", "discovered_at": when})
            .to_string()
    };
    let before = agency.post_json("/api/v1/incidents", &report("2026-06-26T09:00")).await.json()["id"].clone();
    let after = agency.post_json("/api/v1/incidents", &report("2026-11-27T09:00")).await.json()["id"].clone();
    let b = agency.get(&format!("/api/v1/incidents/{before}")).await.json();
    let a = agency.get(&format!("/api/v1/incidents/{after}")).await.json();
    // Friday 26 June under the decision: five working days, Friday 3 July; Friday 27 November
    // under the law: three calendar days, Monday 30 November
    assert_eq!((b["regime"].as_str(), b["reports"][0]["due"].as_str()), (Some("QD05-2017"), Some("2026-07-03")));
    assert_eq!((a["regime"].as_str(), a["reports"][0]["due"].as_str()), (Some("LAT-ANM-2025"), Some("2026-11-30")));
    assert_eq!(app.store.count_where("audit_log", "action = 'incidents.regime'").await.unwrap(), 2);
}

/// An incident reported on the register's page, and its page: for the pages' checks. Its id.
pub async fn fixture(app: &TestApp) -> i64 {
    let admin = app.as_user("demo.admin").await;
    let s = serde_json::json!({"name": "Cổng dịch vụ công tỉnh", "owner_agency": "H72.11", "proposed_level": 3, "approved_level": 3, "approval_decision": "QĐ 12/QĐ-UBND"});
    let sys = admin.post_json("/api/v1/incidents/systems", &s.to_string()).await.json()["id"].as_i64().unwrap();
    let i = serde_json::json!({"agency_id": "H72.11", "title": "Mã độc trên máy chủ cổng", "kind": "malware", "severity": "high",
        "harms": {"outage": true}, "discovered_at": "2026-11-30T08:00", "systems": [sys]});
    let id = admin.post_json("/api/v1/incidents", &i.to_string()).await.json()["id"].as_i64().unwrap();
    let step = serde_json::json!({"step": "phase", "to": "contained"}).to_string();
    assert_eq!(admin.post_json(&format!("/api/v1/incidents/{id}/steps"), &step).await.status, 204);
    assert_eq!(
        admin.post_json(&format!("/api/v1/incidents/{id}/reports"), r#"{"kind": "notification"}"#).await.status,
        201
    );
    id
}

#[tokio::test]
async fn the_register_s_form_comes_back_with_every_error_and_an_incident_s_page_takes_its_steps() {
    let app = spawn().await;
    let id = fixture(&app).await;
    let page = app.client();
    page.login("demo.admin", DEMO_PASSWORD).await;
    let p = page.get("/quan-tri/su-co").await;
    assert_eq!(p.status, 200);
    assert!(p.text.contains("Mã độc trên máy chủ cổng") && p.text.contains("Cổng dịch vụ công tỉnh"), "{}", p.text);
    // no title, no kind, no time of discovery: every error at once, the description kept
    let r = page
        .post_form(
            "/quan-tri/su-co",
            &[
                ("csrf", &p.csrf()),
                ("agency_id", "H72.11"),
                ("title", ""),
                ("kind", ""),
                ("severity", "high"),
                ("description", "Máy chủ chậm bất thường"),
                ("outage", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.text.contains("value=\"Máy chủ chậm bất thường\"")
            && r.text.contains("id=\"h-outage\" name=\"outage\" value=\"1\" checked"),
        "{}",
        r.text
    );
    assert_eq!(r.text.matches("class=\"error\"").count(), 3, "{}", r.text);
    // the incident's page: the reports owed, the timeline in words, a step taken, a report sent
    let i = page.get(&format!("/quan-tri/su-co/{id}")).await;
    assert_eq!(i.status, 200);
    assert!(
        i.text.contains("Thông báo sự cố")
            && i.text.contains("Chuyển bước: Đã ngăn chặn")
            && i.text.contains("Võ Thị Hệ Thống"),
        "{}",
        i.text
    );
    assert!(!i.text.contains("phase:contained") && !i.text.contains("user:"), "words, not codes: {}", i.text);
    let r = page
        .post_form(
            &format!("/quan-tri/su-co/{id}/buoc"),
            &[("csrf", &i.csrf()), ("step", "phase"), ("to", "closed"), ("root_cause", "")],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.text.contains("Nhập nguyên nhân gốc"), "{}", r.text);
    let r = page
        .post_form(
            &format!("/quan-tri/su-co/{id}/bao-cao"),
            &[("csrf", &i.csrf()), ("kind", "progress"), ("body", "Đã cô lập máy chủ")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let i = page.get(&format!("/quan-tri/su-co/{id}")).await;
    let rid = app.store.inc_reports(Some(id), "H72.11").await.unwrap().last().unwrap().id;
    assert!(i.text.contains(&format!("/quan-tri/su-co/bao-cao/{rid}")), "{}", i.text);
    let pdf = page.get_bytes(&format!("/quan-tri/su-co/bao-cao/{rid}")).await;
    assert!(pdf_text(&pdf).contains("Đã cô lập máy chủ"));
    // the year as a workbook and as a printable PDF, read back
    let bytes = page.get_bytes("/quan-tri/su-co.xlsx?nam=2026").await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Danh sách sự cố", "Số liệu năm", "Hệ thống thông tin"]);
    let list = wb.worksheet_range("Danh sách sự cố").unwrap();
    assert_eq!(list.get((1, 1)).map(|c| c.to_string()), Some("Mã độc trên máy chủ cổng".to_string()));
    let figures = wb.worksheet_range("Số liệu năm").unwrap();
    assert_eq!(figures.get((1, 0)).map(|c| c.to_string()), Some("Mã độc".to_string()));
    assert_eq!(figures.get((1, 3)), Some(&calamine::Data::Float(1.0)), "one high-severity malware incident");
    let text = pdf_text(&page.get_bytes("/quan-tri/su-co.pdf?nam=2026").await);
    assert!(text.contains("Sự cố an toàn thông tin mạng 2026") && text.contains("Mã độc"), "{text}");
    assert_eq!(
        app.as_user("demo.admin").await.get("/api/v1/incidents/report.xlsx?year=2026").await.header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    // an agency's administrator sees none of the department's
    let agency = app.client();
    agency.login("demo.agency-admin", DEMO_PASSWORD).await;
    assert_eq!(agency.get(&format!("/quan-tri/su-co/{id}")).await.status, 404);
    assert_eq!(agency.get(&format!("/quan-tri/su-co/bao-cao/{rid}")).await.status, 404);
}

#[tokio::test]
async fn the_periodic_report_and_the_legal_bases_have_their_page_and_the_console_raises_incidents() {
    let app = spawn().await;
    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let p = admin.get("/quan-tri/su-co/dinh-ky?don-vi=H72.11&nam=2026").await;
    assert_eq!(p.status, 200);
    // the deadlines of Decision 05/2017: the days before 20 June and 15 December
    assert!(
        p.text.contains("Quyết định 05/2017/QĐ-TTg") && p.text.contains("19/06/2026") && p.text.contains("14/12/2026"),
        "{}",
        p.text
    );
    assert!(p.text.contains("action=\"/quan-tri/su-co/can-cu\""), "a system administrator keeps the bases");
    // too long a report: refused, the text kept
    let long = "x".repeat(20_001);
    let r = admin
        .post_form("/quan-tri/su-co/dinh-ky", &[("csrf", &p.csrf()), ("agency_id", "H72.11"), ("body", &long)])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Nội dung quá dài") && r.text.contains(&long));
    let r = admin
        .post_form(
            "/quan-tri/su-co/dinh-ky",
            &[
                ("csrf", &p.csrf()),
                ("agency_id", "H72.11"),
                ("body", "Sáu tháng cuối năm: không có sự cố nghiêm trọng"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let rid = app.store.inc_reports(None, "H72.11").await.unwrap().last().unwrap().id;
    let p = admin.get("/quan-tri/su-co/dinh-ky?don-vi=H72.11&nam=2026").await;
    assert!(p.text.contains(&format!("/quan-tri/su-co/bao-cao/{rid}")), "{}", p.text);
    let text = pdf_text(&admin.get_bytes(&format!("/quan-tri/su-co/bao-cao/{rid}")).await);
    assert!(text.contains("Sáu tháng cuối năm") && text.contains("Mẫu số 05"), "{text}");
    // a new basis: every error of the form at once, what was typed kept
    let base = |code: &str, basis: &str, to: &str, days: &str, periodic: &str| -> Vec<(String, String)> {
        [
            ("code", code),
            ("basis", basis),
            ("effective_from", "2026-07-01"),
            ("effective_to", to),
            ("days_notification", days),
            ("anchor_notification", "discovery"),
            ("count_notification", "calendar"),
            ("days_closing", "5"),
            ("anchor_closing", "response_end"),
            ("count_closing", "working"),
            ("form_periodic", "05"),
            ("periodic_before", periodic),
            ("recipients", "Bộ Công an (A05)\nSở Khoa học và Công nghệ"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
        v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
    let mut bad = base("LAT-ANM-2025", "", "2026-01-01", "ba", "31/02");
    bad.push(("csrf".into(), p.csrf()));
    let r = admin.post_form("/quan-tri/su-co/can-cu", &pairs(&bad)).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.text.matches("class=\"error\"").count(), 4, "basis, end, days, periodic: {}", r.text);
    assert!(r.text.contains("value=\"ba\"") && r.text.contains("value=\"31/02\""), "{}", r.text);
    let mut good = base("LAT-ANM-2025", "Luật An ninh mạng 116/2025/QH15", "", "3", "20/06, 15/12");
    good.push(("csrf".into(), p.csrf()));
    let r = admin.post_form("/quan-tri/su-co/can-cu", &pairs(&good)).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let kept = app.as_user("demo.admin").await.get("/api/v1/incidents/regimes").await.json();
    let law = kept.as_array().unwrap().iter().find(|r| r["code"] == "LAT-ANM-2025").unwrap().clone();
    assert_eq!(
        law["rules"][0],
        serde_json::json!({"report": "notification", "anchor": "discovery", "count": "calendar", "days": 3})
    );
    assert_eq!(law["recipients"], serde_json::json!(["Bộ Công an (A05)", "Sở Khoa học và Công nghệ"]));
    let p = admin.get("/quan-tri/su-co/dinh-ky").await;
    assert!(p.text.contains("Luật An ninh mạng 116/2025/QH15") && p.text.contains("3 ngày lịch"), "{}", p.text);
    // an agency's administrator reads the bases and may not keep them
    let agency = app.client();
    agency.login("demo.agency-admin", DEMO_PASSWORD).await;
    let p = agency.get("/quan-tri/su-co/dinh-ky").await;
    assert!(p.text.contains("Luật An ninh mạng") && !p.text.contains("/quan-tri/su-co/can-cu"), "{}", p.text);
    let mut theirs = good.clone();
    theirs.retain(|(k, _)| k != "csrf");
    theirs.push(("csrf".into(), p.csrf()));
    assert_eq!(agency.post_form("/quan-tri/su-co/can-cu", &pairs(&theirs)).await.status, 403);
    // the console's button on a detection: an incident raised once, shown on its page
    let _machine = crate::protection::console_fixture(&app).await;
    let det = app.as_user("demo.admin").await.get("/api/v1/protection/detections").await.json()["detections"][0]["id"]
        .as_i64()
        .unwrap();
    let console = admin.get("/quan-tri/an-toan-thong-tin").await;
    let button = format!("/quan-tri/su-co/tu-phat-hien/{det}");
    assert!(console.text.contains(&button), "{}", console.text);
    let first = admin.post_form(&button, &[("csrf", &console.csrf())]).await;
    assert_eq!(first.status, 303, "{}", first.text);
    let at = first.header("location").to_string();
    let id: i64 = at.trim_start_matches("/quan-tri/su-co/").trim_end_matches("?luu=1").parse().unwrap();
    let again = admin.post_form(&button, &[("csrf", &console.csrf())]).await;
    assert_eq!(again.header("location"), format!("/quan-tri/su-co/{id}"));
    assert!(admin.get(&at).await.text.contains("Win.Test.EICAR_HDB-1"));
    assert_eq!(admin.post_form(&button, &[("csrf", "forged")]).await.status, 403);
}

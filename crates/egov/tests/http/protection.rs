//! Issue 18 on the in-process server: uploads scanned through a real clamd
//! (a test signature database: the EICAR test file), the console's API and
//! pages as the department and an agency's administrator see them.

use egov_clamd::testing::{TestClamd, EICAR};

use crate::common::*;

/// A PDF by its content, carrying the EICAR test string.
fn infected_pdf() -> Vec<u8> {
    let mut b = PDF.to_vec();
    b.extend_from_slice(b"% ");
    b.extend_from_slice(EICAR);
    b.extend_from_slice(b"\n");
    b
}

async fn scanning(clamd: &TestClamd, fail_open: bool) -> TestApp {
    let mut s = egov_web::Settings { local_citizen_accounts: true, ..Default::default() };
    s.app.scanner = Some(egov_app::protection::scan::Scanner { clamd: clamd.client(), fail_open });
    spawn_with(s).await
}

fn submission(part0: Vec<u8>, name: &str) -> reqwest::multipart::Form {
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01",
        "form": marriage(serde_json::json!({"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Phường Tân Ninh"}))});
    reqwest::multipart::Form::new()
        .text("dossier", body.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(part0).file_name(name.to_string()))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"))
}

#[tokio::test]
async fn an_infected_upload_is_refused_naming_its_signature_nothing_is_stored_and_the_console_shows_it() {
    let mut clamd = TestClamd::start().await;
    let app = scanning(&clamd, false).await;
    let citizen = app.as_user("demo.citizen").await;
    let (blobs, dossiers) = (count_blobs(&app.blobs).await, app.count("dossiers").await);
    let r = citizen.post_multipart("/api/v1/dossiers", submission(infected_pdf(), "to-khai.pdf")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let errors = r.json()["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1, "{}", r.text);
    assert_eq!(errors[0]["pointer"], "parts[0]");
    let detail = errors[0]["detail"].as_str().unwrap();
    assert!(detail.contains("Egov.Test.EICAR") && detail.contains("to-khai.pdf"), "{detail}");
    // the EICAR file itself: not a document, and malware, both said
    let r = citizen.post_multipart("/api/v1/dossiers", submission(EICAR.to_vec(), "eicar.com")).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Egov.Test.EICAR"), "{}", r.text);
    assert_eq!((count_blobs(&app.blobs).await, app.count("dossiers").await), (blobs, dossiers), "nothing stored");
    // recorded: the console's detections (egov's own machine) and the audit chain
    let admin = app.as_user("demo.admin").await;
    let d = admin.get("/api/v1/protection/detections").await.json();
    assert_eq!(d["total"], 2, "{d}");
    assert_eq!(d["detections"][0]["action"], "refused");
    assert_eq!(d["detections"][0]["machine"], "egov");
    assert!(d["detections"][1]["path"].as_str().unwrap().contains("to-khai.pdf"));
    assert_eq!(app.store.count_where("audit_log", "action = 'protection.detection'").await.unwrap(), 2);
    // an agency's administrator sees their agency's, not egov's own
    let agency = app.as_user("demo.agency-admin").await;
    assert_eq!(agency.get("/api/v1/protection/detections").await.json()["total"], 0);
    // a clean document passes
    let r = citizen.post_multipart("/api/v1/dossiers", submission(PDF.to_vec(), "to-khai.pdf")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let stored = count_blobs(&app.blobs).await;
    // clamd down: refused (fail closed), nothing stored
    clamd.stop();
    let r = citizen.post_multipart("/api/v1/dossiers", submission(PDF.to_vec(), "to-khai.pdf")).await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(count_blobs(&app.blobs).await, stored);
}

#[tokio::test]
async fn an_infected_result_is_refused_too_and_the_dossier_stays_where_it_was() {
    let clamd = TestClamd::start().await;
    let app = scanning(&clamd, false).await;
    let citizen = app.as_user("demo.citizen").await;
    let receiver = app.as_user("demo.receiver").await;
    let approver = app.as_user("demo.approver").await;
    let code = submit_online(&citizen).await;
    receiver.act_ok(&code, serde_json::json!({"action": "accept"})).await;
    approver.act_ok(&code, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    approver.act_ok(&code, serde_json::json!({"action": "approve"})).await;
    let result = |bytes: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("action", r#"{"action": "return_result"}"#)
            .part("result", reqwest::multipart::Part::bytes(bytes).file_name("ket-qua.pdf"))
    };
    let blobs = count_blobs(&app.blobs).await;
    let actions = format!("/api/v1/dossiers/{code}/actions");
    let r = receiver.post_multipart(&actions, result(infected_pdf())).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Egov.Test.EICAR") && r.text.contains("mã độc"), "{}", r.text);
    assert_eq!(count_blobs(&app.blobs).await, blobs, "nothing stored");
    assert_eq!(citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["status"], "approved");
    let r = receiver.post_multipart(&actions, result(PDF.to_vec())).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn with_fail_open_uploads_pass_unscanned_while_clamd_is_down() {
    let mut clamd = TestClamd::start().await;
    let app = scanning(&clamd, true).await;
    let citizen = app.as_user("demo.citizen").await;
    assert_eq!(citizen.post_multipart("/api/v1/dossiers", submission(infected_pdf(), "a.pdf")).await.status, 422);
    clamd.stop();
    let r = citizen.post_multipart("/api/v1/dossiers", submission(PDF.to_vec(), "a.pdf")).await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test]
async fn the_page_form_shows_the_infected_part_at_its_input_and_keeps_the_rest() {
    let clamd = TestClamd::start().await;
    let app = scanning(&clamd, false).await;
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    let page = c.get("/thu-tuc/1.000894/nop").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let mut form = reqwest::multipart::Form::new().text("csrf", page.csrf()).text("agency", "H72.50.01");
    form = with_couple(form)
        .text("f_applicant_name", "Nguyễn Văn Dân")
        .part("part_0", reqwest::multipart::Part::bytes(infected_pdf()).file_name("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"));
    let r = c.post_multipart("/thu-tuc/1.000894/nop", form).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("mã độc") && r.text.contains("Egov.Test.EICAR"), "{}", r.text);
    assert!(r.text.contains("Nguyễn Văn Dân"), "what was typed is shown again");
}

#[tokio::test]
async fn the_console_counts_an_agencys_inventory_and_its_forms_say_every_problem() {
    let app = spawn().await;
    let admin = app.as_user("demo.admin").await;
    let machine = |agency: &str, name: &str| {
        serde_json::json!({"agency_id": agency, "name": name, "kind": "workstation", "added_on": "2026-01-05"})
            .to_string()
    };
    let r = admin.post_json("/api/v1/protection/machines", &machine("H72.50.01", "PC-01")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pc1 = r.json()["id"].as_i64().unwrap();
    assert_eq!(admin.post_json("/api/v1/protection/machines", &machine("H72.11", "SRV-01")).await.status, 201);
    assert_eq!(
        admin.post_json("/api/v1/protection/machines", &machine("H72.50.01", "pc-01")).await.status,
        422,
        "the same name twice"
    );
    // every problem at once
    let bad =
        serde_json::json!({"agency_id": "H99", "name": "", "kind": "toaster", "address": "1.2.3", "added_on": "soon"});
    let r = admin.post_json("/api/v1/protection/machines", &bad.to_string()).await;
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(pointers, ["name", "kind", "address", "added_on", "agency_id"]);
    // the inventory as CSV: all or nothing, every problem with its line
    let csv = "agency,name,kind,added_on\nH72.50.01,PC-02,workstation,2026-01-05\nH72.50.01,PC-03,tablet,2026-01-05\n";
    let r = admin.post_with_body("/api/v1/protection/inventory", csv, "text/csv").await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["pointer"], "line 3/kind");
    let csv = "agency,name,kind,added_on\nH72.50.01,PC-02,workstation,2026-01-05\nH72.50.01,PC-03,server,2026-01-05\n";
    let r = admin.post_with_body("/api/v1/protection/inventory", csv, "text/csv").await;
    assert_eq!(r.json(), serde_json::json!({"added": 2, "changed": 0}));
    // one agent heartbeats with current signatures and a scan: 1 of 3 at H72.50.01
    let key = enrolled(&app, &admin, pc1).await;
    let today = chrono::Local::now().format("%a %b %e %H:%M:%S %Y").to_string();
    let beat = serde_json::json!({"host_name": "pc-01", "os": "Debian", "agent_version": "0.1.0",
        "clamd_version": format!("ClamAV 1.4.6/27474/{today}"), "last_scan": {"seconds_ago": 60, "result": "clean"}, "last_good_scan_seconds_ago": 60});
    let r = app.client().post_json_with("/api/v1/agent/heartbeat", &beat.to_string(), &[("X-Agent-Key", &key)]).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let agency = app.as_user("demo.agency-admin").await;
    let c = agency.get("/api/v1/protection/machines").await.json();
    assert_eq!(c["total"], serde_json::json!({"machines": 3, "covered": 1, "per_mille": 333}), "{c}");
    assert_eq!(c["machines"].as_array().unwrap().len(), 3, "their agency's only");
    let all = admin.get("/api/v1/protection/machines").await.json();
    assert_eq!(all["total"], serde_json::json!({"machines": 4, "covered": 1, "per_mille": 250}));
    // the agent's key works for its machine only; revoked, it is refused at once
    assert_eq!(admin.delete(&format!("/api/v1/protection/machines/{pc1}/agent")).await.status, 204);
    let r = app.client().post_json_with("/api/v1/agent/heartbeat", &beat.to_string(), &[("X-Agent-Key", &key)]).await;
    assert_eq!(r.status, 401);
    // the page: the figures, the chart, the form's problems at their fields, in Vietnamese
    let page = app.client();
    page.login("demo.agency-admin", DEMO_PASSWORD).await;
    let p = page.get("/quan-tri/an-toan-thong-tin").await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert!(
        p.text.contains("0,0 % (0/3)") && p.text.contains("<svg role=\"img\""),
        "revoked: not protected; {}",
        p.text
    );
    let r = page
        .post_form(
            "/quan-tri/an-toan-thong-tin/may",
            &[
                ("csrf", &p.csrf()),
                ("agency_id", "H72.50.01"),
                ("name", "PC-04"),
                ("kind", "server"),
                ("address", "zz"),
                ("added_on", "2026-13-01"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.text.contains("value=\"PC-04\"")
            && r.text.contains("Vui lòng nhập ngày dạng YYYY-MM-DD.")
            && r.text.contains("Nhập địa chỉ IPv4"),
        "{}",
        r.text
    );
    // another agency's machine is not theirs
    let srv =
        all["machines"].as_array().unwrap().iter().find(|m| m["name"] == "SRV-01").unwrap()["id"].as_i64().unwrap();
    assert_eq!(page.get(&format!("/quan-tri/an-toan-thong-tin/may/{srv}")).await.status, 404);
    // a token issued on the machine's page, shown once
    let m = page.get(&format!("/quan-tri/an-toan-thong-tin/may/{pc1}")).await;
    let r = page.post_form(&format!("/quan-tri/an-toan-thong-tin/may/{pc1}/ma-dang-ky"), &[("csrf", &m.csrf())]).await;
    assert!(r.text.contains("egov-agent enrol --server"), "{}", r.text);
    // the workbook, read back
    let bytes = page.get_bytes("/quan-tri/an-toan-thong-tin.xlsx").await;
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Tỷ lệ bảo vệ", "Máy", "Phát hiện"]);
    let sheet = wb.worksheet_range("Tỷ lệ bảo vệ").unwrap();
    assert_eq!(sheet.get((1, 1)), Some(&Data::Float(3.0)));
    assert_eq!(sheet.get((1, 2)), Some(&Data::Float(0.0)), "revoked: no longer covered");
}

#[tokio::test]
async fn a_detection_is_handled_on_the_page_and_kept_with_who_handled_it() {
    let app = spawn().await;
    crate::protection::console_fixture(&app).await;
    let page = app.client();
    page.login("demo.agency-admin", DEMO_PASSWORD).await;
    let p = page.get("/quan-tri/an-toan-thong-tin").await;
    assert!(p.text.contains("Win.Test.EICAR_HDB-1") && p.text.contains("Đã cách ly"), "{}", p.text);
    let d = app.as_user("demo.admin").await.get("/api/v1/protection/detections?open=true").await.json();
    let id = d["detections"][0]["id"].as_i64().unwrap();
    // quarantined already: it cannot go back, it can be cleaned
    let back = page
        .post_form(&format!("/quan-tri/an-toan-thong-tin/phat-hien/{id}"), &[("csrf", &p.csrf()), ("state", "new")])
        .await;
    assert_eq!(back.status, 400);
    let r = page
        .post_form(
            &format!("/quan-tri/an-toan-thong-tin/phat-hien/{id}"),
            &[("csrf", &p.csrf()), ("state", "cleaned"), ("note", "Đã xoá tệp")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let p = page.get("/quan-tri/an-toan-thong-tin").await;
    assert!(
        p.text.contains("Phát hiện đã xử lý gần đây")
            && p.text.contains("Hoàng Văn Quản")
            && p.text.contains("Đã xoá tệp"),
        "{}",
        p.text
    );
    let d = app.as_user("demo.admin").await.get("/api/v1/protection/detections").await.json();
    assert_eq!(
        (d["detections"][0]["state"].as_str(), d["detections"][0]["handler"].as_str()),
        (Some("cleaned"), Some("Hoàng Văn Quản"))
    );
    let again = page
        .post_form(
            &format!("/quan-tri/an-toan-thong-tin/phat-hien/{id}"),
            &[("csrf", &p.csrf()), ("state", "false_positive")],
        )
        .await;
    assert_eq!(again.status, 409, "closed");
}

/// An agent enrolled for a machine through the API, as `egov-agent enrol`
/// does: its key.
async fn enrolled(app: &TestApp, admin: &Client, machine: i64) -> String {
    let r = admin.post_json(&format!("/api/v1/protection/machines/{machine}/enrolment"), "{}").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.json()["token"].as_str().unwrap().to_string();
    let r = app.client().post_json("/api/v1/agent/enrol", &serde_json::json!({"token": token}).to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["key"].as_str().unwrap().to_string()
}

/// A machine of H72.50.01 with an enrolled agent that heartbeats and has
/// reported a detection, for the pages' checks: its id.
pub async fn console_fixture(app: &TestApp) -> i64 {
    let admin = app.as_user("demo.admin").await;
    let m = serde_json::json!({"agency_id": "H72.50.01", "name": "PC-MOT-CUA-01", "kind": "workstation", "added_on": "2026-01-05", "location": "Phường Tân Ninh"});
    let r = admin.post_json("/api/v1/protection/machines", &m.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let key = enrolled(app, &admin, id).await;
    let beat = serde_json::json!({"host_name": "pc-mot-cua-01", "os": "Debian GNU/Linux 12", "addresses": ["10.72.50.11"], "agent_version": "0.1.0",
        "clamd_version": "ClamAV 1.4.6/27474/Mon Nov 30 09:35:01 2026", "last_scan": {"seconds_ago": 600, "result": "infected"}, "last_good_scan_seconds_ago": 600});
    let key = [("X-Agent-Key", key.as_str())];
    assert_eq!(app.client().post_json_with("/api/v1/agent/heartbeat", &beat.to_string(), &key).await.status, 204);
    let report = serde_json::json!({"reports": [{"report_id": "1-a", "found_seconds_ago": 600, "path": "C:/Users/mc/Downloads/hoa-don.exe",
        "signature": "Win.Test.EICAR_HDB-1", "sha256": "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", "action": "quarantined"}]});
    assert_eq!(app.client().post_json_with("/api/v1/agent/detections", &report.to_string(), &key).await.status, 200);
    id
}

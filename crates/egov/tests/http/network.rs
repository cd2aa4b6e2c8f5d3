//! Issue 19 on the in-process server: the network's API and pages as the
//! department and an agency's administrator see them, push heartbeats,
//! samples and the capacity rule, the workbook read back, the public status
//! page, a form shown again with every error.

use crate::common::*;

fn site(name: &str, kind: &str, unit: &str, agency: Option<&str>, public: bool) -> String {
    serde_json::json!({"name": name, "kind": kind, "unit_code": unit, "agency_id": agency, "access_level": "II", "public": public})
        .to_string()
}

#[tokio::test]
async fn sites_probes_and_figures_through_the_api_each_in_its_scope() {
    let app = spawn().await;
    let admin = app.as_user("demo.admin").await;
    let agency = app.as_user("demo.agency-admin").await; // Tân Ninh's committee, H72.50.01
    let r =
        admin.post_json("/api/v1/network/sites", &site("Trung tâm dữ liệu tỉnh", "province", "72", None, true)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let centre = r.json()["id"].as_i64().unwrap();
    let r = agency
        .post_json("/api/v1/network/sites", &site("UBND phường Tân Ninh", "agency", "25441", Some("H72.50.01"), false))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let own = r.json()["id"].as_i64().unwrap();
    // not another agency's, nor a unit that does not exist, nor a name taken: every field at once
    let r = agency
        .post_json("/api/v1/network/sites", &site("Trung tâm dữ liệu tỉnh", "agency", "99999", Some("H72.11"), false))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(pointers, ["unit_code", "agency_id"], "{}", r.text);
    let r =
        admin.post_json("/api/v1/network/sites", &site("trung tâm dữ liệu tỉnh", "province", "72", None, false)).await;
    assert_eq!(r.status, 422, "a name taken, whatever its case: {}", r.text);
    // each sees its own
    let mine = agency.get("/api/v1/network/sites").await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["state"], "unwatched");
    assert_eq!(admin.get("/api/v1/network/sites").await.json().as_array().unwrap().len(), 2);
    assert_eq!(agency.get(&format!("/api/v1/network/sites/{centre}")).await.status, 404);
    assert_eq!(app.as_user("demo.citizen").await.get("/api/v1/network/sites").await.status, 403);

    // a push probe: its address shown once, heartbeats by GET and POST
    let r = agency
        .post_json(
            &format!("/api/v1/network/sites/{own}/probes"),
            r#"{"name": "Đài truyền thanh", "kind": "push", "interval_s": 60}"#,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let push = r.json()["push_path"].as_str().unwrap().to_string();
    let anyone = app.client();
    assert_eq!(anyone.get(&push).await.status, 204);
    assert_eq!(anyone.post_json(&push, "").await.status, 204);
    assert_eq!(anyone.get("/api/v1/network/push/not-a-secret").await.status, 404);
    // a probe's fields checked for its kind, every problem at once
    let r = agency
        .post_json(
            &format!("/api/v1/network/sites/{own}/probes"),
            r#"{"name": "Cổng", "kind": "tcp", "interval_s": 30, "timeout_s": 30}"#,
        )
        .await;
    assert_eq!(r.status, 422);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(pointers, ["host", "port", "timeout_s"], "{}", r.text);
    let d = agency.get(&format!("/api/v1/network/sites/{own}")).await.json();
    assert_eq!(d["probes"][0]["kind"], "push");
    assert_eq!(d["probes"][0]["state"], "pending");
    let probe = d["probes"][0]["id"].as_i64().unwrap();
    assert_eq!(agency.put_json(&format!("/api/v1/network/probes/{probe}"), r#"{"paused": true}"#).await.status, 204);
    assert_eq!(agency.get(&format!("/api/v1/network/sites/{own}")).await.json()["probes"][0]["state"], "paused");

    // a link, a day of samples at 40 Mbit/s with one spike, the rule (not a whole week yet)
    let r = agency
        .post_json(&format!("/api/v1/network/sites/{own}/links"), r#"{"name": "Cáp quang 1", "capacity_mbps": 100}"#)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let link = r.json()["id"].as_i64().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut csv = String::from("time,in_bps,out_bps\n");
    for i in 0..288u64 {
        let v = if i == 7 { 99_000_000 } else { 40_000_000 };
        csv.push_str(&format!("{},{v},{}\n", now - 86_400 + i * 300, v / 4));
    }
    let r = agency.post_with_body(&format!("/api/v1/network/links/{link}/samples"), &csv, "text/csv").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["imported"], 288);
    let r = agency.post_with_body(&format!("/api/v1/network/links/{link}/samples"), "1,2,3\nx,1,2\n", "text/csv").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["pointer"], "line 2");
    let c = agency.get(&format!("/api/v1/network/links/{link}/capacity")).await.json();
    assert_eq!(
        (c["samples"].as_u64(), c["p95_in_bps"].as_u64(), c["ok"].as_bool()),
        (Some(288), Some(40_000_000), Some(true)),
        "{c}"
    );
    assert_eq!(c["complete"], false);
    assert_eq!(admin.get(&format!("/api/v1/network/links/{link}/capacity?until=tomorrow")).await.status, 400);

    // maintenance: an end before its start refused, a good window kept
    let r = agency
        .post_json(
            &format!("/api/v1/network/sites/{own}/maintenance"),
            r#"{"starts_at": "2026-12-05T22:00", "ends_at": "2026-12-05T21:00"}"#,
        )
        .await;
    assert_eq!(r.status, 422);
    let r = agency
        .post_json(
            &format!("/api/v1/network/sites/{own}/maintenance"),
            r#"{"starts_at": "2026-12-05T22:00", "ends_at": "2026-12-06T02:00", "note": "Thay bộ chuyển mạch"}"#,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    // the figures
    let u = admin.get("/api/v1/network/uptime?by=province").await.json();
    assert_eq!(u["by"], "province");
    assert_eq!(admin.get("/api/v1/network/uptime?by=galaxy").await.status, 400);
    assert_eq!(admin.get("/api/v1/network/outages?period=2026").await.status, 200);
    let st = admin.get("/api/v1/network/prober").await.json();
    assert!(["datagram", "raw", "denied"].contains(&st["icmp"].as_str().unwrap()), "{st}");
    assert_eq!(agency.get("/api/v1/network/prober").await.status, 403);
    assert_eq!(
        agency.put_json("/api/v1/network/policy", r#"{"remind_after_minutes": 30, "raw_days": 7}"#).await.status,
        403
    );
    assert_eq!(
        admin.put_json("/api/v1/network/policy", r#"{"remind_after_minutes": 30, "raw_days": 0}"#).await.status,
        422
    );
    assert_eq!(
        admin.put_json("/api/v1/network/policy", r#"{"remind_after_minutes": 30, "raw_days": 7}"#).await.status,
        204
    );

    // the workbook, read back
    let bytes = admin.get_bytes("/api/v1/network/report.xlsx?period=2026").await;
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Điểm kết nối", "Xã, phường", "Cơ quan", "Toàn tỉnh", "Sự cố mất kết nối"]);
    let sheet = wb.worksheet_range("Điểm kết nối").unwrap();
    let names: Vec<String> = (1..sheet.height()).filter_map(|r| sheet.get((r, 0)).map(|c| c.to_string())).collect();
    assert_eq!(names, ["Trung tâm dữ liệu tỉnh", "UBND phường Tân Ninh"]);
    assert_eq!(sheet.get((0, 3)), Some(&Data::String("Tỷ lệ hoạt động".into())));

    // the public status page: the public site only, without signing in
    let page = anyone.get("/trang-thai").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Trung tâm dữ liệu tỉnh") && !page.text.contains("UBND phường Tân Ninh"),
        "{}",
        page.text
    );
    let s = anyone.get("/api/v1/network/status").await.json();
    assert_eq!(s.as_array().unwrap().len(), 1);
    assert_eq!(s[0]["days"].as_array().unwrap().len(), 90);
    assert_eq!(s[0]["watched"], false);
    // the audit chain holds every change
    assert_eq!(app.store.count_where("audit_log", "action LIKE 'network.%'").await.unwrap(), 8);
}

#[tokio::test]
async fn the_pages_show_the_network_and_a_form_comes_back_with_every_error_and_what_was_typed() {
    let app = spawn().await;
    let admin = app.as_user("demo.admin").await;
    let r = admin.post_json("/api/v1/network/sites", &site("Xã Bến Cầu", "commune", "25450", None, true)).await;
    let id = r.json()["id"].as_i64().unwrap();
    let page = app.client();
    page.login("demo.admin", DEMO_PASSWORD).await;
    let p = page.get("/quan-tri/mang").await;
    assert_eq!(p.status, 200);
    assert!(p.text.contains("Xã Bến Cầu") && p.text.contains("Chưa theo dõi"), "{}", p.text);
    // a site without a name or a unit: both errors, and the address typed kept
    let r = page
        .post_form(
            "/quan-tri/mang/diem",
            &[
                ("csrf", &p.csrf()),
                ("name", ""),
                ("kind", "commune"),
                ("unit_code", ""),
                ("access_level", "II"),
                ("address", "Ấp Voi, xã Bến Cầu"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("value=\"Ấp Voi, xã Bến Cầu\""), "{}", r.text);
    assert_eq!(r.text.matches("class=\"error\"").count(), 2, "{}", r.text);
    // a probe on the site's page: the wrong address said, the fields typed kept
    let s = page.get(&format!("/quan-tri/mang/diem/{id}")).await;
    assert_eq!(s.status, 200);
    let r = page
        .post_form(
            &format!("/quan-tri/mang/diem/{id}/dau-do"),
            &[
                ("csrf", &s.csrf()),
                ("name", "Cổng xã"),
                ("kind", "http"),
                ("url", "ftp://bencau"),
                ("interval_s", "60"),
                ("timeout_s", "10"),
                ("down_after", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("value=\"Cổng xã\"") && r.text.contains("http:// hoặc https://"), "{}", r.text);
    // a push probe: its address shown once on the page
    let r = page
        .post_form(
            &format!("/quan-tri/mang/diem/{id}/dau-do"),
            &[
                ("csrf", &s.csrf()),
                ("name", "Loa"),
                ("kind", "push"),
                ("interval_s", "60"),
                ("timeout_s", "10"),
                ("down_after", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.text.contains("/api/v1/network/push/"), "{}", r.text);
    let s = page.get(&format!("/quan-tri/mang/diem/{id}")).await;
    assert!(s.text.contains("Loa") && !s.text.contains("/api/v1/network/push/"), "{}", s.text);
    // in English too
    let en = page.get(&format!("/quan-tri/mang/diem/{id}?lang=en")).await;
    assert!(en.text.contains("Heartbeats from a device") && en.text.contains("Uptime"), "{}", en.text);
    // a citizen is refused, an agency's administrator sees none of the department's
    let citizen = app.client();
    citizen.login("demo.citizen", DEMO_PASSWORD).await;
    assert_eq!(citizen.get("/quan-tri/mang").await.status, 403);
    let agency = app.client();
    agency.login("demo.agency-admin", DEMO_PASSWORD).await;
    let a = agency.get("/quan-tri/mang").await;
    assert!(a.status == 200 && !a.text.contains(&format!("/quan-tri/mang/diem/{id}\"")), "{}", a.text);
    assert_eq!(agency.get(&format!("/quan-tri/mang/diem/{id}")).await.status, 404);
}

/// A site with a probe of each kind that needs no network (the server's own
/// health page, its port, a push), a link with a day of samples, a
/// maintenance window: for the pages' checks. The site's id.
pub async fn fixture(app: &TestApp) -> i64 {
    let admin = app.as_user("demo.admin").await;
    let r = admin.post_json("/api/v1/network/sites", &site("Phường Tân Ninh", "commune", "25441", None, true)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    let port = app.addr.port();
    for body in [
        serde_json::json!({"name": "Trang chủ", "kind": "http", "url": format!("{}/healthz", app.base), "interval_s": 10, "timeout_s": 5}),
        serde_json::json!({"name": "Cổng dịch vụ", "kind": "tcp", "host": "127.0.0.1", "port": port, "interval_s": 10, "timeout_s": 5}),
        serde_json::json!({"name": "Loa xã", "kind": "push", "interval_s": 60}),
    ] {
        let r = admin.post_json(&format!("/api/v1/network/sites/{id}/probes"), &body.to_string()).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = admin
        .post_json(&format!("/api/v1/network/sites/{id}/links"), r#"{"name": "Cáp quang", "capacity_mbps": 100}"#)
        .await;
    let link = r.json()["id"].as_i64().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let csv: String = (0..288u64)
        .map(|i| format!("{},{},{}\n", now - 86_400 + i * 300, 30_000_000 + i * 10_000, 5_000_000))
        .collect();
    assert_eq!(
        admin.post_with_body(&format!("/api/v1/network/links/{link}/samples"), &csv, "text/csv").await.status,
        200
    );
    let r = admin
        .post_json(
            &format!("/api/v1/network/sites/{id}/maintenance"),
            r#"{"starts_at": "2026-12-24T22:00", "ends_at": "2026-12-25T01:00", "note": "Nâng cấp"}"#,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    id
}

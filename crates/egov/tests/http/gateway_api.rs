//! The gateway's management API (`/api/v1/gateway/…`): an agency's
//! administrator requests a subsystem and publishes its service; a system
//! administrator approves, grants and issues a key; the call goes through;
//! each sees the registry and the figures as far as they may; maintenance
//! is switched from the API; the rest are refused.

use std::time::{Duration, Instant};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registry_is_managed_through_the_api_by_whom_it_may_be() {
    let app = spawn().await;
    let (sys, agency, citizen) =
        (app.as_user("demo.admin").await, app.as_user("demo.agency-admin").await, app.as_user("demo.citizen").await);
    // an upstream: the platform's own directory of agencies
    let upstream = format!("{}/api/v1/directory", app.base);

    // the commune's administrator requests its system, for its own agency only
    let body = r#"{"ident":"VN-TN/GOV/H72.50.01/motcua","name":"Một cửa xã","agency_id":"H72.50.01"}"#;
    let r = agency.post_json("/api/v1/gateway/subsystems", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let provider = r.json()["id"].as_i64().unwrap();
    let other = r#"{"ident":"VN-TN/GOV/H72.11/x","name":"Not theirs","agency_id":"H72.11"}"#;
    assert_eq!(agency.post_json("/api/v1/gateway/subsystems", other).await.status, 403);
    let taken = agency.post_json("/api/v1/gateway/subsystems", body).await;
    assert_eq!(taken.status, 422);
    assert_eq!(taken.json()["errors"][0]["pointer"], "ident", "{}", taken.text);
    assert_eq!(citizen.get("/api/v1/gateway/registry").await.status, 403);
    assert_eq!(app.client().get("/api/v1/gateway/registry").await.status, 401);

    // requested, not approved: the agency's administrator cannot approve it
    let reg = agency.get("/api/v1/gateway/registry").await.json();
    assert_eq!(reg["subsystems"][0]["state"], "Requested", "{reg}");
    let approve = r#"{"state":"Approved"}"#;
    let path = format!("/api/v1/gateway/subsystems/{provider}/state");
    assert_eq!(agency.put_json(&path, approve).await.status, 403);
    assert_eq!(sys.put_json(&path, approve).await.status, 204);
    assert_eq!(sys.put_json(&path, r#"{"state":"Requested"}"#).await.status, 400, "not a state one sets");

    // its service, published by its own administrator; every field's error at once
    let bad = format!(r#"{{"subsystem_id":{provider},"code":"a/b","upstream":"ftp://x","timeout_ms":5}}"#);
    let r = agency.put_json("/api/v1/gateway/services", &bad).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let fields: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, ["code", "upstream", "timeout_ms"]);
    let svc = format!(r#"{{"subsystem_id":{provider},"code":"dir","upstream":"{upstream}","timeout_ms":5000}}"#);
    let r = agency.put_json("/api/v1/gateway/services", &svc).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let service = r.json()["id"].as_i64().unwrap();

    // a client system of the department's, its key, and a right to one endpoint
    let client = r#"{"ident":"VN-TN/GOV/H72.11/erp","name":"ERP","agency_id":"H72.11"}"#;
    let client_id = sys.post_json("/api/v1/gateway/subsystems", client).await.json()["id"].as_i64().unwrap();
    let r = sys.post_json(&format!("/api/v1/gateway/subsystems/{client_id}/keys"), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let key = r.json()["key"].as_str().unwrap().to_string();
    let neither = format!(r#"{{"service_id":{service}}}"#);
    assert_eq!(agency.post_json("/api/v1/gateway/grants", &neither).await.status, 422);
    let g =
        format!(r#"{{"service_id":{service},"subsystem":"VN-TN/GOV/H72.11/erp","method":"GET","path":"/agencies"}}"#);
    let r = agency.post_json("/api/v1/gateway/grants", &g).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let grant = r.json()["id"].as_i64().unwrap();

    // the call goes through, and is counted
    let http = reqwest::Client::new();
    let call = || {
        http.get(format!("{}/r1/VN-TN/GOV/H72.50.01/motcua/dir/agencies", app.base))
            .header("X-Road-Client", "VN-TN/GOV/H72.11/erp")
            .header("X-Road-Api-Key", &key)
            .send()
    };
    let start = Instant::now();
    loop {
        let r = call().await.unwrap();
        if r.status() == 200 {
            let j: serde_json::Value = r.json().await.unwrap();
            assert!(j["items"].as_array().is_some_and(|a| !a.is_empty()));
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{}", r.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let f = agency.get("/api/v1/gateway/figures?minutes=5").await.json();
    let mine = &f["services"][0];
    assert_eq!(mine["service"], "VN-TN/GOV/H72.50.01/motcua/dir", "{f}");
    assert!(mine["calls"].as_u64().unwrap() >= 1 && mine["last_success"].is_string(), "{f}");
    assert_eq!(agency.get("/api/v1/gateway/figures?minutes=0").await.status, 400);

    // each sees what is theirs: the commune's administrator not the department's client
    let seen = agency.get("/api/v1/gateway/registry").await.json();
    let idents: Vec<&str> =
        seen["subsystems"].as_array().unwrap().iter().map(|s| s["ident"].as_str().unwrap()).collect();
    assert_eq!(idents, ["VN-TN/GOV/H72.50.01/motcua"]);
    assert_eq!(seen["grants"][0]["subsystem"], "VN-TN/GOV/H72.11/erp");
    assert_eq!(sys.get("/api/v1/gateway/registry").await.json()["subsystems"].as_array().unwrap().len(), 2);

    // revoked: refused within the refresh
    assert_eq!(agency.delete(&format!("/api/v1/gateway/grants/{grant}")).await.status, 204);
    assert_eq!(call().await.unwrap().status(), 403);

    // maintenance, from the API, by a system administrator only
    assert_eq!(agency.put_json("/api/v1/gateway/maintenance", r#"{"on":true}"#).await.status, 403);
    assert_eq!(sys.put_json("/api/v1/gateway/maintenance", r#"{"on":true}"#).await.status, 204);
    assert_eq!(app.client().get("/gateway/health").await.status, 503);
    assert_eq!(sys.put_json("/api/v1/gateway/maintenance", r#"{"on":false}"#).await.status, 204);
    assert_eq!(app.client().get("/gateway/health").await.status, 200);
    assert_eq!(sys.get("/api/v1/gateway/registry").await.json()["maintenance"], false);
}

/// The back office's page: an agency's administrator requests a system
/// (every field's error at once, what was typed kept), a system
/// administrator approves it and switches maintenance; the figures' chart
/// and table say the calls of the last hour; nobody else reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_back_office_page_registers_approves_and_shows_the_figures() {
    let app = spawn().await;
    let agency = app.client();
    agency.login("demo.agency-admin", DEMO_PASSWORD).await;
    let page = agency.get("/quan-tri/lien-thong").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("href=\"/quan-tri/lien-thong\""), "in the back office's menu");
    let csrf = page.csrf();

    let bad = agency.post_form("/quan-tri/lien-thong", &[("csrf", &csrf), ("ident", "VN-TN/a b"), ("name", " ")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains("value=\"VN-TN/a b\""), "what was typed is kept");
    assert!(bad.text.contains("id=\"ident-err\"") && bad.text.contains("id=\"name-err\""), "every field's error");
    let ok = agency
        .post_form(
            "/quan-tri/lien-thong",
            &[("csrf", &csrf), ("ident", "VN-TN/GOV/H72.50.01/motcua"), ("name", "Một cửa")],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    let page = agency.get("/quan-tri/lien-thong").await;
    assert!(page.text.contains("VN-TN/GOV/H72.50.01/motcua") && page.text.contains("Chờ duyệt"), "requested, in words");
    assert!(!page.text.contains("/quan-tri/lien-thong/he-thong/"), "no approval for an agency's administrator");
    let forged = agency.post_form("/quan-tri/lien-thong/he-thong/1", &[("csrf", &csrf), ("state", "Approved")]).await;
    assert_eq!(forged.status, 403);

    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri/lien-thong?lang=en").await;
    let csrf = page.csrf();
    let id = page.text.split("/quan-tri/lien-thong/he-thong/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = admin
        .post_form(&format!("/quan-tri/lien-thong/he-thong/{id}"), &[("csrf", &csrf), ("state", "Approved")])
        .await;
    assert_eq!(r.status, 303);
    assert!(admin.get("/quan-tri/lien-thong?lang=en").await.text.contains("Approved"));

    // calls through egov's own services, one refused: the chart and the table say them
    let own = "VN-TN/GOV/H72/egov";
    let out = app.cli(&["gateway", "publish-own", own, "--base", &app.base]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let client = "VN-TN/GOV/H72.50.01/motcua";
    assert!(app.cli(&["gateway", "grant", &format!("{own}/agencies"), "--to", client]).status.success());
    let key = String::from_utf8_lossy(&app.cli(&["gateway", "issue-key", client]).stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let http = reqwest::Client::new();
    let call = |svc: &str| {
        http.get(format!("{}/r1/{own}/{svc}", app.base))
            .header("X-Road-Client", client)
            .header("X-Road-Api-Key", &key)
            .send()
    };
    let start = Instant::now();
    while call("agencies").await.unwrap().status() != 200 {
        assert!(start.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(call("dossier-status").await.unwrap().status(), 403);
    let page = admin.get("/quan-tri/lien-thong?lang=en").await.text;
    assert!(page.contains("<svg role=\"img\" aria-labelledby=\"fig-t fig-d\""), "the chart");
    assert!(page.contains(&format!("<th scope=\"row\">{own}/agencies</th>")), "the table names the service");
    assert!(page.contains("egov/dossier-status") && page.contains("fill=\"#a61c00\""), "a failure drawn");

    // maintenance from the page
    let r = admin.post_form("/quan-tri/lien-thong/bao-tri", &[("csrf", &csrf), ("on", "on")]).await;
    assert_eq!(r.status, 303);
    assert_eq!(app.client().get("/gateway/health").await.status, 503);
    assert!(admin.get("/quan-tri/lien-thong?lang=vi").await.text.contains("Đang bảo trì"));
    admin.post_form("/quan-tri/lien-thong/bao-tri", &[("csrf", &csrf), ("on", "off")]).await;
    assert_eq!(app.client().get("/gateway/health").await.status, 200);

    let citizen = app.client();
    citizen.login("demo.citizen", DEMO_PASSWORD).await;
    assert_eq!(citizen.get("/quan-tri/lien-thong").await.status, 403);
}

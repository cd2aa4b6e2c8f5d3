//! The data-exchange gateway (issue 17) from outside: a registry made with
//! `egov gateway`, a real upstream service on a local port, and calls
//! through `/r1/…` as an X-Road REST client makes them — allowed, refused
//! with each error the protocol names, and every exchange in the chained log.

use std::time::{Duration, Instant};

use axum::extract::{Path, Request};
use axum::routing::{any, get};

use crate::common::*;

const SERVICE: &str = "VN-TN/GOV/H72.11/hotich/status";

/// The upstream: tells what it saw, echoes bodies, fails, dawdles.
async fn upstream() -> String {
    async fn seen(Path(id): Path<String>, req: Request) -> axum::Json<serde_json::Value> {
        let h = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).map(String::from);
        axum::Json(serde_json::json!({
            "id": id,
            "path": req.uri().path(),
            "query": req.uri().query(),
            "client": h("x-road-client"),
            "message": h("x-road-id"),
            "api_key": h("x-road-api-key"),
            "custom": h("x-custom"),
        }))
    }
    let app = axum::Router::new()
        .route("/base/dossiers/{id}", any(seen))
        .route("/base/echo", any(|body: axum::body::Bytes| async move { body }))
        .route("/base/teapot", get(|| async { (axum::http::StatusCode::IM_A_TEAPOT, "short and stout") }))
        .route(
            "/base/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/base")
}

/// Publishes `provider`'s service `code` at `upstream` with `egov gateway
/// put-service` and the further arguments.
fn put_service(app: &TestApp, provider: &str, code: &str, upstream: &str, more: &[&str]) -> String {
    let mut args = vec!["gateway", "put-service", "--subsystem", provider, "--code", code, "--upstream", upstream];
    args.extend_from_slice(more);
    ok(app.cli(&args))
}

/// `egov gateway verify` of an archive's text, with the public keys
/// given: whether it verified, and what it said.
fn verify(dir: &std::path::Path, text: &str, keys: &[&str]) -> (bool, String) {
    let file = dir.join(format!("a-{}.jsonl", random_name()));
    std::fs::write(&file, text).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_egov"));
    cmd.args(["gateway", "verify"]).arg(&file);
    for k in keys {
        cmd.args(["--public-key", k]);
    }
    let out = cmd.output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn ok(out: std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

struct Caller {
    http: reqwest::Client,
    base: String,
    client: String,
    key: String,
}

impl Caller {
    async fn call(&self, method: &str, service: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        self.http
            .request(m, format!("{}/r1/{service}{path}", self.base))
            .header("X-Road-Client", &self.client)
            .header("X-Road-Api-Key", &self.key)
            .header("X-Custom", "passed")
            .body(body)
            .send()
            .await
            .expect("the gateway answers")
    }
}

/// A request written byte for byte (an HTTP client would resolve `%2e%2e`
/// before sending it): the status and the `X-Road-Error` of the answer.
async fn raw_get(base: &str, target: &str, client: &str, key: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nX-Road-Client: {client}\r\nX-Road-Api-Key: {key}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let error = out
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("x-road-error: ").map(|v| v.trim().to_string()))
        .unwrap_or_default();
    (status, error)
}

fn error_of(r: &reqwest::Response) -> Option<String> {
    r.headers().get("x-road-error").and_then(|v| v.to_str().ok()).map(String::from)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_through_the_gateway_are_allowed_by_grants_refused_with_x_road_errors_and_logged_in_a_chain() {
    let up = upstream().await;
    let settings = egov_web::Settings { gateway_max_body: 4096, ..Default::default() };
    let app = spawn_with(settings).await;
    // the registry, as the operator makes it
    for (ident, name) in [
        ("VN-TN/GOV/H72.11/hotich", "Hộ tịch"),
        ("VN-TN/GOV/H72.12/erp", "A"),
        ("VN-TN/GOV/H72.50.01/mc", "B"),
        ("VN-TN/COM/0312/erp", "C"),
    ] {
        ok(app.cli(&["gateway", "add-subsystem", ident, "--name", name]));
    }
    let provider = "VN-TN/GOV/H72.11/hotich";
    let put = |code: &str, upstream: &str, timeout: &str| {
        put_service(&app, provider, code, upstream, &["--timeout-ms", timeout])
    };
    put("status", &up, "1000");
    let dead = format!("http://127.0.0.1:{}/base", free_port());
    put("down", &dead, "1000");
    ok(app.cli(&["gateway", "join", "communes", "VN-TN/GOV/H72.50.01/mc"]));
    ok(app.cli(&["gateway", "grant", SERVICE, "--to", "VN-TN/GOV/H72.12/erp"]));
    ok(app.cli(&["gateway", "grant", "VN-TN/GOV/H72.11/hotich/down", "--to", "VN-TN/GOV/H72.12/erp"]));
    ok(app.cli(&["gateway", "grant", SERVICE, "--group", "communes", "--method", "GET", "--path", "/dossiers/*"]));
    ok(app.cli(&["gateway", "grant", SERVICE, "--to", "VN-TN/COM/0312/erp", "--until", "2026-01-01T00:00"]));
    let key = |ident: &str| {
        ok(app.cli(&["gateway", "issue-key", ident])).split_whitespace().map(String::from).collect::<Vec<_>>()
    };
    let (ka, kb, kc) = (key("VN-TN/GOV/H72.12/erp"), key("VN-TN/GOV/H72.50.01/mc"), key("VN-TN/COM/0312/erp"));
    let caller = |client: &str, key: &str| Caller {
        http: reqwest::Client::new(),
        base: app.base.clone(),
        client: client.into(),
        key: key.into(),
    };
    let a = caller("VN-TN/GOV/H72.12/erp", &ka[1]);
    let b = caller("VN-TN/GOV/H72.50.01/mc", &kb[1]);
    let c = caller("VN-TN/COM/0312/erp", &kc[1]);
    // the server sees the registry within seconds (another process wrote it): all of it, to
    // the key issued last (a reload between two of the commands above would know a and not c)
    let start = Instant::now();
    loop {
        let a_allowed = a.call("GET", SERVICE, "/dossiers/7?x=1", vec![]).await.status() == 200;
        if a_allowed && c.call("GET", SERVICE, "/dossiers/1", vec![]).await.status() != 401 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "the registry did not reach the server within 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // allowed: the upstream sees the path, the query, the client and the message id, never the key
    let r = a.call("GET", SERVICE, "/dossiers/7?x=1&y=%C3%A1", vec![]).await;
    assert_eq!(r.status(), 200);
    let h = |n: &str| r.headers().get(n).and_then(|v| v.to_str().ok()).map(String::from);
    assert_eq!(h("x-road-client").as_deref(), Some("VN-TN/GOV/H72.12/erp"));
    assert_eq!(h("x-road-service").as_deref(), Some(SERVICE));
    assert!(h("x-road-request-hash").is_some_and(|v| v.len() == 88), "base64 of SHA-512");
    assert!(error_of(&r).is_none());
    let id = h("x-road-id").expect("a message id");
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["path"], "/base/dossiers/7");
    assert_eq!(j["query"], "x=1&y=%C3%A1");
    assert_eq!(j["client"], "VN-TN/GOV/H72.12/erp");
    assert_eq!(j["message"], id.as_str());
    assert_eq!(j["custom"], "passed", "a user-defined header passes");
    assert_eq!(j["api_key"], serde_json::Value::Null, "the key stays at the gateway");
    // a body passes both ways, unchanged
    let body: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let r = a.call("POST", SERVICE, "/echo", body.clone()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), body);
    // the upstream's own error passes as it is (not the gateway's)
    let r = a.call("GET", SERVICE, "/teapot", vec![]).await;
    assert_eq!(r.status(), 418);
    assert!(error_of(&r).is_none());
    assert_eq!(r.text().await.unwrap(), "short and stout");

    // a group's endpoint grant: that method and pattern only
    assert_eq!(b.call("GET", SERVICE, "/dossiers/1", vec![]).await.status(), 200);
    for (who, method, path) in [(&b, "POST", "/dossiers/1"), (&b, "GET", "/echo"), (&c, "GET", "/dossiers/1")] {
        let r = who.call(method, SERVICE, path, vec![]).await;
        assert_eq!(r.status(), 403, "{method} {path}");
        assert_eq!(error_of(&r).as_deref(), Some("Server.ServerProxy.AccessDenied"));
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let j: serde_json::Value = r.json().await.unwrap();
        assert_eq!(j["type"], "Server.ServerProxy.AccessDenied");
    }
    // each refusal with its status and type
    let wrong_key = caller("VN-TN/GOV/H72.12/erp", &kb[1]);
    let anonymous = caller("", &ka[1]);
    let cases: Vec<(&Caller, &str, &str, u16, &str)> = vec![
        (&wrong_key, SERVICE, "/dossiers/1", 401, "Client.AuthenticationFailed"),
        (&anonymous, SERVICE, "/dossiers/1", 400, "Client.BadRequest"),
        (&a, "VN-TN/GOV/H72.11/hot%20ich/status", "/dossiers/1", 400, "Client.BadRequest"),
        (&a, "VN-TN/GOV", "", 400, "Client.BadRequest"),
        (&a, "VN-TN/GOV/H72.11/hotich/nothing", "/x", 404, "Server.ServerProxy.UnknownService"),
        (&a, "VN-TN/GOV/H72.11/hotich/down", "/x", 502, "Server.ServerProxy.NetworkError"),
        (&a, SERVICE, "/slow", 504, "Server.ServerProxy.Timeout"),
    ];
    for (who, service, path, status, kind) in &cases {
        let r = who.call("GET", service, path, vec![]).await;
        assert_eq!(r.status(), *status, "{service}{path}");
        assert_eq!(error_of(&r).as_deref(), Some(*kind), "{service}{path}");
    }
    // a path that would reach another resource upstream is refused as it comes
    for path in ["/dossiers/%2e%2e/admin", "/dossiers/..%2Fadmin", "/dossiers//1", "/a\\b"] {
        let (status, kind) = raw_get(&app.base, &format!("/r1/{SERVICE}{path}"), &a.client, &a.key).await;
        assert_eq!((status, kind.as_str()), (400, "client.badrequest"), "{path}");
    }
    let r = a.call("POST", SERVICE, "/echo", vec![b'x'; 5000]).await;
    assert_eq!((r.status().as_u16(), error_of(&r).as_deref()), (413, Some("Client.MessageTooLarge")));

    // maintenance: every call and the health check answer 503, then serve again
    assert_eq!(app.client().get("/gateway/health").await.text, "ok");
    ok(app.cli(&["gateway", "maintenance", "on"]));
    let start = Instant::now();
    while a.call("GET", SERVICE, "/dossiers/1", vec![]).await.status() != 503 {
        assert!(start.elapsed() < Duration::from_secs(5), "maintenance not seen within 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = a.call("GET", SERVICE, "/dossiers/1", vec![]).await;
    assert_eq!(error_of(&r).as_deref(), Some("Server.ServerProxy.Maintenance"));
    let health = app.client().get("/gateway/health").await;
    assert_eq!((health.status, health.text.as_str()), (503, "maintenance"));
    ok(app.cli(&["gateway", "maintenance", "off"]));
    let start = Instant::now();
    while a.call("GET", SERVICE, "/dossiers/1", vec![]).await.status() != 200 {
        assert!(start.elapsed() < Duration::from_secs(5), "maintenance not ended within 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // a revoked key stops working on every instance within seconds
    ok(app.cli(&["gateway", "revoke-key", &ka[0]]));
    let start = Instant::now();
    while a.call("GET", SERVICE, "/dossiers/1", vec![]).await.status() != 401 {
        assert!(start.elapsed() < Duration::from_secs(5), "a revoked key still works after 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // every exchange is in the log, chained (the log's writer commits
    // answered exchanges a moment after: wait until it has written them all)
    settled_log(&app).await;
    let log = ok(app.cli(&["gateway", "log", "--limit", "100000"]));
    let records: Vec<serde_json::Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut prev = egov_gateway::log::GENESIS.to_string();
    for r in &records {
        let e: egov_gateway::Exchange = serde_json::from_value(r["exchange"].clone()).unwrap();
        assert_eq!(r["prev_hash"], prev.as_str());
        let h = egov_gateway::log::link(&prev, r["seq"].as_i64().unwrap(), &e);
        assert_eq!(r["hash"], h.as_str(), "record {} verifies", r["seq"]);
        prev = h;
    }
    let find = |status: u64, outcome: &str| {
        records.iter().filter(|r| r["exchange"]["status"] == status && r["exchange"]["outcome"] == outcome).count()
    };
    let seen: Vec<String> =
        records.iter().map(|r| format!("{} {}", r["exchange"]["status"], r["exchange"]["outcome"])).collect();
    assert!(find(200, "Answered") >= 4, "{seen:?}");
    assert_eq!(find(418, "Answered"), 1);
    assert_eq!(find(502, "Refused"), 1);
    assert_eq!(find(504, "Refused"), 1);
    assert_eq!(find(413, "Refused"), 1);
    assert!(find(403, "Refused") >= 3);
    assert!(find(503, "Refused") >= 1);
    // each service's figures, from the same log
    let stats: Vec<serde_json::Value> = ok(app.cli(&["gateway", "stats", "--minutes", "10"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |s: &str| stats.iter().find(|f| f["service"] == s).unwrap_or_else(|| panic!("{s} in {stats:?}")).clone();
    let (status, down) = (of(SERVICE), of("VN-TN/GOV/H72.11/hotich/down"));
    let calls_to = |s: &str| records.iter().filter(|r| r["exchange"]["service"] == s).count();
    assert_eq!(status["calls"].as_u64().unwrap() as usize, calls_to(SERVICE));
    assert_eq!((down["calls"].as_u64(), down["failures"].as_u64()), (Some(1), Some(1)), "{down}");
    assert!(down["last_success"].is_null() && down["last_failure"].is_i64());
    assert!(status["last_success"].is_i64() && status["failures"].as_u64().unwrap() >= 3);
    assert!(status["p50_us"].as_i64().unwrap() <= status["p99_us"].as_i64().unwrap());
    let echo = records.iter().find(|r| r["exchange"]["path"] == "/echo" && r["exchange"]["status"] == 200).unwrap();
    let digest = egov_gateway::log::sha256_hex(&body);
    assert_eq!(echo["exchange"]["request_sha256"], digest.as_str());
    assert_eq!(echo["exchange"]["response_sha256"], digest.as_str());
    assert_eq!(echo["exchange"]["request_bytes"], 3000);

    // sealed, archived, verified offline; each kind of tampering named
    let dir = std::env::temp_dir().join(format!("egov-gw-archive-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("anchor.key").display().to_string();
    assert!(ok(app.cli(&["gateway", "seal", "--audit-anchor-key", &key])).starts_with("sealed the log at record "));
    assert_eq!(ok(app.cli(&["gateway", "seal", "--audit-anchor-key", &key])), "nothing new to seal");
    assert_eq!(b.call("GET", SERVICE, "/dossiers/2", vec![]).await.status(), 200);
    assert_eq!(b.call("GET", SERVICE, "/dossiers/3", vec![]).await.status(), 200);
    while app.store.count_where("gw_log", "1 = 1").await.unwrap() < records.len() as i64 + 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ok(app.cli(&["gateway", "seal", "--audit-anchor-key", &key]));
    let public = ok(app.cli(&["audit", "public-key", "--audit-anchor-key", &key]));
    let today = vn_today();
    let archive = ok(app.cli(&["gateway", "archive", "--from", &today, "--to", &today]));
    let verify = |text: &str, pinned: &str| verify(&dir, text, &[pinned]);
    let (sound, said) = verify(&archive, &public);
    assert!(sound && said.contains(&format!("{} records, 2 seals", records.len() + 2)), "{said}");
    let lines: Vec<&str> = archive.lines().collect();
    let rec = |i: usize| lines.iter().filter(|l| l.contains("\"kind\":\"record\"")).nth(i).unwrap().to_string();
    let (third, fourth) = (rec(2), rec(3));
    let altered = archive.replacen(&third, &third.replacen("\"method\":\"GET\"", "\"method\":\"PUT\"", 1), 1);
    let (sound, said) = verify(&altered, &public);
    assert!(!sound && said.contains("record 3 was altered"), "{said}");
    let removed = archive.replacen(&format!("{third}\n"), "", 1);
    let (sound, said) = verify(&removed, &public);
    assert!(!sound && said.contains("record 3 is missing"), "{said}");
    let swapped = archive.replacen(&third, "@@", 1).replacen(&fourth, &third, 1).replacen("@@", &fourth, 1);
    let (sound, said) = verify(&swapped, &public);
    assert!(!sound && said.contains("record 4 is out of order"), "{said}");
    let seals: Vec<&str> = lines.iter().copied().filter(|l| l.contains("\"kind\":\"seal\"")).collect();
    let sig = |l: &str| serde_json::from_str::<serde_json::Value>(l).unwrap()["sig"].as_str().unwrap().to_string();
    let (s0, s1) = (sig(seals[0]), sig(seals[1]));
    let resigned = archive.replacen(&s0, "@@", 1).replacen(&s1, &s0, 1).replacen("@@", &s1, 1);
    let (sound, said) = verify(&resigned, &public);
    assert!(!sound && said.contains("is not signed by its key"), "{said}");
    let (sound, said) = verify(&archive, &"ab".repeat(32));
    assert!(!sound && said.contains("not the gateway's"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// X-Road's metadata services: what a provider publishes (`listMethods`),
/// what a client may call of it (`allowedMethods`), a service's OpenAPI
/// description (`getOpenAPI`), and who is registered (`listClients`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_services_say_what_is_published_and_what_a_client_may_call() {
    let up = upstream().await;
    let app = spawn().await;
    let provider = "VN-TN/GOV/H72.11/hotich";
    for (ident, name) in [(provider, "Hộ tịch"), ("VN-TN/GOV/H72.12/erp", "A"), ("VN-TN/GOV/H72.50.01/mc", "B")] {
        ok(app.cli(&["gateway", "add-subsystem", ident, "--name", name]));
    }
    let doc =
        serde_json::json!({"openapi": "3.0.0", "info": {"title": "Tình trạng hồ sơ", "version": "1"}, "paths": {}});
    let file = std::env::temp_dir().join(format!("egov-openapi-{}.json", random_name()));
    std::fs::write(&file, doc.to_string()).unwrap();
    let file_arg = file.display().to_string();
    ok(app.cli(&[
        "gateway",
        "put-service",
        "--subsystem",
        provider,
        "--code",
        "status",
        "--upstream",
        &up,
        "--openapi",
        &file_arg,
    ]));
    ok(app.cli(&["gateway", "put-service", "--subsystem", provider, "--code", "other", "--upstream", &up]));
    ok(app.cli(&["gateway", "grant", SERVICE, "--to", "VN-TN/GOV/H72.12/erp"]));
    ok(app.cli(&[
        "gateway",
        "grant",
        SERVICE,
        "--to",
        "VN-TN/GOV/H72.50.01/mc",
        "--method",
        "GET",
        "--path",
        "/dossiers/*",
    ]));
    let key =
        |ident: &str| ok(app.cli(&["gateway", "issue-key", ident])).split_whitespace().nth(1).unwrap().to_string();
    let (ka, kb) = (key("VN-TN/GOV/H72.12/erp"), key("VN-TN/GOV/H72.50.01/mc"));
    let http = reqwest::Client::new();
    let meta = |client: &str, key: &str, what: &str| {
        http.get(format!("{}/r1/{provider}/{what}", app.base))
            .header("X-Road-Client", client)
            .header("X-Road-Api-Key", key)
            .send()
    };
    let start = Instant::now();
    while meta("VN-TN/GOV/H72.50.01/mc", &kb, "listMethods").await.unwrap().status() != 200 {
        assert!(start.elapsed() < Duration::from_secs(5), "the registry did not reach the server");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let endpoints = |j: &serde_json::Value, code: &str| -> Vec<(String, String)> {
        let s = j["service"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service_code"] == code)
            .unwrap_or_else(|| panic!("{code} in {j}"));
        assert_eq!(s["member_code"], "H72.11");
        assert_eq!(s["subsystem_code"], "hotich");
        s["endpoint_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["method"].as_str().unwrap().into(), e["path"].as_str().unwrap().into()))
            .collect()
    };
    let pair = |m: &str, p: &str| (m.to_string(), p.to_string());
    let listed: serde_json::Value =
        meta("VN-TN/GOV/H72.50.01/mc", &kb, "listMethods").await.unwrap().json().await.unwrap();
    assert_eq!(listed["service"].as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(endpoints(&listed, "status"), vec![pair("*", "/**"), pair("GET", "/dossiers/*")]);
    assert!(endpoints(&listed, "other").is_empty());
    let kind = |j: &serde_json::Value, code: &str| {
        j["service"].as_array().unwrap().iter().find(|s| s["service_code"] == code).unwrap()["service_type"].clone()
    };
    assert_eq!(
        (kind(&listed, "status"), kind(&listed, "other")),
        (serde_json::json!("OPENAPI"), serde_json::json!("REST"))
    );
    let allowed: serde_json::Value =
        meta("VN-TN/GOV/H72.50.01/mc", &kb, "allowedMethods").await.unwrap().json().await.unwrap();
    assert_eq!(allowed["service"].as_array().unwrap().len(), 1, "{allowed}");
    assert_eq!(endpoints(&allowed, "status"), vec![pair("GET", "/dossiers/*")]);
    let allowed: serde_json::Value =
        meta("VN-TN/GOV/H72.12/erp", &ka, "allowedMethods").await.unwrap().json().await.unwrap();
    assert_eq!(endpoints(&allowed, "status"), vec![pair("*", "/**")]);
    // the description, as uploaded
    let r = meta("VN-TN/GOV/H72.12/erp", &ka, "getOpenAPI?serviceCode=status").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.json::<serde_json::Value>().await.unwrap(), doc);
    for (what, status, kind) in [
        ("getOpenAPI?serviceCode=other", 404, "Server.ServerProxy.UnknownService"),
        ("getOpenAPI", 400, "Client.BadRequest"),
    ] {
        let r = meta("VN-TN/GOV/H72.12/erp", &ka, what).await.unwrap();
        assert_eq!((r.status().as_u16(), error_of(&r).as_deref()), (status, Some(kind)), "{what}");
    }
    let r = meta("VN-TN/GOV/H72.12/erp", &kb, "listMethods").await.unwrap();
    assert_eq!(r.status(), 401, "another's key");
    // who is registered: members and their subsystems
    let clients: serde_json::Value =
        http.get(format!("{}/listClients", app.base)).send().await.unwrap().json().await.unwrap();
    let ids: Vec<String> = clients["member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{} {}/{}",
                m["id"]["object_type"].as_str().unwrap(),
                m["id"]["member_code"].as_str().unwrap(),
                m["id"]["subsystem_code"].as_str().unwrap_or("")
            )
        })
        .collect();
    for want in ["MEMBER H72.11/", "SUBSYSTEM H72.11/hotich", "SUBSYSTEM H72.50.01/mc"] {
        assert!(ids.iter().any(|i| i == want), "{want} in {ids:?}");
    }
    // and each metadata call is an exchange in the log
    let log = ok(app.cli(&["gateway", "log"]));
    assert!(log.lines().filter(|l| l.contains("/allowedMethods\"")).count() >= 2, "{log}");
    let _ = std::fs::remove_file(&file);
}

/// egov's own services published through its gateway: a dossier's public
/// status and the directory of agencies, called as any member's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn egov_s_own_services_are_published_through_the_gateway() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let code = submit_online(&citizen).await;
    let own = "VN-TN/GOV/H72/egov";
    let said = ok(app.cli(&["gateway", "publish-own", own, "--base", &app.base]));
    assert!(said.contains("dossier-status") && said.contains("agencies"), "{said}");
    ok(app.cli(&["gateway", "add-subsystem", "VN-TN/GOV/000.00.00.G22/ndxp", "--name", "NDXP"]));
    for service in ["dossier-status", "agencies"] {
        ok(app.cli(&["gateway", "grant", &format!("{own}/{service}"), "--to", "VN-TN/GOV/000.00.00.G22/ndxp"]));
    }
    let key = ok(app.cli(&["gateway", "issue-key", "VN-TN/GOV/000.00.00.G22/ndxp"]))
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let ndxp = Caller {
        http: reqwest::Client::new(),
        base: app.base.clone(),
        client: "VN-TN/GOV/000.00.00.G22/ndxp".into(),
        key,
    };
    let start = Instant::now();
    let status = loop {
        let r = ndxp.call("GET", &format!("{own}/dossier-status"), &format!("/{code}/status"), vec![]).await;
        if r.status() == 200 {
            break r.json::<serde_json::Value>().await.unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{}", r.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(status["code"], code.as_str(), "{status}");
    let public = app.client().get(&format!("/api/v1/dossiers/{code}/status")).await.json();
    assert_eq!(status, public, "the same answer as the platform's own API");
    let r = ndxp.call("GET", &format!("{own}/agencies"), "", vec![]).await;
    assert_eq!(r.status(), 200);
    let dir: serde_json::Value = r.json().await.unwrap();
    assert!(dir["items"].as_array().unwrap().iter().any(|a| a["id"] == "H72.50.01"), "{dir}");
}

/// Each client has its limit of calls (429 with Retry-After past it); one
/// client's calls do not spend another's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_past_its_limit_is_told_when_to_come_back_and_others_are_not_held() {
    let settings = egov_web::Settings {
        local_citizen_accounts: true,
        gateway_client_limit: egov_web::Limit { max: 3, window: Duration::from_secs(60) },
        ..Default::default()
    };
    let app = spawn_with(settings).await;
    let own = "VN-TN/GOV/H72/egov";
    ok(app.cli(&["gateway", "publish-own", own, "--base", &app.base]));
    let mut callers = Vec::new();
    for client in ["VN-TN/GOV/H72.12/erp", "VN-TN/GOV/H72.13/erp"] {
        ok(app.cli(&["gateway", "add-subsystem", client, "--name", "client"]));
        ok(app.cli(&["gateway", "grant", &format!("{own}/agencies"), "--to", client]));
        let key = ok(app.cli(&["gateway", "issue-key", client])).split_whitespace().nth(1).unwrap().to_string();
        callers.push(Caller { http: reqwest::Client::new(), base: app.base.clone(), client: client.into(), key });
    }
    let service = format!("{own}/agencies");
    // the first call succeeds once the registry arrived (calls refused before it do not count)
    let start = Instant::now();
    while callers[0].call("GET", &service, "", vec![]).await.status() != 200 {
        assert!(start.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for _ in 0..2 {
        assert_eq!(callers[0].call("GET", &service, "", vec![]).await.status(), 200);
    }
    let r = callers[0].call("GET", &service, "", vec![]).await;
    assert_eq!(r.status(), 429);
    assert_eq!(error_of(&r).as_deref(), Some("Client.RateLimited"));
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(callers[1].call("GET", &service, "", vec![]).await.status(), 200, "another client is not held");
}

/// A service in full logging mode keeps its exchanges' bodies (their first
/// bytes, up to the limit); the archive carries them, and `verify` names a
/// kept body that was altered. A service in metadata mode keeps none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_in_full_mode_keeps_the_bodies_up_to_the_limit_and_the_archive_checks_them() {
    let up = upstream().await;
    let app = spawn_with(egov_web::Settings { gateway_log_body_limit: 1000, ..Default::default() }).await;
    let (provider, client) = ("VN-TN/GOV/H72.11/hotich", "VN-TN/GOV/H72.12/erp");
    for ident in [provider, client] {
        ok(app.cli(&["gateway", "add-subsystem", ident, "--name", "x"]));
    }
    for (code, mode) in [("full", "full"), ("meta", "metadata")] {
        put_service(&app, provider, code, &up, &["--logging", mode]);
        ok(app.cli(&["gateway", "grant", &format!("{provider}/{code}"), "--to", client]));
    }
    let key = ok(app.cli(&["gateway", "issue-key", client])).split_whitespace().nth(1).unwrap().to_string();
    let caller = Caller { http: reqwest::Client::new(), base: app.base.clone(), client: client.into(), key };
    let small: Vec<u8> = (0..500u32).map(|i| (i % 251) as u8).collect();
    let large: Vec<u8> = (0..3000u32).map(|i| (i % 241) as u8).collect();
    let start = Instant::now();
    while caller.call("POST", &format!("{provider}/full"), "/echo", small.clone()).await.status() != 200 {
        assert!(start.elapsed() < Duration::from_secs(5), "the registry did not arrive");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        caller.call("POST", &format!("{provider}/full"), "/echo", large.clone()).await.bytes().await.unwrap(),
        large
    );
    assert_eq!(caller.call("POST", &format!("{provider}/meta"), "/echo", small.clone()).await.status(), 200);

    let today = vn_today();
    let archive = ok(app.cli(&["gateway", "archive", "--from", &today, "--to", &today]));
    let records: Vec<serde_json::Value> = archive
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["kind"] == "record" && l["exchange"]["status"] == 200)
        .collect();
    let b64 = |v: &serde_json::Value| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap()
    };
    let full: Vec<&serde_json::Value> =
        records.iter().filter(|r| r["exchange"]["service"].as_str().unwrap().ends_with("/full")).collect();
    let whole = full.iter().find(|r| r["exchange"]["request_bytes"] == 500).unwrap();
    assert_eq!(b64(&whole["bodies"]["request"]), small);
    assert_eq!(b64(&whole["bodies"]["response"]), small);
    let cut = full.iter().find(|r| r["exchange"]["request_bytes"] == 3000).unwrap();
    assert_eq!(b64(&cut["bodies"]["request"]), large[..1000], "the first 1,000 bytes");
    assert_eq!(b64(&cut["bodies"]["response"]), large[..1000]);
    let meta = records.iter().find(|r| r["exchange"]["service"].as_str().unwrap().ends_with("/meta")).unwrap();
    assert!(meta.get("bodies").is_none(), "metadata mode keeps no body: {meta}");

    let dir = std::env::temp_dir().join(format!("egov-gw-bodies-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let verify = |text: &str| verify(&dir, text, &[]);
    let (sound, said) = verify(&archive);
    assert!(sound, "{said}");
    let line = archive.lines().find(|l| l.contains(whole["bodies"]["request"].as_str().unwrap())).unwrap();
    let mut tampered: serde_json::Value = serde_json::from_str(line).unwrap();
    let mut other = small.clone();
    other[7] ^= 1;
    tampered["bodies"]["request"] = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&other).into()
    };
    let (sound, said) = verify(&archive.replacen(line, &tampered.to_string(), 1));
    let seq = whole["seq"].as_i64().unwrap();
    assert!(!sound && said.contains(&format!("record {seq}: its request body was altered")), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An exchange the log could not take is never answered whole (here the
/// log's table is taken away under the server): the client's answer breaks
/// off before its end. Once the log takes exchanges again, so do calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exchange_the_log_cannot_take_is_never_answered_whole() {
    let up = upstream().await;
    let app = spawn().await;
    let (provider, client) = ("VN-TN/GOV/H72.11/hotich", "VN-TN/GOV/H72.12/erp");
    for ident in [provider, client] {
        ok(app.cli(&["gateway", "add-subsystem", ident, "--name", "x"]));
    }
    put_service(&app, provider, "echo", &up, &[]);
    ok(app.cli(&["gateway", "grant", &format!("{provider}/echo"), "--to", client]));
    let key = ok(app.cli(&["gateway", "issue-key", client])).split_whitespace().nth(1).unwrap().to_string();
    let caller = Caller { http: reqwest::Client::new(), base: app.base.clone(), client: client.into(), key };
    let body: Vec<u8> = (0..2000u32).map(|i| (i % 249) as u8).collect();
    let service = format!("{provider}/echo");
    let start = Instant::now();
    while caller.call("POST", &service, "/echo", body.clone()).await.status() != 200 {
        assert!(start.elapsed() < Duration::from_secs(5), "the registry did not arrive");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // whether an answer came whole
    let whole = || async {
        let sent = caller
            .http
            .post(format!("{}/r1/{service}/echo", caller.base))
            .header("X-Road-Client", &caller.client)
            .header("X-Road-Api-Key", &caller.key)
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) => r.bytes().await.is_ok_and(|b| b == body),
            Err(_) => false,
        }
    };
    app.store.execute_raw("ALTER TABLE gw_log RENAME TO gw_log_away").await.unwrap();
    assert!(!whole().await, "answered whole, though the log could not take it");
    app.store.execute_raw("ALTER TABLE gw_log_away RENAME TO gw_log").await.unwrap();
    assert!(whole().await, "answered again once the log takes exchanges");
}

/// Waits until the message log stops growing (its writer gathers answered
/// exchanges for a moment before it commits them): 300 ms without a new
/// record, within 10 s.
async fn settled_log(app: &TestApp) {
    let start = Instant::now();
    let mut last = (-1, Instant::now());
    loop {
        let n = app.store.count_where("gw_log", "1 = 1").await.unwrap();
        if n != last.0 {
            last = (n, Instant::now());
        } else if last.1.elapsed() > Duration::from_millis(300) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the log kept growing for 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

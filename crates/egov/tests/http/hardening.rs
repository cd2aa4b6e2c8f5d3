//! What an attacker's probe and a fuzzer found (issue 12), each as a test
//! that failed on 2ea1335: the sign-in redirect, slow clients, walking the
//! public lookup, tokens that never expire, the smaller defects, addresses
//! behind a load balancer.

use std::time::{Duration, Instant};

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// As `spawn()`: local citizen accounts on (these tests' citizens have passwords).
fn settings() -> egov_web::Settings {
    egov_web::Settings { local_citizen_accounts: true, ..Default::default() }
}

// ---------------------------------------------------------------- 1. redirect

#[tokio::test]
async fn sign_in_goes_only_to_a_path_of_this_site() {
    let app = spawn().await;
    let hostile = [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\n/evil.example",
        "/a\r\nSet-Cookie: x=1",
        "/a\0b",
        "/a\u{7f}b",
        "https://evil.example/",
        "/ /evil.example",
    ];
    for next in hostile {
        let c = app.client();
        let csrf = c.get("/dang-nhap").await.csrf();
        let before = app.count("sessions").await;
        let r = c
            .post_form(
                "/dang-nhap",
                &[("csrf", &csrf), ("login", "demo.citizen"), ("password", DEMO_PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(r.status, 303, "{next:?}: {}", r.text);
        // control characters are stripped at the door ("/a\0b" is "/ab");
        // whatever remains must be a path of this site or the home page
        let to = r.location();
        let same_site = to.starts_with('/')
            && !to.starts_with("//")
            && to.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\');
        assert!(same_site, "{next:?} led to {to:?}");
        if next.contains("evil") {
            assert_eq!(to, "/", "{next:?}");
        }
        assert_eq!(app.count("sessions").await, before + 1, "one session for one sign-in");
        // the form itself never offers a hostile next
        let page = c.get(&format!("/dang-nhap?next={}", urlencode(next))).await;
        assert_eq!(page.status, 200);
        if next.contains("evil") {
            assert!(page.text.contains("name=\"next\" value=\"/\""), "{next:?}");
        }
    }
    // a path of this site is followed, its query kept
    let c = app.client();
    let csrf = c.get("/dang-nhap").await.csrf();
    let r = c
        .post_form(
            "/dang-nhap",
            &[("csrf", &csrf), ("login", "demo.citizen"), ("password", DEMO_PASSWORD), ("next", "/ho-so?trang=2")],
        )
        .await;
    assert_eq!(r.location(), "/ho-so?trang=2");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'/' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

// ------------------------------------------------------------ 2. slow clients

/// A connection from another loopback address (so that the test's own
/// requests from 127.0.0.1 are not capped with it).
async fn connect_from(src: &str, to: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpStream> {
    let sock = tokio::net::TcpSocket::new_v4()?;
    sock.bind(format!("{src}:0").parse().expect("address"))?;
    sock.connect(to).await
}

/// Whether the server closed the connection within `within` (read gives
/// end of file or an error, after any answer it sent).
async fn closed_within(s: &mut tokio::net::TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_health_still_answers() {
    let mut s = settings();
    s.limits = egov_web::ConnectionLimits {
        header_timeout: Duration::from_secs(2),
        body_idle_timeout: Duration::from_secs(2),
        max_connections: 2000,
        max_per_address: 40,
    };
    let app = spawn_with(s).await;

    // 600 connections from one address, each with half a request line.
    let mut open = Vec::new();
    for _ in 0..600 {
        if let Ok(mut c) = connect_from("127.0.0.2", app.addr).await {
            let _ = c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await;
            open.push(c);
        }
    }
    // Health answers from another address meanwhile, quickly.
    let started = Instant::now();
    let r = app.client().get("/healthz").await;
    assert_eq!(r.status, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "health took {:?}", started.elapsed());

    // Beyond the per-address cap the connections were closed at once.
    let mut alive = 0;
    for c in open.iter_mut() {
        if !closed_within(c, Duration::from_millis(20)).await {
            alive += 1;
        }
    }
    assert!(alive <= 40, "{alive} slow connections held from one address");
    assert!(alive >= 30, "the first connections of an address are served ({alive})");

    // Those held are closed once the header deadline passes.
    let mut still = 0;
    for c in open.iter_mut() {
        if !closed_within(c, Duration::from_secs(4)).await {
            still += 1;
        }
    }
    assert_eq!(still, 0, "partial headers must not hold a connection");

    // A declared body that never arrives: the connection ends too.
    let mut c = connect_from("127.0.0.3", app.addr).await.expect("connect");
    c.write_all(b"POST /dang-nhap HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nlogin=a")
        .await
        .expect("write");
    assert!(closed_within(&mut c, Duration::from_secs(6)).await, "a body that stops must not hold a connection");

    // and an idle kept-alive connection is closed as well
    let mut c = connect_from("127.0.0.3", app.addr).await.expect("connect");
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    assert!(closed_within(&mut c, Duration::from_secs(6)).await, "an idle connection must end");
    assert_eq!(app.client().get("/healthz").await.status, 200);
}

// -------------------------------------------------------- 3. the public lookup

#[tokio::test]
async fn the_public_lookup_is_throttled_masked_and_case_blind() {
    let mut s = settings();
    s.lookup_limit = egov_web::Limit { max: 6, window: Duration::from_secs(600) };
    let app = spawn_with(s).await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let code = submit_online(&citizen).await;
    let anyone = app.client();
    let r = anyone.get(&format!("/api/v1/dossiers/{}/status", code.to_lowercase())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["code"], code.as_str());
    // "Nguyễn Văn Dân": every word masked after its first letter
    assert_eq!(r.json()["applicant"], "N*** V** D**");
    assert!(!r.text.contains("Dân") && !r.text.contains("Văn"), "{}", r.text);
    let page = anyone.get(&format!("/tra-cuu/{}", code.to_lowercase())).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("N*** V** D**") && !page.text.contains("Dân"));
    // walking the codes: a few more, then 429 with the wait
    for seq in 2..=5 {
        let walk = code.replace("-0001", &format!("-{seq:04}"));
        assert_eq!(anyone.get(&format!("/api/v1/dossiers/{walk}/status")).await.status, 404);
    }
    let r = anyone.get(&format!("/api/v1/dossiers/{code}/status")).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.header("content-type"), "application/problem+json");
    let wait: u64 = r.header("retry-after").parse().expect("Retry-After in seconds");
    assert!((1..=600).contains(&wait), "{wait}");
    let page = anyone.get(&format!("/tra-cuu/{code}")).await;
    assert_eq!(page.status, 429);
    assert!(!page.header("retry-after").is_empty());
    assert!(page.header("content-type").starts_with("text/html"));
}

// ------------------------------------------------------------------ 4. tokens

#[tokio::test]
async fn tokens_expire_can_be_listed_and_revoked_and_expired_rows_go() {
    // time passes on a clock set by hand, not by sleeping
    let clock = egov_web::Clock::fixed(egov_kernel::Clock::system().now());
    let mut s = settings();
    s.token_ttl_secs = 2;
    s.app.clock = clock.clone();
    let app = spawn_with(s).await;
    let issue = || async {
        let r = app
            .client()
            .post_json("/api/v1/auth/token", r#"{"username":"demo.citizen","password":"demo-password-1"}"#)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    };
    let first = issue().await;
    assert_eq!(first["expires_in"], 2);
    assert!(first["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    let second = issue().await;
    let a = app.client().with_bearer(first["token"].as_str().unwrap());
    let b = app.client().with_bearer(second["token"].as_str().unwrap());
    let list = a.get("/api/v1/auth/tokens").await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert!(!list.text.contains(first["token"].as_str().unwrap()), "a list never shows a secret");
    let current: Vec<_> = items.iter().filter(|t| t["current"] == true).map(|t| t["id"].clone()).collect();
    assert_eq!(current, vec![first["id"].clone()]);
    // revoke the other one: it stops working; revoking it again is 404
    let r = a.delete(&format!("/api/v1/auth/tokens/{}", second["id"])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(b.get("/api/v1/me").await.status, 401);
    assert_eq!(a.delete(&format!("/api/v1/auth/tokens/{}", second["id"])).await.status, 404);
    // someone else's token cannot be revoked
    let (other_id, other) = app.token("demo.receiver").await;
    assert_eq!(a.delete(&format!("/api/v1/auth/tokens/{other_id}")).await.status, 404);
    assert_eq!(app.client().with_bearer(&other).get("/api/v1/me").await.status, 200);
    // after its lifetime the token names nobody, and the sweep removes it
    assert_eq!(a.get("/api/v1/me").await.status, 200);
    clock.set(clock.now() + chrono::Duration::milliseconds(2100));
    assert_eq!(a.get("/api/v1/me").await.status, 401);
    let before = app.count("api_tokens").await;
    let (_, removed) = app.store.clone().with_clock(clock).sweep_expired_credentials().await.expect("sweep");
    assert_eq!(removed, 2, "the expired and the revoked token");
    assert_eq!(app.count("api_tokens").await, before - 2);
    // a machine account's token needs its lifetime said
    let out = app.cli(&["admin", "issue-token", "--username", "demo.receiver"]);
    assert!(!out.status.success());
    let out = app.cli(&["admin", "issue-token", "--username", "demo.receiver", "--expires-in", "9999d"]);
    assert!(!out.status.success(), "at most 366 days");
}

// ------------------------------------------------------- 5. smaller defects

#[tokio::test]
async fn an_apology_cannot_move_the_due_date_past_the_maximum_extension() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let approver = app.client().with_bearer(&app.token("demo.approver").await.1);
    let code = submit_online(&citizen).await;
    let path = format!("/api/v1/dossiers/{code}/actions");
    assert_eq!(receiver.post_json(&path, r#"{"action": "accept"}"#).await.status, 200);
    for far in ["9999-12-31 17:00", "2101-01-01 08:00"] {
        let body = serde_json::json!({"action": "apologize", "new_due": far, "reason": "x"}).to_string();
        let r = approver.post_json(&path, &body).await;
        assert_eq!(r.status, 409, "{}", r.text);
        assert!(r.json()["title"].as_str().unwrap().contains("gia hạn"), "{}", r.text);
    }
}

#[tokio::test]
async fn an_official_may_not_be_named_like_a_citizen_id() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.agency-admin", DEMO_PASSWORD).await;
    let csrf = c.get("/quan-tri/co-quan/H72.50.01").await.csrf();
    let users = app.count("users").await;
    let r = c
        .post_form(
            "/quan-tri/co-quan/H72.50.01",
            &[
                ("csrf", &csrf),
                ("username", "079123456789"),
                ("full_name", "Cán Bộ"),
                ("password", "long enough 1"),
                ("role", "specialist"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("chữ cái"), "the form says why");
    assert_eq!(app.count("users").await, users);
    let out = app.cli(&[
        "admin",
        "create-user",
        "--username",
        "079123456789",
        "--full-name",
        "X",
        "--agency",
        "H72.50.01",
        "--role",
        "receiver",
        "--password",
        "long enough",
    ]);
    assert!(!out.status.success());
}

#[tokio::test]
async fn registration_is_throttled_per_address_with_the_form_kept() {
    let mut s = settings();
    s.register_limit = egov_web::Limit { max: 3, window: Duration::from_secs(3600) };
    let app = spawn_with(s).await;
    let c = app.client();
    let csrf = c.get("/dang-ky").await.csrf();
    for _ in 0..3 {
        let r = c.post_form("/dang-ky", &[("csrf", &csrf), ("citizen_id", "072090001234")]).await;
        assert_eq!(r.status, 422);
    }
    let r =
        c.post_form("/dang-ky", &[("csrf", &csrf), ("full_name", "Trần Thị B"), ("citizen_id", "072090001234")]).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.header("retry-after").parse::<u64>().is_ok());
    assert!(r.text.contains("value=\"Trần Thị B\""), "what was typed is kept");
}

#[tokio::test]
async fn personal_answers_are_not_stored_by_caches_and_api_answers_carry_a_csp() {
    let app = spawn().await;
    let citizen = app.client();
    citizen.login("demo.citizen", DEMO_PASSWORD).await;
    let api = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let code = submit_online(&api).await;
    for path in [format!("/ho-so/{code}"), "/ho-so-cua-toi".into(), "/hop-thu".into()] {
        let r = citizen.get(&path).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("cache-control"), "no-store", "{path}");
    }
    let office = app.client();
    office.login("demo.receiver", DEMO_PASSWORD).await;
    let r = office.get(&format!("/quan-tri/ho-so/{code}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("cache-control"), "no-store");
    for path in
        [format!("/api/v1/dossiers/{code}"), format!("/api/v1/dossiers/{code}/receipt.pdf"), "/api/v1/inbox".into()]
    {
        let r = api.get(&path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("cache-control").contains("no-store"), "{path}");
        assert!(r.header("content-security-policy").contains("default-src 'none'"), "{path}");
    }
    // the stylesheet may be cached
    assert!(app.client().get("/static/egov.css").await.header("cache-control").contains("max-age"));
    // no HSTS over plain HTTP
    assert_eq!(api.get("/api/v1/me").await.header("strict-transport-security"), "");
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_tls() {
    let mut s = settings();
    s.public_url = Some("https://dichvucong.example.vn".into());
    let app = spawn_with(s).await;
    let r = app.client().get("/").await;
    assert!(r.header("strict-transport-security").contains("max-age="), "{:?}", r.headers);
    // behind a trusted balancer that terminates TLS
    let mut s = settings();
    s.trusted_proxies = egov_web::TrustedProxies::parse("127.0.0.1").unwrap();
    let app = spawn_with(s).await;
    let r = app.client().get_with("/", &[("x-forwarded-proto", "https"), ("x-forwarded-for", "203.0.113.5")]).await;
    assert!(r.header("strict-transport-security").contains("max-age="));
    let r = app.client().get_with("/", &[("x-forwarded-proto", "http")]).await;
    assert_eq!(r.header("strict-transport-security"), "");
}

#[tokio::test]
async fn an_upload_over_the_limit_is_413_naming_the_limit() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let big = vec![b'x'; 27 * 1024 * 1024];
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": {}});
    let form = reqwest::multipart::Form::new()
        .text("dossier", body.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(big).file_name("big.pdf"));
    let r = citizen.post_multipart("/api/v1/dossiers", form).await;
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.json()["title"].as_str().unwrap().contains("25 MB"), "{}", r.text);
}

#[tokio::test]
async fn control_characters_and_direction_overrides_are_stripped_at_the_door() {
    let app = spawn().await;
    let c = app.client();
    let csrf = c.get("/dang-ky").await.csrf();
    let r = c
        .post_form(
            "/dang-ky",
            &[
                ("csrf", &csrf),
                ("full_name", "Trần\u{0} Thị\u{202e} Bé\u{7}"),
                ("citizen_id", "072190001235"),
                ("phone", "0912345678"),
                ("email", "be@example.vn"),
                ("password", "mật khẩu đủ dài"),
                ("password_confirm", "mật khẩu đủ dài"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let t = app
        .client()
        .post_json("/api/v1/auth/token", "{\"username\":\"072190001235\",\"password\":\"mật khẩu đủ dài\\u0000\"}")
        .await;
    assert_eq!(t.status, 200, "the password loses its NUL as the registration did: {}", t.text);
    let me = app.client().with_bearer(t.json()["token"].as_str().unwrap()).get("/api/v1/me").await;
    assert_eq!(me.json()["full_name"], "Trần Thị Bé");
    // multipart text and file names as well; the file keeps the extension of its type
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01",
        "form": marriage(serde_json::json!({"applicant_name": "Lê\u{202e} Văn\u{0} C", "applicant_id": "072090001234", "address": "Tân Ninh"}))});
    // serde_json writes the NUL as the escape \u0000 in the part's JSON
    assert!(body.to_string().contains("\\u0000"));
    let form = reqwest::multipart::Form::new()
        .text("dossier", body.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("to\u{202e}khai.exe"))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.html"));
    let r = citizen.post_multipart("/api/v1/dossiers", form).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();
    let d = citizen.get(&format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(d.json()["form"]["applicant_name"], "Lê Văn C", "{}", d.text);
    let files = d.json()["files"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 2, "{}", d.text);
    let mut names: Vec<String> = files.iter().map(|f| f["file_name"].as_str().unwrap_or("").to_string()).collect();
    names.sort();
    assert_eq!(names, vec!["cccd.pdf", "tokhai.pdf"]);
    let f = citizen.get(&format!("/api/v1/dossiers/{code}/files/{}", files[0]["id"])).await;
    assert!(f.header("content-disposition").contains(".pdf"), "{}", f.header("content-disposition"));
    // a query string too
    let office = app.client().with_bearer(&app.token("demo.receiver").await.1);
    // (the applicant is the person the form names: "Lê Văn C")
    let r = office.get("/api/v1/dossiers?list=to_receive&q=L%C3%AA%E2%80%AE%00").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["items"].as_array().map(Vec::len), Some(1), "{}", r.text);
}

#[tokio::test]
async fn wildcards_in_a_worklist_search_match_themselves() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    submit_online(&citizen).await;
    let office = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let count = |q: &'static str| {
        let office = &office;
        async move {
            let r = office.get(&format!("/api/v1/dossiers?list=to_receive&q={q}")).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.json()["items"].as_array().map(Vec::len).unwrap_or(0)
        }
    };
    assert_eq!(count("nguyen").await, 1);
    assert_eq!(count("%25").await, 0, "%");
    assert_eq!(count("_").await, 0, "_");
    assert_eq!(count("n_uyen").await, 0);
}

#[tokio::test]
async fn a_throttled_sign_in_says_when_to_try_again() {
    let mut s = settings();
    s.max_failures_per_account = 2;
    let app = spawn_with(s).await;
    let token = |pw: &'static str| {
        let app = &app;
        async move {
            app.client()
                .post_json("/api/v1/auth/token", &format!("{{\"username\":\"demo.citizen\",\"password\":\"{pw}\"}}"))
                .await
        }
    };
    assert_eq!(token("wrong").await.status, 401);
    assert_eq!(token("wrong").await.status, 401);
    let r = token("wrong").await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").parse::<u64>().is_ok_and(|s| s > 0));
    let c = app.client();
    let csrf = c.get("/dang-nhap").await.csrf();
    let r = c.post_form("/dang-nhap", &[("csrf", &csrf), ("login", "demo.citizen"), ("password", "x")]).await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").parse::<u64>().is_ok());
}

// ------------------------------------------------- 6. behind a load balancer

#[tokio::test]
async fn behind_a_trusted_balancer_each_client_is_throttled_alone() {
    let mut s = settings();
    s.max_failures_per_address = 3;
    s.max_failures_per_account = 100;
    s.trusted_proxies = egov_web::TrustedProxies::parse("127.0.0.1").unwrap();
    let app = spawn_with(s).await;
    let attempt = |from: &'static str, pw: &'static str| {
        let app = &app;
        async move {
            let body = format!("{{\"username\":\"demo.citizen\",\"password\":\"{pw}\"}}");
            app.client().post_json_with("/api/v1/auth/token", &body, &[("x-forwarded-for", from)]).await.status
        }
    };
    for _ in 0..3 {
        assert_eq!(attempt("203.0.113.7", "wrong").await, 401);
    }
    assert_eq!(attempt("203.0.113.7", DEMO_PASSWORD).await, 429, "the attacker is locked out");
    assert_eq!(attempt("198.51.100.8", DEMO_PASSWORD).await, 200, "everyone else is not");
}

#[tokio::test]
async fn forwarding_headers_are_ignored_unless_the_peer_is_trusted() {
    let mut s = settings();
    s.max_failures_per_address = 3;
    s.max_failures_per_account = 100;
    let app = spawn_with(s).await;
    for i in 0..3 {
        let body = r#"{"username":"demo.citizen","password":"wrong"}"#;
        let from = format!("203.0.113.{i}");
        let r = app.client().post_json_with("/api/v1/auth/token", body, &[("x-forwarded-for", &from)]).await;
        assert_eq!(r.status, 401);
    }
    let body = format!("{{\"username\":\"demo.citizen\",\"password\":\"{DEMO_PASSWORD}\"}}");
    let r = app.client().post_json_with("/api/v1/auth/token", &body, &[("x-forwarded-for", "198.51.100.9")]).await;
    assert_eq!(r.status, 429, "a forged header does not escape the lock-out");
}

//! Registration, sign-in, sessions, throttling and CSRF.

use crate::common::*;

fn reg<'a>(csrf: &'a str, cid: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("full_name", "Nguyễn Thị Mai"),
        ("citizen_id", cid),
        ("phone", "0987654321"),
        ("email", email),
        ("password", "mật khẩu dài"),
        ("password_confirm", "mật khẩu dài"),
    ]
}

#[tokio::test]
async fn a_citizen_registers_and_is_signed_in() {
    let app = spawn().await;
    let c = app.client();
    let csrf = c.get("/dang-ky").await.csrf();
    let r = c.post_form("/dang-ky", &reg(&csrf, "079190000123", "mai@example.vn")).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let home = c.get("/").await;
    assert!(home.text.contains("Nguyễn Thị Mai"));
    // a citizen has no back office
    assert!(!home.text.contains("href=\"/quan-tri\""));
    // signs out, then in again with the citizen ID or the e-mail
    let csrf = home.csrf();
    assert_eq!(c.post_form("/dang-xuat", &[("csrf", &csrf)]).await.status, 303);
    assert!(!c.get("/").await.text.contains("Nguyễn Thị Mai"));
    c.login("079190000123", "mật khẩu dài").await;
    let c2 = app.client();
    c2.login("MAI@example.vn", "mật khẩu dài").await;
}

#[tokio::test]
async fn officials_land_in_the_back_office_with_role_navigation() {
    let app = spawn().await;
    let c = app.client();
    let r = c.login("demo.receiver", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/quan-tri");
    let page = c.get("/quan-tri").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Cán bộ tiếp nhận"));
    assert!(page.text.contains("href=\"/quan-tri/co-quan\""));
    assert!(!page.text.contains("href=\"/quan-tri/thu-tuc\""), "a receiver does not manage the catalog");
    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri").await;
    for link in ["/quan-tri/thu-tuc", "/quan-tri/don-vi", "/quan-tri/nhat-ky"] {
        assert!(page.text.contains(&format!("href=\"{link}\"")), "{link}");
    }
}

#[tokio::test]
async fn sign_in_is_throttled_per_account() {
    let app = spawn().await;
    let c = app.client();
    for _ in 0..5 {
        let csrf = c.get("/dang-nhap").await.csrf();
        let r = c
            .post_form("/dang-nhap", &[("csrf", &csrf), ("login", "demo.approver"), ("password", "wrong password")])
            .await;
        assert_eq!(r.status, 401);
        assert!(r.text.contains("không đúng"));
    }
    let csrf = c.get("/dang-nhap").await.csrf();
    let r =
        c.post_form("/dang-nhap", &[("csrf", &csrf), ("login", "demo.approver"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 429, "the right password is refused while throttled");
    // the API's token endpoint shares the throttle
    let r = app
        .client()
        .post_json("/api/v1/auth/token", r#"{"username":"demo.approver","password":"demo-password-1"}"#)
        .await;
    assert_eq!(r.status, 429);
    // other accounts are unaffected
    app.client().login("demo.specialist", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn sign_in_is_throttled_per_address() {
    let settings = egov_web::Settings { max_failures_per_address: 3, ..Default::default() };
    let app = spawn_with(settings).await;
    let c = app.client();
    for i in 0..3 {
        let csrf = c.get("/dang-nhap").await.csrf();
        let login = format!("nobody{i}");
        let r = c.post_form("/dang-nhap", &[("csrf", &csrf), ("login", &login), ("password", "x")]).await;
        assert_eq!(r.status, 401);
    }
    let csrf = c.get("/dang-nhap").await.csrf();
    let r =
        c.post_form("/dang-nhap", &[("csrf", &csrf), ("login", "demo.specialist"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused_and_change_nothing() {
    let app = spawn().await;
    let c = app.client();
    c.get("/dang-ky").await;
    let users = app.count("users").await;
    let r = c.post_form("/dang-ky", &reg("0".repeat(64).as_str(), "079190000123", "x@example.vn")).await;
    assert_eq!(r.status, 403);
    assert!(r.text.contains("hết hạn"), "{}", r.text);
    assert_eq!(app.count("users").await, users);
    // a session's token is not the anonymous cookie's
    c.login("demo.admin", DEMO_PASSWORD).await;
    let anon = c.cookies.lock().unwrap().get("egov_csrf").cloned().unwrap();
    let r = c.post_form("/dang-xuat", &[("csrf", &anon)]).await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn api_tokens_by_password_and_revocation() {
    let app = spawn().await;
    let r = app
        .client()
        .post_json("/api/v1/auth/token", r#"{"username":"demo.specialist","password":"demo-password-1"}"#)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let token = r.json()["token"].as_str().unwrap().to_string();
    let me = app.client().with_bearer(&token).get("/api/v1/me").await;
    assert_eq!(me.json()["username"], "demo.specialist");
    assert_eq!(me.json()["roles"][0], "specialist");
    let r = app.client().post_json("/api/v1/auth/token", r#"{"username":"demo.specialist","password":"nope"}"#).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("content-type"), "application/problem+json");

    let (id, token) = app.token("demo.approver").await;
    let c = app.client().with_bearer(&token);
    assert_eq!(c.get("/api/v1/me").await.status, 200);
    let out = app.cli(&["admin", "revoke-token", &id.to_string()]);
    assert!(out.status.success());
    assert_eq!(c.get("/api/v1/me").await.status, 401, "a revoked token is refused");
    assert_eq!(app.client().with_bearer("not-a-token").get("/api/v1/me").await.status, 401);
}

#[tokio::test]
async fn demo_loads_once() {
    let app = spawn().await;
    let users = app.count("users").await;
    let procs = app.count("procedures").await;
    let audit = app.count("audit_log").await;
    assert!(!egov::demo::load(&app.store, "another").await.unwrap());
    assert_eq!(
        (users, procs, audit),
        (app.count("users").await, app.count("procedures").await, app.count("audit_log").await)
    );
    assert!(procs >= 30);
    // the demo password still works: nothing changed
    app.client().login("demo.citizen", DEMO_PASSWORD).await;
}

//! Role- and agency-scoped access, checked on the server for reads and writes.

use crate::common::*;

const A: &str = "H72.50.01";
const B: &str = "H72.50.02";

#[tokio::test]
async fn an_official_of_agency_a_cannot_read_or_change_agency_b() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.agency-admin", DEMO_PASSWORD).await;
    // own agency: readable and manageable
    let own = c.get(&format!("/quan-tri/co-quan/{A}")).await;
    assert_eq!(own.status, 200);
    assert!(own.text.contains("demo.receiver"));
    assert!(own.text.contains("Thêm cán bộ"));
    // the other agency: neither page nor write
    let other = c.get(&format!("/quan-tri/co-quan/{B}")).await;
    assert_eq!(other.status, 403);
    assert!(!other.text.contains("Trảng Bàng"), "no data of B leaks into the refusal");
    let users = app.count("users").await;
    let csrf = own.csrf();
    let r = c
        .post_form(
            &format!("/quan-tri/co-quan/{B}"),
            &[
                ("csrf", &csrf),
                ("username", "intruder"),
                ("full_name", "X"),
                ("password", "long enough"),
                ("role", "receiver"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.count("users").await, users);
    // through the API too
    let (_, token) = app.token("demo.agency-admin").await;
    let api = app.client().with_bearer(&token);
    assert_eq!(api.get(&format!("/api/v1/agencies/{A}")).await.status, 200);
    let r = api.get(&format!("/api/v1/agencies/{B}")).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn an_agency_admin_adds_staff_to_their_own_agency_only_with_allowed_roles() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.agency-admin", DEMO_PASSWORD).await;
    let csrf = c.get(&format!("/quan-tri/co-quan/{A}")).await.csrf();
    let r = c
        .post_form(
            &format!("/quan-tri/co-quan/{A}"),
            &[
                ("csrf", &csrf),
                ("username", "can.bo.moi"),
                ("full_name", "Cán Bộ Mới"),
                ("password", "mật khẩu mới 1"),
                ("role", "specialist"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    app.client().login("can.bo.moi", "mật khẩu mới 1").await;
    // an agency admin cannot mint a system administrator
    let users = app.count("users").await;
    let r = c
        .post_form(
            &format!("/quan-tri/co-quan/{A}"),
            &[
                ("csrf", &csrf),
                ("username", "sneaky"),
                ("full_name", "S"),
                ("password", "long enough"),
                ("role", "system_admin"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.count("users").await, users);
}

#[tokio::test]
async fn a_receiver_reads_but_cannot_manage_their_agency() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.receiver", DEMO_PASSWORD).await;
    let page = c.get("/quan-tri/co-quan").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), format!("/quan-tri/co-quan/{A}"));
    let page = c.get(page.location()).await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("Thêm cán bộ"));
    let r = c
        .post_form(
            &format!("/quan-tri/co-quan/{A}"),
            &[
                ("csrf", &page.csrf()),
                ("username", "x.y.z"),
                ("full_name", "X"),
                ("password", "long enough"),
                ("role", "receiver"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    for path in ["/quan-tri/thu-tuc", "/quan-tri/thu-tuc/nhap", "/quan-tri/don-vi", "/quan-tri/nhat-ky"] {
        assert_eq!(c.get(path).await.status, 403, "{path}");
    }
}

#[tokio::test]
async fn a_citizen_reaches_no_back_office_page_or_api() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    for path in [
        "/quan-tri",
        "/quan-tri/co-quan",
        &format!("/quan-tri/co-quan/{A}"),
        "/quan-tri/thu-tuc",
        "/quan-tri/thu-tuc/nhap",
        "/quan-tri/don-vi",
        "/quan-tri/nhat-ky",
    ] {
        assert_eq!(c.get(path).await.status, 403, "{path}");
    }
    let (_, token) = app.token("demo.citizen").await;
    let api = app.client().with_bearer(&token);
    assert_eq!(api.get(&format!("/api/v1/agencies/{A}")).await.status, 403);
    assert_eq!(api.get("/api/v1/catalog").await.status, 403);
    assert_eq!(api.put_json("/api/v1/catalog", r#"{"version":1,"fields":[],"procedures":[]}"#).await.status, 403);
    // and a session cookie is no API credential
    assert_eq!(c.get("/api/v1/me").await.status, 401);
}

#[tokio::test]
async fn visitors_are_sent_to_sign_in() {
    let app = spawn().await;
    let r = app.client().get("/quan-tri/nhat-ky").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/dang-nhap?next=/quan-tri/nhat-ky");
    assert_eq!(app.client().get("/api/v1/catalog").await.status, 401);
}

#[tokio::test]
async fn the_system_admin_reaches_everything() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    for path in [
        "/quan-tri/thu-tuc",
        "/quan-tri/thu-tuc/nhap",
        "/quan-tri/don-vi",
        "/quan-tri/nhat-ky",
        &format!("/quan-tri/co-quan/{B}"),
    ] {
        assert_eq!(c.get(path).await.status, 200, "{path}");
    }
    let units = c.get("/quan-tri/don-vi").await;
    assert!(units.text.contains("Xã An Hòa") && units.text.contains("25449"), "merged units with their successor");
}

//! Black-box tests of the public pages and the catalog API.

use crate::common::*;

#[tokio::test]
async fn healthz_answers_and_requests_carry_an_id() {
    let app = spawn().await;
    let r = app.client().get("/healthz").await;
    assert_eq!(r.status, 200);
    assert!(!r.header("x-request-id").is_empty());
}

#[tokio::test]
async fn healthz_is_503_when_the_database_is_gone() {
    let app = spawn().await;
    app.store.close().await;
    assert_eq!(app.client().get("/healthz").await.status, 503);
}

#[tokio::test]
async fn search_finds_marriage_registration_however_it_is_typed() {
    let app = spawn().await;
    let c = app.client();
    for q in ["dang ky ket hon", "DANG KY KET HON", "đăng ký kết hôn", "dang ki ket hon", "Đăng Ký Kết Hôn"]
    {
        let r = c.get(&format!("/api/v1/procedures?q={}", q.replace(' ', "%20"))).await;
        assert_eq!(r.status, 200);
        let j = r.json();
        assert_eq!(j["items"][0]["name"], "Đăng ký kết hôn", "query {q}: {j}");
    }
    // The page finds it too.
    let r = c.get("/thu-tuc?q=dang+ky+ket+hon").await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("Đăng ký kết hôn"));
}

#[tokio::test]
async fn exact_accents_rank_first_and_filters_apply() {
    let app = spawn().await;
    let c = app.client();
    // "đăng ký" typed with accents: every hit contains it with the same accents.
    let j = c.get("/api/v1/procedures?q=%C4%91%C4%83ng%20k%C3%BD&limit=100").await.json();
    let total = j["total"].as_u64().unwrap();
    assert!(total >= 8, "{j}");
    let first = j["items"][0]["score"].as_i64().unwrap();
    assert!(j["items"][0]["name"].as_str().unwrap().to_lowercase().contains("đăng ký"));
    assert!(first >= j["items"][total as usize - 1]["score"].as_i64().unwrap());
    let j = c.get("/api/v1/procedures?field=ho-tich&limit=100").await.json();
    assert!(j["items"].as_array().unwrap().iter().all(|p| p["field"] == "ho-tich"));
    assert_eq!(j["total"].as_u64().unwrap(), j["items"].as_array().unwrap().len() as u64);
    let j = c.get("/api/v1/procedures?online=info_only&limit=100").await.json();
    assert!(j["total"].as_u64().unwrap() > 0);
    assert!(j["items"].as_array().unwrap().iter().all(|p| p["online_level"] == "info_only"));
    let j = c.get("/api/v1/procedures?agency=H72.14&limit=100").await.json();
    assert!(j["total"].as_u64().unwrap() > 0);
    assert!(j["items"].as_array().unwrap().iter().all(|p| p["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "H72.14")));
}

#[tokio::test]
async fn procedure_page_tells_everything_before_applying() {
    let app = spawn().await;
    let c = app.client();
    let r = c.get("/thu-tuc/1.000689").await;
    assert_eq!(r.status, 200);
    for needle in [
        "Đăng ký kết hôn có yếu tố nước ngoài",
        "Thành phần hồ sơ",
        "1.000.000",
        "15 ngày làm việc",
        "Sở Tư pháp",
        "123/2015/NĐ-CP",
    ] {
        assert!(r.text.contains(needle), "missing {needle}");
    }
    assert_eq!(c.get("/thu-tuc/nope").await.status, 404);
}

#[tokio::test]
async fn language_switch_is_visible_remembered_and_by_query() {
    let app = spawn().await;
    let c = app.client();
    let r = c.get("/").await;
    assert!(r.text.contains("<html lang=\"vi\">"));
    assert!(r.text.contains("href=\"/?lang=en\""), "visible switch");
    let r = c.get("/thu-tuc?q=ket+hon&lang=en").await;
    assert!(r.text.contains("<html lang=\"en\">"));
    assert!(r.text.contains("Marriage registration"));
    assert!(r.text.contains("href=\"/thu-tuc?q=ket+hon&#38;lang=vi\""), "switch keeps the query");
    // remembered by cookie
    let r = c.get("/").await;
    assert!(r.text.contains("<html lang=\"en\">"));
    let r = c.get("/?lang=vi").await;
    assert!(r.text.contains("<html lang=\"vi\">"));
    assert!(c.get("/").await.text.contains("<html lang=\"vi\">"));
}

#[tokio::test]
async fn pages_are_accessible_by_construction() {
    let app = spawn().await;
    let c = app.client();
    for path in ["/", "/thu-tuc", "/thu-tuc/1.000894", "/dang-ky", "/dang-nhap"] {
        let r = c.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.text.contains("class=\"skip\" href=\"#main\""), "{path}: skip link");
        assert!(r.text.contains("<main id=\"main\""), "{path}: main landmark");
        // every input that is not hidden has a label
        for (i, _) in r.text.match_indices("<input id=\"") {
            let id = &r.text[i + 11..];
            let id = &id[..id.find('"').unwrap()];
            assert!(r.text.contains(&format!("<label for=\"{id}\"")), "{path}: input {id} has no label");
        }
        assert!(!r.text.contains("err.") && !r.text.contains("nav."), "{path}: untranslated key");
    }
}

#[tokio::test]
async fn unknown_api_items_are_problem_details() {
    let app = spawn().await;
    let r = app.client().get("/api/v1/procedures/NOPE").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(r.json()["status"], 404);
    let r = app.client().get("/khong-co").await;
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").starts_with("text/html"));
    assert!(r.text.contains("Không tìm thấy trang"));
}

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_the_api() {
    let app = spawn().await;
    let j = app.client().get("/api/openapi.json").await.json();
    assert!(j["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/catalog",
        "/api/v1/agencies/{id}",
        "/api/v1/auth/token",
        "/healthz",
    ] {
        assert!(j["paths"][p].is_object(), "missing {p}");
    }
}

#[tokio::test]
async fn security_headers_and_cookie_flags() {
    let app = spawn().await;
    let r = app.client().get("/dang-nhap").await;
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert!(r.header("content-security-policy").contains("default-src 'self'"));
    let cookie = r.header("set-cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
}

//! Bad input: a clear message in the user's language, what was typed kept,
//! nothing half-written.

use crate::common::*;

async fn register(c: &Client, fields: &[(&str, &str)], lang: &str) -> Resp {
    let csrf = c.get(&format!("/dang-ky?lang={lang}")).await.csrf();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    c.post_form("/dang-ky", &form).await
}

#[tokio::test]
async fn empty_registration_lists_every_missing_field() {
    let app = spawn().await;
    let c = app.client();
    let r = register(&c, &[], "vi").await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Thông tin chưa hợp lệ"));
    assert_eq!(r.text.matches("Vui lòng nhập mục này.").count(), 4, "{}", r.text);
    assert!(r.text.contains("Mật khẩu phải có ít nhất 8 ký tự."));
    assert!(r.text.contains("aria-invalid=\"true\""));
    // the same in English
    let r = register(&c, &[], "en").await;
    assert_eq!(r.text.matches("Please fill in this field.").count(), 4);
}

#[tokio::test]
async fn invalid_values_keep_what_was_typed() {
    let app = spawn().await;
    let c = app.client();
    let users = app.count("users").await;
    let long = "A".repeat(300);
    let r = register(
        &c,
        &[
            ("full_name", &long),
            ("citizen_id", "003090012345"),
            ("phone", "12345"),
            ("email", "not-an-email"),
            ("password", "sông Vàm Cỏ Đông"),
            ("password_confirm", "sông Vàm Cỏ Tây"),
        ],
        "vi",
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Nội dung quá dài."));
    assert!(r.text.contains("Ba chữ số đầu không phải mã tỉnh hợp lệ."));
    assert!(r.text.contains("Số điện thoại di động không hợp lệ"));
    assert!(r.text.contains("Địa chỉ thư điện tử không hợp lệ."));
    assert!(r.text.contains("Hai mật khẩu không khớp."));
    for typed in ["value=\"003090012345\"", "value=\"12345\"", "value=\"not-an-email\"", &format!("value=\"{long}\"")] {
        assert!(r.text.contains(typed), "lost {typed}");
    }
    assert!(!r.text.contains("Vàm Cỏ"), "passwords are never echoed");
    assert_eq!(app.count("users").await, users);
    // a citizen ID with a future birth year and one with letters
    let r = register(&c, &[("citizen_id", "001290012345")], "en").await;
    assert!(r.text.contains("The century/sex digit and year of birth"));
    let r = register(&c, &[("citizen_id", "00109001234x")], "en").await;
    assert!(r.text.contains("exactly 12 digits"));
}

#[tokio::test]
async fn duplicate_email_and_citizen_id_are_refused_with_the_form_kept() {
    let app = spawn().await;
    let c = app.client();
    let ok = [
        ("full_name", "Trần Văn Bình"),
        ("citizen_id", "001085001111"),
        ("phone", "0901234567"),
        ("email", "binh@example.vn"),
        ("password", "mật khẩu 123"),
        ("password_confirm", "mật khẩu 123"),
    ];
    assert_eq!(register(&c, &ok, "vi").await.status, 303);
    let users = app.count("users").await;
    let c2 = app.client();
    let mut dup = ok;
    dup[1].1 = "001085002222";
    dup[3].1 = "BINH@example.vn";
    let r = register(&c2, &dup, "vi").await;
    assert_eq!(r.status, 409);
    assert!(r.text.contains("Địa chỉ thư điện tử này đã được sử dụng."));
    assert!(r.text.contains("value=\"Trần Văn Bình\""));
    let mut dup = ok;
    dup[3].1 = "other@example.vn";
    let r = register(&c2, &dup, "en").await;
    assert_eq!(r.status, 409);
    assert!(r.text.contains("This ID number is already registered."));
    assert_eq!(app.count("users").await, users);
}

#[tokio::test]
async fn wrong_typed_and_oversized_requests_get_clear_errors() {
    let app = spawn().await;
    let c = app.client();
    let r = c.post_json("/api/v1/auth/token", r#"{"username": 42, "password": []}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.json()["detail"].as_str().unwrap().contains("invalid type"));
    let r = c.post_json("/api/v1/auth/token", "not json").await;
    assert_eq!(r.status, 400);
    let r = c.get("/api/v1/procedures?limit=abc").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.json()["detail"].as_str().unwrap().contains("limit"));
    let big = "x".repeat(5 * 1024 * 1024);
    let r = c.post_json("/api/v1/auth/token", &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.header("content-type"), "application/problem+json");
    // the framework's own rejections on pages become pages in the user's language
    let r = c.get("/thu-tuc?limit=abc&lang=en").await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("Invalid request") && r.text.contains("<main id=\"main\""));
    let r = c.post_form("/dang-nhap", &[("csrf", &"x".repeat(3 * 1024 * 1024))]).await;
    assert!(r.status == 413 || r.status == 403, "{}", r.status);
    assert!(r.header("content-type").starts_with("text/html"));
    // absurd search input is answered, not crashed on
    let q = "%F0%9F%98%80".repeat(500);
    assert_eq!(c.get(&format!("/api/v1/procedures?q={q}")).await.status, 200);
    assert_eq!(c.get(&format!("/thu-tuc?q={q}&online=bogus&field=%00")).await.status, 200);
}

#[tokio::test]
async fn a_malformed_catalog_import_writes_nothing() {
    let app = spawn().await;
    let (_, token) = app.token("demo.admin").await;
    let api = app.client().with_bearer(&token);
    let before = api.get("/api/v1/catalog").await.text;
    let audit = app.count("audit_log").await;
    // syntax error: the place is named
    let r = api.put_json("/api/v1/catalog", "{\"version\": 1,\n \"fields\": [}").await;
    assert_eq!(r.status, 422);
    assert!(r.json()["errors"][0]["pointer"].as_str().unwrap().starts_with("line 2"));
    // one good procedure and one bad: neither is written
    let mut doc: serde_json::Value = serde_json::from_str(&before).unwrap();
    let mut good = doc["procedures"][0].clone();
    good["code"] = "9.999001".into();
    good["name_vi"] = "Thủ tục mới".into();
    let mut bad = good.clone();
    bad["code"] = "9.999002".into();
    bad["agencies"] = serde_json::json!(["H99.NOPE"]);
    bad["processing_time"]["amount"] = 0.into();
    doc["procedures"] = serde_json::json!([good, bad]);
    let r = api.put_json("/api/v1/catalog", &doc.to_string()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert!(pointers.contains(&"procedures[1].processing_time.amount".to_string()), "{pointers:?}");
    assert_eq!(api.get("/api/v1/catalog").await.text, before);
    assert_eq!(app.count("audit_log").await, audit);
    // a reference error (unknown agency) is also all-or-nothing
    doc["procedures"][1]["processing_time"]["amount"] = 5.into();
    let r = api.put_json("/api/v1/catalog", &doc.to_string()).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["pointer"], "procedures[1].agencies[0]");
    assert!(app.client().get("/api/v1/procedures/9.999001").await.status == 404);
    // fixed, it goes in whole and is searchable at once
    doc["procedures"][1]["agencies"] = serde_json::json!(["H72.14"]);
    let r = api.put_json("/api/v1/catalog", &doc.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["created"], 2);
    let j = app.client().get("/api/v1/procedures?q=thu+tuc+moi").await.json();
    assert_eq!(j["total"], 2);
}

#[tokio::test]
async fn the_back_office_import_page_shows_errors_and_keeps_the_document() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let csrf = c.get("/quan-tri/thu-tuc/nhap").await.csrf();
    let r = c
        .post_form(
            "/quan-tri/thu-tuc/nhap?lang=en",
            &[("csrf", &csrf), ("document", "{\"version\": 2, \"fields\": [], \"procedures\": []}")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Unsupported document version"));
    assert!(r.text.contains("{&#34;version&#34;: 2"), "the document is shown again");
}

#[test]
fn a_malformed_units_csv_writes_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(spawn());
    let dir = std::env::temp_dir().join(format!("egov-csv-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "code,name,level,parent_code,effective_from,effective_to,succeeded_by\n72,Tỉnh Tây Ninh,province,,2025-07-01,,\n25499,Xã Mới,commune,72,2025-02-30,,\n",
    )
    .unwrap();
    let before = rt.block_on(app.count("admin_units"));
    let out = app.cli(&["import", "units", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("effective_from"), "{err}");
    assert!(err.contains("nothing was imported"));
    assert_eq!(rt.block_on(app.count("admin_units")), before);
    // a good file updates existing units and adds new ones: no duplicates
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "code,name,level,parent_code,effective_from,effective_to,succeeded_by\n25441,Phường Tân Ninh (đổi tên),commune,72,2025-07-01,,\n25499,Xã Mới,commune,72,2025-07-01,,\n",
    )
    .unwrap();
    let out = app.cli(&["import", "units", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "units: 1 created, 1 updated");
    assert_eq!(rt.block_on(app.count("admin_units")), before + 1);
    let units = rt.block_on(app.store.units()).unwrap();
    assert_eq!(units.iter().find(|u| u.code.as_str() == "25441").unwrap().name, "Phường Tân Ninh (đổi tên)");
}

//! The back office an administrator runs (issue 15, point 14): existing
//! officials edited, disabled, given roles and new passwords on pages.

use crate::common::*;

const AGENCY: &str = "H72.50.01";

/// Whether `user` can get a token with `password`.
async fn can_sign_in(app: &TestApp, user: &str, password: &str) -> bool {
    let body = serde_json::json!({"username": user, "password": password}).to_string();
    app.client().post_json("/api/v1/auth/token", &body).await.status == 200
}

#[tokio::test]
async fn an_agency_administrator_edits_disables_and_resets_an_official_on_pages() {
    let app = spawn().await;
    let specialist = app.as_user("demo.specialist").await;
    assert_eq!(specialist.get("/api/v1/me").await.status, 200);
    let c = app.client();
    c.login("demo.agency-admin", DEMO_PASSWORD).await;
    let edit = format!("/quan-tri/co-quan/{AGENCY}/can-bo/demo.specialist");
    let list = c.get(&format!("/quan-tri/co-quan/{AGENCY}")).await;
    assert!(list.text.contains(&format!("href=\"{edit}\"")), "each official opens from the staff list");
    let page = c.get(&edit).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("value=\"Lê Văn Chuyên\""));
    let csrf = page.csrf();
    // every problem at once, what was typed kept
    let r =
        c.post_form(&edit, &[("csrf", &csrf), ("full_name", " "), ("email", "not-an-email"), ("active", "on")]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let summary = r.text.split("id=\"error-summary\"").nth(1).expect("a summary").split("</div>").next().unwrap();
    for target in ["#full_name", "#email", "#role_first"] {
        assert!(summary.contains(&format!("href=\"{target}\"")), "{target} in {summary}");
    }
    assert!(r.text.contains("value=\"not-an-email\""));
    // a new name and a second role
    let r = c
        .post_form(
            &edit,
            &[
                ("csrf", &csrf),
                ("full_name", "Lê Văn Chuyên Viên"),
                ("email", "chuyen@example.vn"),
                ("role", "specialist"),
                ("role", "approver"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let me = specialist.get("/api/v1/me").await.json();
    assert_eq!(me["full_name"], "Lê Văn Chuyên Viên");
    assert!(me["roles"].as_array().unwrap().iter().any(|r| r == "approver"), "{me}");
    // an agency administrator cannot hand out the system's role
    let r =
        c.post_form(&edit, &[("csrf", &csrf), ("full_name", "X Y"), ("role", "system_admin"), ("active", "on")]).await;
    assert_eq!(r.status, 403);
    // a common password is refused; a good one signs the official out everywhere
    let reset = format!("{edit}/mat-khau");
    let r = c.post_form(&reset, &[("csrf", &csrf), ("password", "12345678")]).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("id=\"password-err\""));
    let r = c.post_form(&reset, &[("csrf", &csrf), ("password", "đồng lúa chín vàng 2026")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(specialist.get("/api/v1/me").await.status, 401, "the old token ended");
    assert!(!can_sign_in(&app, "demo.specialist", DEMO_PASSWORD).await);
    assert!(can_sign_in(&app, "demo.specialist", "đồng lúa chín vàng 2026").await);
    // disabled: no sign-in at all, shown in the list
    let r = c.post_form(&edit, &[("csrf", &csrf), ("full_name", "Lê Văn Chuyên Viên"), ("role", "specialist")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(!can_sign_in(&app, "demo.specialist", "đồng lúa chín vàng 2026").await);
    assert!(c.get(&format!("/quan-tri/co-quan/{AGENCY}")).await.text.contains("Đã khóa"));
    // nobody locks themselves out
    let own = format!("/quan-tri/co-quan/{AGENCY}/can-bo/demo.agency-admin");
    let r = c.post_form(&own, &[("csrf", &csrf), ("full_name", "Hoàng Văn Quản"), ("role", "receiver")]).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("không thể tự khóa") && r.text.contains("không thể tự bỏ vai trò quản trị"), "{}", r.text);
    // another agency's administrator has no such page
    let other = app.client();
    other.login("demo.receiver", DEMO_PASSWORD).await;
    assert_eq!(other.get(&edit).await.status, 403);
}

#[tokio::test]
async fn a_system_administrator_adds_and_edits_agencies_on_pages() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let list = c.get("/quan-tri/cac-co-quan").await;
    assert!(list.text.contains("href=\"/quan-tri/cac-co-quan/moi\""));
    assert!(list.text.contains(&format!("href=\"/quan-tri/cac-co-quan/{AGENCY}/sua\"")));
    let csrf = c.get("/quan-tri/cac-co-quan/moi").await.csrf();
    let r = c.post_form("/quan-tri/cac-co-quan/moi", &[("csrf", &csrf), ("effective_to", "2025-13-40")]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let summary = r.text.split("id=\"error-summary\"").nth(1).expect("a summary").split("</div>").next().unwrap();
    for target in ["#id", "#name_vi", "#name_en", "#kind", "#unit_code", "#effective_from", "#effective_to"] {
        assert!(summary.contains(&format!("href=\"{target}\"")), "{target} in {summary}");
    }
    let new = |id: &'static str, parent: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("id", id.to_string()),
            ("name_vi", "Ủy ban nhân dân phường Thử".to_string()),
            ("name_en", "Thu Ward People's Committee".to_string()),
            ("kind", "commune_peoples_committee".to_string()),
            ("parent_id", parent.to_string()),
            ("unit_code", "25442".to_string()),
            ("effective_from", "2025-07-01".to_string()),
        ]
    };
    let form = new("H72.50.77", "H72");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.post_form("/quan-tri/cac-co-quan/moi", &pairs).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(c.post_form("/quan-tri/cac-co-quan/moi", &pairs).await.status, 409, "the identifier is taken");
    let j = app.as_user("demo.admin").await.get("/api/v1/agencies/H72.50.77").await.json();
    assert_eq!(j["name_vi"], "Ủy ban nhân dân phường Thử", "{j}");
    // renamed; the province's committee cannot be put under its own ward
    let form = [
        ("csrf", csrf.as_str()),
        ("name_vi", "UBND phường Thử Mới"),
        ("name_en", "New Thu Ward PC"),
        ("kind", "commune_peoples_committee"),
        ("parent_id", "H72"),
        ("unit_code", "25442"),
        ("effective_from", "2025-07-01"),
    ];
    assert_eq!(c.post_form("/quan-tri/cac-co-quan/H72.50.77/sua", &form).await.status, 303);
    assert!(c.get("/quan-tri/cac-co-quan").await.text.contains("UBND phường Thử Mới"));
    let top = c.get("/quan-tri/cac-co-quan/H72/sua").await;
    assert_eq!(top.status, 200);
    let mut looped: Vec<(String, String)> = ["name_vi", "name_en", "kind", "unit_code", "effective_from"]
        .iter()
        .map(|k| (k.to_string(), field_value(&top.text, k)))
        .collect();
    looped.push(("csrf".into(), csrf.clone()));
    looped.push(("parent_id".into(), "H72.50.77".into()));
    let pairs: Vec<(&str, &str)> = looped.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post_form("/quan-tri/cac-co-quan/H72/sua", &pairs).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("đang trực thuộc"), "a loop is refused in words");
    // an agency administrator manages staff, not the tree
    let a = app.client();
    a.login("demo.agency-admin", DEMO_PASSWORD).await;
    assert_eq!(a.get("/quan-tri/cac-co-quan/moi").await.status, 403);
}

/// The value a page's form holds for `name`: an input's value, or a select's chosen option.
fn field_value(html: &str, name: &str) -> String {
    let at = html.split(&format!("name=\"{name}\"")).nth(1).unwrap_or("");
    if let Some(v) =
        at.split("value=\"").nth(1).filter(|_| !at.trim_start().starts_with('>') && !at.starts_with(" aria"))
    {
        return v.split('"').next().unwrap_or("").to_string();
    }
    at.split("</select>")
        .next()
        .unwrap_or("")
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("selected"))
        .map(|o| o.split('"').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_system_administrator_adds_and_merges_administrative_units_on_pages() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let list = c.get("/quan-tri/don-vi").await;
    assert!(
        list.text.contains("href=\"/quan-tri/don-vi/moi\"")
            && list.text.contains("href=\"/quan-tri/don-vi/25442/sua\"")
    );
    let csrf = c.get("/quan-tri/don-vi/moi").await.csrf();
    let r = c.post_form("/quan-tri/don-vi/moi", &[("csrf", &csrf), ("level", "commune"), ("code", "12")]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let summary = r.text.split("id=\"error-summary\"").nth(1).expect("a summary").split("</div>").next().unwrap();
    for target in ["#code", "#name", "#parent_code", "#effective_from"] {
        assert!(summary.contains(&format!("href=\"{target}\"")), "{target} in {summary}");
    }
    let new = [
        ("csrf", csrf.as_str()),
        ("code", "25499"),
        ("name", "Phường Thử"),
        ("level", "commune"),
        ("parent_code", "72"),
        ("effective_from", "2025-07-01"),
    ];
    assert_eq!(c.post_form("/quan-tri/don-vi/moi", &new).await.status, 303);
    assert_eq!(c.post_form("/quan-tri/don-vi/moi", &new).await.status, 409);
    // merged into another: it needs the day it ended
    let merge = |to: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("name", "Phường Thử".into()),
            ("level", "commune".into()),
            ("parent_code", "72".into()),
            ("effective_from", "2025-07-01".into()),
            ("effective_to", to.to_string()),
            ("succeeded_by", "25441".into()),
        ]
    };
    let pairs = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let send = |f: Vec<(&'static str, String)>| {
        let c = &c;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post_form("/quan-tri/don-vi/25499/sua", &f).await
        }
    };
    let r = send(pairs(&merge(""))).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("cần ngày hết hiệu lực"));
    assert_eq!(send(pairs(&merge("2026-06-30"))).await.status, 303);
    let units = app.store.units().await.expect("units");
    let u = units.iter().find(|u| u.code.as_str() == "25499").expect("the new unit");
    assert_eq!(u.succeeded_by.as_ref().map(|c| c.as_str()), Some("25441"));
    assert!(app.store.recent_audit(5).await.expect("audit").iter().any(|e| e.event.action == "unit.upsert"));
}

//! Administrators create and edit procedures, their forms and processes in
//! the back office, without code.

use crate::common::*;

#[tokio::test]
async fn an_administrator_creates_a_procedure_with_its_form_and_process() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let page = c.get("/quan-tri/thu-tuc/moi").await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("is_new", "1"),
        ("code", "1.099001"),
        ("name_vi", "Cấp giấy phép tổ chức lễ hội"),
        ("name_en", "Festival permit"),
        ("field", "khoa-hoc-cong-nghe"),
        ("online_level", "full"),
        ("time_amount", "7"),
        ("time_unit", "working_days"),
        ("level_province", "on"),
        ("agency_H72.11", "on"),
        ("doc0_name_vi", "Đơn đề nghị"),
        ("doc0_name_en", "Application"),
        ("doc0_originals", "1"),
        ("doc0_copies", "0"),
        ("doc0_mandatory", "on"),
        ("doc1_name_vi", ""),
        ("fee0_vi", "Lệ phí"),
        ("fee0_en", "Fee"),
        ("fee0_amount", "1.500.000"),
        ("step0_name_vi", "Tiếp nhận"),
        ("step0_name_en", "Receipt"),
        ("step0_role", "receiver"),
        ("step0_agency", ""),
        ("step0_share", "30"),
        ("step1_name_vi", "Thẩm định"),
        ("step1_name_en", "Appraisal"),
        ("step1_role", "specialist"),
        ("step1_agency", "H72.11"),
        ("step1_share", "60"),
        ("ff0_name", "festival_name"),
        ("ff0_label_vi", "Tên lễ hội"),
        ("ff0_label_en", "Festival name"),
        ("ff0_type", "text"),
        ("ff0_required", "on"),
        ("ff1_name", "scale"),
        ("ff1_label_vi", "Quy mô"),
        ("ff1_label_en", "Scale"),
        ("ff1_type", "select"),
        ("ff1_options", "small=Nhỏ|Small; large=Lớn|Large"),
    ];
    // the shares add up to 90: refused, everything typed comes back
    let audit = app.count("audit_log").await;
    let r = c.post_form("/quan-tri/thu-tuc/luu", &form).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("cộng lại bằng 100%"));
    assert!(r.text.contains("value=\"Cấp giấy phép tổ chức lễ hội\""));
    assert!(r.text.contains("value=\"small=Nhỏ|Small; large=Lớn|Large\""));
    assert_eq!(app.count("audit_log").await, audit, "nothing written");
    assert_eq!(app.client().get("/api/v1/procedures/1.099001").await.status, 404);

    form.retain(|(k, _)| *k != "step1_share");
    form.push(("step1_share", "70"));
    let r = c.post_form("/quan-tri/thu-tuc/luu", &form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.location(), "/quan-tri/thu-tuc/1.099001/sua?saved=1");

    let p = app.client().get("/api/v1/procedures/1.099001").await.json();
    assert_eq!(p["fees"][0]["amount_vnd"], 1_500_000);
    assert_eq!(p["documents"].as_array().unwrap().len(), 1);
    assert_eq!(p["process"][1]["agency"]["id"], "H72.11");
    assert_eq!(p["form"][1]["options"][1]["label_en"], "Large");
    // searchable at once, and shown to citizens
    let j = app.client().get("/api/v1/procedures?q=le+hoi").await.json();
    assert_eq!(j["items"][0]["code"], "1.099001");
    let page = app.client().get("/thu-tuc/1.099001").await;
    assert!(page.text.contains("1.500.000") && page.text.contains("Tên lễ hội") && page.text.contains("Thẩm định"));

    // the same code cannot be created twice
    let r = c.post_form("/quan-tri/thu-tuc/luu", &form).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("đã được sử dụng"));
}

#[tokio::test]
async fn an_administrator_edits_an_existing_procedure() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let page = c.get("/quan-tri/thu-tuc/1.000894/sua").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("value=\"Đăng ký kết hôn\""));
    // submit the form as the page has it, with the name and time changed and a document removed
    let mut form: Vec<(String, String)> = Vec::new();
    let html = &page.text;
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<input ") {
        let tag = &rest[i..rest[i..].find('>').map(|e| i + e).unwrap_or(rest.len())];
        let attr = |name: &str| {
            tag.find(&format!(" {name}=\"")).map(|s| {
                let v = &tag[s + name.len() + 3..];
                v[..v.find('"').unwrap()].replace("&#38;", "&").replace("&#34;", "\"").replace("&#39;", "'")
            })
        };
        if let Some(n) = attr("name") {
            let is_box = tag.contains("type=\"checkbox\"");
            if !is_box || tag.contains(" checked") {
                form.push((n, if is_box { "on".into() } else { attr("value").unwrap_or_default() }));
            }
        }
        rest = &rest[i + 7..];
    }
    for sel in ["field", "online_level", "time_unit", "step0_role", "step1_role", "step2_role", "step3_role"] {
        let v = if sel == "field" {
            "ho-tich"
        } else if sel == "online_level" {
            "full"
        } else if sel == "time_unit" {
            "working_days"
        } else if sel == "step1_role" {
            "specialist"
        } else if sel == "step2_role" {
            "approver"
        } else {
            "receiver"
        };
        form.push((sel.into(), v.into()));
    }
    for (k, v) in form.iter_mut() {
        if k == "name_vi" {
            *v = "Đăng ký kết hôn (sửa)".into();
        }
        if k == "time_amount" {
            *v = "2".into();
        }
    }
    form.push(("doc2_remove".into(), "on".into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post_form("/quan-tri/thu-tuc/luu", &pairs).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let p = app.client().get("/api/v1/procedures/1.000894").await.json();
    assert_eq!(p["name_vi"], "Đăng ký kết hôn (sửa)");
    assert_eq!(p["processing_time"]["amount"], 2);
    assert_eq!(p["documents"].as_array().unwrap().len(), 2);
    // the requester's three fields, the couple's fifteen, the note: untouched parts are kept
    assert_eq!(p["form"].as_array().unwrap().len(), 19, "untouched parts are kept");
    let entries = app.store.recent_audit(5).await.unwrap();
    assert_eq!(entries[0].event.action, "procedure.update");
    assert_ne!(entries[0].event.before_digest, entries[0].event.after_digest);
}

#[tokio::test]
async fn only_catalog_managers_reach_the_editor() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.agency-admin", DEMO_PASSWORD).await;
    assert_eq!(c.get("/quan-tri/thu-tuc/moi").await.status, 403);
    assert_eq!(c.get("/quan-tri/thu-tuc/1.000894/sua").await.status, 403);
    let csrf = c.get("/quan-tri").await.csrf();
    let r = c.post_form("/quan-tri/thu-tuc/luu", &[("csrf", &csrf), ("code", "1.000894"), ("name_vi", "Hacked")]).await;
    assert_eq!(r.status, 403);
    assert_eq!(app.client().get("/api/v1/procedures/1.000894").await.json()["name_vi"], "Đăng ký kết hôn");
}

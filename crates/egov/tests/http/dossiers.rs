//! The dossier lifecycle through the API (issue 4, first part).

use crate::common::*;

fn form() -> serde_json::Value {
    marriage(
        serde_json::json!({"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Phường Tân Ninh"}),
    )
}

/// The multipart body of an online submission with its two mandatory parts attached.
fn submission(files: &[(usize, &'static [u8], &'static str)]) -> reqwest::multipart::Form {
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": form()});
    let mut f = reqwest::multipart::Form::new().text("dossier", body.to_string());
    for (i, bytes, name) in files {
        f = f.part(format!("part_{i}"), reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(*name));
    }
    f
}

/// How many files the blob store holds.
async fn submit(api: &Client) -> Resp {
    api.post_multipart("/api/v1/dossiers", submission(&[(0, PDF, "to-khai.pdf"), (1, PDF, "cccd.pdf")])).await
}

/// A receiving officer of the other demo commune, H72.50.02.
async fn receiver_of_agency_b(app: &TestApp) -> Client {
    let out = app.cli(&[
        "admin",
        "create-user",
        "--username",
        "b.receiver",
        "--full-name",
        "B",
        "--agency",
        "H72.50.02",
        "--role",
        "receiver",
        "--password",
        "long enough",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    app.client().with_bearer(&app.token("b.receiver").await.1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_lifecycle_through_the_api() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let specialist = app.client().with_bearer(&app.token("demo.specialist").await.1);
    let approver = app.client().with_bearer(&app.token("demo.approver").await.1);

    let r = submit(&citizen).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("H72.50.01-") && code.ends_with("-0001"), "{code}");
    assert_eq!(r.json()["national_status"], 1);

    // a rating before the result is refused
    let r = citizen.post_json(&format!("/api/v1/dossiers/{code}/rating"), r#"{"scores":[2,2,2,2,2,2,2,2,2]}"#).await;
    assert_eq!(r.status, 409);
    let r = citizen.post_json(&format!("/api/v1/dossiers/{code}/rating"), r#"{"scores":[3,2,2,2,2,2,2,2,2]}"#).await;
    assert_eq!(r.status, 409);
    // wrong role, wrong status: refused, nothing changed
    let r = specialist.act(&code, serde_json::json!({"action": "accept"})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = approver.act(&code, serde_json::json!({"action": "approve"})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.header("content-type"), "application/problem+json");
    let before = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    assert_eq!(before["history"].as_array().unwrap().len(), 1);

    for (who, body, status) in [
        (&receiver, serde_json::json!({"action": "accept"}), "accepted"),
        (&approver, serde_json::json!({"action": "assign", "to": "demo.specialist"}), "processing"),
        (
            &specialist,
            serde_json::json!({"action": "request_supplement", "missing": ["Bản sao giấy xác nhận tình trạng hôn nhân"]}),
            "supplement_requested",
        ),
    ] {
        let r = who.act(&code, body.clone()).await;
        assert_eq!(r.status, 200, "{body}: {}", r.text);
        assert_eq!(r.json()["status"], status);
    }
    // the supplement must bring what was asked for
    let view = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    assert_eq!(
        view["requested"],
        serde_json::json!([{"index": 0, "name": "Bản sao giấy xác nhận tình trạng hôn nhân"}])
    );
    let r = citizen.act(&code, serde_json::json!({"action": "resubmit"})).await;
    assert_eq!(r.status, 422, "nothing sent: {}", r.text);
    assert_eq!(r.json()["errors"][0]["pointer"], "requested_0");
    let r = citizen.resubmit(&code, &[0]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "processing");
    // forwarding to something that is no agency identifier: refused, the dossier stays
    let r = specialist.act(&code, serde_json::json!({"action": "forward", "to_agency": "not an agency"})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let view = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    assert_eq!(view["current_agency"], "H72.50.01", "{view}");
    let r = approver.act(&code, serde_json::json!({"action": "approve"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "approved");
    // The result goes out some way: neither a file nor paper is refused.
    let r = receiver.act(&code, serde_json::json!({"action": "return_result"})).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.json()["title"].as_str().unwrap().contains("kết quả bản điện tử"), "{}", r.text);
    // An electronic result is checked by content: a text file named .pdf is
    // refused, nothing written, no file left behind.
    let files_before = count_blobs(&app.blobs).await;
    let result_form = |bytes: &'static [u8], name: &'static str| {
        reqwest::multipart::Form::new()
            .text("action", r#"{"action": "return_result", "paper": true}"#)
            .part("result", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name))
    };
    let actions = format!("/api/v1/dossiers/{code}/actions");
    let r = receiver.post_multipart(&actions, result_form(b"not a pdf at all", "ket-qua.pdf")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(count_blobs(&app.blobs).await, files_before, "no orphan file");
    assert_eq!(citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["status"], "approved");
    // a file with another action is a bad request
    let other = reqwest::multipart::Form::new()
        .text("action", r#"{"action": "approve"}"#)
        .part("result", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("x.pdf"));
    assert_eq!(receiver.post_multipart(&actions, other).await.status, 400);
    // the electronic result and the paper one
    let r = receiver.post_multipart(&actions, result_form(PDF, "Quyết định số 12.pdf")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "result_returned");
    assert_eq!(count_blobs(&app.blobs).await, files_before + 1);
    let view = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    let result =
        view["files"].as_array().unwrap().iter().find(|f| f["purpose"] == "result").expect("result file").clone();
    assert_eq!(result["file_name"], "Quyết định số 12.pdf");
    assert_eq!(view["files"].as_array().unwrap().len(), 4, "two parts, the document asked for, and the result");
    // the citizen downloads it, byte for byte; an official of another agency may not, nor anyone signed out
    let url = format!("/api/v1/dossiers/{code}/files/{}", result["id"]);
    let got = reqwest::Client::new()
        .get(format!("{}{url}", app.base))
        .bearer_auth(citizen.bearer.as_ref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "application/pdf");
    let disposition = got.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''Quy%E1%BA%BFt"),
        "{disposition}"
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);
    let b = receiver_of_agency_b(&app).await;
    assert_eq!(b.get(&url).await.status, 403);
    assert_eq!(app.client().get(&url).await.status, 401);
    assert_eq!(citizen.get(&format!("/api/v1/dossiers/{code}/files/999999")).await.status, 404);
    // the citizen's page links the result and says a paper one comes too
    let web0 = app.client();
    web0.login("demo.citizen", DEMO_PASSWORD).await;
    let page = web0.get(&format!("/ho-so/{code}")).await;
    assert!(page.text.contains(&format!("href=\"{url}\"")) && page.text.contains("Kết quả giải quyết (bản điện tử)"));
    assert!(page.text.contains("Kết quả bản giấy"));
    // the citizen rates the service on the nine indicators, once
    let web = app.client();
    web.login("demo.citizen", DEMO_PASSWORD).await;
    let page = web.get(&format!("/ho-so/{code}")).await;
    assert!(page.text.contains("Đánh giá sự hài lòng") && page.text.contains("name=\"s9\""));
    let mut form: Vec<(String, String)> =
        (1..=9).map(|i| (format!("s{i}"), if i == 4 { "1".into() } else { "2".into() })).collect();
    form.push(("csrf".into(), page.csrf()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = web.post_form(&format!("/ho-so/{code}/danh-gia"), &pairs).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = web.get(&format!("/ho-so/{code}")).await;
    assert!(page.text.contains("Đánh giá của bạn") && !page.text.contains("name=\"s9\""));
    let r = citizen.post_json(&format!("/api/v1/dossiers/{code}/rating"), r#"{"scores":[2,2,2,2,2,2,2,2,2]}"#).await;
    assert_eq!(r.status, 409, "once only");
    assert_eq!(r.json()["title"], "Hồ sơ này đã được đánh giá.");
    // the citizen heard of every change but the internal assignment, in order
    let inbox = citizen.get("/api/v1/inbox").await.json();
    let kinds: Vec<&str> =
        inbox["items"].as_array().unwrap().iter().rev().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["submit", "accept", "request_supplement", "approve", "return_result"]);
    // form 02 of the supplement request, read back
    let pdf = reqwest::Client::new()
        .get(format!("{}/api/v1/dossiers/{code}/forms/02.pdf", app.base))
        .bearer_auth(citizen.bearer.as_ref().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let file = std::env::temp_dir().join(format!("egov-02-{}.pdf", random_name()));
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new(tool("pdftotext")).arg(&file).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("PHIẾU YÊU CẦU BỔ SUNG") && text.contains("Bản sao giấy xác nhận tình trạng hôn nhân"),
        "{text}"
    );
    assert_eq!(citizen.get(&format!("/api/v1/dossiers/{code}/forms/04.pdf")).await.status, 404, "no apology was made");
    let d = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    assert_eq!(d["national_status"], 10);
    assert_eq!(d["supplements"], 1);
    assert_eq!(d["history"].as_array().unwrap().len(), 8, "seven steps and the rating");
    assert!(d["due"].as_str().is_some());

    // the public status: steps and dates, a masked name, nothing else personal
    let p = app.client().get(&format!("/api/v1/dossiers/{code}/status")).await;
    assert_eq!(p.status, 200);
    let j = p.json();
    assert_eq!(j["applicant"], "N*** V** D**");
    assert_eq!(j["steps"].as_array().unwrap().len(), 7, "the seven steps; the rating is not one");
    assert!(j["steps"].as_array().unwrap().iter().all(|s| s["action"] != "rate"));
    assert!(
        !p.text.contains("072090001234") && !p.text.contains("Tân Ninh") && !p.text.contains("Bản sao"),
        "{}",
        p.text
    );
    assert_eq!(app.client().get("/api/v1/dossiers/H72.50.01-991301-0001/status").await.status, 404);
    // the lookup page (what the slip's QR code opens), without signing in
    let page = app.client().get(&format!("/tra-cuu/{code}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Đã trả kết quả")
            && page.text.contains("N*** V** D**")
            && page.text.contains("Chờ bổ sung hồ sơ")
    );
    assert!(!page.text.contains("072090001234"));
    let page = app.client().get(&format!("/tra-cuu?ma={code}&lang=en")).await;
    assert!(page.text.contains("Result returned"));
    let page = app.client().get("/tra-cuu?ma=nope").await;
    assert_eq!(page.status, 404);
    assert!(page.text.contains("Không tìm thấy hồ sơ"));

    // others cannot read it; the audit chain holds every step
    let other = app.client().with_bearer(&app.token("demo.agency-admin").await.1);
    assert_eq!(other.get(&format!("/api/v1/dossiers/{code}")).await.status, 200, "same agency");
    assert_eq!(b.get(&format!("/api/v1/dossiers/{code}")).await.status, 403);
    assert_eq!(b.act(&code, serde_json::json!({"action": "accept"})).await.status, 403);
    let out = app.cli(&["audit", "verify"]);
    assert!(out.status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_submissions_get_unique_gap_free_codes() {
    let app = spawn().await;
    let token = app.token("demo.citizen").await.1;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let base = app.base.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let c = Client::new(&base).with_bearer(&token);
            let r = submit(&c).await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.json()["code"].as_str().unwrap().to_string()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    let mut seqs: Vec<u32> = codes.iter().map(|c| c.rsplit('-').next().unwrap().parse().unwrap()).collect();
    seqs.sort();
    assert_eq!(seqs, (1..=100).collect::<Vec<_>>(), "unique and without gaps");
    let day = codes[0].split('-').nth(1).unwrap().to_string();
    assert!(codes.iter().all(|c| c.split('-').nth(1) == Some(day.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_submissions_are_refused_and_leave_nothing() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let before = app.count("dossiers").await;
    for (body, pointer) in [
        (serde_json::json!({"procedure": "nope", "agency": "H72.50.01", "form": form()}), "procedure"),
        (serde_json::json!({"procedure": "1.000894", "agency": "H72.14", "form": form()}), "agency"),
        (
            serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": {"address": "x"}}),
            "form.applicant_name",
        ),
        (
            serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": marriage(serde_json::json!({"applicant_name": "A", "applicant_id": "12", "address": "x"}))}),
            "form.applicant_id",
        ),
    ] {
        let r = citizen.post_json("/api/v1/dossiers", &body.to_string()).await;
        assert_eq!(r.status, 422, "{body}");
        assert_eq!(r.json()["errors"][0]["pointer"], pointer, "{}", r.text);
    }
    assert_eq!(citizen.post_json("/api/v1/dossiers", "{").await.status, 400);
    // officials do not file dossiers through the citizen's API
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    assert_eq!(submit(&receiver).await.status, 403);
    assert_eq!(submit(&app.client()).await.status, 401);
    assert_eq!(app.count("dossiers").await, before);
    // a draft has no code
    let r = citizen
        .post_json(
            "/api/v1/dossiers",
            &serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": form(), "draft": true})
                .to_string(),
        )
        .await;
    assert_eq!(r.status, 201);
    assert!(r.json()["code"].is_null());
    assert_eq!(
        submit(&citizen).await.json()["code"].as_str().unwrap().rsplit('-').next(),
        Some("0001"),
        "drafts take no number"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worklists_and_search_for_officials_my_dossiers_for_citizens() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let specialist = app.client().with_bearer(&app.token("demo.specialist").await.1);
    let approver = app.client().with_bearer(&app.token("demo.approver").await.1);
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(submit(&citizen).await.json()["code"].as_str().unwrap().to_string());
    }
    let items = |j: serde_json::Value| -> Vec<String> {
        j["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(items(receiver.get("/api/v1/dossiers?list=to_receive").await.json()), codes);
    for c in &codes[..2] {
        assert_eq!(receiver.act(c, serde_json::json!({"action": "accept"})).await.status, 200);
    }
    assert_eq!(items(receiver.get("/api/v1/dossiers?list=to_receive").await.json()), vec![codes[2].clone()]);
    assert_eq!(
        approver.act(&codes[0], serde_json::json!({"action": "assign", "to": "demo.specialist"})).await.status,
        200
    );
    assert_eq!(items(specialist.get("/api/v1/dossiers?list=mine").await.json()), vec![codes[0].clone()]);
    let r =
        specialist.act(&codes[0], serde_json::json!({"action": "request_supplement", "missing": ["Ảnh 4x6"]})).await;
    assert_eq!(r.status, 200);
    assert_eq!(items(receiver.get("/api/v1/dossiers?list=waiting").await.json()), vec![codes[0].clone()]);
    assert!(items(specialist.get("/api/v1/dossiers?list=mine").await.json()).is_empty());
    let agency = items(receiver.get("/api/v1/dossiers?list=agency").await.json());
    assert_eq!(agency.len(), 3);
    // time-dependent lists: nothing is overdue yet; due-soon is part of the agency's open dossiers
    assert!(items(receiver.get("/api/v1/dossiers?list=overdue").await.json()).is_empty());
    assert!(items(receiver.get("/api/v1/dossiers?list=due_soon").await.json()).iter().all(|c| agency.contains(c)));
    // search by code, ID number, and name with or without accents
    assert_eq!(
        items(receiver.get(&format!("/api/v1/dossiers?list=agency&q={}", codes[1])).await.json()),
        vec![codes[1].clone()]
    );
    assert_eq!(items(receiver.get("/api/v1/dossiers?list=agency&q=072090001234").await.json()).len(), 3);
    assert_eq!(items(receiver.get("/api/v1/dossiers?list=agency&q=van%20dan").await.json()).len(), 3);
    assert_eq!(items(receiver.get("/api/v1/dossiers?list=agency&q=V%C4%82N%20D%C3%82N").await.json()).len(), 3);
    assert!(items(receiver.get("/api/v1/dossiers?list=agency&q=khong%20co").await.json()).is_empty());
    assert_eq!(receiver.get("/api/v1/dossiers?list=bogus").await.status, 400);
    // another agency sees none of them
    let b = receiver_of_agency_b(&app).await;
    assert!(items(b.get("/api/v1/dossiers?list=to_receive").await.json()).is_empty());
    // the citizen's own list, newest first
    let mine = items(citizen.get("/api/v1/dossiers").await.json());
    assert_eq!(mine, codes.iter().rev().cloned().collect::<Vec<_>>());
    // the citizen completes the first one with the photo asked for, as a
    // document part of the dossier; a part the procedure does not have is refused
    let actions = format!("/api/v1/dossiers/{}/actions", codes[0]);
    let resubmit = |part: &str| {
        reqwest::multipart::Form::new()
            .text("action", r#"{"action": "resubmit"}"#)
            .part(part.to_string(), reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("anh-4x6.pdf"))
    };
    let before = count_blobs(&app.blobs).await;
    assert_eq!(citizen.post_multipart(&actions, resubmit("part_9")).await.status, 422);
    assert_eq!(count_blobs(&app.blobs).await, before, "no orphan file");
    let r = citizen.post_multipart(&actions, resubmit("requested_0")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let view = citizen.get(&format!("/api/v1/dossiers/{}", codes[0])).await.json();
    let files = view["files"].as_array().unwrap();
    assert_eq!(files.len(), 3, "{files:?}");
    // the answer to the first document asked for
    assert!(files.iter().any(|f| f["file_name"] == "anh-4x6.pdf" && f["part_index"] == 1000 && f["purpose"] == "part"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_applies_through_the_pages() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    let page = c.get("/thu-tuc/1.000894").await;
    assert!(page.text.contains("href=\"/thu-tuc/1.000894/nop\""));
    let form = c.get("/thu-tuc/1.000894/nop").await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("<label for=\"f_applicant_name\">Họ tên người nộp"));
    let csrf = form.csrf();
    let page_form = |pairs: &[(&str, &str)], files: bool| {
        let mut f = reqwest::multipart::Form::new();
        for (k, v) in pairs {
            f = f.text(k.to_string(), v.to_string());
        }
        // the couple's part of the form, unless the requester's fields alone are tried
        if pairs.iter().any(|(k, _)| *k == "f_applicant_name") {
            f = with_couple(f);
        }
        if files {
            f = f.part("part_0", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("to-khai.pdf"));
            f = f.part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"));
        }
        f
    };
    // missing fields and no agency: the form comes back with what was typed
    let r = c
        .post_multipart(
            "/thu-tuc/1.000894/nop",
            page_form(
                &[("csrf", &csrf), ("agency", ""), ("f_address", "Tổ 5, phường Tân Ninh"), ("submit", "1")],
                false,
            ),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Cơ quan này không thực hiện thủ tục đó.") || r.text.contains("Vui lòng nhập mục này."));
    let r = c
        .post_multipart(
            "/thu-tuc/1.000894/nop",
            page_form(
                &[
                    ("csrf", &csrf),
                    ("agency", "H72.50.01"),
                    ("f_address", "Tổ 5, phường Tân Ninh"),
                    ("f_applicant_id", "123"),
                    ("submit", "1"),
                ],
                false,
            ),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.text.contains("value=\"Tổ 5, phường Tân Ninh\"") && r.text.contains("Số định danh phải gồm đúng 12 chữ số.")
    );
    assert!(r.text.contains("Thiếu tệp đính kèm của thành phần hồ sơ bắt buộc."));
    assert_eq!(app.count("dossiers").await, 0);
    // a draft, then the real thing with its files
    let good = [
        ("csrf", csrf.as_str()),
        ("agency", "H72.50.01"),
        ("f_applicant_name", "Nguyễn Văn Dân"),
        ("f_applicant_id", "072090001234"),
        ("f_address", "Tổ 5, phường Tân Ninh"),
    ];
    // a draft with one of its two documents, continued later from "my dossiers"
    let mut draft = good.to_vec();
    draft.push(("save_draft", "1"));
    let with_part = |pairs: &[(&str, &str)], part: &str, name: &str| {
        let mut f = page_form(pairs, false);
        f = f.part(part.to_string(), reqwest::multipart::Part::bytes(PDF.to_vec()).file_name(name.to_string()));
        f
    };
    let r = c.post_multipart("/thu-tuc/1.000894/nop", with_part(&draft, "part_0", "to-khai.pdf")).await;
    assert_eq!((r.status, r.location()), (303, "/ho-so-cua-toi?nhap=1"));
    let mine = c.get("/ho-so-cua-toi").await;
    let link = mine.text.split("href=\"").find(|h| h.starts_with("/thu-tuc/1.000894/nop?nhap=")).expect("a draft link");
    let link = &link[..link.find('"').unwrap()];
    let again = c.get(link).await;
    assert_eq!(again.status, 200);
    assert!(
        again.text.contains("value=\"Tổ 5, phường Tân Ninh\"") && again.text.contains("to-khai.pdf"),
        "{}",
        again.text
    );
    let draft_id = link.rsplit('=').next().unwrap().to_string();
    assert!(again.text.contains(&format!("name=\"draft_id\" value=\"{draft_id}\"")));
    // nobody else continues it
    let stranger = app.client();
    stranger.login("demo.receiver", DEMO_PASSWORD).await;
    assert_eq!(stranger.get(link).await.status, 403);
    // submitted with the other document: the draft becomes the dossier, with both files
    let mut submit = good.to_vec();
    submit.push(("submit", "1"));
    submit.push(("draft_id", &draft_id));
    let r = c.post_multipart("/thu-tuc/1.000894/nop", with_part(&submit, "part_1", "cccd.pdf")).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let loc = r.location().to_string();
    assert_eq!(app.count("dossiers").await, 1, "the draft itself was submitted");
    assert_eq!(app.count("dossier_files").await, 2);
    // the draft cannot be submitted twice
    let r = c.post_multipart("/thu-tuc/1.000894/nop", with_part(&submit, "part_1", "cccd.pdf")).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(app.count("dossiers").await, 1);
    assert!(loc.starts_with("/ho-so/H72.50.01-") && loc.ends_with("-0001?moi=1"), "{loc}");
    let page = c.get(&loc).await;
    assert!(page.text.contains("Mới nộp, chờ tiếp nhận") && page.text.contains("Tổ 5, phường Tân Ninh"));
    let slip_link = page.text.contains("/receipt.pdf\"");
    assert!(slip_link);
    let slip =
        c.get(&format!("{}/receipt.pdf", loc.trim_end_matches("?moi=1").replace("/ho-so/", "/api/v1/dossiers/"))).await;
    assert_eq!((slip.status, slip.header("content-type")), (200, "application/pdf"), "the session opens the slip too");
    let inbox = c.get("/hop-thu").await;
    assert!(inbox.text.contains("Đã nộp hồ sơ") && inbox.text.contains("<strong>Mới</strong>"));
    assert!(!c.get("/hop-thu").await.text.contains("<strong>Mới</strong>"), "read once shown");
    let mine = c.get("/ho-so-cua-toi").await;
    assert!(!mine.text.contains("nop?nhap=") && mine.text.contains("-0001"), "no draft left");
    // nobody else's business
    let code = loc.trim_start_matches("/ho-so/").trim_end_matches("?moi=1").to_string();
    let other = app.client();
    let csrf = other.get("/dang-ky").await.csrf();
    let r = other
        .post_form(
            "/dang-ky",
            &[
                ("csrf", &csrf),
                ("full_name", "Người Khác"),
                ("citizen_id", "079190000999"),
                ("phone", "0909000111"),
                ("email", "khac@example.vn"),
                ("password", "mật khẩu khác"),
                ("password_confirm", "mật khẩu khác"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(other.get(&format!("/ho-so/{code}")).await.status, 403);
    let official = app.client();
    official.login("demo.receiver", DEMO_PASSWORD).await;
    assert_eq!(official.get(&format!("/ho-so/{code}")).await.status, 200, "the receiving agency reads it");
    assert_eq!(official.get("/thu-tuc/1.000894/nop").await.status, 403, "officials do not apply as citizens");
    // the citizen withdraws it: a reason is needed, then the form is gone
    let page = c.get(&format!("/ho-so/{code}")).await;
    assert!(page.text.contains("action=\"/ho-so/") && page.text.contains("/rut\""));
    let r = c.post_form(&format!("/ho-so/{code}/rut"), &[("csrf", &page.csrf()), ("reason", " ")]).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains("role=\"alert\"") && r.text.contains("Rút hồ sơ"));
    let r = c.post_form(&format!("/ho-so/{code}/rut"), &[("csrf", &page.csrf()), ("reason", "Nộp nhầm thủ tục")]).await;
    assert_eq!(r.status, 200, "asked again first: {}", r.text);
    let r = c
        .post_form(
            &format!("/ho-so/{code}/rut"),
            &[("csrf", &page.csrf()), ("reason", "Nộp nhầm thủ tục"), ("confirmed", "1")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = c.get(&format!("/ho-so/{code}")).await;
    assert!(page.text.contains("Công dân rút hồ sơ") && !page.text.contains("/rut\""));
    assert!(page.text.contains("Nộp nhầm thủ tục"), "the reason is in the history");
    // nobody else may withdraw it
    assert_eq!(official.post_form(&format!("/ho-so/{code}/rut"), &[("csrf", "x"), ("reason", "x")]).await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officials_handle_a_dossier_through_the_back_office() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let code = submit(&citizen).await.json()["code"].as_str().unwrap().to_string();
    let receiver = app.client();
    receiver.login("demo.receiver", DEMO_PASSWORD).await;
    let list = receiver.get("/quan-tri/ho-so").await;
    assert_eq!(list.status, 200);
    assert!(
        list.text.contains(&format!("href=\"/quan-tri/ho-so/{code}\"")),
        "the receiver's default list is to receive"
    );
    let page = receiver.get(&format!("/quan-tri/ho-so/{code}")).await;
    assert!(
        page.text.contains("value=\"accept\"") && !page.text.contains("value=\"approve\""),
        "only the actions allowed now"
    );
    let r =
        receiver.post_form(&format!("/quan-tri/ho-so/{code}"), &[("csrf", &page.csrf()), ("action", "accept")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let approver = app.client();
    approver.login("demo.approver", DEMO_PASSWORD).await;
    let page = approver.get(&format!("/quan-tri/ho-so/{code}")).await;
    assert!(page.text.contains("value=\"assign\"") && page.text.contains("demo.specialist"));
    // a refusal needs a reason: refused, explained, nothing changed
    let r = approver
        .post_form(&format!("/quan-tri/ho-so/{code}"), &[("csrf", &page.csrf()), ("action", "refuse"), ("reason", " ")])
        .await;
    assert_eq!(r.status, 409);
    assert!(r.text.contains("Cần ghi rõ lý do."));
    let r = approver
        .post_form(
            &format!("/quan-tri/ho-so/{code}"),
            &[("csrf", &page.csrf()), ("action", "assign"), ("to", "demo.specialist")],
        )
        .await;
    assert_eq!(r.status, 303);
    let specialist = app.client();
    specialist.login("demo.specialist", DEMO_PASSWORD).await;
    let mine = specialist.get("/quan-tri/ho-so?ds=mine").await;
    assert!(mine.text.contains(&code));
    let page = specialist.get(&format!("/quan-tri/ho-so/{code}")).await;
    let r = specialist
        .post_form(
            &format!("/quan-tri/ho-so/{code}"),
            &[("csrf", &page.csrf()), ("action", "request_supplement"), ("missing", "Ảnh 4x6\nBản sao sổ hộ khẩu")],
        )
        .await;
    assert_eq!(r.status, 303);
    let d = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    assert_eq!(d["status"], "supplement_requested");
    assert_eq!(d["history"].as_array().unwrap().last().unwrap()["note"], "Ảnh 4x6; Bản sao sổ hộ khẩu");
    // a citizen has no back office
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    assert_eq!(c.get("/quan-tri/ho-so").await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiving_officer_records_a_walk_in_dossier() {
    let app = spawn().await;
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let users = app.count("users").await;
    let body = |parts: serde_json::Value| {
        serde_json::json!({"procedure": "1.000894", "citizen_id": "079195000321", "full_name": "Trần  Thị Tại Quầy",
            "form": marriage(serde_json::json!({"applicant_name": "Trần Thị Tại Quầy", "applicant_id": "079195000321", "address": "Xã Châu Thành"})), "parts": parts})
        .to_string()
    };
    // a mandatory part not handed in: refused, nothing written
    let r = receiver.post_json("/api/v1/counter/dossiers", &body(serde_json::json!([0]))).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["pointer"], "parts[1]");
    assert_eq!(app.count("users").await, users);
    let r = receiver.post_json("/api/v1/counter/dossiers", &body(serde_json::json!([0, 1]))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();
    assert_eq!(r.json()["status"], "accepted");
    assert_eq!(app.count("users").await, users + 1, "the citizen was created");
    let s = app.client().get(&format!("/api/v1/dossiers/{code}/status")).await.json();
    assert_eq!(s["applicant"], "T*** T** T** Q***");
    assert!(s["due"].as_str().is_some(), "the deadline started");
    // the same citizen again: found, not created
    assert_eq!(receiver.post_json("/api/v1/counter/dossiers", &body(serde_json::json!([0, 1]))).await.status, 201);
    assert_eq!(app.count("users").await, users + 1);
    // the created account cannot sign in until a password is set
    let r = app.client().post_json("/api/v1/auth/token", r#"{"username":"079195000321","password":"!"}"#).await;
    assert_eq!(r.status, 401);
    // only receiving officers record counter dossiers; a refusal creates no
    // account either (the account and the dossier are one transaction)
    let specialist = app.client().with_bearer(&app.token("demo.specialist").await.1);
    assert_eq!(specialist.post_json("/api/v1/counter/dossiers", &body(serde_json::json!([0, 1]))).await.status, 403);
    let stranger = body(serde_json::json!([0, 1])).replace("079195000321", "079195000999");
    assert_eq!(specialist.post_json("/api/v1/counter/dossiers", &stranger).await.status, 403);
    assert_eq!(app.count("users").await, users + 1, "no account for a refused counter filing");
    let bad =
        serde_json::json!({"procedure": "1.000894", "citizen_id": "12", "full_name": "", "form": {}, "parts": [0, 1]})
            .to_string();
    let r = receiver.post_json("/api/v1/counter/dossiers", &bad).await;
    assert_eq!(r.status, 422);
    let j = r.json();
    let pointers: Vec<&str> = j["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert!(pointers.contains(&"citizen_id") && pointers.contains(&"full_name"), "{pointers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receipt_slip_reads_back_with_its_code_date_and_qr_code() {
    let app = spawn().await;
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let body = serde_json::json!({"procedure": "1.000894", "citizen_id": "079195000321", "full_name": "Trần Thị Tại Quầy",
        "form": marriage(serde_json::json!({"applicant_name": "Trần Thị Tại Quầy", "applicant_id": "079195000321", "address": "Xã Châu Thành"})), "parts": [0, 1]});
    let code = receiver.post_json("/api/v1/counter/dossiers", &body.to_string()).await.json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let due =
        app.client().get(&format!("/api/v1/dossiers/{code}/status")).await.json()["due"].as_str().unwrap().to_string();
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/api/v1/dossiers/{code}/receipt.pdf", app.base))
        .bearer_auth(receiver.bearer.as_ref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    let dir = std::env::temp_dir().join(format!("egov-slip-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("slip.pdf");
    std::fs::write(&file, &pdf).unwrap();
    // the text, read back by pdftotext
    let out = std::process::Command::new(tool("pdftotext")).arg(&file).arg("-").output().unwrap();
    // (a value may wrap within its field: read as one run of words)
    let text = String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), "{text}");
    assert!(text.contains(&code), "{text}");
    let (day, time) = due.split_once(' ').unwrap();
    let dmy: Vec<&str> = day.split('-').collect();
    let (h, m) = time.split_once(':').unwrap();
    assert!(
        text.contains(&format!("{h} giờ {m} phút, ngày {}/{}/{}", dmy[2], dmy[1], dmy[0])),
        "appointment {due} in: {text}"
    );
    assert!(text.contains("Trần Thị Tại Quầy") && text.contains("Tờ khai/đơn đề nghị đăng ký kết hôn"));
    // the QR code, rendered by pdftoppm and decoded by zbarimg
    let png = dir.join("slip");
    assert!(std::process::Command::new(tool("pdftoppm"))
        .args(["-r", "150", "-png"])
        .arg(&file)
        .arg(&png)
        .status()
        .unwrap()
        .success());
    let out =
        std::process::Command::new(tool("zbarimg")).args(["-q", "--raw"]).arg(dir.join("slip-1.png")).output().unwrap();
    let decoded = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(decoded, format!("{}/tra-cuu/{code}", app.base));
    // and it opens the lookup page
    assert_eq!(app.client().get(&format!("/tra-cuu/{code}")).await.status, 200);
    // not for anybody else
    let other = app.client().with_bearer(&app.token("demo.citizen").await.1);
    assert_eq!(other.get(&format!("/api/v1/dossiers/{code}/receipt.pdf")).await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_checked_by_content_and_size_and_leave_nothing_when_refused() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    // an executable renamed to .pdf
    let r = citizen
        .post_multipart(
            "/api/v1/dossiers",
            submission(&[(0, b"MZ\x90\x00 not a pdf", "to-khai.pdf"), (1, PDF, "cccd.pdf")]),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["pointer"], "parts[0]");
    assert!(r.json()["errors"][0]["detail"].as_str().unwrap().contains("PDF, JPEG"));
    // a missing mandatory part
    let r = citizen.post_multipart("/api/v1/dossiers", submission(&[(0, PDF, "to-khai.pdf")])).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["pointer"], "parts[1]");
    // an oversize file
    static BIG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let big: &'static [u8] = BIG.get_or_init(|| {
        let mut v = PDF.to_vec();
        v.resize(11 * 1024 * 1024, b' ');
        v
    });
    let r = citizen.post_multipart("/api/v1/dossiers", submission(&[(0, big, "big.pdf"), (1, PDF, "cccd.pdf")])).await;
    assert_eq!(r.status, 422);
    assert!(r.json()["errors"][0]["detail"].as_str().unwrap().contains("10 MB"));
    assert_eq!(app.count("dossiers").await, 0);
    assert_eq!(app.count("dossier_files").await, 0);
    assert_eq!(count_blobs(&app.blobs).await, 0, "no orphan file");
    // a good one: its files are stored with their sizes and hashes
    let r = submit(&citizen).await;
    assert_eq!(r.status, 201);
    assert_eq!(app.count("dossier_files").await, 2);
    assert_eq!(count_blobs(&app.blobs).await, 2);
}

/// Deadlines as time passes, on a clock set by hand: due within a working
/// day, overdue, the apology's new date, the pause for a supplement and the
/// restart after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worklists_follow_the_clock_through_apology_supplement_and_lateness() {
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(at("2026-03-02 08:00")); // a Monday
    let app = spawn_with(egov_web::Settings {
        app: egov_app::Config { clock: clock.clone(), ..Default::default() },
        ..Default::default()
    })
    .await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let specialist = app.client().with_bearer(&app.token("demo.specialist").await.1);
    let approver = app.client().with_bearer(&app.token("demo.approver").await.1);
    let list = |name: &'static str| {
        let receiver = &receiver;
        async move {
            let j = receiver.get(&format!("/api/v1/dossiers?list={name}")).await.json();
            j["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    let due_of = |code: String| {
        let citizen = &citizen;
        async move {
            citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["due"].as_str().unwrap_or("").to_string()
        }
    };
    let mut codes = Vec::new();
    for _ in 0..3 {
        let r = submit(&citizen).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let code = r.json()["code"].as_str().unwrap().to_string();
        assert!(code.contains("-260302-"), "the code carries the clock's day: {code}");
        assert_eq!(receiver.act(&code, serde_json::json!({"action": "accept"})).await.status, 200);
        codes.push(code);
    }
    let (a, b, c) = (codes[0].clone(), codes[1].clone(), codes[2].clone());
    // one working day of 8 hours from Monday 08:00: Tuesday 08:00
    assert_eq!(due_of(a.clone()).await, "2026-03-03 08:00");
    let mut soon = list("due_soon").await;
    soon.sort();
    assert_eq!(soon, codes, "all three are due within a working day");
    assert!(list("overdue").await.is_empty());

    // A: the approver apologises and sets Friday 17:00.
    let r = approver
        .act(&a, serde_json::json!({"action": "apologize", "new_due": "2026-03-06 17:00", "reason": "Chờ xác minh"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(due_of(a.clone()).await, "2026-03-06 17:00");
    // C: assigned, then paused for a supplement on Monday 10:00.
    clock.set(at("2026-03-02 10:00"));
    assert_eq!(approver.act(&c, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await.status, 200);
    let r = specialist.act(&c, serde_json::json!({"action": "request_supplement", "missing": ["Ảnh 4x6"]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!list("due_soon").await.contains(&a), "A is due on Friday");

    // Tuesday 09:00: B is an hour late; C waits for the citizen and is not late.
    clock.set(at("2026-03-03 09:00"));
    assert_eq!(list("overdue").await, vec![b.clone()]);
    assert_eq!(list("waiting").await, vec![c.clone()]);
    // an apology after the due date is refused
    let r = approver
        .act(&b, serde_json::json!({"action": "apologize", "new_due": "2026-03-10 17:00", "reason": "Trễ"}))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);

    // Wednesday 09:00: the citizen completes C; its deadline restarts from now.
    clock.set(at("2026-03-04 09:00"));
    assert_eq!(citizen.resubmit(&c, &[0]).await.status, 200);
    assert_eq!(due_of(c.clone()).await, "2026-03-05 09:00");
    assert_eq!(list("overdue").await, vec![b.clone()]);
    assert!(list("due_soon").await.contains(&c));

    // Friday: A comes due within the day, then is late at 17:01.
    clock.set(at("2026-03-06 09:00"));
    assert!(list("due_soon").await.contains(&a));
    clock.set(at("2026-03-06 17:01"));
    let mut late = list("overdue").await;
    late.sort();
    assert_eq!(late, vec![a.clone(), b.clone(), c.clone()]);
}

/// A draft through the API: saved, given back by id, continued and submitted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_is_saved_then_continued_and_submitted_through_the_api() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": form(), "draft": true});
    let r = citizen.post_json("/api/v1/dossiers", &body.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.json()["code"].is_null());
    let id = r.json()["draft_id"].as_i64().expect("a draft id");
    // someone else's draft id is not yours to continue
    let other = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let cont = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": form(), "draft_id": id});
    assert_eq!(other.post_json("/api/v1/dossiers", &cont.to_string()).await.status, 403);
    // continued with its files: submitted, numbered, the same row
    let f = reqwest::multipart::Form::new()
        .text("dossier", cont.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"));
    let r = citizen.post_multipart("/api/v1/dossiers", f).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();
    assert!(r.json()["draft_id"].is_null());
    assert_eq!(app.count("dossiers").await, 1);
    let view = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    let actions: Vec<&str> =
        view["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["draft", "submit"]);
    assert_eq!(view["files"].as_array().unwrap().len(), 2);
}

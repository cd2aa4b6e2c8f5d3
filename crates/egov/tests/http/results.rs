//! Issue 22: results registered as they are returned, checked publicly by
//! the code printed on their slip (its QR read back by zbarimg), kept in the
//! citizen's store with the parts an official checked against their
//! originals, and taken from there into a later dossier; Decision 766's
//! digitisation and reuse figures from those records, against a hand count.

use crate::common::*;
use crate::payments::qr_of;

/// Takes a dossier from acceptance to approval.
async fn to_approval(code: &str, receiver: &Client, approver: &Client, specialist: &Client) {
    receiver.act_ok(code, serde_json::json!({"action": "accept"})).await;
    approver.act_ok(code, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    specialist.act_ok(code, serde_json::json!({"action": "forward"})).await;
    approver.act_ok(code, serde_json::json!({"action": "approve"})).await;
}

/// Returns a dossier's result through the API with an electronic copy.
async fn return_result(receiver: &Client, code: &str, action: serde_json::Value) -> Resp {
    let form = reqwest::multipart::Form::new()
        .text("action", action.to_string())
        .part("result", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("ket-qua.pdf"));
    receiver.post_multipart(&format!("/api/v1/dossiers/{code}/actions"), form).await
}

/// The parts' file ids of a dossier, by part index.
async fn part_ids(reader: &Client, code: &str) -> Vec<(i64, i64)> {
    let d = reader.get(&format!("/api/v1/dossiers/{code}")).await.json();
    d["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["purpose"] == "part")
        .map(|f| (f["part_index"].as_i64().unwrap(), f["id"].as_i64().unwrap()))
        .collect()
}

/// A marriage registration filed through the API taking parts from the
/// store (`reuse`: (part, document)), uploading the others of `upload`.
fn with_reuse(reuse: &[(u32, i64)], upload: &[u32]) -> reqwest::multipart::Form {
    let reuse: Vec<serde_json::Value> =
        reuse.iter().map(|(p, d)| serde_json::json!({"part": p, "document": d})).collect();
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "reuse": reuse,
        "form": marriage(serde_json::json!({"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Phường Tân Ninh"}))});
    let mut f = reqwest::multipart::Form::new().text("dossier", body.to_string());
    for p in upload {
        f = f.part(format!("part_{p}"), reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("giay-to.pdf"));
    }
    f
}

/// Decision 766's rate of `indicator` today at H72.50.01, and the dossiers it counts.
async fn rate_today(app: &TestApp, indicator: &str) -> (Option<f64>, u64) {
    let today = vn_today();
    let q = app.client().get(&format!("/api/v1/quality/index?from={today}&to={today}&agency=H72.50.01")).await.json();
    let ix = &q["index"];
    let s = ix["scores"].as_array().unwrap().iter().find(|s| s["indicator"] == indicator).unwrap();
    (s["rate"].as_f64(), ix["dossiers"].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_is_registered_checked_by_its_code_and_reused_and_766_counts_it() {
    let app = spawn().await;
    let citizen = app.as_user("demo.citizen").await;
    let (receiver, specialist, approver) =
        (app.as_user("demo.receiver").await, app.as_user("demo.specialist").await, app.as_user("demo.approver").await);
    let office = app.client();
    office.login("demo.receiver", DEMO_PASSWORD).await;

    // A: both parts checked against their originals, one on the office's page, one through the API
    let a = submit_online(&citizen).await;
    let parts = part_ids(&receiver, &a).await;
    assert_eq!(parts.len(), 2);
    let page = office.get(&format!("/quan-tri/ho-so/{a}")).await;
    let mark = format!("/quan-tri/ho-so/{a}/tep/{}/so-hoa", parts[0].1);
    assert!(page.text.contains(&format!("action=\"{mark}\"")), "{}", page.text);
    let r = office.post_form(&mark, &[("csrf", &page.csrf())]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = office.get(&format!("/quan-tri/ho-so/{a}")).await;
    assert!(page.text.contains("Đã đối chiếu bản gốc, số hóa bởi"), "who checked it, said: {}", page.text);
    assert!(!page.text.contains(&format!("action=\"{mark}\"")), "no second mark offered");
    // the citizen does not mark their own papers; nobody marks one twice; no other dossier's file
    let api_mark = |code: &str, id: i64| format!("/api/v1/dossiers/{code}/files/{id}/digitised");
    assert_eq!(citizen.post_json(&api_mark(&a, parts[1].1), "").await.status, 403);
    assert_eq!(receiver.post_json(&api_mark(&a, parts[1].1), "").await.status, 204);
    let twice = receiver.post_json(&api_mark(&a, parts[1].1), "").await;
    assert_eq!(twice.status, 409, "{}", twice.text);
    assert_eq!(receiver.post_json(&api_mark(&a, 999_999), "").await.status, 404);
    let audit = app.count("audit_log").await;
    assert!(audit > 0);

    // A returned: its particulars checked at their fields, what was typed kept
    to_approval(&a, &receiver, &approver, &specialist).await;
    let page = office.get(&format!("/quan-tri/ho-so/{a}")).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", page.csrf())
        .text("action", "return_result")
        .text("result_type", "Giấy chứng nhận kết hôn")
        .text("result_number", "12/2026/GCNKH")
        .text("valid_until", "2020-01-01")
        .part("result", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("ket-qua.pdf"));
    let r = office.post_multipart(&format!("/quan-tri/ho-so/{a}"), form).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Ngày hết hiệu lực không được trước ngày cấp."), "{}", r.text);
    assert!(r.text.contains("value=\"12/2026/GCNKH\"") && r.text.contains("value=\"2020-01-01\""), "kept: {}", r.text);
    assert!(r.text.contains("aria-invalid=\"true\""), "{}", r.text);
    // the result file, good in itself, held: not chosen again
    assert!(r.text.contains("Đã nhận tệp <strong>ket-qua.pdf</strong>"), "{}", r.text);
    let held =
        r.text.split("name=\"held_result\" value=\"").nth(1).and_then(|t| t.split('"').next()).unwrap().to_string();
    let d = receiver.get(&format!("/api/v1/dossiers/{a}")).await.json();
    assert_eq!(d["status"], "approved", "nothing happened");
    let form = reqwest::multipart::Form::new()
        .text("csrf", page.csrf())
        .text("action", "return_result")
        .text("result_type", "Giấy chứng nhận kết hôn")
        .text("result_number", "12/2026/GCNKH")
        .text("held_result", held);
    let r = office.post_multipart(&format!("/quan-tri/ho-so/{a}"), form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(app.count("held_files").await, 0, "the hold let go once used");

    // the registry: found by number, by dossier and by the holder's name without accents
    for q in ["12/2026/GCNKH", a.as_str(), "nguyen van dan"] {
        let l = receiver.get(&format!("/api/v1/results?q={}", urlencode(q))).await;
        assert_eq!(l.status, 200, "{}", l.text);
        assert_eq!(l.json()["total"], 1, "{q}: {}", l.text);
    }
    let list = receiver.get("/api/v1/results").await.json();
    let res = list["items"][0].clone();
    assert_eq!(
        (res["number"].as_str(), res["doc_type"].as_str(), res["dossier_code"].as_str(), res["standing"].as_str()),
        (Some("12/2026/GCNKH"), Some("Giấy chứng nhận kết hôn"), Some(a.as_str()), Some("valid"))
    );
    assert_eq!(res["issued_on"], vn_today());
    assert!(res["file"].as_str().is_some(), "the electronic copy: {res}");
    let code = res["check_code"].as_str().unwrap().to_string();
    let id = res["id"].as_i64().unwrap();
    assert_eq!(citizen.get("/api/v1/results").await.status, 403, "a citizen searches no registry");
    let page = office.get("/quan-tri/ket-qua?q=12%2F2026").await;
    assert!(page.text.contains("<th scope=\"row\">12/2026/GCNKH</th>"), "{}", page.text);

    // the slip's QR opens the public check with the number and the code; the page shows only what the paper does
    let slip = citizen.get_bytes(&format!("/api/v1/results/{id}/slip.pdf")).await;
    let text = pdf_text(&slip);
    assert!(
        text.contains("PHIẾU KIỂM TRA KẾT QUẢ") && text.contains(&code) && text.contains("12/2026/GCNKH"),
        "{text}"
    );
    let url = qr_of(&slip);
    assert_eq!(url, format!("{}/kiem-tra-ket-qua?so=12%2F2026%2FGCNKH&ma={}", app.base, code.replace('-', "")));
    let public = app.client();
    let page = public.get_url(&url).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Giấy tờ hợp lệ, còn hiệu lực") && page.text.contains("N. V. Dân"), "{}", page.text);
    assert!(!page.text.contains("Nguyễn Văn Dân") && !page.text.contains(&a), "nothing the paper does not show");
    // typed from paper: lower case, spaces; a code one character off says no more than an unknown number
    let typed = code.to_lowercase().replace('-', " ");
    let r = public.get(&format!("/api/v1/results/check?number=12%2F2026%2FGCNKH&code={}", urlencode(&typed))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.json()["holder"].as_str(), r.json()["standing"].as_str()), (Some("N. V. Dân"), Some("valid")));
    let last = code.chars().last().unwrap();
    let wrong = format!("{}{}", &code[..code.len() - 1], if last == '0' { '1' } else { '0' });
    let r = public.get(&format!("/api/v1/results/check?number=12%2F2026%2FGCNKH&code={wrong}")).await;
    assert_eq!(r.status, 404, "{}", r.text);
    let page = public.get(&format!("/kiem-tra-ket-qua?so=12%2F2026%2FGCNKH&ma={wrong}")).await;
    assert!(page.text.contains("Không có giấy tờ nào có số và mã kiểm tra này"), "{}", page.text);
    assert_eq!(public.get("/api/v1/results/check?number=x").await.status, 400, "the code is required");

    // the citizen's store: the result and the two checked parts
    let store = citizen.get("/api/v1/me/documents").await.json();
    let kinds: Vec<&str> = store.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["result", "part", "part"], "{store}");
    let result_doc = store[0]["id"].as_i64().unwrap();
    let (form_doc, id_doc) = (parts[0].1, parts[1].1);
    let page = citizen.get("/kho-du-lieu").await;
    assert!(page.text.contains("Giấy chứng nhận kết hôn — số 12/2026/GCNKH"), "{}", page.text);
    // the application form offers them for each part
    let apply = citizen.get("/thu-tuc/1.000894/nop").await;
    assert!(
        apply.text.contains("name=\"reuse_1\"") && apply.text.contains(&format!("<option value=\"{id_doc}\">")),
        "{}",
        apply.text
    );

    // B takes the identity card from the store and uploads the declaration
    let r = citizen.post_multipart("/api/v1/dossiers", with_reuse(&[(1, id_doc)], &[0])).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let b = r.json()["code"].as_str().unwrap().to_string();
    let files = citizen.get(&format!("/api/v1/dossiers/{b}")).await.json()["files"].clone();
    let taken = files.as_array().unwrap().iter().find(|f| f["part_index"] == 1).unwrap().clone();
    let original = citizen.get_bytes(&format!("/api/v1/dossiers/{a}/files/{id_doc}")).await;
    let copy = citizen.get_bytes(&format!("/api/v1/dossiers/{b}/files/{}", taken["id"])).await;
    assert_eq!(copy, original, "the same bytes, not uploaded again");
    let page = office.get(&format!("/quan-tri/ho-so/{b}")).await;
    assert!(page.text.contains("Lấy từ kho dữ liệu của công dân"), "{}", page.text);
    // what is not in one's own store is refused at its part, nothing filed
    let before = app.count("dossiers").await;
    let r = citizen.post_multipart("/api/v1/dossiers", with_reuse(&[(1, 999_999)], &[0])).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("parts[1]"), "{}", r.text);
    assert_eq!(app.count("dossiers").await, before);

    // C takes every part from the store — A's result (the marriage certificate) among them, as its
    // third part — and its own result (registered under the dossier's code) comes back electronically
    let reuse = [(0, form_doc), (1, id_doc), (2, result_doc)];
    let r = citizen.post_multipart("/api/v1/dossiers", with_reuse(&reuse, &[])).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let c = r.json()["code"].as_str().unwrap().to_string();
    let files = citizen.get(&format!("/api/v1/dossiers/{c}")).await.json()["files"].clone();
    let third = files.as_array().unwrap().iter().find(|f| f["part_index"] == 2).expect("the result as a part").clone();
    let result_bytes = citizen.get_bytes(res["file"].as_str().unwrap()).await;
    assert_eq!(citizen.get_bytes(&format!("/api/v1/dossiers/{c}/files/{}", third["id"])).await, result_bytes);
    let page = office.get(&format!("/quan-tri/ho-so/{c}")).await;
    assert_eq!(page.text.matches("Lấy từ kho dữ liệu của công dân").count(), 3, "{}", page.text);
    to_approval(&c, &receiver, &approver, &specialist).await;
    assert_eq!(return_result(&receiver, &c, serde_json::json!({"action": "return_result"})).await.status, 200);
    let l = receiver.get(&format!("/api/v1/results?q={c}")).await.json();
    assert_eq!(l["items"][0]["number"], c, "the dossier's code by default: {l}");
    // a number the agency has issued already is refused, nothing returned
    let d2 = submit_online(&citizen).await;
    to_approval(&d2, &receiver, &approver, &specialist).await;
    let r =
        return_result(&receiver, &d2, serde_json::json!({"action": "return_result", "result_number": "12/2026/GCNKH"}))
            .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(receiver.get(&format!("/api/v1/dossiers/{d2}")).await.json()["status"], "approved");
    let page = office.get(&format!("/quan-tri/ho-so/{d2}")).await;
    let form = [
        ("csrf", page.csrf()),
        ("action", "return_result".into()),
        ("paper", "on".into()),
        ("result_number", "12/2026/GCNKH".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = office.post_form(&format!("/quan-tri/ho-so/{d2}"), &form).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(
        r.text.contains("Cơ quan đã cấp một giấy tờ khác có số này.") && r.text.contains("value=\"12/2026/GCNKH\""),
        "{}",
        r.text
    );
    // the store lists each original once: never a part taken from it
    let store = citizen.get("/api/v1/me/documents").await.json();
    assert_eq!(store.as_array().unwrap().len(), 4, "A's result and parts, C's result: {store}");
    assert!(store.as_array().unwrap().iter().any(|d| d["id"] == result_doc));

    // Decision 766 today at H72.50.01, by hand: A (both parts checked, an electronic result),
    // B (one part from the store, one not checked; no result), C (all three from the store, an
    // electronic result), D2 (nothing checked, no result).
    // digitisation: A and C of 4; reuse: B and C of 4
    assert_eq!(rate_today(&app, "digitisation").await, (Some(0.5), 4));
    assert_eq!(rate_today(&app, "digitised_reuse").await, (Some(0.5), 4));
    // the kept sums equal a count from each dossier's history
    use egov_store::{QualityScope, Source};
    let today = chrono::NaiveDate::parse_from_str(&vn_today(), "%Y-%m-%d").unwrap();
    let now = egov_kernel::vn::from_utc(chrono::Utc::now());
    let kept = app.store.quality_view(&QualityScope::new(today, today), now, Source::Kept).await.unwrap();
    let scratch = app.store.quality_view(&QualityScope::new(today, today), now, Source::Scratch).await.unwrap();
    assert_eq!(kept.tallies, scratch.tallies);
    let t = kept.tallies.values().fold((0, 0, 0), |(n, d, r), t| (n + t.counted, d + t.digitised, r + t.reused));
    assert_eq!(t, (4, 2, 2));
    assert!(app.count("audit_log").await > audit);
}

/// Marks the first part of `code` checked, takes it to a result returned with
/// an electronic copy, and gives the path of its public check (number and code).
pub async fn returned(code: &str, receiver: &Client, approver: &Client, specialist: &Client) -> String {
    let parts = part_ids(receiver, code).await;
    let r = receiver.post_json(&format!("/api/v1/dossiers/{code}/files/{}/digitised", parts[0].1), "").await;
    assert_eq!(r.status, 204, "{}", r.text);
    to_approval(code, receiver, approver, specialist).await;
    let r = return_result(receiver, code, serde_json::json!({"action": "return_result", "valid_until": "2030-12-31"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let l = receiver.get(&format!("/api/v1/results?q={code}")).await.json();
    let code_printed = l["items"][0]["check_code"].as_str().expect("a check code").to_string();
    format!("/kiem-tra-ket-qua?so={}&ma={code_printed}", urlencode(code))
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

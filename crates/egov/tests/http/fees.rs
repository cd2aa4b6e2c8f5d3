//! Issue 22: what dossiers owe. A procedure's fee becomes a payment request
//! when the dossier is submitted; the dossier's page shows the VietQR code
//! of the transfer that pays it (and its slip prints it, read back by
//! zbarimg); the result is not handed over while it is unpaid; the desk
//! records it paid, a receipt is printed with the amount in words; a refund
//! needs a reason; each change is audited.

use egov_payments::vietqr::Transfer;

use crate::common::*;
use crate::payments::qr_of;

/// The demo's "registration of parentage" (1.001022): 5,000 đồng before the result.
pub fn parentage() -> reqwest::multipart::Form {
    let body = serde_json::json!({"procedure": "1.001022", "agency": "H72.50.01",
        "form": {"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Phường Tân Ninh",
            "recognition": "child", "parent_name": "Nguyễn Văn Dân", "parent_birth_date": "1990-05-01",
            "parent_id": "072090001234", "child_name": "Nguyễn Văn Con", "child_birth_date": "2020-03-02", "voluntary": "on"}});
    reqwest::multipart::Form::new()
        .text("dossier", body.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"))
}

/// Decision 766's share of dossiers paid online today at H72.50.01, and how many dossiers it counts.
pub async fn paid_online_today(app: &TestApp) -> (f64, u64) {
    let today = vn_today();
    let q = app.client().get(&format!("/api/v1/quality/index?from={today}&to={today}&agency=H72.50.01")).await.json();
    let ix = &q["index"];
    let s = ix["scores"].as_array().unwrap().iter().find(|s| s["indicator"] == "paid_online_dossiers").unwrap();
    (s["rate"].as_f64().unwrap(), ix["dossiers"].as_u64().unwrap())
}

async fn record_account(app: &TestApp) {
    let admin = app.as_user("demo.agency-admin").await;
    let r = admin
        .post_json(
            "/api/v1/payments/accounts",
            r#"{"agency": "H72.50.01", "bin": "970415", "account": "113000123456", "holder": "UBND XA TAN PHONG", "from": "2020-01-01"}"#,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_is_owed_shown_as_a_vietqr_code_holds_the_result_and_is_receipted_once_paid() {
    let app = spawn().await;
    record_account(&app).await;
    let citizen = app.as_user("demo.citizen").await;
    let (receiver, specialist, approver) =
        (app.as_user("demo.receiver").await, app.as_user("demo.specialist").await, app.as_user("demo.approver").await);
    let r = citizen.post_multipart("/api/v1/dossiers", parentage()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();

    // one request, written with the submission: pending, before the result
    let fees = citizen.get(&format!("/api/v1/dossiers/{code}/payments")).await;
    assert_eq!(fees.status, 200, "{}", fees.text);
    let fees = fees.json();
    assert_eq!(fees.as_array().map(Vec::len), Some(1), "{fees}");
    let fee = &fees[0];
    assert_eq!(
        (fee["amount"].as_u64(), fee["due"].as_str(), fee["state"].as_str()),
        (Some(5000), Some("before_result"), Some("pending"))
    );
    let id = fee["id"].as_i64().unwrap();
    // the transfer that pays it: the agency's account, the amount, the dossier's code as the purpose
    let payload = fee["transfer_payload"].as_str().expect("a transfer while unpaid").to_string();
    let t = Transfer::parse(&payload).unwrap_or_else(|e| panic!("{e}: {payload}"));
    assert_eq!((t.bin(), t.account(), t.amount(), t.purpose()), ("970415", "113000123456", Some(5000), code.as_str()));
    // the same code on the printed slip, as a QR reader reads it
    let slip = citizen.get_bytes(&format!("/ho-so/{code}/le-phi/{id}/phieu.pdf")).await;
    assert_eq!(qr_of(&slip), payload);
    let text = pdf_text(&slip);
    assert!(text.contains("PHIẾU NỘP PHÍ") && text.contains("Năm nghìn đồng") && text.contains(&code), "{text}");
    // and on the citizen's page, as an image with words for screen readers
    let page = citizen.get(&format!("/ho-so/{code}")).await;
    assert!(
        page.text.contains("role=\"img\" aria-label=\"Mã QR chuyển khoản đến VietinBank 113000123456, 5.000 đồng\""),
        "{}",
        page.text
    );
    assert!(page.text.contains("Chưa nộp") && page.text.contains(&format!("<code>{code}</code>")), "{}", page.text);
    // a stranger reads nothing of it
    assert_eq!(app.client().get(&format!("/api/v1/dossiers/{code}/payments")).await.status, 401);

    // the worklist marks it unpaid
    let office = app.client();
    office.login("demo.receiver", DEMO_PASSWORD).await;
    let list = office.get("/quan-tri/ho-so?ds=to_receive").await.text;
    let row = list.split(&format!(">{code}</a>")).nth(1).unwrap().split("</tr>").next().unwrap().to_string();
    assert!(row.contains("Chưa nộp phí, lệ phí"), "{row}");

    // processed to approval; the result is not handed over while the fee is unpaid
    receiver.act_ok(&code, serde_json::json!({"action": "accept"})).await;
    approver.act_ok(&code, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    specialist.act_ok(&code, serde_json::json!({"action": "forward"})).await;
    approver.act_ok(&code, serde_json::json!({"action": "approve"})).await;
    let r = receiver.act(&code, serde_json::json!({"action": "return_result", "paper": true})).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(
        r.text.contains("chỉ trả kết quả sau khi đã nộp đủ") || r.text.contains("once every fee is paid"),
        "{}",
        r.text
    );
    // on the office's page the refusal is said in words
    let page = office.get(&format!("/quan-tri/ho-so/{code}")).await;
    let r = office
        .post_form(
            &format!("/quan-tri/ho-so/{code}"),
            &[("csrf", &page.csrf()), ("action", "return_result"), ("paper", "on")],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.text.contains("Hồ sơ còn phí, lệ phí chưa nộp"), "{}", r.text);

    // only the desk records it paid; a reference too long is said at its field, what was typed kept
    assert_eq!(specialist.post_json(&format!("/api/v1/payments/requests/{id}/collect"), "{}").await.status, 403);
    let page = office.get(&format!("/quan-tri/ho-so/{code}")).await;
    let long = "x".repeat(65);
    let r = office
        .post_form(
            &format!("/quan-tri/ho-so/{code}/le-phi/{id}"),
            &[("csrf", &page.csrf()), ("action", "collect"), ("reference", &long)],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("tối đa 64 ký tự") && r.text.contains(&format!("value=\"{long}\"")), "{}", r.text);
    let r = office
        .post_form(
            &format!("/quan-tri/ho-so/{code}/le-phi/{id}"),
            &[("csrf", &page.csrf()), ("action", "collect"), ("reference", "BL-0042")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    // a second time: it is paid already
    let r = receiver.post_json(&format!("/api/v1/payments/requests/{id}/collect"), "{}").await;
    assert_eq!(r.status, 409, "{}", r.text);
    let fee = &citizen.get(&format!("/api/v1/dossiers/{code}/payments")).await.json()[0];
    assert_eq!(
        (fee["state"].as_str(), fee["method"].as_str(), fee["reference"].as_str()),
        (Some("paid"), Some("counter"), Some("BL-0042"))
    );
    assert!(fee["transfer_payload"].is_null(), "no transfer once paid: {fee}");
    receiver.act_ok(&code, serde_json::json!({"action": "return_result", "paper": true})).await;

    // the receipt: agency, payer, dossier, amount in figures and words, method, reference, time
    let receipt = pdf_text(&citizen.get_bytes(&format!("/ho-so/{code}/le-phi/{id}/bien-lai.pdf")).await);
    for want in [
        "BIÊN LAI THU PHÍ",
        "Nguyễn Văn Dân",
        code.as_str(),
        "5.000 đồng",
        "Năm nghìn đồng",
        "Nộp trực tiếp tại bộ phận một cửa",
        "BL-0042",
    ] {
        assert!(receipt.contains(want), "{want}: {receipt}");
    }

    // a refund: an approver's, with a reason (every problem said, nothing changed)
    assert_eq!(
        receiver.post_json(&format!("/api/v1/payments/requests/{id}/refund"), r#"{"reason": "x"}"#).await.status,
        403
    );
    let r = approver.post_json(&format!("/api/v1/payments/requests/{id}/refund"), r#"{"reason": "  "}"#).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = approver.post_json(&format!("/api/v1/payments/requests/{id}/refund"), r#"{"reason": "Thu nhầm"}"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.json()["state"].as_str(), r.json()["refund_reason"].as_str()), (Some("refunded"), Some("Thu nhầm")));
    let receipt = pdf_text(&citizen.get_bytes(&format!("/ho-so/{code}/le-phi/{id}/bien-lai.pdf")).await);
    assert!(receipt.contains("Thu nhầm"), "{receipt}");

    // every change audited, by whom
    let audit = app.store.recent_audit(200).await.unwrap();
    let of = |action: &str| {
        audit.iter().filter(|e| e.event.action == action && e.event.subject == format!("payment:{id}")).count()
    };
    assert_eq!((of("payment.paid"), of("payment.refunded")), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_due_with_the_application_is_taken_at_the_desk_when_the_dossier_is_received_there() {
    let app = spawn().await;
    let receiver = app.as_user("demo.receiver").await;
    // household business registration (1.001612): 100,000 đồng with the application
    let body = serde_json::json!({"procedure": "1.001612", "citizen_id": "079195000321", "full_name": "Trần Thị Tại Quầy",
        "form": {"applicant_name": "Trần Thị Tại Quầy", "applicant_id": "079195000321", "address": "Xã Châu Thành",
            "business_name": "Tạp hoá Tại Quầy", "business_address": "Xã Châu Thành", "trade": "Bán lẻ", "capital": "50000000"},
        "parts": [0, 1]});
    let r = receiver.post_json("/api/v1/counter/dossiers", &body.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();
    let fee = &receiver.get(&format!("/api/v1/dossiers/{code}/payments")).await.json()[0];
    assert_eq!(
        (fee["amount"].as_u64(), fee["due"].as_str(), fee["state"].as_str(), fee["method"].as_str()),
        (Some(100_000), Some("at_submission"), Some("paid"), Some("counter"))
    );
    let id = fee["id"].as_i64().unwrap();
    let receipt = pdf_text(&receiver.get_bytes(&format!("/ho-so/{code}/le-phi/{id}/bien-lai.pdf")).await);
    assert!(receipt.contains("Một trăm nghìn đồng") && receipt.contains("Trần Thị Tại Quầy"), "{receipt}");
    // the procedure's page says when each fee is paid
    let page = app.client().get("/thu-tuc/1.001612").await;
    assert!(page.text.contains("100.000 đ</strong> (Nộp khi nộp hồ sơ)"), "{}", page.text);
}

/// Submits the parentage registration online: its code and its fee's id.
async fn owing(app: &TestApp, citizen: &Client) -> (String, i64) {
    let r = citizen.post_multipart("/api/v1/dossiers", parentage()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();
    let fees = app.as_user("demo.receiver").await.get(&format!("/api/v1/dossiers/{code}/payments")).await.json();
    (code, fees[0]["id"].as_i64().unwrap())
}

async fn fee_state(client: &Client, code: &str) -> (String, Option<String>) {
    let f = &client.get(&format!("/api/v1/dossiers/{code}/payments")).await.json()[0];
    (f["state"].as_str().unwrap().to_string(), f["reference"].as_str().map(String::from))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_statement_pays_what_matches_lists_the_rest_and_is_taken_whole_or_not_at_all() {
    let mut settings = egov_web::Settings { local_citizen_accounts: true, ..Default::default() };
    settings.app.bank_notice_secret = Some("chia-se-voi-ngan-hang".into());
    let app = spawn_with(settings).await;
    record_account(&app).await;
    let citizen = app.as_user("demo.citizen").await;
    let receiver = app.as_user("demo.receiver").await;
    let (a, _) = owing(&app, &citizen).await; // paid exactly
    let (b, b_fee) = owing(&app, &citizen).await; // paid short, then resolved by hand
    let (c, _) = owing(&app, &citizen).await; // paid over
    let (d, _) = owing(&app, &citizen).await; // paid by the bank's notification

    // a statement with bad lines: every one named, nothing recorded
    let bad = format!(
        "reference,time,amount,description\n\
         FT01,2026-03-02 09:00:00,5000,CT DEN {a} nop phi\n\
         FT02,02/03/2026,5000,{b}\n\
         FT03,2026-03-02 09:10:00,năm nghìn,{c}\n"
    );
    let r = receiver.post_with_body("/api/v1/payments/bank/statements", &bad, "text/csv").await;
    assert_eq!(r.status, 422, "{}", r.text);
    let pointers: Vec<String> =
        r.json()["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap().to_string()).collect();
    assert_eq!(pointers, ["statement.line.3", "statement.line.4"]);
    assert_eq!(fee_state(&citizen, &a).await.0, "pending", "nothing taken from a refused statement");

    // the page says the same, line by line, and keeps the statement in its form
    let office = app.client();
    office.login("demo.receiver", DEMO_PASSWORD).await;
    let page = office.get("/quan-tri/thanh-toan/doi-soat").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let form = reqwest::multipart::Form::new()
        .text("csrf", page.csrf())
        .part("file", reqwest::multipart::Part::bytes(bad.clone().into_bytes()).file_name("sao-ke.csv"));
    let r = office.post_multipart("/quan-tri/thanh-toan/doi-soat", form).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.text.contains("Dòng 3: Thời gian không đúng dạng") && r.text.contains("Dòng 4: Số tiền không phải"),
        "{}",
        r.text
    );
    assert!(r.text.contains(&format!("FT03,2026-03-02 09:10:00,năm nghìn,{c}")), "the statement kept: {}", r.text);

    // the statement corrected: matched, short, over, unmatched; FT01 given twice by the bank is one transfer
    let good = format!(
        "reference,time,amount,description\n\
         FT01,2026-03-02 09:00:00,5000,CT DEN {a} nop phi\n\
         FT02,2026-03-02 09:05:00,3000,{b}\n\
         FT03,2026-03-02 09:10:00,7000,({c})\n\
         FT04,2026-03-02 09:15:00,5000,ung ho quy\n"
    );
    let r = receiver.post_with_body("/api/v1/payments/bank/statements", &good, "text/csv").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let outcomes: Vec<(String, u64)> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["outcome"].as_str().unwrap().to_string(), b["difference"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [("matched".into(), 0), ("partial".into(), 2000), ("over".into(), 2000), ("unmatched".into(), 0)]
    );
    assert_eq!(fee_state(&citizen, &a).await, ("paid".into(), Some("FT01".into())));
    assert_eq!(fee_state(&citizen, &b).await.0, "pending");
    // the same statement again: every reference recorded before, nothing paid twice
    let again = receiver.post_with_body("/api/v1/payments/bank/statements", &good, "text/csv").await.json();
    assert!(again.as_array().unwrap().iter().all(|b| b["new"] == false && b["outcome"] == "duplicate"), "{again}");
    // a second transfer for a dossier already paid is a duplicate payment, listed
    let second = format!("reference,time,amount,description\nFT05,2026-03-02 10:00:00,5000,{a}\n");
    let r = receiver.post_with_body("/api/v1/payments/bank/statements", &second, "text/csv").await.json();
    assert_eq!(r[0]["outcome"], "duplicate");

    // the bank's notification: taken only with its signature, once
    let body = format!(
        r#"{{"reference":"FT06","time":"2026-03-02 11:00:00","amount":5000,"description":"{d}","account":"113000123456"}}"#
    );
    let anon = app.client();
    let sig = egov_payments::reconcile::notice_signature(b"chia-se-voi-ngan-hang", body.as_bytes());
    let forged = egov_payments::reconcile::notice_signature(b"doan-mo", body.as_bytes());
    let r = anon.post_json_with("/api/v1/payments/bank/notices", &body, &[("x-signature", &forged)]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let tampered = body.replace("5000", "50000");
    let r = anon.post_json_with("/api/v1/payments/bank/notices", &tampered, &[("x-signature", &sig)]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(fee_state(&citizen, &d).await.0, "pending");
    let r = anon.post_json_with("/api/v1/payments/bank/notices", &body, &[("x-signature", &sig)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.json()["outcome"].as_str(), r.json()["new"].as_bool()), (Some("matched"), Some(true)));
    let r = anon.post_json_with("/api/v1/payments/bank/notices", &body, &[("x-signature", &sig)]).await;
    assert_eq!((r.json()["outcome"].as_str(), r.json()["new"].as_bool()), (Some("duplicate"), Some(false)));
    assert_eq!(fee_state(&citizen, &d).await, ("paid".into(), Some("FT06".into())));

    // listed for the desk: short, over, unmatched, the duplicate payment
    let listed = receiver.get("/api/v1/payments/bank/transfers").await.json();
    let mut refs: Vec<&str> = listed.as_array().unwrap().iter().map(|t| t["reference"].as_str().unwrap()).collect();
    refs.sort();
    assert_eq!(refs, ["FT02", "FT03", "FT04", "FT05"]);
    let short = listed.as_array().unwrap().iter().find(|t| t["reference"] == "FT02").unwrap()["id"].as_i64().unwrap();
    // resolved on the page: a note is needed; then the citizen's top-up is taken with it and the fee paid
    let page = office.get("/quan-tri/thanh-toan/doi-soat").await;
    assert!(page.text.contains("Chuyển thiếu (2.000 đồng)"), "{}", page.text);
    let r = office
        .post_form(
            &format!("/quan-tri/thanh-toan/doi-soat/{short}"),
            &[("csrf", &page.csrf()), ("note", " "), ("payment", &b_fee.to_string())],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Hãy ghi cách xử lý"), "{}", r.text);
    assert_eq!(fee_state(&citizen, &b).await.0, "pending");
    let note = "Công dân nộp bổ sung 2.000 đồng tại quầy";
    let r = office
        .post_form(
            &format!("/quan-tri/thanh-toan/doi-soat/{short}"),
            &[("csrf", &page.csrf()), ("note", note), ("payment", &b_fee.to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(fee_state(&citizen, &b).await, ("paid".into(), Some("FT02".into())));
    let listed = receiver.get("/api/v1/payments/bank/transfers").await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(3));
    // resolving twice is refused
    let r = receiver.post_json(&format!("/api/v1/payments/bank/transfers/{short}/resolve"), r#"{"note": "x"}"#).await;
    assert_eq!(r.status, 409, "{}", r.text);
    // only the desk sees them
    assert_eq!(app.as_user("demo.specialist").await.get("/api/v1/payments/bank/transfers").await.status, 403);

    // Decision 766's dossiers paid online, from these records: a, b and d of the four (c is short)
    let (rate, dossiers) = paid_online_today(&app).await;
    assert_eq!(dossiers, 4);
    assert!((rate - 0.75).abs() < 1e-9, "{rate}");
    // a refund takes it back out
    let a_fee = app.as_user("demo.receiver").await.get(&format!("/api/v1/dossiers/{a}/payments")).await.json()[0]["id"]
        .as_i64()
        .unwrap();
    let approver = app.as_user("demo.approver").await;
    let r =
        approver.post_json(&format!("/api/v1/payments/requests/{a_fee}/refund"), r#"{"reason": "Hồ sơ rút"}"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!((paid_online_today(&app).await.0 - 0.5).abs() < 1e-9);
}

/// A dossier that ends without a result owes nothing more: its unpaid fee
/// expires in the transaction that ends it, audited; a transfer arriving
/// afterwards is listed for the desk, not booked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_expires_when_its_dossier_ends_without_a_result() {
    let app = spawn().await;
    record_account(&app).await;
    let citizen = app.as_user("demo.citizen").await;
    let (code, _) = owing(&app, &citizen).await;
    let (paid_one, _) = owing(&app, &citizen).await;
    let receiver = app.as_user("demo.receiver").await;
    assert_eq!(fee_state(&receiver, &code).await.0, "pending");
    citizen.act_ok(&code, serde_json::json!({"action": "withdraw", "reason": "Nộp nhầm"})).await;
    assert_eq!(fee_state(&receiver, &code).await.0, "expired");
    let audit = app.store.recent_audit(500).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.event.action == "payment.expired").count(), 1);
    // the other dossier's fee, paid at the desk first, stays paid when it is refused later
    let id = receiver.get(&format!("/api/v1/dossiers/{paid_one}/payments")).await.json()[0]["id"].as_i64().unwrap();
    assert_eq!(receiver.post_json(&format!("/api/v1/payments/requests/{id}/collect"), "{}").await.status, 200);
    receiver.act_ok(&paid_one, serde_json::json!({"action": "accept"})).await;
    let approver = app.as_user("demo.approver").await;
    approver.act_ok(&paid_one, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    app.as_user("demo.specialist").await.act_ok(&paid_one, serde_json::json!({"action": "forward"})).await;
    approver.act_ok(&paid_one, serde_json::json!({"action": "refuse", "reason": "Không đủ điều kiện"})).await;
    assert_eq!(fee_state(&receiver, &paid_one).await.0, "paid");
    // a transfer for the withdrawn dossier now is not booked against it
    let statement = format!("reference,time,amount,description\nFT77,2026-03-02 09:00:00,5000,{code}\n");
    let r = receiver.post_with_body("/api/v1/payments/bank/statements", &statement, "text/csv").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(fee_state(&receiver, &code).await.0, "expired");
    let listed = receiver.get("/api/v1/payments/bank/transfers").await.json();
    assert!(listed.to_string().contains("FT77"), "{listed}");
}

/// Decision 766's share of procedures whose fee is payable online, from
/// what egov records: an agency takes fees online once it has a receiving
/// account in force (or a gateway collects for it), not because a
/// procedure is offered fully online.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procedures_count_as_payable_online_where_their_agency_takes_fees_online() {
    let app = spawn().await;
    let rate = |agency: &'static str| {
        let app = &app;
        async move {
            let today = vn_today();
            let q = app.client().get(&format!("/api/v1/quality/index?from={today}&to={today}{agency}")).await.json();
            let s = q["index"]["scores"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["indicator"] == "online_payment_procedures")
                .cloned();
            s.unwrap()["rate"].as_f64().unwrap()
        }
    };
    // no account, no gateway: none, whatever their online level
    assert_eq!(rate("&agency=H72.50.01").await, 0.0);
    assert_eq!(rate("").await, 0.0);
    record_account(&app).await;
    // every procedure with a fee that H72.50.01 offers
    assert_eq!(rate("&agency=H72.50.01").await, 1.0);
    // the demo catalog has 15 procedures with a fee, 9 of them the communes' (H72.50.01 offers those)
    assert!((rate("").await - 9.0 / 15.0).abs() < 1e-9);
}

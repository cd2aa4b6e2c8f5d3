//! E-mail notifications through the outbox, against a real SMTP server
//! (aiosmtpd from Debian's python3-aiosmtpd, which scripts/test.sh installs):
//! delivery, retries with back-off while the server is down or deferring,
//! a permanent refusal, and the delivery status in the back office.

use std::time::{Duration, Instant};

use crate::common::*;
use egov_store::{MailState, OutboxEntry};

fn mail_settings(port: u16) -> egov_web::Settings {
    egov_web::Settings {
        public_url: Some("https://dvc.example.vn".into()),
        mail: Some(egov_web::MailSettings {
            smtp_url: format!("smtp://127.0.0.1:{port}"),
            from: "Cổng dịch vụ công <no-reply@dvc.example.vn>".into(),
            retry: egov_mail::RetryPolicy {
                first_delay: Duration::from_millis(200),
                max_delay: Duration::from_millis(800),
                max_attempts: 30,
            },
            poll: Duration::from_millis(50),
        }),
        ..Default::default()
    }
}

async fn outbox(app: &TestApp) -> Vec<OutboxEntry> {
    app.store.outbox(None, 100).await.expect("outbox").0
}

/// A transport that must not be used: every message it is given fails the test.
struct NeverSend;

impl egov_mail::Transport for NeverSend {
    async fn send(&self, mail: &egov_mail::Mail) -> Result<(), egov_mail::SendError> {
        panic!("a message was sent that should not have been: {}", mail.subject)
    }
}

/// Waits (up to 30 s) until the outbox satisfies `done`.
async fn wait_for(app: &TestApp, what: &str, done: impl Fn(&[OutboxEntry]) -> bool) -> Vec<OutboxEntry> {
    let start = Instant::now();
    loop {
        let o = outbox(app).await;
        if done(&o) {
            return o;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}: {o:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_are_mailed_retried_while_the_server_is_away_and_given_up_when_refused() {
    let port = free_port();
    let app = spawn_with(mail_settings(port)).await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let approver = app.client().with_bearer(&app.token("demo.approver").await.1);
    let specialist = app.client().with_bearer(&app.token("demo.specialist").await.1);

    // 1. The SMTP server is down: the message waits, attempts grow, the error is kept.
    let code = submit_online(&citizen).await;
    let o = wait_for(&app, "three failed attempts", |o| o.len() == 1 && o[0].attempts >= 3).await;
    assert_eq!(o[0].state, MailState::Pending);
    assert_eq!(o[0].dossier_code, code);
    assert!(o[0].error.as_deref().unwrap_or("").contains("onnect"), "{:?}", o[0].error);
    assert!(o[0].next_at.is_some() && o[0].sent_at.is_none());

    // 2. The server comes up but defers the next message once (451): one more
    //    failed attempt, then delivery.
    let smtp = SmtpServer::start(port, 1);
    let before = o[0].attempts;
    let o = wait_for(&app, "the delivery", |o| o[0].state == MailState::Sent).await;
    assert!(o[0].attempts >= before + 2, "a 451 then a success: {o:#?}");
    assert_eq!(o[0].to.as_deref(), Some("demo.citizen@demo.egov.invalid"));
    assert!(o[0].sent_at.is_some() && o[0].error.is_none() && o[0].next_at.is_none());
    let got = smtp.received();
    assert_eq!(got.len(), 1, "sent once: {got:#?}");
    let m = &got[0];
    assert_eq!(m["to"], serde_json::json!(["demo.citizen@demo.egov.invalid"]));
    assert_eq!(m["from"], "no-reply@dvc.example.vn");
    assert_eq!(m["content_type"], "text/plain");
    let subject = m["subject"].as_str().unwrap();
    assert!(subject.contains(&code) && subject.contains("Đã nộp hồ sơ"), "{subject}");
    let body = m["body"].as_str().unwrap();
    assert!(body.contains(&format!("Mã hồ sơ: {code}")), "{body}");
    assert!(body.contains(&format!("https://dvc.example.vn/tra-cuu/{code}")), "{body}");
    assert!(body.find("Đã nộp hồ sơ").unwrap() < body.find("Dossier submitted").unwrap(), "Vietnamese first: {body}");

    // 3. Each change the citizen should know of is mailed, with its note;
    //    the officials' internal hand-over (assign) is not.
    receiver.act_ok(&code, serde_json::json!({"action": "accept"})).await;
    approver.act_ok(&code, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    specialist.act_ok(&code, serde_json::json!({"action": "request_supplement", "missing": ["Ảnh 4x6"]})).await;
    wait_for(&app, "three sent", |o| o.len() == 3 && o.iter().all(|e| e.state == MailState::Sent)).await;
    let got = smtp.received();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got[1]["subject"].as_str().unwrap().contains("Hồ sơ đã được tiếp nhận"));
    assert!(got[2]["subject"].as_str().unwrap().contains("Cơ quan yêu cầu bổ sung hồ sơ"));
    assert!(got[2]["body"].as_str().unwrap().contains("Ảnh 4x6"));

    // 4. A mailbox refused for good (550): one attempt, marked failed, never retried.
    app.store
        .execute_raw("UPDATE users SET email = 'reject.me@dvc.example.vn' WHERE username = 'demo.citizen'")
        .await
        .expect("update");
    // (the citizen's own resubmission is not news to the citizen)
    assert_eq!(citizen.resubmit(&code, &[0]).await.status, 200);
    approver.act_ok(&code, serde_json::json!({"action": "approve"})).await;
    let o = wait_for(&app, "the refusal", |o| o.len() == 4 && o[0].state == MailState::Failed).await;
    assert_eq!(o[0].attempts, 1);
    assert!(o[0].error.as_deref().unwrap_or("").contains("550"), "{:?}", o[0].error);
    // a delivery pass now finds nothing due: a refused message is never sent again
    let passed = egov_app::jobs::deliver_due(&app.store, &NeverSend, &egov_mail::RetryPolicy::default(), None).await;
    assert_eq!(passed.expect("delivery pass"), 0, "nothing is due");
    assert_eq!(outbox(&app).await[0].attempts, 1, "not retried");
    assert_eq!(smtp.received().len(), 3);

    // 5. The inbox has every message, mailed or not.
    let inbox = citizen.get("/api/v1/inbox").await.json();
    assert_eq!(inbox["items"].as_array().map(Vec::len), Some(4), "{inbox}");

    // 6. The back office shows the delivery status to system administrators only.
    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri/thu-di").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Đã gửi (3)") && page.text.contains("Gửi không được (1)"), "{}", page.text);
    assert!(page.text.contains("550") && page.text.contains("reject.me@dvc.example.vn"));
    let failed = admin.get("/quan-tri/thu-di?state=failed").await;
    assert!(
        failed.text.contains("reject.me@dvc.example.vn") && !failed.text.contains("demo.citizen@demo.egov.invalid")
    );
    let officer = app.client();
    officer.login("demo.receiver", DEMO_PASSWORD).await;
    assert_eq!(officer.get("/quan-tri/thu-di").await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_nothing_is_queued_for_mail() {
    let app = spawn().await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let code = submit_online(&citizen).await;
    assert!(outbox(&app).await.is_empty());
    let inbox = citizen.get("/api/v1/inbox").await;
    assert!(inbox.text.contains(&code));
    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri/thu-di").await;
    assert!(page.text.contains("Chưa cấu hình SMTP"), "{}", page.text);
}

/// Issue 18: a detection an agent reports is mailed at once to the system
/// administrators and its agency's administrators, through the outbox; a
/// machine silent longer than the policy allows is said once, until it is
/// heard from again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_alerts_reach_the_administrators_by_mail() {
    let port = free_port();
    let smtp = SmtpServer::start(port, 0);
    let app = spawn_with(mail_settings(port)).await;
    let id = crate::protection::console_fixture(&app).await;
    let mail = |got: &[serde_json::Value], to: &str| got.iter().find(|m| m["to"] == serde_json::json!([to])).cloned();
    let start = Instant::now();
    while mail(&smtp.received(), "demo.agency-admin@demo.egov.invalid").is_none()
        || mail(&smtp.received(), "demo.admin@demo.egov.invalid").is_none()
    {
        assert!(start.elapsed() < Duration::from_secs(30), "no alert mailed: {:#?}", smtp.received());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = smtp.received();
    let m = mail(&got, "demo.agency-admin@demo.egov.invalid").unwrap();
    let subject = m["subject"].as_str().unwrap();
    assert!(subject.contains("Phát hiện mã độc") && subject.contains("PC-MOT-CUA-01"), "{subject}");
    let body = m["body"].as_str().unwrap();
    assert!(
        body.contains("Win.Test.EICAR_HDB-1") && body.contains("hoa-don.exe") && body.contains("Malware detected"),
        "{body}"
    );
    assert!(body.contains("https://dvc.example.vn/quan-tri/an-toan-thong-tin"), "{body}");
    assert!(mail(&got, "demo.receiver@demo.egov.invalid").is_none(), "officials without the role get nothing");
    // officials' alerts are not citizens' notices: the outbox lists them by their kind
    let o = outbox(&app).await;
    assert!(o.iter().all(|e| e.kind == egov_store::MailKind::Security(egov_protection::Alert::Detection)), "{o:#?}");
    // silent for two hours: said once, by the job's use case
    app.store
        .execute_raw(&format!("UPDATE pr_status SET last_seen = last_seen - 7200000000 WHERE machine_id = {id}"))
        .await
        .unwrap();
    let ours = egov_app::App::new(
        app.store.clone(),
        egov_app::Config {
            blobs: egov_store::BlobSpec::Folder(std::env::temp_dir().join(random_name())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(egov_app::protection::alert_silent(&ours).await.unwrap(), 1);
    assert_eq!(egov_app::protection::alert_silent(&ours).await.unwrap(), 0, "once a disconnection");
    let start = Instant::now();
    while !smtp.received().iter().any(|m| m["subject"].as_str().unwrap_or("").contains("mất kết nối")) {
        assert!(start.elapsed() < Duration::from_secs(30), "no disconnection mailed: {:#?}", smtp.received());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

//! Issue 22: paying through a redirect gateway, against a local simulator
//! of its protocol (VNPay 2.1.0's shape: the signed pay page, the signed
//! return, the signed server notification, the signed `querydr` query).
//! Success with the notification before the return; a replayed
//! notification; a tampered signature; an amount changed in the browser;
//! no notification at all, then egov's own query; a failure, then a second
//! attempt; a signed notification for another amount.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use egov_payments::redirect::{self, ANSWER_SIGNED, QUERY_SIGNED};

use crate::common::*;
use crate::fees::parentage;

const SECRET: &str = "bi-mat-cong-thanh-toan";

/// What the simulated gateway does with the next payment.
#[derive(Clone, Copy, PartialEq)]
enum Next {
    /// Takes it, tells egov's server first, then sends the citizen back.
    PaidNotified,
    /// Takes it and sends the citizen back without telling egov's server.
    PaidSilently,
    /// The citizen cancels: told, then sent back.
    Cancelled,
}

struct Order {
    amount: u64,
    paid: bool,
    transaction_no: String,
    return_params: Vec<(String, String)>,
}

struct Sim {
    next: Next,
    egov: String,
    orders: HashMap<String, Order>,
    /// The notifications sent and egov's answers.
    ipn_answers: Vec<String>,
    queries: usize,
}

type Shared = Arc<Mutex<Sim>>;

fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%d%H%M%S").to_string()
}

fn signed(mut params: Vec<(String, String)>) -> Vec<(String, String)> {
    let hash = redirect::sign(SECRET.as_bytes(), &params);
    params.push(("vnp_SecureHash".into(), hash));
    params
}

fn query_string(params: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish()
}

/// The pay page: the order's signature checked (a changed amount is refused
/// as the real gateway refuses it), then the payment as `next` says.
async fn pay(State(sim): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let params: Vec<(String, String)> = form_urlencoded::parse(q.unwrap_or_default().as_bytes()).into_owned().collect();
    if redirect::verify(SECRET.as_bytes(), &params).is_err() {
        return "Sai chữ ký (97): giao dịch không được thực hiện".into_response();
    }
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let (next, egov, n) = {
        let s = sim.lock().unwrap();
        (s.next, s.egov.clone(), s.orders.len() + 1)
    };
    let ok = next != Next::Cancelled;
    let reference = get("vnp_TxnRef");
    let transaction_no = format!("{}", 14_000_000 + n);
    let back = signed(vec![
        ("vnp_Amount".into(), get("vnp_Amount")),
        ("vnp_BankCode".into(), "NCB".into()),
        ("vnp_OrderInfo".into(), get("vnp_OrderInfo")),
        ("vnp_PayDate".into(), stamp()),
        ("vnp_ResponseCode".into(), if ok { "00" } else { "24" }.into()),
        ("vnp_TmnCode".into(), get("vnp_TmnCode")),
        ("vnp_TransactionNo".into(), transaction_no.clone()),
        ("vnp_TransactionStatus".into(), if ok { "00" } else { "02" }.into()),
        ("vnp_TxnRef".into(), reference.clone()),
    ]);
    let amount: u64 = get("vnp_Amount").parse::<u64>().unwrap_or(0) / 100;
    sim.lock()
        .unwrap()
        .orders
        .insert(reference.clone(), Order { amount, paid: ok, transaction_no, return_params: back.clone() });
    if next != Next::PaidSilently {
        let answer = notify(&egov, &back).await;
        sim.lock().unwrap().ipn_answers.push(answer);
    }
    Redirect::to(&format!("{}?{}", get("vnp_ReturnUrl"), query_string(&back))).into_response()
}

/// The server notification, as the gateway sends it: egov's answer.
async fn notify(egov: &str, params: &[(String, String)]) -> String {
    let url = format!("{egov}/api/v1/payments/gateway/ipn?{}", query_string(params));
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

/// `querydr`: the request's signature checked, the order's state answered, signed.
async fn querydr(State(sim): State<Shared>, Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    let obj = body.as_object().cloned().unwrap_or_default();
    let mut s = sim.lock().unwrap();
    s.queries += 1;
    let mut m = serde_json::Map::new();
    let put = |m: &mut serde_json::Map<String, serde_json::Value>, k: &str, v: String| {
        m.insert(k.into(), serde_json::Value::String(v));
    };
    put(&mut m, "vnp_ResponseId", "r1".into());
    put(&mut m, "vnp_Command", "querydr".into());
    put(&mut m, "vnp_TmnCode", "EGOVTEST".into());
    let reference = obj.get("vnp_TxnRef").and_then(|v| v.as_str()).unwrap_or("").to_string();
    put(&mut m, "vnp_TxnRef", reference.clone());
    if !redirect::piped_verified(SECRET.as_bytes(), &obj, &QUERY_SIGNED) {
        put(&mut m, "vnp_ResponseCode", "97".into());
        put(&mut m, "vnp_Amount", "0".into());
    } else if let Some(o) = s.orders.get(&reference) {
        put(&mut m, "vnp_ResponseCode", "00".into());
        put(&mut m, "vnp_Amount", (o.amount * 100).to_string());
        put(&mut m, "vnp_TransactionNo", o.transaction_no.clone());
        put(&mut m, "vnp_TransactionStatus", if o.paid { "00" } else { "02" }.into());
    } else {
        put(&mut m, "vnp_ResponseCode", "91".into());
        put(&mut m, "vnp_Amount", "0".into());
    }
    let hash = redirect::hmac_sha512(SECRET.as_bytes(), redirect::piped(&m, &ANSWER_SIGNED).as_bytes());
    put(&mut m, "vnp_SecureHash", hash);
    Json(serde_json::Value::Object(m))
}

async fn simulator(egov: &str) -> (String, Shared) {
    let sim = Arc::new(Mutex::new(Sim {
        next: Next::PaidNotified,
        egov: egov.to_string(),
        orders: HashMap::new(),
        ipn_answers: Vec::new(),
        queries: 0,
    }));
    let app = Router::new()
        .route("/pay", axum::routing::get(pay))
        .route("/querydr", axum::routing::post(querydr))
        .with_state(sim.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), sim)
}

/// The citizen presses "pay online" on the dossier's page: the gateway's address.
async fn start(citizen: &Client, code: &str) -> String {
    let page = citizen.get(&format!("/ho-so/{code}")).await;
    let action = page.text.split("action=\"").find(|a| a.contains("/truc-tuyen")).expect("a pay-online form");
    let action = action.split('"').next().unwrap().to_string();
    let r = citizen.post_form(&action, &[("csrf", &page.csrf())]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    r.location().to_string()
}

async fn fee(citizen: &Client, code: &str) -> serde_json::Value {
    let r = citizen.get(&format!("/api/v1/dossiers/{code}/payments")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    citizen.get(&format!("/api/v1/dossiers/{code}/payments")).await.json()[0].clone()
}

/// Where the citizen lands back on egov from the return address: egov's redirect.
async fn back(citizen: &Client, return_url: &str) -> String {
    let r = citizen.get_url(return_url).await;
    assert_eq!(r.status, 303, "{}", r.text);
    r.location().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_s_verified_word_alone_pays_a_fee_never_the_browser_s() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (sim_base, sim) = simulator(&base).await;
    let mut settings = egov_web::Settings { local_citizen_accounts: true, ..Default::default() };
    settings.app.payment_gateways = vec![egov_app::payments::gateway::GatewayConfig {
        name: "vnpay-sim".into(),
        protocol: Default::default(),
        terminal: "EGOVTEST".into(),
        secret: SECRET.into(),
        pay_url: format!("{sim_base}/pay"),
        api_url: format!("{sim_base}/querydr"),
        return_base: base.clone(),
        agencies: vec!["H72.50.01".into()],
    }];
    let app = spawn_on(listener, settings).await;
    let citizen = app.client();
    citizen.login("demo.citizen", DEMO_PASSWORD).await;
    let api = app.as_user("demo.citizen").await;
    let file = || async {
        let r = api.post_multipart("/api/v1/dossiers", parentage()).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()["code"].as_str().unwrap().to_string()
    };
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let visit = |url: String| {
        let browser = browser.clone();
        async move {
            let r = browser.get(url).send().await.unwrap();
            let to = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
            (r.status().as_u16(), to, r.text().await.unwrap())
        }
    };

    // 1. success, the notification before the return
    let a = file().await;
    let pay_url = start(&citizen, &a).await;
    assert!(pay_url.starts_with(&format!("{sim_base}/pay?")) && pay_url.contains("vnp_Amount=500000"), "{pay_url}");
    let (status, to, _) = visit(pay_url.clone()).await;
    assert_eq!(status, 303);
    assert_eq!(sim.lock().unwrap().ipn_answers, [r#"{"RspCode":"00","Message":"Confirm Success"}"#]);
    let landed = back(&citizen, &to.unwrap()).await;
    assert_eq!(landed, format!("/ho-so/{a}?thanh-toan=da-nop#le-phi"));
    let f = fee(&api, &a).await;
    assert_eq!(
        (f["state"].as_str(), f["method"].as_str(), f["reference"].as_str()),
        (Some("paid"), Some("gateway"), Some("14000001"))
    );
    let page = citizen.get(&format!("/ho-so/{a}?thanh-toan=da-nop")).await.text;
    assert!(page.contains("Cổng thanh toán đã xác nhận") && !page.contains("/truc-tuyen"), "{page}");
    let receipt = pdf_text(&citizen.get_bytes(&format!("/ho-so/{a}/le-phi/{}/bien-lai.pdf", f["id"])).await);
    assert!(receipt.contains("Cổng thanh toán trực tuyến") && receipt.contains("14000001"), "{receipt}");
    // 2. the same notification replayed: already confirmed, nothing changes
    let replay = sim.lock().unwrap().orders.values().next().unwrap().return_params.clone();
    assert_eq!(notify(&base, &replay).await, r#"{"RspCode":"02","Message":"Order already confirmed"}"#);
    let paid = app.store.recent_audit(500).await.unwrap().iter().filter(|e| e.event.action == "payment.paid").count();
    assert_eq!(paid, 1);

    // 3. an amount changed in the browser on the way to the gateway: refused there, nothing paid
    let b = file().await;
    sim.lock().unwrap().next = Next::PaidSilently;
    let pay_url = start(&citizen, &b).await;
    let (status, _, text) = visit(pay_url.replace("vnp_Amount=500000", "vnp_Amount=100")).await;
    assert_eq!(status, 200);
    assert!(text.contains("Sai chữ ký"), "{text}");
    // paid at the gateway without a notification; the return tampered on the way back
    let (_, to, _) = visit(pay_url).await;
    let to = to.unwrap();
    let tampered = to.replace("vnp_Amount=500000", "vnp_Amount=100");
    assert_eq!(back(&citizen, &tampered).await, format!("/ho-so/{b}?thanh-toan=khong-xac-minh#le-phi"));
    assert_eq!(fee(&api, &b).await["state"], "pending");
    assert_eq!(sim.lock().unwrap().queries, 0, "an unverified return asks nothing");
    // a notification whose signature does not hold: 97, nothing changes
    let b_ref = format!("{}x1", fee(&api, &b).await["id"]);
    let mut forged = sim.lock().unwrap().orders.get(&b_ref).unwrap().return_params.clone();
    for (k, v) in forged.iter_mut() {
        if k == "vnp_Amount" {
            *v = "100".into();
        }
    }
    assert_eq!(notify(&base, &forged).await, r#"{"RspCode":"97","Message":"Invalid signature"}"#);
    assert_eq!(fee(&api, &b).await["state"], "pending");
    // 4. no notification at all: the true return makes egov ask the gateway itself
    assert_eq!(back(&citizen, &to).await, format!("/ho-so/{b}?thanh-toan=da-nop#le-phi"));
    assert_eq!(sim.lock().unwrap().queries, 1);
    assert_eq!(fee(&api, &b).await["state"], "paid");

    // 5. cancelled at the gateway: failed, and the citizen pays again
    let c = file().await;
    sim.lock().unwrap().next = Next::Cancelled;
    let (_, to, _) = visit(start(&citizen, &c).await).await;
    assert_eq!(back(&citizen, &to.unwrap()).await, format!("/ho-so/{c}?thanh-toan=khong-thanh-cong#le-phi"));
    assert_eq!(fee(&api, &c).await["state"], "failed");
    sim.lock().unwrap().next = Next::PaidNotified;
    let (_, to, _) = visit(start(&citizen, &c).await).await;
    assert_eq!(back(&citizen, &to.unwrap()).await, format!("/ho-so/{c}?thanh-toan=da-nop#le-phi"));
    assert_eq!(fee(&api, &c).await["state"], "paid");

    // 6. a notification signed for another amount than the attempt's: refused, not paid
    let d = file().await;
    sim.lock().unwrap().next = Next::PaidSilently;
    let pay_url = start(&citizen, &d).await;
    visit(pay_url).await;
    let id = fee(&api, &d).await["id"].as_i64().unwrap();
    let mut other: Vec<(String, String)> =
        sim.lock().unwrap().orders.get(&format!("{id}x1")).unwrap().return_params.clone();
    other.retain(|(k, _)| k != "vnp_SecureHash");
    for (k, v) in other.iter_mut() {
        if k == "vnp_Amount" {
            *v = "100".into();
        }
    }
    assert_eq!(notify(&base, &signed(other)).await, r#"{"RspCode":"04","Message":"Invalid amount"}"#);
    assert_eq!(fee(&api, &d).await["state"], "pending");
    // an attempt egov never made
    let unknown = signed(vec![
        ("vnp_Amount".into(), "500000".into()),
        ("vnp_ResponseCode".into(), "00".into()),
        ("vnp_TxnRef".into(), "999x1".into()),
    ]);
    assert_eq!(notify(&base, &unknown).await, r#"{"RspCode":"01","Message":"Order not found"}"#);
    // 7. the gateway's true word for d arrives after the desk took the fee in cash: the attempt is
    // recorded, the fee stays paid at the desk, and the gateway's money is listed for the desk to pay back
    let receiver = app.as_user("demo.receiver").await;
    assert_eq!(receiver.post_json(&format!("/api/v1/payments/requests/{id}/collect"), "{}").await.status, 200);
    let true_word = sim.lock().unwrap().orders.get(&format!("{id}x1")).unwrap().return_params.clone();
    assert_eq!(notify(&base, &true_word).await, r#"{"RspCode":"00","Message":"Confirm Success"}"#);
    assert_eq!(
        (fee(&api, &d).await["state"].as_str(), fee(&api, &d).await["method"].as_str()),
        (Some("paid"), Some("counter"))
    );
    let listed = receiver.get("/api/v1/payments/bank/transfers").await.json();
    let t = listed.as_array().unwrap().iter().find(|t| t["source"] == "gateway").cloned().unwrap_or_default();
    assert_eq!(
        (t["dossier_code"].as_str(), t["outcome"].as_str(), t["amount"].as_u64()),
        (Some(d.as_str()), Some("duplicate"), Some(5000)),
        "{listed}"
    );
    assert_eq!(
        notify(&base, &true_word).await,
        r#"{"RspCode":"02","Message":"Order already confirmed"}"#,
        "listed once"
    );
    // the dossiers paid online count in Decision 766's figure: a, b, c of the four
    let (rate, dossiers) = crate::fees::paid_online_today(&app).await;
    assert!((rate - 0.75).abs() < 1e-9 && dossiers == 4, "{rate} of {dossiers}");
}

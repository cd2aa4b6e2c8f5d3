//! The service-quality index through the API, from dossiers handled on a
//! clock set by hand (issue 5, first part).

mod common;

use common::*;

async fn act(api: &Client, code: &str, body: serde_json::Value) {
    let r = api.post_json(&format!("/api/v1/dossiers/{code}/actions"), &body.to_string()).await;
    assert_eq!(r.status, 200, "{body}: {}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_counts_on_time_late_and_withdrawn_dossiers_as_the_rule_says() {
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(at("2026-03-02 08:00")); // a Monday
    let app = spawn_with(egov_web::Settings { clock: clock.clone(), ..Default::default() }).await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").1);
    let approver = app.client().with_bearer(&app.token("demo.approver").1);
    // A and B accepted Monday 08:00 (due Tuesday 08:00); D withdrawn.
    let (a, b, d) = (submit_online(&citizen).await, submit_online(&citizen).await, submit_online(&citizen).await);
    for c in [&a, &b] {
        act(&receiver, c, serde_json::json!({"action": "accept"})).await;
        act(&approver, c, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    }
    act(&citizen, &d, serde_json::json!({"action": "withdraw", "reason": "Nộp nhầm"})).await;
    // A processed Monday 10:00 and returned with an electronic result: on time.
    clock.set(at("2026-03-02 10:00"));
    act(&approver, &a, serde_json::json!({"action": "approve"})).await;
    let form = reqwest::multipart::Form::new()
        .text("action", r#"{"action": "return_result"}"#)
        .part("result", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("ket-qua.pdf"));
    assert_eq!(receiver.post_multipart(&format!("/api/v1/dossiers/{a}/actions"), form).await.status, 200);
    // B processed Wednesday 09:00: 25 hours late.
    clock.set(at("2026-03-04 09:00"));
    act(&approver, &b, serde_json::json!({"action": "approve"})).await;
    clock.set(at("2026-03-06 12:00"));
    // the citizen rates A: 16 of 18
    let r = citizen.post_json(&format!("/api/v1/dossiers/{a}/rating"), r#"{"scores":[2,2,2,2,2,2,2,2,0]}"#).await;
    assert_eq!(r.status, 204, "{}", r.text);

    let public = app.client();
    let r = public.get("/api/v1/quality/index?from=2026-03-01&to=2026-03-31&agency=H72.50.01").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let j = r.json();
    let ix = &j["index"];
    assert_eq!(
        (ix["dossiers"].as_u64(), ix["on_time"].as_u64(), ix["late"].as_u64()),
        (Some(2), Some(1), Some(1)),
        "D left out: {j}"
    );
    assert_eq!(j["late"], serde_json::json!([{"code": b, "hours": 25.0, "appointment": "2026-03-03T08:00:00"}]));
    let score = |name: &str| ix["scores"].as_array().unwrap().iter().find(|s| s["indicator"] == name).unwrap().clone();
    let close = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
    // on time 1 of 2: half of 20 points
    assert!(close(&score("on_time")["rate"], 0.5) && close(&score("on_time")["points"], 10.0));
    // both online: full 8 points at the 50 % threshold
    assert!(close(&score("online_dossiers")["rate"], 1.0) && close(&score("online_dossiers")["points"], 8.0));
    // digitised inputs and an electronic result: A only, (1/2) / 0.8 × 14
    assert!(close(&score("digitisation")["points"], 0.5 / 0.8 * 14.0));
    // satisfaction 1 − (1/2 late + 0 complaints) = 0.5; 0.5 / 0.9 × 18
    assert!(close(&score("satisfaction")["points"], 10.0));
    // mean time to the end of processing: A 2 h, B 49 h
    assert!(close(&ix["average_hours"], 25.5), "{}", ix["average_hours"]);
    // the period matters: nothing was received in February
    let feb = public.get("/api/v1/quality/index?from=2026-02-01&to=2026-02-28&agency=H72.50.01").await.json();
    assert_eq!(feb["index"]["dossiers"], 0);
    // bad dates are a clear error
    let bad = public.get("/api/v1/quality/index?from=2026-02-30&to=2026-03-01").await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.header("content-type"), "application/problem+json");
    // The dashboard: the same total, the chart with its table, B behind the
    // on-time rate with its 25 hours, the agency ranked and a way to its own page.
    let page = public.get("/chat-luong?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(page.status, 200);
    let province = public.get("/api/v1/quality/index?from=2026-03-01&to=2026-03-31").await.json();
    let total = format!("{:.2}", province["index"]["total"].as_f64().unwrap());
    assert!(page.text.contains(&format!("<strong id=\"total\">{total}</strong>")), "{}", page.text);
    assert!(page.text.contains("<svg role=\"img\"") && page.text.contains("<title id=\"chart-t\">"));
    assert!(
        page.text.contains("Hồ sơ giải quyết đúng hạn</th><td>50.0 %</td><td>10.00</td><td>20.00</td>"),
        "{}",
        page.text
    );
    assert!(page.text.contains(&format!("<a href=\"/tra-cuu/{b}\">{b}</a></td><td>25</td>")), "{}", page.text);
    assert!(page.text.contains("/chat-luong?agency=H72.50.01&amp;from=2026-03-01&amp;to=2026-03-31"));
    // the trend over a quarter: only March has dossiers, and its total is the period's
    let q1 = public.get("/chat-luong?from=2026-01-01&to=2026-03-31").await;
    assert!(q1.text.contains("<th scope=\"row\">01/2026</th><td>0</td>"), "{}", q1.text);
    assert!(q1.text.contains(&format!("<th scope=\"row\">03/2026</th><td>2</td><td>{total}</td>")), "{}", q1.text);
    let mine = public.get("/chat-luong?agency=H72.50.01&from=2026-03-01&to=2026-03-31").await;
    // Circular 01/2018: the agency (on the province's page) and the officer A was assigned to, 16 of 18, excellent
    assert!(page.text.contains("<td>1</td><td>16.00</td><td>Xuất sắc</td>"), "{}", page.text);
    assert!(mine.text.contains("<td>1</td><td>16.00</td><td>Xuất sắc</td>"), "{}", mine.text);
    let total = format!("{:.2}", ix["total"].as_f64().unwrap());
    assert!(mine.text.contains(&format!("<strong id=\"total\">{total}</strong>")), "the agency's page, its API total");
    let bad = public.get("/chat-luong?from=2026-13-01&to=2026-03-31").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.text.contains("role=\"alert\"") && bad.text.contains("value=\"2026-13-01\""),
        "what was typed comes back"
    );
    let en = public.get("/chat-luong?from=2026-03-01&to=2026-03-31&lang=en").await;
    assert!(en.text.contains("Dossiers on time"));
    // The tables as Excel, read back with calamine: Vietnamese headers, number,
    // percentage and date cells; and as CSV.
    let x = reqwest::get(format!("{}/chat-luong.xlsx?from=2026-03-01&to=2026-03-31&agency=H72.50.01", app.base))
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    assert_eq!(x.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = x.bytes().await.unwrap().to_vec();
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Chỉ số", "Hồ sơ trễ hạn", "Xếp hạng cơ quan"]);
    let sheet = wb.worksheet_range("Chỉ số").unwrap();
    assert_eq!(sheet.get((0, 0)), Some(&Data::String("Chỉ số".into())));
    let row = (0..sheet.height())
        .find(|r| sheet.get((*r, 0)) == Some(&Data::String("Hồ sơ giải quyết đúng hạn".into())))
        .unwrap();
    assert_eq!(sheet.get((row, 1)), Some(&Data::Float(0.5)));
    assert_eq!(sheet.get((row, 2)), Some(&Data::Float(10.0)));
    let late_sheet = wb.worksheet_range("Hồ sơ trễ hạn").unwrap();
    assert_eq!(late_sheet.get((1, 0)), Some(&Data::String(b.clone())));
    assert!(matches!(late_sheet.get((1, 1)), Some(Data::DateTime(_))), "{:?}", late_sheet.get((1, 1)));
    assert_eq!(late_sheet.get((1, 2)), Some(&Data::Float(25.0)));
    // (this client asked for English above, and is answered in English; a fresh one in Vietnamese)
    let csv = app.client().get("/chat-luong.csv?from=2026-03-01&to=2026-03-31&agency=H72.50.01").await;
    assert!(csv.text.starts_with("\u{feff}Chỉ số,Tỷ lệ,Điểm,Tối đa"), "{}", csv.text);
    assert!(csv.text.contains("Hồ sơ giải quyết đúng hạn,0.5,10,20"), "{}", csv.text);
    // in the OpenAPI document
    assert!(public.get("/api/openapi.json").await.text.contains("/api/v1/quality/index"));
}

/// `egov bench-data` writes histories the index reads like real ones, the
/// same for the same seed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_data_generates_a_year_the_index_reads() {
    let app = spawn().await;
    let out = app.cli(&["bench-data", "--dossiers", "300", "--seed", "7", "--year", "2026"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("generated 300 dossiers"));
    assert_eq!(app.count("dossiers").await, 300);
    let j = app.client().get("/api/v1/quality/index?from=2026-01-01&to=2026-12-31").await.json();
    let ix = &j["index"];
    let counted = ix["dossiers"].as_u64().unwrap();
    assert!((250..=300).contains(&counted), "a few withdrawn: {counted}");
    assert_eq!(ix["on_time"].as_u64().unwrap() + ix["late"].as_u64().unwrap(), counted);
    assert!(ix["late"].as_u64().unwrap() > 0 && ix["on_time"].as_u64().unwrap() > ix["late"].as_u64().unwrap());
    assert_eq!(j["late"].as_array().unwrap().len() as u64, ix["late"].as_u64().unwrap());
    // the audit chain holds, and the same seed gives the same year on a fresh database
    assert!(app.cli(&["audit", "verify"]).status.success());
    let again = spawn().await;
    assert!(again.cli(&["bench-data", "--dossiers", "300", "--seed", "7", "--year", "2026"]).status.success());
    let j2 = again.client().get("/api/v1/quality/index?from=2026-01-01&to=2026-12-31").await.json();
    assert_eq!(j2["index"]["total"], ix["total"]);
    assert_eq!(j2["index"]["late"], ix["late"]);
}

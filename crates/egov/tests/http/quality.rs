//! The service-quality index through the API, from dossiers handled on a
//! clock set by hand (issue 5, first part).

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_counts_on_time_late_and_withdrawn_dossiers_as_the_rule_says() {
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(at("2026-03-02 08:00")); // a Monday
    let app = spawn_with(egov_web::Settings {
        app: egov_app::Config { clock: clock.clone(), ..Default::default() },
        ..Default::default()
    })
    .await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let approver = app.client().with_bearer(&app.token("demo.approver").await.1);
    // A and B accepted Monday 08:00 (due Tuesday 08:00); D withdrawn.
    let (a, b, d) = (submit_online(&citizen).await, submit_online(&citizen).await, submit_online(&citizen).await);
    for c in [&a, &b] {
        receiver.act_ok(c, serde_json::json!({"action": "accept"})).await;
        approver.act_ok(c, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    }
    citizen.act_ok(&d, serde_json::json!({"action": "withdraw", "reason": "Nộp nhầm"})).await;
    // A's two parts checked against their originals at the desk (digitised); B's not.
    let files = receiver.get(&format!("/api/v1/dossiers/{a}")).await.json()["files"].clone();
    for f in files.as_array().unwrap().iter().filter(|f| f["purpose"] == "part") {
        let r = receiver.post_json(&format!("/api/v1/dossiers/{a}/files/{}/digitised", f["id"]), "").await;
        assert_eq!(r.status, 204, "{}", r.text);
    }
    // A processed Monday 10:00 and returned with an electronic result: on time.
    clock.set(at("2026-03-02 10:00"));
    approver.act_ok(&a, serde_json::json!({"action": "approve"})).await;
    let form = reqwest::multipart::Form::new()
        .text("action", r#"{"action": "return_result"}"#)
        .part("result", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("ket-qua.pdf"));
    assert_eq!(receiver.post_multipart(&format!("/api/v1/dossiers/{a}/actions"), form).await.status, 200);
    // B processed Wednesday 09:00: 25 hours late.
    clock.set(at("2026-03-04 09:00"));
    approver.act_ok(&b, serde_json::json!({"action": "approve"})).await;
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
    assert_eq!(
        j["late"],
        serde_json::json!([{"code": b, "hours": 25.0, "appointment": "2026-03-03T08:00:00", "reason": "after_due"}])
    );
    let score = |name: &str| ix["scores"].as_array().unwrap().iter().find(|s| s["indicator"] == name).unwrap().clone();
    let close = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
    // on time 1 of 2: half of 20 points
    assert!(close(&score("on_time")["rate"], 0.5) && close(&score("on_time")["points"], 10.0));
    // both online: full 8 points at the 50 % threshold
    assert!(close(&score("online_dossiers")["rate"], 1.0) && close(&score("online_dossiers")["points"], 8.0));
    // digitised inputs (checked at the desk) and an electronic result: A only, (1/2) / 0.8 × 14
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
    assert_eq!(wb.sheet_names(), vec!["Chỉ số", "Hồ sơ trễ hạn", "Theo tháng", "Mức độ hài lòng"]);
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
    assert!(csv.text.contains("Hồ sơ giải quyết đúng hạn,50%,10,20"), "percentages as people write them: {}", csv.text);
    // in the OpenAPI document
    assert!(public.get("/api/openapi.json").await.text.contains("/api/v1/quality/index"));
    // The printable report of the period, read back by pdftotext.
    let r = reqwest::get(format!("{}/chat-luong.pdf?from=2026-03-01&to=2026-03-31", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes().await.unwrap());
    let total = format!("{:.2}", province["index"]["total"].as_f64().unwrap());
    for want in [
        "BÁO CÁO CHỈ SỐ CHẤT LƯỢNG PHỤC VỤ",
        "Toàn tỉnh",
        "01/03/2026 – 31/03/2026",
        &format!("{total} / 100"),
        "Hồ sơ giải quyết đúng hạn",
        "50.0 %",
        &b,
        "03/03/2026 08:00",
        "Xếp hạng cơ quan",
        "Ủy ban nhân dân phường Tân Ninh",
        "Xếp hạng xã, phường",
        "Phường Tân Ninh",
    ] {
        assert!(text.contains(want), "{want} in the report:\n{text}");
    }
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
    // A year's report runs over several A4 pages, the late table's header
    // repeated on each page it continues on.
    let r = reqwest::get(format!("{}/chat-luong.pdf?from=2026-01-01&to=2026-12-31&lang=en", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    let text = pdf_text(&r.bytes().await.unwrap());
    let pages: usize = text.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages >= 2, "{pages} pages:\n{text}");
    assert!(text.contains("Page size:") && text.contains("595.28 x 841.89 pts (A4)"), "{text}");
    assert!(text.contains(&format!("1/{pages}")) && text.contains(&format!("{pages}/{pages}")), "numbered");
    let late = ix["late"].as_u64().unwrap() as usize;
    let codes = j["late"].as_array().unwrap();
    assert_eq!(codes.len(), late.min(100));
    for c in codes {
        assert!(text.contains(c["code"].as_str().unwrap()), "{c} in the report");
    }
    assert!(text.contains("REPORT: QUALITY OF SERVICE") && text.contains("Late dossiers"));
    assert!(text.matches("Hours late").count() >= 2, "the late table's header on each of its pages:\n{text}");
}

/// Kept sums against a count from scratch, at `now`, over a few scopes.
async fn assert_kept_equals_scratch(store: &egov_store::Store, now: chrono::NaiveDateTime, when: &str) {
    use egov_store::{LateRead, QualityScope, Source};
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let agencies = ["H72.50.01".to_string()];
    let procedures = ["1.000894".to_string(), "2.000908".to_string()];
    let scopes = [
        QualityScope { late_limit: 1000, ..QualityScope::new(day("2026-01-01"), day("2026-12-31")) },
        QualityScope { late_limit: 3, ..QualityScope::new(day("2026-01-01"), day("2026-12-31")) },
        QualityScope {
            late_agencies: Some(&agencies),
            late_limit: 50,
            ..QualityScope::new(day("2026-03-02"), day("2026-03-04"))
        },
        QualityScope {
            procedures: Some(&procedures),
            late_agencies: Some(&agencies),
            late_limit: 50,
            ..QualityScope::new(day("2026-02-01"), day("2026-04-30"))
        },
        QualityScope { late_limit: 20, ..QualityScope::new(day("2026-01-15"), day("2026-03-10")) },
        QualityScope {
            procedures: Some(&[]),
            late_agencies: Some(&[]),
            late_limit: 50,
            ..QualityScope::new(day("2026-03-01"), day("2026-03-31"))
        },
    ];
    // the late lists every way: as chosen, each day's merged, the period's
    // read and sorted, the index by lateness walked
    let ways = [LateRead::Auto, LateRead::EachDay, LateRead::All, LateRead::Walk];
    // (each_way_of_reading_the_most_late_gives_the_sorted_list cuts them
    // short at every length)
    let all: Vec<QualityScope> =
        scopes.iter().flat_map(|s| ways.map(|w| QualityScope { late_read: w, ..*s })).collect();
    for s in &all {
        let kept = store.quality_view(s, now, Source::Kept).await.unwrap();
        let scratch = store.quality_view(s, now, Source::Scratch).await.unwrap();
        if kept != scratch {
            let keys: std::collections::BTreeSet<_> = kept.tallies.keys().chain(scratch.tallies.keys()).collect();
            for k in keys {
                let (a, b) = (kept.tallies.get(k), scratch.tallies.get(k));
                if a != b {
                    eprintln!("{k:?}\n  kept    {a:?}\n  scratch {b:?}");
                }
            }
            if kept.officers != scratch.officers {
                eprintln!("officers kept {:?}\n      scratch {:?}", kept.officers, scratch.officers);
            }
            eprintln!("late {} / {}", kept.late_total, scratch.late_total);
            for (a, b) in kept.late.iter().zip(&scratch.late) {
                if a != b {
                    eprintln!("late kept {a:?}\n     scratch {b:?}");
                }
            }
            panic!("{when}: the kept sums differ from a count from scratch for {s:?}");
        }
    }
}

/// Issue 5: the kept sums always equal a computation from scratch. Random
/// activity over HTTP on a clock moved by hand (submissions, every action
/// by whoever may do it, ratings, results), on top of a generated year;
/// checked every few steps, then against a rebuild of the sums.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_sums_equal_a_count_from_scratch_after_random_activity() {
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(at("2026-03-02 08:00"));
    let app = spawn_with(egov_web::Settings {
        app: egov_app::Config { clock: clock.clone(), ..Default::default() },
        ..Default::default()
    })
    .await;
    let out =
        app.cli(&["bench-data", "--dossiers", "400", "--seed", "11", "--year", "2026", "--now", "2026-03-02T08:00"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let settled = app.count("dossier_quality").await;
    assert!(settled > 200, "the generated year is kept in the sums: {settled}");
    assert_kept_equals_scratch(&app.store, clock.now(), "after bench-data").await;

    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let officials = [
        app.client().with_bearer(&app.token("demo.receiver").await.1),
        app.client().with_bearer(&app.token("demo.approver").await.1),
        app.client().with_bearer(&app.token("demo.specialist").await.1),
    ];
    let mut next = numbers(0x5eed_1234_abcd);
    let mut codes: Vec<String> = Vec::new();
    let mut ok = 0;
    for step in 0..300 {
        if codes.len() < 4 || next(8) == 0 {
            codes.push(submit_online(&citizen).await);
        }
        let code = codes[next(codes.len() as u64) as usize].clone();
        let now = clock.now();
        let new_due = (now + chrono::Duration::days(3)).format("%Y-%m-%d %H:%M").to_string();
        let status =
            citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["status"].as_str().unwrap_or("").to_string();
        let roll = next(100);
        // mostly what the dossier's state calls for, sometimes anything (refused, nothing written)
        let body = match (status.as_str(), roll) {
            (_, 0..=7) => {
                let any = ["accept", "approve", "resubmit", "assign"][next(4) as usize];
                serde_json::json!({"action": any, "to": "demo.specialist"})
            }
            ("submitted", 8..=11) => serde_json::json!({"action": "return_incomplete", "missing": ["Tờ khai"]}),
            ("submitted", _) => serde_json::json!({"action": "accept"}),
            ("returned_incomplete", _) => serde_json::json!({"action": "resubmit"}),
            ("accepted", _) => serde_json::json!({"action": "assign", "to": "demo.specialist"}),
            ("processing", 8..=49) => serde_json::json!({"action": "approve"}),
            ("processing", 50..=69) => serde_json::json!({"action": "request_supplement", "missing": ["Ảnh 4x6"]}),
            ("processing", 70..=79) => {
                serde_json::json!({"action": "apologize", "new_due": new_due, "reason": "Cần xác minh"})
            }
            ("processing", 80..=89) => serde_json::json!({"action": "refuse", "reason": "Không đủ điều kiện"}),
            ("processing", 90..=94) => serde_json::json!({"action": "stop", "reason": "Dừng theo yêu cầu"}),
            ("processing", _) => serde_json::json!({"action": "withdraw", "reason": "Không cần nữa"}),
            ("supplement_requested", 8..=89) => serde_json::json!({"action": "resubmit"}),
            ("supplement_requested", _) => serde_json::json!({"action": "withdraw", "reason": "Không bổ sung được"}),
            ("approved", _) => serde_json::json!({"action": "return_result", "paper": true}),
            _ => serde_json::json!({"rating": [2, 1, 2, 0, 1, 2, 2, 1, next(3)]}),
        };
        let path = if body.get("rating").is_some() {
            format!("/api/v1/dossiers/{code}/rating")
        } else {
            format!("/api/v1/dossiers/{code}/actions")
        };
        let payload = if let Some(r) = body.get("rating") { serde_json::json!({"scores": r}) } else { body.clone() };
        // whoever may do it: the citizen, then each official
        for who in std::iter::once(&citizen).chain(officials.iter()) {
            let r = who.post_json(&path, &payload.to_string()).await;
            assert!(r.status < 500, "{payload}: {} {}", r.status, r.text);
            if r.status == 200 || r.status == 204 {
                ok += 1;
                break;
            }
        }
        clock.set(now + chrono::Duration::minutes(next(36 * 60) as i64));
        if step % 30 == 29 {
            assert_kept_equals_scratch(&app.store, clock.now(), &format!("step {step}")).await;
        }
    }
    eprintln!("{ok} actions allowed over {} dossiers", codes.len());
    assert!(ok > 80, "enough of the actions were allowed to move dossiers: {ok}");
    assert_kept_equals_scratch(&app.store, clock.now(), "at the end").await;
    // a week later nothing was written, yet open dossiers turned late: still equal
    clock.set(clock.now() + chrono::Duration::days(7));
    assert_kept_equals_scratch(&app.store, clock.now(), "a week later").await;
    // the submissions no action touched yet are kept by the keeper (the
    // server's job runs it every 15 s: it may have taken them already)
    let pending = app.store.keep_pending(1000).await.unwrap();
    eprintln!("{pending} submissions were still to keep");
    assert_eq!(app.store.keep_pending(1000).await.unwrap(), 0);
    assert_kept_equals_scratch(&app.store, clock.now(), "all kept").await;
    // and the sums kept step by step are the sums rebuilt from the histories
    let kept = app.store.quality_sums().await.unwrap();
    assert!(!kept.is_empty());
    let n = app.store.rebuild_quality(64).await.unwrap();
    assert!(n >= 400, "{n}");
    assert_eq!(app.store.quality_sums().await.unwrap(), kept);
    assert_kept_equals_scratch(&app.store, clock.now(), "after a rebuild").await;
}

/// Writes a dossier's history as an import from the old system would: a
/// received dossier of `agency`, processed (and returned) at the times given.
async fn import(store: &egov_store::Store, agency: &str, received: &str, due: &str, approved: &str) -> String {
    use egov_dossier::Status;
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let micros = |s: &str| egov_kernel::vn::to_micros(at(s));
    let mut d = egov_dossier::Dossier::draft(
        egov_identity::UserId::new(1),
        &egov_identity::AgencyId::from_stored(agency.into()),
    );
    d.channel = egov_dossier::Channel::Counter;
    d.status = Status::ResultReturned;
    d.due = Some(at(due));
    d.assignee = Some(egov_identity::UserId::new(2));
    d.result = Some(egov_dossier::ResultDelivery { electronic: false, paper: true });
    let new = egov_store::NewDossier {
        procedure_code: "1.000894".into(),
        applicant_name: "Trần Thị Cũ".into(),
        applicant_folded: "tran thi cu".into(),
        applicant_id_number: None,
        state: d,
        form_data: Default::default(),
        parts: Vec::new(),
        files: Vec::new(),
        draft: None,
        filed_by: None,
        fees: Vec::new(),
    };
    let day = at(received).date();
    let mut w = store.begin_write().await.unwrap();
    let seq = w.take_dossier_seqs(agency, day, 1).await.unwrap();
    let code = egov_dossier::DossierCode::new(agency, day, seq);
    let ids = w.insert_dossiers(&[(&new, Some(&code), Some(micros(received)))]).await.unwrap();
    let step = |t: &str, action: &str, from, to| egov_store::EventRow {
        dossier_id: ids[0],
        at: micros(t),
        actor_id: None,
        action: egov_dossier::EventKind::parse(action).expect("a step egov writes"),
        from,
        to,
        note: "",
        due: Some(at(due)),
    };
    w.add_dossier_events(&[
        step(received, "receive_at_counter", Status::Draft, Status::Accepted),
        step(received, "assign", Status::Accepted, Status::Processing),
        step(approved, "approve", Status::Processing, Status::Approved),
        step(approved, "return_result", Status::Approved, Status::ResultReturned),
    ])
    .await
    .unwrap();
    w.touch(&ids);
    w.commit().await.unwrap();
    code.to_string()
}

/// Issue 5: a dossier received by a commune that later merged counts under
/// both the old and the new unit, labelled, and stays findable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dossier_of_a_merged_commune_counts_under_the_old_and_the_new_unit() {
    let app = spawn().await;
    // An Hòa (25451, committee H72.50.91) merged into Trảng Bàng (25449) on 1 July 2025.
    let old = import(&app.store, "H72.50.91", "2025-06-10 08:00", "2025-06-13 17:00", "2025-06-12 10:00").await;
    // and one of Trảng Bàng's own committee, late by a day
    let own = import(&app.store, "H72.50.02", "2025-07-07 08:00", "2025-07-09 17:00", "2025-07-10 17:00").await;
    let public = app.client();
    async fn ix(public: &Client, q: &str) -> (u64, u64) {
        let r = public.get(&format!("/api/v1/quality/index?from=2025-06-01&to=2025-07-31&{q}")).await;
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        let j = r.json();
        (j["index"]["dossiers"].as_u64().unwrap(), j["index"]["on_time"].as_u64().unwrap())
    }
    assert_eq!(ix(&public, "unit=25451").await, (1, 1), "the old unit: its own dossier");
    assert_eq!(ix(&public, "unit=25449").await, (2, 1), "the new unit: its own and the merged commune's");
    assert_eq!(ix(&public, "agency=H72.50.91").await, (1, 1));
    assert_eq!(ix(&public, "agency=H72.50.02").await, (1, 0), "an agency is only itself");
    assert_eq!(ix(&public, "unit=25452").await, (0, 0), "An Tịnh merged too, but received nothing");
    assert_eq!(ix(&public, "unit=25445").await, (0, 0));
    assert_eq!(ix(&public, "").await, (2, 1), "the province counts it once");
    assert_eq!(ix(&public, "field=ho-tich").await, (2, 1));
    assert_eq!(ix(&public, "field=dat-dai").await, (0, 0));
    assert_eq!(ix(&public, "procedure=1.000894&unit=25449").await, (2, 1));
    for bad in ["unit=99999", "agency=H99", "field=khong-co", "procedure=9.999"] {
        let r = public.get(&format!("/api/v1/quality/index?from=2025-06-01&to=2025-07-31&{bad}")).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
        assert_eq!(r.header("content-type"), "application/problem+json");
    }
    let late = public.get("/api/v1/quality/index?from=2025-06-01&to=2025-07-31&unit=25449").await.json();
    assert_eq!(late["late_total"], 1);
    assert_eq!(late["late"][0]["code"], own.as_str());
    // The province's page ranks communes: the merged one labelled, the new one
    // saying whose dossiers it also counts.
    let page = public.get("/chat-luong?from=2025-06-01&to=2025-07-31").await;
    assert_eq!(page.status, 200);
    let row = |name: &str| {
        let i = page.text.find(&format!(">{name}</a>")).unwrap_or_else(|| panic!("{name} ranked: {}", page.text));
        page.text[i..].split("</tr>").next().unwrap().to_string()
    };
    let an_hoa = row("Xã An Hòa");
    assert!(
        an_hoa.contains("đã sáp nhập vào Phường Trảng Bàng (01/07/2025)") && an_hoa.contains("<td>1</td>"),
        "{an_hoa}"
    );
    let trang_bang = row("Phường Trảng Bàng");
    assert!(
        trang_bang.contains("gồm cả hồ sơ của Xã An Hòa, Xã An Tịnh") && trang_bang.contains("<td>2</td>"),
        "{trang_bang}"
    );
    assert!(page.text.contains("/chat-luong?unit=25449&amp;from=2025-06-01&amp;to=2025-07-31"));
    // the new unit's own page says so, and an unknown unit is a clear error with the province shown
    let mine = public.get("/chat-luong?unit=25449&from=2025-06-01&to=2025-07-31").await;
    assert!(
        mine.text.contains("<h2>Phường Trảng Bàng</h2>") && mine.text.contains("gồm cả hồ sơ của Xã An Hòa"),
        "{}",
        mine.text
    );
    let bad = public.get("/chat-luong?unit=99999&from=2025-06-01&to=2025-07-31").await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("role=\"alert\""));
    // still findable by its code
    let lookup = public.get(&format!("/tra-cuu/{old}")).await;
    assert_eq!(lookup.status, 200, "{}", lookup.text);
    assert!(lookup.text.contains(&old));
}

/// Forbids, in every object schema of an OpenAPI document's components,
/// properties the schema does not declare: an answer must say only what
/// its schema says.
fn closed(v: &mut serde_json::Value) {
    if let Some(o) = v.as_object_mut() {
        if o.contains_key("properties") && !o.contains_key("additionalProperties") {
            o.insert("unevaluatedProperties".into(), serde_json::Value::Bool(false));
        }
        for x in o.values_mut() {
            closed(x);
        }
    } else if let Some(a) = v.as_array_mut() {
        a.iter_mut().for_each(closed);
    }
}

/// Issue 5: the index as open data, validated against the schema the
/// OpenAPI document publishes for it (JSON Schema 2020-12, closed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_data_json_matches_its_published_schema() {
    let app = spawn().await;
    let out =
        app.cli(&["bench-data", "--dossiers", "200", "--seed", "3", "--year", "2026", "--now", "2026-06-30T17:00"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = app.client();
    let mut doc = public.get("/api/openapi.json").await.json();
    closed(&mut doc["components"]);
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/components/schemas/IndexView",
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&schema).expect("the published schema is a valid JSON Schema");
    for q in ["", "&agency=H72.50.01", "&unit=25449&field=ho-tich", "&procedure=1.000894"] {
        let j = public.get(&format!("/api/v1/quality/index?from=2026-01-01&to=2026-06-30{q}")).await.json();
        let errors: Vec<String> =
            validator.iter_errors(&j).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{q}: {errors:?}\n{j}");
        assert!(j["index"]["dossiers"].as_u64().unwrap() > 0, "{q}: {j}");
    }
    // and it can fail: a wrong type, a missing field, a field it does not declare
    let good = public.get("/api/v1/quality/index?from=2026-01-01&to=2026-06-30").await.json();
    for (path, value) in [("/late_total", serde_json::json!("many")), ("/index/total", serde_json::json!(null))] {
        let mut bad = good.clone();
        *bad.pointer_mut(path).unwrap() = value;
        assert!(!validator.is_valid(&bad), "{path}");
    }
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("late");
    assert!(!validator.is_valid(&bad));
    bad = good.clone();
    bad["index"].as_object_mut().unwrap().insert("secret".into(), serde_json::json!(1));
    assert!(!validator.is_valid(&bad));
}

/// Issue 5: every way of reading the most late gives the list that sorting
/// all of them gives, cut at any length: kept rows placed by hand over
/// three weeks of 2020 (no other dossier then), several a day with equal
/// lateness, running ones past their deadline and ones late by rule, for
/// the province, an agency, two agencies and some procedures.
#[tokio::test]
async fn each_way_of_reading_the_most_late_gives_the_sorted_list() {
    use egov_store::{LateRead, QualityScope, Source};
    let app = spawn().await;
    let now = chrono::NaiveDate::from_ymd_opt(2020, 3, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let now_us = now.and_utc().timestamp_micros();
    let agencies = ["H72.50.01", "H72.50.02", "H72.60"];
    let procedures = ["1.000894", "2.000908", "1.001612"];
    let mut next = numbers(0x1a7e_0001);
    // (code, day, agency, procedure, minutes late as the list shows them)
    let mut rows: Vec<(String, u32, &str, &str, i64)> = Vec::new();
    let mut values = Vec::new();
    for id in 0..240i64 {
        let day = 1 + next(21) as u32;
        let (agency, procedure) = (agencies[next(3) as usize], procedures[next(3) as usize]);
        let code = format!("Z{:03}-{:03}", next(1000), id);
        // late for good (few distinct minutes, so ties), running past the
        // deadline, late by rule and running, or on time
        let (late, until, on_time, shown) = match next(4) {
            0 | 1 => {
                let m = 60 * next(6) as i64;
                (Some(m), None, 0, Some(m))
            }
            2 => {
                let m = 30 * next(8) as i64 + 1;
                (None, Some(now_us - m * 60_000_000), 1, Some(m))
            }
            _ if next(2) == 0 => (None, Some(now_us + 3_600_000_000), 0, Some(0)),
            _ => (None, None, 1, None),
        };
        let sql = |v: Option<i64>| v.map_or("NULL".to_string(), |v| v.to_string());
        values.push(format!(
            "({}, '{code}', {}, '{agency}', '{procedure}', 0, {}, {}, NULL, 1, {on_time}, {}, 0, 0, 0, 0, 0, 0, 0)",
            1_000_000 + id,
            20200200 + day,
            sql(late),
            sql(until),
            i64::from(late.is_some()),
        ));
        if let Some(m) = shown {
            rows.push((code, day, agency, procedure, m));
        }
    }
    let sql = format!(
        "INSERT INTO dossier_quality (dossier_id, code, day, agency, procedure_code, officer, late_minutes, \
         running_until, appointment, counted, on_time, finished, minutes, online, paid_online, digitised, \
         complaints, rated, rating_sum) VALUES {}",
        values.join(", ")
    );
    app.store.execute_raw(&sql).await.unwrap();

    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2020, 2, d).unwrap();
    let one = [agencies[0].to_string()];
    let two = [agencies[0].to_string(), agencies[2].to_string()];
    let procs = [procedures[0].to_string(), procedures[1].to_string()];
    type Scope<'a> = (Option<&'a [String]>, Option<&'a [String]>);
    let scopes: [Scope; 4] = [(None, None), (None, Some(&one)), (None, Some(&two)), (Some(&procs), Some(&one))];
    for (procedures, agencies) in scopes {
        for (from, to) in [(1, 21), (3, 9), (5, 5)] {
            let mut want: Vec<(i64, String)> = rows
                .iter()
                .filter(|r| r.1 >= from && r.1 <= to)
                .filter(|r| agencies.is_none_or(|a| a.iter().any(|x| x == r.2)))
                .filter(|r| procedures.is_none_or(|p| p.iter().any(|x| x == r.3)))
                .map(|r| (-r.4, r.0.clone()))
                .collect();
            want.sort();
            assert!(want.len() > 2 || from == to, "enough late in the period: {}", want.len());
            for limit in 1..=want.len() + 1 {
                for way in [LateRead::Auto, LateRead::EachDay, LateRead::All, LateRead::Walk] {
                    let s = QualityScope {
                        procedures,
                        late_agencies: agencies,
                        late_limit: limit,
                        late_read: way,
                        ..QualityScope::new(day(from), day(to))
                    };
                    let view = app.store.quality_view(&s, now, Source::Kept).await.unwrap();
                    let got: Vec<(i64, String)> = view.late.iter().map(|l| (-l.minutes, l.code.clone())).collect();
                    let cut = &want[..limit.min(want.len())];
                    assert_eq!(got, cut, "{s:?}");
                }
            }
        }
    }
}

/// A repeatable stream of numbers below `n` (xorshift) from a seed.
fn numbers(mut rng: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    }
}

//! Issue 21, press information (Decree 244/2025): the yearly report on a
//! fixture year crossing 15 December at both ends equals a hand count, over
//! the API, on the page (each count a link to exactly its records), in the
//! PDF and in the workbook; what is due and overdue on a fixed clock; the
//! forms say every problem at once and keep what was typed.

use crate::common::*;

async fn admin_at(at: &str) -> (TestApp, Client) {
    let clock = egov_web::Clock::fixed(chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").expect("a time"));
    let mut settings = egov_web::Settings::default();
    settings.app.clock = clock;
    let app = spawn_with(settings).await;
    let admin = app.client();
    admin.login("demo.agency-admin", DEMO_PASSWORD).await;
    (app, admin)
}

/// The fixture: (entry, completion), in the order recorded.
fn fixture() -> Vec<(serde_json::Value, Option<serde_json::Value>)> {
    use serde_json::json;
    let agency = egov::demo::COMMUNE_A;
    let conf = |subject: &str, on: &str, held: &str| {
        (
            json!({"agency": agency, "kind": "conference", "subject": subject, "on": on}),
            Some(json!({"at": held, "text": "Tài liệu họp báo"})),
        )
    };
    let request = |subject: &str, on: &str, deadline: &str, answered: Option<&str>| {
        (
            json!({"agency": agency, "kind": "request", "subject": subject, "journalist": "Lê Văn B", "outlet": "Báo Tây Ninh", "on": on, "deadline": deadline}),
            answered.map(|a| json!({"at": a, "text": "Trả lời bằng văn bản", "by": "Chánh Văn phòng"})),
        )
    };
    let event = |subject: &str, known: &str, statement: &str| {
        (
            json!({"agency": agency, "kind": "event", "subject": subject, "known_at": known}),
            Some(json!({"at": statement, "text": "Thông cáo báo chí", "by": "Chủ tịch UBND xã"})),
        )
    };
    vec![
        conf("Họp báo 1 (năm trước)", "2024-12-10", "2024-12-14"),
        conf("Họp báo 2", "2024-12-15", "2024-12-15"),
        conf("Họp báo 3", "2025-06-20", "2025-06-30"),
        conf("Họp báo 4", "2025-12-14", "2025-12-14"),
        conf("Họp báo 5 (năm sau)", "2025-12-15", "2025-12-15"),
        (
            json!({"agency": agency, "kind": "briefing", "subject": "Giao ban báo chí tháng 1", "on": "2025-01-10"}),
            None,
        ),
        request("Câu hỏi 7", "2024-12-20", "2024-12-27", Some("2024-12-26")),
        request("Câu hỏi 8", "2025-04-01", "2025-04-08", Some("2025-04-10")),
        request("Câu hỏi 9", "2025-12-10", "2025-12-12", None),
        request("Câu hỏi 10", "2025-12-15", "2025-12-20", None),
        event("Sự kiện 11", "2024-12-15T00:00", "2024-12-15T20:00"),
        event("Sự kiện 12", "2025-08-01T09:00", "2025-08-03T09:00"),
        event("Sự kiện 13 (năm trước)", "2024-12-14T23:59", "2024-12-15T01:00"),
        (
            json!({"agency": agency, "kind": "correction", "subject": "Tin sai 14", "outlet": "Trang tin X", "on": "2025-12-14"}),
            None,
        ),
        (
            json!({"agency": agency, "kind": "periodic", "subject": "Thông tin định kỳ tháng 12", "on": "2025-12-05"}),
            None,
        ),
    ]
}

#[tokio::test]
async fn the_yearly_press_report_equals_a_hand_count_on_a_year_crossing_15_december() {
    let (app, admin) = admin_at("2025-12-16 09:00").await;
    let api = app.as_user("demo.agency-admin").await;
    let mut ids = Vec::new();
    for (entry, done) in fixture() {
        let r = api.post_json("/api/v1/press/entries", &entry.to_string()).await;
        assert_eq!(r.status, 201, "{entry}: {}", r.text);
        let id = r.json()["id"].as_i64().unwrap();
        if let Some(d) = done {
            let r = api.post_json(&format!("/api/v1/press/entries/{id}/done"), &d.to_string()).await;
            assert_eq!(r.status, 204, "{d}: {}", r.text);
        }
        ids.push(id);
    }
    // the fixture's records by their number in it (1-based)
    let n = |k: &[usize]| k.iter().map(|i| ids[i - 1]).collect::<Vec<i64>>();
    // completed once only
    let again = api.post_json(&format!("/api/v1/press/entries/{}/done", ids[1]), r#"{"at":"2025-01-01"}"#).await;
    assert_eq!(again.status, 409, "{}", again.text);
    // by hand, the 2025 report (15 Dec 2024 – 14 Dec 2025): conferences held 2, 3, 4;
    // briefing 6; requests received 7, 8, 9, answered 7, 8, on time 7; events known
    // 11, 12 (13 on 14 Dec 2024), a statement within 24 hours 11; correction 14
    let hand = [
        ("conferences", n(&[2, 3, 4])),
        ("briefings", n(&[6])),
        ("requests", n(&[7, 8, 9])),
        ("answered", n(&[7, 8])),
        ("answered_on_time", n(&[7])),
        ("events", n(&[11, 12])),
        ("statements_on_time", n(&[11])),
        ("corrections", n(&[14])),
    ];
    let report = api.get("/api/v1/press/report?year=2025").await;
    assert_eq!(report.status, 200, "{}", report.text);
    let report = report.json();
    assert_eq!((report["from"].as_str(), report["to"].as_str()), (Some("2024-12-15"), Some("2025-12-14")));
    for (key, want) in &hand {
        let got: Vec<i64> =
            report["counts"][key]["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(&got, want, "{key}");
        assert_eq!(report["counts"][key]["n"].as_u64(), Some(want.len() as u64), "{key}");
    }
    // the next year takes what came from 15 December
    let next = api.get("/api/v1/press/report?year=2026").await.json();
    assert_eq!(next["counts"]["conferences"]["ids"], serde_json::json!(n(&[5])));
    assert_eq!(next["counts"]["requests"]["ids"], serde_json::json!(n(&[10])));

    // the page: each count a link to exactly the records it counts
    let page = admin.get("/quan-tri/thong-tin-bao-chi?nam=2025").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("href=\"/quan-tri/thong-tin-bao-chi?nam=2025&amp;dem=answered_on_time#ho-so\""),
        "{}",
        page.text
    );
    let counted = admin.get("/quan-tri/thong-tin-bao-chi?nam=2025&dem=answered_on_time").await.text;
    assert!(
        counted.contains("Câu hỏi 7") && !counted.contains("Câu hỏi 8") && !counted.contains("Họp báo 2"),
        "{counted}"
    );
    let held = admin.get("/quan-tri/thong-tin-bao-chi?nam=2025&dem=conferences").await.text;
    for (i, subject) in [(2, "Họp báo 2"), (3, "Họp báo 3"), (4, "Họp báo 4")] {
        assert!(
            held.contains(&format!("<td>{}</td><th scope=\"row\" id=\"s-{}\">{subject}</th>", ids[i - 1], ids[i - 1])),
            "{subject}"
        );
    }
    assert!(!held.contains("Họp báo 1 (năm trước)") && !held.contains("Họp báo 5 (năm sau)"));

    // what is due on 16 December 2025 at 09:00: request 9 overdue (by 12 December),
    // request 10 due (by 20 December), correction 14 waiting; the quarter's conference
    // held (4, on 14 December); December's periodic information given (15)
    let due = page.text.split("id=\"due-h\"").nth(1).unwrap().split("</section>").next().unwrap();
    let row = |subject: &str| {
        due.split(&format!("<th scope=\"row\">{subject}</th>"))
            .nth(1)
            .map(|r| r.split("</tr>").next().unwrap().to_string())
    };
    assert!(row("Câu hỏi 9").is_some_and(|r| r.contains("Quá hạn")), "{due}");
    assert!(row("Câu hỏi 10").is_some_and(|r| r.contains("Đến hạn") && r.contains("20/12/2025 23:59")), "{due}");
    assert!(row("Tin sai 14").is_some(), "{due}");
    assert!(row("Họp báo quý 4/2025").is_none() && row("Thông tin định kỳ tháng 12/2025").is_none(), "{due}");
    // months of 2025 without periodic information are overdue (January, for one)
    assert!(row("Thông tin định kỳ tháng 1/2025").is_some_and(|r| r.contains("Quá hạn")), "{due}");

    // the PDF, read back: each figure with its number and its records
    let text = pdf_text(&admin.get_bytes("/quan-tri/thong-tin-bao-chi/bao-cao.pdf?nam=2025").await);
    assert!(text.contains("Báo cáo công tác phát ngôn và cung cấp thông tin cho báo chí năm 2025"), "{text}");
    let line = |words: &str| text.lines().find(|l| l.contains(words)).unwrap_or_default().to_string();
    let ids_of = |k: &[usize]| n(k).iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ");
    assert!(
        line("Số cuộc họp báo đã tổ chức").contains(" 3 ")
            && line("Số cuộc họp báo đã tổ chức").contains(&ids_of(&[2, 3, 4])),
        "{text}"
    );
    assert!(line("Số yêu cầu trả lời đúng hạn").contains(&ids_of(&[7])), "{text}");
    // the workbook, read back
    use calamine::Reader;
    let bytes = admin.get_bytes("/quan-tri/thong-tin-bao-chi/bao-cao.xlsx?nam=2025").await;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Số liệu", "Hồ sơ"]);
    let figures = wb.worksheet_range("Số liệu").unwrap();
    for (row, (key, want)) in hand.iter().enumerate() {
        let row = row as u32 + 1;
        assert_eq!(figures.get_value((row, 1)), Some(&calamine::Data::Float(want.len() as f64)), "{key}");
        let listed = want.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ");
        assert_eq!(figures.get_value((row, 2)).map(|c| c.to_string()), Some(listed), "{key}");
    }
    let records = wb.worksheet_range("Hồ sơ").unwrap();
    assert!(
        records.rows().any(|r| r.first().map(|c| c.to_string()) == Some(format!("#{}", ids[13]))),
        "correction 14 listed"
    );
}

#[tokio::test]
async fn the_press_forms_say_every_problem_at_once_and_complete_a_record() {
    let (app, admin) = admin_at("2026-05-15 07:00").await;
    let page = admin.get("/quan-tri/thong-tin-bao-chi").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Phát ngôn và cung cấp thông tin cho báo chí 2026"));
    let csrf = page.csrf();
    let r = admin
        .post_form(
            "/quan-tri/thong-tin-bao-chi",
            &[
                ("csrf", &csrf),
                ("kind", "request"),
                ("subject", "Tiến độ xây trường?"),
                ("on", "2026-05-10"),
                ("deadline", "2026-05-01"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for f in ["entry-journalist", "entry-outlet", "entry-deadline"] {
        assert!(r.text.contains(&format!("href=\"#{f}\"")), "{f}: {}", r.text);
    }
    assert!(r.text.contains("value=\"Tiến độ xây trường?\""));
    let r = admin
        .post_form(
            "/quan-tri/thong-tin-bao-chi",
            &[("csrf", &csrf), ("kind", "event"), ("subject", "Sạt lở bờ sông"), ("known_at", "2026-05-14T08:00")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = admin.get("/quan-tri/thong-tin-bao-chi").await.text;
    let id: i64 =
        page.split("action=\"/quan-tri/thong-tin-bao-chi/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    // the event's first statement is due by 15 May 08:00: an hour left
    assert!(page.contains("15/05/2026 08:00"), "{page}");
    // a statement needs a time, its words and who spoke; the form comes back open
    let done = format!("/quan-tri/thong-tin-bao-chi/{id}/xong");
    let r = admin.post_form(&done, &[("csrf", &csrf), ("at", "2026-05-14"), ("text", "")]).await;
    assert_eq!(r.status, 422);
    for f in ["at", "text", "by"] {
        assert!(r.text.contains(&format!("href=\"#done-{id}-{f}\"")), "{f}: {}", r.text);
    }
    assert!(r.text.contains("<details open>"));
    let r = admin
        .post_form(
            &done,
            &[
                ("csrf", &csrf),
                ("at", "2026-05-14T20:00"),
                ("text", "Đã sơ tán các hộ dân."),
                ("by", "Chủ tịch UBND xã"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let report = app.as_user("demo.agency-admin").await.get("/api/v1/press/report?year=2026").await.json();
    assert_eq!(report["counts"]["statements_on_time"]["ids"], serde_json::json!([id]));
    // an official who keeps no press records neither sees nor completes it
    let writer = app.as_user("demo.specialist").await;
    let r = writer
        .post_json(&format!("/api/v1/press/entries/{id}/done"), r#"{"at":"2026-05-14T21:00","text":"x","by":"y"}"#)
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(writer.get("/api/v1/press/report?year=2026").await.status, 403);
    // the system administrator's second statement is refused: it was made
    let r = app
        .as_user("demo.admin")
        .await
        .post_json(&format!("/api/v1/press/entries/{id}/done"), r#"{"at":"2026-05-14T21:00","text":"x","by":"y"}"#)
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
}

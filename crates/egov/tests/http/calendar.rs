//! The working-day calendar end to end: command line, API, pages, back office.

use std::process::Command;

use crate::common::*;

fn egov(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_egov")).args(args).output().expect("run egov");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

#[test]
fn lunar_and_solar_on_the_command_line() {
    for (solar, lunar) in [
        ("1985-01-21", "1/1/1985"),
        ("2007-02-17", "1/1/2007"),
        ("2025-01-29", "1/1/2025"),
        ("2026-02-17", "1/1/2026"),
        ("2027-02-06", "1/1/2027"),
        ("2030-02-02", "1/1/2030"),
        ("2025-04-07", "10/3/2025"),
        ("2026-04-26", "10/3/2026"),
        ("2027-04-16", "10/3/2027"),
        ("2025-07-25", "1/6/2025 leap"),
    ] {
        assert_eq!(egov(&["calendar", "lunar", solar]).1, lunar, "{solar}");
        let (date, leap) = lunar.split_once(' ').map(|(d, _)| (d, true)).unwrap_or((lunar, false));
        let mut args = vec!["calendar", "solar", date];
        if leap {
            args.push("--leap");
        }
        assert_eq!(egov(&args).1, solar, "{lunar}");
    }
    for (args, msg) in [
        (vec!["calendar", "solar", "31/2/2025"], "day 31"),
        (vec!["calendar", "solar", "1/13/2025"], "month 13"),
        (vec!["calendar", "solar", "1/3/2025", "--leap"], "no leap month 3"),
        (vec!["calendar", "solar", "30/2/2026"], "only 29 days"),
        (vec!["calendar", "solar", "tết"], "not a lunar date"),
        (vec!["calendar", "lunar", "2025-02-30"], "not a date"),
        (vec!["calendar", "lunar", "3000-01-01"], "outside"),
    ] {
        let (ok, _, err) = egov(&args);
        assert!(!ok, "{args:?}");
        assert!(err.contains(msg) && !err.contains("panicked"), "{args:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holidays_and_due_dates_on_the_command_line_use_the_announcements() {
    let app = spawn().await;
    let out = app.cli(&["calendar", "holidays", "2026"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    // the demo announcement for 2026: weekdays only, sorted, tab-separated
    assert_eq!(lines[0], "2026-01-01\tTết Dương lịch");
    assert!(lines[1].starts_with("2026-01-02\t"));
    assert!(
        lines.iter().any(|l| l.starts_with("2026-02-20\t")) && !lines.iter().any(|l| l.starts_with("2026-02-21")),
        "weekends are not listed"
    );
    assert!(lines.iter().any(|l| l.starts_with("2026-11-24\t")));
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(sorted, lines);
    // 2027 by rule
    let out = app.cli(&["calendar", "holidays", "2027"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2027-04-16\tGiỗ Tổ Hùng Vương"));
    let due = |from: &str, flag: &str, n: &str| {
        let out = app.cli(&["calendar", "due", "--from", from, flag, n]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(due("2026-03-06 15:01", "--days", "3"), "2026-03-11 17:00");
    assert_eq!(due("2026-02-12 10:00", "--days", "5"), "2026-02-26 10:00");
    assert_eq!(due("2026-01-09 09:00", "--days", "1"), "2026-01-10 09:00");
    assert_eq!(due("2026-03-02 10:30", "--hours", "2"), "2026-03-02 14:00");
    let out = app.cli(&["calendar", "due", "--from", "tomorrow", "--days", "1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD HH:MM"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_api() {
    let app = spawn().await;
    let c = app.client();
    let j = c.get("/api/v1/calendar/lunar?date=2025-07-25").await.json();
    assert_eq!((j["lunar"].as_str().unwrap(), j["leap"].as_bool().unwrap()), ("1/6/2025 leap", true));
    let j = c.get("/api/v1/calendar/solar?date=10/3/2026").await.json();
    assert_eq!(j["date"], "2026-04-26");
    let j = c.get("/api/v1/calendar/holidays/2026").await.json();
    assert_eq!(j["announced"], true);
    assert_eq!(j["working_days"][0]["date"], "2026-01-10");
    let j = c.get("/api/v1/calendar/due?from=2026-03-06%2015:01&days=3").await.json();
    assert_eq!(
        (j["clock_start"].as_str().unwrap(), j["due"].as_str().unwrap()),
        ("2026-03-09 07:30", "2026-03-11 17:00")
    );
    let j = c.get("/api/v1/calendar/working-days?from=2026-02-13&to=2026-02-24").await.json();
    assert_eq!(j["working_days"], 2, "Friday 13 and Monday 23 around Tết");
    for (path, needle) in [
        ("/api/v1/calendar/working-days?from=2026-02-13&to=soon", "YYYY-MM-DD"),
        ("/api/v1/calendar/solar?date=31/2/2025", "1 to 30"),
        ("/api/v1/calendar/solar?date=1/13/2025", "1 to 12"),
        ("/api/v1/calendar/lunar?date=2025-13-01", "YYYY-MM-DD"),
        ("/api/v1/calendar/holidays/99999", "1900–2100"),
        ("/api/v1/calendar/due?from=2026-03-06&days=3", "HH:MM"),
    ] {
        let r = c.get(&format!("{path}{}lang=en", if path.contains('?') { "&" } else { "?" })).await;
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.header("content-type"), "application/problem+json");
        assert!(r.json()["title"].as_str().unwrap().contains(needle), "{path}: {}", r.text);
    }
    // well written, but against a rule: no such day, not one span, past the calendar
    for (path, needle) in [
        ("/api/v1/calendar/solar?date=1/3/2025&leap=true", "no such leap month"),
        ("/api/v1/calendar/due?from=2026-03-06%2010:00", "days=N"),
        ("/api/v1/calendar/due?from=2026-03-06%2010:00&days=1&hours=2", "days=N"),
        ("/api/v1/calendar/due?from=2100-12-31%2016:00&days=30", "1900–2100"),
    ] {
        let r = c.get(&format!("{path}&lang=en")).await;
        assert_eq!(r.status, 422, "{path}: {}", r.text);
        assert!(r.json()["title"].as_str().unwrap().contains(needle), "{path}: {}", r.text);
    }
    let doc = c.get("/api/openapi.json").await.json();
    for p in
        ["/api/v1/calendar/lunar", "/api/v1/calendar/solar", "/api/v1/calendar/holidays/{year}", "/api/v1/calendar/due"]
    {
        assert!(doc["paths"][p].is_object(), "{p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_year_page_shows_every_month_with_days_off_and_lunar_days() {
    let app = spawn().await;
    let r = app.client().get("/lich?year=2026").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text.matches("<table class=\"month\">").count(), 12);
    assert!(r.text.contains("Ngày Văn hóa Việt Nam"));
    assert!(r.text.contains("class=\"makeup\""), "the swapped Saturday");
    assert!(r.text.contains("<span class=\"l\">1/1</span>"), "Tết marked with its lunar month");
    let r = app.client().get("/lich?year=2026&lang=en").await;
    assert!(r.text.contains("Make-up day for Friday 2 Jan"));
    assert_eq!(app.client().get("/lich?year=abc").await.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_announces_a_year_which_then_overrides_the_rule() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let page = c.get("/quan-tri/lich/2027").await;
    assert_eq!(page.status, 200);
    // prefilled from the rules, a row per day with a date picker
    assert!(page.text.contains("type=\"date\" value=\"2027-04-16\""), "prefilled from the rules");
    assert!(page.text.contains("value=\"Giỗ Tổ Hùng Vương\""));
    let csrf = page.csrf();
    let post = |rows: &[(&str, &str)], button: &str| {
        let mut f: Vec<(String, String)> = vec![("csrf".into(), csrf.clone()), (button.into(), "1".into())];
        f.extend(rows.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let c = &c;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            c.post_form("/quan-tri/lich/2027", &pairs).await
        }
    };
    // a bad date and a nameless day: refused on their rows, linked from the summary, what was typed kept
    let r = post(
        &[
            ("off0_date", "2027-01-01"),
            ("off0_vi", "Tết Dương lịch"),
            ("off1_date", "2027-13-01"),
            ("off1_vi", "Sai"),
            ("off2_date", "2027-02-05"),
        ],
        "save",
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("<title>Lỗi: "), "{}", &r.text[..300]);
    assert!(r.text.contains("href=\"#off1_date\"") && r.text.contains("href=\"#off2_date\""));
    assert!(r.text.contains("value=\"Sai\""));
    let r = post(
        &[("off0_date", "2027-01-01"), ("off0_vi", "Tết"), ("work0_date", "2027-01-05"), ("work0_vi", "Thứ Ba")],
        "save",
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("thứ Bảy hoặc Chủ nhật") && r.text.contains("href=\"#work0_date\""));
    // more rows, then a preview, neither of which saves
    let rows = [
        ("off0_date", "2027-01-01"),
        ("off0_vi", "Tết Dương lịch"),
        ("off0_en", "New Year"),
        ("off1_date", "2027-01-04"),
        ("off1_vi", "Nghỉ hoán đổi"),
        ("off1_en", "Swapped"),
        ("work0_date", "2027-01-09"),
        ("work0_vi", "Làm bù"),
        ("work0_en", "Make-up"),
        ("source", "Thông báo 1/TB"),
    ];
    let r = post(&rows, "more").await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("id=\"off4_date\"") && r.text.contains("id=\"work3_date\""), "three more blank rows each");
    let r = post(&rows, "preview").await;
    assert_eq!(r.status, 200);
    assert!(
        r.text.contains("Thứ Hai, 04/01/2027: Nghỉ hoán đổi") && r.text.contains("Thứ Bảy, 09/01/2027: Làm bù"),
        "{}",
        r.text
    );
    // 261 weekdays in 2027, less two days off, plus a Saturday worked
    assert!(r.text.contains("Số ngày làm việc trong năm: <strong>260</strong>"));
    assert_eq!(app.client().get("/api/v1/calendar/holidays/2027").await.json()["announced"], false);
    // a real announcement: only New Year and a swapped Monday, worked on Saturday 9 Jan
    let r = post(&rows, "save").await;
    assert_eq!(r.status, 303, "{}", r.text);
    let j = app.client().get("/api/v1/calendar/holidays/2027").await.json();
    assert_eq!(j["announced"], true);
    assert_eq!(j["days_off"].as_array().unwrap().len(), 2, "the announcement replaced the rule: {j}");
    let j = app.client().get("/api/v1/calendar/due?from=2027-01-08%2009:00&days=1").await.json();
    assert_eq!(j["due"], "2027-01-09 09:00");
    // the CLI sees it too, and the audit log has it
    let out = app.cli(&["calendar", "holidays", "2027"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    assert!(app.store.recent_audit(3).await.unwrap().iter().any(|e| e.event.action == "calendar.announce"));
    // others may not
    let o = app.client();
    o.login("demo.agency-admin", DEMO_PASSWORD).await;
    assert_eq!(o.get("/quan-tri/lich/2027").await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_import_from_csv_all_or_nothing() {
    let app = spawn().await;
    let dir = std::env::temp_dir().join(format!("egov-cal-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "year,date,kind,name_vi,name_en\n2028,2028-01-01,off,Tết,New Year\n2028,2028-01-04,work,Làm bù,Make-up\n",
    )
    .unwrap();
    let out = app.cli(&["calendar", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Saturday or Sunday"));
    assert_eq!(app.client().get("/api/v1/calendar/holidays/2028").await.json()["announced"], false);
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "year,date,kind,name_vi,name_en\n2028,2028-01-03,off,Nghỉ,Off\n2028,2028-01-08,work,Làm bù,Make-up\n",
    )
    .unwrap();
    let out = app.cli(&["calendar", "import", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // the running server picks it up within its refresh period
    let mut announced = false;
    for _ in 0..80 {
        if app.client().get("/api/v1/calendar/holidays/2028").await.json()["announced"] == true {
            announced = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(announced);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let j = app.client().get("/api/v1/calendar/holidays/2028").await.json();
        if j["working_days"].as_array().is_some_and(|w| w.len() == 1) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{j}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn working_hours_and_cut_off_are_configurable() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.admin", DEMO_PASSWORD).await;
    let page = c.get("/quan-tri/lich").await;
    assert!(page.text.contains("value=\"07:30-11:30, 13:00-17:00\""));
    let csrf = page.csrf();
    let mut form = vec![("csrf", csrf.as_str()), ("cutoff", "16:00"), ("day_hours", "8")];
    let days = ["07:00-11:00, 13:00-17:00"; 5];
    let names = ["shifts_0", "shifts_1", "shifts_2", "shifts_3", "shifts_4"];
    for (n, d) in names.iter().zip(days.iter()) {
        form.push((n, d));
    }
    form.push(("shifts_5", ""));
    form.push(("shifts_6", "bad"));
    let r = c.post_form("/quan-tri/lich", &form).await;
    assert_eq!(r.status, 422);
    assert!(
        r.text.contains("value=\"bad\"") && r.text.contains("value=\"07:00-11:00, 13:00-17:00\""),
        "typed values kept"
    );
    form.pop();
    form.push(("shifts_6", ""));
    let r = c.post_form("/quan-tri/lich", &form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    // 15:30 is now before the cut-off: Monday 15:30 + 1 day = Tuesday 15:30
    let j = app.client().get("/api/v1/calendar/due?from=2026-03-02%2015:30&days=1").await.json();
    assert_eq!(j["due"], "2026-03-03 15:30");
    let j = app.client().get("/api/v1/calendar/due?from=2026-03-02%2016:30&days=1").await.json();
    assert_eq!(j["clock_start"], "2026-03-03 07:00");
}

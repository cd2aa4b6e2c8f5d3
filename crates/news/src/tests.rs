use chrono::NaiveDateTime;

use crate::workflow::shows;
use crate::*;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn a_body_keeps_the_rich_text_subset_and_loses_everything_that_runs() {
    let dirty = r#"<h2 onclick="steal()">Tiêu đề</h2><script>alert(1)</script>
<p style="width: expression(alert(1))">Đoạn <a href="javascript:alert(1)">xấu</a> và <a href="https://tayninh.gov.vn/a" onmouseover="x()">tốt</a></p>
<svg><script>alert(2)</script><circle r="1"/></svg><img src="x" onerror="alert(3)" alt="Ảnh">
<iframe src="https://evil.example"></iframe><table><tr><th scope="col">A</th></tr></table>
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a><style>p{color:red}</style><ul><li>một</li></ul>"#;
    let clean = sanitise(dirty);
    for gone in [
        "<script",
        "onclick",
        "onmouseover",
        "onerror",
        "javascript:",
        "<svg",
        "<circle",
        "expression",
        "style",
        "<iframe",
        "data:text",
    ] {
        assert!(!clean.contains(gone), "{gone} in {clean}");
    }
    for kept in [
        "<h2>Tiêu đề</h2>",
        "href=\"https://tayninh.gov.vn/a\"",
        "rel=\"noopener noreferrer\"",
        "<img src=\"x\" alt=\"Ảnh\">",
        "<th scope=\"col\">A</th>",
        "<li>một</li>",
    ] {
        assert!(clean.contains(kept), "{kept} not in {clean}");
    }
    assert_eq!(body::text_of("<p>Tin &amp; bài</p><p>hai</p>"), "Tin & bài hai");
}

#[test]
fn an_article_says_every_problem_at_once_and_comes_out_clean() {
    let bad = ArticleInput {
        language: "fr".into(),
        body: "<script>x</script>".into(),
        category: "x".into(),
        image: Some(1),
        ..Default::default()
    };
    let fields: Vec<&str> = bad.check(&["tin-hoat-dong"]).unwrap_err().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["language", "title", "summary", "body", "category", "image_alt"]);
    let ok = ArticleInput {
        language: "vi".into(),
        title: " Chuyển đổi số năm 2026 ".into(),
        summary: "Tóm tắt".into(),
        body: "<p onclick='x'>Nội dung</p>".into(),
        category: "tin-hoat-dong".into(),
        tags: "chuyển đổi số,  dữ liệu ,,".into(),
        ..Default::default()
    };
    let a = ok.check(&["tin-hoat-dong"]).unwrap();
    assert_eq!(
        (a.title.as_str(), a.body.as_str(), a.tags.clone()),
        ("Chuyển đổi số năm 2026", "<p>Nội dung</p>", vec!["chuyển đổi số".to_string(), "dữ liệu".into()])
    );
    assert_eq!(slug(&a.title), "chuyen-doi-so-nam-2026");
    assert_eq!(slug("Đường (ĐT.782) — 10%!"), "duong-dt-782-10");
}

#[test]
fn the_workflow_goes_writer_editor_publisher_and_says_who_may_not() {
    let now = at("2026-12-01 08:00");
    let s = next(State::Draft, Desk::Writer, &Step::Submit).unwrap();
    assert_eq!(s, State::Review);
    assert_eq!(next(s, Desk::Writer, &Step::Approve).unwrap_err().key, "err.news.desk");
    assert_eq!(next(s, Desk::Editor, &Step::SendBack { note: " ".into() }).unwrap_err().field, "note");
    assert_eq!(next(s, Desk::Editor, &Step::SendBack { note: "Sửa tiêu đề".into() }).unwrap(), State::Draft);
    let s = next(s, Desk::Editor, &Step::Approve).unwrap();
    assert_eq!(next(s, Desk::Editor, &Step::Publish { at: now }).unwrap_err().key, "err.news.desk");
    let s = next(s, Desk::Publisher, &Step::Publish { at: now }).unwrap();
    assert_eq!(s, State::Published);
    assert_eq!(next(s, Desk::Publisher, &Step::Submit).unwrap_err().key, "err.news.state");
    assert_eq!(next(s, Desk::Publisher, &Step::Unpublish { at: now, reason: "".into() }).unwrap_err().field, "reason");
    let down = next(s, Desk::Publisher, &Step::Unpublish { at: now, reason: "Thông tin đã cũ".into() }).unwrap();
    assert_eq!(next(down, Desk::Publisher, &Step::Publish { at: now }).unwrap(), State::Published, "published again");
    // shown from its publication until its unpublication
    let (p, u) = (Some(at("2026-12-02 07:00")), Some(at("2026-12-05 00:00")));
    assert!(!shows(State::Published, p, None, at("2026-12-02 06:59")));
    assert!(shows(State::Published, p, None, at("2026-12-02 07:00")));
    assert!(shows(State::Unpublished, p, u, at("2026-12-04 23:59")), "until its unpublication");
    assert!(!shows(State::Unpublished, p, u, at("2026-12-05 00:00")));
    assert!(!shows(State::Approved, p, None, at("2026-12-03 00:00")));
}

fn sample() -> NewArticle {
    NewArticle {
        language: Language::Vi,
        title: "Chuyển đổi số năm 2026".into(),
        summary: "Tỉnh đẩy mạnh".into(),
        body: "<p>Đoạn một.</p><h2>Kết quả</h2><ul><li>Một</li><li>Hai</li></ul>".into(),
        category: "chuyen-doi-so".into(),
        tags: vec!["Dữ liệu số".into()],
        image_alt: String::new(),
        image: None,
    }
}

#[test]
fn an_article_is_found_by_its_words_folded_as_the_catalog_folds_them() {
    let f = crate::index::folded(&sample());
    assert!(f.starts_with("chuyen doi so nam 2026 tinh"), "{f}");
    assert_eq!(f.matches("so ").count(), 1, "each word once: {f}");
    for q in ["CHUYEN ĐỔI", "dữ liệu", "ket qua", "chuy"] {
        assert!(crate::index::matches(&f, &crate::index::words(q)), "{q}");
    }
    for q in ["chuyen khoan", "hai ba"] {
        assert!(!crate::index::matches(&f, &crate::index::words(q)), "{q}");
    }
    assert_eq!(crate::index::tag_key("Dữ liệu số"), "du-lieu-so");
    assert_eq!(crate::index::words("  ").len(), 0);
    assert_eq!(crate::index::words("a b c d e f g h i j").len(), 8);
}

#[test]
fn two_revisions_compare_block_by_block() {
    use crate::compare::{compare, lines, Line};
    let labels = ["Tiêu đề", "Tóm tắt", "Chuyên mục", "Thẻ", "Ảnh"];
    let old = sample();
    let mut new = old.clone();
    new.title = "Chuyển đổi số 2026".into();
    new.body = "<p>Đoạn một.</p><h2>Kết quả</h2><ul><li>Một</li><li>Ba</li></ul>".into();
    let (a, b) = (lines(&old, labels), lines(&new, labels));
    assert_eq!(a[5..], ["Đoạn một.", "Kết quả", "Một", "Hai"]);
    let d = compare(&a, &b);
    let removed: Vec<&Line> = d.iter().filter(|l| matches!(l, Line::Removed(_))).collect();
    let added: Vec<&Line> = d.iter().filter(|l| matches!(l, Line::Added(_))).collect();
    assert_eq!(removed, [&Line::Removed("Tiêu đề: Chuyển đổi số năm 2026".into()), &Line::Removed("Hai".into())]);
    assert_eq!(added, [&Line::Added("Tiêu đề: Chuyển đổi số 2026".into()), &Line::Added("Ba".into())]);
    assert_eq!(d.iter().filter(|l| matches!(l, Line::Same(_))).count(), 7);
}

#[test]
fn an_image_is_read_from_its_bytes_and_made_into_the_sizes_served() {
    // a 1,200 × 600 PNG with a transparent half
    let img = ::image::RgbaImage::from_fn(1200, 600, |x, _| {
        if x < 600 {
            ::image::Rgba([200, 30, 30, 255])
        } else {
            ::image::Rgba([0, 0, 0, 0])
        }
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), ::image::ImageFormat::Png).unwrap();
    let ((w, h), sizes) = crate::image::sizes(&png).unwrap();
    assert_eq!((w, h), (1200, 600));
    let got: Vec<(u32, u32)> = sizes.iter().map(|s| (s.width, s.height)).collect();
    assert_eq!(got, [(480, 240), (960, 480), (1200, 600)]);
    for s in &sizes {
        let back = ::image::load_from_memory(&s.bytes).unwrap();
        assert_eq!(::image::guess_format(&s.bytes).unwrap(), ::image::ImageFormat::Jpeg);
        assert_eq!((back.width(), back.height()), (s.width, s.height));
        // the transparent half is white, the other red
        let px = back.to_rgb8();
        let (left, right) = (px.get_pixel(10, 10).0, px.get_pixel(s.width - 10, 10).0);
        assert!(left[0] > 150 && left[1] < 80, "{left:?}");
        assert!(right.iter().all(|c| *c > 240), "{right:?}");
    }
    // what is not an image, whatever it is called, is refused; so is a broken one
    assert_eq!(crate::image::sizes(b"<svg onload=alert(1)></svg>").unwrap_err().key, "err.news.image");
    assert_eq!(crate::image::sizes(b"GIF89a\x01\x00\x01\x00").unwrap_err().key, "err.news.image");
    assert_eq!(crate::image::sizes(&png[..200]).unwrap_err().key, "err.news.image_broken");
}

#[test]
fn the_steps_offered_are_those_the_workflow_allows() {
    use crate::workflow::open_steps;
    assert_eq!(open_steps(State::Draft, Desk::Writer), ["submit"]);
    assert_eq!(open_steps(State::Review, Desk::Writer), Vec::<&str>::new());
    assert_eq!(open_steps(State::Review, Desk::Editor), ["send_back", "approve"]);
    assert_eq!(open_steps(State::Approved, Desk::Editor), Vec::<&str>::new());
    assert_eq!(open_steps(State::Approved, Desk::Publisher), ["send_back", "publish"]);
    assert_eq!(open_steps(State::Published, Desk::Publisher), ["unpublish"]);
    assert_eq!(open_steps(State::Unpublished, Desk::Publisher), ["publish"]);
}

#[test]
fn a_spokesperson_entry_says_every_problem_and_a_delegation_is_written_and_limited() {
    use crate::spokesperson::{current, late, EntryInput, Kind};
    let bad = EntryInput {
        kind: "delegated".into(),
        phone: "12ab".into(),
        email: "x@".into(),
        appointed_at: "2026-13-01T08:00".into(),
        ..Default::default()
    };
    let fields: Vec<&str> = bad.check().unwrap_err().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["full_name", "title", "phone", "email", "appointed_at", "instrument", "scope", "ends_on"]);
    let ok = EntryInput {
        kind: "delegated".into(),
        full_name: "Trần Văn Bình".into(),
        title: "Phó Giám đốc Sở".into(),
        phone: "+84 276 382 2222".into(),
        email: "binh@tayninh.gov.vn".into(),
        appointed_at: "2026-12-01T08:00".into(),
        instrument: "Văn bản ủy quyền số 12/UQ-SKHCN".into(),
        scope: "Sự cố mất điện tại trung tâm dữ liệu".into(),
        ends_on: "2026-12-31".into(),
    };
    let e = ok.check().unwrap();
    assert_eq!((e.kind, e.ends_on.map(|d| d.to_string())), (Kind::Delegated, Some("2026-12-31".into())));
    let too_long = EntryInput { ends_on: "2027-06-01".into(), ..ok.clone() };
    assert_eq!(too_long.check().unwrap_err()[0].field, "ends_on", "a delegation is for a limited time");
    let appointed = EntryInput { kind: "appointed".into(), scope: "bỏ qua".into(), ends_on: String::new(), ..ok };
    let a = appointed.check().unwrap();
    assert_eq!((a.scope.as_str(), a.ends_on), ("", None));
    // the 24 hours, and who speaks when
    assert!(!late(at("2026-12-01 08:00"), at("2026-12-02 08:00")));
    assert!(late(at("2026-12-01 08:00"), at("2026-12-02 08:01")));
    assert!(current(&e, None, at("2026-12-31 23:59")) && !current(&e, None, at("2027-01-01 00:00")));
    assert!(
        !current(&a, Some(at("2026-12-10 00:00")), at("2026-12-10 00:00")) && current(&a, None, at("2030-01-01 00:00"))
    );
    assert!(!current(&a, None, at("2026-12-01 07:59")), "not before the appointment");
}

#[test]
fn the_press_summary_counts_what_was_ordered_delivered_and_accepted_in_the_year() {
    use crate::press::{summary, ContractInput, Delivery, DeliveryInput, OutletInput};
    let bad = ContractInput {
        items: "0".into(),
        from: "2026-12-01".into(),
        to: "2026-01-01".into(),
        budget: "abc".into(),
        ..Default::default()
    };
    let fields: Vec<&str> = bad.check().unwrap_err().iter().map(|p| p.field).collect();
    assert_eq!(fields, ["number", "subject", "items", "to", "budget"]);
    assert_eq!(OutletInput { kind: "blog".into(), ..Default::default() }.check().unwrap_err().len(), 4);
    assert_eq!(DeliveryInput::default().check().unwrap_err().len(), 3);
    let c = |n: &str, subject: &str, items: &str, from: &str, to: &str| {
        ContractInput {
            number: n.into(),
            subject: subject.into(),
            items: items.into(),
            from: from.into(),
            to: to.into(),
            budget: "10.000.000".into(),
        }
        .check()
        .unwrap()
    };
    let contracts = vec![
        (1, 7, c("01/HĐ", "Chuyển đổi số", "10", "2026-01-01", "2026-12-31")),
        (2, 7, c("02/HĐ", "Chuyển đổi số", "5", "2026-06-01", "2027-05-31")),
        (3, 7, c("03/HĐ", "Cải cách hành chính", "4", "2026-03-01", "2026-09-30")),
        (4, 9, c("04/HĐ", "Chuyển đổi số", "6", "2026-01-01", "2026-12-31")),
        (5, 9, c("05/HĐ", "Chuyển đổi số", "8", "2025-01-01", "2025-12-31")), // another year
    ];
    assert_eq!(contracts[0].2.budget, 10_000_000);
    let d = |on: &str| Delivery {
        title: "Bài".into(),
        where_when: "https://bao.vn/a".into(),
        delivered_on: chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap(),
    };
    let deliveries = vec![
        (1, d("2026-02-01"), true),
        (1, d("2026-03-01"), true),
        (1, d("2026-04-01"), false),
        (2, d("2026-07-01"), true),
        (2, d("2027-01-15"), true), // next year's
        (3, d("2026-05-01"), true),
        (3, d("2026-06-01"), true),
        (3, d("2026-07-01"), true),
        (3, d("2026-08-01"), true),
        (3, d("2026-08-15"), true), // more than ordered: due stays 0
        (5, d("2025-05-01"), true),
    ];
    let s = summary(&contracts, &deliveries, 2026);
    let got: Vec<(i64, &str, usize, i64, i64, i64, i64)> = s
        .iter()
        .map(|r| (r.outlet, r.subject.as_str(), r.contracts, r.ordered, r.delivered, r.accepted, r.due))
        .collect();
    // by hand: outlet 7 digital: contracts 1 and 2, 15 ordered, 4 delivered in 2026, 3 accepted
    // (2 of contract 1, 1 of contract 2), due (10 - 2) + (5 - 1) = 12
    assert_eq!(
        got,
        [
            (7, "Chuyển đổi số", 2, 15, 4, 3, 12),
            (7, "Cải cách hành chính", 1, 4, 5, 5, 0),
            (9, "Chuyển đổi số", 1, 6, 0, 0, 6)
        ]
        .iter()
        .map(|(o, s, c, a, b, x, y)| (*o, *s, *c, *a, *b, *x, *y))
        .collect::<Vec<_>>()
    );
    assert_eq!(s[0].budget, 20_000_000);
}

#[test]
fn the_yearly_press_report_counts_a_year_from_15_december_as_a_hand_count_does() {
    use crate::press_info::{period, report_year, statement_on_time, yearly, Record};
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(report_year(d("2025-12-14")), 2025);
    assert_eq!(report_year(d("2025-12-15")), 2026);
    assert_eq!(report_year(d("2026-12-14")), 2026);
    assert_eq!(period(2026), (d("2025-12-15"), d("2026-12-14")));
    assert!(statement_on_time(at("2026-03-01 10:00"), Some(at("2026-03-02 10:00"))));
    assert!(!statement_on_time(at("2026-03-01 10:00"), Some(at("2026-03-02 10:01"))));
    assert!(!statement_on_time(at("2026-03-01 10:00"), None));
    // a fixture crossing 15 December at both ends of the 2026 report year
    let records = vec![
        Record::Conference { id: 1, held_on: d("2025-12-14") }, // the 2025 report's
        Record::Conference { id: 2, held_on: d("2025-12-15") }, // the first day of 2026's
        Record::Conference { id: 3, held_on: d("2026-06-30") },
        Record::Conference { id: 4, held_on: d("2026-12-14") }, // its last day
        Record::Conference { id: 5, held_on: d("2026-12-15") }, // 2027's
        Record::Briefing { id: 6, on: d("2026-01-10") },
        Record::Request {
            id: 7,
            received: d("2025-12-20"),
            deadline: d("2025-12-27"),
            answered: Some(d("2025-12-26")),
        },
        Record::Request {
            id: 8,
            received: d("2026-04-01"),
            deadline: d("2026-04-08"),
            answered: Some(d("2026-04-10")),
        },
        Record::Request { id: 9, received: d("2026-12-10"), deadline: d("2026-12-17"), answered: None },
        Record::Request {
            id: 10,
            received: d("2026-12-16"),
            deadline: d("2026-12-23"),
            answered: Some(d("2026-12-17")),
        },
        Record::Event { id: 11, known: at("2025-12-15 00:00"), first_statement: Some(at("2025-12-15 20:00")) },
        Record::Event { id: 12, known: at("2026-08-01 09:00"), first_statement: Some(at("2026-08-03 09:00")) },
        Record::Event { id: 13, known: at("2025-12-14 23:59"), first_statement: Some(at("2025-12-15 01:00")) },
        Record::Correction { id: 14, requested_on: d("2026-12-14") },
    ];
    let y = yearly(&records, 2026);
    // by hand: conferences 2, 3, 4; briefing 6; requests 7, 8, 9 (10 is 2027's), answered 7, 8,
    // on time 7; events 11, 12 (13 became known on 14 Dec 2025), on time 11; correction 14
    assert_eq!(y.conferences.ids, [2, 3, 4]);
    assert_eq!(y.briefings.ids, [6]);
    assert_eq!(
        (y.requests.ids.clone(), y.answered.ids.clone(), y.answered_on_time.ids.clone()),
        (vec![7, 8, 9], vec![7, 8], vec![7])
    );
    assert_eq!((y.events.ids.clone(), y.statements_on_time.ids.clone()), (vec![11, 12], vec![11]));
    assert_eq!(y.corrections.ids, [14]);
    assert_eq!((y.conferences.n, y.requests.n, y.events.n), (3, 3, 2));
    let next = yearly(&records, 2027);
    assert_eq!((next.conferences.ids, next.requests.ids), (vec![5], vec![10]));
}

#[test]
fn a_press_record_is_checked_by_its_kind_and_completed_once_after_it_began() {
    use crate::press_info::{DoneInput, Entry, EntryInput, Record};
    let p = |e: Result<Entry, Vec<Problem>>| e.err().unwrap_or_default().iter().map(|p| p.field).collect::<Vec<_>>();
    let request = EntryInput {
        kind: "request".into(),
        subject: "Tiến độ dự án?".into(),
        journalist: "Lê Văn B".into(),
        outlet: "Báo Tây Ninh".into(),
        on: "2026-04-01".into(),
        deadline: "2026-04-08".into(),
        ..Default::default()
    };
    let e = request.check().unwrap();
    // every problem at once: no journalist, no outlet, a deadline before the request
    let bad =
        EntryInput { journalist: " ".into(), outlet: String::new(), deadline: "2026-03-31".into(), ..request.clone() };
    assert_eq!(p(bad.check()), ["journalist", "outlet", "deadline"]);
    assert_eq!(p(EntryInput { kind: "rumour".into(), ..Default::default() }.check()), ["kind"]);
    assert_eq!(
        p(EntryInput { kind: "event".into(), known_at: "2026-13-01T10:00".into(), ..Default::default() }.check()),
        ["subject", "known_at"]
    );
    // an answer needs its text and who gave it, on or after the request
    let done = |at: &str, text: &str, by: &str| DoneInput { at: at.into(), text: text.into(), by: by.into() };
    let errs = |r: Result<crate::press_info::Done, Vec<Problem>>| {
        r.err().unwrap_or_default().iter().map(|p| p.field).collect::<Vec<_>>()
    };
    assert_eq!(errs(e.complete(&done("2026-03-31", "", ""))), ["text", "by", "at"]);
    let answered = e.complete(&done("2026-04-09", "Đúng tiến độ.", "Người phát ngôn")).unwrap();
    assert_eq!(
        e.record(7, Some(&answered)),
        Some(Record::Request {
            id: 7,
            received: d("2026-04-01"),
            deadline: d("2026-04-08"),
            answered: Some(d("2026-04-09"))
        })
    );
    // a briefing completes nothing; a conference counts only once held
    let briefing = EntryInput {
        kind: "briefing".into(),
        subject: "Giao ban báo chí".into(),
        on: "2026-05-05".into(),
        ..Default::default()
    };
    assert_eq!(errs(briefing.check().unwrap().complete(&done("2026-05-05", "", ""))), ["at"]);
    let conf = EntryInput {
        kind: "conference".into(),
        subject: "Họp báo quý II".into(),
        on: "2026-06-20".into(),
        ..Default::default()
    };
    let conf = conf.check().unwrap();
    assert_eq!(conf.record(3, None), None);
    let held = conf.complete(&done("2026-06-25", "", "")).unwrap();
    assert_eq!(conf.record(3, Some(&held)), Some(Record::Conference { id: 3, held_on: d("2026-06-25") }));
    // a first statement is a time, not a day
    let event = EntryInput {
        kind: "event".into(),
        subject: "Lũ quét".into(),
        known_at: "2026-08-01T09:00".into(),
        ..Default::default()
    };
    let event = event.check().unwrap();
    assert_eq!(errs(event.complete(&done("2026-08-01", "Đã có thông cáo.", "Chánh Văn phòng"))), ["at"]);
    assert_eq!(errs(event.complete(&done("2026-08-01T08:59", "x", "y"))), ["at"]);
    assert!(event.complete(&done("2026-08-01T20:00", "x", "y")).is_ok());
}

fn d(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn what_the_press_duties_owe_is_dated_and_said_overdue_once_past() {
    use crate::press_info::{due, Done, Entry, Kind, Stretch};
    let done = |s: &str| Some(Done { at: at(s), text: String::new(), by: String::new() });
    let entries = vec![
        (
            1,
            Entry::Request {
                journalist: "A".into(),
                outlet: "B".into(),
                question: "?".into(),
                received: d("2026-05-02"),
                deadline: d("2026-05-09"),
            },
            None,
        ),
        (
            2,
            Entry::Request {
                journalist: "A".into(),
                outlet: "B".into(),
                question: "?".into(),
                received: d("2026-05-10"),
                deadline: d("2026-05-20"),
            },
            None,
        ),
        (
            3,
            Entry::Request {
                journalist: "A".into(),
                outlet: "B".into(),
                question: "?".into(),
                received: d("2026-05-01"),
                deadline: d("2026-05-03"),
            },
            done("2026-05-02 00:00"),
        ),
        (4, Entry::Event { subject: "Lũ".into(), known: at("2026-05-14 08:00") }, None),
        (5, Entry::Event { subject: "Cháy".into(), known: at("2026-05-10 08:00") }, None),
        (6, Entry::Correction { outlet: "B".into(), report: "Sai".into(), requested: d("2026-05-01") }, None),
        (7, Entry::Conference { subject: "Q1".into(), planned: d("2026-03-20") }, done("2026-03-25 00:00")),
        (8, Entry::Periodic { subject: "Tháng 1".into(), on: d("2026-01-31") }, None),
        (9, Entry::Periodic { subject: "Tháng 3".into(), on: d("2026-03-30") }, None),
        (10, Entry::Periodic { subject: "Tháng 5".into(), on: d("2026-05-05") }, None),
    ];
    let now = at("2026-05-15 07:00");
    let owed: Vec<(Kind, Option<i64>, Option<Stretch>, bool)> =
        due(&entries, now).into_iter().map(|d| (d.kind, d.id, d.stretch, d.overdue)).collect();
    // by hand: overdue — request 1 (9 May), event 5 (11 May 08:00), February and April
    // without periodic information, Q1 held so only Q2 is owed (by 30 June, not yet);
    // due — event 4 (15 May 08:00), request 2 (20 May), Q2; correction 6 has no time
    let month = |m| Some(Stretch::Month { year: 2026, month: m });
    assert_eq!(
        owed,
        vec![
            (Kind::Periodic, None, month(2), true),
            (Kind::Periodic, None, month(4), true),
            (Kind::Request, Some(1), None, true),
            (Kind::Event, Some(5), None, true),
            (Kind::Event, Some(4), None, false),
            (Kind::Request, Some(2), None, false),
            (Kind::Conference, None, Some(Stretch::Quarter { year: 2026, quarter: 2 }), false),
            (Kind::Correction, Some(6), None, false),
        ]
    );
}

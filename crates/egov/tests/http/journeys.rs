//! The journeys as citizens and officials live them (issue 15): each point
//! a walk-through in a real browser found, tested where people meet it.

use crate::common::*;

/// The title of a page.
fn title(html: &str) -> &str {
    html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or("")
}

#[tokio::test]
async fn an_empty_application_is_answered_with_every_problem_at_once_linked_from_a_summary() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    for (lang, prefix, agency) in [
        ("vi", "Lỗi: ", "Vui lòng chọn cơ quan tiếp nhận hồ sơ."),
        ("en", "Error: ", "Please choose the agency to file with."),
    ] {
        let csrf = c.get(&format!("/thu-tuc/1.000894/nop?lang={lang}")).await.csrf();
        let form = reqwest::multipart::Form::new().text("csrf", csrf).text("submit", "1");
        let r = c.post_multipart("/thu-tuc/1.000894/nop", form).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(title(&r.text).starts_with(prefix), "{lang}: {}", title(&r.text));
        let summary = r.text.split("id=\"error-summary\"").nth(1).expect("a summary").split("</div>").next().unwrap();
        for target in ["#agency", "#f_applicant_name", "#f_applicant_id", "#f_address", "#part_0", "#part_1"] {
            assert!(summary.contains(&format!("href=\"{target}\"")), "{lang}: {target} in {summary}");
        }
        assert!(summary.contains(agency), "{lang}: no agency chosen is said as such: {summary}");
        assert!(!summary.contains("không thực hiện") && !summary.contains("does not offer"), "{summary}");
    }
    assert_eq!(app.count("dossiers").await, 0);
}

/// A dossier of demo.citizen's carried to its returned result; its code.
async fn returned_dossier(app: &TestApp) -> String {
    let (_, code) = assigned_dossier(app).await;
    let approver = app.as_user("demo.approver").await;
    approver.act_ok(&code, serde_json::json!({"action": "approve"})).await;
    let receiver = app.as_user("demo.receiver").await;
    receiver.act_ok(&code, serde_json::json!({"action": "return_result", "paper": true})).await;
    code
}

/// A dossier demo.citizen filed online, accepted and assigned to
/// demo.specialist: the citizen's API client, and the code.
async fn assigned_dossier(app: &TestApp) -> (Client, String) {
    let citizen = app.as_user("demo.citizen").await;
    let code = submit_online(&citizen).await;
    app.as_user("demo.receiver").await.act_ok(&code, serde_json::json!({"action": "accept"})).await;
    let approver = app.as_user("demo.approver").await;
    approver.act_ok(&code, serde_json::json!({"action": "assign", "to": "demo.specialist"})).await;
    (citizen, code)
}

#[tokio::test]
async fn the_rating_form_speaks_in_words_chooses_nothing_and_thanks() {
    let app = spawn().await;
    let code = returned_dossier(&app).await;
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    let page = c.get(&format!("/ho-so/{code}")).await;
    let form = page.text.split("action=\"/ho-so/").find(|s| s.contains("danh-gia")).expect("the rating form");
    let form = form.split("</form>").next().unwrap();
    assert!(form.contains("Hài lòng (2 điểm)") && form.contains("Chưa hài lòng (0 điểm)"), "{form}");
    assert!(!form.contains("checked"), "nothing chosen for the person: {form}");
    // half answered: every choice kept, the rest asked for
    let csrf = page.csrf();
    let mut pairs: Vec<(String, String)> = (1..=4).map(|i| (format!("s{i}"), "1".to_string())).collect();
    pairs.push(("csrf".into(), csrf.clone()));
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post_form(&format!("/ho-so/{code}/danh-gia"), &refs).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Vui lòng chọn một mức cho mỗi tiêu chí."));
    assert!(r.text.contains("id=\"s3-1\" name=\"s3\" value=\"1\" checked"), "a choice kept");
    assert_eq!(app.count("ratings").await, 0);
    let mut pairs: Vec<(String, String)> = (1..=9).map(|i| (format!("s{i}"), "2".to_string())).collect();
    pairs.push(("csrf".into(), csrf));
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post_form(&format!("/ho-so/{code}/danh-gia"), &refs).await;
    assert_eq!(r.status, 303);
    let after = c.get(r.location()).await;
    assert!(after.text.contains("Cảm ơn bạn đã đánh giá.") && after.text.contains("<dd>Hài lòng (2 điểm)</dd>"));
}

#[tokio::test]
async fn common_passwords_are_refused_and_a_new_account_is_welcomed() {
    let app = spawn().await;
    let c = app.client();
    let csrf = c.get("/dang-ky").await.csrf();
    let reg = |pw: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("full_name", "Trần Thị Hoa".to_string()),
            ("citizen_id", "079190000123".to_string()),
            ("phone", "0912345679".to_string()),
            ("email", "hoa@example.vn".to_string()),
            ("password", pw.to_string()),
            ("password_confirm", pw.to_string()),
        ]
    };
    for (pw, says) in [
        ("12345678", "nằm trong số mật khẩu bị dùng nhiều nhất"),
        ("matkhau123", "nằm trong số mật khẩu bị dùng nhiều nhất"),
        ("qwertyuio", "theo thứ tự bàn phím"),
        ("079190000123", "không được chứa tên đăng nhập, số định danh"),
    ] {
        let form = reg(pw);
        let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = c.post_form("/dang-ky", &refs).await;
        assert_eq!(r.status, 422, "{pw}");
        assert!(r.text.contains(says), "{pw}: {}", r.text);
        assert!(r.text.contains("value=\"Trần Thị Hoa\""), "the form is kept");
    }
    let form = reg("hoa thích đọc sách");
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.post_form("/dang-ky", &refs).await;
    assert_eq!((r.status, r.location()), (303, "/?welcome=1"));
    let home = c.get("/?welcome=1").await;
    assert!(home.text.contains("Chào mừng, Trần Thị Hoa."), "{}", home.text);
    // officials too, at the command line
    let out = app.cli(&[
        "admin",
        "create-user",
        "--username",
        "can.bo.moi",
        "--full-name",
        "Cán Bộ Mới",
        "--agency",
        "H72.50.01",
        "--role",
        "receiver",
        "--password",
        "password1",
    ]);
    assert!(!out.status.success(), "a common password is refused");
}

#[tokio::test]
async fn the_sign_in_page_says_why_it_was_reached_and_the_site_has_an_icon() {
    let app = spawn().await;
    let c = app.client();
    let r = c.get("/thu-tuc/1.000894/nop").await;
    assert_eq!(r.status, 303);
    let page = c.get(r.location()).await;
    assert!(page.text.contains("Để nộp hồ sơ trực tuyến, vui lòng đăng nhập"), "{}", page.text);
    assert!(!c.get("/dang-nhap").await.text.contains("Để nộp hồ sơ trực tuyến"), "not when come to by choice");
    let icon = c.get("/static/favicon.svg").await;
    assert_eq!((icon.status, icon.header("content-type")), (200, "image/svg+xml"));
    assert!(c.get("/").await.text.contains("rel=\"icon\""));
    assert_eq!(c.get("/favicon.ico").await.location(), "/static/favicon.svg");
}

#[tokio::test]
async fn a_second_supplement_request_is_warned_of_and_confirmed_and_history_speaks_in_words() {
    let running = spawn().await;
    let app = &running;
    let (citizen, code) = assigned_dossier(app).await;
    let web = app.client();
    web.login("demo.specialist", DEMO_PASSWORD).await;
    let page = web.get(&format!("/quan-tri/ho-so/{code}")).await;
    assert!(!page.text.contains("confirm_second"), "no warning before the first request");
    let ask = |missing: &'static str, confirm: bool| {
        let web = &web;
        let code = code.clone();
        async move {
            let csrf = web.get(&format!("/quan-tri/ho-so/{code}")).await.csrf();
            let mut form = vec![("csrf", csrf), ("action", "request_supplement".into()), ("missing", missing.into())];
            if confirm {
                form.push(("confirm_second", "on".into()));
            }
            let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            web.post_form(&format!("/quan-tri/ho-so/{code}"), &refs).await
        }
    };
    assert_eq!(ask("Ảnh 4x6", false).await.status, 303);
    assert_eq!(citizen.resubmit(&code, &[0]).await.status, 200);
    let page = web.get(&format!("/quan-tri/ho-so/{code}")).await;
    assert!(page.text.contains("bị tính là trễ hạn") && page.text.contains("name=\"confirm_second\""));
    // history in words, not codes
    assert!(page.text.contains("Yêu cầu bổ sung") && !page.text.contains("(request_supplement)"), "{}", page.text);
    let r = ask("Sổ hộ khẩu", false).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Hãy xác nhận") && r.text.contains(">Sổ hộ khẩu</textarea>"), "the list typed is kept");
    let status = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["status"].clone();
    assert_eq!(status, "processing", "nothing sent");
    assert_eq!(ask("Sổ hộ khẩu", true).await.status, 303);
    let view = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json();
    assert_eq!((view["status"].as_str(), view["supplements"].as_u64()), (Some("supplement_requested"), Some(2)));
}

#[tokio::test]
async fn the_audit_page_names_people_and_actions_in_words_in_vietnam_time() {
    let app = spawn().await;
    let (_, secret) = app.token("demo.citizen").await;
    submit_online(&app.client().with_bearer(&secret)).await;
    let admin = app.client();
    admin.login("demo.admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri/nhat-ky").await;
    assert_eq!(page.status, 200);
    let table = page.text.split("<tbody>").nth(1).unwrap().split("</tbody>").next().unwrap();
    assert!(table.contains("Đăng nhập") && table.contains("Hồ sơ: Nộp hồ sơ trực tuyến"), "{table}");
    assert!(table.contains("(demo.admin)") && table.contains("Quản trị viên (dòng lệnh)"), "{table}");
    assert!(!table.contains("session.start") && !table.contains("user:") && !table.contains("UTC"), "{table}");
    let today = egov_kernel::Clock::system().now().format("%d/%m/%Y").to_string();
    assert!(table.contains(&today), "Vietnamese dates in Vietnam's time: {table}");
}

#[tokio::test]
async fn the_lookup_speaks_the_page_s_language_and_titles_the_dossier_and_units_have_names() {
    let app = spawn().await;
    let (_, secret) = app.token("demo.citizen").await;
    let code = submit_online(&app.client().with_bearer(&secret)).await;
    let c = app.client();
    let en = c.get(&format!("/tra-cuu/{}?lang=en", code.to_lowercase())).await;
    assert_eq!(en.status, 200, "in any case");
    assert!(en.text.contains("Marriage registration") && !en.text.contains("Đăng ký kết hôn"), "{}", en.text);
    assert!(title(&en.text).contains(&code), "{}", title(&en.text));
    let vi = c.get(&format!("/tra-cuu/{code}?lang=vi")).await;
    assert!(vi.text.contains("Đăng ký kết hôn"));
    // an agency's page names its unit
    let admin = app.client();
    admin.login("demo.agency-admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri/co-quan").await;
    let page = if page.status == 303 { admin.get(page.location()).await } else { page };
    assert!(page.text.contains("(25441)") && page.text.contains("Tân Ninh ("), "{}", page.text);
}

#[tokio::test]
async fn refusing_stopping_and_withdrawing_are_confirmed_on_a_page_of_their_own() {
    let running = spawn().await;
    let app = &running;
    let (_, secret) = app.token("demo.citizen").await;
    let citizen_api = app.client().with_bearer(&secret);
    let status = |code: String| async move {
        app.client().with_bearer(&app.token("demo.admin").await.1).get(&format!("/api/v1/dossiers/{code}")).await.json()
            ["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // an officer refuses: asked again, then done
    let code = submit_online(&citizen_api).await;
    let web = app.client();
    web.login("demo.receiver", DEMO_PASSWORD).await;
    let page = web.get(&format!("/quan-tri/ho-so/{code}")).await;
    assert!(page.text.contains("class=\"actions danger-zone\"") && page.text.contains("Lý do từ chối giải quyết"));
    let form = [("csrf", page.csrf()), ("action", "refuse".into()), ("reason", "Không thuộc thẩm quyền".into())];
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ask = web.post_form(&format!("/quan-tri/ho-so/{code}"), &refs).await;
    assert_eq!(ask.status, 200);
    assert!(ask.text.contains("Bạn sắp từ chối giải quyết hồ sơ này") && ask.text.contains("Không thuộc thẩm quyền"));
    assert!(ask.text.contains("name=\"confirmed\" value=\"1\"") && ask.text.contains("Quay lại, không thực hiện"));
    assert_eq!(status(code.clone()).await, "submitted", "nothing done before the confirmation");
    let mut confirmed = refs.clone();
    confirmed.push(("confirmed", "1"));
    assert_eq!(web.post_form(&format!("/quan-tri/ho-so/{code}"), &confirmed).await.status, 303);
    assert_eq!(status(code.clone()).await, "refused");
    // the citizen withdraws: asked again too
    let code = submit_online(&citizen_api).await;
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    let csrf = c.get(&format!("/ho-so/{code}")).await.csrf();
    let ask = c.post_form(&format!("/ho-so/{code}/rut"), &[("csrf", &csrf), ("reason", "Nộp nhầm")]).await;
    assert_eq!(ask.status, 200);
    assert!(ask.text.contains("Bạn sắp rút hồ sơ này"));
    assert_eq!(status(code.clone()).await, "submitted");
    let done = c
        .post_form(&format!("/ho-so/{code}/rut"), &[("csrf", &csrf), ("reason", "Nộp nhầm"), ("confirmed", "1")])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(status(code).await, "withdrawn");
}

#[tokio::test]
async fn pages_show_instants_one_way_and_no_internal_codes() {
    let app = spawn().await;
    let (_, secret) = app.token("demo.citizen").await;
    let code = submit_online(&app.client().with_bearer(&secret)).await;
    let vn_date = regex_like_vn_date;
    let lookup = app.client().get(&format!("/tra-cuu/{code}")).await;
    let main = lookup.text.split("<main").nth(1).unwrap();
    assert!(!main.contains("mã trạng thái"), "no internal status code: {main}");
    assert!(vn_date(main), "dd/mm/yyyy hh:mm on the lookup: {main}");
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    let page = c.get(&format!("/ho-so/{code}")).await;
    assert!(vn_date(&page.text), "and on the dossier's page");
    // its history says what happened, not only the status it led to
    assert!(page.text.contains("Nộp hồ sơ trực tuyến (Mới nộp, chờ tiếp nhận)"), "{}", page.text);
    let office = app.client();
    office.login("demo.receiver", DEMO_PASSWORD).await;
    let page = office.get(&format!("/quan-tri/ho-so/{code}")).await;
    let main = page.text.split("<main").nth(1).unwrap();
    assert!(vn_date(main), "and in the back office");
    let iso = main.split(&code).collect::<Vec<_>>().join("");
    assert!(
        !iso.contains(&egov_kernel::Clock::system().now().format("%Y-%m-%d ").to_string()),
        "no ISO instants: {main}"
    );
}

/// Whether `s` holds an instant written `dd/mm/yyyy hh:mm`.
fn regex_like_vn_date(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(16)).any(|i| {
        let w = &b[i..i + 16];
        let d = |k: usize| w[k].is_ascii_digit();
        d(0) && d(1)
            && w[2] == b'/'
            && d(3)
            && d(4)
            && w[5] == b'/'
            && (6..10).all(d)
            && w[10] == b' '
            && d(11)
            && d(12)
            && w[13] == b':'
            && d(14)
            && d(15)
    })
}

#[tokio::test]
async fn a_dossier_filed_for_someone_else_names_them_and_the_account_apart() {
    let app = spawn().await;
    let (_, secret) = app.token("demo.citizen").await;
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01",
        "form": marriage(serde_json::json!({"applicant_name": "Nguyễn Văn An", "applicant_id": "072090005678", "address": "Phường Tân Ninh"}))});
    let form = reqwest::multipart::Form::new()
        .text("dossier", body.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("cccd.pdf"));
    let r = app.client().with_bearer(&secret).post_multipart("/api/v1/dossiers", form).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.json()["code"].as_str().unwrap().to_string();
    let lookup = app.client().get(&format!("/api/v1/dossiers/{code}/status")).await.json();
    assert_eq!(lookup["applicant"], "N*** V** A*", "the person it is for, masked");
    let office = app.client();
    office.login("demo.receiver", DEMO_PASSWORD).await;
    let page = office.get(&format!("/quan-tri/ho-so/{code}")).await;
    assert!(page.text.contains("<dd>Nguyễn Văn An</dd>"), "{}", page.text);
    assert!(page.text.contains("Nộp qua tài khoản của") && page.text.contains("Nguyễn Văn Dân (demo.citizen)"));
    let list = office.get("/quan-tri/ho-so").await;
    assert!(list.text.contains("Nguyễn Văn An"), "the worklist names the applicant");
}

#[tokio::test]
async fn a_dossier_late_by_rule_says_why_on_the_dashboard_and_in_the_api() {
    let running = spawn().await;
    let app = &running;
    let (citizen, code) = assigned_dossier(app).await;
    let approver = app.as_user("demo.approver").await;
    let specialist = app.as_user("demo.specialist").await;
    for (i, doc) in ["Ảnh 4x6", "Sổ hộ khẩu"].into_iter().enumerate() {
        specialist.act_ok(&code, serde_json::json!({"action": "request_supplement", "missing": [doc]})).await;
        assert_eq!(citizen.resubmit(&code, &[i]).await.status, 200);
    }
    approver.act_ok(&code, serde_json::json!({"action": "approve"})).await;
    app.as_user("demo.receiver")
        .await
        .act_ok(&code, serde_json::json!({"action": "return_result", "paper": true}))
        .await;
    let year = chrono::Datelike::year(&egov_kernel::Clock::system().now());
    let q = format!("/api/v1/quality/index?from={year}-01-01&to={year}-12-31");
    let index = app.client().get(&q).await.json();
    let late = index["late"].as_array().unwrap();
    assert_eq!(late.len(), 1, "{index}");
    assert_eq!((late[0]["code"].as_str(), late[0]["reason"].as_str()), (Some(code.as_str()), Some("supplements")));
    let page = app.client().get(&format!("/chat-luong?from={year}-01-01&to={year}-12-31")).await;
    assert!(page.text.contains("Trễ theo quy định: yêu cầu bổ sung hồ sơ từ hai lần trở lên"), "{}", page.text);
}

/// The codes of a worklist as the API gives it.
async fn listed(c: &Client, list: &str) -> Vec<String> {
    let j = c.get(&format!("/api/v1/dossiers?list={list}")).await.json();
    j["items"].as_array().expect("items").iter().map(|i| i["code"].as_str().unwrap_or_default().to_string()).collect()
}

#[tokio::test]
async fn each_desk_finds_the_dossiers_waiting_for_it_counted_in_its_tabs() {
    let app = spawn().await;
    let (citizen, code) = assigned_dossier(&app).await;
    let (receiver, specialist, approver) =
        (app.as_user("demo.receiver").await, app.as_user("demo.specialist").await, app.as_user("demo.approver").await);
    let other = submit_online(&citizen).await;
    assert_eq!(listed(&receiver, "to_receive").await, vec![other.clone()]);
    receiver.act_ok(&other, serde_json::json!({"action": "accept"})).await;
    assert!(listed(&receiver, "to_receive").await.is_empty());
    assert_eq!(listed(&approver, "to_assign").await, vec![other.clone()]);
    assert_eq!(listed(&specialist, "mine").await, vec![code.clone()]);
    // forwarded to the approval step: it leaves the specialist's list for the approver's
    specialist.act_ok(&code, serde_json::json!({"action": "forward"})).await;
    assert!(listed(&specialist, "mine").await.is_empty());
    assert_eq!(listed(&approver, "awaiting_approval").await, vec![code.clone()]);
    approver.act_ok(&code, serde_json::json!({"action": "approve"})).await;
    assert!(listed(&approver, "awaiting_approval").await.is_empty());
    assert_eq!(listed(&receiver, "to_return").await, vec![code.clone()]);
    // each official's page shows the tabs of their work with counts, their own first
    let page = |user: &'static str| {
        let app = &app;
        async move {
            let c = app.client();
            c.login(user, DEMO_PASSWORD).await;
            c.get("/quan-tri/ho-so?lang=en").await.text
        }
    };
    let tabs = |html: &str| -> Vec<String> {
        let nav =
            html.split("class=\"menu tabs\"").nth(1).unwrap_or("").split("</ul>").next().unwrap_or("").to_string();
        nav.split("<li>")
            .skip(1)
            .map(|li| {
                let text: String = li.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect();
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect()
    };
    let r = page("demo.receiver").await;
    let t = tabs(&r);
    assert_eq!(&t[..2], ["To receive 0 dossiers", "Ready to return 1 dossiers"], "{t:?}");
    assert!(r.contains(&format!("href=\"/quan-tri/ho-so/{code}\"")) && !r.contains(&other), "the first tab opens");
    let t = tabs(&page("demo.approver").await);
    assert_eq!(&t[..2], ["To assign 1 dossiers", "Awaiting my approval 0 dossiers"], "{t:?}");
    assert!(t.iter().any(|x| x == "All of my agency&#39;s 2 dossiers"), "{t:?}");
    let t = tabs(&page("demo.specialist").await);
    assert_eq!(t[0], "To process (assigned to me) 0 dossiers", "{t:?}");
    // no tab of another desk's work: a specialist has no "to receive"
    assert!(!t.iter().any(|x| x.starts_with("To receive")), "{t:?}");
}

#[tokio::test]
async fn long_worklists_come_in_pages_in_the_api_and_the_pages() {
    let app = spawn().await;
    let citizen = app.as_user("demo.citizen").await;
    let mut codes = Vec::new();
    for _ in 0..53 {
        codes.push(submit_online(&citizen).await);
    }
    let receiver = app.as_user("demo.receiver").await;
    let mut seen = Vec::new();
    for page in 1..=3 {
        let j = receiver.get(&format!("/api/v1/dossiers?list=to_receive&per_page=20&page={page}")).await.json();
        assert_eq!((j["total"].as_u64(), j["page"].as_u64(), j["per_page"].as_u64()), (Some(53), Some(page), Some(20)));
        let items = j["items"].as_array().expect("items");
        assert_eq!(items.len(), if page < 3 { 20 } else { 13 });
        seen.extend(items.iter().map(|i| i["code"].as_str().unwrap_or_default().to_string()));
    }
    seen.sort();
    codes.sort();
    assert_eq!(seen, codes, "every dossier once across the pages");
    for bad in ["page=0", "per_page=0", "per_page=201", "page=x"] {
        assert_eq!(receiver.get(&format!("/api/v1/dossiers?{bad}")).await.status, 400, "{bad}");
    }
    // the page: 50 lines, then the rest on page 2, with links both ways
    let c = app.client();
    c.login("demo.receiver", DEMO_PASSWORD).await;
    let one = c.get("/quan-tri/ho-so?ds=to_receive").await.text;
    assert_eq!(one.matches("<tr><td><a href=\"/quan-tri/ho-so/").count(), 50);
    assert!(one.contains("Trang 1/2 · 53 hồ sơ") && one.contains("rel=\"next\"") && !one.contains("rel=\"prev\""));
    let two = c.get("/quan-tri/ho-so?ds=to_receive&page=2").await.text;
    assert_eq!(two.matches("<tr><td><a href=\"/quan-tri/ho-so/").count(), 3);
    assert!(two.contains("rel=\"prev\"") && !two.contains("rel=\"next\""));
}

#[tokio::test]
async fn a_receiving_officer_takes_in_a_paper_dossier_on_a_page_and_prints_its_slip() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.receiver", DEMO_PASSWORD).await;
    let start = c.get("/quan-tri/tiep-nhan").await;
    assert_eq!(start.status, 200);
    assert!(start.text.contains("value=\"1.000894\""), "the agency's procedures to choose from");
    let form = c.get("/quan-tri/tiep-nhan?thu-tuc=1.000894").await;
    assert!(form.text.contains("id=\"f_applicant_name\"") && form.text.contains("id=\"part_0\""));
    let csrf = form.csrf();
    // nothing typed: every problem at once, what was typed kept
    let r = c
        .post_form(
            "/quan-tri/tiep-nhan",
            &[("csrf", &csrf), ("procedure", "1.000894"), ("phone", "0912345678"), ("f_address", "Tổ 5")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(title(&r.text).starts_with("Lỗi: "), "{}", title(&r.text));
    let summary = r.text.split("id=\"error-summary\"").nth(1).expect("a summary").split("</div>").next().unwrap();
    for target in ["#citizen_id", "#full_name", "#f_applicant_name", "#f_applicant_id", "#part_0", "#part_1"] {
        assert!(summary.contains(&format!("href=\"{target}\"")), "{target} in {summary}");
    }
    assert!(r.text.contains("value=\"0912345678\"") && r.text.contains("value=\"Tổ 5\""), "kept");
    assert_eq!(app.count("dossiers").await, 0);
    let r = c
        .post_form(
            "/quan-tri/tiep-nhan",
            &[
                ("csrf", &csrf),
                ("procedure", "1.000894"),
                ("citizen_id", "072090004321"),
                ("full_name", "Đặng Thị Quầy"),
                ("f_applicant_name", "Đặng Thị Quầy"),
                ("f_applicant_id", "072090004321"),
                ("f_address", "Tổ 5, phường Tân Ninh"),
                ("f_bride_name", "Trần Thị Hoa"),
                ("f_bride_birth_date", "1998-05-02"),
                ("f_bride_ethnicity", "Kinh"),
                ("f_bride_nationality", "Việt Nam"),
                ("f_bride_id", "072198001111"),
                ("f_bride_residence", "Phường Tân Ninh"),
                ("f_bride_times", "first"),
                ("f_groom_name", "Đặng Văn Quầy"),
                ("f_groom_birth_date", "1996-03-04"),
                ("f_groom_ethnicity", "Kinh"),
                ("f_groom_nationality", "Việt Nam"),
                ("f_groom_id", "072096002222"),
                ("f_groom_residence", "Phường Tân Ninh"),
                ("f_groom_times", "first"),
                ("f_voluntary", "on"),
                ("part_0", "on"),
                ("part_1", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let done = c.get(r.location()).await;
    let code = r.location().rsplit('/').next().unwrap().to_string();
    assert!(done.text.contains(&code) && done.text.contains("Đặng Thị Quầy"), "{}", done.text);
    let slip = format!("/api/v1/dossiers/{code}/receipt.pdf");
    assert!(done.text.contains(&format!("href=\"{slip}\"")));
    let text = pdf_text(&c.get_bytes(&slip).await);
    assert!(text.contains(&code) && text.contains("Đặng Thị Quầy"), "{text}");
    // accepted at once: the specialist's work, not the receiver's
    let j = app.as_user("demo.receiver").await.get(&format!("/api/v1/dossiers/{code}")).await.json();
    assert_eq!(j["status"], "accepted");
    // only receiving officers have the page
    let s = app.client();
    s.login("demo.specialist", DEMO_PASSWORD).await;
    assert_eq!(s.get("/quan-tri/tiep-nhan").await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_says_satisfaction_one_way_and_its_charts_fit_and_are_labelled() {
    let app = spawn().await;
    let out = app.cli(&["bench-data", "--dossiers", "300", "--seed", "7", "--year", "2026"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = app.client().get("/chat-luong?from=2026-01-01&to=2026-06-30").await.text;
    // the index's satisfaction row and the sentence under "Satisfaction" give one figure, from its parts
    let row = page.split("Mức độ hài lòng (100% − trễ hạn − không hài lòng)</th><td>").nth(1).expect("the row");
    let rate = row.split("</td>").next().unwrap().to_string();
    let said = page.split("id=\"sat-said\">").nth(1).expect("the sentence").split("</p>").next().unwrap();
    assert!(
        said.starts_with(&format!("Theo Quyết định 766, mức độ hài lòng là {rate} = 100 % − ")),
        "{rate} vs {said}"
    );
    let j = app.client().get("/api/v1/quality/index?from=2026-01-01&to=2026-06-30").await.json();
    let (n, late) = (j["index"]["dossiers"].as_u64().unwrap(), j["index"]["late"].as_u64().unwrap());
    assert!(said.contains(&format!("hồ sơ trễ hạn ({late}/{n})")), "{said}");
    assert!(page.contains("<caption>Điểm đánh giá của người dân (thang 18 điểm, Thông tư 01/2018)</caption>"));
    // the charts scale with the page; values have room; the trend has axes and one label a month
    assert_eq!(page.matches("<svg role=\"img\"").count(), 2);
    assert_eq!(page.matches("width=\"100%\" viewBox=").count(), 2, "both charts scale");
    for tick in [0, 25, 50, 75, 100] {
        assert!(page.contains(&format!("text-anchor=\"end\" fill=\"#1a1a1a\">{tick}</text>")), "tick {tick}");
    }
    for m in ["T1", "T2", "T3", "T4", "T5", "T6"] {
        assert_eq!(page.matches(&format!("fill=\"#1a1a1a\">{m}</text>")).count(), 1, "{m}");
    }
    assert!(page.contains("Điểm (trên 100)"));
    let values: Vec<&str> = page.split("<text x=\"480\"").skip(1).map(|s| s.split("</text>").next().unwrap()).collect();
    assert_eq!(values.len(), 5, "a value per group");
    assert!(values.iter().all(|v| v.contains(" / ") && !v.contains(".00")), "{values:?}");
    // the spreadsheet's CSV: rates as percentages
    let csv = app.client().get("/chat-luong.csv?from=2026-01-01&to=2026-06-30").await.text;
    let on_time = csv.lines().find(|l| l.starts_with("Hồ sơ giải quyết đúng hạn,")).expect("the row");
    assert!(on_time.split(',').nth(1).unwrap().ends_with('%'), "{on_time}");
}

#[tokio::test]
async fn different_pages_have_different_titles() {
    let app = spawn().await;
    let citizen = app.as_user("demo.citizen").await;
    let (a, b) = (submit_online(&citizen).await, submit_online(&citizen).await);
    let c = app.client();
    let pages = [
        "/".to_string(),
        "/thu-tuc".into(),
        "/thu-tuc?q=ket+hon".into(),
        "/thu-tuc?q=khai+sinh".into(),
        "/thu-tuc?field=ho-tich".into(),
        "/tra-cuu".into(),
        format!("/tra-cuu/{a}"),
        format!("/tra-cuu/{b}"),
        "/chat-luong".into(),
        "/chat-luong?agency=H72.50.01".into(),
        "/chat-luong?agency=H72.50.02".into(),
        "/chat-luong?from=2026-01-01&to=2026-03-31".into(),
        "/lich".into(),
        "/dang-nhap".into(),
    ];
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for p in &pages {
        let r = c.get(p).await;
        assert_eq!(r.status, 200, "{p}");
        let t = title(&r.text).to_string();
        if let Some(other) = seen.insert(t.clone(), p.clone()) {
            panic!("{p} and {other} share the title {t}");
        }
    }
    let t = title(&c.get("/thu-tuc?q=ket+hon").await.text).to_string();
    assert!(t.starts_with("Kết quả tìm thủ tục “ket hon” ("), "{t}");
}

#[tokio::test]
async fn good_files_sent_beside_a_bad_field_are_kept_in_a_draft_and_said_to_be() {
    let app = spawn().await;
    let c = app.client();
    c.login("demo.citizen", DEMO_PASSWORD).await;
    let csrf = c.get("/thu-tuc/1.000894/nop").await.csrf();
    let pdf = |name: &str| reqwest::multipart::Part::bytes(PDF.to_vec()).file_name(name.to_string());
    // the name is missing, the ID card is not a PDF: the form is refused, the good file kept
    let form = with_couple(reqwest::multipart::Form::new())
        .text("csrf", csrf.clone())
        .text("agency", "H72.50.01")
        .text("f_applicant_id", "072090001234")
        .text("f_address", "Tổ 5")
        .text("submit", "1")
        .part("part_0", pdf("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(b"not a pdf".to_vec()).file_name("cccd.txt"));
    let r = c.post_multipart("/thu-tuc/1.000894/nop", form).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("id=\"held\""), "the page says the good file was kept");
    assert!(r.text.contains("to-khai.pdf") && !r.text.contains("cccd.txt</p>"), "named under its part");
    let draft =
        r.text.split("name=\"draft_id\" value=\"").nth(1).expect("the draft continued").split('"').next().unwrap();
    assert_eq!(app.count("dossier_files").await, 1);
    // corrected and submitted without choosing the form's file again
    let form = with_couple(reqwest::multipart::Form::new())
        .text("csrf", csrf)
        .text("draft_id", draft.to_string())
        .text("agency", "H72.50.01")
        .text("f_applicant_name", "Nguyễn Văn Dân")
        .text("f_applicant_id", "072090001234")
        .text("f_address", "Tổ 5")
        .text("submit", "1")
        .part("part_1", pdf("cccd.pdf"));
    let r = c.post_multipart("/thu-tuc/1.000894/nop", form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let code = r.location().trim_start_matches("/ho-so/").split('?').next().unwrap().to_string();
    let j = app.as_user("demo.citizen").await.get(&format!("/api/v1/dossiers/{code}")).await.json();
    let names: Vec<&str> = j["files"].as_array().unwrap().iter().map(|f| f["file_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"to-khai.pdf") && names.contains(&"cccd.pdf"), "{names:?}");
    assert_eq!(app.count("dossiers").await, 1, "the draft became the dossier");
}

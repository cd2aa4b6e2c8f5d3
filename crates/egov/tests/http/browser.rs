//! Browser journeys in real headless Chromium.

use crate::common::webdriver::Browser;
use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_person_registers_signs_in_finds_a_procedure_and_switches_language() {
    let app = spawn().await;
    let site = format!("http://localhost:{}", app.addr.port());
    let b = Browser::start().await;

    // Keyboard: the first Tab lands on the skip link.
    b.goto(&format!("{site}/")).await;
    b.press("\u{E004}").await;
    assert_eq!(b.script("return document.activeElement.className").await, "skip");

    // Register (a mistake first: the form comes back with the values kept).
    b.goto(&format!("{site}/dang-ky")).await;
    b.type_into("#full_name", "Lê Thị Hoa").await;
    b.type_into("#citizen_id", "079195000777").await;
    b.type_into("#phone", "0911222333").await;
    b.type_into("#email", "hoa@example.vn").await;
    b.type_into("#password", "mật khẩu của Hoa").await;
    b.type_into("#password_confirm", "không khớp").await;
    b.click("form[action='/dang-ky'] button[type=submit]").await;
    b.wait_text(".alert", |t| t.contains("Thông tin chưa hợp lệ")).await;
    assert_eq!(b.script("return document.getElementById('email').value").await, "hoa@example.vn");
    b.type_into("#password", "mật khẩu của Hoa").await;
    b.type_into("#password_confirm", "mật khẩu của Hoa").await;
    b.click("form[action='/dang-ky'] button[type=submit]").await;
    b.wait_text("header", |t| t.contains("Lê Thị Hoa")).await;

    // Sign out, then sign in again.
    b.click("form[action='/dang-xuat'] button").await;
    b.wait_text("header", |t| !t.contains("Lê Thị Hoa")).await;
    b.click("a[href='/dang-nhap']").await;
    b.type_into("#login", "hoa@example.vn").await;
    b.type_into("#password", "mật khẩu của Hoa").await;
    b.click("form[action='/dang-nhap'] button[type=submit]").await;
    b.wait_text("header", |t| t.contains("Lê Thị Hoa")).await;

    // Search without accents, open the procedure.
    b.type_into("#q", "dang ky ket hon").await;
    b.click("form.search button[type=submit]").await;
    b.wait_text("main", |t| t.contains("Đăng ký kết hôn")).await;
    assert!(b.url().await.contains("/thu-tuc?q=dang+ky+ket+hon"));
    let link = b.find_link("Đăng ký kết hôn").await;
    b.click_element(&link).await;
    b.wait_text("h1", |t| t == "Đăng ký kết hôn").await;
    assert!(b.text("main").await.contains("Thành phần hồ sơ"));

    // Switch to English and back.
    b.click("a.lang").await;
    b.wait_text("h1", |t| t == "Marriage registration").await;
    assert_eq!(b.script("return document.documentElement.lang").await, "en");
    assert!(b.text("main").await.contains("Documents to submit"));
    b.goto(&format!("{site}/")).await;
    assert_eq!(b.script("return document.documentElement.lang").await, "en", "the choice is remembered");
    b.goto(&format!("{site}/thu-tuc/1.000894")).await;
    b.click("a.lang").await;
    b.wait_text("h1", |t| t == "Đăng ký kết hôn").await;
    assert_eq!(b.script("return document.documentElement.lang").await, "vi");

    if let Ok(dir) = std::env::var("EGOV_SCREENSHOT_DIR") {
        b.goto(&format!("{site}/thu-tuc?q=dang+ky")).await;
        b.screenshot(&std::path::Path::new(&dir).join("catalog.png")).await;
    }
    b.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_signs_in_and_sees_the_back_office_of_their_role() {
    let app = spawn().await;
    let site = format!("http://localhost:{}", app.addr.port());
    let b = Browser::start().await;
    b.goto(&format!("{site}/quan-tri")).await;
    assert!(b.url().await.contains("/dang-nhap?next=/quan-tri"));
    b.type_into("#login", "demo.agency-admin").await;
    b.type_into("#password", DEMO_PASSWORD).await;
    b.click("form[action='/dang-nhap'] button[type=submit]").await;
    let nav = b.wait_text("nav.side", |t| !t.is_empty()).await;
    assert!(nav.contains("Cơ quan của tôi"), "{nav}");
    assert!(!nav.contains("Danh mục thủ tục"), "{nav}");
    b.click("nav.side a[href='/quan-tri/co-quan']").await;
    b.wait_text("main", |t| t.contains("demo.receiver")).await;
    b.quit().await;
}

async fn sign_in(b: &Browser, site: &str, user: &str) {
    b.goto(&format!("{site}/dang-nhap")).await;
    b.type_into("#login", user).await;
    b.type_into("#password", DEMO_PASSWORD).await;
    b.click("form[action='/dang-nhap'] button[type=submit]").await;
    b.wait_text("header", |t| t.contains("Đăng xuất")).await;
}

/// Fills the couple's part of the marriage form: names and numbers typed,
/// the date pickers and drop-downs set (WebDriver types into a date input
/// in the browser's locale), the declaration ticked.
async fn fill_couple(b: &Browser) {
    for (k, v) in COUPLE {
        if k == "voluntary" {
            b.click("#f_voluntary").await;
        } else if k.ends_with("_date") || k.ends_with("_times") {
            b.script(&format!("document.getElementById('f_{k}').value = '{v}'; return 1")).await;
        } else {
            b.type_into(&format!("#f_{k}"), v).await;
        }
    }
}

async fn sign_out(b: &Browser) {
    b.click("form[action='/dang-xuat'] button").await;
    b.wait_text("header", |t| t.contains("Đăng nhập")).await;
}

/// Opens a dossier in the back office and presses the button of an action form.
async fn office_action(b: &Browser, site: &str, code: &str, action: &str) {
    b.goto(&format!("{site}/quan-tri/ho-so/{code}")).await;
    b.click(&format!("form:has(input[name=action][value={action}]) button[type=submit]")).await;
    b.wait_text("main", |t| t.contains("Đã cập nhật hồ sơ.")).await;
}

/// How the journey's citizen signs in.
#[derive(Clone, Copy)]
enum Citizen {
    /// An old local account with a password (`--local-citizen-accounts`).
    Password(&'static str),
    /// A person at the demonstration identity provider (OpenID Connect).
    Provider(&'static str),
}

async fn citizen_sign_in(b: &Browser, site: &str, who: Citizen) {
    match who {
        Citizen::Password(user) => sign_in(b, site, user).await,
        Citizen::Provider(subject) => {
            b.goto(&format!("{site}/dang-nhap")).await;
            b.click("a[href^='/dang-nhap/oidc/demo']").await;
            b.wait_text("main", |t| t.contains("MÔ PHỎNG")).await;
            b.click(&format!("button[name=subject][value='{subject}']")).await;
            b.wait_text("header", |t| t.contains("Đăng xuất")).await;
        }
    }
}

/// Issue 4's journey: a citizen submits online with an attachment → an officer
/// accepts → a specialist requests a supplement → the citizen resubmits → the
/// approver approves → the result is returned → the citizen rates; the public
/// lookup by code shows every step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dossier_goes_from_online_submission_to_rating_through_the_pages() {
    journey(spawn().await, Citizen::Password("demo.citizen"), "N*** V** D**", "Dân").await;
}

/// The same journey, the citizen signing in through an OpenID Connect
/// provider (the demonstration one egov serves in demo mode), as Decree
/// 69/2024 has citizens do; the form comes filled from the identity.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journey_again_signed_in_through_the_identity_provider() {
    journey(spawn_demo_idp().await, Citizen::Provider("demo-mai"), "T*** T** M**", "Mai").await;
}

async fn journey(app: TestApp, citizen: Citizen, masked: &str, hidden: &str) {
    let site = format!("http://localhost:{}", app.addr.port());
    let dir = std::env::temp_dir().join(format!("egov-journey-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = |name: &str| {
        let p = dir.join(name);
        std::fs::write(&p, b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n").unwrap();
        p
    };
    let b = Browser::start().await;

    // 1. The citizen applies online with the two mandatory documents attached.
    citizen_sign_in(&b, &site, citizen).await;
    b.goto(&format!("{site}/thu-tuc/1.000894")).await;
    b.click("a[href='/thu-tuc/1.000894/nop']").await;
    b.wait_text("h1", |t| t.contains("Nộp hồ sơ")).await;
    b.script("document.getElementById('agency').value = 'H72.50.01'; return 1").await;
    if let Citizen::Provider(_) = citizen {
        let filled = b.script("return document.getElementById('f_applicant_id').value").await;
        assert_eq!(filled, "072190001111", "the ID number comes from the identity");
    } else {
        b.type_into("#f_applicant_name", "Nguyễn Văn Dân").await;
        b.type_into("#f_applicant_id", "072090001234").await;
    }
    b.type_into("#f_address", "Tổ 5, phường Tân Ninh").await;
    fill_couple(&b).await;
    b.upload("#part_0", &pdf("to-khai.pdf")).await;
    b.upload("#part_1", &pdf("cccd.pdf")).await;
    b.click("button[name=submit]").await;
    let notice = b.wait_text(".notice", |t| t.contains("Mã hồ sơ")).await;
    let code = b.text(".notice strong").await;
    assert!(code.starts_with("H72.50.01-") && code.ends_with("-0001"), "{notice}");
    assert!(b.text("main").await.contains("to-khai.pdf"), "the attachment is listed");
    sign_out(&b).await;

    // 2. The receiving officer accepts it from the list to receive.
    sign_in(&b, &site, "demo.receiver").await;
    b.goto(&format!("{site}/quan-tri/ho-so")).await;
    b.wait_text("main", |t| t.contains(&code)).await;
    office_action(&b, &site, &code, "accept").await;
    assert!(b.text("main").await.contains("Đã tiếp nhận"));
    sign_out(&b).await;

    // 3. The approver assigns a specialist, who asks for a supplement.
    sign_in(&b, &site, "demo.approver").await;
    office_action(&b, &site, &code, "assign").await;
    sign_out(&b).await;
    sign_in(&b, &site, "demo.specialist").await;
    b.goto(&format!("{site}/quan-tri/ho-so/{code}")).await;
    b.type_into("#missing-rs", "Bản sao giấy xác nhận tình trạng hôn nhân").await;
    b.click("form:has(input[name=action][value=request_supplement]) button[type=submit]").await;
    b.wait_text("main", |t| t.contains("Chờ bổ sung hồ sơ")).await;
    sign_out(&b).await;

    // 4. The citizen sees what is missing and resubmits with it attached.
    citizen_sign_in(&b, &site, citizen).await;
    b.goto(&format!("{site}/ho-so/{code}")).await;
    let main = b.wait_text("main", |t| t.contains("Bổ sung hồ sơ")).await;
    assert!(main.contains("Bản sao giấy xác nhận tình trạng hôn nhân"), "{main}");
    b.click("form[action$='/bo-sung'] button[type=submit]").await;
    b.wait_text("#requested_0-err", |t| t.contains("Vui lòng đính kèm giấy tờ này")).await;
    b.upload("#requested_0", &pdf("xac-nhan-hon-nhan.pdf")).await;
    b.click("form[action$='/bo-sung'] button[type=submit]").await;
    b.wait_text(".notice", |t| t.contains("Đã nộp bổ sung")).await;
    assert!(b.text("main").await.contains("xac-nhan-hon-nhan.pdf"));
    sign_out(&b).await;

    // 5. The approver approves.
    sign_in(&b, &site, "demo.approver").await;
    office_action(&b, &site, &code, "approve").await;
    sign_out(&b).await;

    // 6. The receiving officer returns the electronic result, and a paper one.
    sign_in(&b, &site, "demo.receiver").await;
    b.goto(&format!("{site}/quan-tri/ho-so/{code}")).await;
    b.upload("#result", &pdf("giay-chung-nhan-ket-hon.pdf")).await;
    b.click("#paper").await;
    b.click("form:has(input[name=action][value=return_result]) button[type=submit]").await;
    b.wait_text("main", |t| t.contains("Đã trả kết quả")).await;
    sign_out(&b).await;

    // 7. The citizen downloads the result and rates the service.
    citizen_sign_in(&b, &site, citizen).await;
    b.goto(&format!("{site}/ho-so/{code}")).await;
    let main = b.wait_text("main", |t| t.contains("Kết quả giải quyết (bản điện tử)")).await;
    assert!(main.contains("giay-chung-nhan-ket-hon.pdf") && main.contains("Kết quả bản giấy"), "{main}");
    let href: String = b
        .script("return document.querySelector('a[download]').getAttribute('href')")
        .await
        .as_str()
        .unwrap()
        .to_string();
    let got = b
        .script(&format!(
            "var x = new XMLHttpRequest(); x.open('GET', '{href}', false); x.send(); return x.status + ' ' + x.getResponseHeader('content-type')"
        ))
        .await;
    assert_eq!(got, "200 application/pdf");
    for i in 1..=9 {
        b.click(&format!("#s{i}-{}", if i == 4 { 1 } else { 2 })).await;
    }
    b.click("form[action$='/danh-gia'] button[type=submit]").await;
    b.wait_text("main", |t| t.contains("Đánh giá của bạn") && t.contains("Cảm ơn bạn đã đánh giá.")).await;
    sign_out(&b).await;

    // 8. Anyone looks it up by its code and sees every step.
    b.goto(&format!("{site}/tra-cuu")).await;
    b.type_into("#ma", &code).await;
    b.click("form.search button[type=submit]").await;
    let main = b.wait_text("main", |t| t.contains("Các bước") || t.contains("Đã trả kết quả")).await;
    let steps = b.text("main ol").await;
    let order = [
        "Mới nộp, chờ tiếp nhận",
        "Đã tiếp nhận",
        "Đang xử lý",
        "Chờ bổ sung hồ sơ",
        "Đang xử lý",
        "Đã xử lý xong, chờ trả kết quả",
        "Đã trả kết quả",
    ];
    let lines: Vec<&str> = steps.lines().collect();
    assert_eq!(lines.len(), order.len(), "{steps}");
    for (line, status) in lines.iter().zip(order) {
        assert!(line.ends_with(status), "{line} / {status}\n{steps}");
    }
    assert!(main.contains(masked) && !main.contains(hidden), "only a masked name: {main}");
    b.quit().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 5: from the province's score to one late dossier, by the links.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_drills_from_the_province_score_to_a_late_dossier() {
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(at("2026-03-02 08:00"));
    let app = spawn_with(egov_web::Settings {
        app: egov_app::Config { clock: clock.clone(), ..Default::default() },
        ..Default::default()
    })
    .await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let receiver = app.client().with_bearer(&app.token("demo.receiver").await.1);
    let code = submit_online(&citizen).await;
    let r = receiver.post_json(&format!("/api/v1/dossiers/{code}/actions"), r#"{"action": "accept"}"#).await;
    assert_eq!(r.status, 200);
    clock.set(at("2026-03-06 08:00")); // three days past its Tuesday appointment

    let site = format!("http://localhost:{}", app.addr.port());
    let b = Browser::start().await;
    b.goto(&format!("{site}/")).await;
    b.click("a[href='/chat-luong']").await;
    b.wait_text("h1", |t| t.contains("Quyết định 766")).await;
    b.script("document.getElementById('from').value = '2026-03-01'; document.getElementById('to').value = '2026-03-31'; return 1").await;
    b.click("form.filters button[type=submit]").await;
    b.wait_text("main", |t| t.contains("Xếp hạng cơ quan")).await;
    b.click("main a[href^='/chat-luong?agency=H72.50.01']").await;
    b.wait_text("main h2", |t| t.contains("Tân Ninh")).await;
    b.click(&format!("a[href='/tra-cuu/{code}']")).await;
    let main = b.wait_text("main", |t| t.contains(&code)).await;
    assert!(main.contains("Đã tiếp nhận"), "{main}");
    assert!(b.url().await.ends_with(&format!("/tra-cuu/{code}")));
    b.quit().await;
}

/// Issue 15, point 2: a form sent back with errors puts the keyboard on its
/// summary, whose links lead to each field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_application_moves_focus_to_its_error_summary() {
    let app = spawn().await;
    let site = format!("http://localhost:{}", app.addr.port());
    let b = Browser::start().await;
    sign_in(&b, &site, "demo.citizen").await;
    b.goto(&format!("{site}/thu-tuc/1.000894/nop")).await;
    b.click("button[name=submit]").await;
    b.wait_text("#error-summary", |t| t.contains("Vui lòng chọn cơ quan tiếp nhận hồ sơ.")).await;
    let focused = b.script("return document.activeElement && document.activeElement.id").await;
    assert_eq!(focused, "error-summary");
    assert!(b.script("return document.title").await.as_str().unwrap_or("").starts_with("Lỗi: "));
    b.click("#error-summary a[href='#f_address']").await;
    let at = b.script("return location.hash").await;
    assert_eq!(at, "#f_address");
    b.quit().await;
}

/// Issue 15's tests that must exist: axe-core on every page the journeys
/// visit, in both languages, with no WCAG 2.2 A/AA violation; and each page
/// usable 320 CSS pixels wide without scrolling sideways (WCAG 1.4.10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_journey_page_passes_axe_in_both_languages_and_reflows_at_320_px() {
    let app = spawn().await;
    let site = format!("http://localhost:{}", app.addr.port());
    let (_, secret) = app.token("demo.citizen").await;
    let code = submit_online(&app.client().with_bearer(&secret)).await;
    let counter = serde_json::json!({"procedure": "1.000894", "citizen_id": "072090004321", "full_name": "Đặng Thị Quầy",
        "form": marriage(serde_json::json!({"applicant_name": "Đặng Thị Quầy", "applicant_id": "072090004321", "address": "Tổ 5"})), "parts": [0, 1]});
    let r = app.as_user("demo.receiver").await.post_json("/api/v1/counter/dossiers", &counter.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let at_counter = r.json()["code"].as_str().expect("code").to_string();
    // the gateway's page with figures to draw: egov's own services called, once refused
    let (own, client, key) = app.egov_on_the_gateway();
    let web = app.client();
    let path = |svc: &str| format!("/r1/{own}/{svc}");
    let headers = [("X-Road-Client", client), ("X-Road-Api-Key", key.as_str())];
    let start = std::time::Instant::now();
    // the registry reaches the server within its refresh
    while web.get_with(&path("agencies"), &headers).await.status != 200 {
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "the registry did not arrive");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(web.get_with(&path("dossier-status"), &headers).await.status, 403);
    // the security console with a machine, its agent's heartbeat and a detection
    let machine = crate::protection::console_fixture(&app).await;
    let net_site = crate::network::fixture(&app).await;
    let incident = crate::incidents::fixture(&app).await;
    let station = crate::radio::fixture(&app).await;
    crate::radio::normal_bulletin(&app, "Lịch thu gom rác").await; // the station page's placement form
    let (article_vi, article_en) = crate::news::fixture(&app).await;
    // a draft with two revisions, for the newsroom's pages and the comparison
    let writer = app.as_user("demo.specialist").await;
    let draft = crate::news::article("vi", "Bản nháp để so sánh", "<p>Đoạn một.</p>");
    let draft_id =
        writer.post_json("/api/v1/news/articles", &draft.to_string()).await.json()["id"].as_i64().expect("id");
    let edited = crate::news::article("vi", "Bản nháp để so sánh (sửa)", "<p>Đoạn một.</p><p>Đoạn hai.</p>");
    assert_eq!(writer.put_json(&format!("/api/v1/news/articles/{draft_id}"), &edited.to_string()).await.status, 204);
    let agency = writer.get(&format!("/api/v1/news/articles/{draft_id}")).await.json()["agency_code"]
        .as_str()
        .expect("agency")
        .to_string();
    // a spokesperson, and a delegation, for the register and the portal's page
    let keeper = app.client();
    keeper.login("demo.agency-admin", DEMO_PASSWORD).await;
    let csrf = keeper.get("/quan-tri/nguoi-phat-ngon").await.csrf();
    let today = vn_today();
    let at = format!("{today}T08:00");
    for (kind, name, scope, ends) in
        [("appointed", "Nguyễn Thị Lan", "", ""), ("delegated", "Lê Văn Hùng", "Sạt lở bờ kênh", today.as_str())]
    {
        let form = [
            ("csrf", csrf.as_str()),
            ("kind", kind),
            ("full_name", name),
            ("title", "Chủ tịch UBND xã"),
            ("phone", "0276 3822 111"),
            ("email", "lan@xa.tayninh.gov.vn"),
            ("appointed_at", at.as_str()),
            ("instrument", "Quyết định số 15/QĐ-UBND"),
            ("scope", scope),
            ("ends_on", ends),
        ];
        assert_eq!(keeper.post_form("/quan-tri/nguoi-phat-ngon", &form).await.status, 303);
    }
    // press cooperation: an outlet, a contract, an item delivered
    let outlet = [
        ("csrf", csrf.as_str()),
        ("which", "outlet"),
        ("name", "Báo Tây Ninh"),
        ("kind", "newspaper"),
        ("licence", "Giấy phép 123/GP"),
        ("contact", "0276 3822 000"),
    ];
    assert_eq!(keeper.post_form("/quan-tri/bao-chi", &outlet).await.status, 303);
    let page = keeper.get("/quan-tri/bao-chi").await.text;
    let outlet_id = page
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("\">Báo Tây Ninh<"))
        .expect("outlet")
        .split('"')
        .next()
        .expect("id")
        .to_string();
    let contract = [
        ("csrf", csrf.as_str()),
        ("which", "contract"),
        ("outlet", outlet_id.as_str()),
        ("number", "01/HĐ"),
        ("subject", "Chuyển đổi số"),
        ("items", "4"),
        ("from", "2026-01-01"),
        ("to", "2026-12-31"),
        ("budget", "10000000"),
    ];
    assert_eq!(keeper.post_form("/quan-tri/bao-chi", &contract).await.status, 303);
    // press information: a journalist's request waiting for its answer
    let request = [
        ("csrf", csrf.as_str()),
        ("kind", "request"),
        ("subject", "Tiến độ số hóa hồ sơ?"),
        ("journalist", "Lê Văn B"),
        ("outlet", "Báo Tây Ninh"),
        ("on", "2026-03-02"),
        ("deadline", "2026-03-09"),
    ];
    assert_eq!(keeper.post_form("/quan-tri/thong-tin-bao-chi", &request).await.status, 303);
    // a receiving account for fees
    let account = [
        ("csrf", csrf.as_str()),
        ("bin", "970436"),
        ("account", "1012345678"),
        ("holder", "UBND xã Tân Phong"),
        ("from", "2026-01-01"),
    ];
    assert_eq!(keeper.post_form("/quan-tri/thanh-toan", &account).await.status, 303);
    // a dossier owing a fee (its VietQR code on the page), and a transfer for the desk to resolve
    let r = app.client().with_bearer(&secret).post_multipart("/api/v1/dossiers", crate::fees::parentage()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let fee_code = r.json()["code"].as_str().expect("code").to_string();
    let statement = "reference,time,amount,description\nFT9,2026-03-02 09:00:00,5000,ung ho\n";
    let r = app
        .as_user("demo.receiver")
        .await
        .post_with_body("/api/v1/payments/bank/statements", statement, "text/csv")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // a result returned (one part checked against its original first), in the citizen's store
    let issued = submit_online(&app.client().with_bearer(&secret)).await;
    let (receiver, approver, specialist) =
        (app.as_user("demo.receiver").await, app.as_user("demo.approver").await, app.as_user("demo.specialist").await);
    let check = crate::results::returned(&issued, &receiver, &approver, &specialist).await;
    let public = vec![
        "/".to_string(),
        "/kiem-tra-ket-qua".into(),
        check,
        "/thu-tuc".into(),
        "/thu-tuc?q=ket+hon".into(),
        "/thu-tuc/1.000894".into(),
        "/tra-cuu".into(),
        format!("/tra-cuu/{code}"),
        "/dang-nhap".into(),
        "/dang-ky".into(),
        "/lich".into(),
        "/chat-luong".into(),
        "/trang-thai".into(),
        "/truyen-thanh".into(),
        "/tin-tuc".into(),
        article_vi,
        article_en,
        "/tin-tuc/the/du-lieu".into(),
        "/tin-tuc?q=chuyen+doi+so".into(),
        format!("/tin-tuc?co-quan={agency}"),
        "/nguoi-phat-ngon".into(),
    ];
    let citizen = vec![
        "/ho-so-cua-toi".to_string(),
        "/hop-thu".into(),
        "/thu-tuc/1.000894/nop".into(),
        format!("/ho-so/{code}"),
        format!("/ho-so/{fee_code}"),
        "/kho-du-lieu".into(),
    ];
    // the year's IT plan from the template, a value reported for the department to approve
    let (plan_measured, plan_reported) = {
        let admin = app.as_user("demo.admin").await;
        let template = app.client().get("/api/v1/plans/template.csv").await.text;
        let r = admin
            .post_with_body(
                "/api/v1/plans/2026/import?decision=QĐ%2085/QĐ-UBND&adopted_on=2026-01-15",
                &template,
                "text/csv",
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let p = admin.get("/api/v1/plans/2026/progress").await.json();
        let list = p["indicators"].as_array().expect("indicators").clone();
        let id_of =
            |source: &str| list.iter().find(|i| i["source"] == source).expect(source)["id"].as_i64().expect("id");
        let reported = id_of("reported");
        let body = serde_json::json!({"as_of": "2026-06-30", "value": 2, "note": "Hai lớp", "evidence_name": "bien-ban.pdf",
            "evidence_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, PDF)});
        let r = admin.post_json(&format!("/api/v1/plans/indicators/{reported}/reports"), &body.to_string()).await;
        assert_eq!(r.status, 201, "{}", r.text);
        (id_of("online_dossiers"), reported)
    };
    let official = vec![
        "/quan-tri".to_string(),
        "/quan-tri/ho-so".into(),
        format!("/quan-tri/ho-so/{code}"),
        "/quan-tri/co-quan".into(),
        "/quan-tri/lich".into(),
        "/quan-tri/thu-tuc".into(),
        "/quan-tri/nhat-ky".into(),
        "/quan-tri/cac-co-quan".into(),
        "/quan-tri/don-vi".into(),
        "/quan-tri/thu-di".into(),
        "/quan-tri/lich/2027".into(),
        "/quan-tri/cac-co-quan/H72.50.01/sua".into(),
        "/quan-tri/don-vi/25441/sua".into(),
        "/quan-tri/co-quan/H72.50.01/can-bo/demo.specialist".into(),
        "/quan-tri/lien-thong".into(),
        "/quan-tri/an-toan-thong-tin".into(),
        format!("/quan-tri/an-toan-thong-tin/may/{machine}"),
        "/quan-tri/mang".into(),
        format!("/quan-tri/mang/diem/{net_site}"),
        "/quan-tri/su-co".into(),
        format!("/quan-tri/su-co/{incident}"),
        "/quan-tri/su-co/dinh-ky".into(),
        "/quan-tri/truyen-thanh".into(),
        format!("/quan-tri/truyen-thanh/dai/{station}"),
        "/quan-tri/tin-tuc".into(),
        "/quan-tri/tin-tuc/moi".into(),
        format!("/quan-tri/tin-tuc/{draft_id}"),
        format!("/quan-tri/tin-tuc/{draft_id}/so-sanh?tu=1&den=2"),
        "/quan-tri/nguoi-phat-ngon".into(),
        "/quan-tri/bao-chi?nam=2026".into(),
        "/quan-tri/thong-tin-bao-chi?nam=2026".into(),
        "/quan-tri/thong-tin-bao-chi?nam=2026&dem=requests".into(),
        "/quan-tri/thanh-toan".into(),
        "/quan-tri/ket-qua".into(),
        "/quan-tri/ke-hoach?nam=2026".into(),
        format!("/quan-tri/ke-hoach/chi-tieu/{plan_measured}"),
        format!("/quan-tri/ke-hoach/chi-tieu/{plan_reported}"),
    ];
    let receiver = vec![
        "/quan-tri/ho-so".to_string(),
        "/quan-tri/tiep-nhan?thu-tuc=1.000894".into(),
        format!("/quan-tri/tiep-nhan/{at_counter}"),
        format!("/quan-tri/ho-so/{fee_code}"),
        "/quan-tri/thanh-toan/doi-soat".into(),
        format!("/quan-tri/ho-so/{issued}"),
    ];
    let b = Browser::start().await;
    let mut problems = Vec::new();
    let mut audited = 0;
    for (who, pages) in [
        (None, &public),
        (Some("demo.citizen"), &citizen),
        (Some("demo.admin"), &official),
        (Some("demo.receiver"), &receiver),
    ] {
        // signed in at desktop width, where the header shows its links
        b.emulate_width(1280).await;
        b.goto(&format!("{site}/?lang=vi")).await;
        if let Some(user) = who {
            sign_in(&b, &site, user).await;
        }
        for page in pages {
            for lang in ["vi", "en"] {
                let sep = if page.contains('?') { '&' } else { '?' };
                b.emulate_width(1280).await;
                b.goto(&format!("{site}{page}{sep}lang={lang}")).await;
                for v in b.axe().await {
                    problems.push(format!("{page} ({lang}): {v}"));
                }
                b.emulate_width(320).await;
                if let Some(o) = b.overflows().await {
                    problems.push(format!("{page} ({lang}) at 320 px: {o}"));
                }
                audited += 1;
            }
        }
        if who.is_some() {
            b.emulate_width(1280).await;
            b.goto(&format!("{site}/?lang=vi")).await;
            sign_out(&b).await;
        }
    }
    b.quit().await;
    assert!(problems.is_empty(), "{} problems on {audited} pages:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(audited, 140);
}

/// Issue 15, point 20: at 375 × 812 the header is the site's name and a menu
/// button, and the back office's menu folds the same way; opened, the
/// menus hold every link; without JavaScript (details and summary).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_375_px_the_header_and_the_back_office_menu_fold_into_buttons() {
    let app = spawn().await;
    let site = format!("http://localhost:{}", app.addr.port());
    let b = Browser::start().await;
    b.goto(&format!("{site}/?lang=vi")).await;
    sign_in(&b, &site, "demo.receiver").await;
    b.emulate_width(375).await;
    b.goto(&format!("{site}/quan-tri/ho-so")).await;
    let height = |css: &'static str| {
        let b = &b;
        async move {
            b.script(&format!("return Math.round(document.querySelector('{css}').getBoundingClientRect().height);"))
                .await
                .as_i64()
                .unwrap_or(-1)
        }
    };
    let header = height("header.top").await;
    assert!((40..=100).contains(&header), "the header is {header} px high at 375 px");
    // the worklist begins within the first screen: header and folded menu under 200 px
    let main_top = b.script("return Math.round(document.querySelector('main h1').getBoundingClientRect().top);").await;
    assert!(main_top.as_i64().unwrap_or(999) < 200, "the page's heading starts at {main_top} px");
    assert!(b.overflows().await.is_none());
    // opened, the site's menu shows the sign-out, and the back office's its pages
    b.click("header details.narrow > summary").await;
    let menu = b.text("header details.narrow nav").await;
    assert!(menu.contains("Đăng xuất"), "{menu}");
    b.click("details.side-toggle > summary").await;
    let side = b.text("details.side-toggle nav").await;
    assert!(side.contains("Tiếp nhận tại quầy") && side.contains("Hồ sơ"), "{side}");
    // and at desktop width nothing is folded
    b.emulate_width(1280).await;
    b.goto(&format!("{site}/quan-tri/ho-so")).await;
    assert!(b.text("nav.side.wide").await.contains("Tiếp nhận tại quầy"));
    let folded = b.script("return getComputedStyle(document.querySelector('details.narrow')).display;").await;
    assert_eq!(folded.as_str(), Some("none"));
    b.quit().await;
}

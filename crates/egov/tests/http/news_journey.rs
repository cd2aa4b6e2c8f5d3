//! Issue 21's browser journey in real Chromium: a writer drafts an article
//! in Vietnamese with its picture and its English version, the editor
//! approves both, the publisher schedules them, they appear on time, and a
//! reader switches language and shares.

use crate::common::webdriver::Browser;
use crate::common::*;

async fn sign_in(b: &Browser, site: &str, user: &str) {
    b.goto(&format!("{site}/dang-nhap?lang=vi")).await;
    b.type_into("#login", user).await;
    b.type_into("#password", DEMO_PASSWORD).await;
    b.click("form[action='/dang-nhap'] button[type=submit]").await;
    b.wait_text("header", |t| t.contains("Đăng xuất")).await;
}

async fn sign_out(b: &Browser) {
    b.click("form[action='/dang-xuat'] button").await;
    b.wait_text("header", |t| t.contains("Đăng nhập")).await;
}

/// Fills the article form and saves it; the article's page address.
async fn write(
    b: &Browser,
    title: &str,
    summary: &str,
    body: &str,
    alt: &str,
    picture: Option<&std::path::Path>,
) -> String {
    b.type_into("#title", title).await;
    b.type_into("#summary", summary).await;
    b.type_into("#body", body).await;
    b.script("document.getElementById('category').value = 'chuyen-doi-so'; return 1").await;
    b.type_into("#tags", "chuyển đổi số").await;
    if let Some(p) = picture {
        b.upload("#image", p).await;
    }
    b.type_into("#image_alt", alt).await;
    b.click("form[enctype='multipart/form-data'] button[type=submit]").await;
    b.wait_text("main", |t| t.contains("Bản nháp") || t.contains("Draft")).await;
    b.url().await.split('?').next().unwrap_or_default().to_string()
}

async fn take_step(b: &Browser, page: &str, step: &str) {
    b.goto(page).await;
    b.click(&format!("form.step:has(input[name=step][value={step}]) button[type=submit]")).await;
    b.wait_text("main", |t| !t.is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_drafts_both_languages_the_editor_approves_the_publisher_schedules_and_a_reader_shares() {
    let start = chrono::NaiveDateTime::parse_from_str("2026-12-01 15:00", "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(start);
    let mut settings = egov_web::Settings::default();
    settings.app.clock = clock.clone();
    let app = spawn_with(settings).await;
    let site = format!("http://localhost:{}", app.addr.port());
    let picture = std::env::temp_dir().join(format!("egov-news-{}.png", random_name()));
    let img = image::RgbImage::from_fn(800, 450, |x, y| image::Rgb([(x / 4) as u8, (y / 2) as u8, 160]));
    img.save(&picture).expect("a picture");
    let b = Browser::start().await;

    // the writer: the Vietnamese article with its picture, then its English version
    sign_in(&b, &site, "demo.specialist").await;
    b.goto(&format!("{site}/quan-tri/tin-tuc")).await;
    b.click("a[href='/quan-tri/tin-tuc/moi']").await;
    b.wait_text("h1", |t| t == "Viết bài mới").await;
    let vi = write(
        &b,
        "Tỉnh khai trương trung tâm dữ liệu",
        "Trung tâm dữ liệu mới phục vụ các cơ quan.",
        "<p>Trung tâm dữ liệu được đưa vào sử dụng.</p>",
        "Toàn cảnh trung tâm dữ liệu",
        Some(&picture),
    )
    .await;
    assert!(b.text("main").await.contains("Viết bản tiếng Anh"));
    b.click("a[href^='/quan-tri/tin-tuc/moi?ban-dich-cua=']").await;
    b.wait_text("h1", |t| t == "Viết bài mới").await;
    assert_eq!(b.script("return document.getElementById('language').value").await, "en");
    let en = write(
        &b,
        "The province opens its data centre",
        "A new data centre serves the agencies.",
        "<p>The data centre is in service.</p>",
        "The data centre",
        Some(&picture),
    )
    .await;
    for page in [&vi, &en] {
        take_step(&b, page, "submit").await;
    }
    sign_out(&b).await;

    // the editor approves both
    sign_in(&b, &site, "demo.approver").await;
    for page in [&vi, &en] {
        take_step(&b, page, "approve").await;
        assert!(b.text("main").await.contains("Chờ xuất bản"));
    }
    sign_out(&b).await;

    // the publisher schedules both for tomorrow 07:00
    sign_in(&b, &site, "demo.agency-admin").await;
    for page in [&vi, &en] {
        b.goto(page).await;
        b.script("document.getElementById('at-publish').value = '2026-12-02T07:00'; return 1").await;
        b.click("form.step:has(input[name=step][value=publish]) button[type=submit]").await;
        b.wait_text("main", |t| t.contains("Đã xuất bản") && t.contains("02/12/2026 07:00")).await;
    }
    sign_out(&b).await;

    // not before its time; then there
    b.goto(&format!("{site}/tin-tuc?lang=vi")).await;
    assert!(!b.text("main").await.contains("Tỉnh khai trương trung tâm dữ liệu"));
    clock.set(chrono::NaiveDateTime::parse_from_str("2026-12-02 07:00", "%Y-%m-%d %H:%M").unwrap());
    b.goto(&format!("{site}/tin-tuc")).await;
    let link = b.find_link("Tỉnh khai trương trung tâm dữ liệu").await;
    b.click_element(&link).await;
    b.wait_text("h1", |t| t == "Tỉnh khai trương trung tâm dữ liệu").await;
    assert_eq!(b.script("return document.querySelector('article img').alt").await, "Toàn cảnh trung tâm dữ liệu");
    assert_eq!(
        b.script("return String(document.querySelector('article img').naturalWidth > 0)").await,
        "true",
        "the picture loads"
    );

    // the reader switches language: the English version
    b.click("a.lang").await;
    b.wait_text("h1", |t| t == "The province opens its data centre").await;
    assert_eq!(b.script("return document.documentElement.lang").await, "en");
    // and shares: plain links carrying this address, and the address to copy
    let here = b.url().await;
    let here = here.split('?').next().unwrap_or_default().to_string();
    assert_eq!(b.script("return document.getElementById('share-url').value").await, here);
    let facebook = b.script("return document.querySelector(\"a[href^='https://www.facebook.com/sharer']\").href").await;
    let encoded = here.replace(':', "%3A").replace('/', "%2F");
    assert_eq!(
        facebook.as_str().unwrap_or_default(),
        format!("https://www.facebook.com/sharer/sharer.php?u={encoded}")
    );
    let mail = b.script("return document.querySelector(\"a[href^='mailto:']\").href").await;
    assert!(mail.as_str().unwrap_or_default().ends_with(&format!("body={encoded}")), "{mail}");
    assert_eq!(
        b.script("return String(document.querySelectorAll('script').length)").await,
        "0",
        "no script on the page"
    );
    b.click("a.lang").await;
    b.wait_text("h1", |t| t == "Tỉnh khai trương trung tâm dữ liệu").await;
    b.quit().await;
    let _ = std::fs::remove_file(&picture);
}

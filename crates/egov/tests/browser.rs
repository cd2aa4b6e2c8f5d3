//! Browser journeys in real headless Chromium.

mod common;

use common::webdriver::Browser;
use common::*;

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

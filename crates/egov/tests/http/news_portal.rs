//! Issue 21, the portal's finding aids and the newsroom's pages: search
//! folded as the catalog folds, tag and agency pages, featured articles,
//! the sitemap validated against its schema, conditional requests answered
//! 304, featured images uploaded once and served in sizes, and the back
//! office's pages from a writer's draft (every error at once, the image
//! kept) to the publisher, with two revisions compared.

use crate::common::*;
use crate::news::{article, published};

/// Validates a sitemap against the sitemaps.org 0.9 schema with xmllint.
pub fn valid_sitemap(xml: &str) {
    let file = std::env::temp_dir().join(format!("egov-sitemap-{}.xml", random_name()));
    std::fs::write(&file, xml).expect("write the sitemap");
    let xsd = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sitemap-0.9.xsd");
    let out = std::process::Command::new(tool("xmllint"))
        .args(["--noout", "--schema", xsd])
        .arg(&file)
        .output()
        .expect("xmllint");
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success(), "{}\n{xml}", String::from_utf8_lossy(&out.stderr));
}

/// A server on a fixed clock, and its agency administrator signed in.
async fn agency_admin_at(at: &str) -> (TestApp, egov_web::Clock, Client) {
    let clock = egov_web::Clock::fixed(chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").expect("a time"));
    let mut settings = egov_web::Settings::default();
    settings.app.clock = clock.clone();
    let app = spawn_with(settings).await;
    let admin = app.client();
    admin.login("demo.agency-admin", DEMO_PASSWORD).await;
    (app, clock, admin)
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).expect("png");
    out
}

#[tokio::test]
async fn the_portal_finds_articles_by_folded_words_tags_and_agency_and_features_the_chosen() {
    let app = spawn().await;
    let mut first = article("vi", "Hạ tầng dữ liệu của tỉnh", "<p>Kho dữ liệu dùng chung được nâng cấp.</p>");
    first["tags"] = serde_json::json!(["Dữ liệu mở"]);
    let a = published(&app, first, None).await;
    let mut second = article("vi", "Hội thảo khoa học kỹ thuật", "<p>Các nhà khoa học trao đổi.</p>");
    second["tags"] = serde_json::json!(["hội thảo"]);
    let b = published(&app, second, None).await;
    let reader = app.client();
    let search = |q: &str| format!("/tin-tuc?q={}", form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
    // accents, case and the ky/ki spelling folded away; every word must be there
    let r = reader.get(&search("HA TANG du lieu")).await;
    assert!(r.text.contains("Hạ tầng dữ liệu của tỉnh") && !r.text.contains("Hội thảo khoa học"), "{}", r.text);
    assert!(r.text.contains("Số bài tìm thấy: 1"));
    let r = reader.get(&search("khoa hoc ki thuat")).await;
    assert!(r.text.contains("Hội thảo khoa học kỹ thuật") && !r.text.contains("Hạ tầng dữ liệu"));
    let r = reader.get(&search("du lieu hoi thao")).await;
    assert!(r.text.contains("Số bài tìm thấy: 0"), "both words in one article only");
    // a tag's page, named as the tag is written
    let r = reader.get("/tin-tuc/the/du-lieu-mo").await;
    assert_eq!(r.status, 200);
    assert!(
        r.text.contains("Từ khóa: Dữ liệu mở")
            && r.text.contains("Hạ tầng dữ liệu")
            && !r.text.contains("Hội thảo khoa học")
    );
    assert_eq!(reader.get("/tin-tuc/the/Du-Lieu").await.status, 404, "one address per tag");
    let page = reader.get(&format!("/tin-tuc/{a}/ha-tang-du-lieu-cua-tinh")).await;
    assert!(page.text.contains("href=\"/tin-tuc/the/du-lieu-mo\""), "the article links its tags");
    // the agency's section
    let writer = app.as_user("demo.specialist").await;
    let agency =
        writer.get(&format!("/api/v1/news/articles/{a}")).await.json()["agency_code"].as_str().unwrap().to_string();
    let r = reader.get(&format!("/tin-tuc?co-quan={agency}")).await;
    assert!(r.text.contains("Tin của") && r.text.contains("Hạ tầng dữ liệu") && r.text.contains("Hội thảo khoa học"));
    // the publisher features one: it heads the home page
    let body = serde_json::json!({"featured": true}).to_string();
    assert_eq!(writer.put_json(&format!("/api/v1/news/articles/{b}/featured"), &body).await.status, 403);
    let publisher = app.as_user("demo.agency-admin").await;
    assert_eq!(publisher.put_json(&format!("/api/v1/news/articles/{b}/featured"), &body).await.status, 204);
    let home = reader.get("/tin-tuc").await.text;
    let featured = home.split("id=\"feat-h\"").nth(1).and_then(|s| s.split("</section>").next()).expect("featured");
    assert!(featured.contains("Hội thảo khoa học kỹ thuật") && !featured.contains("Hạ tầng dữ liệu"));
    // the sitemap names both, and is what its schema says
    let sitemap = reader.get("/sitemap.xml").await;
    assert_eq!(sitemap.header("content-type"), "application/xml; charset=utf-8");
    valid_sitemap(&sitemap.text);
    assert!(sitemap.text.contains(&format!("/tin-tuc/{a}/ha-tang-du-lieu-cua-tinh</loc>")));
    assert!(sitemap.text.contains(&format!("/tin-tuc/{b}/hoi-thao-khoa-hoc-ki-thuat</loc>")));
    // the schema check can fail: a priority out of range is caught
    let broken = sitemap.text.replacen("<priority>0.8</priority>", "<priority>2</priority>", 1);
    let caught = std::panic::catch_unwind(|| valid_sitemap(&broken));
    assert!(caught.is_err(), "xmllint refuses a priority of 2");
}

#[tokio::test]
async fn a_page_not_changed_since_is_answered_304_and_a_change_or_a_time_passing_renews_it() {
    let start = chrono::NaiveDateTime::parse_from_str("2026-12-01 08:00", "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(start);
    let mut settings = egov_web::Settings::default();
    settings.app.clock = clock.clone();
    let app = spawn_with(settings).await;
    let (vi, _) = crate::news::fixture(&app).await;
    let reader = app.client();
    for path in ["/tin-tuc", vi.as_str(), "/tin-tuc/the/du-lieu"] {
        let r = reader.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        let tag = r.header("etag").to_string();
        assert!(tag.starts_with("\"n"), "{path}: {tag}");
        assert_eq!(r.header("cache-control"), "public, max-age=60");
        assert_eq!(r.header("vary"), "Cookie");
        assert!(r.headers.get("set-cookie").is_none(), "a page a cache keeps sets no cookie");
        let again = reader.get_with(path, &[("if-none-match", &tag)]).await;
        assert_eq!((again.status, again.text.as_str()), (304, ""), "{path}");
        assert_eq!(again.header("etag"), tag);
        let other = reader.get_with(path, &[("if-none-match", "\"n000\"")]).await;
        assert_eq!((other.status, &other.text), (200, &r.text), "another tag: the same page (kept for its tag)");
        assert_eq!(other.header("etag"), tag);
    }
    // the other language is another page
    let vi_tag = reader.get("/tin-tuc").await.header("etag").to_string();
    assert_ne!(reader.get("/tin-tuc?lang=en").await.header("etag"), vi_tag);
    // a publication scheduled: the same page until its time, then a new one
    let later = published(&app, article("vi", "Thông báo lịch nghỉ", "<p>Nghỉ.</p>"), Some("2026-12-01T10:00")).await;
    let r = reader.get_with("/tin-tuc?lang=vi", &[("if-none-match", &vi_tag)]).await;
    assert_eq!(r.status, 200, "the workflow's steps changed the version");
    let tag = r.header("etag").to_string();
    assert!(!r.text.contains("Thông báo lịch nghỉ"));
    assert_eq!(reader.get_with("/tin-tuc?lang=vi", &[("if-none-match", &tag)]).await.status, 304);
    clock.set(chrono::NaiveDateTime::parse_from_str("2026-12-01 10:00", "%Y-%m-%d %H:%M").unwrap());
    let r = reader.get_with("/tin-tuc?lang=vi", &[("if-none-match", &tag)]).await;
    assert_eq!(r.status, 200, "its time came");
    assert!(r.text.contains("Thông báo lịch nghỉ"), "article {later}");
    // a signed-in person's page names them: never kept, no tag
    let official = app.client();
    official.login("demo.specialist", DEMO_PASSWORD).await;
    let r = official.get("/tin-tuc").await;
    assert_eq!(r.header("cache-control"), "private, no-cache");
    assert!(r.headers.get("etag").is_none());
}

#[tokio::test]
async fn an_image_is_uploaded_once_checked_by_its_bytes_and_served_in_sizes_for_a_year() {
    let app = spawn().await;
    let writer = app.as_user("demo.specialist").await;
    let r = writer.post_with_body_bytes("/api/v1/news/images", png(1200, 800), "image/png").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let img = r.json();
    let sizes: Vec<(i64, i64)> = img["sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["width"].as_i64().unwrap(), s["height"].as_i64().unwrap()))
        .collect();
    assert_eq!(sizes, [(480, 320), (960, 640), (1200, 800)]);
    let id = img["id"].as_i64().unwrap();
    // what is not a picture is refused whatever it claims to be
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec();
    let r = writer.post_with_body_bytes("/api/v1/news/images", svg, "image/jpeg").await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("image")), "{}", r.text);
    assert_eq!(app.client().post_with_body_bytes("/api/v1/news/images", png(20, 20), "image/png").await.status, 401);
    // an article with the image needs its alternative text
    let mut a = article("vi", "Ảnh hội nghị", "<p>Hội nghị.</p>");
    a["image"] = id.into();
    let r = writer.post_json("/api/v1/news/articles", &a.to_string()).await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("image_alt")));
    a["image"] = 999_999.into();
    a["image_alt"] = "Toàn cảnh hội nghị".into();
    let r = writer.post_json("/api/v1/news/articles", &a.to_string()).await;
    assert_eq!((r.status, r.json()["errors"][0]["pointer"].as_str()), (422, Some("image")), "no such image");
    a["image"] = id.into();
    let art = published(&app, a, None).await;
    let page = app.client().get(&format!("/tin-tuc/{art}/anh-hoi-nghi")).await;
    assert!(page.text.contains(&format!("srcset=\"/tin-tuc/anh/{id}/480.jpg 480w, /tin-tuc/anh/{id}/960.jpg 960w, /tin-tuc/anh/{id}/1200.jpg 1200w\"")), "{}", page.text);
    assert!(page.text.contains("alt=\"Toàn cảnh hội nghị\""));
    assert!(
        page.text.contains("<meta property=\"og:image\" content=\"http://")
            && page.text.contains(&format!("/tin-tuc/anh/{id}/1200.jpg\">"))
    );
    // each size: a JPEG of that width, kept a year
    let r = app.client().get_raw(&format!("/tin-tuc/anh/{id}/480.jpg")).await;
    assert_eq!(r.0, 200);
    assert_eq!(r.1.get("content-type").unwrap(), "image/jpeg");
    assert_eq!(r.1.get("cache-control").unwrap(), "public, max-age=31536000, immutable");
    let back = image::load_from_memory(&r.2).expect("a JPEG");
    assert_eq!((back.width(), back.height()), (480, 320));
    assert_eq!(image::guess_format(&r.2).unwrap(), image::ImageFormat::Jpeg);
    assert_eq!(app.client().get(&format!("/tin-tuc/anh/{id}/481.jpg")).await.status, 404);
}

#[tokio::test]
async fn the_newsroom_pages_take_a_draft_from_writer_to_publisher_and_compare_revisions() {
    let app = spawn().await;
    let writer = app.client();
    writer.login("demo.specialist", DEMO_PASSWORD).await;
    let form = writer.get("/quan-tri/tin-tuc/moi").await;
    assert_eq!(form.status, 200, "{}", form.text);
    let csrf = form.csrf();
    // every problem at once; what was typed and the picture uploaded are kept
    let bad = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("language", "vi")
        .text("title", "")
        .text("summary", "Tóm tắt đã gõ")
        .text("body", "<script>alert(1)</script>")
        .text("category", "chuyen-doi-so")
        .text("tags", "a")
        .text("image_alt", "")
        .part("image", reqwest::multipart::Part::bytes(png(640, 480)).file_name("anh.png"));
    let r = writer.post_multipart("/quan-tri/tin-tuc/moi", bad).await;
    assert_eq!(r.status, 422, "{}", r.text);
    for needle in ["href=\"#title\"", "href=\"#body\"", "href=\"#image_alt\"", "Tóm tắt đã gõ", "name=\"image_id\""]
    {
        assert!(r.text.contains(needle), "{needle}: {}", r.text);
    }
    let image_id =
        r.text.split("name=\"image_id\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    // a file that is not a picture: said at the image, the rest kept
    let not_image = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("language", "vi")
        .text("title", "Bài có ảnh")
        .text("summary", "Tóm tắt")
        .text("body", "<p>Nội dung</p>")
        .text("category", "chuyen-doi-so")
        .part("image", reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("anh.jpg"));
    let r = writer.post_multipart("/quan-tri/tin-tuc/moi", not_image).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("href=\"#image\"") && r.text.contains("Bài có ảnh"));
    let good = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("language", "vi")
        .text("title", "Bài có ảnh")
        .text("summary", "Tóm tắt")
        .text("body", "<p>Đoạn một.</p><p>Đoạn hai.</p>")
        .text("category", "chuyen-doi-so")
        .text("tags", "ảnh, hội nghị")
        .text("image_id", image_id.clone())
        .text("image_alt", "Ảnh toàn cảnh");
    let r = writer.post_multipart("/quan-tri/tin-tuc/moi", good).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page_url = r.location().split('?').next().unwrap().to_string();
    let id: i64 = page_url.rsplit('/').next().unwrap().parse().unwrap();
    let api = app.as_user("demo.specialist").await;
    assert_eq!(api.get(&format!("/api/v1/news/articles/{id}")).await.json()["image"].as_i64(), image_id.parse().ok());
    // a second revision, then the two compared
    let edit = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("language", "vi")
        .text("title", "Bài có ảnh (sửa)")
        .text("summary", "Tóm tắt")
        .text("body", "<p>Đoạn một.</p><p>Đoạn ba.</p>")
        .text("category", "chuyen-doi-so")
        .text("tags", "ảnh, hội nghị")
        .text("image_id", image_id.clone())
        .text("image_alt", "Ảnh toàn cảnh");
    assert_eq!(writer.post_multipart(&page_url, edit).await.status, 303);
    let cmp = writer.get(&format!("{page_url}/so-sanh?tu=1&den=2")).await;
    assert_eq!(cmp.status, 200);
    for needle in [
        "<del><span class=\"sr\">Bỏ: </span>Tiêu đề: Bài có ảnh</del>",
        "<ins><span class=\"sr\">Thêm: </span>Tiêu đề: Bài có ảnh (sửa)</ins>",
        "<del><span class=\"sr\">Bỏ: </span>Đoạn hai.</del>",
        "<li class=\"same\">Đoạn một.</li>",
    ] {
        assert!(cmp.text.contains(needle), "{needle}: {}", cmp.text);
    }
    assert_eq!(writer.get(&format!("{page_url}/so-sanh?tu=1&den=9")).await.status, 404);
    // the writer sends it on; the editor sends it back without a note: said
    let page = writer.get(&page_url).await;
    assert!(page.text.contains("value=\"submit\"") && !page.text.contains("value=\"approve\""));
    let r = writer.post_form(&format!("{page_url}/buoc"), &[("csrf", &csrf), ("step", "submit")]).await;
    assert_eq!(r.status, 303);
    let editor = app.client();
    editor.login("demo.approver", DEMO_PASSWORD).await;
    let page = editor.get(&page_url).await;
    assert!(page.text.contains("value=\"approve\"") && page.text.contains("value=\"send_back\""), "{}", page.text);
    let ecsrf = page.csrf();
    let r =
        editor.post_form(&format!("{page_url}/buoc"), &[("csrf", &ecsrf), ("step", "send_back"), ("note", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("href=\"#note\""), "{}", r.text);
    let r = editor.post_form(&format!("{page_url}/buoc"), &[("csrf", &ecsrf), ("step", "approve")]).await;
    assert_eq!(r.status, 303);
    // the writer may not publish; the publisher does, at a time
    let r = writer.post_form(&format!("{page_url}/buoc"), &[("csrf", &csrf), ("step", "publish"), ("at", "")]).await;
    assert_eq!(r.status, 403);
    let publisher = app.client();
    publisher.login("demo.agency-admin", DEMO_PASSWORD).await;
    let pcsrf = publisher.get(&page_url).await.csrf();
    let r = publisher
        .post_form(&format!("{page_url}/buoc"), &[("csrf", &pcsrf), ("step", "publish"), ("at", "2026-13-45T99:00")])
        .await;
    assert_eq!(r.status, 422, "a time that does not exist");
    let r =
        publisher.post_form(&format!("{page_url}/buoc"), &[("csrf", &pcsrf), ("step", "publish"), ("at", "")]).await;
    assert_eq!(r.status, 303);
    let r = publisher.post_form(&format!("{page_url}/noi-bat"), &[("csrf", &pcsrf), ("on", "1")]).await;
    assert_eq!(r.status, 303);
    let doc = api.get(&format!("/api/v1/news/articles/{id}")).await.json();
    assert_eq!(
        (doc["state"].as_str(), doc["featured"].as_bool(), doc["shown"].as_bool()),
        (Some("published"), Some(true), Some(true))
    );
    let list = writer.get("/quan-tri/tin-tuc?trang-thai=published").await;
    assert!(list.text.contains("Bài có ảnh (sửa)"));
    assert!(!writer.get("/quan-tri/tin-tuc?trang-thai=draft").await.text.contains("Bài có ảnh (sửa)"));
    // a citizen has no newsroom
    let citizen = app.client();
    citizen.login("demo.citizen", DEMO_PASSWORD).await;
    assert_eq!(citizen.get("/quan-tri/tin-tuc").await.status, 403);
}

#[tokio::test]
async fn spokespersons_are_published_as_recorded_and_the_register_says_what_was_late_or_missing() {
    let (app, clock, admin) = agency_admin_at("2026-12-03 09:00").await;
    let page = admin.get("/quan-tri/nguoi-phat-ngon").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Cơ quan chưa có người phát ngôn"), "its own body has none yet");
    let csrf = page.csrf();
    // every problem at once, what was typed kept
    let r = admin
        .post_form(
            "/quan-tri/nguoi-phat-ngon",
            &[
                ("csrf", &csrf),
                ("kind", "delegated"),
                ("full_name", "Trần Văn Bình"),
                ("phone", "12"),
                ("email", "binh"),
                ("appointed_at", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for field in ["title", "phone", "email", "appointed_at", "instrument", "scope", "ends_on"] {
        assert!(r.text.contains(&format!("href=\"#{field}\"")), "{field}: {}", r.text);
    }
    assert!(r.text.contains("value=\"Trần Văn Bình\""));
    // appointed two days ago, recorded now: published late; a delegation on time
    let appointed = [
        ("csrf", csrf.as_str()),
        ("kind", "appointed"),
        ("full_name", "Nguyễn Thị Lan"),
        ("title", "Chủ tịch UBND xã"),
        ("phone", "0276 3822 111"),
        ("email", "lan@xa.tayninh.gov.vn"),
        ("appointed_at", "2026-12-01T08:00"),
        ("instrument", "Quyết định số 15/QĐ-UBND ngày 01/12/2026"),
    ];
    assert_eq!(admin.post_form("/quan-tri/nguoi-phat-ngon", &appointed).await.status, 303);
    let delegated = [
        ("csrf", csrf.as_str()),
        ("kind", "delegated"),
        ("full_name", "Lê Văn Hùng"),
        ("title", "Phó Chủ tịch UBND xã"),
        ("phone", "0276 3822 112"),
        ("email", "hung@xa.tayninh.gov.vn"),
        ("appointed_at", "2026-12-03T08:00"),
        ("instrument", "Văn bản ủy quyền số 3/UQ-UBND"),
        ("scope", "Sạt lở bờ kênh ấp 3"),
        ("ends_on", "2026-12-10"),
    ];
    assert_eq!(admin.post_form("/quan-tri/nguoi-phat-ngon", &delegated).await.status, 303);
    let register = admin.get("/quan-tri/nguoi-phat-ngon").await.text;
    assert_eq!(register.matches("đăng quá 24 giờ</strong>").count(), 1, "{register}");
    assert!(register.contains("Số người phát ngôn được đăng quá 24 giờ sau khi bổ nhiệm: 1"));
    assert!(!register.contains("Cơ quan chưa có người phát ngôn"), "the body has its spokesperson now");
    // the portal publishes both, with their contacts
    let public = app.client().get("/nguoi-phat-ngon").await;
    assert_eq!(public.status, 200);
    for needle in [
        "Nguyễn Thị Lan",
        "href=\"tel:0276 3822 111\"",
        "mailto:lan@xa.tayninh.gov.vn",
        "Lê Văn Hùng",
        "Sạt lở bờ kênh ấp 3",
        "10/12/2026",
    ] {
        assert!(public.text.contains(needle), "{needle}: {}", public.text);
    }
    // a delegation ends with its last day; an appointment when ended, with a reason
    clock.set(chrono::NaiveDateTime::parse_from_str("2026-12-11 00:00", "%Y-%m-%d %H:%M").unwrap());
    let public = app.client().get("/nguoi-phat-ngon").await.text;
    assert!(public.contains("Nguyễn Thị Lan") && !public.contains("Lê Văn Hùng"));
    // (the session of a week ago has expired: signed in again)
    let admin = app.client();
    admin.login("demo.agency-admin", DEMO_PASSWORD).await;
    let page = admin.get("/quan-tri/nguoi-phat-ngon").await;
    let csrf = page.csrf();
    let register = page.text;
    let before = register.split(">Nguyễn Thị Lan<").next().unwrap_or_default();
    let lan = before.rsplit("id=\"r-").next().unwrap_or_default().split('"').next().unwrap_or_default().to_string();
    assert!(lan.parse::<i64>().is_ok(), "{lan}: {register}");
    let r =
        admin.post_form(&format!("/quan-tri/nguoi-phat-ngon/{lan}/ket-thuc"), &[("csrf", &csrf), ("reason", "")]).await;
    assert_eq!(r.status, 422, "a reason is needed ({lan}): {}", r.text);
    let r = admin
        .post_form(&format!("/quan-tri/nguoi-phat-ngon/{lan}/ket-thuc"), &[("csrf", &csrf), ("reason", "Nghỉ hưu")])
        .await;
    assert_eq!(r.status, 303);
    assert!(!app.client().get("/nguoi-phat-ngon").await.text.contains("Nguyễn Thị Lan"));
    assert!(admin.get("/quan-tri/nguoi-phat-ngon").await.text.contains("Cơ quan chưa có người phát ngôn"));
    // another agency's administrator may not record for this one; a citizen sees no register
    let writer = app.client();
    writer.login("demo.specialist", DEMO_PASSWORD).await;
    assert_eq!(writer.get("/quan-tri/nguoi-phat-ngon").await.status, 403);
    assert!(app.count("audit_log").await > 0);
}

#[tokio::test]
async fn the_press_cooperation_summary_equals_a_hand_count_of_what_was_delivered_and_accepted() {
    let (app, _clock, admin) = agency_admin_at("2026-12-03 09:00").await;
    let page = admin.get("/quan-tri/bao-chi?nam=2026").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let csrf = page.csrf();
    let post = |form: Vec<(&'static str, String)>| {
        let mut form = form;
        form.push(("csrf", csrf.clone()));
        form.push(("nam", "2026".into()));
        let admin = &admin;
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post_form("/quan-tri/bao-chi", &pairs).await
        }
    };
    // every problem of a form at once, its values kept
    let r = post(vec![
        ("which", "contract".into()),
        ("subject", "Chuyển đổi số".into()),
        ("items", "0".into()),
        ("from", "2026-12-01".into()),
        ("to", "2026-01-01".into()),
        ("budget", "x".into()),
    ])
    .await;
    assert_eq!(r.status, 422);
    for f in ["contract-outlet", "contract-number", "contract-items", "contract-to", "contract-budget"] {
        assert!(r.text.contains(&format!("href=\"#{f}\"")), "{f}: {}", r.text);
    }
    assert!(r.text.contains("value=\"Chuyển đổi số\""));
    for (name, kind) in [("Báo Tây Ninh", "newspaper"), ("Đài Phát thanh và Truyền hình", "television")] {
        let r = post(vec![
            ("which", "outlet".into()),
            ("name", name.into()),
            ("kind", kind.into()),
            ("licence", "Giấy phép 123/GP-BTTTT".into()),
            ("in_province", "1".into()),
            ("contact", "Phòng Thời sự, 0276 3822 000".into()),
        ])
        .await;
        assert_eq!(r.status, 303, "{}", r.text);
    }
    let page = admin.get("/quan-tri/bao-chi?nam=2026").await.text;
    let option = |name: &str| {
        page.split(&format!(">{name}</option>"))
            .next()
            .unwrap()
            .rsplit("<option value=\"")
            .next()
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let (paper, tv) = (option("Báo Tây Ninh"), option("Đài Phát thanh và Truyền hình"));
    let contract = |outlet: &str, n: &str, subject: &str, items: &str, from: &str, to: &str| {
        vec![
            ("which", "contract".into()),
            ("outlet", outlet.to_string()),
            ("number", n.to_string()),
            ("subject", subject.to_string()),
            ("items", items.to_string()),
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("budget", "10.000.000".into()),
        ]
    };
    for c in [
        contract(&paper, "01/HĐ", "Chuyển đổi số", "10", "2026-01-01", "2026-12-31"),
        contract(&paper, "02/HĐ", "Chuyển đổi số", "5", "2026-06-01", "2027-05-31"),
        contract(&tv, "03/HĐ", "Cải cách hành chính", "4", "2026-03-01", "2026-09-30"),
    ] {
        assert_eq!(post(c).await.status, 303);
    }
    let page = admin.get("/quan-tri/bao-chi?nam=2026").await.text;
    let contract_id = |n: &str| {
        let option = page
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.contains(&format!("\">{n} — ")))
            .expect("the contract's option");
        option.split('"').next().unwrap().to_string()
    };
    let (c1, c2, c3) = (contract_id("01/HĐ"), contract_id("02/HĐ"), contract_id("03/HĐ"));
    // deliveries: (contract, day); which are accepted is said after
    let items = [
        (&c1, "2026-02-01"),
        (&c1, "2026-03-01"),
        (&c1, "2026-04-01"),
        (&c2, "2026-07-01"),
        (&c3, "2026-05-01"),
        (&c3, "2026-06-01"),
    ];
    for (i, (c, on)) in items.iter().enumerate() {
        let r = post(vec![
            ("which", "delivery".into()),
            ("contract", c.to_string()),
            ("title", format!("Tin bài {i}")),
            ("where_when", format!("https://baotayninh.vn/bai-{i}")),
            ("delivered_on", on.to_string()),
        ])
        .await;
        assert_eq!(r.status, 303, "{}", r.text);
    }
    let page = admin.get("/quan-tri/bao-chi?nam=2026").await.text;
    // accept items 0, 1 (contract 1), 3 (contract 2), 4 (contract 3)
    for i in [0, 1, 3, 4] {
        let id = page
            .split(&format!(">Tin bài {i}</th>"))
            .next()
            .unwrap()
            .rsplit("id=\"d-")
            .next()
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let r = admin
            .post_form(&format!("/quan-tri/bao-chi/giao-nop/{id}/nghiem-thu"), &[("csrf", &csrf), ("nam", "2026")])
            .await;
        assert_eq!(r.status, 303);
    }
    let page = admin.get("/quan-tri/bao-chi?nam=2026").await.text;
    let summary = page.split("id=\"sum-h\"").nth(1).unwrap().split("</section>").next().unwrap();
    // by hand: the paper on digital transformation: 2 contracts, 15 ordered, 4 delivered, 3 accepted,
    // due (10 − 2) + (5 − 1) = 12, 20,000,000 đồng; the station: 1, 4, 2, 1, due 3, 10,000,000
    let row = |outlet: &str, rest: &str| format!("<th scope=\"row\">{outlet}</th>{rest}");
    assert!(
        summary.contains(&row(
            "Báo Tây Ninh",
            "<td>Chuyển đổi số</td><td>2</td><td>15</td><td>4</td><td>3</td><td>12</td><td>20.000.000</td>"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&row(
            "Đài Phát thanh và Truyền hình",
            "<td>Cải cách hành chính</td><td>1</td><td>4</td><td>2</td><td>1</td><td>3</td><td>10.000.000</td>"
        )),
        "{summary}"
    );
    assert!(summary.contains("<td>19</td><td>6</td><td>4</td><td>15</td><td>30.000.000</td>"), "totals: {summary}");
    // the same table as a workbook, read back
    use calamine::Reader;
    let bytes = admin.get_bytes("/quan-tri/bao-chi.xlsx?nam=2026").await;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Tổng hợp năm 2026").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().skip(1).map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(
        rows.contains(
            &["Báo Tây Ninh", "Chuyển đổi số", "2", "15", "4", "3", "12", "20000000"].map(String::from).to_vec()
        ),
        "{rows:?}"
    );
    assert!(
        rows.contains(
            &["Đài Phát thanh và Truyền hình", "Cải cách hành chính", "1", "4", "2", "1", "3", "10000000"]
                .map(String::from)
                .to_vec()
        ),
        "{rows:?}"
    );
    // 2027: only the contract reaching into it, nothing delivered then, 4 still due
    let next = admin.get("/quan-tri/bao-chi?nam=2027").await.text;
    let summary = next.split("id=\"sum-h\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(
        summary
            .contains(&row("Báo Tây Ninh", "<td>Chuyển đổi số</td><td>1</td><td>5</td><td>0</td><td>0</td><td>4</td>")),
        "{summary}"
    );
    // a writer has no press desk
    let writer = app.client();
    writer.login("demo.specialist", DEMO_PASSWORD).await;
    assert_eq!(writer.get("/quan-tri/bao-chi").await.status, 403);
}

//! Issue 21, the news portal: an article and its translation round trip
//! (and the switch to a translation that is missing), the workflow from
//! writer to publisher with a publication scheduled on a fixed clock, an
//! unpublished article gone from the pages and the feeds, bodies cleaned
//! of everything that runs, and the feeds read back by a feed library.

use crate::common::*;

pub fn article(language: &str, title: &str, body: &str) -> serde_json::Value {
    serde_json::json!({"language": language, "title": title, "summary": format!("Tóm tắt: {title}"), "body": body,
        "category": "chuyen-doi-so", "tags": ["chuyển đổi số", "dữ liệu"]})
}

/// Writes an article as the commune's writer, has it approved by its editor
/// and published by its publisher at `at` (none: now). Its id.
pub async fn published(app: &TestApp, body: serde_json::Value, at: Option<&str>) -> i64 {
    let writer = app.as_user("demo.specialist").await;
    let r = writer.post_json("/api/v1/news/articles", &body.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    step(app, "demo.specialist", id, serde_json::json!({"step": "submit"}), 200).await;
    step(app, "demo.approver", id, serde_json::json!({"step": "approve"}), 200).await;
    let mut publish = serde_json::json!({"step": "publish"});
    if let Some(at) = at {
        publish["at"] = at.into();
    }
    step(app, "demo.agency-admin", id, publish, 200).await;
    id
}

/// A published article and its English version, for the pages' checks:
/// their addresses.
pub async fn fixture(app: &TestApp) -> (String, String) {
    let body = "<p>Tỉnh đẩy mạnh chuyển đổi số.</p><h2>Kết quả</h2><ul><li>Một</li></ul><table><tr><th scope=\"col\">Chỉ tiêu</th></tr><tr><td>100%</td></tr></table>";
    let vi = published(app, article("vi", "Chuyển đổi số năm 2026", body), None).await;
    let mut en =
        article("en", "Digital transformation in 2026", "<p>The province steps up its digital transformation.</p>");
    en["translation_of"] = vi.into();
    let writer = app.as_user("demo.specialist").await;
    let en_id = writer.post_json("/api/v1/news/articles", &en.to_string()).await.json()["id"].as_i64().unwrap();
    for (who, s) in [("demo.specialist", "submit"), ("demo.approver", "approve"), ("demo.agency-admin", "publish")] {
        step(app, who, en_id, serde_json::json!({ "step": s }), 200).await;
    }
    (format!("/tin-tuc/{vi}/chuyen-doi-so-nam-2026"), format!("/tin-tuc/{en_id}/digital-transformation-in-2026"))
}

pub async fn step(app: &TestApp, who: &str, id: i64, body: serde_json::Value, status: u16) -> Resp {
    let r = app.as_user(who).await.post_json(&format!("/api/v1/news/articles/{id}/steps"), &body.to_string()).await;
    assert_eq!(r.status, status, "{who} {body}: {}", r.text);
    r
}

#[tokio::test]
async fn a_translation_round_trips_and_a_missing_one_is_said() {
    let app = spawn().await;
    let vi =
        published(&app, article("vi", "Chuyển đổi số năm 2026", "<p>Tỉnh đẩy mạnh chuyển đổi số.</p>"), None).await;
    // the English version, written as the translation of the Vietnamese one
    let mut en =
        article("en", "Digital transformation in 2026", "<p>The province steps up its digital transformation.</p>");
    en["translation_of"] = vi.into();
    en["category"] = "chuyen-doi-so".into();
    let writer = app.as_user("demo.specialist").await;
    let r = writer.post_json("/api/v1/news/articles", &en.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let en_id = r.json()["id"].as_i64().unwrap();
    let again = writer.post_json("/api/v1/news/articles", &en.to_string()).await;
    assert_eq!(
        (again.status, again.json()["errors"][0]["pointer"].as_str()),
        (422, Some("translation_of")),
        "translated once"
    );
    for (who, s) in [("demo.specialist", "submit"), ("demo.approver", "approve"), ("demo.agency-admin", "publish")] {
        step(&app, who, en_id, serde_json::json!({ "step": s }), 200).await;
    }
    let reader = app.client();
    let vi_page = reader.get(&format!("/tin-tuc/{vi}/chuyen-doi-so-nam-2026")).await;
    assert_eq!(vi_page.status, 200, "{}", vi_page.text);
    assert!(vi_page.text.contains("<h1 id=\"art-h\">Chuyển đổi số năm 2026</h1>"));
    let en_url = format!("/tin-tuc/{en_id}/digital-transformation-in-2026");
    assert!(vi_page.text.contains(&format!("href=\"{en_url}?lang=en\"")), "the switch goes to the translation");
    assert!(vi_page.text.contains("<meta property=\"og:title\" content=\"Chuyển đổi số năm 2026\">"));
    // the reader switches to English: the translation; and back
    let r = reader.get(&format!("/tin-tuc/{vi}/chuyen-doi-so-nam-2026?lang=en")).await;
    assert_eq!((r.status, r.headers.get("location").and_then(|l| l.to_str().ok())), (303, Some(en_url.as_str())));
    let en_page = reader.get(&en_url).await;
    assert!(
        en_page.text.contains("<h1 id=\"art-h\">Digital transformation in 2026</h1>")
            && en_page.text.contains("lang=\"en\"")
    );
    let r = reader.get(&format!("{en_url}?lang=vi")).await;
    assert_eq!(
        r.headers.get("location").and_then(|l| l.to_str().ok()),
        Some(format!("/tin-tuc/{vi}/chuyen-doi-so-nam-2026").as_str())
    );
    // an article without a translation, read in English: said, and shown
    let alone = published(&app, article("vi", "Hội nghị chuyển đổi số", "<p>Hội nghị tổng kết.</p>"), None).await;
    let r = reader.get(&format!("/tin-tuc/{alone}/hoi-nghi-chuyen-doi-so?lang=en")).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("This article has no English version"), "{}", r.text);
    // a wrong address's words lead to the title's
    let r = reader.get(&format!("/tin-tuc/{alone}/something-else")).await;
    assert_eq!(
        (r.status, r.headers.get("location").and_then(|l| l.to_str().ok())),
        (308, Some(format!("/tin-tuc/{alone}/hoi-nghi-chuyen-doi-so").as_str()))
    );
    // the lists, per language
    let list = reader.get("/tin-tuc?lang=vi").await;
    assert!(list.text.contains("Chuyển đổi số năm 2026") && !list.text.contains("Digital transformation in 2026"));
    let list = reader.get("/tin-tuc?lang=en").await;
    assert!(list.text.contains("Digital transformation in 2026") && !list.text.contains("Hội nghị chuyển đổi số"));
}

#[tokio::test]
async fn publication_waits_for_its_time_and_an_unpublished_article_leaves_pages_and_feeds() {
    let start = chrono::NaiveDateTime::parse_from_str("2026-12-01 08:00", "%Y-%m-%d %H:%M").unwrap();
    let clock = egov_web::Clock::fixed(start);
    let mut settings = egov_web::Settings::default();
    settings.app.clock = clock.clone();
    let app = spawn_with(settings).await;
    let id =
        published(&app, article("vi", "Lịch tiếp công dân tháng 12", "<p>Lịch tiếp.</p>"), Some("2026-12-02T07:00"))
            .await;
    let reader = app.client();
    let url = format!("/tin-tuc/{id}/lich-tiep-cong-dan-thang-12");
    assert_eq!(reader.get(&url).await.status, 404, "not before its time");
    assert!(!reader.get("/tin-tuc").await.text.contains("Lịch tiếp công dân"));
    assert!(!reader.get("/tin-tuc/rss.xml").await.text.contains("Lịch tiếp công dân"));
    clock.set(chrono::NaiveDateTime::parse_from_str("2026-12-02 07:00", "%Y-%m-%d %H:%M").unwrap());
    assert_eq!(reader.get(&url).await.status, 200, "on time");
    assert!(reader.get("/tin-tuc").await.text.contains("Lịch tiếp công dân"));
    assert!(reader.get("/sitemap.xml").await.text.contains(&url), "in the sitemap while shown");
    // the publisher takes it down, saying why
    let r = step(&app, "demo.agency-admin", id, serde_json::json!({"step": "unpublish"}), 422).await;
    assert_eq!(r.json()["errors"][0]["pointer"], "reason");
    step(&app, "demo.approver", id, serde_json::json!({"step": "unpublish", "reason": "x"}), 403).await;
    step(&app, "demo.agency-admin", id, serde_json::json!({"step": "unpublish", "reason": "Lịch đã thay đổi"}), 200)
        .await;
    assert_eq!(reader.get(&url).await.status, 404);
    assert!(!reader.get("/tin-tuc").await.text.contains("Lịch tiếp công dân"));
    assert!(!reader.get("/tin-tuc/rss.xml").await.text.contains("Lịch tiếp công dân"));
    let sitemap = reader.get("/sitemap.xml").await;
    crate::news_portal::valid_sitemap(&sitemap.text);
    assert!(!sitemap.text.contains(&url), "gone from the sitemap");
    assert!(!reader.get("/tin-tuc/atom.xml").await.text.contains("Lịch tiếp công dân"));
    let d = app.as_user("demo.agency-admin").await.get(&format!("/api/v1/news/articles/{id}")).await.json();
    assert_eq!(
        (d["state"].as_str(), d["unpublish_reason"].as_str(), d["shown"].as_bool()),
        (Some("unpublished"), Some("Lịch đã thay đổi"), Some(false))
    );
    // every step is in the audit chain
    assert_eq!(app.store.count_where("audit_log", "action = 'news.step'").await.unwrap(), 4);
}

#[tokio::test]
async fn bodies_lose_everything_that_runs_and_the_page_keeps_its_policy() {
    let app = spawn().await;
    let dirty = r#"<h2 onclick="steal()">Kết quả</h2><script>alert(1)</script><p style="background: expression(alert(1))">Đọc <a href="javascript:alert(1)">đây</a></p><svg onload="alert(2)"><script>alert(3)</script></svg><img src="/static/favicon.svg" onerror="alert(4)" alt="Biểu trưng"><table><tr><th scope="col">Chỉ tiêu</th></tr></table>"#;
    let id = published(&app, article("vi", "Kết quả năm 2026", dirty), None).await;
    let admin = app.as_user("demo.agency-admin").await;
    let kept = admin.get(&format!("/api/v1/news/articles/{id}")).await.json()["body"].as_str().unwrap().to_string();
    for gone in ["script", "onclick", "onerror", "onload", "javascript:", "<svg", "expression", "style="] {
        assert!(!kept.contains(gone), "{gone} kept: {kept}");
    }
    assert!(
        kept.contains("<h2>Kết quả</h2>") && kept.contains("alt=\"Biểu trưng\"") && kept.contains("<th scope=\"col\">"),
        "{kept}"
    );
    let page = app.client().get(&format!("/tin-tuc/{id}/ket-qua-nam-2026")).await;
    assert!(page.text.contains("<h2>Kết quả</h2>") && !page.text.contains("alert("), "{}", page.text);
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src") || csp.contains("default-src"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline")
            || !csp.split(';').any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")),
        "{csp}"
    );
    // revisions are kept: an edit before publication is a new one
    let writer = app.as_user("demo.specialist").await;
    let r = writer.post_json("/api/v1/news/articles", &article("vi", "Bản nháp", "<p>Một</p>").to_string()).await;
    let draft = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        writer
            .put_json(&format!("/api/v1/news/articles/{draft}"), &article("vi", "Bản nháp", "<p>Hai</p>").to_string())
            .await
            .status,
        204
    );
    let revs = writer.get(&format!("/api/v1/news/articles/{draft}/revisions")).await.json();
    let bodies: Vec<&str> = revs.as_array().unwrap().iter().map(|r| r["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["<p>Một</p>", "<p>Hai</p>"]);
    assert_eq!(
        writer
            .put_json(&format!("/api/v1/news/articles/{id}"), &article("vi", "Sửa", "<p>x</p>").to_string())
            .await
            .status,
        409,
        "published"
    );
    // an official of another agency does not see the newsroom's drafts
    assert_eq!(
        app.as_user("demo.admin").await.get(&format!("/api/v1/news/articles/{draft}")).await.status,
        200,
        "the system's publisher"
    );
}

#[tokio::test]
async fn the_feeds_are_read_back_by_a_feed_library() {
    let app = spawn().await;
    let a = published(&app, article("vi", "Tin <một> & hai", "<p>Nội dung</p>"), None).await;
    let b = published(&app, article("vi", "Tin thứ hai", "<p>Nội dung</p>"), None).await;
    let reader = app.client();
    let rss = reader.get("/tin-tuc/rss.xml?chuyen-muc=chuyen-doi-so").await;
    assert_eq!(rss.status, 200);
    assert!(rss.headers["content-type"].to_str().unwrap().starts_with("application/rss+xml"));
    let feed = feed_rs::parser::parse(rss.text.as_bytes()).expect("RSS 2.0 that parses");
    let titles: Vec<String> = feed.entries.iter().map(|e| e.title.as_ref().unwrap().content.clone()).collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Tin <một> & hai".to_string()), "{titles:?}");
    assert!(feed.entries.iter().all(|e| e.published.is_some() && !e.links.is_empty()));
    let atom = reader.get("/tin-tuc/atom.xml").await;
    let feed = feed_rs::parser::parse(atom.text.as_bytes()).expect("Atom that parses");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    let links: Vec<String> = feed.entries.iter().map(|e| e.links[0].href.clone()).collect();
    assert!(
        links.iter().any(|l| l.ends_with(&format!("/tin-tuc/{a}/tin-mot-hai")))
            && links.iter().any(|l| l.contains(&format!("/tin-tuc/{b}/"))),
        "{links:?}"
    );
    assert_eq!(reader.get("/tin-tuc/rss.xml?chuyen-muc=khong-co").await.status, 404);
    assert_eq!(
        feed_rs::parser::parse(reader.get("/tin-tuc/rss.xml?lang=en").await.text.as_bytes()).unwrap().entries.len(),
        0,
        "no English article"
    );
}

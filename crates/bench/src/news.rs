//! `egov-bench news`: the portal with 1,000 published articles (written,
//! approved and published through the API), an article page and the home
//! page served by egov to a visitor not signed in, against the same HTML
//! served as static files by Debian's nginx, in one run, rounds
//! interleaved; then the same pages asked with their ETag
//! (`If-None-Match`), which egov answers 304 without rendering (and nginx
//! likewise from the file's tag).

use std::time::Duration;

use crate::nginx::Nginx;
use crate::{load, start_server, token, us, Args, Server};

const BODY: &str = "<p>Sở Khoa học và Công nghệ cho biết kết quả triển khai trong tháng.</p>\
<h2>Những điểm chính</h2><ul><li>Hạ tầng dữ liệu dùng chung được nâng cấp.</li><li>Các thủ tục được cung cấp trực tuyến toàn trình.</li>\
<li>Cán bộ cấp xã được tập huấn an toàn thông tin.</li></ul><p>Trong thời gian tới, Sở tiếp tục phối hợp với các sở, ngành và UBND cấp xã \
để nâng cao chất lượng phục vụ người dân và doanh nghiệp.</p><table><caption>Số liệu</caption><thead><tr><th scope=\"col\">Chỉ tiêu</th>\
<th scope=\"col\">Kết quả</th></tr></thead><tbody><tr><td>Hồ sơ trực tuyến</td><td>92%</td></tr><tr><td>Đúng hạn</td><td>98%</td></tr></tbody></table>";

const CATEGORIES: [&str; 4] = ["tin-hoat-dong", "chuyen-doi-so", "khoa-hoc-cong-nghe", "thong-bao"];

/// Writes, approves and publishes `n` articles, `parallel` at a time.
async fn fill(s: &Server, n: usize, parallel: usize) -> Result<Vec<i64>, String> {
    let server = s.base.clone();
    let http = reqwest::Client::new();
    let (w, e, p) =
        (token(s, "demo.specialist").await?, token(s, "demo.approver").await?, token(s, "demo.agency-admin").await?);
    let mut ids = Vec::with_capacity(n);
    let started = std::time::Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(parallel) {
        let mut tasks = Vec::new();
        for &i in chunk {
            let (http, server, w, e, p) = (http.clone(), server.clone(), w.clone(), e.clone(), p.clone());
            tasks.push(tokio::spawn(async move {
                let body = serde_json::json!({"language": "vi", "title": format!("Bản tin số {i}: chuyển đổi số và khoa học công nghệ"),
                    "summary": format!("Tóm tắt bản tin số {i} của Sở Khoa học và Công nghệ."), "body": BODY,
                    "category": CATEGORIES[i % 4], "tags": ["chuyển đổi số", format!("tháng {}", i % 12 + 1)]});
                let r = http.post(format!("{server}/api/v1/news/articles")).bearer_auth(&w).json(&body).send().await.map_err(|e| e.to_string())?;
                let j: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
                let id = j["id"].as_i64().ok_or_else(|| format!("not written: {j}"))?;
                for (t, s) in [(&w, "submit"), (&e, "approve"), (&p, "publish")] {
                    let r = http
                        .post(format!("{server}/api/v1/news/articles/{id}/steps"))
                        .bearer_auth(t)
                        .json(&serde_json::json!({ "step": s }))
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    if !r.status().is_success() {
                        return Err(format!("{s}: {}", r.text().await.unwrap_or_default()));
                    }
                }
                Ok::<i64, String>(id)
            }));
        }
        for t in tasks {
            ids.push(t.await.map_err(|e| e.to_string())??);
        }
        if ids.len() % 100 < parallel {
            eprint!("\r{} of {n} articles published ({:.0} s)", ids.len(), started.elapsed().as_secs_f64());
        }
    }
    eprintln!();
    Ok(ids)
}

/// A page as a visitor not signed in gets it: its HTML and ETag.
async fn page(url: &str) -> Result<(String, String), String> {
    let r = reqwest::Client::new().get(url).send().await.map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("{url}: {}", r.status()));
    }
    let tag = r.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    Ok((r.text().await.map_err(|e| e.to_string())?, tag))
}

/// A target: its name, address and headers.
type Target = (&'static str, String, Vec<(String, String)>);

pub async fn news(a: Args) -> Result<(), String> {
    let n = a.articles;
    let server = start_server().await?;
    println!("# news portal: {n} published articles, {} connections, {} × {} s", a.connections, a.rounds, a.seconds);
    let ids = fill(&server, n, 8).await?;
    let article = format!("/tin-tuc/{}", ids[ids.len() / 2]);
    // the article's own address (its words), as a reader follows it
    let r =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
    let to = r.get(format!("{}{article}", server.base)).send().await.map_err(|e| e.to_string())?;
    let article = to.headers().get("location").and_then(|l| l.to_str().ok()).map_or(article, String::from);
    let (article_html, article_tag) = page(&format!("{}{article}", server.base)).await?;
    let (home_html, home_tag) = page(&format!("{}/tin-tuc", server.base)).await?;
    let nginx = Nginx::start(|port, d| {
        format!(
            "server {{\n    listen 127.0.0.1:{port};\n    root {d}/www;\n    location / {{ default_type text/html; charset utf-8; }}\n  }}\n"
        )
    })
    .await?;
    let www = nginx.dir.join("www");
    std::fs::create_dir_all(&www).map_err(|e| e.to_string())?;
    std::fs::write(www.join("article.html"), &article_html).map_err(|e| e.to_string())?;
    std::fs::write(www.join("home.html"), &home_html).map_err(|e| e.to_string())?;
    let static_url = |f: &str| format!("http://127.0.0.1:{}/{f}", nginx.port);
    let (_, nginx_article_tag) = page(&static_url("article.html")).await?;
    let (_, nginx_home_tag) = page(&static_url("home.html")).await?;
    println!("article page {} bytes, home page {} bytes", article_html.len(), home_html.len());
    let h = |t: &str| vec![("If-None-Match".to_string(), t.to_string())];
    let targets: Vec<Target> = vec![
        ("article, egov", format!("{}{article}", server.base), vec![]),
        ("article, nginx (static file)", static_url("article.html"), vec![]),
        ("home, egov", format!("{}/tin-tuc", server.base), vec![]),
        ("home, nginx (static file)", static_url("home.html"), vec![]),
        ("article 304, egov", format!("{}{article}", server.base), h(&article_tag)),
        ("article 304, nginx", static_url("article.html"), h(&nginx_article_tag)),
        ("home 304, egov", format!("{}/tin-tuc", server.base), h(&home_tag)),
        ("home 304, nginx", static_url("home.html"), h(&nginx_home_tag)),
    ];
    let dur = Duration::from_secs(a.seconds);
    let mut results: Vec<load::Result> = Vec::new();
    for _ in 0..a.rounds {
        let mut round = Vec::new();
        for (_, url, headers) in &targets {
            round.push(load::run_headers(std::slice::from_ref(url), a.connections, dur, headers).await);
        }
        results =
            if results.is_empty() { round } else { results.into_iter().zip(round).map(|(x, y)| x.merge(y)).collect() };
    }
    for ((name, _, _), r) in targets.iter().zip(&results) {
        println!("{name}: {:.0} req/s, p50 {}, p99 {}, errors {}", r.rps(), us(r.p(0.5)), us(r.p(0.99)), r.errors);
    }
    let ratio = |i: usize, j: usize| results[i].rps() / results[j].rps();
    println!(
        "egov / nginx throughput: article {:.2}×, home {:.2}× (goal ≥ 0.5×); 304: article {:.2}×, home {:.2}×; \
         egov's 304 against its own full page: article {:.1}×, home {:.1}×",
        ratio(0, 1),
        ratio(2, 3),
        ratio(4, 5),
        ratio(6, 7),
        ratio(4, 0),
        ratio(6, 2)
    );
    Ok(())
}

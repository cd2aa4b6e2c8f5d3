//! `egov-bench probes [--targets 3000] [--interval 60] [--seconds 180]`:
//! the network prober of one server (release build, fresh SQLite) holding
//! `--targets` probes — half HTTP GETs of local test servers (ten, in this
//! process), half TCP connects to ten local listening ports — each every
//! `--interval` seconds. After one interval of warm-up, measured over
//! `--seconds`: the start lag of the checks (actual − planned start, as the
//! server reports it: p50, p99, max over its last 20,000 checks), the
//! checks the targets saw against those due, the server's CPU (its own
//! user + system time from /proc) beside the same server idle for as long
//! before the probes existed, and the database's growth, scaled to a day.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::agents::cpu_seconds;
use crate::{start_server_full, token};

/// Ten HTTP servers counting requests, ten TCP ports accepting and closing.
async fn targets() -> Result<(Vec<String>, Vec<u16>, Arc<AtomicU64>, Arc<AtomicU64>), String> {
    let (http_hits, tcp_hits) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut urls = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..10 {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        urls.push(format!("http://{}", l.local_addr().map_err(|e| e.to_string())?));
        let hits = http_hits.clone();
        let app = axum::Router::new().fallback(move || {
            hits.fetch_add(1, Ordering::Relaxed);
            async { "egov ok" }
        });
        tokio::spawn(async move { axum::serve(l, app).await });
        let t = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        ports.push(t.local_addr().map_err(|e| e.to_string())?.port());
        let hits = tcp_hits.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = t.accept().await {
                hits.fetch_add(1, Ordering::Relaxed);
                drop(s);
            }
        });
    }
    Ok((urls, ports, http_hits, tcp_hits))
}

/// The database's size in bytes as SQLite counts its pages (the WAL's included).
async fn db_bytes(path: &std::path::Path) -> Result<i64, String> {
    use sqlx::Connection;
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.map_err(|e| e.to_string())?;
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(&mut c).await.map_err(|e| e.to_string())?;
    let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(&mut c).await.map_err(|e| e.to_string())?;
    let _ = c.close().await;
    Ok(pages * size)
}

pub async fn probes(a: crate::Args) -> Result<(), String> {
    let n = a.targets;
    println!("# network prober: {n} probes (half HTTP, half TCP) every {} s, local targets", a.interval);
    let (urls, ports, http_hits, tcp_hits) = targets().await?;
    let server = start_server_full(None, &[]).await?;
    let pid = server.child.id();
    let dur = Duration::from_secs(a.seconds);
    let c0 = cpu_seconds(pid)?;
    tokio::time::sleep(dur).await;
    let idle = cpu_seconds(pid)? - c0;
    let admin = token(&server, "demo.admin").await?;
    let http = reqwest::Client::new();
    let site =
        serde_json::json!({"name": "Trung tâm tỉnh", "kind": "province", "unit_code": "72", "access_level": "I"});
    let s = crate::post_json(&http, format!("{}/api/v1/network/sites", server.base), Some(&admin), &site).await?;
    let site = s["id"].as_i64().ok_or("no site")?;
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(32) {
        let tasks = chunk.iter().map(|&i| {
            let (http, base, admin) = (http.clone(), server.base.clone(), admin.clone());
            let body = if i % 2 == 0 {
                serde_json::json!({"name": format!("web {i}"), "kind": "http", "url": format!("{}/t{i}", urls[i % 10]),
                    "interval_s": a.interval, "timeout_s": 5})
            } else {
                serde_json::json!({"name": format!("tcp {i}"), "kind": "tcp", "host": "127.0.0.1", "port": ports[i % 10],
                    "interval_s": a.interval, "timeout_s": 5})
            };
            async move { crate::post_json(&http, format!("{base}/api/v1/network/sites/{site}/probes"), Some(&admin), &body).await }
        });
        for r in futures_util::future::join_all(tasks).await {
            r?;
        }
    }
    println!("{n} probes made in {:.1} s", t.elapsed().as_secs_f64());
    let status = || async { crate::get_json(&format!("{}/api/v1/network/prober", server.base), &admin).await };
    let deadline = Instant::now() + Duration::from_secs(60);
    while status().await?["held"].as_u64() != Some(n as u64) {
        if Instant::now() > deadline {
            return Err("the prober did not take every probe within a minute".into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // one interval of warm-up: every probe has run once
    tokio::time::sleep(Duration::from_secs(a.interval + 2)).await;
    let db = server.dir.join("egov.db");
    let (b0, h0, t0, c1) =
        (db_bytes(&db).await?, http_hits.load(Ordering::Relaxed), tcp_hits.load(Ordering::Relaxed), cpu_seconds(pid)?);
    tokio::time::sleep(dur).await;
    let (b1, h1, t1, c2) =
        (db_bytes(&db).await?, http_hits.load(Ordering::Relaxed), tcp_hits.load(Ordering::Relaxed), cpu_seconds(pid)?);
    let st = status().await?;
    let wall = dur.as_secs_f64();
    let due = n as f64 * wall / a.interval as f64;
    println!(
        "checks seen by the targets in {} s: {} HTTP + {} TCP = {} of {due:.0} due; buffered {}, dropped {}",
        a.seconds,
        h1 - h0,
        t1 - t0,
        (h1 - h0) + (t1 - t0),
        st["buffered"],
        st["dropped"]
    );
    println!(
        "start lag over the last {} checks: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        st["lag_samples"],
        st["lag_p50_ms"].as_f64().unwrap_or(0.0),
        st["lag_p99_ms"].as_f64().unwrap_or(0.0),
        st["lag_max_ms"].as_f64().unwrap_or(0.0)
    );
    println!(
        "server CPU with the probes {:.1} % of one core (idle, before them: {:.1} %)",
        100.0 * (c2 - c1) / wall,
        100.0 * idle / wall
    );
    let per_day = (b1 - b0) as f64 * 86_400.0 / wall;
    println!(
        "database growth: {:.2} MB in {} s, {:.0} MB a day with raw results kept ({} bytes a check)",
        (b1 - b0) as f64 / 1e6,
        a.seconds,
        per_day / 1e6,
        if (h1 - h0 + t1 - t0) > 0 { (b1 - b0) / (h1 - h0 + t1 - t0) as i64 } else { 0 }
    );
    Ok(())
}

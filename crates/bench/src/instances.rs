//! `egov-bench instances`: durable submissions with two 100 KB parts, in
//! one run, on SQLite with a folder of files, on PostgreSQL with a folder,
//! on PostgreSQL with an S3-compatible object store, then one and two
//! instances of the last behind haproxy configured as docs/deploy.md says.
//! Needs EGOV_BENCH_POSTGRES_URL (a server where it may create databases),
//! EGOV_BENCH_S3_URL (a bucket, keys in AWS_ACCESS_KEY_ID and
//! AWS_SECRET_ACCESS_KEY) and haproxy.

use std::process::Command;
use std::time::Duration;

use crate::{load, marriage_form, start_server_full, token, us, Args, Server};

/// A fresh database on the PostgreSQL server `admin` names; its URL.
pub(crate) fn fresh_database(admin: &str, n: usize) -> Result<String, String> {
    let name = format!("egov_bench_{}_{n}", std::process::id());
    let out = Command::new("psql")
        .arg(admin)
        .args(["-q", "-c", &format!("DROP DATABASE IF EXISTS {name}"), "-c", &format!("CREATE DATABASE {name}")])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let (prefix, _) = admin.rsplit_once('/').ok_or("EGOV_BENCH_POSTGRES_URL has no database name")?;
    Ok(format!("{prefix}/{name}"))
}

/// How often, while a load runs, a write transaction waited for a lock
/// held by another (on PostgreSQL, the audit chain's head row, which every
/// write takes first): sampled from `pg_stat_activity` every 5 ms.
struct LockWaits {
    samples: usize,
    waiting: usize,
    waiters: usize,
}

async fn sample_lock_waits(url: String, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> LockWaits {
    sqlx::any::install_default_drivers();
    let mut w = LockWaits { samples: 0, waiting: 0, waiters: 0 };
    let Ok(pool) = sqlx::AnyPool::connect(&url).await else { return w };
    let sql = "SELECT CAST(count(*) AS BIGINT) FROM pg_stat_activity \
               WHERE datname = current_database() AND wait_event_type = 'Lock'";
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        if let Ok(n) = sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await {
            w.samples += 1;
            w.waiting += usize::from(n > 0);
            w.waiters += n as usize;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    pool.close().await;
    w
}

/// haproxy in front of `servers`, with the guide's configuration, once it
/// sends requests on (`/readyz` through it).
async fn balancer(servers: &[&Server]) -> Result<egov::deploy::Haproxy, String> {
    let addrs: Vec<String> = servers.iter().map(|s| s.base.trim_start_matches("http://").to_string()).collect();
    let lb = egov::deploy::Haproxy::start(&addrs)?;
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("{}/readyz", lb.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(lb);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("haproxy sends nothing on".into())
}

pub async fn instances(a: Args) -> Result<(), String> {
    let pg = std::env::var("EGOV_BENCH_POSTGRES_URL").map_err(|_| "set EGOV_BENCH_POSTGRES_URL")?;
    let s3 = std::env::var("EGOV_BENCH_S3_URL").map_err(|_| "set EGOV_BENCH_S3_URL (and AWS_* keys)")?;
    let (bucket, query) = s3.split_once('?').unwrap_or((&s3, ""));
    let part = load::pdf_of(100 * 1024);
    let dur = Duration::from_secs(a.seconds);
    let configurations: [(&str, bool, bool, usize, bool); 7] = [
        ("SQLite, folder, 1 instance", false, false, 1, false),
        ("PostgreSQL, folder, 1 instance", true, false, 1, false),
        ("PostgreSQL, object store, 1 instance", true, true, 1, false),
        ("PostgreSQL, object store, 1 instance behind haproxy", true, true, 1, true),
        ("PostgreSQL, object store, 2 instances behind haproxy", true, true, 2, true),
        // the database's write path alone: files on each instance's disk
        ("PostgreSQL, folder, 1 instance behind haproxy", true, false, 1, true),
        ("PostgreSQL, folder, 2 instances behind haproxy", true, false, 2, true),
    ];
    let mut rates = Vec::new();
    for (n, (name, on_pg, on_s3, count, behind)) in configurations.into_iter().enumerate() {
        let db = if on_pg { Some(fresh_database(&pg, n)?) } else { None };
        let mut extra = Vec::new();
        if on_s3 {
            extra = vec!["--blob-store".to_string(), format!("{bucket}/bench-{}-{n}?{query}", std::process::id())];
        }
        let mut servers = Vec::new();
        for _ in 0..count {
            servers.push(start_server_full(db.as_deref(), &extra).await?);
        }
        let lb = if behind { Some(balancer(&servers.iter().collect::<Vec<_>>()).await?) } else { None };
        let base = lb.as_ref().map(|l| l.base.clone()).unwrap_or_else(|| servers[0].base.clone());
        let citizen = token(&servers[0], "demo.citizen").await?;
        let body =
            serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": marriage_form()}).to_string();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sampler = db.clone().map(|u| tokio::spawn(sample_lock_waits(u, stop.clone())));
        let s = load::run_parts(&[format!("{base}/api/v1/dossiers")], a.connections, dur, Some((citizen, body)), &part)
            .await;
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let waits = match sampler {
            Some(t) => t.await.ok().filter(|w| w.samples > 0).map(|w| {
                format!(
                    "; a writer waiting for a lock in {:.0} % of {} samples (mean {:.2} waiting)",
                    100.0 * w.waiting as f64 / w.samples as f64,
                    w.samples,
                    w.waiters as f64 / w.samples as f64
                )
            }),
            None => None,
        };
        println!(
            "{name}: {:.0} submissions/s (two 100 KB parts, {} connections, {} s), p50 {}, p99 {}, errors {}{}",
            s.rps(),
            a.connections,
            a.seconds,
            us(s.p(0.5)),
            us(s.p(0.99)),
            s.errors,
            waits.unwrap_or_default()
        );
        rates.push(s.rps());
        drop(lb);
        drop(servers);
    }
    println!("ratio object store / folder (PostgreSQL, 1 instance): {:.2}", rates[2] / rates[1]);
    println!("ratio PostgreSQL / SQLite (folder, 1 instance): {:.2}", rates[1] / rates[0]);
    println!("ratio behind haproxy / direct (object store, 1 instance): {:.2}", rates[3] / rates[2]);
    println!("ratio 2 instances / 1 instance (object store, both behind haproxy): {:.2}", rates[4] / rates[3]);
    println!("ratio 2 instances / 1 instance (folder, both behind haproxy): {:.2}", rates[6] / rates[5]);
    Ok(())
}

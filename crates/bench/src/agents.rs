//! `egov-bench agents [--agents 5000] [--seconds 120]`: simulated
//! anti-malware agents against one server, each heartbeating every 60 s
//! (their minutes spread evenly) and 1 % of them also reporting a
//! detection every minute; on SQLite, and on PostgreSQL too when
//! EGOV_BENCH_POSTGRES_URL is set. Measured: the heartbeats answered (the
//! load held), their latency (p50, p99), and the server's CPU (its own
//! user + system time from /proc) under the load beside the same server
//! idle for as long, in the same run.

use std::time::{Duration, Instant};

use crate::{start_server_full, token, Args, Server};

/// CPU seconds the process has used (user + system), from /proc/PID/stat.
pub(crate) fn cpu_seconds(pid: u32) -> Result<f64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    // the fields after the command's closing parenthesis; utime and stime are the 14th and 15th
    let rest = stat.rsplit_once(')').ok_or("bad stat")?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 =
        f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0) + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    Ok(ticks / 100.0) // USER_HZ, 100 on Linux
}

/// Makes `n` machines, enrols an agent on each: their keys.
async fn enrol(server: &Server, n: usize) -> Result<Vec<String>, String> {
    let admin = token(server, "demo.admin").await?;
    let http = reqwest::Client::new();
    let mut csv = String::from("agency,name,kind,added_on\n");
    for i in 0..n {
        csv.push_str(&format!("H72.50.01,PC-{i:05},workstation,2026-01-01\n"));
    }
    let r = http
        .post(format!("{}/api/v1/protection/inventory", server.base))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("inventory: {}", r.text().await.unwrap_or_default()));
    }
    let c: serde_json::Value = crate::get_json(&format!("{}/api/v1/protection/machines", server.base), &admin).await?;
    let ids: Vec<i64> =
        c["machines"].as_array().ok_or("no machines")?.iter().filter_map(|m| m["id"].as_i64()).collect();
    let mut keys = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(32) {
        let tasks = chunk.iter().map(|id| {
            let (http, base, admin) = (http.clone(), server.base.clone(), admin.clone());
            async move {
                let url = format!("{base}/api/v1/protection/machines/{id}/enrolment");
                let t = crate::post_json(&http, url, Some(&admin), &serde_json::json!({})).await?;
                let url = format!("{base}/api/v1/agent/enrol");
                let k = crate::post_json(&http, url, None, &serde_json::json!({"token": t["token"]})).await?;
                k["key"].as_str().map(String::from).ok_or_else(|| format!("no key: {k}"))
            }
        });
        for k in futures_util::future::join_all(tasks).await {
            keys.push(k?);
        }
    }
    Ok(keys)
}

struct Outcome {
    sent: usize,
    errors: usize,
    latencies: Vec<Duration>,
    reports: usize,
}

/// Every agent's minute, for `dur`: a heartbeat (and for 1 %, a report).
async fn simulate(base: &str, keys: &[String], dur: Duration) -> Outcome {
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().expect("client");
    let n = keys.len();
    let start = tokio::time::Instant::now() + Duration::from_millis(200);
    let minute = Duration::from_secs(60);
    let tasks = keys.iter().enumerate().map(|(i, key)| {
        let (http, base, key) = (http.clone(), base.to_string(), key.clone());
        async move {
            let mut out = Outcome { sent: 0, errors: 0, latencies: Vec::new(), reports: 0 };
            let mut at = start + minute.mul_f64(i as f64 / n as f64);
            let mut round = 0;
            while at < start + dur {
                tokio::time::sleep_until(at).await;
                let beat = serde_json::json!({"host_name": format!("pc-{i:05}"), "os": "Debian GNU/Linux 12", "addresses": ["10.72.50.11"],
                    "agent_version": "0.1.0", "clamd_version": "ClamAV 1.4.6/27474/Mon Nov 30 09:35:01 2026",
                    "last_scan": {"seconds_ago": 3600, "result": "clean"}, "last_good_scan_seconds_ago": 3600});
                let t = Instant::now();
                let r = http.post(format!("{base}/api/v1/agent/heartbeat")).header("x-agent-key", &key).json(&beat).send().await;
                out.sent += 1;
                match r {
                    Ok(r) if r.status().as_u16() == 204 => out.latencies.push(t.elapsed()),
                    _ => out.errors += 1,
                }
                if i % 100 == 0 {
                    let report = serde_json::json!({"reports": [{"report_id": format!("{i}-{round}"), "found_seconds_ago": 5,
                        "path": "/home/u/Downloads/x.exe", "signature": "Win.Test.EICAR_HDB-1",
                        "sha256": "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", "action": "quarantined"}]});
                    let r = http.post(format!("{base}/api/v1/agent/detections")).header("x-agent-key", &key).json(&report).send().await;
                    if r.is_ok_and(|r| r.status().is_success()) {
                        out.reports += 1;
                    } else {
                        out.errors += 1;
                    }
                }
                round += 1;
                at += minute;
            }
            out
        }
    });
    let mut all = Outcome { sent: 0, errors: 0, latencies: Vec::new(), reports: 0 };
    for o in futures_util::future::join_all(tasks).await {
        all.sent += o.sent;
        all.errors += o.errors;
        all.reports += o.reports;
        all.latencies.extend(o.latencies);
    }
    all.latencies.sort();
    all
}

async fn one(label: &str, database_url: Option<&str>, a: &Args) -> Result<(), String> {
    let extra: Vec<String> = ["--agent-enrolments", "1000000000"].iter().map(|s| s.to_string()).collect();
    let server = start_server_full(database_url, &extra).await?;
    let t = Instant::now();
    let keys = enrol(&server, a.agents).await?;
    println!("{label}: {} machines imported and enrolled in {:.1} s", keys.len(), t.elapsed().as_secs_f64());
    let dur = Duration::from_secs(a.seconds);
    let pid = server.child.id();
    // the same server idle for as long, then under the load
    let c0 = cpu_seconds(pid)?;
    tokio::time::sleep(dur).await;
    let c1 = cpu_seconds(pid)?;
    let o = simulate(&server.base, &keys, dur).await;
    let c2 = cpu_seconds(pid)?;
    let wall = dur.as_secs_f64();
    let expected = (a.agents as f64 * wall / 60.0).round();
    println!(
        "{label}: {} agents, {} s: {} heartbeats of {expected:.0} due ({} errors), {} detection reports; heartbeat p50 {}, p99 {}, max {}",
        a.agents,
        a.seconds,
        o.latencies.len(),
        o.errors,
        o.reports,
        crate::us(crate::percentile(&o.latencies, 0.5)),
        crate::us(crate::percentile(&o.latencies, 0.99)),
        crate::us(o.latencies.last().copied().unwrap_or_default()),
    );
    let _ = o.sent;
    println!(
        "{label}: server CPU under the load {:.1} % of one core (idle beside it: {:.1} %)",
        100.0 * (c2 - c1) / wall,
        100.0 * (c1 - c0) / wall
    );
    Ok(())
}

pub async fn agents(a: Args) -> Result<(), String> {
    println!("# anti-malware agents: a heartbeat a minute each, 1 % also reporting a detection");
    one("SQLite", None, &a).await?;
    if let Ok(pg) = std::env::var("EGOV_BENCH_POSTGRES_URL") {
        let url = crate::instances::fresh_database(&pg, 9)?;
        one("PostgreSQL", Some(&url), &a).await?;
    } else {
        println!("PostgreSQL: skipped (set EGOV_BENCH_POSTGRES_URL)");
    }
    Ok(())
}

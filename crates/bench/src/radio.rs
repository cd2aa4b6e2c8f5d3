//! `egov-bench radio [--devices 1000] [--rounds 3]`: the emergency fan-out.
//! Starts the release server on a fresh SQLite database, makes a station
//! and N devices through the API and enrols each (the device protocol),
//! measures the server's resident memory, opens every device's emergency
//! stream (server-sent events, one connection each) and measures it again:
//! the difference over N is the memory a held connection costs. Then, each
//! round, writes an emergency bulletin with its audio and approves it: the
//! time from sending the approval to each device's receipt of the event,
//! as this process sees it (its median and the last of N). The devices'
//! client shares the machine's two cores with the server.

use std::time::{Duration, Instant};

use crate::{start_server_full, token, Args};

fn rss_kb(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "no VmRSS".to_string())
}

pub(crate) async fn radio(a: Args) -> Result<(), String> {
    let n = a.agents;
    println!("# commune radio: emergency fan-out to {n} devices, {} rounds", a.rounds);
    let extra: Vec<String> = [
        "--agent-enrolments".to_string(),
        (n * 2 + 100).to_string(),
        "--max-connections".into(),
        (n + 2000).to_string(),
        "--max-connections-per-address".into(),
        (n + 1000).to_string(),
    ]
    .into();
    // side by side in this run: what any connection costs the server — a fresh one, with N
    // connections kept alive idle after one request each
    {
        let idle = start_server_full(None, &extra).await?;
        let pid = idle.child.id();
        let client = reqwest::Client::builder().pool_max_idle_per_host(n + 10).build().map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss0 = rss_kb(pid)?;
        // all at once: each request in flight on a connection of its own, then kept
        let r =
            futures_util::future::join_all((0..n).map(|_| client.get(format!("{}/healthz", idle.base)).send())).await;
        if r.iter().any(|r| r.is_err()) {
            return Err("healthz failed".into());
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        let rss1 = rss_kb(pid)?;
        println!(
            "idle connections: {rss0} kB, {rss1} kB with {n} kept alive: {:.1} KB a connection",
            (rss1.saturating_sub(rss0)) as f64 / n as f64
        );
    }
    let server = start_server_full(None, &extra).await?;
    let pid = server.child.id();
    let admin = token(&server, "demo.admin").await?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().map_err(|e| e.to_string())?;
    let base = server.base.clone();
    let st = serde_json::json!({"name": "Đài đo tải", "unit_code": "25441", "kind": "ip"});
    let station = crate::post_json(&http, format!("{base}/api/v1/radio/stations"), Some(&admin), &st).await?["id"]
        .as_i64()
        .ok_or("no station")?;
    let started = Instant::now();
    let mut devices = Vec::with_capacity(n);
    let ids: Vec<usize> = (0..n).collect();
    for chunk in ids.chunks(32) {
        let tasks = chunk.iter().map(|i| {
            let (http, base, admin) = (http.clone(), base.clone(), admin.clone());
            async move {
                let d = serde_json::json!({"serial": format!("LOA-{i:06}"), "name": format!("Cụm loa {i}")});
                let id = crate::post_json(
                    &http,
                    format!("{base}/api/v1/radio/stations/{station}/devices"),
                    Some(&admin),
                    &d,
                )
                .await?["id"]
                    .as_i64()
                    .ok_or("no device")?;
                let c = crate::post_json(
                    &http,
                    format!("{base}/api/v1/radio/devices/{id}/enrolment"),
                    Some(&admin),
                    &serde_json::json!({}),
                )
                .await?;
                let code = c["code"].as_str().ok_or("no code")?;
                egov_radio_sim::Device::enrol(&http, &base, code).await.map_err(|e| e.to_string())
            }
        });
        for d in futures_util::future::join_all(tasks).await {
            devices.push(d?);
        }
    }
    println!("{n} devices enrolled in {:.1} s", started.elapsed().as_secs_f64());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = rss_kb(pid)?;
    // every device holds its stream, on connections of its own
    let listeners = reqwest::Client::builder().pool_max_idle_per_host(0).build().map_err(|e| e.to_string())?;
    let mut streams = Vec::with_capacity(n);
    for chunk in devices.chunks(200) {
        let opened = futures_util::future::join_all(chunk.iter().map(|d| {
            let d = egov_radio_sim::Device::with_key(&listeners, &base, d.id, &d.key);
            async move { d.listen().await }
        }))
        .await;
        for s in opened {
            streams.push(s.map_err(|e| e.to_string())?);
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_kb(pid)?;
    let per = (after.saturating_sub(before)) as f64 * 1024.0 / n as f64;
    println!(
        "server memory: {before} kB before, {after} kB with {n} streams held: {:.1} KB a connection",
        per / 1024.0
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(i64, Instant)>();
    for mut s in streams {
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Ok(e) = s.next().await {
                if tx.send((e.bulletin_id, Instant::now())).is_err() {
                    break;
                }
            }
        });
    }
    let wav = egov_audio::tone_wav(2, 8000, 880.0);
    for round in 1..=a.rounds {
        let b = serde_json::json!({"title": format!("Cảnh báo {round}"), "text": "Đo tải.", "category": "disaster",
            "priority": "emergency", "target": "province", "valid_to": "2099-01-01T00:00"});
        let id = crate::post_json(&http, format!("{base}/api/v1/radio/bulletins"), Some(&admin), &b).await?["id"]
            .as_i64()
            .ok_or("no bulletin")?;
        let r = http
            .put(format!("{base}/api/v1/radio/bulletins/{id}/audio"))
            .bearer_auth(&admin)
            .header("content-type", "audio/wav")
            .body(wav.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("audio: {}", r.status()));
        }
        let t0 = Instant::now();
        let r = http
            .post(format!("{base}/api/v1/radio/bulletins/{id}/decision"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"decision": "approve"}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("approval: {}", r.status()));
        }
        let mut got: Vec<Duration> = Vec::with_capacity(n);
        let deadline = t0 + Duration::from_secs(60);
        while got.len() < n {
            match tokio::time::timeout_at(deadline.into(), rx.recv()).await {
                Ok(Some((b, at))) if b == id => got.push(at - t0),
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        got.sort();
        let median = got.get(got.len() / 2).copied().unwrap_or_default();
        let last = got.last().copied().unwrap_or_default();
        println!(
            "round {round}: {} of {n} devices received it; from approval: median {:.0} ms, last {:.0} ms",
            got.len(),
            median.as_secs_f64() * 1000.0,
            last.as_secs_f64() * 1000.0
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    Ok(())
}

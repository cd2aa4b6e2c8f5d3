//! `egov-bench scan [--rounds 20] [--signatures 100000]`: what scanning
//! uploads through clamd adds. Two servers side by side in one run — one
//! with `--clamd`, one without — take the same online submission (a
//! document part of 100 KB, 1 MB, 8 MB, and a small second part), one at a
//! time, alternating; and clamd's own `INSTREAM` is timed in this process.
//! The added latency, per MB. (Every document is new to clamd, which keeps
//! the digests of what it found clean and scans them no more.) clamd is a throw-away one with a test-made
//! database: the EICAR signature and `--signatures` random body signatures
//! (ClamAV's official databases cannot be downloaded here; they are larger,
//! and the figure is a lower bound of theirs).

use std::time::{Duration, Instant};

use egov_clamd::testing::TestClamd;

use crate::{start_server_full, token, Args};

fn document(size: usize, seed: u64) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    let mut x = seed | 1;
    while b.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b.extend_from_slice(&x.to_le_bytes());
    }
    b.truncate(size);
    b
}

async fn submit(http: &reqwest::Client, base: &str, token: &str, part: Vec<u8>) -> Result<Duration, String> {
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": crate::marriage_form()});
    let form = reqwest::multipart::Form::new()
        .text("dossier", body.to_string())
        .part("part_0", reqwest::multipart::Part::bytes(part).file_name("to-khai.pdf"))
        .part("part_1", reqwest::multipart::Part::bytes(document(2048, 7)).file_name("cccd.pdf"));
    let t = Instant::now();
    let r = http
        .post(format!("{base}/api/v1/dossiers"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let d = t.elapsed();
    if r.status().as_u16() != 201 {
        return Err(format!("submission: {} {}", r.status(), r.text().await.unwrap_or_default()));
    }
    Ok(d)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    crate::percentile(&v, 0.5)
}

pub async fn scan(a: Args) -> Result<(), String> {
    let signatures = a.signatures;
    let t = Instant::now();
    let clamd = TestClamd::start_with(signatures).await;
    println!(
        "# upload scanning: clamd with {} signatures (started in {:.1} s)",
        signatures + 1,
        t.elapsed().as_secs_f64()
    );
    let socket = clamd.address().to_string();
    let scanning = start_server_full(None, &["--clamd".into(), socket]).await?;
    let plain = start_server_full(None, &[]).await?;
    let (ts, tp) = (token(&scanning, "demo.citizen").await?, token(&plain, "demo.citizen").await?);
    let http = reqwest::Client::new();
    let c = clamd.client();
    for (label, size) in [("100 KB", 100 * 1024), ("1 MB", 1024 * 1024), ("8 MB", 8 * 1024 * 1024)] {
        let (mut with, mut without, mut direct) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..=a.rounds {
            let doc = document(size, round + 11);
            let w = submit(&http, &scanning.base, &ts, doc.clone()).await?;
            let p = submit(&http, &plain.base, &tp, doc.clone()).await?;
            // another document: clamd remembers what it found clean (by digest)
            let other = document(size, round + 1001);
            let t = Instant::now();
            c.scan(&other).await.map_err(|e| e.to_string())?;
            let d = t.elapsed();
            // the first round warms both servers and clamd
            if round > 0 {
                with.push(w);
                without.push(p);
                direct.push(d);
            }
        }
        let (w, p, d) = (median(with), median(without), median(direct));
        let mb = size as f64 / (1024.0 * 1024.0);
        let added = w.as_secs_f64() - p.as_secs_f64();
        println!(
            "{label}: submission p50 with scanning {:.1} ms, without {:.1} ms (ratio {:.2}); added {:.1} ms = {:.1} ms per MB; clamd INSTREAM alone {:.1} ms = {:.1} ms per MB ({} rounds)",
            w.as_secs_f64() * 1e3,
            p.as_secs_f64() * 1e3,
            w.as_secs_f64() / p.as_secs_f64(),
            added * 1e3,
            added * 1e3 / mb,
            d.as_secs_f64() * 1e3,
            d.as_secs_f64() * 1e3 / mb,
            a.rounds
        );
    }
    Ok(())
}

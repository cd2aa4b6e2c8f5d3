//! Issue 19: two instances on one PostgreSQL database share the probes by
//! leases: each target is probed once in each of its intervals, never by
//! both; when the holder is killed, the other takes its probes over, still
//! once an interval.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

const PASSWORD: &str = "network-password";

type Hits = Arc<Mutex<HashMap<String, Vec<Instant>>>>;

/// An HTTP server that answers everything and notes when each path was asked.
async fn target() -> (String, Hits) {
    let hits: Hits = Default::default();
    let h = hits.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let h = h.clone();
        async move {
            h.lock().unwrap().entry(req.uri().path().to_string()).or_default().push(Instant::now());
            "ok"
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), hits)
}

/// The shortest gap between two checks of one path, and how many checks each had.
fn gaps(hits: &Hits) -> (Duration, HashMap<String, usize>) {
    let h = hits.lock().unwrap();
    let mut shortest = Duration::from_secs(3600);
    for times in h.values() {
        for w in times.windows(2) {
            shortest = shortest.min(w[1] - w[0]);
        }
    }
    (shortest, h.iter().map(|(p, t)| (p.clone(), t.len())).collect())
}

async fn held(base: &str, token: &str) -> u64 {
    let r = Client::new(base).with_bearer(token).get("/api/v1/network/prober").await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["held"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_probe_each_target_once_an_interval_and_the_survivor_takes_over() {
    assert_eq!(backend(), "postgres", "several instances share a PostgreSQL database: EGOV_TEST_BACKEND=postgres");
    let db = fresh_database().await;
    let dirs: Vec<_> = (0..2).map(|_| std::env::temp_dir().join(format!("egov-net-{}", random_name()))).collect();
    let started: Vec<_> = dirs
        .iter()
        .map(|d| {
            let (d, db) = (d.clone(), db.clone());
            std::thread::spawn(move || start(&d, Some(&db), &["--demo", "--demo-password", PASSWORD]))
        })
        .collect();
    let mut runs: Vec<Running> = started.into_iter().map(|t| t.join().expect("an instance started")).collect();
    let tokens: Vec<String> = {
        let mut t = Vec::new();
        for r in &runs {
            t.push(token_for(&r.base, "demo.admin", PASSWORD).await);
        }
        t
    };
    let (url, hits) = target().await;
    let admin = Client::new(&runs[0].base).with_bearer(&tokens[0]);
    let site =
        serde_json::json!({"name": "Trung tâm tỉnh", "kind": "province", "unit_code": "72", "access_level": "I"});
    let r = admin.post_json("/api/v1/network/sites", &site.to_string()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();
    for i in 0..6 {
        let p = serde_json::json!({"name": format!("p{i}"), "kind": "http", "url": format!("{url}/p{i}"), "interval_s": 10, "timeout_s": 3});
        assert_eq!(admin.post_json(&format!("/api/v1/network/sites/{id}/probes"), &p.to_string()).await.status, 201);
    }
    // within a sync (10 s) the probes are held, each by one instance
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (a, b) = (held(&runs[0].base, &tokens[0]).await, held(&runs[1].base, &tokens[1]).await);
        if a + b == 6 {
            break;
        }
        assert!(a + b <= 6, "a probe held by both: {a} + {b}");
        assert!(Instant::now() < deadline, "the probes were not taken: {a} + {b}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(35)).await;
    let (shortest, counts) = gaps(&hits);
    assert_eq!(counts.len(), 6, "every target probed: {counts:?}");
    assert!(counts.values().all(|&n| (3..=5).contains(&n)), "3 or 4 checks in ~35 s at 10 s: {counts:?}");
    assert!(shortest >= Duration::from_secs(8), "a target probed twice in one interval: {shortest:?} apart");
    let (a, b) = (held(&runs[0].base, &tokens[0]).await, held(&runs[1].base, &tokens[1]).await);
    assert_eq!(a + b, 6);

    // the holder of most is killed; past its leases the survivor holds them all
    let victim = if a >= b { 0 } else { 1 };
    let survivor = 1 - victim;
    let mut dead = runs.remove(victim);
    assert!(Command::new("kill").args(["-KILL", &dead.child.id().to_string()]).status().unwrap().success());
    let _ = dead.child.wait();
    let killed = Instant::now();
    let (run, token) = (&runs[0], &tokens[survivor]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while held(&run.base, token).await < 6 {
        assert!(Instant::now() < deadline, "the survivor did not take the probes over");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(25)).await;
    let (shortest, _) = gaps(&hits);
    assert!(shortest >= Duration::from_secs(8), "probed twice in one interval across the takeover: {shortest:?}");
    let after: Vec<usize> = hits.lock().unwrap().values().map(|t| t.iter().filter(|i| **i > killed).count()).collect();
    assert!(after.iter().all(|&n| n >= 2), "every target probed again after the takeover: {after:?}");
    // every check is written at most once: the database holds no more checks than the
    // targets saw, and misses only what the killed instance had not yet written
    // (at most one a probe it held)
    let victim_held = if victim == 0 { a } else { b } as i64;
    let seen_before: i64 = gaps(&hits).1.values().map(|&n| n as i64).sum();
    tokio::time::sleep(Duration::from_secs(2)).await; // the survivor's last results written
    let store = egov_store::Store::connect(&db).await.unwrap();
    let detail = Client::new(&run.base).with_bearer(token).get(&format!("/api/v1/network/sites/{id}")).await.json();
    let mut written = 0;
    for p in detail["probes"].as_array().unwrap() {
        let hours = store.net_hours(p["id"].as_i64().unwrap(), 0, i64::MAX).await.unwrap();
        written += hours.iter().map(|h| h.checks).sum::<i64>();
    }
    let seen_after: i64 = gaps(&hits).1.values().map(|&n| n as i64).sum();
    assert!(
        written <= seen_after && written + victim_held >= seen_before,
        "{written} written, {seen_before}–{seen_after} seen, {victim_held} held by the killed instance"
    );
    drop(dead);
    for r in runs {
        assert!(r.term().0.success());
    }
    for d in &dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    dispose_database(&db);
}

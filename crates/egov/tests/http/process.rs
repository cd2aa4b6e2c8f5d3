//! The binary as an operator runs it: zero-setup start, demo loaded once,
//! structured logs with request ids, clean exit on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_starts_logs_and_stops_cleanly_and_demo_loads_once() {
    let data = std::env::temp_dir().join(format!("egov-proc-{}", random_name()));
    let db_url = server_database().await;
    let run = start(
        &data,
        db_url.as_deref(),
        &["--demo", "--demo-password", "first-password", "--demo-year-dossiers", "300"],
    );
    let http = reqwest::Client::new();
    let r = http.get(format!("{}/healthz", run.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // a first run shows a year of work: the quality index counts its dossiers
    let year = chrono::Datelike::year(&egov_kernel::Clock::system().now());
    let index: serde_json::Value = http
        .get(format!("{}/api/v1/quality/index?from={year}-01-01&to={year}-12-31", run.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // (the index counts the dossiers that count: not those withdrawn or still at the desk)
    let counted = index["index"]["dossiers"].as_u64().unwrap();
    // (and the two dossiers of the fees and results' demo)
    assert!((200..=302).contains(&counted), "the demo year: {index}");
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let r = http
        .post(format!("{}/api/v1/auth/token", run.base))
        .json(&serde_json::json!({"username": "demo.admin", "password": "first-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // and the information-security console, machines in every state and a month kept
    let token = r.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let get = |path: &str| http.get(format!("{}{path}", run.base)).bearer_auth(&token).send();
    let c: serde_json::Value = get("/api/v1/protection/machines").await.unwrap().json().await.unwrap();
    let states: std::collections::BTreeSet<&str> =
        c["machines"].as_array().unwrap().iter().filter_map(|m| m["state"].as_str()).collect();
    assert_eq!(states.into_iter().collect::<Vec<_>>(), ["active", "disconnected", "never_connected"], "{c}");
    assert!(c["machines"].as_array().unwrap().iter().any(|m| m["outdated"] == true && m["state"] == "active"));
    assert_eq!(c["open_detections"], 1);
    let mut kept = 0;
    for y in [year - 1, year] {
        let days: serde_json::Value =
            get(&format!("/api/v1/protection/coverage?year={y}")).await.unwrap().json().await.unwrap();
        kept += days.as_array().unwrap().len();
    }
    assert!(kept >= 31, "a month behind today: {kept} days");
    // and the data network: five points, a month of history with its outages, a link over the rule
    let sites: serde_json::Value = get("/api/v1/network/sites").await.unwrap().json().await.unwrap();
    assert_eq!(sites.as_array().unwrap().len(), 5, "{sites}");
    let mut ended = 0;
    for y in [year - 1, year] {
        let outages: serde_json::Value =
            get(&format!("/api/v1/network/outages?period={y}")).await.unwrap().json().await.unwrap();
        ended += outages.as_array().unwrap().iter().filter(|o| o["ended_at"].is_string()).count();
    }
    assert_eq!(ended, 3, "the month's three outages, over");
    let status: serde_json::Value =
        http.get(format!("{}/api/v1/network/status", run.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(status.as_array().unwrap().len(), 4, "the public points: {status}");
    // and the register of incidents: one closed with its signed reports, one late
    let mut list = Vec::new();
    for y in [year - 1, year] {
        let l: serde_json::Value = get(&format!("/api/v1/incidents?year={y}")).await.unwrap().json().await.unwrap();
        list.extend(l.as_array().unwrap().iter().cloned());
    }
    let phases: Vec<&str> = list.iter().filter_map(|i| i["phase"].as_str()).collect();
    assert_eq!(phases.len(), 3, "{list:?}");
    assert!(phases.contains(&"closed") && list.iter().any(|i| i["late"] == true), "{list:?}");
    // and fees and results: two receiving accounts, a result registered and checked publicly by its code
    let accounts: serde_json::Value = get("/api/v1/payments/accounts").await.unwrap().json().await.unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 2, "{accounts}");
    let results: serde_json::Value = get("/api/v1/results").await.unwrap().json().await.unwrap();
    assert_eq!(results["items"][0]["number"], "01/2026/GCNKH", "{results}");
    let code = results["items"][0]["check_code"].as_str().unwrap();
    let check = http
        .get(format!("{}/api/v1/results/check?number=01%2F2026%2FGCNKH&code={code}", run.base))
        .send()
        .await
        .unwrap();
    assert_eq!(check.status(), 200);
    let (status, lines) = run.term();
    assert!(status.success(), "exit status {status}");
    // structured logs: JSON lines, the request's id on its line
    let served: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|j| j["fields"]["message"] == "served")
        .collect();
    assert!(
        served.iter().any(|j| j["span"]["id"] == id.parse::<u64>().unwrap() && j["span"]["path"] == "/healthz"),
        "{lines:?}"
    );
    if db_url.is_none() {
        assert!(data.join("egov.db").exists(), "SQLite at DATA/egov.db");
    }

    // again with --demo: nothing changes, the first password still works
    let run = start(&data, db_url.as_deref(), &["--demo", "--demo-password", "second-password"]);
    let r = http
        .post(format!("{}/api/v1/auth/token", run.base))
        .json(&serde_json::json!({"username": "demo.admin", "password": "first-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, _) = run.term();
    assert!(status.success());
    clean_up(&data, db_url.as_deref());
}

#[test]
fn a_bad_database_url_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(["audit", "verify", "--database-url", "mysql://x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

/// Readiness apart from liveness: `/readyz` answers 200 while serving, and
/// once SIGTERM comes it answers 503 ("draining") for the drain period while
/// `/healthz` and the pages still answer; then the process exits cleanly
/// (issue 16, point 4).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_readyz_first_while_requests_are_still_served() {
    let data = std::env::temp_dir().join(format!("egov-drain-{}", random_name()));
    let db_url = server_database().await;
    let mut run = start(&data, db_url.as_deref(), &["--drain-seconds", "3"]);
    let http = reqwest::Client::new();
    let get = |path: &str| {
        let (http, url) = (http.clone(), format!("{}{path}", run.base));
        async move {
            let r = http.get(url).send().await.expect("answer");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }
    };
    assert_eq!(get("/readyz").await, (200, "ready".to_string()));
    let pid = run.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let t0 = Instant::now();
    let mut draining = false;
    while t0.elapsed() < Duration::from_secs(2) {
        let (status, body) = get("/readyz").await;
        if status == 503 {
            assert_eq!(body, "draining");
            draining = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(draining, "/readyz says draining soon after SIGTERM");
    assert_eq!(get("/healthz").await.0, 200, "still alive, still serving");
    assert_eq!(get("/thu-tuc").await.0, 200);
    // then it stops by itself, cleanly
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(st) = run.child.try_wait().expect("wait") {
            break st;
        }
        assert!(Instant::now() < deadline, "egov did not stop after draining");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    assert!(t0.elapsed() >= Duration::from_secs(2), "the listener stayed open for the drain period");
    let lines: Vec<String> = run.stdout.try_iter().collect();
    assert!(lines.iter().any(|l| l.contains("draining")), "{lines:?}");
    clean_up(&data, db_url.as_deref());
}

/// A database a newer egov migrated: this one refuses to start on it, says
/// why, and writes nothing (issue 16, point 5).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_binary_refuses_a_newer_schema_and_touches_nothing() {
    let data = std::env::temp_dir().join(format!("egov-newer-{}", random_name()));
    let db_url = server_database().await;
    let (status, _) = start(&data, db_url.as_deref(), &[]).term();
    assert!(status.success());
    let url = db_url.clone().unwrap_or_else(|| format!("sqlite://{}", data.join("egov.db").display()));
    let store = egov_store::Store::connect(&url).await.unwrap();
    store.record_migration(9_999).await.unwrap();
    let before = store.count_rows("audit_log").await.unwrap();
    store.close().await;
    let out = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("EGOV_DATA", &data)
        .envs(db_url.iter().map(|u| ("EGOV_DATABASE_URL", u.as_str())))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("migrated by a newer egov") && err.contains("9999"), "{err}");
    let store = egov_store::Store::connect(&url).await.unwrap();
    assert_eq!(store.count_rows("audit_log").await.unwrap(), before, "nothing written");
    store.close().await;
    clean_up(&data, db_url.as_deref());
}

/// Submit in a loop, kill -9 the server mid-stream, restart it: every
/// submission that was answered with a code is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_submissions_survive_kill_9() {
    let data = std::env::temp_dir().join(format!("egov-kill-{}", random_name()));
    let db_url = server_database().await;
    let run = start(&data, db_url.as_deref(), &["--demo", "--demo-password", "kill-password"]);
    let token = token_for(&run.base, "demo.citizen", "kill-password").await;
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01",
        "form": marriage(serde_json::json!({"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Tân Ninh"}))});
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut loops = Vec::new();
    for _ in 0..8 {
        let (base, token, body, acked) = (run.base.clone(), token.clone(), body.clone(), acked.clone());
        loops.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            for _ in 0..10_000 {
                let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
                let form = reqwest::multipart::Form::new()
                    .text("dossier", body.to_string())
                    .part("part_0", reqwest::multipart::Part::bytes(pdf.clone()).file_name("a.pdf"))
                    .part("part_1", reqwest::multipart::Part::bytes(pdf).file_name("b.pdf"));
                match c.post(format!("{base}/api/v1/dossiers")).bearer_auth(&token).multipart(form).send().await {
                    Ok(r) if r.status() == 201 => {
                        if let Ok(j) = r.json::<serde_json::Value>().await {
                            if let Some(code) = j["code"].as_str() {
                                acked.lock().unwrap().push(code.to_string());
                            }
                        }
                    }
                    _ => break,
                }
            }
        }));
    }
    // kill mid-stream, once a good number are acknowledged (however loaded
    // the machine), and no later than a minute
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 40 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut run = run;
    let child = &mut run.child;
    assert!(Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap().success());
    let _ = child.wait();
    for l in loops {
        let _ = l.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() > 20, "only {} submissions before the kill", acked.len());
    // Files of submissions cut short by the kill are swept (with the server
    // down, any age will do); no file a dossier names is touched.
    let (spec, _) = server_blobs(&data);
    let blobs = egov_store::BlobStore::open(&spec).unwrap();
    let stray = format!("{}{}", "ab".repeat(32), "cd".repeat(16));
    blobs.put_at(&stray, b"%PDF-1.4 never committed".to_vec()).await.unwrap();
    // a folder's write cut short leaves a temporary file (an object store's
    // PUT is all or nothing)
    let leftover = data.join("files").join("ab").join(".tmp-interrupted");
    let planted = if let egov_store::BlobSpec::Folder(_) = spec {
        std::fs::write(&leftover, b"half").unwrap();
        2
    } else {
        1
    };
    let sweep = |min_age: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_egov"))
            .args(["blobs", "sweep", "--min-age-secs", min_age])
            .env("EGOV_DATA", &data)
            .envs(server_blobs(&data).1)
            .envs(db_url.iter().map(|u| ("EGOV_DATABASE_URL", u.as_str())))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(sweep("3600").starts_with("removed 0 "), "young files are left alone");
    let report = sweep("0");
    assert!(matches!(blobs.get(&stray).await, Err(egov_store::StoreError::NotFound)), "{report}");
    assert!(!leftover.exists(), "{report}");

    let run = start(&data, db_url.as_deref(), &[]);
    let c = reqwest::Client::new();
    for code in &acked {
        let r = c.get(format!("{}/api/v1/dossiers/{code}", run.base)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 200, "{code} was acknowledged but is gone");
        let j: serde_json::Value = r.json().await.unwrap();
        assert_eq!(j["files"].as_array().map(Vec::len), Some(2), "{code} lost its files");
    }
    // every recorded file is in the store
    let on_disk = count_blobs(&blobs).await;
    assert!(on_disk >= 2 * acked.len());
    // nothing but named files is left: as many as the rows that name them
    let removed: usize = report.split_whitespace().nth(1).unwrap().parse().unwrap();
    let kept: usize = report.split_whitespace().nth(5).unwrap().parse().unwrap();
    assert!(removed >= planted, "{report}");
    assert_eq!(on_disk, kept, "{report}");
    // and the numbering has no gap below the highest acknowledged number
    let max = acked.iter().map(|c| c.rsplit('-').next().unwrap().parse::<u32>().unwrap()).max().unwrap();
    let url = db_url.clone().unwrap_or_else(|| format!("sqlite://{}", data.join("egov.db").display()));
    let store = egov_store::Store::connect(&url).await.unwrap();
    assert_eq!(store.count_rows("dossier_files").await.unwrap() as usize, on_disk, "one file per row, no more");
    let seqs = gap_free_numbers(&store, &acked[0]).await;
    assert!(seqs.len() as u32 >= max);
    store.close().await;
    let out = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(["audit", "verify"])
        .env("EGOV_DATA", &data)
        .envs(db_url.iter().map(|u| ("EGOV_DATABASE_URL", u.as_str())))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (status, _) = run.term();
    assert!(status.success());
    clean_up(&data, db_url.as_deref());
}

/// `serve` anchors the audit chain outside the database: to its file and, as
/// lines, to a collector over TCP, signed with the instance's key; the
/// anchors verify the chain afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_anchors_the_audit_chain_to_a_file_and_a_collector() {
    let data = std::env::temp_dir().join(format!("egov-anchor-{}", random_name()));
    let db_url = server_database().await;
    let collector = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let to = collector.local_addr().unwrap().to_string();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for conn in collector.incoming().flatten() {
            for line in BufReader::new(conn).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        }
    });
    let run = start(
        &data,
        db_url.as_deref(),
        &["--demo", "--demo-password", "anchor-password", "--audit-anchor-interval", "1", "--audit-anchor-tcp", &to],
    );
    let first: serde_json::Value =
        serde_json::from_str(&rx.recv_timeout(Duration::from_secs(20)).expect("an anchor line")).unwrap();
    assert!(first["seq"].as_i64().unwrap() > 0, "the demo's entries: {first}");
    // a sign-in grows the chain: the next anchor follows it
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/api/v1/auth/token", run.base))
        .json(&serde_json::json!({"username": "demo.citizen", "password": "anchor-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let next: serde_json::Value =
        serde_json::from_str(&rx.recv_timeout(Duration::from_secs(20)).expect("another anchor")).unwrap();
    assert!(next["seq"].as_i64() > first["seq"].as_i64(), "{next}");
    let (status, _) = run.term();
    assert!(status.success());
    let public = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(["audit", "public-key"])
        .env("EGOV_DATA", &data)
        .output()
        .unwrap();
    let public = String::from_utf8(public.stdout).unwrap().trim().to_string();
    assert_eq!(next["key"], public.as_str(), "signed with the instance's key");
    let anchors = std::fs::read_to_string(data.join("audit-anchors.log")).unwrap();
    assert!(anchors.lines().count() >= 2, "{anchors}");
    let mut verify = Command::new(env!("CARGO_BIN_EXE_egov"));
    verify.args(["audit", "verify", "--anchor"]).arg(data.join("audit-anchors.log")).env("EGOV_DATA", &data);
    if let Some(u) = &db_url {
        verify.env("EGOV_DATABASE_URL", u);
    }
    let out = verify.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("agrees with"), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&data);
    if let Some(u) = db_url {
        dispose_database(&u);
    }
}

/// Backups that restore (issue 16, point 6): a copy taken while submissions
/// run, brought back into a fresh folder (and, on PostgreSQL, a fresh
/// database), its audit chain intact and every file matching its digest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_submissions_run_restores_and_verifies() {
    let data = std::env::temp_dir().join(format!("egov-live-{}", random_name()));
    let db = server_database().await;
    let run = start(&data, db.as_deref(), &["--demo", "--demo-password", "backup-password"]);
    let token = token_for(&run.base, "demo.citizen", "backup-password").await;
    let secret = token;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut loops = Vec::new();
    for _ in 0..4 {
        let (c, stop, acked) = (Client::new(&run.base).with_bearer(&secret), stop.clone(), acked.clone());
        loops.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let code = submit_online(&c).await;
                acked.lock().unwrap().push(code);
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 20 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // the backup, while they keep coming
    let before: Vec<String> = acked.lock().unwrap().clone();
    let to = std::env::temp_dir().join(format!("egov-backup-{}", random_name()));
    let out = tokio::task::spawn_blocking({
        let (data, to, db) = (data.clone(), to.clone(), db.clone());
        move || egov(&["backup", "--to", &to.display().to_string()], &data, db.as_deref())
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.starts_with("backed up the database and "), "{said}");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for l in loops {
        l.await.unwrap();
    }
    assert!(acked.lock().unwrap().len() > before.len(), "submissions ran during the backup");
    // a second backup into the same folder is refused
    assert!(!egov(&["backup", "--to", &to.display().to_string()], &data, db.as_deref()).status.success());
    let (status, _) = run.term();
    assert!(status.success());
    // restored into a fresh folder and database
    let into = std::env::temp_dir().join(format!("egov-restored-{}", random_name()));
    let db2 = server_database().await;
    let out = egov(&["restore", "--from", &to.display().to_string()], &into, db2.as_deref());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("every digest checked"), "{said}");
    let out = egov(&["audit", "verify"], &into, db2.as_deref());
    assert!(out.status.success(), "the restored chain verifies: {}", String::from_utf8_lossy(&out.stderr));
    // every dossier acknowledged before the backup began is there, with its files
    let url = db2.clone().unwrap_or_else(|| format!("sqlite://{}", into.join("egov.db").display()));
    let store = egov_store::Store::connect(&url).await.unwrap();
    let files = store.named_files().await.unwrap();
    // into the restored platform's store (a folder, or a new prefix of the bucket)
    let blobs = egov_store::BlobStore::open(&server_blobs(&into).0).unwrap();
    for (key, sha) in &files {
        let bytes = blobs.get(key).await.unwrap_or_else(|e| panic!("{key} restored: {e}"));
        let digest: String =
            <sha2::Sha256 as sha2::Digest>::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(&digest, sha, "{key} matches its digest");
    }
    for code in &before {
        assert!(store.public_dossier(code).await.unwrap().is_some(), "{code} restored");
    }
    assert!(files.len() >= 2 * before.len());
    store.close().await;
    // restoring over a restored platform is refused
    assert!(!egov(&["restore", "--from", &to.display().to_string()], &into, db2.as_deref()).status.success());
    for d in [&to, &into, &data] {
        let _ = std::fs::remove_dir_all(d);
    }
    for u in db.iter().chain(db2.iter()) {
        dispose_database(u);
    }
}

//! Several instances as one platform (issue 16): real `egov serve` processes
//! on one PostgreSQL database and one bucket of a real object store
//! (Garage), behind a real haproxy that checks `/readyz`. Run by the test
//! command's PostgreSQL pass (the SQLite pass leaves them out: one SQLite
//! file is one machine's).

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

mod network;

const PASSWORD: &str = "cluster-password";

/// Two instances started at once on a fresh PostgreSQL database (they
/// migrate and load the demo once between them) and a fresh prefix of the
/// suite's bucket, each with a data folder of its own (its anchor key).
struct Cluster {
    a: Running,
    b: Running,
    lb: egov::deploy::Haproxy,
    db: String,
    dirs: Vec<std::path::PathBuf>,
}

async fn cluster(extra: &[&str]) -> Cluster {
    assert_eq!(backend(), "postgres", "several instances share a PostgreSQL database: EGOV_TEST_BACKEND=postgres");
    let db = fresh_database().await;
    let name = format!("egov-cluster-{}", random_name());
    let blobs = blob_spec(&std::env::temp_dir().join(&name), &name);
    assert!(
        matches!(blobs, egov_store::BlobSpec::S3(_)),
        "several instances share an object store: EGOV_TEST_S3_URL (scripts/test.sh starts Garage)"
    );
    let dirs: Vec<_> = (0..2).map(|_| std::env::temp_dir().join(format!("egov-node-{}", random_name()))).collect();
    let mut args: Vec<String> = ["--demo", "--demo-password", PASSWORD, "--trusted-proxies", "127.0.0.1/32"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--blob-store".to_string(), blobs.to_string(), "--job-lease-grace-seconds".into(), "1".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let started: Vec<_> = dirs
        .iter()
        .map(|d| {
            let (d, db, args) = (d.clone(), db.clone(), args.clone());
            std::thread::spawn(move || start(&d, Some(&db), &args.iter().map(String::as_str).collect::<Vec<_>>()))
        })
        .collect();
    let mut started = started.into_iter().map(|t| t.join().expect("an instance started"));
    let (a, b) = (started.next().unwrap(), started.next().unwrap());
    assert_ne!(a.instance, b.instance, "each instance has a name of its own");
    let servers: Vec<String> = [&a, &b].iter().map(|r| r.base.trim_start_matches("http://").to_string()).collect();
    let lb = egov::deploy::Haproxy::start(&servers).expect("haproxy, configured as the deployment guide says");
    Cluster { a, b, lb, db, dirs }
}

/// What a test collects from several tasks: codes, or failures.
type Shared = Arc<Mutex<Vec<String>>>;

/// Submits to `base` in `n` loops of `each` until `stop`; the codes
/// acknowledged, and the failures (a request in flight when an instance is
/// killed ends without an answer: it was not acknowledged).
fn submit_loops(
    base: &str,
    token: &str,
    n: usize,
    each: usize,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> (Vec<tokio::task::JoinHandle<()>>, Shared, Shared) {
    let (acked, failed): (Shared, Shared) = Default::default();
    let loops = (0..n)
        .map(|_| {
            let (stop, acked, failed) = (stop.clone(), acked.clone(), failed.clone());
            let (url, token) = (format!("{base}/api/v1/dossiers"), token.to_string());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                for _ in 0..each {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let r = http.post(&url).bearer_auth(&token).multipart(marriage_submission()).send().await;
                    let (status, text) = match r {
                        Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
                        Err(e) => (0, e.to_string()),
                    };
                    let code = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|j| j["code"].as_str().map(String::from));
                    match code {
                        Some(code) if status == 201 => acked.lock().unwrap().push(code),
                        _ => failed.lock().unwrap().push(format!("{status}: {text}")),
                    }
                }
            })
        })
        .collect();
    (loops, acked, failed)
}

/// Every dossier in `codes` is there, with two files whose bytes are those
/// submitted, read through each of `bases`.
async fn all_there_with_files(token: &str, codes: &[String], bases: &[&str]) {
    let first = Client::new(bases[0]).with_bearer(token);
    for code in codes {
        let r = first.get(&format!("/api/v1/dossiers/{code}")).await;
        assert_eq!(r.status, 200, "{code} was acknowledged: {}", r.text);
        let files = r.json()["files"].as_array().cloned().unwrap_or_default();
        assert_eq!(files.len(), 2, "{code} has its two files");
        for f in files {
            let id = f["id"].as_i64().expect("file id");
            for base in bases {
                let bytes = Client::new(base)
                    .with_bearer(token)
                    .get_bytes(&format!("/api/v1/dossiers/{code}/files/{id}"))
                    .await;
                assert_eq!(bytes, PDF, "{code}'s file {id} through {base}");
            }
        }
    }
}

/// How many dossiers H72.50.01 numbered that day, checked gap-free.
async fn gap_free(db: &str, codes: &[String]) -> usize {
    let store = egov_store::Store::connect(db).await.unwrap();
    let n = gap_free_numbers(&store, &codes[0]).await.len();
    store.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_haproxy_serve_as_one_platform() {
    let smtp_port = free_port();
    let smtp = SmtpServer::start(smtp_port, 0);
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}");
    let cl = cluster(&["--smtp-url", &smtp_url]).await;
    let (a, b) = (cl.a.base.clone(), cl.b.base.clone());

    // a token made on one instance, used through the balancer (both)
    let token = token_for(&a, "demo.citizen", PASSWORD).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (loops, acked, failed) = submit_loops(&cl.lb.base, &token, 4, 10, stop);
    for l in loops {
        l.await.unwrap();
    }
    assert!(failed.lock().unwrap().is_empty(), "{:?}", failed.lock().unwrap());
    let codes = acked.lock().unwrap().clone();
    assert_eq!(codes.len(), 40);
    assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), 40, "unique codes");
    assert_eq!(gap_free(&cl.db, &codes).await, 40);
    // both instances took submissions (round robin), and each file is read through each
    for run in [&cl.a, &cl.b] {
        let lines: Vec<String> = run.stdout.try_iter().collect();
        assert!(
            lines.iter().any(|l| l.contains("/api/v1/dossiers") && l.contains("POST")),
            "{} took no submission",
            run.base
        );
    }
    all_there_with_files(&token, &codes[..6], &[&a, &b]).await;

    // a session made on one is a session on the other
    let citizen = Client::new(&b);
    citizen.login("demo.citizen", PASSWORD).await;
    let mine = citizen.at(&a).get("/ho-so-cua-toi").await;
    assert_eq!(mine.status, 200, "signed in on B, served by A");
    assert!(mine.text.contains(&codes[0]));
    assert_eq!(Client::new(&b).with_bearer(&token).get("/api/v1/dossiers").await.status, 200);

    // a catalog change made through one is served by the other within 5 s
    let admin = Client::new(&a);
    admin.login("demo.admin", PASSWORD).await;
    let csrf = admin.get("/quan-tri/thu-tuc/moi").await.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("is_new", "1"),
        ("code", "1.099002"),
        ("name_vi", "Cấp phép biểu diễn nghệ thuật"),
        ("name_en", "Performance permit"),
        ("field", "khoa-hoc-cong-nghe"),
        ("online_level", "full"),
        ("time_amount", "5"),
        ("time_unit", "working_days"),
        ("level_province", "on"),
        ("agency_H72.11", "on"),
        ("doc0_name_vi", "Đơn đề nghị"),
        ("doc0_name_en", "Application"),
        ("doc0_originals", "1"),
        ("doc0_copies", "0"),
        ("doc0_mandatory", "on"),
        ("step0_name_vi", "Tiếp nhận và giải quyết"),
        ("step0_name_en", "Receipt and decision"),
        ("step0_role", "receiver"),
        ("step0_agency", ""),
        ("step0_share", "100"),
    ];
    assert_eq!(Client::new(&b).get("/api/v1/procedures/1.099002").await.status, 404);
    let r = admin.post_form("/quan-tri/thu-tuc/luu", &form).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let saved = Instant::now();
    loop {
        if Client::new(&b).get("/api/v1/procedures/1.099002").await.status == 200 {
            break;
        }
        assert!(saved.elapsed() < Duration::from_secs(5), "B does not serve A's catalog change after 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // each message mailed once, though both instances deliver the outbox
    let deadline = Instant::now() + Duration::from_secs(60);
    while smtp.received().len() < codes.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got = smtp.received();
    let subjects: Vec<&str> = got.iter().filter_map(|m| m["subject"].as_str()).collect();
    assert_eq!(subjects.len(), codes.len(), "one message per submission: {subjects:#?}");
    for code in &codes {
        assert_eq!(subjects.iter().filter(|s| s.contains(code.as_str())).count(), 1, "{code} mailed once");
    }
    drop(cl.lb);
    for run in [cl.a, cl.b] {
        assert!(run.term().0.success());
    }
    for d in &cl.dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    dispose_database(&cl.db);
}

/// kill -9 of an instance mid-stream: the balancer moves to the other, every
/// acknowledged dossier is there with its objects, and the jobs the killed
/// instance ran are taken over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_mid_stream_loses_nothing_and_its_jobs_are_taken_over() {
    let cl = cluster(&[]).await;
    let store = egov_store::Store::connect(&cl.db).await.unwrap();
    // the quality keeper runs on one instance, which holds its lease
    let deadline = Instant::now() + Duration::from_secs(30);
    let holder = loop {
        if let Some((h, _)) = store.lease_holder("quality").await.unwrap() {
            break h;
        }
        assert!(Instant::now() < deadline, "no instance took the quality keeper's lease");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let names = [cl.a.instance.clone(), cl.b.instance.clone()];
    assert!(names.contains(&holder), "{holder} is one of {names:?}");
    // and keeps it while it lives: the other does not run it meanwhile
    for _ in 0..20 {
        assert_eq!(store.lease_holder("quality").await.unwrap().unwrap().0, holder, "one runner at a time");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (victim, survivor) = if cl.a.instance == holder { (cl.a, cl.b) } else { (cl.b, cl.a) };

    let token = token_for(&survivor.base, "demo.citizen", PASSWORD).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (loops, acked, failed) = submit_loops(&cl.lb.base, &token, 8, 10_000, stop.clone());
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 40 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut victim = victim;
    let child = &mut victim.child;
    assert!(Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap().success());
    let _ = child.wait();
    let at_kill = acked.lock().unwrap().len();
    // the balancer sends what follows to the survivor
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.lock().unwrap().len() < at_kill + 40 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for l in loops {
        l.await.unwrap();
    }
    let codes = acked.lock().unwrap().clone();
    assert!(codes.len() >= at_kill + 40, "the survivor took the stream: {} after {at_kill}", codes.len());
    // only the requests in flight at the kill went unanswered
    let failed = failed.lock().unwrap().clone();
    assert!(failed.len() <= 8, "{failed:#?}");
    all_there_with_files(&token, &codes, &[&survivor.base]).await;
    assert!(gap_free(&cl.db, &codes).await >= codes.len());

    // the survivor takes the keeper over once the dead holder's lease ends
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        let (h, _) = store.lease_holder("quality").await.unwrap().unwrap();
        if h == survivor.instance {
            break;
        }
        assert!(Instant::now() < deadline, "the quality keeper was not taken over from {h}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    store.close().await;
    drop(cl.lb);
    assert!(survivor.term().0.success());
    for d in &cl.dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    dispose_database(&cl.db);
}

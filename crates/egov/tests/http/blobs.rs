//! Where attached files live (issue 16): moving them from a folder into a
//! bucket of a real object store (Garage, started by the test command), and
//! an object store that does not answer.

use std::time::Duration;

use crate::common::*;

const PASSWORD: &str = "blobs-password";

/// A fresh prefix of the suite's bucket; the test command starts Garage and
/// names it in EGOV_TEST_S3_URL, without which this fails.
fn fresh_bucket_prefix() -> String {
    let url = std::env::var("EGOV_TEST_S3_URL")
        .expect("EGOV_TEST_S3_URL names the suite's Garage bucket: run scripts/test.sh, which starts it");
    let (bucket, query) = url.split_once('?').unwrap_or((&url, ""));
    format!("{}/migrated-{}?{query}", bucket.trim_end_matches('/'), random_name())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_migrate_moves_every_file_into_a_bucket_and_the_platform_serves_them_from_there() {
    let data = std::env::temp_dir().join(format!("egov-migrate-{}", random_name()));
    let folder = data.join("files").display().to_string();
    let db = server_database().await;
    // a platform that keeps its files in a folder, with a few dossiers
    let run = start(&data, db.as_deref(), &["--demo", "--demo-password", PASSWORD, "--blob-store", &folder]);
    let token = token_for(&run.base, "demo.citizen", PASSWORD).await;
    let citizen = Client::new(&run.base).with_bearer(&token);
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(submit_online(&citizen).await);
    }
    assert!(run.term().0.success());

    let bucket = fresh_bucket_prefix();
    let migrate = |to: &str| egov(&["blobs", "migrate", "--blob-store", &folder, "--to", to], &data, db.as_deref());
    let out = migrate(&bucket);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.starts_with("copied 6 files") && said.contains("every digest checked"), "{said}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("files: 6 of 6 (100 %)"), "progress is shown");
    // again: nothing breaks (a migration cut short is run again)
    assert!(migrate(&bucket).status.success());
    // nowhere to go: refused, clearly
    let out = migrate(&folder);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("already where the files are"));
    let dead = format!("s3://egov?endpoint=http://127.0.0.1:{}&region=garage", free_port());
    let out = migrate(&dead);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("does not answer"));

    // the folder gone, the platform serves every file from the bucket
    std::fs::remove_dir_all(data.join("files")).unwrap();
    let run = start(&data, db.as_deref(), &["--blob-store", &bucket]);
    let citizen = Client::new(&run.base).with_bearer(&token);
    for code in &codes {
        let files = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["files"].clone();
        let files = files.as_array().expect("files");
        assert_eq!(files.len(), 2);
        for f in files {
            let bytes = citizen.get_bytes(&format!("/api/v1/dossiers/{code}/files/{}", f["id"])).await;
            assert_eq!(bytes, PDF, "{code} from the bucket");
        }
    }
    // and new submissions go there too
    let code = submit_online(&citizen).await;
    let id = citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["files"][0]["id"].clone();
    assert_eq!(citizen.get_bytes(&format!("/api/v1/dossiers/{code}/files/{id}")).await, PDF);
    assert!(!data.join("files").exists(), "nothing written to the old folder");
    assert!(run.term().0.success());
    clean_up(&data, db.as_deref());
}

/// An object store that does not answer: the submission is refused with 503
/// and a time to come back, within seconds, and nothing is recorded;
/// `/readyz` tells the load balancer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_while_the_object_store_is_down_is_refused_and_records_nothing() {
    let dead = format!("s3://egov/x?endpoint=http://127.0.0.1:{}&region=garage", free_port());
    let mut settings = egov_web::Settings { local_citizen_accounts: true, ..Default::default() };
    settings.app.blobs = egov_store::BlobSpec::parse(&dead).unwrap();
    let app = spawn_with(settings).await;
    let citizen = app.client().with_bearer(&app.token("demo.citizen").await.1);
    let (dossiers, audit) = (app.count("dossiers").await, app.count("audit_log").await);
    let started = std::time::Instant::now();
    let r = citizen.post_multipart("/api/v1/dossiers", marriage_submission()).await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert!(started.elapsed() < Duration::from_secs(20), "said within seconds, not minutes");
    assert_eq!(r.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("30"));
    assert!(r.json()["title"].as_str().unwrap().contains("Kho lưu tệp"), "{}", r.text);
    assert_eq!(app.count("dossiers").await, dossiers, "no dossier recorded");
    assert_eq!(app.count("audit_log").await, audit, "nothing audited");
    let ready = app.client().get("/readyz").await;
    assert_eq!((ready.status, ready.text.as_str()), (503, "file storage unwritable"));
}

/// Several instances may sweep at once (the lease makes it rare, a crashed
/// holder's successor may overlap): three sweeps together remove the orphans
/// and nothing a dossier names, on the suite's store (a folder, or Garage on
/// PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweeps_running_at_once_remove_the_orphans_and_nothing_else() {
    let data = std::env::temp_dir().join(format!("egov-sweeps-{}", random_name()));
    let db = server_database().await;
    let run = start(&data, db.as_deref(), &["--demo", "--demo-password", PASSWORD]);
    let token = token_for(&run.base, "demo.citizen", PASSWORD).await;
    let citizen = Client::new(&run.base).with_bearer(&token);
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(submit_online(&citizen).await);
    }
    assert!(run.term().0.success());
    let blobs = egov_store::BlobStore::open(&server_blobs(&data).0).unwrap();
    for i in 0..20u8 {
        let key = format!("{}{}", format!("{i:02x}").repeat(32), "ee".repeat(16));
        blobs.put_at(&key, b"%PDF-1.4 never named".to_vec()).await.unwrap();
    }
    assert_eq!(count_blobs(&blobs).await, 8 + 20);
    let sweeps: Vec<_> = (0..3)
        .map(|_| {
            let (data, db) = (data.clone(), db.clone());
            std::thread::spawn(move || egov(&["blobs", "sweep", "--min-age-secs", "0"], &data, db.as_deref()))
        })
        .collect();
    for s in sweeps {
        let out = s.join().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(count_blobs(&blobs).await, 8, "the orphans are gone, the named files stay");
    let run = start(&data, db.as_deref(), &[]);
    let citizen = Client::new(&run.base).with_bearer(&token);
    for code in &codes {
        for f in citizen.get(&format!("/api/v1/dossiers/{code}")).await.json()["files"].as_array().unwrap() {
            assert_eq!(citizen.get_bytes(&format!("/api/v1/dossiers/{code}/files/{}", f["id"])).await, PDF);
        }
    }
    assert!(run.term().0.success());
    clean_up(&data, db.as_deref());
}

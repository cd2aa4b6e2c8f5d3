//! Issue 18 end to end: a real `egov-agent` enrolled against a real
//! `egov serve`, scanning a folder through a real clamd; its detection in
//! the console; reports made while the server is down kept on disk and
//! delivered once it is back; the agent revoked.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use egov_clamd::testing::{TestClamd, EICAR};

use crate::common::server::{clean_up, server_database, start, token_for};
use crate::common::*;

const PASSWORD: &str = "agent-test-password";

/// The agent binary, built beside `egov` by `cargo test --workspace`.
fn agent_bin() -> PathBuf {
    let p = Path::new(env!("CARGO_BIN_EXE_egov")).with_file_name("egov-agent");
    assert!(p.exists(), "{} is missing: run the workspace's tests (scripts/test.sh), which build it", p.display());
    p
}

struct Agent(Child);

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for a condition, up to 45 s; in vain, says what the agent logged.
async fn until<F: std::future::Future<Output = bool>>(what: &str, log: &Path, mut f: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(45);
    while !f().await {
        assert!(
            Instant::now() < deadline,
            "waited in vain for {what}; the agent said:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn detections(base: &str, token: &str) -> serde_json::Value {
    Client::new(base).with_bearer(token).get("/api/v1/protection/detections").await.json()
}

#[tokio::test]
async fn a_real_agent_reports_what_clamd_finds_and_keeps_reporting_across_a_server_restart() {
    let clamd = TestClamd::start().await;
    let data = std::env::temp_dir().join(format!("egov-agent-srv-{}", random_name()));
    let db = server_database().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let args = ["--demo", "--demo-password", PASSWORD, "--listen", listen.as_str()];
    let server = start(&data, db.as_deref(), &args);
    let base = server.base.clone();
    let admin = token_for(&base, "demo.admin", PASSWORD).await;
    let api = Client::new(&base).with_bearer(&admin);
    let m =
        serde_json::json!({"agency_id": "H72.11", "name": "SRV-MOT-CUA", "kind": "server", "added_on": "2026-01-05"});
    let id = api.post_json("/api/v1/protection/machines", &m.to_string()).await.json()["id"].as_i64().unwrap();
    let token = api.post_json(&format!("/api/v1/protection/machines/{id}/enrolment"), r#"{"hours": 1}"#).await.json()
        ["token"]
        .as_str()
        .unwrap()
        .to_string();

    // enrolment: the key kept in a file only its owner reads; the token used once
    let dir = std::env::temp_dir().join(format!("egov-agent-{}", random_name()));
    let enrol = |token: &str| {
        Command::new(agent_bin())
            .args(["--dir", dir.to_str().unwrap(), "enrol", "--server", &base, "--token", token])
            .output()
            .unwrap()
    };
    let out = enrol(&token);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("credentials.json")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!enrol(&token).status.success(), "a token is used once");

    // a folder with the EICAR test file, scanned every ~2 s, heartbeats each second
    let home = dir.with_extension("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("eicar.com"), EICAR).unwrap();
    std::fs::write(home.join("letter.txt"), "nothing here").unwrap();
    let quarantine = dir.with_extension("quarantine");
    let log = dir.with_extension("log");
    let _agent = Agent(
        Command::new(agent_bin())
            .args(["--dir", dir.to_str().unwrap(), "run", "--clamd", &clamd.address().to_string()])
            .args(["--scan", home.to_str().unwrap(), "--scan-seconds", "2", "--heartbeat-seconds", "1"])
            .args(["--quarantine", quarantine.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
            .spawn()
            .unwrap(),
    );
    until("the detection in the console", &log, || async { detections(&base, &admin).await["total"] == 1 }).await;
    let d = detections(&base, &admin).await;
    let first = &d["detections"][0];
    assert_eq!(
        (first["machine"].as_str(), first["signature"].as_str()),
        (Some("SRV-MOT-CUA"), Some("Egov.Test.EICAR.UNOFFICIAL"))
    );
    assert_eq!(first["action"], "quarantined");
    assert_eq!(first["sha256"], "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
    assert!(!home.join("eicar.com").exists());
    let machine =
        |c: serde_json::Value| c["machines"].as_array().unwrap().iter().find(|m| m["id"] == id).cloned().unwrap();
    until("the machine's heartbeat", &log, || async {
        let m = machine(api.get("/api/v1/protection/machines").await.json());
        m["state"] == "active"
            && m["engine"] == "1.4.6"
            && m["last_good_scan"].is_string()
            && m["host_name"].is_string()
    })
    .await;
    // the page shows it too
    let page = Client::new(&base);
    page.login("demo.admin", PASSWORD).await;
    assert!(page.get("/quan-tri/an-toan-thong-tin").await.text.contains("Egov.Test.EICAR.UNOFFICIAL"));

    // the server stops; a new infected file is found and kept on disk
    let (status, _) = server.term();
    assert!(status.success());
    std::fs::write(home.join("second.com"), EICAR).unwrap();
    let queue = dir.join("queue");
    let queued = || std::fs::read_dir(&queue).map(|d| d.flatten().count()).unwrap_or(0);
    until("the report queued while the server is down", &log, || async { queued() == 1 }).await;
    // back on the same address: the agent delivers it
    let server = start(&data, db.as_deref(), &args);
    until("the queued report delivered", &log, || async { detections(&base, &admin).await["total"] == 2 }).await;
    until("the queue emptied", &log, || async { queued() == 0 }).await;

    // revoked: refused at once, with the key it holds
    let admin = token_for(&base, "demo.admin", PASSWORD).await;
    let api = Client::new(&base).with_bearer(&admin);
    assert_eq!(api.delete(&format!("/api/v1/protection/machines/{id}/agent")).await.status, 204);
    let creds: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("credentials.json")).unwrap()).unwrap();
    let r = Client::new(&base)
        .post_json_with(
            "/api/v1/agent/heartbeat",
            r#"{"host_name":"x","os":"x","agent_version":"x"}"#,
            &[("X-Agent-Key", creds["key"].as_str().unwrap())],
        )
        .await;
    assert_eq!(r.status, 401);
    server.term();
    clean_up(&data, db.as_deref());
    for d in [&dir, &home, &quarantine] {
        let _ = std::fs::remove_dir_all(d);
    }
    let _ = std::fs::remove_file(&log);
}

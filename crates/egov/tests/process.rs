//! The binary as an operator runs it: zero-setup start, demo loaded once,
//! structured logs with request ids, clean exit on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Running {
    child: std::process::Child,
    base: String,
    stdout: std::sync::mpsc::Receiver<String>,
}

fn start(data: &std::path::Path, db_url: Option<&str>, extra: &[&str]) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_egov"));
    cmd.args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("EGOV_DATA", data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(u) = db_url {
        cmd.env("EGOV_DATABASE_URL", u);
    }
    let mut child = cmd.spawn().expect("spawn egov");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no start: {seen:?}"));
        if let Some(addr) = line.strip_prefix("egov listening on ") {
            return Running { child, base: addr.to_string(), stdout: rx };
        }
        seen.push(line);
    }
}

impl Running {
    fn lines(&self) -> Vec<String> {
        self.stdout.try_iter().collect()
    }
    fn term(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                std::thread::sleep(Duration::from_millis(100));
                return (st, self.lines());
            }
            assert!(Instant::now() < deadline, "egov did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_starts_logs_and_stops_cleanly_and_demo_loads_once() {
    let data = std::env::temp_dir().join(format!("egov-proc-{}", random_name()));
    let db_url = match backend().as_str() {
        "postgres" => Some(fresh_database().await),
        _ => None,
    };
    let run = start(&data, db_url.as_deref(), &["--demo", "--demo-password", "first-password"]);
    let http = reqwest::Client::new();
    let r = http.get(format!("{}/healthz", run.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let r = http
        .post(format!("{}/api/v1/auth/token", run.base))
        .json(&serde_json::json!({"username": "demo.admin", "password": "first-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, lines) = run.term();
    assert!(status.success(), "exit status {status}");
    // structured logs: JSON lines, the request's id on its line
    let served: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|j| j["fields"]["message"] == "served")
        .collect();
    assert!(served.iter().any(|j| j["span"]["id"].to_string() == id && j["span"]["path"] == "/healthz"), "{lines:?}");
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
    let _ = std::fs::remove_dir_all(&data);
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

//! `egov` as an operator runs it: `serve` processes started and stopped,
//! and its other commands, against a data folder, a database and a blob store.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::*;

/// An `egov serve` process.
pub struct Running {
    pub child: std::process::Child,
    pub base: String,
    /// Its name among instances (`job_leases.holder`).
    pub instance: String,
    pub stdout: std::sync::mpsc::Receiver<String>,
}

// The child is handed to `Running`, whose `term` waits for it (and whose
// drop kills it, should a test fail before).
#[allow(clippy::zombie_processes)]
pub fn start(data: &std::path::Path, db_url: Option<&str>, extra: &[&str]) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_egov"));
    cmd.args(["serve", "--local-citizen-accounts"]).args(extra);
    // a port of its own unless the test names one (a restart on the same address)
    if !extra.contains(&"--listen") {
        cmd.args(["--listen", "127.0.0.1:0"]);
    }
    // the demo year only where a test asks for it: the others count their own dossiers
    if !extra.contains(&"--demo-year-dossiers") {
        cmd.args(["--demo-year-dossiers", "0"]);
    }
    // no pause for a load balancer unless a test measures the draining
    if !extra.contains(&"--drain-seconds") {
        cmd.args(["--drain-seconds", "0"]);
    }
    // what it says on standard error (a failed start) kept beside its data
    let errors = data.with_extension("stderr");
    let stderr = std::fs::File::create(&errors).map(Stdio::from).unwrap_or_else(|_| Stdio::null());
    cmd.env("EGOV_DATA", data).envs(server_blobs(data).1).stdout(Stdio::piped()).stderr(stderr);
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
    let (mut seen, mut instance) = (Vec::new(), String::new());
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no start: {seen:?} {}", std::fs::read_to_string(&errors).unwrap_or_default()));
        if let Some(name) = line.strip_prefix("egov instance ") {
            instance = name.split_whitespace().next().unwrap_or_default().to_string();
        }
        if let Some(addr) = line.strip_prefix("egov listening on ") {
            let _ = std::fs::remove_file(&errors);
            return Running { child, base: addr.to_string(), instance, stdout: rx };
        }
        seen.push(line);
    }
}

/// A test that fails before `term` leaves no server running behind it.
impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Running {
    pub fn term(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                // every line the process wrote: the reader ends at its end of file
                return (st, self.stdout.iter().collect());
            }
            assert!(Instant::now() < deadline, "egov did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The database a server started by `start` uses: none of its own on SQLite
/// (DATA/egov.db), a fresh one on PostgreSQL.
pub async fn server_database() -> Option<String> {
    match backend().as_str() {
        "postgres" => Some(fresh_database().await),
        _ => None,
    }
}

/// A bearer token for a demo account of a server started by `start`.
pub async fn token_for(base: &str, user: &str, password: &str) -> String {
    let j: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON");
    j["token"].as_str().expect("a token").to_string()
}

/// Removes a server's data folder and its PostgreSQL database.
pub fn clean_up(data: &std::path::Path, db_url: Option<&str>) {
    let _ = std::fs::remove_dir_all(data);
    if let Some(url) = db_url {
        dispose_database(url);
    }
}

/// Runs `egov ARGS` against a data folder and database; its output.
pub fn egov(args: &[&str], data: &std::path::Path, db_url: Option<&str>) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(args)
        .env("EGOV_DATA", data)
        .envs(server_blobs(data).1)
        .envs(db_url.iter().map(|u| ("EGOV_DATABASE_URL", *u)))
        .output()
        .expect("egov")
}

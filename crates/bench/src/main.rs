//! `egov-bench`: reproducible figures for BENCHMARKS.md.
//!
//! `egov-bench search [--procedures 6000] [--seconds 10] [--connections 16]`
//! generates a national-scale synthetic catalog, measures the search function
//! itself in this process, then starts the real `egov` server (a separate
//! process, release build beside this one) on a fresh SQLite database, loads
//! the catalog through the API, and drives the search endpoint and `/healthz`
//! from this process over loopback, one after the other in the same run.

mod agents;
mod catalog_gen;
mod gateway;
mod instances;
mod load;
mod news;
mod nginx;
mod probes;
mod radio;
mod scan;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use egov_catalog::search::{Index, Query};

struct Args {
    procedures: usize,
    seconds: u64,
    connections: usize,
    seed: u64,
    /// `gateway`: only the answer sizes up to this many bytes (to profile one).
    max_size: u64,
    /// `gateway`: only the answer sizes from this many bytes.
    min_size: u64,
    /// `gateway`: rounds of every target, interleaved (the machine's noise
    /// falls on all of them alike); each round --seconds long.
    rounds: u64,
    /// `agents`: how many simulated agents.
    agents: usize,
    /// `scan`: random body signatures clamd holds besides EICAR's.
    signatures: usize,
    /// `probes`: how many targets, and their interval in seconds.
    targets: usize,
    interval: u64,
    /// `news`: how many published articles.
    articles: usize,
    /// `gateway`: requests per second in all, sent on a schedule (open
    /// loop, latency from each request's planned time); 0 = closed loop.
    rate: u64,
}

fn parse_args() -> Result<(String, Args), String> {
    let mut it = std::env::args().skip(1);
    let cmd =
        it.next().ok_or("usage: egov-bench COMMAND [--procedures N] [--seconds S] [--connections C] [--seed S] [--min-size BYTES] [--max-size BYTES] [--rounds R] [--agents N] [--signatures N] [--targets N] [--interval S] [--articles N] [--rate R]")?;
    let mut a = Args {
        procedures: 6000,
        seconds: 10,
        connections: 16,
        seed: 1,
        max_size: u64::MAX,
        min_size: 0,
        rounds: 1,
        agents: 5000,
        signatures: 100_000,
        targets: 3000,
        interval: 60,
        articles: 1000,
        rate: 0,
    };
    while let Some(flag) = it.next() {
        let v = it.next().ok_or(format!("{flag} needs a value"))?;
        let n: u64 = v.parse().map_err(|_| format!("{flag}: '{v}' is not a number"))?;
        match flag.as_str() {
            "--procedures" => a.procedures = n as usize,
            "--seconds" => a.seconds = n,
            "--connections" => a.connections = n as usize,
            "--seed" => a.seed = n,
            "--max-size" => a.max_size = n,
            "--min-size" => a.min_size = n,
            "--rounds" => a.rounds = n.max(1),
            "--agents" | "--devices" => a.agents = n as usize,
            "--signatures" => a.signatures = n as usize,
            "--targets" => a.targets = n as usize,
            "--interval" => a.interval = n.max(10),
            "--articles" => a.articles = n.max(1) as usize,
            "--rate" => a.rate = n,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok((cmd, a))
}

pub const QUERIES: [&str; 12] = [
    "dang ky ket hon",
    "đăng ký kết hôn",
    "giay phep xay dung",
    "cap lai chung chi hanh nghe",
    "ho kinh doanh",
    "thu hoi",
    "DANG KI KHAI SINH",
    "xác nhận",
    "gia han giay phep",
    "dat dai to chuc",
    "9.0001",
    "cong nhan",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

struct Server {
    child: Child,
    base: String,
    dir: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Removed when the whole run is over: deleting thousands of files
        // slows the file creation of the next measurement (ext4 skips
        // recently freed inodes), so no measurement follows a deletion.
        if let Ok(mut dirs) = LEFT_BEHIND.lock() {
            dirs.push(self.dir.clone());
        }
    }
}

static LEFT_BEHIND: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes the servers' data folders, unless EGOV_BENCH_KEEP is set (for
/// back-to-back runs, which would otherwise follow a mass deletion).
fn clean_up() {
    let dirs = LEFT_BEHIND.lock().map(|d| d.clone()).unwrap_or_default();
    for d in dirs {
        if std::env::var_os("EGOV_BENCH_KEEP").is_some() {
            eprintln!("data kept in {}", d.display());
        } else {
            let _ = std::fs::remove_dir_all(&d);
        }
    }
}

fn egov_exe() -> Result<std::path::PathBuf, String> {
    // another build of egov to measure (an older commit's, side by side)
    if let Some(p) = std::env::var_os("EGOV_BENCH_EGOV") {
        return Ok(p.into());
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let p = me.with_file_name("egov");
    if p.exists() {
        Ok(p)
    } else {
        Err(format!("{} not found: build it first (cargo build --release -p egov)", p.display()))
    }
}

async fn start_server() -> Result<Server, String> {
    start_server_with(None).await
}

async fn start_server_with(database_url: Option<&str>) -> Result<Server, String> {
    start_server_full(database_url, &[]).await
}

/// A server on `database_url` (SQLite in its data folder if none), with
/// `extra` arguments.
async fn start_server_full(database_url: Option<&str>, extra: &[String]) -> Result<Server, String> {
    let exe = egov_exe()?;
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let dir = std::env::temp_dir().join(format!("egov-bench-{port}"));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cmd = Command::new(&exe);
    // the lookup's throttle would answer the load generator 429: wide open here
    cmd.args(["serve", "--demo", "--demo-password", "bench-password", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--lookup-limit", "4000000000"])
        // the demo citizen signs in with a password here, as in the tests; no demo year
        .args(["--local-citizen-accounts", "--demo-year-dossiers", "0"])
        .arg("--data")
        .arg(&dir);
    if let Some(u) = database_url {
        cmd.arg("--database-url").arg(u);
    }
    cmd.args(extra);
    let child = cmd.env("EGOV_LOG", "warn").stdout(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let server = Server { child, base: format!("http://127.0.0.1:{port}"), dir };
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("{}/healthz", server.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the server did not start".into())
}

async fn search(a: Args) -> Result<(), String> {
    println!("# catalog search, {} procedures, seed {}", a.procedures, a.seed);
    let doc = catalog_gen::generate(a.procedures, a.seed);

    // 1. The search function itself.
    let t = Instant::now();
    let index = Index::build(doc.procedures.iter().enumerate().map(|(i, p)| (p, (i % 97) as i64)));
    println!("index build: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let mut lat = Vec::new();
    let mut total_hits = 0usize;
    for round in 0..200 {
        for q in QUERIES {
            let query = Query { text: q.into(), limit: 20, ..Default::default() };
            let t = Instant::now();
            let (n, hits) = index.search(&query);
            let d = t.elapsed();
            if round > 0 {
                lat.push(d);
            }
            total_hits += n + hits.len();
        }
    }
    lat.sort();
    for q in QUERIES {
        let query = Query { text: q.into(), limit: 20, ..Default::default() };
        let mut l: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(index.search(&query));
                t.elapsed()
            })
            .collect();
        l.sort();
        println!("  {q:<28} {:>5} matches, p50 {}", index.search(&query).0, us(percentile(&l, 0.5)));
    }
    println!(
        "search function: {} calls, p50 {}, p99 {}, max {} (checksum {total_hits})",
        lat.len(),
        us(percentile(&lat, 0.5)),
        us(percentile(&lat, 0.99)),
        us(*lat.last().unwrap_or(&Duration::ZERO))
    );

    // 2. The HTTP endpoint under load, beside /healthz in the same run.
    let server = start_server().await?;
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/api/v1/auth/token", server.base))
        .json(&serde_json::json!({"username": "demo.admin", "password": "bench-password"}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let token = token["token"].as_str().ok_or("no token")?.to_string();
    let r = http
        .put(format!("{}/api/v1/catalog", server.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&doc).map_err(|e| e.to_string())?)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("catalog import failed: {}", r.text().await.unwrap_or_default()));
    }
    let check: serde_json::Value = http
        .get(format!("{}/api/v1/procedures?q=dang+ky+ket+hon&limit=1", server.base))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    println!("server holds {} matches for 'dang ky ket hon'", check["total"]);

    let dur = Duration::from_secs(a.seconds);
    let urls: Vec<String> =
        QUERIES.iter().map(|q| format!("{}/api/v1/procedures?q={}", server.base, q.replace(' ', "%20"))).collect();
    let _warm = load::run(&urls, a.connections, Duration::from_secs(1)).await;
    let s = load::run(&urls, a.connections, dur).await;
    let h = load::run(&[format!("{}/healthz", server.base)], a.connections, dur).await;
    println!("load: {} connections, {} s each, loopback, same machine as the server", a.connections, a.seconds);
    for (name, r) in [("GET /api/v1/procedures?q=…", &s), ("GET /healthz", &h)] {
        println!("{name}: {:.0} req/s, p50 {}, p99 {}, errors {}", r.rps(), us(r.p(0.5)), us(r.p(0.99)), r.errors);
    }
    println!(
        "ratio search/healthz: throughput {:.2}, p99 {:.2}",
        s.rps() / h.rps(),
        s.p(0.99).as_secs_f64() / h.p(0.99).as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let r = match parse_args() {
        Ok((cmd, a)) if cmd == "search" => search(a).await,
        Ok((cmd, a)) if cmd == "dossiers" => dossiers(a).await,
        Ok((cmd, a)) if cmd == "worklists" => worklists(a).await,
        Ok((cmd, a)) if cmd == "instances" => instances::instances(a).await,
        Ok((cmd, a)) if cmd == "gateway" => gateway::gateway(a).await,
        Ok((cmd, a)) if cmd == "agents" => agents::agents(a).await,
        Ok((cmd, a)) if cmd == "scan" => scan::scan(a).await,
        Ok((cmd, a)) if cmd == "probes" => probes::probes(a).await,
        Ok((cmd, a)) if cmd == "radio" => radio::radio(a).await,
        Ok((cmd, a)) if cmd == "news" => news::news(a).await,
        Ok((cmd, _)) => Err(format!("unknown benchmark {cmd}")),
        Err(e) => Err(e),
    };
    clean_up();
    match r {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A GET's JSON answer, with a bearer token.
async fn get_json(url: &str, token: &str) -> Result<serde_json::Value, String> {
    let r = reqwest::Client::new().get(url).bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    r.json().await.map_err(|e| e.to_string())
}

/// A POST of JSON (with a bearer token, if any) and its JSON answer.
async fn post_json(
    http: &reqwest::Client,
    url: String,
    bearer: Option<&str>,
    body: &serde_json::Value,
) -> Result<serde_json::Value, String> {
    let mut r = http.post(url).json(body);
    if let Some(t) = bearer {
        r = r.bearer_auth(t);
    }
    r.send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())
}

async fn token(server: &Server, user: &str) -> Result<String, String> {
    let body = serde_json::json!({"username": user, "password": "bench-password"});
    let j = post_json(&reqwest::Client::new(), format!("{}/api/v1/auth/token", server.base), None, &body).await?;
    j["token"].as_str().map(String::from).ok_or_else(|| format!("no token: {j}"))
}

/// A busy agency's worklists: a server filled with online submissions for
/// `seconds` (all waiting at one agency's desk), then the receiving
/// officer's worklist read a page at a time — the first page, a page deep
/// in the list, a search — against /healthz in the same run.
async fn worklists(a: Args) -> Result<(), String> {
    let server = start_server().await?;
    let dur = Duration::from_secs(a.seconds);
    let citizen = token(&server, "demo.citizen").await?;
    let body = serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": marriage_form()}).to_string();
    let filled =
        load::run_with(&[format!("{}/api/v1/dossiers", server.base)], a.connections, dur, Some((citizen, body))).await;
    let receiver = token(&server, "demo.receiver").await?;
    let first = get_json(&format!("{}/api/v1/dossiers?list=to_receive&per_page=50", server.base), &receiver).await?;
    let total = first["total"].as_u64().unwrap_or(0);
    println!(
        "filled: {} submissions in {} s; {total} waiting to be received at H72.50.01",
        filled.latencies.len(),
        a.seconds
    );
    let deep = (total / 50 / 2).max(1);
    for (what, path) in [
        ("first page", "/api/v1/dossiers?list=to_receive&per_page=50&page=1".to_string()),
        ("a middle page", format!("/api/v1/dossiers?list=to_receive&per_page=50&page={deep}")),
        ("a search by name", "/api/v1/dossiers?list=agency&per_page=50&q=van%20dan".to_string()),
    ] {
        let s = load::run_as(&[format!("{}{path}", server.base)], a.connections, dur, &receiver).await;
        println!(
            "GET {path} ({what}): {:.0} req/s, p50 {}, p99 {}, errors {}",
            s.rps(),
            us(s.p(0.5)),
            us(s.p(0.99)),
            s.errors
        );
    }
    let h = load::run(&[format!("{}/healthz", server.base)], a.connections, dur).await;
    println!("GET /healthz (the baseline): {:.0} req/s, p50 {}, p99 {}", h.rps(), us(h.p(0.5)), us(h.p(0.99)));
    Ok(())
}

/// The demo marriage registration's whole form: the requester, then the
/// couple (with EGOV_BENCH_SHORT_FORM set, the requester alone, as builds
/// before issue 15 asked it).
fn marriage_form() -> serde_json::Value {
    let mut form = serde_json::json!({"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Phường Tân Ninh"});
    if std::env::var_os("EGOV_BENCH_SHORT_FORM").is_some() {
        return form;
    }
    for (k, v) in egov::demo::MARRIAGE_COUPLE {
        form[k] = serde_json::Value::String(v.into());
    }
    form
}

/// Durable online submissions (each answered after its commit), then the
/// public status lookup against /healthz, on SQLite and, when
/// EGOV_BENCH_POSTGRES_URL is set, on PostgreSQL.
async fn dossiers(a: Args) -> Result<(), String> {
    let mut targets: Vec<(String, Option<String>)> = vec![("SQLite".into(), None)];
    if let Ok(u) = std::env::var("EGOV_BENCH_POSTGRES_URL") {
        targets.push(("PostgreSQL".into(), Some(u)));
    }
    let dur = Duration::from_secs(a.seconds);
    for (name, url) in targets {
        let server = start_server_with(url.as_deref()).await?;
        let citizen = token(&server, "demo.citizen").await?;
        let body =
            serde_json::json!({"procedure": "1.000894", "agency": "H72.50.01", "form": marriage_form()}).to_string();
        let urls = vec![format!("{}/api/v1/dossiers", server.base)];
        let s = load::run_with(&urls, a.connections, dur, Some((citizen.clone(), body))).await;
        println!(
            "{name}: POST /api/v1/dossiers, {} connections, {} s: {:.0} submissions/s, p50 {}, p99 {}, errors {}",
            a.connections,
            a.seconds,
            s.rps(),
            us(s.p(0.5)),
            us(s.p(0.99)),
            s.errors
        );
        // the lookup of one of them, against /healthz, in the same run
        let list = get_json(&format!("{}/api/v1/dossiers", server.base), &citizen).await?;
        let codes: Vec<String> = list["items"]
            .as_array()
            .map(|v| v.iter().take(50).filter_map(|i| i["code"].as_str().map(String::from)).collect())
            .unwrap_or_default();
        let status_urls: Vec<String> =
            codes.iter().map(|c| format!("{}/api/v1/dossiers/{c}/status", server.base)).collect();
        let st = load::run(&status_urls, a.connections, dur).await;
        let h = load::run(&[format!("{}/healthz", server.base)], a.connections, dur).await;
        println!(
            "{name}: GET /api/v1/dossiers/{{code}}/status: {:.0} req/s, p50 {}, p99 {}, errors {}",
            st.rps(),
            us(st.p(0.5)),
            us(st.p(0.99)),
            st.errors
        );
        println!("{name}: GET /healthz: {:.0} req/s, p50 {}, p99 {}", h.rps(), us(h.p(0.5)), us(h.p(0.99)));
        println!(
            "{name}: ratio status/healthz: throughput {:.2}, p99 {:.2}",
            st.rps() / h.rps(),
            st.p(0.99).as_secs_f64() / h.p(0.99).as_secs_f64()
        );
    }
    Ok(())
}

//! `egov-bench gateway`: the same small upstream (in this process) called
//! (a) directly, (b) through Debian's nginx as a reverse proxy, (c) through
//! the egov gateway with a service in metadata mode, (d) with a service in
//! full mode; answers of 1 KB, 100 KB and 10 MB, one after the other in one
//! run. Needs nginx (`apt-get install nginx`).

use std::process::Command;
use std::time::Duration;

use crate::nginx::Nginx;
use crate::{load, start_server_full, us, Args, Server};

/// The upstream: `GET /bytes/{n}` answers n bytes (prepared once).
async fn upstream() -> Result<String, String> {
    let sizes = [1024usize, 100 * 1024, 10 * 1024 * 1024];
    let bodies: std::collections::HashMap<usize, bytes::Bytes> =
        sizes.iter().map(|&n| (n, bytes::Bytes::from(vec![b'x'; n]))).collect();
    let bodies = std::sync::Arc::new(bodies);
    let app = axum::Router::new().route(
        "/bytes/{n}",
        axum::routing::get(move |axum::extract::Path(n): axum::extract::Path<usize>| {
            let bodies = bodies.clone();
            async move { bodies.get(&n).cloned().unwrap_or_default() }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("127.0.0.1:{}", addr.port()))
}

/// nginx as a plain reverse proxy in front of `upstream`, with keep-alive
/// to it (as the gateway's client keeps its connections).
async fn nginx(upstream: &str) -> Result<Nginx, String> {
    Nginx::start(|port, d| {
        format!(
            "proxy_temp_path {d}/proxy;\n\
             upstream up {{ server {upstream}; keepalive 64; }}\n\
             server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://up;\n\
             proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n      proxy_buffering off;\n    }}\n  }}\n"
        )
    })
    .await
}

/// `egov ARGS` against a benchmark server's data folder; its output.
fn cli(server: &Server, args: &[&str]) -> Result<String, String> {
    let out = Command::new(crate::egov_exe()?)
        .args(args)
        .arg("--data")
        .arg(&server.dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("egov {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The registry of the benchmark: the upstream's two services (metadata
/// and full logging), one client granted both; its key.
fn registry(server: &Server, up: &str) -> Result<String, String> {
    cli(server, &["gateway", "add-subsystem", "VN-TN/GOV/H72.11/up", "--name", "upstream"])?;
    cli(server, &["gateway", "add-subsystem", "VN-TN/GOV/H72.12/client", "--name", "client"])?;
    for (code, mode) in [("meta", "metadata"), ("full", "full")] {
        let upstream = format!("http://{up}");
        cli(
            server,
            &[
                "gateway",
                "put-service",
                "--subsystem",
                "VN-TN/GOV/H72.11/up",
                "--code",
                code,
                "--upstream",
                &upstream,
                "--logging",
                mode,
            ],
        )?;
        cli(server, &["gateway", "grant", &format!("VN-TN/GOV/H72.11/up/{code}"), "--to", "VN-TN/GOV/H72.12/client"])?;
    }
    let key = cli(server, &["gateway", "issue-key", "VN-TN/GOV/H72.12/client"])?;
    Ok(key.split_whitespace().nth(1).ok_or("no key")?.to_string())
}

pub async fn gateway(a: Args) -> Result<(), String> {
    let up = upstream().await?;
    let nginx = nginx(&up).await?;
    // the client's limit wide open (the load generator is one client);
    // the default (`process`: answered once journaled) and `disk` (answered
    // once the database committed it to disk), side by side
    let server = start_server_full(None, &["--gateway-calls-per-minute".into(), "4000000000".into()]).await?;
    let disk = start_server_full(
        None,
        &["--gateway-calls-per-minute".into(), "4000000000".into(), "--gateway-log-durability".into(), "disk".into()],
    )
    .await?;
    let key = registry(&server, &up)?;
    let disk_key = registry(&disk, &up)?;
    let headers = |key: &str| {
        vec![
            ("X-Road-Client".to_string(), "VN-TN/GOV/H72.12/client".to_string()),
            ("X-Road-Api-Key".to_string(), key.to_string()),
        ]
    };
    // the registry reaches the server within its refresh period
    tokio::time::sleep(Duration::from_secs(3)).await;
    let dur = Duration::from_secs(a.seconds);
    for (size, label, connections) in
        [(1024usize, "1 KB", a.connections), (102_400, "100 KB", a.connections), (10 * 1024 * 1024, "10 MB", 4)]
            .into_iter()
            .filter(|(size, _, _)| (a.min_size..=a.max_size).contains(&(*size as u64)))
    {
        let targets = [
            ("(a) direct", format!("http://{up}/bytes/{size}"), vec![]),
            ("(b) nginx", format!("http://127.0.0.1:{}/bytes/{size}", nginx.port), vec![]),
            (
                "(c) gateway, metadata",
                format!("{}/r1/VN-TN/GOV/H72.11/up/meta/bytes/{size}", server.base),
                headers(&key),
            ),
            ("(d) gateway, full", format!("{}/r1/VN-TN/GOV/H72.11/up/full/bytes/{size}", server.base), headers(&key)),
            (
                "(e) gateway, metadata, disk",
                format!("{}/r1/VN-TN/GOV/H72.11/up/meta/bytes/{size}", disk.base),
                headers(&disk_key),
            ),
        ];
        let mut rounds: Vec<Vec<load::Result>> = Vec::new();
        for _ in 0..a.rounds {
            let mut round = Vec::new();
            for (_, url, h) in &targets {
                let url = std::slice::from_ref(url);
                round.push(if a.rate > 0 {
                    load::run_rate(url, connections, dur, a.rate, h).await
                } else {
                    load::run_headers(url, connections, dur, h).await
                });
            }
            rounds.push(round);
        }
        let mut results: Vec<load::Result> = Vec::new();
        for round in rounds {
            results = if results.is_empty() {
                round
            } else {
                results.into_iter().zip(round).map(|(a, b)| a.merge(b)).collect()
            };
        }
        for ((name, _, _), r) in targets.iter().zip(&results) {
            println!(
                "{label} {name}: {:.0} req/s{}, p50 {}, p90 {}, p99 {}, p99.9 {}, errors {} ({connections} connections, {} × {} s)",
                r.rps(),
                if a.rate > 0 { format!(" (scheduled {})", a.rate) } else { String::new() },
                us(r.p(0.5)),
                us(r.p(0.9)),
                us(r.p(0.99)),
                us(r.p(0.999)),
                r.errors,
                a.rounds,
                a.seconds
            );
        }
        let ratio = |i: usize| results[i].rps() / results[1].rps();
        let added = |i: usize| (results[i].p(0.99).as_secs_f64() - results[0].p(0.99).as_secs_f64()) * 1e3;
        println!(
            "{label}: throughput ÷ nginx: (c) {:.2}, (d) {:.2}, (e) {:.2}; p99 added over direct: (c) {:.2} ms, (d) {:.2} ms, (e) {:.2} ms, nginx {:.2} ms",
            ratio(2),
            ratio(3),
            ratio(4),
            added(2),
            added(3),
            added(4),
            added(1)
        );
    }
    let log = cli(&server, &["gateway", "log", "--from-seq", "1", "--limit", "1"])?;
    println!("the message log holds the exchanges (first: {} bytes of JSON)", log.len());
    drop(server);
    drop(disk);
    Ok(())
}

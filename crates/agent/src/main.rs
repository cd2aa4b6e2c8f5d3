//! `egov-agent`: the anti-malware agent an administrator installs on a
//! server or workstation (issue 18). `enrol` exchanges a one-time token
//! for the machine's key, kept in a file only its owner reads; `run` sends
//! a heartbeat every minute (host, OS, addresses, clamd's engine and
//! signatures, the last scan), scans the configured folders through clamd
//! on a schedule, and reports each detection — queued on disk until the
//! server takes it, across restarts. No database; HTTPS to the server.

mod client;
mod host;
mod scan;
mod store;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "egov-agent", version, about = "egov's anti-malware agent: heartbeats, scans through clamd, reports")]
struct Cli {
    /// The agent's folder: its key, its scan state, its queue of reports.
    #[arg(long, env = "EGOV_AGENT_DIR", default_value = "/var/lib/egov-agent", global = true)]
    dir: PathBuf,
    /// A CA certificate (PEM) to trust for the server, besides the system's.
    #[arg(long, env = "EGOV_AGENT_CA", global = true)]
    ca: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Exchanges a one-time enrolment token for this machine's key.
    Enrol {
        /// The egov server, `https://…` (plain `http://` to this machine only).
        #[arg(long)]
        server: String,
        #[arg(long, env = "EGOV_AGENT_TOKEN")]
        token: String,
    },
    /// Heartbeats, scans on schedule and reports, until stopped.
    Run {
        /// clamd: `unix:/run/clamav/clamd.ctl` or `tcp://host:3310`.
        #[arg(long, env = "EGOV_AGENT_CLAMD", default_value = "unix:/run/clamav/clamd.ctl")]
        clamd: String,
        /// A folder to scan (repeat for several).
        #[arg(long = "scan", env = "EGOV_AGENT_SCAN", value_delimiter = ',')]
        scan: Vec<PathBuf>,
        /// Seconds between scans (the first at start; a day by default).
        #[arg(long, env = "EGOV_AGENT_SCAN_SECONDS", default_value_t = 86_400, value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
        scan_seconds: u64,
        /// Seconds between heartbeats.
        #[arg(long, env = "EGOV_AGENT_HEARTBEAT_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
        heartbeat_seconds: u64,
        /// Move infected files here (none: report them only).
        #[arg(long, env = "EGOV_AGENT_QUARANTINE")]
        quarantine: Option<PathBuf>,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match go(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("egov-agent: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn go(cli: Cli) -> Result<(), String> {
    let store = store::Store::open(&cli.dir).map_err(|e| e.to_string())?;
    let client = client::Client::new(cli.ca.as_deref()).map_err(|e| e.to_string())?;
    match cli.command {
        Command::Enrol { server, token } => {
            let c = client.enrol(&server, &token).await.map_err(|e| e.to_string())?;
            store.save_credentials(&c).map_err(|e| e.to_string())?;
            println!(
                "enrolled: machine {} at {}; key kept in {}",
                c.machine_id,
                c.server,
                cli.dir.join("credentials.json").display()
            );
            Ok(())
        }
        Command::Run { clamd, scan, scan_seconds, heartbeat_seconds, quarantine } => {
            let creds = store.credentials().map_err(|e| e.to_string())?;
            let clamd = egov_clamd::Clamd::new(clamd.parse().map_err(|e: egov_clamd::ClamdError| e.to_string())?);
            run(
                store,
                client,
                creds,
                clamd,
                scan,
                Duration::from_secs(scan_seconds),
                Duration::from_secs(heartbeat_seconds),
                quarantine,
            )
            .await;
            Ok(())
        }
    }
}

/// Sends what is queued; says (once per kind of failure) what went wrong.
async fn flush(store: &store::Store, client: &client::Client, creds: &store::Credentials) {
    let pending = match store.pending() {
        Ok(p) if p.is_empty() => return,
        Ok(p) => p,
        Err(e) => return tracing::error!(error = %e, "the queue cannot be read"),
    };
    match client.report(creds, &pending, scan::now()).await {
        Ok(taken) => {
            tracing::info!(reports = taken.len(), "detections reported");
            if let Err(e) = store.taken(&taken) {
                tracing::error!(error = %e, "reports sent could not be forgotten (they will be sent again, and kept once)");
            }
        }
        Err(e) => tracing::warn!(error = %e, queued = pending.len(), "detections kept for later"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn run(
    store: store::Store,
    client: client::Client,
    creds: store::Credentials,
    clamd: egov_clamd::Clamd,
    roots: Vec<PathBuf>,
    every_scan: Duration,
    every_beat: Duration,
    quarantine: Option<PathBuf>,
) {
    let store = std::sync::Arc::new(store);
    let mut beat = tokio::time::interval(every_beat);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut scans = tokio::time::interval(every_scan);
    scans.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut scanning: Option<tokio::task::JoinHandle<scan::Outcome>> = None;
    let facts = host::facts(&creds.server);
    let stop = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {},
        }
    };
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => {
                tracing::info!("stopping");
                return;
            }
            _ = beat.tick() => {
                let version = match clamd.version().await {
                    Ok(v) => Some(v),
                    Err(e) => {
                        tracing::warn!(error = %e, "clamd does not answer");
                        None
                    }
                };
                let state = store.scan_state().unwrap_or_default();
                match client.heartbeat(&creds, &facts, version, &state, scan::now()).await {
                    Ok(()) => flush(&store, &client, &creds).await,
                    Err(e) => tracing::warn!(error = %e, "heartbeat not taken"),
                }
            }
            _ = scans.tick(), if scanning.is_none() && !roots.is_empty() => {
                let (store, clamd, roots, q) = (store.clone(), clamd.clone(), roots.clone(), quarantine.clone());
                scanning = Some(tokio::spawn(async move { scan::run(&store, &clamd, &roots, q.as_deref()).await }));
            }
            done = async { scanning.as_mut().expect("guarded").await }, if scanning.is_some() => {
                scanning = None;
                match done {
                    Ok(o) => tracing::info!(files = o.files, infected = o.infected, skipped = o.skipped, failed = ?o.failed, "scan done"),
                    Err(e) => tracing::error!(error = %e, "the scan stopped"),
                }
                flush(&store, &client, &creds).await;
                beat.reset_immediately();
            }
        }
    }
}

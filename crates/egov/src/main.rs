//! `egov`: the provincial e-government platform in one binary. This file only
//! wires the crates together: parse the command line, open the store, run.

use egov::demo;

/// mimalloc: the gateway allocates per message (headers, digests, log
/// records); glibc's allocator was a tenth of its time (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod admin;
mod backup;
mod blobs;
mod gateway_cmd;
mod serve;
use admin::{admin_cmd, AdminCmd};
use serve::{serve, ServeArgs};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use egov_identity::random_secret;
use egov_store::Store;

#[derive(Parser)]
#[command(name = "egov", version, about = "Provincial e-government platform")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Db {
    /// Folder for the embedded database and files.
    #[arg(long, env = "EGOV_DATA", default_value = "./data", global = true)]
    data: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; default SQLite at DATA/egov.db.
    #[arg(long, env = "EGOV_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Where attached files are kept: a folder, or an S3-compatible bucket
    /// (`s3://BUCKET[/PREFIX]?endpoint=URL&region=NAME`, keys in
    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); default DATA/files.
    #[arg(long, env = "EGOV_BLOB_STORE", global = true, value_parser = egov_store::BlobSpec::parse)]
    blob_store: Option<egov_store::BlobSpec>,
}

impl Db {
    async fn open(&self) -> Result<Store, String> {
        let url = match &self.database_url {
            Some(u) => u.clone(),
            None => {
                std::fs::create_dir_all(&self.data)
                    .map_err(|e| format!("cannot create {}: {e}", self.data.display()))?;
                format!("sqlite://{}", self.data.join("egov.db").display())
            }
        };
        let store = Store::connect(&url).await.map_err(|e| e.to_string())?;
        store.migrate(&egov_web::modules::migrations()).await.map_err(|e| format!("migration failed: {e}"))?;
        Ok(store)
    }

    /// Where attached files are kept.
    fn blob_spec(&self) -> egov_store::BlobSpec {
        self.blob_store.clone().unwrap_or_else(|| egov_store::BlobSpec::Folder(self.data.join("files")))
    }

    fn blobs(&self) -> Result<egov_store::BlobStore, String> {
        egov_store::BlobStore::open(&self.blob_spec()).map_err(|e| e.to_string())
    }
}

/// The audit chain's anchors: the instance's signing key and the file they go to.
#[derive(clap::Args, Clone)]
struct AnchorArgs {
    /// The instance's Ed25519 key (made at first use); default DATA/audit-anchor.key.
    #[arg(long, env = "EGOV_AUDIT_ANCHOR_KEY")]
    audit_anchor_key: Option<PathBuf>,
    /// The append-only file of anchors; default DATA/audit-anchors.log.
    #[arg(long, env = "EGOV_AUDIT_ANCHOR_FILE")]
    audit_anchor_file: Option<PathBuf>,
}

impl AnchorArgs {
    fn key_path(&self, db: &Db) -> PathBuf {
        self.audit_anchor_key.clone().unwrap_or_else(|| db.data.join("audit-anchor.key"))
    }
    fn file_path(&self, db: &Db) -> PathBuf {
        self.audit_anchor_file.clone().unwrap_or_else(|| db.data.join("audit-anchors.log"))
    }
}

/// E-mail notifications (off unless an SMTP server is given).
#[derive(clap::Args)]
struct MailArgs {
    /// Send notifications by e-mail through this SMTP server: `smtp://host:port`
    /// (plain, a relay on the local network), `smtp://user:password@host:587?tls=required`
    /// (STARTTLS) or `smtps://host:465`.
    #[arg(long, env = "EGOV_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of notifications.
    #[arg(long, env = "EGOV_MAIL_FROM", default_value = "egov <no-reply@localhost>")]
    mail_from: String,
    /// Attempts before a message is marked failed (waits double from one minute, up to two hours).
    #[arg(long, env = "EGOV_MAIL_MAX_ATTEMPTS", default_value_t = 10)]
    mail_max_attempts: u32,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve(Box<ServeArgs>),
    /// Import data.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// The procedure catalog as JSON.
    Catalog {
        #[command(subcommand)]
        what: CatalogCmd,
    },
    /// Accounts and tokens.
    Admin {
        #[command(subcommand)]
        what: AdminCmd,
    },
    /// The audit chain.
    Audit {
        #[command(subcommand)]
        what: AuditCmd,
    },
    /// Generate a synthetic year of dossiers (for the quality index's figures at scale).
    BenchData {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        dossiers: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The year the dossiers are received in (up to today).
        #[arg(long, default_value_t = 2026)]
        year: i32,
        /// Load the demo data first if the database has none.
        #[arg(long)]
        demo: bool,
        /// The end of the generated history (YYYY-MM-DDTHH:MM, Vietnam's
        /// time): dossiers open then stay open. Now by default.
        #[arg(long)]
        now: Option<String>,
        /// Machines in the inventory, with a day of coverage each day (the IT plan's figure).
        #[arg(long, default_value_t = 0)]
        machines: u64,
        /// Probes of the data network, two a connection point, with their outages.
        #[arg(long, default_value_t = 0)]
        probes: u64,
        /// Commune radio stations.
        #[arg(long, default_value_t = 0)]
        stations: u64,
    },
    /// The service-quality index's kept sums.
    Quality {
        #[command(subcommand)]
        what: QualityCmd,
    },
    /// The data-exchange gateway's registry and message log.
    Gateway {
        #[command(subcommand)]
        what: gateway_cmd::GatewayCmd,
    },
    /// Attached files: their store (a folder or an object store).
    #[command(alias = "files")]
    Blobs {
        #[command(subcommand)]
        what: blobs::BlobsCmd,
    },
    /// A consistent copy of the database and the files it names, taken while
    /// serving (SQLite's online copy, or pg_dump), into a new folder.
    Backup {
        #[command(flatten)]
        db: Db,
        /// The new folder the backup goes to.
        #[arg(long)]
        to: PathBuf,
    },
    /// Brings a backup back into an empty data folder (and, on PostgreSQL, an
    /// empty database), checking every file against its digest.
    Restore {
        #[command(flatten)]
        db: Db,
        /// The backup's folder.
        #[arg(long)]
        from: PathBuf,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// The working-day calendar.
    Calendar {
        #[command(subcommand)]
        what: CalendarCmd,
    },
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// The lunar date of YYYY-MM-DD, printed D/M/YYYY (with " leap" in a leap month).
    Lunar { date: String },
    /// The solar date (YYYY-MM-DD) of lunar D/M/YYYY.
    Solar {
        date: String,
        /// The date is in the leap month.
        #[arg(long)]
        leap: bool,
    },
    /// The days off of YEAR that fall on weekdays: YYYY-MM-DD<TAB>name.
    Holidays {
        year: i32,
        #[command(flatten)]
        db: Db,
    },
    /// The due time YYYY-MM-DD HH:MM of a dossier received at --from.
    Due {
        /// The receipt time, "YYYY-MM-DD HH:MM".
        #[arg(long)]
        from: String,
        #[arg(long, conflicts_with = "hours", required_unless_present = "hours")]
        days: Option<u32>,
        #[arg(long)]
        hours: Option<u32>,
        #[command(flatten)]
        db: Db,
    },
    /// Import announced schedules (CSV year,date,kind,name_vi,name_en or JSON), all or nothing.
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Agencies from CSV (columns: id,name_vi,name_en,kind,parent_id,unit_code,effective_from,effective_to).
    Agencies {
        file: PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// Administrative units from CSV (columns: code,name,level,parent_code,effective_from,effective_to,succeeded_by).
    Units {
        file: PathBuf,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum CatalogCmd {
    /// Import a catalog document (all or nothing).
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// Print the catalog document.
    Export {
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Verify the chain; exit 0 when intact, 1 naming the first bad entry.
    /// With --anchor, also check it against the anchors written outside the
    /// database: a cut or rewritten tail is caught there.
    Verify {
        #[command(flatten)]
        db: Db,
        /// A file of anchors (`serve` writes DATA/audit-anchors.log).
        #[arg(long)]
        anchor: Option<PathBuf>,
        /// The public key (hex) the anchors must be signed with; default: that of the
        /// instance's key file (--audit-anchor-key, DATA/audit-anchor.key).
        #[arg(long)]
        public_key: Option<String>,
        #[arg(long, env = "EGOV_AUDIT_ANCHOR_KEY")]
        audit_anchor_key: Option<PathBuf>,
    },
    /// Write one anchor of the chain's head now (to the file; and over TCP if given).
    Anchor {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        anchor: AnchorArgs,
        #[arg(long, env = "EGOV_AUDIT_ANCHOR_TCP")]
        audit_anchor_tcp: Option<String>,
    },
    /// Print the public key of the instance's anchor key (for verifiers).
    PublicKey {
        #[command(flatten)]
        db: Db,
        #[arg(long, env = "EGOV_AUDIT_ANCHOR_KEY")]
        audit_anchor_key: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum QualityCmd {
    /// Count a period's index both ways, from the kept sums and from every
    /// dossier's history, and say whether they agree (and how long each took).
    Check {
        #[command(flatten)]
        db: Db,
        /// First day (YYYY-MM-DD), included.
        #[arg(long)]
        from: String,
        /// Last day, included.
        #[arg(long)]
        to: String,
        /// Only time the kept sums (counting from scratch reads every
        /// dossier of the period into memory).
        #[arg(long)]
        no_scratch: bool,
    },
    /// Recompute the kept sums from the dossiers' histories (the index stays
    /// right meanwhile: dossiers not yet summed are counted from their
    /// histories).
    Rebuild {
        #[command(flatten)]
        db: Db,
        /// Dossiers a transaction.
        #[arg(long, default_value_t = 2000)]
        batch: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGTERM or SIGINT. The handlers are installed when this is
/// called, not when it is first awaited: a signal that comes as soon as the
/// server says it listens is caught, never the default (a killed process).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok())
    };
    async move {
        #[cfg(unix)]
        match streams {
            (Some(mut term), Some(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {},
                    _ = int.recv() => {},
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: draining requests");
    }
}

async fn run(cmd: Command) -> Result<ExitCode, String> {
    match cmd {
        Command::Serve(args) => serve(*args).await,
        Command::Import { what } => import_cmd(what).await,
        Command::Catalog { what } => catalog_cmd(what).await,
        Command::Admin { what } => admin_cmd(what).await,
        Command::BenchData { db, dossiers, seed, year, demo, now, machines, probes, stations } => {
            let now = match now {
                Some(t) => chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M")
                    .map_err(|_| format!("--now: '{t}' is not YYYY-MM-DDTHH:MM"))?,
                None => egov_kernel::Clock::system().now(),
            };
            let store = db.open().await?;
            if demo {
                demo::load(&store, &random_secret().map_err(|e| e.to_string())?[..16]).await?;
            }
            let started = std::time::Instant::now();
            let n = egov::bench_data::generate(&store, dossiers, seed, year, now).await?;
            let secs = started.elapsed().as_secs_f64();
            println!("generated {n} dossiers in {secs:.1} s ({:.0} a second)", n as f64 / secs.max(1e-9));
            if machines + probes + stations > 0 {
                let started = std::time::Instant::now();
                let p = egov::bench_plan::Province { machines, probes, stations };
                let said = egov::bench_plan::generate(&store, p, seed, year, now).await?;
                println!("generated {said} in {:.1} s", started.elapsed().as_secs_f64());
            }
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Quality { what } => quality_cmd(what).await,
        Command::Blobs { what } => blobs::blobs_cmd(what).await,
        Command::Gateway { what } => gateway_cmd::gateway_cmd(what).await,
        Command::Backup { db, to } => {
            let store = db.open().await?;
            let said = backup::backup(&store, &db.blobs()?, &db.data, db.database_url.as_deref(), &to).await;
            store.close().await;
            println!("{}", said?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { db, from } => {
            let said = backup::restore(&db.blobs()?, &db.data, db.database_url.as_deref(), &from).await?;
            // a backup of an older egov is brought up to this one's schema
            db.open().await?.close().await;
            println!("{said}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { what } => audit_cmd(what).await,
        Command::Calendar { what } => calendar(what).await,
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&egov_web::openapi_document()).map_err(|e| e.to_string())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Imports agencies or administrative units.
async fn import_cmd(what: ImportWhat) -> Result<ExitCode, String> {
    match what {
        ImportWhat::Agencies { file, db } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let store = db.open().await?;
            match egov_app::directory::import_agencies(&store, egov_app::Actor::Operator, &bytes)
                .await
                .map_err(app_error)?
            {
                Ok(rep) => {
                    println!("agencies: {} created, {} updated", rep.created, rep.updated);
                    Ok(ExitCode::SUCCESS)
                }
                Err(errs) => Ok(refused(&file, errs)),
            }
        }
        ImportWhat::Units { file, db } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let store = db.open().await?;
            match egov_app::directory::import_units(&store, egov_app::Actor::Operator, &bytes)
                .await
                .map_err(app_error)?
            {
                Ok(rep) => {
                    println!("units: {} created, {} updated", rep.created, rep.updated);
                    Ok(ExitCode::SUCCESS)
                }
                Err(errs) => Ok(refused(&file, errs)),
            }
        }
    }
}

/// Imports or exports the catalog.
async fn catalog_cmd(what: CatalogCmd) -> Result<ExitCode, String> {
    match what {
        CatalogCmd::Import { file, db } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let store = db.open().await?;
            match egov_app::catalog::import(&store, egov_app::Actor::Operator, &bytes).await.map_err(app_error)? {
                Ok(rep) => {
                    println!("procedures: {} created, {} updated", rep.created, rep.updated);
                    Ok(ExitCode::SUCCESS)
                }
                Err(errs) => Ok(refused(&file, errs.iter().map(|e| format!("{}: {}", e.path, egov_i18n_text(e.key))))),
            }
        }
        CatalogCmd::Export { db } => {
            let store = db.open().await?;
            let doc = egov_catalog::CatalogDocument {
                version: egov_catalog::CatalogDocument::VERSION,
                fields: store.fields().await.map_err(|e| e.to_string())?,
                procedures: store.procedures().await.map_err(|e| e.to_string())?.into_iter().map(|(p, _)| p).collect(),
            };
            println!("{}", serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Checks or rebuilds the quality index's kept sums.
async fn quality_cmd(what: QualityCmd) -> Result<ExitCode, String> {
    match what {
        QualityCmd::Check { db, from, to, no_scratch } => {
            let day = |s: &str| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("'{s}' is not YYYY-MM-DD"))
            };
            let (from, to) = (day(&from)?, day(&to)?);
            let store = db.open().await?;
            let now = egov_kernel::Clock::system().now();
            let scope = egov_store::QualityScope::new(from, to);
            // the kept sums three times (the first reads from disk), the best;
            // from scratch once (it reads every dossier)
            let mut took = [f64::MAX; 2];
            let mut views = Vec::new();
            let sources: &[egov_store::Source] = if no_scratch {
                &[egov_store::Source::Kept]
            } else {
                &[egov_store::Source::Kept, egov_store::Source::Scratch]
            };
            for (i, source) in sources.iter().copied().enumerate() {
                for _ in 0..(3 - 2 * i) {
                    let started = std::time::Instant::now();
                    let v = store.quality_view(&scope, now, source).await.map_err(|e| e.to_string())?;
                    took[i] = took[i].min(started.elapsed().as_secs_f64() * 1000.0);
                    if views.len() == i {
                        views.push(v);
                    }
                }
            }
            let counted: i64 = views[0].tallies.values().map(|t| t.counted).sum();
            if no_scratch {
                println!("{counted} dossiers: kept sums {:.1} ms (best of 3)", took[0]);
                store.close().await;
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{counted} dossiers: kept sums {:.1} ms (best of 3), from scratch {:.1} ms (× {:.0})",
                took[0],
                took[1],
                took[1] / took[0].max(1e-9)
            );
            store.close().await;
            if views[0] != views[1] {
                return Err("the kept sums differ from a count from scratch: run `egov quality rebuild`".into());
            }
            println!("the kept sums equal a count from scratch");
            Ok(ExitCode::SUCCESS)
        }
        QualityCmd::Rebuild { db, batch } => {
            let store = db.open().await?;
            let started = std::time::Instant::now();
            let n = store.rebuild_quality(batch).await.map_err(|e| e.to_string())?;
            println!("summed {n} dossiers again in {:.1} s", started.elapsed().as_secs_f64());
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Verifies, anchors, or shows the key of the audit chain.
async fn audit_cmd(what: AuditCmd) -> Result<ExitCode, String> {
    match what {
        AuditCmd::Verify { db, anchor, public_key, audit_anchor_key } => {
            let store = db.open().await?;
            match store.verify_audit().await.map_err(|e| e.to_string())? {
                Ok(n) => println!("audit chain intact: {n} entries"),
                Err(e) => {
                    eprintln!("audit chain BROKEN at entry {}: {e}", e.seq());
                    return Ok(ExitCode::FAILURE);
                }
            }
            let Some(file) = anchor else { return Ok(ExitCode::SUCCESS) };
            let key = match public_key {
                Some(k) => k,
                None => {
                    egov::anchor::public_key_of(&audit_anchor_key.unwrap_or_else(|| db.data.join("audit-anchor.key")))?
                }
            };
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            match egov::anchor::verify(&store, &text, &key).await? {
                Ok(n) => {
                    println!("the chain agrees with {n} anchors of {}", file.display());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("audit chain BROKEN against {}: {e}", file.display());
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        AuditCmd::Anchor { db, anchor, audit_anchor_tcp } => {
            let store = db.open().await?;
            let sink = egov::anchor::Sink {
                key: egov::anchor::load_or_create_key(&anchor.key_path(&db))?,
                file: Some(anchor.file_path(&db)),
                tcp: audit_anchor_tcp,
            };
            let seq = egov::anchor::anchor_now(&store, &sink).await?;
            println!("anchored entry {seq}");
            Ok(ExitCode::SUCCESS)
        }
        AuditCmd::PublicKey { db, audit_anchor_key } => {
            let path = audit_anchor_key.unwrap_or_else(|| db.data.join("audit-anchor.key"));
            println!("{}", egov::anchor::load_or_create_key(&path)?.public_hex());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A token's lifetime: `N` hours (`12h`) or days (`30d`), from one hour to 366 days.
fn parse_lifetime(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: u64 = n.parse().map_err(|_| format!("'{s}' is not a lifetime like 12h or 30d"))?;
    let hours = match unit {
        "h" => n,
        "d" => n.saturating_mul(24),
        _ => return Err(format!("'{s}' is not a lifetime like 12h or 30d")),
    };
    if !(1..=366 * 24).contains(&hours) {
        return Err("a token lives from 1 hour to 366 days".into());
    }
    Ok(std::time::Duration::from_secs(hours * 3600))
}

/// An application error as the command line says it (in English).
/// The instance's anchor key as the key that seals the gateway's log.
fn seal_key(path: &std::path::Path) -> Result<egov_app::gateway::SealKey, String> {
    let hex = egov::anchor::load_or_create_key(path)?.to_hex();
    let mut b = [0u8; 32];
    for (i, o) in b.iter_mut().enumerate() {
        *o = u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or("a short key")?, 16).map_err(|e| e.to_string())?;
    }
    Ok(egov_app::gateway::SealKey(b))
}

fn app_error(e: egov_app::AppError) -> String {
    match e {
        egov_app::AppError::Invalid(errs) => {
            errs.iter().map(|f| format!("{}: {}", f.field, egov_i18n_text(f.key))).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

/// Prints every error of a refused import and the exit code that says so.
fn refused<E: std::fmt::Display>(file: &std::path::Path, errs: impl IntoIterator<Item = E>) -> ExitCode {
    for e in errs {
        eprintln!("{}: {e}", file.display());
    }
    eprintln!("nothing was imported");
    ExitCode::from(2)
}

/// Messages for the command line are in English.
fn egov_i18n_text(key: &'static str) -> &'static str {
    egov_web::message(egov_web::Lang::En, key)
}

async fn calendar(cmd: CalendarCmd) -> Result<ExitCode, String> {
    use egov_calendar::{lunar, Span};
    match cmd {
        CalendarCmd::Lunar { date } => {
            let d = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .map_err(|_| format!("'{date}' is not a date YYYY-MM-DD"))?;
            println!("{}", lunar::to_lunar(d).map_err(|e| e.to_string())?);
        }
        CalendarCmd::Solar { date, leap } => {
            let l = egov_calendar::LunarDate::parse(&date, leap).map_err(|e| e.to_string())?;
            println!("{}", lunar::to_solar(l).map_err(|e| e.to_string())?.format("%Y-%m-%d"));
        }
        CalendarCmd::Holidays { year, db } => {
            if !(egov_calendar::FIRST_YEAR..=egov_calendar::LAST_YEAR).contains(&year) {
                return Err(format!("year {year} is outside 1900–2100"));
            }
            let cal = db.open().await?.calendar().await.map_err(|e| e.to_string())?;
            for d in cal.weekday_days_off(year) {
                println!("{}\t{}", d.date.format("%Y-%m-%d"), d.name_vi);
            }
        }
        CalendarCmd::Due { from, days, hours, db } => {
            let at = chrono::NaiveDateTime::parse_from_str(from.trim(), "%Y-%m-%d %H:%M")
                .map_err(|_| format!("'{from}' is not a time \"YYYY-MM-DD HH:MM\""))?;
            let span = match (days, hours) {
                (Some(d), _) => Span::WorkingDays(d),
                (None, Some(h)) => Span::WorkingHours(h),
                (None, None) => return Err("give --days or --hours".into()),
            };
            let cal = db.open().await?.calendar().await.map_err(|e| e.to_string())?;
            println!("{}", cal.due(at, span).map_err(|e| e.to_string())?.format("%Y-%m-%d %H:%M"));
        }
        CalendarCmd::Import { file, db } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let store = db.open().await?;
            match egov_app::calendar::import(&store, egov_app::Actor::Operator, &bytes).await.map_err(app_error)? {
                Ok(rep) => println!("announcements: {} created, {} updated", rep.created, rep.updated),
                Err(errs) => return Ok(refused(&file, errs)),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `egov gateway`: the data-exchange gateway's registry at the command line
//! (the operator is a system administrator): subsystems, services, groups,
//! access rights, API keys, and the message log.

use std::process::ExitCode;

use clap::Subcommand;
use egov_app::gateway as gw;
use egov_app::Actor;
use egov_gateway::{LogMode, SubsystemState};

use super::{app_error, Db};

#[derive(Subcommand)]
pub(crate) enum GatewayCmd {
    /// Register an information system (approved at once); prints its id.
    AddSubsystem {
        /// INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. VN-TN/GOV/H72.11/hotich.
        ident: String,
        #[arg(long)]
        name: String,
        /// The directory's agency it belongs to (its administrators manage it).
        #[arg(long)]
        agency: Option<String>,
        #[command(flatten)]
        db: Db,
    },
    /// Approve a requested subsystem, or disable one (--disable).
    Approve {
        ident: String,
        #[arg(long)]
        disable: bool,
        #[command(flatten)]
        db: Db,
    },
    /// Publish (or change) a service of a subsystem; prints its id.
    PutService {
        /// The provider subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM.
        #[arg(long)]
        subsystem: String,
        /// The service code (the last part of its identifier).
        #[arg(long)]
        code: String,
        /// Where its calls go: the upstream's base URL.
        #[arg(long)]
        upstream: String,
        #[arg(long, default_value_t = 30_000)]
        timeout_ms: i64,
        /// What the message log keeps: metadata or full.
        #[arg(long, default_value = "metadata")]
        logging: String,
        /// Its OpenAPI document (JSON or YAML), for getOpenAPI.
        #[arg(long)]
        openapi: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: Db,
    },
    /// Put a subsystem in a group (grants may name the group).
    Join {
        group: String,
        ident: String,
        #[command(flatten)]
        db: Db,
    },
    /// Grant access to a service (INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE):
    /// the whole service, or one method and path pattern; prints its id.
    Grant {
        service: String,
        /// A client subsystem…
        #[arg(long, conflicts_with = "group", required_unless_present = "group")]
        to: Option<String>,
        /// …or a group of them.
        #[arg(long)]
        group: Option<String>,
        /// `*` or an HTTP method (with --path).
        #[arg(long, requires = "path")]
        method: Option<String>,
        /// A path pattern: `/pets/*`, `/pets/**` (with --method).
        #[arg(long, requires = "method")]
        path: Option<String>,
        /// In force from (YYYY-MM-DDTHH:MM, Vietnam's time).
        #[arg(long)]
        from: Option<String>,
        /// In force until (exclusive).
        #[arg(long)]
        until: Option<String>,
        #[command(flatten)]
        db: Db,
    },
    /// Revoke a grant by its id.
    RevokeGrant {
        id: i64,
        #[command(flatten)]
        db: Db,
    },
    /// Issue an API key for a subsystem; prints `ID KEY` (the key is shown once).
    IssueKey {
        ident: String,
        #[command(flatten)]
        db: Db,
    },
    /// Register a TLS client certificate (PEM) that proves a subsystem on
    /// the gateway's TLS listener; prints its id (revoked like a key).
    AddCertificate {
        ident: String,
        certificate: std::path::PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// Revoke an API key or a certificate by its id.
    RevokeKey {
        id: i64,
        #[command(flatten)]
        db: Db,
    },
    /// Seal the message log's head now with the instance's key
    /// (DATA/audit-anchor.key, `egov audit public-key` prints its public half).
    Seal {
        #[arg(long, env = "EGOV_AUDIT_ANCHOR_KEY")]
        audit_anchor_key: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: Db,
    },
    /// The exchanges that began from --from to --to (Vietnam's dates), with
    /// the seals that cover them, as JSON lines for `egov gateway verify`.
    Archive {
        #[arg(long)]
        from: chrono::NaiveDate,
        #[arg(long)]
        to: chrono::NaiveDate,
        #[command(flatten)]
        db: Db,
    },
    /// Check an archive offline, with no database: every record's hash,
    /// their order without a gap, every seal's signature (by one of the
    /// --public-key given). Exit 0 sound; 1 naming the first fault.
    Verify {
        file: std::path::PathBuf,
        /// A gateway instance's public key (hex); repeatable.
        #[arg(long = "public-key")]
        public_keys: Vec<String>,
    },
    /// Put the gateway in maintenance (`on`: every call and its health check
    /// answer 503) or take it out (`off`).
    Maintenance {
        #[arg(value_parser = ["on", "off"])]
        state: String,
        #[command(flatten)]
        db: Db,
    },
    /// Publish egov's own services through the gateway, under the subsystem
    /// IDENT (registered if new): `dossier-status` (a dossier's public
    /// status: `…/dossier-status/{code}/status`) and `agencies` (the
    /// directory of agencies), reached at --base, this platform's address.
    PublishOwn {
        ident: String,
        #[arg(long)]
        base: String,
        #[command(flatten)]
        db: Db,
    },
    /// Each service's figures over the last --minutes: calls, failures,
    /// last success and failure, p50 and p99 durations (JSON lines).
    Stats {
        #[arg(long, default_value_t = 60)]
        minutes: u64,
        #[command(flatten)]
        db: Db,
    },
    /// The message log from a sequence number on, as JSON lines.
    Log {
        #[arg(long, default_value_t = 1)]
        from_seq: i64,
        #[arg(long, default_value_t = 1000)]
        limit: i64,
        #[command(flatten)]
        db: Db,
    },
}

async fn app(db: &Db) -> Result<egov_app::App, String> {
    let store = db.open().await?;
    egov_app::App::new(store, egov_app::Config { blobs: db.blob_spec(), ..Default::default() }).await.map_err(app_error)
}

/// Exchanges left in the journals of `serve` processes that ended (killed,
/// say) reach the log before it is read.
async fn replay(store: &egov_store::Store, db: &Db) -> Result<(), String> {
    let n = egov_store::gateway::journal::replay(store, &db.data).await.map_err(|e| e.to_string())?;
    if n > 0 {
        eprintln!("{n} exchanges replayed into the log from journals of stopped instances");
    }
    Ok(())
}

fn subsystem_id(app: &egov_app::App, ident: &str) -> Result<i64, String> {
    let reg = app.gateway.get();
    reg.subsystems().iter().find(|s| s.ident == ident).map(|s| s.id).ok_or(format!("no subsystem {ident}"))
}

fn instant(s: Option<&str>) -> Result<Option<i64>, String> {
    s.map(|s| {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .map(egov_kernel::vn::to_micros)
            .map_err(|_| format!("'{s}' is not YYYY-MM-DDTHH:MM"))
    })
    .transpose()
}

pub(crate) async fn gateway_cmd(what: GatewayCmd) -> Result<ExitCode, String> {
    const WHO: &str = "cli";
    let op = Actor::Operator;
    match what {
        GatewayCmd::AddSubsystem { ident, name, agency, db } => {
            let app = app(&db).await?;
            let id =
                gw::add_subsystem(&app, op, gw::NewSubsystem { ident, agency, name }, WHO).await.map_err(app_error)?;
            println!("{id}");
        }
        GatewayCmd::Approve { ident, disable, db } => {
            let app = app(&db).await?;
            let id = subsystem_id(&app, &ident)?;
            let state = if disable { SubsystemState::Disabled } else { SubsystemState::Approved };
            gw::set_subsystem_state(&app, op, id, state, WHO).await.map_err(app_error)?;
            println!("{ident}: {}", state.as_str());
        }
        GatewayCmd::PutService { subsystem, code, upstream, timeout_ms, logging, openapi, db } => {
            let openapi = match openapi {
                Some(f) => Some(std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?),
                None => None,
            };
            let app = app(&db).await?;
            let logging = match logging.as_str() {
                "metadata" => LogMode::Metadata,
                "full" => LogMode::Full,
                other => return Err(format!("--logging is metadata or full, not '{other}'")),
            };
            let s = egov_store::GwService {
                id: 0,
                subsystem_id: subsystem_id(&app, &subsystem)?,
                code,
                upstream,
                timeout_ms,
                logging,
                openapi,
            };
            println!("{}", gw::put_service(&app, op, s, WHO).await.map_err(app_error)?);
        }
        GatewayCmd::Join { group, ident, db } => {
            let app = app(&db).await?;
            let id = subsystem_id(&app, &ident)?;
            gw::join_group(&app, op, &group, id, WHO).await.map_err(app_error)?;
            println!("{ident} is in {group}");
        }
        GatewayCmd::Grant { service, to, group, method, path, from, until, db } => {
            let app = app(&db).await?;
            let sid = egov_gateway::ServiceId::parse(&service).map_err(|e| e.to_string())?;
            let reg = app.gateway.get();
            let service_id = reg.service(&sid).map(|r| r.id).ok_or(format!("no service {service}"))?;
            let grantee = match (to, group) {
                (Some(s), _) => egov_store::GwGrantee::Subsystem(s),
                (None, Some(g)) => egov_store::GwGrantee::Group(g),
                (None, None) => return Err("--to or --group".into()),
            };
            let g = egov_store::GwGrant {
                id: 0,
                service_id,
                grantee,
                method,
                path,
                valid_from: instant(from.as_deref())?,
                valid_until: instant(until.as_deref())?,
            };
            println!("{}", gw::grant(&app, op, g, WHO).await.map_err(app_error)?);
        }
        GatewayCmd::RevokeGrant { id, db } => {
            gw::revoke_grant(&app(&db).await?, op, id, WHO).await.map_err(app_error)?;
            println!("revoked grant {id}");
        }
        GatewayCmd::IssueKey { ident, db } => {
            let app = app(&db).await?;
            let (id, key) = gw::issue_key(&app, op, subsystem_id(&app, &ident)?, WHO).await.map_err(app_error)?;
            println!("{id} {key}");
        }
        GatewayCmd::AddCertificate { ident, certificate, db } => {
            let fingerprint = egov_web::certificate_fingerprint(&certificate)?;
            let app = app(&db).await?;
            let id = gw::add_certificate(&app, op, subsystem_id(&app, &ident)?, &fingerprint, WHO)
                .await
                .map_err(app_error)?;
            println!("{id} {fingerprint}");
        }
        GatewayCmd::RevokeKey { id, db } => {
            gw::revoke_key(&app(&db).await?, op, id, WHO).await.map_err(app_error)?;
            println!("revoked key {id}");
        }
        GatewayCmd::Seal { audit_anchor_key, db } => {
            let key = crate::seal_key(&audit_anchor_key.unwrap_or_else(|| db.data.join("audit-anchor.key")))?;
            let store = db.open().await?;
            replay(&store, &db).await?;
            let app = egov_app::App::new(store, egov_app::Config { seal_key: Some(key), ..Default::default() })
                .await
                .map_err(app_error)?;
            match gw::seal_now(&app).await.map_err(app_error)? {
                Some(seq) => println!("sealed the log at record {seq}"),
                None => println!("nothing new to seal"),
            }
        }
        GatewayCmd::Archive { from, to, db } => {
            if to < from {
                return Err("--to comes before --from".into());
            }
            let store = db.open().await?;
            replay(&store, &db).await?;
            print!("{}", gw::archive(&store, from, to).await.map_err(app_error)?);
        }
        GatewayCmd::Verify { file, public_keys } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            match egov_gateway::archive::verify(&text, &public_keys) {
                Ok(v) => {
                    println!("archive sound: {} records, {} seals by {}", v.records, v.seals, v.keys.join(", "));
                    if v.unsealed > 0 {
                        println!("the last {} records are after the last seal: no seal covers them yet", v.unsealed);
                    }
                }
                Err(e) => {
                    eprintln!("archive NOT sound: {e}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        GatewayCmd::PublishOwn { ident, base, db } => {
            for (service, upstream) in
                gw::publish_own(&app(&db).await?, op, &ident, &base, WHO).await.map_err(app_error)?
            {
                println!("{service} → {upstream}");
            }
        }
        GatewayCmd::Maintenance { state, db } => {
            gw::set_maintenance(&app(&db).await?, op, state == "on", WHO).await.map_err(app_error)?;
            println!("gateway maintenance {state}");
        }
        GatewayCmd::Stats { minutes, db } => {
            let store = db.open().await?;
            replay(&store, &db).await?;
            let window = std::time::Duration::from_secs(minutes * 60);
            for f in gw::figures(&store, window).await.map_err(app_error)? {
                println!("{}", serde_json::to_string(&f).map_err(|e| e.to_string())?);
            }
        }
        GatewayCmd::Log { from_seq, limit, db } => {
            let store = db.open().await?;
            replay(&store, &db).await?;
            for (seq, e, prev, hash) in store.exchanges(from_seq, limit).await.map_err(|e| e.to_string())? {
                let line = serde_json::json!({"seq": seq, "exchange": e, "prev_hash": prev, "hash": hash});
                println!("{line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

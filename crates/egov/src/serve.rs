//! `egov serve`: the web server with its jobs, the audit chain's anchors
//! and the gateway's federation listener, until a shutdown signal.

use std::process::ExitCode;

use egov::demo;
use egov_identity::random_secret;

use super::{seal_key, shutdown_signal, AnchorArgs, Db, MailArgs};

/// What `egov serve` takes.
#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    db: Db,
    #[arg(long, env = "EGOV_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Load the demo data (once; again changes nothing).
    #[arg(long, env = "EGOV_DEMO")]
    demo: bool,
    /// Password of the demo accounts (default: a random one, printed).
    #[arg(long, env = "EGOV_DEMO_PASSWORD")]
    demo_password: Option<String>,
    /// Dossiers of a realistic year (this one, up to yesterday) that `--demo`
    /// generates the first time, so that the worklists, the lookup and the
    /// quality dashboard have something true to show; 0 for none.
    #[arg(long, env = "EGOV_DEMO_YEAR_DOSSIERS", default_value_t = 2000)]
    demo_year_dossiers: u64,
    /// Send cookies without the Secure flag (plain-HTTP development only).
    #[arg(long, env = "EGOV_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// The public address printed in QR codes (default: the address a request came to).
    #[arg(long, env = "EGOV_PUBLIC_URL")]
    public_url: Option<String>,
    /// Load balancers whose `Forwarded` / `X-Forwarded-For` headers are
    /// believed (addresses or networks, comma-separated). Off by default.
    #[arg(long, env = "EGOV_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: String,
    /// Public dossier lookups (page and API) an address may make in 10 minutes.
    #[arg(long, env = "EGOV_LOOKUP_LIMIT", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    lookup_limit: u32,
    /// Registration attempts an address may make in an hour.
    #[arg(long, env = "EGOV_REGISTER_LIMIT", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    register_limit: u32,
    /// Connections one address may hold at once (trusted proxies excepted).
    #[arg(long, env = "EGOV_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 128)]
    max_connections_per_address: usize,
    /// Connections the server holds at once.
    #[arg(long, env = "EGOV_MAX_CONNECTIONS", default_value_t = 4096)]
    max_connections: usize,
    /// Identity providers people sign in through (a JSON file: a list of
    /// {name, label_vi, label_en, issuer, client_id, client_secret or
    /// private_key_file, scope, claims, officials_only}).
    #[arg(long, env = "EGOV_OIDC_PROVIDERS")]
    oidc_providers: Option<std::path::PathBuf>,
    /// Let citizens register and sign in with a password. Not lawful for
    /// Vietnamese online public services since 1 July 2024 (Decree
    /// 69/2024/NĐ-CP): for deployments elsewhere, and tests.
    #[arg(long, env = "EGOV_LOCAL_CITIZEN_ACCOUNTS")]
    local_citizen_accounts: bool,
    /// Lifetime of a token from `POST /api/v1/auth/token`, in hours.
    #[arg(long, env = "EGOV_TOKEN_TTL_HOURS", default_value_t = 8, value_parser = clap::value_parser!(i64).range(1..=720))]
    token_ttl_hours: i64,
    #[command(flatten)]
    mail: MailArgs,
    #[command(flatten)]
    anchor: AnchorArgs,
    /// Seconds between two anchors of the audit chain (written when it has grown).
    #[arg(long, env = "EGOV_AUDIT_ANCHOR_INTERVAL", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86400))]
    audit_anchor_interval: u64,
    /// Where to send each anchor as a line over TCP (a log collector), besides the file.
    #[arg(long, env = "EGOV_AUDIT_ANCHOR_TCP")]
    audit_anchor_tcp: Option<String>,
    /// Seconds between SIGTERM and closing the listener, while `/readyz`
    /// answers 503 and requests are still served: longer than the load
    /// balancer's health check takes to notice.
    #[arg(long, env = "EGOV_DRAIN_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=300))]
    drain_seconds: u64,
    /// With several instances: seconds a background job's lease outlasts its
    /// period, i.e. how soon another instance takes over a job whose holder
    /// died (default: another period and a minute).
    #[arg(long, env = "EGOV_JOB_LEASE_GRACE_SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    job_lease_grace_seconds: Option<u64>,
    /// Calls through the data-exchange gateway a client subsystem may make
    /// a minute, on each instance (then 429 with Retry-After).
    #[arg(long, env = "EGOV_GATEWAY_CALLS_PER_MINUTE", default_value_t = 6000, value_parser = clap::value_parser!(u32).range(1..))]
    gateway_calls_per_minute: u32,
    /// The secret the agencies' bank signs its transfer notifications with
    /// (`POST /api/v1/payments/bank/notices`, HMAC-SHA256 of the body in
    /// `X-Signature`); unset: that endpoint refuses every notification (403).
    #[arg(long, env = "EGOV_BANK_NOTICE_SECRET", hide_env_values = true)]
    bank_notice_secret: Option<String>,
    /// The redirect payment gateways (docs/payments.md): a JSON file with a
    /// gateway (or a list of them), each with its name, protocol, merchant
    /// terminal, secret, pay page, API, egov's public address for the
    /// return, and the agencies it collects for.
    #[arg(long, env = "EGOV_PAYMENT_GATEWAY")]
    payment_gateway: Option<std::path::PathBuf>,
    /// The gateway's federation (docs/gateway.md): a JSON file naming this
    /// instance, its TLS listener, certificate and key, the certificate
    /// authorities, and the peer instances' gateways and certificates.
    #[arg(long, env = "EGOV_GATEWAY_FEDERATION")]
    gateway_federation: Option<std::path::PathBuf>,
    /// The bytes of each body (request, answer) the gateway keeps for a
    /// service in full logging mode; the rest is digested only.
    #[arg(long, env = "EGOV_GATEWAY_LOG_BODY_LIMIT", default_value_t = 1024 * 1024, value_parser = clap::value_parser!(u64).range(0..=64 * 1024 * 1024))]
    gateway_log_body_limit: u64,
    /// When the gateway answers an exchange: `process` once it is written
    /// to the instance's journal (it survives the process being killed; the
    /// database's chain follows within milliseconds), `disk` once the
    /// database has committed it to disk (it survives a power cut too).
    #[arg(long, env = "EGOV_GATEWAY_LOG_DURABILITY", default_value = "process", value_parser = ["process", "disk"])]
    gateway_log_durability: String,
    /// Scan every upload for malware through clamd before accepting it:
    /// `unix:/run/clamav/clamd.ctl` or `tcp://host:3310`. An infected file is
    /// refused naming its signature; clamd unreachable refuses uploads (503).
    #[arg(long, env = "EGOV_CLAMD")]
    clamd: Option<String>,
    /// With `--clamd`: accept uploads unscanned while clamd is unreachable
    /// (logged), instead of refusing them.
    #[arg(long, env = "EGOV_CLAMD_FAIL_OPEN", requires = "clamd")]
    clamd_fail_open: bool,
    /// Enrolments of anti-malware agents allowed per address in 10 minutes.
    #[arg(long, env = "EGOV_AGENT_ENROLMENTS", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    agent_enrolments: u32,
    /// A file of PEM certificates the network's HTTPS probes trust besides
    /// the system's (the province network's private CA).
    #[arg(long, env = "EGOV_NETWORK_CA")]
    network_ca: Option<std::path::PathBuf>,
    /// The certificate reports are signed with inside their PDFs (PEM: the
    /// signer's, then its CA's), with `--sign-key`. Default: one egov makes
    /// at first start, self-signed, in DATA/report-signing.crt.
    #[arg(long, env = "EGOV_SIGN_CERT", requires = "sign_key")]
    sign_cert: Option<std::path::PathBuf>,
    /// The certificate's private key (PEM: PKCS #8 RSA or ECDSA P-256, or PKCS #1 RSA).
    #[arg(long, env = "EGOV_SIGN_KEY", requires = "sign_cert")]
    sign_key: Option<std::path::PathBuf>,
}

/// Runs the web server until a shutdown signal, then drains it.
pub(crate) async fn serve(args: ServeArgs) -> Result<ExitCode, String> {
    let ServeArgs {
        db,
        listen,
        demo,
        demo_password,
        demo_year_dossiers,
        insecure_cookies,
        public_url,
        trusted_proxies,
        token_ttl_hours,
        lookup_limit,
        register_limit,
        max_connections_per_address,
        max_connections,
        oidc_providers,
        local_citizen_accounts,
        mail,
        anchor,
        audit_anchor_interval,
        audit_anchor_tcp,
        drain_seconds,
        job_lease_grace_seconds,
        gateway_calls_per_minute,
        bank_notice_secret,
        payment_gateway,
        gateway_federation,
        gateway_log_body_limit,
        gateway_log_durability,
        clamd,
        clamd_fail_open,
        agent_enrolments,
        network_ca,
        sign_cert,
        sign_key,
    } = args;
    let signer = egov::signing::report_signer(sign_cert.as_deref(), sign_key.as_deref(), &db.data, chrono::Utc::now())?;
    let payment_gateways = match &payment_gateway {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let file: egov_app::payments::gateway::GatewayFile =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            file.into_list()
        }
        None => Vec::new(),
    };
    let network_roots = match &network_ca {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("--network-ca {}: {e}", path.display()))?;
            split_pem(&pem).map_err(|e| format!("--network-ca {}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    let scanner = match clamd {
        Some(a) => Some(egov_app::protection::scan::Scanner {
            clamd: egov_clamd::Clamd::new(a.parse().map_err(|e| format!("--clamd: {e}"))?),
            fail_open: clamd_fail_open,
        }),
        None => None,
    };
    let federation = match &gateway_federation {
        Some(path) => Some(std::sync::Arc::new(
            egov_web::Federation::load(path).map_err(|e| format!("--gateway-federation: {e}"))?,
        )),
        None => None,
    };
    let trusted_proxies =
        egov_web::TrustedProxies::parse(&trusted_proxies).map_err(|e| format!("--trusted-proxies: {e}"))?;
    tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("EGOV_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let store = db.open().await?;
    if demo {
        let (pw, shown) = match demo_password {
            Some(p) => (p, false),
            None => (random_secret().map_err(|e| e.to_string())?[..16].to_string(), true),
        };
        if demo::load(&store, &pw).await? {
            if shown {
                println!("demo data loaded; every demo account's password: {pw}");
            } else {
                println!("demo data loaded");
            }
            if demo_year_dossiers > 0 {
                // up to the end of yesterday: today's numbering is the live server's
                let today = egov_kernel::Clock::system().now().date();
                let until = today.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::seconds(1);
                let year = chrono::Datelike::year(&until);
                let started = std::time::Instant::now();
                print!("generating a demo year: {demo_year_dossiers} dossiers of {year}… ");
                let n = egov::bench_data::generate(&store, demo_year_dossiers, 2026, year, until).await?;
                println!("{n} in {:.1} s", started.elapsed().as_secs_f64());
            }
        } else {
            println!("demo data already present: nothing changed (the demo accounts keep their first password)");
        }
    }
    let listener =
        tokio::net::TcpListener::bind(&listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let public_url = public_url.map(|u| u.trim_end_matches('/').to_string());
    let mut providers = match &oidc_providers {
        Some(path) => egov::providers::load(path)?,
        None => Vec::new(),
    };
    // The demonstration identity provider exists in demo mode only.
    let demo_idp = if demo {
        let (op, config) = egov::providers::demo(public_url.as_deref().unwrap_or(&format!("http://{addr}")))?;
        println!("demonstration identity provider at {} (not VNeID: demo only)", op.issuer());
        providers.push(config);
        Some(op)
    } else {
        None
    };
    let settings = egov_web::Settings {
        cookie_secure: !insecure_cookies,
        public_url,
        local_citizen_accounts,
        demo_idp,
        app: egov_app::Config {
            blobs: db.blob_spec(),
            providers,
            lease_grace: job_lease_grace_seconds.map(std::time::Duration::from_secs),
            seal_key: Some(seal_key(&anchor.key_path(&db))?),
            gateway_journal: (gateway_log_durability == "process").then(|| db.data.clone()),
            scanner,
            network_roots,
            bank_notice_secret,
            payment_gateways,
            signer: Some(std::sync::Arc::new(signer)),
            ..Default::default()
        },
        mail: mail.smtp_url.map(|smtp_url| egov_web::MailSettings {
            smtp_url,
            from: mail.mail_from,
            retry: egov_mail::RetryPolicy { max_attempts: mail.mail_max_attempts.max(1), ..Default::default() },
            poll: std::time::Duration::from_secs(5),
        }),
        trusted_proxies,
        token_ttl_secs: token_ttl_hours * 3600,
        lookup_limit: egov_web::Limit { max: lookup_limit, window: std::time::Duration::from_secs(600) },
        agent_enrol_limit: egov_web::Limit { max: agent_enrolments, window: std::time::Duration::from_secs(600) },
        register_limit: egov_web::Limit { max: register_limit, window: std::time::Duration::from_secs(3600) },
        gateway_client_limit: egov_web::Limit {
            max: gateway_calls_per_minute,
            window: std::time::Duration::from_secs(60),
        },
        gateway_federation: federation,
        gateway_log_body_limit: gateway_log_body_limit as usize,
        limits: egov_web::ConnectionLimits {
            max_per_address: max_connections_per_address.max(1),
            max_connections: max_connections.max(1),
            ..Default::default()
        },
        ..Default::default()
    };
    let state = egov_web::AppState::new(store.clone(), settings).await.map_err(|e| e.to_string())?;
    if demo {
        let base = state.settings.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        // several instances starting at once on one database: one makes it
        match demo::gateway(&state.app, &base).await {
            Ok(Some(key)) => println!(
                "demo data-exchange gateway: curl -H 'X-Road-Client: VN-TN/GOV/H72.50.01/motcua' -H 'X-Road-Api-Key: {key}' {base}/r1/VN-TN/GOV/H72/egov/agencies"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the demo's gateway was not made"),
        }
        // the information-security console with a month behind it, with the demo year only
        if demo_year_dossiers > 0 {
            match egov::demo_protection::protection(&state.app).await {
                Ok(agents) if agents.is_empty() => {}
                Ok(agents) => {
                    println!("demo information-security console: {base}/quan-tri/an-toan-thong-tin");
                    egov::demo_protection::keep_beating(state.app.clone(), agents);
                }
                Err(e) => tracing::warn!(error = %e, "the demo's security console was not made"),
            }
            // the data network with a month behind it, its devices beating while the server runs
            match egov::demo_network::network(&state.app, &base).await {
                Ok(secrets) if secrets.is_empty() => {}
                Ok(secrets) => {
                    println!("demo data network: {base}/quan-tri/mang, public status: {base}/trang-thai");
                    egov::demo_network::keep_pushing(state.app.clone(), secrets);
                }
                Err(e) => tracing::warn!(error = %e, "the demo's data network was not made"),
            }
            // the register of security incidents: one closed with its reports, one open, one late
            match egov::demo_incidents::incidents(&state.app).await {
                Ok(()) => println!("demo security incidents: {base}/quan-tri/su-co"),
                Err(e) => tracing::warn!(error = %e, "the demo's incidents were not made"),
            }
            // commune radio: stations, devices reporting, bulletins of each priority, two weeks played
            match egov::demo_radio::radio(&state.app).await {
                Ok(keys) if keys.is_empty() => {}
                Ok(keys) => {
                    println!("demo commune radio: {base}/quan-tri/truyen-thanh, public: {base}/truyen-thanh");
                    egov::demo_radio::keep_reporting(state.app.clone(), keys);
                }
                Err(e) => tracing::warn!(error = %e, "the demo's commune radio was not made"),
            }
            // fees and results: two receiving accounts, a dossier owing its fee, a result returned
            match egov::demo_payments::payments(&state.app).await {
                Ok(Some(check)) => println!(
                    "demo fees and results: {base}/quan-tri/thanh-toan, {base}/quan-tri/ket-qua, public check: {base}{check}"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "the demo's fees and results were not made"),
            }
            // news: articles in each category, one in English too, one scheduled, one with the editor
            match egov::demo_news::news(&state.app).await {
                Ok(()) => println!("demo news: {base}/tin-tuc"),
                Err(e) => tracing::warn!(error = %e, "the demo's news was not made"),
            }
            // the year's IT plan: every measured figure, a target amended, a value reported and approved
            match egov::demo_plan::plan(&state.app).await {
                Ok(Some(year)) => println!("demo IT plan {year}: {base}/quan-tri/ke-hoach"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "the demo's IT plan was not made"),
            }
        }
    }
    // The periodic jobs (caches, sweeps, the quality keeper) run with the server.
    // The audit chain's head, signed, outside the database: at start,
    // whenever it has grown (checked every interval), after draining.
    let sink = std::sync::Arc::new(egov::anchor::Sink {
        key: egov::anchor::load_or_create_key(&anchor.key_path(&db))?,
        file: Some(anchor.file_path(&db)),
        tcp: audit_anchor_tcp,
    });
    let anchoring = tokio::spawn(egov::anchor::keep_anchoring(
        store.clone(),
        sink.clone(),
        std::time::Duration::from_secs(audit_anchor_interval),
    ));
    // the gateway's TLS listener bound before the server says it is up
    let federation_listener = match &state.settings.gateway_federation {
        Some(f) => {
            let l = tokio::net::TcpListener::bind(&f.listen)
                .await
                .map_err(|e| format!("cannot listen on {} (--gateway-federation): {e}", f.listen))?;
            println!("egov gateway federation listening on https://{}", l.local_addr().map_err(|e| e.to_string())?);
            Some(l)
        }
        None => None,
    };
    let stop = shutdown_signal();
    println!("egov instance {} keeps files in {}", state.app.instance, state.app.blobs.spec());
    println!("egov listening on http://{addr}");
    tracing::info!(%addr, "listening");
    let drain = std::time::Duration::from_secs(drain_seconds);
    egov_web::serve(listener, federation_listener, state, stop, drain).await.map_err(|e| e.to_string())?;
    anchoring.abort();
    if let Err(e) = egov::anchor::anchor_now(&store, &sink).await {
        tracing::warn!(error = %e, "last audit anchor not written");
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// The certificates of a PEM file, each as its own PEM block.
fn split_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let text = std::str::from_utf8(pem).map_err(|_| "not a PEM file".to_string())?;
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let end_marker = "-----END CERTIFICATE-----";
        let end =
            rest[start..].find(end_marker).ok_or("a certificate without its end line")? + start + end_marker.len();
        out.push(rest.as_bytes()[start..end].to_vec());
        rest = &rest[end..];
    }
    if out.is_empty() {
        return Err("no certificate in it".into());
    }
    Ok(out)
}

//! The web crate: the only crate that knows HTTP.
//!
//! Server-rendered pages (askama templates, no JavaScript needed) and the JSON
//! API under `/api/v1`, both thin over the store and the domain crates.

mod clean;
mod contract;
mod ctx;
mod error;
mod forwarded;
pub mod lean;
pub mod module;
pub mod modules;
mod openapi;
mod pagecache;
mod server;
mod throttle;
mod views;

/// Declares the platform's modules (each a folder `src/<name>/` whose
/// `mod.rs` defines `MODULE`) and lists them in [`modules::MODULES`].
macro_rules! register {
    ($($name:ident),* $(,)?) => {
        $(mod $name;)*
        /// Every module of the platform.
        pub(crate) static REGISTERED: &[module::Module] = &[$($name::MODULE),*];
    };
}

// The module registry: adding a module is creating its folders and naming it here.
register![
    platform,   // the portal's home, the back office's home, the audit log, /healthz, OpenAPI
    identity,   // accounts, sign-in, tokens; agencies, staff, roles, administrative units
    catalog,    // administrative procedures: search, pages, editor, import
    calendar,   // working days, holidays, the lunar calendar
    dossiers,   // filing, processing, lookup, slips, inbox, mail outbox
    quality,    // the Decision 766 index, its dashboard and exports
    signin,     // signing in through identity providers (OpenID Connect), logout from their side
    demo_idp,   // the demonstration identity provider (demo mode only)
    gateway,    // the data-exchange gateway (LGSP): registry, access rights, message log
    protection, // anti-malware agents, the information-security console, upload scanning
    network,    // the specialised data network: probes, uptime, outages, link capacity, status page
    incidents,  // information-security incidents: systems and levels, the register, reports owed
    radio,      // commune radio: stations, devices and their protocol, bulletins, emergencies
    news,       // the news portal: articles and translations, the editorial workflow, feeds
    payments,   // fees and payments: the agencies' receiving accounts, VietQR codes
    results,    // issued results: the registry, the public check, the citizen's store of documents
    plan,       // the year's IT plan: indicators measured from the records, reported values, the year-end report
];

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use egov_store::Store;

pub use demo_idp::DEMO_PROVIDER;
pub use error::WebError;
pub use forwarded::TrustedProxies;
pub use gateway::federation::{certificate_fingerprint, Federation};
pub use server::ConnectionLimits;
pub use throttle::Limit;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (on by default; turn off only for plain-HTTP
    /// development where the browser would refuse them).
    pub cookie_secure: bool,
    /// Sign-in throttle: failures allowed per account and per address in the window.
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    pub failure_window_secs: i64,
    pub session_ttl_secs: i64,
    /// Lifetime of a token issued by `POST /api/v1/auth/token` (people's tokens).
    pub token_ttl_secs: i64,
    /// The platform's public address (e.g. `https://dichvucong.tayninh.gov.vn`),
    /// printed in QR codes; by default the address the request came to.
    pub public_url: Option<String>,
    /// E-mail notifications through SMTP; off when `None`.
    pub mail: Option<MailSettings>,
    /// The application's settings (the clock, where files are kept, the
    /// longest extension), handed to `egov_app::App` once.
    pub app: egov_app::Config,
    /// Deadlines and caps of connections (slow and hostile clients).
    pub limits: ConnectionLimits,
    /// Proxies whose `Forwarded`/`X-Forwarded-For` are believed; none by default.
    pub trusted_proxies: TrustedProxies,
    /// Public dossier lookups (page and API) per address.
    pub lookup_limit: Limit,
    /// Registration attempts per address.
    pub register_limit: Limit,
    /// Citizens may register and sign in with a password (`--local-citizen-accounts`):
    /// off by default, since Decree 69/2024/NĐ-CP has citizens use their
    /// electronic identity for online public services from 1 July 2024.
    pub local_citizen_accounts: bool,
    /// The demonstration identity provider (`serve --demo` only).
    pub demo_idp: Option<Arc<egov_oidc::demo::DemoProvider>>,
    /// The largest request body the gateway passes to a service, in bytes.
    pub gateway_max_body: u64,
    /// Calls through the gateway per client subsystem (per instance).
    pub gateway_client_limit: Limit,
    /// The bytes of each body a service in full logging mode keeps.
    pub gateway_log_body_limit: usize,
    /// Anti-malware agents' enrolments, per address.
    pub agent_enrol_limit: Limit,
    /// Each anti-malware agent's calls (a heartbeat a minute, its reports).
    pub agent_limit: Limit,
    /// The gateway's peers over mutual TLS, and its TLS listener; none by default.
    pub gateway_federation: Option<Arc<gateway::federation::Federation>>,
}

pub use egov_kernel::Clock;

/// How notifications are mailed.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:port`, `smtp://user:pass@host:587?tls=required` or `smtps://host:465`.
    pub smtp_url: String,
    /// The sender, e.g. `Cổng dịch vụ công <no-reply@dichvucong.tayninh.gov.vn>`.
    pub from: String,
    pub retry: egov_mail::RetryPolicy,
    /// How often the outbox is looked at when nothing wakes it.
    pub poll: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cookie_secure: true,
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            failure_window_secs: 15 * 60,
            session_ttl_secs: 8 * 3600,
            token_ttl_secs: 8 * 3600,
            public_url: None,
            mail: None,
            app: egov_app::Config::default(),
            limits: ConnectionLimits::default(),
            trusted_proxies: TrustedProxies::default(),
            lookup_limit: Limit { max: 30, window: Duration::from_secs(600) },
            register_limit: Limit { max: 20, window: Duration::from_secs(3600) },
            local_citizen_accounts: false,
            demo_idp: None,
            gateway_max_body: 512 * 1024 * 1024,
            gateway_client_limit: Limit { max: 6000, window: Duration::from_secs(60) },
            gateway_federation: None,
            gateway_log_body_limit: 1024 * 1024,
            agent_enrol_limit: Limit { max: 20, window: Duration::from_secs(600) },
            agent_limit: Limit { max: 30, window: Duration::from_secs(60) },
        }
    }
}

impl AppState {
    /// Counts a request of the caller's address against a throttle.
    pub(crate) fn throttle(&self, which: &throttle::Throttle, ctx: &ctx::Ctx) -> Result<(), WebError> {
        which.check(&ctx.addr, std::time::Instant::now()).map_err(WebError::Throttled)
    }
}

/// What every handler can reach: the application (its use cases' context,
/// reached through `Deref`), the web settings and the throttles. One
/// reference-counted pointer: each request clones it (axum's `State`), so
/// that is one count, not one for each part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What an [`AppState`] points to.
pub struct Shared {
    pub app: egov_app::App,
    pub settings: Arc<Settings>,
    pub lookup_throttle: Arc<throttle::Throttle>,
    pub register_throttle: Arc<throttle::Throttle>,
    /// Calls through the gateway, per client subsystem.
    pub gateway_throttle: Arc<throttle::Throttle>,
    /// Enrolments of anti-malware agents, per address.
    pub enrol_throttle: Arc<throttle::Throttle>,
    /// Calls of each anti-malware agent (heartbeats, reports), per machine.
    pub agent_throttle: Arc<throttle::Throttle>,
    /// The pages' content security policy (with the identity providers' origins).
    pub page_csp: axum::http::HeaderValue,
    /// Set when the instance is asked to stop: `/readyz` answers 503 while
    /// requests are still served, so that a load balancer moves away first.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// Public pages as rendered for visitors not signed in, by ETag.
    pub pages: Arc<pagecache::PageCache>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::ops::Deref for Shared {
    type Target = egov_app::App;
    fn deref(&self) -> &egov_app::App {
        &self.app
    }
}

impl AppState {
    pub async fn new(store: Store, settings: Settings) -> Result<AppState, WebError> {
        modules::install_messages();
        let app = egov_app::App::new(store, settings.app.clone()).await?;
        if let Some(m) = &settings.mail {
            let smtp = egov_mail::Smtp::new(&m.smtp_url, &m.from).map_err(|e| WebError::Internal(e.to_string()))?;
            let mail = egov_app::jobs::Mail { retry: m.retry, poll: m.poll, public_url: settings.public_url.clone() };
            egov_app::jobs::spawn_delivery(&app, smtp, mail);
        }
        let lookup_throttle = Arc::new(throttle::Throttle::new(settings.lookup_limit));
        let register_throttle = Arc::new(throttle::Throttle::new(settings.register_limit));
        let gateway_throttle = Arc::new(throttle::Throttle::new(settings.gateway_client_limit));
        let enrol_throttle = Arc::new(throttle::Throttle::new(settings.agent_enrol_limit));
        let agent_throttle = Arc::new(throttle::Throttle::new(settings.agent_limit));
        let origins: Vec<String> =
            settings.app.providers.iter().map(|p| ctx::origin_of(&p.issuer)).filter(|o| !o.is_empty()).collect();
        let page_csp = ctx::page_csp(&origins);
        Ok(AppState(Arc::new(Shared {
            app,
            settings: Arc::new(settings),
            lookup_throttle,
            register_throttle,
            gateway_throttle,
            enrol_throttle,
            agent_throttle,
            page_csp,
            draining: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            pages: Arc::new(pagecache::PageCache::default()),
        })))
    }

    /// The sign-in throttle and session lifetime, for the application layer.
    pub(crate) fn session_policy(&self) -> egov_app::sessions::Policy {
        let s = &self.settings;
        egov_app::sessions::Policy {
            max_failures_per_account: s.max_failures_per_account,
            max_failures_per_address: s.max_failures_per_address,
            failure_window_secs: s.failure_window_secs,
            session_ttl_secs: s.session_ttl_secs,
            local_citizen_accounts: s.local_citizen_accounts,
        }
    }
}

/// Request bodies larger than this are refused.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Catalog imports may be larger: a national catalog is tens of megabytes.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

/// The server's router: every registered module's routes, the fallback,
/// body limits and the request middleware.
pub fn router(state: AppState) -> Router {
    modules::install_messages();
    let routes = modules::MODULES.iter().fold(Router::new(), |r, m| r.merge((m.routes)()));
    let passthrough = modules::MODULES.iter().filter_map(|m| m.passthrough).fold(Router::new(), |r, f| r.merge(f()));
    let served = routes
        .fallback(platform::not_found)
        // Body limits sit inside the context middleware, so that their
        // refusals are mapped to problem details and pages like any error.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), ctx::middleware));
    passthrough.merge(served).with_state(state)
}

/// Serves until `shutdown` resolves; then `/readyz` answers 503 for
/// `drain` while everything else is still served (a load balancer takes
/// the instance out), then no new connection is taken and in-flight
/// requests finish. `federation` is the gateway's TLS listener, bound by
/// the caller (from `Settings::gateway_federation`'s address) before it
/// says the server is up.
pub async fn serve(
    listener: tokio::net::TcpListener,
    federation: Option<tokio::net::TcpListener>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    drain: std::time::Duration,
) -> std::io::Result<()> {
    let jobs = egov_app::jobs::spawn(&state.app, &modules::jobs());
    let limits = state.settings.limits.clone();
    let trusted = state.settings.trusted_proxies.clone();
    let draining = state.draining.clone();
    let stop = async move {
        shutdown.await;
        draining.store(true, std::sync::atomic::Ordering::SeqCst);
        tracing::info!(seconds = drain.as_secs(), "draining: /readyz answers 503 before the listener closes");
        tokio::time::sleep(drain).await;
    };
    // the gateway's TLS listener (peers, and clients with certificates):
    // the gateway's routes only, stopped with the rest
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let federation = match (federation, state.settings.gateway_federation.clone()) {
        (Some(tls), Some(f)) => {
            let routes = modules::MODULES.iter().filter_map(|m| m.passthrough).fold(Router::new(), |r, f| r.merge(f()));
            let mut rx = stop_rx.clone();
            let stopped = async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            let limits = limits.clone();
            Some(tokio::spawn(server::run(
                tls,
                routes.with_state(state.clone()),
                limits,
                |_| false,
                stopped,
                Some(f.tls.clone()),
                None,
            )))
        }
        _ => None,
    };
    let lean = lean::Lean { state: state.clone(), routes: modules::lean_routes(), stop: stop_rx.clone() };
    let stop = async move {
        stop.await;
        let _ = stop_tx.send(true);
    };
    let r = server::run(listener, router(state), limits, move |ip| trusted.contains(ip), stop, None, Some(lean)).await;
    if let Some(f) = federation {
        let _ = f.await;
    }
    jobs.iter().for_each(|j| j.abort());
    r
}

pub use egov_i18n::Lang;
pub use openapi::openapi_document;

/// A message of the i18n catalogue (for the command line).
pub fn message(lang: Lang, key: &'static str) -> &'static str {
    modules::install_messages();
    egov_i18n::t(lang, key)
}

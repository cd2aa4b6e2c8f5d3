//! The application layer: egov's use cases, as functions over typed inputs
//! that return typed results and one typed error. The API, the pages, the
//! command line and the background jobs all call the same function; none of
//! them repeats a check, a write or an audit entry of its own.
//!
//! **Invariants:** no HTTP and no SQL (the store writes, the web crate
//! translates); every write is one transaction with its audit entries; every
//! access decision is `Principal::may`, asked here, through [`Actor::may`];
//! "now" is [`App::now`], the one clock the store also stamps with.

pub mod accounts;
pub mod calendar;
mod calendar_cache;
pub mod catalog;
mod catalog_cache;
pub mod directory;
pub mod dossiers;
mod error;
pub mod files;
pub mod gateway;
pub mod incidents;
pub mod jobs;
pub mod network;
pub mod news;
pub mod payments;
pub mod plan;
pub mod protection;
pub mod quality;
pub mod radio;
pub mod results;
pub mod sessions;
pub mod signin;
pub mod staff;
#[cfg(test)]
mod testing;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDateTime;
use egov_calendar::Span;
use egov_identity::{Action, Principal};
use egov_kernel::Clock;
use egov_store::{BlobSpec, BlobStore, Store};

pub use calendar_cache::CalendarCache;
pub use catalog_cache::{CatalogCache, Snapshot};
pub use error::{AppError, FieldError, Refusal};

/// What every use case reaches: the database, the attached files, the
/// catalog and calendar held in memory, the clock and the rules set at
/// start-up. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub blobs: BlobStore,
    pub catalog: Arc<CatalogCache>,
    pub calendar: Arc<CalendarCache>,
    pub config: Arc<Config>,
    /// Wakes the mail delivery job after a change queued a message.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// The identity providers people sign in through.
    pub signin: Arc<signin::Providers>,
    /// This instance's name among several serving one database (random, made
    /// at start): the holder of the job leases it takes.
    pub instance: Arc<str>,
    /// The data-exchange gateway's registry, held in memory.
    pub gateway: Arc<gateway::Gateway>,
    /// The network's prober: the probes this instance holds, their results
    /// not yet written.
    pub prober: Arc<network::prober::Prober>,
    /// Commune radio's emergency fan-out and audio kept in memory.
    pub radio: Arc<radio::hub::Hub>,
    /// The news portal's version, kept a second.
    pub news: Arc<news::Portal>,
}

/// The application's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where attached files are kept: a folder, or an object store.
    pub blobs: BlobSpec,
    /// What time it is, for deadlines, worklists and every stored instant.
    pub clock: Clock,
    /// How far past the current due date an apology may move it.
    pub max_extension: Span,
    /// The identity providers people sign in through (OpenID Connect).
    pub providers: Vec<signin::ProviderConfig>,
    /// How long a job's lease outlasts its period (how soon another
    /// instance takes over a job whose holder died); by default another
    /// period and a minute.
    pub lease_grace: Option<std::time::Duration>,
    /// The instance's Ed25519 key that seals the gateway's message log.
    pub seal_key: Option<gateway::SealKey>,
    /// Where the gateway journals its exchanges before answering them
    /// (`process` durability); none: each answer waits for the database's
    /// commit (`disk`).
    pub gateway_journal: Option<PathBuf>,
    /// The malware scanner every upload passes through (none: not scanned).
    pub scanner: Option<protection::scan::Scanner>,
    /// Certificates (PEM) the network's HTTPS probes trust besides the
    /// system's: a private CA of the province's network.
    pub network_roots: Vec<Vec<u8>>,
    /// The key and certificate reports are signed with inside their PDFs
    /// (PAdES); none: the PDFs carry only the detached seal.
    pub signer: Option<Arc<egov_sign::Signer>>,
    /// The secret the bank signs its transfer notifications with (HMAC-SHA256
    /// of the body); none: the notification endpoint is closed.
    pub bank_notice_secret: Option<String>,
    /// The redirect payment gateways citizens pay fees through, each for its
    /// agencies (none: by transfer and at the desk only).
    pub payment_gateways: Vec<payments::gateway::GatewayConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            blobs: BlobSpec::Folder(PathBuf::from("./data/files")),
            clock: Clock::system(),
            max_extension: Span::WorkingDays(30),
            providers: Vec::new(),
            lease_grace: None,
            seal_key: None,
            gateway_journal: None,
            scanner: None,
            network_roots: Vec::new(),
            bank_notice_secret: None,
            payment_gateways: Vec::new(),
            signer: None,
        }
    }
}

impl App {
    /// Loads the catalog and calendar; the store stamps with `config.clock` from here on.
    pub async fn new(store: Store, config: Config) -> Result<App, AppError> {
        let store = store.with_clock(config.clock.clone());
        let catalog = Arc::new(CatalogCache::load(&store).await?);
        let calendar = Arc::new(CalendarCache::load(&store).await?);
        let gateway = Arc::new(gateway::Gateway::load(&store, config.gateway_journal.as_deref()).await?);
        let blobs = BlobStore::open(&config.blobs)?;
        let signin = Arc::new(signin::Providers::new(config.providers.clone())?);
        let checker = network::check::Checker::new(&config.network_roots).map_err(AppError::Internal)?;
        Ok(App {
            prober: Arc::new(network::prober::Prober::new(checker)),
            radio: Arc::new(radio::hub::Hub::new()),
            news: Arc::new(news::Portal::default()),
            signin,
            store,
            blobs,
            catalog,
            calendar,
            config: Arc::new(config),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            instance: instance_name().into(),
            gateway,
        })
    }

    /// Now, in Vietnam.
    pub fn now(&self) -> NaiveDateTime {
        self.config.clock.now()
    }
}

/// Who does something: a signed-in person, or the operator at the command
/// line (who holds the database and may do anything).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Operator,
    User(&'a Principal),
}

impl Actor<'_> {
    /// The one access rule: the operator may; a person as `Principal::may` says.
    pub fn may(&self, action: Action<'_>) -> bool {
        match self {
            Actor::Operator => true,
            Actor::User(p) => p.may(action),
        }
    }

    /// Whether the actor holds the whole system (may grant its roles).
    pub fn is_system(&self) -> bool {
        match self {
            Actor::Operator => true,
            Actor::User(p) => p.is_system_admin(),
        }
    }

    /// The actor as the audit chain names it: `cli` or `user:<id>`.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Operator => "cli".into(),
            Actor::User(p) => format!("user:{}", p.user_id),
        }
    }
}

/// A name for this instance: the host's and a random part (two instances on
/// one machine differ).
fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    let mut b = [0u8; 6];
    let _ = getrandom::getrandom(&mut b);
    format!("{}-{}", if host.is_empty() { "egov" } else { &host }, egov_kernel::hex(&b))
}

//! The store: the only crate that knows SQL.
//!
//! One code path for SQLite (embedded, the default) and PostgreSQL (production),
//! through sqlx's `Any` driver with portable SQL (`$n` parameters, TEXT and
//! BIGINT columns). Every state-changing operation goes through a [`WriteTx`]:
//! one transaction that first takes the audit chain's head row (which
//! serialises writers on both databases, so a check-then-insert inside it is
//! race-free) and, on commit, appends its audit entries to the chain.

pub mod calendar;
pub mod catalog;
pub mod dossiers;
pub mod gateway;
pub mod identity;
pub mod incidents;
pub mod network;
pub mod news;
pub mod payments;
pub mod plan;
pub mod platform;
pub mod protection;
pub mod quality;
pub mod radio;
pub mod results;
pub mod signin;

pub(crate) use dossiers::{dossier, group, outbox, worklist};
pub(crate) use platform::{audit, batch, blobs};

use std::time::Duration;

use egov_audit::Event;
use egov_kernel::Clock;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Row, Transaction};

pub use audit::AuditHead;
pub use blobs::{Blob, BlobSpec, BlobStore, Leftover, S3Spec, SweepReport};
pub use catalog::ImportReport;
pub use dossier::{
    DossierEvent, DossierFile, EventRow, FilePurpose, InboxMessage, InboxRow, NewDossier, PublicDossier, StoredDossier,
};
pub use gateway::{GwGrant, GwGrantee, GwRegistry, GwService, GwSubsystem};
pub use identity::accounts::{NewUser, TokenInfo, UserSummary};
pub use identity::staff::{StaffChange, StaffMember};
pub use outbox::{MailJob, MailKind, MailState, OutboxEntry};
pub use platform::held::HeldFile;
pub use quality::{LateDossier, LateRead, QualityRow, QualityView, Scope as QualityScope, Source, SumsKey, TallyKey};
pub use signin::{CitizenMatch, PendingLogin, ProviderSession, VerifiedPerson, NO_PASSWORD};
pub use worklist::{Desk, Page, RegisterLine, Search, Worklist, WorklistItem, WorklistPage};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("unsupported database URL '{0}' (use sqlite://PATH or postgres://…)")]
    Url(String),
    /// A uniqueness rule was broken; names the field.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// The blob store (a folder or an object store) failed a read or a write.
    #[error("blob store: {0}")]
    Blobs(String),
    /// The database holds migrations this binary does not know: a newer
    /// egov migrated it.
    #[error(
        "the database was migrated by a newer egov (migrations {0} are unknown to this one): \
         run that version or a later one; this one will not touch the data"
    )]
    NewerSchema(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A write's error, a uniqueness rule broken by a concurrent writer read as
/// `Conflict(what)` (409), never as a database failure: a check before the
/// write cannot see a transaction that has not committed yet.
pub(crate) fn unique(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::Db(e),
    }
}

/// A guarded update's outcome: the one row it meant to change, or
/// `Conflict(what)` when the guard (the state it was read in) no longer held.
pub(crate) fn guarded(rows: u64, what: &'static str) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(what))
    }
}

#[cfg(test)]
mod unique_tests {
    use sqlx::Connection;

    #[tokio::test]
    async fn a_broken_uniqueness_rule_is_a_conflict_and_other_errors_stay_failures() {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE t (a TEXT NOT NULL)").execute(&mut c).await.unwrap();
        sqlx::query("CREATE UNIQUE INDEX t_a ON t (a)").execute(&mut c).await.unwrap();
        let insert = "INSERT INTO t (a) VALUES ($1)";
        sqlx::query(insert).bind("x").execute(&mut c).await.unwrap();
        let again = sqlx::query(insert).bind("x").execute(&mut c).await.map_err(super::unique("a"));
        assert!(matches!(again, Err(super::StoreError::Conflict("a"))), "{again:?}");
        let null = sqlx::query("INSERT INTO t (a) VALUES (NULL)").execute(&mut c).await.map_err(super::unique("a"));
        assert!(matches!(null, Err(super::StoreError::Db(_))), "{null:?}");
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time: writers of this process queue here
    /// instead of polling the database's busy handler (which sleeps).
    write_gate: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
    /// The group-commit writer of submissions, started at first use.
    submissions: std::sync::Arc<std::sync::OnceLock<tokio::sync::mpsc::Sender<group::Job>>>,
    /// Whether notifications are also sent by e-mail (the outbox is in use).
    mail: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// What time every stored instant is taken from.
    clock: Clock,
}

/// A schema migration of a module: its version (unique across modules, in
/// the order they were written), the module and file it comes from, its SQL
/// (`{serial}` stands for the backend's auto-increment key).
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub module: &'static str,
    /// The file's name without `.sql`, under `migrations/<module>/`.
    pub name: &'static str,
    pub sql: &'static str,
}

/// A module's migrations from its folder: `migrations!("dossiers": 3 "0003_dossiers", …)`.
#[macro_export]
macro_rules! migrations {
    ($module:literal: $($version:literal $name:literal),* $(,)?) => {
        &[$($crate::Migration {
            version: $version,
            module: $module,
            name: $name,
            sql: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/", $module, "/", $name, ".sql")),
        }),*]
    };
}

impl Store {
    /// Connects to `sqlite://…` or `postgres://…`. SQLite files are created if
    /// missing and put in WAL mode with full sync.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let mut opts = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        opts = match backend {
            Backend::Sqlite => opts.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA busy_timeout = 10000",
                        "PRAGMA foreign_keys = ON",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => opts.max_connections(16),
        };
        let pool = opts.connect(&url).await?;
        let write_gate = (backend == Backend::Sqlite).then(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
        Ok(Store {
            pool,
            backend,
            write_gate,
            submissions: Default::default(),
            mail: Default::default(),
            clock: Clock::system(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same database with every stored instant taken from `clock` (set
    /// once, at start-up, before the store is shared).
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// Now, as a stored instant.
    pub fn now(&self) -> i64 {
        self.clock.now_micros()
    }

    /// Applies the migrations not yet applied, in the order of their
    /// versions, each in its own transaction (every module's, as the
    /// module registry gathers them).
    pub async fn migrate(&self, migrations: &[Migration]) -> Result<()> {
        let mut migrations = migrations.to_vec();
        migrations.sort_by_key(|m| m.version);
        if let Some(w) = migrations.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(StoreError::Corrupt(format!(
                "migrations {}/{} and {}/{} share version {}",
                w[0].module, w[0].name, w[1].module, w[1].name, w[0].version
            )));
        }
        // Two instances starting at once on a new database: one creates the
        // table (PostgreSQL's CREATE … IF NOT EXISTS is not safe against a
        // concurrent one), the other waits for the lock, then finds it.
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(4242)").execute(&mut *tx).await?;
        }
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // a schema a newer binary migrated is left alone, before anything is written
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version").fetch_all(&self.pool).await?;
        let unknown: Vec<String> =
            applied.iter().filter(|v| !migrations.iter().any(|m| m.version == **v)).map(ToString::to_string).collect();
        if !unknown.is_empty() {
            return Err(StoreError::NewerSchema(unknown.join(", ")));
        }
        let serial = match self.backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        for Migration { version, sql, .. } in &migrations {
            let mut tx = self.pool.begin().await?;
            if self.backend == Backend::Postgres {
                // Two instances starting at once must not both migrate.
                sqlx::query("SELECT pg_advisory_xact_lock(4242)").execute(&mut *tx).await?;
            }
            let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(&mut *tx)
                .await?;
            if done.is_some() {
                continue;
            }
            let sql = sql.replace("{serial}", serial);
            // Comment lines go first (they may hold semicolons), then one statement per `;`.
            let body: String = sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
            for stmt in body.split(';').filter(|s| !s.trim().is_empty()) {
                sqlx::query(stmt).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(*version)
                .bind(self.now())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Records a migration as applied without running it (a newer binary's,
    /// as a test pretends); for tests.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn record_migration(&self, version: i64) -> Result<()> {
        sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)")
            .bind(version)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write: one transaction holding the audit head.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let gate = match &self.write_gate {
            Some(g) => Some(g.clone().lock_owned().await),
            None => None,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE audit_head SET writes = writes + 1 WHERE id = 1").execute(&mut *tx).await?;
        let mail = self.mail.load(std::sync::atomic::Ordering::Relaxed);
        Ok(WriteTx { tx, events: Vec::new(), _gate: gate, mail, touched: Vec::new(), clock: self.clock.clone() })
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?)
    }
}

/// A write in progress. Dropped without [`WriteTx::commit`], it rolls back.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    events: Vec<Event>,
    /// Held until the transaction ends (SQLite only).
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// Notifications are queued for e-mail too.
    mail: bool,
    /// Dossiers written to: their shares of the quality index are brought
    /// up to date just before the commit.
    touched: Vec<i64>,
    clock: Clock,
}

impl WriteTx {
    /// Now, as a stored instant (the store's clock).
    pub fn now(&self) -> i64 {
        self.clock.now_micros()
    }

    /// Records an audit event, appended to the chain when the write commits.
    pub fn audit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Marks dossiers as written to (their quality shares are refreshed at
    /// the commit). The dossiers' own writes do it; a bulk loader that
    /// writes histories directly calls it.
    pub fn touch(&mut self, ids: &[i64]) {
        self.touched.extend_from_slice(ids);
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    pub async fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        let n = sqlx::query("UPDATE meta SET value = $2 WHERE key = $1")
            .bind(key)
            .bind(value)
            .execute(self.conn())
            .await?
            .rows_affected();
        if n == 0 {
            sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
                .bind(key)
                .bind(value)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    pub async fn meta(&mut self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(self.conn()).await?)
    }

    /// Appends the recorded events to the audit chain and commits everything at once.
    pub async fn commit(mut self) -> Result<()> {
        let touched = std::mem::take(&mut self.touched);
        if !touched.is_empty() {
            quality::refresh(&mut self, touched).await?;
        }
        let events = std::mem::take(&mut self.events);
        if !events.is_empty() {
            let at = self.now();
            audit::append(&mut self.tx, events, at).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

pub(crate) fn opt_date(s: Option<String>) -> Result<Option<chrono::NaiveDate>> {
    s.map(|s| date(&s)).transpose()
}

pub(crate) fn date(s: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("bad date {s}")))
}

pub(crate) fn get<T>(row: &AnyRow, col: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    Ok(row.try_get(col)?)
}

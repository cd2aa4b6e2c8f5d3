//! The background jobs: keeping the caches fresh, sweeping orphaned files
//! and expired credentials, bringing submissions into the quality index's
//! kept sums, and delivering the mail outbox. The server starts them with
//! [`spawn`] (each module registers its own); each is also a function the command line or a test can
//! run once.

use std::time::Duration;

use egov_mail::{AfterFailure, Transport};
use egov_store::{Store, StoreError};

use crate::{App, AppError};

/// How long a claimed message is reserved for the instance sending it.
const LEASE: Duration = Duration::from_secs(300);
/// Messages claimed at a time.
const BATCH: i64 = 20;

/// How notifications are mailed.
#[derive(Debug, Clone)]
pub struct Mail {
    pub retry: egov_mail::RetryPolicy,
    /// How often the outbox is looked at when nothing wakes it.
    pub poll: Duration,
    /// The platform's public address, for links in messages.
    pub public_url: Option<String>,
}

/// Starts the delivery task: it sends what is due, then waits for a wake-up
/// (a change queued a message) or the poll interval.
pub fn spawn_delivery<T: Transport>(app: &App, transport: T, settings: Mail) -> tokio::task::JoinHandle<()> {
    let (store, wake) = (app.store.clone(), app.mail_wake.clone());
    store.enable_mail();
    tokio::spawn(async move {
        loop {
            match deliver_due(&store, &transport, &settings.retry, settings.public_url.as_deref()).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail outbox"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(settings.poll) => {}
            }
        }
    })
}

/// Sends the messages due now; returns how many were attempted.
pub async fn deliver_due<T: Transport>(
    store: &Store,
    transport: &T,
    retry: &egov_mail::RetryPolicy,
    public_url: Option<&str>,
) -> Result<usize, StoreError> {
    let now = store.now();
    let jobs = store.claim_mail(now, now + LEASE.as_micros() as i64, BATCH).await?;
    let n = jobs.len();
    for job in jobs {
        let Some(to) = job.to else {
            store.mail_failed(job.id, "no e-mail address").await?;
            continue;
        };
        let mail = match job.kind {
            egov_store::MailKind::Dossier(k) => {
                egov_mail::compose(&to, &job.dossier_code, k.as_str(), &job.note, public_url)
            }
            egov_store::MailKind::Security(a) => egov_mail::compose_alert(&to, a.as_str(), &job.note, public_url),
            egov_store::MailKind::Network(a) => egov_mail::compose_alert(&to, a.as_str(), &job.note, public_url),
        };
        match transport.send(&mail).await {
            Ok(()) => {
                tracing::info!(message = job.id, code = %job.dossier_code, "mail sent");
                store.mail_sent(job.id, &to, store.now()).await?
            }
            Err(e) => {
                let attempts = job.attempts.saturating_add(1);
                tracing::warn!(message = job.id, attempts, error = %e, "mail not sent");
                match retry.after(attempts, &e) {
                    AfterFailure::RetryIn(d) => {
                        store.mail_retry(job.id, store.now() + d.as_micros() as i64, &e.to_string()).await?
                    }
                    AfterFailure::GiveUp => store.mail_failed(job.id, &e.to_string()).await?,
                }
            }
        }
    }
    Ok(n)
}

/// A job run every so often: at start, then every `every`.
#[derive(Clone, Copy)]
pub struct Job {
    pub name: &'static str,
    pub every: Duration,
    pub run: fn(App) -> JobFuture,
    /// Where it runs when several instances serve one database.
    pub runs: Runs,
}

/// Where a job runs when several instances share one database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runs {
    /// On every instance: it refreshes what the instance keeps in memory.
    OnEach,
    /// On one instance at a time, the holder of its lease (`job_leases`),
    /// which lasts a period and a grace (by default another period and a
    /// minute; `Config::lease_grace`): taken over when the holder stops
    /// renewing it.
    OnOne,
}

impl Job {
    fn lease(&self, grace: Option<Duration>) -> Duration {
        self.every + grace.unwrap_or(self.every + Duration::from_secs(60))
    }
}

/// What a job's run returns.
pub type JobFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>> + Send>>;

/// Rereads the catalog if another instance changed it (a look at its
/// version number; within 2 s, a change made through one instance is served
/// by all).
pub const REFRESH_CATALOG: Job = Job {
    name: "catalog",
    every: Duration::from_secs(2),
    run: |app| Box::pin(async move { app.catalog.refresh(&app.store).await }),
    runs: Runs::OnEach,
};

/// Rereads the calendar if another instance changed it.
pub const REFRESH_CALENDAR: Job = Job {
    name: "calendar",
    every: Duration::from_secs(2),
    run: |app| Box::pin(async move { app.calendar.refresh(&app.store).await }),
    runs: Runs::OnEach,
};

/// Rereads the gateway's registry if another instance changed it: a grant
/// revoked through one instance is refused by all within 2 s.
pub const REFRESH_GATEWAY: Job = Job {
    name: "gateway",
    every: Duration::from_secs(2),
    run: |app| Box::pin(async move { app.gateway.refresh(&app.store).await }),
    runs: Runs::OnEach,
};

/// Seals the gateway's message log (its head, signed) when it grew: on one
/// instance at a time, with that instance's key.
pub const SEAL_GATEWAY_LOG: Job = Job {
    name: "gateway-seal",
    every: Duration::from_secs(10),
    run: |app| {
        Box::pin(async move {
            crate::gateway::seal_now(&app).await?;
            Ok(())
        })
    },
    runs: Runs::OnOne,
};

/// Removes expired sessions and expired or revoked tokens.
pub const SWEEP_CREDENTIALS: Job = Job {
    name: "credentials",
    every: Duration::from_secs(3600),
    run: |app| {
        Box::pin(async move {
            let (s, t) = app.store.sweep_expired_credentials().await?;
            let l = app.store.sweep_pending_logins().await?;
            if s + t + l > 0 {
                tracing::info!(sessions = s, tokens = t, sign_ins = l, "expired credentials removed");
            }
            Ok(())
        })
    },
    runs: Runs::OnOne,
};

/// Removes files that no dossier names and that are older than an hour
/// (those of submissions a crash cut short).
pub const SWEEP_FILES: Job = Job {
    name: "files",
    every: Duration::from_secs(3600),
    run: |app| {
        Box::pin(async move {
            let r = app.store.sweep_blobs(&app.blobs, Duration::from_secs(3600)).await?;
            if r.removed > 0 {
                tracing::info!(removed = r.removed, kept = r.kept, "file sweep");
            }
            Ok(())
        })
    },
    runs: Runs::OnOne,
};

/// Brings new submissions into the quality index's kept sums (until then
/// they are counted from their histories at each request).
pub const KEEP_QUALITY: Job = Job {
    name: "quality",
    every: Duration::from_secs(15),
    run: |app| {
        Box::pin(async move {
            while app.store.keep_pending(2000).await? == 2000 {}
            Ok(())
        })
    },
    runs: Runs::OnOne,
};

/// Starts jobs: each runs at once, then every so often (one of several
/// instances for a job that runs on one, by its lease); a failure is logged,
/// not fatal.
pub fn spawn(app: &App, jobs: &[Job]) -> Vec<tokio::task::JoinHandle<()>> {
    jobs.iter()
        .map(|job| {
            let (app, job) = (app.clone(), *job);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(job.every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    if job.runs == Runs::OnOne {
                        let lease = job.lease(app.config.lease_grace).as_micros() as i64;
                        match app.store.take_lease(job.name, &app.instance, lease).await {
                            Ok(true) => tracing::debug!(job = job.name, instance = %app.instance, "lease held"),
                            Ok(false) => continue,
                            Err(e) => {
                                tracing::warn!(error = %e, job = job.name, "job lease");
                                continue;
                            }
                        }
                    }
                    if let Err(e) = (job.run)(app.clone()).await {
                        tracing::warn!(error = %e, job = job.name, "background job failed");
                    }
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use egov_store::Store;

    #[tokio::test]
    async fn a_lease_is_one_holder_s_until_it_ends_then_another_takes_it_over() {
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).unwrap();
        let dir = std::env::temp_dir()
            .join(format!("egov-lease-{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()));
        std::fs::create_dir_all(&dir).unwrap();
        let s = Store::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.unwrap();
        s.migrate(egov_store::platform::MIGRATIONS).await.unwrap();
        let minute = 60_000_000;
        assert!(s.take_lease("files", "a", minute).await.unwrap(), "free: a takes it");
        assert!(!s.take_lease("files", "b", minute).await.unwrap(), "a's until it ends");
        assert!(s.take_lease("files", "a", minute).await.unwrap(), "a renews it");
        assert!(s.take_lease("quality", "b", minute).await.unwrap(), "another job's lease is its own");
        // a holder that stops renewing (killed): its lease ends, b takes it over
        assert!(s.take_lease("credentials", "a", 0).await.unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert!(s.take_lease("credentials", "b", minute).await.unwrap(), "taken over once it ended");
        assert!(!s.take_lease("credentials", "a", minute).await.unwrap(), "and no longer a's");
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}

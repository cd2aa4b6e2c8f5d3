//! The prober: each instance holds leases on some probes (renewed every
//! [`SYNC`]; taken over when their holder stops renewing them), runs each
//! held probe once in each of its intervals at its planned instant (spread
//! by [`egov_network::offset`]), never two checks of one probe at once, and
//! hands results to a buffer that is written in batches — kept in memory,
//! up to [`BUFFER`] results, while the database does not answer. A slot
//! missed (the process paused, a check slower than its interval) is
//! skipped, not made up; a slot another instance already wrote is not
//! written twice (`last_slot`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egov_network::{Change, NetAlert, SECOND};
use egov_store::network::{Probe, Record};

use super::check::Checker;
use crate::{App, AppError};

/// How often leases are renewed and probe definitions reread.
pub const SYNC: Duration = Duration::from_secs(10);
/// How long a lease lasts unrenewed.
const LEASE: i64 = 30 * SECOND;
/// Results kept in memory while the database is away, at most (the oldest dropped).
pub const BUFFER: usize = 200_000;
/// New probes one instance takes at a sync, at most.
const CLAIM: i64 = 5_000;
/// Lags kept for the figures.
const LAGS: usize = 20_000;

struct Held {
    probe: Probe,
    next_slot: i64,
    running: bool,
}

#[derive(Default)]
struct Inner {
    held: HashMap<i64, Held>,
    buffer: VecDeque<Record>,
    /// Start lags (actual − planned, micros) of the latest checks.
    lags: VecDeque<i64>,
    dropped: u64,
    synced: bool,
}

pub struct Prober {
    pub checker: Checker,
    inner: Mutex<Inner>,
    wake: tokio::sync::Notify,
}

/// What the prober is doing, for the operators.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProberStatus {
    pub instance: String,
    pub held: usize,
    pub buffered: usize,
    pub dropped: u64,
    pub icmp: &'static str,
    pub lag_samples: usize,
    pub lag_p50_ms: f64,
    pub lag_p99_ms: f64,
    pub lag_max_ms: f64,
}

struct Due {
    probe: Probe,
    slot: i64,
    planned: i64,
}

impl Prober {
    pub fn new(checker: Checker) -> Prober {
        Prober { checker, inner: Mutex::new(Inner::default()), wake: tokio::sync::Notify::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Renews and takes leases and rereads the held probes' definitions
    /// (their runs stay as this instance knows them).
    pub async fn sync(&self, app: &App) -> Result<(), AppError> {
        let now = app.store.now();
        let probes = app.store.net_claim(&app.instance, now, now + LEASE, CLAIM).await?;
        let mut g = self.lock();
        let mut held: HashMap<i64, Held> = HashMap::with_capacity(probes.len());
        for p in probes {
            let id = p.id;
            let h = match g.held.remove(&id) {
                Some(mut h) => {
                    let state = std::mem::take(&mut h.probe.state);
                    if h.probe.p.interval_s != p.p.interval_s {
                        h.next_slot = first_slot(&p, now);
                    }
                    h.probe = Probe { state, ..p };
                    h
                }
                None => Held { next_slot: first_slot(&p, now), probe: p, running: false },
            };
            held.insert(id, h);
        }
        g.held = held;
        g.synced = true;
        Ok(())
    }

    /// Starts every check due at the clock's now; what was started.
    fn take_due(&self, now: i64) -> Vec<Due> {
        let mut g = self.lock();
        let mut due = Vec::new();
        for h in g.held.values_mut() {
            let (every, off) = (h.probe.p.interval_s, egov_network::offset(h.probe.id, h.probe.p.interval_s));
            let planned = egov_network::planned(h.next_slot, every, off);
            if h.running || planned > now {
                continue;
            }
            // late by a whole interval or more: this slot is gone, take the current one
            let (slot, planned) = if now - planned >= i64::from(every) * SECOND {
                egov_network::slot(now, every, off)
            } else {
                (h.next_slot, planned)
            };
            h.next_slot = slot + 1;
            h.running = true;
            due.push(Due { probe: h.probe.clone(), slot, planned });
        }
        due
    }

    /// The next planned instant among the held probes not running.
    fn next_planned(&self) -> Option<i64> {
        let g = self.lock();
        g.held
            .values()
            .filter(|h| !h.running)
            .map(|h| {
                egov_network::planned(
                    h.next_slot,
                    h.probe.p.interval_s,
                    egov_network::offset(h.probe.id, h.probe.p.interval_s),
                )
            })
            .min()
    }

    /// Runs one check and takes its result.
    async fn run_one(&self, app: &App, d: Due) {
        let started = app.store.now();
        let p = &d.probe;
        let push = match p.p.target {
            egov_network::Target::Push => match app.store.net_probe(p.id).await {
                Ok(Some(now)) => (now.state.last_push, d.planned - i64::from(p.p.interval_s) * SECOND),
                _ => {
                    // the database is away: whether a heartbeat came is unknown, so no result
                    self.release(p.id);
                    return;
                }
            },
            _ => (None, 0),
        };
        let checked =
            self.checker.check(&p.p.target, Duration::from_secs(u64::from(p.p.timeout_s)), started, push).await;
        let mut g = self.lock();
        if g.lags.len() == LAGS {
            g.lags.pop_front();
        }
        g.lags.push_back(started - d.planned);
        let Some(h) = g.held.get_mut(&p.id) else { return };
        h.running = false;
        let change = h.probe.state.tracker.observe(checked.outcome.ok, started, p.p.down_after);
        let record = Record {
            probe_id: p.id,
            site_id: p.site_id,
            slot: d.slot,
            planned: d.planned,
            at: started,
            outcome: checked.outcome,
            change,
            tracker: h.probe.state.tracker,
            cert_expires_at: checked.cert_expires_at,
        };
        if g.buffer.len() >= BUFFER {
            g.buffer.pop_front();
            g.dropped += 1;
        }
        g.buffer.push_back(record);
        drop(g);
        self.wake.notify_one();
    }

    /// A check that gave no result: its probe may run again.
    fn release(&self, id: i64) {
        if let Some(h) = self.lock().held.get_mut(&id) {
            h.running = false;
        }
    }

    /// Writes the buffered results in one transaction, with the outages and
    /// alerts they make; on failure they stay for the next try. How many.
    pub async fn flush(&self, app: &App) -> Result<usize, AppError> {
        let (batch, dropped_before): (Vec<Record>, u64) = {
            let g = self.lock();
            (g.buffer.iter().take(2_000).cloned().collect(), g.dropped)
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let mut w = app.store.begin_write().await?;
        let changes = w.net_record(&batch).await?;
        let mut alerted = false;
        for (site_id, alert, at) in changes {
            if alert == NetAlert::Down && w.net_in_maintenance(site_id, at).await? {
                continue;
            }
            if w.net_mark_alerted(site_id, alert).await? {
                let cause = batch.iter().rev().find(|r| r.site_id == site_id && r.change != Change::None);
                let note = super::alert_note(app, site_id, alert, at, cause.map(|r| r.outcome.note.as_str())).await?;
                let agency = app.store.net_site(site_id).await?.and_then(|s| s.s.agency_id);
                w.net_alert(alert, agency.as_deref(), &note).await?;
                alerted = true;
            }
        }
        w.commit().await?;
        if alerted {
            app.mail_wake.notify_one();
        }
        let mut g = self.lock();
        let n = written_still_buffered(batch.len(), g.dropped - dropped_before, g.buffer.len());
        g.buffer.drain(..n);
        Ok(batch.len())
    }

    /// One round for a test or the command line, as the loop does it:
    /// syncs (a database error leaves the probes held as they were), runs
    /// every check due at the clock's now (concurrently, waiting for them),
    /// writes what it can (a database error keeps the results). How many ran.
    pub async fn step(&self, app: &App) -> usize {
        if let Err(e) = self.sync(app).await {
            tracing::warn!(error = %e, "prober: leases not renewed, probing what it holds");
        }
        let due = self.take_due(app.store.now());
        let n = due.len();
        futures_util::future::join_all(due.into_iter().map(|d| self.run_one(app, d))).await;
        loop {
            match self.flush(app).await {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "prober: results kept until the database answers");
                    break;
                }
            }
        }
        n
    }

    /// The prober's loop (the `network-prober` job on every instance): runs
    /// until the process ends, a database error never ending it.
    pub async fn run(self: Arc<Self>, app: App) -> Result<(), AppError> {
        let writer = {
            let (me, app) = (self.clone(), app.clone());
            tokio::spawn(async move { me.write_loop(app).await })
        };
        let mut next_sync = 0i64;
        loop {
            let now = app.store.now();
            if now >= next_sync {
                if let Err(e) = self.sync(&app).await {
                    tracing::warn!(error = %e, "prober: leases not renewed, probing what it holds");
                }
                next_sync = now + SYNC.as_micros() as i64;
            }
            for d in self.take_due(now) {
                let (me, app) = (self.clone(), app.clone());
                tokio::spawn(async move { me.run_one(&app, d).await });
            }
            let until = self.next_planned().unwrap_or(next_sync).min(next_sync).max(now + 1_000);
            let wait = Duration::from_micros((until - app.store.now()).clamp(1_000, 1_000_000) as u64);
            tokio::time::sleep(wait).await;
            if writer.is_finished() {
                return Err(AppError::Internal("the prober's writer stopped".into()));
            }
        }
    }

    async fn write_loop(&self, app: App) {
        loop {
            match self.flush(&app).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, buffered = self.lock().buffer.len(), "prober: results kept until the database answers");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            tokio::select! {
                _ = self.wake.notified() => tokio::time::sleep(Duration::from_millis(200)).await,
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    pub fn status(&self, instance: &str) -> ProberStatus {
        let g = self.lock();
        let mut lags: Vec<i64> = g.lags.iter().copied().collect();
        lags.sort_unstable();
        let at = |q: f64| -> f64 {
            if lags.is_empty() {
                return 0.0;
            }
            let i = ((lags.len() as f64 * q).ceil() as usize).clamp(1, lags.len()) - 1;
            lags[i] as f64 / 1000.0
        };
        ProberStatus {
            instance: instance.to_string(),
            held: g.held.len(),
            buffered: g.buffer.len(),
            dropped: g.dropped,
            icmp: self.checker.icmp.as_str(),
            lag_samples: lags.len(),
            lag_p50_ms: at(0.5),
            lag_p99_ms: at(0.99),
            lag_max_ms: lags.last().map_or(0.0, |&l| l as f64 / 1000.0),
        }
    }
}

/// The first slot a probe taken at `now` runs in: the next planned
/// instant, or the one after the last slot written (another instance's).
fn first_slot(p: &Probe, now: i64) -> i64 {
    let (n, _) = egov_network::slot(now, p.p.interval_s, egov_network::offset(p.id, p.p.interval_s));
    (n + 1).max(p.state.last_slot + 1)
}

/// How many of a written batch are still at the buffer's front: those the
/// buffer dropped from its front while the batch was written were the
/// batch's oldest, already gone; the rest of the buffer came after.
fn written_still_buffered(batch: usize, dropped_since: u64, buffered: usize) -> usize {
    let gone = usize::try_from(dropped_since).unwrap_or(usize::MAX);
    batch.saturating_sub(gone).min(buffered)
}

#[cfg(test)]
mod drain_tests {
    use super::written_still_buffered;

    #[test]
    fn results_dropped_while_a_batch_is_written_are_not_drained_twice() {
        // 2,000 written; meanwhile the full buffer dropped 300 from its front (the batch's
        // oldest): only 1,700 of the batch are still there, and the 300 newest stay
        assert_eq!(written_still_buffered(2_000, 300, 200_000), 1_700);
        assert_eq!(written_still_buffered(2_000, 0, 2_500), 2_000);
        assert_eq!(written_still_buffered(2_000, 5_000, 200_000), 0);
        assert_eq!(written_still_buffered(10, 0, 4), 4);
    }
}

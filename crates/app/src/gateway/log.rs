//! The gateway's message log: the queue to the database's chain, bounded
//! in bytes; the writer that takes it in batches; writing an exchange at
//! once to the journal, or waiting for its commit.

use std::sync::Arc;

use egov_gateway::Logged;
use egov_store::gateway::journal::{Forget, Mark};
use egov_store::Store;

use super::Gateway;
use crate::AppError;

/// The bytes of exchanges that may wait for the database (the queue is in
/// memory: bounded here, not by the channel, so that queueing never waits).
pub(super) const LOG_BACKLOG: usize = 128 << 20;

/// About what a queued exchange holds in memory.
fn weight(l: &Logged) -> usize {
    let e = &l.exchange;
    let strings = e.message_id.len() + e.client.len() + e.service.len() + e.method.len() + e.path.len();
    256 + strings + l.bodies.as_ref().map_or(0, |b| b.request.len() + b.response.len())
}

/// An exchange handed to the log's writer: its journal entry's number, or
/// where the answer goes once it is committed.
pub(super) type Queued = (Logged, Written);

pub(super) enum Written {
    Journaled(u64),
    Waiting(tokio::sync::oneshot::Sender<Result<i64, String>>),
}

/// Exchanges written in one transaction at most.
const LOG_BATCH: usize = 1024;

/// About how many bytes one transaction takes at most (bodies of services
/// that log in full are large: a transaction of hundreds of megabytes would
/// hold up every other write to the disk).
const LOG_BATCH_BYTES: usize = 8 << 20;

/// How long the writer gathers journaled exchanges into one transaction.
const JOURNALED_GATHER: std::time::Duration = std::time::Duration::from_millis(20);

/// The log's writer: exchanges arriving together share one transaction
/// (and one sync of the database). Those waiting for it are answered once
/// it is committed; journaled ones are retried until they are in (they
/// were answered already), and the journal is told how far it is in.
pub(super) async fn write_log(
    store: Store,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Queued>,
    journal: Option<Forget>,
    queued: Arc<std::sync::atomic::AtomicUsize>,
    drained: Arc<tokio::sync::Notify>,
) {
    while let Some(first) = rx.recv().await {
        // nobody waits for a journaled exchange's commit: those arriving
        // within a short while share one transaction. The writer sleeps
        // meanwhile rather than waiting on the queue, which would wake it
        // for each exchange queued.
        let mut gather =
            matches!(first.1, Written::Journaled(_)).then(|| tokio::time::Instant::now() + JOURNALED_GATHER);
        let mut taken = weight(&first.0);
        let mut batch = vec![first];
        while batch.len() < LOG_BATCH && taken < LOG_BATCH_BYTES {
            match rx.try_recv() {
                Ok(next) => {
                    taken += weight(&next.0);
                    batch.push(next);
                }
                Err(_) => match gather.take() {
                    Some(until) => tokio::time::sleep_until(until).await,
                    None => break,
                },
            }
        }
        let (logged, written): (Vec<Logged>, Vec<Written>) = batch.into_iter().unzip();
        let last = written.iter().filter_map(|w| if let Written::Journaled(n) = w { Some(*n) } else { None }).max();
        let mark = match (&journal, last) {
            (Some(j), Some(n)) => Some(Mark { journal: j.id.clone(), n }),
            _ => None,
        };
        let mut pause = std::time::Duration::from_millis(100);
        let result = loop {
            match store.append_exchanges(&logged, mark.as_ref()).await {
                Err(e) if mark.is_some() => {
                    tracing::error!(error = %e, "gateway: journaled exchanges not yet in the log; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(std::time::Duration::from_secs(10));
                }
                r => break r,
            }
        };
        // held until they are in (or, for those waiting, said to have failed)
        queued.fetch_sub(taken, std::sync::atomic::Ordering::Relaxed);
        drained.notify_waiters();
        if let (Some(j), Some(m), Ok(_)) = (&journal, &mark, &result) {
            j.committed(m.n);
        }
        let replies = written.into_iter().filter_map(|w| if let Written::Waiting(r) = w { Some(r) } else { None });
        match result {
            Ok(seqs) => {
                // the waiting ones' numbers, in order (journaled ones need none)
                for (reply, seq) in replies.zip(seqs) {
                    let _ = reply.send(Ok(seq));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(msg.clone()));
                }
            }
        }
    }
}

impl Gateway {
    /// Whether an exchange is in the log once journaled ([`Gateway::log_now`]),
    /// rather than once the database committed it.
    pub fn journaled(&self) -> bool {
        self.journal.is_some()
    }

    /// Whether more waits for the database than the gateway may hold.
    pub fn behind(&self) -> bool {
        self.queued.load(std::sync::atomic::Ordering::Relaxed) > self.backlog
    }

    /// Waits while more than the backlog waits for the database, up to
    /// `patience`: whether there is room for another exchange. A gateway
    /// whose database is slower than its clients paces them so, and
    /// refuses ([`GatewayError::LogBehind`]) only those that waited in vain.
    pub async fn room(&self, patience: std::time::Duration) -> bool {
        if !self.behind() {
            return true;
        }
        let until = tokio::time::Instant::now() + patience;
        loop {
            // waiting before looking: a batch done in between is not missed
            let drained = self.drained.notified();
            if !self.behind() {
                return true;
            }
            if tokio::time::timeout_at(until, drained).await.is_err() {
                return !self.behind();
            }
        }
    }

    #[cfg(test)]
    pub(super) fn with_backlog(self, bytes: usize) -> Gateway {
        Gateway { backlog: bytes, ..self }
    }

    fn queue(&self, e: Logged, w: Written) -> Result<(), AppError> {
        let size = weight(&e);
        self.queued.fetch_add(size, std::sync::atomic::Ordering::Relaxed);
        self.log.send((e, w)).map_err(|_| {
            self.queued.fetch_sub(size, std::sync::atomic::Ordering::Relaxed);
            AppError::Internal("the log's writer stopped".into())
        })
    }

    /// With a journal ([`Gateway::journaled`]): writes the exchange there
    /// (one write of one line) and queues it for the database, without
    /// awaiting anything. Without one, nothing is written: use [`Gateway::log`].
    pub fn log_now(&self, e: Logged) -> Result<(), AppError> {
        let Some(j) = &self.journal else {
            return Err(AppError::Internal("the gateway's log has no journal".into()));
        };
        let mut j = j.lock().unwrap_or_else(|p| p.into_inner());
        let mark = j.append(&e)?;
        self.queue(e, Written::Journaled(mark.n))
    }

    /// Writes an exchange to the message log: to the journal (at once), or
    /// to the database (returning once it is committed, with whatever
    /// else arrived meanwhile).
    pub async fn log(&self, e: Logged) -> Result<(), AppError> {
        if self.journaled() {
            return self.log_now(e);
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.queue(e, Written::Waiting(reply))?;
        let stopped = || AppError::Internal("the log's writer stopped".into());
        answer.await.map_err(|_| stopped())?.map_err(AppError::Internal).map(|_| ())
    }
}

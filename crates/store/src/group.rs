//! Group commit for dossier submissions: submissions that arrive together
//! share one transaction and one fsync. Each runs inside its own savepoint,
//! so one that fails (and gives its number back) does not take the others
//! with it; every submitter is answered only after the commit.

use chrono::NaiveDate;
use egov_audit::Event;
use egov_dossier::DossierCode;
use tokio::sync::{mpsc, oneshot};

use crate::{NewDossier, Result, Store, StoreError};

/// The most submissions one transaction takes.
pub const MAX_BATCH: usize = 64;

pub(crate) struct Job {
    pub new: NewDossier,
    /// The history and inbox name of how it came in: `submit` or `receive_at_counter`.
    pub action: &'static str,
    pub day: NaiveDate,
    pub received_at: i64,
    pub actor: String,
    pub actor_id: Option<i64>,
    /// Where the job's files were written unsynced, if it has any.
    pub blobs: Option<crate::BlobStore>,
    pub reply: oneshot::Sender<Result<(i64, DossierCode)>>,
}

pub(crate) fn start(store: Store) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(4096);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(j) => batch.push(j),
                    Err(_) => break,
                }
            }
            run_batch(&store, batch).await;
        }
    });
    tx
}

async fn run_batch(store: &Store, batch: Vec<Job>) {
    // The batch's files become durable together, before any row names them.
    if let Some(blobs) = batch.iter().find_map(|j| j.blobs.clone()) {
        let synced = tokio::task::spawn_blocking(move || blobs.sync()).await;
        if !matches!(synced, Ok(Ok(()))) {
            for j in batch {
                let _ = j.reply.send(Err(StoreError::Corrupt("the attached files could not be synced to disk".into())));
            }
            return;
        }
    }
    let mut w = match store.begin_write().await {
        Ok(w) => w,
        Err(e) => {
            let msg = e.to_string();
            for j in batch {
                let _ = j.reply.send(Err(StoreError::Corrupt(msg.clone())));
            }
            return;
        }
    };
    let mut done: Vec<(oneshot::Sender<Result<(i64, DossierCode)>>, Result<(i64, DossierCode)>)> = Vec::new();
    for job in batch {
        let r = one(&mut w, &job).await;
        match r {
            Ok(ok) => done.push((job.reply, Ok(ok))),
            Err(e) => {
                let _ = sqlx::query("ROLLBACK TO SAVEPOINT submission").execute(w.conn()).await;
                let _ = job.reply.send(Err(e));
            }
        }
    }
    match w.commit().await {
        Ok(()) => {
            for (reply, r) in done {
                let _ = reply.send(r);
            }
        }
        Err(e) => {
            let msg = e.to_string();
            for (reply, _) in done {
                let _ = reply.send(Err(StoreError::Corrupt(msg.clone())));
            }
        }
    }
}

async fn one(w: &mut crate::WriteTx, job: &Job) -> Result<(i64, DossierCode)> {
    sqlx::query("SAVEPOINT submission").execute(w.conn()).await?;
    let agency = job.new.state.receiving_agency.clone();
    let seq = w.next_dossier_seq(&agency, job.day).await?;
    let code = DossierCode::new(&agency, job.day, seq);
    let id = w.insert_dossier(&job.new, Some(&code), Some(job.received_at)).await?;
    w.add_dossier_event(
        id,
        job.actor_id,
        job.action,
        egov_dossier::Status::Draft,
        job.new.state.status,
        "",
        job.new.state.due,
    )
    .await?;
    if let Some(owner) = job.new.state.owner {
        w.notify(owner, &code.to_string(), job.action, "").await?;
    }
    sqlx::query("RELEASE SAVEPOINT submission").execute(w.conn()).await?;
    w.audit(Event::new(
        job.actor.clone(),
        format!("dossier.{}", job.action),
        format!("dossier:{code}"),
        None::<&()>,
        Some(&job.new.state),
    ));
    Ok((id, code))
}

impl Store {
    /// Files a submitted dossier: numbered, stored with its history and audit
    /// entry, and committed (possibly with others) before this returns. Its
    /// files, written unsynced to `blobs`, are synced with the batch first.
    pub async fn submit_dossier(
        &self,
        new: NewDossier,
        day: NaiveDate,
        actor_id: i64,
        action: &'static str,
        blobs: Option<crate::BlobStore>,
    ) -> Result<(i64, DossierCode)> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            new,
            action,
            day,
            received_at: crate::now_micros(),
            actor: format!("user:{actor_id}"),
            actor_id: Some(actor_id),
            blobs,
            reply,
        };
        let sender = self.submissions.get_or_init(|| start(self.clone()));
        sender.send(job).await.map_err(|_| StoreError::Corrupt("the submission writer stopped".into()))?;
        answer.await.map_err(|_| StoreError::Corrupt("the submission writer stopped".into()))?
    }
}

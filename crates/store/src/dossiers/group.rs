//! Group commit for dossier submissions: submissions that arrive together
//! share one transaction and one fsync. Each runs inside its own savepoint,
//! so one that fails (and gives its number back) does not take the others
//! with it; every submitter is answered only after the commit.

use chrono::NaiveDate;
use egov_audit::Event;
use egov_dossier::{who_is_told, DossierCode, EventKind, Status};
use egov_identity::UserId;
use tokio::sync::{mpsc, oneshot};

use crate::{NewDossier, Result, Store, StoreError};

/// The most submissions one transaction takes.
pub const MAX_BATCH: usize = 64;

pub(crate) struct Job {
    pub new: NewDossier,
    /// How it came in: submitted online, or received at the counter.
    pub action: EventKind,
    pub day: NaiveDate,
    pub received_at: i64,
    pub actor_id: Option<UserId>,
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
    // The batch's files are synced while its rows are written, and before
    // the commit: no committed row ever names a file a crash could lose.
    let blobs = batch.iter().find_map(|j| j.blobs.clone());
    let sync = blobs.clone().map(|b| tokio::spawn(async move { b.sync().await }));
    // The whole batch in a few multi-row statements; should any of them fail,
    // the transaction rolls back and each submission is tried on its own.
    match together(store, &batch, sync).await {
        Ok(done) => {
            for (job, r) in batch.into_iter().zip(done) {
                let _ = job.reply.send(Ok(r));
            }
            return;
        }
        Err(e) => tracing::warn!(error = %e, size = batch.len(), "batch refused as a whole; filing one by one"),
    }
    if let Some(blobs) = blobs {
        if blobs.sync().await.is_err() {
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
    type Answer = Result<(i64, DossierCode)>;
    let mut done: Vec<(oneshot::Sender<Answer>, Answer)> = Vec::new();
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

/// Files a batch in one transaction of about ten statements whatever its
/// size: numbers taken per agency and day in arrival order, then every
/// dossier, file, history line, inbox message and audit entry in multi-row
/// inserts; `sync`, the batch's file sync running meanwhile, must succeed
/// before the commit.
async fn together(
    store: &Store,
    batch: &[Job],
    sync: Option<tokio::task::JoinHandle<Result<()>>>,
) -> Result<Vec<(i64, DossierCode)>> {
    let mut w = store.begin_write().await?;
    let mut groups: std::collections::BTreeMap<(&str, NaiveDate), Vec<usize>> = Default::default();
    for (i, job) in batch.iter().enumerate() {
        groups.entry((job.new.state.receiving_agency.as_str(), job.day)).or_default().push(i);
    }
    let mut codes: Vec<Option<DossierCode>> = vec![None; batch.len()];
    for ((agency, day), members) in groups {
        let n = u32::try_from(members.len()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let first = w.take_dossier_seqs(agency, day, n).await?;
        for (k, i) in members.into_iter().enumerate() {
            codes[i] = Some(DossierCode::new(agency, day, first + k as u32));
        }
    }
    let codes: Vec<DossierCode> = codes
        .into_iter()
        .map(|c| c.ok_or_else(|| StoreError::Corrupt("a submission without a number".into())))
        .collect::<Result<_>>()?;
    // New dossiers in multi-row inserts; drafts being submitted, one update each.
    let rows: Vec<(&NewDossier, Option<&DossierCode>, Option<i64>)> = batch
        .iter()
        .zip(&codes)
        .filter(|(j, _)| j.new.draft.is_none())
        .map(|(j, c)| (&j.new, Some(c), Some(j.received_at)))
        .collect();
    let mut inserted = w.insert_dossiers(&rows).await?.into_iter();
    let mut ids = Vec::with_capacity(batch.len());
    for (j, c) in batch.iter().zip(&codes) {
        match j.new.draft {
            Some(id) => {
                w.fill_draft(id, &j.new, Some(c), Some(j.received_at)).await?;
                ids.push(id);
            }
            None => ids.push(inserted.next().ok_or_else(|| StoreError::Corrupt("an id is missing".into()))?),
        }
    }
    let events: Vec<crate::EventRow> = batch
        .iter()
        .zip(&ids)
        .map(|(j, id)| crate::EventRow {
            dossier_id: *id,
            at: j.received_at,
            actor_id: j.actor_id,
            action: j.action,
            from: Status::Draft,
            to: j.new.state.status,
            note: "",
            due: j.new.state.due,
        })
        .collect();
    w.add_dossier_events(&events).await?;
    let code_texts: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    let inbox: Vec<crate::InboxRow> = batch
        .iter()
        .zip(&code_texts)
        .filter_map(|(j, code)| {
            who_is_told(j.action, Status::Draft, j.new.state.owner, j.actor_id).map(|user_id| crate::InboxRow {
                user_id,
                code,
                kind: j.action,
                note: "",
            })
        })
        .collect();
    w.notify_many(&inbox).await?;
    for (j, code) in batch.iter().zip(&code_texts) {
        w.audit(Event::new(
            j.actor_id.map(|a| format!("user:{a}")).unwrap_or_else(|| "system".into()),
            format!("dossier.{}", j.action.as_str()),
            format!("dossier:{code}"),
            None::<&()>,
            Some(&j.new.state),
        ));
    }
    if let Some(sync) = sync {
        sync.await.map_err(|e| StoreError::Corrupt(e.to_string()))??;
    }
    w.commit().await?;
    Ok(ids.into_iter().zip(codes).collect())
}

async fn one(w: &mut crate::WriteTx, job: &Job) -> Result<(i64, DossierCode)> {
    sqlx::query("SAVEPOINT submission").execute(w.conn()).await?;
    let filed = w.file_submission(&job.new, job.day, job.received_at, job.actor_id, job.action).await?;
    sqlx::query("RELEASE SAVEPOINT submission").execute(w.conn()).await?;
    Ok(filed)
}

impl crate::WriteTx {
    /// Numbers and stores one dossier entering the process (submitted, or
    /// received at the counter) in this transaction: its row, its history
    /// line, its owner's message and its audit entry. The group writer
    /// calls it for a batch that could not be written together; the counter
    /// calls it in the transaction that also finds or creates the citizen.
    pub async fn file_submission(
        &mut self,
        new: &NewDossier,
        day: NaiveDate,
        received_at: i64,
        actor_id: Option<UserId>,
        action: EventKind,
    ) -> Result<(i64, DossierCode)> {
        let agency = new.state.receiving_agency.as_str();
        let seq = self.next_dossier_seq(agency, day).await?;
        let code = DossierCode::new(agency, day, seq);
        let id = match new.draft {
            Some(id) => {
                self.fill_draft(id, new, Some(&code), Some(received_at)).await?;
                id
            }
            None => self.insert_dossier(new, Some(&code), Some(received_at)).await?,
        };
        self.add_dossier_event(crate::EventRow {
            dossier_id: id,
            at: received_at,
            actor_id,
            action,
            from: Status::Draft,
            to: new.state.status,
            note: "",
            due: new.state.due,
        })
        .await?;
        if let Some(user) = who_is_told(action, Status::Draft, new.state.owner, actor_id) {
            self.notify(user, &code.to_string(), action, "").await?;
        }
        self.audit(Event::new(
            actor_id.map(|a| format!("user:{a}")).unwrap_or_else(|| "system".into()),
            format!("dossier.{}", action.as_str()),
            format!("dossier:{code}"),
            None::<&()>,
            Some(&new.state),
        ));
        Ok((id, code))
    }
}

impl Store {
    /// Files a submitted dossier: numbered, stored with its history and audit
    /// entry, and committed (possibly with others) before this returns. Its
    /// files, written unsynced to `blobs`, are synced with the batch first.
    pub async fn submit_dossier(
        &self,
        new: NewDossier,
        day: NaiveDate,
        actor_id: UserId,
        action: EventKind,
        blobs: Option<crate::BlobStore>,
        received_at: i64,
    ) -> Result<(i64, DossierCode)> {
        let (reply, answer) = oneshot::channel();
        let job = Job { new, action, day, received_at, actor_id: Some(actor_id), blobs, reply };
        let sender = self.submissions.get_or_init(|| start(self.clone()));
        sender.send(job).await.map_err(|_| StoreError::Corrupt("the submission writer stopped".into()))?;
        answer.await.map_err(|_| StoreError::Corrupt("the submission writer stopped".into()))?
    }
}

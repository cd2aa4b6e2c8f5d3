//! Acting on a dossier (every command of the state machine) and rating it.

use chrono::NaiveDateTime;
use egov_dossier::{who_is_told, Assignee, Command, EventKind, Status, SUPPLEMENT_PART_BASE};
use egov_identity::{AgencyId, Principal};
use egov_store::{DossierFile, EventRow, FilePurpose, StoredDossier, WriteTx};

use super::read::may_read;
use crate::files::{self, Upload};
use crate::{App, AppError, FieldError, Refusal};

/// An action on a dossier, as a person asks for it (the command it becomes
/// is decided here, with the dossier in hand).
#[derive(Debug, Clone)]
pub enum Request {
    Accept,
    ReturnIncomplete {
        missing: Vec<String>,
    },
    /// `to`: the username of a specialist of the agency holding the dossier.
    Assign {
        to: String,
    },
    Forward {
        to_agency: Option<AgencyId>,
    },
    RequestSupplement {
        missing: Vec<String>,
    },
    /// The citizen sends the dossier back completed.
    Resubmit,
    Refuse {
        reason: String,
    },
    Withdraw {
        reason: String,
    },
    Stop {
        reason: String,
    },
    Approve,
    ReturnResult {
        paper: bool,
        /// The result's particulars for the registry, as typed.
        issue: egov_results::IssueInput,
    },
    Apologize {
        new_due: NaiveDateTime,
        reason: String,
    },
}

/// Files that come with an action.
#[derive(Default)]
pub struct ActionFiles {
    /// The electronic result (`return_result`).
    pub result: Option<Upload>,
    /// Supplementary documents, by part (`resubmit`).
    pub parts: Vec<Upload>,
}

/// Applies an action for `p` to the dossier `code`: its files checked and on
/// disk first, then one transaction that reloads the dossier, asks the state
/// machine, and stores the new state, its files, its history line, the
/// owner's message and the audit entry. Returns the new status.
pub async fn act(app: &App, p: &Principal, code: &str, req: Request, files: ActionFiles) -> Result<Status, AppError> {
    // An electronic result goes only with `return_result`, supplementary
    // documents only with `resubmit`.
    if files.result.is_some() && !matches!(req, Request::ReturnResult { .. }) {
        return Err(AppError::refused(
            Refusal::Malformed,
            "err.page.bad_request",
            "the part 'result' goes only with return_result",
        ));
    }
    if !files.parts.is_empty() && !matches!(req, Request::Resubmit) {
        return Err(AppError::refused(
            Refusal::Malformed,
            "err.page.bad_request",
            "document parts go only with resubmit",
        ));
    }
    let uploads: Vec<(FilePurpose, Upload)> = files
        .result
        .into_iter()
        .map(|u| (FilePurpose::Result, u))
        .chain(files.parts.into_iter().map(|u| (FilePurpose::Part, u)))
        .collect();
    for (_, u) in &uploads {
        if u.bytes.len() > egov_dossier::MAX_FILE {
            return Err(AppError::refused(Refusal::Unacceptable, "err.file.too_big", u.name.clone()));
        }
        if egov_dossier::sniff(&u.bytes).is_none() {
            return Err(AppError::refused(Refusal::Unacceptable, "err.file.type", u.name.clone()));
        }
    }
    if uploads.iter().map(|(_, u)| u.bytes.len()).sum::<usize>() > egov_dossier::MAX_DOSSIER_FILES {
        return Err(AppError::refused(Refusal::Unacceptable, "err.file.total", ""));
    }
    let (purposes, uploads): (Vec<FilePurpose>, Vec<Upload>) = uploads.into_iter().unzip();
    let (clean, infected) = files::scan(app, &format!("user:{}", p.user_id), uploads).await?;
    if let Some(e) = infected.first() {
        return Err(AppError::refused(
            Refusal::Unacceptable,
            "err.file.infected",
            e.detail.clone().unwrap_or_default(),
        ));
    }
    let written = files::write(&app.blobs, purposes.into_iter().zip(clean).collect(), true).await?;
    let done = apply(app, p, code, req, &written.files).await;
    let status = written.settle(done).await?;
    app.mail_wake.notify_one();
    Ok(status)
}

/// The transaction of [`act`], its files already stored.
async fn apply(app: &App, p: &Principal, code: &str, req: Request, files: &[DossierFile]) -> Result<Status, AppError> {
    let mut w = app.store.begin_write().await?;
    let mut d = w.dossier(code).await?.ok_or(AppError::NotFound)?;
    if !may_read(p, &d.state) {
        return Err(AppError::Forbidden);
    }
    // what its unpaid fees hold back, read in this transaction
    let owed = w.payments_of(d.id).await?;
    d.state.fees = crate::payments::holds(&owed);
    let documents = app.catalog.get().procedures.get(d.procedure_code.as_str()).map(|p| p.documents.len()).unwrap_or(0);
    // a part of the procedure, or the answer to a document the open request asked for
    let pending: Vec<usize> = d.state.pending_documents().into_iter().map(|(j, _)| SUPPLEMENT_PART_BASE + j).collect();
    let known = |i: usize| i < documents || pending.contains(&i);
    if let Some(f) = files.iter().find(|f| f.purpose == FilePurpose::Part && !known(f.part_index as usize)) {
        return Err(AppError::refused(Refusal::Unacceptable, "err.option", format!("part_{}", f.part_index)));
    }
    let issue = match &req {
        Request::ReturnResult { issue, .. } => Some(issue.clone()),
        _ => None,
    };
    let (cmd, note) = command(app, &mut w, &d, req, files).await?;
    let now = app.now();
    let next = app.with_rules(&d.procedure_code, |r| egov_dossier::apply(&d.state, p, &cmd, now, r))??;
    w.update_dossier(d.id, &next).await?;
    for f in files {
        w.add_dossier_file(d.id, f).await?;
    }
    if let Some(issue) = &issue {
        crate::results::register(app, &mut w, p, &d, code, issue).await?;
    }
    // a dossier that ended (withdrawn, refused, stopped) owes nothing more
    if next.status.is_final() {
        crate::payments::expire_unpaid(&mut w, p, &owed).await?;
    }
    let kind = EventKind::Command(cmd.kind());
    record(&mut w, p, &d, code, kind, &next, &note).await?;
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        format!("dossier.{}", kind.as_str()),
        format!("dossier:{code}"),
        Some(&d.state),
        Some(&next),
    ));
    w.commit().await?;
    Ok(next.status)
}

/// The step's history line and, as [`who_is_told`] says, the owner's message.
async fn record(
    w: &mut WriteTx,
    p: &Principal,
    d: &StoredDossier,
    code: &str,
    kind: EventKind,
    next: &egov_dossier::Dossier,
    note: &str,
) -> Result<(), AppError> {
    let at = w.now();
    w.add_dossier_event(EventRow {
        dossier_id: d.id,
        at,
        actor_id: Some(p.user_id),
        action: kind,
        from: d.state.status,
        to: next.status,
        note,
        due: next.due,
    })
    .await?;
    if let Some(user) = who_is_told(kind, d.state.status, d.state.owner, Some(p.user_id)) {
        w.notify(user, code, kind, note).await?;
    }
    Ok(())
}

/// The command a request becomes for this dossier, and its history note.
async fn command(
    app: &App,
    w: &mut WriteTx,
    d: &StoredDossier,
    req: Request,
    files: &[DossierFile],
) -> Result<(Command, String), AppError> {
    Ok(match req {
        Request::Accept => (Command::Accept, String::new()),
        Request::ReturnIncomplete { missing } => {
            let note = missing.join("; ");
            (Command::ReturnIncomplete { missing }, note)
        }
        Request::Assign { to } => {
            let bad = || AppError::refused(Refusal::Conflict, "err.dossier.bad_assignee", to.clone());
            let id = w.user_id_by_username(&to).await?.ok_or_else(bad)?;
            let who = app.store.principal(id).await?.ok_or_else(bad)?;
            let agency = who.agency_id.ok_or_else(bad)?;
            let to_whom = Assignee { user_id: id, agency, roles: who.roles };
            (Command::Assign { to: to_whom }, to)
        }
        Request::Forward { to_agency } => {
            (Command::Forward { to_agency: to_agency.clone() }, to_agency.map(|a| a.to_string()).unwrap_or_default())
        }
        Request::RequestSupplement { missing } => {
            let note = missing.join("; ");
            (Command::RequestSupplement { missing }, note)
        }
        Request::Resubmit => {
            // each document the request asked for comes with a file of its own
            let absent: Vec<FieldError> = d
                .state
                .pending_documents()
                .into_iter()
                .filter(|(j, _)| !files.iter().any(|f| f.part_index == (SUPPLEMENT_PART_BASE + j) as i64))
                .map(|(j, _)| FieldError::new(format!("requested_{j}"), "err.supplement.missing_file"))
                .collect();
            AppError::invalid(absent)?;
            // the history names the documents that came with it
            let note = files.iter().map(|f| f.file_name.as_str()).collect::<Vec<_>>().join("; ");
            (egov_dossier::resubmission(&d.state), note)
        }
        Request::Refuse { reason } => (Command::Refuse { reason: reason.clone() }, reason),
        Request::Withdraw { reason } => (Command::Withdraw { reason: reason.clone() }, reason),
        Request::Stop { reason } => (Command::Stop { reason: reason.clone() }, reason),
        Request::Approve => (Command::Approve, String::new()),
        Request::ReturnResult { paper, .. } => {
            let result = files.iter().find(|f| f.purpose == FilePurpose::Result);
            let note = result.map(|f| f.file_name.clone()).unwrap_or_default();
            (Command::ReturnResult { electronic: result.is_some(), paper }, note)
        }
        Request::Apologize { new_due, reason } => (Command::Apologize { new_due, reason: reason.clone() }, reason),
    })
}

/// Records the owner's rating of a finished dossier (once), in one transaction.
pub async fn rate(app: &App, p: &Principal, code: &str, scores: &[u8]) -> Result<(), AppError> {
    let rating = egov_dossier::Rating::new(scores)?;
    let mut w = app.store.begin_write().await?;
    let d = w.dossier(code).await?.ok_or(AppError::NotFound)?;
    let next = egov_dossier::rate(&d.state, p)?;
    w.update_dossier(d.id, &next).await?;
    w.add_rating(d.id, &rating).await?;
    record(&mut w, p, &d, code, EventKind::Rate, &next, &rating.total().to_string()).await?;
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        "dossier.rate",
        format!("dossier:{code}"),
        None::<&()>,
        Some(&rating),
    ));
    w.commit().await?;
    Ok(())
}

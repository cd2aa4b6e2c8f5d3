//! Filing: a citizen's draft or submission online, an official's receipt
//! at the counter.

use std::collections::BTreeMap;

use egov_catalog::{FieldKind, RequiredIdentity};
use egov_dossier::{Command, Dossier, DossierCode, EventKind, Status};
use egov_identity::{AgencyId, Assurance, Principal};
use egov_store::{DossierFile, EventRow, FilePurpose, NewDossier, StoreError, StoredDossier};

use crate::files::{self, Upload};
use crate::{App, AppError, FieldError, Refusal};

/// What a citizen files: a procedure at an agency, the form, the files; as
/// a draft or submitted; a new dossier or a draft continued.
pub struct Filing {
    pub procedure: String,
    pub agency: String,
    pub form: BTreeMap<String, String>,
    pub uploads: Vec<Upload>,
    pub draft: bool,
    /// The id of the citizen's draft this continues.
    pub continuing: Option<i64>,
    /// Parts taken from the citizen's store instead of uploaded: (part, the
    /// store's file id).
    pub reuse: Vec<(usize, i64)>,
}

/// A dossier filed: its row id (how a draft is found again), its code once
/// submitted, its status.
#[derive(Debug)]
pub struct Filed {
    pub id: i64,
    pub code: Option<DossierCode>,
    pub status: Status,
}

/// The citizen's own draft `id` of `procedure`: someone else's is
/// forbidden, another procedure's is not found, one already submitted is
/// refused as a wrong status.
pub async fn own_draft(app: &App, p: &Principal, id: i64, procedure: &str) -> Result<StoredDossier, AppError> {
    let d = app.store.dossier_by_id(id).await?.ok_or(AppError::NotFound)?;
    if d.state.owner != Some(p.user_id) {
        return Err(AppError::Forbidden);
    }
    if d.procedure_code.as_str() != procedure {
        return Err(AppError::NotFound);
    }
    if d.state.status != Status::Draft {
        return Err(AppError::refused(Refusal::Conflict, "err.dossier.status", ""));
    }
    Ok(d)
}

/// Whether `p` may file `proc` online: a procedure that needs a level 2
/// electronic identity refuses a level 1 one and a local password alike.
pub fn may_file(p: &Principal, proc: &egov_catalog::Procedure) -> Result<(), AppError> {
    if proc.identity == RequiredIdentity::Level2 && p.assurance() != Some(Assurance::Level2) {
        let has = p.assurance().map_or("none".to_string(), |a| format!("level {}", a.number()));
        return Err(AppError::refused(Refusal::NotPermitted, "err.signin.level2", format!("identity: {has}")));
    }
    Ok(())
}

/// A new application's form as far as the applicant's verified identity
/// fills it: the requester's own fields only (`applicant_id` with the
/// number a provider vouched for, a representative's for an organisation;
/// `applicant_name` with the name; `applicant_birth_date` with the date of
/// birth), never a spouse's, a child's or another party's.
pub async fn prefill(
    app: &App,
    p: &Principal,
    proc: &egov_catalog::Procedure,
) -> Result<BTreeMap<String, String>, AppError> {
    let mut out = BTreeMap::new();
    if p.signed_by.is_none() {
        return Ok(out);
    }
    let (number, birth) = match app.store.verified_person(p.user_id).await? {
        Some((n, b)) => (Some(n), b),
        None => (p.signed_by.as_ref().and_then(|s| s.person.clone()), None),
    };
    for f in &proc.form {
        let value = match (&f.kind, f.name.as_str()) {
            (FieldKind::CitizenId, "applicant_id") => number.clone(),
            (FieldKind::Date, "applicant_birth_date") => birth.clone(),
            (_, "applicant_name") => Some(p.full_name.clone()),
            _ => None,
        };
        if let Some(v) = value {
            out.insert(f.name.clone(), v);
        }
    }
    Ok(out)
}

/// Files a dossier for a citizen: checks the procedure, the agency, the
/// form and the files (every problem at its field), then saves a draft or
/// submits it (numbered, group-committed). Files are on disk before the row
/// that names them, and removed if that row is not written.
pub async fn file(app: &App, p: &Principal, filing: Filing) -> Result<Filed, AppError> {
    let Filing { procedure, agency, form, uploads, draft, continuing, reuse } = filing;
    let snap = app.catalog.get();
    let proc = snap
        .procedures
        .get(procedure.as_str())
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("procedure", "err.dossier.procedure")]))?;
    may_file(p, proc)?;
    // Continuing a draft: its files count, except those replaced now.
    let mut kept: Vec<DossierFile> = Vec::new();
    if let Some(id) = continuing {
        own_draft(app, p, id, &procedure).await?;
        kept = app.store.dossier_files(id).await?;
        kept.retain(|f| !uploads.iter().any(|u| u.part as i64 == f.part_index));
    }
    // every problem at once: the agency's, the form's, the files'
    let mut errs: Vec<FieldError> = Vec::new();
    if agency.trim().is_empty() {
        errs.push(FieldError::new("agency", "err.dossier.agency_required"));
    } else if !proc.agencies.contains(&agency) {
        errs.push(FieldError::new("agency", "err.dossier.not_offered"));
    }
    errs.extend(proc.check_form(&form).into_iter().map(|(f, k)| FieldError::new(format!("form.{f}"), k)));
    errs.extend(files::check(&uploads, proc.documents.len(), kept.iter().map(|f| f.size as usize).sum()));
    let sent: Vec<usize> = uploads.iter().map(|u| u.part).collect();
    let (reused, reuse_errs) = crate::results::reused(app, p, &reuse, proc.documents.len(), &sent).await?;
    errs.extend(reuse_errs);
    // a part taken from the store replaces the draft's file of that part too
    kept.retain(|f| !reused.iter().any(|r| r.part_index == f.part_index));
    let sent: Vec<usize> = sent.into_iter().chain(reused.iter().map(|f| f.part_index as usize)).collect();
    // every file is scanned (malware sent as another type is recorded too)
    // but one past the size limit, refused anyway and maybe past clamd's
    let uploads: Vec<Upload> = uploads.into_iter().filter(|u| u.bytes.len() <= egov_dossier::MAX_FILE).collect();
    let (uploads, infected) = files::scan(app, &format!("user:{}", p.user_id), uploads).await?;
    errs.extend(infected);
    if !draft {
        for (i, doc) in proc.documents.iter().enumerate() {
            let handed = sent.contains(&i) || kept.iter().any(|f| f.part_index == i as i64);
            if doc.mandatory && !handed {
                errs.push(FieldError::new(format!("parts[{i}]"), "err.file.missing"));
            }
        }
    }
    AppError::invalid(errs)?;
    let agency_id = AgencyId::parse(&agency)
        .map_err(|_| AppError::Invalid(vec![FieldError::new("agency", "err.dossier.not_offered")]))?;
    let state = Dossier::draft(p.user_id, &agency_id);
    let state = if draft {
        state
    } else {
        app.with_rules(&proc.code, |r| egov_dossier::apply(&state, p, &Command::Submit, app.now(), r))??
    };
    let uploads = uploads.into_iter().map(|u| (FilePurpose::Part, u)).collect();
    // The person the dossier is for, as the form names them (one may file for
    // someone else); the account's holder when the form has no name.
    let applicant = form
        .get("applicant_name")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| p.full_name.clone());
    // A draft's files are synced at once; a submission's with its batch.
    let written = files::write(&app.blobs, uploads, draft).await?;
    let mut handed: Vec<usize> =
        written.files.iter().chain(&kept).chain(&reused).map(|f| f.part_index as usize).collect();
    handed.sort_unstable();
    handed.dedup();
    let new = NewDossier {
        procedure_code: proc.code.clone(),
        applicant_name: applicant.clone(),
        applicant_folded: egov_catalog::search::fold(&applicant),
        applicant_id_number: form.get("applicant_id").cloned(),
        state: state.clone(),
        // The receipt (form 01) is in Vietnamese: the parts' Vietnamese names.
        parts: handed.into_iter().filter_map(|i| proc.documents.get(i)).map(|d| d.name_vi.clone()).collect(),
        draft: continuing,
        form_data: form,
        files: written.files.iter().chain(&reused).cloned().collect(),
        filed_by: p.signed_by.clone(),
        fees: if draft { Vec::new() } else { crate::payments::owed(proc) },
    };
    let filed = if draft { save_draft(app, p, new, continuing).await } else { submit(app, p, new).await };
    written.settle(filed).await
}

/// After a refused filing, keeps the uploads that were good by themselves
/// (a known part, of an accepted kind and size) in the citizen's draft, new
/// or continued, with the form as typed, so that nothing sent well is lost
/// to another field's mistake. Returns the draft's id and the parts it now
/// holds; none when no upload was good. A new draft's agency is the one
/// chosen if the procedure has it, else the procedure's first (provisional
/// until it is submitted).
pub async fn hold_uploads(app: &App, p: &Principal, filing: Filing) -> Result<Option<i64>, AppError> {
    let Filing { procedure, agency, form, uploads, continuing, .. } = filing;
    let snap = app.catalog.get();
    let Some(proc) = snap.procedures.get(procedure.as_str()) else { return Ok(None) };
    if may_file(p, proc).is_err() {
        return Ok(None);
    }
    let already: usize = match continuing {
        Some(id) => {
            own_draft(app, p, id, &procedure).await?;
            app.store.dossier_files(id).await?.iter().map(|f| f.size as usize).sum()
        }
        None => 0,
    };
    let mut good: Vec<Upload> = Vec::new();
    let mut total = already;
    for u in uploads {
        if files::check(std::slice::from_ref(&u), proc.documents.len(), total).is_empty() {
            total += u.bytes.len();
            good.push(u);
        }
    }
    // nothing infected is held (nor anything, should the scanner be down)
    let (good, _) = files::scan(app, &format!("user:{}", p.user_id), good).await?;
    if good.is_empty() {
        return Ok(None);
    }
    let agency =
        if proc.agencies.contains(&agency) { agency } else { proc.agencies.first().cloned().unwrap_or_default() };
    let Ok(agency_id) = AgencyId::parse(&agency) else { return Ok(None) };
    let applicant = form.get("applicant_name").map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let applicant = applicant.unwrap_or_else(|| p.full_name.clone());
    let written = files::write(&app.blobs, good.into_iter().map(|u| (FilePurpose::Part, u)).collect(), true).await?;
    let new = NewDossier {
        procedure_code: proc.code.clone(),
        applicant_folded: egov_catalog::search::fold(&applicant),
        applicant_name: applicant,
        applicant_id_number: form.get("applicant_id").cloned(),
        state: Dossier::draft(p.user_id, &agency_id),
        parts: Vec::new(),
        draft: continuing,
        form_data: form,
        files: written.files.clone(),
        filed_by: p.signed_by.clone(),
        fees: Vec::new(),
    };
    let filed = written.settle(save_draft(app, p, new, continuing).await).await?;
    Ok(Some(filed.id))
}

async fn save_draft(app: &App, p: &Principal, new: NewDossier, continuing: Option<i64>) -> Result<Filed, AppError> {
    let mut w = app.store.begin_write().await?;
    let id = match continuing {
        Some(id) => {
            w.fill_draft(id, &new, None, None).await.map_err(|e| match e {
                StoreError::NotFound => AppError::refused(Refusal::Conflict, "err.dossier.status", ""),
                e => e.into(),
            })?;
            id
        }
        None => {
            let id = w.insert_dossier(&new, None, None).await?;
            let at = w.now();
            w.add_dossier_event(EventRow {
                dossier_id: id,
                at,
                actor_id: Some(p.user_id),
                action: EventKind::Draft,
                from: Status::Draft,
                to: Status::Draft,
                note: "",
                due: None,
            })
            .await?;
            id
        }
    };
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        "dossier.draft",
        format!("draft:{id}"),
        None::<&()>,
        Some(&new.state),
    ));
    w.commit().await?;
    Ok(Filed { id, code: None, status: Status::Draft })
}

/// Group commit: answered once committed, with whatever else arrived together.
async fn submit(app: &App, p: &Principal, new: NewDossier) -> Result<Filed, AppError> {
    let status = new.state.status;
    let at = app.store.now();
    let (id, code) = app
        .store
        .submit_dossier(
            new,
            app.now().date(),
            p.user_id,
            EventKind::Command(egov_dossier::CommandKind::Submit),
            Some(app.blobs.clone()),
            at,
        )
        .await?;
    app.mail_wake.notify_one();
    Ok(Filed { id, code: Some(code), status })
}

/// A dossier handed in on paper at the one-stop desk.
pub struct CounterFiling {
    pub procedure: String,
    /// The citizen's 12-digit ID number: found, or an account created for them.
    pub citizen_id: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub form: BTreeMap<String, String>,
    /// Indexes of the procedure's document parts handed in.
    pub parts: Vec<u32>,
}

/// Records a dossier handed in at the counter by a receiving officer:
/// accepted at once, numbered, its deadline started. The citizen's account
/// (found or created) and the dossier are one transaction.
pub async fn file_at_counter(
    app: &App,
    p: &Principal,
    input: CounterFiling,
) -> Result<(DossierCode, Dossier), AppError> {
    let agency = p.agency_id.clone().ok_or(AppError::Forbidden)?;
    let snap = app.catalog.get();
    let mut errs: Vec<FieldError> = Vec::new();
    let year = chrono::Datelike::year(&app.now());
    let cid = egov_identity::CitizenId::parse(&input.citizen_id, year)
        .map_err(|e| errs.push(FieldError::new("citizen_id", e.key())))
        .ok();
    let name = input.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > egov_identity::MAX_NAME {
        errs.push(FieldError::new("full_name", "err.required"));
    }
    let Some(proc) = snap.procedures.get(input.procedure.as_str()) else {
        return Err(AppError::Invalid(vec![FieldError::new("procedure", "err.dossier.procedure")]));
    };
    if !proc.agencies.iter().any(|a| agency == *a) {
        errs.push(FieldError::new("procedure", "err.dossier.not_offered"));
    }
    errs.extend(proc.check_form(&input.form).into_iter().map(|(f, k)| FieldError::new(format!("form.{f}"), k)));
    for (i, doc) in proc.documents.iter().enumerate() {
        if doc.mandatory && !input.parts.iter().any(|p| *p as usize == i) {
            errs.push(FieldError::new(format!("parts[{i}]"), "err.dossier.part_missing"));
        }
    }
    if input.parts.iter().any(|i| *i as usize >= proc.documents.len()) {
        errs.push(FieldError::new("parts", "err.option"));
    }
    let (Some(cid), true) = (cid, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let now = app.now();
    let mut w = app.store.begin_write().await?;
    let (owner, created) = w.find_or_create_citizen(cid.as_str(), &name, input.phone.as_deref()).await?;
    let d = app.with_rules(&proc.code, |r| egov_dossier::receive_at_counter(p, &agency, owner, now, r))??;
    if created {
        w.audit(egov_audit::Event::new(
            format!("user:{}", p.user_id),
            "citizen.create_at_counter",
            format!("user:{owner}"),
            None::<&()>,
            None::<&()>,
        ));
    }
    let new = NewDossier {
        procedure_code: proc.code.clone(),
        applicant_name: name.clone(),
        applicant_folded: egov_catalog::search::fold(&name),
        applicant_id_number: Some(cid.as_str().to_string()),
        state: d.clone(),
        form_data: input.form,
        parts: input
            .parts
            .iter()
            .filter_map(|i| proc.documents.get(*i as usize))
            .map(|doc| doc.name_vi.clone())
            .collect(),
        files: Vec::new(),
        draft: None,
        filed_by: None,
        fees: crate::payments::owed(proc),
    };
    let at = w.now();
    let (id, code) = w.file_submission(&new, now.date(), at, Some(p.user_id), EventKind::ReceiveAtCounter).await?;
    // a fee due with the application is taken at the desk as it is received
    let by = format!("user:{}", p.user_id);
    for k in w.payments_of(id).await? {
        if k.fee.due == egov_catalog::FeeDue::AtSubmission {
            let counter = Some(egov_payments::payment::Method::Counter);
            crate::payments::settle(&mut w, &k, egov_payments::payment::State::Paid, counter, None, None, &by).await?;
        }
    }
    w.commit().await?;
    app.mail_wake.notify_one();
    Ok((code, d))
}

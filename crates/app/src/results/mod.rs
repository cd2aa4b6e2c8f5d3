//! Issued results and the citizen's store of documents (issue 22).
//!
//! A result is registered by [`register`] inside the transaction that
//! returns it; officials search the registry of their agency ([`search`]);
//! anyone checks a paper's authenticity by its number and printed code
//! ([`check`]), and sees only what the holder shows by handing it over. A
//! citizen's store ([`documents`]) holds their results' electronic copies
//! and the parts of their dossiers an official checked against the
//! originals ([`mark_digitised`]); filing takes a part from it
//! ([`reused`]) instead of an upload.

use chrono::NaiveDate;
use egov_identity::{Action, Principal};
use egov_results::{CheckCode, IssueInput, Standing};
use egov_store::results::{KeptResult, NewResult, ResultSearch, StoredDocument};
use egov_store::{DossierFile, StoredDossier, WriteTx};

use crate::{App, AppError, FieldError, Refusal};

/// Registers the result a dossier is returned with, in the returning
/// transaction: the particulars as the official typed them (defaults: the
/// procedure's name, the dossier's code), the electronic copy if one came,
/// a fresh check code. A number the agency has issued already is refused.
pub(crate) async fn register(
    app: &App,
    w: &mut WriteTx,
    p: &Principal,
    d: &StoredDossier,
    code: &str,
    input: &IssueInput,
) -> Result<(), AppError> {
    let snap = app.catalog.get();
    let default_type = snap.procedures.get(d.procedure_code.as_str()).map(|x| x.name_vi.clone()).unwrap_or_default();
    let issue = input
        .check(app.now().date(), &default_type, code)
        .map_err(|errs| AppError::Invalid(errs.into_iter().map(|e| FieldError::new(e.field, e.key)).collect()))?;
    let agency = d.state.receiving_agency.as_str();
    if w.result_number_taken(agency, &issue.number).await? {
        return Err(AppError::refused(Refusal::Conflict, "err.results.number_taken", issue.number));
    }
    let mut bytes = [0u8; egov_results::CODE_LEN];
    getrandom::getrandom(&mut bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    let check_code = CheckCode::from_random(bytes);
    let file_id = w.latest_result_file(d.id).await?;
    let folded = egov_catalog::search::fold(&d.applicant_name);
    w.register_result(&NewResult {
        dossier_id: d.id,
        dossier_code: code,
        file_id,
        issue: &issue,
        agency,
        holder_name: &d.applicant_name,
        holder_folded: &folded,
        holder_user: d.state.owner,
        check_code: &check_code,
        issued_by: p.user_id,
    })
    .await
    .map_err(|e| match e {
        // the same number registered by a concurrent return that committed first
        egov_store::StoreError::Conflict(_) => {
            AppError::refused(Refusal::Conflict, "err.results.number_taken", issue.number.clone())
        }
        e => e.into(),
    })?;
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        "result.issued",
        format!("dossier:{code}"),
        None::<&()>,
        Some(&issue),
    ));
    Ok(())
}

/// What the public check shows of a result: what the paper says, the
/// holder's name masked, whether it is in force today.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicResult {
    pub doc_type: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub agency: String,
    pub agency_name: String,
    pub holder: String,
    pub valid_until: Option<NaiveDate>,
    pub standing: Standing,
}

/// Checks a result by its number and the code printed on it: `None` when
/// no result has both (a wrong code says no more than an unknown number).
pub async fn check(app: &App, number: &str, code: &str) -> Result<Option<PublicResult>, AppError> {
    let (number, Some(code)) = (number.trim(), CheckCode::parse(code)) else { return Ok(None) };
    if number.is_empty() {
        return Ok(None);
    }
    let Some(k) = app.store.issued_result_checked(number, &code).await? else { return Ok(None) };
    let agency_name = app.store.agency(&k.agency).await?.map_or_else(|| k.agency.clone(), |a| a.name_vi);
    Ok(Some(PublicResult {
        standing: k.issue.standing(app.now().date()),
        doc_type: k.issue.doc_type,
        number: k.issue.number,
        issued_on: k.issue.issued_on,
        agency: k.agency,
        agency_name,
        holder: egov_results::masked_name(&k.holder_name),
        valid_until: k.issue.valid_until,
    }))
}

/// The agency whose registry `p` searches (none: every agency's, for a
/// system administrator); citizens search none.
fn scope(p: &Principal) -> Result<Option<String>, AppError> {
    if p.is_system_admin() {
        return Ok(None);
    }
    match p.agency_id.as_ref() {
        Some(a) if p.may(Action::ReadAgency(a.as_str())) => Ok(Some(a.as_str().to_string())),
        _ => Err(AppError::Forbidden),
    }
}

/// A page (from 1) of the registry `p` may read, newest first, narrowed by
/// a number, a dossier code or part of the holder's name; and how many match.
pub async fn search(
    app: &App,
    p: &Principal,
    q: &str,
    page: u32,
    size: u32,
) -> Result<(Vec<KeptResult>, i64), AppError> {
    let agency = scope(p)?;
    let folded = egov_catalog::search::fold(q);
    let size = i64::from(size.clamp(1, 200));
    let s = ResultSearch {
        agency: agency.as_deref(),
        raw: q,
        folded: &folded,
        limit: size,
        offset: i64::from(page.max(1) - 1) * size,
    };
    Ok(app.store.issued_results(&s).await?)
}

/// One registered result, for its holder or an official of its agency.
pub async fn one(app: &App, p: &Principal, id: i64) -> Result<KeptResult, AppError> {
    let k = app.store.issued_result(id).await?.ok_or(AppError::NotFound)?;
    let holder = k.holder_user == Some(p.user_id);
    if !(holder || p.may(Action::ReadAgency(&k.agency))) {
        return Err(AppError::NotFound);
    }
    Ok(k)
}

/// The signed-in citizen's store of documents.
pub async fn documents(app: &App, p: &Principal) -> Result<Vec<StoredDocument>, AppError> {
    if !p.is_applicant() {
        return Err(AppError::Forbidden);
    }
    Ok(app.store.documents_of(p.user_id).await?)
}

/// Marks the document part `file` of dossier `code` checked against its
/// original, by `p`, now; audited, and the dossier's share of the quality
/// index follows. A file that is not one of the dossier's own parts is not
/// found; one marked already is a conflict.
pub async fn mark_digitised(app: &App, p: &Principal, code: &str, file: i64) -> Result<(), AppError> {
    // read first; the guarded update below decides against a concurrent mark
    let d = app.store.dossier(code).await?.ok_or(AppError::NotFound)?;
    if !p.may(Action::DigitiseParts(d.state.receiving_agency.as_str())) {
        return Err(if crate::dossiers::may_read(p, &d.state) { AppError::Forbidden } else { AppError::NotFound });
    }
    let files = app.store.dossier_files(d.id).await?;
    let f = files.iter().find(|f| f.id == file && f.purpose == egov_store::FilePurpose::Part);
    let Some(f) = f else { return Err(AppError::NotFound) };
    let already = || AppError::refused(Refusal::Conflict, "err.results.digitised_already", f.file_name.clone());
    if f.is_digitised() {
        return Err(already());
    }
    let mut w = app.store.begin_write().await?;
    if !w.mark_digitised(d.id, file, p.user_id).await? {
        return Err(already());
    }
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        "dossier.part_digitised",
        format!("dossier:{code}"),
        None::<&()>,
        Some(&serde_json::json!({"file": file, "part": f.part_index, "sha256": f.sha256})),
    ));
    w.commit().await?;
    Ok(())
}

/// The parts a filing takes from the citizen's store, as copies for the
/// new dossier (the same bytes, naming the file they came from); every
/// choice that is not a document of the store, or not a part of the
/// procedure, is said at its part. A part uploaded as well is taken from
/// the upload; a part chosen twice, from its first choice.
pub(crate) async fn reused(
    app: &App,
    p: &Principal,
    choices: &[(usize, i64)],
    parts: usize,
    uploaded: &[usize],
) -> Result<(Vec<DossierFile>, Vec<FieldError>), AppError> {
    if choices.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let store = app.store.documents_of(p.user_id).await?;
    let (mut files, mut errs) = (Vec::new(), Vec::new());
    for &(part, id) in choices {
        // an upload for the part wins; a part named twice takes its first choice
        if uploaded.contains(&part) || files.iter().any(|f: &DossierFile| f.part_index == part as i64) {
            continue;
        }
        let Some(doc) = store.iter().find(|d| d.file.id == id).filter(|_| part < parts) else {
            errs.push(FieldError::new(format!("parts[{part}]"), "err.results.not_in_store"));
            continue;
        };
        files.push(DossierFile {
            id: 0,
            purpose: egov_store::FilePurpose::Part,
            part_index: part as i64,
            reused_from: Some(doc.file.id),
            digitised: None,
            ..doc.file.clone()
        });
    }
    Ok((files, errs))
}

//! The dossier lifecycle through `/api/v1/dossiers` (issue 4, first part):
//! submission with a gap-free code, actions checked by the domain's state
//! machine, the owner's and officials' view, and the public status.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDateTime;
use egov_calendar::Span;
use egov_catalog::TimeUnit;
use egov_dossier::{apply, Assignee, Command, Dossier, DossierCode, Rules};
use egov_i18n::t;
use egov_identity::{AccountKind, Principal};
use egov_store::NewDossier;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{problem_response, ProblemField};
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/dossiers",
            post(create)
                .get(list)
                .layer(axum::extract::DefaultBodyLimit::max(egov_dossier::MAX_DOSSIER_FILES + 1024 * 1024)),
        )
        .route("/api/v1/counter/dossiers", post(counter))
        .route("/api/v1/dossiers/{code}", get(read))
        .route("/api/v1/dossiers/{code}/status", get(status))
        .route(
            "/api/v1/dossiers/{code}/actions",
            post(act).layer(axum::extract::DefaultBodyLimit::max(egov_dossier::MAX_FILE + 1024 * 1024)),
        )
        .route("/api/v1/dossiers/{code}/files/{id}", get(file))
        .route("/api/v1/dossiers/{code}/rating", post(rate_api))
        .route("/api/v1/dossiers/{code}/receipt.pdf", get(receipt_pdf))
        .route("/api/v1/dossiers/{code}/forms/{form}", get(form_pdf))
        .route("/tra-cuu", get(lookup_page))
        .route("/tra-cuu/{code}", get(lookup_code))
}

/// Now, on the clock of Vietnam (UTC+7), which dates codes and deadlines.
pub fn now_vn() -> NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(7)).naive_utc()
}

pub fn micros_to_vn(m: i64) -> String {
    chrono::DateTime::from_timestamp_micros(m)
        .map(|d| (d + chrono::Duration::hours(7)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[derive(Deserialize, ToSchema)]
pub struct CreateDossier {
    /// The procedure's code.
    #[schema(example = "1.000894")]
    procedure: String,
    /// The agency to file with (one of the procedure's agencies).
    #[schema(example = "H72.50.01")]
    agency: String,
    /// The application form's values, by field name.
    #[serde(default)]
    form: BTreeMap<String, String>,
    /// Save as a draft (no code yet) instead of submitting.
    #[serde(default)]
    draft: bool,
    /// Continue this draft of yours (saved again, or submitted), instead of
    /// starting a new dossier; files given replace its files of the same parts.
    #[serde(default)]
    draft_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    /// The dossier code; absent for a draft.
    code: Option<String>,
    /// A draft's id, to continue it (`draft_id` of a later `POST /api/v1/dossiers`).
    #[serde(skip_serializing_if = "Option::is_none")]
    draft_id: Option<i64>,
    status: String,
    national_status: Option<u8>,
}

fn field_problem(ctx: &Ctx, errs: Vec<(String, &'static str)>) -> Response {
    let fields =
        errs.into_iter().map(|(p, k)| ProblemField { pointer: p, detail: t(ctx.lang, k).to_string() }).collect();
    problem_response(StatusCode::UNPROCESSABLE_ENTITY, t(ctx.lang, "form.has_errors"), None, fields)
}

/// Files a dossier (citizens): answered only once it is committed.
#[utoipa::path(post, path = "/api/v1/dossiers", request_body = CreateDossier, security(("bearer" = [])), responses((status = 201, body = Created), (status = 404, body = crate::error::Problem, description = "no draft of yours with that `draft_id`"), (status = 422, body = crate::error::Problem, description = "the procedure and agency, the form or the files break a rule; `errors` points at each")))]
pub async fn create(State(state): State<AppState>, ctx: Ctx, req: axum::extract::Request) -> Response {
    let r = async {
        let p = ctx.api_principal()?.clone();
        if p.kind != AccountKind::Citizen {
            return Err(WebError::Forbidden);
        }
        let (req, uploads) = if is_multipart(&req) {
            read_multipart(req).await?
        } else {
            let body =
                axum::body::to_bytes(req.into_body(), crate::BODY_LIMIT).await.map_err(|_| WebError::TooLarge)?;
            let r: CreateDossier = serde_json::from_slice(&body).map_err(|e| WebError::BadRequest(e.to_string()))?;
            (r, Vec::new())
        };
        let filed = match file_dossier(
            &state,
            &p,
            Filing {
                procedure: req.procedure,
                agency: req.agency,
                form: req.form,
                uploads,
                draft: req.draft,
                continuing: req.draft_id,
            },
        )
        .await?
        {
            Ok(done) => done,
            Err(errs) => return Ok(field_problem(&ctx, errs)),
        };
        let body = Created {
            draft_id: filed.code.is_none().then_some(filed.id),
            code: filed.code.map(|c| c.to_string()),
            status: filed.status.as_str().into(),
            national_status: filed.status.national_code(),
        };
        Ok((StatusCode::CREATED, Json(body)).into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// Files a dossier for a citizen: checks the procedure, the agency and the
/// form, then saves a draft or submits (numbered, group-committed). Field
/// errors come back by name (`procedure`, `agency`, `form.<field>`).
/// A file as it was uploaded: the document part it is for, its name, its bytes.
pub struct Upload {
    pub part: usize,
    pub name: String,
    pub bytes: Vec<u8>,
}

pub async fn file_dossier(
    state: &AppState,
    p: &Principal,
    filing: Filing,
) -> Result<Result<Filed, Vec<(String, &'static str)>>, WebError> {
    let Filing { procedure, agency, form, uploads, draft, continuing } = filing;
    let (procedure, agency) = (procedure.as_str(), agency.as_str());
    let snap = state.catalog.get();
    let Some(proc) = snap.procedures.get(procedure) else {
        return Ok(Err(vec![("procedure".into(), "err.dossier.procedure")]));
    };
    // Continuing a draft: it must be this citizen's, still a draft, of this
    // procedure; its files count, except those replaced now.
    let mut kept: Vec<egov_store::DossierFile> = Vec::new();
    if let Some(id) = continuing {
        own_draft(state, p, id, procedure).await?;
        kept = state.store.dossier_files(id).await?;
        kept.retain(|f| !uploads.iter().any(|u| u.part as i64 == f.part_index));
    }
    if !proc.agencies.iter().any(|a| a == agency) {
        return Ok(Err(vec![("agency".into(), "err.dossier.not_offered")]));
    }
    let mut errs: Vec<(String, &'static str)> =
        proc.check_form(&form).into_iter().map(|(f, k)| (format!("form.{f}"), k)).collect();
    // Attachments: a known part, a PDF, JPEG or PNG by content, within the limits.
    let mut total: usize = kept.iter().map(|f| f.size as usize).sum();
    for u in &uploads {
        total += u.bytes.len();
        if u.part >= proc.documents.len() {
            errs.push((format!("parts[{}]", u.part), "err.option"));
        } else if u.bytes.len() > egov_dossier::MAX_FILE {
            errs.push((format!("parts[{}]", u.part), "err.file.too_big"));
        } else if egov_dossier::sniff(&u.bytes).is_none() {
            errs.push((format!("parts[{}]", u.part), "err.file.type"));
        }
    }
    if total > egov_dossier::MAX_DOSSIER_FILES {
        errs.push(("parts".into(), "err.file.total"));
    }
    if !draft {
        for (i, doc) in proc.documents.iter().enumerate() {
            if doc.mandatory && !uploads.iter().any(|u| u.part == i) && !kept.iter().any(|f| f.part_index == i as i64) {
                errs.push((format!("parts[{i}]"), "err.file.missing"));
            }
        }
    }
    if !errs.is_empty() {
        return Ok(Err(errs));
    }
    // Each file is on disk, and synced (with the rest of its batch) before the
    // dossier is written; if the dossier is not written, its files are
    // removed: nothing orphaned.
    let blobs = state.blobs.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for u in uploads {
            match blobs.put_unsynced(&u.bytes) {
                Ok(b) => out.push((u, b)),
                Err(e) => {
                    for (_, b) in &out {
                        blobs.delete(&b.key);
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    let keys: Vec<String> = stored.iter().map(|(_, b)| b.key.clone()).collect();
    let files = stored
        .into_iter()
        .map(|(u, b)| egov_store::DossierFile {
            id: 0,
            purpose: egov_store::FilePurpose::Part,
            part_index: u.part as i64,
            content_type: egov_dossier::sniff(&u.bytes).unwrap_or("application/octet-stream").to_string(),
            file_name: file_name_for(&u.name, egov_dossier::sniff(&u.bytes).unwrap_or("")),
            size: b.size as i64,
            sha256: b.sha256,
            blob_key: b.key,
        })
        .collect();
    let result = file_with(state, p, proc, agency, form, files, &kept, draft, continuing).await;
    if result.is_err() {
        for k in &keys {
            state.blobs.delete(k);
        }
    }
    result.map(Ok)
}

/// The citizen's own draft `id` of `procedure`: someone else's is
/// forbidden, another procedure's is not found, one already submitted is
/// refused as a wrong status.
pub(crate) async fn own_draft(
    state: &AppState,
    p: &Principal,
    id: i64,
    procedure: &str,
) -> Result<egov_store::StoredDossier, WebError> {
    let d = state.store.dossier_by_id(id).await?.ok_or(WebError::NotFound)?;
    if d.state.owner != Some(p.user_id) {
        return Err(WebError::Forbidden);
    }
    if d.procedure_code != procedure {
        return Err(WebError::NotFound);
    }
    if d.state.status != egov_dossier::Status::Draft {
        return Err(WebError::Domain("err.dossier.status", String::new()));
    }
    Ok(d)
}

/// A dossier filed: its row id (how a draft is found again), its code once
/// submitted, its status.
pub struct Filed {
    pub id: i64,
    pub code: Option<DossierCode>,
    pub status: egov_dossier::Status,
}

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
}

#[allow(clippy::too_many_arguments)]
async fn file_with(
    state: &AppState,
    p: &Principal,
    proc: &egov_catalog::Procedure,
    agency: &str,
    form: BTreeMap<String, String>,
    files: Vec<egov_store::DossierFile>,
    kept: &[egov_store::DossierFile],
    draft: bool,
    continuing: Option<i64>,
) -> Result<Filed, WebError> {
    let now = state.settings.clock.now();
    let first = Dossier::draft(p.user_id, agency);
    let state_now = if draft { first } else { run(state, &proc.code, &first, p, &Command::Submit, now)? };
    let new = NewDossier {
        procedure_code: proc.code.clone(),
        applicant_name: p.full_name.clone(),
        applicant_folded: egov_catalog::search::fold(&p.full_name),
        applicant_id_number: form.get("applicant_id").cloned(),
        state: state_now.clone(),
        parts: {
            let mut handed: Vec<usize> = files.iter().chain(kept).map(|f| f.part_index as usize).collect();
            handed.sort_unstable();
            handed.dedup();
            handed.into_iter().filter_map(|i| proc.documents.get(i)).map(|d| d.name_vi.clone()).collect()
        },
        draft: continuing,
        form_data: form,
        files,
    };
    let actor = format!("user:{}", p.user_id);
    let (id, code) = if draft {
        if !new.files.is_empty() {
            let blobs = state.blobs.clone();
            tokio::task::spawn_blocking(move || blobs.sync())
                .await
                .map_err(|e| WebError::Internal(e.to_string()))??;
        }
        let mut w = state.store.begin_write().await?;
        let id = match continuing {
            Some(id) => {
                w.fill_draft(id, &new, None, None).await.map_err(|e| match e {
                    egov_store::StoreError::NotFound => WebError::Domain("err.dossier.status", String::new()),
                    e => e.into(),
                })?;
                id
            }
            None => {
                let id = w.insert_dossier(&new, None, None).await?;
                w.add_dossier_event(egov_store::EventRow {
                    dossier_id: id,
                    at: state.settings.clock.now_micros(),
                    actor_id: Some(p.user_id),
                    action: "draft",
                    from: egov_dossier::Status::Draft,
                    to: state_now.status,
                    note: "",
                    due: None,
                })
                .await?;
                id
            }
        };
        w.audit(egov_audit::Event::new(actor, "dossier.draft", format!("dossier#{id}"), None::<&()>, Some(&state_now)));
        w.commit().await?;
        (id, None)
    } else {
        // Group commit: answered once committed, with whatever else arrived together.
        let (id, code) = state
            .store
            .submit_dossier(
                new,
                now.date(),
                p.user_id,
                "submit",
                Some(state.blobs.clone()),
                state.settings.clock.now_micros(),
            )
            .await?;
        state.mail_wake.notify_one();
        (id, Some(code))
    };
    Ok(Filed { id, code, status: state_now.status })
}

#[derive(Deserialize, ToSchema)]
pub struct CounterDossier {
    #[schema(example = "1.000894")]
    procedure: String,
    /// The citizen's 12-digit ID number: found, or an account created for them.
    #[schema(pattern = "^[0-9]{12}$", example = "072090001234")]
    citizen_id: String,
    #[schema(min_length = 1, max_length = 200, example = "Nguyễn Văn Dân")]
    full_name: String,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    #[schema(example = json!({"applicant_name": "Nguyễn Văn Dân", "applicant_id": "072090001234", "address": "Phường Tân Ninh"}))]
    form: BTreeMap<String, String>,
    /// Indexes of the procedure's document parts handed in on paper.
    #[serde(default)]
    #[schema(example = json!([0, 1]))]
    parts: Vec<u32>,
}

/// Records a dossier handed in at the one-stop desk (receiving officers):
/// accepted at once, numbered, its deadline started.
#[utoipa::path(post, path = "/api/v1/counter/dossiers", request_body = CounterDossier, security(("bearer" = [])), responses((status = 201, body = Created), (status = 422, body = crate::error::Problem, description = "the procedure, the ID number (its province and century digits), the form or the parts break a rule; `errors` points at each")))]
pub async fn counter(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let r = async {
        let p = ctx.api_principal()?.clone();
        let req: CounterDossier = serde_json::from_slice(&body).map_err(|e| WebError::BadRequest(e.to_string()))?;
        let agency = p.agency_id.clone().ok_or(WebError::Forbidden)?;
        let snap = state.catalog.get();
        let mut errs: Vec<(String, &'static str)> = Vec::new();
        let year = chrono::Datelike::year(&state.settings.clock.now());
        let cid = egov_identity::CitizenId::parse(&req.citizen_id, year)
            .map_err(|e| errs.push(("citizen_id".into(), e.key())))
            .ok();
        let name = req.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > egov_identity::MAX_NAME {
            errs.push(("full_name".into(), "err.required"));
        }
        let Some(proc) = snap.procedures.get(&req.procedure) else {
            return Ok(field_problem(&ctx, vec![("procedure".into(), "err.dossier.procedure")]));
        };
        if !proc.agencies.iter().any(|a| a == &agency) {
            errs.push(("procedure".into(), "err.dossier.not_offered"));
        }
        errs.extend(proc.check_form(&req.form).into_iter().map(|(f, k)| (format!("form.{f}"), k)));
        for (i, doc) in proc.documents.iter().enumerate() {
            if doc.mandatory && !req.parts.iter().any(|p| *p as usize == i) {
                errs.push((format!("parts[{i}]"), "err.dossier.part_missing"));
            }
        }
        if req.parts.iter().any(|i| *i as usize >= proc.documents.len()) {
            errs.push(("parts".into(), "err.option"));
        }
        let (Some(cid), true) = (cid, errs.is_empty()) else {
            return Ok(field_problem(&ctx, errs));
        };
        let mut w = state.store.begin_write().await?;
        let (owner, created) = w.find_or_create_citizen(cid.as_str(), &name, req.phone.as_deref()).await?;
        if created {
            w.audit(egov_audit::Event::new(
                format!("user:{}", p.user_id),
                "citizen.create_at_counter",
                format!("user:{owner}"),
                None::<&()>,
                None::<&()>,
            ));
        }
        w.commit().await?;
        let now = state.settings.clock.now();
        let (time, steps) = procedure_rules(&state, &proc.code)?;
        let cal = state.calendar.get();
        let rules =
            Rules { calendar: &cal.1, processing_time: time, steps, max_extension: state.settings.max_extension };
        let d = egov_dossier::receive_at_counter(&p, &agency, owner, now, &rules)
            .map_err(|e| WebError::Domain(e.key(), e.to_string()))?;
        // The receipt (form 01) is in Vietnamese: keep the parts' Vietnamese names.
        let parts =
            req.parts.iter().filter_map(|i| proc.documents.get(*i as usize)).map(|doc| doc.name_vi.clone()).collect();
        let new = NewDossier {
            procedure_code: proc.code.clone(),
            applicant_name: name.clone(),
            applicant_folded: egov_catalog::search::fold(&name),
            applicant_id_number: Some(cid.as_str().to_string()),
            state: d.clone(),
            form_data: req.form,
            parts,
            files: Vec::new(),
            draft: None,
        };
        let (_, code) = state
            .store
            .submit_dossier(new, now.date(), p.user_id, "receive_at_counter", None, state.settings.clock.now_micros())
            .await?;
        state.mail_wake.notify_one();
        Ok((
            StatusCode::CREATED,
            Json(Created {
                code: Some(code.to_string()),
                draft_id: None,
                status: d.status.as_str().into(),
                national_status: d.status.national_code(),
            }),
        )
            .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// Whether a request carries `multipart/form-data`.
pub(crate) fn is_multipart(req: &axum::extract::Request) -> bool {
    req.headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// Reads a multipart body: its text fields by name, and its non-empty files
/// by field name (`part` is 0; callers that number parts read the name).
pub(crate) async fn read_parts(
    req: axum::extract::Request,
) -> Result<(HashMap<String, String>, HashMap<String, Upload>), WebError> {
    use axum::extract::FromRequest;
    // A body cut off by the route's limit is "too large", naming the limits,
    // not a malformed body.
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::UploadTooLarge
        } else {
            WebError::BadRequest(e.body_text())
        }
    };
    let mut mp =
        axum::extract::Multipart::from_request(req, &()).await.map_err(|e| WebError::BadRequest(e.to_string()))?;
    let (mut fields, mut files) = (HashMap::new(), HashMap::new());
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(|f| crate::clean::text(f).into_owned());
        let bytes = field.bytes().await.map_err(refused)?;
        match file_name {
            Some(f) if !bytes.is_empty() => {
                files.insert(name, Upload { part: 0, name: f, bytes: bytes.to_vec() });
            }
            Some(_) => {}
            None => {
                fields.insert(name, crate::clean::text(&String::from_utf8_lossy(&bytes)).into_owned());
            }
        }
    }
    Ok((fields, files))
}

/// Reads a multipart submission: the part `dossier` (the JSON of
/// [`CreateDossier`]) and files named `part_<index>`.
async fn read_multipart(req: axum::extract::Request) -> Result<(CreateDossier, Vec<Upload>), WebError> {
    let (fields, mut files) = read_parts(req).await?;
    let json = match fields.get("dossier") {
        Some(text) => text.clone().into_bytes(),
        None => files.remove("dossier").map(|u| u.bytes).unwrap_or_default(),
    };
    // JSON in a part enters as a JSON body does: its escapes cleaned too
    let json = crate::clean::json(&json).unwrap_or(json);
    if json.is_empty() {
        return Err(WebError::BadRequest("the part 'dossier' is missing".into()));
    }
    let dossier = serde_json::from_slice::<CreateDossier>(&json).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let mut uploads: Vec<Upload> = files
        .into_iter()
        .filter_map(|(name, u)| Some(Upload { part: name.strip_prefix("part_")?.parse().ok()?, ..u }))
        .collect();
    uploads.sort_by_key(|u| u.part);
    Ok((dossier, uploads))
}

/// The procedure's processing time and number of process steps.
fn procedure_rules(state: &AppState, procedure: &str) -> Result<(Span, usize), WebError> {
    let snap = state.catalog.get();
    let p = snap.procedures.get(procedure).ok_or(WebError::NotFound)?;
    let time = match p.processing_time.unit {
        TimeUnit::WorkingDays => Span::WorkingDays(p.processing_time.amount),
        TimeUnit::WorkingHours => Span::WorkingHours(p.processing_time.amount),
    };
    Ok((time, p.process.len().max(2)))
}

/// What the state machine lets `who` do to the dossier now (what the
/// pages offer), with the procedure's rules.
pub(crate) fn available(
    state: &AppState,
    d: &egov_store::StoredDossier,
    who: &Principal,
) -> Vec<egov_dossier::CommandKind> {
    let Ok((time, steps)) = procedure_rules(state, &d.procedure_code) else { return Vec::new() };
    let cal = state.calendar.get();
    let rules = Rules { calendar: &cal.1, processing_time: time, steps, max_extension: state.settings.max_extension };
    egov_dossier::available_commands(&d.state, who, state.settings.clock.now(), &rules)
}

/// A dossier's form values under their labels in `lang` (the field's name
/// when the procedure no longer has it).
pub(crate) fn form_lines(
    state: &AppState,
    d: &egov_store::StoredDossier,
    lang: egov_i18n::Lang,
) -> Vec<(String, String)> {
    let snap = state.catalog.get();
    let fields = snap.procedures.get(&d.procedure_code).map(|p| &p.form);
    d.form_data
        .iter()
        .map(|(name, value)| {
            let label = fields
                .and_then(|fs| fs.iter().find(|f| &f.name == name))
                .map(|f| if lang == egov_i18n::Lang::En { f.label_en.clone() } else { f.label_vi.clone() })
                .unwrap_or_else(|| name.clone());
            (label, value.clone())
        })
        .collect()
}

/// Runs the state machine with the procedure's rules and the current calendar.
fn run(
    state: &AppState,
    procedure: &str,
    d: &Dossier,
    who: &Principal,
    cmd: &Command,
    now: NaiveDateTime,
) -> Result<Dossier, WebError> {
    let (time, steps) = procedure_rules(state, procedure)?;
    let cal = state.calendar.get();
    let rules = Rules { calendar: &cal.1, processing_time: time, steps, max_extension: state.settings.max_extension };
    apply(d, who, cmd, now, &rules).map_err(|e| WebError::Domain(e.key(), e.to_string()))
}

#[derive(Serialize, ToSchema)]
pub struct EventView {
    at: String,
    action: String,
    from: String,
    to: String,
    note: String,
    due: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DossierView {
    code: String,
    procedure: String,
    applicant_name: String,
    status: String,
    national_status: Option<u8>,
    receiving_agency: String,
    current_agency: String,
    due: Option<String>,
    supplements: u32,
    form: BTreeMap<String, String>,
    /// The attached files.
    files: Vec<FileView>,
    history: Vec<EventView>,
}

/// A file attached to a dossier, as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct FileView {
    /// Its id, for `GET /api/v1/dossiers/{code}/files/{id}`.
    id: i64,
    /// `part` (a document part of the procedure) or `result`.
    #[schema(pattern = "^(part|result)$")]
    purpose: String,
    /// The document part's index in the procedure (0 for the result).
    part_index: i64,
    /// The name it is served under (with the extension of its type).
    file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    content_type: String,
    size: i64,
    /// Hex SHA-256 of its bytes.
    sha256: String,
}

impl From<egov_store::DossierFile> for FileView {
    fn from(f: egov_store::DossierFile) -> Self {
        FileView {
            id: f.id,
            purpose: match f.purpose {
                egov_store::FilePurpose::Part => "part".into(),
                egov_store::FilePurpose::Result => "result".into(),
            },
            part_index: f.part_index,
            file_name: file_name_for(&f.file_name, &f.content_type),
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
        }
    }
}

/// Whether `p` may see a dossier (the rule is `Principal::may`'s).
pub(crate) fn may_read(p: &Principal, d: &Dossier) -> bool {
    p.may(egov_identity::Action::ReadDossier {
        owner: d.owner,
        receiving: &d.receiving_agency,
        current: &d.current_agency,
    })
}

/// A dossier with its history: for its owner and the officials of the agencies holding it.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", params(("code" = String, Path)), security(("bearer" = [])), responses((status = 200, body = DossierView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn read(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let d = state.store.dossier(&code).await?.ok_or(WebError::NotFound)?;
        if !may_read(p, &d.state) {
            return Err(WebError::Forbidden);
        }
        let history = events(&state, d.id).await?;
        let files = state.store.dossier_files(d.id).await?.into_iter().map(FileView::from).collect();
        Ok(Json(DossierView {
            files,
            code,
            procedure: d.procedure_code,
            applicant_name: d.applicant_name,
            status: d.state.status.as_str().into(),
            national_status: d.state.status.national_code(),
            receiving_agency: d.state.receiving_agency.clone(),
            current_agency: d.state.current_agency.clone(),
            due: d.state.due.map(|x| x.format("%Y-%m-%d %H:%M").to_string()),
            supplements: d.state.supplements,
            form: d.form_data,
            history,
        })
        .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

async fn events(state: &AppState, id: i64) -> Result<Vec<EventView>, WebError> {
    Ok(state
        .store
        .dossier_events(id)
        .await?
        .into_iter()
        .map(|e| EventView {
            at: micros_to_vn(e.at),
            action: e.action,
            from: e.from_status,
            to: e.to_status,
            note: e.note,
            due: e.due,
        })
        .collect())
}

/// The public view of a dossier, shared by the API and the lookup page.
async fn public_status(state: &AppState, code: &str) -> Result<Option<PublicStatus>, WebError> {
    // Codes are typed from paper: any case is accepted. Agency identifiers
    // are upper case; one that is not is still found as printed.
    let Ok(parsed) = DossierCode::parse(code) else { return Ok(None) };
    let as_typed = parsed.to_string();
    let upper = as_typed.to_uppercase();
    let mut found = None;
    for candidate in if upper == as_typed { vec![upper] } else { vec![upper, as_typed] } {
        if let Some(d) = state.store.public_dossier(&candidate).await? {
            found = Some((candidate, d));
            break;
        }
    }
    let Some((code, d)) = found else { return Ok(None) };
    let steps = d
        .steps
        .into_iter()
        .map(|(at, action, to)| PublicStep { at: micros_to_vn(at), action, status: to.as_str().into() })
        .collect();
    let name = state.catalog.get().procedures.get(&d.procedure_code).map(|p| p.name_vi.clone()).unwrap_or_default();
    Ok(Some(PublicStatus {
        code: code.to_string(),
        procedure: d.procedure_code,
        procedure_name: name,
        applicant: mask_name(&d.applicant_name),
        status: d.status.as_str().into(),
        national_status: d.status.national_code(),
        received_at: d.received_at.map(micros_to_vn),
        due: d.due,
        steps,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PublicStatus {
    code: String,
    procedure: String,
    procedure_name: String,
    /// The applicant's name, masked: each word's first letter, then stars.
    applicant: String,
    status: String,
    national_status: Option<u8>,
    received_at: Option<String>,
    due: Option<String>,
    /// Each step: when, and the status it led to (no notes, no names).
    steps: Vec<PublicStep>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicStep {
    at: String,
    /// The action (`accept`, `apologize`, …).
    action: String,
    status: String,
}

/// Masks a name word by word, keeping each first letter and a star for
/// each other letter, three at most (a long word's length is not told):
/// `Nguyễn Văn An` → `N*** V** A*`. No word is shown whole, not even a
/// one-letter one.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            first + &"*".repeat(chars.count().clamp(1, 3))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The public status of a dossier by its code: no personal data beyond a masked name.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/status", params(("code" = String, Path, description = "the dossier's code, in any case")), responses((status = 200, body = PublicStatus), (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem, description = "too many lookups from this address")))]
pub async fn status(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    if let Err(e) = state.throttle(&state.lookup_throttle, &ctx) {
        return e.problem(ctx.lang);
    }
    match public_status(&state, &code).await {
        Ok(Some(s)) => Json(s).into_response(),
        Ok(None) => WebError::NotFound.problem(ctx.lang),
        Err(e) => e.problem(ctx.lang),
    }
}

#[derive(askama::Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    layout: crate::views::Layout,
    code: String,
    searched: bool,
    found: Option<PublicStatus>,
    status_label: String,
    step_labels: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct LookupParam {
    ma: Option<String>,
}

async fn lookup(state: &AppState, ctx: &Ctx, code: String) -> Response {
    let code = code.trim().chars().take(64).collect::<String>();
    let searched = !code.is_empty();
    if searched {
        if let Err(e) = state.throttle(&state.lookup_throttle, ctx) {
            return e.problem(ctx.lang);
        }
    }
    let found = if searched { public_status(state, &code).await.unwrap_or(None) } else { None };
    let label = |s: &str| t(ctx.lang, status_key(s)).to_string();
    let status_label = found.as_ref().map(|f| label(&f.status)).unwrap_or_default();
    let step_labels = found
        .as_ref()
        .map(|f| {
            f.steps
                .iter()
                .map(|s| {
                    // an apology leaves the status as it was: say what happened
                    let text = if s.action == "apologize" {
                        t(ctx.lang, "inbox.apologize").to_string()
                    } else {
                        label(&s.status)
                    };
                    (s.at.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default();
    let status = if searched && found.is_none() { StatusCode::NOT_FOUND } else { StatusCode::OK };
    let page = LookupPage {
        layout: crate::views::Layout::new(ctx, "lookup.title"),
        code,
        searched,
        found,
        status_label,
        step_labels,
    };
    crate::views::render(status, &page)
}

async fn lookup_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<LookupParam>,
) -> Response {
    lookup(&state, &ctx, q.ma.unwrap_or_default()).await
}

/// The address a slip's QR code opens.
async fn lookup_code(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    lookup(&state, &ctx, code).await
}

/// The i18n key of a stored status name.
pub fn status_key(s: &str) -> &'static str {
    egov_dossier::Status::parse(s).map(egov_dossier::Status::label_key).unwrap_or("status.stopped")
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// For officials: `to_receive`, `mine`, `agency` (default), `due_soon` (within one working
    /// day), `overdue`, `waiting` (for the citizen's supplement). Citizens always get their own.
    #[param(required = false, value_type = WorklistName)]
    list: Option<String>,
    /// A dossier code, an ID number, or part of the applicant's name (accents optional).
    #[param(required = false)]
    q: Option<String>,
}

/// The worklists, by name.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum WorklistName {
    ToReceive,
    Mine,
    Agency,
    DueSoon,
    Overdue,
    Waiting,
}

#[derive(Serialize, ToSchema)]
pub struct ListItem {
    code: String,
    procedure: String,
    applicant_name: String,
    status: String,
    due: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DossierList {
    items: Vec<ListItem>,
}

/// A worklist by the name the API and the pages give it.
pub(crate) fn worklist_named(name: &str) -> Option<egov_store::Worklist> {
    use egov_store::Worklist;
    Some(match name {
        "to_receive" => Worklist::ToReceive,
        "mine" => Worklist::Mine,
        "agency" => Worklist::Agency,
        "due_soon" => Worklist::DueBefore,
        "overdue" => Worklist::Overdue,
        "waiting" => Worklist::Waiting,
        _ => return None,
    })
}

/// An official's worklist as of now (due soon: within one working day),
/// narrowed by a search as typed: a code, an ID number, part of a name.
pub(crate) async fn worklist_now(
    state: &AppState,
    p: &Principal,
    agency: &str,
    which: egov_store::Worklist,
    search: Option<&str>,
) -> Result<Vec<egov_store::WorklistItem>, WebError> {
    let now = state.settings.clock.now();
    let cal = state.calendar.get();
    let until = cal.1.add_working_minutes(now, i64::from(cal.1.hours().day_minutes)).unwrap_or(now);
    let fmt = |d: NaiveDateTime| d.format("%Y-%m-%d %H:%M").to_string();
    let search = search.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect::<String>());
    let folded = search.as_deref().map(egov_catalog::search::fold);
    let search = folded.as_deref().zip(search.as_deref()).map(|(folded, raw)| egov_store::Search { folded, raw });
    Ok(state.store.worklist(which, agency, p.user_id, &fmt(now), &fmt(until), search).await?)
}

/// Worklists for officials; "my dossiers" for citizens.
#[utoipa::path(get, path = "/api/v1/dossiers", params(ListParams), security(("bearer" = [])), responses((status = 200, body = DossierList), (status = 400, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<ListParams>,
) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        // parsed for everyone, though a citizen always gets their own
        let name = q.list.as_deref().unwrap_or("agency");
        let which = worklist_named(name).ok_or_else(|| WebError::BadRequest(format!("unknown list '{name}'")))?;
        let items = if p.kind == AccountKind::Citizen {
            state.store.dossiers_of_owner(p.user_id).await?
        } else {
            let agency = p.agency_id.clone().ok_or(WebError::Forbidden)?;
            worklist_now(&state, p, &agency, which, q.q.as_deref()).await?
        };
        let items = items
            .into_iter()
            .map(|i| ListItem {
                code: i.code,
                procedure: i.procedure_code,
                applicant_name: i.applicant_name,
                status: i.status,
                due: i.due,
            })
            .collect();
        Ok(Json(DossierList { items }).into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// Applies an action for `p` to the dossier `code`: one transaction that
/// reloads the dossier, asks the state machine, and stores the new state,
/// its history entry and its audit entry. Returns the new status.
pub async fn perform(
    state: &AppState,
    p: &Principal,
    code: &str,
    req: ActionRequest,
    files: ActionFiles,
) -> Result<egov_dossier::Status, WebError> {
    // An electronic result goes only with `return_result`, supplementary
    // documents only with `resubmit`; each is checked like any attachment and
    // durable on disk before the transaction names it.
    if files.result.is_some() && !matches!(req, ActionRequest::ReturnResult { .. }) {
        return Err(WebError::BadRequest("the part 'result' goes only with return_result".into()));
    }
    if !files.parts.is_empty() && !matches!(req, ActionRequest::Resubmit) {
        return Err(WebError::BadRequest("document parts go only with resubmit".into()));
    }
    let mut total = 0;
    for u in files.result.iter().chain(&files.parts) {
        total += u.bytes.len();
        if u.bytes.len() > egov_dossier::MAX_FILE {
            return Err(WebError::Domain("err.file.too_big", u.name.clone()));
        }
        if egov_dossier::sniff(&u.bytes).is_none() {
            return Err(WebError::Domain("err.file.type", u.name.clone()));
        }
    }
    if total > egov_dossier::MAX_DOSSIER_FILES {
        return Err(WebError::Domain("err.file.total", String::new()));
    }
    let uploads: Vec<(egov_store::FilePurpose, Upload)> = files
        .result
        .into_iter()
        .map(|u| (egov_store::FilePurpose::Result, u))
        .chain(files.parts.into_iter().map(|u| (egov_store::FilePurpose::Part, u)))
        .collect();
    let blobs = state.blobs.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut out: Vec<egov_store::DossierFile> = Vec::new();
        for (purpose, u) in uploads {
            match blobs.put(&u.bytes) {
                Ok(b) => out.push(egov_store::DossierFile {
                    id: 0,
                    purpose,
                    part_index: u.part as i64,
                    content_type: egov_dossier::sniff(&u.bytes).unwrap_or("application/octet-stream").to_string(),
                    file_name: file_name_for(&u.name, egov_dossier::sniff(&u.bytes).unwrap_or("")),
                    size: b.size as i64,
                    sha256: b.sha256,
                    blob_key: b.key,
                }),
                Err(e) => {
                    for f in &out {
                        blobs.delete(&f.blob_key);
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))??;
    let keys: Vec<String> = stored.iter().map(|f| f.blob_key.clone()).collect();
    let r = perform_tx(state, p, code, req, stored).await;
    if r.is_err() {
        for k in &keys {
            state.blobs.delete(k);
        }
    }
    r
}

/// Files that come with an action.
#[derive(Default)]
pub struct ActionFiles {
    /// The electronic result (`return_result`).
    pub result: Option<Upload>,
    /// Supplementary documents, by part (`resubmit`).
    pub parts: Vec<Upload>,
}

impl ActionFiles {
    /// From a multipart body's files: `result`, and `part_<index>`.
    pub fn from_parts(files: HashMap<String, Upload>) -> ActionFiles {
        let mut out = ActionFiles::default();
        for (name, u) in files {
            if name == "result" {
                out.result = Some(u);
            } else if let Some(i) = name.strip_prefix("part_").and_then(|i| i.parse().ok()) {
                out.parts.push(Upload { part: i, ..u });
            }
        }
        out.parts.sort_by_key(|u| u.part);
        out
    }
}

/// A file's name as kept and served: the uploaded name's last path segment
/// without control characters, at most 200 characters, and always the
/// extension of the type its bytes were found to be (`scan.exe` holding a
/// PDF is `scan.pdf`; `a.pdf.exe` is `a.pdf.pdf`).
pub(crate) fn file_name_for(name: &str, content_type: &str) -> String {
    let ext = match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    };
    let name = crate::clean::text(name);
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => base,
    };
    let stem: String = stem.trim().trim_matches('.').chars().filter(|c| !c.is_control()).take(190).collect();
    let stem = if stem.trim().is_empty() { "tep".to_string() } else { stem };
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod mask_tests {
    use super::mask_name;

    #[test]
    fn a_name_shows_each_first_letter_and_at_most_three_stars() {
        assert_eq!(mask_name("Nguyễn Văn An"), "N*** V** A*");
        assert_eq!(mask_name("  Lê   Thị  B "), "L* T** B*");
        assert_eq!(mask_name("Đặng"), "Đ***");
        assert_eq!(mask_name(""), "");
    }
}

#[cfg(test)]
mod file_name_tests {
    use super::file_name_for;

    #[test]
    fn a_file_is_named_with_the_extension_of_its_detected_type() {
        assert_eq!(file_name_for("to-khai.pdf", "application/pdf"), "to-khai.pdf");
        assert_eq!(file_name_for("virus.exe", "application/pdf"), "virus.pdf");
        assert_eq!(file_name_for("a.pdf.exe", "image/png"), "a.pdf.png");
        assert_eq!(file_name_for("ảnh CCCD.JPEG", "image/jpeg"), "ảnh CCCD.jpg");
        assert_eq!(file_name_for("C:\\x\\..\\don.html", "application/pdf"), "don.pdf");
        assert_eq!(file_name_for("invoice\u{202e}fdp.exe", "application/pdf"), "invoicefdp.pdf");
        assert_eq!(file_name_for("", "application/pdf"), "tep.pdf");
        assert_eq!(file_name_for(".htaccess", "image/png"), "tep.png");
        assert_eq!(file_name_for("noext", "application/pdf"), "noext.pdf");
    }
}

async fn perform_tx(
    state: &AppState,
    p: &Principal,
    code: &str,
    req: ActionRequest,
    files: Vec<egov_store::DossierFile>,
) -> Result<egov_dossier::Status, WebError> {
    let (state, p, code) = (state.clone(), p.clone(), code.to_string());
    let mut w = state.store.begin_write().await?;
    let d = w.dossier(&code).await?.ok_or(WebError::NotFound)?;
    if !may_read(&p, &d.state) {
        return Err(WebError::Forbidden);
    }
    let note;
    let cmd = match req {
        ActionRequest::Accept => {
            note = String::new();
            Command::Accept
        }
        ActionRequest::ReturnIncomplete { missing } => {
            note = missing.join("; ");
            Command::ReturnIncomplete { missing }
        }
        ActionRequest::Assign { to } => {
            note = to.clone();
            let id =
                w.user_id_by_username(&to).await?.ok_or(WebError::Domain("err.dossier.bad_assignee", to.clone()))?;
            let who = state.store.principal(id).await?.ok_or(WebError::Domain("err.dossier.bad_assignee", to))?;
            Command::Assign {
                to: Assignee { user_id: id, agency: who.agency_id.unwrap_or_default(), roles: who.roles },
            }
        }
        ActionRequest::Forward { to_agency } => {
            note = to_agency.clone().unwrap_or_default();
            Command::Forward { to_agency }
        }
        ActionRequest::RequestSupplement { missing } => {
            note = missing.join("; ");
            Command::RequestSupplement { missing }
        }
        ActionRequest::Resubmit => {
            // the history names the documents that came with it
            note = files.iter().map(|f| f.file_name.as_str()).collect::<Vec<_>>().join("; ");
            // A dossier returned incomplete before acceptance is submitted
            // anew (it waits for a receiving officer again); one paused for a
            // supplement resumes with its deadline restarted.
            if d.state.status == egov_dossier::Status::ReturnedIncomplete {
                Command::Submit
            } else {
                Command::Resubmit
            }
        }
        ActionRequest::Refuse { reason } => {
            note = reason.clone();
            Command::Refuse { reason }
        }
        ActionRequest::Withdraw { reason } => {
            note = reason.clone();
            Command::Withdraw { reason }
        }
        ActionRequest::Stop { reason } => {
            note = reason.clone();
            Command::Stop { reason }
        }
        ActionRequest::Approve => {
            note = String::new();
            Command::Approve
        }
        ActionRequest::ReturnResult { paper } => {
            let result = files.iter().find(|f| f.purpose == egov_store::FilePurpose::Result);
            note = result.map(|f| f.file_name.clone()).unwrap_or_default();
            Command::ReturnResult { electronic: result.is_some(), paper }
        }
        ActionRequest::Apologize { new_due, reason } => {
            note = reason.clone();
            let new_due = crate::calendar_pages::parse_minute(&new_due)?;
            Command::Apologize { new_due, reason }
        }
    };
    let next = run(&state, &d.procedure_code, &d.state, &p, &cmd, state.settings.clock.now())?;
    w.update_dossier(d.id, &next).await?;
    let documents = state.catalog.get().procedures.get(&d.procedure_code).map(|p| p.documents.len()).unwrap_or(0);
    for f in &files {
        if f.purpose == egov_store::FilePurpose::Part && f.part_index as usize >= documents {
            return Err(WebError::Domain("err.option", format!("part_{}", f.part_index)));
        }
        w.add_dossier_file(d.id, f).await?;
    }
    w.add_dossier_event(egov_store::EventRow {
        dossier_id: d.id,
        at: state.settings.clock.now_micros(),
        actor_id: Some(p.user_id),
        action: cmd.name(),
        from: d.state.status,
        to: next.status,
        note: &note,
        due: next.due,
    })
    .await?;
    // The citizen hears of every change but the officials' internal hand-overs.
    if let (Some(owner), false) = (d.state.owner, matches!(cmd, Command::Assign { .. } | Command::Forward { .. })) {
        if owner != p.user_id {
            w.notify(owner, &code, cmd.name(), &note).await?;
        }
    }
    w.audit(egov_audit::Event::new(
        format!("user:{}", p.user_id),
        format!("dossier.{}", cmd.name()),
        format!("dossier:{code}"),
        Some(&d.state),
        Some(&next),
    ));
    w.commit().await?;
    state.mail_wake.notify_one();
    Ok(next.status)
}

/// The receipt-and-appointment slip (form 01) of a received dossier, as an
/// A5 PDF whose QR code opens the public lookup page: for the owner and the
/// officials of the agencies holding it (bearer token or session).
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/receipt.pdf", params(("code" = String, Path)), security(("bearer" = [])), responses((status = 200, description = "application/pdf"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn receipt_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let r = async {
        let d = readable(&state, &ctx, &code).await?;
        let received = d.received_at.ok_or(WebError::NotFound)?;
        let cx = slip_context(&state, &headers, &d.state.receiving_agency, &d.procedure_code, &code).await?;
        let slip = egov_slips::receipt(&egov_slips::Receipt {
            agency: cx.agency,
            code: code.clone(),
            citizen: d.applicant_name.clone(),
            procedure: cx.procedure,
            parts: d.parts.clone(),
            received: chrono::DateTime::from_timestamp_micros(received)
                .map(|t| (t + chrono::Duration::hours(7)).naive_utc())
                .unwrap_or_default(),
            due: d.state.due,
            lookup_url: cx.lookup_url,
        });
        let pdf = egov_slips::render(&slip).map_err(|e| WebError::Internal(e.to_string()))?;
        Ok(pdf_response(&code, pdf))
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// The dossier `code`, if the signed-in party (session or token) may see it.
/// A file of a dossier (a document part or the electronic result), for
/// those who may read the dossier (bearer token or session).
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/files/{id}", params(("code" = String, Path), ("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, description = "the file, as application/pdf, image/jpeg or image/png"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn file(State(state): State<AppState>, ctx: Ctx, Path((code, id)): Path<(String, String)>) -> Response {
    let r = async {
        let d = readable(&state, &ctx, &code).await?;
        let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
        let f = state.store.dossier_files(d.id).await?.into_iter().find(|f| f.id == id).ok_or(WebError::NotFound)?;
        let blobs = state.blobs.clone();
        let key = f.blob_key.clone();
        let bytes = tokio::task::spawn_blocking(move || blobs.get(&key))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
            .map_err(|e| WebError::Internal(e.to_string()))?;
        Ok((
            [
                (axum::http::header::CONTENT_TYPE, f.content_type.clone()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    content_disposition(&file_name_for(&f.file_name, &f.content_type)),
                ),
                (axum::http::header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// A file of a dossier as its pages link it.
pub struct FileLink {
    pub href: String,
    /// What it is: the document part's name, or the result.
    pub label: String,
    pub name: String,
    /// Its size, for people: "84 KB".
    pub size: String,
}

/// The links to a dossier's files, the result first.
pub(crate) async fn file_links(
    state: &AppState,
    lang: egov_i18n::Lang,
    code: &str,
    d: &egov_store::StoredDossier,
) -> Result<Vec<FileLink>, WebError> {
    let snap = state.catalog.get();
    let docs = snap.procedures.get(&d.procedure_code).map(|p| p.documents.clone()).unwrap_or_default();
    let mut files = state.store.dossier_files(d.id).await?;
    files.sort_by_key(|f| (f.purpose != egov_store::FilePurpose::Result, f.part_index, f.id));
    Ok(files
        .into_iter()
        .map(|f| FileLink {
            href: format!("/api/v1/dossiers/{code}/files/{}", f.id),
            label: match f.purpose {
                egov_store::FilePurpose::Result => t(lang, "file.result").to_string(),
                egov_store::FilePurpose::Part => usize::try_from(f.part_index)
                    .ok()
                    .and_then(|i| docs.get(i))
                    .map(|doc| if lang == egov_i18n::Lang::En { doc.name_en.clone() } else { doc.name_vi.clone() })
                    .unwrap_or_else(|| t(lang, "file.part").to_string()),
            },
            name: file_name_for(&f.file_name, &f.content_type),
            size: format!("{} KB", (f.size + 1023) / 1024),
        })
        .collect())
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266).
fn content_disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn readable(state: &AppState, ctx: &Ctx, code: &str) -> Result<egov_store::StoredDossier, WebError> {
    let p = ctx.principal()?;
    let d = state.store.dossier(code).await?.ok_or(WebError::NotFound)?;
    if !may_read(p, &d.state) {
        return Err(WebError::Forbidden);
    }
    Ok(d)
}

/// What every slip of a dossier shows besides its own lines: the agency's and
/// the procedure's names, and the lookup address its QR code opens.
struct SlipContext {
    agency: String,
    procedure: String,
    lookup_url: String,
}

async fn slip_context(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    agency_id: &str,
    procedure_code: &str,
    code: &str,
) -> Result<SlipContext, WebError> {
    let agency = state.store.agency(agency_id).await?.map(|a| a.name_vi).unwrap_or_default();
    let procedure = state.catalog.get().procedures.get(procedure_code).map(|x| x.name_vi.clone()).unwrap_or_default();
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let base = state.settings.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    Ok(SlipContext { agency, procedure, lookup_url: format!("{base}/tra-cuu/{code}") })
}

fn pdf_response(code: &str, pdf: Vec<u8>) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("inline; filename=\"{code}.pdf\"")),
        ],
        pdf,
    )
        .into_response()
}

/// Forms 02 (`02.pdf`, supplement request), 03 (`03.pdf`, refusal) and 04
/// (`04.pdf`, apology and new date) of a dossier, from its latest matching step.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/forms/{form}", params(("code" = String, Path), ("form" = String, Path, description = "02.pdf, 03.pdf or 04.pdf")), security(("bearer" = [])), responses((status = 200, description = "application/pdf"), (status = 404, body = crate::error::Problem)))]
pub async fn form_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path((code, form)): Path<(String, String)>,
) -> Response {
    let r = async {
        let d = readable(&state, &ctx, &code).await?;
        let actions: &[&str] = match form.as_str() {
            "02.pdf" => &["request_supplement", "return_incomplete"],
            "03.pdf" => &["refuse", "stop"],
            "04.pdf" => &["apologize"],
            _ => return Err(WebError::NotFound),
        };
        let events = state.store.dossier_events(d.id).await?;
        let e = events.iter().rev().find(|e| actions.contains(&e.action.as_str())).ok_or(WebError::NotFound)?;
        let cx = slip_context(&state, &headers, &d.state.current_agency, &d.procedure_code, &code).await?;
        let notice = egov_slips::Notice {
            agency: cx.agency,
            code: code.clone(),
            citizen: d.applicant_name.clone(),
            procedure: cx.procedure,
            items: e.note.split("; ").filter(|s| !s.trim().is_empty()).map(String::from).collect(),
            issued: chrono::DateTime::from_timestamp_micros(e.at)
                .map(|t| (t + chrono::Duration::hours(7)).naive_utc())
                .unwrap_or_default(),
            new_due: if form == "04.pdf" {
                e.due.as_deref().and_then(|x| NaiveDateTime::parse_from_str(x, "%Y-%m-%d %H:%M").ok())
            } else {
                None
            },
            lookup_url: cx.lookup_url,
        };
        let slip = match form.as_str() {
            "02.pdf" => egov_slips::supplement_request(&notice),
            "03.pdf" => egov_slips::refusal(&notice),
            _ => egov_slips::apology(&notice),
        };
        let pdf = egov_slips::render(&slip).map_err(|e| WebError::Internal(e.to_string()))?;
        Ok(pdf_response(&code, pdf))
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// Records the owner's rating of a finished dossier (once), in one transaction.
pub async fn give_rating(state: &AppState, p: &Principal, code: &str, scores: &[u8]) -> Result<(), WebError> {
    let dom = |e: egov_dossier::DossierError| WebError::Domain(e.key(), e.to_string());
    let rating = egov_dossier::Rating::new(scores).map_err(dom)?;
    let mut w = state.store.begin_write().await?;
    let d = w.dossier(code).await?.ok_or(WebError::NotFound)?;
    let next = egov_dossier::rate(&d.state, p).map_err(dom)?;
    w.update_dossier(d.id, &next).await?;
    w.add_rating(d.id, &rating).await?;
    let total = rating.total().to_string();
    w.add_dossier_event(egov_store::EventRow {
        dossier_id: d.id,
        at: state.settings.clock.now_micros(),
        actor_id: Some(p.user_id),
        action: "rate",
        from: d.state.status,
        to: next.status,
        note: &total,
        due: next.due,
    })
    .await?;
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

#[derive(Deserialize, ToSchema)]
pub struct RatingRequest {
    /// The nine indicators of Circular 01/2018, each 0, 1 or 2.
    #[schema(value_type = Vec<Score>, min_items = 9, max_items = 9)]
    scores: Vec<u8>,
}

/// One indicator's score: 0, 1 or 2 (the schema alone; scores are `u8`).
pub struct Score;

impl utoipa::PartialSchema for Score {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(2)).into()
    }
}

impl ToSchema for Score {}

/// Rates a dossier whose result was returned: its owner, once.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/rating", params(("code" = String, Path)), request_body = RatingRequest, security(("bearer" = [])), responses((status = 204, description = "rated"), (status = 409, body = crate::error::Problem, description = "not the owner's dossier with its result returned, or rated already")))]
pub async fn rate_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let r = async {
        let p = ctx.api_principal()?.clone();
        let req: RatingRequest = serde_json::from_slice(&body).map_err(|e| WebError::BadRequest(e.to_string()))?;
        give_rating(&state, &p, &code, &req.scores).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// An action on a dossier, as the API takes it.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionRequest {
    Accept,
    ReturnIncomplete {
        missing: Vec<String>,
    },
    /// `to`: the username of a specialist of the agency holding the dossier.
    Assign {
        to: String,
    },
    Forward {
        to_agency: Option<String>,
    },
    RequestSupplement {
        missing: Vec<String>,
    },
    /// The citizen sends the dossier back completed (supplementary documents
    /// in multipart parts `part_<index>`): after a supplement request, or
    /// after it was returned incomplete before acceptance.
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
    /// The result goes out on paper (`paper`), electronically (a file in the
    /// multipart part `result`), or both.
    ReturnResult {
        #[serde(default)]
        paper: bool,
    },
    /// `new_due`: "YYYY-MM-DD HH:MM", after the current due date and within the longest extension.
    Apologize {
        #[schema(
            pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]$"
        )]
        new_due: String,
        reason: String,
    },
}

/// Applies an action; every precondition (role, agency, status) is checked,
/// and the change and its history entry are one transaction.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions", params(("code" = String, Path)), request_body = ActionRequest, security(("bearer" = [])), responses((status = 200, body = Created), (status = 409, body = crate::error::Problem)))]
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let r = async {
        let p = ctx.api_principal()?.clone();
        let (req, file) = if is_multipart(&req) {
            // the JSON in the part `action`, an electronic result in `result`
            let (mut fields, files) = read_parts(req).await?;
            let json =
                fields.remove("action").ok_or_else(|| WebError::BadRequest("the part 'action' is missing".into()))?;
            let json = crate::clean::json(json.as_bytes()).unwrap_or_else(|| json.into_bytes());
            let req: ActionRequest = serde_json::from_slice(&json).map_err(|e| WebError::BadRequest(e.to_string()))?;
            (req, ActionFiles::from_parts(files))
        } else {
            let body =
                axum::body::to_bytes(req.into_body(), crate::BODY_LIMIT).await.map_err(|_| WebError::TooLarge)?;
            (serde_json::from_slice(&body).map_err(|e| WebError::BadRequest(e.to_string()))?, ActionFiles::default())
        };
        let next = perform(&state, &p, &code, req, file).await?;
        Ok(Json(Created {
            code: Some(code),
            draft_id: None,
            status: next.as_str().into(),
            national_status: next.national_code(),
        })
        .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

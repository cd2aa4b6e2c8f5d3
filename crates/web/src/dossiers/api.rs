//! The dossier lifecycle through `/api/v1/dossiers` (issue 4, first part):
//! submission with a gap-free code, actions checked by the domain's state
//! machine, the owner's and officials' view, and the public status.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_i18n::t;
use egov_identity::Principal;
use egov_kernel::vn;
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
        .route(
            "/api/v1/dossiers/{code}/actions",
            post(act).layer(axum::extract::DefaultBodyLimit::max(egov_dossier::MAX_FILE + 1024 * 1024)),
        )
        .route("/api/v1/dossiers/{code}/rating", post(rate_api))
        .merge(super::documents::routes())
        .merge(super::lookup::routes())
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
    /// Parts taken from your store of documents (`GET /api/v1/me/documents`)
    /// instead of uploaded again; a file uploaded for the same part wins.
    #[serde(default)]
    reuse: Vec<ReusePart>,
}

/// A document part taken from the citizen's store.
#[derive(Deserialize, ToSchema)]
pub struct ReusePart {
    /// The part's index in the procedure.
    #[schema(minimum = 0, maximum = 999)]
    part: u32,
    /// The document's id in the store.
    document: i64,
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

fn field_problem(ctx: &Ctx, errs: Vec<egov_app::FieldError>) -> Response {
    let fields = errs
        .iter()
        .map(|e| ProblemField { pointer: e.field.clone(), detail: crate::views::field_message(ctx.lang, e) })
        .collect();
    problem_response(StatusCode::UNPROCESSABLE_ENTITY, t(ctx.lang, "form.has_errors"), None, fields)
}

/// Files a dossier (citizens): answered only once it is committed.
#[utoipa::path(post, path = "/api/v1/dossiers", request_body = CreateDossier, security(("bearer" = [])), responses((status = 201, body = Created), (status = 404, body = crate::error::Problem, description = "no draft of yours with that `draft_id`"), (status = 422, body = crate::error::Problem, description = "the procedure and agency, the form or the files break a rule; `errors` points at each"), (status = 503, body = crate::error::Problem, description = "file storage unreachable: nothing was recorded; send again later")))]
pub async fn create(State(state): State<AppState>, ctx: Ctx, req: axum::extract::Request) -> Response {
    let r = async {
        let p = ctx.api_principal()?.clone();
        if !p.is_applicant() {
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
                reuse: req.reuse.iter().map(|r| (r.part as usize, r.document)).collect(),
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

pub use egov_app::dossiers::{ActionFiles, Filed, Filing};

pub use egov_app::files::Upload;

/// Files a dossier for a citizen (the application's use case); field
/// errors come back by name for the form to show at their fields.
pub async fn file_dossier(
    state: &AppState,
    p: &Principal,
    filing: Filing,
) -> Result<Result<Filed, Vec<egov_app::FieldError>>, WebError> {
    match egov_app::dossiers::file(&state.app, p, filing).await {
        Ok(filed) => Ok(Ok(filed)),
        Err(egov_app::AppError::Invalid(errs)) => Ok(Err(errs)),
        Err(e) => Err(e.into()),
    }
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
        let input = egov_app::dossiers::CounterFiling {
            procedure: req.procedure,
            citizen_id: req.citizen_id,
            full_name: req.full_name,
            phone: req.phone,
            form: req.form,
            parts: req.parts,
        };
        let (code, d) = egov_app::dossiers::file_at_counter(&state.app, &p, input).await?;
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

/// A dossier's form values under their labels in `lang` (the field's name
/// when the procedure no longer has it).
pub(crate) fn form_lines(
    state: &AppState,
    d: &egov_store::StoredDossier,
    lang: egov_i18n::Lang,
) -> Vec<(String, String)> {
    let snap = state.catalog.get();
    let fields = snap.procedures.get(d.procedure_code.as_str()).map(|p| &p.form);
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
    /// The documents an open supplement request asks for: send each as the
    /// multipart file `requested_<index>` with `resubmit`.
    requested: Vec<RequestedDocument>,
    /// The attached files.
    files: Vec<FileView>,
    history: Vec<EventView>,
}

/// A document a supplement request asks for.
#[derive(Serialize, ToSchema)]
pub struct RequestedDocument {
    /// Its index: the file answering it is the multipart part `requested_<index>`.
    index: usize,
    /// What the agency asked for.
    name: String,
}

/// A file attached to a dossier, as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct FileView {
    /// Its id, for `GET /api/v1/dossiers/{code}/files/{id}`.
    id: i64,
    /// `part` (a document part of the procedure) or `result`.
    #[schema(pattern = "^(part|result)$")]
    purpose: String,
    /// The document part's index in the procedure (0 for the result); from 1000, the
    /// answer to the document a supplement request asked for (`requested[index - 1000]`).
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
            file_name: egov_app::files::file_name_for(&f.file_name, &f.content_type),
            content_type: f.content_type,
            size: f.size,
            sha256: f.sha256,
        }
    }
}

/// A dossier with its history: for its owner and the officials of the agencies holding it.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", params(("code" = String, Path)), security(("bearer" = [])), responses((status = 200, body = DossierView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn read(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let d = egov_app::dossiers::read(&state.app, p, &code).await?;
        let history = events(&state, &d).await?;
        let files = state.store.dossier_files(d.id).await?.into_iter().map(FileView::from).collect();
        Ok(Json(DossierView {
            files,
            code,
            procedure: d.procedure_code.to_string(),
            applicant_name: d.applicant_name,
            status: d.state.status.as_str().into(),
            national_status: d.state.status.national_code(),
            receiving_agency: d.state.receiving_agency.to_string(),
            current_agency: d.state.current_agency.to_string(),
            due: d.state.due.map(|x| x.format("%Y-%m-%d %H:%M").to_string()),
            supplements: d.state.supplements,
            requested: d
                .state
                .pending_documents()
                .into_iter()
                .map(|(index, name)| RequestedDocument { index, name: name.to_string() })
                .collect(),
            form: d.form_data,
            history,
        })
        .into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

async fn events(state: &AppState, d: &egov_store::StoredDossier) -> Result<Vec<EventView>, WebError> {
    Ok(egov_app::dossiers::history(&state.app, d)
        .await?
        .into_iter()
        .map(|e| EventView {
            at: vn::micros_to_minute(e.at),
            action: e.action.as_str().into(),
            from: e.from_status.as_str().into(),
            to: e.to_status.as_str().into(),
            note: e.note,
            due: e.due,
        })
        .collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// For officials: `to_receive`, `to_assign`, `mine` (assigned to me, to process),
    /// `awaiting_approval`, `to_return`, `waiting` (for the citizen), `due_soon` (within one
    /// working day), `overdue`, `agency` (default: everything open the agency received or
    /// holds). Citizens always get their own.
    #[param(required = false, value_type = WorklistName)]
    list: Option<String>,
    /// A dossier code, an ID number, or part of the applicant's name (accents optional).
    #[param(required = false)]
    q: Option<String>,
    /// The page, from 1.
    #[param(required = false, minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Lines a page, at most 200 (default 50).
    #[param(required = false, minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// The worklists, by name.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum WorklistName {
    ToReceive,
    ToAssign,
    Mine,
    AwaitingApproval,
    ToReturn,
    Waiting,
    DueSoon,
    Overdue,
    Agency,
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
    /// Lines in the whole list.
    total: u64,
    page: u32,
    per_page: u32,
}

/// Every worklist: the name the API and the pages give it, and its label's key.
pub(crate) const WORKLISTS: [(&str, egov_store::Worklist, &str); 9] = {
    use egov_store::Worklist as W;
    [
        ("to_receive", W::ToReceive, "office.to_receive"),
        ("to_assign", W::ToAssign, "office.to_assign"),
        ("mine", W::Mine, "office.mine"),
        ("awaiting_approval", W::AwaitingApproval, "office.awaiting_approval"),
        ("to_return", W::ToReturn, "office.to_return"),
        ("waiting", W::Waiting, "office.waiting"),
        ("due_soon", W::DueBefore, "office.due_soon"),
        ("overdue", W::Overdue, "office.overdue"),
        ("agency", W::Agency, "office.agency"),
    ]
};

/// A worklist by the name the API and the pages give it.
pub(crate) fn worklist_named(name: &str) -> Option<egov_store::Worklist> {
    WORKLISTS.iter().find(|(n, _, _)| *n == name).map(|(_, w, _)| *w)
}

/// Lines a worklist page shows unless asked otherwise, and at most.
pub(crate) const PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 200;

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
        let page = q.page.unwrap_or(1);
        let per_page = q.per_page.unwrap_or(PER_PAGE);
        if page == 0 || page > 1_000_000 || per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(WebError::BadRequest(format!("page from 1 and per_page from 1 to {MAX_PER_PAGE}")));
        }
        let found =
            egov_app::dossiers::worklist(&state.app, p, which, q.q.as_deref(), egov_store::Page { number: page, size: per_page })
                .await?;
        let items = found
            .items
            .into_iter()
            .map(|i| ListItem {
                code: i.code,
                procedure: i.procedure_code,
                applicant_name: i.applicant_name,
                status: i.status.as_str().into(),
                due: i.due,
            })
            .collect();
        Ok(Json(DossierList { items, total: found.total, page, per_page }).into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// Applies an action for `p` to the dossier `code` (the application's use case).
pub async fn perform(
    state: &AppState,
    p: &Principal,
    code: &str,
    req: ActionRequest,
    files: ActionFiles,
) -> Result<egov_dossier::Status, WebError> {
    Ok(egov_app::dossiers::act(&state.app, p, code, req.parse()?, files).await?)
}

/// The files of a multipart action: `result`, `part_<index>` (a document
/// part replaced), and `requested_<j>` (the file answering the `j`-th
/// document a supplement request asked for).
pub fn action_files(files: HashMap<String, Upload>) -> ActionFiles {
    let mut out = ActionFiles::default();
    for (name, u) in files {
        if name == "result" {
            out.result = Some(u);
        } else if let Some(i) = name.strip_prefix("part_").and_then(|i| i.parse::<usize>().ok()) {
            out.parts.push(Upload { part: i, ..u });
        } else if let Some(j) = name.strip_prefix("requested_").and_then(|j| j.parse::<usize>().ok()) {
            // the file answering the j-th document a supplement request asked for
            if j < egov_dossier::SUPPLEMENT_PART_BASE {
                out.parts.push(Upload { part: egov_dossier::SUPPLEMENT_PART_BASE + j, ..u });
            }
        }
    }
    out.parts.sort_by_key(|u| u.part);
    out
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
        egov_app::dossiers::rate(&state.app, &p, &code, &req.scores).await?;
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
    /// The citizen sends the dossier back completed: after a supplement
    /// request, a file for each document asked for (multipart parts
    /// `requested_<index>`, see the dossier's `requested`), and documents
    /// replaced as `part_<index>`; or after it was returned incomplete
    /// before acceptance.
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
    /// multipart part `result`), or both; it is registered with its kind of
    /// document (default: the procedure's name), its number (default: the
    /// dossier's code; unique in the agency, else 409) and its last valid
    /// day (`YYYY-MM-DD`, none: no end).
    ReturnResult {
        #[serde(default)]
        paper: bool,
        #[serde(default)]
        #[schema(max_length = 200)]
        result_type: String,
        #[serde(default)]
        #[schema(max_length = 64)]
        result_number: String,
        #[serde(default)]
        #[schema(pattern = r"^$|^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
        valid_until: String,
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

impl ActionRequest {
    /// The request the application takes: the new date parsed here, at the boundary.
    fn parse(self) -> Result<egov_app::dossiers::Request, WebError> {
        use egov_app::dossiers::Request as R;
        Ok(match self {
            ActionRequest::Accept => R::Accept,
            ActionRequest::ReturnIncomplete { missing } => R::ReturnIncomplete { missing },
            ActionRequest::Assign { to } => R::Assign { to },
            ActionRequest::Forward { to_agency } => {
                let to_agency = to_agency.as_deref().map(egov_identity::AgencyId::parse).transpose();
                R::Forward { to_agency: to_agency.map_err(|e| WebError::unacceptable("err.option", e))? }
            }
            ActionRequest::RequestSupplement { missing } => R::RequestSupplement { missing },
            ActionRequest::Resubmit => R::Resubmit,
            ActionRequest::Refuse { reason } => R::Refuse { reason },
            ActionRequest::Withdraw { reason } => R::Withdraw { reason },
            ActionRequest::Stop { reason } => R::Stop { reason },
            ActionRequest::Approve => R::Approve,
            ActionRequest::ReturnResult { paper, result_type, result_number, valid_until } => R::ReturnResult {
                paper,
                issue: egov_results::IssueInput { doc_type: result_type, number: result_number, valid_until },
            },
            ActionRequest::Apologize { new_due, reason } => {
                R::Apologize { new_due: crate::calendar::pages::parse_minute(&new_due)?, reason }
            }
        })
    }
}

/// Applies an action; every precondition (role, agency, status) is checked,
/// and the change and its history entry are one transaction.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions", params(("code" = String, Path)), request_body = ActionRequest, security(("bearer" = [])), responses((status = 200, body = Created), (status = 409, body = crate::error::Problem), (status = 503, body = crate::error::Problem, description = "file storage unreachable: nothing was recorded")))]
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
            (req, action_files(files))
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

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create, read, act, list, rate_api, counter, super::lookup::status, super::documents::receipt_pdf,
        super::documents::form_pdf, super::documents::register_pdf, super::documents::file
    ),
    components(schemas(RequestedDocument, ReusePart,
        CreateDossier,
        Created,
        DossierView,
        FileView,
        EventView,
        super::lookup::PublicStatus,
        super::lookup::PublicStep,
        ActionRequest,
        ListItem,
        DossierList,
        RatingRequest,
        Score,
        WorklistName,
        CounterDossier
    ))
)]
pub(crate) struct Api;

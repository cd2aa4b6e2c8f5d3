//! A dossier's documents: the receipt slip (form 01), the notices (forms
//! 02, 03, 04) and the attached files, for those who may read the dossier.


use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use egov_i18n::t;

use crate::ctx::Ctx;
use crate::{AppState, WebError};

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
        let url = lookup_url(&state, &headers, &code);
        let slip = egov_app::dossiers::slips::receipt(&state.app, ctx.principal()?, &code, url).await?;
        pdf(&code, &slip)
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// The dossier `code`, if the signed-in party (session or token) may see it.
/// A file of a dossier (a document part or the electronic result), for
/// those who may read the dossier (bearer token or session).
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/files/{id}", params(("code" = String, Path), ("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, description = "the file, as application/pdf, image/jpeg or image/png"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 503, body = crate::error::Problem, description = "file storage unreachable")))]
pub async fn file(State(state): State<AppState>, ctx: Ctx, Path((code, id)): Path<(String, String)>) -> Response {
    let r = async {
        let d = readable(&state, &ctx, &code).await?;
        let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
        let f = state.store.dossier_files(d.id).await?.into_iter().find(|f| f.id == id).ok_or(WebError::NotFound)?;
        let bytes = state.blobs.get(&f.blob_key).await.map_err(|e| match e {
            // a row names it, so it was stored: missing now is the store's fault
            egov_store::StoreError::NotFound => WebError::Internal(format!("file {} is missing from the store", f.blob_key)),
            e => WebError::Store(e),
        })?;
        Ok((
            [
                (axum::http::header::CONTENT_TYPE, f.content_type.clone()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    content_disposition(&egov_app::files::file_name_for(&f.file_name, &f.content_type)),
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
    /// A part's digitisation, in words: who checked it against the original
    /// and when, or that it was taken from the citizen's store.
    pub digitised: Option<String>,
    /// Where to mark it checked against its original, when the reader may.
    pub digitise: Option<String>,
}

/// The links to a dossier's files, the result first.
pub(crate) async fn file_links(
    state: &AppState,
    lang: egov_i18n::Lang,
    code: &str,
    d: &egov_store::StoredDossier,
    may_digitise: bool,
) -> Result<Vec<FileLink>, WebError> {
    let snap = state.catalog.get();
    let docs = snap.procedures.get(d.procedure_code.as_str()).map(|p| p.documents.clone()).unwrap_or_default();
    let mut files = state.store.dossier_files(d.id).await?;
    files.sort_by_key(|f| (f.purpose != egov_store::FilePurpose::Result, f.part_index, f.id));
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let part = f.purpose == egov_store::FilePurpose::Part;
        let digitised = match (f.reused_from, f.digitised) {
            (Some(_), _) => Some(t(lang, "results.from_store").to_string()),
            (None, Some((by, at))) => {
                let who = state.store.principal(by).await?.map_or_else(|| format!("#{by}"), |u| u.full_name);
                Some(format!("{} {who}, {}", t(lang, "results.digitised_by"), egov_kernel::vn::micros_to_page(at)))
            }
            (None, None) => None,
        };
        let digitise = (part && may_digitise && digitised.is_none())
            .then(|| format!("/quan-tri/ho-so/{code}/tep/{}/so-hoa", f.id));
        out.push(FileLink {
            digitised,
            digitise,
            href: format!("/api/v1/dossiers/{code}/files/{}", f.id),
            label: match f.purpose {
                egov_store::FilePurpose::Result => t(lang, "file.result").to_string(),
                egov_store::FilePurpose::Part => {
                    let i = usize::try_from(f.part_index).unwrap_or(usize::MAX);
                    match (docs.get(i), d.state.requested_document(i)) {
                        (Some(doc), _) => {
                            if lang == egov_i18n::Lang::En { doc.name_en.clone() } else { doc.name_vi.clone() }
                        }
                        (None, Some(asked)) => format!("{}: {asked}", t(lang, "file.supplement")),
                        (None, None) => t(lang, "file.part").to_string(),
                    }
                }
            },
            name: egov_app::files::file_name_for(&f.file_name, &f.content_type),
            size: format!("{} KB", (f.size + 1023) / 1024),
        });
    }
    Ok(out)
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
    Ok(egov_app::dossiers::read(&state.app, ctx.principal()?, code).await?)
}

/// The address of the dossier's public lookup page, which its slips' QR code opens.
fn lookup_url(state: &AppState, headers: &axum::http::HeaderMap, code: &str) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let base = state.settings.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    format!("{base}/tra-cuu/{code}")
}

/// A document rendered as a PDF answer.
fn pdf(name: &str, slip: &egov_slips::Slip) -> Result<Response, WebError> {
    let bytes = egov_slips::render(slip).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(pdf_response(name, bytes))
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

/// The notices and the control sheet of a dossier, by the numbers of the
/// 2025 form set: `02.pdf` supplement request, `03.pdf` refusal, `04.pdf`
/// apology and new date, `05.pdf` notice that processing stopped (each from
/// its latest step), `06.pdf` the process control sheet (officials). Each
/// prints the number and title of the set in force the day it was issued.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/forms/{form}", params(("code" = String, Path), ("form" = String, Path, description = "02.pdf, 03.pdf, 04.pdf, 05.pdf or 06.pdf")), security(("bearer" = [])), responses((status = 200, description = "application/pdf"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn form_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path((code, form)): Path<(String, String)>,
) -> Response {
    let r = async {
        use egov_app::dossiers::{slips, NoticeForm};
        let p = ctx.principal()?;
        let url = lookup_url(&state, &headers, &code);
        if form == "06.pdf" {
            return pdf(&code, &slips::control_sheet(&state.app, p, &code, url).await?);
        }
        let which = NoticeForm::ALL
            .into_iter()
            .find(|f| form.strip_suffix(".pdf") == Some(f.number()))
            .ok_or(WebError::NotFound)?;
        pdf(&code, &slips::notice(&state.app, p, &code, which, url).await?)
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterParams {
    /// First day received, YYYY-MM-DD.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    from: String,
    /// Last day received (counted), YYYY-MM-DD.
    #[param(pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", format = Date)]
    to: String,
}

/// The tracking register of an agency's dossiers received in a period (A4,
/// its table's head on every page; the first 5,000), for the agency's officials.
#[utoipa::path(get, path = "/api/v1/agencies/{id}/register.pdf", params(("id" = String, Path), RegisterParams), security(("bearer" = [])), responses((status = 200, description = "application/pdf"), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn register_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<RegisterParams>,
) -> Response {
    let r = async {
        let day = |s: &str| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| WebError::BadRequest(format!("'{s}' is not a date")))
        };
        // a period given backwards is the same period
        let (a, b) = (day(&q.from)?, day(&q.to)?);
        let (from, to) = (a.min(b), a.max(b));
        let slip = egov_app::dossiers::slips::register(&state.app, ctx.principal()?, &id, from, to).await?;
        pdf(&format!("so-theo-doi-{id}"), &slip)
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers/{code}/files/{id}", get(file))
        .route("/api/v1/dossiers/{code}/receipt.pdf", get(receipt_pdf))
        .route("/api/v1/dossiers/{code}/forms/{form}", get(form_pdf))
        .route("/api/v1/agencies/{id}/register.pdf", get(register_pdf))
}

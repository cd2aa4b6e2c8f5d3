//! A dossier's documents: the receipt slip (form 01), the notices (forms
//! 02, 03, 04) and the attached files, for those who may read the dossier.


use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use egov_i18n::t;
use egov_kernel::vn;

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
        let d = readable(&state, &ctx, &code).await?;
        let received = d.received_at.ok_or(WebError::NotFound)?;
        let cx = slip_context(&state, &headers, &d.state.receiving_agency, &d.procedure_code, &code).await?;
        let slip = egov_slips::receipt(&egov_slips::Receipt {
            agency: cx.agency,
            code: code.clone(),
            citizen: d.applicant_name.clone(),
            procedure: cx.procedure,
            parts: d.parts.clone(),
            received: vn::from_micros(received).unwrap_or_default(),
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
}

/// The links to a dossier's files, the result first.
pub(crate) async fn file_links(
    state: &AppState,
    lang: egov_i18n::Lang,
    code: &str,
    d: &egov_store::StoredDossier,
) -> Result<Vec<FileLink>, WebError> {
    let snap = state.catalog.get();
    let docs = snap.procedures.get(d.procedure_code.as_str()).map(|p| p.documents.clone()).unwrap_or_default();
    let mut files = state.store.dossier_files(d.id).await?;
    files.sort_by_key(|f| (f.purpose != egov_store::FilePurpose::Result, f.part_index, f.id));
    Ok(files
        .into_iter()
        .map(|f| FileLink {
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
    Ok(egov_app::dossiers::read(&state.app, ctx.principal()?, code).await?)
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
        use egov_app::dossiers::NoticeForm;
        let which = match form.as_str() {
            "02.pdf" => NoticeForm::Supplement,
            "03.pdf" => NoticeForm::Refusal,
            "04.pdf" => NoticeForm::Apology,
            _ => return Err(WebError::NotFound),
        };
        let egov_app::dossiers::Notice { dossier: d, step: e } =
            egov_app::dossiers::latest_notice(&state.app, ctx.principal()?, &code, which).await?;
        let cx = slip_context(&state, &headers, &d.state.current_agency, &d.procedure_code, &code).await?;
        let notice = egov_slips::Notice {
            agency: cx.agency,
            code: code.clone(),
            citizen: d.applicant_name.clone(),
            procedure: cx.procedure,
            items: e.note.split("; ").filter(|s| !s.trim().is_empty()).map(String::from).collect(),
            issued: vn::from_micros(e.at).unwrap_or_default(),
            new_due: if which == NoticeForm::Apology { e.due.as_deref().and_then(vn::parse_minute) } else { None },
            lookup_url: cx.lookup_url,
        };
        let slip = match which {
            NoticeForm::Supplement => egov_slips::supplement_request(&notice),
            NoticeForm::Refusal => egov_slips::refusal(&notice),
            NoticeForm::Apology => egov_slips::apology(&notice),
        };
        let pdf = egov_slips::render(&slip).map_err(|e| WebError::Internal(e.to_string()))?;
        Ok(pdf_response(&code, pdf))
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers/{code}/files/{id}", get(file))
        .route("/api/v1/dossiers/{code}/receipt.pdf", get(receipt_pdf))
        .route("/api/v1/dossiers/{code}/forms/{form}", get(form_pdf))
}

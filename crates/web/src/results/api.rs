//! The results through the API: the public check, the officials' registry,
//! one result and its printed check slip (with the QR code of the check),
//! the citizen's store, and a part marked checked against its original.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_i18n::{t, Lang};
use egov_slips::Line;
use egov_store::results::KeptResult;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::radio::api::{answer, instant};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/results/check", get(check))
        .route("/api/v1/results", get(list))
        .route("/api/v1/results/{result}", get(one))
        .route("/api/v1/results/{result}/slip.pdf", get(slip))
        .route("/api/v1/me/documents", get(documents))
        .route("/api/v1/dossiers/{code}/files/{file}/digitised", post(digitise))
}

/// What the public check shows: what the paper says, the holder's name
/// masked, whether it is in force today.
#[derive(Serialize, ToSchema)]
pub struct PublicResultDoc {
    doc_type: String,
    number: String,
    /// `YYYY-MM-DD`.
    issued_on: String,
    agency_code: String,
    agency_name: String,
    /// Initials and the given name ("N. V. Dân").
    holder: String,
    valid_until: Option<String>,
    /// `valid` or `expired`.
    standing: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckParams {
    /// The result's number as printed on it.
    number: String,
    /// The check code printed on it (case, spaces and dashes do not matter).
    code: String,
}

/// Checks a result's authenticity by its number and the code printed on it
/// (public, throttled); a wrong code is answered as an unknown number.
#[utoipa::path(get, operation_id = "result_check", path = "/api/v1/results/check", params(CheckParams), responses((status = 200, body = PublicResultDoc), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem, description = "too many checks from this address")))]
async fn check(State(state): State<AppState>, ctx: Ctx, q: Result<Query<CheckParams>, axum::extract::rejection::QueryRejection>) -> Response {
    answer(&ctx, async {
        let Query(q) = q.map_err(|e| WebError::BadRequest(e.body_text()))?;
        state.throttle(&state.lookup_throttle, &ctx)?;
        let f = egov_app::results::check(&state.app, &q.number, &q.code).await?.ok_or(WebError::NotFound)?;
        Ok(Json(PublicResultDoc {
            doc_type: f.doc_type,
            number: f.number,
            issued_on: f.issued_on.to_string(),
            agency_code: f.agency,
            agency_name: f.agency_name,
            holder: f.holder,
            valid_until: f.valid_until.map(|d| d.to_string()),
            standing: f.standing.as_str().into(),
        })
        .into_response())
    })
    .await
}

/// A registered result, as its holder and its agency's officials see it.
#[derive(Serialize, ToSchema)]
pub struct ResultDoc {
    id: i64,
    doc_type: String,
    number: String,
    issued_on: String,
    agency_code: String,
    holder_name: String,
    valid_until: Option<String>,
    standing: String,
    /// The code printed on it for the public check.
    check_code: String,
    dossier_code: String,
    /// The electronic copy, when the result was returned with one.
    file: Option<String>,
    registered_at: String,
}

fn doc(state: &AppState, k: KeptResult) -> ResultDoc {
    ResultDoc {
        id: k.id,
        standing: k.issue.standing(state.now().date()).as_str().into(),
        doc_type: k.issue.doc_type,
        number: k.issue.number,
        issued_on: k.issue.issued_on.to_string(),
        agency_code: k.agency,
        holder_name: k.holder_name,
        valid_until: k.issue.valid_until.map(|d| d.to_string()),
        check_code: k.check_code.printed(),
        file: k.file_id.map(|f| format!("/api/v1/dossiers/{}/files/{f}", k.dossier_code)),
        dossier_code: k.dossier_code,
        registered_at: instant(k.created_at),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ResultList {
    items: Vec<ResultDoc>,
    /// How many match, over every page.
    total: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A number, a dossier's code, or part of the holder's name (accents optional).
    #[serde(default)]
    q: Option<String>,
    /// From 1.
    #[serde(default)]
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    #[serde(default)]
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// The registry of issued results of the official's agency (a system
/// administrator: every agency's), newest first.
#[utoipa::path(get, operation_id = "results_list", path = "/api/v1/results", params(ListParams), security(("bearer" = [])), responses((status = 200, body = ResultList), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn list(State(state): State<AppState>, ctx: Ctx, q: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let Query(q) = q.map_err(|e| WebError::BadRequest(e.body_text()))?;
        let search: String = q.q.as_deref().unwrap_or_default().chars().take(100).collect();
        let page = q.page.unwrap_or(1);
        let per_page = q.per_page.unwrap_or(50);
        if !(1..=1_000_000).contains(&page) || !(1..=200).contains(&per_page) {
            return Err(WebError::BadRequest("page is 1 to 1000000, per_page 1 to 200".into()));
        }
        let (items, total) = egov_app::results::search(&state.app, p, &search, page, per_page).await?;
        Ok(Json(ResultList { items: items.into_iter().map(|k| doc(&state, k)).collect(), total }).into_response())
    })
    .await
}

/// One registered result (its holder, its agency's officials).
#[utoipa::path(get, operation_id = "result_read", path = "/api/v1/results/{result}", params(("result" = i64, Path, description = "the result's id")), security(("bearer" = [])), responses((status = 200, body = ResultDoc), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn one(State(state): State<AppState>, ctx: Ctx, Path(result): Path<i64>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        Ok(Json(doc(&state, egov_app::results::one(&state.app, p, result).await?)).into_response())
    })
    .await
}

/// The address of the public check of a result, which its slip's QR code opens.
fn check_url(state: &AppState, headers: &axum::http::HeaderMap, k: &KeptResult) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let base = state.settings.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("so", &k.issue.number)
        .append_pair("ma", k.check_code.as_str())
        .finish();
    format!("{base}{}?{query}", super::pages::CHECK)
}

/// The result's check slip (PDF, Vietnamese): its particulars, the printed
/// check code, and a QR code that opens the public check with both filled in.
#[utoipa::path(get, operation_id = "result_slip", path = "/api/v1/results/{result}/slip.pdf", params(("result" = i64, Path, description = "the result's id")), security(("bearer" = [])), responses((status = 200, description = "application/pdf"), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn slip(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(result): Path<i64>,
) -> Response {
    answer(&ctx, async {
        let p = ctx.principal()?;
        let k = egov_app::results::one(&state.app, p, result).await?;
        let tr = |key: &'static str| t(Lang::Vi, key).to_string();
        let agency = state.store.agency(&k.agency).await?.map_or_else(|| k.agency.clone(), |a| a.name_vi);
        let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
        let url = check_url(&state, &headers, &k);
        let lines = vec![
            Line::Title(tr("results.slip.title")),
            Line::Gap(8.0),
            Line::Field(tr("results.type"), k.issue.doc_type.clone()),
            Line::Field(tr("results.number"), k.issue.number.clone()),
            Line::Field(tr("results.issued_on"), day(k.issue.issued_on)),
            Line::Field(tr("results.agency"), agency),
            Line::Field(tr("results.holder"), k.holder_name.clone()),
            Line::Field(tr("results.valid_until"), k.issue.valid_until.map(day).unwrap_or_else(|| tr("results.no_end"))),
            Line::Field(tr("results.dossier"), k.dossier_code.clone()),
            Line::Field(tr("results.code"), k.check_code.printed()),
            Line::Gap(6.0),
            Line::Qr(format!("{} {url}", tr("results.slip.scan"))),
        ];
        let slip = egov_slips::Slip { lines, qr: Some(url), size: egov_slips::PageSize::A5 };
        let bytes = egov_slips::render(&slip).map_err(|e| WebError::Internal(e.to_string()))?;
        Ok(crate::quality::pages::download(bytes, "application/pdf", format!("ket-qua-{}.pdf", k.id)))
    })
    .await
}

/// A document of the citizen's store.
#[derive(Serialize, ToSchema)]
pub struct StoreDocument {
    /// Its id: name it in `reuse` when filing a dossier.
    id: i64,
    /// `result` (an issued result's electronic copy) or `part` (a part checked against its original).
    #[schema(pattern = "^(result|part)$")]
    kind: String,
    /// What it is, in words.
    label: String,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    dossier_code: String,
    /// The registered result's id, for a result.
    result: Option<i64>,
    /// When an official checked a part against its original.
    digitised_at: Option<String>,
    href: String,
}

/// The signed-in citizen's store of documents: their issued results'
/// electronic copies and the parts of their dossiers checked against the originals.
#[utoipa::path(get, operation_id = "my_documents", path = "/api/v1/me/documents", security(("bearer" = [])), responses((status = 200, body = Vec<StoreDocument>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn documents(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let docs = egov_app::results::documents(&state.app, p).await?;
        let out: Vec<StoreDocument> = docs
            .iter()
            .map(|d| StoreDocument {
                id: d.file.id,
                kind: if d.result.is_some() { "result" } else { "part" }.into(),
                label: super::label(&state, ctx.lang, d),
                file_name: egov_app::files::file_name_for(&d.file.file_name, &d.file.content_type),
                content_type: d.file.content_type.clone(),
                size: d.file.size,
                sha256: d.file.sha256.clone(),
                dossier_code: d.dossier_code.clone(),
                result: d.result.as_ref().map(|(id, ..)| *id),
                digitised_at: d.file.digitised.map(|(_, at)| instant(at)),
                href: format!("/api/v1/dossiers/{}/files/{}", d.dossier_code, d.file.id),
            })
            .collect();
        Ok(Json(out).into_response())
    })
    .await
}

/// Marks a document part of a dossier checked against its original
/// (digitised), by the receiving agency's receiving officers and
/// specialists; audited. A part marked already is a conflict.
#[utoipa::path(post, operation_id = "file_digitised", path = "/api/v1/dossiers/{code}/files/{file}/digitised", params(("code" = String, Path, description = "the dossier's code"), ("file" = i64, Path, description = "the file's id")), security(("bearer" = [])), responses((status = 204, description = "marked"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
async fn digitise(State(state): State<AppState>, ctx: Ctx, Path((code, file)): Path<(String, i64)>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        egov_app::results::mark_digitised(&state.app, p, &code, file).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(check, list, one, slip, documents, digitise),
    components(schemas(PublicResultDoc, ResultDoc, ResultList, StoreDocument))
)]
pub struct Api;

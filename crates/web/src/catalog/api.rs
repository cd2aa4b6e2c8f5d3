//! The catalog through the API: search, one procedure, export and import.

use crate::catalog::pages::SearchParams;
use crate::ctx::Ctx;
use crate::error::{problem_response, Problem, ProblemField};
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use egov_catalog::CatalogDocument;
use egov_i18n::t;
use egov_identity::Action;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ProcedureSummary {
    code: String,
    name: String,
    name_en: String,
    field: String,
    online_level: String,
    processing_time: u32,
    time_unit: String,
    agencies: Vec<String>,
    score: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedureList {
    total: usize,
    items: Vec<ProcedureSummary>,
}

/// Searches the catalog, accent- and case-insensitively.
#[utoipa::path(get, path = "/api/v1/procedures", params(SearchParams), responses((status = 200, body = ProcedureList)))]
async fn search_procedures(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Json<ProcedureList> {
    let snap = state.catalog.get();
    let (total, hits) = params.run(&snap);
    let items = hits
        .iter()
        .filter_map(|h| snap.procedures.get(h.code.as_str()).map(|p| (p, h.score)))
        .map(|(p, score)| ProcedureSummary {
            code: p.code.to_string(),
            name: p.name_vi.clone(),
            name_en: p.name_en.clone(),
            field: p.field.clone(),
            online_level: p.online_level.as_str().into(),
            processing_time: p.processing_time.amount,
            time_unit: p.processing_time.unit.as_str().into(),
            agencies: p.agencies.clone(),
            score,
        })
        .collect();
    Json(ProcedureList { total, items })
}

/// One procedure's full definition (documents, fees, process, form, legal bases).
#[utoipa::path(get, path = "/api/v1/procedures/{code}", params(("code" = String, Path)), responses((status = 200, description = "the procedure"), (status = 404, body = Problem)))]
async fn get_procedure(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    match state.catalog.get().procedures.get(code.as_str()) {
        Some(p) => Json(p.as_ref().clone()).into_response(),
        None => WebError::NotFound.problem(ctx.lang),
    }
}

/// The whole catalog as one JSON document (system administrators).
#[utoipa::path(get, path = "/api/v1/catalog", security(("bearer" = [])), responses((status = 200, body = CatalogSchema, description = "catalog document"), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn export_catalog(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        if !p.may(Action::ManageCatalog) {
            return Err(WebError::Forbidden);
        }
        let doc = CatalogDocument {
            version: CatalogDocument::VERSION,
            fields: state.store.fields().await?,
            procedures: state.store.procedures().await?.into_iter().map(|(p, _)| p).collect(),
        };
        Ok(Json(doc).into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

/// The catalog document as `GET` gives it and `PUT` takes it (`egov catalog
/// export`): its version, the fields, the procedures with everything in
/// them (documented in the README; checked in full on import).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CatalogSchema {
    #[schema(minimum = 1, maximum = 1)]
    version: u32,
    #[schema(value_type = Vec<Object>)]
    fields: Vec<()>,
    #[schema(value_type = Vec<Object>)]
    procedures: Vec<()>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    created: usize,
    updated: usize,
}

/// Imports a catalog document: all of it, or nothing with every error listed.
#[utoipa::path(put, path = "/api/v1/catalog", security(("bearer" = [])), request_body(content = CatalogSchema, description = "catalog document", content_type = "application/json"), responses((status = 200, body = ImportResult), (status = 422, body = Problem, description = "the document breaks a rule (codes, names, references between fields, procedures and agencies, forms); nothing was imported and `errors` points at every problem")))]
async fn import_catalog(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let errors = match egov_app::catalog::import(&state.store, egov_app::Actor::User(p), &body).await? {
            Ok(rep) => {
                state.catalog.refresh(&state.store).await?;
                return Ok(Json(ImportResult { created: rep.created, updated: rep.updated }).into_response());
            }
            Err(errs) => errs,
        };
        let fields = errors
            .iter()
            .map(|e| ProblemField { pointer: e.path.clone(), detail: t(ctx.lang, e.key).to_string() })
            .collect();
        Ok(problem_response(StatusCode::UNPROCESSABLE_ENTITY, t(ctx.lang, "err.import.invalid"), None, fields))
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/procedures", get(search_procedures))
        .route("/api/v1/procedures/{code}", get(get_procedure))
        .route(
            "/api/v1/catalog",
            get(export_catalog).put(import_catalog).layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(search_procedures, get_procedure, export_catalog, import_catalog),
    components(schemas(ProcedureList, ProcedureSummary, ImportResult, CatalogSchema))
)]
pub(crate) struct Api;

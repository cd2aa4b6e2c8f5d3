//! Bank reconciliation through the API: a statement (CSV) imported for an
//! agency, the bank's signed transfer notification, the transfers listed
//! for an official and their resolution.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_app::payments::bank::{self, Booked};
use egov_payments::reconcile::Outcome;
use egov_store::payments::KeptTransfer;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::radio::api::{answer, json};
use crate::{AppState, WebError};

#[derive(Serialize, ToSchema)]
pub struct BookedDoc {
    reference: String,
    amount: u64,
    dossier_code: Option<String>,
    /// `matched`, `partial`, `over`, `duplicate` or `unmatched`.
    outcome: String,
    /// Short (partial) or over by this much.
    difference: u64,
    /// The payment requests it paid (matched).
    paid: Vec<i64>,
    /// Recorded by this call (false: its reference was recorded before).
    new: bool,
}

fn booked(b: Booked) -> BookedDoc {
    let (difference, paid) = match &b.outcome {
        Outcome::Partial { short } => (*short, vec![]),
        Outcome::Over { by } => (*by, vec![]),
        Outcome::Matched(ids) => (0, ids.clone()),
        _ => (0, vec![]),
    };
    BookedDoc {
        reference: b.reference,
        amount: b.amount,
        dossier_code: b.dossier_code,
        outcome: b.outcome.as_str().into(),
        difference,
        paid,
        new: b.new,
    }
}

#[derive(Serialize, ToSchema)]
pub struct TransferDoc {
    id: i64,
    reference: String,
    /// The bank's time, `YYYY-MM-DD HH:MM:SS`.
    received_at: String,
    amount: u64,
    description: String,
    dossier_code: Option<String>,
    agency_code: Option<String>,
    outcome: String,
    difference: u64,
    /// `statement` or `notice` (the bank's), or `gateway` (a payment the
    /// gateway took for a fee paid another way meanwhile, to pay back).
    source: String,
    resolution: Option<String>,
}

fn transfer(k: KeptTransfer) -> TransferDoc {
    TransferDoc {
        id: k.id,
        reference: k.reference,
        received_at: k.received_at,
        amount: k.amount,
        description: k.description,
        dossier_code: k.dossier_code,
        agency_code: k.agency,
        outcome: k.outcome,
        difference: k.difference,
        source: k.source,
        resolution: k.resolution,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The agency whose account the statement is of (the caller's own by default).
    #[param(max_length = 60)]
    agency: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransfersQuery {
    /// Only those still to resolve (the default), or all recent ones.
    open: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// What was done.
    #[schema(min_length = 1, max_length = 500)]
    note: String,
    /// The payment request it pays, if any.
    #[serde(default)]
    payment: Option<i64>,
}

/// The bank's transfer notification, as it signs it.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct BankNotice {
    #[schema(max_length = 64)]
    reference: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    #[schema(max_length = 19)]
    time: String,
    amount: u64,
    #[schema(max_length = 500)]
    description: String,
    /// The account credited.
    #[schema(max_length = 40)]
    account: String,
}

/// Imports an agency's bank statement (CSV with `reference,time,amount,description`): all or nothing.
#[utoipa::path(post, operation_id = "bank_statement_import", path = "/api/v1/payments/bank/statements", params(StatementQuery), request_body(content = String, content_type = "text/csv"), security(("bearer" = [])), responses((status = 200, body = Vec<BookedDoc>), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn statement(State(state): State<AppState>, ctx: Ctx, Query(q): Query<StatementQuery>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let text = std::str::from_utf8(&body).map_err(|_| WebError::BadRequest("the statement is not UTF-8".into()))?;
        let agency = match q.agency.filter(|a| !a.is_empty()) {
            Some(a) => a,
            None => p.agency_id.as_ref().map(|a| a.as_str().to_string()).ok_or(WebError::Forbidden)?,
        };
        let done = bank::import_statement(&state.app, p, &agency, text).await?;
        Ok(Json(done.into_iter().map(booked).collect::<Vec<_>>()).into_response())
    })
    .await
}

/// The bank's notification of a transfer, signed with the shared secret
/// (`X-Signature`: HMAC-SHA256 of the body, hex). The same reference again
/// changes nothing.
#[utoipa::path(post, operation_id = "bank_notice", path = "/api/v1/payments/bank/notices", request_body = BankNotice, params(("X-Signature" = String, Header, description = "HMAC-SHA256 of the body with the shared secret, hex")), responses((status = 200, body = BookedDoc), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn notice(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let sig = headers.get("x-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
        let b = bank::notice(&state.app, &body, sig).await?;
        Ok(Json(booked(b)).into_response())
    })
    .await
}

/// The transfers the caller resolves.
#[utoipa::path(get, operation_id = "bank_transfers", path = "/api/v1/payments/bank/transfers", params(TransfersQuery), security(("bearer" = [])), responses((status = 200, body = Vec<TransferDoc>), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<TransfersQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let kept = bank::transfers(&state.app, p, q.open.unwrap_or(true)).await?;
        Ok(Json(kept.into_iter().map(transfer).collect::<Vec<_>>()).into_response())
    })
    .await
}

/// Resolves a listed transfer: a note of what was done, and the fee it pays if any.
#[utoipa::path(post, operation_id = "bank_transfer_resolve", path = "/api/v1/payments/bank/transfers/{transfer}/resolve", params(("transfer" = i64, Path, description = "the transfer's id")), request_body = ResolveRequest, security(("bearer" = [])), responses((status = 200, body = TransferDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn resolve(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: ResolveRequest = json(&body)?;
        let t = bank::resolve(&state.app, p, id, &r.note, r.payment).await?;
        Ok((StatusCode::OK, Json(transfer(t))).into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/payments/bank/statements", post(statement))
        .route("/api/v1/payments/bank/notices", post(notice))
        .route("/api/v1/payments/bank/transfers", get(list))
        .route("/api/v1/payments/bank/transfers/{transfer}/resolve", post(resolve))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(statement, notice, list, resolve),
    components(schemas(BookedDoc, TransferDoc, ResolveRequest, BankNotice))
)]
pub struct Api;

//! The fees of dossiers through the API: what a dossier owes (with the
//! VietQR payload of the transfer that pays an unpaid fee), a fee recorded
//! paid at the desk, a refund.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use egov_app::payments as pa;
use egov_store::payments::KeptPayment;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::radio::api::{answer, instant, json};
use crate::{AppState, WebError};

#[derive(Serialize, ToSchema)]
pub struct PaymentRequestDoc {
    id: i64,
    dossier_code: String,
    /// The agency collecting it (the one that received the dossier).
    agency_code: String,
    description_vi: String,
    description_en: String,
    /// Whole đồng.
    amount: u64,
    /// `at_submission` or `before_result`.
    due: String,
    /// `pending`, `paid`, `failed`, `expired` or `refunded`.
    state: String,
    /// `counter`, `bank_transfer` or `gateway`, once paid.
    method: Option<String>,
    reference: Option<String>,
    paid_at: Option<String>,
    refund_reason: Option<String>,
    /// While unpaid, and the agency has an account: the EMVCo payload of
    /// the VietQR transfer that pays it (the dossier's code as its purpose).
    transfer_payload: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectRequest {
    /// The desk's receipt number or a transaction reference.
    #[serde(default)]
    #[schema(max_length = 64)]
    reference: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    #[schema(min_length = 1, max_length = 500)]
    reason: String,
}

async fn doc(state: &AppState, k: KeptPayment) -> Result<PaymentRequestDoc, WebError> {
    let transfer_payload = pa::transfer(&state.app, &k).await?.map(|(_, t)| t.payload());
    Ok(PaymentRequestDoc {
        id: k.id,
        dossier_code: k.dossier_code,
        agency_code: k.agency,
        description_vi: k.fee.description_vi,
        description_en: k.fee.description_en,
        amount: k.fee.amount,
        due: k.fee.due.as_str().into(),
        state: k.state.as_str().into(),
        method: k.method.map(|m| m.as_str().into()),
        reference: k.reference,
        paid_at: k.paid_at.map(instant),
        refund_reason: k.refund_reason,
        transfer_payload,
    })
}

/// What a dossier owes, fee by fee (its owner, the officials of its agencies).
#[utoipa::path(get, operation_id = "dossier_payments", path = "/api/v1/dossiers/{code}/payments", params(("code" = String, Path, description = "the dossier's code")), security(("bearer" = [])), responses((status = 200, body = Vec<PaymentRequestDoc>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn of_dossier(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let mut docs = Vec::new();
        for k in pa::of_dossier(&state.app, p, &code).await? {
            docs.push(doc(&state, k).await?);
        }
        Ok(Json(docs).into_response())
    })
    .await
}

/// Records a fee paid at the one-stop desk (a receiving officer of the agency).
#[utoipa::path(post, operation_id = "payment_collect", path = "/api/v1/payments/requests/{payment}/collect", params(("payment" = i64, Path, description = "the payment request's id")), request_body = CollectRequest, security(("bearer" = [])), responses((status = 200, body = PaymentRequestDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn collect(State(state): State<AppState>, ctx: Ctx, Path(payment): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: CollectRequest = json(&body)?;
        let k = pa::collect_at_counter(&state.app, p, payment, r.reference.as_deref()).await?;
        Ok(Json(doc(&state, k).await?).into_response())
    })
    .await
}

/// Pays a fee back, with the reason (an approver of the agency).
#[utoipa::path(post, operation_id = "payment_refund", path = "/api/v1/payments/requests/{payment}/refund", params(("payment" = i64, Path, description = "the payment request's id")), request_body = RefundRequest, security(("bearer" = [])), responses((status = 200, body = PaymentRequestDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn refund(State(state): State<AppState>, ctx: Ctx, Path(payment): Path<i64>, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: RefundRequest = json(&body)?;
        let k = pa::refund(&state.app, p, payment, &r.reason).await?;
        Ok(Json(doc(&state, k).await?).into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers/{code}/payments", get(of_dossier))
        .route("/api/v1/payments/requests/{payment}/collect", post(collect))
        .route("/api/v1/payments/requests/{payment}/refund", post(refund))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(of_dossier, collect, refund),
    components(schemas(PaymentRequestDoc, CollectRequest, RefundRequest))
)]
pub struct Api;

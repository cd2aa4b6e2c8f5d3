//! The payments API (`/api/v1/payments/…`, bearer tokens): the receiving
//! accounts an administrator keeps, and the VietQR payload of a transfer
//! into one.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use egov_app::payments as pa;
use egov_app::Actor;
use egov_payments::account::AccountInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::radio::api::{answer, json};
use crate::{AppState, WebError};

#[derive(Serialize, ToSchema)]
pub struct PaymentAccountDoc {
    id: i64,
    agency_code: String,
    /// The bank's six-digit BIN.
    bin: String,
    account: String,
    holder: String,
    /// `to_account` or `to_card`.
    service: String,
    /// The first day it applies (`YYYY-MM-DD`).
    from: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentAccountRequest {
    /// The agency's code (the caller's own unless a system administrator).
    #[schema(max_length = 60)]
    agency: String,
    #[schema(max_length = 6, example = "970436")]
    bin: String,
    #[schema(max_length = 40, example = "1012345678")]
    account: String,
    #[schema(max_length = 200)]
    holder: String,
    /// `to_account` (the default) or `to_card`.
    #[serde(default)]
    #[schema(max_length = 20)]
    service: String,
    /// `YYYY-MM-DD`.
    #[schema(max_length = 10, example = "2026-01-01")]
    from: String,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentAccountCreated {
    id: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrQuery {
    /// Whole đồng.
    #[param(minimum = 1, maximum = 9999999999999i64)]
    amount: u64,
    /// The transfer's purpose (a dossier's code); diacritics are removed.
    #[param(max_length = 100)]
    purpose: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentQrDoc {
    /// The EMVCo payload the QR code holds, its CRC last.
    payload: String,
    /// The purpose as carried (without diacritics).
    purpose: String,
}

/// The receiving accounts the caller keeps.
#[utoipa::path(get, operation_id = "payment_accounts", path = "/api/v1/payments/accounts", security(("bearer" = [])), responses((status = 200, body = Vec<PaymentAccountDoc>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let docs: Vec<PaymentAccountDoc> = pa::accounts(&state.app, Actor::User(p))
            .await?
            .into_iter()
            .map(|k| PaymentAccountDoc {
                id: k.id,
                agency_code: k.agency,
                bin: k.a.bin,
                account: k.a.account,
                holder: k.a.holder,
                service: match k.a.service {
                    egov_payments::vietqr::Service::ToAccount => "to_account".into(),
                    egov_payments::vietqr::Service::ToCard => "to_card".into(),
                },
                from: k.a.from.to_string(),
            })
            .collect();
        Ok(Json(docs).into_response())
    })
    .await
}

/// Records a receiving account of an agency, applying from its day.
#[utoipa::path(post, operation_id = "payment_account_add", path = "/api/v1/payments/accounts", request_body = PaymentAccountRequest, security(("bearer" = [])), responses((status = 201, body = PaymentAccountCreated), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        let r: PaymentAccountRequest = json(&body)?;
        let input = AccountInput { bin: r.bin, account: r.account, holder: r.holder, service: r.service, from: r.from };
        let id = pa::add_account(&state.app, Actor::User(p), &r.agency, &input).await?;
        Ok((StatusCode::CREATED, Json(PaymentAccountCreated { id })).into_response())
    })
    .await
}

/// The VietQR payload of a transfer of `amount` into an account the caller keeps.
#[utoipa::path(get, operation_id = "payment_account_qr", path = "/api/v1/payments/accounts/{account}/qr", params(("account" = i64, Path, description = "the account's id"), QrQuery), security(("bearer" = [])), responses((status = 200, body = PaymentQrDoc), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn qr(State(state): State<AppState>, ctx: Ctx, Path(account): Path<i64>, Query(q): Query<QrQuery>) -> Response {
    answer(&ctx, async {
        let p = ctx.api_principal()?;
        if q.amount == 0 || q.purpose.as_deref().is_some_and(|s| s.chars().count() > 100) {
            return Err(WebError::BadRequest("amount, purpose".into()));
        }
        let purpose = q.purpose.unwrap_or_default();
        let (_, t) = pa::sample_transfer(&state.app, Actor::User(p), account, q.amount, &purpose).await?;
        Ok(Json(PaymentQrDoc { payload: t.payload(), purpose: t.purpose().to_string() }).into_response())
    })
    .await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/payments/accounts", get(list).post(add))
        .route("/api/v1/payments/accounts/{account}/qr", get(qr))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, add, qr),
    components(schemas(PaymentAccountDoc, PaymentAccountRequest, PaymentAccountCreated, PaymentQrDoc))
)]
pub struct Api;

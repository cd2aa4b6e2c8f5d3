//! The redirect gateway's three doors: the citizen sent to pay
//! (`POST /ho-so/{code}/le-phi/{payment}/truc-tuyen`), the citizen's return
//! (`GET /thanh-toan/tra-ve`, shown, never believed), and the gateway's
//! server notification (`GET /api/v1/payments/gateway/ipn`).

use std::collections::HashMap;

use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::payments::gateway;
use egov_payments::payment::State as PayState;

use crate::ctx::Ctx;
use crate::views::or_login;
use crate::{AppState, WebError};

fn params(q: Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(q.unwrap_or_default().as_bytes()).into_owned().collect()
}

async fn pay(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = ctx.principal()?;
        super::receipts::request(&state, &ctx, &code, id).await?;
        let ip = ctx.addr.split(':').next().unwrap_or("127.0.0.1").to_string();
        let url = gateway::start(&state.app, p, id, &ip, ctx.lang == egov_i18n::Lang::En).await?;
        Ok(Redirect::to(&url).into_response())
    }
    .await;
    or_login(&ctx, r)
}

/// Where the gateway sends the citizen back: the dossier's page, saying what
/// egov knows (after asking the gateway itself when no notification came).
async fn back(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    match gateway::returned(&state.app, &params(q)).await {
        Ok(r) => {
            let said = match (r.verified, r.state) {
                (false, _) => "khong-xac-minh",
                (true, Some(PayState::Paid)) => "da-nop",
                (true, Some(PayState::Failed)) => "khong-thanh-cong",
                _ => "dang-xac-nhan",
            };
            let to = match r.dossier {
                Some(code) => format!("/ho-so/{code}?thanh-toan={said}#le-phi"),
                None => format!("/ho-so-cua-toi?thanh-toan={said}"),
            };
            Redirect::to(&to).into_response()
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

/// The gateway's notification: answered in the protocol's JSON, always 200.
#[utoipa::path(get, operation_id = "payment_gateway_ipn", path = "/api/v1/payments/gateway/ipn", params(("vnp_SecureHash" = Option<String>, Query, description = "HMAC-SHA512 of the other vnp_ parameters, sorted, with the merchant's secret; the gateway's other vnp_ parameters travel beside it")), responses((status = 200, description = "the protocol's answer, {\"RspCode\": \"00\", \"Message\": …}", content_type = "application/json", body = serde_json::Value), (status = 503, body = crate::error::Problem)))]
async fn ipn(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    match gateway::ipn(&state.app, &params(q)).await {
        Ok(answer) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], answer.body()).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ho-so/{code}/le-phi/{payment}/truc-tuyen", post(pay))
        .route("/thanh-toan/tra-ve", get(back))
        .route("/api/v1/payments/gateway/ipn", get(ipn))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(ipn))]
pub struct Api;

//! A dossier's fees on its pages (the citizen's and the office's): each
//! request in words, the VietQR code of the transfer that pays it while it
//! is unpaid, its payment slip and receipt (PDF); the desk records a fee
//! paid at the counter, an approver a refund (`POST
//! /quan-tri/ho-so/{code}/le-phi/{payment}`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::payments as pa;
use egov_app::{AppError, Refusal};
use egov_i18n::{t, Lang};
use egov_identity::{Action, Principal};
use egov_payments::account::bank_name;
use egov_payments::payment::{Method, State as PayState};
use egov_store::payments::KeptPayment;

use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

/// A fee as a dossier's page shows it.
pub struct FeeLine {
    pub id: i64,
    pub description: String,
    pub amount: String,
    pub due: &'static str,
    pub state: &'static str,
    /// How and when it was paid, in words.
    pub paid_how: String,
    pub refund_reason: String,
    /// While unpaid: the transfer's QR (SVG) and its facts in words.
    pub transfer: Option<TransferView>,
    pub slip: String,
    pub receipt: Option<String>,
    /// The citizen may pay it through the payment gateway: the form's address.
    pub online: Option<String>,
    /// The desk may record it paid; an approver may refund it.
    pub can_collect: bool,
    pub can_refund: bool,
}

pub struct TransferView {
    pub qr_svg: String,
    pub bank: String,
    pub account: String,
    pub holder: String,
    pub purpose: String,
}

/// What the return from the payment gateway said, from the dossier page's
/// query (`thanh-toan=…`): the i18n key of a notice.
pub fn gateway_notice(query: &str) -> Option<&'static str> {
    let said = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "thanh-toan").map(|(_, v)| v.into_owned())?;
    Some(match said.as_str() {
        "da-nop" => "fee.gateway.paid",
        "khong-thanh-cong" => "fee.gateway.failed",
        "khong-xac-minh" => "fee.gateway.unverified",
        _ => "fee.gateway.pending",
    })
}

pub fn state_key(s: PayState) -> &'static str {
    match s {
        PayState::Pending => "fee.state.pending",
        PayState::Paid => "fee.state.paid",
        PayState::Failed => "fee.state.failed",
        PayState::Expired => "fee.state.expired",
        PayState::Refunded => "fee.state.refunded",
    }
}

pub fn method_key(m: Method) -> &'static str {
    match m {
        Method::Counter => "fee.method.counter",
        Method::BankTransfer => "fee.method.bank_transfer",
        Method::Gateway => "fee.method.gateway",
    }
}

fn description(k: &KeptPayment, lang: Lang) -> String {
    if lang == Lang::En { k.fee.description_en.clone() } else { k.fee.description_vi.clone() }
}

/// The fees of dossier `code` for `p`, who may read it.
pub async fn fee_lines(state: &AppState, lang: Lang, p: &Principal, code: &str) -> Result<Vec<FeeLine>, WebError> {
    let mut out = Vec::new();
    let ks = pa::of_dossier(&state.app, p, code).await?;
    // the dossier's owner and the agency's accounts read once, whatever the number of fees
    let owner = match ks.is_empty() {
        true => None,
        false => state.store.dossier(code).await?.and_then(|d| d.state.owner),
    };
    let transfers = pa::transfers(&state.app, &ks).await?;
    for (k, transfer) in ks.into_iter().zip(transfers) {
        let transfer = match transfer {
            Some((a, tr)) => {
                let bank = bank_name(&a.a.bin).map_or_else(|| a.a.bin.clone(), |b| b.to_string());
                let label = format!(
                    "{} {} {}, {} đồng",
                    t(lang, "fee.qr.label"),
                    bank,
                    a.a.account,
                    egov_catalog::format_vnd(k.fee.amount)
                );
                let qr_svg = egov_slips::qr_svg(&tr.payload(), &label).map_err(|e| WebError::Internal(e.to_string()))?;
                Some(TransferView {
                    qr_svg,
                    bank,
                    account: a.a.account.clone(),
                    holder: a.a.holder.clone(),
                    purpose: tr.purpose().to_string(),
                })
            }
            None => None,
        };
        let paid_how = match (k.method, k.paid_at) {
            (Some(m), Some(at)) => format!(
                "{}, {}{}",
                t(lang, method_key(m)),
                egov_kernel::vn::micros_to_page(at),
                k.reference.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            ),
            _ => String::new(),
        };
        let paid_once = matches!(k.state, PayState::Paid | PayState::Refunded);
        let online = egov_app::payments::gateway::payable_online_by(&state.app, p, &k, owner)
            .then(|| format!("/ho-so/{code}/le-phi/{}/truc-tuyen", k.id));
        out.push(FeeLine {
            id: k.id,
            description: description(&k, lang),
            amount: egov_catalog::format_vnd(k.fee.amount),
            due: t(lang, k.fee.due.label_key()),
            state: t(lang, state_key(k.state)),
            paid_how,
            refund_reason: k.refund_reason.clone().unwrap_or_default(),
            transfer,
            slip: format!("/ho-so/{code}/le-phi/{}/phieu.pdf", k.id),
            online,
            receipt: paid_once.then(|| format!("/ho-so/{code}/le-phi/{}/bien-lai.pdf", k.id)),
            can_collect: k.state.awaiting() && p.may(Action::CollectFees(&k.agency)),
            can_refund: k.state == PayState::Paid && p.may(Action::RefundFees(&k.agency)),
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "payments/fee_action.html")]
struct FeeActionPage {
    layout: Layout,
    code: String,
    fee: FeeLine,
    form: FormState,
    refund: bool,
}

/// The desk's and the approver's forms, posted from the office's dossier
/// page: on a problem, a page of its own with the form as typed and why.
async fn fee_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = ctx.principal()?;
        super::receipts::request(&state, &ctx, &code, id).await?;
        let refund = f.get("action").map(String::as_str) == Some("refund");
        let v = |n: &str| f.get(n).cloned().unwrap_or_default();
        let done = if refund {
            pa::refund(&state.app, p, id, &v("reason")).await
        } else {
            pa::collect_at_counter(&state.app, p, id, Some(&v("reference"))).await
        };
        let (mut form, status) = (FormState::posted(&f), StatusCode::UNPROCESSABLE_ENTITY);
        let status = match done {
            Ok(_) => return Ok(Redirect::to(&format!("/quan-tri/ho-so/{code}?ok=1#le-phi")).into_response()),
            Err(AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                status
            }
            // paid or refunded meanwhile: said above the form
            Err(AppError::Refused(Refusal::Conflict, key, _)) => {
                form.add("state", ctx.lang, key);
                StatusCode::CONFLICT
            }
            Err(e) => return Err(e.into()),
        };
        let lines = fee_lines(&state, ctx.lang, p, &code).await?;
        let fee = lines.into_iter().find(|l| l.id == id).ok_or(WebError::NotFound)?;
        let layout = Layout::titled(&ctx, format!("{} {code}", t(ctx.lang, "hoso.title")));
        Ok(render(status, &FeeActionPage { layout, code, fee, form, refund }))
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/ho-so/{code}/le-phi/{payment}", post(fee_action))
        .route("/ho-so/{code}/le-phi/{payment}/phieu.pdf", get(super::receipts::slip))
        .route("/ho-so/{code}/le-phi/{payment}/bien-lai.pdf", get(super::receipts::receipt))
}

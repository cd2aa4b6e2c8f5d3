//! A fee's printed papers: the payment slip (what is owed and the VietQR
//! code of the transfer that pays it) and the receipt of a paid fee (agency,
//! payer, dossier, amount in figures and in Vietnamese words, method,
//! reference, time). Vietnamese, as the slips of the dossier are.

use axum::extract::{Path, State};
use axum::response::Response;
use egov_app::payments as pa;
use egov_i18n::{t, Lang};
use egov_payments::account::bank_name;
use egov_slips::Line;
use egov_store::payments::KeptPayment;

use super::fees::{method_key, state_key};
use crate::ctx::Ctx;
use crate::views::or_login;
use crate::{AppState, WebError};

const VI: Lang = Lang::Vi;

/// The request `id` of dossier `code`, for the signed-in reader.
pub(crate) async fn request(state: &AppState, ctx: &Ctx, code: &str, id: i64) -> Result<KeptPayment, WebError> {
    let p = ctx.principal()?;
    let k = pa::one(&state.app, p, id).await?;
    if k.dossier_code != code {
        return Err(WebError::NotFound);
    }
    Ok(k)
}

async fn agency_name(state: &AppState, code: &str) -> Result<String, WebError> {
    Ok(state.store.agency(code).await?.map_or_else(|| code.to_string(), |a| a.name_vi))
}

fn pdf(lines: Vec<Line>, qr: Option<String>, name: String) -> Result<Response, WebError> {
    let slip = egov_slips::Slip { lines, qr, size: egov_slips::PageSize::A5 };
    let bytes = egov_slips::render(&slip).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(crate::quality::pages::download(bytes, "application/pdf", name))
}

fn money(amount: u64) -> String {
    format!("{} đồng", egov_catalog::format_vnd(amount))
}

/// The payment slip: owed, and how to pay it by transfer.
pub(crate) async fn slip(State(state): State<AppState>, ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> Response {
    let r = async {
        let k = request(&state, &ctx, &code, id).await?;
        let tr = |key: &'static str| t(VI, key).to_string();
        let d = state.store.dossier(&code).await?.ok_or(WebError::NotFound)?;
        let mut lines = vec![
            Line::Title(tr("fee.slip.title")),
            Line::Gap(8.0),
            Line::Field(tr("fee.agency"), agency_name(&state, &k.agency).await?),
            Line::Field(tr("fee.dossier"), code.clone()),
            Line::Field(tr("fee.payer"), d.applicant_name.clone()),
            Line::Field(tr("fee.what"), k.fee.description_vi.clone()),
            Line::Field(tr("pay.slip.amount"), money(k.fee.amount)),
            Line::Field(tr("pay.slip.words"), egov_payments::words::in_words(k.fee.amount)),
            Line::Field(tr("fee.due"), tr(k.fee.due.label_key())),
            Line::Field(tr("fee.state"), tr(state_key(k.state))),
        ];
        let transfer = pa::transfer(&state.app, &k).await?;
        let qr = match &transfer {
            Some((a, t)) => {
                lines.push(Line::Gap(6.0));
                let bank = bank_name(&a.a.bin).map_or_else(|| a.a.bin.clone(), |b| format!("{b} ({})", a.a.bin));
                lines.push(Line::Field(tr("pay.bank"), bank));
                lines.push(Line::Field(tr("pay.account"), a.a.account.clone()));
                lines.push(Line::Field(tr("pay.holder"), a.a.holder.clone()));
                lines.push(Line::Field(tr("pay.slip.purpose"), t.purpose().to_string()));
                lines.push(Line::Text(tr("fee.slip.scan")));
                Some(t.payload())
            }
            None if k.state.awaiting() => {
                lines.push(Line::Text(tr("fee.slip.no_account")));
                None
            }
            None => None,
        };
        pdf(lines, qr, format!("phieu-nop-phi-{code}-{id}.pdf"))
    }
    .await;
    or_login(&ctx, r)
}

/// The receipt of a paid (or paid and refunded) fee.
pub(crate) async fn receipt(State(state): State<AppState>, ctx: Ctx, Path((code, id)): Path<(String, i64)>) -> Response {
    let r = async {
        let k = request(&state, &ctx, &code, id).await?;
        let (Some(method), Some(at)) = (k.method, k.paid_at) else {
            return Err(WebError::NotFound);
        };
        let tr = |key: &'static str| t(VI, key).to_string();
        let d = state.store.dossier(&code).await?.ok_or(WebError::NotFound)?;
        let mut lines = vec![
            Line::Title(tr("fee.receipt.title")),
            Line::Text(format!("{} {}", tr("fee.receipt.number"), k.id)),
            Line::Gap(8.0),
            Line::Field(tr("fee.agency"), agency_name(&state, &k.agency).await?),
            Line::Field(tr("fee.payer"), k.payer.clone().unwrap_or_else(|| d.applicant_name.clone())),
            Line::Field(tr("fee.dossier"), code.clone()),
            Line::Field(tr("fee.what"), k.fee.description_vi.clone()),
            Line::Field(tr("pay.slip.amount"), money(k.fee.amount)),
            Line::Field(tr("pay.slip.words"), egov_payments::words::in_words(k.fee.amount)),
            Line::Field(tr("fee.method"), tr(method_key(method))),
            Line::Field(tr("fee.reference"), k.reference.clone().unwrap_or_else(|| "—".into())),
            Line::Field(tr("fee.paid_at"), egov_kernel::vn::micros_to_page(at)),
        ];
        if let (Some(reason), Some(when)) = (&k.refund_reason, k.refunded_at) {
            lines.push(Line::Gap(6.0));
            lines.push(Line::Field(tr("fee.refunded_at"), egov_kernel::vn::micros_to_page(when)));
            lines.push(Line::Field(tr("fee.refund_reason"), reason.clone()));
        }
        pdf(lines, None, format!("bien-lai-{code}-{id}.pdf"))
    }
    .await;
    or_login(&ctx, r)
}

//! `/quan-tri/thanh-toan`: the receiving accounts an administrator keeps
//! (the one in force today marked), a form to record one, and for each a
//! printable test QR code (`…/tai-khoan/{id}/ma-qr.pdf`) to scan with a
//! banking app before dossiers pay into it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use egov_app::payments as pa;
use egov_app::{Actor, AppError};
use egov_i18n::t;
use egov_identity::Principal;
use egov_payments::account::{bank_name, AccountInput};
use egov_payments::vietqr::Service;

use crate::ctx::Ctx;
use crate::views::{agency_choices, error_title, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

pub struct Row {
    pub id: i64,
    pub agency: String,
    pub bank: String,
    pub account: String,
    pub holder: String,
    pub service: &'static str,
    pub from: String,
    pub in_force: bool,
}

#[derive(Template)]
#[template(path = "payments/accounts.html")]
struct Page {
    layout: Layout,
    rows: Vec<Row>,
    agencies: Vec<(String, String)>,
    form: FormState,
    summary_items: Vec<SummaryItem>,
    saved: bool,
}

const LABELS: [(&str, &str); 6] = [
    ("agency", "pay.agency"),
    ("bin", "pay.bank"),
    ("account", "pay.account"),
    ("holder", "pay.holder"),
    ("service", "pay.service"),
    ("from", "pay.from"),
];

pub fn service_key(s: Service) -> &'static str {
    match s {
        Service::ToAccount => "pay.service.to_account",
        Service::ToCard => "pay.service.to_card",
    }
}

fn keeper(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if p.is_system_admin() || p.has_role(egov_identity::Role::AgencyAdmin) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn page(state: &AppState, ctx: &Ctx, p: &Principal, form: FormState, saved: bool, status: StatusCode) -> Result<Response, WebError> {
    let actor = Actor::User(p);
    let kept = pa::accounts(&state.app, actor).await?;
    let today = state.app.now().date();
    let en = ctx.lang.code() == "en";
    let all = state.store.agencies().await?;
    let name = |code: &str| {
        all.iter()
            .find(|a| a.id.as_str() == code)
            .map_or_else(|| code.to_string(), |a| if en { a.name_en.clone() } else { a.name_vi.clone() })
    };
    let mut rows = Vec::new();
    for k in &kept {
        // the accounts are all read: the one in force is found among its agency's
        let same: Vec<&egov_store::payments::KeptAccount> = kept.iter().filter(|x| x.agency == k.agency).collect();
        let current = egov_payments::account::in_force(&same, today, |x| &x.a);
        rows.push(Row {
            id: k.id,
            agency: name(&k.agency),
            bank: match bank_name(&k.a.bin) {
                Some(b) => format!("{b} ({})", k.a.bin),
                None => k.a.bin.clone(),
            },
            account: k.a.account.clone(),
            holder: k.a.holder.clone(),
            service: service_key(k.a.service),
            from: k.a.from.format("%d/%m/%Y").to_string(),
            in_force: current.is_some_and(|c| c.id == k.id),
        });
    }
    let agencies = agency_choices(state, ctx.lang, |a| pa::may_keep(actor, a)).await?;
    let summary_items = form.summary(ctx.lang, &LABELS, "");
    let layout = Layout::titled(ctx, error_title(ctx.lang, form.has_errors(), t(ctx.lang, "pay.title").to_string()));
    Ok(render(status, &Page { layout, rows, agencies, form, summary_items, saved }))
}

async fn show(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = keeper(&ctx)?;
        page(&state, &ctx, p, FormState::default(), q.contains_key("luu"), StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn record(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = keeper(&ctx)?;
        let v = |k: &str| f.get(k).cloned().unwrap_or_default();
        let input = AccountInput { bin: v("bin"), account: v("account"), holder: v("holder"), service: v("service"), from: v("from") };
        let agency = match f.get("agency").filter(|a| !a.is_empty()) {
            Some(a) => a.clone(),
            None => p.agency_id.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default(),
        };
        match pa::add_account(&state.app, Actor::User(p), &agency, &input).await {
            Ok(_) => Ok(Redirect::to("/quan-tri/thanh-toan?luu=1").into_response()),
            Err(AppError::Invalid(errs)) => {
                let mut form = FormState::posted(&f);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                page(&state, &ctx, p, form, false, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// A test QR code for an account, as a printable page: the amount
/// (`so-tien`, 10,000 đồng if not given) and the purpose (`noi-dung`).
async fn qr_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = keeper(&ctx)?;
        let amount = match q.get("so-tien") {
            Some(a) => a.trim().parse::<u64>().map_err(|_| WebError::malformed("err.pay.amount", a))?,
            None => 10_000,
        };
        let purpose = q.get("noi-dung").cloned().unwrap_or_else(|| format!("KIEM TRA {id}"));
        let (k, transfer) = pa::sample_transfer(&state.app, Actor::User(p), id, amount, &purpose).await?;
        let lang = ctx.lang;
        let tr = |key: &'static str| t(lang, key).to_string();
        use egov_slips::Line;
        let lines = vec![
            Line::Title(tr("pay.slip.title")),
            Line::Gap(8.0),
            Line::Field(tr("pay.bank"), bank_name(&k.a.bin).map_or_else(|| k.a.bin.clone(), |b| format!("{b} ({})", k.a.bin))),
            Line::Field(tr("pay.account"), k.a.account.clone()),
            Line::Field(tr("pay.holder"), k.a.holder.clone()),
            Line::Field(tr("pay.slip.amount"), format!("{} đồng", egov_catalog::format_vnd(amount))),
            Line::Field(tr("pay.slip.words"), egov_payments::words::in_words(amount)),
            Line::Field(tr("pay.slip.purpose"), transfer.purpose().to_string()),
            Line::Gap(6.0),
            Line::Text(tr("pay.slip.note")),
        ];
        let slip = egov_slips::Slip { lines, qr: Some(transfer.payload()), size: egov_slips::PageSize::A5 };
        let pdf = egov_slips::render(&slip).map_err(|e| WebError::Internal(e.to_string()))?;
        Ok(crate::quality::pages::download(pdf, "application/pdf", format!("ma-qr-tai-khoan-{id}.pdf")))
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/thanh-toan", get(show).post(record))
        .route("/quan-tri/thanh-toan/tai-khoan/{id}/ma-qr.pdf", get(qr_pdf))
}

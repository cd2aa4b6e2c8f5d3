//! The desk's reconciliation page (`/quan-tri/thanh-toan/doi-soat`): the
//! bank statement imported (a file, or pasted; all or nothing, every bad
//! line listed, the statement kept in the form), what each transfer did,
//! and the transfers listed for an official, each resolved with a note and,
//! when it pays one, the fee it pays.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::payments::bank::{self, Booked};
use egov_app::AppError;
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_payments::reconcile::Outcome;
use egov_store::payments::KeptTransfer;

use crate::ctx::Ctx;
use crate::views::{error_title, or_login, render, FormState, Layout};
use crate::{AppState, WebError};

pub const PATH: &str = "/quan-tri/thanh-toan/doi-soat";

pub struct Listed {
    pub id: i64,
    pub reference: String,
    pub at: String,
    pub amount: String,
    pub description: String,
    pub dossier: Option<String>,
    pub outcome: String,
    /// The dossier's unpaid fees it may pay: (id, words).
    pub payable: Vec<(i64, String)>,
    pub note_error: Option<String>,
    pub note: String,
}

pub struct BookedLine {
    pub reference: String,
    pub amount: String,
    pub dossier: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "payments/bank.html")]
struct Page {
    layout: Layout,
    form: FormState,
    /// Each bad line of a refused statement: (line, message).
    line_errors: Vec<(usize, String)>,
    booked: Vec<BookedLine>,
    listed: Vec<Listed>,
    resolved: bool,
}

pub(crate) fn outcome_words(lang: Lang, outcome: &str, difference: u64) -> String {
    let key = match outcome {
        "matched" => "bank.outcome.matched",
        "partial" => "bank.outcome.partial",
        "over" => "bank.outcome.over",
        "duplicate" => "bank.outcome.duplicate",
        _ => "bank.outcome.unmatched",
    };
    let words = t(lang, key).to_string();
    if difference > 0 {
        format!("{words} ({} đồng)", egov_catalog::format_vnd(difference))
    } else {
        words
    }
}

fn booked_words(lang: Lang, b: &Booked) -> BookedLine {
    let (outcome, diff) = match &b.outcome {
        Outcome::Partial { short } => ("partial", *short),
        Outcome::Over { by } => ("over", *by),
        o => (o.as_str(), 0),
    };
    let mut outcome = outcome_words(lang, outcome, diff);
    if !b.new {
        outcome = format!("{outcome} — {}", t(lang, "bank.recorded_before"));
    }
    BookedLine {
        reference: b.reference.clone(),
        amount: egov_catalog::format_vnd(b.amount),
        dossier: b.dossier_code.clone().unwrap_or_default(),
        outcome,
    }
}

fn desk(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = ctx.principal()?;
    if p.is_system_admin() || p.has_role(egov_identity::Role::Receiver) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn listed(state: &AppState, lang: Lang, p: &Principal, kept: Vec<KeptTransfer>) -> Result<Vec<Listed>, WebError> {
    let mut out = Vec::new();
    for k in kept {
        let mut payable = Vec::new();
        if let Some(code) = &k.dossier_code {
            for f in state.store.dossier_payments(code).await? {
                if matches!(f.state, egov_payments::payment::State::Pending | egov_payments::payment::State::Failed)
                    && p.may(egov_identity::Action::CollectFees(&f.agency))
                {
                    let what = if lang == Lang::En { &f.fee.description_en } else { &f.fee.description_vi };
                    payable.push((f.id, format!("{code}: {what}, {} đồng", egov_catalog::format_vnd(f.fee.amount))));
                }
            }
        }
        out.push(Listed {
            id: k.id,
            reference: k.reference,
            at: k.received_at,
            amount: egov_catalog::format_vnd(k.amount),
            description: k.description,
            dossier: k.dossier_code,
            outcome: outcome_words(lang, &k.outcome, k.difference),
            payable,
            note_error: None,
            note: String::new(),
        });
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    form: FormState,
    line_errors: Vec<(usize, String)>,
    booked: Vec<BookedLine>,
    failed: Option<(i64, String, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let mut listed = listed(state, ctx.lang, p, bank::transfers(&state.app, p, true).await?).await?;
    if let Some((id, note, err)) = failed {
        if let Some(l) = listed.iter_mut().find(|l| l.id == id) {
            l.note = note;
            l.note_error = Some(err);
        }
    }
    let errors = form.has_errors() || !line_errors.is_empty() || listed.iter().any(|l| l.note_error.is_some());
    let layout = Layout::titled(ctx, error_title(ctx.lang, errors, t(ctx.lang, "bank.title").to_string()));
    let resolved = ctx.query.contains("xong=1");
    Ok(render(status, &Page { layout, form, line_errors, booked, listed, resolved }))
}

async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = desk(&ctx)?;
        page(&state, &ctx, p, FormState::default(), Vec::new(), Vec::new(), None, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn import(State(state): State<AppState>, ctx: Ctx, req: axum::extract::Request) -> Response {
    let r = async {
        let (fields, files) = crate::dossiers::api::read_parts(req).await?;
        ctx.check_form(&fields)?;
        let p = desk(&ctx)?;
        // the file when one was chosen, else what was pasted
        let text = match files.get("file") {
            Some(u) => String::from_utf8_lossy(&u.bytes).into_owned(),
            None => fields.get("statement").cloned().unwrap_or_default(),
        };
        let agency = match fields.get("agency").filter(|a| !a.is_empty()) {
            Some(a) => a.clone(),
            None => p.agency_id.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default(),
        };
        let mut form = FormState::posted(&fields);
        form.values.insert("statement".into(), text.clone());
        match bank::import_statement(&state.app, p, &agency, &text).await {
            Ok(booked) => {
                let lines = booked.iter().map(|b| booked_words(ctx.lang, b)).collect();
                page(&state, &ctx, p, FormState::default(), Vec::new(), lines, None, StatusCode::OK).await
            }
            Err(AppError::Invalid(errs)) => {
                let mut lines = Vec::new();
                for e in &errs {
                    let words = match &e.detail {
                        Some(d) if !d.is_empty() => format!("{} ({d})", t(ctx.lang, e.key)),
                        _ => t(ctx.lang, e.key).to_string(),
                    };
                    match e.field.strip_prefix("statement.line.").and_then(|n| n.parse::<usize>().ok()) {
                        Some(n) => lines.push((n, words)),
                        None => form.add("statement", ctx.lang, e.key),
                    }
                }
                if !lines.is_empty() && form.err("statement").is_none() {
                    form.add("statement", ctx.lang, "err.statement.lines");
                }
                page(&state, &ctx, p, form, lines, Vec::new(), None, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = desk(&ctx)?;
        let note = f.get("note").cloned().unwrap_or_default();
        let pay = match f.get("payment").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse::<i64>().map_err(|_| WebError::BadRequest("payment".into()))?),
            None => None,
        };
        match bank::resolve(&state.app, p, id, &note, pay).await {
            Ok(_) => Ok(Redirect::to(&format!("{PATH}?xong=1")).into_response()),
            Err(AppError::Invalid(errs)) => {
                let words = errs.iter().map(|e| t(ctx.lang, e.key)).collect::<Vec<_>>().join(" ");
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                page(&state, &ctx, p, FormState::default(), Vec::new(), Vec::new(), Some((id, note, words)), status).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(import).layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)))
        .route("/quan-tri/thanh-toan/doi-soat/{transfer}", post(resolve))
}

//! The one-stop desk's intake page: a receiving officer records a dossier
//! handed in on paper (the procedure, the citizen, the procedure's own form,
//! the parts received), and prints the receipt slip (form 01) at the end.
//! It calls the same use case as `POST /api/v1/counter/dossiers`.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use egov_i18n::{t, Lang};
use egov_identity::Role;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::dossiers::pages::{field_views, FieldView, Opt};
use crate::views::{or_login, render, Layout, SummaryItem};
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/tiep-nhan", get(intake_form).post(intake_submit))
        .route("/quan-tri/tiep-nhan/{code}", get(received))
}

/// A document part handed in (or not), as a checkbox.
pub struct PartBox {
    pub name: String,
    pub label: String,
    pub mandatory: bool,
    pub checked: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "dossiers/admin/counter.html")]
struct IntakePage {
    layout: Layout,
    /// The agency's procedures to choose from.
    procedures: Vec<Opt>,
    /// The chosen procedure's code and name, once chosen.
    chosen: Option<(String, String)>,
    citizen_id: String,
    full_name: String,
    phone: String,
    citizen_id_error: Option<String>,
    full_name_error: Option<String>,
    procedure_error: Option<String>,
    fields: Vec<FieldView>,
    parts: Vec<PartBox>,
    has_errors: bool,
    summary: Vec<SummaryItem>,
}

/// A receiving officer of an agency, or forbidden.
fn receiver(ctx: &Ctx) -> Result<&egov_identity::Principal, WebError> {
    let p = ctx.principal()?;
    if p.is_official() && p.has_role(Role::Receiver) && p.agency_id.is_some() {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Deserialize)]
struct Chosen {
    #[serde(rename = "thu-tuc")]
    procedure: Option<String>,
}

/// What the officer typed, kept when the page comes back with errors.
#[derive(Default)]
struct Typed {
    procedure: String,
    citizen_id: String,
    full_name: String,
    phone: String,
    form: BTreeMap<String, String>,
    parts: Vec<u32>,
}

async fn intake_page(
    state: &AppState,
    ctx: &Ctx,
    typed: &Typed,
    errors: &[egov_app::FieldError],
    status: StatusCode,
) -> Result<Response, WebError> {
    let p = receiver(ctx)?;
    let agency = p.agency_id.clone().ok_or(WebError::Forbidden)?;
    let snap = state.catalog.get();
    let en = ctx.lang == Lang::En;
    let name = |x: &egov_catalog::Procedure| if en { x.name_en.clone() } else { x.name_vi.clone() };
    let mut procedures: Vec<Opt> = snap
        .procedures
        .values()
        .filter(|x| x.agencies.iter().any(|a| agency == *a))
        .map(|x| Opt { value: x.code.to_string(), label: name(x), selected: x.code.as_str() == typed.procedure })
        .collect();
    procedures.sort_by(|a, b| a.label.cmp(&b.label));
    let proc = snap.procedures.get(typed.procedure.as_str()).filter(|x| x.agencies.iter().any(|a| agency == *a));
    let err = |name: &str| errors.iter().find(|e| e.field == name).map(|e| crate::views::field_message(ctx.lang, e));
    let (fields, parts) = match proc {
        Some(x) => (
            field_views(x, ctx.lang, &typed.form, errors),
            x.documents
                .iter()
                .enumerate()
                .map(|(i, d)| PartBox {
                    name: format!("part_{i}"),
                    label: if en { d.name_en.clone() } else { d.name_vi.clone() },
                    mandatory: d.mandatory,
                    checked: typed.parts.contains(&(i as u32)),
                    error: err(&format!("parts[{i}]")),
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let (citizen_id_error, full_name_error) = (err("citizen_id"), err("full_name"));
    let procedure_error = err("procedure").or_else(|| err("parts"));
    let mut summary = Vec::new();
    for (id, label, e) in [
        ("procedure", "counter.procedure", &procedure_error),
        ("citizen_id", "counter.citizen_id", &citizen_id_error),
        ("full_name", "counter.full_name", &full_name_error),
    ] {
        if let Some(e) = e {
            summary.push(SummaryItem::new(id, t(ctx.lang, label), e));
        }
    }
    summary.extend(fields.iter().filter_map(|f| f.error.as_ref().map(|e| SummaryItem::new(&f.name, &f.label, e))));
    summary.extend(parts.iter().filter_map(|b| b.error.as_ref().map(|e| SummaryItem::new(&b.name, &b.label, e))));
    let title = match proc {
        Some(x) => format!("{}: {}", t(ctx.lang, "counter.title"), name(x)),
        None => t(ctx.lang, "counter.title").to_string(),
    };
    let page = IntakePage {
        layout: Layout::titled(ctx, crate::views::error_title(ctx.lang, !errors.is_empty(), title)),
        procedures,
        chosen: proc.map(|x| (x.code.to_string(), name(x))),
        citizen_id: typed.citizen_id.clone(),
        full_name: typed.full_name.clone(),
        phone: typed.phone.clone(),
        citizen_id_error,
        full_name_error,
        procedure_error,
        fields,
        parts,
        has_errors: !errors.is_empty(),
        summary,
    };
    Ok(render(status, &page))
}

async fn intake_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<Chosen>) -> Response {
    let r = async {
        let typed = Typed { procedure: q.procedure.unwrap_or_default(), ..Typed::default() };
        intake_page(&state, &ctx, &typed, &[], StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn intake_submit(State(state): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> Response {
    let r = async {
        let field = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or_default();
        ctx.check_csrf(&field("csrf"))?;
        let p = receiver(&ctx)?.clone();
        let typed = Typed {
            procedure: field("procedure"),
            citizen_id: field("citizen_id").trim().to_string(),
            full_name: field("full_name"),
            phone: field("phone").trim().to_string(),
            form: pairs.iter().filter_map(|(k, v)| k.strip_prefix("f_").map(|n| (n.to_string(), v.clone()))).collect(),
            parts: pairs
                .iter()
                .filter_map(|(k, _)| k.strip_prefix("part_").and_then(|i| i.parse::<u32>().ok()))
                .collect(),
        };
        let input = egov_app::dossiers::CounterFiling {
            procedure: typed.procedure.clone(),
            citizen_id: typed.citizen_id.clone(),
            full_name: typed.full_name.clone(),
            phone: Some(typed.phone.clone()).filter(|s| !s.is_empty()),
            form: typed.form.clone(),
            parts: typed.parts.clone(),
        };
        match egov_app::dossiers::file_at_counter(&state.app, &p, input).await {
            Ok((code, _)) => Ok(Redirect::to(&format!("/quan-tri/tiep-nhan/{code}")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                intake_page(&state, &ctx, &typed, &errs, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Template)]
#[template(path = "dossiers/admin/received.html")]
struct ReceivedPage {
    layout: Layout,
    code: String,
    procedure: String,
    applicant: String,
    due: String,
}

/// The dossier just received: its code, its appointment, and the slip to print.
async fn received(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let r = async {
        let p = receiver(&ctx)?;
        let d = egov_app::dossiers::read(&state.app, p, &code).await?;
        let en = ctx.lang == Lang::En;
        let procedure = state
            .catalog
            .get()
            .procedures
            .get(d.procedure_code.as_str())
            .map(|x| if en { x.name_en.clone() } else { x.name_vi.clone() })
            .unwrap_or_default();
        let title = format!("{} {code}", t(ctx.lang, "counter.received"));
        let page = ReceivedPage {
            layout: Layout::titled(&ctx, title),
            code,
            procedure,
            applicant: d.applicant_name,
            due: d.state.due.map(egov_kernel::vn::page_minute).unwrap_or_default(),
        };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    or_login(&ctx, r)
}

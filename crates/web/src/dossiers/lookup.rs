//! The public status of a dossier by its code: the API and the lookup page
//! a slip's QR code opens. No personal data but a masked name; throttled.


use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use egov_i18n::t;
use egov_kernel::vn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::{AppState, WebError};

/// The public view of a dossier as the API gives it.
fn view(d: egov_app::dossiers::PublicStatus) -> PublicStatus {
    PublicStatus {
        code: d.code,
        procedure: d.procedure,
        procedure_name: d.procedure_name,
        applicant: d.applicant,
        status: d.status.as_str().into(),
        national_status: d.status.national_code(),
        received_at: d.received_at.map(vn::format_minute),
        due: d.due,
        steps: d
            .steps
            .into_iter()
            .map(|s| PublicStep {
                at: vn::format_minute(s.at),
                action: s.action.as_str().into(),
                status: s.status.as_str().into(),
            })
            .collect(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct PublicStatus {
    code: String,
    procedure: String,
    procedure_name: String,
    /// The applicant's name, masked: each word's first letter, then stars.
    applicant: String,
    status: String,
    national_status: Option<u8>,
    received_at: Option<String>,
    due: Option<String>,
    /// Each step: when, and the status it led to (no notes, no names).
    steps: Vec<PublicStep>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicStep {
    at: String,
    /// The action (`accept`, `apologize`, …).
    action: String,
    status: String,
}

/// The public status of a dossier by its code: no personal data beyond a masked name.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/status", params(("code" = String, Path, description = "the dossier's code, in any case")), responses((status = 200, body = PublicStatus), (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem, description = "too many lookups from this address")))]
pub async fn status(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    if let Err(e) = state.throttle(&state.lookup_throttle, &ctx) {
        return e.problem(ctx.lang);
    }
    match egov_app::dossiers::public_status(&state.app, &code).await {
        Ok(Some(s)) => Json(view(s)).into_response(),
        Ok(None) => WebError::NotFound.problem(ctx.lang),
        Err(e) => WebError::from(e).problem(ctx.lang),
    }
}

#[derive(askama::Template)]
#[template(path = "dossiers/lookup.html")]
struct LookupPage {
    layout: crate::views::Layout,
    code: String,
    searched: bool,
    found: Option<PublicStatus>,
    status_label: String,
    step_labels: Vec<(String, String)>,
    /// When it was received and is due, as pages show instants.
    received: String,
    due: String,
}

#[derive(Deserialize)]
pub struct LookupParam {
    ma: Option<String>,
}

async fn lookup(state: &AppState, ctx: &Ctx, code: String) -> Response {
    let code = code.trim().chars().take(64).collect::<String>();
    let searched = !code.is_empty();
    if searched {
        if let Err(e) = state.throttle(&state.lookup_throttle, ctx) {
            return e.problem(ctx.lang);
        }
    }
    let found =
        if searched { egov_app::dossiers::public_status(&state.app, &code).await.unwrap_or(None) } else { None };
    let label = |s: egov_dossier::Status| t(ctx.lang, s.label_key()).to_string();
    let status_label = found.as_ref().map(|f| label(f.status)).unwrap_or_default();
    let step_labels = found
        .as_ref()
        .map(|f| {
            f.steps
                .iter()
                .map(|s| {
                    // an apology leaves the status as it was: say what happened
                    let apology = egov_dossier::EventKind::Command(egov_dossier::CommandKind::Apologize);
                    let text =
                        if s.action == apology { t(ctx.lang, "inbox.apologize").to_string() } else { label(s.status) };
                    (vn::page_minute(s.at), text)
                })
                .collect()
        })
        .unwrap_or_default();
    let status = if searched && found.is_none() { StatusCode::NOT_FOUND } else { StatusCode::OK };
    // the procedure's name in the page's language; the dossier's code in its title
    let found = found.map(|mut f| {
        if ctx.lang == egov_i18n::Lang::En {
            if let Some(p) = state.catalog.get().procedures.get(f.procedure.as_str()) {
                f.procedure_name = p.name_en.clone();
            }
        }
        f
    });
    let layout = match &found {
        Some(f) => crate::views::Layout::titled(ctx, format!("{} {}", t(ctx.lang, "lookup.title"), f.code)),
        None => crate::views::Layout::new(ctx, "lookup.title"),
    };
    let received = found.as_ref().and_then(|f| f.received_at).map(vn::page_minute).unwrap_or_default();
    let due = found.as_ref().and_then(|f| f.due.as_deref()).map(vn::stored_to_page).unwrap_or_default();
    let page = LookupPage {
        layout,
        code,
        searched,
        received,
        due,
        found: found.map(view),
        status_label,
        step_labels,
    };
    crate::views::render(status, &page)
}

async fn lookup_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<LookupParam>,
) -> Response {
    lookup(&state, &ctx, q.ma.unwrap_or_default()).await
}

/// The address a slip's QR code opens.
async fn lookup_code(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    lookup(&state, &ctx, code).await
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers/{code}/status", get(status))
        .route("/tra-cuu", get(lookup_page))
        .route("/tra-cuu/{code}", get(lookup_code))
}

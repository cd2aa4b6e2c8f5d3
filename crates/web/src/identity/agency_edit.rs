//! Adding and changing an agency of the province's tree on a page (system
//! administrators): names, kind, parent, the unit served, dates of effect.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use egov_directory::{AgencyForm, AgencyKind};
use egov_i18n::{t, Lang};
use egov_identity::Action;

use crate::ctx::Ctx;
use crate::identity::directory::agency_kind_key;
use crate::views::{official, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/cac-co-quan/moi", get(new_form).post(create))
        .route("/quan-tri/cac-co-quan/{id}/sua", get(edit_form).post(update))
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A drop-down of the form.
pub struct Select {
    pub name: &'static str,
    pub label: &'static str,
    pub optional: bool,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "identity/admin/agency_edit.html")]
struct EditPage {
    layout: Layout,
    /// The agency changed; none for a new one.
    editing: Option<String>,
    form: FormState,
    selects: Vec<Select>,
    summary: Vec<SummaryItem>,
    saved: bool,
}

const FIELDS: [(&str, &str); 8] = [
    ("id", "admin.agency.id"),
    ("name_vi", "admin.agency.name_vi"),
    ("name_en", "admin.agency.name_en"),
    ("kind", "admin.agency.kind"),
    ("parent_id", "admin.agency.parent"),
    ("unit_code", "admin.agency.unit"),
    ("effective_from", "admin.units.from"),
    ("effective_to", "admin.units.to"),
];

async fn show(
    state: &AppState,
    ctx: &Ctx,
    editing: Option<&str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    official(ctx, Action::ManageDirectory)?;
    let en = ctx.lang == Lang::En;
    let agencies = state.store.agencies().await?;
    let units = state.store.units().await?;
    let kinds = AgencyKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: t(ctx.lang, agency_kind_key(k)).into(),
            selected: form.v("kind") == k.as_str(),
        })
        .collect();
    let parents = egov_directory::agency_tree(&agencies)
        .into_iter()
        .filter(|(_, a)| Some(a.id.as_str()) != editing)
        .map(|(depth, a)| Choice {
            value: a.id.as_str().into(),
            label: format!("{}{}", "· ".repeat(depth), if en { &a.name_en } else { &a.name_vi }),
            selected: form.v("parent_id") == a.id.as_str(),
        })
        .collect();
    let units = units
        .iter()
        .map(|u| Choice {
            value: u.code.as_str().into(),
            label: format!("{} ({})", u.name, u.code.as_str()),
            selected: form.v("unit_code") == u.code.as_str(),
        })
        .collect();
    let summary = form
        .errors
        .iter()
        .map(|(f, e)| {
            let label = FIELDS.iter().find(|(n, _)| n == f).map(|(_, k)| t(ctx.lang, k)).unwrap_or("");
            SummaryItem::new(f, label, e)
        })
        .collect::<Vec<_>>();
    let title = match editing {
        Some(_) => format!("{}: {}", t(ctx.lang, "admin.agency.edit"), form.v(if en { "name_en" } else { "name_vi" })),
        None => t(ctx.lang, "admin.agency.new").to_string(),
    };
    let page = EditPage {
        layout: Layout::titled(ctx, crate::views::error_title(ctx.lang, !summary.is_empty(), title)),
        editing: editing.map(String::from),
        saved: ctx.query.contains("saved=1"),
        form,
        selects: vec![
            Select { name: "kind", label: t(ctx.lang, "admin.agency.kind"), optional: false, choices: kinds },
            Select { name: "parent_id", label: t(ctx.lang, "admin.agency.parent"), optional: true, choices: parents },
            Select { name: "unit_code", label: t(ctx.lang, "admin.agency.unit"), optional: false, choices: units },
        ],
        summary,
    };
    Ok(render(status, &page))
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = show(&state, &ctx, None, FormState::default(), StatusCode::OK).await;
    or_login(&ctx, r)
}

async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let r = async {
        official(&ctx, Action::ManageDirectory)?;
        let a = state.store.agency(&id).await?.ok_or(WebError::NotFound)?;
        let mut form = FormState::default();
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        for (k, v) in [
            ("id", a.id.as_str().to_string()),
            ("name_vi", a.name_vi),
            ("name_en", a.name_en),
            ("kind", a.kind.as_str().into()),
            ("parent_id", a.parent_id.map(|p| p.as_str().to_string()).unwrap_or_default()),
            ("unit_code", a.unit_code.as_str().into()),
            ("effective_from", day(a.effective_from)),
            ("effective_to", a.effective_to.map(day).unwrap_or_default()),
        ] {
            form.values.insert(k.into(), v);
        }
        show(&state, &ctx, Some(&id), form, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn save(state: &AppState, ctx: &Ctx, editing: Option<&str>, f: HashMap<String, String>) -> Result<Response, WebError> {
    ctx.check_csrf(f.get("csrf").map(String::as_str).unwrap_or(""))?;
    let p = official(ctx, Action::ManageDirectory)?.clone();
    let mut form = FormState::default();
    for (k, _) in FIELDS {
        form.values.insert(k.into(), f.get(k).cloned().unwrap_or_default());
    }
    if let Some(id) = editing {
        // the identifier of an agency does not change: documents are addressed to it
        form.values.insert("id".into(), id.to_string());
    }
    let typed = AgencyForm {
        id: form.v("id").into(),
        name_vi: form.v("name_vi").into(),
        name_en: form.v("name_en").into(),
        kind: form.v("kind").into(),
        parent_id: form.v("parent_id").into(),
        unit_code: form.v("unit_code").into(),
        effective_from: form.v("effective_from").into(),
        effective_to: form.v("effective_to").into(),
    };
    match egov_app::directory::save_agency(&state.store, egov_app::Actor::User(&p), &typed, editing.is_none()).await {
        Ok(a) => Ok(Redirect::to(&format!("/quan-tri/cac-co-quan/{}/sua?saved=1", a.id)).into_response()),
        Err(egov_app::AppError::Invalid(errs)) => {
            let taken = errs.iter().any(|e| e.key == "err.taken");
            errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
            let status = if taken { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            show(state, ctx, editing, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = save(&state, &ctx, None, f).await;
    or_login(&ctx, r)
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = save(&state, &ctx, Some(&id), f).await;
    or_login(&ctx, r)
}

//! The catalog's back office: the list, the editor, the import.

use crate::catalog::editor;
use crate::catalog::pages::{row, Choice};
use crate::ctx::Ctx;
use crate::views::{official, or_login};
use crate::views::{render, FormState, Layout, ProcedureRow};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use egov_i18n::t;
use egov_identity::{Action, Role};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "catalog/admin/procedures.html")]
struct ProceduresPage {
    layout: Layout,
    rows: Vec<ProcedureRow>,
}

async fn procedures(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = (|| {
        official(&ctx, Action::ManageCatalog)?;
        let snap = state.catalog.get();
        let mut list: Vec<_> = snap.procedures.values().collect();
        list.sort_by(|a, b| a.code.cmp(&b.code));
        let rows = list.into_iter().map(|p| row(&snap, p, ctx.lang)).collect();
        Ok(render(StatusCode::OK, &ProceduresPage { layout: Layout::new(&ctx, "admin.procedures.title"), rows }))
    })();
    or_login(&ctx, r)
}

#[derive(Template)]
#[template(path = "catalog/admin/import.html")]
struct ImportPage {
    layout: Layout,
    document: String,
    errors: Vec<(String, String)>,
    done: Option<String>,
}

async fn import_form(ctx: Ctx) -> Response {
    let r = (|| {
        official(&ctx, Action::ManageCatalog)?;
        let page = ImportPage {
            layout: Layout::new(&ctx, "admin.import.title"),
            document: String::new(),
            errors: vec![],
            done: None,
        };
        Ok(render(StatusCode::OK, &page))
    })();
    or_login(&ctx, r)
}

async fn import(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = official(&ctx, Action::ManageCatalog)?;
        let document = f.get("document").cloned().unwrap_or_default();
        let result = egov_app::catalog::import(&state.store, egov_app::Actor::User(p), document.as_bytes()).await?;
        let (status, errors, done) = match result {
            Ok(rep) => {
                state.catalog.refresh(&state.store).await?;
                let msg = format!(
                    "{}: {} {}, {} {}",
                    t(ctx.lang, "admin.import.done"),
                    rep.created,
                    t(ctx.lang, "admin.import.created"),
                    rep.updated,
                    t(ctx.lang, "admin.import.updated")
                );
                (StatusCode::OK, vec![], Some(msg))
            }
            Err(errs) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errs.into_iter().map(|e| (e.path, t(ctx.lang, e.key).to_string())).collect(),
                None,
            ),
        };
        let document = if done.is_some() { String::new() } else { document };
        Ok(render(status, &ImportPage { layout: Layout::new(&ctx, "admin.import.title"), document, errors, done }))
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Template)]
#[template(path = "catalog/admin/editor.html")]
struct EditorPage {
    layout: Layout,
    form: FormState,
    is_new: bool,
    saved: bool,
    fields: Vec<Choice>,
    online: Vec<Choice>,
    agencies: Vec<Choice>,
    roles: Vec<Choice>,
    fee_dues: Vec<Choice>,
    field_types: Vec<Choice>,
    doc_rows: Vec<usize>,
    fee_rows: Vec<usize>,
    step_rows: Vec<usize>,
    ff_rows: Vec<usize>,
    lb_rows: Vec<usize>,
}

async fn editor_page(
    state: &AppState,
    ctx: &Ctx,
    form: FormState,
    is_new: bool,
    status: StatusCode,
) -> Result<Response, WebError> {
    let en = ctx.lang == egov_i18n::Lang::En;
    let snap = state.catalog.get();
    let choice =
        |value: &str, label: &str| Choice { value: value.to_string(), label: label.to_string(), selected: false };
    let fields = snap.fields.iter().map(|f| choice(&f.code, if en { &f.name_en } else { &f.name_vi })).collect();
    let online =
        egov_catalog::OnlineLevel::ALL.iter().map(|l| choice(l.as_str(), t(ctx.lang, l.label_key()))).collect();
    let agencies = state
        .store
        .agencies()
        .await?
        .into_iter()
        .map(|a| Choice {
            selected: form.checked(&format!("agency_{}", a.id.as_str())),
            value: a.id.as_str().to_string(),
            label: format!("{} ({})", if en { &a.name_en } else { &a.name_vi }, a.id.as_str()),
        })
        .collect();
    let roles = Role::ALL[..3].iter().map(|r| choice(r.as_str(), t(ctx.lang, r.label_key()))).collect();
    // the default (before the result) first: what a new row means
    let fee_dues = [egov_catalog::FeeDue::BeforeResult, egov_catalog::FeeDue::AtSubmission]
        .iter()
        .map(|d| choice(d.as_str(), t(ctx.lang, d.label_key())))
        .collect();
    let field_types = editor::FIELD_TYPES.iter().map(|ty| choice(ty, t(ctx.lang, field_type_key(ty)))).collect();
    let rows = |prefix: &str| (0..editor::rows_in(&form, prefix) + editor::SPARE).collect::<Vec<_>>();
    let title = if is_new {
        t(ctx.lang, "editor.new").to_string()
    } else {
        format!("{}: {}", t(ctx.lang, "editor.edit"), form.v(if en { "name_en" } else { "name_vi" }))
    };
    let page = EditorPage {
        layout: Layout::titled(ctx, title),
        is_new,
        saved: ctx.query.contains("saved=1"),
        fields,
        online,
        agencies,
        roles,
        fee_dues,
        field_types,
        doc_rows: rows("doc"),
        fee_rows: rows("fee"),
        step_rows: rows("step"),
        ff_rows: rows("ff"),
        lb_rows: rows("lb"),
        form,
    };
    Ok(render(status, &page))
}

fn field_type_key(ty: &str) -> &'static str {
    match ty {
        "textarea" => "ftype.textarea",
        "number" => "ftype.number",
        "date" => "ftype.date",
        "email" => "ftype.email",
        "phone" => "ftype.phone",
        "citizen_id" => "ftype.citizen_id",
        "select" => "ftype.select",
        "checkbox" => "ftype.checkbox",
        _ => "ftype.text",
    }
}

async fn new_procedure(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        official(&ctx, Action::ManageCatalog)?;
        let mut form = FormState::default();
        for (k, v) in [("online_level", "partial"), ("time_unit", "working_days"), ("level_commune", "on")] {
            form.values.insert(k.into(), v.into());
        }
        editor_page(&state, &ctx, form, true, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn edit_procedure(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let r = async {
        official(&ctx, Action::ManageCatalog)?;
        let p = state.catalog.get().procedures.get(code.as_str()).cloned().ok_or(WebError::NotFound)?;
        editor_page(&state, &ctx, editor::to_form(&p), false, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn save_procedure(State(state): State<AppState>, ctx: Ctx, Form(f): Form<Vec<(String, String)>>) -> Response {
    let r = async {
        let mut form = FormState { values: f.into_iter().collect(), ..Default::default() };
        ctx.check_csrf(form.v("csrf"))?;
        let p = official(&ctx, Action::ManageCatalog)?;
        let is_new = form.v("is_new") == "1";
        let errors = match editor::from_form(&form, ctx.lang) {
            Ok(proc) => match egov_app::catalog::save(&state.app, egov_app::Actor::User(p), &proc, is_new).await? {
                Ok(()) => {
                    return Ok(Redirect::to(&format!("/quan-tri/thu-tuc/{}/sua?saved=1", proc.code)).into_response());
                }
                Err(errs) => editor::store_errors(errs, ctx.lang),
            },
            Err(errs) => errs,
        };
        form.errors = errors;
        form.values.remove("csrf");
        editor_page(&state, &ctx, form, is_new, StatusCode::UNPROCESSABLE_ENTITY).await
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/thu-tuc", get(procedures))
        .route(
            "/quan-tri/thu-tuc/nhap",
            get(import_form).post(import).layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .route("/quan-tri/thu-tuc/moi", get(new_procedure))
        .route("/quan-tri/thu-tuc/{code}/sua", get(edit_procedure))
        .route("/quan-tri/thu-tuc/luu", axum::routing::post(save_procedure))
}

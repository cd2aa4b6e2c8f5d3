//! One official's page for their agency's administrator: edit the name and
//! e-mail, the roles, whether the account may sign in; set a new password.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use egov_i18n::t;
use egov_identity::{Action, Role};

use crate::ctx::Ctx;
use crate::identity::directory::RoleChoice;
use crate::views::{official, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/co-quan/{id}/can-bo/{username}", get(page).post(save))
        .route("/quan-tri/co-quan/{id}/can-bo/{username}/mat-khau", post(new_password))
}

#[derive(Template)]
#[template(path = "identity/admin/staff.html")]
struct StaffPage {
    layout: Layout,
    agency: String,
    agency_name: String,
    username: String,
    form: FormState,
    roles: Vec<RoleChoice>,
    /// Errors of the password form, apart from the details form's.
    pw_error: Option<String>,
    summary: Vec<SummaryItem>,
    saved: bool,
    reset: bool,
}

/// The page with what the form holds (the stored record, or what was typed).
async fn show(
    state: &AppState,
    ctx: &Ctx,
    (agency, username): (&str, &str),
    form: FormState,
    pw_error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let p = official(ctx, Action::ManageAgency(agency))?;
    let a = state.store.agency(agency).await?.ok_or(WebError::NotFound)?;
    let grantable: Vec<Role> = Role::ALL.into_iter().filter(|r| p.may(Action::GrantRole(agency, *r))).collect();
    let roles = Role::ALL
        .into_iter()
        .filter(|r| grantable.contains(r) || form.checked(&format!("role_{}", r.as_str())))
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: t(ctx.lang, r.label_key()),
            checked: form.checked(&format!("role_{}", r.as_str())),
        })
        .collect();
    let label = |f: &str| match f {
        "full_name" => t(ctx.lang, "register.full_name"),
        "email" => t(ctx.lang, "register.email"),
        "roles" => t(ctx.lang, "admin.roles"),
        "active" => t(ctx.lang, "admin.staff.active"),
        _ => t(ctx.lang, "register.password"),
    };
    let mut summary: Vec<SummaryItem> = form
        .errors
        .iter()
        .map(|(f, e)| SummaryItem::new(if f == "roles" { "role_first" } else { f }, label(f), e))
        .collect();
    if let Some(e) = &pw_error {
        summary.push(SummaryItem::new("password", label("password"), e));
    }
    let en = ctx.lang == egov_i18n::Lang::En;
    let title = format!("{}: {}", t(ctx.lang, "admin.staff.edit"), form.v("full_name"));
    let page = StaffPage {
        layout: Layout::titled(ctx, crate::views::error_title(ctx.lang, !summary.is_empty(), title)),
        agency: agency.to_string(),
        agency_name: if en { a.name_en } else { a.name_vi },
        username: username.to_string(),
        saved: ctx.query.contains("saved=1"),
        reset: ctx.query.contains("reset=1"),
        form,
        roles,
        pw_error,
        summary,
    };
    Ok(render(status, &page))
}

/// The form as the stored record fills it.
fn stored(m: egov_store::StaffMember) -> FormState {
    let mut form = FormState::default();
    form.values.insert("full_name".into(), m.full_name);
    form.values.insert("email".into(), m.email.unwrap_or_default());
    if m.active {
        form.values.insert("active".into(), "on".into());
    }
    for r in m.roles {
        form.values.insert(format!("role_{}", r.as_str()), "on".into());
    }
    form
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path((agency, username)): Path<(String, String)>) -> Response {
    let r = async {
        let p = official(&ctx, Action::ManageAgency(&agency))?;
        let m = egov_app::staff::member(&state.store, egov_app::Actor::User(p), &agency, &username).await?;
        show(&state, &ctx, (&agency, &username), stored(m), None, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, username)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let fields: HashMap<String, String> = f.iter().cloned().collect();
        ctx.check_form(&fields)?;
        let p = official(&ctx, Action::ManageAgency(&agency))?.clone();
        let mut form = FormState::default();
        for k in ["full_name", "email", "active"] {
            form.values.insert(k.into(), fields.get(k).cloned().unwrap_or_default());
        }
        let roles: Vec<Role> = f.iter().filter(|(k, _)| k == "role").filter_map(|(_, v)| Role::parse(v)).collect();
        for r in &roles {
            form.values.insert(format!("role_{}", r.as_str()), "on".into());
        }
        let edit = egov_app::staff::StaffEdit {
            full_name: form.v("full_name").to_string(),
            email: form.v("email").to_string(),
            roles,
            active: form.checked("active"),
        };
        match egov_app::staff::change(&state.store, egov_app::Actor::User(&p), &agency, &username, edit).await {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/co-quan/{agency}/can-bo/{username}?saved=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                show(&state, &ctx, (&agency, &username), form, None, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn new_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, username)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = official(&ctx, Action::ManageAgency(&agency))?.clone();
        let actor = egov_app::Actor::User(&p);
        let pw = f.get("password").map(String::as_str).unwrap_or("");
        match egov_app::staff::reset_password(&state.store, actor, &agency, &username, pw).await {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/co-quan/{agency}/can-bo/{username}?reset=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let m = egov_app::staff::member(&state.store, actor, &agency, &username).await?;
                let form = stored(m);
                let e = errs.first().map(|e| t(ctx.lang, e.key).to_string());
                show(&state, &ctx, (&agency, &username), form, e, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

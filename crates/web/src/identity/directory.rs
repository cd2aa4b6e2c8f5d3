//! The back office of agencies, their staff and roles, and administrative units.

use crate::ctx::Ctx;
use crate::views::{official, or_login};
use crate::views::{render, role_names, FormState, Layout};
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

async fn my_agency(ctx: Ctx) -> Response {
    let r = (|| {
        let p = official(&ctx, Action::UseBackOffice)?;
        let id = p.agency_id.clone().ok_or(WebError::NotFound)?;
        Ok(Redirect::to(&format!("/quan-tri/co-quan/{id}")).into_response())
    })();
    or_login(&ctx, r)
}

pub struct StaffRow {
    pub username: String,
    pub full_name: String,
    pub roles: String,
    pub active: bool,
}

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "identity/admin/agency.html")]
struct AgencyPage {
    layout: Layout,
    id: String,
    name: String,
    kind: String,
    unit: String,
    staff: Vec<StaffRow>,
    can_manage: bool,
    form: FormState,
    roles: Vec<RoleChoice>,
    created: bool,
}

async fn agency_page(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    form: FormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    let p = official(ctx, Action::ReadAgency(id))?;
    let a = state.store.agency(id).await?.ok_or(WebError::NotFound)?;
    let staff = state
        .store
        .users_of_agency(id)
        .await?
        .into_iter()
        .map(|u| StaffRow {
            username: u.username,
            full_name: u.full_name,
            roles: role_names(&u.roles, ctx.lang),
            active: u.active,
        })
        .collect();
    let assignable: Vec<Role> = if p.is_system_admin() { Role::ALL.to_vec() } else { Role::ALL[..4].to_vec() };
    let roles = assignable
        .into_iter()
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: t(ctx.lang, r.label_key()),
            checked: form.checked(&format!("role_{}", r.as_str())),
        })
        .collect();
    let en = ctx.lang == egov_i18n::Lang::En;
    // the unit by its name, its code beside it
    let unit = state
        .store
        .units()
        .await?
        .into_iter()
        .find(|u| u.code == a.unit_code)
        .map(|u| format!("{} ({})", u.name, u.code.as_str()))
        .unwrap_or_else(|| a.unit_code.as_str().to_string());
    let page = AgencyPage {
        layout: Layout::titled(ctx, if en { a.name_en.clone() } else { a.name_vi.clone() }),
        id: a.id.as_str().to_string(),
        name: if en { a.name_en } else { a.name_vi },
        kind: t(ctx.lang, agency_kind_key(a.kind)).to_string(),
        unit,
        staff,
        can_manage: p.may(Action::ManageAgency(id)),
        created: ctx.query.contains("created=1"),
        form,
        roles,
    };
    Ok(render(status, &page))
}

async fn agency(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let r = agency_page(&state, &ctx, &id, FormState::default(), StatusCode::OK).await;
    or_login(&ctx, r)
}

async fn add_staff(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let r = async {
        let fields: HashMap<String, String> = f.iter().cloned().collect();
        ctx.check_form(&fields)?;
        let p = official(&ctx, Action::ManageAgency(&id))?.clone();
        let mut form = FormState::default();
        for k in ["username", "full_name", "email"] {
            form.values.insert(k.into(), fields.get(k).cloned().unwrap_or_default());
        }
        let roles: Vec<Role> = f.iter().filter(|(k, _)| k == "role").filter_map(|(_, v)| Role::parse(v)).collect();
        for r in &roles {
            form.values.insert(format!("role_{}", r.as_str()), "on".into());
        }
        let official = egov_app::accounts::NewOfficial {
            username: form.v("username").to_string(),
            full_name: form.v("full_name").to_string(),
            email: form.v("email").to_string(),
            agency: id.clone(),
            roles,
            password: fields.get("password").cloned().unwrap_or_default(),
            system: false,
        };
        match egov_app::accounts::create_official(&state.store, egov_app::Actor::User(&p), official).await {
            Ok(_) => Ok(Redirect::to(&format!("/quan-tri/co-quan/{id}?created=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let taken = errs.iter().any(|e| e.key == "err.taken");
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let status = if taken { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
                agency_page(&state, &ctx, &id, form, status).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub from: String,
    pub to: String,
    pub succeeded_by: String,
}

#[derive(Template)]
#[template(path = "identity/admin/units.html")]
struct UnitsPage {
    layout: Layout,
    rows: Vec<UnitRow>,
}

async fn units(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        official(&ctx, Action::ManageDirectory)?;
        let rows = state
            .store
            .units()
            .await?
            .into_iter()
            .map(|u| UnitRow {
                code: u.code.as_str().into(),
                name: u.name,
                level: t(
                    ctx.lang,
                    if u.level == egov_directory::UnitLevel::Province { "level.province" } else { "level.commune" },
                ),
                from: u.effective_from.format("%d/%m/%Y").to_string(),
                to: u.effective_to.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                succeeded_by: u.succeeded_by.map(|c| c.as_str().to_string()).unwrap_or_default(),
            })
            .collect();
        Ok(render(StatusCode::OK, &UnitsPage { layout: Layout::new(&ctx, "admin.units.title"), rows }))
    }
    .await;
    or_login(&ctx, r)
}

pub struct AgencyRow {
    pub depth: usize,
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub unit: String,
    pub from: String,
    pub to: String,
}

#[derive(Template)]
#[template(path = "identity/admin/agencies.html")]
struct AgenciesPage {
    layout: Layout,
    rows: Vec<AgencyRow>,
}

async fn agencies(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        official(&ctx, Action::ManageDirectory)?;
        let all = state.store.agencies().await?;
        let units = state.store.units().await?;
        let en = ctx.lang == egov_i18n::Lang::En;
        let rows = egov_directory::agency_tree(&all)
            .into_iter()
            .map(|(depth, a)| AgencyRow {
                depth: depth.min(4),
                id: a.id.as_str().into(),
                name: if en { a.name_en.clone() } else { a.name_vi.clone() },
                kind: t(ctx.lang, agency_kind_key(a.kind)),
                unit: units
                    .iter()
                    .find(|u| u.code == a.unit_code)
                    .map(|u| format!("{} ({})", u.name, u.code.as_str()))
                    .unwrap_or_else(|| a.unit_code.as_str().into()),
                from: a.effective_from.format("%d/%m/%Y").to_string(),
                to: a.effective_to.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
            })
            .collect();
        Ok(render(StatusCode::OK, &AgenciesPage { layout: Layout::new(&ctx, "admin.agencies.title"), rows }))
    }
    .await;
    or_login(&ctx, r)
}

pub fn agency_kind_key(k: egov_directory::AgencyKind) -> &'static str {
    use egov_directory::AgencyKind::*;
    match k {
        ProvincialPeoplesCommittee => "kind.provincial_pc",
        PublicAdministrationCentre => "kind.centre",
        Department => "kind.department",
        CommunePeoplesCommittee => "kind.commune_pc",
        Other => "kind.other",
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/co-quan", get(my_agency))
        .route("/quan-tri/co-quan/{id}", get(agency).post(add_staff))
        .route("/quan-tri/don-vi", get(units))
        .route("/quan-tri/cac-co-quan", get(agencies))
}

//! The back office. Every handler checks the principal's roles and agency on
//! the server before it reads or writes anything.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use egov_i18n::t;
use egov_identity::{Action, Principal, Role};

use crate::ctx::Ctx;
use crate::editor;
use crate::pages::{row, Choice};
use crate::views::{render, role_names, FormState, Layout, ProcedureRow};
use crate::{AppState, WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri", get(home))
        .route("/quan-tri/co-quan", get(my_agency))
        .route("/quan-tri/co-quan/{id}", get(agency).post(add_staff))
        .route("/quan-tri/thu-tuc", get(procedures))
        .route(
            "/quan-tri/thu-tuc/nhap",
            get(import_form).post(import).layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .route("/quan-tri/thu-tuc/moi", get(new_procedure))
        .route("/quan-tri/thu-tuc/{code}/sua", get(edit_procedure))
        .route("/quan-tri/thu-tuc/luu", axum::routing::post(save_procedure))
        .route("/quan-tri/don-vi", get(units))
        .route("/quan-tri/cac-co-quan", get(agencies))
        .route("/quan-tri/nhat-ky", get(audit))
}

/// The signed-in official allowed to do `action`; a visitor is sent to sign in.
fn official<'a>(ctx: &'a Ctx, action: Action<'_>) -> Result<&'a Principal, WebError> {
    let p = ctx.principal()?;
    if p.may(action) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

fn login_redirect(ctx: &Ctx) -> Response {
    Redirect::to(&format!("/dang-nhap?next={}", ctx.path)).into_response()
}

/// Sends visitors to the sign-in page; other errors go through the error mapping.
pub(crate) fn or_login(ctx: &Ctx, r: Result<Response, WebError>) -> Response {
    match r {
        Ok(resp) => resp,
        Err(WebError::Unauthorized) => login_redirect(ctx),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    roles: String,
    agency: String,
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = official(&ctx, Action::UseBackOffice)?;
        let agency = match &p.agency_id {
            Some(id) => state
                .store
                .agency(id)
                .await?
                .map(|a| if ctx.lang == egov_i18n::Lang::En { a.name_en } else { a.name_vi })
                .unwrap_or_default(),
            None => String::new(),
        };
        let page = HomePage {
            layout: Layout::new(&ctx, "admin.home.title"),
            name: p.full_name.clone(),
            roles: role_names(&p.roles, ctx.lang),
            agency,
        };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    or_login(&ctx, r)
}

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
}

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/agency.html")]
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
        .map(|u| StaffRow { username: u.username, full_name: u.full_name, roles: role_names(&u.roles, ctx.lang) })
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
    let page = AgencyPage {
        layout: Layout::titled(ctx, if en { a.name_en.clone() } else { a.name_vi.clone() }),
        id: a.id.as_str().to_string(),
        name: if en { a.name_en } else { a.name_vi },
        kind: t(ctx.lang, agency_kind_key(a.kind)).to_string(),
        unit: a.unit_code.as_str().to_string(),
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
        ctx.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
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

#[derive(Template)]
#[template(path = "admin/procedures.html")]
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
#[template(path = "admin/import.html")]
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
        ctx.check_csrf(f.get("csrf").map(String::as_str).unwrap_or(""))?;
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

pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub from: String,
    pub to: String,
    pub succeeded_by: String,
}

#[derive(Template)]
#[template(path = "admin/units.html")]
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

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
}

async fn audit(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        official(&ctx, Action::ReadAudit)?;
        let rows = state
            .store
            .recent_audit(200)
            .await?
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq,
                at: chrono::DateTime::from_timestamp_micros(e.at_micros)
                    .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_default(),
                actor: e.event.actor,
                action: e.event.action,
                subject: e.event.subject,
                hash: e.hash[..16].to_string(),
            })
            .collect();
        Ok(render(StatusCode::OK, &AuditPage { layout: Layout::new(&ctx, "admin.audit.title"), rows }))
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Template)]
#[template(path = "admin/editor.html")]
struct EditorPage {
    layout: Layout,
    form: FormState,
    is_new: bool,
    saved: bool,
    fields: Vec<Choice>,
    online: Vec<Choice>,
    agencies: Vec<Choice>,
    roles: Vec<Choice>,
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
        let p = state.catalog.get().procedures.get(&code).cloned().ok_or(WebError::NotFound)?;
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
        let actor = format!("user:{}", p.user_id);
        let errors = match editor::from_form(&form, ctx.lang) {
            Ok(proc) => match state.store.save_procedure(&proc, is_new, &actor).await? {
                Ok(()) => {
                    state.catalog.refresh(&state.store).await?;
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
#[template(path = "admin/agencies.html")]
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

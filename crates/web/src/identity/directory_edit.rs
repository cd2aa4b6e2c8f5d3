//! Adding and changing the directory on pages (system administrators): an
//! agency of the province's tree (names, kind, parent, the unit served,
//! dates of effect) and an administrative unit (name, level, province,
//! dates, the unit it merged into). One form template draws both.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use egov_directory::{AgencyForm, AgencyKind, UnitForm, UnitLevel};
use egov_i18n::{t, Lang};
use egov_identity::Action;

use crate::ctx::Ctx;
use crate::identity::directory::agency_kind_key;
use crate::views::{official, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/cac-co-quan/moi", get(new_agency).post(create_agency))
        .route("/quan-tri/cac-co-quan/{id}/sua", get(edit_agency).post(update_agency))
        .route("/quan-tri/don-vi/moi", get(new_unit).post(create_unit))
        .route("/quan-tri/don-vi/{code}/sua", get(edit_unit).post(update_unit))
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

/// One input of the form: `text`, `date` or `select`.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub choices: Vec<Choice>,
    /// A select's first, empty choice.
    pub none_label: &'static str,
}

fn input(name: &'static str, label: &'static str, kind: &'static str, required: bool) -> Input {
    Input { name, label, kind, required, choices: Vec::new(), none_label: "apply.choose" }
}

fn select(name: &'static str, label: &'static str, required: bool, choices: Vec<Choice>, none: &'static str) -> Input {
    Input { name, label, kind: "select", required, choices, none_label: none }
}

#[derive(Template)]
#[template(path = "identity/admin/directory_edit.html")]
struct EditPage {
    layout: Layout,
    heading: String,
    action: String,
    back_href: &'static str,
    back_label: &'static str,
    /// The key shown, not edited, of a record changed.
    fixed: Option<(&'static str, String)>,
    form: FormState,
    inputs: Vec<Input>,
    summary: Vec<SummaryItem>,
    saved: bool,
}

/// Which of the two records a page edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Record {
    Agency,
    Unit,
}

impl Record {
    fn list(self) -> (&'static str, &'static str) {
        match self {
            Record::Agency => ("/quan-tri/cac-co-quan", "admin.agencies.title"),
            Record::Unit => ("/quan-tri/don-vi", "admin.units.title"),
        }
    }
    /// The key's field and its label.
    fn key(self) -> (&'static str, &'static str) {
        match self {
            Record::Agency => ("id", "admin.agency.id"),
            Record::Unit => ("code", "admin.units.code"),
        }
    }
    fn headings(self) -> (&'static str, &'static str) {
        match self {
            Record::Agency => ("admin.agency.new", "admin.agency.edit"),
            Record::Unit => ("admin.unit.new", "admin.unit.edit"),
        }
    }
}

async fn inputs(state: &AppState, lang: Lang, record: Record, editing: Option<&str>) -> Result<Vec<Input>, WebError> {
    let en = lang == Lang::En;
    let units = state.store.units().await?;
    let unit_choices = |pick: &dyn Fn(&egov_directory::AdminUnit) -> bool| {
        units
            .iter()
            .filter(|u| pick(u) && Some(u.code.as_str()) != editing)
            .map(|u| Choice { value: u.code.as_str().into(), label: format!("{} ({})", u.name, u.code.as_str()) })
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    if editing.is_none() {
        let (name, label) = record.key();
        out.push(input(name, label, "text", true));
    }
    match record {
        Record::Agency => {
            let agencies = state.store.agencies().await?;
            let kinds = AgencyKind::ALL
                .into_iter()
                .map(|k| Choice { value: k.as_str().into(), label: t(lang, agency_kind_key(k)).into() })
                .collect();
            let parents = egov_directory::agency_tree(&agencies)
                .into_iter()
                .filter(|(_, a)| Some(a.id.as_str()) != editing)
                .map(|(depth, a)| Choice {
                    value: a.id.as_str().into(),
                    label: format!("{}{}", "· ".repeat(depth), if en { &a.name_en } else { &a.name_vi }),
                })
                .collect();
            out.extend([
                input("name_vi", "admin.agency.name_vi", "text", true),
                input("name_en", "admin.agency.name_en", "text", true),
                select("kind", "admin.agency.kind", true, kinds, "apply.choose"),
                select("parent_id", "admin.agency.parent", false, parents, "admin.agency.no_parent"),
                select("unit_code", "admin.agency.unit", true, unit_choices(&|_| true), "apply.choose"),
            ]);
        }
        Record::Unit => {
            let levels = [UnitLevel::Province, UnitLevel::Commune]
                .into_iter()
                .map(|l| Choice {
                    value: l.as_str().into(),
                    label: t(lang, if l == UnitLevel::Province { "level.province" } else { "level.commune" }).into(),
                })
                .collect();
            out.extend([
                input("name", "admin.units.name", "text", true),
                select("level", "admin.units.level", true, levels, "apply.choose"),
                select(
                    "parent_code",
                    "admin.unit.province",
                    false,
                    unit_choices(&|u| u.level == UnitLevel::Province),
                    "admin.unit.no_province",
                ),
            ]);
        }
    }
    out.extend([input("effective_from", "admin.units.from", "date", true), input("effective_to", "admin.units.to", "date", false)]);
    if record == Record::Unit {
        out.push(select("succeeded_by", "admin.units.succeeded_by", false, unit_choices(&|_| true), "admin.unit.not_merged"));
    }
    Ok(out)
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    record: Record,
    editing: Option<&str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    official(ctx, Action::ManageDirectory)?;
    let inputs = inputs(state, ctx.lang, record, editing).await?;
    let (key, key_label) = record.key();
    let label_of = |f: &str| {
        if f == key {
            t(ctx.lang, key_label)
        } else {
            inputs.iter().find(|i| i.name == f).map(|i| t(ctx.lang, i.label)).unwrap_or("")
        }
    };
    let summary: Vec<SummaryItem> = form.errors.iter().map(|(f, e)| SummaryItem::new(f, label_of(f), e)).collect();
    let (new, edit) = record.headings();
    let heading = match editing {
        Some(k) => format!("{}: {k}", t(ctx.lang, edit)),
        None => t(ctx.lang, new).to_string(),
    };
    let (back_href, back_label) = record.list();
    let action = match editing {
        Some(k) => format!("{back_href}/{k}/sua"),
        None => format!("{back_href}/moi"),
    };
    let page = EditPage {
        layout: Layout::titled(ctx, crate::views::error_title(ctx.lang, !summary.is_empty(), heading.clone())),
        heading,
        action,
        back_href,
        back_label,
        fixed: editing.map(|k| (key_label, k.to_string())),
        saved: ctx.query.contains("saved=1"),
        form,
        inputs,
        summary,
    };
    Ok(render(status, &page))
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

async fn new_agency(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = show(&state, &ctx, Record::Agency, None, FormState::default(), StatusCode::OK).await;
    or_login(&ctx, r)
}

async fn new_unit(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = show(&state, &ctx, Record::Unit, None, FormState::default(), StatusCode::OK).await;
    or_login(&ctx, r)
}

fn filled(pairs: Vec<(&str, String)>) -> FormState {
    let mut form = FormState::default();
    for (k, v) in pairs {
        form.values.insert(k.into(), v);
    }
    form
}

async fn edit_agency(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let r = async {
        official(&ctx, Action::ManageDirectory)?;
        let a = state.store.agency(&id).await?.ok_or(WebError::NotFound)?;
        let form = filled(vec![
            ("name_vi", a.name_vi),
            ("name_en", a.name_en),
            ("kind", a.kind.as_str().into()),
            ("parent_id", a.parent_id.map(|p| p.as_str().to_string()).unwrap_or_default()),
            ("unit_code", a.unit_code.as_str().into()),
            ("effective_from", day(a.effective_from)),
            ("effective_to", a.effective_to.map(day).unwrap_or_default()),
        ]);
        show(&state, &ctx, Record::Agency, Some(&id), form, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn edit_unit(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let r = async {
        official(&ctx, Action::ManageDirectory)?;
        let u = state.store.units().await?.into_iter().find(|u| u.code.as_str() == code).ok_or(WebError::NotFound)?;
        let form = filled(vec![
            ("name", u.name),
            ("level", u.level.as_str().into()),
            ("parent_code", u.parent_code.map(|c| c.as_str().to_string()).unwrap_or_default()),
            ("effective_from", day(u.effective_from)),
            ("effective_to", u.effective_to.map(day).unwrap_or_default()),
            ("succeeded_by", u.succeeded_by.map(|c| c.as_str().to_string()).unwrap_or_default()),
        ]);
        show(&state, &ctx, Record::Unit, Some(&code), form, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    record: Record,
    editing: Option<&str>,
    f: HashMap<String, String>,
) -> Result<Response, WebError> {
    ctx.check_form(&f)?;
    let p = official(ctx, Action::ManageDirectory)?.clone();
    let (key, _) = record.key();
    let mut form = FormState::default();
    for (k, v) in f.iter().filter(|(k, _)| k.as_str() != "csrf") {
        form.values.insert(k.clone(), v.clone());
    }
    if let Some(k) = editing {
        // a record's key does not change: documents and dossiers name it
        form.values.insert(key.into(), k.to_string());
    }
    let v = |k: &str| form.v(k).to_string();
    let actor = egov_app::Actor::User(&p);
    let saved = match record {
        Record::Agency => {
            let typed = AgencyForm {
                id: v("id"),
                name_vi: v("name_vi"),
                name_en: v("name_en"),
                kind: v("kind"),
                parent_id: v("parent_id"),
                unit_code: v("unit_code"),
                effective_from: v("effective_from"),
                effective_to: v("effective_to"),
            };
            egov_app::directory::save_agency(&state.store, actor, &typed, editing.is_none()).await.map(|a| a.id.to_string())
        }
        Record::Unit => {
            let typed = UnitForm {
                code: v("code"),
                name: v("name"),
                level: v("level"),
                parent_code: v("parent_code"),
                effective_from: v("effective_from"),
                effective_to: v("effective_to"),
                succeeded_by: v("succeeded_by"),
            };
            egov_app::directory::save_unit(&state.store, actor, &typed, editing.is_none())
                .await
                .map(|u| u.code.as_str().to_string())
        }
    };
    match saved {
        Ok(k) => Ok(Redirect::to(&format!("{}/{k}/sua?saved=1", record.list().0)).into_response()),
        Err(egov_app::AppError::Invalid(errs)) => {
            let taken = errs.iter().any(|e| e.key == "err.taken");
            errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
            let status = if taken { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            show(state, ctx, record, editing, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn create_agency(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = save(&state, &ctx, Record::Agency, None, f).await;
    or_login(&ctx, r)
}

async fn update_agency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = save(&state, &ctx, Record::Agency, Some(&id), f).await;
    or_login(&ctx, r)
}

async fn create_unit(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = save(&state, &ctx, Record::Unit, None, f).await;
    or_login(&ctx, r)
}

async fn update_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = save(&state, &ctx, Record::Unit, Some(&code), f).await;
    or_login(&ctx, r)
}

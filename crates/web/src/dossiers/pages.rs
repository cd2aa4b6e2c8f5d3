//! The citizen's pages: the application form rendered from the procedure's
//! definition, "my dossiers", and one dossier with its timeline.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use egov_catalog::{FieldKind, Procedure};
use egov_i18n::{t, Lang};

use crate::ctx::Ctx;
use crate::dossiers::api::{file_dossier, Filing};
use crate::views::{field_message, or_login};
use egov_app::FieldError;
use crate::views::{render, Layout};
use crate::{AppState, WebError};
use egov_kernel::vn::micros_to_page as micros_to_minute;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/thu-tuc/{code}/nop",
            get(apply_form)
                .post(apply_submit)
                .layer(axum::extract::DefaultBodyLimit::max(egov_dossier::MAX_DOSSIER_FILES + 1024 * 1024)),
        )
        .route("/ho-so-cua-toi", get(my_dossiers))
        .route("/ho-so/{code}", get(one_dossier))
        .route("/ho-so/{code}/danh-gia", axum::routing::post(rate_page))
        .route("/ho-so/{code}/rut", axum::routing::post(withdraw_page))
        .route(
            "/ho-so/{code}/bo-sung",
            axum::routing::post(supplement_page)
                .layer(axum::extract::DefaultBodyLimit::max(egov_dossier::MAX_DOSSIER_FILES + 1024 * 1024)),
        )
        .route("/hop-thu", get(inbox_page))
        .route("/api/v1/inbox", get(inbox_api))
}

pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One input of the application form, ready to render.
pub(crate) struct FieldView {
    pub name: String,
    pub label: String,
    /// `text`, `textarea`, `number`, `date`, `email`, `tel`, `select`, `checkbox`.
    pub input: &'static str,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
    pub options: Vec<Opt>,
    pub checked: bool,
}

pub(crate) fn field_views(
    p: &Procedure,
    lang: Lang,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Vec<FieldView> {
    p.form
        .iter()
        .map(|f| {
            let value = values.get(&f.name).cloned().unwrap_or_default();
            let input = match &f.kind {
                FieldKind::Text { .. } | FieldKind::CitizenId => "text",
                FieldKind::Textarea { .. } => "textarea",
                FieldKind::Number { .. } => "number",
                FieldKind::Date => "date",
                FieldKind::Email => "email",
                FieldKind::Phone => "tel",
                FieldKind::Select { .. } => "select",
                FieldKind::Checkbox => "checkbox",
            };
            let options = match &f.kind {
                FieldKind::Select { options } => options
                    .iter()
                    .map(|o| Opt {
                        value: o.value.clone(),
                        label: if lang == Lang::En { o.label_en.clone() } else { o.label_vi.clone() },
                        selected: o.value == value,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            FieldView {
                name: format!("f_{}", f.name),
                label: if lang == Lang::En { f.label_en.clone() } else { f.label_vi.clone() },
                input,
                required: f.required,
                checked: !value.is_empty(),
                error: errors.iter().find(|e| e.field == format!("form.{}", f.name)).map(|e| field_message(lang, e)),
                value,
                options,
            }
        })
        .collect()
}

/// A document part's file input on the application form.
struct PartInput {
    name: String,
    label: String,
    mandatory: bool,
    error: Option<String>,
    /// The file a draft already has for it.
    have: Option<String>,
    /// The documents of the citizen's store it may be taken from instead,
    /// chosen in the field `reuse`.
    store: Vec<Opt>,
    reuse: String,
}

#[derive(Template)]
#[template(path = "dossiers/apply.html")]
struct ApplyPage {
    layout: Layout,
    parts: Vec<PartInput>,
    draft_id: Option<i64>,
    code: String,
    name: String,
    agencies: Vec<Opt>,
    agency_error: Option<String>,
    fields: Vec<FieldView>,
    has_errors: bool,
    /// Every problem, each a link to its input (shown first, and focused).
    summary: Vec<crate::views::SummaryItem>,
    /// The good files sent were kept in a draft: said beside the summary.
    held: bool,
}

fn citizen(ctx: &Ctx) -> Result<&egov_identity::Principal, WebError> {
    let p = ctx.principal()?;
    if p.is_applicant() {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

/// What the application form shows besides the procedure: what was typed,
/// its errors, and the draft it continues.
struct ApplyForm<'a> {
    agency: &'a str,
    values: &'a BTreeMap<String, String>,
    errors: &'a [FieldError],
    draft: Option<i64>,
    /// Good files were just held in the draft despite another field's error.
    held: bool,
    /// The documents chosen from the store, by part.
    reuse: &'a [(usize, i64)],
}

async fn apply_page(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    form: ApplyForm<'_>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ApplyForm { agency, values, errors, draft, held, reuse } = form;
    let store = crate::results::store_options(state, ctx, ctx.principal()?).await?;
    // A draft's files already attached, by part.
    let attached = match draft {
        Some(id) => state.store.dossier_files(id).await?,
        None => Vec::new(),
    };
    let snap = state.catalog.get();
    let p = snap.procedures.get(code).ok_or(WebError::NotFound)?;
    let en = ctx.lang == Lang::En;
    let all = state.store.agencies().await?;
    let agencies = p
        .agencies
        .iter()
        .map(|id| Opt {
            value: id.clone(),
            label: all
                .iter()
                .find(|a| a.id.as_str() == id)
                .map(|a| if en { a.name_en.clone() } else { a.name_vi.clone() })
                .unwrap_or_else(|| id.clone()),
            selected: id == agency,
        })
        .collect();
    let parts: Vec<PartInput> = p
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let err = errors.iter().find(|e| e.field == format!("parts[{i}]")).map(|e| field_message(ctx.lang, e));
            let have = attached.iter().find(|f| f.part_index == i as i64).map(|f| f.file_name.clone());
            PartInput {
                name: format!("part_{i}"),
                label: if en { d.name_en.clone() } else { d.name_vi.clone() },
                mandatory: d.mandatory,
                error: err,
                have,
                reuse: format!("reuse_{i}"),
                store: store
                    .iter()
                    .map(|(id, label)| Opt {
                        value: id.to_string(),
                        label: label.clone(),
                        selected: reuse.contains(&(i, *id)),
                    })
                    .collect(),
            }
        })
        .collect();
    let agency_error = errors.iter().find(|e| e.field == "agency").map(|e| field_message(ctx.lang, e));
    let fields = field_views(p, ctx.lang, values, errors);
    let mut summary = Vec::new();
    if let Some(e) = &agency_error {
        summary.push(crate::views::SummaryItem::new("agency", t(ctx.lang, "apply.agency"), e));
    }
    summary.extend(fields.iter().filter_map(|f| f.error.as_ref().map(|e| crate::views::SummaryItem::new(&f.name, &f.label, e))));
    summary.extend(
        parts.iter().filter_map(|p: &PartInput| p.error.as_ref().map(|e| crate::views::SummaryItem::new(&p.name, &p.label, e))),
    );
    let title = format!("{}: {}", t(ctx.lang, "apply.title"), if en { &p.name_en } else { &p.name_vi });
    let page = ApplyPage {
        parts,
        draft_id: draft,
        layout: Layout::titled(ctx, crate::views::error_title(ctx.lang, !errors.is_empty(), title)),
        code: p.code.to_string(),
        name: if en { p.name_en.clone() } else { p.name_vi.clone() },
        agencies,
        agency_error,
        fields,
        has_errors: !errors.is_empty(),
        summary,
        held,
    };
    Ok(render(status, &page))
}

#[derive(serde::Deserialize)]
struct ApplyQuery {
    /// A draft to continue.
    #[serde(rename = "nhap")]
    draft: Option<i64>,
}

async fn apply_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ApplyQuery>,
) -> Response {
    let r = async {
        let p = citizen(&ctx)?;
        let Some(id) = q.draft else {
            let snap = state.catalog.get();
            let proc = snap.procedures.get(code.as_str()).ok_or(WebError::NotFound)?;
            // told at once, not after filling the form
            egov_app::dossiers::may_file(p, proc)?;
            let values = egov_app::dossiers::prefill(&state.app, p, proc).await?;
            let form = ApplyForm { agency: "", values: &values, errors: &[], draft: None, held: false, reuse: &[] };
            return apply_page(&state, &ctx, &code, form, StatusCode::OK).await;
        };
        // Continue a draft: the citizen's own, still a draft, of this procedure.
        let d = egov_app::dossiers::own_draft(&state.app, p, id, &code).await?;
        let form = ApplyForm {
            agency: &d.state.receiving_agency,
            values: &d.form_data,
            errors: &[],
            draft: Some(id),
            held: false,
            reuse: &[],
        };
        apply_page(&state, &ctx, &code, form, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn apply_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let r = async {
        let (fields, files) = crate::dossiers::api::read_parts(req).await?;
        let uploads = crate::dossiers::api::action_files(files).parts;
        ctx.check_form(&fields)?;
        let p = citizen(&ctx)?.clone();
        let agency = fields.get("agency").cloned().unwrap_or_default();
        let draft = fields.contains_key("save_draft");
        let continuing = fields.get("draft_id").and_then(|v| v.parse::<i64>().ok());
        let values: BTreeMap<String, String> =
            fields.iter().filter_map(|(k, v)| k.strip_prefix("f_").map(|n| (n.to_string(), v.clone()))).collect();
        // a part taken from the store: `reuse_<part>` = the document's id
        let reuse: Vec<(usize, i64)> = fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("reuse_")?.parse().ok()?, v.parse().ok()?)))
            .collect();
        let filing = |uploads| Filing {
            procedure: code.clone(),
            agency: agency.clone(),
            form: values.clone(),
            uploads,
            draft,
            continuing,
            reuse: reuse.clone(),
        };
        // kept to be held in a draft if another field is refused
        let sent = uploads.clone();
        match file_dossier(&state, &p, filing(uploads)).await? {
            Ok(filed) => match filed.code {
                Some(c) => Ok(Redirect::to(&format!("/ho-so/{c}?moi=1")).into_response()),
                None => Ok(Redirect::to("/ho-so-cua-toi?nhap=1").into_response()),
            },
            Err(errs) => {
                let held = if sent.is_empty() {
                    None
                } else {
                    egov_app::dossiers::hold_uploads(&state.app, &p, filing(sent)).await?
                };
                let form = ApplyForm {
                    agency: &agency,
                    values: &values,
                    errors: &errs,
                    draft: held.or(continuing),
                    held: held.is_some(),
                    reuse: &reuse,
                };
                apply_page(&state, &ctx, &code, form, StatusCode::UNPROCESSABLE_ENTITY).await
            }
        }
    }
    .await;
    or_login(&ctx, r)
}

pub struct Row {
    pub code: String,
    /// For a draft: its id and its procedure's code, to continue it.
    pub id: i64,
    pub procedure_code: String,
    pub procedure: String,
    pub status: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "dossiers/my_dossiers.html")]
struct MyPage {
    layout: Layout,
    rows: Vec<Row>,
    draft_saved: bool,
    /// The level of the electronic identity signed in with (1 or 2), if any.
    level: Option<i64>,
}

async fn my_dossiers(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = citizen(&ctx)?;
        let snap = state.catalog.get();
        let en = ctx.lang == Lang::En;
        let rows = state
            .store
            .dossiers_of_owner(p.user_id)
            .await?
            .into_iter()
            .map(|i| Row {
                id: i.id,
                procedure_code: i.procedure_code.clone(),
                procedure: snap
                    .procedures
                    .get(i.procedure_code.as_str())
                    .map(|x| if en { x.name_en.clone() } else { x.name_vi.clone() })
                    .unwrap_or(i.procedure_code),
                status: t(ctx.lang, i.status.label_key()).to_string(),
                due: i.due.as_deref().map(egov_kernel::vn::stored_to_page).unwrap_or_default(),
                code: i.code,
            })
            .collect();
        Ok(render(
            StatusCode::OK,
            &MyPage {
                layout: Layout::new(&ctx, "my.title"),
                rows,
                draft_saved: ctx.query.contains("nhap=1"),
                level: p.assurance().map(|a| a.number()),
            },
        ))
    }
    .await;
    or_login(&ctx, r)
}

#[derive(Template)]
#[template(path = "dossiers/dossier.html")]
struct DossierPage {
    layout: Layout,
    code: String,
    procedure: String,
    status: String,
    due: String,
    fresh: bool,
    resubmitted: bool,
    form: Vec<(String, String)>,
    history: Vec<(String, String, String)>,
    /// The rating form is shown to the owner of a finished, unrated dossier.
    can_rate: bool,
    /// The nine indicators, with the given scores when rated.
    indicators: Vec<Indicator>,
    rating_error: Option<String>,
    /// Just rated: thanked.
    rated: bool,
    /// What the citizen must add, when the dossier waits for it.
    supplement: Option<Supplement>,
    supplement_error: Option<String>,
    can_withdraw: bool,
    withdraw_error: Option<String>,
    files: Vec<crate::dossiers::documents::FileLink>,
    /// A paper result was (or is being) handed over.
    paper_result: bool,
    /// What it owes, and how to pay it.
    fees: Vec<crate::payments::fees::FeeLine>,
    /// What the return from the payment gateway said.
    payment_notice: Option<&'static str>,
}

pub struct Supplement {
    /// What the agency asked for.
    missing: String,
    /// A file input for each document asked for: its name, what was asked,
    /// and the problem when the form came back.
    requested: Vec<(String, String, Option<String>)>,
    /// Each document part's input name and label (an optional replacement).
    parts: Vec<(String, String)>,
}

/// The citizen withdraws a dossier, with a reason.
async fn withdraw_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_csrf(f.get("csrf").map(String::as_str).unwrap_or(""))?;
        let p = citizen(&ctx)?.clone();
        let reason = f.get("reason").cloned().unwrap_or_default();
        if !f.contains_key("confirmed") && !reason.trim().is_empty() {
            let page = ConfirmPage {
                layout: Layout::titled(&ctx, format!("{} {code}", t(ctx.lang, "hoso.withdraw"))),
                message: t(ctx.lang, "confirm.withdraw").to_string(),
                reason: reason.clone(),
                post_to: format!("/ho-so/{code}/rut"),
                fields: vec![("reason".into(), reason)],
                confirm_label: t(ctx.lang, "confirm.withdraw_button"),
                back: format!("/ho-so/{code}"),
            };
            return Ok(render(StatusCode::OK, &page));
        }
        let req = crate::dossiers::api::ActionRequest::Withdraw { reason };
        match crate::dossiers::api::perform(&state, &p, &code, req, Default::default()).await {
            Ok(_) => Ok(Redirect::to(&format!("/ho-so/{code}")).into_response()),
            Err(e @ WebError::Refused(..)) => {
                let (status, key) = (e.status(), e.title_key());
                dossier_page(&state, &ctx, code, Some(PageError::Withdraw(t(ctx.lang, key).to_string())), status).await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// The page that asks "are you sure?" before an action that cannot be
/// undone (refusing, stopping, withdrawing): it posts the same form again,
/// confirmed. Works without JavaScript.
#[derive(Template)]
#[template(path = "dossiers/confirm.html")]
pub(crate) struct ConfirmPage {
    pub layout: Layout,
    pub message: String,
    pub reason: String,
    pub post_to: String,
    pub fields: Vec<(String, String)>,
    pub confirm_label: &'static str,
    pub back: String,
}

/// The citizen sends a dossier back completed, with supplementary documents.
async fn supplement_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let r = async {
        if !crate::dossiers::api::is_multipart(&req) {
            return Err(WebError::BadRequest("multipart/form-data expected".into()));
        }
        let (fields, files) = crate::dossiers::api::read_parts(req).await?;
        ctx.check_form(&fields)?;
        let p = citizen(&ctx)?.clone();
        let files = crate::dossiers::api::action_files(files);
        match crate::dossiers::api::perform(&state, &p, &code, crate::dossiers::api::ActionRequest::Resubmit, files)
            .await
        {
            Ok(_) => Ok(Redirect::to(&format!("/ho-so/{code}?bo-sung=1")).into_response()),
            Err(WebError::Invalid(errs)) => {
                // the documents asked for that came without a file, each at its input
                let fields: Vec<(String, &'static str)> = errs.iter().map(|e| (e.field.clone(), e.key)).collect();
                let msg = t(ctx.lang, "form.has_errors").to_string();
                let e = PageError::Supplement(msg, fields);
                dossier_page(&state, &ctx, code, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e @ WebError::Refused(..)) => {
                let (status, key) = (e.status(), e.title_key());
                let detail = match &e {
                    WebError::Refused(_, _, d) => d.clone(),
                    _ => String::new(),
                };
                let mut msg = t(ctx.lang, key).to_string();
                if !detail.is_empty() && key.starts_with("err.file.") {
                    msg = format!("{msg} ({detail})");
                }
                dossier_page(&state, &ctx, code, Some(PageError::Supplement(msg, Vec::new())), status).await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    or_login(&ctx, r)
}

const INDICATORS: [&str; 9] =
    ["rating.1", "rating.2", "rating.3", "rating.4", "rating.5", "rating.6", "rating.7", "rating.8", "rating.9"];

async fn one_dossier(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let r = dossier_page(&state, &ctx, code, None, StatusCode::OK).await;
    or_login(&ctx, r)
}

async fn rate_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_csrf(f.get("csrf").map(String::as_str).unwrap_or(""))?;
        let p = citizen(&ctx)?.clone();
        let chosen: Vec<Option<u8>> =
            (1..=9).map(|i| f.get(&format!("s{i}")).and_then(|v| v.parse().ok()).filter(|v| *v <= 2)).collect();
        // every indicator must be answered: nothing is chosen for the person
        if chosen.iter().any(Option::is_none) {
            let e = PageError::Rating(t(ctx.lang, "err.rating.unanswered").to_string(), chosen);
            return dossier_page(&state, &ctx, code, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        let scores: Vec<u8> = chosen.iter().map(|c| c.unwrap_or(0)).collect();
        match egov_app::dossiers::rate(&state.app, &p, &code, &scores).await.map_err(WebError::from) {
            Ok(()) => Ok(Redirect::to(&format!("/ho-so/{code}?danh-gia=1")).into_response()),
            Err(e @ WebError::Refused(..)) => {
                let (status, key) = (e.status(), e.title_key());
                let e = PageError::Rating(t(ctx.lang, key).to_string(), chosen);
                dossier_page(&state, &ctx, code, Some(e), status).await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// One indicator of the rating form.
struct Indicator {
    name: String,
    label: &'static str,
    /// The score given once rated, in words.
    given: Option<&'static str>,
    /// The choices, best first: value, words, and whether it is the one
    /// chosen on a form sent back with a problem.
    options: Vec<(u8, &'static str, bool)>,
}

/// A refusal to show on the dossier page, beside the form it concerns.
enum PageError {
    /// The problem, and the choices made (kept on the form).
    Rating(String, Vec<Option<u8>>),
    /// The problem, and each input's problem (name, message key).
    Supplement(String, Vec<(String, &'static str)>),
    Withdraw(String),
}

async fn dossier_page(
    state: &AppState,
    ctx: &Ctx,
    code: String,
    error: Option<PageError>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let r: Result<Response, WebError> = async {
        let p = ctx.principal()?;
        let d = egov_app::dossiers::read(&state.app, p, &code).await?;
        let snap = state.catalog.get();
        let en = ctx.lang == Lang::En;
        let proc = snap.procedures.get(d.procedure_code.as_str());
        let history = egov_app::dossiers::history(&state.app, &d)
            .await?
            .into_iter()
            .map(|e| {
                // what happened in words, the status it led to, and what was said or sent
                let what = format!("{} ({})", t(ctx.lang, e.action.label_key()), t(ctx.lang, e.to_status.label_key()));
                (micros_to_minute(e.at), what, e.note)
            })
            .collect();
        let given = state.store.rating(d.id).await?;
        let can_rate = egov_dossier::rate(&d.state, p).is_ok();
        let chosen: Vec<Option<u8>> = match &error {
            Some(PageError::Rating(_, c)) => c.clone(),
            _ => Vec::new(),
        };
        let error_fields = match &error {
            Some(PageError::Supplement(_, f)) => Some(f.clone()),
            _ => None,
        };
        let indicators = INDICATORS
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let words = |v: u8| t(ctx.lang, ["rating.choice.0", "rating.choice.1", "rating.choice.2"][v.min(2) as usize]);
                let picked = chosen.get(i).copied().flatten();
                Indicator {
                    name: format!("s{}", i + 1),
                    label: t(ctx.lang, k),
                    given: given.as_ref().and_then(|g| g.get(i).copied()).map(words),
                    options: [2u8, 1, 0].into_iter().map(|v| (v, words(v), picked == Some(v))).collect(),
                }
            })
            .collect();
        let files = crate::dossiers::documents::file_links(state, ctx.lang, &code, &d, false).await?;
        let (rating_error, supplement_error, withdraw_error) = match error {
            Some(PageError::Rating(e, _)) => (Some(e), None, None),
            Some(PageError::Supplement(e, _)) => (None, Some(e), None),
            Some(PageError::Withdraw(e)) => (None, None, Some(e)),
            None => (None, None, None),
        };
        // What the rules let this person do now (asked of the state machine).
        let can_withdraw = egov_app::dossiers::available(&state.app, &d, p).contains(&egov_dossier::CommandKind::Withdraw);
        // The owner completes a dossier the agency sent back: what is missing
        // (the latest request, as form 02 prints it), and a file input per document part.
        let supplement = if egov_dossier::may_resubmit(&d.state, p, state.now()) {
            use egov_app::dossiers::NoticeForm;
            let missing = egov_app::dossiers::latest_notice(&state.app, p, &code, NoticeForm::Supplement)
                .await
                .map(|n| n.step.note)
                .unwrap_or_default();
            let parts = proc
                .map(|x| {
                    x.documents
                        .iter()
                        .enumerate()
                        .map(|(i, doc)| {
                            (format!("part_{i}"), if en { doc.name_en.clone() } else { doc.name_vi.clone() })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let flagged: &[(String, &'static str)] = match &error_fields {
                Some(f) => f,
                None => &[],
            };
            let requested = d
                .state
                .pending_documents()
                .into_iter()
                .map(|(j, asked)| {
                    let name = format!("requested_{j}");
                    let err = flagged.iter().find(|(f, _)| *f == name).map(|(_, k)| t(ctx.lang, k).to_string());
                    (name, asked.to_string(), err)
                })
                .collect();
            Some(Supplement { missing, requested, parts })
        } else {
            None
        };
        let fees = crate::payments::fees::fee_lines(state, ctx.lang, p, &code).await?;
        let page = DossierPage {
            fees,
        payment_notice: crate::payments::fees::gateway_notice(&ctx.query),
            can_withdraw,
            withdraw_error,
            supplement,
            supplement_error,
            layout: Layout::titled(ctx, format!("{} {code}", t(ctx.lang, "hoso.title"))),
            files,
            paper_result: d.state.result.is_some_and(|r| r.paper),
            can_rate,
            indicators,
            rating_error,
            procedure: proc
                .map(|x| if en { x.name_en.clone() } else { x.name_vi.clone() })
                .unwrap_or(d.procedure_code.to_string()),
            status: t(ctx.lang, d.state.status.label_key()).to_string(),
            due: d.state.due.map(egov_kernel::vn::page_minute).unwrap_or_default(),
            fresh: ctx.query.contains("moi=1"),
            rated: ctx.query.contains("danh-gia=1"),
            resubmitted: ctx.query.contains("bo-sung=1"),
            form: crate::dossiers::api::form_lines(state, &d, ctx.lang),
            history,
            code,
        };
        Ok(render(status, &page))
    }
    .await;
    r
}

pub struct Message {
    pub at: String,
    pub text: &'static str,
    pub code: String,
    pub note: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "dossiers/inbox.html")]
struct InboxPage {
    layout: Layout,
    messages: Vec<Message>,
}

async fn inbox_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = citizen(&ctx)?;
        let messages = egov_app::dossiers::inbox(&state.app, p, true)
            .await?
            .into_iter()
            .map(|m| Message {
                at: micros_to_minute(m.created_at),
                text: t(ctx.lang, egov_mail::kind_key(m.kind.as_str())),
                code: m.dossier_code,
                note: m.note,
                unread: !m.read,
            })
            .collect();
        Ok(render(StatusCode::OK, &InboxPage { layout: Layout::new(&ctx, "inbox.title"), messages }))
    }
    .await;
    or_login(&ctx, r)
}

/// The signed-in citizen's inbox (bearer token), newest first.
async fn inbox_api(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = ctx.api_principal()?;
        let list = egov_app::dossiers::inbox(&state.app, p, false).await?;
        Ok(axum::Json(serde_json::json!({ "items": list })).into_response())
    }
    .await;
    r.unwrap_or_else(|e: WebError| e.problem(ctx.lang))
}

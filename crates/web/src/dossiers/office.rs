//! The officials' dossier pages: worklists, and one dossier with the forms of
//! the actions the official may take on it now.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use egov_app::files::Upload;
use egov_app::Refusal;
use egov_dossier::CommandKind;
use egov_i18n::{t, Lang};
use egov_identity::{Action, Role};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::dossiers::api::{perform, ActionRequest};
use crate::views::or_login;
use crate::views::{render, Layout};
use crate::{AppState, WebError};
use egov_kernel::vn::micros_to_page as micros_to_vn;

pub fn routes() -> Router<AppState> {
    Router::new().route("/quan-tri/ho-so", get(worklist)).route(
        "/quan-tri/ho-so/{code}",
        get(dossier).post(act).layer(axum::extract::DefaultBodyLimit::max(egov_dossier::MAX_FILE + 1024 * 1024)),
    )
}

pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub count: u64,
    pub current: bool,
}

pub struct Line {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub status: String,
    pub due: String,
    /// A fee is not paid yet.
    pub unpaid: bool,
}

/// The links under a long list: "page p of n", previous and next.
pub struct Pager {
    pub summary: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "dossiers/admin/worklist.html")]
struct WorklistPage {
    layout: Layout,
    tabs: Vec<Tab>,
    list: String,
    q: String,
    lines: Vec<Line>,
    pager: Option<Pager>,
    /// This month's tracking register of the official's agency.
    register: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    ds: Option<String>,
    q: Option<String>,
    page: Option<String>,
}

fn official(ctx: &Ctx) -> Result<&egov_identity::Principal, WebError> {
    let p = ctx.principal()?;
    if p.may(Action::UseBackOffice) && p.agency_id.is_some() {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn worklist(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Response {
    use crate::dossiers::api::{PER_PAGE, WORKLISTS};
    let r = async {
        let p = official(&ctx)?;
        let counts = egov_app::dossiers::worklists_of(&state.app, p).await?;
        let name_of = |w| WORKLISTS.iter().find(|(_, x, _)| *x == w).map(|(n, _, label)| (*n, *label));
        // the list asked for if it is theirs; else the first of their own
        // desk's that holds something, else their first
        use egov_store::Worklist as W;
        let own = |w: &W| !matches!(w, W::Waiting | W::DueBefore | W::Overdue | W::Agency);
        let which = q
            .ds
            .as_deref()
            .and_then(crate::dossiers::api::worklist_named)
            .filter(|w| counts.iter().any(|(x, _)| x == w))
            .or_else(|| counts.iter().find(|(w, n)| own(w) && *n > 0).map(|(w, _)| *w))
            .or_else(|| counts.first().map(|(w, _)| *w))
            .unwrap_or(W::Agency);
        let list = name_of(which).map(|(n, _)| n).unwrap_or("agency").to_string();
        let search: String = q.q.as_deref().map(str::trim).unwrap_or_default().chars().take(100).collect();
        let number = q.page.as_deref().and_then(|n| n.trim().parse::<u32>().ok()).filter(|n| (1..=1_000_000).contains(n)).unwrap_or(1);
        let found = egov_app::dossiers::worklist(
            &state.app,
            p,
            which,
            Some(search.as_str()),
            egov_store::Page { number, size: PER_PAGE },
        )
        .await?;
        let snap = state.catalog.get();
        let en = ctx.lang == Lang::En;
        let codes: Vec<&str> = found.items.iter().map(|i| i.code.as_str()).collect();
        let unpaid = state.store.unpaid_among(&codes).await?;
        let lines = found
            .items
            .into_iter()
            .map(|i| Line {
                unpaid: unpaid.contains(&i.code),
                procedure: snap
                    .procedures
                    .get(i.procedure_code.as_str())
                    .map(|x| if en { x.name_en.clone() } else { x.name_vi.clone() })
                    .unwrap_or(i.procedure_code),
                applicant: i.applicant_name,
                status: t(ctx.lang, i.status.label_key()).to_string(),
                due: i.due.as_deref().map(egov_kernel::vn::stored_to_page).unwrap_or_default(),
                code: i.code,
            })
            .collect();
        let tabs = counts
            .iter()
            .filter_map(|(w, count)| {
                let (name, label) = name_of(*w)?;
                Some(Tab { href: format!("/quan-tri/ho-so?ds={name}"), label: t(ctx.lang, label), count: *count, current: *w == which })
            })
            .collect();
        let pages = found.total.div_ceil(u64::from(PER_PAGE)).max(1);
        let link = |n: u64| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("ds", &list).append_pair("page", &n.to_string());
            if !search.is_empty() {
                query.append_pair("q", &search);
            }
            format!("/quan-tri/ho-so?{}", query.finish())
        };
        let number = u64::from(number);
        let pager = (pages > 1 || number > 1).then(|| Pager {
            summary: t(ctx.lang, "office.page_of")
                .replace("{page}", &number.to_string())
                .replace("{pages}", &pages.to_string())
                .replace("{total}", &found.total.to_string()),
            previous: (number > 1).then(|| link((number - 1).min(pages))),
            next: (number < pages).then(|| link(number + 1)),
        });
        let today = state.now().date();
        let register = format!(
            "/api/v1/agencies/{}/register.pdf?from={}&to={today}",
            p.agency_id.as_ref().map(|a| a.as_str()).unwrap_or_default(),
            today.format("%Y-%m-01"),
        );
        let page = WorklistPage { layout: Layout::new(&ctx, "office.title"), tabs, list, q: search, lines, pager, register };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    or_login(&ctx, r)
}

pub struct Specialist {
    pub username: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "dossiers/admin/dossier.html")]
struct OfficePage {
    layout: Layout,
    code: String,
    procedure: String,
    applicant: String,
    status: String,
    due: String,
    form: Vec<(String, String)>,
    history: Vec<(String, String, String, String)>,
    /// The actions this official may take now.
    actions: Vec<&'static str>,
    specialists: Vec<Specialist>,
    error: Option<String>,
    done: bool,
    files: Vec<crate::dossiers::documents::FileLink>,
    /// Supplement requests made already (a second one makes the dossier late by rule).
    supplements: u32,
    /// What was typed in the supplement request's list, kept when it comes back.
    missing_typed: String,
    /// The account that filed it, when it is not the applicant's own.
    filed_by: Option<String>,
    /// The documents to print: the receipt, the notices its steps issued, the control sheet.
    documents: Vec<(String, &'static str)>,
    /// What was typed in the result's particulars, kept when it comes back.
    issue: ReturnTyped,
    /// What it owes: the desk records a fee paid, an approver a refund.
    fees: Vec<crate::payments::fees::FeeLine>,
    /// What the return from the payment gateway said.
    payment_notice: Option<&'static str>,
}

impl OfficePage {
    pub fn can(&self, a: &str) -> bool {
        self.actions.contains(&a)
    }
}

/// The result's particulars as typed on the return form, and the message of
/// each field that broke a rule.
#[derive(Default)]
pub(crate) struct ReturnTyped {
    pub doc_type: String,
    pub number: String,
    pub valid_until: String,
    pub errors: Vec<(String, String)>,
    /// The result file held while the form came back: its hold's id and name.
    pub held: Option<(i64, String)>,
}

impl ReturnTyped {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

pub(crate) async fn office_page(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    office_page_kept(state, ctx, code, error, status, String::new(), ReturnTyped::default()).await
}

/// The page, with the list of missing documents typed kept in its form.
async fn office_page_kept(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    error: Option<String>,
    status: StatusCode,
    missing_typed: String,
    issue: ReturnTyped,
) -> Result<Response, WebError> {
    let p = official(ctx)?;
    let d = egov_app::dossiers::read(&state.app, p, code).await?;
    let snap = state.catalog.get();
    let en = ctx.lang == Lang::En;
    let proc = snap.procedures.get(d.procedure_code.as_str()).cloned();
    let staff = state.store.users_of_agency(&d.state.current_agency).await?;
    let specialists: Vec<Specialist> = staff
        .iter()
        .filter(|u| u.roles.contains(&Role::Specialist))
        .map(|u| Specialist { username: u.username.clone(), name: u.full_name.clone() })
        .collect();
    // What the state machine lets this official do now; assigning needs a
    // specialist to assign to.
    let actions = egov_app::dossiers::available(&state.app, &d, p)
        .into_iter()
        .filter(|k| *k != CommandKind::Assign || !specialists.is_empty())
        .map(CommandKind::name)
        .collect();
    let events = state.store.dossier_events(d.id).await?;
    // the documents its steps issued, by the 2025 set's numbers, and the control sheet
    use egov_app::dossiers::NoticeForm;
    let mut documents = vec![(format!("/api/v1/dossiers/{code}/receipt.pdf"), t(ctx.lang, "slip.receipt"))];
    for form in NoticeForm::ALL.into_iter().filter(|f| events.iter().any(|e| f.issued_by(e.action))) {
        let label = match form {
            NoticeForm::Supplement => "slip.supplement",
            NoticeForm::Refusal => "slip.refusal",
            NoticeForm::Apology => "slip.apology",
            NoticeForm::Stopped => "slip.stopped",
        };
        documents.push((format!("/api/v1/dossiers/{code}/forms/{}.pdf", form.number()), t(ctx.lang, label)));
    }
    documents.push((format!("/api/v1/dossiers/{code}/forms/06.pdf"), t(ctx.lang, "slip.control")));
    let history = events
        .into_iter()
        .map(|e| {
            (
                micros_to_vn(e.at),
                t(ctx.lang, e.to_status.label_key()).to_string(),
                t(ctx.lang, e.action.label_key()).to_string(),
                e.note,
            )
        })
        .collect();
    let may_digitise = p.may(Action::DigitiseParts(d.state.receiving_agency.as_str()));
    let files = crate::dossiers::documents::file_links(state, ctx.lang, code, &d, may_digitise).await?;
    let holder = match d.state.owner {
        Some(o) => state.store.principal(o).await?,
        None => None,
    };
    let filed_by = holder
        .filter(|h| h.full_name != d.applicant_name)
        .map(|h| format!("{} ({})", h.full_name, h.username));
    let fees = crate::payments::fees::fee_lines(state, ctx.lang, p, code).await?;
    let page = OfficePage {
        issue,
        fees,
        payment_notice: None,
        files,
        layout: Layout::titled(ctx, format!("{} {code}", t(ctx.lang, "hoso.title"))),
        code: code.to_string(),
        procedure: proc.as_ref().map(|x| if en { x.name_en.clone() } else { x.name_vi.clone() }).unwrap_or_default(),
        applicant: d.applicant_name.clone(),
        status: t(ctx.lang, d.state.status.label_key()).to_string(),
        due: d.state.due.map(egov_kernel::vn::page_minute).unwrap_or_default(),
        form: crate::dossiers::api::form_lines(state, &d, ctx.lang),
        history,
        actions,
        specialists,
        error,
        done: ctx.query.contains("ok=1"),
        supplements: d.state.supplements,
        missing_typed,
        filed_by,
        documents,
    };
    Ok(render(status, &page))
}

async fn dossier(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> Response {
    let r = office_page(&state, &ctx, &code, None, StatusCode::OK).await;
    or_login(&ctx, r)
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let r = async {
        // The result form is multipart (it may carry the electronic result); the others are plain.
        let (f, mut files) = if crate::dossiers::api::is_multipart(&req) {
            crate::dossiers::api::read_parts(req).await?
        } else {
            use axum::extract::FromRequest;
            let Form(f) = Form::<HashMap<String, String>>::from_request(req, &())
                .await
                .map_err(|e| WebError::BadRequest(e.to_string()))?;
            (f, HashMap::new())
        };
        ctx.check_form(&f)?;
        let p = official(&ctx)?.clone();
        let v = |k: &str| f.get(k).cloned().unwrap_or_default();
        // refusing and stopping cannot be undone: asked again on a page of their own
        let action = v("action");
        if matches!(action.as_str(), "refuse" | "stop") && !f.contains_key("confirmed") && !v("reason").trim().is_empty()
        {
            let (message, button) = if action == "refuse" {
                ("confirm.refuse", "confirm.refuse_button")
            } else {
                ("confirm.stop", "confirm.stop_button")
            };
            let page = crate::dossiers::pages::ConfirmPage {
                layout: Layout::titled(&ctx, format!("{} {code}", t(ctx.lang, "hoso.title"))),
                message: t(ctx.lang, message).to_string(),
                reason: v("reason"),
                post_to: format!("/quan-tri/ho-so/{code}"),
                fields: vec![("action".into(), action.clone()), ("reason".into(), v("reason"))],
                confirm_label: t(ctx.lang, button),
                back: format!("/quan-tri/ho-so/{code}"),
            };
            return Ok(render(StatusCode::OK, &page));
        }
        let req = match action.as_str() {
            "accept" => ActionRequest::Accept,
            "return_incomplete" => ActionRequest::ReturnIncomplete { missing: lines(&v("missing")) },
            "assign" => ActionRequest::Assign { to: v("to") },
            "forward" => ActionRequest::Forward { to_agency: None },
            "request_supplement" => {
                // a second request makes the dossier late by rule: said on the form, and confirmed
                let d = egov_app::dossiers::read(&state.app, &p, &code).await?;
                if d.state.supplements >= 1 && !f.contains_key("confirm_second") {
                    let msg = t(ctx.lang, "err.supplement.confirm_second").to_string();
                    let status = StatusCode::UNPROCESSABLE_ENTITY;
                    let kept = ReturnTyped::default();
                    return office_page_kept(&state, &ctx, &code, Some(msg), status, v("missing"), kept).await;
                }
                ActionRequest::RequestSupplement { missing: lines(&v("missing")) }
            }
            "refuse" => ActionRequest::Refuse { reason: v("reason") },
            "stop" => ActionRequest::Stop { reason: v("reason") },
            "approve" => ActionRequest::Approve,
            "return_result" => ActionRequest::ReturnResult {
                paper: f.contains_key("paper"),
                result_type: v("result_type"),
                result_number: v("result_number"),
                valid_until: v("valid_until"),
            },
            "apologize" => ActionRequest::Apologize { new_due: v("new_due").replace('T', " "), reason: v("reason") },
            _ => return Err(WebError::BadRequest("action".into())),
        };
        // the result file sent now, or held from when the form came back
        let owner = p.user_id.to_string();
        let result = crate::views::sent_or_held(&state.app, &owner, &mut files, &f, "result").await?;
        let upload = result.as_ref().map(|r| Upload { part: 0, name: r.name.clone(), bytes: r.bytes.clone() });
        let files = crate::dossiers::api::ActionFiles { result: upload, parts: Vec::new() };
        // the result's particulars as typed, kept when the form comes back
        let typed = |errors: Vec<(String, String)>, held: Option<egov_app::files::Held>| ReturnTyped {
            doc_type: v("result_type"),
            number: v("result_number"),
            valid_until: v("valid_until"),
            errors,
            held: held.map(|h| (h.id, h.name)),
        };
        // a result file refused for its particulars, not for itself, is held
        let keep = |result: Option<crate::views::FormFile>| async {
            match result.and_then(|r| egov_app::files::document_kind(&r.bytes).map(|kind| (r, kind))) {
                Some((r, kind)) => r.hold(&state.app, &owner, kind).await.map(Some),
                None => Ok(None),
            }
        };
        match perform(&state, &p, &code, req, files).await {
            Ok(_) => {
                if let Some(r) = &result {
                    r.used(&state.app, &owner).await?;
                }
                Ok(Redirect::to(&format!("/quan-tri/ho-so/{code}?ok=1")).into_response())
            }
            Err(e @ WebError::Refused(..)) => {
                let (status, key) = (e.status(), e.title_key());
                let msg = Some(t(ctx.lang, key).to_string());
                // the number already taken: the file itself was good
                let held = if matches!(e, WebError::Refused(Refusal::Conflict, ..)) { keep(result).await? } else { None };
                office_page_kept(&state, &ctx, &code, msg, status, String::new(), typed(Vec::new(), held)).await
            }
            // the result's particulars: each message at its field
            Err(WebError::Invalid(errs)) => {
                let errors = errs.iter().map(|e| (e.field.clone(), crate::views::field_message(ctx.lang, e))).collect();
                let msg = Some(t(ctx.lang, "form.has_errors").to_string());
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                let held = keep(result).await?;
                office_page_kept(&state, &ctx, &code, msg, status, String::new(), typed(errors, held)).await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    or_login(&ctx, r)
}

//! Press information, `/quan-tri/thong-tin-bao-chi?nam=YYYY`: what is due
//! and overdue now (requests to answer, first statements within 24 hours,
//! corrections, a conference each quarter, periodic information each
//! month), the report year's counts (15 December to 14 December), each a
//! link to the records it counts (`&dem=KEY`), those records with a form
//! to complete each one waiting, and a form to record one. The report as
//! PDF and XLSX, and the API, are in `press_report`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::news::press_info as pi;
use egov_app::{Actor, AppError};
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_news::press_info::{period, report_year, Count, DoneInput, Entry, EntryInput, Kind, Stretch, Yearly};

use super::spokespersons::keeper;
use crate::ctx::Ctx;
use crate::views::{agency_choices, error_title, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

/// The report's counts: their key (in addresses and the API), their words.
pub const COUNTS: [(&str, &str); 8] = [
    ("conferences", "pinfo.count.conferences"),
    ("briefings", "pinfo.count.briefings"),
    ("requests", "pinfo.count.requests"),
    ("answered", "pinfo.count.answered"),
    ("answered_on_time", "pinfo.count.answered_on_time"),
    ("events", "pinfo.count.events"),
    ("statements_on_time", "pinfo.count.statements_on_time"),
    ("corrections", "pinfo.count.corrections"),
];

/// A count of the report by its key.
pub fn count<'a>(y: &'a Yearly, key: &str) -> Option<&'a Count> {
    Some(match key {
        "conferences" => &y.conferences,
        "briefings" => &y.briefings,
        "requests" => &y.requests,
        "answered" => &y.answered,
        "answered_on_time" => &y.answered_on_time,
        "events" => &y.events,
        "statements_on_time" => &y.statements_on_time,
        "corrections" => &y.corrections,
        _ => return None,
    })
}

pub fn kind_key(k: Kind) -> &'static str {
    match k {
        Kind::Request => "pinfo.kind.request",
        Kind::Conference => "pinfo.kind.conference",
        Kind::Briefing => "pinfo.kind.briefing",
        Kind::Periodic => "pinfo.kind.periodic",
        Kind::Event => "pinfo.kind.event",
        Kind::Correction => "pinfo.kind.correction",
    }
}

/// Who or which outlet a record involves, in words.
pub fn party(e: &Entry) -> String {
    match e {
        Entry::Request { journalist, outlet, .. } => format!("{journalist} ({outlet})"),
        Entry::Correction { outlet, .. } => outlet.clone(),
        _ => String::new(),
    }
}

/// A record's own time, as people read it.
pub fn when(e: &Entry) -> String {
    match e {
        Entry::Event { known, .. } => known.format("%d/%m/%Y %H:%M").to_string(),
        e => e.at().format("%d/%m/%Y").to_string(),
    }
}

pub fn done_when(e: &Entry, d: &egov_news::press_info::Done) -> String {
    match e {
        Entry::Event { .. } => d.at.format("%d/%m/%Y %H:%M").to_string(),
        _ => d.at.format("%d/%m/%Y").to_string(),
    }
}

pub struct Row {
    pub id: i64,
    pub kind: &'static str,
    pub subject: String,
    pub party: String,
    pub when: String,
    pub deadline: String,
    /// (when, by, text) once completed.
    pub done: Option<(String, String, String)>,
    pub completes: bool,
    /// A time is asked (an event's first statement), not a day.
    pub timed: bool,
}

pub struct DueRow {
    pub kind: &'static str,
    pub what: String,
    pub by: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "news/press_info.html")]
struct Page {
    layout: Layout,
    year: i32,
    from: String,
    to: String,
    due: Vec<DueRow>,
    /// (key, words, n)
    counts: Vec<(&'static str, &'static str, usize)>,
    /// The count whose records are listed, if one is chosen.
    counted: Option<&'static str>,
    rows: Vec<Row>,
    agencies: Vec<(String, String)>,
    which: String,
    form: FormState,
    summary_items: Vec<SummaryItem>,
    saved: bool,
}

impl Page {
    fn err(&self, which: &str, name: &str) -> Option<&str> {
        self.form.err_in(&self.which, which, name)
    }
    fn val(&self, which: &str, name: &str) -> &str {
        self.form.v_in(&self.which, which, name)
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::ALL.iter().map(|k| (k.as_str(), kind_key(*k))).collect()
    }
    fn done_form(&self, id: &i64) -> String {
        format!("done-{id}")
    }
    /// The record form's text fields: name, words, input type, hint.
    fn entry_fields(&self) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
        vec![
            ("subject", "pinfo.f.subject", "text", "pinfo.f.subject.hint"),
            ("journalist", "pinfo.f.journalist", "text", "pinfo.f.journalist.hint"),
            ("outlet", "pinfo.f.outlet", "text", "pinfo.f.outlet.hint"),
            ("on", "pinfo.f.on", "date", "pinfo.f.on.hint"),
            ("deadline", "pinfo.f.deadline", "date", "pinfo.f.deadline.hint"),
            ("known_at", "pinfo.f.known_at", "datetime-local", "pinfo.f.known_at.hint"),
        ]
    }
}

const LABELS: [(&str, &str); 10] = [
    ("agency", "press.f.agency"),
    ("kind", "pinfo.f.kind"),
    ("subject", "pinfo.f.subject"),
    ("journalist", "pinfo.f.journalist"),
    ("outlet", "pinfo.f.outlet"),
    ("on", "pinfo.f.on"),
    ("deadline", "pinfo.f.deadline"),
    ("known_at", "pinfo.f.known_at"),
    ("at", "pinfo.d.at"),
    ("text", "pinfo.d.text"),
];

fn stretch(lang: Lang, s: Stretch) -> String {
    match s {
        Stretch::Quarter { year, quarter } => format!("{} {quarter}/{year}", t(lang, "pinfo.quarter")),
        Stretch::Month { year, month } => format!("{} {month}/{year}", t(lang, "pinfo.month")),
    }
}

pub fn rows(entries: &[egov_store::news::PressEntry]) -> Vec<Row> {
    entries
        .iter()
        .map(|e| Row {
            id: e.id,
            kind: kind_key(e.entry.kind()),
            subject: e.entry.subject().to_string(),
            party: party(&e.entry),
            when: when(&e.entry),
            deadline: match &e.entry {
                Entry::Request { deadline, .. } => deadline.format("%d/%m/%Y").to_string(),
                _ => String::new(),
            },
            done: e.done.as_ref().map(|d| (done_when(&e.entry, d), d.by.clone(), d.text.clone())),
            completes: e.entry.kind().completes(),
            timed: matches!(e.entry, Entry::Event { .. }),
        })
        .collect()
}

struct Back {
    which: String,
    form: FormState,
    saved: bool,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    q: &HashMap<String, String>,
    back: Back,
    status: StatusCode,
) -> Result<Response, WebError> {
    let Back { which, form, saved } = back;
    let year = year_of(state, q);
    let o = pi::overview(&state.app, Actor::User(p), year).await?;
    let lang = ctx.lang;
    let named = |id: i64| {
        o.open.iter().chain(&o.entries).find(|e| e.id == id).map(|e| e.entry.subject().to_string()).unwrap_or_default()
    };
    let due = o
        .due
        .iter()
        .map(|d| DueRow {
            kind: kind_key(d.kind),
            what: match (d.id, d.stretch) {
                (Some(id), _) => named(id),
                (None, Some(s)) => stretch(lang, s),
                _ => String::new(),
            },
            by: d.by.map(|b| b.format("%d/%m/%Y %H:%M").to_string()).unwrap_or_default(),
            overdue: d.overdue,
        })
        .collect();
    let counted = q.get("dem").and_then(|k| COUNTS.iter().find(|(key, _)| key == k)).map(|(k, _)| *k);
    let mut entries = o.entries.clone();
    if let Some(ids) = counted.and_then(|k| count(&o.counts, k)).map(|c| c.ids.clone()) {
        entries.retain(|e| ids.contains(&e.id));
    } else {
        // the waiting ones of earlier years too, to complete them
        for e in &o.open {
            if !entries.iter().any(|x| x.id == e.id) {
                entries.push(e.clone());
            }
        }
    }
    let counts = COUNTS.iter().map(|(k, words)| (*k, *words, count(&o.counts, k).map_or(0, |c| c.n))).collect();
    let agencies = agency_choices(state, lang, |a| egov_app::news::spokespersons::may_keep(Actor::User(p), a)).await?;
    let summary_items = form.summary(lang, &LABELS, &format!("{which}-"));
    let (from, to) = period(year);
    let layout = Layout::titled(ctx, error_title(lang, form.has_errors(), format!("{} {year}", t(lang, "pinfo.title"))));
    let page = Page {
        layout,
        year,
        from: from.format("%d/%m/%Y").to_string(),
        to: to.format("%d/%m/%Y").to_string(),
        due,
        counts,
        counted,
        rows: rows(&entries),
        agencies,
        which,
        form,
        summary_items,
        saved,
    };
    Ok(render(status, &page))
}

/// The report year asked (`nam`), or the one today falls in.
pub fn year_of(state: &AppState, q: &HashMap<String, String>) -> i32 {
    q.get("nam")
        .and_then(|y| y.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| report_year(state.app.now().date()))
}

async fn show(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = keeper(&ctx)?;
        let back = Back { which: String::new(), form: FormState::default(), saved: q.contains_key("luu") };
        page(&state, &ctx, p, &q, back, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

fn again(f: &HashMap<String, String>) -> HashMap<String, String> {
    HashMap::from([("nam".to_string(), f.get("nam").cloned().unwrap_or_default())])
}

async fn record(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = keeper(&ctx)?;
        let v = |k: &str| f.get(k).cloned().unwrap_or_default();
        let input = EntryInput {
            kind: v("kind"),
            subject: v("subject"),
            journalist: v("journalist"),
            outlet: v("outlet"),
            on: v("on"),
            deadline: v("deadline"),
            known_at: v("known_at"),
        };
        let agency = match f.get("agency").filter(|a| !a.is_empty()) {
            Some(a) => a.clone(),
            None => p.agency_id.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default(),
        };
        match pi::record(&state.app, Actor::User(p), &agency, &input).await {
            Ok(_) => Ok(Redirect::to(&format!("/quan-tri/thong-tin-bao-chi?nam={}&luu=1", year_of(&state, &again(&f)))).into_response()),
            Err(AppError::Invalid(errs)) => {
                let mut form = FormState::posted(&f);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let back = Back { which: "entry".into(), form, saved: false };
                page(&state, &ctx, p, &again(&f), back, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn complete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = keeper(&ctx)?;
        let v = |k: &str| f.get(k).cloned().unwrap_or_default();
        let input = DoneInput { at: v("at"), text: v("text"), by: v("by") };
        match pi::complete(&state.app, Actor::User(p), id, &input).await {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/thong-tin-bao-chi?nam={}&luu=1", year_of(&state, &again(&f)))).into_response()),
            Err(AppError::Invalid(errs)) => {
                let mut form = FormState::posted(&f);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let back = Back { which: format!("done-{id}"), form, saved: false };
                page(&state, &ctx, p, &again(&f), back, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/thong-tin-bao-chi", get(show).post(record))
        .route("/quan-tri/thong-tin-bao-chi/{id}/xong", post(complete))
}

//! Information cooperation with the press, `/quan-tri/bao-chi?nam=YYYY`:
//! the year's summary per outlet and subject (what was ordered, delivered,
//! accepted, what remains due, the budget), the contracts with their
//! counts, the items delivered (each accepted with a button), the outlets'
//! register; a form each to record an outlet, a contract and a delivery.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use egov_app::news::press as pr;
use egov_app::{Actor, AppError};
use egov_i18n::t;
use egov_identity::Principal;
use egov_news::press::{ContractInput, DeliveryInput, OutletInput};

use crate::ctx::Ctx;
use super::spokespersons::keeper;
use crate::views::{agency_choices, error_title, or_login, render, FormState, Layout, SummaryItem};
use crate::{AppState, WebError};

/// A budget (never negative: the domain checks it) as the pages write đồng.
fn money(v: i64) -> String {
    egov_catalog::format_vnd(v.max(0) as u64)
}

pub struct SumRow {
    pub outlet: String,
    pub subject: String,
    pub contracts: usize,
    pub ordered: i64,
    pub delivered: i64,
    pub accepted: i64,
    pub due: i64,
    pub budget: String,
}

pub struct ContractRow {
    pub id: i64,
    pub label: String,
    pub outlet: String,
    pub period: String,
    pub ordered: i64,
    pub delivered: i64,
    pub accepted: i64,
    pub due: i64,
    pub budget: String,
}

pub struct DeliveryRow {
    pub id: i64,
    pub contract: String,
    pub title: String,
    pub where_when: String,
    pub on: String,
    pub accepted: bool,
}

#[derive(Template)]
#[template(path = "news/press.html")]
struct PressPage {
    layout: Layout,
    year: i32,
    summary: Vec<SumRow>,
    /// (ordered, delivered, accepted, due, budget)
    totals: (i64, i64, i64, i64, String),
    contracts: Vec<ContractRow>,
    deliveries: Vec<DeliveryRow>,
    outlets: Vec<(i64, String, &'static str, String, bool, String)>,
    agencies: Vec<(String, String)>,
    /// Which form came back, and it.
    which: String,
    form: FormState,
    summary_items: Vec<SummaryItem>,
    saved: bool,
}

impl PressPage {
    /// A field's error, if its form is the one that came back.
    fn err(&self, which: &str, name: &str) -> Option<&str> {
        self.form.err_in(&self.which, which, name)
    }
    /// A field's value, if its form is the one that came back.
    fn val(&self, which: &str, name: &str) -> &str {
        self.form.v_in(&self.which, which, name)
    }
    fn kinds(&self) -> Vec<(String, &'static str)> {
        egov_news::press::OutletKind::ALL.iter().map(|k| (k.as_str().to_string(), kind_key(*k))).collect()
    }
}

fn kind_key(k: egov_news::press::OutletKind) -> &'static str {
    match k {
        egov_news::press::OutletKind::Newspaper => "press.kind.newspaper",
        egov_news::press::OutletKind::Radio => "press.kind.radio",
        egov_news::press::OutletKind::Television => "press.kind.television",
        egov_news::press::OutletKind::Online => "press.kind.online",
    }
}

const LABELS: [(&str, &str); 16] = [
    ("contract", "press.d.contract"),
    ("delivered_on", "press.d.on"),
    ("name", "press.o.name"),
    ("kind", "press.o.kind"),
    ("licence", "press.o.licence"),
    ("contact", "press.o.contact"),
    ("agency", "press.f.agency"),
    ("outlet", "press.c.outlet"),
    ("number", "press.c.number"),
    ("subject", "press.c.subject"),
    ("items", "press.c.items"),
    ("from", "press.c.from"),
    ("to", "press.c.to"),
    ("budget", "press.c.budget"),
    ("title", "press.d.title"),
    ("where_when", "press.d.where_when"),
];

/// What the page shows of the last post: the form that came back (which,
/// and it) or that it was saved.
struct Back {
    which: String,
    form: FormState,
    saved: bool,
}

async fn page(state: &AppState, ctx: &Ctx, p: &Principal, year: i32, back: Back, status: StatusCode) -> Result<Response, WebError> {
    let Back { which, form, saved } = back;
    let o = pr::overview(&state.app, Actor::User(p), year).await?;
    let outlet_name = |id: i64| o.outlets.iter().find(|(i, _)| *i == id).map(|(_, x)| x.name.clone()).unwrap_or_default();
    let summary: Vec<SumRow> = o
        .summary
        .iter()
        .map(|r| SumRow {
            outlet: outlet_name(r.outlet),
            subject: r.subject.clone(),
            contracts: r.contracts,
            ordered: r.ordered,
            delivered: r.delivered,
            accepted: r.accepted,
            due: r.due,
            budget: money(r.budget),
        })
        .collect();
    let sum = |f: fn(&egov_news::press::SummaryRow) -> i64| o.summary.iter().map(f).sum::<i64>();
    let totals = (sum(|r| r.ordered), sum(|r| r.delivered), sum(|r| r.accepted), sum(|r| r.due), money(sum(|r| r.budget)));
    let label = |id: i64| o.contracts.iter().find(|c| c.id == id).map(|c| format!("{} — {}", c.c.number, c.c.subject)).unwrap_or_default();
    let contracts = o
        .contracts
        .iter()
        .map(|c| ContractRow {
            id: c.id,
            label: format!("{} — {}", c.c.number, c.c.subject),
            outlet: outlet_name(c.outlet),
            period: format!("{} – {}", c.c.from.format("%d/%m/%Y"), c.c.to.format("%d/%m/%Y")),
            ordered: c.c.items,
            delivered: c.delivered,
            accepted: c.accepted,
            due: c.due,
            budget: money(c.c.budget),
        })
        .collect();
    let deliveries = o
        .deliveries
        .iter()
        .map(|(id, c, d, a)| DeliveryRow {
            id: *id,
            contract: label(*c),
            title: d.title.clone(),
            where_when: d.where_when.clone(),
            on: d.delivered_on.format("%d/%m/%Y").to_string(),
            accepted: *a,
        })
        .collect();
    let outlets = o
        .outlets
        .iter()
        .map(|(id, x)| (*id, x.name.clone(), kind_key(x.kind), x.licence.clone(), x.in_province, x.contact.clone()))
        .collect();
    let agencies =
        agency_choices(state, ctx.lang, |a| egov_app::news::spokespersons::may_keep(Actor::User(p), a)).await?;
    let summary_items = form.summary(ctx.lang, &LABELS, &format!("{which}-"));
    let layout = Layout::titled(ctx, error_title(ctx.lang, form.has_errors(), format!("{} {year}", t(ctx.lang, "press.coop"))));
    let page = PressPage { layout, year, summary, totals, contracts, deliveries, outlets, agencies, which, form, summary_items, saved };
    Ok(render(status, &page))
}

fn year_of(state: &AppState, q: &HashMap<String, String>) -> i32 {
    q.get("nam").and_then(|y| y.parse().ok()).filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| state.app.now().year())
}

async fn show(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = keeper(&ctx)?;
        page(&state, &ctx, p, year_of(&state, &q), Back { which: String::new(), form: FormState::default(), saved: q.contains_key("luu") }, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

/// One of the three forms (`which`: outlet, contract, delivery).
async fn record(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = keeper(&ctx)?;
        let actor = Actor::User(p);
        let v = |k: &str| f.get(k).cloned().unwrap_or_default();
        let which = v("which");
        let done = match which.as_str() {
            "outlet" => {
                let input = OutletInput { name: v("name"), kind: v("kind"), licence: v("licence"), in_province: f.contains_key("in_province"), contact: v("contact") };
                pr::add_outlet(&state.app, actor, &input).await.map(|_| ())
            }
            "contract" => {
                let input = ContractInput { number: v("number"), subject: v("subject"), items: v("items"), from: v("from"), to: v("to"), budget: v("budget") };
                let agency = match f.get("agency").filter(|a| !a.is_empty()) {
                    Some(a) => a.clone(),
                    None => p.agency_id.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default(),
                };
                pr::add_contract(&state.app, actor, &agency, v("outlet").parse().ok(), &input).await.map(|_| ())
            }
            "delivery" => {
                let input = DeliveryInput { title: v("title"), where_when: v("where_when"), delivered_on: v("delivered_on") };
                match v("contract").parse::<i64>() {
                    Ok(c) => pr::add_delivery(&state.app, actor, c, &input).await.map(|_| ()),
                    Err(_) => Err(AppError::Invalid(vec![egov_app::FieldError::new("contract", "err.option")])),
                }
            }
            _ => return Err(WebError::BadRequest("which".into())),
        };
        let year = year_of(&state, &HashMap::from([("nam".to_string(), v("nam"))]));
        match done {
            Ok(()) => Ok(Redirect::to(&format!("/quan-tri/bao-chi?nam={year}&luu=1")).into_response()),
            Err(AppError::Invalid(errs)) => {
                let mut form = FormState::posted(&f);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                page(&state, &ctx, p, year, Back { which, form, saved: false }, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn accept(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = keeper(&ctx)?;
        pr::accept(&state.app, Actor::User(p), id).await?;
        let year = f.get("nam").cloned().unwrap_or_default();
        Ok(Redirect::to(&format!("/quan-tri/bao-chi?nam={year}&luu=1")).into_response())
    }
    .await;
    or_login(&ctx, r)
}

/// `/quan-tri/bao-chi.xlsx?nam=`: the year's summary per outlet and
/// subject as a workbook, for the department's yearly review.
async fn summary_xlsx(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = keeper(&ctx)?;
        let year = year_of(&state, &q);
        let o = pr::overview(&state.app, Actor::User(p), year).await?;
        let lang = ctx.lang;
        let outlet = |id: i64| o.outlets.iter().find(|(i, _)| *i == id).map(|(_, x)| x.name.clone()).unwrap_or_default();
        let n = |v: i64| egov_reports::Cell::Number(v as f64);
        let keys = ["press.c.outlet", "press.c.subject", "press.contracts", "press.ordered", "press.delivered", "press.accepted", "press.due", "press.c.budget"];
        let table = egov_reports::Table {
            name: format!("{} {year}", t(lang, "press.summary")).chars().take(31).collect(),
            headers: keys.iter().map(|k| t(lang, k).to_string()).collect(),
            rows: o
                .summary
                .iter()
                .map(|r| {
                    vec![
                        egov_reports::Cell::Text(outlet(r.outlet)),
                        egov_reports::Cell::Text(r.subject.clone()),
                        n(r.contracts as i64),
                        n(r.ordered),
                        n(r.delivered),
                        n(r.accepted),
                        n(r.due),
                        n(r.budget),
                    ]
                })
                .collect(),
        };
        let bytes = egov_reports::xlsx(&[table])?;
        let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        Ok(crate::quality::pages::download(bytes, kind, format!("hop-tac-bao-chi_{year}.xlsx")))
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/bao-chi.xlsx", get(summary_xlsx))
        .route("/quan-tri/bao-chi", get(show).post(record))
        .route("/quan-tri/bao-chi/giao-nop/{id}/nghiem-thu", post(accept))
}

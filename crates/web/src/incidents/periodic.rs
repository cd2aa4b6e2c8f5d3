//! `/quan-tri/su-co/dinh-ky`: an agency's periodic reports (form 05) of a
//! year — the deadlines of the legal basis in force, those sent (their
//! PDFs), the form that sends one — and the legal bases themselves, their
//! dated rules shown to everyone who may see incidents and kept by system
//! administrators through the form below them (a new law is a new row with
//! its own dates; the one in force on an incident's day of discovery applies).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use egov_app::incidents as inc;
use egov_app::{Actor, FieldError};
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_incident::{Anchor, DayCount, Regime, ReportKind, Rule};

use super::pages::{day, reader, report_key, year_of};
use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

const BASE: &str = "/quan-tri/su-co/dinh-ky";

pub struct DueRow {
    pub due: String,
    pub sent: String,
    pub late: bool,
}

pub struct SentRow {
    pub id: i64,
    pub sent: String,
    pub by: String,
}

pub struct RuleRow {
    pub report: &'static str,
    pub days: String,
    pub from: &'static str,
}

pub struct RegimeView {
    pub code: String,
    pub basis: String,
    pub dates: String,
    pub in_force: bool,
    pub rules: Vec<RuleRow>,
    pub periodic: String,
    pub recipients: Vec<String>,
    pub forms: String,
}

/// One report kind's row of the legal-basis form.
pub struct RuleField {
    pub kind: &'static str,
    pub label: &'static str,
    pub has_rule: bool,
}

#[derive(Template)]
#[template(path = "incidents/periodic.html")]
struct PeriodicPage {
    layout: Layout,
    saved: Option<&'static str>,
    year: i32,
    agency: String,
    agencies: Vec<(String, String)>,
    due: Vec<DueRow>,
    sent: Vec<SentRow>,
    regimes: Vec<RegimeView>,
    may_edit: bool,
    rule_fields: Vec<RuleField>,
    anchors: Vec<(&'static str, &'static str)>,
    counts: Vec<(&'static str, &'static str)>,
    form: FormState,
    regime_form: FormState,
}

const ANCHORS: [(Anchor, &str, &str); 3] = [
    (Anchor::Discovery, "discovery", "inc.anchor.discovery"),
    (Anchor::BeyondCapacity, "beyond_capacity", "inc.anchor.beyond_capacity"),
    (Anchor::ResponseEnd, "response_end", "inc.anchor.response_end"),
];
const COUNTS: [(DayCount, &str, &str); 2] =
    [(DayCount::Working, "working", "inc.count.working"), (DayCount::Calendar, "calendar", "inc.count.calendar")];

/// The reports an incident's rules may name (the periodic one has its days).
fn incident_reports() -> impl Iterator<Item = ReportKind> {
    ReportKind::ALL.into_iter().filter(|k| *k != ReportKind::Periodic)
}

fn month_days(r: &Regime) -> String {
    r.periodic_before.iter().map(|(m, d)| format!("{d:02}/{m:02}")).collect::<Vec<_>>().join(", ")
}

fn regime_view(r: &Regime, today: NaiveDate, lang: Lang) -> RegimeView {
    let rules = r
        .rules
        .iter()
        .map(|x| {
            let count = COUNTS.iter().find(|c| c.0 == x.count).map_or("", |c| c.2);
            RuleRow {
                report: report_key(x.report),
                days: if x.days == 0 { t(lang, "inc.same_day").to_string() } else { format!("{} {}", x.days, t(lang, count)) },
                from: ANCHORS.iter().find(|a| a.0 == x.anchor).map_or("", |a| a.2),
            }
        })
        .collect();
    let forms = r.forms.iter().map(|(k, n)| format!("{}: {n}", t(lang, report_key(*k)))).collect::<Vec<_>>().join("; ");
    RegimeView {
        code: r.code.clone(),
        basis: r.basis.clone(),
        dates: format!(
            "{} – {}",
            r.effective_from.format("%d/%m/%Y"),
            r.effective_to.map_or_else(|| t(lang, "inc.open_ended").to_string(), |d| d.format("%d/%m/%Y").to_string())
        ),
        in_force: r.in_force_on(today),
        rules,
        periodic: format!("{} {}", t(lang, "inc.before"), month_days(r)),
        recipients: r.recipients.clone(),
        forms,
    }
}

/// The legal-basis form filled with a regime's rules.
fn regime_form_of(r: &Regime) -> FormState {
    let mut f = FormState::default();
    f.values.insert("code".into(), r.code.clone());
    f.values.insert("basis".into(), r.basis.clone());
    f.values.insert("effective_from".into(), r.effective_from.to_string());
    f.values.insert("effective_to".into(), r.effective_to.map(|d| d.to_string()).unwrap_or_default());
    for x in &r.rules {
        let k = x.report.as_str();
        f.values.insert(format!("days_{k}"), x.days.to_string());
        f.values.insert(format!("anchor_{k}"), ANCHORS.iter().find(|a| a.0 == x.anchor).map_or("", |a| a.1).into());
        f.values.insert(format!("count_{k}"), COUNTS.iter().find(|c| c.0 == x.count).map_or("", |c| c.1).into());
    }
    for (k, n) in &r.forms {
        f.values.insert(format!("form_{}", k.as_str()), n.clone());
    }
    f.values.insert("periodic_before".into(), month_days(r));
    f.values.insert("recipients".into(), r.recipients.join("\n"));
    f
}

struct Forms {
    send: FormState,
    regime: Option<FormState>,
}

#[allow(clippy::too_many_arguments)]
async fn show(state: &AppState, ctx: &Ctx, p: &Principal, year: i32, agency: Option<String>, forms: Forms, status: StatusCode, saved: Option<&'static str>) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let actor = Actor::User(p);
    let (names, _) = crate::network::pages::names(state, lang).await?;
    let scope = egov_app::protection::Scope::of(actor).ok_or(WebError::Forbidden)?;
    let mut agencies: Vec<(String, String)> = names.into_iter().filter(|(id, _)| scope.covers(id)).collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let own = p.agency_id.as_ref().map(|a| a.as_str().to_string());
    let agency = agency
        .filter(|a| agencies.iter().any(|(id, _)| id == a))
        .or(own.filter(|a| agencies.iter().any(|(id, _)| id == a)))
        .or_else(|| agencies.first().map(|(id, _)| id.clone()))
        .ok_or(WebError::NotFound)?;
    let (owed, sent_list) = inc::periodic(&state.app, actor, &agency, year).await?;
    let mut sent = Vec::new();
    for r in &sent_list {
        sent.push(SentRow { id: r.id, sent: day(Some(r.sent_on)), by: inc::who(&state.app, &r.sent_by).await? });
    }
    let today = state.app.now().date();
    let kept = inc::regimes(&state.app).await?;
    let may_edit = inc::may_keep_regimes(actor);
    let regime_form = match forms.regime {
        Some(f) => f,
        None => Regime::for_day(&kept, today).map(regime_form_of).unwrap_or_default(),
    };
    let page = PeriodicPage {
        layout: Layout::new(ctx, "inc.periodic.title"),
        saved,
        year,
        agency,
        agencies,
        due: owed.iter().map(|o| DueRow { due: day(o.due), sent: day(o.sent), late: o.late }).collect(),
        sent,
        regimes: kept.iter().map(|r| regime_view(r, today, lang)).collect(),
        may_edit,
        rule_fields: ReportKind::ALL
            .into_iter()
            .map(|k| RuleField { kind: k.as_str(), label: report_key(k), has_rule: k != ReportKind::Periodic })
            .collect(),
        anchors: ANCHORS.iter().map(|a| (a.1, a.2)).collect(),
        counts: COUNTS.iter().map(|c| (c.1, c.2)).collect(),
        form: forms.send,
        regime_form,
    };
    Ok(render(status, &page))
}

async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let saved = q.contains_key("luu").then_some("inc.saved");
        let forms = Forms { send: FormState::default(), regime: None };
        show(&state, &ctx, p, year_of(&state, &q), q.get("don-vi").cloned(), forms, StatusCode::OK, saved).await
    }
    .await;
    or_login(&ctx, r)
}

async fn send(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let agency = f.get("agency_id").cloned().unwrap_or_default();
        let body = f.get("body").cloned().unwrap_or_default();
        let year = chrono::Datelike::year(&state.app.now());
        match inc::send_periodic(&state.app, Actor::User(&p), &agency, &body).await {
            Ok(_) => Ok(Redirect::to(&format!("{BASE}?don-vi={agency}&luu=1#sent-h")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                let mut form = FormState::default();
                form.values.insert("body".into(), body);
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                let forms = Forms { send: form, regime: None };
                show(&state, &ctx, &p, year, Some(agency), forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

/// Reads the legal-basis form: the regime, or every field's problem at once.
fn parse_regime(form: &FormState) -> Result<Regime, Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut date = |k: &'static str, required: bool| -> Option<NaiveDate> {
        let v = form.v(k);
        if v.is_empty() {
            if required {
                errs.push(FieldError::new(k, "err.required"));
            }
            return None;
        }
        NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| errs.push(FieldError::new(k, "err.date"))).ok()
    };
    let effective_from = date("effective_from", true);
    let effective_to = date("effective_to", false);
    let mut rules = Vec::new();
    for k in incident_reports() {
        let days = form.v(&format!("days_{}", k.as_str()));
        if days.is_empty() {
            continue;
        }
        let field = |p: &str| format!("{p}_{}", k.as_str());
        let days = match days.parse::<u32>() {
            Ok(d) if d <= 365 => Some(d),
            Ok(_) => {
                errs.push(FieldError::new(field("days"), "err.range"));
                None
            }
            Err(_) => {
                errs.push(FieldError::new(field("days"), "err.number"));
                None
            }
        };
        let anchor = ANCHORS.iter().find(|a| a.1 == form.v(&format!("anchor_{}", k.as_str()))).map(|a| a.0);
        let count = COUNTS.iter().find(|c| c.1 == form.v(&format!("count_{}", k.as_str()))).map(|c| c.0);
        if anchor.is_none() {
            errs.push(FieldError::new(field("anchor"), "err.option"));
        }
        if count.is_none() {
            errs.push(FieldError::new(field("count"), "err.option"));
        }
        if let (Some(days), Some(anchor), Some(count)) = (days, anchor, count) {
            rules.push(Rule { report: k, anchor, count, days });
        }
    }
    let mut periodic_before = Vec::new();
    for part in form.v("periodic_before").split([',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
        let md = part.split_once('/').and_then(|(d, m)| Some((m.trim().parse::<u32>().ok()?, d.trim().parse::<u32>().ok()?)));
        match md.filter(|&(m, d)| NaiveDate::from_ymd_opt(2024, m, d).is_some()) {
            Some(md) => periodic_before.push(md),
            None => {
                errs.push(FieldError::new("periodic_before", "err.inc.day"));
                break;
            }
        }
    }
    let recipients: Vec<String> = form.v("recipients").lines().map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    let forms: Vec<(ReportKind, String)> = ReportKind::ALL
        .into_iter()
        .filter_map(|k| {
            let n = form.v(&format!("form_{}", k.as_str()));
            (!n.is_empty()).then(|| (k, n.to_string()))
        })
        .collect();
    if forms.iter().any(|(_, n)| n.chars().count() > 20) {
        errs.push(FieldError::new("forms", "err.too_long"));
    }
    let r = Regime {
        code: form.v("code").into(),
        basis: form.v("basis").into(),
        effective_from: effective_from.unwrap_or_default(),
        effective_to,
        rules,
        periodic_before,
        recipients,
        forms,
    };
    // the pure checks, less what the form has said already
    for p in r.check() {
        let said = errs.iter().any(|e| e.field == p.field);
        let no_start = p.field == "effective_to" && effective_from.is_none();
        if !said && !no_start {
            errs.push(FieldError::new(p.field, p.key));
        }
    }
    if errs.is_empty() {
        Ok(r)
    } else {
        Err(errs)
    }
}

async fn keep(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        if !inc::may_keep_regimes(Actor::User(&p)) {
            return Err(WebError::Forbidden);
        }
        let mut form = FormState::default();
        for (k, v) in &f {
            if k != "csrf" {
                form.values.insert(k.clone(), v.trim().to_string());
            }
        }
        let errs = match parse_regime(&form) {
            Ok(r) => match inc::save_regime(&state.app, Actor::User(&p), &r).await {
                Ok(()) => return Ok(Redirect::to(&format!("{BASE}?luu=1#basis-h")).into_response()),
                Err(egov_app::AppError::Invalid(errs)) => errs,
                Err(e) => return Err(e.into()),
            },
            Err(errs) => errs,
        };
        errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
        let year = chrono::Datelike::year(&state.app.now());
        let forms = Forms { send: FormState::default(), regime: Some(form) };
        show(&state, &ctx, &p, year, None, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(BASE, get(page).post(send)).route("/quan-tri/su-co/can-cu", post(keep))
}

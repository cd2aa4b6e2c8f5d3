//! One machine's page in the console: its details and its agent's last
//! report, the form that changes (or retires) it, a one-time enrolment
//! token (shown once), revoking its agent behind a confirmation; and the
//! console's workbook (`.xlsx`): machines, coverage by agency, detections.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::protection as pr;
use egov_app::Actor;
use egov_i18n::t;
use egov_identity::Principal;
use egov_reports::{Cell, Table};

use super::pages::{agency_names, machine_form, machine_row, reader, MachineRow, MACHINE_FIELDS};
use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "protection/machine.html")]
struct MachinePage {
    layout: Layout,
    row: MachineRow,
    facts: Vec<(&'static str, String)>,
    enrolled: bool,
    token: Option<(String, String)>,
    saved: bool,
    form: FormState,
    agencies: Vec<(String, String)>,
    server: String,
}

/// What the page shows besides the machine: the edit form as typed, a
/// token just issued, whether a change was saved.
#[derive(Default)]
struct Shown {
    form: Option<FormState>,
    token: Option<(String, String)>,
    saved: bool,
}

async fn show(state: &AppState, ctx: &Ctx, p: &Principal, id: i64, shown: Shown, status: StatusCode) -> Result<Response, WebError> {
    let Shown { form, token, saved } = shown;
    let lang = ctx.lang;
    let l = pr::machine(&state.app, Actor::User(p), id).await?;
    let names = agency_names(state, lang).await?;
    let m = &l.m.machine.m;
    let s = l.m.status.as_ref();
    let dash = || "—".to_string();
    let facts = vec![
        ("pr.host", s.map(|s| s.host_name.clone()).unwrap_or_else(dash)),
        ("pr.os", s.map(|s| s.os.clone()).unwrap_or_else(dash)),
        ("pr.addresses", s.map(|s| s.addresses.join(", ")).filter(|a| !a.is_empty()).unwrap_or_else(dash)),
        ("pr.agent_version", s.map(|s| s.agent_version.clone()).unwrap_or_else(dash)),
        ("pr.engine", s.and_then(|s| s.engine.as_ref().map(|e| format!("ClamAV {}", e.engine))).unwrap_or_else(dash)),
        ("pr.last_seen", s.map(|s| egov_kernel::vn::micros_to_page(s.last_seen)).unwrap_or_else(dash)),
        ("pr.last_scan_any", s.and_then(|s| s.last_scan).map(egov_kernel::vn::micros_to_page).unwrap_or_else(dash)),
        (
            "pr.last_result",
            s.and_then(|s| s.last_scan_result)
                .map(|r| t(lang, match r {
                    egov_protection::ScanResult::Clean => "pr.result.clean",
                    egov_protection::ScanResult::Infected => "pr.result.infected",
                    egov_protection::ScanResult::Failed => "pr.result.failed",
                }).to_string())
                .unwrap_or_else(dash),
        ),
        ("pr.enrolled_at", l.m.enrolled_at.map(egov_kernel::vn::micros_to_page).unwrap_or_else(dash)),
    ];
    let form = form.unwrap_or_else(|| {
        let mut f = FormState::default();
        let values = [
            m.agency_id.clone(),
            m.name.clone(),
            m.kind.as_str().to_string(),
            m.location.clone(),
            m.address.clone(),
            m.notes.clone(),
            m.added_on.to_string(),
            m.retired_on.map(|d| d.to_string()).unwrap_or_default(),
        ];
        for (k, v) in MACHINE_FIELDS.iter().zip(values) {
            f.values.insert((*k).into(), v);
        }
        f
    });
    let scope = pr::Scope::of(Actor::User(p));
    let mut agencies: Vec<(String, String)> = names
        .iter()
        .filter(|(id, _)| !id.is_empty() && scope.as_ref().is_some_and(|s| s.covers(id)))
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let server = state.settings.public_url.clone().unwrap_or_else(|| "https://…".into());
    let page = MachinePage {
        layout: Layout::titled(ctx, format!("{} — {}", t(lang, "pr.machine"), m.name)),
        row: machine_row(&l, &names, lang),
        facts,
        enrolled: l.m.enrolled_at.is_some(),
        token,
        saved,
        form,
        agencies,
        server,
    };
    Ok(render(status, &page))
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        show(&state, &ctx, p, id, Shown { saved: q.contains_key("luu"), ..Default::default() }, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn save(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let (mut form, input) = machine_form(&f);
        match pr::save_machine(&state.app, Actor::User(&p), Some(id), &input).await {
            Ok(_) => Ok(Redirect::to(&format!("/quan-tri/an-toan-thong-tin/may/{id}?luu=1")).into_response()),
            Err(egov_app::AppError::Invalid(errs)) => {
                errs.iter().for_each(|e| form.add(&e.field, ctx.lang, e.key));
                show(&state, &ctx, &p, id, Shown { form: Some(form), ..Default::default() }, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn enrolment(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let (token, expires) = pr::issue_enrolment(&state.app, Actor::User(&p), id, pr::ENROLMENT_HOURS.0).await?;
        let token = Some((token, egov_kernel::vn::micros_to_page(expires)));
        show(&state, &ctx, &p, id, Shown { token, ..Default::default() }, StatusCode::OK).await
    }
    .await;
    or_login(&ctx, r)
}

async fn revoke(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?;
        pr::revoke(&state.app, Actor::User(p), id).await?;
        Ok(Redirect::to(&format!("/quan-tri/an-toan-thong-tin/may/{id}?luu=1")).into_response())
    }
    .await;
    or_login(&ctx, r)
}

/// The console as a workbook: machines, coverage by agency, detections.
async fn export(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let lang = ctx.lang;
        let c = pr::console(&state.app, Actor::User(p)).await?;
        let names = agency_names(&state, lang).await?;
        let h = |keys: &[&'static str]| keys.iter().map(|k| t(lang, k).to_string()).collect::<Vec<_>>();
        let yes = |b: bool| Cell::Text(t(lang, if b { "pr.yes" } else { "pr.no" }).to_string());
        let text = |s: String| Cell::Text(s);
        let machines = Table {
            name: t(lang, "pr.sheet.machines").chars().take(31).collect(),
            headers: h(&["pr.name", "pr.agency", "pr.kind", "pr.location", "pr.address", "pr.state", "pr.signatures", "pr.outdated", "pr.last_scan", "pr.covered", "pr.counted"]),
            rows: c
                .machines
                .iter()
                .map(|l| {
                    let r = machine_row(l, &names, lang);
                    let m = &l.m.machine.m;
                    vec![text(r.name), text(r.agency), text(t(lang, r.kind).into()), text(m.location.clone()), text(m.address.clone()), text(t(lang, r.state).into()), text(r.signatures), yes(r.outdated), text(r.last_scan), yes(r.covered), yes(r.counted)]
                })
                .collect(),
        };
        let mut agencies: Vec<Vec<Cell>> = c
            .by_agency
            .iter()
            .map(|(a, cov)| {
                let share = cov.per_mille().map_or(Cell::Empty, |pm| Cell::Percent(f64::from(pm) / 1000.0));
                vec![text(names.get(a).cloned().unwrap_or_else(|| a.clone())), Cell::Number(cov.machines.into()), Cell::Number(cov.covered.into()), share]
            })
            .collect();
        let share = c.total.per_mille().map_or(Cell::Empty, |pm| Cell::Percent(f64::from(pm) / 1000.0));
        agencies.push(vec![text(t(lang, "pr.total").into()), Cell::Number(c.total.machines.into()), Cell::Number(c.total.covered.into()), share]);
        let coverage = Table {
            name: t(lang, "pr.sheet.coverage").chars().take(31).collect(),
            headers: h(&["pr.agency", "pr.count.machines", "pr.covered", "pr.coverage"]),
            rows: agencies,
        };
        let (list, _) = pr::detections(&state.app, Actor::User(p), false, 1, 200).await?;
        let detections = Table {
            name: t(lang, "pr.sheet.detections").chars().take(31).collect(),
            headers: h(&["pr.found_at", "pr.machine", "pr.path", "pr.signature", "pr.state", "pr.handled_by", "pr.handled_at", "pr.note"]),
            rows: list
                .into_iter()
                .map(|d| {
                    let at = egov_kernel::vn::from_micros(d.d.found_at).map_or(Cell::Empty, Cell::DateTime);
                    let handled = d.handled_at.and_then(egov_kernel::vn::from_micros).map_or(Cell::Empty, Cell::DateTime);
                    let state = text(t(lang, super::pages::detection_key(d.state)).into());
                    let by = d.handler.map_or(Cell::Empty, Cell::Text);
                    vec![at, text(d.machine_name), text(d.d.path), text(d.d.signature), state, by, handled, text(d.note)]
                })
                .collect(),
        };
        let bytes = egov_reports::xlsx(&[coverage, machines, detections])?;
        let day = state.app.now().date();
        Ok((
            [
                (axum::http::header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"an-toan-thong-tin_{day}.xlsx\"")),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/an-toan-thong-tin/may/{id}", get(page).post(save))
        .route("/quan-tri/an-toan-thong-tin/may/{id}/ma-dang-ky", post(enrolment))
        .route("/quan-tri/an-toan-thong-tin/may/{id}/thu-hoi", post(revoke))
        .route("/quan-tri/an-toan-thong-tin.xlsx", get(export))
}

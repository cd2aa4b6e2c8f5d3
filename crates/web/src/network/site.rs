//! A connection point's page, `/quan-tri/mang/diem/{id}`: its facts and
//! state, its probes (paused and started again here), its uptime over 30
//! days and a probe's response time over 48 hours (SVG charts with their
//! tables), its outages, maintenance windows, links with the capacity rule,
//! and the forms: a probe added (a push probe's address shown once), a
//! window planned, a link added, samples imported, the site edited.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use egov_app::network::report;
use egov_app::network::{self as net, LinkInput};
use egov_app::Actor;
use egov_i18n::{t, Lang};
use egov_identity::Principal;
use egov_network::{ProbeInput, Span};

use super::pages::{day_bars, kind_key, names, outage_rows, reader, site_form, state_key, when, DayBar, OutageRow, BASE};
use crate::ctx::Ctx;
use crate::views::{or_login, render, FormState, Layout};
use crate::{AppState, WebError};

pub struct ProbeRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub target: String,
    pub every: String,
    pub state: &'static str,
    pub bad: bool,
    pub paused: bool,
    pub last: String,
    pub ms: String,
    pub note: String,
    pub cert: String,
}

pub struct Point {
    pub x: f64,
    pub y: f64,
    pub hour: String,
    pub ms: String,
}

pub struct LinkRow {
    pub id: i64,
    pub name: String,
    pub capacity: String,
    pub source: String,
    pub samples: usize,
    pub p95: String,
    pub verdict: &'static str,
}

pub struct WindowRow {
    pub start: String,
    pub end: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "network/site.html")]
struct SitePage {
    layout: Layout,
    id: i64,
    saved: Option<&'static str>,
    push_path: Option<String>,
    name: String,
    facts: Vec<(&'static str, String)>,
    down: bool,
    probes: Vec<ProbeRow>,
    days: Vec<DayBar>,
    chosen: Option<(i64, String)>,
    points: Vec<Point>,
    max_ms: String,
    path: String,
    outages: Vec<OutageRow>,
    windows: Vec<WindowRow>,
    links: Vec<LinkRow>,
    agencies: Vec<(String, String)>,
    units: Vec<(String, String)>,
    probe_form: FormState,
    window_form: FormState,
    link_form: FormState,
    samples: String,
    sample_errors: Vec<String>,
    site_form: FormState,
}

#[derive(Default)]
struct Forms {
    probe: FormState,
    window: FormState,
    link: FormState,
    samples: String,
    sample_errors: Vec<String>,
    site: Option<FormState>,
    push_path: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: i64,
    chosen_probe: Option<i64>,
    forms: Forms,
    status: StatusCode,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let actor = Actor::User(p);
    let d = net::site_detail(&state.app, actor, id).await?;
    let (agency_names, unit_names) = names(state, lang).await?;
    let s = &d.site.site;
    let view = super::api::site_view(&d.site);
    let mut facts = vec![
        ("net.kind", t(lang, kind_key(s.s.kind.as_str())).to_string()),
        ("net.unit", unit_names.get(&s.s.unit_code).cloned().unwrap_or_else(|| s.s.unit_code.clone())),
        ("net.level", t(lang, if s.s.access_level == egov_network::AccessLevel::One { "net.level.1" } else { "net.level.2" }).to_string()),
        ("net.state", t(lang, state_key(&view.state)).to_string()),
    ];
    if let Some(a) = &s.s.agency_id {
        facts.insert(1, ("net.agency", agency_names.get(a).cloned().unwrap_or_else(|| a.clone())));
    }
    if let Some(since) = s.down_since {
        facts.push(("net.down_since", when(Some(since))));
    }
    if !s.s.address.is_empty() {
        facts.push(("net.address", s.s.address.clone()));
    }
    facts.push(("net.public", t(lang, if s.s.public { "net.yes" } else { "net.no" }).to_string()));
    let now = state.app.store.now();
    let probes = d
        .probes
        .iter()
        .map(|pr| {
            let st = super::api::probe_state(pr);
            ProbeRow {
                id: pr.id,
                name: pr.p.name.clone(),
                kind: pr.p.target.kind().to_uppercase(),
                target: pr.p.target.describe(),
                every: format!("{} s / {} s / {}", pr.p.interval_s, pr.p.timeout_s, pr.p.down_after),
                state: state_key(st),
                bad: st == "down" || st == "failing",
                paused: pr.paused,
                last: when(pr.state.last_at),
                ms: pr.state.last_ms.map_or_else(|| "—".into(), |m| format!("{m} ms")),
                note: pr.state.last_note.clone(),
                cert: pr.state.cert_expires_at.map_or_else(String::new, |c| {
                    format!("{} ({} {})", when(Some(c)), (c - now).div_euclid(egov_network::DAY), t(lang, "net.days_left"))
                }),
            }
        })
        .collect();
    let days = day_bars(&report::site_daily(&state.app, actor, id, 30).await?, lang);
    let chosen = chosen_probe.and_then(|c| d.probes.iter().find(|p| p.id == c)).or(d.probes.first());
    let (points, max_ms, path) = match chosen {
        Some(pr) => {
            let series = report::response_times(&state.app, actor, pr.id, 48).await?;
            let max = series.iter().map(|(_, ms)| *ms).fold(1.0f64, f64::max);
            let start = egov_store::network::hour_of(now) - 47 * egov_network::HOUR;
            let points: Vec<Point> = series
                .iter()
                .map(|(h, ms)| Point {
                    x: 40.0 + 12.0 * ((h - start) / egov_network::HOUR) as f64,
                    y: 170.0 - 150.0 * ms / max,
                    hour: when(Some(*h)),
                    ms: format!("{ms:.0} ms"),
                })
                .collect();
            let path = points.iter().map(|p| format!("{:.1},{:.1}", p.x, p.y)).collect::<Vec<_>>().join(" ");
            (points, format!("{max:.0} ms"), path)
        }
        None => (Vec::new(), String::new(), String::new()),
    };
    let span = Span::new(now - 90 * egov_network::DAY, now + 1);
    let outages = outage_rows(report::outages(&state.app, actor, Some(id), span).await?, lang);
    let windows = d
        .maintenance
        .iter()
        .map(|m| WindowRow { start: when(Some(m.starts_at)), end: when(Some(m.ends_at)), note: m.note.clone() })
        .collect();
    let mut links = Vec::new();
    for l in &d.links {
        let (_, verdict, samples) = net::capacity(&state.app, actor, l.id, now).await?;
        links.push(LinkRow {
            id: l.id,
            name: l.l.name.clone(),
            capacity: format!("{} Mbit/s", l.l.capacity_mbps),
            source: l.l.snmp.as_ref().map_or_else(|| t(lang, "net.link.imported").to_string(), |s| format!("SNMP {}#{}", s.address, s.if_index)),
            samples: samples.len(),
            p95: verdict.map_or_else(
                || "—".into(),
                |v| format!("{} / {}", mbps(v.p95_in_bps), mbps(v.p95_out_bps)),
            ),
            verdict: match verdict {
                None => "net.cap.none",
                Some(v) if !v.complete => if v.ok { "net.cap.ok_partial" } else { "net.cap.over_partial" },
                Some(v) => if v.ok { "net.cap.ok" } else { "net.cap.over" },
            },
        });
    }
    let site_form = forms.site.unwrap_or_else(|| {
        let mut f = FormState::default();
        let i = [
            ("name", s.s.name.clone()),
            ("kind", s.s.kind.as_str().to_string()),
            ("unit_code", s.s.unit_code.clone()),
            ("agency_id", s.s.agency_id.clone().unwrap_or_default()),
            ("access_level", s.s.access_level.as_str().to_string()),
            ("address", s.s.address.clone()),
            ("notes", s.s.notes.clone()),
            ("public", if s.s.public { "1".into() } else { String::new() }),
        ];
        f.values.extend(i.into_iter().map(|(k, v)| (k.to_string(), v)));
        f
    });
    let scope = egov_app::protection::Scope::of(actor).ok_or(WebError::Forbidden)?;
    let mut agencies: Vec<(String, String)> = agency_names.into_iter().filter(|(id, _)| scope.covers(id)).collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    let mut units: Vec<(String, String)> = unit_names.into_iter().collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    let mut probe_form = forms.probe;
    if probe_form.values.is_empty() {
        for (k, v) in [("kind", "http"), ("interval_s", "60"), ("timeout_s", "10"), ("down_after", "3"), ("cert_days", "14")] {
            probe_form.values.insert(k.into(), v.into());
        }
    }
    let page = SitePage {
        layout: Layout::new(ctx, "net.site.title"),
        id,
        saved,
        push_path: forms.push_path,
        name: s.s.name.clone(),
        facts,
        down: s.down_since.is_some(),
        probes,
        days,
        chosen: chosen.map(|p| (p.id, p.p.name.clone())),
        points,
        max_ms,
        path,
        outages,
        windows,
        links,
        agencies,
        units,
        probe_form,
        window_form: forms.window,
        link_form: forms.link,
        samples: forms.samples,
        sample_errors: forms.sample_errors,
        site_form,
    };
    Ok(render(status, &page))
}

fn mbps(bps: u64) -> String {
    format!("{:.1} Mbit/s", bps as f64 / 1e6)
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<HashMap<String, String>>) -> Response {
    let r = async {
        let p = reader(&ctx)?;
        let saved = q.contains_key("luu").then_some("net.saved");
        let chosen = q.get("do").and_then(|v| v.parse().ok());
        show(&state, &ctx, p, id, chosen, Forms::default(), StatusCode::OK, saved).await
    }
    .await;
    or_login(&ctx, r)
}

fn fields(f: &HashMap<String, String>, keys: &[&str]) -> FormState {
    let mut form = FormState::default();
    for k in keys {
        form.values.insert(k.to_string(), f.get(*k).map(|v| v.trim().to_string()).unwrap_or_default());
    }
    form
}

/// Runs a form's use case: on success to the site's page (or what `done`
/// makes of the result), on invalid input the page again with every error.
async fn submit<T>(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &HashMap<String, String>,
    run: impl for<'a> FnOnce(&'a Principal) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, egov_app::AppError>> + Send + 'a>>,
    keep: impl FnOnce(&mut Forms, Vec<egov_app::FieldError>, Lang),
    done: impl FnOnce(T, &mut Forms) -> bool,
) -> Result<Response, WebError> {
    ctx.check_form(f)?;
    let p = reader(ctx)?.clone();
    match run(&p).await {
        Ok(v) => {
            let mut forms = Forms::default();
            if done(v, &mut forms) {
                return show(state, ctx, &p, id, None, forms, StatusCode::CREATED, Some("net.saved")).await;
            }
            Ok(Redirect::to(&format!("{BASE}/diem/{id}?luu=1")).into_response())
        }
        Err(egov_app::AppError::Invalid(errs)) => {
            let mut forms = Forms::default();
            keep(&mut forms, errs, ctx.lang);
            show(state, ctx, &p, id, None, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
        }
        Err(e) => Err(e.into()),
    }
}

fn with_errors(mut form: FormState, errs: &[egov_app::FieldError], lang: Lang) -> FormState {
    errs.iter().for_each(|e| form.add(&e.field, lang, e.key));
    form
}

const PROBE_FIELDS: [&str; 13] = [
    "name", "kind", "host", "port", "url", "keyword", "cert_days", "dns_name", "dns_server", "dns_expect", "interval_s", "timeout_s", "down_after",
];

async fn add_probe(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let form = fields(&f, &PROBE_FIELDS);
    let v = |k: &str| form.v(k).to_string();
    let input = ProbeInput {
        name: v("name"),
        kind: v("kind"),
        host: v("host"),
        port: v("port"),
        url: v("url"),
        keyword: v("keyword"),
        cert_days: v("cert_days"),
        dns_name: v("dns_name"),
        dns_server: v("dns_server"),
        dns_expect: v("dns_expect"),
        interval_s: v("interval_s"),
        timeout_s: v("timeout_s"),
        down_after: v("down_after"),
    };
    let app = state.app.clone();
    let r = submit(
        &state,
        &ctx,
        id,
        &f,
        |p| Box::pin(async move { net::save_probe(&app, Actor::User(p), id, None, &input).await }),
        |forms, errs, lang| forms.probe = with_errors(form, &errs, lang),
        |(_, secret), forms| {
            forms.push_path = secret.as_deref().map(super::api::push_path);
            forms.push_path.is_some()
        },
    )
    .await;
    or_login(&ctx, r)
}

async fn pause(State(state): State<AppState>, ctx: Ctx, Path((id, probe)): Path<(i64, i64)>, Form(f): Form<HashMap<String, String>>) -> Response {
    let paused = f.get("paused").is_some_and(|v| v == "1");
    let app = state.app.clone();
    let r = submit(
        &state,
        &ctx,
        id,
        &f,
        |p| Box::pin(async move { net::pause_probe(&app, Actor::User(p), probe, paused).await }),
        |_, _, _| {},
        |_, _| false,
    )
    .await;
    or_login(&ctx, r)
}

async fn window(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let form = fields(&f, &["starts_at", "ends_at", "note"]);
    let (starts, ends) = (super::api::local_minute(form.v("starts_at")), super::api::local_minute(form.v("ends_at")));
    let note = form.v("note").to_string();
    let app = state.app.clone();
    let r = submit(
        &state,
        &ctx,
        id,
        &f,
        |p| Box::pin(async move { net::add_maintenance(&app, Actor::User(p), id, starts, ends, &note).await }),
        |forms, errs, lang| forms.window = with_errors(form, &errs, lang),
        |_, _| false,
    )
    .await;
    or_login(&ctx, r)
}

async fn link(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let form = fields(&f, &["link_name", "capacity_mbps", "snmp_address", "snmp_community", "if_index"]);
    let input = LinkInput {
        name: form.v("link_name").to_string(),
        capacity_mbps: form.v("capacity_mbps").to_string(),
        snmp_address: form.v("snmp_address").to_string(),
        snmp_community: form.v("snmp_community").to_string(),
        if_index: form.v("if_index").to_string(),
    };
    let app = state.app.clone();
    let r = submit(
        &state,
        &ctx,
        id,
        &f,
        |p| Box::pin(async move { net::add_link(&app, Actor::User(p), id, &input).await }),
        |forms, errs, lang| {
            // the form's name field is `link_name` (the page has a site's `name` too)
            let errs: Vec<egov_app::FieldError> = errs
                .into_iter()
                .map(|e| if e.field == "name" { egov_app::FieldError::new("link_name", e.key) } else { e })
                .collect();
            forms.link = with_errors(form, &errs, lang)
        },
        |_, _| false,
    )
    .await;
    or_login(&ctx, r)
}

async fn samples(State(state): State<AppState>, ctx: Ctx, Path((id, link)): Path<(i64, i64)>, Form(f): Form<HashMap<String, String>>) -> Response {
    let r = async {
        ctx.check_form(&f)?;
        let p = reader(&ctx)?.clone();
        let (l, _) = net::link(&state.app, Actor::User(&p), link).await?;
        if l.site_id != id {
            return Err(WebError::NotFound);
        }
        let document = f.get("document").cloned().unwrap_or_default();
        let lang = ctx.lang;
        let result = match net::import_samples(&state.app, Actor::User(&p), link, &document).await {
            Ok(r) => r,
            Err(egov_app::AppError::Invalid(errs)) => Err(errs.iter().map(|_| 0).collect()),
            Err(e) => return Err(e.into()),
        };
        match result {
            Ok(_) => Ok(Redirect::to(&format!("{BASE}/diem/{id}?luu=1#link-h")).into_response()),
            Err(lines) => {
                let sample_errors = lines
                    .iter()
                    .map(|&l| match l {
                        0 => t(lang, "err.net.no_samples").to_string(),
                        l => format!("{} {l}: {}", t(lang, "net.line"), t(lang, "err.net.sample")),
                    })
                    .collect();
                let forms = Forms { samples: document, sample_errors, ..Default::default() };
                show(&state, &ctx, &p, id, None, forms, StatusCode::UNPROCESSABLE_ENTITY, None).await
            }
        }
    }
    .await;
    or_login(&ctx, r)
}

async fn save(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let (form, input) = site_form(&f);
    let app = state.app.clone();
    let r = submit(
        &state,
        &ctx,
        id,
        &f,
        |p| Box::pin(async move { net::save_site(&app, Actor::User(p), Some(id), &input).await }),
        |forms, errs, lang| forms.site = Some(with_errors(form, &errs, lang)),
        |_, _| false,
    )
    .await;
    or_login(&ctx, r)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/mang/diem/{id}", get(page).post(save))
        .route("/quan-tri/mang/diem/{id}/dau-do", post(add_probe))
        .route("/quan-tri/mang/diem/{id}/dau-do/{probe}", post(pause))
        .route("/quan-tri/mang/diem/{id}/bao-tri", post(window))
        .route("/quan-tri/mang/diem/{id}/duong-truyen", post(link))
        .route("/quan-tri/mang/diem/{id}/duong-truyen/{link}/mau", post(samples))
}

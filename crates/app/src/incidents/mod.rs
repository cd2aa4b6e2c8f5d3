//! Information-security incidents (issue 19, part 4): the same scopes as
//! the security console (the department every agency's, an agency's
//! administrators their own); the systems' inventory; incidents reported
//! by an agency or raised from a detection or an outage, classified (the
//! serious test from the affected systems' levels), moved through their
//! phases, assigned, their timeline; the reports owed with their deadlines
//! on the working-day calendar, by the legal basis in force on the day of
//! discovery; the reports sent; the year's statistics.

use chrono::NaiveDate;
use egov_incident::regime::{self, Milestones, Owed};
use egov_incident::stats::{self, YearStats};
use egov_incident::{Harms, Kind, Phase, Regime, ReportKind, Severity, SystemInput};
use egov_store::incidents::{Action, Incident, NewIncident, SentReport, Source, SystemRow};
use egov_store::StoreError;

use crate::protection::Scope;
use crate::{Actor, App, AppError, FieldError, Refusal};

pub mod pdf;

fn signer(actor: Actor<'_>) -> String {
    match actor {
        Actor::User(p) => p.full_name.clone(),
        Actor::Operator => "egov".into(),
    }
}

fn scope(actor: Actor<'_>) -> Result<Scope, AppError> {
    Scope::of(actor).ok_or(AppError::Forbidden)
}

fn agency_of(scope: &Scope) -> Option<&str> {
    match scope {
        Scope::All => None,
        Scope::Agency(a) => Some(a),
    }
}

/// Whether the incidents' pages are shown to the actor.
pub fn may_view(actor: Actor<'_>) -> bool {
    Scope::of(actor).is_some()
}

/// Whether the actor may keep the legal bases' rules (system administrators).
pub fn may_keep_regimes(actor: Actor<'_>) -> bool {
    Scope::of(actor) == Some(Scope::All)
}

/// The legal bases' rules: those kept, or Decision 05/2017 when none is.
pub async fn regimes(app: &App) -> Result<Vec<Regime>, AppError> {
    let kept = app.store.inc_regimes().await?;
    Ok(if kept.is_empty() { vec![Regime::decision_05_2017()] } else { kept })
}

/// Keeps a legal basis's rules (system administrators).
pub async fn save_regime(app: &App, actor: Actor<'_>, r: &Regime) -> Result<(), AppError> {
    scope(actor)?;
    if !may_keep_regimes(actor) {
        return Err(AppError::Forbidden);
    }
    AppError::invalid(r.check().into_iter().map(|p| FieldError::new(p.field, p.key)).collect())?;
    let mut w = app.store.begin_write().await?;
    w.inc_save_regime(r, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// The systems in scope.
pub async fn systems(app: &App, actor: Actor<'_>) -> Result<Vec<SystemRow>, AppError> {
    let scope = scope(actor)?;
    Ok(app.store.inc_systems(agency_of(&scope)).await?)
}

/// Adds a system (`id` none) or changes one; its id.
pub async fn save_system(app: &App, actor: Actor<'_>, id: Option<i64>, input: &SystemInput) -> Result<i64, AppError> {
    let scope = scope(actor)?;
    if let Some(id) = id {
        let s = app.store.inc_system(id).await?.ok_or(AppError::NotFound)?;
        if !scope.covers(&s.s.owner_agency) {
            return Err(AppError::NotFound);
        }
    }
    let s = input.check();
    let mut errs: Vec<FieldError> = match &s {
        Ok(_) => Vec::new(),
        Err(ps) => ps.iter().map(|p| FieldError::new(p.field, p.key)).collect(),
    };
    let agency = input.owner_agency.trim();
    if !agency.is_empty() && (!scope.covers(agency) || app.store.agency(agency).await?.is_none()) {
        errs.push(FieldError::new("owner_agency", "err.option"));
    }
    let s = match s {
        Ok(s) if errs.is_empty() => s,
        _ => return Err(AppError::Invalid(errs)),
    };
    let mut w = app.store.begin_write().await?;
    let id = w.inc_save_system(id, &s, &actor.audit_name()).await.map_err(|e| match e {
        StoreError::Conflict(_) => AppError::Invalid(vec![FieldError::new("name", "err.inc.duplicate")]),
        e => e.into(),
    })?;
    w.commit().await?;
    Ok(id)
}

/// An incident as a form or the API gives it (parsed at the boundary:
/// the instant of discovery and the days are given typed or not at all).
#[derive(Debug, Clone, Default)]
pub struct IncidentInput {
    pub agency_id: String,
    /// The administrative unit where it happened; empty: the agency's.
    pub unit_code: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub severity: String,
    pub harms: Harms,
    pub beyond_capacity_on: Option<NaiveDate>,
    /// None: the field was not an instant.
    pub discovered_at: Option<i64>,
    pub systems: Vec<i64>,
}

/// The serious test on an incident's systems.
async fn is_serious(app: &App, systems: &[i64], harms: Harms, beyond: bool) -> Result<bool, AppError> {
    let mut levels = Vec::new();
    for id in systems {
        if let Some(s) = app.store.inc_system(*id).await? {
            levels.push((s.s.level(), s.s.national));
        }
    }
    Ok(egov_incident::serious(&levels, harms, beyond))
}

async fn checked(
    app: &App,
    scope: &Scope,
    i: &IncidentInput,
    source: Source,
    source_ref: &str,
) -> Result<NewIncident, AppError> {
    let mut errs = Vec::new();
    let text = |errs: &mut Vec<FieldError>, field: &'static str, s: &str, max: usize, required: bool| {
        let s = s.trim();
        if required && s.is_empty() {
            errs.push(FieldError::new(field, "err.required"));
        } else if s.chars().count() > max {
            errs.push(FieldError::new(field, "err.too_long"));
        }
        s.to_string()
    };
    let agency = text(&mut errs, "agency_id", &i.agency_id, 32, true);
    let agency_unit = match app.store.agency(&agency).await? {
        Some(a) if scope.covers(&agency) => Some(a.unit_code.as_str().to_string()),
        _ => {
            if !agency.is_empty() {
                errs.push(FieldError::new("agency_id", "err.option"));
            }
            None
        }
    };
    let title = text(&mut errs, "title", &i.title, 300, true);
    let description = text(&mut errs, "description", &i.description, 10_000, false);
    let kind = Kind::parse(i.kind.trim());
    if kind.is_none() {
        errs.push(FieldError::new("kind", "err.option"));
    }
    let severity = Severity::parse(i.severity.trim());
    if severity.is_none() {
        errs.push(FieldError::new("severity", "err.option"));
    }
    let now = app.store.now();
    match i.discovered_at {
        None => errs.push(FieldError::new("discovered_at", "err.inc.when")),
        Some(t) if t > now => errs.push(FieldError::new("discovered_at", "err.inc.future")),
        Some(_) => {}
    }
    let unit_code = match i.unit_code.trim() {
        "" => agency_unit.unwrap_or_default(),
        code => {
            let units = app.store.units().await?;
            let day = i.discovered_at.and_then(egov_kernel::vn::from_micros).map(|t| t.date());
            match units.iter().find(|u| u.code.as_str() == code) {
                None => errs.push(FieldError::new("unit_code", "err.option")),
                Some(u) if day.is_some_and(|d| !u.is_active_on(d)) => {
                    errs.push(FieldError::new("unit_code", "err.inc.unit_not_then"))
                }
                Some(_) => {}
            }
            code.to_string()
        }
    };
    for s in &i.systems {
        if app.store.inc_system(*s).await?.is_none() {
            errs.push(FieldError::new("systems", "err.option"));
            break;
        }
    }
    AppError::invalid(errs)?;
    let (Some(kind), Some(severity), Some(discovered_at)) = (kind, severity, i.discovered_at) else {
        return Err(AppError::Internal("checked above".into()));
    };
    let day = egov_kernel::vn::from_micros(discovered_at).map(|t| t.date()).unwrap_or_default();
    let regimes = regimes(app).await?;
    let regime = Regime::for_day(&regimes, day)
        .ok_or_else(|| AppError::refused(Refusal::Conflict, "err.inc.no_regime", "no legal basis in force that day"))?;
    let mut systems = i.systems.clone();
    systems.sort_unstable();
    systems.dedup();
    Ok(NewIncident {
        serious: is_serious(app, &systems, i.harms, i.beyond_capacity_on.is_some()).await?,
        agency_id: agency,
        unit_code,
        title,
        description,
        kind,
        severity,
        harms: i.harms,
        beyond_capacity_on: i.beyond_capacity_on,
        discovered_at,
        systems,
        source,
        source_ref: source_ref.to_string(),
        regime: regime.code.clone(),
    })
}

/// Every problem an incident's fields have, without recording it (a form
/// that found problems of its own shows them all at once).
pub async fn problems(app: &App, actor: Actor<'_>, i: &IncidentInput) -> Result<Vec<FieldError>, AppError> {
    let scope = scope(actor)?;
    match checked(app, &scope, i, Source::Report, "").await {
        Ok(_) => Ok(Vec::new()),
        Err(AppError::Invalid(errs)) => Ok(errs),
        Err(e) => Err(e),
    }
}

/// Who took a step, as people read it: an official's full name (the
/// timeline keeps the audit log's `user:ID`), else as kept.
pub async fn who(app: &App, actor: &str) -> Result<String, AppError> {
    if let Some(id) = actor.strip_prefix("user:").and_then(|n| n.parse::<i64>().ok()) {
        if let Some(p) = app.store.principal(egov_identity::UserId::new(id)).await? {
            return Ok(p.full_name);
        }
    }
    Ok(actor.to_string())
}

/// Reports an incident; its id.
pub async fn report(app: &App, actor: Actor<'_>, i: &IncidentInput) -> Result<i64, AppError> {
    let scope = scope(actor)?;
    let n = checked(app, &scope, i, Source::Report, "").await?;
    let mut w = app.store.begin_write().await?;
    let id = w.inc_create(&n, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(id)
}

/// Raises an incident from a detection of the security console (its
/// machine's agency, discovered when it was found); its id.
pub async fn from_detection(app: &App, actor: Actor<'_>, detection: i64) -> Result<Raised, AppError> {
    let scope = scope(actor)?;
    let mut w = app.store.begin_write().await?;
    let d = w.pr_detection(detection).await?.ok_or(AppError::NotFound)?;
    drop(w);
    if !scope.covers(&d.agency_id) || d.agency_id.is_empty() {
        return Err(AppError::NotFound);
    }
    let i = IncidentInput {
        agency_id: d.agency_id.clone(),
        title: format!("{} — {}", d.d.signature, d.machine_name),
        description: d.d.path.clone(),
        kind: Kind::Malware.as_str().into(),
        severity: Severity::Medium.as_str().into(),
        discovered_at: Some(d.d.found_at.min(app.store.now())),
        ..Default::default()
    };
    raise(app, actor, &scope, &i, Source::Detection, &format!("detection:{detection}")).await
}

/// Raises an incident from an outage of the data network (its site's
/// agency — or the committee of its commune — discovered when it began); its id.
pub async fn from_outage(app: &App, actor: Actor<'_>, outage: i64) -> Result<Raised, AppError> {
    let scope = scope(actor)?;
    let o = app.store.net_outage(outage).await?.ok_or(AppError::NotFound)?;
    let site = crate::network::site(app, actor, o.site_id).await?;
    let agency = match &site.s.agency_id {
        Some(a) => a.clone(),
        None => app
            .store
            .agencies()
            .await?
            .into_iter()
            .find(|a| a.unit_code.as_str() == site.s.unit_code)
            .map(|a| a.id.as_str().to_string())
            .ok_or_else(|| {
                AppError::refused(Refusal::Conflict, "err.inc.no_agency", "no agency serves the site's unit")
            })?,
    };
    // a merged commune's site: the commune it became on the outage's day
    let day = egov_kernel::vn::from_micros(o.started_at).map(|t| t.date()).unwrap_or_default();
    let units = app.store.units().await?;
    let unit_code = egov_directory::unit_on(&units, &site.s.unit_code, day).map(|u| u.code.as_str().to_string());
    let i = IncidentInput {
        agency_id: agency,
        unit_code: unit_code.unwrap_or_default(),
        title: format!("{} — {}", site.s.name, egov_kernel::vn::micros_to_page(o.started_at)),
        description: o.cause.clone(),
        kind: Kind::Outage.as_str().into(),
        severity: Severity::Medium.as_str().into(),
        harms: Harms { outage: true, ..Default::default() },
        discovered_at: Some(o.started_at.min(app.store.now())),
        ..Default::default()
    };
    raise(app, actor, &scope, &i, Source::Outage, &format!("outage:{outage}")).await
}

/// An incident raised from a detection or an outage: its id, and whether
/// it is new (asking again finds the one raised before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raised {
    pub id: i64,
    pub new: bool,
}

async fn raise(
    app: &App,
    actor: Actor<'_>,
    scope: &Scope,
    i: &IncidentInput,
    source: Source,
    source_ref: &str,
) -> Result<Raised, AppError> {
    let mut w = app.store.begin_write().await?;
    if let Some(id) = w.inc_by_source(source_ref).await? {
        return Ok(Raised { id, new: false });
    }
    drop(w);
    let n = checked(app, scope, i, source, source_ref).await?;
    let mut w = app.store.begin_write().await?;
    if let Some(id) = w.inc_by_source(source_ref).await? {
        return Ok(Raised { id, new: false });
    }
    let id = w.inc_create(&n, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(Raised { id, new: true })
}

/// The periodic reports (form 05) an agency owes in a year, by the legal
/// basis in force at the year's end (or today): deadlines, reports sent, lateness.
pub async fn periodic(
    app: &App,
    actor: Actor<'_>,
    agency: &str,
    year: i32,
) -> Result<(Vec<Owed>, Vec<SentReport>), AppError> {
    let scope = scope(actor)?;
    if !scope.covers(agency) || app.store.agency(agency).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let regimes = regimes(app).await?;
    let today = app.now().date();
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    let regime = Regime::for_day(&regimes, end.min(today).max(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(end)))
        .cloned()
        .unwrap_or_else(Regime::decision_05_2017);
    let sent: Vec<SentReport> = app
        .store
        .inc_reports(None, agency)
        .await?
        .into_iter()
        .filter(|r| chrono::Datelike::year(&r.sent_on) == year)
        .collect();
    let days: Vec<NaiveDate> = sent.iter().map(|r| r.sent_on).collect();
    Ok((regime::periodic(&regime, year, &days, today), sent))
}

/// Records an agency's periodic report (form 05) as sent today; its id.
pub async fn send_periodic(app: &App, actor: Actor<'_>, agency: &str, body: &str) -> Result<i64, AppError> {
    let scope = scope(actor)?;
    if !scope.covers(agency) || app.store.agency(agency).await?.is_none() {
        return Err(AppError::NotFound);
    }
    if body.chars().count() > 20_000 {
        return Err(AppError::Invalid(vec![FieldError::new("body", "err.too_long")]));
    }
    let today = app.now().date();
    let regimes = regimes(app).await?;
    let regime = Regime::for_day(&regimes, today).cloned().unwrap_or_else(Regime::decision_05_2017);
    let (from, to) = year_span(chrono::Datelike::year(&today))?;
    let facts: Vec<stats::Facts> =
        app.store.inc_incidents(Some(agency), from, to).await?.iter().map(facts_of).collect();
    let figures = stats::year(&facts);
    let form = regime.form(ReportKind::Periodic);
    let doc = pdf::periodic_report(app, agency, form, &regime.recipients, body, &figures, &signer(actor)).await?;
    let mut w = app.store.begin_write().await?;
    let id = w
        .inc_send_report(
            None,
            agency,
            ReportKind::Periodic,
            today,
            &regime.recipients,
            body.trim(),
            &doc,
            &actor.audit_name(),
        )
        .await?;
    w.commit().await?;
    Ok(id)
}

/// An incident with what follows from it now.
#[derive(Debug, Clone)]
pub struct IncidentView {
    pub i: Incident,
    pub actions: Vec<Action>,
    pub reports: Vec<SentReport>,
    pub owed: Vec<Owed>,
    pub recipients: Vec<String>,
    pub regime: Regime,
}

/// An incident, if the actor's.
pub async fn incident(app: &App, actor: Actor<'_>, id: i64) -> Result<IncidentView, AppError> {
    let scope = scope(actor)?;
    let i = app.store.inc_incident(id).await?.ok_or(AppError::NotFound)?;
    if !scope.covers(&i.n.agency_id) {
        return Err(AppError::NotFound);
    }
    let actions = app.store.inc_actions(id).await?;
    let reports = app.store.inc_reports(Some(id), &i.n.agency_id).await?;
    let regimes = regimes(app).await?;
    let regime = regimes.iter().find(|r| r.code == i.n.regime).cloned().unwrap_or_else(Regime::decision_05_2017);
    let owed = owed_of(app, &regime, &i, &reports)?;
    Ok(IncidentView { i, actions, reports, owed, recipients: regime.recipients.clone(), regime })
}

fn owed_of(app: &App, regime: &Regime, i: &Incident, reports: &[SentReport]) -> Result<Vec<Owed>, AppError> {
    let discovered = egov_kernel::vn::from_micros(i.n.discovered_at).map(|t| t.date()).unwrap_or_default();
    let m = Milestones { discovered, beyond_capacity: i.n.beyond_capacity_on, response_ended: i.response_ended_on };
    let sent: Vec<(ReportKind, NaiveDate)> = reports.iter().map(|r| (r.kind, r.sent_on)).collect();
    let cal = app.calendar.get();
    regime::owed(regime, m, &sent, app.now().date(), &cal.1).map_err(|e| AppError::Internal(e.to_string()))
}

/// Incidents in scope discovered in a year, newest first, with the reports each owes.
pub async fn incidents(app: &App, actor: Actor<'_>, year: i32) -> Result<Vec<(Incident, Vec<Owed>)>, AppError> {
    let scope = scope(actor)?;
    let (from, to) = year_span(year)?;
    let regimes = regimes(app).await?;
    let mut out = Vec::new();
    for i in app.store.inc_incidents(agency_of(&scope), from, to).await? {
        let reports = app.store.inc_reports(Some(i.id), &i.n.agency_id).await?;
        let regime = regimes.iter().find(|r| r.code == i.n.regime).cloned().unwrap_or_else(Regime::decision_05_2017);
        let owed = owed_of(app, &regime, &i, &reports)?;
        out.push((i, owed));
    }
    Ok(out)
}

fn year_span(year: i32) -> Result<(i64, i64), AppError> {
    let d = |y| NaiveDate::from_ymd_opt(y, 1, 1).map(egov_kernel::vn::day_start_micros).ok_or(AppError::NotFound);
    Ok((d(year)?, d(year + 1)?))
}

/// What an official does to an incident.
#[derive(Debug, Clone)]
pub enum Step {
    /// Moves it to a phase (with the root cause and lessons when it closes;
    /// the day the response ended when it is recovered or closed).
    Phase { to: Phase, root_cause: String, lessons: String, response_ended_on: Option<NaiveDate> },
    /// Finds it beyond the unit's capacity (on a day): the initial report falls due.
    BeyondCapacity(NaiveDate),
    /// Hands it to a member of the response team (by username).
    Assign(String),
    /// A note in its timeline.
    Note(String),
}

/// Takes one step of an incident's response.
pub async fn step(app: &App, actor: Actor<'_>, id: i64, s: Step) -> Result<(), AppError> {
    let view = incident(app, actor, id).await?;
    let before = view.i.clone();
    let mut after = before.clone();
    let now = app.store.now();
    let (what, note) = match s {
        Step::Phase { to, root_cause, lessons, response_ended_on } => {
            if root_cause.chars().count() > 5000 || lessons.chars().count() > 5000 {
                return Err(AppError::Invalid(vec![FieldError::new("root_cause", "err.too_long")]));
            }
            let closing = view.reports.iter().any(|r| r.kind == ReportKind::Closing);
            let to = egov_incident::advance(before.phase, to, &root_cause, closing)
                .map_err(|e| AppError::refused(Refusal::Conflict, e.key(), format!("{e:?}")))?;
            after.phase = to;
            if to == Phase::Contained && after.contained_at.is_none() {
                after.contained_at = Some(now);
            }
            if matches!(to, Phase::Recovered | Phase::Closed) {
                after.response_ended_on = response_ended_on.or(after.response_ended_on).or(Some(app.now().date()));
            }
            if to == Phase::Closed {
                after.closed_at = Some(now);
                after.root_cause = root_cause.trim().to_string();
                after.lessons = lessons.trim().to_string();
            }
            (format!("phase:{}", to.as_str()), after.root_cause.clone())
        }
        Step::BeyondCapacity(day) => {
            after.n.beyond_capacity_on = Some(day);
            after.n.serious = is_serious(app, &after.n.systems, after.n.harms, true).await?;
            ("beyond_capacity".to_string(), day.to_string())
        }
        Step::Assign(user) => {
            let user = user.trim().to_string();
            if app.store.user_id_of(&user).await?.is_none() {
                return Err(AppError::Invalid(vec![FieldError::new("assignee", "err.option")]));
            }
            after.assignee = Some(user.clone());
            ("assigned".to_string(), user)
        }
        Step::Note(n) => {
            let n = n.trim().to_string();
            if n.is_empty() || n.chars().count() > 5000 {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "note",
                    if n.is_empty() { "err.required" } else { "err.too_long" },
                )]));
            }
            ("note".to_string(), n)
        }
    };
    let mut w = app.store.begin_write().await?;
    w.inc_update(&before, &after, &actor.audit_name(), &what, &note).await.map_err(|e| match e {
        StoreError::Conflict(_) => AppError::refused(Refusal::Conflict, "err.inc.changed", "changed meanwhile"),
        e => e.into(),
    })?;
    w.commit().await?;
    Ok(())
}

/// Records one of an incident's reports as sent today, to the regime's recipients; its id.
pub async fn send(app: &App, actor: Actor<'_>, id: i64, kind: ReportKind, body: &str) -> Result<i64, AppError> {
    let view = incident(app, actor, id).await?;
    if kind == ReportKind::Periodic {
        return Err(AppError::Invalid(vec![FieldError::new("kind", "err.option")]));
    }
    if body.chars().count() > 20_000 {
        return Err(AppError::Invalid(vec![FieldError::new("body", "err.too_long")]));
    }
    let form = view.regime.form(kind);
    let doc =
        pdf::incident_report(app, &view.i, kind, form, &view.recipients, body, &view.actions, &signer(actor)).await?;
    let mut w = app.store.begin_write().await?;
    let rid = w
        .inc_send_report(
            Some(id),
            &view.i.n.agency_id,
            kind,
            app.now().date(),
            &view.recipients,
            body.trim(),
            &doc,
            &actor.audit_name(),
        )
        .await?;
    w.commit().await?;
    Ok(rid)
}

/// A report's PDF as sent, if the actor's: its document, digest and signature.
pub async fn report_pdf(
    app: &App,
    actor: Actor<'_>,
    report: i64,
) -> Result<egov_store::incidents::SignedPdf, AppError> {
    let scope = scope(actor)?;
    let (_, agency, doc) = app.store.inc_report_pdf(report).await?.ok_or(AppError::NotFound)?;
    if !scope.covers(&agency) || doc.pdf.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(doc)
}

fn facts_of(i: &Incident) -> stats::Facts {
    stats::Facts {
        kind: i.n.kind,
        severity: i.n.severity,
        serious: i.n.serious,
        discovered_at: i.n.discovered_at,
        contained_at: i.contained_at,
        closed_at: i.closed_at,
    }
}

/// The year's statistics of the incidents in scope.
pub async fn year_stats(app: &App, actor: Actor<'_>, year: i32) -> Result<YearStats, AppError> {
    let list = incidents(app, actor, year).await?;
    let facts: Vec<stats::Facts> = list.iter().map(|(i, _)| facts_of(i)).collect();
    Ok(stats::year(&facts))
}

#[cfg(test)]
mod tests;

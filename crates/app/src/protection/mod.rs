//! Endpoint protection (issue 18): who sees and manages which machines
//! (system administrators every agency's, an agency's administrators their
//! own), the inventory and its import, enrolment tokens and revocation,
//! the policy, detections' handling, the console's figures and the daily
//! coverage series; `agent.rs` the agents' own calls; `scan.rs` the
//! scanning of uploads through clamd.

pub mod agent;
pub mod scan;

use chrono::NaiveDate;
use egov_identity::Action;
use egov_protection::inventory::{self, LineProblem};
use egov_protection::{AgentState, Coverage, DetectionState, MachineInput, NewMachine, Policy};
use egov_store::protection::{Detection, PrMachine};
use egov_store::StoreError;

use crate::{Actor, App, AppError, FieldError, Refusal};

/// Whose machines an actor may see and manage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every agency's, and egov's own: the department (system administrators).
    All,
    /// One agency's: its administrators.
    Agency(String),
}

impl Scope {
    pub fn of(actor: Actor<'_>) -> Option<Scope> {
        if actor.is_system() {
            return Some(Scope::All);
        }
        match actor {
            Actor::User(p) => p
                .agency_id
                .as_ref()
                .filter(|a| p.may(Action::ManageAgency(a.as_str())))
                .map(|a| Scope::Agency(a.as_str().to_string())),
            Actor::Operator => Some(Scope::All),
        }
    }
    pub fn covers(&self, agency: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Agency(a) => a == agency,
        }
    }
    fn agency(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Agency(a) => Some(a),
        }
    }
}

/// Whether the console is shown to the actor at all.
pub fn may_view(actor: Actor<'_>) -> bool {
    Scope::of(actor).is_some()
}

fn scope(actor: Actor<'_>) -> Result<Scope, AppError> {
    Scope::of(actor).ok_or(AppError::Forbidden)
}

fn today(app: &App) -> NaiveDate {
    app.now().date()
}

/// A machine in the console: its row and what follows from it now.
#[derive(Debug, Clone)]
pub struct MachineLine {
    pub m: PrMachine,
    pub state: AgentState,
    pub outdated: bool,
    pub covered: bool,
    /// In the inventory today (added, not retired).
    pub counted: bool,
}

/// The console as one actor sees it.
#[derive(Debug, Clone)]
pub struct Console {
    pub scope: Scope,
    pub policy: Policy,
    pub machines: Vec<MachineLine>,
    /// Each agency's coverage today (of those in scope), by agency id.
    pub by_agency: Vec<(String, Coverage)>,
    /// The whole of the scope's.
    pub total: Coverage,
    pub counts: Counts,
    pub open_detections: i64,
}

/// The machines in the inventory today, counted by what the console shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub machines: usize,
    pub active: usize,
    pub disconnected: usize,
    pub never: usize,
    /// With an agent, its signatures outdated.
    pub outdated: usize,
    /// With an agent, not protected (disconnected, outdated or not scanned lately).
    pub unprotected: usize,
}

impl Counts {
    fn of(lines: &[MachineLine]) -> Counts {
        let mut c = Counts::default();
        for l in lines.iter().filter(|l| l.counted) {
            c.machines += 1;
            match l.state {
                AgentState::Active => c.active += 1,
                AgentState::Disconnected => c.disconnected += 1,
                AgentState::NeverConnected => {
                    c.never += 1;
                    continue;
                }
            }
            c.outdated += usize::from(l.outdated);
            c.unprotected += usize::from(!l.covered);
        }
        c
    }
}

fn line(m: PrMachine, policy: &Policy, now: i64, day: NaiveDate) -> MachineLine {
    // a machine whose agent was revoked (none current) is heard from no more
    let heard = m.status.as_ref().filter(|_| m.enrolled_at.is_some() || m.own);
    let state = match (heard, &m.status) {
        (Some(s), _) => AgentState::of(Some(s.last_seen), now),
        (None, Some(_)) => AgentState::Disconnected,
        (None, None) => AgentState::NeverConnected,
    };
    let outdated = m.status.as_ref().is_none_or(|s| policy.outdated(s.signature_date, now));
    let covered = heard.is_some_and(|s| policy.covered(s, now));
    let counted = !m.own && egov_protection::counts_on(m.machine.m.added_on, m.machine.m.retired_on, day);
    MachineLine { m, state, outdated, covered, counted }
}

/// Coverage by agency of machines counted today.
fn tally(lines: &[MachineLine]) -> (Vec<(String, Coverage)>, Coverage) {
    let mut by: std::collections::BTreeMap<String, Coverage> = Default::default();
    let mut total = Coverage::default();
    for l in lines.iter().filter(|l| l.counted) {
        by.entry(l.m.machine.m.agency_id.clone()).or_default().add(l.covered);
        total.add(l.covered);
    }
    (by.into_iter().collect(), total)
}

/// The console: every machine in scope with its state, the coverage today.
pub async fn console(app: &App, actor: Actor<'_>) -> Result<Console, AppError> {
    let scope = scope(actor)?;
    let policy = app.store.pr_policy().await?;
    let now = app.store.now();
    let day = today(app);
    let machines: Vec<MachineLine> =
        app.store.pr_machines(scope.agency()).await?.into_iter().map(|m| line(m, &policy, now, day)).collect();
    let (by_agency, total) = tally(&machines);
    let counts = Counts::of(&machines);
    let (_, open_detections) = app.store.pr_detections(scope.agency(), true, 0, 0).await?;
    Ok(Console { scope, policy, machines, by_agency, total, counts, open_detections })
}

/// One machine, if the actor's.
pub async fn machine(app: &App, actor: Actor<'_>, id: i64) -> Result<MachineLine, AppError> {
    let scope = scope(actor)?;
    let m = app.store.pr_machine_view(id).await?.ok_or(AppError::NotFound)?;
    if !scope.covers(&m.machine.m.agency_id) || (m.own && scope != Scope::All) {
        return Err(AppError::NotFound);
    }
    let policy = app.store.pr_policy().await?;
    Ok(line(m, &policy, app.store.now(), today(app)))
}

/// Detections in scope, newest first, a page at a time; their total.
pub async fn detections(
    app: &App,
    actor: Actor<'_>,
    open: bool,
    page: u32,
    per_page: u32,
) -> Result<(Vec<Detection>, i64), AppError> {
    let scope = scope(actor)?;
    let per = i64::from(per_page.clamp(1, 200));
    Ok(app.store.pr_detections(scope.agency(), open, per, i64::from(page.saturating_sub(1)) * per).await?)
}

/// Checks a machine's details and that the actor may keep it for that agency.
async fn checked(app: &App, scope: &Scope, input: &MachineInput) -> Result<NewMachine, AppError> {
    let m = input.check();
    let mut errs: Vec<FieldError> = match &m {
        Ok(_) => Vec::new(),
        Err(ps) => ps.iter().map(|p| FieldError::new(p.field, p.key)).collect(),
    };
    let agency = input.agency_id.trim();
    if !agency.is_empty() && (!scope.covers(agency) || app.store.agency(agency).await?.is_none()) {
        errs.push(FieldError::new("agency_id", "err.option"));
    }
    match m {
        Ok(m) if errs.is_empty() => Ok(m),
        _ => Err(AppError::Invalid(errs)),
    }
}

fn name_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::Invalid(vec![FieldError::new("name", "err.pr.duplicate")]),
        e => e.into(),
    }
}

/// Adds a machine (`id` none) or changes one; its id.
pub async fn save_machine(app: &App, actor: Actor<'_>, id: Option<i64>, input: &MachineInput) -> Result<i64, AppError> {
    let scope = scope(actor)?;
    if let Some(id) = id {
        machine(app, actor, id).await?;
    }
    let m = checked(app, &scope, input).await?;
    let mut w = app.store.begin_write().await?;
    let id = w.pr_save_machine(id, &m, &actor.audit_name()).await.map_err(name_taken)?;
    w.commit().await?;
    Ok(id)
}

/// Imports an inventory CSV, all or nothing: how many machines were added
/// and changed, or every problem with its line (nothing written).
pub async fn import(
    app: &App,
    actor: Actor<'_>,
    csv: &[u8],
) -> Result<Result<(usize, usize), Vec<LineProblem>>, AppError> {
    let scope = scope(actor)?;
    let rows = match inventory::parse_csv(csv) {
        Ok(rows) => rows,
        Err(problems) => return Ok(Err(problems)),
    };
    let known: std::collections::HashSet<String> =
        app.store.agencies().await?.into_iter().map(|a| a.id.as_str().to_string()).collect();
    let problems: Vec<LineProblem> = rows
        .iter()
        .filter(|(_, m)| !known.contains(&m.agency_id) || !scope.covers(&m.agency_id))
        .map(|(line, _)| LineProblem { line: *line, field: "agency", key: "err.option" })
        .collect();
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let list: Vec<NewMachine> = rows.into_iter().map(|(_, m)| m).collect();
    let mut w = app.store.begin_write().await?;
    let counts = w.pr_import_machines(&list, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(Ok(counts))
}

/// How long an enrolment token lasts by default, and at most.
pub const ENROLMENT_HOURS: (u32, u32) = (24, 72);

/// Issues a one-time enrolment token for a machine, valid for `hours`
/// (1 to 72): the token, shown once, and when it expires (micros).
pub async fn issue_enrolment(
    app: &App,
    actor: Actor<'_>,
    machine_id: i64,
    hours: u32,
) -> Result<(String, i64), AppError> {
    let m = machine(app, actor, machine_id).await?;
    if m.m.own {
        return Err(AppError::NotFound);
    }
    if !(1..=ENROLMENT_HOURS.1).contains(&hours) {
        return Err(AppError::Invalid(vec![FieldError::new("hours", "err.pr.hours")]));
    }
    if !m.counted && m.m.machine.m.retired_on.is_some_and(|r| r <= today(app)) {
        return Err(AppError::refused(Refusal::Conflict, "err.pr.retired", "the machine is retired"));
    }
    let token = egov_identity::random_secret().map_err(|e| AppError::Internal(e.to_string()))?;
    let expires = app.store.now() + i64::from(hours) * 3_600_000_000;
    let mut w = app.store.begin_write().await?;
    w.pr_issue_enrolment(machine_id, &egov_identity::secret_digest(&token), expires, &actor.audit_name()).await?;
    w.commit().await?;
    Ok((token, expires))
}

/// Revokes a machine's agent (refused from its next call). Whether there was one.
pub async fn revoke(app: &App, actor: Actor<'_>, machine_id: i64) -> Result<bool, AppError> {
    machine(app, actor, machine_id).await?;
    let mut w = app.store.begin_write().await?;
    let done = w.pr_revoke_agent(machine_id, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(done)
}

/// Moves a detection on (new → quarantined, cleaned, false positive; quarantined → the last two).
pub async fn handle(app: &App, actor: Actor<'_>, id: i64, to: DetectionState, note: &str) -> Result<(), AppError> {
    let scope = scope(actor)?;
    if note.chars().count() > 1000 {
        return Err(AppError::Invalid(vec![FieldError::new("note", "err.too_long")]));
    }
    let mut w = app.store.begin_write().await?;
    let d = w.pr_detection(id).await?.ok_or(AppError::NotFound)?;
    if !scope.covers(&d.agency_id) {
        return Err(AppError::NotFound);
    }
    let to =
        d.state.handle(to).map_err(|e| AppError::refused(Refusal::Conflict, "err.pr.transition", e.to_string()))?;
    w.pr_handle_detection(id, d.state, to, note.trim(), &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// Sets the department's thresholds (system administrators).
pub async fn set_policy(app: &App, actor: Actor<'_>, p: &Policy) -> Result<(), AppError> {
    if scope(actor)? != Scope::All {
        return Err(AppError::Forbidden);
    }
    AppError::invalid(p.check().into_iter().map(|p| FieldError::new(p.field, p.key)).collect())?;
    let mut w = app.store.begin_write().await?;
    w.pr_set_policy(p, &actor.audit_name()).await?;
    w.commit().await?;
    Ok(())
}

/// The kept daily coverage of an agency or the scope's whole, over a year.
pub async fn series(
    app: &App,
    actor: Actor<'_>,
    agency: Option<&str>,
    year: i32,
) -> Result<Vec<(NaiveDate, Coverage)>, AppError> {
    let scope = scope(actor)?;
    let agency = match (agency, &scope) {
        (Some(a), s) if s.covers(a) => Some(a.to_string()),
        (Some(_), _) => return Err(AppError::NotFound),
        (None, Scope::Agency(a)) => Some(a.clone()),
        (None, Scope::All) => None,
    };
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::NotFound)?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::NotFound)?;
    Ok(app.store.pr_coverage_series(agency.as_deref(), from, to).await?)
}

/// Keeps today's coverage of every agency (run by a job, replacing the
/// day's figures until the day ends).
pub async fn keep_coverage(app: &App) -> Result<(), AppError> {
    let policy = app.store.pr_policy().await?;
    let now = app.store.now();
    let day = today(app);
    let lines: Vec<MachineLine> =
        app.store.pr_machines(None).await?.into_iter().map(|m| line(m, &policy, now, day)).collect();
    let (by_agency, _) = tally(&lines);
    Ok(app.store.pr_save_coverage(day, &by_agency).await?)
}

/// An alert's text: the machine, its agency by name, then what happened,
/// one item a part (the same in both languages of the mail).
pub(crate) async fn alert_note(app: &App, machine: &str, agency: &str, what: &[&str]) -> Result<String, AppError> {
    let name = app.store.agency(agency).await?.map(|a| a.name_vi).unwrap_or_else(|| agency.to_string());
    let mut note = format!("{machine} — {name}");
    for w in what {
        note.push_str(" — ");
        note.push_str(w);
    }
    Ok(note)
}

/// Alerts the administrators of each machine silent longer than the
/// policy allows, once a disconnection (a heartbeat clears it); how many.
pub async fn alert_silent(app: &App) -> Result<usize, AppError> {
    let policy = app.store.pr_policy().await?;
    let now = app.store.now();
    let mut n = 0;
    for (id, machine, agency, last_seen) in app.store.pr_silent(policy.alarm_before(now)).await? {
        let since = egov_kernel::vn::micros_to_page(last_seen);
        let note = alert_note(app, &machine, &agency, &[&since]).await?;
        let mut w = app.store.begin_write().await?;
        if w.pr_mark_alerted(id, last_seen).await? {
            w.pr_alert(egov_protection::Alert::Disconnected, Some(&agency), &note).await?;
            w.commit().await?;
            n += 1;
        }
    }
    if n > 0 {
        app.mail_wake.notify_one();
    }
    Ok(n)
}

/// Looks for machines silent too long every minute (on one instance at a time).
pub const ALERT_SILENT: crate::jobs::Job = crate::jobs::Job {
    name: "protection-silent",
    every: std::time::Duration::from_secs(60),
    run: |app| Box::pin(async move { alert_silent(&app).await.map(|_| ()) }),
    runs: crate::jobs::Runs::OnOne,
};

/// Keeps today's coverage every ten minutes (on one instance at a time):
/// the daily series the year-end report reads.
pub const KEEP_COVERAGE: crate::jobs::Job = crate::jobs::Job {
    name: "protection-coverage",
    every: std::time::Duration::from_secs(600),
    run: |app| Box::pin(async move { keep_coverage(&app).await }),
    runs: crate::jobs::Runs::OnOne,
};

#[cfg(test)]
mod tests;

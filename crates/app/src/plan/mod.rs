//! The year's IT plan (issue 23): a plan with its indicators (typed, or
//! imported whole from the CSV or XLSX template), amendments of targets
//! from a day, values reported by the responsible unit with evidence and
//! approved by the department, the daily readings of register figures, and
//! the progress of every indicator at any day: its value, the target in
//! force, the verdict, its monthly trend, the previous year's value and
//! its parts by agency or commune. The access rule is `Principal::may`:
//! reading is any official's, keeping the plan the department's, reporting
//! the responsible agency's.

pub mod measure;

use chrono::NaiveDate;
use egov_identity::Action;
use egov_plan::template::{read_csv, CellError, IndicatorInput};
use egov_plan::{month_ends, reported_on, target_on, verdict, Amendment, Measure, ReportState, Source, Verdict};
use egov_store::plan::{Evidence, KeptIndicator, KeptReport, Plan};

use crate::{Actor, App, AppError, FieldError, Refusal};

pub use measure::{Cache, Reading};

fn require(actor: Actor<'_>, action: Action<'_>) -> Result<(), AppError> {
    if actor.may(action) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn may_read(actor: Actor<'_>) -> bool {
    actor.may(Action::ReadPlan)
}

pub fn may_keep(actor: Actor<'_>) -> bool {
    actor.may(Action::KeepPlan)
}

/// The template's cell errors as field errors: `rows[LINE].COLUMN`.
pub fn cell_errors(errs: Vec<CellError>) -> AppError {
    AppError::Invalid(
        errs.into_iter().map(|e| FieldError::new(format!("rows[{}].{}", e.line, e.column), e.key)).collect(),
    )
}

/// A spreadsheet's first sheet as CSV text (the template's other form).
fn xlsx_as_csv(bytes: &[u8]) -> Result<String, AppError> {
    let rows = egov_reports::xlsx_rows(bytes)
        .map_err(|_| AppError::Invalid(vec![FieldError::new("file", "err.plan.file")]))?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
}

/// Reads a template file (CSV, or XLSX by its content): every indicator,
/// or every bad cell.
pub fn read_template(bytes: &[u8]) -> Result<Vec<IndicatorInput>, AppError> {
    let text = if bytes.starts_with(b"PK\x03\x04") {
        xlsx_as_csv(bytes)?
    } else {
        String::from_utf8(bytes.to_vec())
            .map_err(|_| AppError::Invalid(vec![FieldError::new("file", "err.plan.file")]))?
    };
    read_csv(&text).map_err(cell_errors)
}

/// Sets a year's plan with its indicators, all or nothing: every
/// indicator's agency must be in the directory (an unknown one is an error
/// at its line, the header being line 1).
pub async fn create(app: &App, actor: Actor<'_>, plan: &Plan, indicators: &[IndicatorInput]) -> Result<(), AppError> {
    require(actor, Action::KeepPlan)?;
    let mut errs = Vec::new();
    check_decision(&plan.decision, &mut errs);
    if !(2000..=2200).contains(&plan.year) {
        errs.push(FieldError::new("year", "err.plan.year"));
    }
    if indicators.is_empty() {
        errs.push(FieldError::new("file", "err.plan.empty"));
    }
    let agencies = app.store.agencies().await?;
    for (i, x) in indicators.iter().enumerate() {
        if !agencies.iter().any(|a| a.id.as_str() == x.agency) {
            errs.push(FieldError::new(format!("rows[{}].agency", i + 2), "err.plan.agency"));
        }
    }
    AppError::invalid(errs)?;
    let mut w = app.store.begin_write().await?;
    w.plan_create(plan, indicators, &actor_name(actor)).await?;
    w.commit().await?;
    Ok(())
}

fn actor_name(actor: Actor<'_>) -> String {
    match actor {
        Actor::Operator => "operator".to_string(),
        Actor::User(p) => p.user_id.to_string(),
    }
}

/// A plan's or an amendment's decision: named, in at most 200 characters. (The pages
/// run this and [`check_report`] themselves when a day or a number did not
/// parse, so that every field's problem shows at once.)
pub fn check_decision(decision: &str, errs: &mut Vec<FieldError>) {
    if decision.trim().is_empty() || decision.chars().count() > 200 {
        errs.push(FieldError::new("decision", "err.required"));
    }
}

/// A report's note and evidence file: the note at most 2,000 characters,
/// the file a PDF, JPEG or PNG by its content within the size allowed.
/// Its media type when it is one.
pub fn check_report(note: &str, bytes: &[u8], errs: &mut Vec<FieldError>) -> Option<&'static str> {
    if note.chars().count() > 2000 {
        errs.push(FieldError::new("note", "err.too_long"));
    }
    let content_type = egov_dossier::sniff(bytes);
    if bytes.is_empty() {
        errs.push(FieldError::new("evidence", "err.required"));
    } else if bytes.len() > egov_dossier::MAX_FILE {
        errs.push(FieldError::new("evidence", "err.file.too_big"));
    } else if content_type.is_none() {
        errs.push(FieldError::new("evidence", "err.file.type"));
    }
    content_type
}

/// Changes an indicator's target from a day within its year.
pub async fn amend(app: &App, actor: Actor<'_>, indicator: i64, a: &Amendment) -> Result<i64, AppError> {
    require(actor, Action::KeepPlan)?;
    let i = app.store.plan_indicator(indicator).await?.ok_or(AppError::NotFound)?;
    let mut errs = Vec::new();
    check_decision(&a.decision, &mut errs);
    if measure::period(i.year, a.from).is_none_or(|(_, last)| a.from > last) || !a.target.is_finite() {
        errs.push(FieldError::new("from", "err.plan.in_year"));
    }
    AppError::invalid(errs)?;
    let mut w = app.store.begin_write().await?;
    let id = w.plan_amend(indicator, a, &actor_name(actor)).await?;
    w.commit().await?;
    Ok(id)
}

/// A reported value as submitted: its day, value, note and evidence file.
pub struct Submission {
    pub as_of: NaiveDate,
    pub value: f64,
    pub note: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Records a reported indicator's value with its evidence (a PDF, JPEG or
/// PNG, scanned for malware), for the department to approve.
pub async fn submit(app: &App, actor: Actor<'_>, indicator: i64, s: Submission) -> Result<i64, AppError> {
    let i = app.store.plan_indicator(indicator).await?.ok_or(AppError::NotFound)?;
    if !actor.may(Action::ReadPlan) {
        return Err(AppError::Forbidden);
    }
    require(actor, Action::ReportIndicator(&i.i.agency))?;
    if i.i.source != Source::Reported {
        return Err(AppError::refused(Refusal::Conflict, "err.plan.measured", i.i.code.clone()));
    }
    let mut errs = Vec::new();
    if measure::period(i.year, s.as_of).is_none_or(|(_, last)| s.as_of > last) {
        errs.push(FieldError::new("as_of", "err.plan.in_year"));
    } else if s.as_of > app.now().date() {
        errs.push(FieldError::new("as_of", "err.plan.future"));
    }
    if !s.value.is_finite() || s.value.abs() > 1e12 {
        errs.push(FieldError::new("value", "err.number"));
    }
    let content_type = check_report(&s.note, &s.bytes, &mut errs);
    AppError::invalid(errs)?;
    let who = actor_name(actor);
    if let Some(crate::protection::scan::Found::Infected(sig)) =
        crate::protection::scan::scan(app, &who, &[(s.file_name.as_str(), s.bytes.as_slice())]).await?.pop()
    {
        return Err(AppError::Invalid(vec![FieldError::with_detail("evidence", "err.file.infected", sig)]));
    }
    let content_type = content_type.unwrap_or("application/octet-stream").to_string();
    let name: String = s.file_name.chars().filter(|c| !c.is_control() && *c != '/' && *c != '\\').take(200).collect();
    let blob = app.blobs.put(s.bytes, true).await?;
    let evidence = Evidence {
        name: if name.is_empty() { "evidence".into() } else { name },
        content_type,
        key: blob.key.clone(),
        sha256: blob.sha256,
        size: blob.size as i64,
    };
    let written = async {
        let mut w = app.store.begin_write().await?;
        let id = w.plan_submit(indicator, s.as_of, s.value, s.note.trim(), &evidence, &who).await?;
        w.commit().await?;
        Ok::<i64, AppError>(id)
    }
    .await;
    if written.is_err() {
        app.blobs.delete(&blob.key).await;
    }
    written
}

/// Approves or returns a submitted value.
pub async fn decide(app: &App, actor: Actor<'_>, report: i64, approve: bool, note: &str) -> Result<(), AppError> {
    require(actor, Action::KeepPlan)?;
    let r = app.store.plan_report(report).await?.ok_or(AppError::NotFound)?;
    let to = r
        .state
        .decide(approve)
        .ok_or_else(|| AppError::refused(Refusal::Conflict, "err.plan.decided", report.to_string()))?;
    if !approve && note.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("note", "err.plan.reason")]));
    }
    let mut w = app.store.begin_write().await?;
    w.plan_decide(report, to, note.trim(), &actor_name(actor)).await?;
    w.commit().await?;
    Ok(())
}

/// A report's evidence: its description and bytes (for the plan's readers).
pub async fn evidence(app: &App, actor: Actor<'_>, report: i64) -> Result<(KeptReport, Vec<u8>), AppError> {
    require(actor, Action::ReadPlan)?;
    let r = app.store.plan_report(report).await?.ok_or(AppError::NotFound)?;
    let bytes = app.blobs.get(&r.evidence.key).await?;
    Ok((r, bytes))
}

/// Keeps today's readings of the register figures (the plan's daily job).
pub async fn keep_readings(app: &App) -> Result<(), AppError> {
    let today = app.now().date();
    let mut cache = Cache::default();
    let mut readings: Vec<(&str, String, f64)> = Vec::new();
    for m in [Measure::RadioStations, Measure::RadioStationsIt, Measure::GatewayServices] {
        let (value, parts) = measure::register(app, &mut cache, m, today).await?;
        readings.push((m.as_str(), String::new(), value));
        // the province under "", each part under its key (a record of none is in the province's only)
        readings
            .extend(parts.into_iter().filter(|(k, _)| !k.is_empty()).map(|(k, v)| (m.as_str(), k, v.unwrap_or(0.0))));
    }
    let mut w = app.store.begin_write().await?;
    w.plan_keep_readings(today, &readings).await?;
    w.commit().await?;
    Ok(())
}

/// What progress reads beside each indicator's value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Detail {
    pub trend: bool,
    pub previous: bool,
    pub parts: bool,
}

/// One indicator's standing at a day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Line {
    #[serde(skip)]
    pub indicator: KeptIndicator,
    /// The target in force at the day, and whether an amendment set it.
    pub target: f64,
    pub amended: bool,
    pub value: Option<f64>,
    pub verdict: Verdict,
    /// The value at each month's end up to the day.
    pub trend: Vec<(NaiveDate, Option<f64>)>,
    /// The value at the end of the previous year (the same figure, or the
    /// previous plan's indicator of the same code).
    pub previous: Option<f64>,
    pub parts: Vec<(String, Option<f64>)>,
    pub by: &'static str,
    /// A reported indicator's reports, every state.
    pub reports: Vec<KeptReport>,
}

/// A plan's standing at a day.
#[derive(Debug, Clone)]
pub struct Progress {
    pub plan: Plan,
    pub day: NaiveDate,
    pub lines: Vec<Line>,
}

async fn value_at(
    app: &App,
    cache: &mut Cache,
    i: &KeptIndicator,
    reports: &[KeptReport],
    year: i32,
    day: NaiveDate,
    parts: bool,
) -> Result<Reading, AppError> {
    match i.i.source {
        Source::Measured(m) => measure::measure(app, cache, m, year, day, parts).await,
        Source::Reported => {
            let kept: Vec<(NaiveDate, ReportState, f64)> =
                reports.iter().filter(|r| r.indicator_id == i.id).map(|r| (r.as_of, r.state, r.value)).collect();
            Ok(Reading { value: reported_on(&kept, day), ..Reading::default() })
        }
    }
}

/// Every indicator of `year`'s plan at the end of `day`.
pub async fn progress(app: &App, actor: Actor<'_>, year: i32, day: NaiveDate, d: Detail) -> Result<Progress, AppError> {
    require(actor, Action::ReadPlan)?;
    let plan = app.store.plan(year).await?.ok_or(AppError::NotFound)?;
    let indicators = app.store.plan_indicators(year).await?;
    let reports = app.store.plan_reports(year, None).await?;
    let (previous_indicators, previous_reports) = if d.previous {
        (app.store.plan_indicators(year - 1).await?, app.store.plan_reports(year - 1, None).await?)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut cache = Cache::default();
    let mut lines = Vec::with_capacity(indicators.len());
    let last = measure::period(year, day).map_or(day, |(_, l)| l);
    for i in indicators {
        let started = std::time::Instant::now();
        let reading = value_at(app, &mut cache, &i, &reports, year, day, d.parts).await?;
        tracing::debug!(indicator = %i.i.code, ms = started.elapsed().as_secs_f64() * 1e3, "measured");
        let (target, amended) = target_on(i.i.target, &i.amendments, last);
        let v = verdict(i.i.direction, i.i.course, target, reading.value, year, day);
        let mut trend = Vec::new();
        if d.trend {
            let ends = month_ends(year, last);
            if let Source::Measured(m) = i.i.source {
                measure::prefetch(app, &mut cache, m, year, &ends).await?;
            }
            for end in ends {
                trend.push((end, value_at(app, &mut cache, &i, &reports, year, end, false).await?.value));
            }
        }
        let previous = if !d.previous {
            None
        } else {
            let end = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap_or(day);
            match i.i.source {
                Source::Measured(m) => measure::measure(app, &mut cache, m, year - 1, end, false).await?.value,
                Source::Reported => match previous_indicators.iter().find(|p| p.i.code == i.i.code) {
                    Some(p) => value_at(app, &mut cache, p, &previous_reports, year - 1, end, false).await?.value,
                    None => None,
                },
            }
        };
        let own: Vec<KeptReport> = reports.iter().filter(|r| r.indicator_id == i.id).cloned().collect();
        lines.push(Line {
            target,
            amended,
            value: reading.value,
            verdict: v,
            trend,
            previous,
            parts: reading.parts,
            by: reading.by,
            reports: own,
            indicator: i,
        });
    }
    Ok(Progress { plan, day, lines })
}

/// The records an indicator counts at a day (of an agency or commune).
pub async fn records(
    app: &App,
    actor: Actor<'_>,
    indicator: i64,
    day: NaiveDate,
    part: Option<&str>,
) -> Result<(KeptIndicator, Vec<egov_store::plan::measures::Counted>, i64), AppError> {
    require(actor, Action::ReadPlan)?;
    let i = app.store.plan_indicator(indicator).await?.ok_or(AppError::NotFound)?;
    let (list, total) = match i.i.source {
        Source::Measured(m) => measure::records(app, m, i.year, day, part).await?,
        Source::Reported => (Vec::new(), 0),
    };
    Ok((i, list, total))
}

/// Keeps today's readings of the register figures every hour (on one
/// instance at a time): a past day's radio stations and published services.
pub const KEEP_READINGS: crate::jobs::Job = crate::jobs::Job {
    name: "plan-readings",
    every: std::time::Duration::from_secs(3600),
    run: |app| Box::pin(async move { keep_readings(&app).await }),
    runs: crate::jobs::Runs::OnOne,
};

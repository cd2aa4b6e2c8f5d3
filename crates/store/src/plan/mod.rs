//! The year's IT plan (issue 23): plans, their indicators and amendments,
//! the values units report with their evidence, and the daily readings of
//! figures held only as today's register. What each measured figure counts
//! is read in `measures.rs`, from the tables of the modules that keep its
//! records (read only: the plan writes none of them).

pub mod measures;

use chrono::NaiveDate;
use egov_plan::template::IndicatorInput;
use egov_plan::{from_micro, to_micro, Amendment, Course, Direction, ReportState, Source};

use crate::{date, get, Migration, Result, Store, StoreError, WriteTx};

pub const MIGRATIONS: &[Migration] = crate::migrations!("plan": 45 "0045_plan", 46 "0046_plan_evidence_blob");

/// A year's plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Plan {
    pub year: i32,
    /// The decision that adopted it.
    pub decision: String,
    pub adopted_on: NaiveDate,
}

/// An indicator as kept, with its amendments (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct KeptIndicator {
    pub id: i64,
    pub year: i32,
    pub i: IndicatorInput,
    pub amendments: Vec<Amendment>,
}

/// Evidence of a reported value: a file in the blob store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Evidence {
    pub name: String,
    pub content_type: String,
    #[serde(skip)]
    pub key: String,
    pub sha256: String,
    pub size: i64,
}

/// A value reported for an indicator.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KeptReport {
    pub id: i64,
    pub indicator_id: i64,
    /// The day the value is of.
    pub as_of: NaiveDate,
    pub value: f64,
    pub note: String,
    pub evidence: Evidence,
    pub state: ReportState,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: String,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

fn indicator_row(r: &sqlx::any::AnyRow) -> Result<KeptIndicator> {
    let direction: String = get(r, "direction")?;
    let source: String = get(r, "source")?;
    let course: String = get(r, "course")?;
    let year: i64 = get(r, "year")?;
    Ok(KeptIndicator {
        id: get(r, "id")?,
        year: i32::try_from(year).map_err(|_| corrupt("a plan's year", &year.to_string()))?,
        i: IndicatorInput {
            code: get(r, "code")?,
            name_vi: get(r, "name_vi")?,
            name_en: get(r, "name_en")?,
            unit: get(r, "unit")?,
            target: from_micro(get(r, "target")?),
            direction: Direction::parse(&direction).ok_or_else(|| corrupt("an indicator's direction", &direction))?,
            agency: get(r, "agency")?,
            source: Source::parse(&source).ok_or_else(|| corrupt("an indicator's source", &source))?,
            course: match course.as_str() {
                "level" => Course::Level,
                "cumulative" => Course::Cumulative,
                _ => return Err(corrupt("an indicator's course", &course)),
            },
        },
        amendments: Vec::new(),
    })
}

fn course_str(c: Course) -> &'static str {
    match c {
        Course::Level => "level",
        Course::Cumulative => "cumulative",
    }
}

fn report_row(r: &sqlx::any::AnyRow) -> Result<KeptReport> {
    let state: String = get(r, "state")?;
    let as_of: String = get(r, "as_of")?;
    Ok(KeptReport {
        id: get(r, "id")?,
        indicator_id: get(r, "indicator_id")?,
        as_of: date(&as_of)?,
        value: from_micro(get(r, "value")?),
        note: get(r, "note")?,
        evidence: Evidence {
            name: get(r, "evidence_name")?,
            content_type: get(r, "evidence_type")?,
            key: get(r, "evidence_blob_key")?,
            sha256: get(r, "evidence_sha256")?,
            size: get(r, "evidence_size")?,
        },
        state: ReportState::parse(&state).ok_or_else(|| corrupt("a report's state", &state))?,
        submitted_by: get(r, "submitted_by")?,
        submitted_at: get(r, "submitted_at")?,
        decided_by: get(r, "decided_by")?,
        decided_at: get(r, "decided_at")?,
        decision_note: get(r, "decision_note")?,
    })
}

impl Store {
    pub async fn plan(&self, year: i32) -> Result<Option<Plan>> {
        let r = sqlx::query("SELECT year, decision, adopted_on FROM plan_plans WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(&self.pool)
            .await?;
        r.map(|r| {
            let adopted: String = get(&r, "adopted_on")?;
            Ok(Plan { year, decision: get(&r, "decision")?, adopted_on: date(&adopted)? })
        })
        .transpose()
    }

    /// The years that have a plan, the latest first.
    pub async fn plan_years(&self) -> Result<Vec<i32>> {
        let ys: Vec<i64> =
            sqlx::query_scalar("SELECT year FROM plan_plans ORDER BY year DESC").fetch_all(&self.pool).await?;
        Ok(ys.into_iter().filter_map(|y| i32::try_from(y).ok()).collect())
    }

    /// A year's indicators in the plan's order, each with its amendments.
    pub async fn plan_indicators(&self, year: i32) -> Result<Vec<KeptIndicator>> {
        let rows = sqlx::query("SELECT * FROM plan_indicators WHERE year = $1 ORDER BY position, id")
            .bind(i64::from(year))
            .fetch_all(&self.pool)
            .await?;
        let mut out: Vec<KeptIndicator> = rows.iter().map(indicator_row).collect::<Result<_>>()?;
        let am = sqlx::query(
            "SELECT a.indicator_id, a.from_day, a.target, a.decision FROM plan_amendments a \
             JOIN plan_indicators i ON i.id = a.indicator_id WHERE i.year = $1 ORDER BY a.from_day, a.id",
        )
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        for r in &am {
            let id: i64 = get(r, "indicator_id")?;
            let from: String = get(r, "from_day")?;
            let a =
                Amendment { from: date(&from)?, target: from_micro(get(r, "target")?), decision: get(r, "decision")? };
            if let Some(i) = out.iter_mut().find(|i| i.id == id) {
                i.amendments.push(a);
            }
        }
        Ok(out)
    }

    pub async fn plan_indicator(&self, id: i64) -> Result<Option<KeptIndicator>> {
        let r =
            sqlx::query("SELECT year FROM plan_indicators WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let Some(r) = r else { return Ok(None) };
        let year: i64 = get(&r, "year")?;
        let year = i32::try_from(year).map_err(|_| corrupt("a plan's year", &year.to_string()))?;
        Ok(self.plan_indicators(year).await?.into_iter().find(|i| i.id == id))
    }

    /// The reports of a year's indicators (of one indicator: `Some`), by day.
    pub async fn plan_reports(&self, year: i32, indicator: Option<i64>) -> Result<Vec<KeptReport>> {
        let rows = sqlx::query(
            "SELECT r.* FROM plan_reports r JOIN plan_indicators i ON i.id = r.indicator_id \
             WHERE i.year = $1 AND ($2 = 0 OR r.indicator_id = $2) ORDER BY r.as_of, r.id",
        )
        .bind(i64::from(year))
        .bind(indicator.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(report_row).collect()
    }

    pub async fn plan_report(&self, id: i64) -> Result<Option<KeptReport>> {
        let r = sqlx::query("SELECT * FROM plan_reports WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(report_row).transpose()
    }
}

impl WriteTx {
    /// Sets a year's plan and its indicators, all at once: a year planned
    /// already is refused (`Conflict`), its indicators are amended instead.
    pub async fn plan_create(&mut self, plan: &Plan, indicators: &[IndicatorInput], actor: &str) -> Result<()> {
        let now = self.now();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plan_plans WHERE year = $1")
            .bind(i64::from(plan.year))
            .fetch_one(self.conn())
            .await?;
        if n > 0 {
            return Err(StoreError::Conflict("the year's plan"));
        }
        sqlx::query(
            "INSERT INTO plan_plans (year, decision, adopted_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(i64::from(plan.year))
        .bind(&plan.decision)
        .bind(plan.adopted_on.to_string())
        .bind(actor)
        .bind(now)
        .execute(self.conn())
        .await?;
        for (pos, i) in indicators.iter().enumerate() {
            sqlx::query(
                "INSERT INTO plan_indicators (year, position, code, name_vi, name_en, unit, target, direction, agency, \
                 source, course) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(i64::from(plan.year))
            .bind(pos as i64)
            .bind(&i.code)
            .bind(&i.name_vi)
            .bind(&i.name_en)
            .bind(&i.unit)
            .bind(to_micro(i.target))
            .bind(i.direction.as_str())
            .bind(&i.agency)
            .bind(i.source.as_str())
            .bind(course_str(i.course))
            .execute(self.conn())
            .await
            .map_err(crate::unique("an indicator's code"))?;
        }
        self.audit(egov_audit::Event::new(
            actor,
            "plan.created",
            format!("plan:{}", plan.year),
            None::<&()>,
            Some(&serde_json::json!({ "decision": plan.decision, "indicators": indicators })),
        ));
        Ok(())
    }

    /// Changes an indicator's target from a day.
    pub async fn plan_amend(&mut self, indicator: i64, a: &Amendment, actor: &str) -> Result<i64> {
        let now = self.now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_amendments (indicator_id, from_day, target, decision, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(indicator)
        .bind(a.from.to_string())
        .bind(to_micro(a.target))
        .bind(&a.decision)
        .bind(actor)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(
            actor,
            "plan.amended",
            format!("indicator:{indicator}"),
            None::<&()>,
            Some(a),
        ));
        Ok(id)
    }

    /// Records a submitted value with its evidence (already in the blob store).
    pub async fn plan_submit(
        &mut self,
        indicator: i64,
        as_of: NaiveDate,
        value: f64,
        note: &str,
        evidence: &Evidence,
        actor: &str,
    ) -> Result<i64> {
        let now = self.now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_reports (indicator_id, as_of, value, note, evidence_name, evidence_type, evidence_blob_key, \
             evidence_sha256, evidence_size, state, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(indicator)
        .bind(as_of.to_string())
        .bind(to_micro(value))
        .bind(note)
        .bind(&evidence.name)
        .bind(&evidence.content_type)
        .bind(&evidence.key)
        .bind(&evidence.sha256)
        .bind(evidence.size)
        .bind(ReportState::Submitted.as_str())
        .bind(actor)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(
            actor,
            "plan.reported",
            format!("plan_report:{id}"),
            None::<&()>,
            Some(&serde_json::json!({ "indicator": indicator, "as_of": as_of, "value": value, "evidence": evidence.sha256 })),
        ));
        Ok(id)
    }

    /// Approves or returns a submitted value; a value decided already is a
    /// conflict.
    pub async fn plan_decide(&mut self, id: i64, to: ReportState, note: &str, actor: &str) -> Result<()> {
        let now = self.now();
        let n = sqlx::query(
            "UPDATE plan_reports SET state = $2, decided_by = $3, decided_at = $4, decision_note = $5 \
             WHERE id = $1 AND state = $6",
        )
        .bind(id)
        .bind(to.as_str())
        .bind(actor)
        .bind(now)
        .bind(note)
        .bind(ReportState::Submitted.as_str())
        .execute(self.conn())
        .await?
        .rows_affected();
        crate::guarded(n, "the reported value")?;
        self.audit(egov_audit::Event::new(
            actor,
            "plan.decided",
            format!("plan_report:{id}"),
            None::<&()>,
            Some(&serde_json::json!({ "state": to.as_str(), "note": note })),
        ));
        Ok(())
    }

    /// Keeps a day's readings of register figures: `(measure, scope, value)`,
    /// replacing that day's.
    pub async fn plan_keep_readings(&mut self, day: NaiveDate, readings: &[(&str, String, f64)]) -> Result<()> {
        sqlx::query("DELETE FROM plan_readings WHERE day = $1").bind(day.to_string()).execute(self.conn()).await?;
        for (m, scope, v) in readings {
            sqlx::query("INSERT INTO plan_readings (day, measure, scope, value) VALUES ($1, $2, $3, $4)")
                .bind(day.to_string())
                .bind(*m)
                .bind(scope)
                .bind(to_micro(*v))
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }
}

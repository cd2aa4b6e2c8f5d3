//! Information-security incidents (issue 19, part 4): the systems'
//! inventory, the legal bases' rules (a JSON document each, dated),
//! incidents with the systems they affect, their timeline and the reports
//! sent. Every change is audited; the timeline is the incident's own
//! account of it, written in the same transaction.

use chrono::NaiveDate;
use egov_incident::{Harms, InfoSystem, Kind, Phase, Regime, ReportKind, SecurityLevel, Severity};

use crate::{get, Migration, Result, Store, StoreError, WriteTx};

pub const MIGRATIONS: &[Migration] = crate::migrations!("incidents": 27 "0027_incidents", 28 "0028_incident_reports_pdf", 29 "0029_incident_source_once", 30 "0030_incident_unit");

/// A report's document as sent: the PDF, its digest, the signature of the
/// digest and the key that made it (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPdf {
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub signature: Option<String>,
    pub signer_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemRow {
    pub id: i64,
    pub s: InfoSystem,
}

/// Where an incident came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Reported by an agency.
    Report,
    /// Raised from a detection of the anti-malware console.
    Detection,
    /// Raised from an outage of the data network.
    Outage,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Report => "report",
            Source::Detection => "detection",
            Source::Outage => "outage",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        [Source::Report, Source::Detection, Source::Outage].into_iter().find(|x| x.as_str() == s)
    }
}

/// An incident as reported and classified.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewIncident {
    pub agency_id: String,
    /// The administrative unit where it happened (a commune's or the province's code).
    pub unit_code: String,
    pub title: String,
    pub description: String,
    pub kind: Kind,
    pub severity: Severity,
    pub harms: Harms,
    pub beyond_capacity_on: Option<NaiveDate>,
    pub serious: bool,
    pub discovered_at: i64,
    pub systems: Vec<i64>,
    pub source: Source,
    pub source_ref: String,
    /// The legal basis in force on the day of discovery.
    pub regime: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: i64,
    pub n: NewIncident,
    pub phase: Phase,
    pub reported_at: i64,
    pub reported_by: String,
    pub contained_at: Option<i64>,
    pub response_ended_on: Option<NaiveDate>,
    pub closed_at: Option<i64>,
    pub root_cause: String,
    pub lessons: String,
    pub assignee: Option<String>,
}

/// A step of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Action {
    pub at: i64,
    pub actor: String,
    pub what: String,
    pub note: String,
}

/// A report sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReport {
    pub id: i64,
    pub incident_id: Option<i64>,
    pub agency_id: String,
    pub kind: ReportKind,
    pub sent_on: NaiveDate,
    pub sent_at: i64,
    pub sent_by: String,
    pub recipients: Vec<String>,
    pub body: String,
}

fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("a date: {s}")))
}

fn opt_day(s: Option<String>) -> Result<Option<NaiveDate>> {
    s.as_deref().map(day).transpose()
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

fn system(r: &sqlx::any::AnyRow) -> Result<SystemRow> {
    let level = |c: &str| -> Result<Option<SecurityLevel>> {
        Ok(get::<Option<i64>>(r, c)?.and_then(|n| u8::try_from(n).ok()).and_then(SecurityLevel::from_number))
    };
    Ok(SystemRow {
        id: get(r, "id")?,
        s: InfoSystem {
            name: get(r, "name")?,
            owner_agency: get(r, "owner_agency")?,
            operator: get(r, "operator")?,
            proposed_level: level("proposed_level")?.ok_or_else(|| corrupt("a level", "proposed"))?,
            approved_level: level("approved_level")?,
            approval_decision: get(r, "approval_decision")?,
            protection_plan: get(r, "protection_plan")?,
            last_test: opt_day(get(r, "last_test")?)?,
            monitored: get::<i64>(r, "monitored")? != 0,
            national: get::<i64>(r, "national")? != 0,
        },
    })
}

fn incident(r: &sqlx::any::AnyRow, systems: Vec<i64>) -> Result<Incident> {
    let (kind, severity, phase, source, harms): (String, String, String, String, String) =
        (get(r, "kind")?, get(r, "severity")?, get(r, "phase")?, get(r, "source")?, get(r, "harms")?);
    Ok(Incident {
        id: get(r, "id")?,
        n: NewIncident {
            agency_id: get(r, "agency_id")?,
            unit_code: get(r, "unit_code")?,
            title: get(r, "title")?,
            description: get(r, "description")?,
            kind: Kind::parse(&kind).ok_or_else(|| corrupt("a kind", &kind))?,
            severity: Severity::parse(&severity).ok_or_else(|| corrupt("a severity", &severity))?,
            harms: serde_json::from_str(&harms).map_err(|e| corrupt("harms", &e.to_string()))?,
            beyond_capacity_on: opt_day(get(r, "beyond_capacity_on")?)?,
            serious: get::<i64>(r, "serious")? != 0,
            discovered_at: get(r, "discovered_at")?,
            systems,
            source: Source::parse(&source).ok_or_else(|| corrupt("a source", &source))?,
            source_ref: get(r, "source_ref")?,
            regime: get(r, "regime")?,
        },
        phase: Phase::parse(&phase).ok_or_else(|| corrupt("a phase", &phase))?,
        reported_at: get(r, "reported_at")?,
        reported_by: get(r, "reported_by")?,
        contained_at: get(r, "contained_at")?,
        response_ended_on: opt_day(get(r, "response_ended_on")?)?,
        closed_at: get(r, "closed_at")?,
        root_cause: get(r, "root_cause")?,
        lessons: get(r, "lessons")?,
        assignee: get(r, "assignee")?,
    })
}

fn report(r: &sqlx::any::AnyRow) -> Result<SentReport> {
    let kind: String = get(r, "kind")?;
    let recipients: String = get(r, "recipients")?;
    Ok(SentReport {
        id: get(r, "id")?,
        incident_id: get(r, "incident_id")?,
        agency_id: get(r, "agency_id")?,
        kind: ReportKind::parse(&kind).ok_or_else(|| corrupt("a report", &kind))?,
        sent_on: day(&get::<String>(r, "sent_on")?)?,
        sent_at: get(r, "sent_at")?,
        sent_by: get(r, "sent_by")?,
        recipients: serde_json::from_str(&recipients).map_err(|e| corrupt("recipients", &e.to_string()))?,
        body: get(r, "body")?,
    })
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl WriteTx {
    /// Adds a system to the inventory (`id` none) or changes one; its id.
    pub async fn inc_save_system(&mut self, id: Option<i64>, s: &InfoSystem, actor: &str) -> Result<i64> {
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM inc_systems WHERE owner_agency = $1 AND LOWER(name) = LOWER($2)")
                .bind(&s.owner_agency)
                .bind(&s.name)
                .fetch_optional(self.conn())
                .await?;
        if taken.is_some_and(|t| Some(t) != id) {
            return Err(StoreError::Conflict("name"));
        }
        let sql = match id {
            Some(_) => {
                "UPDATE inc_systems SET name = $1, owner_agency = $2, operator = $3, proposed_level = $4, approved_level = $5, \
                 approval_decision = $6, protection_plan = $7, last_test = $8, monitored = $9, national = $10 WHERE id = $11 RETURNING id"
            }
            None => {
                "INSERT INTO inc_systems (name, owner_agency, operator, proposed_level, approved_level, approval_decision, \
                 protection_plan, last_test, monitored, national) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
            }
        };
        let mut q = sqlx::query(sql)
            .bind(&s.name)
            .bind(&s.owner_agency)
            .bind(&s.operator)
            .bind(i64::from(s.proposed_level.number()))
            .bind(s.approved_level.map(|l| i64::from(l.number())))
            .bind(&s.approval_decision)
            .bind(&s.protection_plan)
            .bind(s.last_test.map(|d| d.to_string()))
            .bind(i64::from(s.monitored))
            .bind(i64::from(s.national));
        if let Some(id) = id {
            q = q.bind(id);
        }
        let r = q.fetch_optional(self.conn()).await?.ok_or(StoreError::NotFound)?;
        let id: i64 = get(&r, "id")?;
        self.audit(egov_audit::Event::new(actor, "incidents.system", format!("system:{id}"), None::<&()>, Some(s)));
        Ok(id)
    }

    /// Keeps a legal basis's rules (replacing those of the same code).
    pub async fn inc_save_regime(&mut self, r: &Regime, actor: &str) -> Result<()> {
        let doc = json(r)?;
        sqlx::query(
            "INSERT INTO inc_regimes (code, effective_from, doc) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO UPDATE SET effective_from = excluded.effective_from, doc = excluded.doc",
        )
        .bind(&r.code)
        .bind(r.effective_from.to_string())
        .bind(&doc)
        .execute(self.conn())
        .await?;
        self.audit(egov_audit::Event::new(
            actor,
            "incidents.regime",
            format!("regime:{}", r.code),
            None::<&()>,
            Some(r),
        ));
        Ok(())
    }

    /// Records an incident with the systems it affects and the first step
    /// of its timeline; its id.
    pub async fn inc_create(&mut self, n: &NewIncident, actor: &str) -> Result<i64> {
        let now = self.now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inc_incidents (agency_id, title, description, kind, severity, harms, beyond_capacity_on, serious, phase, \
             discovered_at, reported_at, reported_by, source, source_ref, regime, unit_code) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'reported', $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(&n.agency_id)
        .bind(&n.title)
        .bind(&n.description)
        .bind(n.kind.as_str())
        .bind(n.severity.as_str())
        .bind(json(&n.harms)?)
        .bind(n.beyond_capacity_on.map(|d| d.to_string()))
        .bind(i64::from(n.serious))
        .bind(n.discovered_at)
        .bind(now)
        .bind(actor)
        .bind(n.source.as_str())
        .bind(&n.source_ref)
        .bind(&n.regime)
        .bind(&n.unit_code)
        .fetch_one(self.conn())
        .await?;
        self.inc_set_systems(id, &n.systems).await?;
        self.inc_action(id, actor, "reported", &n.title).await?;
        self.audit(egov_audit::Event::new(actor, "incidents.report", format!("incident:{id}"), None::<&()>, Some(n)));
        Ok(id)
    }

    async fn inc_set_systems(&mut self, id: i64, systems: &[i64]) -> Result<()> {
        sqlx::query("DELETE FROM inc_affected WHERE incident_id = $1").bind(id).execute(self.conn()).await?;
        for s in systems {
            sqlx::query("INSERT INTO inc_affected (incident_id, system_id) VALUES ($1, $2)")
                .bind(id)
                .bind(s)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// A step of an incident's timeline.
    pub async fn inc_action(&mut self, id: i64, actor: &str, what: &str, note: &str) -> Result<()> {
        sqlx::query("INSERT INTO inc_actions (incident_id, at, actor, what, note) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(self.now())
            .bind(actor)
            .bind(what)
            .bind(note)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// An incident, read for a change (in this transaction).
    pub async fn inc_incident(&mut self, id: i64) -> Result<Option<Incident>> {
        let r = sqlx::query("SELECT * FROM inc_incidents WHERE id = $1").bind(id).fetch_optional(self.conn()).await?;
        let Some(r) = r else { return Ok(None) };
        let systems: Vec<i64> =
            sqlx::query_scalar("SELECT system_id FROM inc_affected WHERE incident_id = $1 ORDER BY system_id")
                .bind(id)
                .fetch_all(self.conn())
                .await?;
        incident(&r, systems).map(Some)
    }

    /// The incident raised from a source (`detection:7`, `outage:3`), if one was.
    pub async fn inc_by_source(&mut self, source_ref: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM inc_incidents WHERE source_ref = $1 AND source_ref <> ''")
            .bind(source_ref)
            .fetch_optional(self.conn())
            .await?)
    }

    /// Keeps an incident's classification and response as the caller
    /// decided them (checked by the domain), with a step of its timeline.
    pub async fn inc_update(
        &mut self,
        before: &Incident,
        after: &Incident,
        actor: &str,
        what: &str,
        note: &str,
    ) -> Result<()> {
        let a = after;
        let n = sqlx::query(
            "UPDATE inc_incidents SET title = $3, description = $4, kind = $5, severity = $6, harms = $7, beyond_capacity_on = $8, \
             serious = $9, phase = $10, contained_at = $11, response_ended_on = $12, closed_at = $13, root_cause = $14, \
             lessons = $15, assignee = $16 WHERE id = $1 AND phase = $2",
        )
        .bind(a.id)
        .bind(before.phase.as_str())
        .bind(&a.n.title)
        .bind(&a.n.description)
        .bind(a.n.kind.as_str())
        .bind(a.n.severity.as_str())
        .bind(json(&a.n.harms)?)
        .bind(a.n.beyond_capacity_on.map(|d| d.to_string()))
        .bind(i64::from(a.n.serious))
        .bind(a.phase.as_str())
        .bind(a.contained_at)
        .bind(a.response_ended_on.map(|d| d.to_string()))
        .bind(a.closed_at)
        .bind(&a.root_cause)
        .bind(&a.lessons)
        .bind(&a.assignee)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("phase"));
        }
        if a.n.systems != before.n.systems {
            self.inc_set_systems(a.id, &a.n.systems).await?;
        }
        self.inc_action(a.id, actor, what, note).await?;
        let after =
            serde_json::json!({ "what": what, "phase": a.phase.as_str(), "serious": a.n.serious, "note": note });
        self.audit(egov_audit::Event::new(
            actor,
            "incidents.update",
            format!("incident:{}", a.id),
            Some(&before.phase.as_str()),
            Some(&after),
        ));
        Ok(())
    }

    /// Records a report as sent today (an incident's, or the periodic one); its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn inc_send_report(
        &mut self,
        incident: Option<i64>,
        agency: &str,
        kind: ReportKind,
        sent_on: NaiveDate,
        recipients: &[String],
        body: &str,
        pdf: &SignedPdf,
        actor: &str,
    ) -> Result<i64> {
        use base64::Engine;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inc_reports (incident_id, agency_id, kind, sent_on, sent_at, sent_by, recipients, body, pdf, pdf_sha256, \
             signature, signer_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(incident)
        .bind(agency)
        .bind(kind.as_str())
        .bind(sent_on.to_string())
        .bind(self.now())
        .bind(actor)
        .bind(json(&recipients)?)
        .bind(body)
        .bind(base64::engine::general_purpose::STANDARD.encode(&pdf.pdf))
        .bind(&pdf.sha256)
        .bind(&pdf.signature)
        .bind(&pdf.signer_key)
        .fetch_one(self.conn())
        .await?;
        if let Some(i) = incident {
            self.inc_action(i, actor, &format!("report:{}", kind.as_str()), "").await?;
        }
        let after = serde_json::json!({ "incident": incident, "agency": agency, "kind": kind.as_str(), "sent_on": sent_on.to_string(),
            "sha256": pdf.sha256, "signature": pdf.signature });
        self.audit(egov_audit::Event::new(actor, "incidents.send", format!("report:{id}"), None::<&()>, Some(&after)));
        Ok(id)
    }
}

impl Store {
    /// Systems (of one agency, or all), by agency and name.
    pub async fn inc_systems(&self, agency: Option<&str>) -> Result<Vec<SystemRow>> {
        let rows =
            sqlx::query("SELECT * FROM inc_systems WHERE ($1 = '' OR owner_agency = $1) ORDER BY owner_agency, name")
                .bind(agency.unwrap_or(""))
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(system).collect()
    }

    pub async fn inc_system(&self, id: i64) -> Result<Option<SystemRow>> {
        let r = sqlx::query("SELECT * FROM inc_systems WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        r.as_ref().map(system).transpose()
    }

    /// Every legal basis's rules.
    pub async fn inc_regimes(&self) -> Result<Vec<Regime>> {
        let docs: Vec<String> =
            sqlx::query_scalar("SELECT doc FROM inc_regimes ORDER BY effective_from").fetch_all(&self.pool).await?;
        docs.iter().map(|d| serde_json::from_str(d).map_err(|e| corrupt("a regime", &e.to_string()))).collect()
    }

    /// Incidents (of one agency, or all) discovered in `[from, to)`, newest first.
    pub async fn inc_incidents(&self, agency: Option<&str>, from: i64, to: i64) -> Result<Vec<Incident>> {
        let rows = sqlx::query(
            "SELECT * FROM inc_incidents WHERE ($1 = '' OR agency_id = $1) AND discovered_at >= $2 AND discovered_at < $3 \
             ORDER BY discovered_at DESC, id DESC",
        )
        .bind(agency.unwrap_or(""))
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let affected = sqlx::query("SELECT incident_id, system_id FROM inc_affected ORDER BY system_id")
            .fetch_all(&self.pool)
            .await?;
        let mut by: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for a in &affected {
            by.entry(get(a, "incident_id")?).or_default().push(get(a, "system_id")?);
        }
        rows.iter().map(|r| incident(r, by.remove(&get::<i64>(r, "id")?).unwrap_or_default())).collect()
    }

    pub async fn inc_incident(&self, id: i64) -> Result<Option<Incident>> {
        let r = sqlx::query("SELECT * FROM inc_incidents WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let Some(r) = r else { return Ok(None) };
        let systems: Vec<i64> =
            sqlx::query_scalar("SELECT system_id FROM inc_affected WHERE incident_id = $1 ORDER BY system_id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        incident(&r, systems).map(Some)
    }

    /// An incident's timeline, oldest first.
    pub async fn inc_actions(&self, id: i64) -> Result<Vec<Action>> {
        let rows = sqlx::query("SELECT * FROM inc_actions WHERE incident_id = $1 ORDER BY at, id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Action { at: get(r, "at")?, actor: get(r, "actor")?, what: get(r, "what")?, note: get(r, "note")? })
            })
            .collect()
    }

    /// A report's document as sent, with its incident and agency.
    pub async fn inc_report_pdf(&self, id: i64) -> Result<Option<(Option<i64>, String, SignedPdf)>> {
        use base64::Engine;
        let r = sqlx::query(
            "SELECT incident_id, agency_id, pdf, pdf_sha256, signature, signer_key FROM inc_reports WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let pdf: Option<String> = get(&r, "pdf")?;
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(pdf.unwrap_or_default())
            .map_err(|e| corrupt("a report's PDF", &e.to_string()))?;
        Ok(Some((
            get(&r, "incident_id")?,
            get(&r, "agency_id")?,
            SignedPdf {
                pdf,
                sha256: get::<Option<String>>(&r, "pdf_sha256")?.unwrap_or_default(),
                signature: get(&r, "signature")?,
                signer_key: get(&r, "signer_key")?,
            },
        )))
    }

    /// Reports sent: an incident's, or (none) an agency's periodic ones.
    pub async fn inc_reports(&self, incident: Option<i64>, agency: &str) -> Result<Vec<SentReport>> {
        let rows = match incident {
            Some(i) => {
                sqlx::query("SELECT * FROM inc_reports WHERE incident_id = $1 ORDER BY sent_at, id")
                    .bind(i)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(
                    "SELECT * FROM inc_reports WHERE incident_id IS NULL AND agency_id = $1 ORDER BY sent_at, id",
                )
                .bind(agency)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(report).collect()
    }
}

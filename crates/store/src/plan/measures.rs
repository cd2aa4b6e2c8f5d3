//! What the plan's measured figures count, read from the tables of the
//! modules that keep the records: serious incidents, news articles
//! published, press conferences held, gateway exchanges and published
//! services, radio stations in service, the machines' daily coverage, the
//! dossiers of Decision 766's shares. Each list is of the records a figure
//! counts (its drill-down), never a copy of them.

use chrono::NaiveDate;
use egov_plan::{from_micro, Measure};

use crate::{get, Result, Store};

/// A record a figure counts: its kind's number, words for it, the agency
/// (and commune's unit, where it has one) it belongs to, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Counted {
    pub id: String,
    pub label: String,
    pub agency: String,
    pub unit: String,
    /// Its instant (micros), where the figure counts it by time.
    pub at: Option<i64>,
}

fn counted(r: &sqlx::any::AnyRow, at: bool) -> Result<Counted> {
    let id: i64 = get(r, "id")?;
    Ok(Counted {
        id: id.to_string(),
        label: get(r, "label")?,
        agency: get(r, "agency")?,
        unit: get(r, "unit")?,
        at: if at { Some(get(r, "at")?) } else { None },
    })
}

/// The dossiers' flag a 766 share counts (the numerator), or all counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DossierFlag {
    Counted,
    Online,
    OnTime,
    PaidOnline,
    Digitised,
}

impl DossierFlag {
    fn column(self) -> &'static str {
        match self {
            DossierFlag::Counted => "counted",
            DossierFlag::Online => "online",
            DossierFlag::OnTime => "on_time",
            DossierFlag::PaidOnline => "paid_online",
            DossierFlag::Digitised => "digitised",
        }
    }
}

impl Store {
    /// Serious incidents discovered in `[from, to)` (micros).
    pub async fn plan_serious_incidents(&self, from: i64, to: i64) -> Result<Vec<Counted>> {
        let rows = sqlx::query(
            "SELECT id, title AS label, agency_id AS agency, '' AS unit, discovered_at AS at FROM inc_incidents \
             WHERE serious = 1 AND discovered_at >= $1 AND discovered_at < $2 ORDER BY discovered_at, id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| counted(r, true)).collect()
    }

    /// News articles first published in `[from, to)`: published now, with
    /// their publication instant in the period.
    pub async fn plan_articles(&self, from: i64, to: i64) -> Result<Vec<Counted>> {
        let rows = sqlx::query(
            "SELECT id, title AS label, agency_code AS agency, '' AS unit, publish_at AS at FROM news_articles \
             WHERE state = $3 AND publish_at >= $1 AND publish_at < $2 ORDER BY publish_at, id",
        )
        .bind(from)
        .bind(to)
        .bind(egov_news::State::Published.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| counted(r, true)).collect()
    }

    /// Press conferences held in `[from, to)`.
    pub async fn plan_conferences(&self, from: i64, to: i64) -> Result<Vec<Counted>> {
        let rows = sqlx::query(
            "SELECT id, subject AS label, agency_code AS agency, '' AS unit, done_at AS at FROM news_press_entries \
             WHERE kind = $3 AND done_at IS NOT NULL AND done_at >= $1 AND done_at < $2 \
             ORDER BY done_at, id",
        )
        .bind(from)
        .bind(to)
        .bind(egov_news::press_info::Kind::Conference.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| counted(r, true)).collect()
    }

    /// Exchanges through the gateway begun in `[from, to)`.
    pub async fn plan_exchanges(&self, from: i64, to: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM gw_log WHERE started_at >= $1 AND started_at < $2")
            .bind(from)
            .bind(to)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Services published today: those of approved subsystems.
    pub async fn plan_services(&self) -> Result<Vec<Counted>> {
        let rows = sqlx::query(
            "SELECT s.id, s.code AS label, COALESCE(b.agency_id, '') AS agency, '' AS unit FROM gw_services s \
             JOIN gw_subsystems b ON b.id = s.subsystem_id WHERE b.state = $1 ORDER BY s.id",
        )
        .bind(egov_gateway::SubsystemState::Approved.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| counted(r, false)).collect()
    }

    /// Radio stations in service today (of one kind: `Some`), with their
    /// commune's code as recorded.
    pub async fn plan_stations(&self, kind: Option<&str>) -> Result<Vec<Counted>> {
        let rows = sqlx::query(
            "SELECT id, name AS label, '' AS agency, unit_code AS unit FROM radio_stations \
             WHERE status = $2 AND ($1 = '' OR kind = $1) ORDER BY unit_code, id",
        )
        .bind(kind.unwrap_or(""))
        .bind(egov_radio::StationStatus::Operating.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| counted(r, false)).collect()
    }

    /// Each agency's machines and those covered on the last day kept from
    /// `from` to `to` (inclusive): that day, and `(agency, machines, covered)`.
    pub async fn plan_coverage(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<(NaiveDate, Vec<(String, i64, i64)>)>> {
        let day: Option<String> =
            sqlx::query_scalar("SELECT MAX(day) FROM pr_coverage_days WHERE day >= $1 AND day <= $2")
                .bind(from.to_string())
                .bind(to.to_string())
                .fetch_one(&self.pool)
                .await?;
        let Some(day) = day else { return Ok(None) };
        let rows =
            sqlx::query("SELECT agency_id, machines, covered FROM pr_coverage_days WHERE day = $1 ORDER BY agency_id")
                .bind(&day)
                .fetch_all(&self.pool)
                .await?;
        let lines = rows
            .iter()
            .map(|r| Ok((get(r, "agency_id")?, get(r, "machines")?, get(r, "covered")?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some((crate::date(&day)?, lines)))
    }

    /// The dossiers received from `from` to `to` (inclusive days) a 766
    /// share counts (kept ones; of an agency: `Some`): the first `limit` by
    /// code, and how many.
    pub async fn plan_dossiers(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        flag: DossierFlag,
        agency: Option<&str>,
        limit: i64,
    ) -> Result<(Vec<Counted>, i64)> {
        let (lo, hi) = (crate::quality::day_key(from), crate::quality::day_key(to));
        let cond = format!(
            "FROM dossier_quality WHERE day >= $1 AND day <= $2 AND counted = 1 AND {} = 1 AND ($3 = '' OR agency = $3)",
            flag.column()
        );
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {cond}"))
            .bind(lo)
            .bind(hi)
            .bind(agency.unwrap_or(""))
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT dossier_id AS id, code AS label, agency, '' AS unit {cond} ORDER BY code LIMIT $4"
        ))
        .bind(lo)
        .bind(hi)
        .bind(agency.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok((rows.iter().map(|r| counted(r, false)).collect::<Result<_>>()?, total))
    }

    /// The last reading of a register figure kept from `from` to `to`
    /// (inclusive), of a scope (`""`: the province): by scope.
    pub async fn plan_readings(&self, m: Measure, from: NaiveDate, to: NaiveDate) -> Result<Vec<(String, f64)>> {
        let rows = sqlx::query(
            "SELECT r.scope, r.value FROM plan_readings r WHERE r.measure = $1 AND r.day = \
             (SELECT MAX(day) FROM plan_readings WHERE measure = $1 AND day >= $2 AND day <= $3)",
        )
        .bind(m.as_str())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((get(r, "scope")?, from_micro(get(r, "value")?)))).collect()
    }
}

//! What the service-quality index reads, and the sums it keeps.
//!
//! Each dossier's share of the index ([`Tally`]) is computed by
//! `egov-quality` from its history. A kept dossier's share is a row of
//! `dossier_quality`, added into `quality_daily` under (day of receipt,
//! agency, procedure, officer); each write to the dossier takes its old
//! share away and adds the new one in the same transaction ([`refresh`],
//! called by [`crate::WriteTx::commit`]). An open dossier whose clock runs is
//! kept as on time with the instant it stops being so; readers take away
//! those past it. Dossiers not kept yet are counted from their histories.
//! [`Source::Scratch`] counts every dossier from its history instead: the
//! two must always agree, and the tests check that they do.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use egov_dossier::{Dossier, Status};
use egov_quality::{facts, standing, timeliness, DossierFacts, Record, Standing, Step, Tally, Timeliness};

use egov_dossier::EventKind;
use egov_identity::UserId;

use crate::{get, Migration, Result, Store, StoreError, WriteTx};

mod late;

pub const MIGRATIONS: &[Migration] = crate::migrations!("quality":
    11 "0011_quality", 12 "0012_quality_indexes", 13 "0013_late_by_day", 14 "0014_late_each_day", 44 "0044_quality_reuse");

/// A dossier as the index sees it.
#[derive(Debug, Clone)]
pub struct QualityRow {
    pub id: i64,
    pub code: String,
    pub procedure_code: String,
    pub receiving_agency: String,
    /// When it was received (microseconds).
    pub received_at: i64,
    pub state: Dossier,
    /// Document parts attached as files.
    pub part_files: i64,
    /// Of those, digitised: checked against the original by an official,
    /// or taken from the citizen's store.
    pub digitised_parts: i64,
    /// Of those, taken from the citizen's store.
    pub reused_parts: i64,
    /// Its fees paid online (and not refunded).
    pub fees_paid_online: i64,
    pub rating_total: Option<i64>,
    /// (when, action, status after, due after), in order.
    pub steps: Vec<(i64, EventKind, Status, Option<NaiveDateTime>)>,
}

/// Vietnam's local time of an instant in microseconds.
pub fn vn_time(micros: i64) -> NaiveDateTime {
    egov_kernel::vn::from_micros(micros).unwrap_or_default()
}

/// A day as the sums key it: yyyymmdd.
pub fn day_key(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

impl QualityRow {
    /// Its facts for the index; `None` if it was never submitted.
    pub fn facts(&self) -> Option<DossierFacts> {
        let record = Record {
            online: self.state.channel == egov_dossier::Channel::Online,
            digitised_inputs: self.part_files > 0 && self.digitised_parts == self.part_files,
            reused: self.reused_parts > 0,
            electronic_result: self.state.result.is_some_and(|x| x.electronic),
            // a fee paid without coming to the desk (a bank transfer, a payment gateway)
            paid_online: self.fees_paid_online > 0,
            rating_total: self.rating_total.and_then(|t| u32::try_from(t).ok()),
        };
        let steps: Vec<Step> = self
            .steps
            .iter()
            .map(|(at, action, to, due)| Step { at: vn_time(*at), action: *action, to: *to, due: *due })
            .collect();
        facts(&record, &steps)
    }

    /// The day of receipt (yyyymmdd, Vietnam's time).
    pub fn day(&self) -> i64 {
        day_key(vn_time(self.received_at).date())
    }

    fn month(&self) -> i64 {
        self.day() / 100
    }
}

/// What the sums are read by: month of receipt (yyyymm) and receiving agency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TallyKey {
    pub month: i64,
    pub agency: String,
}

/// A dossier that missed its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateDossier {
    pub code: String,
    pub agency: String,
    /// How late, in minutes (0 when late by rule: more than one supplement request).
    pub minutes: i64,
    pub appointment: Option<NaiveDateTime>,
}

/// A period's shares by month and agency, by agency and officer, and its
/// late dossiers (the most late first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QualityView {
    pub tallies: BTreeMap<TallyKey, Tally>,
    /// The shares of each officer (the one a dossier is assigned to) of each
    /// agency, over the period; only when no procedure is singled out.
    pub officers: BTreeMap<(String, i64), Tally>,
    /// The most late of the scope's late dossiers, at most the limit asked.
    pub late: Vec<LateDossier>,
    /// How many of the scope's dossiers are late.
    pub late_total: i64,
}

/// How to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The kept sums, and the open dossiers from their histories.
    Kept,
    /// Every dossier from its history (the reference the sums must equal).
    Scratch,
}

/// What to count: the days of receipt (included), and optionally only some
/// procedures; the late list only for some agencies.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub procedures: Option<&'a [String]>,
    pub late_agencies: Option<&'a [String]>,
    pub late_limit: usize,
    /// How the late-for-good list is read; every way gives the same list.
    pub late_read: LateRead,
}

/// How the list of the most late (late for good) is read: each way reads
/// fewer rows for some periods (see BENCHMARKS.md), and all give the same
/// list, which the tests check way by way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateRead {
    /// `EachDay` for a short period, else `All` if the period holds at most
    /// `Scope::FEW_LATE` of them, else `Walk`.
    Auto,
    /// Each day's most late, merged (an index by day and lateness): at most
    /// the limit from each day.
    EachDay,
    /// All of the period's, sorted.
    All,
    /// The index by lateness walked until enough are in the period: short
    /// for a long period, far for a recent short one (its dossiers are the
    /// least late).
    Walk,
}

impl Scope<'_> {
    /// Up to how many rows `LateRead::Auto` reads day by day, or reads all
    /// of the period's and sorts.
    pub const FEW_LATE: i64 = 10_000;

    /// The whole province, from `from` to `to` (included), the 100 most late.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Scope { from, to, procedures: None, late_agencies: None, late_limit: 100, late_read: LateRead::Auto }
    }
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

use egov_kernel::vn::day_start_micros;

/// The columns of a [`QualityRow`]: the dossier, its parts (checked,
/// reused), its fees paid online as the domain says (`Method::online`).
fn row_cols() -> String {
    use egov_payments::payment::{Method, State};
    let online: Vec<String> =
        Method::ALL.into_iter().filter(|m| m.online()).map(|m| format!("'{}'", m.as_str())).collect();
    format!(
        "d.id, d.code, d.procedure_code, d.receiving_agency, d.received_at, d.state, \
         (SELECT COUNT(*) FROM dossier_files f WHERE f.dossier_id = d.id AND f.purpose = 'part') AS part_files, \
         (SELECT COUNT(*) FROM dossier_files f WHERE f.dossier_id = d.id AND f.purpose = 'part' \
          AND (f.digitised_at IS NOT NULL OR f.reused_from IS NOT NULL)) AS digitised_parts, \
         (SELECT COUNT(*) FROM dossier_files f WHERE f.dossier_id = d.id AND f.purpose = 'part' \
          AND f.reused_from IS NOT NULL) AS reused_parts, \
         (SELECT COUNT(*) FROM payment_requests p WHERE p.dossier_id = d.id AND p.state = '{}' \
          AND p.method IN ({})) AS fees_paid_online, \
         (SELECT MAX(r.total) FROM ratings r WHERE r.dossier_id = d.id) AS rating_total",
        State::Paid.as_str(),
        online.join(", ")
    )
}

const TALLY_COLS: [&str; 11] = [
    "counted",
    "on_time",
    "finished",
    "minutes",
    "online",
    "paid_online",
    "digitised",
    "reused",
    "complaints",
    "rated",
    "rating_sum",
];

fn tally_values(t: &Tally) -> [i64; 11] {
    [
        t.counted,
        t.on_time,
        t.finished,
        t.minutes,
        t.online,
        t.paid_online,
        t.digitised,
        t.reused,
        t.complaints,
        t.rated,
        t.rating_sum,
    ]
}

fn tally_of(r: &sqlx::any::AnyRow) -> Result<Tally> {
    let v = |c: &str| get::<i64>(r, c);
    Ok(Tally {
        counted: v("counted")?,
        on_time: v("on_time")?,
        finished: v("finished")?,
        minutes: v("minutes")?,
        online: v("online")?,
        paid_online: v("paid_online")?,
        digitised: v("digitised")?,
        reused: v("reused")?,
        complaints: v("complaints")?,
        rated: v("rated")?,
        rating_sum: v("rating_sum")?,
    })
}

/// Reads dossier rows (chosen by `filter`, binding `binds` from `$1`) with
/// their histories: two queries whatever their number.
async fn read_rows(conn: &mut sqlx::AnyConnection, filter: &str, binds: &[i64]) -> Result<Vec<QualityRow>> {
    let sql = format!("SELECT {} FROM dossiers d WHERE {filter} ORDER BY d.id", row_cols());
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(*b);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut out: Vec<QualityRow> = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(QualityRow {
            id: get(r, "id")?,
            code: get(r, "code")?,
            procedure_code: get(r, "procedure_code")?,
            receiving_agency: get(r, "receiving_agency")?,
            received_at: get(r, "received_at")?,
            state: serde_json::from_str(&get::<String>(r, "state")?).map_err(corrupt)?,
            part_files: get(r, "part_files")?,
            digitised_parts: get(r, "digitised_parts")?,
            reused_parts: get(r, "reused_parts")?,
            fees_paid_online: get(r, "fees_paid_online")?,
            rating_total: get(r, "rating_total")?,
            steps: Vec::new(),
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT e.dossier_id, e.at, e.action, e.to_status, e.due FROM dossier_events e \
         JOIN dossiers d ON d.id = e.dossier_id WHERE {filter} ORDER BY e.dossier_id, e.id"
    );
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(*b);
    }
    let events = q.fetch_all(&mut *conn).await?;
    let mut i = 0;
    for e in &events {
        let id: i64 = get(e, "dossier_id")?;
        while i < out.len() && out[i].id < id {
            i += 1;
        }
        let Some(row) = out.get_mut(i).filter(|r| r.id == id) else { continue };
        let to: String = get(e, "to_status")?;
        let due: Option<String> = get(e, "due")?;
        row.steps.push((
            get(e, "at")?,
            crate::dossier::event_kind(&get::<String>(e, "action")?)?,
            crate::dossier::status(&to)?,
            due.map(|d| NaiveDateTime::parse_from_str(&d, "%Y-%m-%d %H:%M")).transpose().map_err(corrupt)?,
        ));
    }
    Ok(out)
}

/// Adds rows' shares at `now` into a view, and their late dossiers.
fn count_rows(view: &mut QualityView, rows: &[QualityRow], scope: &Scope<'_>, now: NaiveDateTime) {
    for r in rows {
        if scope.procedures.is_some_and(|ps| !ps.contains(&r.procedure_code)) {
            continue;
        }
        let Some(f) = r.facts() else { continue };
        let share = Tally::of(&f, now);
        *view.tallies.entry(TallyKey { month: r.month(), agency: r.receiving_agency.clone() }).or_default() += share;
        if let (Some(officer), None) = (r.state.assignee.map(UserId::get).filter(|o| *o != 0), scope.procedures) {
            *view.officers.entry((r.receiving_agency.clone(), officer)).or_default() += share;
        }
        if let Timeliness::Late { by } = timeliness(&f, now) {
            if scope.late_agencies.is_none_or(|a| a.contains(&r.receiving_agency)) {
                view.late_total += 1;
                view.late.push(LateDossier {
                    code: r.code.clone(),
                    agency: r.receiving_agency.clone(),
                    minutes: by.num_minutes(),
                    appointment: f.appointment,
                });
            }
        }
    }
}

/// Both ways end alike: no empty shares (a withdrawn dossier's), the most
/// late first and at most `limit` of them.
fn finish(view: &mut QualityView, limit: usize) {
    view.tallies.retain(|_, t| *t != Tally::default());
    view.officers.retain(|_, t| *t != Tally::default());
    view.late.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.code.cmp(&b.code)));
    // (a dossier read twice, at the edge of a list, is read alike)
    view.late.dedup_by(|a, b| a.code == b.code);
    view.late.truncate(limit);
}

/// A period as the sums hold it: whole months, and the days before and
/// after them.
struct Grains {
    months: (i64, i64),
    days: [(i64, i64); 2],
}

impl Grains {
    const NONE: (i64, i64) = (1, 0);

    fn of(from: NaiveDate, to: NaiveDate) -> Grains {
        let first_of = |d: NaiveDate| d.with_day(1).unwrap_or(d);
        let next_month = |d: NaiveDate| first_of(first_of(d) + chrono::Duration::days(32));
        // the first whole month starts on or after `from`; the last ends on or before `to`
        let m1 = if from.day() == 1 { from } else { next_month(from) };
        let after_to = to.succ_opt().unwrap_or(to);
        let m2_end = first_of(after_to); // the day after the last whole month
        if m1 >= m2_end {
            return Grains { months: Grains::NONE, days: [(day_key(from), day_key(to)), Grains::NONE] };
        }
        let last_whole = m2_end.pred_opt().unwrap_or(m2_end);
        let before = if from < m1 { (day_key(from), day_key(m1.pred_opt().unwrap_or(m1))) } else { Grains::NONE };
        let after = if m2_end <= to { (day_key(m2_end), day_key(to)) } else { Grains::NONE };
        Grains { months: (day_key(m1) / 100, day_key(last_whole) / 100), days: [before, after] }
    }

    /// The ranges of `quality_sums` that make up the period: grain, first and last period.
    fn ranges(&self) -> Vec<(&'static str, (i64, i64))> {
        [("m", self.months), ("d", self.days[0]), ("d", self.days[1])]
            .into_iter()
            .filter(|(_, (a, b))| a <= b)
            .collect()
    }
}

/// A naive (Vietnam's) time as microseconds, as `running_until` holds it.
fn naive_micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

/// A query with the days (`$1`, `$2`), the time (`$3`) and texts from `$4`.
fn bind<'q>(
    sql: &'q str,
    days: (i64, i64),
    now: i64,
    texts: &[&[String]],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql).bind(days.0).bind(days.1).bind(now);
    for t in texts.iter().flat_map(|t| t.iter()) {
        q = q.bind(t.clone());
    }
    q
}

/// The condition that keeps only some procedures (`None`: all), `column`
/// holding a dossier's; their codes are bound from `$4`.
fn procedure_filter(procedures: Option<&[String]>, column: &str) -> String {
    match procedures {
        Some([]) => " AND 1 = 0".to_string(),
        Some(p) => format!(" AND {column} IN ({})", in_list(4, p.len())),
        None => String::new(),
    }
}

/// A late dossier from its kept row, at `now`.
fn late_row(r: &sqlx::any::AnyRow, now: i64) -> Result<LateDossier> {
    let appointment: Option<String> = get(r, "appointment")?;
    let late: Option<i64> = get(r, "late_minutes")?;
    let until: Option<i64> = get(r, "running_until")?;
    let minutes = match (late, until) {
        (Some(m), _) => m,
        (None, Some(u)) => (now - u).max(0) / 60_000_000,
        (None, None) => 0,
    };
    Ok(LateDossier {
        code: get(r, "code")?,
        agency: get(r, "agency")?,
        minutes,
        appointment: appointment
            .map(|d| NaiveDateTime::parse_from_str(&d, "%Y-%m-%d %H:%M"))
            .transpose()
            .map_err(corrupt)?,
    })
}

/// `IN ($n, …)` for `count` parameters numbered from `$first`.
fn in_list(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// A period's shares of the index and its late dossiers, counted from
    /// the kept sums or from scratch; both give the same answer.
    pub async fn quality_view(&self, scope: &Scope<'_>, now: NaiveDateTime, source: Source) -> Result<QualityView> {
        let (start, end) = (
            day_start_micros(scope.from),
            day_start_micros(scope.to.succ_opt().ok_or_else(|| corrupt("end of time"))?),
        );
        let mut view = QualityView::default();
        let mut conn = self.pool.acquire().await?;
        let received = "d.code IS NOT NULL AND d.received_at >= $1 AND d.received_at < $2";
        if source == Source::Scratch {
            let rows = read_rows(&mut conn, received, &[start, end]).await?;
            count_rows(&mut view, &rows, scope, now);
            finish(&mut view, scope.late_limit);
            return Ok(view);
        }
        // The dossiers not kept yet, from their histories.
        let rows = read_rows(&mut conn, &format!("d.kept = 0 AND {received}"), &[start, end]).await?;
        count_rows(&mut view, &rows, scope, now);
        // The kept ones: their sums (whole months, and the days at the
        // edges), less the running ones now past their deadline.
        let now_us = naive_micros(now);
        let days = (day_key(scope.from), day_key(scope.to));
        let procs: &[String] = scope.procedures.unwrap_or(&[]);
        let proc_filter = procedure_filter(scope.procedures, "procedure_code");
        let grains = Grains::of(scope.from, scope.to);
        let sums: Vec<String> = TALLY_COLS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect();
        let sums = sums.join(", ");
        let which = match scope.procedures {
            Some(_) => format!("procedure_code <> ''{proc_filter}"),
            None => "procedure_code = ''".to_string(),
        };
        // Each range of months or days in one index range: the agencies'
        // totals by month, and (no procedure singled out) the officers'.
        for (grain, (lo, hi)) in grains.ranges() {
            let month = if grain == "m" { "period" } else { "period / 100" };
            let range =
                format!("grain = '{grain}' AND period >= {lo} AND period <= {hi} AND $1 = $1 AND $2 = $2 AND $3 = $3");
            let sql = format!(
                "SELECT {month} AS month, agency, {sums} FROM quality_sums \
                 WHERE {which} AND officer = 0 AND {range} GROUP BY {month}, agency"
            );
            for r in bind(&sql, days, now_us, &[procs]).fetch_all(&mut *conn).await? {
                let key = TallyKey { month: get(&r, "month")?, agency: get(&r, "agency")? };
                *view.tallies.entry(key).or_default() += tally_of(&r)?;
            }
            if scope.procedures.is_none() {
                let sql = format!(
                    "SELECT agency, officer, {sums} FROM quality_sums \
                     WHERE procedure_code = '' AND officer <> 0 AND {range} GROUP BY agency, officer"
                );
                for r in bind(&sql, days, now_us, &[]).fetch_all(&mut *conn).await? {
                    *view.officers.entry((get(&r, "agency")?, get(&r, "officer")?)).or_default() += tally_of(&r)?;
                }
            }
        }
        let sql = format!(
            "SELECT day / 100 AS month, agency, officer, COUNT(*) AS n FROM dossier_quality \
             WHERE running_until IS NOT NULL AND running_until < $3 AND on_time = 1 \
             AND day >= $1 AND day <= $2{proc_filter} GROUP BY day / 100, agency, officer"
        );
        for r in bind(&sql, days, now_us, &[procs]).fetch_all(&mut *conn).await? {
            let (month, agency, officer): (i64, String, i64) =
                (get(&r, "month")?, get(&r, "agency")?, get(&r, "officer")?);
            let n: i64 = get(&r, "n")?;
            if officer != 0 && scope.procedures.is_none() {
                view.officers.entry((agency.clone(), officer)).or_default().on_time -= n;
            }
            view.tallies.entry(TallyKey { month, agency }).or_default().on_time -= n;
        }
        // How many are late: the scope's dossiers not on time.
        view.late_total = view
            .tallies
            .iter()
            .filter(|(k, _)| scope.late_agencies.is_none_or(|a| a.contains(&k.agency)))
            .map(|(_, t)| t.late())
            .sum::<i64>();
        // The most late, from three lists each in the order of lateness:
        // late for good, running past the deadline, late by rule and not yet
        // past it; for some agencies, each agency's lists (each in the order
        // of an index), merged.
        let one_each: Vec<Option<&String>> = match scope.late_agencies {
            Some(a) => a.iter().map(Some).collect(),
            None => vec![None],
        };
        // none asked (the plan's figures): no list read
        for agency in one_each.into_iter().filter(|_| scope.late_limit > 0) {
            self.late_lists(&mut conn, &mut view, scope, agency, now_us).await?;
        }
        finish(&mut view, scope.late_limit);
        Ok(view)
    }

    /// Keeps in the sums up to `max` dossiers not kept yet (new
    /// submissions before their first action); returns how many.
    pub async fn keep_pending(&self, max: usize) -> Result<usize> {
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM dossiers WHERE kept = 0 AND code IS NOT NULL ORDER BY received_at LIMIT {}",
            max.max(1)
        ))
        .fetch_all(&self.pool)
        .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let mut w = self.begin_write().await?;
        w.touch(&ids);
        w.commit().await?;
        Ok(ids.len())
    }

    /// The kept sums, row by row without the empty ones: (grain, period,
    /// agency, procedure, officer) and the sums. For checks.
    pub async fn quality_sums(&self) -> Result<Vec<(SumsKey, Tally)>> {
        let rows = sqlx::query(&format!(
            "SELECT grain, period, agency, procedure_code, officer, {} FROM quality_sums \
             ORDER BY grain, period, agency, procedure_code, officer",
            TALLY_COLS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let t = tally_of(r)?;
            if t != Tally::default() {
                out.push((
                    (
                        get(r, "grain")?,
                        get(r, "period")?,
                        get(r, "agency")?,
                        get(r, "procedure_code")?,
                        get(r, "officer")?,
                    ),
                    t,
                ));
            }
        }
        Ok(out)
    }

    /// Recomputes the kept sums from the dossiers' histories, `batch`
    /// dossiers a transaction. Correct while it runs: a dossier not kept
    /// again yet is counted from its history.
    pub async fn rebuild_quality(&self, batch: usize) -> Result<u64> {
        let mut w = self.begin_write().await?;
        for sql in
            ["DELETE FROM quality_sums", "DELETE FROM dossier_quality", "UPDATE dossiers SET kept = 0 WHERE kept <> 0"]
        {
            sqlx::query(sql).execute(w.conn()).await?;
        }
        w.commit().await?;
        let mut after = 0i64;
        let mut done = 0u64;
        loop {
            let ids: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT id FROM dossiers WHERE id > $1 AND code IS NOT NULL ORDER BY id LIMIT {}",
                batch.max(1)
            ))
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = ids.last().copied() else { break };
            let mut w = self.begin_write().await?;
            w.touch(&ids);
            w.commit().await?;
            done += ids.len() as u64;
            after = last;
        }
        Ok(done)
    }
}

/// A dossier's kept share.
struct Share {
    dossier_id: i64,
    code: String,
    day: i64,
    agency: String,
    procedure: String,
    officer: i64,
    late_minutes: Option<i64>,
    running_until: Option<i64>,
    appointment: Option<String>,
    tally: Tally,
}

/// A row of the sums: grain, period, agency, procedure, officer.
pub type SumsKey = (String, i64, String, String, i64);

/// Brings the kept shares of some dossiers up to date, inside the write
/// that changed them: each old share is taken away from the sums and the
/// new one added.
pub(crate) async fn refresh(w: &mut WriteTx, mut ids: Vec<i64>) -> Result<()> {
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(200) {
        let list = in_list(1, chunk.len());
        let rows = read_rows(w.conn(), &format!("d.code IS NOT NULL AND d.id IN ({list})"), chunk).await?;
        let sql = format!(
            "SELECT dossier_id, day, agency, procedure_code, officer, {} FROM dossier_quality WHERE dossier_id IN ({list})",
            TALLY_COLS.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        let olds = q.fetch_all(w.conn()).await?;
        let mut delta: BTreeMap<SumsKey, Tally> = BTreeMap::new();
        let mut had: Vec<i64> = Vec::with_capacity(olds.len());
        for r in &olds {
            had.push(get(r, "dossier_id")?);
            let (day, agency, procedure, officer): (i64, String, String, i64) =
                (get(r, "day")?, get(r, "agency")?, get(r, "procedure_code")?, get(r, "officer")?);
            add_share(&mut delta, day, &agency, &procedure, officer, -tally_of(r)?);
        }
        let mut shares = Vec::new();
        for r in &rows {
            let Some(f) = r.facts() else { continue }; // a code but no history yet: nothing to count
            let (late_minutes, running_until) = match standing(&f) {
                Standing::Fixed(Timeliness::Late { by }) => (Some(by.num_minutes()), None),
                Standing::Fixed(_) => (None, None),
                Standing::Running { until, .. } => (None, Some(naive_micros(until))),
            };
            let share = Share {
                dossier_id: r.id,
                code: r.code.clone(),
                day: r.day(),
                agency: r.receiving_agency.clone(),
                procedure: r.procedure_code.clone(),
                officer: r.state.assignee.map(UserId::get).unwrap_or(0),
                late_minutes,
                running_until,
                appointment: f.appointment.map(|a| a.format("%Y-%m-%d %H:%M").to_string()),
                tally: Tally::kept(&f),
            };
            add_share(&mut delta, share.day, &share.agency, &share.procedure, share.officer, share.tally);
            shares.push(share);
        }
        if rows.is_empty() && had.is_empty() {
            continue; // drafts: nothing kept
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        write_shares(w, &had, &ids, &shares, &delta).await?;
    }
    Ok(())
}

/// Adds a share into the rows of the sums it belongs to: its day and month,
/// each for the agency, the agency and procedure, the agency and officer.
fn add_share(delta: &mut BTreeMap<SumsKey, Tally>, day: i64, agency: &str, procedure: &str, officer: i64, t: Tally) {
    for (grain, period) in [("d", day), ("m", day / 100)] {
        let mut add = |p: &str, o: i64| {
            *delta.entry((grain.to_string(), period, agency.to_string(), p.to_string(), o)).or_default() += t;
        };
        add("", 0);
        add(procedure, 0);
        if officer != 0 {
            add("", officer);
        }
    }
}

/// Replaces the kept shares of the dossiers that `had` one by `shares`,
/// marks the dossiers read as kept, and adds `delta` into the daily sums.
async fn write_shares(
    w: &mut WriteTx,
    had: &[i64],
    read: &[i64],
    shares: &[Share],
    delta: &BTreeMap<SumsKey, Tally>,
) -> Result<()> {
    for (sql, ids) in
        [("DELETE FROM dossier_quality WHERE dossier_id IN", had), ("UPDATE dossiers SET kept = 1 WHERE id IN", read)]
    {
        if ids.is_empty() {
            continue;
        }
        let sql = format!("{sql} ({})", in_list(1, ids.len()));
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(w.conn()).await?;
    }
    const SHARE_COLS: usize = 9 + TALLY_COLS.len();
    for chunk in shares.chunks(50) {
        let sql = format!(
            "INSERT INTO dossier_quality (dossier_id, code, day, agency, procedure_code, officer, late_minutes, running_until, appointment, {}) VALUES {}",
            TALLY_COLS.join(", "),
            crate::batch::numbered(w.conn(), chunk.len(), SHARE_COLS)
        );
        let mut q = sqlx::query(&sql);
        for s in chunk {
            q = q
                .bind(s.dossier_id)
                .bind(s.code.clone())
                .bind(s.day)
                .bind(s.agency.clone())
                .bind(s.procedure.clone())
                .bind(s.officer)
                .bind(s.late_minutes)
                .bind(s.running_until)
                .bind(s.appointment.clone());
            for v in tally_values(&s.tally) {
                q = q.bind(v);
            }
        }
        q.execute(w.conn()).await?;
    }
    let delta: Vec<(&SumsKey, &Tally)> = delta.iter().filter(|(_, t)| **t != Tally::default()).collect();
    const SUMS_COLS: usize = 5 + TALLY_COLS.len();
    let updates: Vec<String> = TALLY_COLS.iter().map(|c| format!("{c} = quality_sums.{c} + excluded.{c}")).collect();
    for chunk in delta.chunks(50) {
        let sql = format!(
            "INSERT INTO quality_sums (grain, period, agency, procedure_code, officer, {}) VALUES {} \
             ON CONFLICT (grain, period, agency, procedure_code, officer) DO UPDATE SET {}",
            TALLY_COLS.join(", "),
            crate::batch::numbered(w.conn(), chunk.len(), SUMS_COLS),
            updates.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for ((grain, period, agency, procedure, officer), t) in chunk {
            q = q.bind(grain.clone()).bind(*period).bind(agency.clone()).bind(procedure.clone()).bind(*officer);
            for v in tally_values(t) {
                q = q.bind(v);
            }
        }
        q.execute(w.conn()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Grains;

    fn g(from: &str, to: &str) -> ((i64, i64), [(i64, i64); 2]) {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let x = Grains::of(d(from), d(to));
        (x.months, x.days)
    }

    #[test]
    fn a_period_is_whole_months_and_the_days_at_its_edges() {
        const NONE: (i64, i64) = Grains::NONE;
        assert_eq!(g("2026-01-01", "2026-12-31"), ((202601, 202612), [NONE, NONE]));
        assert_eq!(g("2026-01-15", "2026-03-10"), ((202602, 202602), [(20260115, 20260131), (20260301, 20260310)]));
        assert_eq!(g("2026-03-02", "2026-03-04"), (NONE, [(20260302, 20260304), NONE]));
        assert_eq!(g("2026-03-01", "2026-03-31"), ((202603, 202603), [NONE, NONE]));
        assert_eq!(g("2026-02-10", "2026-03-31"), ((202603, 202603), [(20260210, 20260228), NONE]));
        assert_eq!(g("2025-12-01", "2026-01-05"), ((202512, 202512), [NONE, (20260101, 20260105)]));
        assert_eq!(g("2026-03-31", "2026-04-01"), (NONE, [(20260331, 20260401), NONE]));
    }
}

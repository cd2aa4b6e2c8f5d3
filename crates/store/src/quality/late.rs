//! The list of the most late dossiers of a scope, read one of three ways
//! (`LateRead`) chosen by the period's length and a bounded count: a short
//! period day by day, a period with few late dossiers all at once, a long
//! one by walking the index by lateness; then those running past their
//! deadline, and those late by rule with time still left.

use chrono::NaiveDate;

use super::*;

impl Store {
    /// Adds to a view the most late of the scope's kept dossiers (of one
    /// agency, if given).
    pub(super) async fn late_lists(
        &self,
        conn: &mut sqlx::AnyConnection,
        view: &mut QualityView,
        scope: &Scope<'_>,
        agency: Option<&String>,
        now_us: i64,
    ) -> Result<()> {
        let (limit, way, from, to) = (scope.late_limit, scope.late_read, scope.from, scope.to);
        let days = (day_key(from), day_key(to));
        let procs: &[String] = scope.procedures.unwrap_or(&[]);
        let agencies: &[String] = agency.map(std::slice::from_ref).unwrap_or(&[]);
        // the procedures (as the column `column` holds them), the agency
        let rest_of = |column: &str| {
            let mut rest = procedure_filter(scope.procedures, column);
            if agency.is_some() {
                rest.push_str(&format!(" AND agency = ${}", 4 + procs.len()));
            }
            rest
        };
        let rest = rest_of("procedure_code");
        let cols = "code, agency, late_minutes, running_until, appointment";
        let filter = format!("day >= $1 AND day <= $2 AND $3 = $3{rest}");
        let q = LateQuery { cols, filter: &filter, procs, agencies, days, now_us, limit };
        let period_days = (to - from).num_days() + 1;
        let way = match way {
            LateRead::Auto if period_days.saturating_mul(limit as i64) <= Scope::FEW_LATE => LateRead::EachDay,
            LateRead::Auto => {
                // at most FEW_LATE + 1 counted
                let probe = format!(
                    "SELECT COUNT(*) AS n FROM (SELECT 1 FROM dossier_quality WHERE late_minutes IS NOT NULL AND {filter} \
                     LIMIT {}) few",
                    Scope::FEW_LATE + 1
                );
                let n: i64 = get(&bind(&probe, days, now_us, &[procs, agencies]).fetch_one(&mut *conn).await?, "n")?;
                if n <= Scope::FEW_LATE {
                    LateRead::All
                } else {
                    LateRead::Walk
                }
            }
            w => w,
        };
        let mut found = Vec::new();
        let late_for_good = match way {
            LateRead::EachDay => {
                found = late_each_day(conn, &q, &rest, from, to).await?;
                None
            }
            LateRead::All => Some(format!(
                "SELECT {cols} FROM dossier_quality WHERE late_minutes IS NOT NULL AND {filter} \
                 ORDER BY +late_minutes DESC, code LIMIT {limit}"
            )),
            _ => {
                // SQLite has no statistics: `+day` and `|| ''` keep it off the
                // indexes by day and by procedure (which would read all of
                // the period's, or the procedures', and sort them).
                // PostgreSQL has them, and would misjudge the expressions
                // (it read a field's every late dossier, or the whole table).
                let (day, rest) = match self.backend() {
                    crate::Backend::Sqlite => ("+day", rest_of("procedure_code || ''")),
                    crate::Backend::Postgres => ("day", rest.clone()),
                };
                Some(format!(
                    "SELECT {cols} FROM dossier_quality WHERE late_minutes IS NOT NULL \
                     AND {day} >= $1 AND {day} <= $2 AND $3 = $3{rest} ORDER BY late_minutes DESC, code LIMIT {limit}"
                ))
            }
        };
        if let Some(sql) = late_for_good {
            for r in bind(&sql, days, now_us, &[procs, agencies]).fetch_all(&mut *conn).await? {
                found.push(late_row(&r, now_us)?);
            }
        }
        found.extend(late_running(conn, &q).await?);
        // Late by rule and not yet past the deadline, so late by 0 minutes:
        // needed only if fewer than `limit` are later than that.
        // `+running_until`: no index on it for this range, so that the one
        // in the order of codes is taken.
        if found.iter().filter(|l| l.minutes > 0).count() < limit {
            let by_rule = format!(
                "SELECT {cols} FROM dossier_quality WHERE running_until IS NOT NULL AND on_time = 0 \
                 AND +running_until >= $3 AND {filter} ORDER BY code LIMIT {limit}"
            );
            for r in bind(&by_rule, days, now_us, &[procs, agencies]).fetch_all(&mut *conn).await? {
                found.push(late_row(&r, now_us)?);
            }
        }
        view.late.append(&mut found);
        Ok(())
    }
}

/// What every late-list query shares: the columns, the filter on the
/// period, procedures and agency, their arguments, now, the limit.
struct LateQuery<'a> {
    cols: &'a str,
    filter: &'a str,
    procs: &'a [String],
    agencies: &'a [String],
    days: (i64, i64),
    now_us: i64,
    limit: usize,
}

/// First each day's `limit` most late minutes, from the index alone, to
/// learn the lateness of the list's last; then the rows at least that late
/// from the days that have them (the first `limit` of each, in case of many
/// as late as the last). (Some procedures: `+` keeps SQLite on the index by
/// procedure, which checks them without the table.)
async fn late_each_day(
    conn: &mut sqlx::AnyConnection,
    q: &LateQuery<'_>,
    rest: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LateDossier>> {
    let LateQuery { cols, procs, agencies, now_us, limit, .. } = *q;
    let mut found = Vec::new();
    let order = if procs.is_empty() { "late_minutes" } else { "+late_minutes" };
    let minutes_sql = format!(
        "SELECT late_minutes FROM dossier_quality WHERE late_minutes IS NOT NULL AND day = $1 AND $2 = $2 \
         AND $3 = $3{rest} ORDER BY {order} DESC LIMIT {limit}"
    );
    let mut each_day: Vec<(i64, Vec<i64>)> = Vec::new();
    for d in from.iter_days().take_while(|d| *d <= to) {
        let k = day_key(d);
        let rows = bind(&minutes_sql, (k, k), now_us, &[procs, agencies]).fetch_all(&mut *conn).await?;
        let minutes = rows.iter().map(|r| get::<i64>(r, "late_minutes")).collect::<Result<Vec<_>>>()?;
        if !minutes.is_empty() {
            each_day.push((k, minutes));
        }
    }
    let mut all: Vec<i64> = each_day.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    if let Some(&last) = all.get(limit.saturating_sub(1)).or(all.last()) {
        let rows_sql = format!(
            "SELECT {cols} FROM dossier_quality WHERE late_minutes IS NOT NULL AND day = $1 \
             AND late_minutes >= $2 AND $3 = $3{rest} ORDER BY {order} DESC, code LIMIT {limit}"
        );
        for (k, minutes) in &each_day {
            if minutes[0] >= last {
                for r in bind(&rows_sql, (*k, last), now_us, &[procs, agencies]).fetch_all(&mut *conn).await? {
                    found.push(late_row(&r, now_us)?);
                }
            }
        }
    }
    Ok(found)
}

/// Running past the deadline, by deadline; the rows of the last row's
/// minutes may sort before it by code: fetch them all.
async fn late_running(conn: &mut sqlx::AnyConnection, q: &LateQuery<'_>) -> Result<Vec<LateDossier>> {
    let LateQuery { cols, filter, procs, agencies, days, now_us, limit } = *q;
    let mut found = Vec::new();
    let past = format!(
        "SELECT {cols} FROM dossier_quality WHERE running_until IS NOT NULL AND running_until < $3 AND {filter} \
         ORDER BY running_until, code LIMIT {limit}"
    );
    let rows = bind(&past, days, now_us, &[procs, agencies]).fetch_all(&mut *conn).await?;
    let edge =
        if rows.len() == limit { rows.last().map(|r| get::<i64>(r, "running_until")).transpose()? } else { None };
    for r in &rows {
        found.push(late_row(r, now_us)?);
    }
    if let Some(until) = edge {
        let minutes = (now_us - until) / 60_000_000;
        let (lo, hi) = (now_us - (minutes + 1) * 60_000_000, now_us - minutes * 60_000_000);
        let sql = format!(
            "SELECT {cols} FROM dossier_quality WHERE running_until IS NOT NULL AND running_until > {lo} \
             AND running_until <= {hi} AND {filter}"
        );
        for r in bind(&sql, days, now_us, &[procs, agencies]).fetch_all(&mut *conn).await? {
            found.push(late_row(&r, now_us)?);
        }
    }
    Ok(found)
}

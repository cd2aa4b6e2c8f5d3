//! Worklists: the open dossiers each desk of an agency must move, found by
//! the `work` column every write keeps from the dossier's state
//! (`Dossier::work`), a page at a time, with the count of every list.

use chrono::NaiveDateTime;
use egov_dossier::{Status, Work};
use egov_identity::UserId;
use sqlx::any::AnyRow;

use crate::dossiers::dossier::status;
use crate::{get, Result, Store};

/// Which worklist to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Worklist {
    /// Submitted online to this agency: a receiving officer's move.
    ToReceive,
    /// Accepted by this agency, no specialist yet: an approver's move.
    ToAssign,
    /// Assigned to this official, at a processing step.
    Mine,
    /// At this agency's approval step: an approver's move.
    AwaitingApproval,
    /// Approved, the result to return by this (receiving) agency.
    ToReturn,
    /// Waiting for the citizen: a supplement asked for, or returned incomplete.
    Waiting,
    /// Open, with the clock running, due before `until`.
    DueBefore,
    /// Open, with the clock running, past due.
    Overdue,
    /// Everything open that this agency received or holds.
    Agency,
}

impl Worklist {
    pub const ALL: [Worklist; 9] = [
        Worklist::ToReceive,
        Worklist::ToAssign,
        Worklist::Mine,
        Worklist::AwaitingApproval,
        Worklist::ToReturn,
        Worklist::Waiting,
        Worklist::DueBefore,
        Worklist::Overdue,
        Worklist::Agency,
    ];
}

/// A line of a worklist.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WorklistItem {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub procedure_code: String,
    pub applicant_name: String,
    pub status: Status,
    pub due: Option<String>,
}

fn worklist_item(r: &AnyRow) -> Result<WorklistItem> {
    Ok(WorklistItem {
        id: get(r, "id")?,
        code: get(r, "code")?,
        procedure_code: get(r, "procedure_code")?,
        applicant_name: get(r, "applicant_name")?,
        status: status(&get::<String>(r, "status")?)?,
        due: get(r, "due_at")?,
    })
}

/// A line of an agency's tracking register: the dossier and when it came.
#[derive(Debug, Clone)]
pub struct RegisterLine {
    pub item: WorklistItem,
    /// Microseconds since the epoch.
    pub received_at: i64,
}

/// Which page of a list: `number` from 1, `size` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

/// A page of a worklist and how many lines the whole list has.
#[derive(Debug, Clone)]
pub struct WorklistPage {
    pub items: Vec<WorklistItem>,
    pub total: u64,
}

/// A worklist search as typed (`raw`: a code or an ID number) and folded
/// (part of a name, without accents).
#[derive(Debug, Clone, Copy)]
pub struct Search<'a> {
    pub folded: &'a str,
    pub raw: &'a str,
}

/// Whose list, as of when: the agency, the official, and "YYYY-MM-DD HH:MM"
/// bounds in Vietnam's time for the due lists.
#[derive(Debug, Clone, Copy)]
pub struct Desk<'a> {
    pub agency: &'a str,
    pub user_id: UserId,
    pub now: NaiveDateTime,
    pub until: NaiveDateTime,
}

/// Text searched for inside a `LIKE` pattern: its `%`, `_` and `\` match
/// themselves (with `ESCAPE '\'`).
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

enum Arg {
    Int(i64),
    Text(String),
}

/// A query's arguments, numbered as they are added.
#[derive(Default)]
struct Args(Vec<Arg>);

impl Args {
    fn text(&mut self, v: impl Into<String>) -> String {
        self.0.push(Arg::Text(v.into()));
        format!("${}", self.0.len())
    }
    fn int(&mut self, v: i64) -> String {
        self.0.push(Arg::Int(v));
        format!("${}", self.0.len())
    }
    fn bind<'q>(
        &'q self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for a in &self.0 {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(t) => q.bind(t.as_str()),
            };
        }
        q
    }
}

fn work(w: Work) -> String {
    format!("'{}'", w.as_str())
}

/// The condition of one list; its arguments are added to `args`.
fn condition(list: Worklist, desk: &Desk<'_>, args: &mut Args) -> String {
    let open = format!("work IN ({}, {})", work(Work::Assign), work(Work::Process));
    let open = format!("({open} OR work = {})", work(Work::Approve));
    match list {
        Worklist::ToReceive => {
            format!("receiving_agency = {} AND work = {}", args.text(desk.agency), work(Work::Receive))
        }
        Worklist::ToAssign => format!("current_agency = {} AND work = {}", args.text(desk.agency), work(Work::Assign)),
        Worklist::Mine => format!("assignee_id = {} AND work = {}", args.int(desk.user_id.get()), work(Work::Process)),
        Worklist::AwaitingApproval => {
            format!("current_agency = {} AND work = {}", args.text(desk.agency), work(Work::Approve))
        }
        Worklist::ToReturn => {
            format!("receiving_agency = {} AND work = {}", args.text(desk.agency), work(Work::Return))
        }
        Worklist::Waiting => format!("current_agency = {} AND work = {}", args.text(desk.agency), work(Work::Citizen)),
        // due dates are stored as Vietnam's "YYYY-MM-DD HH:MM", which sorts as time does
        Worklist::DueBefore => format!(
            "current_agency = {} AND {open} AND due_at >= {} AND due_at <= {}",
            args.text(desk.agency),
            args.text(egov_kernel::vn::format_minute(desk.now)),
            args.text(egov_kernel::vn::format_minute(desk.until)),
        ),
        Worklist::Overdue => format!(
            "current_agency = {} AND {open} AND due_at < {}",
            args.text(desk.agency),
            args.text(egov_kernel::vn::format_minute(desk.now)),
        ),
        Worklist::Agency => {
            let a = args.text(desk.agency);
            format!("(current_agency = {a} OR receiving_agency = {a}) AND work IS NOT NULL")
        }
    }
}

impl Store {
    /// A page of a worklist of an agency (or of an official for `Mine`),
    /// optionally narrowed by a search: a code, an ID number, or part of
    /// the applicant's folded name; soonest due first.
    pub async fn worklist(
        &self,
        list: Worklist,
        desk: &Desk<'_>,
        search: Option<Search<'_>>,
        page: Page,
    ) -> Result<WorklistPage> {
        let mut args = Args::default();
        let mut conds = vec![condition(list, desk, &mut args)];
        if let Some(Search { folded, raw }) = search {
            let r = args.text(raw);
            if folded.trim().is_empty() {
                // nothing of a name to look for (punctuation alone folds to nothing)
                conds.push(format!("(code = {r} OR applicant_id_number = {r})"));
            } else {
                let f = args.text(format!("%{}%", like_escape(folded)));
                conds.push(format!(
                    "(code = {r} OR applicant_id_number = {r} OR applicant_folded LIKE {f} ESCAPE '\\')"
                ));
            }
        }
        let filter = conds.join(" AND ");
        let total: i64 = args
            .bind(sqlx::query(&format!("SELECT COUNT(*) AS n FROM dossiers WHERE {filter}")))
            .fetch_one(&self.pool)
            .await
            .and_then(|r| sqlx::Row::try_get(&r, "n"))?;
        let size = i64::from(page.size.max(1));
        let offset = i64::from(page.number.max(1) - 1) * size;
        let sql = format!(
            "SELECT id, code, procedure_code, applicant_name, status, due_at FROM dossiers WHERE {filter} \
             ORDER BY due_at, code LIMIT {size} OFFSET {offset}"
        );
        let rows = args.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        Ok(WorklistPage {
            items: rows.iter().map(worklist_item).collect::<Result<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// How many dossiers each of `lists` has, in one pass over the desk's
    /// open dossiers.
    pub async fn worklist_counts(&self, lists: &[Worklist], desk: &Desk<'_>) -> Result<Vec<(Worklist, u64)>> {
        if lists.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = Args::default();
        let sums: Vec<String> = lists
            .iter()
            .enumerate()
            .map(|(i, l)| {
                format!("COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0) AS n{i}", condition(*l, desk, &mut args))
            })
            .collect();
        let a = args.text(desk.agency);
        let u = args.int(desk.user_id.get());
        let sql = format!(
            "SELECT {} FROM dossiers WHERE work IS NOT NULL AND (current_agency = {a} OR receiving_agency = {a} OR assignee_id = {u})",
            sums.join(", ")
        );
        let row = args.bind(sqlx::query(&sql)).fetch_one(&self.pool).await?;
        lists
            .iter()
            .enumerate()
            .map(|(i, l)| Ok((*l, u64::try_from(get::<i64>(&row, &format!("n{i}"))?).unwrap_or(0))))
            .collect()
    }

    /// The dossiers `agency` received in [`from`, `to`) (microseconds), in
    /// the order they came, for its tracking register; at most `limit`.
    pub async fn received_by(&self, agency: &str, from: i64, to: i64, limit: i64) -> Result<Vec<RegisterLine>> {
        let rows = sqlx::query(
            "SELECT id, code, procedure_code, applicant_name, status, due_at, received_at FROM dossiers \
             WHERE receiving_agency = $1 AND code IS NOT NULL AND received_at >= $2 AND received_at < $3 \
             ORDER BY received_at, code LIMIT $4",
        )
        .bind(agency)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(RegisterLine { item: worklist_item(r)?, received_at: get(r, "received_at")? })).collect()
    }

    /// A citizen's dossiers, newest first.
    pub async fn dossiers_of_owner(&self, owner: UserId) -> Result<Vec<WorklistItem>> {
        let rows = sqlx::query(
            "SELECT id, COALESCE(code, '') AS code, procedure_code, applicant_name, status, due_at FROM dossiers WHERE owner_id = $1 ORDER BY id DESC LIMIT 500",
        )
        .bind(owner.get())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(worklist_item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::like_escape;

    #[test]
    fn wildcards_are_escaped_for_like() {
        assert_eq!(like_escape("nguyen van"), "nguyen van");
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}

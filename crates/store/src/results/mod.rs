//! Issued results and the citizen's store of documents (issue 22).
//!
//! A result is registered in the transaction that returns it (one row of
//! `issued_results`, its number unique in its agency). The citizen's store
//! is not a table of its own: it is the electronic results of the
//! citizen's dossiers and their parts an official checked against the
//! originals, read from `dossier_files`; a part taken from the store is a
//! new row naming the same blob and the file it came from.

use chrono::NaiveDate;
use egov_identity::UserId;
use egov_results::{CheckCode, Issue};

use crate::dossiers::dossier::{file_row, DossierFile, FILE_COLS};
use crate::{get, Migration, Result, Store, StoreError, WriteTx};

pub const MIGRATIONS: &[Migration] = crate::migrations!("results": 43 "0043_issued_results");

/// A result to register.
#[derive(Debug, Clone)]
pub struct NewResult<'a> {
    pub dossier_id: i64,
    pub dossier_code: &'a str,
    /// The electronic copy (a file of the dossier), if any.
    pub file_id: Option<i64>,
    pub issue: &'a Issue,
    pub agency: &'a str,
    pub holder_name: &'a str,
    pub holder_folded: &'a str,
    pub holder_user: Option<UserId>,
    pub check_code: &'a CheckCode,
    pub issued_by: UserId,
}

/// A registered result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptResult {
    pub id: i64,
    pub dossier_id: i64,
    pub dossier_code: String,
    pub file_id: Option<i64>,
    pub issue: Issue,
    pub agency: String,
    pub holder_name: String,
    pub holder_user: Option<UserId>,
    pub check_code: CheckCode,
    pub issued_by: UserId,
    pub created_at: i64,
}

/// What officials search the registry by: an agency (none: all), and the
/// beginning of a number, a dossier code or part of the holder's folded name.
#[derive(Debug, Clone, Default)]
pub struct ResultSearch<'a> {
    pub agency: Option<&'a str>,
    pub raw: &'a str,
    pub folded: &'a str,
    pub limit: i64,
    pub offset: i64,
}

/// A document in a citizen's store: the file, the dossier it belongs to,
/// and the result it is the copy of (for a result).
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub file: DossierFile,
    pub dossier_code: String,
    pub procedure_code: String,
    pub result: Option<(i64, String, String)>,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("an issued result's {what}: {v}"))
}

fn day(what: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt(what, s))
}

fn row(r: &sqlx::any::AnyRow) -> Result<KeptResult> {
    let issued: String = get(r, "issued_on")?;
    let until: Option<String> = get(r, "valid_until")?;
    let code: String = get(r, "check_code")?;
    Ok(KeptResult {
        id: get(r, "id")?,
        dossier_id: get(r, "dossier_id")?,
        dossier_code: get(r, "dossier_code")?,
        file_id: get(r, "file_id")?,
        issue: Issue {
            doc_type: get(r, "doc_type")?,
            number: get(r, "number")?,
            issued_on: day("day of issue", &issued)?,
            valid_until: until.as_deref().map(|u| day("last valid day", u)).transpose()?,
        },
        agency: get(r, "agency_code")?,
        holder_name: get(r, "holder_name")?,
        holder_user: get::<Option<i64>>(r, "holder_user")?.map(UserId::new),
        check_code: CheckCode::parse(&code).ok_or_else(|| corrupt("check code", &code))?,
        issued_by: UserId::new(get(r, "issued_by")?),
        created_at: get(r, "created_at")?,
    })
}

const COLS: &str = "id, dossier_id, dossier_code, file_id, doc_type, number, issued_on, agency_code, holder_name, \
     holder_user, valid_until, check_code, issued_by, created_at";

/// [`FILE_COLS`] read from the alias `f`.
fn file_cols() -> String {
    FILE_COLS.split(", ").map(|c| format!("f.{c} AS {c}")).collect::<Vec<_>>().join(", ")
}

impl WriteTx {
    /// Whether `agency` has already issued a result numbered `number`.
    pub async fn result_number_taken(&mut self, agency: &str, number: &str) -> Result<bool> {
        let n: Option<i64> = sqlx::query_scalar("SELECT id FROM issued_results WHERE agency_code = $1 AND number = $2")
            .bind(agency)
            .bind(number)
            .fetch_optional(self.conn())
            .await?;
        Ok(n.is_some())
    }

    /// The dossier's latest electronic result file, if any.
    pub async fn latest_result_file(&mut self, dossier_id: i64) -> Result<Option<i64>> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT MAX(id) FROM dossier_files WHERE dossier_id = $1 AND purpose = 'result'")
                .bind(dossier_id)
                .fetch_one(self.conn())
                .await?;
        Ok(id)
    }

    /// Registers a result: its id.
    pub async fn register_result(&mut self, n: &NewResult<'_>) -> Result<i64> {
        let now = self.now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO issued_results (dossier_id, dossier_code, file_id, doc_type, number, issued_on, agency_code, \
             holder_name, holder_folded, holder_user, valid_until, check_code, issued_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(n.dossier_id)
        .bind(n.dossier_code)
        .bind(n.file_id)
        .bind(&n.issue.doc_type)
        .bind(&n.issue.number)
        .bind(n.issue.issued_on.format("%Y-%m-%d").to_string())
        .bind(n.agency)
        .bind(n.holder_name)
        .bind(n.holder_folded)
        .bind(n.holder_user.map(UserId::get))
        .bind(n.issue.valid_until.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(n.check_code.as_str())
        .bind(n.issued_by.get())
        .bind(now)
        .fetch_one(self.conn())
        .await
        .map_err(crate::unique("result number"))?;
        Ok(id)
    }

    /// Marks a document part of a dossier checked against its original, by
    /// `by`, now; false when it is not such a part or is marked already.
    pub async fn mark_digitised(&mut self, dossier_id: i64, file_id: i64, by: UserId) -> Result<bool> {
        let now = self.now();
        let n = sqlx::query(
            "UPDATE dossier_files SET digitised_by = $1, digitised_at = $2 WHERE id = $3 AND dossier_id = $4 \
             AND purpose = 'part' AND digitised_at IS NULL AND reused_from IS NULL",
        )
        .bind(by.get())
        .bind(now)
        .bind(file_id)
        .bind(dossier_id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 1 {
            // the dossier's share of the index changes with it
            self.touch(&[dossier_id]);
        }
        Ok(n == 1)
    }
}

impl Store {
    pub async fn issued_result(&self, id: i64) -> Result<Option<KeptResult>> {
        let r = sqlx::query(&format!("SELECT {COLS} FROM issued_results WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(row).transpose()
    }

    pub async fn issued_result_of_dossier(&self, dossier_id: i64) -> Result<Option<KeptResult>> {
        let r = sqlx::query(&format!("SELECT {COLS} FROM issued_results WHERE dossier_id = $1"))
            .bind(dossier_id)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(row).transpose()
    }

    /// The results numbered `number` (in any agency) whose printed code is `code`.
    pub async fn issued_result_checked(&self, number: &str, code: &CheckCode) -> Result<Option<KeptResult>> {
        let r = sqlx::query(&format!("SELECT {COLS} FROM issued_results WHERE number = $1 AND check_code = $2"))
            .bind(number)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(row).transpose()
    }

    /// A page of the registry, newest first, and how many match.
    pub async fn issued_results(&self, s: &ResultSearch<'_>) -> Result<(Vec<KeptResult>, i64)> {
        let like = if s.folded.trim().is_empty() {
            String::new()
        } else {
            format!("%{}%", crate::dossiers::worklist::like_escape(s.folded))
        };
        let prefix = format!("{}%", crate::dossiers::worklist::like_escape(s.raw.trim()));
        let filter = "($1 = '' OR agency_code = $1) AND ($2 = '' OR number LIKE $4 ESCAPE '\\' OR dossier_code = $2 \
                      OR ($3 <> '' AND holder_folded LIKE $3 ESCAPE '\\'))";
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM issued_results WHERE {filter}"))
            .bind(s.agency.unwrap_or(""))
            .bind(s.raw.trim())
            .bind(&like)
            .bind(&prefix)
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM issued_results WHERE {filter} ORDER BY id DESC LIMIT {} OFFSET {}",
            s.limit.clamp(1, 500),
            s.offset.max(0)
        ))
        .bind(s.agency.unwrap_or(""))
        .bind(s.raw.trim())
        .bind(&like)
        .bind(&prefix)
        .fetch_all(&self.pool)
        .await?;
        Ok((rows.iter().map(row).collect::<Result<_>>()?, total))
    }

    /// A citizen's store: the electronic copies of results issued to them
    /// and the checked parts of their dossiers, newest first; never a part
    /// itself taken from the store (its original is listed).
    pub async fn documents_of(&self, owner: UserId) -> Result<Vec<StoredDocument>> {
        let sql = format!(
            "SELECT {}, d.code AS dossier_code, d.procedure_code AS procedure_code, r.id AS result_id, \
             r.doc_type AS doc_type, r.number AS number \
             FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id \
             LEFT JOIN issued_results r ON r.file_id = f.id \
             WHERE d.owner_id = $1 AND f.reused_from IS NULL AND \
             ((f.purpose = 'result' AND r.id IS NOT NULL) OR (f.purpose = 'part' AND f.digitised_at IS NOT NULL)) \
             ORDER BY f.id DESC",
            file_cols()
        );
        let rows = sqlx::query(&sql).bind(owner.get()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let result = match get::<Option<i64>>(r, "result_id")? {
                    Some(id) => Some((id, get(r, "doc_type")?, get(r, "number")?)),
                    None => None,
                };
                Ok(StoredDocument {
                    file: file_row(r)?,
                    dossier_code: get(r, "dossier_code")?,
                    procedure_code: get(r, "procedure_code")?,
                    result,
                })
            })
            .collect()
    }
}

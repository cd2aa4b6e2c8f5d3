//! Dossiers: creation with a gap-free code, transitions with their history.

use chrono::{NaiveDate, NaiveDateTime};
use egov_catalog::ProcedureCode;
use egov_dossier::{Dossier, DossierCode, EventKind, Status, Work};
use egov_identity::UserId;
use sqlx::any::AnyRow;

use crate::{get, Result, Store, StoreError, WriteTx};

/// A dossier as stored.
#[derive(Debug, Clone)]
pub struct StoredDossier {
    pub id: i64,
    pub code: Option<DossierCode>,
    pub procedure_code: ProcedureCode,
    pub applicant_name: String,
    pub state: Dossier,
    pub form_data: std::collections::BTreeMap<String, String>,
    pub parts: Vec<String>,
    pub received_at: Option<i64>,
    pub created_at: i64,
}

/// A dossier to create.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub procedure_code: ProcedureCode,
    pub applicant_name: String,
    /// The name folded for accent-insensitive search.
    pub applicant_folded: String,
    pub applicant_id_number: Option<String>,
    pub state: Dossier,
    pub form_data: std::collections::BTreeMap<String, String>,
    /// The document parts handed in (their names).
    pub parts: Vec<String>,
    /// The files attached, already stored durably in the blob store.
    pub files: Vec<DossierFile>,
    /// The citizen's draft this fills in (saved again, or submitted): its
    /// row is updated instead of a new one inserted, and each file given
    /// here replaces the draft's file of the same part.
    pub draft: Option<i64>,
    /// How the person filing proved who they are, when a provider vouched.
    pub filed_by: Option<egov_identity::SignedBy>,
    /// What it owes, written as payment requests once it has a code.
    pub fees: Vec<crate::payments::FeeOwed>,
}

/// What a dossier's file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    /// A document part handed in by the citizen (`part_index` says which).
    Part,
    /// The electronic result returned by the agency.
    Result,
}

impl FilePurpose {
    fn as_str(self) -> &'static str {
        match self {
            FilePurpose::Part => "part",
            FilePurpose::Result => "result",
        }
    }
}

/// A file attached to a dossier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DossierFile {
    /// Its id once stored (0 before).
    pub id: i64,
    pub purpose: FilePurpose,
    pub part_index: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    #[serde(skip)]
    pub blob_key: String,
    /// The file of the citizen's store it was taken from (reused, not uploaded).
    #[serde(skip)]
    pub reused_from: Option<i64>,
    /// Checked against the original by an official: who and when (microseconds).
    #[serde(skip)]
    pub digitised: Option<(UserId, i64)>,
}

/// The columns [`file_row`] reads.
pub(crate) const FILE_COLS: &str =
    "id, purpose, part_index, file_name, content_type, size, sha256, blob_key, reused_from, digitised_by, digitised_at";

/// A file from a row of [`FILE_COLS`].
pub(crate) fn file_row(r: &sqlx::any::AnyRow) -> Result<DossierFile> {
    let purpose: String = get(r, "purpose")?;
    let by: Option<i64> = get(r, "digitised_by")?;
    let at: Option<i64> = get(r, "digitised_at")?;
    Ok(DossierFile {
        id: get(r, "id")?,
        purpose: match purpose.as_str() {
            "part" => FilePurpose::Part,
            "result" => FilePurpose::Result,
            other => return Err(corrupt(format!("file purpose {other}"))),
        },
        part_index: get(r, "part_index")?,
        file_name: get(r, "file_name")?,
        content_type: get(r, "content_type")?,
        size: get(r, "size")?,
        sha256: get(r, "sha256")?,
        blob_key: get(r, "blob_key")?,
        reused_from: get(r, "reused_from")?,
        digitised: by.zip(at).map(|(by, at)| (UserId::new(by), at)),
    })
}

impl DossierFile {
    /// Digitised data: checked against the original by an official, or
    /// taken from the citizen's store (where only such files are).
    pub fn is_digitised(&self) -> bool {
        self.digitised.is_some() || self.reused_from.is_some()
    }
}

/// A line of a dossier's history.
#[derive(Debug, Clone)]
pub struct DossierEvent {
    pub at: i64,
    pub actor_id: Option<UserId>,
    pub action: EventKind,
    pub from_status: Status,
    pub to_status: Status,
    pub note: String,
    pub due: Option<String>,
}

/// The public view of a dossier: no personal data but the applicant's name,
/// which the caller masks.
#[derive(Debug, Clone)]
pub struct PublicDossier {
    pub procedure_code: String,
    pub applicant_name: String,
    pub status: Status,
    /// "YYYY-MM-DD HH:MM" in Vietnam's time.
    pub due: Option<String>,
    pub received_at: Option<i64>,
    /// When each step happened, its action and the status it led to, in
    /// order; drafts and the citizen's rating are not steps.
    pub steps: Vec<(i64, EventKind, Status)>,
}

const COLS: &str = "id, code, procedure_code, applicant_name, state, form_data, parts, received_at, created_at";

fn fmt_due(d: NaiveDateTime) -> String {
    d.format("%Y-%m-%d %H:%M").to_string()
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn dossier(row: &AnyRow) -> Result<StoredDossier> {
    let code: Option<String> = get(row, "code")?;
    Ok(StoredDossier {
        id: get(row, "id")?,
        code: code.map(|c| DossierCode::parse(&c)).transpose().map_err(corrupt)?,
        procedure_code: ProcedureCode::new(get::<String>(row, "procedure_code")?),
        applicant_name: get(row, "applicant_name")?,
        state: serde_json::from_str(&get::<String>(row, "state")?).map_err(corrupt)?,
        form_data: serde_json::from_str(&get::<String>(row, "form_data")?).map_err(corrupt)?,
        parts: serde_json::from_str(&get::<String>(row, "parts")?).map_err(corrupt)?,
        received_at: get(row, "received_at")?,
        created_at: get(row, "created_at")?,
    })
}

impl WriteTx {
    /// The next number of an agency's day. Inside the write lock and the same
    /// transaction as the dossier, so numbers are unique and without gaps: a
    /// failed submission rolls its number back.
    pub async fn next_dossier_seq(&mut self, agency: &str, day: NaiveDate) -> Result<u32> {
        self.take_dossier_seqs(agency, day, 1).await
    }

    /// Takes `n` consecutive numbers of an agency's day at once; returns the first.
    pub async fn take_dossier_seqs(&mut self, agency: &str, day: NaiveDate, n: u32) -> Result<u32> {
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_counters (agency, day, last) VALUES ($1, $2, $3) \
             ON CONFLICT (agency, day) DO UPDATE SET last = dossier_counters.last + excluded.last RETURNING last",
        )
        .bind(agency)
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(i64::from(n))
        .fetch_one(self.conn())
        .await?;
        u32::try_from(last - i64::from(n) + 1).map_err(corrupt)
    }

    pub async fn insert_dossier(
        &mut self,
        d: &NewDossier,
        code: Option<&DossierCode>,
        received_at: Option<i64>,
    ) -> Result<i64> {
        let ids = self.insert_dossiers(&[(d, code, received_at)]).await?;
        ids.first().copied().ok_or_else(|| corrupt("no id returned"))
    }

    /// Inserts dossiers with their files, a few statements for many rows;
    /// returns their ids in order. Several rows must all have codes.
    pub async fn insert_dossiers(
        &mut self,
        rows: &[(&NewDossier, Option<&DossierCode>, Option<i64>)],
    ) -> Result<Vec<i64>> {
        const COLS: usize = 16;
        let now = self.now();
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(40) {
            let sql = format!(
                "INSERT INTO dossiers (code, procedure_code, owner_id, applicant_name, receiving_agency, current_agency, status, state, form_data, received_at, created_at, updated_at, applicant_folded, applicant_id_number, due_at, parts, work) \
                 VALUES {} RETURNING id, code",
                crate::batch::values(chunk.len(), COLS, |b| {
                    let p = |i: usize| format!("${}", b + i);
                    format!(
                        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                        p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11), p(11), p(12), p(13), p(14), p(15), p(16)
                    )
                })
            );
            let mut q = sqlx::query(&sql);
            for (d, code, received_at) in chunk {
                q = q
                    .bind(code.map(|c| c.to_string()))
                    .bind(d.procedure_code.as_str())
                    .bind(d.state.owner.map(UserId::get))
                    .bind(&d.applicant_name)
                    .bind(d.state.receiving_agency.as_str())
                    .bind(d.state.current_agency.as_str())
                    .bind(d.state.status.as_str())
                    .bind(serde_json::to_string(&d.state).map_err(corrupt)?)
                    .bind(serde_json::to_string(&d.form_data).map_err(corrupt)?)
                    .bind(*received_at)
                    .bind(now)
                    .bind(&d.applicant_folded)
                    .bind(d.applicant_id_number.clone())
                    .bind(d.state.due.map(fmt_due))
                    .bind(serde_json::to_string(&d.parts).map_err(corrupt)?)
                    .bind(d.state.work().map(Work::as_str));
            }
            let returned = q.fetch_all(self.conn()).await?;
            if chunk.len() == 1 {
                ids.push(get(returned.first().ok_or_else(|| corrupt("no id returned"))?, "id")?);
                continue;
            }
            // RETURNING's order is not promised: match rows by their codes.
            let by_code: std::collections::HashMap<String, i64> = returned
                .iter()
                .map(|r| Ok((get::<Option<String>>(r, "code")?.unwrap_or_default(), get::<i64>(r, "id")?)))
                .collect::<Result<_>>()?;
            for (_, code, _) in chunk {
                let code = code.ok_or_else(|| corrupt("several dossiers without codes"))?.to_string();
                ids.push(*by_code.get(&code).ok_or_else(|| corrupt(format!("no id for {code}")))?);
            }
        }
        let files: Vec<(i64, &DossierFile)> =
            rows.iter().zip(&ids).flat_map(|((d, _, _), id)| d.files.iter().map(move |f| (*id, f))).collect();
        self.add_dossier_files(&files).await?;
        for ((d, _, _), id) in rows.iter().zip(&ids) {
            if let Some(by) = &d.filed_by {
                self.record_filer(*id, by).await?;
            }
        }
        let owed: Vec<(i64, String, &str, &[crate::payments::FeeOwed])> = rows
            .iter()
            .zip(&ids)
            .filter_map(|((d, code, _), id)| {
                code.map(|c| (*id, c.to_string(), d.state.receiving_agency.as_str(), d.fees.as_slice()))
            })
            .collect();
        let owed: Vec<_> = owed.iter().map(|(id, c, a, f)| (*id, c.as_str(), *a, *f)).collect();
        self.payment_requests_add(&owed, now).await?;
        Ok(ids)
    }

    /// Records (or records again) who filed dossier `id`.
    async fn record_filer(&mut self, id: i64, by: &egov_identity::SignedBy) -> Result<()> {
        sqlx::query("DELETE FROM dossier_filers WHERE dossier_id = $1").bind(id).execute(self.conn()).await?;
        sqlx::query(
            "INSERT INTO dossier_filers (dossier_id, provider, subject, assurance, person, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&by.provider)
        .bind(&by.subject)
        .bind(by.assurance.number())
        .bind(by.person.clone())
        .bind(self.now())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Fills in a citizen's draft: saved again (no code) or submitted (its
    /// code and receipt time). Refused unless the row is still that owner's
    /// draft. A file given for a part replaces the draft's file of that part
    /// (its blob, named by no row, goes with the next sweep).
    pub async fn fill_draft(
        &mut self,
        id: i64,
        d: &NewDossier,
        code: Option<&DossierCode>,
        received_at: Option<i64>,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE dossiers SET code = $3, status = $4, state = $5, form_data = $6, received_at = $7, updated_at = $8, \
             applicant_name = $9, applicant_folded = $10, applicant_id_number = $11, due_at = $12, parts = $13, \
             receiving_agency = $14, current_agency = $15, work = $16 \
             WHERE id = $1 AND owner_id = $2 AND status IN ({})",
            in_list(&[Status::Draft.as_str()])
        );
        let n = sqlx::query(&sql)
            .bind(id)
            .bind(d.state.owner.map(UserId::get))
            .bind(code.map(|c| c.to_string()))
            .bind(d.state.status.as_str())
            .bind(serde_json::to_string(&d.state).map_err(corrupt)?)
            .bind(serde_json::to_string(&d.form_data).map_err(corrupt)?)
            .bind(received_at)
            .bind(self.now())
            .bind(&d.applicant_name)
            .bind(&d.applicant_folded)
            .bind(d.applicant_id_number.clone())
            .bind(d.state.due.map(fmt_due))
            .bind(serde_json::to_string(&d.parts).map_err(corrupt)?)
            .bind(d.state.receiving_agency.as_str())
            .bind(d.state.current_agency.as_str())
            .bind(d.state.work().map(Work::as_str))
            .execute(self.conn())
            .await?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound);
        }
        if let Some(by) = &d.filed_by {
            self.record_filer(id, by).await?;
        }
        for f in &d.files {
            sqlx::query("DELETE FROM dossier_files WHERE dossier_id = $1 AND purpose = 'part' AND part_index = $2")
                .bind(id)
                .bind(f.part_index)
                .execute(self.conn())
                .await?;
        }
        if let Some(c) = code {
            let now = self.now();
            let c = c.to_string();
            self.payment_requests_add(&[(id, &c, d.state.receiving_agency.as_str(), &d.fees)], now).await?;
        }
        let files: Vec<(i64, &DossierFile)> = d.files.iter().map(|f| (id, f)).collect();
        self.add_dossier_files(&files).await
    }

    /// Records a file (already durable in the blob store) of a dossier.
    pub async fn add_dossier_file(&mut self, dossier_id: i64, f: &DossierFile) -> Result<()> {
        self.touch(&[dossier_id]);
        self.add_dossier_files(&[(dossier_id, f)]).await
    }

    /// Records files of dossiers, many rows a statement.
    pub async fn add_dossier_files(&mut self, rows: &[(i64, &DossierFile)]) -> Result<()> {
        let now = self.now();
        for chunk in rows.chunks(60) {
            let sql = format!(
                "INSERT INTO dossier_files (dossier_id, part_index, file_name, content_type, size, sha256, blob_key, created_at, purpose, reused_from) VALUES {}",
                crate::batch::numbered(self.conn(), chunk.len(), 10)
            );
            let mut q = sqlx::query(&sql);
            for (id, f) in chunk {
                q = q
                    .bind(*id)
                    .bind(f.part_index)
                    .bind(&f.file_name)
                    .bind(&f.content_type)
                    .bind(f.size)
                    .bind(&f.sha256)
                    .bind(&f.blob_key)
                    .bind(now)
                    .bind(f.purpose.as_str())
                    .bind(f.reused_from);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    pub async fn dossier(&mut self, code: &str) -> Result<Option<StoredDossier>> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM dossiers WHERE code = $1"))
            .bind(code)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(dossier).transpose()
    }

    /// Stores a dossier's new state; the caller checked the transition.
    pub async fn update_dossier(&mut self, id: i64, state: &Dossier) -> Result<()> {
        self.touch(&[id]);
        sqlx::query(
            "UPDATE dossiers SET status = $2, current_agency = $3, state = $4, updated_at = $5, assignee_id = $6, due_at = $7, work = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(state.status.as_str())
        .bind(state.current_agency.as_str())
        .bind(serde_json::to_string(state).map_err(corrupt)?)
        .bind(self.now())
        .bind(state.assignee.map(UserId::get))
        .bind(state.due.map(fmt_due))
        .bind(state.work().map(Work::as_str))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Writes one line of a dossier's history.
    pub async fn add_dossier_event(&mut self, e: EventRow<'_>) -> Result<()> {
        self.add_dossier_events(&[e]).await
    }

    /// Writes lines of dossiers' histories, many rows a statement.
    pub async fn add_dossier_events(&mut self, rows: &[EventRow<'_>]) -> Result<()> {
        for chunk in rows.chunks(60) {
            let sql = format!(
                "INSERT INTO dossier_events (dossier_id, at, actor_id, action, from_status, to_status, note, due) VALUES {}",
                crate::batch::numbered(self.conn(), chunk.len(), 8)
            );
            let mut q = sqlx::query(&sql);
            for e in chunk {
                q = q
                    .bind(e.dossier_id)
                    .bind(e.at)
                    .bind(e.actor_id.map(UserId::get))
                    .bind(e.action.as_str())
                    .bind(e.from.as_str())
                    .bind(e.to.as_str())
                    .bind(e.note)
                    .bind(e.due.map(fmt_due));
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }
}

/// A line of a dossier's history, to write.
#[derive(Debug, Clone)]
pub struct EventRow<'a> {
    pub dossier_id: i64,
    /// When it happened (microseconds since the epoch), by the platform's clock.
    pub at: i64,
    pub actor_id: Option<UserId>,
    pub action: EventKind,
    pub from: Status,
    pub to: Status,
    pub note: &'a str,
    pub due: Option<NaiveDateTime>,
}

/// A message for a citizen's inbox, to write.
#[derive(Debug, Clone)]
pub struct InboxRow<'a> {
    pub user_id: UserId,
    pub code: &'a str,
    pub kind: EventKind,
    pub note: &'a str,
}

impl Store {
    /// A dossier by its row id (drafts have no code yet).
    pub async fn dossier_by_id(&self, id: i64) -> Result<Option<StoredDossier>> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM dossiers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(dossier).transpose()
    }

    pub async fn dossier(&self, code: &str) -> Result<Option<StoredDossier>> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM dossiers WHERE code = $1"))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(dossier).transpose()
    }

    pub async fn dossier_files(&self, dossier_id: i64) -> Result<Vec<DossierFile>> {
        let rows = sqlx::query(&format!(
            "SELECT {FILE_COLS} FROM dossier_files WHERE dossier_id = $1 ORDER BY purpose, part_index, id"
        ))
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(file_row).collect()
    }

    pub async fn dossier_events(&self, dossier_id: i64) -> Result<Vec<DossierEvent>> {
        let rows = sqlx::query(
            "SELECT at, actor_id, action, from_status, to_status, note, due FROM dossier_events WHERE dossier_id = $1 ORDER BY id",
        )
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DossierEvent {
                    at: get(r, "at")?,
                    actor_id: get::<Option<i64>>(r, "actor_id")?.map(UserId::new),
                    action: event_kind(&get::<String>(r, "action")?)?,
                    from_status: status(&get::<String>(r, "from_status")?)?,
                    to_status: status(&get::<String>(r, "to_status")?)?,
                    note: get(r, "note")?,
                    due: get(r, "due")?,
                })
            })
            .collect()
    }

    /// What the public lookup shows of a dossier, in one query (one round
    /// trip): its status, dates and the status of each step, nothing else.
    pub async fn public_dossier(&self, code: &str) -> Result<Option<PublicDossier>> {
        // drafts and the citizen's rating are not steps
        let sql = format!(
            "SELECT d.procedure_code, d.applicant_name, d.status, d.due_at, d.received_at, e.at, e.action, e.to_status \
             FROM dossiers d LEFT JOIN dossier_events e ON e.dossier_id = d.id AND e.action NOT IN ({}) \
             WHERE d.code = $1 ORDER BY e.id",
            in_list(&[EventKind::Draft.as_str(), EventKind::Rate.as_str()])
        );
        let rows = sqlx::query(&sql).bind(code).fetch_all(&self.pool).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let stored: String = get(first, "status")?;
        let mut steps = Vec::with_capacity(rows.len());
        for r in &rows {
            if let (Some(at), Some(action), Some(to)) = (
                get::<Option<i64>>(r, "at")?,
                get::<Option<String>>(r, "action")?,
                get::<Option<String>>(r, "to_status")?,
            ) {
                steps.push((at, event_kind(&action)?, status(&to)?));
            }
        }
        Ok(Some(PublicDossier {
            procedure_code: get(first, "procedure_code")?,
            applicant_name: get(first, "applicant_name")?,
            status: status(&stored)?,
            due: get(first, "due_at")?,
            received_at: get(first, "received_at")?,
            steps,
        }))
    }

    /// The codes of an agency's day, in order (for the gap check).
    pub async fn dossier_codes_of_day(&self, agency: &str, day: NaiveDate) -> Result<Vec<String>> {
        let prefix = format!("{agency}-{}-", day.format("%y%m%d"));
        Ok(sqlx::query_scalar("SELECT code FROM dossiers WHERE code LIKE $1 ORDER BY code")
            .bind(format!("{prefix}%"))
            .fetch_all(&self.pool)
            .await?)
    }
}

/// A message of a citizen's inbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InboxMessage {
    pub id: i64,
    pub dossier_code: String,
    /// What happened.
    pub kind: EventKind,
    pub note: String,
    pub created_at: i64,
    pub read: bool,
}

impl WriteTx {
    /// Leaves a message in a citizen's inbox, in the same transaction as the change.
    pub async fn notify(&mut self, user_id: UserId, code: &str, kind: EventKind, note: &str) -> Result<()> {
        self.notify_many(&[InboxRow { user_id, code, kind, note }]).await
    }

    /// Leaves messages in citizens' inboxes, many rows a statement. With
    /// e-mail on, a citizen with an address gets the message queued for
    /// delivery in the same statement.
    pub async fn notify_many(&mut self, rows: &[InboxRow<'_>]) -> Result<()> {
        let now = self.now();
        let mail = i64::from(self.mail);
        for chunk in rows.chunks(100) {
            let sql = format!(
                "INSERT INTO inbox (user_id, dossier_code, kind, note, created_at, mail_state, mail_next_at) VALUES {}",
                crate::batch::values(chunk.len(), 5, |b| {
                    format!(
                        "(${u}, ${}, ${}, ${}, ${t}, CASE WHEN {mail} = 1 AND (SELECT email FROM users WHERE id = ${u}) <> '' THEN 'pending' ELSE 'none' END, ${t})",
                        b + 2,
                        b + 3,
                        b + 4,
                        u = b + 1,
                        t = b + 5,
                    )
                })
            );
            let mut q = sqlx::query(&sql);
            for m in chunk {
                q = q.bind(m.user_id.get()).bind(m.code).bind(m.kind.as_str()).bind(m.note).bind(now);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }
}

impl Store {
    /// A citizen's messages, newest first.
    pub async fn inbox(&self, user_id: UserId) -> Result<Vec<InboxMessage>> {
        let rows = sqlx::query(
            "SELECT id, dossier_code, kind, note, created_at, read_at FROM inbox WHERE user_id = $1 \
             AND kind NOT LIKE 'security_%' ORDER BY id DESC LIMIT 200",
        )
        .bind(user_id.get())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InboxMessage {
                    id: get(r, "id")?,
                    dossier_code: get(r, "dossier_code")?,
                    kind: event_kind(&get::<String>(r, "kind")?)?,
                    note: get(r, "note")?,
                    created_at: get(r, "created_at")?,
                    read: get::<Option<i64>>(r, "read_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Marks all of a citizen's messages read.
    pub async fn mark_inbox_read(&self, user_id: UserId) -> Result<()> {
        sqlx::query("UPDATE inbox SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id.get())
            .bind(self.now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl WriteTx {
    /// Stores a rating (the caller checked it may be given).
    pub async fn add_rating(&mut self, dossier_id: i64, r: &egov_dossier::Rating) -> Result<()> {
        self.touch(&[dossier_id]);
        sqlx::query("INSERT INTO ratings (dossier_id, scores, total, created_at) VALUES ($1, $2, $3, $4)")
            .bind(dossier_id)
            .bind(serde_json::to_string(&r.0).map_err(corrupt)?)
            .bind(i64::from(r.total()))
            .bind(self.now())
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

impl Store {
    /// A dossier's rating scores, if given.
    pub async fn rating(&self, dossier_id: i64) -> Result<Option<Vec<u8>>> {
        let s: Option<String> = sqlx::query_scalar("SELECT scores FROM ratings WHERE dossier_id = $1")
            .bind(dossier_id)
            .fetch_optional(&self.pool)
            .await?;
        s.map(|s| serde_json::from_str(&s).map_err(corrupt)).transpose()
    }
}

/// Names egov writes (a status's, an event's: `as_str`, never input) as an
/// SQL list of literals: `'accepted', 'processing'`.
fn in_list(names: &[&'static str]) -> String {
    names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
}

/// A stored status back: one egov never writes is an error, not a default.
pub(crate) fn status(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown status '{s}'")))
}

/// A stored event kind back: one egov never writes is an error, not a default.
pub(crate) fn event_kind(s: &str) -> Result<EventKind> {
    EventKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown event '{s}'")))
}

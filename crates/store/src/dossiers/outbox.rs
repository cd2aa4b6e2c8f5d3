//! The e-mail outbox: inbox messages waiting to be mailed, their attempts and
//! delivery status. Status updates are single statements outside the audit
//! chain (they record delivery, not decisions), claimed by a lease so that
//! several instances never send the same message at once.

use egov_dossier::EventKind;

use crate::{get, Result, Store};

/// Where a message's e-mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailState {
    /// Waiting for its first or next attempt.
    Pending,
    Sent,
    /// Given up: refused for good, or too many attempts.
    Failed,
}

impl MailState {
    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<MailState> {
        [MailState::Pending, MailState::Sent, MailState::Failed].into_iter().find(|m| m.as_str() == s)
    }
}

/// A message claimed for delivery.
#[derive(Debug, Clone)]
pub struct MailJob {
    pub id: i64,
    /// The citizen's address now (`None` if it was removed since).
    pub to: Option<String>,
    pub dossier_code: String,
    pub kind: MailKind,
    pub note: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// What a message of the outbox is: a citizen's notice of a change to a
/// dossier, or an alert to administrators (information security).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum MailKind {
    Dossier(EventKind),
    Security(egov_protection::Alert),
    Network(egov_network::NetAlert),
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Dossier(k) => k.as_str(),
            MailKind::Security(a) => a.as_str(),
            MailKind::Network(a) => a.as_str(),
        }
    }
    fn parse(s: &str) -> Result<MailKind> {
        if let Some(a) = egov_protection::Alert::parse(s) {
            return Ok(MailKind::Security(a));
        }
        match egov_network::NetAlert::parse(s) {
            Some(a) => Ok(MailKind::Network(a)),
            None => crate::dossier::event_kind(s).map(MailKind::Dossier),
        }
    }
}

/// A line of the outbox, for the back office.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub dossier_code: String,
    pub kind: MailKind,
    pub to: Option<String>,
    pub state: MailState,
    pub attempts: i64,
    pub created_at: i64,
    pub next_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub error: Option<String>,
}

impl Store {
    /// Turns e-mail on: from now on notifications of citizens with an
    /// address are queued in the outbox.
    pub fn enable_mail(&self) {
        self.mail.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Runs one statement that writes, queued behind this process's other
    /// writers on SQLite.
    pub(crate) async fn write_one<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<u64> {
        let _gate = match &self.write_gate {
            Some(g) => Some(g.clone().lock_owned().await),
            None => None,
        };
        Ok(q.execute(&self.pool).await?.rows_affected())
    }

    /// Claims up to `limit` messages due at `now` for delivery until `lease_until`.
    pub async fn claim_mail(&self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<MailJob>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM inbox WHERE mail_state = 'pending' AND mail_next_at <= $1 \
             AND (mail_lease IS NULL OR mail_lease < $1) ORDER BY mail_next_at, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut jobs = Vec::with_capacity(ids.len());
        for id in ids {
            let claimed = self
                .write_one(
                    sqlx::query(
                        "UPDATE inbox SET mail_lease = $2 WHERE id = $1 AND mail_state = 'pending' \
                         AND (mail_lease IS NULL OR mail_lease < $3)",
                    )
                    .bind(id)
                    .bind(lease_until)
                    .bind(now),
                )
                .await?;
            if claimed == 0 {
                continue; // another instance took it
            }
            let r = sqlx::query(
                "SELECT i.id, u.email, i.dossier_code, i.kind, i.note, i.mail_attempts \
                 FROM inbox i LEFT JOIN users u ON u.id = i.user_id WHERE i.id = $1",
            )
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
            let to: Option<String> = get(&r, "email")?;
            jobs.push(MailJob {
                id,
                to: to.filter(|e| !e.trim().is_empty()),
                dossier_code: get(&r, "dossier_code")?,
                kind: MailKind::parse(&get::<String>(&r, "kind")?)?,
                note: get(&r, "note")?,
                attempts: u32::try_from(get::<i64>(&r, "mail_attempts")?).unwrap_or(u32::MAX),
            });
        }
        Ok(jobs)
    }

    /// Records a delivery.
    pub async fn mail_sent(&self, id: i64, to: &str, at: i64) -> Result<()> {
        self.write_one(
            sqlx::query(
                "UPDATE inbox SET mail_state = 'sent', mail_attempts = mail_attempts + 1, mail_sent_at = $2, \
                 mail_to = $3, mail_lease = NULL, mail_next_at = NULL, mail_error = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(at)
            .bind(to),
        )
        .await?;
        Ok(())
    }

    /// Records a failed attempt to be retried at `next_at`.
    pub async fn mail_retry(&self, id: i64, next_at: i64, error: &str) -> Result<()> {
        self.write_one(
            sqlx::query(
                "UPDATE inbox SET mail_attempts = mail_attempts + 1, mail_next_at = $2, mail_error = $3, \
                 mail_lease = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(next_at)
            .bind(error),
        )
        .await?;
        Ok(())
    }

    /// Records a failed attempt after which the message is given up.
    pub async fn mail_failed(&self, id: i64, error: &str) -> Result<()> {
        self.write_one(
            sqlx::query(
                "UPDATE inbox SET mail_state = 'failed', mail_attempts = mail_attempts + 1, mail_error = $2, \
                 mail_lease = NULL, mail_next_at = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(error),
        )
        .await?;
        Ok(())
    }

    /// The outbox, newest first, optionally of one state; and the count of each state.
    pub async fn outbox(
        &self,
        state: Option<MailState>,
        limit: i64,
    ) -> Result<(Vec<OutboxEntry>, Vec<(MailState, i64)>)> {
        let rows = sqlx::query(
            "SELECT i.id, i.dossier_code, i.kind, COALESCE(i.mail_to, u.email) AS addr, i.mail_state, i.mail_attempts, \
             i.created_at, i.mail_next_at, i.mail_sent_at, i.mail_error FROM inbox i LEFT JOIN users u ON u.id = i.user_id \
             WHERE i.mail_state <> 'none' AND ($1 = '' OR i.mail_state = $1) ORDER BY i.id DESC LIMIT $2",
        )
        .bind(state.map(MailState::as_str).unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for r in &rows {
            let s: String = get(r, "mail_state")?;
            entries.push(OutboxEntry {
                id: get(r, "id")?,
                dossier_code: get(r, "dossier_code")?,
                kind: MailKind::parse(&get::<String>(r, "kind")?)?,
                to: get(r, "addr")?,
                state: MailState::parse(&s).ok_or_else(|| crate::StoreError::Corrupt(format!("mail state {s}")))?,
                attempts: get(r, "mail_attempts")?,
                created_at: get(r, "created_at")?,
                next_at: get(r, "mail_next_at")?,
                sent_at: get(r, "mail_sent_at")?,
                error: get(r, "mail_error")?,
            });
        }
        let counts =
            sqlx::query("SELECT mail_state, COUNT(*) AS n FROM inbox WHERE mail_state <> 'none' GROUP BY mail_state")
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::new();
        for r in &counts {
            let s: String = get(r, "mail_state")?;
            if let Some(m) = MailState::parse(&s) {
                out.push((m, get(r, "n")?));
            }
        }
        out.sort_by_key(|(m, _)| m.as_str());
        Ok((entries, out))
    }
}

impl crate::WriteTx {
    /// Leaves an alert of `kind` in the outbox of every administrator it
    /// concerns — the system administrators, and those of `agency` — in
    /// this transaction: mailed when e-mail is on and they have an address.
    /// How many were addressed.
    pub(crate) async fn admin_alert(&mut self, kind: &str, agency: Option<&str>, note: &str) -> Result<u64> {
        let now = self.now();
        let mail = i64::from(self.mail);
        let n = sqlx::query(&format!(
            "INSERT INTO inbox (user_id, dossier_code, kind, note, created_at, mail_state, mail_next_at) \
             SELECT u.id, '', $1, $2, $3, CASE WHEN {mail} = 1 AND COALESCE(u.email, '') <> '' THEN 'pending' ELSE 'none' END, $3 \
             FROM users u WHERE u.active = 1 AND u.kind IN ('official', 'system') AND EXISTS (SELECT 1 FROM user_roles r \
             WHERE r.user_id = u.id AND (r.role = 'system_admin' OR (r.role = 'agency_admin' AND u.agency_id = $4)))"
        ))
        .bind(kind)
        .bind(note)
        .bind(now)
        .bind(agency.unwrap_or(""))
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(n)
    }
}

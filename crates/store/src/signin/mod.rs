//! Sign-in through identity providers: sign-ins under way (one use each),
//! citizens' records keyed by the verified ID number, organisations and
//! their representatives, officials' mapped identities, sessions that
//! remember their provider (for logout), local accounts linked in.

use egov_identity::{AccountKind, Assurance, SignedBy, UserId};

use crate::{get, Result, Store, StoreError, WriteTx};

pub const MIGRATIONS: &[crate::Migration] = crate::migrations!("signin": 16 "0016_signin");

/// A sign-in under way, kept between the redirect and the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    pub state: String,
    pub provider: String,
    pub nonce: String,
    pub verifier: String,
    /// The digest of the browser-binding cookie.
    pub browser: String,
    /// Where to go after signing in (a local path).
    pub next: String,
    /// The callback address sent with the request (sent again with the code).
    pub redirect_uri: String,
    /// Microseconds since the epoch.
    pub expires_at: i64,
}

/// A person as a provider vouched for them.
#[derive(Debug, Clone)]
pub struct VerifiedPerson<'a> {
    pub id_number: &'a str,
    pub full_name: &'a str,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    pub assurance: Assurance,
}

/// What the store knows of a verified person's ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenMatch {
    /// The verified record, if any.
    pub record: Option<UserId>,
    /// An account holding the number as its claimed `citizen_id` but not
    /// verified: its id and whether it has a password (a local account).
    pub claimed: Option<(UserId, bool)>,
}

/// A session that begins at a provider.
#[derive(Debug, Clone)]
pub struct ProviderSession<'a> {
    pub signed_by: &'a SignedBy,
    pub sid: Option<&'a str>,
    pub id_token: &'a str,
}

/// A password hash no password verifies against: an account with it has no local password.
pub const NO_PASSWORD: &str = "!";

impl WriteTx {
    pub async fn put_login(&mut self, l: &PendingLogin) -> Result<()> {
        sqlx::query(
            "INSERT INTO oidc_logins (state, provider, nonce, verifier, browser, next, redirect_uri, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&l.state)
        .bind(&l.provider)
        .bind(&l.nonce)
        .bind(&l.verifier)
        .bind(&l.browser)
        .bind(&l.next)
        .bind(&l.redirect_uri)
        .bind(l.expires_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Takes the sign-in of `state`: it is deleted, so a second callback
    /// with the same state finds nothing. An expired one is taken and `None`.
    pub async fn take_login(&mut self, state: &str) -> Result<Option<PendingLogin>> {
        let row = sqlx::query(
            "DELETE FROM oidc_logins WHERE state = $1 RETURNING state, provider, nonce, verifier, browser, next, redirect_uri, expires_at",
        )
        .bind(state)
        .fetch_optional(self.conn())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let l = PendingLogin {
            state: get(&r, "state")?,
            provider: get(&r, "provider")?,
            nonce: get(&r, "nonce")?,
            verifier: get(&r, "verifier")?,
            browser: get(&r, "browser")?,
            next: get(&r, "next")?,
            redirect_uri: get(&r, "redirect_uri")?,
            expires_at: get(&r, "expires_at")?,
        };
        Ok((l.expires_at > self.now()).then_some(l))
    }

    /// The account an identity at a provider is mapped to.
    pub async fn mapped_account(&mut self, provider: &str, subject: &str) -> Result<Option<UserId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT e.user_id FROM external_identities e JOIN users u ON u.id = e.user_id \
             WHERE e.provider = $1 AND e.subject = $2 AND u.active = 1",
        )
        .bind(provider)
        .bind(subject)
        .fetch_optional(self.conn())
        .await?;
        Ok(id.map(UserId::new))
    }

    /// Maps an identity at a provider to an account (replacing an earlier mapping).
    pub async fn map_identity(&mut self, provider: &str, subject: &str, user: UserId) -> Result<()> {
        sqlx::query("DELETE FROM external_identities WHERE provider = $1 AND subject = $2")
            .bind(provider)
            .bind(subject)
            .execute(self.conn())
            .await?;
        sqlx::query("INSERT INTO external_identities (provider, subject, user_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(provider)
            .bind(subject)
            .bind(user.get())
            .bind(self.now())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The verified record of an ID number, and an unverified account claiming it.
    pub async fn citizen_match(&mut self, id_number: &str) -> Result<CitizenMatch> {
        let record: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE id_number = $1 AND kind = 'citizen' AND active = 1")
                .bind(id_number)
                .fetch_optional(self.conn())
                .await?;
        let claimed = sqlx::query(
            "SELECT id, password_hash FROM users WHERE citizen_id = $1 AND kind = 'citizen' AND id_number IS NULL AND active = 1",
        )
        .bind(id_number)
        .fetch_optional(self.conn())
        .await?;
        let claimed = claimed
            .map(|r| {
                Ok::<_, StoreError>((UserId::new(get(&r, "id")?), get::<String>(&r, "password_hash")? != NO_PASSWORD))
            })
            .transpose()?;
        Ok(CitizenMatch { record: record.map(UserId::new), claimed })
    }

    /// Makes `user` the verified record of the person (setting its number,
    /// name, birth date and level).
    pub async fn verify_person(&mut self, user: UserId, p: &VerifiedPerson<'_>) -> Result<()> {
        sqlx::query("UPDATE users SET id_number = $2, full_name = $3, birth_date = $4, assurance = $5 WHERE id = $1")
            .bind(user.get())
            .bind(p.id_number)
            .bind(p.full_name)
            .bind(p.birth_date.clone())
            .bind(p.assurance.number())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// A new verified citizen record. Its `citizen_id` is the number unless
    /// an unverified account holds it (until that one is linked in).
    pub async fn create_person(&mut self, p: &VerifiedPerson<'_>, number_free: bool) -> Result<UserId> {
        let username = if number_free { p.id_number.to_string() } else { format!("id-{}", p.id_number) };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, kind, full_name, citizen_id, password_hash, active, created_at, id_number, birth_date, assurance) \
             VALUES ($1, 'citizen', $2, $3, $4, 1, $5, $6, $7, $8) RETURNING id",
        )
        .bind(username)
        .bind(p.full_name)
        .bind(number_free.then_some(p.id_number))
        .bind(NO_PASSWORD)
        .bind(self.now())
        .bind(p.id_number)
        .bind(p.birth_date.clone())
        .bind(p.assurance.number())
        .fetch_one(self.conn())
        .await?;
        Ok(UserId::new(id))
    }

    /// The organisation of a tax code, created or renamed.
    pub async fn upsert_organisation(&mut self, tax_code: &str, name: &str) -> Result<UserId> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE tax_code = $1 AND kind = 'organisation'")
                .bind(tax_code)
                .fetch_optional(self.conn())
                .await?;
        if let Some(id) = found {
            sqlx::query("UPDATE users SET full_name = $2 WHERE id = $1")
                .bind(id)
                .bind(name)
                .execute(self.conn())
                .await?;
            return Ok(UserId::new(id));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, kind, full_name, password_hash, active, created_at, tax_code) \
             VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
        )
        .bind(format!("org-{tax_code}"))
        .bind(AccountKind::Organisation.as_str())
        .bind(name)
        .bind(NO_PASSWORD)
        .bind(self.now())
        .bind(tax_code)
        .fetch_one(self.conn())
        .await?;
        Ok(UserId::new(id))
    }

    /// Records `id_number` as the organisation's present representative. If
    /// it was someone else, their period ends and their sessions for the
    /// organisation with it; returns whether the representative changed.
    pub async fn set_representative(&mut self, org: UserId, id_number: &str, full_name: &str) -> Result<bool> {
        let now = self.now();
        let current: Vec<String> =
            sqlx::query_scalar("SELECT id_number FROM representatives WHERE org_id = $1 AND until IS NULL")
                .bind(org.get())
                .fetch_all(self.conn())
                .await?;
        if current.iter().any(|c| c == id_number) {
            return Ok(false);
        }
        sqlx::query("UPDATE representatives SET until = $2 WHERE org_id = $1 AND until IS NULL")
            .bind(org.get())
            .bind(now)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND (person IS NULL OR person <> $2)")
            .bind(org.get())
            .bind(id_number)
            .execute(self.conn())
            .await?;
        sqlx::query("INSERT INTO representatives (org_id, id_number, full_name, since) VALUES ($1, $2, $3, $4)")
            .bind(org.get())
            .bind(id_number)
            .bind(full_name)
            .bind(now)
            .execute(self.conn())
            .await?;
        Ok(true)
    }

    pub async fn create_provider_session(
        &mut self,
        user_id: UserId,
        digest: &str,
        csrf: &str,
        ttl_secs: i64,
        s: &ProviderSession<'_>,
    ) -> Result<()> {
        self.create_session(user_id, digest, csrf, ttl_secs).await?;
        sqlx::query(
            "UPDATE sessions SET provider = $2, subject = $3, sid = $4, assurance = $5, id_token = $6, person = $7 WHERE digest = $1",
        )
        .bind(digest)
        .bind(&s.signed_by.provider)
        .bind(&s.signed_by.subject)
        .bind(s.sid)
        .bind(s.signed_by.assurance.number())
        .bind(s.id_token)
        .bind(s.signed_by.person.clone())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Ends the sessions a provider's logout names (by its session id, its
    /// subject, or both); returns the accounts whose sessions ended.
    pub async fn end_provider_sessions(
        &mut self,
        provider: &str,
        subject: Option<&str>,
        sid: Option<&str>,
    ) -> Result<Vec<UserId>> {
        let (cond, binds): (&str, Vec<&str>) = match (subject, sid) {
            (Some(s), Some(i)) => ("subject = $2 AND sid = $3", vec![s, i]),
            (Some(s), None) => ("subject = $2", vec![s]),
            (None, Some(i)) => ("sid = $2", vec![i]),
            (None, None) => return Ok(Vec::new()),
        };
        let sql = format!("DELETE FROM sessions WHERE provider = $1 AND {cond} RETURNING user_id");
        let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(provider);
        for b in binds {
            q = q.bind(b);
        }
        let ids: Vec<i64> = q.fetch_all(self.conn()).await?;
        let mut ids: Vec<UserId> = ids.into_iter().map(UserId::new).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Links a local account into a verified record: its dossiers become
    /// the record's, it is closed (no sign-in), and the record takes its
    /// `citizen_id`. Refused (`NotFound`) unless it is an open, unverified,
    /// unlinked local citizen account claiming the record's number.
    pub async fn link_local_account(&mut self, record: UserId, local: UserId) -> Result<u64> {
        let number: Option<String> = sqlx::query_scalar("SELECT id_number FROM users WHERE id = $1")
            .bind(record.get())
            .fetch_optional(self.conn())
            .await?
            .flatten();
        let number = number.ok_or(StoreError::NotFound)?;
        let n = sqlx::query(
            "UPDATE users SET active = 0, citizen_id = NULL, linked_to = $2 \
             WHERE id = $1 AND citizen_id = $3 AND id_number IS NULL AND linked_to IS NULL AND active = 1 AND kind = 'citizen'",
        )
        .bind(local.get())
        .bind(record.get())
        .bind(&number)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound);
        }
        let moved = sqlx::query("UPDATE dossiers SET owner_id = $2 WHERE owner_id = $1")
            .bind(local.get())
            .bind(record.get())
            .execute(self.conn())
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(local.get()).execute(self.conn()).await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(local.get()).execute(self.conn()).await?;
        sqlx::query("UPDATE users SET citizen_id = $2 WHERE id = $1")
            .bind(record.get())
            .bind(&number)
            .execute(self.conn())
            .await?;
        Ok(moved)
    }
}

impl Store {
    /// The provider and ID token of a session begun at a provider (for RP-initiated logout).
    pub async fn session_provider(&self, digest: &str) -> Result<Option<(String, String)>> {
        let row = sqlx::query("SELECT provider, id_token FROM sessions WHERE digest = $1 AND provider IS NOT NULL")
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((get(&r, "provider")?, get::<Option<String>>(&r, "id_token")?.unwrap_or_default()))).transpose()
    }

    /// The verified ID number and birth date of an account, for prefilling forms.
    pub async fn verified_person(&self, user: UserId) -> Result<Option<(String, Option<String>)>> {
        let row = sqlx::query("SELECT id_number, birth_date FROM users WHERE id = $1 AND id_number IS NOT NULL")
            .bind(user.get())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((get(&r, "id_number")?, get(&r, "birth_date")?))).transpose()
    }

    /// The unverified local account (with a password) that claims the
    /// verified number of `record`, which the person may link in.
    pub async fn linkable_account(&self, record: UserId) -> Result<Option<(UserId, String)>> {
        let row = sqlx::query(
            "SELECT l.id, l.username FROM users r JOIN users l ON l.citizen_id = r.id_number \
             WHERE r.id = $1 AND l.id <> r.id AND l.id_number IS NULL AND l.linked_to IS NULL AND l.active = 1 \
             AND l.kind = 'citizen' AND l.password_hash <> $2",
        )
        .bind(record.get())
        .bind(NO_PASSWORD)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((UserId::new(get(&r, "id")?), get(&r, "username")?))).transpose()
    }

    /// An organisation's present representatives (ID numbers).
    pub async fn representatives(&self, org: UserId) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT id_number FROM representatives WHERE org_id = $1 AND until IS NULL")
            .bind(org.get())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Deletes sign-ins that were never finished.
    pub async fn sweep_pending_logins(&self) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM oidc_logins WHERE expires_at <= $1")
            .bind(self.now())
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}

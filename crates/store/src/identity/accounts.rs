//! Accounts, roles, sessions, bearer tokens and sign-in failures.

use egov_identity::{AccountKind, AgencyId, Assurance, Principal, Role, SignedBy, UserId};
use sqlx::any::AnyRow;

use crate::{get, Result, Store, StoreError, WriteTx};

/// An account to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub kind: AccountKind,
    pub full_name: String,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub agency_id: Option<String>,
    pub password_hash: String,
    pub roles: Vec<Role>,
}

/// A live bearer token, as its owner may see it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// Microseconds since the epoch.
    pub created_at: i64,
    pub expires_at: i64,
}

/// A line of a staff list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserSummary {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub kind: String,
    pub agency_id: Option<String>,
    pub roles: Vec<Role>,
    /// Whether the account may sign in.
    pub active: bool,
}

const USER_COLS: &str = "id, username, kind, full_name, agency_id";

async fn roles_of(conn: &mut sqlx::AnyConnection, user_id: UserId) -> Result<Vec<Role>> {
    let names: Vec<String> = sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id.get())
        .fetch_all(&mut *conn)
        .await?;
    Ok(names.iter().filter_map(|r| Role::parse(r)).collect())
}

fn principal_base(row: &AnyRow) -> Result<Principal> {
    let kind: String = get(row, "kind")?;
    Ok(Principal {
        user_id: UserId::new(get(row, "id")?),
        username: get(row, "username")?,
        full_name: get(row, "full_name")?,
        kind: AccountKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("account kind {kind}")))?,
        agency_id: get::<Option<String>>(row, "agency_id")?.map(AgencyId::from_stored),
        roles: Vec::new(),
        signed_by: None,
    })
}

impl WriteTx {
    /// Creates an account. Uniqueness of username, e-mail and citizen ID is
    /// checked inside the write lock, so two concurrent registrations cannot both win.
    pub async fn create_user(&mut self, u: &NewUser) -> Result<UserId> {
        for (col, value, field) in [
            ("username", Some(&u.username), "username"),
            ("email", u.email.as_ref(), "email"),
            ("citizen_id", u.citizen_id.as_ref(), "citizen_id"),
        ] {
            if let Some(v) = value {
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users WHERE {col} = $1"))
                    .bind(v)
                    .fetch_one(self.conn())
                    .await?;
                if n > 0 {
                    return Err(StoreError::Conflict(field));
                }
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, kind, full_name, citizen_id, email, phone, agency_id, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) RETURNING id",
        )
        .bind(&u.username)
        .bind(u.kind.as_str())
        .bind(&u.full_name)
        .bind(u.citizen_id.clone())
        .bind(u.email.clone())
        .bind(u.phone.clone())
        .bind(u.agency_id.clone())
        .bind(&u.password_hash)
        .bind(self.now())
        .fetch_one(self.conn())
        .await?;
        for r in &u.roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(r.as_str())
                .execute(self.conn())
                .await?;
        }
        Ok(UserId::new(id))
    }

    /// The citizen with this ID number, or a new account for them (which can
    /// sign in only after setting a password): returns the id and whether it is new.
    pub async fn find_or_create_citizen(
        &mut self,
        citizen_id: &str,
        full_name: &str,
        phone: Option<&str>,
    ) -> Result<(UserId, bool)> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE citizen_id = $1 AND kind = 'citizen'")
            .bind(citizen_id)
            .fetch_optional(self.conn())
            .await?;
        if let Some(id) = found {
            return Ok((UserId::new(id), false));
        }
        let id = self
            .create_user(&NewUser {
                username: citizen_id.to_string(),
                kind: AccountKind::Citizen,
                full_name: full_name.to_string(),
                citizen_id: Some(citizen_id.to_string()),
                email: None,
                phone: phone.map(String::from),
                agency_id: None,
                // Not a PHC string: no password verifies against it.
                password_hash: "!".into(),
                roles: vec![],
            })
            .await?;
        Ok((id, true))
    }

    pub async fn user_id_by_username(&mut self, username: &str) -> Result<Option<UserId>> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.conn())
            .await?;
        Ok(id.map(UserId::new))
    }

    pub async fn create_session(&mut self, user_id: UserId, digest: &str, csrf: &str, ttl_secs: i64) -> Result<()> {
        let now = self.now();
        sqlx::query("INSERT INTO sessions (digest, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(digest)
            .bind(user_id.get())
            .bind(csrf)
            .bind(now)
            .bind(now + ttl_secs * 1_000_000)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&mut self, digest: &str) -> Result<bool> {
        Ok(sqlx::query("DELETE FROM sessions WHERE digest = $1")
            .bind(digest)
            .execute(self.conn())
            .await?
            .rows_affected()
            > 0)
    }

    /// Stores a token's digest, valid until `expires_at` (microseconds).
    pub async fn create_token(&mut self, user_id: UserId, name: &str, digest: &str, expires_at: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO api_tokens (digest, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(digest)
        .bind(user_id.get())
        .bind(name)
        .bind(self.now())
        .bind(expires_at)
        .fetch_one(self.conn())
        .await?)
    }

    /// Revokes one of `user_id`'s own live tokens; false when it has none of that id.
    pub async fn revoke_own_token(&mut self, user_id: UserId, id: i64) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3",
        )
        .bind(id)
        .bind(user_id.get())
        .bind(self.now())
        .execute(self.conn())
        .await?
        .rows_affected()
            > 0)
    }

    /// Revokes a token; returns false when there was no live token of that id.
    pub async fn revoke_token(&mut self, id: i64) -> Result<bool> {
        Ok(sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(self.now())
            .execute(self.conn())
            .await?
            .rows_affected()
            > 0)
    }
}

impl Store {
    /// The id of the account named `username`.
    pub async fn user_id_of(&self, username: &str) -> Result<Option<UserId>> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        Ok(id.map(UserId::new))
    }

    /// The account a login name (username, e-mail or citizen ID) refers to:
    /// its id, password hash and whether it is active.
    pub async fn login_lookup(&self, login: &str) -> Result<Option<(UserId, String, bool)>> {
        let row = sqlx::query(
            "SELECT id, password_hash, active FROM users WHERE username = $1 OR email = $2 OR citizen_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(login)
        .bind(login.to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((UserId::new(get(&r, "id")?), get(&r, "password_hash")?, get::<i64>(&r, "active")? != 0)))
            .transpose()
    }

    pub async fn principal(&self, user_id: UserId) -> Result<Option<Principal>> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1 AND active = 1"))
            .bind(user_id.get())
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut p = principal_base(&row)?;
        p.roles = roles_of(&mut conn, p.user_id).await?;
        Ok(Some(p))
    }

    /// The principal and CSRF token of a live session; a session begun at
    /// an identity provider carries how the person signed in.
    pub async fn session(&self, digest: &str) -> Result<Option<(Principal, String)>> {
        let row = sqlx::query(
            "SELECT user_id, csrf, provider, subject, assurance, person FROM sessions WHERE digest = $1 AND expires_at > $2",
        )
        .bind(digest)
        .bind(self.now())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user_id = UserId::new(get(&row, "user_id")?);
        let signed_by = match (get::<Option<String>>(&row, "provider")?, get::<Option<String>>(&row, "subject")?) {
            (Some(provider), Some(subject)) => {
                let level = get::<Option<i64>>(&row, "assurance")?.unwrap_or(0);
                Some(SignedBy {
                    provider,
                    subject,
                    assurance: Assurance::from_number(level)
                        .ok_or_else(|| StoreError::Corrupt(format!("assurance level {level}")))?,
                    person: get(&row, "person")?,
                })
            }
            _ => None,
        };
        let csrf: String = get(&row, "csrf")?;
        Ok(self.principal(user_id).await?.map(|p| (Principal { signed_by, ..p }, csrf)))
    }

    /// The principal of a live (unrevoked, unexpired) bearer token, and the token's id.
    pub async fn token_principal(&self, digest: &str) -> Result<Option<(Principal, i64)>> {
        let row = sqlx::query(
            "SELECT id, user_id FROM api_tokens WHERE digest = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(digest)
        .bind(self.now())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (id, user_id): (i64, i64) = (get(&row, "id")?, get(&row, "user_id")?);
        Ok(self.principal(UserId::new(user_id)).await?.map(|p| (p, id)))
    }

    /// A user's live tokens, newest first.
    pub async fn tokens_of(&self, user_id: UserId) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, expires_at FROM api_tokens \
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY id DESC",
        )
        .bind(user_id.get())
        .bind(self.now())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: get(r, "id")?,
                    name: get(r, "name")?,
                    created_at: get(r, "created_at")?,
                    expires_at: get(r, "expires_at")?,
                })
            })
            .collect()
    }

    /// Deletes expired sessions and expired or revoked tokens (their issue
    /// and revocation stay in the audit chain); returns how many of each.
    pub async fn sweep_expired_credentials(&self) -> Result<(u64, u64)> {
        let now = self.now();
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        let tokens = sqlx::query("DELETE FROM api_tokens WHERE expires_at <= $1 OR revoked_at IS NOT NULL")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok((sessions.rows_affected(), tokens.rows_affected()))
    }

    pub async fn record_login_failure(&self, username: &str, address: &str) -> Result<()> {
        sqlx::query("INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(address)
            .bind(self.now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Failures since `since_micros` for this login name and for this address.
    pub async fn login_failures_since(&self, username: &str, address: &str, since_micros: i64) -> Result<(i64, i64)> {
        let by_user: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $2")
            .bind(username)
            .bind(since_micros)
            .fetch_one(&self.pool)
            .await?;
        let by_addr: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at > $2")
            .bind(address)
            .bind(since_micros)
            .fetch_one(&self.pool)
            .await?;
        Ok((by_user, by_addr))
    }

    pub async fn clear_login_failures(&self, username: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(&self.pool).await?;
        Ok(())
    }

    /// The staff of an agency.
    pub async fn users_of_agency(&self, agency_id: &str) -> Result<Vec<UserSummary>> {
        let mut conn = self.pool.acquire().await?;
        let rows =
            sqlx::query(&format!("SELECT {USER_COLS}, active FROM users WHERE agency_id = $1 ORDER BY username"))
                .bind(agency_id)
                .fetch_all(&mut *conn)
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let p = principal_base(row)?;
            out.push(UserSummary {
                id: p.user_id,
                roles: roles_of(&mut conn, p.user_id).await?,
                username: p.username,
                full_name: p.full_name,
                kind: p.kind.as_str().to_string(),
                agency_id: p.agency_id.map(|a| a.as_str().to_string()),
                active: get::<i64>(row, "active")? != 0,
            });
        }
        Ok(out)
    }
}

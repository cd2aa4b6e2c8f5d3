//! An agency's staff as its administrator manages them: one official's
//! record, their details, roles and whether they may sign in, and a new
//! password; disabling or resetting ends their sessions and tokens.

use egov_identity::{Role, UserId};

use crate::{get, Result, StoreError, WriteTx};

/// One official as the staff page shows and edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    pub active: bool,
}

/// What an administrator changes of an official.
#[derive(Debug, Clone)]
pub struct StaffChange {
    pub full_name: String,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    pub active: bool,
}

impl WriteTx {
    /// The official `username` of `agency` (no citizen, no other agency's).
    pub async fn staff_member(&mut self, agency: &str, username: &str) -> Result<Option<StaffMember>> {
        let row = sqlx::query(
            "SELECT id, username, full_name, email, active FROM users \
             WHERE agency_id = $1 AND username = $2 AND kind IN ('official', 'system')",
        )
        .bind(agency)
        .bind(username)
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id = UserId::new(get(&row, "id")?);
        let names: Vec<String> = sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(id.get())
            .fetch_all(self.conn())
            .await?;
        Ok(Some(StaffMember {
            id,
            username: get(&row, "username")?,
            full_name: get(&row, "full_name")?,
            email: get(&row, "email")?,
            roles: names.iter().filter_map(|n| Role::parse(n)).collect(),
            active: get::<i64>(&row, "active")? != 0,
        }))
    }

    /// Changes an official's details, roles and whether they may sign in;
    /// a taken e-mail is a conflict. Disabled, their sessions and tokens end.
    pub async fn change_staff(&mut self, id: UserId, c: &StaffChange) -> Result<()> {
        if let Some(email) = &c.email {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1 AND id <> $2")
                .bind(email)
                .bind(id.get())
                .fetch_one(self.conn())
                .await?;
            if n > 0 {
                return Err(StoreError::Conflict("email"));
            }
        }
        sqlx::query("UPDATE users SET full_name = $2, email = $3, active = $4 WHERE id = $1")
            .bind(id.get())
            .bind(&c.full_name)
            .bind(c.email.clone())
            .bind(i64::from(c.active))
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(id.get()).execute(self.conn()).await?;
        for r in &c.roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id.get())
                .bind(r.as_str())
                .execute(self.conn())
                .await?;
        }
        if !c.active {
            self.end_sign_ins(id).await?;
        }
        Ok(())
    }

    /// Sets a new password (already hashed) and ends the account's sessions
    /// and tokens: whoever knew the old one is signed out.
    pub async fn reset_password(&mut self, id: UserId, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(id.get())
            .bind(hash)
            .execute(self.conn())
            .await?;
        self.end_sign_ins(id).await
    }

    async fn end_sign_ins(&mut self, id: UserId) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.get()).execute(self.conn()).await?;
        let now = self.now();
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(id.get())
            .bind(now)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

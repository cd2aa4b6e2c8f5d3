//! `egov admin`: accounts and tokens at the command line (the operator holds
//! the database and may do anything the application layer offers).

use std::process::ExitCode;

use clap::Subcommand;
use egov_identity::Role;

use super::{app_error, parse_lifetime, Db};

#[derive(Subcommand)]
pub(crate) enum AdminCmd {
    /// Create an official or system account.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        /// The agency's identifier.
        #[arg(long)]
        agency: String,
        /// Repeatable: receiver, specialist, approver, agency_admin, system_admin.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The password (or EGOV_NEW_PASSWORD).
        #[arg(long, env = "EGOV_NEW_PASSWORD")]
        password: String,
        /// A system account (for other agencies' systems) instead of a person.
        #[arg(long)]
        system: bool,
        #[command(flatten)]
        db: Db,
    },
    /// Issue a bearer token for an account; prints `ID TOKEN`.
    IssueToken {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// How long the token works, always said: `12h`, `30d` (at most 366 days).
        #[arg(long, value_parser = parse_lifetime)]
        expires_in: std::time::Duration,
        #[command(flatten)]
        db: Db,
    },
    /// Let an official sign in through an identity provider: maps the
    /// provider's subject to the egov account.
    MapIdentity {
        #[arg(long)]
        username: String,
        /// The provider's name, as the providers file names it.
        #[arg(long)]
        provider: String,
        /// The person's subject (`sub`) at that provider.
        #[arg(long)]
        subject: String,
        #[command(flatten)]
        db: Db,
    },
    /// Revoke a bearer token by its id.
    RevokeToken {
        id: i64,
        #[command(flatten)]
        db: Db,
    },
}

/// Accounts and tokens.
pub(crate) async fn admin_cmd(what: AdminCmd) -> Result<ExitCode, String> {
    match what {
        AdminCmd::CreateUser { username, full_name, agency, roles, password: pw, system, db } => {
            let roles = roles
                .iter()
                .map(|r| Role::parse(r).ok_or_else(|| format!("unknown role '{r}'")))
                .collect::<Result<Vec<_>, _>>()?;
            let store = db.open().await?;
            let official = egov_app::accounts::NewOfficial {
                username,
                full_name,
                email: String::new(),
                agency,
                roles,
                password: pw,
                system,
            };
            let id = egov_app::accounts::create_official(&store, egov_app::Actor::Operator, official)
                .await
                .map_err(app_error)?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCmd::IssueToken { username, name, expires_in, db } => {
            let store = db.open().await?;
            let uid = egov_app::accounts::user_id(&store, &username)
                .await
                .map_err(app_error)?
                .ok_or(format!("no user '{username}'"))?;
            let t = egov_app::accounts::issue_token(&store, egov_app::Actor::Operator, uid, &name, expires_in)
                .await
                .map_err(app_error)?;
            println!("{} {}", t.id, t.secret);
            Ok(ExitCode::SUCCESS)
        }
        AdminCmd::MapIdentity { username, provider, subject, db } => {
            let store = db.open().await?;
            let uid =
                egov_app::signin::map_identity(&store, &provider, &subject, &username).await.map_err(app_error)?;
            println!("{provider}:{subject} signs in as {username} ({uid})");
            Ok(ExitCode::SUCCESS)
        }
        AdminCmd::RevokeToken { id, db } => {
            let store = db.open().await?;
            match egov_app::accounts::revoke_token(&store, egov_app::Actor::Operator, id).await {
                Ok(()) => {
                    println!("revoked {id}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(egov_app::AppError::NotFound) => Err(format!("no live token {id}")),
                Err(e) => Err(app_error(e)),
            }
        }
    }
}

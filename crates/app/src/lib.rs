//! The application layer: egov's use cases, as functions over typed inputs
//! that return typed results and one typed error. The API, the pages, the
//! command line and the background jobs all call the same function; none of
//! them repeats a check, a write or an audit entry of its own.
//!
//! Issue 13 moves the use cases here one module at a time: so far the
//! accounts of officials, bearer tokens and the catalog import.
//!
//! **Invariants:** no HTTP and no SQL (the store writes, the web crate
//! translates); every write is one transaction with its audit entries; every
//! access decision is `Principal::may`, asked here, through [`Actor::may`].

pub mod accounts;
pub mod catalog;
mod error;

pub use error::{AppError, FieldError};

use egov_identity::{Action, Principal};

/// Who does something: a signed-in person, or the operator at the command
/// line (who holds the database and may do anything).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Operator,
    User(&'a Principal),
}

impl Actor<'_> {
    /// The one access rule: the operator may; a person as `Principal::may` says.
    pub fn may(&self, action: Action<'_>) -> bool {
        match self {
            Actor::Operator => true,
            Actor::User(p) => p.may(action),
        }
    }

    /// Whether the actor holds the whole system (may grant its roles).
    pub fn is_system(&self) -> bool {
        match self {
            Actor::Operator => true,
            Actor::User(p) => p.is_system_admin(),
        }
    }

    /// The actor as the audit chain names it: `cli` or `user:<id>`.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Operator => "cli".into(),
            Actor::User(p) => format!("user:{}", p.user_id),
        }
    }
}

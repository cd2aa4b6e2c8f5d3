//! Accounts, roles, sessions, tokens, sign-in failures; agencies and
//! administrative units (the directory).

pub(crate) mod accounts;
pub(crate) mod directory;
pub(crate) mod staff;

use crate::Migration;

pub const MIGRATIONS: &[Migration] = crate::migrations!("identity": 15 "0015_token_expiry");

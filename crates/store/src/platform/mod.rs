//! What every module stands on: the audit chain's storage, the blob store,
//! files held for forms shown again, the `meta` table, job leases, and multi-row statement helpers. Its migration is the foundation
//! laid before modules had migrations of their own (users, agencies, units,
//! the catalog's tables, the audit chain, `meta`); later tables belong to
//! the module that owns them.

pub(crate) mod audit;
pub(crate) mod batch;
pub(crate) mod blobs;
pub(crate) mod held;
pub(crate) mod leases;

use crate::Migration;

pub const MIGRATIONS: &[Migration] =
    crate::migrations!("platform": 1 "0001_foundation", 20 "0020_job_leases", 47 "0047_held_files");

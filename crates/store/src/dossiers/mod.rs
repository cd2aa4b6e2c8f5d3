//! Dossiers: rows, numbering, history, the files' rows (their bytes are in `platform::blobs`), the inbox
//! and its mail outbox, ratings, and the group-commit writer of submissions.

pub(crate) mod dossier;
pub(crate) mod group;
pub(crate) mod outbox;
pub(crate) mod worklist;

use crate::Migration;

pub const MIGRATIONS: &[Migration] = crate::migrations!("dossiers":
    3 "0003_dossiers", 4 "0004_inbox", 5 "0005_ratings", 6 "0006_parts", 7 "0007_files", 8 "0008_mail",
    9 "0009_result_files", 10 "0010_blob_index", 17 "0017_filed_by", 18 "0018_work", 19 "0019_work_order");

//! The dossier use cases: filing online (draft or submission), receiving at
//! the counter, acting on a dossier, rating it, reading it, the public
//! status and the officials' worklists.

mod act;
mod file;
mod read;
pub mod slips;

pub use act::{act, rate, ActionFiles, Request};
pub use file::{file, file_at_counter, hold_uploads, may_file, own_draft, prefill, CounterFiling, Filed, Filing};
pub(crate) use read::may_read;
pub use read::{
    available, history, inbox, latest_notice, public_status, read, worklist, worklists_of, Notice, NoticeForm,
    PublicStatus, PublicStep,
};

use egov_calendar::Span;
use egov_catalog::TimeUnit;
use egov_dossier::Rules;

use crate::{App, AppError};

impl App {
    /// Runs `f` with the rules of `procedure`: its processing time and
    /// number of steps, the calendar as it is now, the longest extension.
    pub(crate) fn with_rules<T>(&self, procedure: &str, f: impl FnOnce(&Rules<'_>) -> T) -> Result<T, AppError> {
        let snap = self.catalog.get();
        let p = snap.procedures.get(procedure).ok_or(AppError::NotFound)?;
        let processing_time = match p.processing_time.unit {
            TimeUnit::WorkingDays => Span::WorkingDays(p.processing_time.amount),
            TimeUnit::WorkingHours => Span::WorkingHours(p.processing_time.amount),
        };
        let cal = self.calendar.get();
        let rules = Rules {
            calendar: &cal.1,
            processing_time,
            steps: p.process.len().max(2),
            max_extension: self.config.max_extension,
        };
        Ok(f(&rules))
    }
}

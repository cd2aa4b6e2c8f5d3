//! Reading dossiers: one dossier for those who may see it, its history, the
//! public status by code, the worklists, what a person may do next, and
//! the latest step a notice (forms 02, 03, 04) is printed from.

use chrono::NaiveDateTime;
use egov_dossier::{CommandKind, Dossier, DossierCode, EventKind, Status};
use egov_identity::{Action, AgencyId, Principal, Role};
use egov_kernel::vn;
use egov_store::{Desk, DossierEvent, InboxMessage, Page, Search, StoredDossier, Worklist, WorklistPage};

use crate::{App, AppError};

/// Whether `p` may see a dossier (the rule is `Principal::may`'s).
pub(crate) fn may_read(p: &Principal, d: &Dossier) -> bool {
    p.may(Action::ReadDossier {
        owner: d.owner,
        receiving: d.receiving_agency.as_str(),
        current: d.current_agency.as_str(),
    })
}

/// A dossier, for its owner and the officials of the agencies holding it.
pub async fn read(app: &App, p: &Principal, code: &str) -> Result<StoredDossier, AppError> {
    let d = app.store.dossier(code).await?.ok_or(AppError::NotFound)?;
    if !may_read(p, &d.state) {
        return Err(AppError::Forbidden);
    }
    Ok(d)
}

/// A dossier's history, oldest first (of a dossier [`read`] returned).
pub async fn history(app: &App, d: &StoredDossier) -> Result<Vec<DossierEvent>, AppError> {
    Ok(app.store.dossier_events(d.id).await?)
}

/// What `who` may do to the dossier now, by the state machine and the
/// procedure's rules (what the pages offer).
pub fn available(app: &App, d: &StoredDossier, who: &Principal) -> Vec<CommandKind> {
    app.with_rules(&d.procedure_code, |r| egov_dossier::available_commands(&d.state, who, app.now(), r))
        .unwrap_or_default()
}

/// The public view of a dossier: no personal data beyond a masked name.
#[derive(Debug, Clone)]
pub struct PublicStatus {
    /// The code as it is stored.
    pub code: String,
    pub procedure: String,
    pub procedure_name: String,
    /// The applicant's name, masked: each word's first letter, then stars.
    pub applicant: String,
    pub status: Status,
    pub received_at: Option<NaiveDateTime>,
    pub due: Option<String>,
    pub steps: Vec<PublicStep>,
}

/// One step of the public view: when, what, and the status it led to.
#[derive(Debug, Clone)]
pub struct PublicStep {
    pub at: NaiveDateTime,
    pub action: EventKind,
    pub status: Status,
}

/// The public status of the dossier `code`, typed from paper in any case
/// (agency identifiers are upper case; one that is not is still found as
/// printed); `None` when there is none.
pub async fn public_status(app: &App, code: &str) -> Result<Option<PublicStatus>, AppError> {
    let Ok(parsed) = DossierCode::parse(code) else { return Ok(None) };
    let as_typed = parsed.to_string();
    let upper = as_typed.to_uppercase();
    let candidates = if upper == as_typed { vec![upper] } else { vec![upper, as_typed] };
    for code in candidates {
        let Some(d) = app.store.public_dossier(&code).await? else { continue };
        let name =
            app.catalog.get().procedures.get(d.procedure_code.as_str()).map(|p| p.name_vi.clone()).unwrap_or_default();
        let steps = d
            .steps
            .into_iter()
            .filter_map(|(at, action, status)| Some(PublicStep { at: vn::from_micros(at)?, action, status }))
            .collect();
        return Ok(Some(PublicStatus {
            code,
            procedure: d.procedure_code,
            procedure_name: name,
            applicant: mask_name(&d.applicant_name),
            status: d.status,
            received_at: d.received_at.and_then(vn::from_micros),
            due: d.due,
            steps,
        }));
    }
    Ok(None)
}

/// Masks a name word by word, keeping each first letter and a star for
/// each other letter, three at most (a long word's length is not told):
/// `Nguyễn Văn An` → `N*** V** A*`. No word is shown whole, not even a
/// one-letter one.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            first + &"*".repeat(chars.count().clamp(1, 3))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A person's list: a citizen's own dossiers (all on one page); a page of
/// an official's worklist `which` in their agency as of now (due soon:
/// within one working day), narrowed by a search as typed (a code, an ID
/// number, part of a name).
pub async fn worklist(
    app: &App,
    p: &Principal,
    which: Worklist,
    search: Option<&str>,
    page: Page,
) -> Result<WorklistPage, AppError> {
    if p.is_applicant() {
        let items = app.store.dossiers_of_owner(p.user_id).await?;
        return Ok(WorklistPage { total: items.len() as u64, items });
    }
    let agency = p.agency_id.clone().ok_or(AppError::Forbidden)?;
    let search = search.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect::<String>());
    let folded = search.as_deref().map(egov_catalog::search::fold);
    let search = folded.as_deref().zip(search.as_deref()).map(|(folded, raw)| Search { folded, raw });
    Ok(app.store.worklist(which, &desk(app, p, &agency), search, page).await?)
}

fn desk<'a>(app: &App, p: &Principal, agency: &'a AgencyId) -> Desk<'a> {
    let now = app.now();
    let cal = app.calendar.get();
    let until = cal.1.add_working_minutes(now, i64::from(cal.1.hours().day_minutes)).unwrap_or(now);
    Desk { agency: agency.as_str(), user_id: p.user_id, now, until }
}

/// The worklists an official works from, their own desk's first in the
/// order a dossier moves (to receive, to assign, to process, awaiting
/// approval, to return), then the agency's (waiting for the citizen, due
/// soon, overdue, everything open); with how many dossiers each holds.
pub async fn worklists_of(app: &App, p: &Principal) -> Result<Vec<(Worklist, u64)>, AppError> {
    let agency = p.agency_id.clone().ok_or(AppError::Forbidden)?;
    let lists: Vec<Worklist> = Worklist::ALL
        .into_iter()
        .filter(|l| match l {
            Worklist::ToReceive | Worklist::ToReturn => p.has_role(Role::Receiver),
            Worklist::ToAssign | Worklist::AwaitingApproval => p.has_role(Role::Approver),
            Worklist::Mine => p.has_role(Role::Specialist),
            Worklist::Waiting | Worklist::DueBefore | Worklist::Overdue | Worklist::Agency => true,
        })
        .collect();
    Ok(app.store.worklist_counts(&lists, &desk(app, p, &agency)).await?)
}

/// A person's inbox, newest first; with `mark_read`, everything in it is
/// read from now on (the page marks it, the API does not).
pub async fn inbox(app: &App, p: &Principal, mark_read: bool) -> Result<Vec<InboxMessage>, AppError> {
    let messages = app.store.inbox(p.user_id).await?;
    if mark_read {
        app.store.mark_inbox_read(p.user_id).await?;
    }
    Ok(messages)
}

/// The notices printed from a dossier's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeForm {
    /// Form 02: a supplement request, or a return as incomplete.
    Supplement,
    /// Form 03: a refusal.
    Refusal,
    /// Form 04: an apology and the new date.
    Apology,
    /// The notice that processing stopped (form 05 of the 2025 set; the
    /// refusal form's number before it).
    Stopped,
}

impl NoticeForm {
    pub const ALL: [NoticeForm; 4] =
        [NoticeForm::Supplement, NoticeForm::Refusal, NoticeForm::Apology, NoticeForm::Stopped];

    /// Its number in the 2025 form set, which the API's addresses use.
    pub fn number(self) -> &'static str {
        match self {
            NoticeForm::Supplement => "02",
            NoticeForm::Refusal => "03",
            NoticeForm::Apology => "04",
            NoticeForm::Stopped => "05",
        }
    }

    /// Whether one of a dossier's steps issued this notice.
    pub fn issued_by(self, action: EventKind) -> bool {
        matches!(action, EventKind::Command(k) if self.steps().contains(&k))
    }

    fn steps(self) -> &'static [CommandKind] {
        match self {
            NoticeForm::Supplement => &[CommandKind::RequestSupplement, CommandKind::ReturnIncomplete],
            NoticeForm::Refusal => &[CommandKind::Refuse],
            NoticeForm::Apology => &[CommandKind::Apologize],
            NoticeForm::Stopped => &[CommandKind::Stop],
        }
    }
}

/// What a notice is printed from: the dossier and its latest matching step.
pub struct Notice {
    pub dossier: StoredDossier,
    pub step: DossierEvent,
}

/// The latest step of the dossier `code` that `form` is printed from, for
/// those who may read the dossier; not found when there is none.
pub async fn latest_notice(app: &App, p: &Principal, code: &str, form: NoticeForm) -> Result<Notice, AppError> {
    let dossier = read(app, p, code).await?;
    let events = history(app, &dossier).await?;
    let step = events.into_iter().rev().find(|e| form.issued_by(e.action)).ok_or(AppError::NotFound)?;
    Ok(Notice { dossier, step })
}

#[cfg(test)]
mod tests {
    use super::mask_name;

    #[test]
    fn a_name_shows_each_first_letter_and_at_most_three_stars() {
        assert_eq!(mask_name("Nguyễn Văn An"), "N*** V** A*");
        assert_eq!(mask_name("  Lê   Thị  B "), "L* T** B*");
        assert_eq!(mask_name("Đặng"), "Đ***");
        assert_eq!(mask_name(""), "");
    }
}

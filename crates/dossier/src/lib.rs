//! The one-stop dossier lifecycle as a typed state machine: statuses with
//! their national codes, the commands officials and citizens give, and one
//! function, [`apply`], that checks every precondition (who, which agency,
//! which status) and computes the next state and its deadline. No I/O: the
//! caller loads the dossier, supplies the time and the calendar, and stores
//! the transition in one transaction.

pub mod code;
mod event;

use chrono::NaiveDateTime;
use egov_calendar::{Calendar, Span};
use egov_identity::{AgencyId, Principal, Role, UserId};
use serde::{Deserialize, Serialize};

pub use code::{CodeError, DossierCode};
pub use event::{who_is_told, EventKind};

/// Where a dossier is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Saved by the citizen, not yet submitted: no code, no clock.
    Draft,
    /// Submitted online, waiting for a receiving officer.
    Submitted,
    /// An online dossier returned once, incomplete, with the list of what is missing.
    ReturnedIncomplete,
    /// Accepted: the deadline runs; waiting for assignment.
    Accepted,
    /// Assigned and being processed at a step of the process.
    Processing,
    /// Waiting for the citizen's supplement: the clock is paused.
    SupplementRequested,
    /// Approved: waiting for the result to be returned.
    Approved,
    ResultReturned,
    Refused,
    Withdrawn,
    Stopped,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Submitted,
        Status::ReturnedIncomplete,
        Status::Accepted,
        Status::Processing,
        Status::SupplementRequested,
        Status::Approved,
        Status::ResultReturned,
        Status::Refused,
        Status::Withdrawn,
        Status::Stopped,
    ];

    /// The status code used with the National Public Service Portal (1–10);
    /// a draft has none.
    pub fn national_code(self) -> Option<u8> {
        Some(match self {
            Status::Draft => return None,
            Status::Submitted => 1,
            Status::Accepted => 2,
            Status::ReturnedIncomplete | Status::Refused => 3,
            Status::Processing => 4,
            Status::SupplementRequested => 5,
            Status::Withdrawn => 7,
            Status::Stopped => 8,
            Status::Approved => 9,
            Status::ResultReturned => 10,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::ReturnedIncomplete => "returned_incomplete",
            Status::Accepted => "accepted",
            Status::Processing => "processing",
            Status::SupplementRequested => "supplement_requested",
            Status::Approved => "approved",
            Status::ResultReturned => "result_returned",
            Status::Refused => "refused",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The i18n key of the status's name: `status.<name>`.
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Draft => "status.draft",
            Status::Submitted => "status.submitted",
            Status::ReturnedIncomplete => "status.returned_incomplete",
            Status::Accepted => "status.accepted",
            Status::Processing => "status.processing",
            Status::SupplementRequested => "status.supplement_requested",
            Status::Approved => "status.approved",
            Status::ResultReturned => "status.result_returned",
            Status::Refused => "status.refused",
            Status::Withdrawn => "status.withdrawn",
            Status::Stopped => "status.stopped",
        }
    }

    /// Whether nothing more can happen to the dossier.
    pub fn is_final(self) -> bool {
        matches!(self, Status::ResultReturned | Status::Refused | Status::Withdrawn | Status::Stopped)
    }

    /// Whether the deadline clock runs in this status.
    pub fn clock_runs(self) -> bool {
        matches!(self, Status::Accepted | Status::Processing)
    }
}

/// How a dossier came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Counter = 1,
    Online = 2,
    Post = 3,
}

/// The state of a dossier that the rules look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub status: Status,
    pub channel: Channel,
    /// The citizen's account, when the citizen has one.
    pub owner: Option<UserId>,
    /// The agency that received it (and returns the result).
    pub receiving_agency: AgencyId,
    /// The agency that holds it now.
    pub current_agency: AgencyId,
    /// The official processing it now.
    pub assignee: Option<UserId>,
    /// The index of the current process step.
    pub step: usize,
    pub due: Option<NaiveDateTime>,
    pub apologized: bool,
    pub returned_once: bool,
    pub supplements: u32,
    /// Whether the citizen has rated the service.
    #[serde(default)]
    pub rated: bool,
    /// How the result was returned, once it was.
    #[serde(default)]
    pub result: Option<ResultDelivery>,
    /// Every document ever asked for in a supplement request, in order; a
    /// supplementary file answers item `j` as part `SUPPLEMENT_PART_BASE + j`.
    #[serde(default)]
    pub requested: Vec<String>,
    /// Where the latest request's items begin in `requested`.
    #[serde(default)]
    pub requested_from: usize,
    /// Whether a dossier being processed has reached its process's approval
    /// step (the specialist can forward it no further).
    #[serde(default)]
    pub at_approval: bool,
    /// What its unpaid fees hold back: read from its payment requests by
    /// whoever loads the dossier to act on it, never stored with it.
    #[serde(skip)]
    pub fees: FeeHolds,
}

/// What a dossier's unpaid fees hold back (the payments' `holds` rule).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeeHolds {
    /// A fee due with the application is unpaid: the dossier is not accepted yet.
    pub reception: bool,
    /// A fee is unpaid: the result is not handed over yet.
    pub result: bool,
}

/// Whose move a dossier waits for: the worklist it belongs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Work {
    /// Submitted online: a receiving officer accepts or returns it.
    Receive,
    /// Accepted: an approver assigns a specialist.
    Assign,
    /// Being processed: the assigned specialist's step.
    Process,
    /// At the approval step: an approver approves, refuses or stops it.
    Approve,
    /// Approved: a receiving officer returns the result.
    Return,
    /// Returned incomplete or asked for a supplement: the citizen's move.
    Citizen,
}

impl Work {
    pub const ALL: [Work; 6] = [Work::Receive, Work::Assign, Work::Process, Work::Approve, Work::Return, Work::Citizen];

    pub fn as_str(self) -> &'static str {
        match self {
            Work::Receive => "receive",
            Work::Assign => "assign",
            Work::Process => "process",
            Work::Approve => "approve",
            Work::Return => "return",
            Work::Citizen => "citizen",
        }
    }

    pub fn parse(s: &str) -> Option<Work> {
        Work::ALL.into_iter().find(|w| w.as_str() == s)
    }
}

/// The part index of the file answering the `j`-th requested document.
pub const SUPPLEMENT_PART_BASE: usize = 1000;

impl Dossier {
    /// Whose move the dossier waits for; none once it is closed (or a draft).
    pub fn work(&self) -> Option<Work> {
        Some(match self.status {
            Status::Submitted => Work::Receive,
            Status::Accepted => Work::Assign,
            Status::Processing if self.at_approval => Work::Approve,
            Status::Processing => Work::Process,
            Status::Approved => Work::Return,
            Status::SupplementRequested | Status::ReturnedIncomplete => Work::Citizen,
            Status::Draft | Status::ResultReturned | Status::Refused | Status::Withdrawn | Status::Stopped => {
                return None
            }
        })
    }

    /// The documents the open supplement request asks for, with their
    /// indexes in `requested`; none unless a supplement is requested.
    pub fn pending_documents(&self) -> Vec<(usize, &str)> {
        if self.status != Status::SupplementRequested {
            return Vec::new();
        }
        self.requested.iter().enumerate().skip(self.requested_from).map(|(j, s)| (j, s.as_str())).collect()
    }

    /// What a supplementary file of part index `part` answers, if it is one.
    pub fn requested_document(&self, part: usize) -> Option<&str> {
        part.checked_sub(SUPPLEMENT_PART_BASE).and_then(|j| self.requested.get(j)).map(String::as_str)
    }
}

/// How a result is returned: an electronic document (uploaded with the
/// action), a paper one handed over or posted, or both; never neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDelivery {
    pub electronic: bool,
    pub paper: bool,
}

impl Dossier {
    /// A new dossier as the citizen saves it.
    pub fn draft(owner: UserId, agency: &AgencyId) -> Dossier {
        Dossier {
            status: Status::Draft,
            channel: Channel::Online,
            owner: Some(owner),
            receiving_agency: agency.clone(),
            current_agency: agency.clone(),
            assignee: None,
            step: 0,
            due: None,
            apologized: false,
            returned_once: false,
            supplements: 0,
            rated: false,
            result: None,
            requested: Vec::new(),
            requested_from: 0,
            at_approval: false,
            fees: FeeHolds::default(),
        }
    }
}

/// An official to assign the dossier to, as the store found them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub user_id: UserId,
    pub agency: AgencyId,
    pub roles: Vec<Role>,
}

/// What someone asks to do to a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    Submit,
    Accept,
    ReturnIncomplete {
        missing: Vec<String>,
    },
    Assign {
        to: Assignee,
    },
    /// To the next step of the process, or to another agency.
    Forward {
        to_agency: Option<AgencyId>,
    },
    RequestSupplement {
        missing: Vec<String>,
    },
    Resubmit,
    Refuse {
        reason: String,
    },
    Withdraw {
        reason: String,
    },
    Stop {
        reason: String,
    },
    Approve,
    /// `electronic`: a result document is attached to the action.
    ReturnResult {
        electronic: bool,
        paper: bool,
    },
    Apologize {
        new_due: NaiveDateTime,
        reason: String,
    },
}

/// A command's kind, without its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandKind {
    Submit,
    Accept,
    ReturnIncomplete,
    Assign,
    Forward,
    RequestSupplement,
    Resubmit,
    Refuse,
    Withdraw,
    Stop,
    Approve,
    ReturnResult,
    Apologize,
}

impl CommandKind {
    pub const ALL: [CommandKind; 13] = [
        CommandKind::Submit,
        CommandKind::Accept,
        CommandKind::ReturnIncomplete,
        CommandKind::Assign,
        CommandKind::Forward,
        CommandKind::RequestSupplement,
        CommandKind::Resubmit,
        CommandKind::Refuse,
        CommandKind::Withdraw,
        CommandKind::Stop,
        CommandKind::Approve,
        CommandKind::ReturnResult,
        CommandKind::Apologize,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CommandKind::Submit => "submit",
            CommandKind::Accept => "accept",
            CommandKind::ReturnIncomplete => "return_incomplete",
            CommandKind::Assign => "assign",
            CommandKind::Forward => "forward",
            CommandKind::RequestSupplement => "request_supplement",
            CommandKind::Resubmit => "resubmit",
            CommandKind::Refuse => "refuse",
            CommandKind::Withdraw => "withdraw",
            CommandKind::Stop => "stop",
            CommandKind::Approve => "approve",
            CommandKind::ReturnResult => "return_result",
            CommandKind::Apologize => "apologize",
        }
    }
}

impl Command {
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Submit => CommandKind::Submit,
            Command::Accept => CommandKind::Accept,
            Command::ReturnIncomplete { .. } => CommandKind::ReturnIncomplete,
            Command::Assign { .. } => CommandKind::Assign,
            Command::Forward { .. } => CommandKind::Forward,
            Command::RequestSupplement { .. } => CommandKind::RequestSupplement,
            Command::Resubmit => CommandKind::Resubmit,
            Command::Refuse { .. } => CommandKind::Refuse,
            Command::Withdraw { .. } => CommandKind::Withdraw,
            Command::Stop { .. } => CommandKind::Stop,
            Command::Approve => CommandKind::Approve,
            Command::ReturnResult { .. } => CommandKind::ReturnResult,
            Command::Apologize { .. } => CommandKind::Apologize,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

/// Why a command is refused; each has an i18n key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierError {
    #[error("{action} is not allowed while the dossier is {status:?}")]
    WrongStatus { action: &'static str, status: Status },
    #[error("{action} needs the role {role:?}")]
    WrongRole { action: &'static str, role: Role },
    #[error("{action} belongs to another agency")]
    WrongAgency { action: &'static str },
    #[error("only the citizen who filed the dossier may {action}")]
    NotOwner { action: &'static str },
    #[error("only the assigned official may {action}")]
    NotAssignee { action: &'static str },
    #[error("an online dossier can be returned incomplete only once")]
    AlreadyReturned,
    #[error("the list of what is missing is empty")]
    NothingMissing,
    #[error("a reason is required")]
    NoReason,
    #[error("the apology and new date can be given only once")]
    AlreadyApologized,
    #[error("the apology must come before the due date")]
    TooLate,
    #[error("the new date must be after the current due date")]
    NewDueNotLater,
    #[error("the new date may be at most {0} after the current due date")]
    ExtensionTooLong(String),
    #[error("the official to assign must be a specialist of the agency holding the dossier")]
    BadAssignee,
    #[error("the dossier is at the last step: approve it instead")]
    LastStep,
    #[error("calendar: {0}")]
    Calendar(String),
    #[error("a rating is nine scores of 0, 1 or 2")]
    BadRating,
    #[error("the dossier is already rated")]
    AlreadyRated,
    #[error("a result is returned electronically (a document attached), on paper, or both")]
    NoResult,
    #[error("a fee due with the application is not paid yet")]
    FeeUnpaidAtSubmission,
    #[error("a fee is not paid yet: the result is handed over once it is")]
    FeeUnpaid,
}

impl DossierError {
    pub fn key(&self) -> &'static str {
        match self {
            DossierError::WrongStatus { .. } => "err.dossier.status",
            DossierError::WrongRole { .. } => "err.dossier.role",
            DossierError::WrongAgency { .. } => "err.dossier.agency",
            DossierError::NotOwner { .. } => "err.dossier.owner",
            DossierError::NotAssignee { .. } => "err.dossier.assignee",
            DossierError::AlreadyReturned => "err.dossier.returned",
            DossierError::NothingMissing => "err.dossier.missing",
            DossierError::NoReason => "err.dossier.reason",
            DossierError::AlreadyApologized => "err.dossier.apologized",
            DossierError::TooLate => "err.dossier.too_late",
            DossierError::NewDueNotLater => "err.dossier.new_due",
            DossierError::ExtensionTooLong(_) => "err.dossier.extension",
            DossierError::BadAssignee => "err.dossier.bad_assignee",
            DossierError::LastStep => "err.dossier.last_step",
            DossierError::Calendar(_) => "err.calendar.range",
            DossierError::BadRating => "err.dossier.rating",
            DossierError::AlreadyRated => "err.dossier.rated",
            DossierError::NoResult => "err.dossier.no_result",
            DossierError::FeeUnpaidAtSubmission => "err.dossier.fee_unpaid_reception",
            DossierError::FeeUnpaid => "err.dossier.fee_unpaid",
        }
    }
}

/// What the rules need besides the dossier: the procedure's processing time
/// and number of process steps, and the working-day calendar.
pub struct Rules<'a> {
    pub calendar: &'a Calendar,
    pub processing_time: Span,
    pub steps: usize,
    /// How far past the current due date an apology may set the new one.
    pub max_extension: Span,
}

fn official_of(p: &Principal, agency: &AgencyId, role: Role, action: &'static str) -> Result<(), DossierError> {
    if !p.is_official() {
        return Err(DossierError::WrongRole { action, role });
    }
    if p.agency_id.as_ref() != Some(agency) {
        return Err(DossierError::WrongAgency { action });
    }
    if !p.has_role(role) {
        return Err(DossierError::WrongRole { action, role });
    }
    Ok(())
}

fn owner(p: &Principal, d: &Dossier, action: &'static str) -> Result<(), DossierError> {
    if p.is_applicant() && d.owner == Some(p.user_id) {
        Ok(())
    } else {
        Err(DossierError::NotOwner { action })
    }
}

fn need(status: Status, allowed: &[Status], action: &'static str) -> Result<(), DossierError> {
    if allowed.contains(&status) {
        Ok(())
    } else {
        Err(DossierError::WrongStatus { action, status })
    }
}

fn reason(s: &str) -> Result<(), DossierError> {
    if s.trim().is_empty() {
        Err(DossierError::NoReason)
    } else {
        Ok(())
    }
}

/// Whether `who` may give a command of this kind to the dossier now,
/// whatever its details: its status; the role and agency, the ownership or
/// the assignment it needs; and the dossier's own state (returned once
/// already, apologised already, past its due date).
pub fn admits(d: &Dossier, who: &Principal, kind: CommandKind, now: NaiveDateTime) -> Result<(), DossierError> {
    use CommandKind as K;
    let action = kind.name();
    match kind {
        K::Submit => {
            need(d.status, &[Status::Draft, Status::ReturnedIncomplete], action)?;
            owner(who, d, action)?;
        }
        K::Accept | K::ReturnIncomplete => {
            need(d.status, &[Status::Submitted], action)?;
            official_of(who, &d.receiving_agency, Role::Receiver, action)?;
            if kind == K::ReturnIncomplete && d.returned_once {
                return Err(DossierError::AlreadyReturned);
            }
        }
        K::Assign => {
            need(d.status, &[Status::Accepted, Status::Processing], action)?;
            official_of(who, &d.current_agency, Role::Approver, action)?;
        }
        K::Forward => {
            need(d.status, &[Status::Processing], action)?;
            official_of(who, &d.current_agency, Role::Specialist, action)?;
            if d.assignee != Some(who.user_id) {
                return Err(DossierError::NotAssignee { action });
            }
        }
        K::RequestSupplement => {
            need(d.status, &[Status::Accepted, Status::Processing], action)?;
            let as_receiver = official_of(who, &d.receiving_agency, Role::Receiver, action);
            let as_specialist = official_of(who, &d.current_agency, Role::Specialist, action);
            if as_receiver.is_err() {
                as_specialist?;
            }
        }
        K::Resubmit => {
            need(d.status, &[Status::SupplementRequested], action)?;
            owner(who, d, action)?;
        }
        K::Refuse => {
            need(d.status, &[Status::Submitted, Status::Accepted, Status::Processing], action)?;
            if d.status == Status::Submitted {
                official_of(who, &d.receiving_agency, Role::Receiver, action)?;
            } else {
                official_of(who, &d.current_agency, Role::Approver, action)?;
            }
        }
        K::Withdraw => {
            need(
                d.status,
                &[
                    Status::Draft,
                    Status::Submitted,
                    Status::ReturnedIncomplete,
                    Status::Accepted,
                    Status::Processing,
                    Status::SupplementRequested,
                ],
                action,
            )?;
            owner(who, d, action)?;
        }
        K::Stop => {
            need(d.status, &[Status::Accepted, Status::Processing, Status::SupplementRequested], action)?;
            official_of(who, &d.current_agency, Role::Approver, action)?;
        }
        K::Approve => {
            need(d.status, &[Status::Processing], action)?;
            official_of(who, &d.current_agency, Role::Approver, action)?;
        }
        K::ReturnResult => {
            need(d.status, &[Status::Approved], action)?;
            official_of(who, &d.receiving_agency, Role::Receiver, action)?;
        }
        K::Apologize => {
            need(d.status, &[Status::Accepted, Status::Processing], action)?;
            official_of(who, &d.current_agency, Role::Approver, action)?;
            if d.apologized {
                return Err(DossierError::AlreadyApologized);
            }
            let due = d.due.ok_or(DossierError::WrongStatus { action, status: d.status })?;
            if now >= due {
                return Err(DossierError::TooLate);
            }
        }
    }
    Ok(())
}

/// The kinds of command `who` may give the dossier now (what the pages
/// offer). `Forward` is offered as "to the next step of the process", which
/// the last step has not.
pub fn available_commands(d: &Dossier, who: &Principal, now: NaiveDateTime, rules: &Rules<'_>) -> Vec<CommandKind> {
    CommandKind::ALL
        .into_iter()
        .filter(|k| admits(d, who, *k, now).is_ok())
        .filter(|k| *k != CommandKind::Forward || d.step + 1 < rules.steps.saturating_sub(1))
        .collect()
}

/// Applies a command: checks who may do it to this dossier now
/// ([`admits`]), then its details, and returns the next state. The dossier
/// passed in is never changed.
pub fn apply(
    d: &Dossier,
    who: &Principal,
    cmd: &Command,
    now: NaiveDateTime,
    rules: &Rules<'_>,
) -> Result<Dossier, DossierError> {
    admits(d, who, cmd.kind(), now)?;
    let mut n = d.clone();
    let cal =
        |r: Result<NaiveDateTime, egov_calendar::CalendarError>| r.map_err(|e| DossierError::Calendar(e.to_string()));
    match cmd {
        Command::Submit => n.status = Status::Submitted,
        Command::Accept => {
            if d.fees.reception {
                return Err(DossierError::FeeUnpaidAtSubmission);
            }
            n.status = Status::Accepted;
            n.due = Some(cal(rules.calendar.due(now, rules.processing_time))?);
        }
        Command::ReturnIncomplete { missing } => {
            if missing.iter().all(|m| m.trim().is_empty()) {
                return Err(DossierError::NothingMissing);
            }
            n.status = Status::ReturnedIncomplete;
            n.returned_once = true;
        }
        Command::Assign { to } => {
            if to.agency != d.current_agency || !to.roles.contains(&Role::Specialist) {
                return Err(DossierError::BadAssignee);
            }
            n.status = Status::Processing;
            n.assignee = Some(to.user_id);
            if d.status == Status::Accepted {
                n.step = 1.min(rules.steps.saturating_sub(1));
            }
        }
        Command::Forward { to_agency } => match to_agency {
            Some(a) if a != &d.current_agency => {
                n.current_agency = a.clone();
                n.assignee = None;
                n.status = Status::Accepted;
            }
            _ => {
                if d.step + 1 >= rules.steps.saturating_sub(1) {
                    return Err(DossierError::LastStep);
                }
                n.step = d.step + 1;
            }
        },
        Command::RequestSupplement { missing } => {
            if missing.iter().all(|m| m.trim().is_empty()) {
                return Err(DossierError::NothingMissing);
            }
            n.status = Status::SupplementRequested;
            n.supplements = d.supplements + 1;
            n.requested_from = d.requested.len();
            n.requested.extend(missing.iter().map(|m| m.trim()).filter(|m| !m.is_empty()).map(String::from));
        }
        Command::Resubmit => {
            // A complete resubmission restarts the deadline from zero.
            n.status = if d.assignee.is_some() { Status::Processing } else { Status::Accepted };
            n.due = Some(cal(rules.calendar.due(now, rules.processing_time))?);
        }
        Command::Refuse { reason: r } => {
            reason(r)?;
            n.status = Status::Refused;
        }
        Command::Withdraw { reason: r } => {
            reason(r)?;
            n.status = Status::Withdrawn;
        }
        Command::Stop { reason: r } => {
            reason(r)?;
            n.status = Status::Stopped;
        }
        Command::Approve => {
            n.status = Status::Approved;
            n.step = rules.steps.saturating_sub(1);
        }
        Command::ReturnResult { electronic, paper } => {
            if !electronic && !paper {
                return Err(DossierError::NoResult);
            }
            if d.fees.result {
                return Err(DossierError::FeeUnpaid);
            }
            n.status = Status::ResultReturned;
            n.result = Some(ResultDelivery { electronic: *electronic, paper: *paper });
        }
        Command::Apologize { new_due, reason: r } => {
            reason(r)?;
            let due = d.due.ok_or(DossierError::WrongStatus { action: "apologize", status: d.status })?;
            if *new_due <= due {
                return Err(DossierError::NewDueNotLater);
            }
            // the latest allowed is itself inside the calendar's years
            let latest = cal(rules.calendar.due(due, rules.max_extension))?;
            if *new_due > latest {
                return Err(DossierError::ExtensionTooLong(match rules.max_extension {
                    Span::WorkingDays(n) => format!("{n} working days"),
                    Span::WorkingHours(n) => format!("{n} working hours"),
                }));
            }
            n.due = Some(*new_due);
            n.apologized = true;
        }
    }
    // forwarding is offered up to the step before the last; there, it waits for approval
    n.at_approval = n.status == Status::Processing && n.step + 2 >= rules.steps;
    Ok(n)
}

/// A dossier handed in at the one-stop desk: the receiving officer records
/// and accepts it at once, and its deadline starts.
pub fn receive_at_counter(
    who: &Principal,
    agency: &AgencyId,
    owner: UserId,
    now: NaiveDateTime,
    rules: &Rules<'_>,
) -> Result<Dossier, DossierError> {
    official_of(who, agency, Role::Receiver, "receive_at_counter")?;
    let mut d = Dossier::draft(owner, agency);
    d.channel = Channel::Counter;
    d.status = Status::Accepted;
    d.due = Some(rules.calendar.due(now, rules.processing_time).map_err(|e| DossierError::Calendar(e.to_string()))?);
    Ok(d)
}

/// The kinds of file a document part may be, told from the content (never
/// from the name): PDF, JPEG or PNG.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Largest attachment, and largest total per dossier, in bytes.
pub const MAX_FILE: usize = 10 * 1024 * 1024;
pub const MAX_DOSSIER_FILES: usize = 25 * 1024 * 1024;

/// The citizen's rating of a finished dossier: the nine indicators of
/// Circular 01/2018, each 0, 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating(pub [u8; 9]);

impl Rating {
    pub fn new(scores: &[u8]) -> Result<Rating, DossierError> {
        let arr: [u8; 9] = scores.try_into().map_err(|_| DossierError::BadRating)?;
        if arr.iter().any(|s| *s > 2) {
            return Err(DossierError::BadRating);
        }
        Ok(Rating(arr))
    }

    pub fn total(&self) -> u32 {
        self.0.iter().map(|s| u32::from(*s)).sum()
    }
}

/// The command with which the owner sends a dossier back completed: one
/// paused for a supplement resumes, its deadline restarted (`Resubmit`);
/// one returned incomplete before acceptance is submitted anew and waits
/// for a receiving officer again (`Submit`).
pub fn resubmission(d: &Dossier) -> Command {
    if d.status == Status::ReturnedIncomplete {
        Command::Submit
    } else {
        Command::Resubmit
    }
}

/// Whether `who` may send the dossier back completed now (what the page offers).
pub fn may_resubmit(d: &Dossier, who: &Principal, now: NaiveDateTime) -> bool {
    admits(d, who, resubmission(d).kind(), now).is_ok()
}

/// Records the owner's rating once the result is returned; once only.
pub fn rate(d: &Dossier, who: &Principal) -> Result<Dossier, DossierError> {
    need(d.status, &[Status::ResultReturned], "rate")?;
    owner(who, d, "rate")?;
    if d.rated {
        return Err(DossierError::AlreadyRated);
    }
    let mut n = d.clone();
    n.rated = true;
    Ok(n)
}

#[cfg(test)]
mod tests;

//! The editorial workflow: a writer drafts and sends to the editor; the
//! editor sends back (with a note) or approves; the publisher publishes —
//! now or at a time — or sends back; a published article is unpublished,
//! now or at a time, with a reason, and may be published again. Whoever
//! edits an article that is not a draft takes it back to the editor.
//! Which desk a person sits at is decided by the application (per agency).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    /// With the editor.
    Review,
    /// Approved by the editor, with the publisher.
    Approved,
    /// Published, or to be at `publish_at`.
    Published,
    /// Taken down, with a reason.
    Unpublished,
}

impl State {
    pub const ALL: [State; 5] = [State::Draft, State::Review, State::Approved, State::Published, State::Unpublished];
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Review => "review",
            State::Approved => "approved",
            State::Published => "published",
            State::Unpublished => "unpublished",
        }
    }
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a person works on an agency's articles; each desk may do what the
/// ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Desk {
    Writer,
    Editor,
    Publisher,
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The writer sends the draft to the editor.
    Submit,
    /// Back to the writer, with a note.
    SendBack { note: String },
    /// The editor approves: to the publisher.
    Approve,
    /// The publisher publishes at `at` (now or later).
    Publish { at: NaiveDateTime },
    /// The publisher takes it down at `at` (now or later), saying why.
    Unpublish { at: NaiveDateTime, reason: String },
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::SendBack { .. } => "send_back",
            Step::Approve => "approve",
            Step::Publish { .. } => "publish",
            Step::Unpublish { .. } => "unpublish",
        }
    }
}

/// The state after `step`, taken at `desk`, from `state`; or why not.
pub fn next(state: State, desk: Desk, step: &Step) -> Result<State, Problem> {
    let refuse = |key| Err(Problem { field: "step", key });
    let need = |d: Desk| if desk >= d { Ok(()) } else { Err(Problem { field: "step", key: "err.news.desk" }) };
    match (step, state) {
        (Step::Submit, State::Draft) => need(Desk::Writer).map(|()| State::Review),
        (Step::SendBack { note }, State::Review | State::Approved) => {
            need(if state == State::Review { Desk::Editor } else { Desk::Publisher })?;
            if note.trim().is_empty() {
                return Err(Problem { field: "note", key: "err.required" });
            }
            Ok(State::Draft)
        }
        (Step::Approve, State::Review) => need(Desk::Editor).map(|()| State::Approved),
        (Step::Publish { .. }, State::Approved | State::Unpublished) => {
            need(Desk::Publisher).map(|()| State::Published)
        }
        (Step::Unpublish { reason, .. }, State::Published) => {
            need(Desk::Publisher)?;
            if reason.trim().is_empty() {
                return Err(Problem { field: "reason", key: "err.required" });
            }
            Ok(State::Unpublished)
        }
        _ => refuse("err.news.state"),
    }
}

/// Whether an article shows at `now`: published, from its publication
/// until its unpublication (if one is set; an article unpublished at a
/// later time shows until then).
pub fn shows(
    state: State,
    publish_at: Option<NaiveDateTime>,
    unpublish_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    matches!(state, State::Published | State::Unpublished)
        && publish_at.is_some_and(|p| p <= now)
        && unpublish_at.is_none_or(|u| now < u)
}

/// The steps open at `desk` on an article in `state` (their names), for a
/// page to offer: exactly those [`next`] allows, given what each needs.
pub fn open_steps(state: State, desk: Desk) -> Vec<&'static str> {
    let at = NaiveDateTime::default();
    let filled = [
        Step::Submit,
        Step::SendBack { note: "-".into() },
        Step::Approve,
        Step::Publish { at },
        Step::Unpublish { at, reason: "-".into() },
    ];
    filled.iter().filter(|s| next(state, desk, s).is_ok()).map(Step::name).collect()
}

//! A payment request: what a dossier owes for a fee, when it is due, and
//! its state — pending, then paid, failed or expired; a paid one refunded.
//! One function per transition, each checking where it may start from.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Pending,
    Paid,
    Failed,
    Expired,
    Refunded,
}

impl State {
    pub const ALL: [State; 5] = [State::Pending, State::Paid, State::Failed, State::Expired, State::Refunded];
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Paid => "paid",
            State::Failed => "failed",
            State::Expired => "expired",
            State::Refunded => "refunded",
        }
    }
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still to be paid: pending, or after a failed attempt (the states
    /// [`pay`] starts from).
    pub fn awaiting(self) -> bool {
        matches!(self, State::Pending | State::Failed)
    }

    /// The states [`State::awaiting`] holds for, for a store's lists.
    pub const AWAITING: [State; 2] = [State::Pending, State::Failed];
}

/// When a fee must be paid, as the procedure says (the catalog's).
pub use egov_catalog::FeeDue as Due;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a payment {from:?} cannot become {to:?}")]
pub struct TransitionError {
    pub from: State,
    pub to: State,
}

fn go(from: State, to: State, allowed: &[State]) -> Result<State, TransitionError> {
    if allowed.contains(&from) {
        Ok(to)
    } else {
        Err(TransitionError { from, to })
    }
}

/// Confirmed paid (by the provider's verified notice or query, the bank's
/// statement, or an official): from pending, or after a failed attempt.
/// An expired request is not paid silently: a late transfer is listed for
/// an official to resolve.
pub fn pay(from: State) -> Result<State, TransitionError> {
    go(from, State::Paid, &State::AWAITING)
}

/// The provider said the attempt failed; the citizen may try again.
pub fn fail(from: State) -> Result<State, TransitionError> {
    go(from, State::Failed, &[State::Pending, State::Failed])
}

/// No longer owed unpaid: its dossier ended without a result (withdrawn,
/// refused, stopped).
pub fn expire(from: State) -> Result<State, TransitionError> {
    go(from, State::Expired, &State::AWAITING)
}

/// Paid back, with a reason (kept by the caller).
pub fn refund(from: State) -> Result<State, TransitionError> {
    go(from, State::Refunded, &[State::Paid])
}

/// A step of the dossier a fee may hold back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Receiving the dossier.
    Reception,
    /// Handing over the result.
    Result,
}

/// Whether a fee in `state` holds `stage` back: one due with the
/// application holds its reception; every fee holds the result until paid.
pub fn holds(due: Due, state: State, stage: Stage) -> bool {
    state != State::Paid && (stage == Stage::Result || due == Due::AtSubmission)
}

/// A transfer's amount against what is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Exact,
    /// Less than owed: by how much.
    Short(u64),
    /// More than owed: by how much.
    Over(u64),
}

pub fn match_amount(owed: u64, paid: u64) -> Match {
    match paid.cmp(&owed) {
        std::cmp::Ordering::Equal => Match::Exact,
        std::cmp::Ordering::Less => Match::Short(owed - paid),
        std::cmp::Ordering::Greater => Match::Over(paid - owed),
    }
}

/// How a fee was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// In cash or by card at the one-stop desk, recorded by the official.
    Counter,
    /// A bank transfer (VietQR), matched from the bank's statement or notification.
    BankTransfer,
    /// Through a redirect payment gateway, confirmed by its signed notice or a query.
    Gateway,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Counter, Method::BankTransfer, Method::Gateway];
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Counter => "counter",
            Method::BankTransfer => "bank_transfer",
            Method::Gateway => "gateway",
        }
    }
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
    /// Paid without coming to the desk (what Decision 766 counts as online).
    pub fn online(self) -> bool {
        self != Method::Counter
    }
}

//! The steps of a dossier's history (what its events are called, all the
//! way to the database column), and the one rule of who is told of a step.

use egov_identity::UserId;

use crate::{CommandKind, Status};

/// What happened to a dossier: a command of the state machine, or one of
/// the steps outside it (a draft saved, a dossier received at the counter,
/// a rating).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Draft,
    ReceiveAtCounter,
    Rate,
    Command(CommandKind),
}

impl EventKind {
    /// The name stored and shown in the API (`accept`, `receive_at_counter`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Draft => "draft",
            EventKind::ReceiveAtCounter => "receive_at_counter",
            EventKind::Rate => "rate",
            EventKind::Command(k) => k.name(),
        }
    }

    /// The i18n key of what happened, in words (`event.<name>`).
    pub fn label_key(self) -> &'static str {
        match self {
            EventKind::Draft => "event.draft",
            EventKind::ReceiveAtCounter => "event.receive_at_counter",
            EventKind::Rate => "event.rate",
            EventKind::Command(k) => match k {
                CommandKind::Submit => "event.submit",
                CommandKind::Accept => "event.accept",
                CommandKind::ReturnIncomplete => "event.return_incomplete",
                CommandKind::Assign => "event.assign",
                CommandKind::Forward => "event.forward",
                CommandKind::RequestSupplement => "event.request_supplement",
                CommandKind::Resubmit => "event.resubmit",
                CommandKind::Refuse => "event.refuse",
                CommandKind::Withdraw => "event.withdraw",
                CommandKind::Stop => "event.stop",
                CommandKind::Approve => "event.approve",
                CommandKind::ReturnResult => "event.return_result",
                CommandKind::Apologize => "event.apologize",
            },
        }
    }

    /// A stored name back; `None` for a name egov never writes.
    pub fn parse(s: &str) -> Option<EventKind> {
        match s {
            "draft" => Some(EventKind::Draft),
            "receive_at_counter" => Some(EventKind::ReceiveAtCounter),
            "rate" => Some(EventKind::Rate),
            _ => CommandKind::ALL.into_iter().find(|k| k.name() == s).map(EventKind::Command),
        }
    }
}

/// Serialised as its stored name.
impl serde::Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl From<CommandKind> for EventKind {
    fn from(k: CommandKind) -> Self {
        EventKind::Command(k)
    }
}

/// Who is told of a step, in their inbox (and by e-mail when it is on): the
/// dossier's owner, of its entering the process (submitted or received at
/// the counter, as an acknowledgement) and of every later step someone else
/// takes, but not of the officials' internal hand-overs (assignment,
/// forwarding), of drafts or of ratings. Every path that writes a step asks
/// this, and only this.
pub fn who_is_told(kind: EventKind, from: Status, owner: Option<UserId>, actor: Option<UserId>) -> Option<UserId> {
    let owner = owner?;
    match kind {
        EventKind::Draft | EventKind::Rate => None,
        EventKind::Command(CommandKind::Assign | CommandKind::Forward) => None,
        EventKind::ReceiveAtCounter => Some(owner),
        EventKind::Command(CommandKind::Submit) if from == Status::Draft => Some(owner),
        _ if actor == Some(owner) => None,
        _ => Some(owner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name_and_unknown_names_do_not() {
        let mut all = vec![EventKind::Draft, EventKind::ReceiveAtCounter, EventKind::Rate];
        all.extend(CommandKind::ALL.into_iter().map(EventKind::Command));
        for k in all {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EventKind::parse("Accept"), None);
        assert_eq!(EventKind::parse(""), None);
    }

    #[test]
    fn the_owner_hears_of_others_steps_and_of_their_own_submission_only() {
        let (owner, official) = (Some(UserId::new(7)), Some(UserId::new(9)));
        let told = |k: CommandKind, from: Status, actor| who_is_told(EventKind::Command(k), from, owner, actor);
        assert_eq!(told(CommandKind::Submit, Status::Draft, owner), Some(UserId::new(7)));
        assert_eq!(who_is_told(EventKind::ReceiveAtCounter, Status::Draft, owner, official), Some(UserId::new(7)));
        assert_eq!(told(CommandKind::Accept, Status::Submitted, official), Some(UserId::new(7)));
        assert_eq!(told(CommandKind::RequestSupplement, Status::Processing, official), Some(UserId::new(7)));
        // a resubmission after a return, by the owner: not told of it
        assert_eq!(told(CommandKind::Submit, Status::ReturnedIncomplete, owner), None);
        assert_eq!(told(CommandKind::Withdraw, Status::Submitted, owner), None);
        assert_eq!(told(CommandKind::Assign, Status::Accepted, official), None);
        assert_eq!(told(CommandKind::Forward, Status::Processing, official), None);
        assert_eq!(who_is_told(EventKind::Rate, Status::ResultReturned, owner, owner), None);
        assert_eq!(who_is_told(EventKind::Draft, Status::Draft, owner, owner), None);
        // a dossier without an owner tells nobody
        assert_eq!(who_is_told(EventKind::ReceiveAtCounter, Status::Draft, None, official), None);
    }
}

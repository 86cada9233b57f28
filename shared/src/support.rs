//! Support tickets: a member of an organization opens one (subject, priority, what happened);
//! the organization's owners and admins and the platform's super admins answer, assign and
//! close it. Replies from the other side move its status, so both sides see whose turn it is.

pub mod files;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{TicketId, UserId};
use crate::names::{PersonName, TicketSubject};
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

/// Longest message a ticket takes.
pub const MESSAGE_MAX: usize = 5_000;

text_enum! {
    pub enum TicketPriority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
}

impl TicketPriority {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Normal => "Normal",
            Self::High => "High",
            Self::Urgent => "Urgent",
        }
    }
}

text_enum! {
    /// Whose turn it is: support's (open), the organization's (answered), nobody's (closed).
    pub enum TicketStatus {
        Open => "open",
        Answered => "answered",
        Closed => "closed",
    }
}

impl TicketStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Open => "Waiting for support",
            Self::Answered => "Answered",
            Self::Closed => "Closed",
        }
    }

    /// The status after a reply: support answering hands the turn to the organization, the
    /// organization writing (also on a closed ticket: that reopens it) hands it to support.
    pub const fn after_reply(self, from_support: bool) -> Self {
        if from_support {
            Self::Answered
        } else {
            Self::Open
        }
    }
}

text_enum! {
    /// What support may do to a ticket besides answering it.
    pub enum TicketAction {
        Close => "close",
        Reopen => "reopen",
        Assign => "assign",
        Unassign => "unassign",
    }
}

/// The status an action leaves a ticket in, or why it cannot be taken.
pub fn apply(status: TicketStatus, action: TicketAction) -> Result<TicketStatus, ValidationError> {
    match (status, action) {
        (TicketStatus::Closed, TicketAction::Close) => Err(ValidationError::new(
            "action",
            "This ticket is already closed.",
        )),
        (_, TicketAction::Close) => Ok(TicketStatus::Closed),
        (TicketStatus::Closed, TicketAction::Reopen) => Ok(TicketStatus::Open),
        (_, TicketAction::Reopen) => Err(ValidationError::new(
            "action",
            "Only a closed ticket can be reopened.",
        )),
        (TicketStatus::Closed, TicketAction::Assign | TicketAction::Unassign) => Err(
            ValidationError::new("action", "Reopen the ticket before assigning it."),
        ),
        (status, TicketAction::Assign | TicketAction::Unassign) => Ok(status),
    }
}

/// A message as typed: trimmed, 1–5,000 characters.
pub fn parse_message(input: &str) -> Result<String, ValidationError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(ValidationError::new("body", "Write a message."));
    }
    let chars = text.chars().count();
    if chars > MESSAGE_MAX {
        return Err(ValidationError::new(
            "body",
            format!("A message is at most {MESSAGE_MAX} characters (this one has {chars})."),
        ));
    }
    Ok(text.to_owned())
}

/// A ticket as opened, parsed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicket {
    pub subject: TicketSubject,
    pub priority: TicketPriority,
    pub body: String,
}

impl NewTicket {
    pub fn parse(subject: &str, priority: &str, body: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            subject: TicketSubject::parse(subject)?,
            priority: priority.parse().map_err(|_| {
                ValidationError::new("priority", "Choose low, normal, high or urgent.")
            })?,
            body: parse_message(body)?,
        })
    }
}

/// A ticket in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: TicketId,
    pub tenant: TenantSummary,
    pub subject: TicketSubject,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub opened_by: PersonName,
    pub assignee: Option<PersonName>,
    pub messages: i64,
    pub updated_at: DateTime<Utc>,
    /// Its organization has priority support (its plan's feature, or switched on for it):
    /// the console's queue lists it first among those waiting alike.
    #[serde(default)]
    pub priority_support: bool,
}

/// One message of a ticket's thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketMessage {
    pub author: PersonName,
    pub from_support: bool,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A ticket with its thread, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub summary: TicketSummary,
    pub messages: Vec<TicketMessage>,
    /// The files attached to it, oldest first.
    pub files: Vec<files::TicketFile>,
    /// Whether the viewer may write in the thread (and attach files).
    pub can_reply: bool,
    /// Whether the viewer answers for support here (close, reopen, assign).
    pub can_manage: bool,
    /// Whom it may be assigned to (the organization's owners and admins, and the super
    /// admin looking at it).
    pub assignees: Vec<(UserId, PersonName)>,
    pub assignee_id: Option<UserId>,
}

/// A workspace's Support page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportPage {
    pub tenant: TenantSummary,
    pub tickets: Vec<TicketSummary>,
    pub can_open: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn replies_hand_the_turn_to_the_other_side() {
        for status in TicketStatus::ALL {
            assert_eq!(status.after_reply(true), TicketStatus::Answered);
            assert_eq!(status.after_reply(false), TicketStatus::Open);
        }
    }

    #[test]
    fn actions_follow_the_status() {
        use TicketAction::*;
        use TicketStatus::*;
        let table = [
            (Open, Close, Some(Closed)),
            (Answered, Close, Some(Closed)),
            (Closed, Close, None),
            (Closed, Reopen, Some(Open)),
            (Open, Reopen, None),
            (Answered, Reopen, None),
            (Open, Assign, Some(Open)),
            (Answered, Unassign, Some(Answered)),
            (Closed, Assign, None),
            (Closed, Unassign, None),
        ];
        for (from, action, to) in table {
            assert_eq!(apply(from, action).ok(), to, "{from} {action}");
        }
    }

    #[test]
    fn a_new_ticket_names_what_is_wrong() {
        let ok = NewTicket::parse("  Invoice   looks wrong ", "high", " It says Free. ").unwrap();
        assert_eq!(ok.subject.as_str(), "Invoice looks wrong");
        assert_eq!(ok.priority, TicketPriority::High);
        assert_eq!(ok.body, "It says Free.");
        let field = |s: &str, p: &str, b: &str| NewTicket::parse(s, p, b).unwrap_err().field;
        assert_eq!(field("", "high", "x"), "subject");
        assert_eq!(field("Help", "asap", "x"), "priority");
        assert_eq!(field("Help", "low", "   "), "body");
        assert_eq!(field("Help", "low", &"x".repeat(MESSAGE_MAX + 1)), "body");
        assert_eq!(field(&"s".repeat(121), "low", "x"), "subject");
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_keeps_within_bounds(subject in "\\PC{0,140}", body in "\\PC{0,200}") {
            if let Ok(ticket) = NewTicket::parse(&subject, "normal", &body) {
                prop_assert!(ticket.subject.as_str().chars().count() <= 120);
                prop_assert!(!ticket.body.is_empty() && ticket.body.chars().count() <= MESSAGE_MAX);
            }
        }
    }
}

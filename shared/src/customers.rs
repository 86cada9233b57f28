//! Builders and their customers (seed 000). A builder workspace asks an end-user
//! organization, by its address, to become its customer; the organization's owner accepts or
//! declines, and either side can end the link. Over an active link the builder deploys its
//! widgets for the customer as **implementations**, which move draft → live ⇄ paused, and any
//! → retired. A live implementation's visitors become the customer's contacts, in the
//! customer's own workspace.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CustomerLinkId, ImplementationId, WidgetId};
use crate::names::{TenantName, WidgetName};
use crate::slug::Slug;
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

text_enum! {
    /// Where a link between a builder and a customer stands.
    pub enum LinkStatus {
        /// Asked by the builder; the customer's owner has not answered.
        Pending => "pending",
        Active => "active",
        Declined => "declined",
        /// Withdrawn by the builder or ended by either side.
        Ended => "ended",
    }
}

impl LinkStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting for the customer",
            Self::Active => "Active",
            Self::Declined => "Declined",
            Self::Ended => "Ended",
        }
    }

    /// A builder may ask again after a refusal or an end, never while a link is open.
    pub const fn can_request_again(self) -> bool {
        matches!(self, Self::Declined | Self::Ended)
    }
}

text_enum! {
    /// What can be done to a link, and by whom: the customer's owner accepts or declines;
    /// either side ends (a builder ending a pending link withdraws its request).
    pub enum LinkAction {
        Accept => "accept",
        Decline => "decline",
        End => "end",
    }
}

/// Which side of a link acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Builder,
    Customer,
}

impl LinkAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Accept => "Accept",
            Self::Decline => "Decline",
            Self::End => "End",
        }
    }

    /// Whether `side` may take this action on a link that is `from` (for showing only
    /// buttons that work).
    pub const fn applies(self, side: Side, from: LinkStatus) -> bool {
        matches!(
            (self, side, from),
            (
                Self::Accept | Self::Decline,
                Side::Customer,
                LinkStatus::Pending
            ) | (Self::End, Side::Customer, LinkStatus::Active)
                | (
                    Self::End,
                    Side::Builder,
                    LinkStatus::Pending | LinkStatus::Active
                )
        )
    }
}

/// Where `action` by `side` takes a link that is `from`, or why it cannot.
pub fn link_transition(
    side: Side,
    from: LinkStatus,
    action: LinkAction,
) -> Result<LinkStatus, ValidationError> {
    if action.applies(side, from) {
        return Ok(match action {
            LinkAction::Accept => LinkStatus::Active,
            LinkAction::Decline => LinkStatus::Declined,
            LinkAction::End => LinkStatus::Ended,
        });
    }
    let reason = match (side, action, from) {
        (Side::Builder, LinkAction::Accept | LinkAction::Decline, _) => {
            "Only the customer's owner can accept or decline a link.".to_owned()
        }
        (_, LinkAction::Accept | LinkAction::Decline, from) => format!(
            "This link is {}, so there is nothing to answer: only links waiting for you can be accepted or declined.",
            from.as_str()
        ),
        (Side::Customer, LinkAction::End, LinkStatus::Pending) => {
            "Accept or decline this request; ending is for active links.".to_owned()
        }
        (_, LinkAction::End, from) => format!("This link is already {}.", from.as_str()),
    };
    Err(ValidationError::new("status", reason))
}

text_enum! {
    /// Where one deployment of a widget for a customer stands.
    pub enum ImplementationStatus {
        Draft => "draft",
        Live => "live",
        Paused => "paused",
        Retired => "retired",
    }
}

impl ImplementationStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Live => "Live",
            Self::Paused => "Paused",
            Self::Retired => "Retired",
        }
    }

    /// Visitors of the customer's site get the widget.
    pub const fn serves_visitors(self) -> bool {
        matches!(self, Self::Live)
    }
}

text_enum! {
    pub enum ImplementationAction {
        GoLive => "go_live",
        Pause => "pause",
        Resume => "resume",
        Retire => "retire",
    }
}

impl ImplementationAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::GoLive => "Go live",
            Self::Pause => "Pause",
            Self::Resume => "Resume",
            Self::Retire => "Retire",
        }
    }

    const fn allowed_from(self) -> &'static [ImplementationStatus] {
        use ImplementationStatus::{Draft, Live, Paused};
        match self {
            Self::GoLive => &[Draft],
            Self::Pause => &[Live],
            Self::Resume => &[Paused],
            Self::Retire => &[Draft, Live, Paused],
        }
    }

    const fn to_state(self) -> ImplementationStatus {
        match self {
            Self::GoLive | Self::Resume => ImplementationStatus::Live,
            Self::Pause => ImplementationStatus::Paused,
            Self::Retire => ImplementationStatus::Retired,
        }
    }

    pub fn applies_to(self, status: ImplementationStatus) -> bool {
        self.allowed_from().contains(&status)
    }
}

/// Where `action` takes an implementation that is `from`, or why it cannot.
pub fn implementation_transition(
    from: ImplementationStatus,
    action: ImplementationAction,
) -> Result<ImplementationStatus, ValidationError> {
    if action.applies_to(from) {
        return Ok(action.to_state());
    }
    let from_list = action
        .allowed_from()
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" or ");
    Err(ValidationError::new(
        "status",
        format!(
            "This implementation is {}, so “{}” does not apply: only {from_list} implementations can.",
            from.as_str(),
            action.label().to_lowercase()
        ),
    ))
}

/// One side's view of a link: the other organization, known by name once the link is
/// active (before, a builder sees only the address it typed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub id: CustomerLinkId,
    pub other_slug: Slug,
    pub other_name: Option<TenantName>,
    pub status: LinkStatus,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Link {
    /// The other organization's name where it may be shown, else its address.
    pub fn title(&self) -> String {
        self.other_name
            .as_ref()
            .map_or_else(|| self.other_slug.to_string(), ToString::to_string)
    }
}

/// A widget deployed for a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Implementation {
    pub id: ImplementationId,
    pub link: CustomerLinkId,
    pub widget: WidgetId,
    /// The widget's name when it was deployed (the customer cannot see the builder's widgets).
    pub name: WidgetName,
    pub status: ImplementationStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A builder's widget as the deploy form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployableWidget {
    pub id: WidgetId,
    pub name: WidgetName,
    pub published: bool,
}

/// A builder workspace's customers page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomersPage {
    pub tenant: TenantSummary,
    pub links: Vec<Link>,
    pub implementations: Vec<Implementation>,
    pub widgets: Vec<DeployableWidget>,
    pub can_manage: bool,
    /// Where embed codes point (the server's public address).
    pub public_url: String,
}

/// An end-user organization's builders page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildersPage {
    pub tenant: TenantSummary,
    pub links: Vec<Link>,
    pub implementations: Vec<Implementation>,
    /// The person may accept, decline or end links (the organization's owners).
    pub can_decide: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn links_move_as_each_side_may() {
        use LinkAction::*;
        use LinkStatus::*;
        assert_eq!(link_transition(Side::Customer, Pending, Accept), Ok(Active));
        assert_eq!(
            link_transition(Side::Customer, Pending, Decline),
            Ok(Declined)
        );
        assert_eq!(link_transition(Side::Customer, Active, End), Ok(Ended));
        assert_eq!(link_transition(Side::Builder, Pending, End), Ok(Ended));
        assert_eq!(link_transition(Side::Builder, Active, End), Ok(Ended));
        assert_eq!(
            link_transition(Side::Builder, Pending, Accept)
                .unwrap_err()
                .reason,
            "Only the customer's owner can accept or decline a link."
        );
        assert_eq!(
            link_transition(Side::Customer, Active, Accept)
                .unwrap_err()
                .reason,
            "This link is active, so there is nothing to answer: only links waiting for you can be accepted or declined."
        );
        assert_eq!(
            link_transition(Side::Customer, Pending, End)
                .unwrap_err()
                .reason,
            "Accept or decline this request; ending is for active links."
        );
        assert_eq!(
            link_transition(Side::Builder, Ended, End)
                .unwrap_err()
                .reason,
            "This link is already ended."
        );
        assert!(Declined.can_request_again() && Ended.can_request_again());
        assert!(!Pending.can_request_again() && !Active.can_request_again());
    }

    #[test]
    fn implementations_move_draft_live_paused_retired() {
        use ImplementationAction::*;
        use ImplementationStatus::*;
        assert_eq!(implementation_transition(Draft, GoLive), Ok(Live));
        assert_eq!(implementation_transition(Live, Pause), Ok(Paused));
        assert_eq!(implementation_transition(Paused, Resume), Ok(Live));
        for from in [Draft, Live, Paused] {
            assert_eq!(implementation_transition(from, Retire), Ok(Retired));
        }
        assert_eq!(
            implementation_transition(Draft, Pause).unwrap_err().reason,
            "This implementation is draft, so “pause” does not apply: only live implementations can."
        );
        assert_eq!(
            implementation_transition(Retired, Retire)
                .unwrap_err()
                .reason,
            "This implementation is retired, so “retire” does not apply: only draft or live or paused implementations can."
        );
        assert!(Live.serves_visitors());
        assert!(!Paused.serves_visitors() && !Draft.serves_visitors());
    }

    proptest! {
        #[test]
        fn nothing_leaves_retired_and_no_sequence_reaches_another_state(
            actions in proptest::collection::vec(proptest::sample::select(ImplementationAction::ALL), 0..40),
        ) {
            let mut status = ImplementationStatus::Draft;
            let mut retired = false;
            for action in actions {
                match implementation_transition(status, action) {
                    Ok(to) => {
                        prop_assert!(!retired);
                        prop_assert_eq!(to, action.to_state());
                        status = to;
                    }
                    Err(err) => {
                        prop_assert!(!action.applies_to(status));
                        prop_assert_eq!(err.field, "status");
                    }
                }
                retired |= status == ImplementationStatus::Retired;
            }
        }

        #[test]
        fn a_link_is_only_answered_by_its_customer_and_ends_for_good(
            moves in proptest::collection::vec(
                (proptest::sample::select(vec![Side::Builder, Side::Customer]),
                 proptest::sample::select(LinkAction::ALL)), 0..20),
        ) {
            let mut status = LinkStatus::Pending;
            for (side, action) in moves {
                if let Ok(to) = link_transition(side, status, action) {
                    prop_assert!(matches!(status, LinkStatus::Pending | LinkStatus::Active));
                    if matches!(action, LinkAction::Accept | LinkAction::Decline) {
                        prop_assert_eq!(side, Side::Customer);
                    }
                    status = to;
                }
            }
        }
    }
}

//! The real-time layer's vocabulary: topics a tab subscribes to, the events the server fans
//! out, and the messages on the one WebSocket each tab keeps open (`/ws`).
//!
//! Events say *what* changed, not the whole new state: a page that receives one reloads the
//! data it shows through the same server function it rendered with, so what a tab sees is
//! always what the permission check lets it read.

use serde::{Deserialize, Serialize};

use crate::billing::{Metric, PlanTier};
use crate::catalog::ActivationStatus;
use crate::customers::{ImplementationStatus, LinkStatus};
use crate::ids::{
    ActivationId, ContactId, CustomerLinkId, ImplementationId, JobId, ListingId, ProcessSessionId,
    ProjectId, ServiceId, TemplateId, TenantId, TicketId, WidgetId,
};
use crate::permissions::Permission;
use crate::platform::TenantStatus;
use crate::process::{JobStatus, SessionStatus};
use crate::projects::ProjectStatus;
use crate::support::TicketStatus;

/// The name a super admin's tab subscribes under to watch every workspace at once (no
/// workspace can be called this: slugs never contain `@`).
pub const PLATFORM: &str = "@platform";

text_enum! {
    /// A stream of one workspace's events; each needs a permission to receive.
    pub enum Topic {
        /// Process sessions and templates.
        Sessions => "sessions",
        /// The orchestration queue.
        Jobs => "jobs",
        /// The plan and usage against its limits.
        Usage => "usage",
        Services => "services",
        /// Support tickets and their threads.
        Support => "support",
        /// Widgets: drafts saved, versions published or rolled back.
        Widgets => "widgets",
        /// Contacts and feedback sent by visitors through embedded widgets.
        Submissions => "submissions",
        /// Widgets' usage counters moved (impressions, interactions, errors).
        WidgetStats => "widget_stats",
        /// Links between builders and customers, and the widgets deployed over them.
        Customers => "customers",
        /// The workspace itself: created, suspended or reactivated, its variant changed.
        Tenants => "tenants",
        /// The platform-wide marketplace: a listing listed, withdrawn, rated, installed or
        /// given screenshots, in any builder workspace (see [`Topic::crosses_workspaces`]).
        Marketplace => "marketplace",
    }
}

impl Topic {
    /// What a member must hold to receive this topic (checked by the one permission check).
    pub const fn permission(self) -> Permission {
        match self {
            Self::Sessions | Self::Jobs => Permission::SessionsView,
            Self::Usage => Permission::BillingView,
            Self::Services => Permission::ServicesView,
            Self::Support => Permission::TicketsView,
            Self::Widgets => Permission::WidgetsView,
            Self::Submissions => Permission::SubmissionsView,
            Self::WidgetStats => Permission::WidgetsView,
            Self::Customers => Permission::CustomersView,
            Self::Tenants => Permission::TenantView,
            Self::Marketplace => Permission::WidgetsView,
        }
    }

    /// Whether a workspace watching this topic receives its events from every workspace, not
    /// only its own: the marketplace is one catalog for all builders, so a listing changed in
    /// one builder workspace is news in all of them.
    pub const fn crosses_workspaces(self) -> bool {
        matches!(self, Self::Marketplace)
    }

    /// The permission a super admin needs to watch this topic across every workspace
    /// (through [`PLATFORM`]); `None`: the topic is only watched inside a workspace.
    pub const fn platform_permission(self) -> Option<Permission> {
        match self {
            Self::Services => Some(Permission::ServicesManage),
            Self::Support => Some(Permission::SupportManage),
            // The console's overview: tenants come and go, plans and usage move.
            Self::Tenants | Self::Usage => Some(Permission::PlatformView),
            Self::Sessions
            | Self::Jobs
            | Self::Widgets
            | Self::Submissions
            | Self::WidgetStats
            | Self::Customers
            | Self::Marketplace => None,
        }
    }
}

/// Something that changed in a workspace, numbered in commit order per server database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub id: i64,
    pub tenant: TenantId,
    pub topic: Topic,
    pub change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Session {
        session: ProcessSessionId,
        status: SessionStatus,
    },
    Template {
        template: TemplateId,
    },
    Job {
        job: JobId,
        session: ProcessSessionId,
        status: JobStatus,
    },
    /// A meter moved (usage was recorded).
    Usage {
        metric: Metric,
        used: u64,
    },
    /// The plan or the limits changed.
    Plan {
        tier: PlanTier,
    },
    Activation {
        activation: ActivationId,
        service: ServiceId,
        status: ActivationStatus,
    },
    Credits {
        balance_minor: i64,
    },
    /// A ticket was opened, answered, assigned, closed or reopened.
    Ticket {
        ticket: TicketId,
        status: TicketStatus,
    },
    /// A widget was created, its draft saved, or its live version changed.
    Widget {
        widget: WidgetId,
        live_version: Option<i32>,
    },
    /// A visitor sent a lead form (`contact` is who it became) or feedback.
    Submission {
        widget: WidgetId,
        contact: Option<ContactId>,
    },
    /// Visitors' pages reported what a widget did (at most one notice a second per widget).
    WidgetStats {
        widget: WidgetId,
    },
    /// A link between a builder and a customer was asked for, answered or ended (sent to
    /// both organizations).
    CustomerLink {
        link: CustomerLinkId,
        status: LinkStatus,
    },
    /// A widget deployed for a customer was created or changed status (sent to both).
    Implementation {
        implementation: ImplementationId,
        status: ImplementationStatus,
    },
    /// A builder's project was created, changed, or a customer joined or left it (sent to
    /// the builder only).
    Project {
        project: ProjectId,
        status: ProjectStatus,
    },
    /// The workspace was created, or its status or variant changed.
    Tenant {
        status: TenantStatus,
    },
    /// A marketplace listing was listed (again), withdrawn, rated, installed, or its
    /// screenshots changed (sent to the publisher's workspace; every builder watching the
    /// marketplace receives it).
    Listing {
        listing: ListingId,
    },
}

impl Change {
    pub const fn topic(&self) -> Topic {
        match self {
            Self::Session { .. } | Self::Template { .. } => Topic::Sessions,
            Self::Job { .. } => Topic::Jobs,
            Self::Usage { .. } | Self::Plan { .. } | Self::Credits { .. } => Topic::Usage,
            Self::Activation { .. } => Topic::Services,
            Self::Ticket { .. } => Topic::Support,
            Self::Widget { .. } => Topic::Widgets,
            Self::Submission { .. } => Topic::Submissions,
            Self::WidgetStats { .. } => Topic::WidgetStats,
            Self::CustomerLink { .. } | Self::Implementation { .. } | Self::Project { .. } => {
                Topic::Customers
            }
            Self::Tenant { .. } => Topic::Tenants,
            Self::Listing { .. } => Topic::Marketplace,
        }
    }
}

/// What a tab sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Receive these topics of the workspace `slug`; `since` is the last event id the tab
    /// saw, so what it missed while disconnected is sent first.
    Subscribe {
        slug: String,
        topics: Vec<Topic>,
        since: Option<i64>,
    },
    Unsubscribe {
        slug: String,
    },
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The subscription is live; `cursor` is the newest event id at that moment.
    Subscribed {
        slug: String,
        topics: Vec<Topic>,
        cursor: i64,
    },
    Event {
        slug: String,
        event: LiveEvent,
    },
    /// Too much was missed to replay (or the server fell behind): reload everything.
    Resync {
        slug: String,
    },
    /// The permission check refused the subscription (or withdrew it).
    Refused {
        slug: String,
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_a_stable_shape() {
        let msg: ClientMessage = serde_json::from_str(
            r#"{"type":"subscribe","slug":"acme","topics":["sessions","jobs"],"since":41}"#,
        )
        .unwrap();
        assert_eq!(
            msg,
            ClientMessage::Subscribe {
                slug: "acme".into(),
                topics: vec![Topic::Sessions, Topic::Jobs],
                since: Some(41)
            }
        );
        let out = serde_json::to_string(&ServerMessage::Resync {
            slug: "acme".into(),
        })
        .unwrap();
        assert_eq!(out, r#"{"type":"resync","slug":"acme"}"#);
        assert!(
            serde_json::from_str::<ClientMessage>(
                r#"{"type":"subscribe","slug":"a","topics":["secrets"]}"#
            )
            .is_err()
        );
    }
}

//! Typed identifiers: a `TenantId` can never be passed where a `UserId` belongs.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID (read from storage or a URL that was already parsed).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::validation::ValidationError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| {
                    $crate::validation::ValidationError::new("id", "is not a valid identifier")
                })
            }
        }
    };
}

typed_id!(
    /// A customer organization.
    TenantId
);
typed_id!(
    /// A person, platform-wide.
    UserId
);
typed_id!(
    /// A signed-in browser session.
    SessionId
);
typed_id!(
    /// An invitation to join a tenant.
    InvitationId
);
typed_id!(
    /// An entry in the append-only audit log.
    AuditId
);
typed_id!(
    /// A super admin's impersonation of one person.
    ImpersonationId
);
typed_id!(
    /// A browser trusted to skip the second step of signing in.
    TrustedDeviceId
);
typed_id!(
    /// An in-app notification to a person.
    NotificationId
);
typed_id!(
    /// An alert raised by sign-in activity, for the platform's operators.
    SecurityAlertId
);
typed_id!(
    /// One attempt in the sign-in history.
    SignInEventId
);
typed_id!(
    /// A single-use link sent by email (password reset, email verification).
    AccountLinkId
);
typed_id!(
    /// An email kept in the outbox because no SMTP server is configured.
    OutboxId
);
typed_id!(
    /// A process template (its versions share the id).
    TemplateId
);
typed_id!(
    /// A process session: one run of a template.
    ProcessSessionId
);
typed_id!(
    /// An entry in a session's audit trail.
    SessionEventId
);
typed_id!(
    /// A unit of work on the orchestration queue.
    JobId
);
typed_id!(
    /// A token for the public REST API.
    ApiTokenId
);
typed_id!(
    /// A service in the platform's catalog.
    ServiceId
);
typed_id!(
    /// One organization's use of one catalog service.
    ActivationId
);
typed_id!(
    /// A provider key kept in the vault.
    VaultKeyId
);
typed_id!(
    /// A monthly invoice of one organization.
    InvoiceId
);
typed_id!(
    /// A widget a builder makes for a customer's site.
    WidgetId
);
typed_id!(
    /// A support ticket.
    TicketId
);
typed_id!(
    /// A builder's link with one customer organization.
    CustomerLinkId
);
typed_id!(
    /// One widget deployed by a builder for one customer.
    ImplementationId
);
typed_id!(
    /// A person known to a workspace by their email, from a lead form sent on a site.
    ContactId
);
typed_id!(
    /// One lead form or feedback answer a visitor sent through an embedded widget.
    SubmissionId
);
typed_id!(
    /// A file attached to a support ticket.
    TicketFileId
);
typed_id!(
    /// A builder's project: a body of work for some of its customers.
    ProjectId
);
typed_id!(
    /// A widget a builder listed on the marketplace.
    ListingId
);
typed_id!(
    /// A screenshot shown on a marketplace listing.
    ScreenshotId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_json() {
        let id = TenantId::from_uuid(Uuid::from_u128(0x0191_0000_0000_7000_8000_0000_0000_0001));
        let text = id.to_string();
        assert_eq!(text.parse::<TenantId>(), Ok(id));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<TenantId>(&json).unwrap(), id);
    }

    #[test]
    fn garbage_is_not_an_id() {
        let err = "not-a-uuid".parse::<UserId>().unwrap_err();
        assert_eq!(err.field, "id");
    }
}

//! Members and invitations as the pages see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::ids::{InvitationId, UserId};
use crate::names::{PersonName, TenantName};
use crate::permissions::Role;
use crate::personas::Persona;
use crate::slug::Slug;
use crate::tenants::TenantSummary;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MemberView {
    pub user_id: UserId,
    pub name: PersonName,
    pub email: Email,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Whether the member signs in with a second factor; told only to those who may reset
    /// it.
    pub two_factor: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InvitationView {
    pub id: InvitationId,
    pub email: Email,
    pub role: Role,
    pub invited_by: PersonName,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The members page of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub tenant: TenantSummary,
    pub me: UserId,
    pub my_role: Role,
    pub members: Vec<MemberView>,
    /// Present only for those who may invite.
    pub invitations: Option<Vec<InvitationView>>,
    /// Roles the viewer may hand out; empty when they may change nothing.
    pub assignable_roles: Vec<Role>,
    /// The workspace's two-factor rule.
    pub two_factor: crate::tenants::TwoFactorPolicy,
}

/// A new invitation with its link. The link's token is stored only as a hash, so this is
/// the one time it can be shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedInvitation {
    pub invitation: InvitationView,
    pub link: String,
    /// Whether the link was also sent by email (SMTP configured) or only logged.
    pub emailed: bool,
}

/// What the holder of an invitation link sees before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub tenant_name: TenantName,
    pub tenant_slug: Slug,
    pub persona: Persona,
    pub role: Role,
    pub email: Email,
    pub invited_by: PersonName,
    pub expires_at: DateTime<Utc>,
    pub viewer: InvitationViewer,
}

/// Who is looking at an invitation, which decides what the page offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationViewer {
    /// Not signed in; `has_account` says whether to offer sign-in or account creation.
    Anonymous { has_account: bool },
    /// Signed in as the invited address.
    Invitee,
    /// Signed in as someone else.
    SomeoneElse { email: Email },
}

//! Invitations: pending ones are tenant data; a link's token is its own capability.

use chrono::{DateTime, Utc};
use shared::email::Email;
use shared::ids::{InvitationId, TenantId, UserId};
use shared::members::InvitationView;
use shared::names::PersonName;
use shared::permissions::Role;
use shared::tenants::TenantSummary;
use tracing::instrument;

use super::{Store, TenantData, Tx, on_tenant_tx, on_tx, with_reader, with_tenant_reader};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewInvitation {
    pub id: InvitationId,
    pub email: Email,
    pub role: Role,
    pub token_hash: Vec<u8>,
    pub invited_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An invitation found by its link, with the tenant it admits to.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvitationLookup {
    pub invitation_id: InvitationId,
    pub email: Email,
    pub role: Role,
    pub invited_by_name: PersonName,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub tenant: TenantSummary,
}

macro_rules! select_invitation_view_where {
    ($condition:literal) => {
        concat!(
            "SELECT i.id, i.email, i.role, u.name AS invited_by, i.created_at, i.expires_at
             FROM invitations i JOIN users u ON u.id = i.invited_by WHERE ",
            $condition
        )
    };
}

impl TenantData<'_> {
    /// Invitations not yet accepted, revoked or expired.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn open_invitations(&self, now: DateTime<Utc>) -> Result<Vec<InvitationView>> {
        Ok(
            with_tenant_reader!(self, pool => sqlx::query_as(select_invitation_view_where!(
            "i.tenant_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
             ORDER BY i.created_at DESC"
        ))
            .bind(self.tenant)
            .bind(now)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Stores an invitation, replacing any open one for the same address.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn insert_invitation(
        &self,
        tx: &mut Tx,
        invitation: &NewInvitation,
    ) -> Result<InvitationView> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE invitations SET revoked_at = $1
             WHERE tenant_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(invitation.created_at)
        .bind(self.tenant)
        .bind(&invitation.email)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO invitations (id, tenant_id, email, role, token_hash, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(invitation.id)
        .bind(self.tenant)
        .bind(&invitation.email)
        .bind(invitation.role)
        .bind(&invitation.token_hash)
        .bind(invitation.invited_by)
        .bind(invitation.created_at)
        .bind(invitation.expires_at)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(
            on_tenant_tx!(self, tx, conn => sqlx::query_as(select_invitation_view_where!("i.tenant_id = $1 AND i.id = $2"))
            .bind(self.tenant)
            .bind(invitation.id)
            .fetch_one(&mut **conn)
            .await)?,
        )
    }

    /// Revokes an open invitation of this tenant; `None` when there is none with this id.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn revoke_invitation(
        &self,
        tx: &mut Tx,
        id: InvitationId,
        at: DateTime<Utc>,
    ) -> Result<Option<Email>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "UPDATE invitations SET revoked_at = $1
             WHERE tenant_id = $2 AND id = $3 AND accepted_at IS NULL AND revoked_at IS NULL
             RETURNING email",
        )
        .bind(at)
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(&mut **conn)
        .await)?)
    }
}

const LOOKUP_SQL: &str = "SELECT i.id AS invitation_id, i.email, i.role, u.name AS invited_by_name,
        i.expires_at, i.accepted_at, i.revoked_at,
        t.id, t.slug, t.name, t.variant, t.status
 FROM invitations i
 JOIN tenants t ON t.id = i.tenant_id
 JOIN users u ON u.id = i.invited_by
 WHERE i.token_hash = $1";

impl Store {
    /// The invitation behind a link. Not tenant-scoped on purpose: the invitee is not a
    /// member yet, and the 128-bit token in the link is the proof of being invited.
    #[instrument(skip_all)]
    pub async fn invitation_by_token_hash(
        &self,
        token_hash: &[u8],
    ) -> Result<Option<InvitationLookup>> {
        Ok(
            with_reader!(self, pool => sqlx::query_as(LOOKUP_SQL).bind(token_hash).fetch_optional(pool).await)?,
        )
    }
}

impl Tx {
    /// Re-reads the invitation inside the accepting transaction, so two accepts cannot both
    /// succeed.
    #[instrument(skip_all)]
    pub async fn invitation_by_token_hash(
        &mut self,
        token_hash: &[u8],
    ) -> Result<Option<InvitationLookup>> {
        Ok(
            on_tx!(self, conn => sqlx::query_as(LOOKUP_SQL).bind(token_hash).fetch_optional(&mut **conn).await)?,
        )
    }

    /// Marks an open invitation accepted; false if it was accepted or revoked meanwhile.
    #[instrument(skip_all)]
    pub async fn accept_invitation(
        &mut self,
        tenant: TenantId,
        id: InvitationId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_tx!(self, conn => sqlx::query(
            "UPDATE invitations SET accepted_at = $1
             WHERE tenant_id = $2 AND id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(tenant)
        .bind(id)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }
}

//! Tenants and the memberships that admit people to them.

use chrono::{DateTime, Utc};
use shared::AppError;
use shared::accounts::Workspace;
use shared::ids::{TenantId, UserId};
use shared::names::TenantName;
use shared::permissions::Role;
use shared::platform::{PlatformVariant, TenantStatus};
use shared::slug::Slug;
use shared::tenants::{TenantSummary, TwoFactorPolicy};
use tracing::instrument;

use std::sync::Arc;

use super::access_cache::Invalidation;
use super::{Store, TenantData, Tx, on_tx, with_reader, with_tenant_reader};
use crate::error::{Result, is_unique_violation};

#[derive(Clone, Debug)]
pub struct NewTenant {
    pub id: TenantId,
    pub slug: Slug,
    pub name: TenantName,
    pub variant: PlatformVariant,
    pub created_at: DateTime<Utc>,
}

/// A tenant the person belongs to, with their role and when they joined.
/// A select-list column named after `$feature` (`white_label`): whether tenant `t` has that
/// feature now — its override, else whether its plan includes it. (A macro so the queries
/// that use it stay static strings.)
macro_rules! feature_column {
    ($feature:literal) => {
        concat!(
            "COALESCE(
                (SELECT o.enabled FROM tenant_feature_overrides o
                 WHERE o.tenant_id = t.id AND o.feature = '",
            $feature,
            "'),
                (SELECT ',' || p.features || ',' LIKE '%,",
            $feature,
            ",%' FROM plans p WHERE p.tier = t.plan_tier),
                FALSE) AS ",
            $feature
        )
    };
}
pub(crate) use feature_column;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MembershipLookup {
    #[sqlx(flatten)]
    pub tenant: TenantSummary,
    pub role: Role,
    pub tenant_created_at: DateTime<Utc>,
    /// The workspace requires two-factor sign-in of its members since then.
    pub require_two_factor_since: Option<DateTime<Utc>>,
    pub two_factor_grace_days: i32,
    pub brand_accent: Option<String>,
    pub brand_font: Option<String>,
    /// The logo's version, when it has one.
    pub brand_logo: Option<String>,
    /// Whether its branding is shown (the white-label feature).
    pub white_label: bool,
}

impl MembershipLookup {
    /// The tenant's branding (a stored value that no longer parses keeps the platform's), or
    /// the platform's while the tenant has no white-label feature.
    pub fn branding(&self) -> shared::branding::Branding {
        if !self.white_label {
            return shared::branding::Branding::default();
        }
        stored_branding(self.brand_accent.as_deref(), self.brand_font.as_deref())
    }

    /// The logo's version, when it has one and may show it.
    pub fn logo(&self) -> Option<String> {
        self.brand_logo.clone().filter(|_| self.white_label)
    }

    pub fn two_factor_policy(&self) -> TwoFactorPolicy {
        TwoFactorPolicy {
            required_since: self.require_two_factor_since,
            grace_days: u32::try_from(self.two_factor_grace_days).unwrap_or(0),
        }
    }
}

impl Store {
    /// Whether any tenant exists (an empty database gets the demo data).
    #[instrument(skip_all)]
    pub async fn has_tenants(&self) -> Result<bool> {
        let found: Option<i32> = with_reader!(self, pool => sqlx::query_scalar("SELECT 1 FROM tenants LIMIT 1")
            .fetch_optional(pool)
            .await)?;
        Ok(found.is_some())
    }

    #[instrument(skip_all)]
    pub async fn slug_taken(&self, slug: &Slug) -> Result<bool> {
        let found: Option<i32> = with_reader!(self, pool => sqlx::query_scalar("SELECT 1 FROM tenants WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await)?;
        Ok(found.is_some())
    }

    /// Every tenant the person belongs to, with their role (from the access cache when it
    /// has them): the lookup behind the navigation and every tenant-scoped request.
    #[instrument(skip_all)]
    pub async fn memberships_of(&self, user: UserId) -> Result<Arc<Vec<MembershipLookup>>> {
        if let Some(hit) = self.cache.memberships(user) {
            return Ok(hit);
        }
        let seen = self.cache.generation();
        let rows: Vec<MembershipLookup> = with_reader!(self, pool => sqlx::query_as(concat!(
            "SELECT t.id, t.slug, t.name, t.variant, t.status, m.role, t.created_at AS tenant_created_at,
                    t.require_two_factor_since, t.two_factor_grace_days, t.brand_accent, t.brand_font,
                    t.brand_logo, ",
            feature_column!("white_label"),
            " FROM memberships m JOIN tenants t ON t.id = m.tenant_id
             WHERE m.user_id = $1 ORDER BY t.name",
        ))
        .bind(user)
        .fetch_all(pool)
        .await)?;
        let rows = Arc::new(rows);
        self.cache.remember_memberships(user, rows.clone(), seen);
        Ok(rows)
    }

    /// The person's membership in the tenant with this slug, if any.
    pub async fn membership_by_slug(
        &self,
        user: UserId,
        slug: &Slug,
    ) -> Result<Option<MembershipLookup>> {
        Ok(self
            .memberships_of(user)
            .await?
            .iter()
            .find(|m| m.tenant.slug == *slug)
            .cloned())
    }

    /// Every tenant the person belongs to, by name.
    pub async fn workspaces_of(&self, user: UserId) -> Result<Vec<Workspace>> {
        let now = crate::time::now();
        Ok(self
            .memberships_of(user)
            .await?
            .iter()
            .map(|m| {
                let deadline = m.two_factor_policy().deadline();
                Workspace {
                    tenant: m.tenant.clone(),
                    role: m.role,
                    two_factor_required_by: deadline,
                    two_factor_overdue: deadline.is_some_and(|d| d <= now),
                    branding: m.branding(),
                    logo: m.logo(),
                }
            })
            .collect())
    }
}

impl Store {
    /// A tenant's branding (callers hold the access that admits them to it).
    #[instrument(skip_all, fields(%tenant))]
    pub(crate) async fn branding_of(&self, tenant: TenantId) -> Result<shared::branding::Branding> {
        let found: Option<(Option<String>, Option<String>, bool)> = with_reader!(self, pool => sqlx::query_as(concat!(
            "SELECT t.brand_accent, t.brand_font, ",
            feature_column!("white_label"),
            " FROM tenants t WHERE t.id = $1",
        ))
        .bind(tenant)
        .fetch_optional(pool)
        .await)?;
        match found {
            Some((accent, font, true)) => Ok(stored_branding(accent.as_deref(), font.as_deref())),
            _ => Ok(shared::branding::Branding::default()),
        }
    }
}

impl TenantData<'_> {
    /// The workspace's own branding.
    pub async fn branding(&self) -> Result<shared::branding::Branding> {
        self.store.branding_of(self.tenant).await
    }

    /// The workspace's logo, if it has one.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn logo(&self) -> Result<Option<super::support::StoredFile>> {
        Ok(with_tenant_reader!(self, conn => sqlx::query_as(
            "SELECT name, kind, content FROM tenant_logos WHERE tenant_id = $1",
        )
        .bind(self.tenant)
        .fetch_optional(conn)
        .await)?)
    }
}

/// Branding as stored (each part checked again: one that no longer parses is left unset).
pub(crate) fn stored_branding(
    accent: Option<&str>,
    font: Option<&str>,
) -> shared::branding::Branding {
    shared::branding::Branding {
        accent: accent.and_then(|a| shared::widgets::Color::parse(a).ok()),
        font: font.and_then(|f| f.parse().ok()),
    }
}

impl Tx {
    #[instrument(skip_all)]
    pub async fn slug_taken(&mut self, slug: &Slug) -> Result<bool> {
        let found: Option<i32> = on_tx!(self, conn => sqlx::query_scalar("SELECT 1 FROM tenants WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut **conn)
            .await)?;
        Ok(found.is_some())
    }

    #[instrument(skip_all)]
    pub async fn insert_tenant(&mut self, tenant: &NewTenant) -> Result<()> {
        let result = on_tx!(self, conn => sqlx::query(
            "INSERT INTO tenants (id, slug, name, variant, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(tenant.id)
        .bind(&tenant.slug)
        .bind(&tenant.name)
        .bind(tenant.variant)
        .bind(TenantStatus::Active)
        .bind(tenant.created_at)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()));
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => Err(AppError::Conflict {
                reason: format!("The address “{}” is taken; choose another.", tenant.slug),
            }
            .into()),
            Err(err) => Err(err.into()),
        }
    }

    /// Adds a member; someone who already is one keeps their current role.
    #[instrument(skip_all)]
    pub async fn insert_membership(
        &mut self,
        tenant: TenantId,
        user: UserId,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(self, conn => sqlx::query(
            "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, user_id) DO NOTHING",
        )
        .bind(tenant)
        .bind(user)
        .bind(role)
        .bind(at)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        self.invalidates(Invalidation::MembershipsOf(user));
        Ok(())
    }
}

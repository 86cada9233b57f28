//! Tenants: creating them, their home page, members and invitations.

pub mod invitations;
pub mod members;
pub mod two_factor_policy;
pub mod workspace;

use shared::AppError;
use shared::ids::{TenantId, UserId};
use shared::live::Change;
use shared::names::TenantName;
use shared::permissions::Role;
use shared::platform::{PlatformVariant, TenantStatus};
use shared::slug::Slug;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::storage::Tx;
use crate::storage::tenants::NewTenant;

/// How many numbered variants of a suggested slug to try before asking for one.
const SLUG_ATTEMPTS: u32 = 50;

/// Creates a tenant, owned by `owner` when given (a super admin creates one whose owner is
/// invited instead). A chosen slug must be free; without one, a slug is derived from the
/// name (`acme-corp`, then `acme-corp-2`, …).
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    name: &TenantName,
    slug: Option<Slug>,
    variant: PlatformVariant,
    (created_by, owner): (UserId, Option<UserId>),
    client: &ClientInfo,
) -> Result<NewTenant> {
    let slug = match slug {
        Some(slug) => slug,
        None => free_slug(tx, name).await?,
    };
    let now = crate::time::now();
    let tenant = NewTenant {
        id: TenantId::from_uuid(uuid::Uuid::now_v7()),
        slug,
        name: name.clone(),
        variant,
        created_at: now,
    };
    tx.insert_tenant(&tenant).await?;
    if let Some(owner) = owner {
        tx.insert_membership(tenant.id, owner, Role::Owner, now)
            .await?;
    }
    crate::process::templates::install_builtins_in(tx, tenant.id).await?;
    tx.audit(&audit::entry(
        actions::TENANT_CREATED,
        Some(created_by),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({ "name": tenant.name, "variant": variant }),
    ))
    .await?;
    tx.publish(
        tenant.id,
        Change::Tenant {
            status: TenantStatus::Active,
        },
    )
    .await?;
    Ok(tenant)
}

async fn free_slug(tx: &mut Tx, name: &TenantName) -> Result<Slug> {
    let base = Slug::suggest(name.as_str());
    if !tx.slug_taken(&base).await? {
        return Ok(base);
    }
    for n in 2..=SLUG_ATTEMPTS {
        let candidate = base.with_suffix(n);
        if !tx.slug_taken(&candidate).await? {
            return Ok(candidate);
        }
    }
    Err(AppError::invalid(
        "slug",
        "Every address based on this name is taken; choose one yourself.",
    )
    .into())
}

//! Taking a tenant off the platform: its data exported first, then deleted with its address
//! typed again.
//!
//! The export is lines of JSON (one document per line, so any size streams and a cut-off
//! download shows): a header naming the tenant, its members with their emails and roles,
//! every exported table's rows (see [`crate::storage::export`]) and a closing line with the
//! count. It is recorded in the audit log only once the last row has gone out, and that
//! record is what lets the tenant be deleted within the next day.

use chrono::{DateTime, Utc};
use shared::AppError;
use shared::ids::{TenantId, UserId};
use shared::permissions::Permission;
use shared::tenant_console;
use shared::tenants::TenantSummary;
use tokio::sync::mpsc;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::auth::step_up;
use crate::authz::{self, Caller, PlatformAccess};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::Store;

/// What the export's first line says it is.
pub const FORMAT: &str = "atrium.tenant-export";
pub const FORMAT_VERSION: u32 = 1;

/// An export the permission check admitted, ready to be written by [`TenantExport::run`].
pub struct TenantExport {
    store: Store,
    access: PlatformAccess,
    tenant: TenantSummary,
    by: UserId,
    client: ClientInfo,
    at: DateTime<Utc>,
}

/// A super admin exports a tenant's data; the checks happen here, before anything is sent.
#[instrument(skip_all, fields(slug))]
pub async fn export(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
) -> Result<TenantExport> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let tenant = svc.store().platform(&access).tenant_named(slug).await?;
    Ok(TenantExport {
        store: svc.store().clone(),
        access,
        tenant,
        by: caller.user_id,
        client: client.clone(),
        at: crate::time::now(),
    })
}

impl TenantExport {
    /// The download's file name.
    pub fn file_name(&self) -> String {
        tenant_console::export_file_name(&self.tenant.slug, self.at)
    }

    /// Writes the export to `sink`, one line at a time. A failure midway ends it with an
    /// `error` line instead of the closing one (and it is not recorded as an export).
    pub async fn run(self, sink: mpsc::Sender<String>) {
        if let Err(err) = self.write(&sink).await {
            tracing::warn!(tenant = %self.tenant.id, error = %err, "tenant export stopped");
            let line = serde_json::json!({ "error": "The export stopped early; take it again." });
            let _ = sink.send(format!("{line}\n")).await;
        }
    }

    async fn write(&self, sink: &mpsc::Sender<String>) -> Result<()> {
        let data = self
            .store
            .tenant_from_platform(&self.access, self.tenant.id);
        let header = serde_json::json!({
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "exported_at": self.at,
            "tenant": self.tenant,
        });
        if sink.send(format!("{header}\n")).await.is_err() {
            return Ok(());
        }
        let mut rows = 0_u64;
        for member in data.members().await? {
            let line = serde_json::json!({ "table": "members", "row": member });
            if sink.send(format!("{line}\n")).await.is_err() {
                return Ok(());
            }
            rows += 1;
        }
        rows += data.export_rows(sink).await?;
        if sink.is_closed() {
            return Ok(());
        }
        let mut tx = self.store.begin().await?;
        tx.audit(&audit::entry(
            actions::TENANT_EXPORTED,
            Some(self.by),
            Some(self.tenant.id),
            Some(self.tenant.slug.to_string()),
            &self.client,
            serde_json::json!({ "rows": rows }),
        ))
        .await?;
        tx.commit().await?;
        let end = serde_json::json!({ "end": true, "rows": rows });
        let _ = sink.send(format!("{end}\n")).await;
        Ok(())
    }
}

/// A super admin deletes a tenant: suspended, exported within the last day, its address
/// typed again, and who they are confirmed recently. Everything keyed by it goes; its
/// audit entries and its members' accounts stay.
#[instrument(skip_all, fields(slug))]
pub async fn delete(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    typed: &str,
) -> Result<TenantId> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let data = svc.store().platform(&access);
    let tenant = data.tenant_named(slug).await?;
    let last_export = data.last_export(tenant.id).await?;
    let now = crate::time::now();
    tenant_console::check_deletion(typed, &tenant.slug, tenant.status, last_export, now)?;
    step_up::require(svc, caller)?;
    let mut tx = svc.store().begin().await?;
    if !data.delete_tenant(&mut tx, tenant.id).await? {
        return Err(AppError::not_found(format!("The tenant “{slug}”")).into());
    }
    tx.audit(&audit::entry(
        actions::TENANT_DELETED,
        Some(caller.user_id),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({
            "name": tenant.name,
            "variant": tenant.variant,
            "exported_at": last_export,
        }),
    ))
    .await?;
    tx.commit().await?;
    Ok(tenant.id)
}

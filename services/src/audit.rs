//! Audit entries: who did what to what, from where. Every security and administrative
//! action records one, in the same transaction as the change when there is a change.

use shared::AppError;
use shared::audit::{AuditEntry, AuditPage, AuditQuery, CSV_MAX_ROWS, PAGE_SIZE};
use shared::ids::{AuditId, TenantId, UserId};
use shared::permissions::Permission;
use shared::slug::Slug;
use shared::tenants::TenantSummary;
use tracing::instrument;

use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::csv_table::CsvTable;
use crate::error::Result;
use crate::state::Services;
use crate::storage::PlatformData;
use crate::storage::audit::{AuditListRow, AuditRecord};

/// The actions we record, as stored in `audit_log.action`.
pub mod actions {
    pub const SIGN_IN: &str = "auth.sign_in";
    pub const SIGN_IN_FAILED: &str = "auth.sign_in_failed";
    pub const ACCOUNT_LOCKED: &str = "auth.account_locked";
    pub const ADDRESS_BLOCKED: &str = "auth.address_blocked";
    pub const ALERT_ACKNOWLEDGED: &str = "auth.alert_acknowledged";
    pub const ALERT_RESOLVED: &str = "auth.alert_resolved";
    pub const LOCK_LIFTED: &str = "auth.lock_lifted";
    pub const SIGN_OUT: &str = "auth.sign_out";
    pub const SIGN_OUT_EVERYWHERE: &str = "auth.sign_out_everywhere";
    pub const SESSION_REVOKED: &str = "auth.session_revoked";
    pub const SIGN_UP: &str = "auth.sign_up";
    pub const SECOND_FACTOR_PASSED: &str = "auth.second_factor_passed";
    pub const SECOND_FACTOR_FAILED: &str = "auth.second_factor_failed";
    pub const TWO_FACTOR_ENABLED: &str = "auth.two_factor_enabled";
    pub const TWO_FACTOR_DISABLED: &str = "auth.two_factor_disabled";
    pub const BACKUP_CODES_REGENERATED: &str = "auth.backup_codes_regenerated";
    pub const STEP_UP: &str = "auth.step_up";
    pub const DEVICE_TRUSTED: &str = "auth.device_trusted";
    pub const TRUSTED_DEVICE_REVOKED: &str = "auth.trusted_device_revoked";
    pub const TRUSTED_DEVICES_REVOKED: &str = "auth.trusted_devices_revoked";
    pub const PASSWORD_RESET_REQUESTED: &str = "auth.password_reset_requested";
    pub const PASSWORD_RESET: &str = "auth.password_reset";
    pub const PASSWORD_CHANGED: &str = "auth.password_changed";
    pub const EMAIL_CHANGE_REQUESTED: &str = "auth.email_change_requested";
    pub const EMAIL_CHANGED: &str = "auth.email_changed";
    pub const EMAIL_VERIFIED: &str = "auth.email_verified";
    pub const TWO_FACTOR_REQUIRED: &str = "tenant.two_factor_required";
    pub const TWO_FACTOR_NOT_REQUIRED: &str = "tenant.two_factor_not_required";
    pub const TWO_FACTOR_RESET_BY_ADMIN: &str = "member.two_factor_reset";
    pub const SUPER_ADMIN_CREATED: &str = "platform.super_admin_created";
    pub const PERSON_ACTIVATED: &str = "platform.person_activated";
    pub const PERSON_DEACTIVATED: &str = "platform.person_deactivated";
    pub const PERSON_SIGNED_OUT: &str = "platform.person_signed_out";
    pub const PERSON_PASSWORD_RESET: &str = "platform.person_password_reset";
    pub const PERSON_PERSONA_GIVEN: &str = "platform.person_persona_given";
    pub const PERSON_PERSONA_TAKEN: &str = "platform.person_persona_taken";
    pub const PEOPLE_BULK_ACTION: &str = "platform.people_bulk_action";
    pub const IMPERSONATION_STARTED: &str = "platform.impersonation_started";
    pub const IMPERSONATION_ENDED: &str = "platform.impersonation_ended";
    pub const TENANT_CREATED: &str = "tenant.created";
    pub const TENANT_SUSPENDED: &str = "tenant.suspended";
    pub const TENANT_REACTIVATED: &str = "tenant.reactivated";
    pub const TENANT_EDITED: &str = "tenant.edited";
    pub const TENANT_BRANDING_CHANGED: &str = "tenant.branding_changed";
    pub const TENANT_LOGO_CHANGED: &str = "tenant.logo_changed";
    pub const TENANT_LOGO_REMOVED: &str = "tenant.logo_removed";
    pub const TENANT_EXPORTED: &str = "tenant.exported";
    pub const TENANT_DELETED: &str = "tenant.deleted";
    pub const INVITATION_CREATED: &str = "invitation.created";
    pub const INVITATION_REVOKED: &str = "invitation.revoked";
    pub const INVITATION_ACCEPTED: &str = "invitation.accepted";
    pub const MEMBER_ROLE_CHANGED: &str = "member.role_changed";
    pub const MEMBER_REMOVED: &str = "member.removed";
    pub const TEMPLATE_CREATED: &str = "template.created";
    pub const TEMPLATE_UPDATED: &str = "template.updated";
    pub const JOB_RETRIED: &str = "job.retried";
    pub const JOB_CANCELLED: &str = "job.cancelled";
    pub const PLAN_CHANGED: &str = "tenant.plan_changed";
    pub const API_TOKEN_CREATED: &str = "api_token.created";
    pub const API_TOKEN_REVOKED: &str = "api_token.revoked";
    pub const PLAN_EDITED: &str = "platform.plan_edited";
    pub const LIMIT_OVERRIDDEN: &str = "tenant.limit_overridden";
    pub const FEATURE_OVERRIDDEN: &str = "tenant.feature_overridden";
    pub const SERVICE_CREATED: &str = "platform.service_created";
    pub const SERVICE_EDITED: &str = "platform.service_edited";
    pub const SERVICE_REQUESTED: &str = "service.requested";
    pub const SERVICE_STATUS_CHANGED: &str = "service.status_changed";
    pub const VAULT_KEY_ADDED: &str = "vault.key_added";
    pub const VAULT_KEY_ROTATED: &str = "vault.key_rotated";
    pub const VAULT_KEY_DELETED: &str = "vault.key_deleted";
    pub const SERVER_KEY_ROTATED: &str = "platform.server_key_rotated";
    pub const CREDITS_ADJUSTED: &str = "tenant.credits_adjusted";
    pub const CREDITS_PURCHASED: &str = "tenant.credits_purchased";
    pub const CREDITS_PURCHASE_DECLINED: &str = "tenant.credits_purchase_declined";
    pub const INVOICE_ISSUED: &str = "invoice.issued";
    pub const INVOICE_PAYMENT: &str = "invoice.payment";
    pub const TICKET_OPENED: &str = "ticket.opened";
    pub const TICKET_REPLIED: &str = "ticket.replied";
    pub const TICKET_UPDATED: &str = "ticket.updated";
    pub const TICKET_FILE_ADDED: &str = "ticket.file_added";
    pub const WIDGET_CREATED: &str = "widget.created";
    pub const WIDGET_DRAFT_SAVED: &str = "widget.draft_saved";
    pub const WIDGET_PUBLISHED: &str = "widget.published";
    pub const WIDGET_ROLLED_BACK: &str = "widget.rolled_back";
    pub const CUSTOMER_LINK_REQUESTED: &str = "customer_link.requested";
    pub const CUSTOMER_LINK_ACCEPTED: &str = "customer_link.accepted";
    pub const CUSTOMER_LINK_DECLINED: &str = "customer_link.declined";
    pub const CUSTOMER_LINK_ENDED: &str = "customer_link.ended";
    pub const IMPLEMENTATION_CREATED: &str = "implementation.created";
    pub const IMPLEMENTATION_STATUS_CHANGED: &str = "implementation.status_changed";
    pub const PROJECT_CREATED: &str = "project.created";
    pub const PROJECT_UPDATED: &str = "project.updated";
    pub const PROJECT_STATUS_CHANGED: &str = "project.status_changed";
    pub const CUSTOMER_LINK_PROJECT_SET: &str = "customer_link.project_set";
    pub const MARKETPLACE_LISTED: &str = "marketplace.listed";
    pub const MARKETPLACE_WITHDRAWN: &str = "marketplace.withdrawn";
    pub const MARKETPLACE_RATED: &str = "marketplace.rated";
    pub const MARKETPLACE_INSTALLED: &str = "marketplace.installed";
    pub const MARKETPLACE_SCREENSHOT_ADDED: &str = "marketplace.screenshot_added";
    pub const MARKETPLACE_SCREENSHOT_REMOVED: &str = "marketplace.screenshot_removed";
    pub const COMMISSION_RATE_CHANGED: &str = "tenant.commission_rate_changed";
}

/// Builds an entry stamped now.
pub fn entry(
    action: &'static str,
    actor: Option<UserId>,
    tenant: Option<TenantId>,
    target: Option<String>,
    client: &ClientInfo,
    details: serde_json::Value,
) -> AuditRecord {
    // Impersonating, the super admin at the keyboard is the actor, on behalf of the person.
    let (actor, on_behalf_of) = match client.impersonator {
        Some(by) => (Some(by), actor),
        None => (actor, None),
    };
    AuditRecord {
        id: AuditId::from_uuid(uuid::Uuid::now_v7()),
        at: crate::time::now(),
        actor,
        on_behalf_of,
        tenant,
        action,
        target,
        ip: client.ip_text(),
        user_agent: client.user_agent_text(),
        details,
    }
}

/// An entry for something a person did to their own account (actor and target are them).
pub fn on_own_account(
    action: &'static str,
    caller: &crate::authz::Caller,
    client: &ClientInfo,
    details: serde_json::Value,
) -> AuditRecord {
    entry(
        action,
        Some(caller.user_id),
        None,
        Some(caller.email.to_string()),
        client,
        details,
    )
}

/// A page of the platform's log (super admins), optionally one tenant's slice of it.
#[instrument(skip_all)]
pub async fn platform_log(svc: &Services, caller: &Caller, query: AuditQuery) -> Result<AuditPage> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::AuditRead)?;
    let data = svc.store().platform(&access);
    let tenant = chosen_tenant(&data, &query).await?;
    let rows = data.audit_search(tenant, &query, PAGE_SIZE + 1).await?;
    Ok(page(None, query, rows))
}

/// A page of a workspace's own log (its owners).
#[instrument(skip_all, fields(slug))]
pub async fn tenant_log(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    mut query: AuditQuery,
) -> Result<AuditPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::AuditView)?;
    // The workspace's log is its own: a tenant filter means nothing here.
    query.tenant = None;
    let rows = svc
        .store()
        .tenant(&access)
        .audit_search(&query, PAGE_SIZE + 1)
        .await?;
    Ok(page(Some(access.tenant().clone()), query, rows))
}

/// The platform's log as CSV: the newest [`CSV_MAX_ROWS`] entries that match.
#[instrument(skip_all)]
pub async fn platform_csv(svc: &Services, caller: &Caller, query: AuditQuery) -> Result<String> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::AuditRead)?;
    let data = svc.store().platform(&access);
    let tenant = chosen_tenant(&data, &query).await?;
    to_csv(&data.audit_search(tenant, &query, CSV_MAX_ROWS).await?)
}

/// A workspace's log as CSV, for its owners.
#[instrument(skip_all, fields(slug))]
pub async fn tenant_csv(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    mut query: AuditQuery,
) -> Result<String> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::AuditView)?;
    query.tenant = None;
    to_csv(
        &svc.store()
            .tenant(&access)
            .audit_search(&query, CSV_MAX_ROWS)
            .await?,
    )
}

/// The newest entries that mention `email` (as actor or target), for the console's page
/// about a person. The caller has passed the platform's audit permission.
pub(crate) async fn mentioning(
    data: &PlatformData<'_>,
    email: &str,
    limit: u32,
) -> Result<Vec<AuditEntry>> {
    let query = AuditQuery {
        text: email.to_owned(),
        ..AuditQuery::default()
    };
    let rows = data.audit_search(None, &query, limit).await?;
    Ok(rows.into_iter().map(entry_view).collect())
}

/// The tenant the console's filter names (422 for an address no workspace has).
async fn chosen_tenant(data: &PlatformData<'_>, query: &AuditQuery) -> Result<Option<TenantId>> {
    let Some(slug) = &query.tenant else {
        return Ok(None);
    };
    let tenant = data.tenant_by_slug(slug).await?.ok_or_else(|| {
        AppError::invalid("tenant", format!("No workspace has the address “{slug}”."))
    })?;
    Ok(Some(tenant.id))
}

fn page(
    tenant: Option<TenantSummary>,
    query: AuditQuery,
    mut rows: Vec<AuditListRow>,
) -> AuditPage {
    let more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    let next = more.then(|| rows.last().map(|r| r.id)).flatten();
    AuditPage {
        tenant,
        query,
        entries: rows.into_iter().map(entry_view).collect(),
        next,
    }
}

fn entry_view(row: AuditListRow) -> AuditEntry {
    AuditEntry {
        tenant: row.tenant(),
        id: row.id,
        at: row.at,
        actor: row.actor,
        on_behalf_of: row.on_behalf_of,
        action: row.action,
        target: row.target,
        ip: row.ip,
        user_agent: row.user_agent,
        details: row.details,
    }
}

fn to_csv(rows: &[AuditListRow]) -> Result<String> {
    let mut out = CsvTable::new(&[
        "at",
        "actor",
        "on_behalf_of",
        "workspace",
        "action",
        "target",
        "ip",
        "user_agent",
        "details",
        "id",
    ])?;
    for row in rows {
        out.row([
            row.at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                .as_str(),
            row.actor.as_deref().unwrap_or(""),
            row.on_behalf_of.as_deref().unwrap_or(""),
            row.tenant_slug.as_ref().map_or("", Slug::as_str),
            &row.action,
            row.target.as_deref().unwrap_or(""),
            row.ip.as_deref().unwrap_or(""),
            row.user_agent.as_deref().unwrap_or(""),
            &row.details,
            &row.id.to_string(),
        ])?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    /// Every action the server records belongs to an area the log's filter offers.
    #[test]
    fn every_action_has_an_area_the_filter_knows() {
        let source = include_str!("audit.rs");
        let actions: Vec<&str> = source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("pub const "))
            .filter_map(|rest| rest.split_once(": &str = \"").map(|(_, value)| value))
            .filter_map(|value| value.strip_suffix("\";"))
            .collect();
        assert!(actions.len() > 50, "found only {actions:?}");
        for action in actions {
            let area = shared::audit::area_of(action);
            assert!(
                shared::audit::area_label(area).is_some(),
                "{action}: the area {area} is not in shared::audit::AREAS"
            );
        }
    }
}

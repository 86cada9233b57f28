//! The service catalog (seed 001): super admins define services; an organization's admins
//! request them; super admins approve, suspend, resume or cancel; the organization may cancel
//! its own. Every change goes through the one permission check, is audited, tells the
//! organization's owners and admins, and is published on the `services` topic — which the
//! organization's tabs watch, and super admins' tabs watch across every workspace.

use shared::AppError;
use shared::catalog::{
    ActivationAction, ActivationStatus, CatalogEntry, Service, ServiceInput, ServicesAdminPage,
    ServicesPage, transition,
};
use shared::ids::{ActivationId, NotificationId, ServiceId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::security::NotificationKind;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::TenantData;
use crate::storage::notifications::NewNotification;

/// The organization's Services page: the catalog with its own activations.
#[instrument(skip_all, fields(slug))]
pub async fn page(svc: &Services, caller: &Caller, slug: &str) -> Result<ServicesPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::ServicesView)?;
    let data = svc.store().tenant(&access);
    let (catalog, activations, tier) =
        tokio::try_join!(svc.store().catalog(), data.activations(), data.plan_tier())?;
    let entries = catalog
        .into_iter()
        .filter_map(|service| {
            let activation = activations
                .iter()
                .find(|a| a.service == service.id)
                .cloned();
            // A retired service stays listed only where it is (or was) in use.
            if !service.offered && activation.is_none() {
                return None;
            }
            Some(CatalogEntry {
                eligible: service.allows(tier),
                service,
                activation,
            })
        })
        .collect();
    Ok(ServicesPage {
        tenant: access.tenant().clone(),
        tier,
        entries,
        can_manage: access.role().can(Permission::ServicesRequest),
    })
}

/// An organization's admin requests a service; it waits for a super admin's approval.
#[instrument(skip_all, fields(slug, %service))]
pub async fn request(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    service: ServiceId,
) -> Result<ActivationId> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::ServicesRequest)?;
    let data = svc.store().tenant(&access);
    let service = offered(svc, service).await?;
    let tier = data.plan_tier().await?;
    if !service.allows(tier) {
        return Err(AppError::forbidden(service.tier_refusal(tier)).into());
    }
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    let id = data
        .request_service(&mut tx, service.id, caller.user_id, now)
        .await?
        .ok_or_else(|| {
            AppError::conflict(format!(
                "{} is already requested or in use by this organization.",
                service.name
            ))
        })?;
    tx.audit(&audit::entry(
        actions::SERVICE_REQUESTED,
        Some(caller.user_id),
        Some(data.tenant_id()),
        Some(service.name.to_string()),
        client,
        serde_json::json!({ "service": service.id, "activation": id }),
    ))
    .await?;
    tx.publish(
        data.tenant_id(),
        Change::Activation {
            activation: id,
            service: service.id,
            status: ActivationStatus::Requested,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An organization's admin cancels one of its services (or withdraws a request).
#[instrument(skip_all, fields(slug, %activation, %action))]
pub async fn act_as_organization(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    activation: ActivationId,
    action: ActivationAction,
) -> Result<ActivationStatus> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::ServicesRequest)?;
    if !action.open_to_the_organization() {
        return Err(AppError::forbidden(format!(
            "Only the platform's administrators can {} a service; ask them, or cancel it.",
            action.label().to_lowercase()
        ))
        .into());
    }
    let data = svc.store().tenant(&access);
    change_status(svc, &data, caller, client, activation, action).await
}

/// The super admin's catalog page.
#[instrument(skip_all)]
pub async fn admin_page(svc: &Services, caller: &Caller) -> Result<ServicesAdminPage> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::ServicesManage)?;
    let platform = svc.store().platform(&access);
    let (services, activations) = tokio::try_join!(svc.store().catalog(), platform.activations())?;
    Ok(ServicesAdminPage {
        services,
        activations,
    })
}

/// A super admin adds a service (`id: None`) or changes one.
#[instrument(skip_all)]
pub async fn save_service(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    id: Option<ServiceId>,
    input: &ServiceInput,
) -> Result<ServiceId> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::ServicesManage)?;
    let platform = svc.store().platform(&access);
    let taken = || {
        AppError::invalid(
            "name",
            format!("A service called “{}” exists already.", input.name),
        )
    };
    let now = crate::time::now();
    // An edit reads what it changes before the transaction (reads from the pool inside one
    // could wait for connections other open transactions hold).
    let before = match id {
        None => None,
        Some(id) => {
            let before = svc
                .store()
                .service(id)
                .await?
                .ok_or_else(|| AppError::not_found("The service"))?;
            // Checked first for the usual case; the unique name settles a race.
            if platform.service_name_taken(&input.name, id).await? {
                return Err(taken().into());
            }
            Some(before)
        }
    };
    let mut tx = svc.store().begin().await?;
    let (id, action) = match id {
        None => {
            let id = ServiceId::from_uuid(uuid::Uuid::now_v7());
            if !platform.insert_service(&mut tx, id, input, now).await? {
                return Err(taken().into());
            }
            (id, actions::SERVICE_CREATED)
        }
        Some(id) => {
            if !platform.update_service(&mut tx, id, input, now).await? {
                return Err(taken().into());
            }
            (id, actions::SERVICE_EDITED)
        }
    };
    tx.audit(&audit::entry(
        action,
        Some(caller.user_id),
        None,
        Some(input.name.to_string()),
        client,
        serde_json::json!({ "service": id, "before": before, "after": input }),
    ))
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A super admin approves, suspends, resumes or cancels a tenant's activation.
#[instrument(skip_all, fields(%activation, %action))]
pub async fn act_as_platform(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    activation: ActivationId,
    action: ActivationAction,
) -> Result<ActivationStatus> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::ServicesManage)?;
    let tenant = svc
        .store()
        .platform(&access)
        .activation_tenant(activation)
        .await?
        .ok_or_else(|| AppError::not_found("The activation"))?;
    let data = svc.store().tenant_from_platform(&access, tenant);
    change_status(svc, &data, caller, client, activation, action).await
}

/// A service that exists and is still offered.
async fn offered(svc: &Services, id: ServiceId) -> Result<Service> {
    let service = svc
        .store()
        .service(id)
        .await?
        .ok_or_else(|| AppError::not_found("The service"))?;
    if !service.offered {
        return Err(AppError::conflict(format!("{} is no longer offered.", service.name)).into());
    }
    Ok(service)
}

/// Moves one of `data`'s activations through the state machine, tells the organization's
/// owners and admins, and publishes the change.
async fn change_status(
    svc: &Services,
    data: &TenantData<'_>,
    caller: &Caller,
    client: &ClientInfo,
    id: ActivationId,
    action: ActivationAction,
) -> Result<ActivationStatus> {
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    let activation = data
        .activation(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("The activation"))?;
    let to = transition(activation.status, action)?;
    if !data
        .set_activation_status(&mut tx, id, activation.status, to, now)
        .await?
    {
        return Err(AppError::conflict(
            "Someone changed this service a moment ago; reload to see where it stands.",
        )
        .into());
    }
    let service = svc
        .store()
        .service_in(&mut tx, activation.service)
        .await?
        .ok_or_else(|| AppError::not_found("The service"))?;
    tx.audit(&audit::entry(
        actions::SERVICE_STATUS_CHANGED,
        Some(caller.user_id),
        Some(data.tenant_id()),
        Some(service.name.to_string()),
        client,
        serde_json::json!({ "activation": id, "before": activation.status, "after": to }),
    ))
    .await?;
    let title = format!("{} is {}", service.name, to.label().to_lowercase());
    let body = match to {
        ActivationStatus::Active => format!(
            "{} is ready to use ({}).",
            service.name,
            service.price_text()
        ),
        ActivationStatus::Suspended => format!("{} is paused until it is resumed.", service.name),
        ActivationStatus::Cancelled => {
            format!("{} was cancelled; it can be requested again.", service.name)
        }
        ActivationStatus::Requested => format!("{} waits for approval.", service.name),
    };
    for user in data.billing_contacts(&mut tx).await? {
        if user == caller.user_id {
            continue;
        }
        tx.notify(&NewNotification {
            id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
            user_id: user,
            kind: NotificationKind::ServiceStatus,
            title: title.clone(),
            body: body.clone(),
            created_at: now,
        })
        .await?;
    }
    tx.publish(
        data.tenant_id(),
        Change::Activation {
            activation: id,
            service: activation.service,
            status: to,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

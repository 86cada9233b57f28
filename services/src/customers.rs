//! Builders and their customers. A builder workspace asks an end-user organization, by its
//! address, to become its customer; the customer's owners accept or decline, and either side
//! ends the link (which retires every widget deployed over it). Over an active link the
//! builder deploys its published widgets for the customer as implementations, whose status
//! follows `shared::customers`; a live implementation's visitors are admitted by
//! `authz::enter_embed` and kept in the customer's workspace.

use chrono::{DateTime, Utc};
use shared::AppError;
use shared::billing::Money;
use shared::billing::invoice::Period;
use shared::customers::{
    BuilderOverview, BuildersPage, CustomersPage, DeployableTemplate, DeployableWidget,
    ImplementationAction, ImplementationStatus, LinkAction, LinkStatus, Side, commission_on,
    implementation_transition, link_transition,
};
use shared::ids::{CustomerLinkId, ImplementationId, InvoiceId, TemplateId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::personas::Persona;
use shared::platform::TenantStatus;
use shared::slug::Slug;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller, TenantAccess};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::customers::{Deployed, NewCommission, NewImplementation};
use crate::storage::process::{DeployedCopy, NewTemplate, TemplateEdit};
use crate::storage::{TenantData, Tx};

/// Enters the workspace `slug` as `side` of its links, holding `permission`.
pub(crate) async fn enter(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    side: Side,
    permission: Permission,
) -> Result<TenantAccess> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::CustomersView)?;
    let persona = access.tenant().variant.persona();
    match side {
        Side::Builder if persona != Persona::Builder => {
            return Err(AppError::forbidden(
                "Customers are linked from builder workspaces; this organization is not one.",
            )
            .into());
        }
        Side::Customer if persona != Persona::EndUser => {
            return Err(AppError::forbidden(
                "Builders work for end-user organizations; this organization is a builder.",
            )
            .into());
        }
        _ => {}
    }
    authz::require(&access, permission)?;
    Ok(access)
}

/// A builder workspace's customers, what it deployed for them, and what it can deploy.
#[instrument(skip_all, fields(slug))]
pub async fn customers_page(svc: &Services, caller: &Caller, slug: &str) -> Result<CustomersPage> {
    let access = enter(svc, caller, slug, Side::Builder, Permission::CustomersView).await?;
    let data = svc.store().tenant(&access);
    let (links, implementations, widgets, templates, (projects, _)) = tokio::try_join!(
        data.links(Side::Builder),
        data.implementations(Side::Builder),
        data.widgets(),
        data.templates(),
        crate::projects::portfolio(&data),
    )?;
    Ok(CustomersPage {
        tenant: access.tenant().clone(),
        links,
        implementations,
        widgets: widgets
            .into_iter()
            .map(|w| DeployableWidget {
                id: w.id,
                name: w.name,
                published: w.live_version.is_some(),
            })
            .collect(),
        templates: templates
            .into_iter()
            .filter(|t| !t.read_only())
            .map(|t| DeployableTemplate {
                id: t.id,
                name: t.name,
            })
            .collect(),
        projects,
        can_manage: access.role().can(Permission::CustomersManage),
        public_url: svc.settings().public_url(),
    })
}

/// An end-user organization's builders and the widgets they deployed for it.
#[instrument(skip_all, fields(slug))]
pub async fn builders_page(svc: &Services, caller: &Caller, slug: &str) -> Result<BuildersPage> {
    let access = enter(svc, caller, slug, Side::Customer, Permission::CustomersView).await?;
    let data = svc.store().tenant(&access);
    let (links, implementations) = tokio::try_join!(
        data.links(Side::Customer),
        data.implementations(Side::Customer)
    )?;
    let widgets: Vec<ImplementationId> = implementations
        .iter()
        .filter(|i| i.widget.is_some())
        .map(|i| i.id)
        .collect();
    let activity = data
        .customer_deployment_activity(&widgets, crate::projects::activity_since())
        .await?;
    Ok(BuildersPage {
        tenant: access.tenant().clone(),
        links,
        implementations,
        activity,
        can_decide: access.role().can(Permission::BuildersApprove),
    })
}

/// Asks the end-user organization at `customer` to become a customer of the builder
/// workspace `slug`.
#[instrument(skip_all, fields(slug, customer))]
pub async fn request_link(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    customer: &str,
) -> Result<CustomerLinkId> {
    let access = enter(
        svc,
        caller,
        slug,
        Side::Builder,
        Permission::CustomersManage,
    )
    .await?;
    let missing = || {
        AppError::invalid(
            "customer",
            format!(
                "No end-user organization has the address “{}”.",
                customer.trim()
            ),
        )
    };
    let address = Slug::parse(customer.trim()).map_err(|_| missing())?;
    // Unknown, a builder, this workspace itself, or suspended: the same answer, so asking
    // tells nothing more than whether an organization takes builders at that address.
    let found = svc
        .store()
        .organization_by_slug(&address)
        .await?
        .filter(|t| {
            t.variant.persona() == Persona::EndUser
                && t.id != access.tenant_id()
                && t.status != TenantStatus::Suspended
        })
        .ok_or_else(missing)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let link = data
        .request_customer_link(
            &mut tx,
            found.id,
            &address,
            caller.user_id,
            crate::time::now(),
        )
        .await?
        .ok_or_else(|| {
            AppError::conflict(format!(
                "You already have a link with “{address}” (waiting for its owner or active)."
            ))
        })?;
    tx.audit(&audit::entry(
        actions::CUSTOMER_LINK_REQUESTED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(link.to_string()),
        client,
        serde_json::json!({ "customer": found.id, "customer_slug": address.as_str() }),
    ))
    .await?;
    // The customer's own audit trail shows who asked, too.
    tx.audit(&audit::entry(
        actions::CUSTOMER_LINK_REQUESTED,
        Some(caller.user_id),
        Some(found.id),
        Some(link.to_string()),
        client,
        serde_json::json!({ "builder": access.tenant_id(), "builder_slug": access.tenant().slug.as_str() }),
    ))
    .await?;
    let change = Change::CustomerLink {
        link,
        status: LinkStatus::Pending,
    };
    tx.publish(access.tenant_id(), change.clone()).await?;
    tx.publish(found.id, change).await?;
    tx.commit().await?;
    Ok(link)
}

/// `action` on link `link` by the workspace `slug`, which is `side` of it: the customer's
/// owners accept, decline or end; the builder's managers end (or withdraw a request).
#[instrument(skip_all, fields(slug, %link, %action))]
pub async fn change_link(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    side: Side,
    link: CustomerLinkId,
    action: LinkAction,
) -> Result<LinkStatus> {
    let permission = match side {
        Side::Builder => Permission::CustomersManage,
        Side::Customer => Permission::BuildersApprove,
    };
    let access = enter(svc, caller, slug, side, permission).await?;
    let data = svc.store().tenant(&access);
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    let locked = data
        .lock_link(&mut tx, link, side)
        .await?
        .ok_or_else(|| AppError::not_found("This link"))?;
    let to = link_transition(side, locked.status, action)?;
    data.set_link_status(&mut tx, link, to, caller.user_id, now)
        .await?;
    let retired = if to == LinkStatus::Ended {
        data.retire_link_implementations(&mut tx, link, now).await?
    } else {
        Vec::new()
    };
    // The customer's copies of templates deployed over the link are retired with it: its
    // command center stops offering them.
    if let Some(customer) = svc.store().customer_of(&locked) {
        for implementation in &retired {
            if let Some(copy) = customer.deployed_template(&mut tx, *implementation).await? {
                tx.publish(locked.customer, Change::Template { template: copy.id })
                    .await?;
            }
        }
    }
    let audit_action = match to {
        LinkStatus::Active => actions::CUSTOMER_LINK_ACCEPTED,
        LinkStatus::Declined => actions::CUSTOMER_LINK_DECLINED,
        LinkStatus::Ended | LinkStatus::Pending => actions::CUSTOMER_LINK_ENDED,
    };
    for tenant in [locked.builder, locked.customer] {
        tx.audit(&audit::entry(
            audit_action,
            Some(caller.user_id),
            Some(tenant),
            Some(link.to_string()),
            client,
            serde_json::json!({ "from": locked.status, "to": to, "by": access.tenant_id(), "retired": retired }),
        ))
        .await?;
        tx.publish(tenant, Change::CustomerLink { link, status: to })
            .await?;
    }
    tx.commit().await?;
    Ok(to)
}

/// Deploys the builder's widget or process template `deployed` for the customer of link
/// `link`, as a draft.
#[instrument(skip_all, fields(slug, %link, ?deployed))]
pub async fn deploy(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    link: CustomerLinkId,
    deployed: Deployed,
) -> Result<ImplementationId> {
    let access = enter(
        svc,
        caller,
        slug,
        Side::Builder,
        Permission::CustomersManage,
    )
    .await?;
    let data = svc.store().tenant(&access);
    let name = match deployed {
        Deployed::Widget(widget) => match data.widget(widget).await? {
            Some((summary, _)) => summary.name.to_string(),
            None => return Err(AppError::not_found("The widget").into()),
        },
        Deployed::Template(template) => match data.template(template).await? {
            Some((summary, _)) if summary.read_only() => {
                return Err(AppError::invalid(
                    "template",
                    "Built-in templates are in every workspace already: deploy one of your own.",
                )
                .into());
            }
            Some((summary, _)) => summary.name.to_string(),
            None => return Err(AppError::not_found("The template").into()),
        },
    };
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    let locked = data
        .lock_link(&mut tx, link, Side::Builder)
        .await?
        .ok_or_else(|| AppError::not_found("This customer"))?;
    if locked.status != LinkStatus::Active {
        return Err(AppError::conflict(format!(
            "This customer's link is {}: deployments are for active customers only.",
            locked.status.as_str()
        ))
        .into());
    }
    if data
        .open_implementation_exists(&mut tx, deployed, locked.customer)
        .await?
    {
        return Err(AppError::conflict(format!(
            "“{name}” is already deployed for this customer; retire that deployment first."
        ))
        .into());
    }
    let id = ImplementationId::from_uuid(uuid::Uuid::now_v7());
    data.insert_implementation(
        &mut tx,
        &NewImplementation {
            id,
            link,
            customer: locked.customer,
            deployed,
            name: &name,
            by: caller.user_id,
            at: now,
        },
    )
    .await?;
    let details = match deployed {
        Deployed::Widget(widget) => {
            serde_json::json!({ "widget": widget, "customer": locked.customer, "link": link })
        }
        Deployed::Template(template) => {
            serde_json::json!({ "template": template, "customer": locked.customer, "link": link })
        }
    };
    finish_implementation(
        &mut tx,
        &access,
        client,
        actions::IMPLEMENTATION_CREATED,
        id,
        locked.customer,
        ImplementationStatus::Draft,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// `action` on the builder's implementation `implementation`; going live needs the widget
/// published and the link active.
#[instrument(skip_all, fields(slug, %implementation, %action))]
pub async fn change_implementation(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    implementation: ImplementationId,
    action: ImplementationAction,
) -> Result<ImplementationStatus> {
    let access = enter(
        svc,
        caller,
        slug,
        Side::Builder,
        Permission::CustomersManage,
    )
    .await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let missing = || AppError::not_found("This implementation");
    // The link first, then the implementation: the order ending a link takes too.
    let link_id = data
        .implementation_link(&mut tx, implementation)
        .await?
        .ok_or_else(missing)?;
    let link = data.lock_link(&mut tx, link_id, Side::Builder).await?;
    let locked = data
        .lock_implementation(&mut tx, implementation)
        .await?
        .ok_or_else(missing)?;
    let to = implementation_transition(locked.status, action)?;
    let now = crate::time::now();
    let customer = link.as_ref().and_then(|l| svc.store().customer_of(l));
    if to.serves_visitors() {
        if customer.is_none() {
            return Err(AppError::conflict(format!(
                "This customer's link is no longer active: “{}” cannot go live for them.",
                locked.name
            ))
            .into());
        };
        if let Some(widget) = locked.widget {
            let published = data
                .lock_widget(&mut tx, widget)
                .await?
                .is_some_and(|w| w.live_version.is_some());
            if !published {
                return Err(AppError::conflict(
                    "Publish the widget first: a customer's site gets its live version.",
                )
                .into());
            }
        }
    }
    if let Some(template) = locked.template {
        deliver_template(
            &data,
            customer.as_ref(),
            &mut tx,
            implementation,
            template,
            to.serves_visitors(),
            caller,
            now,
        )
        .await?;
    }
    data.set_implementation_status(&mut tx, implementation, to, now)
        .await?;
    let details = serde_json::json!({ "from": locked.status, "to": to });
    finish_implementation(
        &mut tx,
        &access,
        client,
        actions::IMPLEMENTATION_STATUS_CHANGED,
        implementation,
        locked.customer,
        to,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// Keeps the customer's copy of a deployed process template in step with its deployment:
/// going live (or live again) writes the builder's current version into the customer's
/// workspace — the first time as a new read-only template, later as its next version when the
/// builder changed it — through the customer's own scope; every change tells the customer's
/// command center (its list of templates to start from follows the deployment's status).
#[allow(clippy::too_many_arguments)]
async fn deliver_template(
    builder: &TenantData<'_>,
    customer: Option<&TenantData<'_>>,
    tx: &mut Tx,
    implementation: ImplementationId,
    template: TemplateId,
    live: bool,
    caller: &Caller,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(customer) = customer else {
        // The link ended: its deployments were retired with it, and the customer's copy
        // stays unavailable.
        return Ok(());
    };
    let copy = customer.deployed_template(tx, implementation).await?;
    let copy = match (live, copy) {
        (false, copy) => copy.map(|c| c.id),
        (true, copy) => {
            let (summary, definition) = builder
                .template(template)
                .await?
                .ok_or_else(|| AppError::not_found("The template"))?;
            match copy {
                Some(c)
                    if c.definition == definition
                        && c.name == summary.name
                        && c.description == summary.description =>
                {
                    Some(c.id)
                }
                Some(DeployedCopy { id, .. }) => {
                    customer
                        .refresh_deployed_template(
                            tx,
                            id,
                            &TemplateEdit {
                                name: &summary.name,
                                description: &summary.description,
                                definition: &definition,
                                by: caller.user_id,
                                at,
                            },
                        )
                        .await?;
                    Some(id)
                }
                None => {
                    let id = TemplateId::from_uuid(uuid::Uuid::now_v7());
                    customer
                        .insert_template(
                            tx,
                            &NewTemplate {
                                id,
                                name: &summary.name,
                                description: &summary.description,
                                builtin_key: None,
                                implementation: Some(implementation),
                                definition: &definition,
                                created_by: Some(caller.user_id),
                                at,
                            },
                        )
                        .await?;
                    Some(id)
                }
            }
        }
    };
    if let Some(copy) = copy {
        tx.publish(customer.tenant, Change::Template { template: copy })
            .await?;
    }
    Ok(())
}

/// Credits each builder `data`'s organization has an active link with its commission on
/// the invoice `invoice` just issued (inside the issuing transaction): the builder's rate of
/// that day, of the invoice's subtotal.
pub(crate) async fn attribute_commissions(
    data: &TenantData<'_>,
    tx: &mut Tx,
    invoice: InvoiceId,
    period: Period,
    subtotal: Money,
    at: DateTime<Utc>,
) -> Result<()> {
    for active in data.active_builders(tx).await? {
        data.insert_commission(
            tx,
            &NewCommission {
                invoice,
                builder: active.builder,
                customer_name: &active.customer_name,
                project: active.project,
                period,
                revenue: subtotal,
                rate: active.rate,
                amount: commission_on(subtotal, active.rate),
                at,
            },
        )
        .await?;
    }
    Ok(())
}

/// The first month of the twelve that builders' revenue figures cover (this one included).
pub(crate) fn revenue_window_start() -> Period {
    let mut since = Period::of(crate::time::now());
    for _ in 0..11 {
        since = since.previous();
    }
    since
}

/// A builder workspace's dashboard figures: its customers and deployments, and what the
/// customers' invoices brought it over the last twelve months.
#[instrument(skip_all, fields(slug))]
pub async fn overview(svc: &Services, caller: &Caller, slug: &str) -> Result<BuilderOverview> {
    let access = enter(svc, caller, slug, Side::Builder, Permission::CustomersView).await?;
    let data = svc.store().tenant(&access);
    let since = revenue_window_start();
    let (links, implementations, rate, (months, by_customer), (projects, by_project)) = tokio::try_join!(
        data.links(Side::Builder),
        data.implementations(Side::Builder),
        data.commission_rate(),
        data.commissions(since),
        crate::projects::portfolio(&data),
    )?;
    let count_links =
        |status| u32::try_from(links.iter().filter(|l| l.status == status).count()).unwrap_or(0);
    let count_deployments = |status| {
        u32::try_from(
            implementations
                .iter()
                .filter(|i| i.status == status)
                .count(),
        )
        .unwrap_or(0)
    };
    Ok(BuilderOverview {
        rate,
        months,
        by_customer,
        by_project,
        projects: projects
            .into_iter()
            .filter(|p| p.status.in_portfolio())
            .collect(),
        active_customers: count_links(LinkStatus::Active),
        waiting_customers: count_links(LinkStatus::Pending),
        live_deployments: count_deployments(ImplementationStatus::Live),
        paused_deployments: count_deployments(ImplementationStatus::Paused),
        draft_deployments: count_deployments(ImplementationStatus::Draft),
    })
}

/// The audit entries and live events an implementation's change ends with, in both
/// organizations.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn finish_implementation(
    tx: &mut Tx,
    access: &TenantAccess,
    client: &ClientInfo,
    action: &'static str,
    implementation: ImplementationId,
    customer: shared::ids::TenantId,
    status: ImplementationStatus,
    details: serde_json::Value,
) -> Result<()> {
    for tenant in [access.tenant_id(), customer] {
        tx.audit(&audit::entry(
            action,
            Some(access.caller().user_id),
            Some(tenant),
            Some(implementation.to_string()),
            client,
            details.clone(),
        ))
        .await?;
        tx.publish(
            tenant,
            Change::Implementation {
                implementation,
                status,
            },
        )
        .await?;
    }
    Ok(())
}

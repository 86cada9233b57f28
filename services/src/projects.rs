//! A builder's projects: its managers create them, rename them, move them through
//! `shared::projects`' states, and put customers in them (a customer is in one project at a
//! time). Each invoice a customer is issued is attributed to the project its link is in
//! that day (`customers::attribute_commissions`), so revenue by project never moves.

use shared::AppError;
use shared::billing::Money;
use shared::customers::{LinkStatus, Side};
use shared::ids::{CustomerLinkId, ProjectId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::projects::{
    ACTIVITY_DAYS, DeploymentActivity, ProjectAction, ProjectDraft, ProjectPage, ProjectRevenue,
    ProjectStatus, ProjectSummary, ProjectsPage, project_transition,
};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{Caller, TenantAccess};
use crate::client::ClientInfo;
use crate::customers::enter;
use crate::error::Result;
use crate::state::Services;
use crate::storage::projects::ProjectRow;
use crate::storage::{TenantData, Tx};

/// A project row and the revenue attributed to it, as the portfolio shows it.
fn summary(row: ProjectRow, revenue: &[ProjectRevenue]) -> ProjectSummary {
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    ProjectSummary {
        revenue: revenue
            .iter()
            .filter(|r| r.project == Some(row.id))
            .map(|r| r.revenue)
            .collect::<Vec<Money>>(),
        id: row.id,
        name: row.name,
        description: row.description,
        status: row.status,
        customers: count(row.customers),
        live_deployments: count(row.live_deployments),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// This builder's projects with their revenue, and the revenue by project.
pub(crate) async fn portfolio(
    data: &TenantData<'_>,
) -> Result<(Vec<ProjectSummary>, Vec<ProjectRevenue>)> {
    let (rows, revenue) = tokio::try_join!(data.projects(), data.project_revenue())?;
    let projects = rows.into_iter().map(|r| summary(r, &revenue)).collect();
    Ok((projects, revenue))
}

/// A builder workspace's project portfolio.
#[instrument(skip_all, fields(slug))]
pub async fn projects_page(svc: &Services, caller: &Caller, slug: &str) -> Result<ProjectsPage> {
    let access = enter(svc, caller, slug, Side::Builder, Permission::CustomersView).await?;
    let data = svc.store().tenant(&access);
    let (projects, _) = portfolio(&data).await?;
    Ok(ProjectsPage {
        tenant: access.tenant().clone(),
        projects,
        can_manage: access.role().can(Permission::CustomersManage),
    })
}

/// One project in full: customers, their deployments and activity, revenue by month.
#[instrument(skip_all, fields(slug, %project))]
pub async fn project_page(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    project: ProjectId,
) -> Result<ProjectPage> {
    let access = enter(svc, caller, slug, Side::Builder, Permission::CustomersView).await?;
    let data = svc.store().tenant(&access);
    let since = crate::customers::revenue_window_start();
    let activity_since = activity_since();
    let (row, revenue, links, implementations, months, activity) = tokio::try_join!(
        data.project(project),
        data.project_revenue(),
        data.links(Side::Builder),
        data.implementations(Side::Builder),
        data.project_months(project, since),
        data.deployment_activity(activity_since),
    )?;
    let row = row.ok_or_else(|| AppError::not_found("This project"))?;
    let (customers, others): (Vec<_>, Vec<_>) =
        links.into_iter().partition(|l| l.project == Some(project));
    let implementations: Vec<_> = implementations
        .into_iter()
        .filter(|i| customers.iter().any(|l| l.id == i.link))
        .collect();
    let activity: Vec<DeploymentActivity> = activity
        .into_iter()
        .filter(|a| {
            implementations
                .iter()
                .any(|i| Some(i.id) == a.implementation)
        })
        .collect();
    let mut activity_total = DeploymentActivity::default();
    for a in &activity {
        activity_total.add(a);
    }
    let addable = others
        .into_iter()
        .filter(|l| l.project.is_none() && l.status == LinkStatus::Active)
        .collect();
    Ok(ProjectPage {
        tenant: access.tenant().clone(),
        project: summary(row, &revenue),
        customers,
        implementations,
        activity,
        activity_total,
        months,
        addable,
        can_manage: access.role().can(Permission::CustomersManage),
    })
}

/// The refusal for a name another project of the builder already has.
fn name_taken(draft: &ProjectDraft) -> AppError {
    AppError::conflict(format!(
        "You already have a project named “{}”: choose another name.",
        draft.name
    ))
}

/// Starts a project in the builder workspace `slug`.
#[instrument(skip_all, fields(slug))]
pub async fn create(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    name: &str,
    description: &str,
) -> Result<ProjectId> {
    let access = enter(
        svc,
        caller,
        slug,
        Side::Builder,
        Permission::CustomersManage,
    )
    .await?;
    let draft = ProjectDraft::parse(name, description)?;
    let data = svc.store().tenant(&access);
    let id = ProjectId::from_uuid(uuid::Uuid::now_v7());
    let mut tx = svc.store().begin().await?;
    if !data
        .insert_project(&mut tx, id, &draft, caller.user_id, crate::time::now())
        .await?
    {
        return Err(name_taken(&draft).into());
    }
    finish(
        &mut tx,
        &access,
        client,
        actions::PROJECT_CREATED,
        id,
        ProjectStatus::Active,
        serde_json::json!({ "name": draft.name, "description": draft.description }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames and redescribes project `project`.
#[instrument(skip_all, fields(slug, %project))]
pub async fn update(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    project: ProjectId,
    name: &str,
    description: &str,
) -> Result<()> {
    let access = enter(
        svc,
        caller,
        slug,
        Side::Builder,
        Permission::CustomersManage,
    )
    .await?;
    let draft = ProjectDraft::parse(name, description)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let status = data
        .lock_project(&mut tx, project)
        .await?
        .ok_or_else(|| AppError::not_found("This project"))?;
    if !data
        .update_project(&mut tx, project, &draft, crate::time::now())
        .await?
    {
        return Err(name_taken(&draft).into());
    }
    finish(
        &mut tx,
        &access,
        client,
        actions::PROJECT_UPDATED,
        project,
        status,
        serde_json::json!({ "name": draft.name, "description": draft.description }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `action` on project `project` (hold, resume, complete, reopen, archive).
#[instrument(skip_all, fields(slug, %project, %action))]
pub async fn change(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    project: ProjectId,
    action: ProjectAction,
) -> Result<ProjectStatus> {
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
    let from = data
        .lock_project(&mut tx, project)
        .await?
        .ok_or_else(|| AppError::not_found("This project"))?;
    let to = project_transition(from, action)?;
    data.set_project_status(&mut tx, project, to, crate::time::now())
        .await?;
    finish(
        &mut tx,
        &access,
        client,
        actions::PROJECT_STATUS_CHANGED,
        project,
        to,
        serde_json::json!({ "from": from, "to": to }),
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// Puts the customer of link `link` in project `project` (or in none): its invoices from
/// now on are attributed there. Only current customers (waiting or active) move, and only
/// into a project whose work is not over.
#[instrument(skip_all, fields(slug, %link))]
pub async fn place_customer(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    link: CustomerLinkId,
    project: Option<ProjectId>,
) -> Result<()> {
    let access = enter(
        svc,
        caller,
        slug,
        Side::Builder,
        Permission::CustomersManage,
    )
    .await?;
    let data = svc.store().tenant(&access);
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    // The link first, then the project (no other path locks both).
    let locked = data
        .lock_link(&mut tx, link, Side::Builder)
        .await?
        .ok_or_else(|| AppError::not_found("This customer"))?;
    if !matches!(locked.status, LinkStatus::Pending | LinkStatus::Active) {
        return Err(AppError::conflict(format!(
            "This customer's link is {}: only current customers are placed in projects.",
            locked.status.as_str()
        ))
        .into());
    }
    let before = data.link_project(&mut tx, link).await?;
    if before == project {
        return Ok(());
    }
    // Both projects are locked in one order (by id), whichever way the customer moves.
    let mut touched: Vec<ProjectId> = before.into_iter().chain(project).collect();
    touched.sort();
    let mut statuses = Vec::with_capacity(touched.len());
    for id in touched {
        statuses.push((id, data.lock_project(&mut tx, id).await?));
    }
    if let Some(project) = project {
        let status = statuses
            .iter()
            .find(|(id, _)| *id == project)
            .and_then(|(_, status)| *status)
            .ok_or_else(|| AppError::not_found("This project"))?;
        if !status.takes_customers() {
            return Err(AppError::conflict(format!(
                "This project is {}: reopen it to add customers.",
                status.label().to_lowercase()
            ))
            .into());
        }
    }
    data.set_link_project(&mut tx, link, project).await?;
    tx.audit(&audit::entry(
        actions::CUSTOMER_LINK_PROJECT_SET,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(link.to_string()),
        client,
        serde_json::json!({ "from": before, "to": project, "customer": locked.customer }),
    ))
    .await?;
    for (project, status) in statuses {
        let Some(status) = status else { continue };
        data.touch_project(&mut tx, project, now).await?;
        tx.publish(access.tenant_id(), Change::Project { project, status })
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The audit entry and live event a project's change ends with (the builder's only).
async fn finish(
    tx: &mut Tx,
    access: &TenantAccess,
    client: &ClientInfo,
    action: &'static str,
    project: ProjectId,
    status: ProjectStatus,
    details: serde_json::Value,
) -> Result<()> {
    tx.audit(&audit::entry(
        action,
        Some(access.caller().user_id),
        Some(access.tenant_id()),
        Some(project.to_string()),
        client,
        details,
    ))
    .await?;
    tx.publish(access.tenant_id(), Change::Project { project, status })
        .await?;
    Ok(())
}

/// The first day deployments' activity covers: the last [`ACTIVITY_DAYS`] days, today included.
pub(crate) fn activity_since() -> chrono::NaiveDate {
    crate::time::now().date_naive() - chrono::Days::new(u64::from(ACTIVITY_DAYS.saturating_sub(1)))
}

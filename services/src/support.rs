//! Support tickets: members open them and write in them; the organization's owners and
//! admins, and the platform's super admins, answer, assign, close and reopen them. Every
//! change is audited and published live on the `support` topic (the workspace's tabs, and
//! the super admins' console through the platform subscription).

use shared::AppError;
use shared::ids::{TicketFileId, TicketId, UserId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::support::files::{FILES_PER_TICKET, TicketFile, check_upload};
use shared::support::{
    NewTicket, SupportPage, TicketAction, TicketDetail, TicketStatus, TicketSummary, apply,
    parse_message,
};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::TenantData;
use crate::storage::support::{NewFile, StoredFile, StoredTicket};

/// Where a ticket is reached from: a workspace (by its members) or the console.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    Tenant(&'a str),
    Platform,
}

/// A ticket as the caller reaches it, and what they may do to it.
struct Reached<'a> {
    data: TenantData<'a>,
    ticket: StoredTicket,
    /// May write in the thread.
    reply: bool,
    /// Answers for support (close, reopen, assign).
    manage: bool,
    /// Reached from the console.
    platform: bool,
}

impl Reached<'_> {
    /// Whether what the caller writes here speaks for support: a super admin, or an owner
    /// or admin on someone else's ticket.
    fn speaks_for_support(&self, opener: UserId, caller: &Caller) -> bool {
        self.platform || (self.manage && opener != caller.user_id)
    }
}

fn not_found() -> AppError {
    AppError::not_found("The ticket")
}

/// The refusal for a role that reached the ticket but may not do this to it.
fn refused(permission: Permission) -> AppError {
    AppError::forbidden(format!(
        "Your role does not allow you to {}.",
        permission.describe()
    ))
}

async fn reach<'a>(
    svc: &'a Services,
    caller: &Caller,
    scope: Scope<'_>,
    ticket: TicketId,
) -> Result<Reached<'a>> {
    let (data, reply, manage, platform) = match scope {
        Scope::Tenant(slug) => {
            let access = authz::enter_tenant(svc.store(), caller, slug).await?;
            authz::require(&access, Permission::TicketsView)?;
            let role = access.role();
            (
                svc.store().tenant(&access),
                role.can(Permission::TicketsOpen),
                role.can(Permission::TicketsAnswer),
                false,
            )
        }
        Scope::Platform => {
            let access = authz::enter_platform(caller)?;
            authz::require(&access, Permission::SupportManage)?;
            let tenant = svc
                .store()
                .platform(&access)
                .ticket_tenant(ticket)
                .await?
                .ok_or_else(not_found)?;
            (
                svc.store().tenant_from_platform(&access, tenant),
                true,
                true,
                true,
            )
        }
    };
    let ticket = data.ticket(ticket).await?.ok_or_else(not_found)?;
    Ok(Reached {
        data,
        ticket,
        reply,
        manage,
        platform,
    })
}

/// Audits a change to a ticket, tells its watchers, and commits: every ticket write ends so.
async fn record(
    mut tx: crate::storage::Tx,
    caller: &Caller,
    client: &ClientInfo,
    data: &TenantData<'_>,
    (action, ticket, status): (&'static str, TicketId, TicketStatus),
    detail: serde_json::Value,
) -> Result<()> {
    tx.audit(&audit::entry(
        action,
        Some(caller.user_id),
        Some(data.tenant_id()),
        Some(ticket.to_string()),
        client,
        detail,
    ))
    .await?;
    tx.publish(data.tenant_id(), Change::Ticket { ticket, status })
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A workspace's Support page.
#[instrument(skip_all, fields(slug))]
pub async fn page(svc: &Services, caller: &Caller, slug: &str) -> Result<SupportPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TicketsView)?;
    Ok(SupportPage {
        tickets: svc.store().tenant(&access).tickets().await?,
        can_open: access.role().can(Permission::TicketsOpen),
        tenant: access.tenant().clone(),
    })
}

/// Every organization's tickets, for the console.
#[instrument(skip_all)]
pub async fn queue(svc: &Services, caller: &Caller) -> Result<Vec<TicketSummary>> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::SupportManage)?;
    svc.store().platform(&access).all_tickets().await
}

/// A member opens a ticket; its description is the thread's first message.
#[instrument(skip_all, fields(slug))]
pub async fn open(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    new: &NewTicket,
) -> Result<TicketId> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TicketsOpen)?;
    let data = svc.store().tenant(&access);
    let id = TicketId::from_uuid(uuid::Uuid::now_v7());
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    data.insert_ticket(&mut tx, id, new, caller.user_id, now)
        .await?;
    data.add_ticket_message(&mut tx, id, caller.user_id, false, &new.body, now)
        .await?;
    record(
        tx,
        caller,
        client,
        &data,
        (actions::TICKET_OPENED, id, TicketStatus::Open),
        serde_json::json!({ "subject": new.subject, "priority": new.priority }),
    )
    .await?;
    Ok(id)
}

/// A ticket with its thread.
#[instrument(skip_all, fields(%ticket))]
pub async fn detail(
    svc: &Services,
    caller: &Caller,
    scope: Scope<'_>,
    ticket: TicketId,
) -> Result<TicketDetail> {
    let reached = reach(svc, caller, scope, ticket).await?;
    let (messages, files, mut assignees) = tokio::try_join!(
        reached.data.ticket_messages(ticket),
        reached.data.ticket_files(ticket),
        reached.data.support_staff(),
    )?;
    if reached.platform && !assignees.iter().any(|(id, _)| *id == caller.user_id) {
        assignees.push((caller.user_id, caller.name.clone()));
    }
    Ok(TicketDetail {
        summary: reached.ticket.summary,
        messages,
        files,
        can_reply: reached.reply,
        can_manage: reached.manage,
        assignees: if reached.manage {
            assignees
        } else {
            Vec::new()
        },
        assignee_id: reached.ticket.assignee_id,
    })
}

/// Writes in a ticket's thread. A reply from support (an owner or admin other than the
/// person who opened it, or a super admin) marks it answered; one from the organization
/// hands it back to support, reopening it if it was closed.
#[instrument(skip_all, fields(%ticket))]
pub async fn reply(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    scope: Scope<'_>,
    ticket: TicketId,
    body: &str,
) -> Result<TicketStatus> {
    let reached = reach(svc, caller, scope, ticket).await?;
    if !reached.reply {
        return Err(refused(Permission::TicketsOpen).into());
    }
    let body = parse_message(body).map_err(AppError::from)?;
    let data = &reached.data;
    let mut tx = svc.store().begin().await?;
    let (status, opener) = data
        .lock_ticket(&mut tx, ticket)
        .await?
        .ok_or_else(not_found)?;
    let from_support = reached.speaks_for_support(opener, caller);
    let next = status.after_reply(from_support);
    let now = crate::time::now();
    data.add_ticket_message(&mut tx, ticket, caller.user_id, from_support, &body, now)
        .await?;
    data.set_ticket(&mut tx, ticket, next, None, now).await?;
    record(
        tx,
        caller,
        client,
        data,
        (actions::TICKET_REPLIED, ticket, next),
        serde_json::json!({ "from_support": from_support, "status": next }),
    )
    .await?;
    Ok(next)
}

/// Support closes, reopens, assigns or unassigns a ticket.
#[instrument(skip_all, fields(%ticket, %action))]
pub async fn update(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    scope: Scope<'_>,
    ticket: TicketId,
    action: TicketAction,
    assignee: Option<UserId>,
) -> Result<TicketStatus> {
    let reached = reach(svc, caller, scope, ticket).await?;
    if !reached.manage {
        return Err(refused(Permission::TicketsAnswer).into());
    }
    let data = &reached.data;
    let assignment = match action {
        TicketAction::Assign => {
            let who = assignee
                .ok_or_else(|| AppError::invalid("assignee", "Choose whom to assign it to."))?;
            let staff = data.support_staff().await?;
            let allowed = staff.iter().any(|(id, _)| *id == who)
                || (reached.platform && who == caller.user_id);
            if !allowed {
                return Err(AppError::invalid(
                    "assignee",
                    "A ticket goes to one of the organization's owners or admins (or to yourself, from the console).",
                )
                .into());
            }
            Some(Some(who))
        }
        TicketAction::Unassign => Some(None),
        TicketAction::Close | TicketAction::Reopen => None,
    };
    let mut tx = svc.store().begin().await?;
    let (status, _) = data
        .lock_ticket(&mut tx, ticket)
        .await?
        .ok_or_else(not_found)?;
    let next = apply(status, action).map_err(AppError::from)?;
    data.set_ticket(&mut tx, ticket, next, assignment, crate::time::now())
        .await?;
    record(
        tx,
        caller,
        client,
        data,
        (actions::TICKET_UPDATED, ticket, next),
        serde_json::json!({ "action": action, "status": next, "assignee": assignee }),
    )
    .await?;
    Ok(next)
}

/// Attaches a file to a ticket: whoever may write in the thread may attach. The bytes are
/// checked for what they are (the name must agree), the ticket's file count is checked
/// under its lock, and the ticket's status stays as it is.
#[instrument(skip_all, fields(%ticket, size = content.len()))]
pub async fn attach(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    scope: Scope<'_>,
    ticket: TicketId,
    (name, content): (&str, &[u8]),
) -> Result<(TicketFile, shared::tenants::TenantSummary)> {
    let reached = reach(svc, caller, scope, ticket).await?;
    if !reached.reply {
        return Err(refused(Permission::TicketsOpen).into());
    }
    let checked = check_upload(name, content).map_err(AppError::from)?;
    let data = &reached.data;
    let mut tx = svc.store().begin().await?;
    let (status, opener) = data
        .lock_ticket(&mut tx, ticket)
        .await?
        .ok_or_else(not_found)?;
    let held = data.count_ticket_files(&mut tx, ticket).await?;
    if usize::try_from(held).unwrap_or(usize::MAX) >= FILES_PER_TICKET {
        return Err(AppError::conflict(format!(
            "This ticket already holds {FILES_PER_TICKET} files, the most one ticket takes; open a new ticket for more."
        ))
        .into());
    }
    let file = NewFile {
        id: TicketFileId::from_uuid(uuid::Uuid::now_v7()),
        uploaded_by: caller.user_id,
        from_support: reached.speaks_for_support(opener, caller),
        checked: &checked,
        content,
        at: crate::time::now(),
    };
    data.insert_ticket_file(&mut tx, ticket, &file).await?;
    record(
        tx,
        caller,
        client,
        data,
        (actions::TICKET_FILE_ADDED, ticket, status),
        serde_json::json!({
            "file": file.id, "name": checked.name, "kind": checked.kind, "size": content.len(),
        }),
    )
    .await?;
    let summary = TicketFile {
        id: file.id,
        name: checked.name.clone(),
        kind: checked.kind,
        size: i64::try_from(content.len()).unwrap_or(i64::MAX),
        uploaded_by: caller.name.clone(),
        from_support: file.from_support,
        at: file.at,
    };
    Ok((summary, reached.ticket.summary.tenant))
}

/// One of a ticket's files, for whoever may see the ticket.
#[instrument(skip_all, fields(%ticket, %file))]
pub async fn file(
    svc: &Services,
    caller: &Caller,
    scope: Scope<'_>,
    ticket: TicketId,
    file: TicketFileId,
) -> Result<StoredFile> {
    let reached = reach(svc, caller, scope, ticket).await?;
    Ok(reached
        .data
        .ticket_file(ticket, file)
        .await?
        .ok_or_else(|| AppError::not_found("The file"))?)
}

//! Support: a workspace's tickets (open one, follow its thread), and the super admins'
//! queue of every organization's tickets. One ticket page serves both: from a workspace
//! it is reached by its members, from the console by super admins. Live on `support`.

pub mod get_support;
pub mod get_support_queue;
pub mod get_ticket;
pub mod open_ticket;
pub mod reply_ticket;
pub mod update_ticket;
pub mod upload;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::ids::TicketId;
use shared::live::{PLATFORM, Topic};
use shared::personas::Persona;
use shared::support::files::{FILE_MAX_BYTES, FILES_PER_TICKET, FileKind, TicketFile, size_text};
use shared::support::{
    SupportPage, TicketAction, TicketDetail, TicketPriority, TicketStatus, TicketSummary,
};

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time};
use crate::components::upload::Upload;
use crate::live::{LiveIndicator, watch};
use crate::workspaces::is_wrong_prefix;
use get_support::get_support;
use get_support_queue::get_support_queue;
use get_ticket::get_ticket;
use open_ticket::OpenTicket;
use reply_ticket::ReplyTicket;
use update_ticket::UpdateTicket;

#[cfg(feature = "ssr")]
fn scope(slug: &Option<String>) -> services::support::Scope<'_> {
    match slug {
        Some(slug) => services::support::Scope::Tenant(slug),
        None => services::support::Scope::Platform,
    }
}

pub fn support_path(persona: Persona, slug: &str) -> String {
    format!("{}/{slug}/support", persona.url_prefix())
}

/// A ticket's page: in its workspace, or (`slug` None) in the console.
pub fn ticket_path(persona: Persona, slug: Option<&str>, ticket: TicketId) -> String {
    match slug {
        Some(slug) => format!("{}/{slug}/support/{ticket}", persona.url_prefix()),
        None => format!("/admin/support/{ticket}"),
    }
}

pub fn status_badge(status: TicketStatus) -> impl IntoView {
    let tone = match status {
        TicketStatus::Open => "warn",
        TicketStatus::Answered => "ok",
        TicketStatus::Closed => "role",
    };
    view! { <span class=format!("badge {tone}") data-testid="ticket-status" data-status=status.as_str()>{status.label()}</span> }
}

#[component]
pub fn SupportPageView() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <SupportFor persona /> }.into_any())
}

#[component]
fn SupportFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let version = watch(slug.into(), &[Topic::Support]);
    let open = ServerAction::<OpenTicket>::new();
    let page = resource(
        move || (slug.get(), version.get(), open.version().get()),
        |(slug, ..)| get_support(slug),
    );
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(ticket)) = open.value().get() {
            navigate(
                &ticket_path(persona, Some(&slug.get_untracked()), ticket),
                Default::default(),
            );
        }
    });
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Support,
    });
    view! {
        <AppShell place crumbs=vec![("Support".to_owned(), None)]>
            <PageHeader title="Support" subtitle="Ask for help and follow every answer in one place.">
                <LiveIndicator />
            </PageHeader>
            {loaded(page, "Loading your tickets…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) if is_wrong_prefix(&page.tenant, &slug.get(), persona) => {
                    view! { <Redirect path=support_path(page.tenant.variant.persona(), page.tenant.slug.as_str()) /> }.into_any()
                }
                Ok(page) => view! { <SupportBody page persona open /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn SupportBody(
    page: SupportPage,
    persona: Persona,
    open: ServerAction<OpenTicket>,
) -> impl IntoView {
    let error = Signal::derive(move || open.value().get().and_then(Result::err));
    let slug = page.tenant.slug.to_string();
    let form = page.can_open.then(|| {
        let slug = slug.clone();
        view! {
            <section class="panel" aria-labelledby="new-ticket-title">
                <h2 id="new-ticket-title">"Open a ticket"</h2>
                <ActionError error />
                <ActionForm action=open attr:class="stack" attr:data-testid="new-ticket">
                    <input type="hidden" name="slug" value=slug />
                    <label for="ticket-subject">"Subject"</label>
                    <input id="ticket-subject" name="subject" maxlength="120" required />
                    <label for="ticket-priority">"Priority"</label>
                    <select id="ticket-priority" name="priority">
                        {TicketPriority::ALL.iter().map(|p| view! {
                            <option value=p.as_str() selected=*p == TicketPriority::Normal>{p.label()}</option>
                        }).collect_view()}
                    </select>
                    <label for="ticket-body">"What happened?"</label>
                    <textarea id="ticket-body" name="body" rows="5" required></textarea>
                    <p class="muted small">"Screenshots and files can be attached on the ticket once it is open."</p>
                    <button type="submit" class="button primary" disabled=move || open.pending().get()>"Open ticket"</button>
                </ActionForm>
            </section>
        }
    });
    view! {
        <section class="panel" aria-labelledby="tickets-title">
            <h2 id="tickets-title">"Tickets"</h2>
            <TicketTable tickets=page.tickets.clone() link=move |t: &TicketSummary| ticket_path(persona, Some(t.tenant.slug.as_str()), t.id) with_tenant=false />
        </section>
        {form}
    }
}

#[component]
fn TicketTable(
    tickets: Vec<TicketSummary>,
    link: impl Fn(&TicketSummary) -> String + 'static,
    with_tenant: bool,
) -> impl IntoView {
    if tickets.is_empty() {
        return view! { <p class="muted">"No tickets yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="cards-on-phone" data-testid="tickets">
                <thead>
                    <tr>
                        <th scope="col">"Subject"</th>
                        {with_tenant.then(|| view! { <th scope="col">"Organization"</th> })}
                        <th scope="col">"Priority"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Opened by"</th>
                        <th scope="col">"Assigned to"</th>
                        <th scope="col">"Updated"</th>
                    </tr>
                </thead>
                <tbody>
                    {tickets.iter().map(|t| view! {
                        <tr data-ticket=t.id.to_string()>
                            <td class="card-title"><a href=link(t)>{t.subject.to_string()}</a></td>
                            {with_tenant.then(|| view! {
                                <td data-label="Organization">
                                    {t.tenant.name.to_string()}
                                    {t.priority_support.then(|| view! { " " <span class="badge ok" data-testid="priority-support">"Priority support"</span> })}
                                </td>
                            })}
                            <td data-label="Priority">{t.priority.label()}</td>
                            <td data-label="Status">{status_badge(t.status)}</td>
                            <td data-label="Opened by">{t.opened_by.to_string()}</td>
                            <td data-label="Assigned to">{t.assignee.as_ref().map_or_else(|| "—".to_owned(), ToString::to_string)}</td>
                            <td data-label="Updated"><time datetime=machine_time(t.updated_at)>{format_time(t.updated_at)}</time></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The super admins' queue of every organization's tickets.
#[component]
pub fn AdminSupportPage() -> impl IntoView {
    let version = watch(Signal::stored(PLATFORM.to_owned()), &[Topic::Support]);
    let queue = resource(move || version.get(), |_| get_support_queue());
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::AdminSupport,
    };
    view! {
        <AppShell place crumbs=vec![("Support".to_owned(), None)]>
            <PageHeader title="Support" subtitle="Every organization's tickets, those waiting for an answer first; organizations with priority support ahead of the others.">
                <LiveIndicator />
            </PageHeader>
            {loaded(queue, "Loading the queue…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(tickets) => view! {
                    <section class="panel">
                        <TicketTable tickets link=|t: &TicketSummary| ticket_path(Persona::SuperAdmin, None, t.id) with_tenant=true />
                    </section>
                }.into_any(),
            })}
        </AppShell>
    }
}

/// A ticket in a workspace.
#[component]
pub fn TicketPageView() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <TicketFor persona console=false /> }.into_any())
}

/// A ticket in the console.
#[component]
pub fn AdminTicketPage() -> impl IntoView {
    view! { <TicketFor persona=Persona::SuperAdmin console=true /> }
}

#[derive(Clone, Copy)]
struct TicketActions {
    reply: ServerAction<ReplyTicket>,
    update: ServerAction<UpdateTicket>,
    /// Counts files sent from this tab (the page reloads the ticket after each).
    uploads: RwSignal<u64>,
    /// The reply being written: kept here so reloading the ticket (live, or after an
    /// upload) never loses it.
    draft: RwSignal<String>,
}

#[component]
fn TicketFor(persona: Persona, console: bool) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").filter(|_| !console));
    let ticket = Memo::new(move |_| {
        params
            .read()
            .get("ticket")
            .and_then(|t| t.parse::<TicketId>().ok())
    });
    let actions = TicketActions {
        reply: ServerAction::<ReplyTicket>::new(),
        update: ServerAction::<UpdateTicket>::new(),
        uploads: RwSignal::new(0),
        draft: RwSignal::new(String::new()),
    };
    Effect::new(move || {
        if matches!(actions.reply.value().get(), Some(Ok(_))) {
            actions.draft.set(String::new());
        }
    });
    let topic_slug = Signal::derive(move || slug.get().unwrap_or_else(|| PLATFORM.to_owned()));
    let version = watch(topic_slug, &[Topic::Support]);
    let detail = resource(
        move || {
            (
                slug.get(),
                ticket.get(),
                version.get(),
                actions.reply.version().get(),
                actions.update.version().get(),
                actions.uploads.get(),
            )
        },
        |(slug, ticket, ..)| async move {
            match ticket {
                Some(ticket) => get_ticket(slug, ticket).await,
                None => Err(shared::AppError::not_found("The ticket")),
            }
        },
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: slug.get(),
        section: if console {
            Section::AdminSupport
        } else {
            Section::Support
        },
    });
    let back = match slug.get_untracked() {
        Some(slug) => support_path(persona, &slug),
        None => "/admin/support".to_owned(),
    };
    let crumbs = vec![
        ("Support".to_owned(), Some(back)),
        ("Ticket".to_owned(), None),
    ];
    view! {
        <AppShell place crumbs>
            {loaded(detail, "Loading the ticket…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(d) if !console && is_wrong_prefix(&d.summary.tenant, &slug.get().unwrap_or_default(), persona) => {
                    let path = ticket_path(d.summary.tenant.variant.persona(), Some(d.summary.tenant.slug.as_str()), d.summary.id);
                    view! { <Redirect path /> }.into_any()
                }
                Ok(d) => view! { <TicketBody d console actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn TicketBody(d: TicketDetail, console: bool, actions: TicketActions) -> impl IntoView {
    let error = Signal::derive(move || {
        actions
            .reply
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.update.value().get().and_then(Result::err))
    });
    let s = d.summary.clone();
    let slug = (!console).then(|| s.tenant.slug.to_string());
    let id = s.id.to_string();
    let subtitle = format!(
        "{} · {} priority · opened by {}",
        s.tenant.name,
        s.priority.label(),
        s.opened_by
    );
    let thread = d
        .messages
        .iter()
        .map(|m| {
            view! {
                <li class="message" class:from-support=m.from_support data-from-support=m.from_support.to_string()>
                    <p class="muted small">
                        <strong>{m.author.to_string()}</strong>
                        {if m.from_support { " (support)" } else { "" }}
                        " · "<time datetime=machine_time(m.at)>{format_time(m.at)}</time>
                    </p>
                    <p class="message-body">{m.body.clone()}</p>
                </li>
            }
        })
        .collect_view();
    let reply_form = d.can_reply.then(|| {
        let (slug, id) = (slug.clone(), id.clone());
        view! {
            <ActionForm action=actions.reply attr:class="stack" attr:data-testid="reply-form">
                {slug.map(|slug| view! { <input type="hidden" name="slug" value=slug /> })}
                <input type="hidden" name="ticket" value=id />
                <label for="reply-body">"Reply"</label>
                <textarea id="reply-body" name="body" rows="4" required
                    prop:value=move || actions.draft.get()
                    on:input:target=move |ev| actions.draft.set(ev.target().value())></textarea>
                <button type="submit" class="button primary" disabled=move || actions.reply.pending().get()>"Send reply"</button>
            </ActionForm>
        }
    });
    let manage = d.can_manage.then(|| {
        let closed = s.status == TicketStatus::Closed;
        let toggle = if closed { TicketAction::Reopen } else { TicketAction::Close };
        let toggle_label = if closed { "Reopen ticket" } else { "Close ticket" };
        let (slug_a, id_a) = (slug.clone(), id.clone());
        let (slug_b, id_b) = (slug.clone(), id.clone());
        let current = d.assignee_id;
        view! {
            <div class="inline-forms" data-testid="ticket-manage">
                <ActionForm action=actions.update attr:class="inline-form">
                    {slug_a.map(|slug| view! { <input type="hidden" name="slug" value=slug /> })}
                    <input type="hidden" name="ticket" value=id_a />
                    <input type="hidden" name="action" value=toggle.as_str() />
                    <button type="submit" class="button small">{toggle_label}</button>
                </ActionForm>
                {(!closed).then(|| view! {
                    <ActionForm action=actions.update attr:class="inline-form">
                        {slug_b.map(|slug| view! { <input type="hidden" name="slug" value=slug /> })}
                        <input type="hidden" name="ticket" value=id_b />
                        <input type="hidden" name="action" value="assign" />
                        <label for="ticket-assignee">"Assign to"</label>
                        <select id="ticket-assignee" name="assignee">
                            {d.assignees.iter().map(|(user, name)| view! {
                                <option value=user.to_string() selected=Some(*user) == current>{name.to_string()}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button small">"Assign"</button>
                    </ActionForm>
                })}
            </div>
        }
    });
    view! {
        <PageHeader title=s.subject.to_string() subtitle>
            {status_badge(s.status)}
            <LiveIndicator />
        </PageHeader>
        <ActionError error />
        <section class="panel" aria-labelledby="thread-title">
            <h2 id="thread-title">"Conversation"</h2>
            <p class="muted small" data-testid="ticket-assignee">
                {match &s.assignee {
                    Some(name) => format!("Assigned to {name}"),
                    None => "Not assigned yet".to_owned(),
                }}
            </p>
            <ol class="thread" data-testid="ticket-thread">{thread}</ol>
            {reply_form}
        </section>
        <TicketFiles files=d.files.clone() base=upload::files_path(slug.as_deref(), s.id) can_attach=d.can_reply uploads=actions.uploads />
        {manage.map(|m| view! { <section class="panel" aria-label="Manage the ticket">{m}</section> })}
    }
}

/// A ticket's files, and (for whoever may write in it) a form to attach one.
#[component]
fn TicketFiles(
    files: Vec<TicketFile>,
    base: String,
    can_attach: bool,
    uploads: RwSignal<u64>,
) -> impl IntoView {
    let upload = Upload::new();
    let Upload { pending, error } = upload;
    let full = files.len() >= FILES_PER_TICKET;
    let list = if files.is_empty() {
        view! { <p class="muted" data-testid="ticket-files-empty">"No files yet."</p> }.into_any()
    } else {
        view! {
            <ul class="file-list" data-testid="ticket-files">
                {files.iter().map(|f| {
                    let href = format!("{base}/{}", f.id);
                    let meta = format!(
                        "{} · {} · {}{}",
                        f.kind.label(),
                        size_text(u64::try_from(f.size).unwrap_or_default()),
                        f.uploaded_by,
                        if f.from_support { " (support)" } else { "" },
                    );
                    view! {
                        <li data-file=f.id.to_string()>
                            <a href=href download=(!f.kind.inline()).then(|| f.name.to_string())>{f.name.to_string()}</a>
                            <span class="muted small">" "{meta}" · "<time datetime=machine_time(f.at)>{format_time(f.at)}</time></span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let form = (can_attach && !full).then(|| {
        let check = |name: &str, size: u64| {
            shared::support::files::check_before_upload(name, size)
                .map(|_| ())
                .map_err(shared::AppError::from)
        };
        let on_submit = upload.on_submit::<TicketFile>(base.clone(), check, uploads);
        view! {
            <form method="post" enctype="multipart/form-data" action=base.clone() class="stack" data-testid="attach-form" on:submit=on_submit>
                <label for="ticket-file">"Attach a file"</label>
                <input type="file" id="ticket-file" name="file" required accept=FileKind::accept() aria-describedby="ticket-file-help" />
                <p id="ticket-file-help" class="muted small">
                    {format!(
                        "Screenshots (PNG, JPEG, GIF, WebP), PDFs, text and CSV files, up to {} each and {FILES_PER_TICKET} per ticket.",
                        size_text(FILE_MAX_BYTES as u64)
                    )}
                </p>
                <p class="form-error" role="alert" aria-live="assertive" data-testid="attach-error" hidden=move || error.read().is_none()>
                    {move || error.get().map(|e| format!("Error {} · {e}", e.status()))}
                </p>
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Uploading…" } else { "Upload file" }}
                </button>
            </form>
        }
    });
    view! {
        <section class="panel" aria-labelledby="files-title">
            <h2 id="files-title">"Files"</h2>
            {list}
            {form}
            {(can_attach && full).then(|| view! {
                <p class="muted small">{format!("This ticket holds {FILES_PER_TICKET} files, the most it takes.")}</p>
            })}
        </section>
    }
}

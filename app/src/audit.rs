//! The audit log, read: the whole platform's in the console (`/admin/audit`), a workspace's
//! own for its owners (`/{area}/{slug}/audit`). The search is a plain GET form, so a search
//! (and each older page) has an address and works without JavaScript; the CSV download
//! takes the same search.

pub mod get_audit_log;
pub mod get_platform_audit;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::audit::{AREAS, AuditEntry, AuditPage, CSV_MAX_ROWS, SEARCH_MAX, area_label, area_of};
use shared::personas::Persona;

use crate::components::errors::ErrorView;
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time};
use crate::workspaces::is_wrong_prefix;
use get_audit_log::get_audit_log;
use get_platform_audit::get_platform_audit;

pub const PLATFORM_PATH: &str = "/admin/audit";

pub fn audit_path(persona: Persona, slug: &str) -> String {
    format!("{}/{slug}/audit", persona.url_prefix())
}

/// Where the CSV of a search downloads from.
fn csv_path(page: &AuditPage) -> String {
    let base = match &page.tenant {
        Some(tenant) => format!("/api/v1/tenants/{}/audit.csv", tenant.slug),
        None => "/api/v1/platform/audit.csv".to_owned(),
    };
    shared::validation::search_link(&base, &page.query.to_query_string(), None)
}

/// The search form's fields as the address gives them.
#[derive(Clone, Copy)]
struct Form {
    q: Memo<String>,
    area: Memo<String>,
    tenant: Memo<String>,
    from: Memo<String>,
    to: Memo<String>,
    before: Memo<String>,
}

impl Form {
    fn from_address() -> Self {
        let query = use_query_map();
        let field = move |name: &'static str| {
            Memo::new(move |_| query.read().get(name).unwrap_or_default())
        };
        Self {
            q: field("q"),
            area: field("area"),
            tenant: field("tenant"),
            from: field("from"),
            to: field("to"),
            before: field("before"),
        }
    }
}

/// `/admin/audit`: every entry on the platform.
#[component]
pub fn PlatformAuditPage() -> impl IntoView {
    let form = Form::from_address();
    let page = resource(
        move || {
            (
                form.q.get(),
                form.area.get(),
                form.tenant.get(),
                form.from.get(),
                form.to.get(),
                form.before.get(),
            )
        },
        |(q, area, tenant, from, to, before)| get_platform_audit(q, area, tenant, from, to, before),
    );
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::AuditLog,
    };
    view! {
        <AppShell place crumbs=vec![("Audit log".to_owned(), None)]>
            <PageHeader title="Audit log" subtitle="Every administrative and security action on the platform, newest first. Entries are never changed or deleted." />
            <Filters action=Signal::derive(|| PLATFORM_PATH.to_owned()) form with_tenant=true />
            {loaded(page, "Searching the log…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <Entries page path=PLATFORM_PATH.to_owned() /> }.into_any(),
            })}
        </AppShell>
    }
}

/// `/{area}/{slug}/audit`: a workspace's own entries, for its owners.
#[component]
pub fn WorkspaceAuditPage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <WorkspaceAudit persona /> }.into_any())
}

#[component]
fn WorkspaceAudit(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let form = Form::from_address();
    let page = resource(
        move || {
            (
                slug.get(),
                form.q.get(),
                form.area.get(),
                form.from.get(),
                form.to.get(),
                form.before.get(),
            )
        },
        |(slug, q, area, from, to, before)| get_audit_log(slug, q, area, from, to, before),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::AuditLog,
    });
    view! {
        <AppShell place crumbs=vec![("Audit log".to_owned(), None)]>
            <PageHeader title="Audit log" subtitle="Who did what in this workspace, when and from where, newest first. Entries are never changed or deleted." />
            <Filters action=Signal::derive(move || audit_path(persona, &slug.get())) form with_tenant=false />
            {loaded(page, "Searching the log…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => match &page.tenant {
                    Some(t) if is_wrong_prefix(t, &slug.get(), persona) => {
                        view! { <Redirect path=audit_path(t.variant.persona(), t.slug.as_str()) /> }.into_any()
                    }
                    _ => view! { <Entries page path=audit_path(persona, &slug.get()) /> }.into_any(),
                },
            })}
        </AppShell>
    }
}

#[component]
fn Filters(action: Signal<String>, form: Form, with_tenant: bool) -> impl IntoView {
    let area = form.area;
    view! {
        <form class="panel search-form audit-search" method="get" action=move || action.get() role="search">
            <div class="field">
                <label for="audit-q">"Search"</label>
                <input id="audit-q" type="search" name="q" maxlength=SEARCH_MAX.to_string() value=move || form.q.get() placeholder="email, address, action…" />
            </div>
            <div class="field">
                <label for="audit-area">"Area"</label>
                <select id="audit-area" name="area">
                    <option value="" selected=move || area.read().is_empty()>"Every area"</option>
                    {AREAS.iter().map(|(key, label)| view! {
                        <option value=*key selected=move || *area.read() == *key>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            {with_tenant.then(|| view! {
                <div class="field">
                    <label for="audit-tenant">"Workspace address"</label>
                    <input id="audit-tenant" type="text" name="tenant" value=move || form.tenant.get() placeholder="any" autocomplete="off" />
                </div>
            })}
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" type="date" name="from" value=move || form.from.get() />
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" type="date" name="to" value=move || form.to.get() />
            </div>
            <button type="submit" class="button primary">"Search"</button>
        </form>
    }
}

#[component]
fn Entries(page: AuditPage, path: String) -> impl IntoView {
    let csv = csv_path(&page);
    let filtered = page.query != shared::audit::AuditQuery::default();
    let next = page.next.map(|before| {
        shared::validation::search_link(
            &path,
            &page.query.to_query_string(),
            Some(("before", before.to_string())),
        )
    });
    let with_tenant = page.tenant.is_none();
    let count = page.entries.len();
    let table = if page.entries.is_empty() {
        let message = if filtered {
            "No entry matches this search."
        } else {
            "Nothing has been recorded yet."
        };
        view! { <p class="muted" data-testid="no-entries">{message}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="compact audit-table" data-testid="audit-entries">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Who"</th>
                            {with_tenant.then(|| view! { <th scope="col">"Workspace"</th> })}
                            <th scope="col">"Action"</th>
                            <th scope="col">"Target"</th>
                            <th scope="col">"From"</th>
                            <th scope="col">"Details"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.entries.into_iter().map(|entry| view! { <Row entry with_tenant /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="audit-results">
            <div class="panel-head">
                <h2 id="audit-results">{format!("{count} entr{}", if count == 1 { "y" } else { "ies" })}{page.query.before.map(|_| " (older)")}</h2>
                <a class="button" href=csv download="" data-testid="audit-csv">"Download CSV"</a>
            </div>
            <p class="muted small">{format!("The download holds the newest {CSV_MAX_ROWS} entries that match this search.")}</p>
            {table}
            {next.map(|href| view! { <p><a href=href rel="next" data-testid="audit-older">"Older entries →"</a></p> })}
        </section>
    }
}

#[component]
fn Row(entry: AuditEntry, with_tenant: bool) -> impl IntoView {
    let area = area_label(area_of(&entry.action)).unwrap_or("Other");
    let details = (entry.details != "{}").then_some(entry.details);
    let from = entry.ip.clone().unwrap_or_else(|| "—".to_owned());
    let action = entry.action.clone();
    view! {
        <tr data-action=action>
            <td class="nowrap"><time datetime=machine_time(entry.at)>{format_time(entry.at)}</time></td>
            <td>
                {entry.actor.unwrap_or_else(|| "the system".to_owned())}
                {entry.on_behalf_of.map(|person| view! {
                    <br /><span class="muted small" data-testid="on-behalf-of">{format!("on behalf of {person}")}</span>
                })}
            </td>
            {with_tenant.then(|| view! {
                <td>{entry.tenant.map(|t| t.name.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
            })}
            <td><code>{entry.action}</code><br /><span class="muted small">{area}</span></td>
            <td class="break">{entry.target.unwrap_or_default()}</td>
            <td class="break">{from}{entry.user_agent.map(|agent| view! { <br /><span class="muted small">{agent}</span> })}</td>
            <td class="break"><code class="small">{details}</code></td>
        </tr>
    }
}

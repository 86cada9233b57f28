//! The super admin's console home: the platform at a glance and every tenant.

pub mod act_on_activation;
pub mod adjust_credits;
pub mod edit_plan;
pub mod get_outbox;
pub mod get_plans_admin;
pub mod get_platform_overview;
pub mod get_services_admin;
pub mod plans;
pub mod save_service;
pub mod services;
pub mod set_commission_rate;
pub mod set_limit_override;
pub mod set_tenant_plan;
pub mod set_tenant_status;

use leptos::prelude::*;
use shared::personas::Persona;
use shared::platform::{PlatformVariant, TenantStatus};
use shared::tenants::PlatformOverview;

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::time::format_date;
use crate::components::time::{format_time, machine_time};
use get_outbox::get_outbox;
use get_platform_overview::get_platform_overview;
use set_commission_rate::SetCommissionRate;
use set_tenant_status::SetTenantStatus;

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let set_status = ServerAction::<SetTenantStatus>::new();
    let set_rate = ServerAction::<SetCommissionRate>::new();
    let overview = Resource::new(
        move || (set_status.version().get(), set_rate.version().get()),
        |_| get_platform_overview(),
    );
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Overview,
    };
    view! {
        <AppShell place>
            <PageHeader title="Platform overview" subtitle="Every tenant and person on this Atrium." />
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    overview
                        .get()
                        .map(|result| match result {
                            Err(error) => view! { <ErrorView error /> }.into_any(),
                            Ok(overview) => view! { <Overview overview set_status set_rate /> }.into_any(),
                        })
                }}
            </Transition>
        </AppShell>
    }
}

#[component]
fn Overview(
    overview: PlatformOverview,
    set_status: ServerAction<SetTenantStatus>,
    set_rate: ServerAction<SetCommissionRate>,
) -> impl IntoView {
    let rate_error = Signal::derive(move || set_rate.value().get().and_then(Result::err));
    let active = overview
        .tenants
        .iter()
        .filter(|t| t.tenant.status == TenantStatus::Active)
        .count();
    let suspended = overview.tenants.len() - active;
    let max = overview
        .users_by_persona
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
        .max(1);
    let error = Signal::derive(move || set_status.value().get().and_then(Result::err));
    view! {
        <div class="cards">
            <section class="panel card" aria-labelledby="tenants-card">
                <h2 id="tenants-card">"Tenants"</h2>
                <p class="figure" data-testid="tenant-count">{overview.tenants.len()}</p>
                <p class="muted">{format!("{active} active · {suspended} suspended")}</p>
                <ul class="bars" aria-label="Tenants by variant" data-testid="tenants-by-variant">
                    {PlatformVariant::ALL
                        .iter()
                        .map(|variant| {
                            let n = overview.tenants.iter().filter(|t| t.tenant.variant == *variant).count();
                            let most = overview.tenants.len().max(1);
                            view! {
                                <li>
                                    <span class="bar-label">{variant.label()}</span>
                                    <meter min="0" max=most.to_string() value=n.to_string() aria-label=format!("{n} {}", variant.label())></meter>
                                    <span class="bar-value">{n}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
            <section class="panel card" aria-labelledby="people-card">
                <h2 id="people-card">"People"</h2>
                <p class="figure">{overview.users_total}</p>
                <ul class="bars" aria-label="People by persona">
                    {overview
                        .users_by_persona
                        .iter()
                        .map(|(persona, n)| view! {
                            <li>
                                <span class="bar-label">{persona.label()}</span>
                                <meter min="0" max=max.to_string() value=n.to_string() aria-label=format!("{n} {}", persona.label())></meter>
                                <span class="bar-value">{*n}</span>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
            <section class="panel card" aria-labelledby="activity-card">
                <h2 id="activity-card">"Activity"</h2>
                <dl class="facts">
                    <dt>"Live sessions"</dt>
                    <dd>{overview.active_sessions}</dd>
                    <dt>"Sign-ins, last 24 h"</dt>
                    <dd>{overview.sign_ins_last_day}</dd>
                </dl>
                <dl class="facts" aria-label="People who signed in" data-testid="active-people">
                    <dt>"Active today"</dt>
                    <dd>{overview.active_people.day}</dd>
                    <dt>"Active this week"</dt>
                    <dd>{overview.active_people.week}</dd>
                    <dt>"Active this month"</dt>
                    <dd>{overview.active_people.month}</dd>
                </dl>
            </section>
        </div>
        <section class="panel" aria-labelledby="tenant-table">
            <h2 id="tenant-table">"All tenants"</h2>
            <ActionError error />
            <ActionError error=rate_error />
            <div class="table-wrap">
                <table data-testid="tenants">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Address"</th>
                            <th scope="col">"Variant"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Members"</th>
                            <th scope="col">"Commission"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {overview
                            .tenants
                            .into_iter()
                            .map(|row| {
                                let suspended = row.tenant.status == TenantStatus::Suspended;
                                let (next, label) = if suspended { (TenantStatus::Active, "Reactivate") } else { (TenantStatus::Suspended, "Suspend") };
                                let slug = row.tenant.slug.to_string();
                                let form_slug = slug.clone();
                                let row_slug = slug.clone();
                                let rate_slug = slug.clone();
                                let name = row.tenant.name.to_string();
                                let commission = row.commission.map(|rate| {
                                    let value = rate.text().trim_end_matches(" %").to_owned();
                                    view! {
                                        <ActionForm action=set_rate attr:class="inline-form rate-form">
                                            <input type="hidden" name="slug" value=rate_slug />
                                            <label class="visually-hidden" for=format!("rate-{}", row.tenant.slug)>{format!("Commission of {name} (%)")}</label>
                                            <input id=format!("rate-{}", row.tenant.slug) name="rate" inputmode="decimal" size="5" value=value />
                                            <span aria-hidden="true">"%"</span>
                                            <button type="submit" class="button small" aria-label=format!("Save the commission of {name}")>"Save"</button>
                                        </ActionForm>
                                    }
                                });
                                view! {
                                    <tr data-slug=row_slug>
                                        <td>{row.tenant.name.to_string()}</td>
                                        <td><code>{slug}</code></td>
                                        <td>{row.tenant.variant.label()}</td>
                                        <td>
                                            <span class="badge" class:ok=!suspended class:warn=suspended>{row.tenant.status.as_str()}</span>
                                        </td>
                                        <td>{row.member_count}</td>
                                        <td>{commission}</td>
                                        <td>{format_date(row.created_at)}</td>
                                        <td class="actions">
                                            <ActionForm action=set_status>
                                                <input type="hidden" name="slug" value=form_slug />
                                                <input type="hidden" name="status" value=next.as_str() />
                                                <button type="submit" class="button small" class:danger=!suspended>{label}</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// `/admin/outbox`: the emails written while no SMTP server is configured — invitations,
/// password resets, confirmations — so an install without mail still reaches people.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let mails = Resource::new(|| (), |_| get_outbox());
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Outbox,
    };
    view! {
        <AppShell place crumbs=vec![("Outbox".to_owned(), None)]>
            <PageHeader title="Outbox" subtitle="Emails kept because no SMTP server is configured (mail.smtp_url). Newest first." />
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    mails
                        .get()
                        .map(|result| match result {
                            Err(error) => view! { <ErrorView error /> }.into_any(),
                            Ok(list) if list.is_empty() => {
                                view! { <p class="panel muted">"No emails yet."</p> }.into_any()
                            }
                            Ok(list) => {
                                list.into_iter()
                                    .map(|mail| {
                                        view! {
                                            <article class="panel mail" data-testid="outbox-mail">
                                                <h2>{mail.subject}</h2>
                                                <p class="muted">
                                                    "To " <span data-testid="outbox-recipient">{mail.recipient}</span> " · "
                                                    <time datetime=machine_time(mail.created_at)>{format_time(mail.created_at)}</time>
                                                </p>
                                                <pre class="mail-body">{mail.body}</pre>
                                            </article>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </AppShell>
    }
}

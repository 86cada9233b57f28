//! The super admin's console home: the platform at a glance.

pub mod act_on_activation;
pub mod act_on_alert;
pub mod adjust_credits;
pub mod block_address;
pub mod builders;
pub mod create_tenant;
pub mod delete_tenant;
pub mod edit_plan;
pub mod edit_tenant;
pub mod get_builders_console;
pub mod get_health;
pub mod get_outbox;
pub mod get_plans_admin;
pub mod get_platform_overview;
pub mod get_services_admin;
pub mod get_tenant_detail;
pub mod get_tenants;
pub mod get_threats;
pub mod health;
pub mod lift_lock;
pub mod plans;
pub mod remove_tenant_logo;
pub mod save_service;
pub mod services;
pub mod set_commission_rate;
pub mod set_limit_override;
pub mod set_tenant_branding;
pub mod set_tenant_features;
pub mod set_tenant_plan;
pub mod set_tenant_status;
pub mod tenants;
pub mod threats;

use leptos::prelude::*;
use shared::billing::group_digits;
use shared::live::{PLATFORM, Topic};
use shared::personas::Persona;
use shared::platform::TenantStatus;
use shared::tenants::PlatformOverview;

use crate::components::errors::ErrorView;
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time};
use crate::live::{LiveIndicator, watch};
use get_outbox::get_outbox;
use get_platform_overview::get_platform_overview;

/// How long the overview waits after a change before it reloads, so a busy platform (usage
/// moves every second somewhere) reloads it at most this often.
const OVERVIEW_SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

#[component]
pub fn AdminHomePage() -> impl IntoView {
    // Tenants created, suspended or changed, plans and usage moved anywhere: the overview
    // reloads once the changes settle.
    let changes = watch(
        Signal::stored(PLATFORM.to_owned()),
        &[Topic::Tenants, Topic::Usage],
    );
    let reload = RwSignal::new(0_u64);
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        if changes.get() == 0 || waiting.get_value() {
            return;
        }
        waiting.set_value(true);
        set_timeout(
            move || {
                waiting.set_value(false);
                reload.set(changes.get_untracked());
            },
            OVERVIEW_SETTLE,
        );
    });
    let overview = resource(move || reload.get(), |_| get_platform_overview());
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Overview,
    };
    view! {
        <AppShell place>
            <PageHeader title="Platform overview" subtitle="Every tenant and person on this Atrium, live.">
                <LiveIndicator />
            </PageHeader>
            {loaded(overview, "Loading…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(overview) => view! { <Overview overview /> }.into_any(),
            })}
        </AppShell>
    }
}

/// Labelled meters, one per `(label, count)`, scaled to the largest.
#[component]
fn Bars(
    label: &'static str,
    testid: &'static str,
    rows: Vec<(&'static str, u64)>,
) -> impl IntoView {
    let most = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    view! {
        <ul class="bars" aria-label=label data-testid=testid>
            {rows
                .into_iter()
                .map(|(name, n)| view! {
                    <li>
                        <span class="bar-label">{name}</span>
                        <meter min="0" max=most.to_string() value=n.to_string() aria-label=format!("{n} {name}")></meter>
                        <span class="bar-value">{n}</span>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn Overview(overview: PlatformOverview) -> impl IntoView {
    let tenants = overview.tenants;
    let status_count = |status: TenantStatus| {
        tenants
            .by_status
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    };
    let (active, suspended) = (
        status_count(TenantStatus::Active),
        status_count(TenantStatus::Suspended),
    );
    let suspended_link = format!("{}?status=suspended", tenants::PATH);
    let growth = overview.growth;
    let top_usage = overview.top_usage;
    view! {
        <p class="no-print">
            <button type="button" class="button small" on:click=move |_| crate::billing::invoice_page::print()>"Print the report"</button>
        </p>
        <div class="cards">
            <section class="panel card" aria-labelledby="tenants-card">
                <h2 id="tenants-card"><a href=tenants::PATH>"Tenants"</a></h2>
                <p class="figure" data-testid="tenant-count">{tenants.total}</p>
                <p class="muted" data-testid="tenants-by-status">
                    {format!("{active} active · ")}
                    <a href=suspended_link>{format!("{suspended} suspended")}</a>
                </p>
                <p class="muted small">"By variant"</p>
                <Bars label="Tenants by variant" testid="tenants-by-variant"
                    rows=tenants.by_variant.iter().map(|(v, n)| (v.label(), *n)).collect() />
                <p class="muted small">"By plan"</p>
                <Bars label="Tenants by plan" testid="tenants-by-plan"
                    rows=tenants.by_plan.iter().map(|(p, n)| (p.label(), *n)).collect() />
            </section>
            <section class="panel card" aria-labelledby="people-card">
                <h2 id="people-card"><a href=crate::people::PATH>"People"</a></h2>
                <p class="figure">{overview.users_total}</p>
                <Bars label="People by persona" testid="people-by-persona"
                    rows=overview.users_by_persona.iter().map(|(p, n)| (p.label(), *n)).collect() />
            </section>
            <section class="panel card" aria-labelledby="activity-card">
                <h2 id="activity-card">"Activity"</h2>
                <dl class="facts">
                    <dt>"Live sessions"</dt>
                    <dd>{overview.active_sessions}</dd>
                    <dt>"Sign-ins, last 24 h"</dt>
                    <dd>{overview.sign_ins_last_day}</dd>
                </dl>
                <p class="muted small" id="active-people-label">"People who signed in"</p>
                <dl class="facts" aria-labelledby="active-people-label" data-testid="active-people">
                    <dt>"Active today"</dt>
                    <dd>{overview.active_people.day}</dd>
                    <dt>"Active this week"</dt>
                    <dd>{overview.active_people.week}</dd>
                    <dt>"Active this month"</dt>
                    <dd>{overview.active_people.month}</dd>
                </dl>
            </section>
            <TopUsage tenants=top_usage />
        </div>
        <Growth months=growth />
    }
}

/// The tenants that used the most this month.
#[component]
fn TopUsage(tenants: Vec<shared::tenants::TenantUsage>) -> impl IntoView {
    view! {
        <section class="panel card" aria-labelledby="top-usage-card">
            <h2 id="top-usage-card">"Top usage this month"</h2>
            {if tenants.is_empty() {
                view! { <p class="muted">"Nothing used yet this month."</p> }.into_any()
            } else {
                view! {
                    <ol class="ranking" data-testid="top-usage">
                        {tenants.into_iter().map(|t| view! {
                            <li>
                                <a href=format!("{}/{}", tenants::PATH, t.tenant.slug)>{t.tenant.name.to_string()}</a>
                                <span class="muted small figures">{format!("{} tokens · {} API calls", group_digits(t.tokens), group_digits(t.api_calls))}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// The last twelve months: sign-ups, new tenants, revenue and usage, each column with
/// meters scaled to its largest month.
#[component]
fn Growth(months: Vec<shared::tenants::GrowthMonth>) -> impl IntoView {
    let most = |pick: fn(&shared::tenants::GrowthMonth) -> u64| {
        months.iter().map(pick).max().unwrap_or(0).max(1)
    };
    let (people, tenants, calls, tokens) = (
        most(|m| m.new_people),
        most(|m| m.new_tenants),
        most(|m| m.api_calls),
        most(|m| m.tokens),
    );
    let cell = |n: u64, max: u64, what: &'static str, month: &str| {
        view! {
            <td>
                <meter min="0" max=max.to_string() value=n.to_string() aria-label=format!("{month}: {} {what}", group_digits(n))></meter>
                " "
                {group_digits(n)}
            </td>
        }
    };
    view! {
        <section class="panel" aria-labelledby="growth-table">
            <h2 id="growth-table">"Growth, the last 12 months"</h2>
            <div class="table-wrap">
                <table class="compact growth" data-testid="growth">
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th>
                            <th scope="col">"New people"</th>
                            <th scope="col">"New tenants"</th>
                            <th scope="col">"Invoiced"</th>
                            <th scope="col">"API calls"</th>
                            <th scope="col">"Tokens"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {months.iter().rev().map(|m| {
                            let month = m.period.label();
                            let revenue = if m.revenue.is_empty() {
                                "—".to_owned()
                            } else {
                                m.revenue.iter().map(|r| r.format()).collect::<Vec<_>>().join(" · ")
                            };
                            view! {
                                <tr data-period=m.period.to_string()>
                                    <th scope="row">{month.clone()}</th>
                                    {cell(m.new_people, people, "new people", &month)}
                                    {cell(m.new_tenants, tenants, "new tenants", &month)}
                                    <td>{revenue}</td>
                                    {cell(m.api_calls, calls, "API calls", &month)}
                                    {cell(m.tokens, tokens, "tokens", &month)}
                                </tr>
                            }
                        }).collect_view()}
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
    let mails = resource(|| (), |_| get_outbox());
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Outbox,
    };
    view! {
        <AppShell place crumbs=vec![("Outbox".to_owned(), None)]>
            <PageHeader title="Outbox" subtitle="Emails kept because no SMTP server is configured (mail.smtp_url). Newest first." />
            {loaded(mails, "Loading…", move |result| match result {
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
            })}
        </AppShell>
    }
}

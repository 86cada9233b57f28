//! A workspace's home: the organization, your role and what it lets you do, its members;
//! for end users also their services with live status and this month's usage meters.

pub mod get_workspace_home;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use shared::billing::UsageMeter;
use shared::live::Topic;
use shared::navigation::Panel;
use shared::permissions::{Permission, Role};
use shared::personas::Persona;
use shared::tenants::{GOVERNANCE_DAYS, Governance, HomeService, HomeUsage, WorkspaceHome};

use crate::components::errors::ErrorView;
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_date;
use crate::live::{LiveIndicator, watch};
use get_workspace_home::get_workspace_home;

/// Whether loaded tenant data belongs under another persona's prefix (`/builder/acme` for an
/// end-user organization). Data still showing from the previous page (another slug) does
/// not count, or a navigation could bounce back.
pub fn is_wrong_prefix(
    tenant: &shared::tenants::TenantSummary,
    slug: &str,
    persona: Persona,
) -> bool {
    tenant.slug.as_str() == slug && tenant.variant.persona() != persona
}

/// A workspace page served under either prefix (`/app/…`, `/builder/…`) by one route: the
/// `:area` segment decides the persona, and anything else is not found. One route for both
/// keeps the router, which every page loads, small.
pub fn by_area(page: fn(Persona) -> AnyView) -> impl IntoView {
    let params = use_params_map();
    let persona = Memo::new(move |_| {
        params
            .read()
            .get("area")
            .and_then(|a| Persona::from_url_segment(&a))
            .filter(|p| *p != Persona::SuperAdmin)
    });
    move || match persona.get() {
        Some(persona) => page(persona),
        None => view! { <crate::components::errors::NotFoundPage /> }.into_any(),
    }
}

/// The tenant permissions shown in "your role and permissions", in a sensible order.
pub const TENANT_PERMISSIONS: &[Permission] = &[
    Permission::TenantView,
    Permission::MembersView,
    Permission::MembersInvite,
    Permission::MembersManage,
    Permission::OwnersManage,
];

/// A workspace's home under one persona's prefix (the route decides which).
#[component]
pub fn WorkspaceHomePage(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    // An end user's home shows services and meters, so it follows their changes live.
    let version =
        (persona == Persona::EndUser).then(|| watch(slug.into(), &[Topic::Services, Topic::Usage]));
    let home = resource(
        move || (slug.get(), version.map(|v| v.get())),
        |(slug, _)| get_workspace_home(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Home,
    });
    view! {
        <AppShell place>
            {loaded(home, "Loading…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(home) if is_wrong_prefix(&home.tenant, &slug.get(), persona) => {
                    view! { <Redirect path=home.tenant.home_path() /> }.into_any()
                }
                Ok(home) => view! { <HomeBody home persona /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn HomeBody(home: WorkspaceHome, persona: Persona) -> impl IntoView {
    let kind = match persona {
        Persona::Builder => "builder workspace",
        _ => "organization",
    };
    let subtitle = format!(
        "{} {kind} · you are {}",
        home.tenant.variant.label(),
        home.my_role.label()
    );
    let members_href = format!("{}/members", home.tenant.home_path());
    let pending_href = members_href.clone();
    let end_user = persona == Persona::EndUser;
    let live = end_user.then(|| view! { <LiveIndicator /> });
    let slug = home.tenant.slug.to_string();
    let variant = home.tenant.variant;
    // The panels above the team's, in the order the workspace's variant gives them.
    let leading: Vec<AnyView> =
        variant
            .panels()
            .iter()
            .filter_map(|panel| match panel {
                Panel::Governance => home.governance.clone().map(|governance| {
                    view! { <GovernanceCard governance home=home.tenant.home_path() /> }.into_any()
                }),
                Panel::Services => home.services.clone().filter(|_| end_user).map(|services| {
                    view! { <ServicesCard services slug=slug.clone() /> }.into_any()
                }),
                Panel::Usage => home
                    .usage
                    .clone()
                    .filter(|_| end_user)
                    .map(|usage| view! { <UsageCard usage slug=slug.clone() /> }.into_any()),
                Panel::Earnings | Panel::Delivery | Panel::Team => None,
            })
            .collect();
    let max = home
        .role_counts
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <PageHeader title=home.tenant.name.to_string() subtitle>
            {live}
            <a class="button" href=members_href.clone()>"Members"</a>
        </PageHeader>
        {(!leading.is_empty()).then(|| view! { <div class="cards" data-testid="home-leading">{leading}</div> })}
        {(persona == Persona::Builder).then(|| view! { <crate::customers::BuilderOverviewPanel slug=slug.clone() variant /> })}
        <div class="cards">
            <section class="panel card" aria-labelledby="members-card">
                <h2 id="members-card">"Members"</h2>
                <p class="figure" data-testid="member-count">{home.member_count}</p>
                <ul class="bars" aria-label="Members by role">
                    {home
                        .role_counts
                        .iter()
                        .map(|(role, n)| {
                            view! {
                                <li>
                                    <span class="bar-label">{role.label()}</span>
                                    <meter min="0" max=max.to_string() value=n.to_string() aria-label=format!("{} {}", n, role.label())></meter>
                                    <span class="bar-value">{*n}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {home.pending_invitations.map(|n| view! {
                    <p class="muted">
                        <a href=pending_href.clone()>{format!("{n} pending invitation{}", if n == 1 { "" } else { "s" })}</a>
                    </p>
                })}
            </section>
            <section class="panel card" aria-labelledby="role-card">
                <h2 id="role-card">"Your role and permissions"</h2>
                <p>
                    <span class="badge role">{home.my_role.label()}</span>
                    " "
                    <span class="muted">{role_summary(home.my_role)}</span>
                </p>
                <ul class="permissions" data-testid="permissions">
                    {TENANT_PERMISSIONS
                        .iter()
                        .map(|p| {
                            let held = home.permissions.contains(p);
                            view! {
                                <li class:held=held>
                                    <span aria-hidden="true">{if held { "✓" } else { "—" }}</span>
                                    <span class="visually-hidden">{if held { "Allowed: " } else { "Not allowed: " }}</span>
                                    {capitalize(p.describe())}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
            <section class="panel card" aria-labelledby="about-card">
                <h2 id="about-card">"About this workspace"</h2>
                <dl class="facts">
                    <dt>"Address"</dt>
                    <dd><code>{home.tenant.home_path()}</code></dd>
                    <dt>"Platform variant"</dt>
                    <dd>{home.tenant.variant.label()}</dd>
                    <dt>"Status"</dt>
                    <dd><span class="badge ok">{home.tenant.status.as_str()}</span></dd>
                    <dt>"Created"</dt>
                    <dd>{format_date(home.created_at)}</dd>
                </dl>
            </section>
        </div>
    }
}

/// An Enterprise organization's glance at who may do what: two-step sign-in among its
/// members and whether it is required, and the audit log's activity.
#[component]
fn GovernanceCard(governance: Governance, home: String) -> impl IntoView {
    let required = match governance.two_factor_required_since {
        Some(at) => format!("Required of every member since {}.", format_date(at)),
        None => "Not required: an owner can require it on Members.".to_owned(),
    };
    view! {
        <section class="panel card wide" aria-labelledby="governance-card" data-testid="governance">
            <h2 id="governance-card">"Governance"</h2>
            <dl class="facts">
                <dt>"Two-step sign-in"</dt>
                <dd data-testid="two-factor-share">{governance.two_factor_share()}</dd>
                <dt>"Requirement"</dt>
                <dd data-testid="two-factor-required">{required}</dd>
                {governance.audit_entries.map(|n| view! {
                    <dt>{format!("Audit log, last {GOVERNANCE_DAYS} days")}</dt>
                    <dd data-testid="audit-entries">
                        <a href=format!("{home}/audit")>{format!("{n} entr{}", if n == 1 { "y" } else { "ies" })}</a>
                    </dd>
                })}
            </dl>
            <p><a href=format!("{home}/members")>"Members and their sign-in"</a></p>
        </section>
    }
}

/// The organization's services and their live status; acting on them is on Services.
#[component]
fn ServicesCard(services: Vec<HomeService>, slug: String) -> impl IntoView {
    let href = crate::catalog::services_path(Persona::EndUser, &slug);
    view! {
        <section class="panel card wide" aria-labelledby="my-services-card">
            <h2 id="my-services-card">"Your services"</h2>
            {if services.is_empty() {
                view! { <p class="muted">"None yet: request one from the catalog."</p> }.into_any()
            } else {
                view! {
                    <ul class="service-list" data-testid="home-services">
                        {services.into_iter().map(|service| {
                            let name = service.name.clone();
                            view! {
                            <li data-service=name>
                                <span>{service.name}</span>" "
                                {crate::catalog::activation_badge(service.status)}
                            </li>
                        }}).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href=href>"Services and the catalog"</a></p>
        </section>
    }
}

/// This month's meters, with the upgrade prompt when one is near or at its limit.
#[component]
fn UsageCard(usage: HomeUsage, slug: String) -> impl IntoView {
    let href = crate::billing::billing_path(Persona::EndUser, &slug);
    let warning = UsageMeter::most_pressing(&usage.meters).cloned();
    let compare = format!("{href}#plans");
    view! {
        <section class="panel card wide" aria-labelledby="usage-card">
            <h2 id="usage-card">"Usage this month"</h2>
            {warning.map(|meter| view! { <crate::billing::UpgradePrompt meter next=usage.next.clone() compare /> })}
            <p class="muted small">{format!("{} plan", usage.plan.label())}</p>
            <ul class="meters" data-testid="home-meters">
                {usage.meters.into_iter().map(|meter| view! { <crate::billing::Meter meter /> }).collect_view()}
            </ul>
            <p><a href=href>"Plan & usage"</a></p>
        </section>
    }
}

fn role_summary(role: Role) -> &'static str {
    match role {
        Role::Owner => "Full control, including who else owns it.",
        Role::Admin => "Manages members and settings.",
        Role::Consultant => "Works in the workspace; cannot manage members.",
        Role::Viewer => "Can look, cannot change anything.",
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

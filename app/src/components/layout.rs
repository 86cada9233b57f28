//! The frame around every signed-in page: header with the persona and organization
//! switchers, a persona-specific sidebar, breadcrumbs and the page header.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use shared::AppError;
use shared::accounts::{Me as MeView, TwoFactorDuty, Workspace};
use shared::impersonation::ImpersonationView;
use shared::navigation::Area;
use shared::personas::Persona;
use shared::platform::PlatformVariant;
use shared::tenants::workspace_path;

use crate::auth::sign_out::SignOut;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::time::{format_date, format_time, machine_time};
use crate::people::end_impersonation::EndImpersonation;
use crate::theme::ThemePicker;

/// The signed-in person (or `None` for a visitor), known before the page renders: the
/// server loads it with the session, and the browser reads the same value from the page
/// when it hydrates. No frame waits on a resource, so a page has a single suspense
/// boundary — its own data.
#[derive(Clone)]
pub struct Me(pub Arc<Result<Option<MeView>, AppError>>);

impl Me {
    /// The signed-in person, if any (an error reads as nobody).
    pub fn person(&self) -> Option<&MeView> {
        self.0.as_ref().as_ref().ok().and_then(Option::as_ref)
    }
}

/// Which sidebar entry is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Overview,
    Tenants,
    People,
    AdminBuilders,
    Plans,
    AdminServices,
    AdminSupport,
    Outbox,
    AuditLog,
    Threats,
    Health,
    Home,
    Members,
    CommandCenter,
    Templates,
    Billing,
    Services,
    Vault,
    Support,
    Widgets,
    Customers,
    Projects,
    Marketplace,
    Builders,
    Contacts,
    Account,
    Security,
}

/// Where the shell is: a persona's dashboard, in a workspace or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub persona: Option<Persona>,
    pub slug: Option<String>,
    pub section: Section,
}

struct NavItem {
    label: &'static str,
    href: String,
    section: Section,
}

/// The sidebar's entries; `workspace` is the person's at `place.slug`, if any.
fn nav_items(place: &Place, me: &MeView, workspace: Option<&Workspace>) -> Vec<NavItem> {
    let mut items = Vec::new();
    match (place.persona, &place.slug) {
        // Pages outside any dashboard (the account) lead back to each of them.
        (None, _) => items.extend(me.usable_personas().into_iter().filter_map(|persona| {
            me.persona_home(persona).map(|href| NavItem {
                label: persona.label(),
                href,
                section: Section::Home,
            })
        })),
        (Some(Persona::SuperAdmin), _) => {
            items.push(NavItem {
                label: "Overview",
                href: "/admin".into(),
                section: Section::Overview,
            });
            items.push(NavItem {
                label: "Tenants",
                href: crate::admin::tenants::PATH.into(),
                section: Section::Tenants,
            });
            items.push(NavItem {
                label: "Users",
                href: crate::people::PATH.into(),
                section: Section::People,
            });
            items.push(NavItem {
                label: "Builders",
                href: crate::admin::builders::PATH.into(),
                section: Section::AdminBuilders,
            });
            items.push(NavItem {
                label: "Plans",
                href: "/admin/plans".into(),
                section: Section::Plans,
            });
            items.push(NavItem {
                label: "Services",
                href: "/admin/services".into(),
                section: Section::AdminServices,
            });
            items.push(NavItem {
                label: "Support",
                href: "/admin/support".into(),
                section: Section::AdminSupport,
            });
            items.push(NavItem {
                label: "Outbox",
                href: "/admin/outbox".into(),
                section: Section::Outbox,
            });
            items.push(NavItem {
                label: "Audit log",
                href: crate::audit::PLATFORM_PATH.into(),
                section: Section::AuditLog,
            });
            items.push(NavItem {
                label: "Alerts",
                href: crate::admin::threats::PATH.into(),
                section: Section::Threats,
            });
            items.push(NavItem {
                label: "Health",
                href: crate::admin::health::PATH.into(),
                section: Section::Health,
            });
        }
        (Some(persona), Some(slug)) => {
            // The workspace's variant orders the entries; some show only where the role
            // allows them.
            let base = format!("{}/{slug}", persona.url_prefix());
            let variant = workspace.map_or(persona_variant(persona), |w| w.tenant.variant);
            items.extend(
                variant
                    .areas()
                    .iter()
                    .filter(|area| {
                        area.permission()
                            .is_none_or(|p| workspace.is_some_and(|w| w.role.can(p)))
                    })
                    .map(|area| NavItem {
                        label: area.label(),
                        href: format!("{base}{}", area.path()),
                        section: section_of(*area),
                    }),
            );
        }
        _ => {}
    }
    items.push(NavItem {
        label: "Account",
        href: "/account".into(),
        section: Section::Account,
    });
    items.push(NavItem {
        label: "Security",
        href: "/account/security".into(),
        section: Section::Security,
    });
    items
}

/// The variant whose navigation a persona's pages show before the workspace is known.
const fn persona_variant(persona: Persona) -> PlatformVariant {
    match persona {
        Persona::Builder => PlatformVariant::Partner,
        _ => PlatformVariant::Standard,
    }
}

/// The sidebar entry a workspace's navigation entry is.
const fn section_of(area: Area) -> Section {
    match area {
        Area::Home => Section::Home,
        Area::Members => Section::Members,
        Area::Widgets => Section::Widgets,
        Area::Customers => Section::Customers,
        Area::Projects => Section::Projects,
        Area::Marketplace => Section::Marketplace,
        Area::Builders => Section::Builders,
        Area::Contacts => Section::Contacts,
        Area::CommandCenter => Section::CommandCenter,
        Area::Templates => Section::Templates,
        Area::Services => Section::Services,
        Area::Billing => Section::Billing,
        Area::Support => Section::Support,
        Area::ApiKeys => Section::Vault,
        Area::AuditLog => Section::AuditLog,
    }
}

/// Signed-in pages render inside this; anonymous visitors are sent to sign in and back.
/// `place` follows the URL, so switching organization or persona re-renders the frame.
#[component]
pub fn AppShell(
    #[prop(into)] place: Signal<Place>,
    /// Breadcrumb trail after the workspace: (label, link).
    #[prop(optional)]
    crumbs: Vec<(String, Option<String>)>,
    children: ChildrenFn,
) -> impl IntoView {
    let Me(me) = expect_context::<Me>();
    let location = use_location();
    match me.as_ref() {
        Ok(Some(me)) => {
            let me = me.clone();
            view! {
                {move || {
                    let children = children.clone();
                    view! {
                        <Frame me=me.clone() place=place.get() crumbs=crumbs.clone()>
                            {children()}
                        </Frame>
                    }
                }}
            }
            .into_any()
        }
        Ok(None) => {
            let next = location.pathname.get_untracked();
            view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
        }
        Err(error) => {
            let error = error.clone();
            view! {
                <main id="main" class="narrow">
                    <ErrorView error />
                </main>
            }
            .into_any()
        }
    }
}

#[component]
fn Frame(
    me: MeView,
    place: Place,
    crumbs: Vec<(String, Option<String>)>,
    children: Children,
) -> impl IntoView {
    let current_workspace = place
        .slug
        .as_deref()
        .and_then(|slug| me.workspace(slug))
        .cloned();
    // A workspace is under its own persona, also on a page reached through the other
    // persona's prefix that failed before it could redirect to the right one.
    let place = Place {
        persona: current_workspace
            .as_ref()
            .map(|w| w.tenant.variant.persona())
            .or(place.persona),
        ..place
    };
    let items = nav_items(&place, &me, current_workspace.as_ref());
    let duty = me.two_factor_duty();
    let mut trail: Vec<(String, Option<String>)> = Vec::new();
    if let Some(persona) = place.persona {
        trail.push((persona.label().to_owned(), me.persona_home(persona)));
    }
    if let Some(w) = &current_workspace {
        trail.push((w.tenant.name.to_string(), Some(w.tenant.home_path())));
    }
    trail.extend(crumbs);
    let last = trail.len().saturating_sub(1);
    // The workspace's white-label branding: a stylesheet setting its CSS variables over the
    // platform's (the content security policy allows no inline styles).
    let branding = current_workspace
        .as_ref()
        .filter(|w| !w.branding.is_default())
        .map(|w| shared::branding::stylesheet_path(w.tenant.slug.as_str(), &w.branding));
    // Its logo, when it has one, stands for the platform's mark in the top bar.
    let workspace_logo = current_workspace.as_ref().and_then(|w| {
        w.logo.as_deref().map(|version| {
            (
                shared::branding::logo_path(w.tenant.slug.as_str(), version),
                w.tenant.name.to_string(),
                w.tenant.home_path(),
            )
        })
    });
    view! {
        <div class="app">
            {branding.map(|href| view! { <link rel="stylesheet" href=href data-testid="branding-stylesheet" /> })}
            {me.impersonation.clone().map(|impersonation| view! { <ImpersonationBanner impersonation /> })}
            <header class="topbar">
                {match workspace_logo {
                    Some((src, name, home)) => view! {
                        <a class="brand" href=home>
                            <img class="brand-logo" src=src alt="" data-testid="workspace-logo" />
                            {name}
                        </a>
                    }.into_any(),
                    None => view! {
                        <a class="brand" href="/">
                            <span class="logo" aria-hidden="true">"◆"</span>
                            "Atrium"
                        </a>
                    }.into_any(),
                }}
                <PersonaSwitcher me=me.clone() current=place.persona />
                <OrgSwitcher
                    me=me.clone()
                    place=place.clone()
                    current=current_workspace.as_ref().map(|w| w.tenant.name.to_string())
                />
                <div class="spacer"></div>
                <UserMenu me=me.clone() />
            </header>
            <div class="body">
                <nav class="sidebar" aria-label="Main">
                    <ul>
                        {items
                            .into_iter()
                            .map(|item| {
                                let current = item.section == place.section;
                                view! {
                                    <li>
                                        <a
                                            href=item.href
                                            class:current=current
                                            aria-current=if current { Some("page") } else { None }
                                        >
                                            {item.label}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
                <main id="main" class="content">
                    {duty.map(|duty| view! { <TwoFactorDutyBanner duty /> })}
                    <nav class="breadcrumbs" aria-label="Breadcrumb">
                        <ol>
                            {trail
                                .into_iter()
                                .enumerate()
                                .map(|(i, (label, href))| {
                                    let is_last = i == last;
                                    view! {
                                        <li>
                                            {match href.filter(|_| !is_last) {
                                                Some(href) => view! { <a href=href>{label}</a> }.into_any(),
                                                None => {
                                                    view! { <span aria-current="page">{label}</span> }.into_any()
                                                }
                                            }}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </nav>
                    {children()}
                </main>
            </div>
        </div>
    }
}

/// Shown on every page while a workspace (or the super admin persona) requires two-factor
/// sign-in that the person has not set up.
#[component]
fn TwoFactorDutyBanner(duty: TwoFactorDuty) -> impl IntoView {
    let when = match duty.deadline {
        Some(deadline) if !duty.overdue => {
            format!("Set it up by {} to keep access.", format_date(deadline))
        }
        _ => "Set it up now: access is closed until you do.".to_owned(),
    };
    view! {
        <p class="banner warn" role="status" data-testid="two-factor-duty">
            {format!("{} requires two-factor sign-in. {when} ", duty.required_by)}
            <a href="/account/security?setup=two-factor">"Set up two-factor sign-in"</a>
        </p>
    }
}

/// Shown above every page while a super admin impersonates the person: whom, how, until
/// when, and the way back.
#[component]
fn ImpersonationBanner(impersonation: ImpersonationView) -> impl IntoView {
    let end = ServerAction::<EndImpersonation>::new();
    let error = Signal::derive(move || end.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(path)) = end.value().get() {
            crate::auth::navigate_hard(&path);
        }
    });
    let mode = if impersonation.read_only {
        "read-only"
    } else {
        "acting for them"
    };
    view! {
        <div class="impersonation-banner" role="status" data-testid="impersonation-banner">
            <p>
                <strong>{format!("You are seeing Atrium as {} ({})", impersonation.user_name, impersonation.user_email)}</strong>
                {format!(" — {mode}, until ")}
                <time datetime=machine_time(impersonation.expires_at)>{format_time(impersonation.expires_at)}</time>
                {format!(". Everything you do is recorded as {} on their behalf.", impersonation.by_email)}
            </p>
            <ActionForm action=end attr:class="inline-form">
                <button type="submit" class="button" disabled=move || end.pending().get()>"End impersonation"</button>
            </ActionForm>
            <ActionError error />
        </div>
    }
}

/// The persona switcher lists the dashboards this person can use.
#[component]
fn PersonaSwitcher(me: MeView, current: Option<Persona>) -> impl IntoView {
    let personas = me.usable_personas();
    let label = current.map(Persona::label).unwrap_or("Account");
    if personas.len() < 2 {
        return view! { <span class="switcher-label" data-testid="persona">{label}</span> }
            .into_any();
    }
    view! {
        <details class="menu switcher" data-testid="persona-switcher">
            <summary aria-label=format!("Persona: {label}. Switch persona")>{label}</summary>
            <ul role="list">
                {personas
                    .into_iter()
                    .filter_map(|p| me.persona_home(p).map(|href| (p, href)))
                    .map(|(p, href)| {
                        let is_current = Some(p) == current;
                        view! {
                            <li>
                                <a href=href aria-current=if is_current { Some("true") } else { None }>
                                    {p.label()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
    .into_any()
}

/// The organization switcher lists the workspaces of the current persona; `current` names
/// the workspace the page is in, if any.
#[component]
fn OrgSwitcher(me: MeView, place: Place, current: Option<String>) -> impl IntoView {
    let Some(persona) = place.persona.filter(|p| *p != Persona::SuperAdmin) else {
        return ().into_any();
    };
    let workspaces: Vec<_> = me.workspaces_for(persona).cloned().collect();
    let current = current.unwrap_or_else(|| "Choose a workspace".to_owned());
    if workspaces.len() < 2 {
        return view! { <span class="switcher-label" data-testid="org">{current}</span> }
            .into_any();
    }
    view! {
        <details class="menu switcher" data-testid="org-switcher">
            <summary aria-label=format!("Organization: {current}. Switch organization")>{current.clone()}</summary>
            <ul role="list">
                {workspaces
                    .into_iter()
                    .map(|w| {
                        let is_current = Some(w.tenant.slug.as_str()) == place.slug.as_deref();
                        let href = workspace_path(persona, &w.tenant.slug);
                        view! {
                            <li>
                                <a href=href aria-current=if is_current { Some("true") } else { None }>
                                    {w.tenant.name.to_string()}
                                    <span class="muted">{format!(" · {}", w.role.label())}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
    .into_any()
}

#[component]
fn UserMenu(me: MeView) -> impl IntoView {
    view! {
        <details class="menu user-menu" data-testid="user-menu">
            <summary>
                <span class="avatar" aria-hidden="true">
                    {me.name.as_str().chars().next().unwrap_or('?').to_string()}
                </span>
                <span class="user-name">{me.name.to_string()}</span>
                <span class="visually-hidden">" (account menu)"</span>
            </summary>
            <div class="menu-panel">
                <p class="muted">{me.email.to_string()}</p>
                <a href="/account">"Account and sessions"</a>
                <ThemePicker />
                <form method="post" action=SignOut::url()>
                    <button type="submit" class="link-button">"Sign out"</button>
                </form>
            </div>
        </details>
    }
}

/// The title block of a page.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(into, optional)] subtitle: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=title.clone() />
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                {(!subtitle.is_empty()).then(|| view! { <p class="muted">{subtitle}</p> })}
            </div>
            {children.map(|c| view! { <div class="page-actions">{c()}</div> })}
        </header>
    }
}

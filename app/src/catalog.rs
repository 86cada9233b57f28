//! Services: the platform's catalog as a workspace sees it — what it has (live status,
//! cancel), and what it may request under its plan.

pub mod change_service;
pub mod get_services;
pub mod request_service;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use shared::catalog::{ActivationAction, ActivationStatus, CatalogEntry, ServicesPage};
use shared::live::Topic;
use shared::personas::Persona;

use crate::billing::billing_path;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time};
use crate::live::{LiveIndicator, watch};
use crate::workspaces::is_wrong_prefix;
use change_service::ChangeService;
use get_services::get_services;
use request_service::RequestService;

pub fn services_path(persona: Persona, slug: &str) -> String {
    format!("{}/{slug}/services", persona.url_prefix())
}

/// The badge for an activation's status; the admin console shows the same.
pub fn activation_badge(status: ActivationStatus) -> impl IntoView {
    let class = match status {
        ActivationStatus::Active => "ok",
        ActivationStatus::Requested => "accent",
        ActivationStatus::Suspended => "warn",
        ActivationStatus::Cancelled => "",
    };
    view! {
        <span class=format!("badge {class}") data-testid="activation-status" data-status=status.as_str()>
            {status.label()}
        </span>
    }
}

/// The page under either workspace prefix.
#[component]
pub fn ServicesCatalogPage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <ServicesFor persona /> }.into_any())
}

/// The workspace's own service actions (request, cancel), shared by this page and the
/// dashboard.
#[derive(Clone, Copy)]
pub struct Actions {
    pub request: ServerAction<RequestService>,
    pub change: ServerAction<ChangeService>,
}

/// Made inside a component (server actions belong to the reactive owner).
impl Default for Actions {
    fn default() -> Self {
        Self {
            request: ServerAction::<RequestService>::new(),
            change: ServerAction::<ChangeService>::new(),
        }
    }
}

#[component]
fn ServicesFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let version = watch(slug.into(), &[Topic::Services, Topic::Usage]);
    let actions = Actions::default();
    let page = resource(
        move || {
            (
                slug.get(),
                version.get(),
                actions.request.version().get(),
                actions.change.version().get(),
            )
        },
        |(slug, ..)| get_services(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Services,
    });
    view! {
        <AppShell place crumbs=vec![("Services".to_owned(), None)]>
            <PageHeader title="Services" subtitle="What your organization uses from the platform's catalog, and what it can add.">
                <LiveIndicator />
            </PageHeader>
            {loaded(page, "Loading services…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) if is_wrong_prefix(&page.tenant, &slug.get(), persona) => {
                    view! { <Redirect path=services_path(page.tenant.variant.persona(), page.tenant.slug.as_str()) /> }.into_any()
                }
                Ok(page) => view! { <Body page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Body(page: ServicesPage, actions: Actions) -> impl IntoView {
    let error = Signal::derive(move || {
        actions
            .request
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.change.value().get().and_then(Result::err))
    });
    let requested =
        Signal::derive(move || actions.request.value().get().is_some_and(|r| r.is_ok()));
    let slug = page.tenant.slug.to_string();
    let billing = billing_path(page.tenant.variant.persona(), &slug);
    let mine: Vec<CatalogEntry> = page.mine().cloned().collect();
    let can_manage = page.can_manage;
    let tier = page.tier;
    let mine_view = if mine.is_empty() {
        view! { <p class="muted">"None yet: request one from the catalog below."</p> }.into_any()
    } else {
        let slug = slug.clone();
        view! {
            <ul class="service-list" data-testid="my-services">
                {mine.into_iter().map(|entry| view! { <MyService entry slug=slug.clone() can_manage actions /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <ActionError error />
        <Show when=move || requested.get()>
            <p class="notice ok" role="status">"Requested: the platform team will approve it, and this page shows it at once."</p>
        </Show>
        <section class="panel" aria-labelledby="mine-title">
            <h2 id="mine-title">"Your services"</h2>
            {mine_view}
        </section>
        <section class="panel" aria-labelledby="catalog-title">
            <h2 id="catalog-title">"Catalog"</h2>
            <p class="muted small">{format!("Your organization is on the {} plan.", tier.label())}</p>
            <div class="catalog-grid" data-testid="catalog">
                {page.entries.into_iter().map(|entry| view! { <CatalogCard entry slug=slug.clone() billing=billing.clone() can_manage tier actions /> }).collect_view()}
            </div>
        </section>
    }
}

/// One of the workspace's services: status, price, who asked, and cancel.
#[component]
pub fn MyService(
    entry: CatalogEntry,
    slug: String,
    can_manage: bool,
    actions: Actions,
) -> impl IntoView {
    let Some(activation) = entry.activation.clone() else {
        return ().into_any();
    };
    let cancel = (can_manage && ActivationAction::Cancel.applies_to(activation.status)).then(|| {
        let label = if activation.status == ActivationStatus::Requested {
            "Withdraw request"
        } else {
            "Cancel"
        };
        let aria = format!("{label}: {}", entry.service.name);
        view! {
            <ActionForm action=actions.change attr:class="inline-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="activation" value=activation.id.to_string() />
                <input type="hidden" name="action" value="cancel" />
                <button type="submit" class="button small danger" aria-label=aria>{label}</button>
            </ActionForm>
        }
    });
    let who = activation
        .requested_by
        .as_ref()
        .map(|n| format!("requested by {n} · "))
        .unwrap_or_default();
    view! {
        <li class="service-item" data-service=entry.service.name.to_string() data-status=activation.status.as_str()>
            <div class="session-main">
                <strong>{entry.service.name.to_string()}</strong>
                {activation_badge(activation.status)}
            </div>
            <p class="muted small">
                {format!("{} · {who}", entry.service.price_text())}
                "updated "<time datetime=machine_time(activation.updated_at)>{format_time(activation.updated_at)}</time>
            </p>
            <div class="quick-actions">{cancel}</div>
        </li>
    }
    .into_any()
}

#[component]
fn CatalogCard(
    entry: CatalogEntry,
    slug: String,
    billing: String,
    can_manage: bool,
    tier: shared::billing::PlanTier,
    actions: Actions,
) -> impl IntoView {
    let service = entry.service.clone();
    let plans = service
        .tiers
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ");
    let state = entry
        .activation
        .as_ref()
        .map(|a| a.status)
        .filter(|s| *s != ActivationStatus::Cancelled);
    let action = if let Some(status) = state {
        activation_badge(status).into_any()
    } else if !entry.eligible {
        view! {
            <p class="muted small" data-testid="plan-gate">
                {service.tier_refusal(tier)}" "<a href=billing>"Compare plans"</a>
            </p>
        }
        .into_any()
    } else if entry.requestable() && can_manage {
        let aria = format!("Request {}", service.name);
        view! {
            <ActionForm action=actions.request attr:class="inline-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="service" value=service.id.to_string() />
                <button type="submit" class="button small primary" aria-label=aria>"Request"</button>
            </ActionForm>
        }
        .into_any()
    } else if entry.requestable() {
        view! { <p class="muted small">"An owner or admin can request it."</p> }.into_any()
    } else {
        view! { <p class="muted small">"No longer offered."</p> }.into_any()
    };
    view! {
        <article class="panel card service-card" data-service=service.name.to_string()>
            <h3>{service.name.to_string()}</h3>
            <p class="figure small-figure">{service.price_text()}</p>
            <p>{service.description.clone()}</p>
            <p class="muted small">{format!("Plans: {plans}")}</p>
            {action}
        </article>
    }
}

//! The super admin's service catalog: every workspace's requests and activations (live,
//! across all workspaces) with the actions each allows, and the services themselves.

use leptos::prelude::*;
use shared::billing::PlanTier;
use shared::catalog::{ActivationAction, AdminActivation, Service, ServiceUnit, ServicesAdminPage};
use shared::live::{PLATFORM, Topic};
use shared::personas::Persona;

use super::act_on_activation::ActOnActivation;
use super::get_services_admin::get_services_admin;
use super::save_service::SaveService;
use crate::catalog::activation_badge;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time};
use crate::live::{LiveIndicator, watch};

#[component]
pub fn AdminServicesPage() -> impl IntoView {
    let act = ServerAction::<ActOnActivation>::new();
    let save = ServerAction::<SaveService>::new();
    let version = watch(Signal::stored(PLATFORM.to_owned()), &[Topic::Services]);
    let page = resource(
        move || (version.get(), act.version().get(), save.version().get()),
        |_| get_services_admin(),
    );
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::AdminServices,
    };
    view! {
        <AppShell place crumbs=vec![("Services".to_owned(), None)]>
            <PageHeader title="Services" subtitle="The catalog every organization requests from, and where each request stands.">
                <LiveIndicator />
            </PageHeader>
            {loaded(page, "Loading the catalog…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <Body page act save /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Body(
    page: ServicesAdminPage,
    act: ServerAction<ActOnActivation>,
    save: ServerAction<SaveService>,
) -> impl IntoView {
    let act_error = Signal::derive(move || act.value().get().and_then(Result::err));
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = Signal::derive(move || save.value().get().is_some_and(|r| r.is_ok()));
    let activations = if page.activations.is_empty() {
        view! { <p class="muted">"No organization has requested a service yet."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table data-testid="activations">
                    <thead>
                        <tr>
                            <th scope="col">"Organization"</th>
                            <th scope="col">"Service"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Requested"</th>
                            <th scope="col">"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.activations.into_iter().map(|row| view! { <ActivationRow row act /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="activations-title">
            <h2 id="activations-title">"Requests and activations"</h2>
            <ActionError error=act_error />
            {activations}
        </section>
        <section class="panel" aria-labelledby="services-title">
            <h2 id="services-title">"Catalog"</h2>
            <ActionError error=save_error />
            <Show when=move || saved.get()>
                <p class="notice ok" role="status">"Service saved."</p>
            </Show>
            <div class="plan-editors">
                {page.services.into_iter().map(|service| view! { <ServiceEditor service=Some(service) save /> }).collect_view()}
                <ServiceEditor service=None save />
            </div>
        </section>
    }
}

#[component]
fn ActivationRow(row: AdminActivation, act: ServerAction<ActOnActivation>) -> impl IntoView {
    let id = row.id;
    let buttons = ActivationAction::ALL
        .iter()
        .copied()
        .filter(|a| a.applies_to(row.status))
        .map(|action| {
            let class = match action {
                ActivationAction::Approve | ActivationAction::Resume => "button small primary",
                ActivationAction::Suspend => "button small",
                ActivationAction::Cancel => "button small danger",
            };
            let aria = format!(
                "{} {} for {}",
                action.label(),
                row.service_name,
                row.tenant.name
            );
            view! {
                <ActionForm action=act attr:class="inline-form">
                    <input type="hidden" name="activation" value=id.to_string() />
                    <input type="hidden" name="action" value=action.as_str() />
                    <button type="submit" class=class aria-label=aria>{action.label()}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let who = row
        .requested_by
        .as_ref()
        .map(|n| format!("{n}, "))
        .unwrap_or_default();
    view! {
        <tr data-activation=id.to_string() data-tenant=row.tenant.slug.to_string() data-service=row.service_name.to_string()>
            <td>{row.tenant.name.to_string()}</td>
            <td>{row.service_name.to_string()}</td>
            <td>{activation_badge(row.status)}</td>
            <td>{who}<time datetime=machine_time(row.requested_at)>{format_time(row.requested_at)}</time></td>
            <td><div class="quick-actions">{buttons}</div></td>
        </tr>
    }
}

#[component]
fn ServiceEditor(service: Option<Service>, save: ServerAction<SaveService>) -> impl IntoView {
    let key = service
        .as_ref()
        .map_or_else(|| "new".to_owned(), |s| s.id.to_string());
    let id = {
        let key = key.clone();
        move |field: &str| format!("service-{key}-{field}")
    };
    let title = service
        .as_ref()
        .map_or_else(|| "New service".to_owned(), |s| s.name.to_string());
    let testid = if service.is_some() {
        format!("edit-service-{}", title)
    } else {
        "new-service".to_owned()
    };
    let name = service
        .as_ref()
        .map(|s| s.name.to_string())
        .unwrap_or_default();
    let description = service
        .as_ref()
        .map(|s| s.description.clone())
        .unwrap_or_default();
    let price = service
        .as_ref()
        .map(|s| s.price.input_value())
        .unwrap_or_default();
    let unit = service.as_ref().map_or(ServiceUnit::Month, |s| s.unit);
    let offered = service.as_ref().is_none_or(|s| s.offered);
    let tiers: Vec<(PlanTier, bool)> = PlanTier::ALL
        .iter()
        .map(|t| (*t, service.as_ref().is_some_and(|s| s.allows(*t))))
        .collect();
    let hidden_id = service
        .as_ref()
        .map(|s| view! { <input type="hidden" name="id" value=s.id.to_string() /> });
    let button = if service.is_some() {
        "Save service"
    } else {
        "Add service"
    };
    let aria = title.clone();
    view! {
        <ActionForm action=save attr:class="panel plan-editor" attr:data-testid=testid attr:aria-label=aria>
            <h3>{title}</h3>
            {hidden_id}
            <label for=id("name")>"Name"</label>
            <input id=id("name") name="name" required maxlength="80" value=name />
            <label for=id("description")>"Description"</label>
            <textarea id=id("description") name="description" rows="3" maxlength="500">{description}</textarea>
            <label for=id("price")>"Price (USD)"</label>
            <div class="inline">
                <input id=id("price") name="price" inputmode="decimal" required value=price />
                <label class="visually-hidden" for=id("unit")>"Counted"</label>
                <select id=id("unit") name="unit">
                    {ServiceUnit::ALL.iter().map(|u| view! { <option value=u.as_str() selected=*u == unit>{u.label()}</option> }).collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>"Plans that may use it"</legend>
                {tiers.into_iter().map(|(tier, on)| {
                    let field = id(&format!("tier-{}", tier.as_str()));
                    let label_for = field.clone();
                    view! {
                        <label class="check" for=label_for>
                            <input type="checkbox" id=field name=format!("tiers[{}]", tier.as_str()) value="on" checked=on />
                            {tier.label()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="check" for=id("offered")>
                <input type="checkbox" id=id("offered") name="offered" value="on" checked=offered />
                "Offered (unticked: no new requests; running activations continue)"
            </label>
            <button type="submit" class="button primary small">{button}</button>
        </ActionForm>
    }
}

//! The end-user dashboard's own panels on a workspace's home: its services with their live
//! status and quick actions, and this month's use against each limit.

use leptos::prelude::*;
use shared::billing::UsageLevel;
use shared::catalog::CatalogEntry;
use shared::live::Topic;
use shared::personas::Persona;

use crate::billing::get_billing::get_billing;
use crate::billing::{Meter, UpgradePrompt, billing_path};
use crate::catalog::get_services::get_services;
use crate::catalog::{Actions, MyService, services_path};
use crate::components::errors::ActionError;
use crate::live::watch;

#[component]
pub fn EndUserPanels(slug: String) -> impl IntoView {
    let slug_signal = Signal::stored(slug.clone());
    let version = watch(slug_signal, &[Topic::Services, Topic::Usage]);
    let actions = Actions::default();
    let services = Resource::new(
        move || {
            (
                slug_signal.get(),
                version.get(),
                actions.change.version().get(),
            )
        },
        |(slug, ..)| get_services(slug),
    );
    let billing = Resource::new(
        move || (slug_signal.get(), version.get()),
        |(slug, _)| get_billing(slug),
    );
    let error = Signal::derive(move || actions.change.value().get().and_then(Result::err));
    let catalog_href = services_path(Persona::EndUser, &slug);
    let billing_href = billing_path(Persona::EndUser, &slug);
    view! {
        <div class="cards">
            <section class="panel card wide" aria-labelledby="my-services-card">
                <h2 id="my-services-card">"Your services"</h2>
                <ActionError error />
                <Transition fallback=|| view! { <p class="loading">"Loading services…"</p> }>
                    {move || services.get().map(|result| match result {
                        Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                        Ok(page) => {
                            let mine: Vec<CatalogEntry> = page.mine().cloned().collect();
                            let can_manage = page.can_manage;
                            let slug = page.tenant.slug.to_string();
                            if mine.is_empty() {
                                view! { <p class="muted">"None yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="service-list" data-testid="my-services">
                                        {mine.into_iter().map(|entry| view! { <MyService entry slug=slug.clone() can_manage actions /> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
                <p><a href=catalog_href>"Browse the catalog"</a></p>
            </section>
            <section class="panel card wide" aria-labelledby="usage-card">
                <h2 id="usage-card">"Usage this month"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading usage…"</p> }>
                    {move || billing.get().map(|result| match result {
                        Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                        Ok(page) => {
                            let warning = page
                                .meters
                                .iter()
                                .filter(|m| m.level() != UsageLevel::Normal)
                                .max_by_key(|m| m.level())
                                .cloned();
                            let next = page
                                .plan
                                .tier
                                .next()
                                .and_then(|t| page.plans.iter().find(|p| p.tier == t).cloned());
                            let compare = format!("{}#plans", billing_path(Persona::EndUser, page.tenant.slug.as_str()));
                            view! {
                                {warning.map(|meter| view! { <UpgradePrompt meter next=next.clone() compare=compare.clone() /> })}
                                <p class="muted small">{format!("{} plan", page.plan.tier.label())}</p>
                                <ul class="meters" data-testid="meters">
                                    {page.meters.into_iter().map(|meter| view! { <Meter meter /> }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    })}
                </Transition>
                <p><a href=billing_href>"Plan & usage"</a></p>
            </section>
        </div>
    }
}

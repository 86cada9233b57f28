//! Builders and their customers, from both sides: a builder workspace's Customers page (ask
//! an organization to become a customer, deploy widgets for it, move each deployment
//! draft → live ⇄ paused → retired, copy its embed code) and an end-user organization's
//! Builders page (its owners accept, decline or end builders' links; everyone sees what was
//! deployed for it). Both follow changes live.

pub mod answer_builder_link;
pub mod change_implementation;
pub mod deploy_template;
pub mod deploy_widget;
pub mod end_customer_link;
pub mod get_builder_overview;
pub mod get_builders;
pub mod get_customers;
pub mod request_customer_link;

use leptos::prelude::*;
use shared::customers::{
    BuildersPage, CustomersPage, Implementation, ImplementationAction, Link, LinkAction,
    LinkStatus, Side,
};
use shared::live::Topic;
use shared::navigation::Panel;
use shared::personas::Persona;
use shared::platform::PlatformVariant;
use shared::projects::ACTIVITY_DAYS;

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::live::watch;
use crate::widgets::{EmbedCodes, slug_param};
use answer_builder_link::AnswerBuilderLink;
use change_implementation::ChangeImplementation;
use deploy_template::DeployTemplate;
use deploy_widget::DeployWidget;
use end_customer_link::EndCustomerLink;
use get_builders::get_builders;
use get_customers::get_customers;
use request_customer_link::RequestCustomerLink;

use crate::projects::place_customer::PlaceCustomer;
use crate::projects::{project_badge, project_path};

fn link_badge(status: LinkStatus) -> impl IntoView {
    view! { <span class="badge" class:ok=status == LinkStatus::Active class:warn=status == LinkStatus::Pending>{status.label()}</span> }
}

fn implementation_badge(status: shared::customers::ImplementationStatus) -> impl IntoView {
    use shared::customers::ImplementationStatus::{Live, Paused};
    view! { <span class="badge" class:ok=status == Live class:warn=status == Paused>{status.label()}</span> }
}

/// The name of the organization on the other side of `link`.
fn other_side(links: &[Link], link: shared::ids::CustomerLinkId) -> String {
    links
        .iter()
        .find(|l| l.id == link)
        .map_or_else(|| "—".to_owned(), Link::title)
}

#[derive(Clone, Copy)]
struct BuilderActions {
    request: ServerAction<RequestCustomerLink>,
    end: ServerAction<EndCustomerLink>,
    deploy: ServerAction<DeployWidget>,
    deploy_template: ServerAction<DeployTemplate>,
    change: ServerAction<ChangeImplementation>,
    place: ServerAction<PlaceCustomer>,
}

/// A builder workspace's customers.
#[component]
pub fn CustomersPageView() -> impl IntoView {
    let slug = slug_param();
    let version = watch(slug.into(), &[Topic::Customers, Topic::Widgets]);
    let actions = BuilderActions {
        request: ServerAction::new(),
        end: ServerAction::new(),
        deploy: ServerAction::new(),
        deploy_template: ServerAction::new(),
        change: ServerAction::new(),
        place: ServerAction::new(),
    };
    let page = resource(
        move || {
            (
                slug.get(),
                version.get(),
                actions.request.version().get(),
                actions.end.version().get(),
                actions.deploy.version().get(),
                actions.deploy_template.version().get(),
                actions.change.version().get(),
                actions.place.version().get(),
            )
        },
        |(slug, ..)| get_customers(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(Persona::Builder),
        slug: Some(slug.get()),
        section: Section::Customers,
    });
    view! {
        <AppShell place crumbs=vec![("Customers".to_owned(), None)]>
            <PageHeader title="Customers" subtitle="Organizations you build for, and the widgets and process templates you deployed for them." />
            {loaded(page, "Loading the customers…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <CustomersBody page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn CustomersBody(page: CustomersPage, actions: BuilderActions) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let request_error = Signal::derive(move || actions.request.value().get().and_then(Result::err));
    let end_error = Signal::derive(move || actions.end.value().get().and_then(Result::err));
    let deploy_error = Signal::derive(move || actions.deploy.value().get().and_then(Result::err));
    let deploy_template_error =
        Signal::derive(move || actions.deploy_template.value().get().and_then(Result::err));
    let change_error = Signal::derive(move || actions.change.value().get().and_then(Result::err));
    let place_error = Signal::derive(move || actions.place.value().get().and_then(Result::err));
    let active: Vec<Link> = page
        .links
        .iter()
        .filter(|l| l.status == LinkStatus::Active)
        .cloned()
        .collect();
    let published: Vec<_> = page
        .widgets
        .iter()
        .filter(|w| w.published)
        .cloned()
        .collect();
    let can_manage = page.can_manage;
    let links_view = if page.links.is_empty() {
        view! { <p class="muted">"No customers yet. Ask an organization below: its owner accepts or declines."</p> }.into_any()
    } else {
        let slug = slug.clone();
        let projects = page.projects.clone();
        view! {
            <div class="table-wrap">
                <table data-testid="customer-links">
                    <thead><tr><th scope="col">"Customer"</th><th scope="col">"Status"</th><th scope="col">"Project"</th><th scope="col">"Asked"</th><th scope="col">"Answered"</th>{can_manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}</tr></thead>
                    <tbody>
                        {page.links.clone().into_iter().map(|l| {
                            let open = LinkAction::End.applies(Side::Builder, l.status);
                            let label = if l.status == LinkStatus::Pending { "Withdraw" } else { "End link" };
                            let title = l.title();
                            let aria = format!("{label}: {title}");
                            let row_slug = slug.clone();
                            let link = l.id.to_string();
                            let end = (can_manage && open).then(move || view! {
                                <ActionForm action=actions.end attr:class="inline-form">
                                    <input type="hidden" name="slug" value=row_slug />
                                    <input type="hidden" name="link" value=link />
                                    <button type="submit" class="button small danger" aria-label=aria>{label}</button>
                                </ActionForm>
                            });
                            view! {
                                <tr data-customer=l.other_slug.to_string()>
                                    <td>{title}</td>
                                    <td>{link_badge(l.status)}</td>
                                    <td><ProjectCell link=l.clone() projects=projects.clone() slug=slug.clone() can_manage place=actions.place /></td>
                                    <td>{format_time(l.requested_at)}</td>
                                    <td>{l.decided_at.map(format_time).unwrap_or_default()}</td>
                                    {can_manage.then(|| view! { <td>{end}</td> })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="hint">"Ending a link retires every widget deployed for that customer: their sites stop showing it at once."</p>
        }.into_any()
    };
    let implementations_view = if page.implementations.is_empty() {
        view! { <p class="muted">"Nothing deployed yet."</p> }.into_any()
    } else {
        let slug = slug.clone();
        let links = page.links.clone();
        let base = page.public_url.clone();
        view! {
            <ul class="stack plain" data-testid="implementations">
                {page.implementations.into_iter().map(|i| view! {
                    <ImplementationItem i=i.clone() customer=other_side(&links, i.link) slug=slug.clone() base=base.clone() can_manage actions />
                }).collect_view()}
            </ul>
        }.into_any()
    };
    let ask_slug = slug.clone();
    let deploy_slug = slug.clone();
    let template_slug = slug;
    let templates = page.templates.clone();
    let template_customers = active.clone();
    view! {
        <section class="panel" aria-labelledby="customers-title">
            <h2 id="customers-title">"Customers"</h2>
            {links_view}
            <ActionError error=end_error />
            <ActionError error=place_error />
        </section>
        <section class="panel stack" aria-labelledby="deployed-title">
            <h2 id="deployed-title">"Deployments"</h2>
            {implementations_view}
            <ActionError error=change_error />
        </section>
        {can_manage.then(move || view! {
            <section class="panel" aria-labelledby="ask-title">
                <h2 id="ask-title">"Add a customer"</h2>
                <ActionForm action=actions.request attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=ask_slug />
                    <div class="field">
                        <label for="customer-address">"The organization's address"</label>
                        <input id="customer-address" name="customer" required=true maxlength="40" placeholder="acme" autocomplete="off" aria-describedby="customer-address-hint" />
                        <p class="hint" id="customer-address-hint">"What follows /app/ in their workspace's address. Their owner is asked to accept."</p>
                    </div>
                    <ActionError error=request_error />
                    <p class="notice ok" role="status" hidden=move || actions.request.value().get().is_none_or(|r| r.is_err())>"Request sent: it shows as waiting until their owner answers."</p>
                    <button type="submit" class="button primary" disabled=move || actions.request.pending().get()>"Send the request"</button>
                </ActionForm>
            </section>
            <section class="panel" aria-labelledby="deploy-title">
                <h2 id="deploy-title">"Deploy a widget"</h2>
                {if active.is_empty() || published.is_empty() {
                    view! { <p class="muted">{if active.is_empty() { "Widgets are deployed for customers who accepted your link." } else { "Publish a widget first: customers' sites get its live version." }}</p> }.into_any()
                } else {
                    view! {
                        <ActionForm action=actions.deploy attr:class="stack">
                            <input type="hidden" name="slug" value=deploy_slug />
                            <div class="field-grid">
                                <div class="field">
                                    <label for="deploy-link">"Customer"</label>
                                    <select id="deploy-link" name="link">
                                        {active.iter().map(|l| view! { <option value=l.id.to_string()>{l.title()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="deploy-widget">"Widget"</label>
                                    <select id="deploy-widget" name="widget">
                                        {published.iter().map(|w| view! { <option value=w.id.to_string()>{w.name.to_string()}</option> }).collect_view()}
                                    </select>
                                </div>
                            </div>
                            <ActionError error=deploy_error />
                            <button type="submit" class="button primary" disabled=move || actions.deploy.pending().get()>"Deploy as a draft"</button>
                        </ActionForm>
                    }.into_any()
                }}
            </section>
            <section class="panel" aria-labelledby="deploy-template-title">
                <h2 id="deploy-template-title">"Deploy a process template"</h2>
                {if template_customers.is_empty() || templates.is_empty() {
                    view! { <p class="muted">{if template_customers.is_empty() { "Templates are deployed for customers who accepted your link." } else { "Make a process template under Templates first (built-in ones are in every workspace already)." }}</p> }.into_any()
                } else {
                    view! {
                        <ActionForm action=actions.deploy_template attr:class="stack">
                            <input type="hidden" name="slug" value=template_slug />
                            <div class="field-grid">
                                <div class="field">
                                    <label for="deploy-template-link">"Customer"</label>
                                    <select id="deploy-template-link" name="link">
                                        {template_customers.iter().map(|l| view! { <option value=l.id.to_string()>{l.title()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="deploy-template">"Process template"</label>
                                    <select id="deploy-template" name="template">
                                        {templates.iter().map(|t| view! { <option value=t.id.to_string()>{t.name.to_string()}</option> }).collect_view()}
                                    </select>
                                </div>
                            </div>
                            <p class="hint">"Going live gives the customer's command center a read-only copy of its current version to start sessions from; pausing or retiring stops new sessions, and going live again brings your latest version."</p>
                            <ActionError error=deploy_template_error />
                            <button type="submit" class="button primary" disabled=move || actions.deploy_template.pending().get()>"Deploy the template as a draft"</button>
                        </ActionForm>
                    }.into_any()
                }}
            </section>
        })}
    }
}

/// The project a customer is in: a form to move it for those who manage customers (current
/// links only), its name otherwise.
#[component]
fn ProjectCell(
    link: Link,
    projects: Vec<shared::projects::ProjectSummary>,
    slug: String,
    can_manage: bool,
    place: ServerAction<PlaceCustomer>,
) -> impl IntoView {
    let current = projects
        .iter()
        .find(|p| Some(p.id) == link.project)
        .cloned();
    let movable = can_manage && matches!(link.status, LinkStatus::Pending | LinkStatus::Active);
    if !movable {
        return match current {
            Some(p) => {
                view! { <a href=project_path(&slug, p.id)>{p.name.to_string()}</a> }.into_any()
            }
            None => view! { <span class="muted">"—"</span> }.into_any(),
        };
    }
    let field = format!("project-of-{}", link.id);
    let label = format!("Project of {}", link.title());
    let options = projects
        .into_iter()
        .filter(|p| p.status.takes_customers() || Some(p.id) == link.project)
        .map(|p| {
            let selected = Some(p.id) == link.project;
            view! { <option value=p.id.to_string() selected=selected>{p.name.to_string()}</option> }
        })
        .collect_view();
    view! {
        <ActionForm action=place attr:class="inline-form">
            <input type="hidden" name="slug" value=slug.clone() />
            <input type="hidden" name="link" value=link.id.to_string() />
            <label class="visually-hidden" for=field.clone()>{label.clone()}</label>
            <select id=field name="project">
                <option value="" selected=link.project.is_none()>"No project"</option>
                {options}
            </select>
            <button type="submit" class="button small" aria-label=format!("Move: {}", link.title())>"Move"</button>
            {current.map(|p| view! {
                <a class="small" href=project_path(&slug, p.id)>
                    {project_badge(p.status)}<span class="visually-hidden">{format!(": open {}", p.name)}</span>
                </a>
            })}
        </ActionForm>
    }
    .into_any()
}

#[component]
fn ImplementationItem(
    i: Implementation,
    customer: String,
    slug: String,
    base: String,
    can_manage: bool,
    actions: BuilderActions,
) -> impl IntoView {
    let name = i.name.to_string();
    let buttons = ImplementationAction::ALL
        .iter()
        .copied()
        .filter(|a| a.applies_to(i.status))
        .map(|action| {
            let danger = action == ImplementationAction::Retire;
            let aria = format!("{}: {name} for {customer}", action.label());
            let slug = slug.clone();
            let id = i.id.to_string();
            view! {
                <ActionForm action=actions.change attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="implementation" value=id />
                    <input type="hidden" name="action" value=action.as_str() />
                    <button type="submit" class="button small" class:danger=danger class:primary=action == ImplementationAction::GoLive
                        aria-label=aria>{action.label()}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let serves = i.status != shared::customers::ImplementationStatus::Retired;
    let kind = i.kind_label();
    let embed = i.widget.filter(|_| serves).map(|widget| view! {
        <details>
            <summary>"Embed code for "{customer.clone()}</summary>
            <p class="muted small">"What visitors send through this code becomes the customer's contacts. It shows only while the deployment is live."</p>
            <EmbedCodes base id=widget implementation=Some(i.id) height=420 name=i.name.to_string() />
        </details>
    });
    view! {
        <li class="deployment stack" data-implementation=i.id.to_string() data-status=i.status.as_str()>
            <div class="deployment-head">
                <div>
                    <strong>{i.name.to_string()}</strong>" for "<span>{customer.clone()}</span>
                    <div class="muted small">{kind}" · updated "{format_time(i.updated_at)}</div>
                </div>
                <div class="deployment-actions">
                    {implementation_badge(i.status)}
                    {can_manage.then_some(buttons)}
                </div>
            </div>
            {embed}
        </li>
    }
}

#[derive(Clone, Copy)]
struct CustomerActions {
    answer: ServerAction<AnswerBuilderLink>,
}

/// An end-user organization's builders.
#[component]
pub fn BuildersPageView() -> impl IntoView {
    let slug = slug_param();
    // Its deployments' counters move as visitors come (widget stats) and send (submissions).
    let version = watch(
        slug.into(),
        &[Topic::Customers, Topic::WidgetStats, Topic::Submissions],
    );
    let actions = CustomerActions {
        answer: ServerAction::new(),
    };
    let page = resource(
        move || (slug.get(), version.get(), actions.answer.version().get()),
        |(slug, ..)| get_builders(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(Persona::EndUser),
        slug: Some(slug.get()),
        section: Section::Builders,
    });
    view! {
        <AppShell place crumbs=vec![("Builders".to_owned(), None)]>
            <PageHeader title="Builders" subtitle="Agencies and partners who build widgets for this organization's sites." />
            {loaded(page, "Loading the builders…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <BuildersBody page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn BuildersBody(page: BuildersPage, actions: CustomerActions) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let error = Signal::derive(move || actions.answer.value().get().and_then(Result::err));
    let can_decide = page.can_decide;
    let links_view = if page.links.is_empty() {
        view! { <p class="muted">"No builder has asked to work for this organization."</p> }
            .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table data-testid="builder-links">
                    <thead><tr><th scope="col">"Builder"</th><th scope="col">"Status"</th><th scope="col">"Asked"</th><th scope="col">"Answered"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                    <tbody>
                        {page.links.clone().into_iter().map(|l| {
                            let title = l.title();
                            let buttons = LinkAction::ALL.iter().copied()
                                .filter(|a| a.applies(Side::Customer, l.status))
                                .map(|action| {
                                    let aria = format!("{}: {title}", action.label());
                                    let slug = slug.clone();
                                    let link = l.id.to_string();
                                    view! {
                                        <ActionForm action=actions.answer attr:class="inline-form">
                                            <input type="hidden" name="slug" value=slug />
                                            <input type="hidden" name="link" value=link />
                                            <input type="hidden" name="action" value=action.as_str() />
                                            <button type="submit" class="button small" class:primary=action == LinkAction::Accept class:danger=action != LinkAction::Accept
                                                aria-label=aria>{action.label()}</button>
                                        </ActionForm>
                                    }
                                })
                                .collect_view();
                            let waiting = l.status == LinkStatus::Pending;
                            view! {
                                <tr data-builder=l.other_slug.to_string()>
                                    <td>{title}</td>
                                    <td>{link_badge(l.status)}</td>
                                    <td>{format_time(l.requested_at)}</td>
                                    <td>{l.decided_at.map(format_time).unwrap_or_default()}</td>
                                    <td>{if can_decide { buttons.into_any() } else if waiting { view! { <span class="muted small">"An owner answers."</span> }.into_any() } else { ().into_any() }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any()
    };
    let implementations_view = if page.implementations.is_empty() {
        view! { <p class="muted">"Nothing deployed for this organization yet."</p> }.into_any()
    } else {
        let links = page.links.clone();
        let activity = page.activity.clone();
        view! {
            <div class="table-wrap">
                <table data-testid="implementations">
                    <thead><tr><th scope="col">"Deployed"</th><th scope="col">"Kind"</th><th scope="col">"Builder"</th><th scope="col">"Status"</th>
                        <th scope="col" class="number">{format!("Views ({ACTIVITY_DAYS} days)")}</th><th scope="col" class="number">"Sent"</th><th scope="col">"Updated"</th></tr></thead>
                    <tbody>
                        {page.implementations.iter().map(|i| {
                            let counted = activity.iter().find(|a| a.implementation == Some(i.id)).cloned().unwrap_or_default();
                            let widget = i.widget.is_some();
                            let figure = move |n: u64| if widget { n.to_string() } else { "—".to_owned() };
                            view! {
                            <tr data-implementation=i.id.to_string()>
                                <td>{i.name.to_string()}</td>
                                <td>{i.kind_label()}</td>
                                <td>{other_side(&links, i.link)}</td>
                                <td>{implementation_badge(i.status)}</td>
                                <td class="number" data-testid="deployment-views">{figure(counted.impressions)}</td>
                                <td class="number" data-testid="deployment-sent">{figure(counted.submissions)}</td>
                                <td>{format_time(i.updated_at)}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any()
    };
    let contacts = format!("{}/{slug}/contacts", Persona::EndUser.url_prefix());
    view! {
        <section class="panel" aria-labelledby="builders-title">
            <h2 id="builders-title">"Builders"</h2>
            {links_view}
            <ActionError error />
            {can_decide.then(|| view! { <p class="hint">"Accepting lets the builder deploy its widgets on your sites: what visitors send through them becomes your contacts, and its status badges show your services' status to your visitors. Ending a link takes the builder's widgets off your sites at once."</p> })}
        </section>
        <section class="panel" aria-labelledby="deployed-title">
            <h2 id="deployed-title">"Deployed for you"</h2>
            {implementations_view}
            <p class="hint">"What visitors send through widgets is yours: see "<a href=contacts>"Contacts"</a>". A live process template is in your command center, to start sessions from."</p>
        </section>
    }
}

/// The builder's dashboard figures, on its home: customers, deployments, and what the
/// customers' invoices brought (revenue and commissions over the last twelve months, per
/// month and per customer). Follows link and deployment changes live.
#[component]
pub fn BuilderOverviewPanel(slug: String, variant: PlatformVariant) -> impl IntoView {
    let slug = Signal::stored(slug);
    let version = watch(slug, &[Topic::Customers]);
    let overview = resource(
        move || (slug.get(), version.get()),
        |(slug, _)| get_builder_overview::get_builder_overview(slug),
    );
    view! {
        {loaded(overview, "Loading the customers' figures…", move |result| match result {
            Err(error) => view! { <ErrorView error /> }.into_any(),
            Ok(o) => view! { <OverviewBody o slug=slug.get_untracked() variant /> }.into_any(),
        })}
    }
}

/// Revenue and commission per month as bars (a builder's, or one project's).
#[component]
pub(crate) fn RevenueBars(
    months: Vec<shared::customers::RevenueMonth>,
    #[prop(into)] label: String,
    testid: &'static str,
) -> impl IntoView {
    let max = months
        .iter()
        .map(|m| m.revenue.minor)
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <ul class="bars" aria-label=label data-testid=testid>
            {months.iter().map(|m| view! {
                <li>
                    <span class="bar-label">{m.period.label()}</span>
                    <meter min="0" max=max.to_string() value=m.revenue.minor.to_string()
                        aria-label=format!("{}: {} revenue, {} commission", m.period.label(), m.revenue.format(), m.commission.format())></meter>
                    <span class="bar-value">{format!("{} · {} earned", m.revenue.format(), m.commission.format())}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The builder's open projects and the revenue by project, on its home.
#[component]
fn ProjectsPanel(o: shared::customers::BuilderOverview, slug: String) -> impl IntoView {
    let all = crate::projects::projects_path(&slug);
    let portfolio = if o.projects.is_empty() {
        view! { <p class="muted">"No open projects. "<a href=all.clone()>"Start one"</a>" to group customers and see what each body of work brings."</p> }.into_any()
    } else {
        view! {
            <ul class="stack plain project-list" data-testid="portfolio">
                {o.projects.iter().take(6).map(|p| view! {
                    <li data-project=p.id.to_string()>
                        <a href=project_path(&slug, p.id)><strong>{p.name.to_string()}</strong></a>" "
                        {project_badge(p.status)}
                        <span class="muted small">{format!(" · {} customers · {} live widgets · {}", p.customers, p.live_deployments, crate::projects::amounts(&p.revenue))}</span>
                    </li>
                }).collect_view()}
            </ul>
            <p><a href=all.clone()>"All projects"</a></p>
        }.into_any()
    };
    view! {
        <section class="panel stack" aria-labelledby="projects-card">
            <h2 id="projects-card">"Projects"</h2>
            {portfolio}
            {(!o.by_project.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table data-testid="revenue-by-project">
                        <caption class="muted small">"Revenue by project: each invoice counts for the project its customer was in that day"</caption>
                        <thead><tr><th scope="col">"Project"</th><th scope="col">"Invoices"</th><th scope="col">"Revenue"</th><th scope="col">"Commission"</th></tr></thead>
                        <tbody>
                            {o.by_project.iter().map(|p| view! {
                                <tr>
                                    <td>{p.title()}</td>
                                    <td>{p.invoices}</td>
                                    <td>{p.revenue.format()}</td>
                                    <td>{p.commission.format()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[component]
fn OverviewBody(
    o: shared::customers::BuilderOverview,
    slug: String,
    variant: PlatformVariant,
) -> impl IntoView {
    let customers_href = format!("{}/{slug}/customers", Persona::Builder.url_prefix());
    let totals = o.totals();
    let money =
        |pick: fn(&(shared::billing::Money, shared::billing::Money)) -> shared::billing::Money| {
            if totals.is_empty() {
                "—".to_owned()
            } else {
                totals
                    .iter()
                    .map(|t| pick(t).format())
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        };
    let revenue = money(|t| t.0);
    let commission = money(|t| t.1);
    // Customers and what is deployed for them, and what they bring: an agency leads with
    // the first, a partner with the second.
    let delivery = view! {
        <div class="cards" data-testid="builder-delivery">
            <section class="panel card" aria-labelledby="customers-card">
                <h2 id="customers-card">"Customers"</h2>
                <p class="figure" data-testid="active-customers">{o.active_customers}</p>
                <p class="muted">{format!("{} waiting for an answer", o.waiting_customers)}</p>
                <p><a href=customers_href.clone()>"Customers and deployments"</a></p>
            </section>
            <section class="panel card" aria-labelledby="deployments-card">
                <h2 id="deployments-card">"Deployed widgets"</h2>
                <p class="figure" data-testid="live-deployments">{o.live_deployments}</p>
                <p class="muted">{format!("live · {} paused · {} drafts", o.paused_deployments, o.draft_deployments)}</p>
            </section>
        </div>
        <ProjectsPanel o=o.clone() slug=slug.clone() />
    }
    .into_any();
    let earnings = view! {
        <div class="cards" data-testid="builder-earnings">
            <section class="panel card" aria-labelledby="revenue-card">
                <h2 id="revenue-card">"Revenue from customers"</h2>
                <p class="figure" data-testid="revenue">{revenue}</p>
                <p class="muted">"Their invoices before tax, last 12 months"</p>
            </section>
            <section class="panel card" aria-labelledby="commission-card">
                <h2 id="commission-card">"Commissions earned"</h2>
                <p class="figure" data-testid="commissions">{commission}</p>
                <p class="muted">{format!("Your rate: {} of each customer invoice", o.rate.text())}</p>
            </section>
        </div>
        <section class="panel" aria-labelledby="trend-title">
            <h2 id="trend-title">"Revenue by month"</h2>
            {o.months.is_empty().then(|| view! { <p class="muted">"No customer invoices yet: they are issued when a month closes, and each one earns you your rate."</p> })}
            {(!o.months.is_empty()).then(|| view! {
                <RevenueBars months=o.months.clone() label="Revenue from customers by month" testid="revenue-months" />
            })}
            {(!o.by_customer.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table data-testid="revenue-by-customer">
                        <thead><tr><th scope="col">"Customer"</th><th scope="col">"Invoices"</th><th scope="col">"Revenue"</th><th scope="col">"Commission"</th></tr></thead>
                        <tbody>
                            {o.by_customer.iter().map(|c| view! {
                                <tr>
                                    <td>{c.name.to_string()}</td>
                                    <td>{c.invoices}</td>
                                    <td>{c.revenue.format()}</td>
                                    <td>{c.commission.format()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
    .into_any();
    let at = |panel: Panel| variant.panels().iter().position(|p| *p == panel);
    let (first, second) = if at(Panel::Earnings) < at(Panel::Delivery) {
        (earnings, delivery)
    } else {
        (delivery, earnings)
    };
    view! { <div class="stack" data-testid="builder-overview">{first}{second}</div> }
}

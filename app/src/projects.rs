//! A builder's projects: the portfolio (start a project, see each one's customers, live
//! deployments and revenue, archived ones on request) and one project's page (its status
//! and details, the customers in it, what was deployed for them and what visitors did,
//! revenue by month). Both follow changes live.

pub mod change_project;
pub mod create_project;
pub mod get_project;
pub mod get_projects;
pub mod place_customer;
pub mod update_project;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::AppError;
use shared::billing::Money;
use shared::customers::{Link, LinkStatus};
use shared::ids::ProjectId;
use shared::live::Topic;
use shared::personas::Persona;
use shared::projects::{
    ACTIVITY_DAYS, DESCRIPTION_MAX, ProjectAction, ProjectPage, ProjectStatus, ProjectSummary,
    ProjectsPage,
};

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::live::watch;
use crate::widgets::slug_param;
use change_project::ChangeProject;
use create_project::CreateProject;
use get_project::get_project;
use get_projects::get_projects;
use place_customer::PlaceCustomer;
use update_project::UpdateProject;

pub(crate) fn projects_path(slug: &str) -> String {
    format!("{}/{slug}/projects", Persona::Builder.url_prefix())
}

pub(crate) fn project_path(slug: &str, project: ProjectId) -> String {
    format!("{}/{project}", projects_path(slug))
}

pub(crate) fn project_badge(status: ProjectStatus) -> impl IntoView {
    view! {
        <span class="badge" class:ok=status == ProjectStatus::Active
            class:warn=status == ProjectStatus::OnHold data-project-status=status.as_str()>{status.label()}</span>
    }
}

/// Amounts in several currencies, "—" for none.
pub(crate) fn amounts(money: &[Money]) -> String {
    if money.is_empty() {
        "—".to_owned()
    } else {
        money
            .iter()
            .map(Money::format)
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

fn place(slug: Memo<String>) -> Signal<Place> {
    Signal::derive(move || Place {
        persona: Some(Persona::Builder),
        slug: Some(slug.get()),
        section: Section::Projects,
    })
}

/// A builder workspace's project portfolio.
#[component]
pub fn ProjectsPageView() -> impl IntoView {
    let slug = slug_param();
    let version = watch(slug.into(), &[Topic::Customers]);
    let create = ServerAction::<CreateProject>::new();
    // Not reloaded after a refused create (what was typed stays); a created one opens.
    let page = resource(
        move || (slug.get(), version.get()),
        |(slug, _)| get_projects(slug),
    );
    view! {
        <AppShell place=place(slug) crumbs=vec![("Projects".to_owned(), None)]>
            <PageHeader title="Projects" subtitle="Bodies of work for your customers: who is in each, what runs on their sites, and what it brings." />
            {loaded(page, "Loading the projects…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <ProjectsBody page create /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn ProjectsBody(page: ProjectsPage, create: ServerAction<CreateProject>) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let show_archived = RwSignal::new(false);
    let archived = page
        .projects
        .iter()
        .filter(|p| !p.status.in_portfolio())
        .count();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    // A new project opens at once.
    let navigate = leptos_router::hooks::use_navigate();
    let created_slug = slug.clone();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&project_path(&created_slug, id), Default::default());
        }
    });
    let list = if page.projects.is_empty() {
        view! { <p class="muted">"No projects yet. Start one below, then put customers in it: their invoices count towards it from then on."</p> }.into_any()
    } else {
        let slug = slug.clone();
        view! {
            <div class="table-wrap">
                <table data-testid="projects">
                    <thead><tr>
                        <th scope="col">"Project"</th><th scope="col">"Status"</th><th scope="col">"Customers"</th>
                        <th scope="col">"Live widgets"</th><th scope="col">"Revenue"</th><th scope="col">"Updated"</th>
                    </tr></thead>
                    <tbody>
                        {page.projects.into_iter().map(|p| {
                            let shown = p.status.in_portfolio();
                            view! {
                                <tr data-project=p.id.to_string() hidden=move || !shown && !show_archived.get()>
                                    <td><a href=project_path(&slug, p.id)>{p.name.to_string()}</a>
                                        {(!p.description.is_empty()).then(|| view! { <div class="muted small clamp">{p.description.clone()}</div> })}</td>
                                    <td>{project_badge(p.status)}</td>
                                    <td>{p.customers}</td>
                                    <td>{p.live_deployments}</td>
                                    <td>{amounts(&p.revenue)}</td>
                                    <td>{format_time(p.updated_at)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(archived > 0).then(|| view! {
                <label class="checkbox">
                    <input type="checkbox" prop:checked=show_archived on:change=move |ev| show_archived.set(event_target_checked(&ev)) />
                    {format!(" Show archived projects ({archived})")}
                </label>
            })}
        }.into_any()
    };
    view! {
        <section class="panel stack" aria-labelledby="portfolio-title">
            <h2 id="portfolio-title">"Portfolio"</h2>
            {list}
        </section>
        {page.can_manage.then(move || view! {
            <section class="panel" aria-labelledby="new-project-title">
                <h2 id="new-project-title">"Start a project"</h2>
                <ActionForm action=create attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=slug />
                    <div class="field">
                        <label for="project-name">"Name"</label>
                        <input id="project-name" name="name" required=true maxlength="80" placeholder="Acme website relaunch" autocomplete="off" />
                    </div>
                    <div class="field">
                        <label for="project-description">"Description"<span class="muted">" (optional)"</span></label>
                        <textarea id="project-description" name="description" rows="3" maxlength=DESCRIPTION_MAX.to_string()></textarea>
                    </div>
                    <ActionError error />
                    <button type="submit" class="button primary" disabled=move || create.pending().get()>"Start the project"</button>
                </ActionForm>
            </section>
        })}
    }
}

#[derive(Clone, Copy)]
struct ProjectActions {
    update: ServerAction<UpdateProject>,
    change: ServerAction<ChangeProject>,
    place: ServerAction<PlaceCustomer>,
}

/// One of a builder's projects.
#[component]
pub fn ProjectPageView() -> impl IntoView {
    let slug = slug_param();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("project")
            .and_then(|s| s.parse::<ProjectId>().ok())
    });
    // Not on visitors' counters: those arrive every second on a busy site, and each reload
    // would redraw the details form being edited.
    let version = watch(slug.into(), &[Topic::Customers]);
    let actions = ProjectActions {
        update: ServerAction::new(),
        change: ServerAction::new(),
        place: ServerAction::new(),
    };
    // Reloaded after saved details only: a refused edit keeps what was typed.
    let saved = Memo::new(move |before: Option<&u32>| {
        let before = before.copied().unwrap_or(0);
        if matches!(actions.update.value().get(), Some(Ok(()))) {
            before + 1
        } else {
            before
        }
    });
    let page = resource(
        move || {
            (
                slug.get(),
                id.get(),
                version.get(),
                saved.get(),
                actions.change.version().get(),
                actions.place.version().get(),
            )
        },
        |(slug, id, ..)| async move {
            match id {
                Some(id) => get_project(slug, id).await,
                None => Err(AppError::not_found("This project")),
            }
        },
    );
    let crumbs = vec![
        (
            "Projects".to_owned(),
            Some(projects_path(&slug.get_untracked())),
        ),
        ("Project".to_owned(), None),
    ];
    view! {
        <AppShell place=place(slug) crumbs>
            {loaded(page, "Loading the project…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <ProjectBody page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn ProjectBody(page: ProjectPage, actions: ProjectActions) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let project = page.project.clone();
    let can_manage = page.can_manage;
    let change_error = Signal::derive(move || actions.change.value().get().and_then(Result::err));
    let place_error = Signal::derive(move || actions.place.value().get().and_then(Result::err));
    let status_buttons = ProjectAction::ALL
        .iter()
        .copied()
        .filter(|a| a.applies_to(project.status))
        .map(|action| {
            let slug = slug.clone();
            view! {
                <ActionForm action=actions.change attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="project" value=project.id.to_string() />
                    <input type="hidden" name="action" value=action.as_str() />
                    <button type="submit" class="button small" class:danger=action == ProjectAction::Archive
                        class:primary=matches!(action, ProjectAction::Complete | ProjectAction::Resume | ProjectAction::Reopen)>{action.label()}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let total = page.activity_total.clone();
    let conversion = total
        .conversion_percent()
        .map_or_else(|| "—".to_owned(), |p| format!("{p} %"));
    let title = project.name.to_string();
    view! {
        <PageHeader title=title.clone() subtitle="A project of this workspace's: its customers, what runs on their sites, what it brings." />
        <div class="project-head" data-testid="project-head">
            {project_badge(project.status)}
            {(!project.description.is_empty()).then(|| view! { <p class="project-description">{project.description.clone()}</p> })}
            {can_manage.then(|| view! { <div class="deployment-actions">{status_buttons}</div> })}
            <ActionError error=change_error />
        </div>
        <div class="cards" data-testid="project-figures">
            <section class="panel card" aria-labelledby="p-customers">
                <h2 id="p-customers">"Customers"</h2>
                <p class="figure" data-testid="project-customers">{project.customers}</p>
                <p class="muted">{format!("{} live widgets", project.live_deployments)}</p>
            </section>
            <section class="panel card" aria-labelledby="p-revenue">
                <h2 id="p-revenue">"Revenue"</h2>
                <p class="figure" data-testid="project-revenue">{amounts(&project.revenue)}</p>
                <p class="muted">"Invoices of customers while in this project, before tax"</p>
            </section>
            <section class="panel card" aria-labelledby="p-activity">
                <h2 id="p-activity">"Visitors"</h2>
                <p class="figure" data-testid="project-impressions">{total.impressions}</p>
                <p class="muted">{format!("impressions · {} sent · {conversion} conversion, last {ACTIVITY_DAYS} days", total.submissions)}</p>
            </section>
        </div>
        <CustomersInProject page=page.clone() slug=slug.clone() actions place_error />
        <DeploymentsInProject page=page.clone() />
        <RevenueMonths page=page.clone() />
        {can_manage.then(|| view! { <EditProject project=project.clone() slug=slug.clone() actions /> })}
    }
}

#[component]
fn CustomersInProject(
    page: ProjectPage,
    slug: String,
    actions: ProjectActions,
    place_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let can_manage = page.can_manage;
    let takes = page.project.status.takes_customers();
    let list = if page.customers.is_empty() {
        view! { <p class="muted">"No customers in this project yet."</p> }.into_any()
    } else {
        let slug = slug.clone();
        view! {
            <div class="table-wrap">
                <table data-testid="project-customers-list">
                    <thead><tr><th scope="col">"Customer"</th><th scope="col">"Link"</th>{can_manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}</tr></thead>
                    <tbody>
                        {page.customers.iter().map(|l: &Link| {
                            let current = matches!(l.status, LinkStatus::Pending | LinkStatus::Active);
                            let title = l.title();
                            let slug = slug.clone();
                            let link = l.id.to_string();
                            view! {
                                <tr data-customer=l.other_slug.to_string()>
                                    <td>{title.clone()}</td>
                                    <td>{l.status.label()}</td>
                                    {can_manage.then(|| view! {
                                        <td>{current.then(|| view! {
                                            <ActionForm action=actions.place attr:class="inline-form">
                                                <input type="hidden" name="slug" value=slug />
                                                <input type="hidden" name="link" value=link />
                                                <input type="hidden" name="project" value="" />
                                                <button type="submit" class="button small" aria-label=format!("Take {title} out of the project")>"Take out"</button>
                                            </ActionForm>
                                        })}</td>
                                    })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any()
    };
    let add = (can_manage && takes).then(|| {
        if page.addable.is_empty() {
            view! { <p class="muted small">"Every active customer is already in a project (a customer is in one at a time; move it from its project or from Customers)."</p> }.into_any()
        } else {
            view! {
                <ActionForm action=actions.place attr:class="inline-form add-customer">
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="project" value=page.project.id.to_string() />
                    <label for="add-customer">"Add a customer"</label>
                    <select id="add-customer" name="link">
                        {page.addable.iter().map(|l| view! { <option value=l.id.to_string()>{l.title()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button small primary" disabled=move || actions.place.pending().get()>"Add"</button>
                </ActionForm>
            }.into_any()
        }
    });
    view! {
        <section class="panel stack" aria-labelledby="project-customers-title">
            <h2 id="project-customers-title">"Customers in this project"</h2>
            {list}
            {add}
            {(can_manage && !takes).then(|| view! { <p class="muted small">"Reopen the project to add customers."</p> })}
            <ActionError error=place_error />
        </section>
    }
}

#[component]
fn DeploymentsInProject(page: ProjectPage) -> impl IntoView {
    if page.implementations.is_empty() {
        return view! {
            <section class="panel" aria-labelledby="project-deployed-title">
                <h2 id="project-deployed-title">"Deployed widgets"</h2>
                <p class="muted">"Nothing deployed for this project's customers yet: deploy from Customers."</p>
            </section>
        }
        .into_any();
    }
    let rows = page
        .implementations
        .iter()
        .map(|i| {
            let customer = page
                .customers
                .iter()
                .find(|l| l.id == i.link)
                .map_or_else(|| "—".to_owned(), Link::title);
            let activity = page
                .activity
                .iter()
                .find(|a| a.implementation == Some(i.id))
                .cloned()
                .unwrap_or_default();
            let conversion = activity
                .conversion_percent()
                .map_or_else(|| "—".to_owned(), |p| format!("{p} %"));
            view! {
                <tr data-implementation=i.id.to_string()>
                    <td>{i.name.to_string()}</td>
                    <td>{customer}</td>
                    <td>{i.status.label()}</td>
                    <td data-testid="deployment-impressions">{activity.impressions}</td>
                    <td>{activity.submissions}</td>
                    <td>{conversion}</td>
                    <td>{activity.errors}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="project-deployed-title">
            <h2 id="project-deployed-title">"Deployed widgets"</h2>
            <div class="table-wrap">
                <table data-testid="project-deployments">
                    <caption class="muted small">{format!("Visitors over the last {ACTIVITY_DAYS} days")}</caption>
                    <thead><tr>
                        <th scope="col">"Widget"</th><th scope="col">"Customer"</th><th scope="col">"Status"</th>
                        <th scope="col">"Impressions"</th><th scope="col">"Sent"</th><th scope="col">"Conversion"</th><th scope="col">"Errors"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn RevenueMonths(page: ProjectPage) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="project-trend-title">
            <h2 id="project-trend-title">"Revenue by month"</h2>
            {page.months.is_empty().then(|| view! { <p class="muted">"No invoices attributed yet: each invoice a customer of this project is issued counts here, with what it earned you."</p> })}
            {(!page.months.is_empty()).then(|| view! {
                <crate::customers::RevenueBars months=page.months.clone() label="Revenue of this project by month" testid="project-months" />
            })}
        </section>
    }
}

#[component]
fn EditProject(project: ProjectSummary, slug: String, actions: ProjectActions) -> impl IntoView {
    let error = Signal::derive(move || actions.update.value().get().and_then(Result::err));
    let saved = move || actions.update.value().get().is_some_and(|r| r.is_ok());
    view! {
        <section class="panel" aria-labelledby="edit-project-title">
            <h2 id="edit-project-title">"Details"</h2>
            <ActionForm action=actions.update attr:class="stack" attr:novalidate="true">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="project" value=project.id.to_string() />
                <div class="field">
                    <label for="edit-project-name">"Name"</label>
                    <input id="edit-project-name" name="name" required=true maxlength="80" value=project.name.to_string() autocomplete="off" />
                </div>
                <div class="field">
                    <label for="edit-project-description">"Description"</label>
                    <textarea id="edit-project-description" name="description" rows="3" maxlength=DESCRIPTION_MAX.to_string()>{project.description.clone()}</textarea>
                </div>
                <ActionError error />
                <p class="notice ok" role="status" hidden=move || !saved()>"Saved."</p>
                <button type="submit" class="button primary" disabled=move || actions.update.pending().get()>"Save the details"</button>
            </ActionForm>
        </section>
    }
}

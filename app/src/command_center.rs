//! The command center: process sessions (list, filters, create, clone, quick actions), the
//! orchestration queue and analytics — three panels that update live.

pub mod approve_step;
pub mod cancel_job;
pub mod change_session_status;
pub mod charts;
pub mod clone_session;
pub mod create_session;
pub mod get_command_center;
pub mod get_session;
pub mod retry_job;
pub mod schema_form;
pub mod session_page;
pub mod update_session_data;

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::ids::ProcessSessionId;
use shared::live::Topic;
use shared::permissions::Permission;
use shared::personas::Persona;
use shared::process::{
    CommandCenter, JobStatus, JobView, SESSIONS_PER_PAGE, SessionAction, SessionRow, SessionSort,
    SessionStatus, TemplateSummary,
};

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::live::{LiveIndicator, watch};
use crate::workspaces::is_wrong_prefix;
use approve_step::ApproveStep;
use cancel_job::CancelJob;
use change_session_status::ChangeSessionStatus;
use charts::{StatusBars, ThroughputChart, duration};
use clone_session::CloneSession;
use create_session::CreateSession;
use get_command_center::get_command_center;
use retry_job::RetryJob;
use schema_form::SchemaFields;
pub use session_page::SessionPage;

/// The topics the command center's pages follow.
pub const TOPICS: &[Topic] = &[Topic::Sessions, Topic::Jobs];

/// Where a workspace's command center and its sessions live.
pub fn center_path(persona: Persona, slug: &str) -> String {
    format!("{}/{slug}/command-center", persona.url_prefix())
}

pub fn session_path(persona: Persona, slug: &str, id: ProcessSessionId) -> String {
    format!("{}/sessions/{id}", center_path(persona, slug))
}

#[derive(Clone, Copy)]
struct Actions {
    change: ServerAction<ChangeSessionStatus>,
    create: ServerAction<CreateSession>,
    clone: ServerAction<CloneSession>,
    approve: ServerAction<ApproveStep>,
    retry: ServerAction<RetryJob>,
    cancel: ServerAction<CancelJob>,
    /// Statuses shown before the server confirms a quick action (rolled back if it refuses).
    optimistic: RwSignal<HashMap<ProcessSessionId, SessionStatus>>,
}

/// The command center under either workspace prefix (see `by_area`).
#[component]
pub fn CommandCenterPage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <CommandCenterFor persona /> }.into_any())
}

#[component]
fn CommandCenterFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let version = watch(slug.into(), TOPICS);
    let actions = Actions {
        change: ServerAction::new(),
        create: ServerAction::new(),
        clone: ServerAction::new(),
        approve: ServerAction::new(),
        retry: ServerAction::new(),
        cancel: ServerAction::new(),
        optimistic: RwSignal::new(HashMap::new()),
    };
    let center = resource(
        move || {
            let q = query.read();
            (
                slug.get(),
                q.get("status").filter(|s| !s.is_empty()),
                q.get("template").filter(|s| !s.is_empty()),
                q.get("owner").filter(|s| !s.is_empty()),
                q.get("q"),
                q.get("sort").filter(|s| !s.is_empty()),
                q.get("page"),
                version.get(),
                (
                    actions.change.version().get(),
                    actions.approve.version().get(),
                ),
                (
                    actions.retry.version().get(),
                    actions.cancel.version().get(),
                ),
            )
        },
        |(slug, status, template, owner, text, sort, page, ..)| {
            get_command_center(
                slug,
                status.and_then(|s| s.parse().ok()),
                template.and_then(|s| s.parse().ok()),
                owner.and_then(|s| s.parse().ok()),
                text,
                sort.and_then(|s| s.parse().ok()),
                page.and_then(|p| p.parse().ok()),
            )
        },
    );
    // A refused quick action is undone at once (its message shows above the list); an
    // accepted one stays shown until the fresh list, which then agrees, arrives.
    Effect::new(move || {
        if actions.change.value().with(|v| matches!(v, Some(Err(_)))) {
            actions.optimistic.set(HashMap::new());
        }
    });
    Effect::new(move || {
        if center.with(|c| c.is_some()) {
            actions.optimistic.set(HashMap::new());
        }
    });
    let navigate = use_navigate();
    Effect::new(move || {
        let created = actions.create.value().get().and_then(Result::ok);
        let cloned = actions.clone.value().get().and_then(Result::ok);
        if let Some(id) = created.or(cloned) {
            navigate(
                &session_path(persona, &slug.get_untracked(), id),
                Default::default(),
            );
        }
    });
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::CommandCenter,
    });
    view! {
        <AppShell place crumbs=vec![("Command center".to_owned(), None)]>
            <PageHeader title="Command center" subtitle="Process sessions, the work running for them, and how they are doing.">
                <LiveIndicator />
            </PageHeader>
            {loaded(center, "Loading the command center…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(center) if is_wrong_prefix(&center.tenant, &slug.get(), persona) => {
                    view! { <Redirect path=center_path(center.tenant.variant.persona(), center.tenant.slug.as_str()) /> }.into_any()
                }
                Ok(center) => view! { <Panels center persona actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Panels(center: CommandCenter, persona: Persona, actions: Actions) -> impl IntoView {
    view! {
        <div class="command-center" data-testid="command-center">
            <SessionsPanel center=center.clone() persona actions />
            <OrchestrationPanel center=center.clone() persona actions />
            <AnalyticsPanel center />
        </div>
    }
}

fn status_badge(status: SessionStatus) -> impl IntoView {
    view! { <span class=format!("badge status status-{}", status.as_str()) data-status=status.as_str()>{status.label()}</span> }
}

#[component]
fn SessionsPanel(center: CommandCenter, persona: Persona, actions: Actions) -> impl IntoView {
    let slug = center.tenant.slug.to_string();
    let can_run = center.my_role.can(Permission::SessionsRun);
    let can_make_examples = center.my_role.can(Permission::TemplatesManage);
    let (creating, set_creating) = signal(false);
    let filter = center.filter.clone();
    let pages = (center.total.max(1) as u32).div_ceil(SESSIONS_PER_PAGE);
    let page = filter.page;
    let query_for = {
        let filter = filter.clone();
        move |page: u32| {
            let mut parts = vec![format!("page={page}")];
            if let Some(s) = filter.status {
                parts.push(format!("status={s}"));
            }
            if let Some(t) = filter.template {
                parts.push(format!("template={t}"));
            }
            if let Some(o) = filter.owner {
                parts.push(format!("owner={o}"));
            }
            if !filter.text.is_empty() {
                parts.push(format!(
                    "q={}",
                    filter.text.replace(['&', '=', '#', '?'], " ")
                ));
            }
            if let Some(s) = filter.sort {
                parts.push(format!("sort={s}"));
            }
            format!("?{}", parts.join("&"))
        }
    };
    let prev = (page > 0).then(|| query_for(page - 1));
    let next = (page + 1 < pages).then(|| query_for(page + 1));
    let change_error = Signal::derive(move || actions.change.value().get().and_then(Result::err));
    let examples = center.examples.clone();
    // New sessions start from the templates that may be started now (a builder's deployed
    // template only while its deployment is live).
    let dialog_templates: Vec<TemplateSummary> = center
        .templates
        .iter()
        .filter(|t| t.startable())
        .cloned()
        .collect();
    let template_options: Vec<(String, String, bool)> = center
        .templates
        .iter()
        .map(|t| {
            (
                t.id.to_string(),
                t.name.to_string(),
                filter.template == Some(t.id),
            )
        })
        .collect();
    let owner_options: Vec<(String, String, bool)> = center
        .owners
        .iter()
        .map(|(id, name)| (id.to_string(), name.to_string(), filter.owner == Some(*id)))
        .collect();
    let status_filter = filter.status;
    let sort_filter = filter.sort.unwrap_or(SessionSort::Updated);
    let text_filter = filter.text.clone();
    view! {
        <section class="panel cc-panel cc-sessions" aria-labelledby="sessions-title">
            <div class="panel-head">
                <h2 id="sessions-title">{format!("Sessions ({})", center.total)}</h2>
                {can_run.then(|| view! {
                    <button type="button" class="button primary small" on:click=move |_| set_creating.set(true)>"New session"</button>
                })}
            </div>
            <Form method="GET" action="" attr:class="filters" attr:aria-label="Filter sessions">
                <label class="visually-hidden" for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="">"Any status"</option>
                    {SessionStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=status_filter == Some(*s)>{s.label()}</option> }).collect_view()}
                </select>
                <label class="visually-hidden" for="filter-template">"Template"</label>
                <select id="filter-template" name="template">
                    <option value="">"Any template"</option>
                    {template_options.clone().into_iter().map(|(value, label, selected)| view! { <option value=value selected=selected>{label}</option> }).collect_view()}
                </select>
                <label class="visually-hidden" for="filter-owner">"Owner"</label>
                <select id="filter-owner" name="owner">
                    <option value="">"Any owner"</option>
                    {owner_options.clone().into_iter().map(|(value, label, selected)| view! { <option value=value selected=selected>{label}</option> }).collect_view()}
                </select>
                <label class="visually-hidden" for="filter-text">"Search titles"</label>
                <input id="filter-text" name="q" type="search" placeholder="Search titles" value=text_filter.clone() />
                <label class="visually-hidden" for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort">
                    {SessionSort::ALL.iter().map(|s| {
                        let label = match s {
                            SessionSort::Updated => "Recently updated",
                            SessionSort::Created => "Newest",
                            SessionSort::Title => "Title",
                            SessionSort::Status => "Status",
                        };
                        view! { <option value=s.as_str() selected=sort_filter == *s>{label}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button small">"Apply"</button>
            </Form>
            <ActionError error=change_error />
            {if center.sessions.is_empty() {
                view! { <p class="muted empty">"No sessions match. Start one from a template."</p> }.into_any()
            } else {
                view! {
                    <ul class="session-list" data-testid="session-list">
                        {center.sessions.iter().cloned().map(|row| view! { <SessionItem row slug=slug.clone() persona can_run actions /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <nav class="pager" aria-label="Pages of sessions">
                {prev.map(|href| view! { <a href=href>"← Previous"</a> })}
                <span class="muted">{format!("Page {} of {}", page + 1, pages)}</span>
                {next.map(|href| view! { <a href=href>"Next →"</a> })}
            </nav>
            <TrainingExamples examples slug=slug.clone() persona can_run action=actions.clone />
        </section>
        <Show when=move || creating.get()>
            <NewSessionDialog templates=dialog_templates.clone() slug=slug.clone() can_make_examples action=actions.create on_close=move || set_creating.set(false) />
        </Show>
    }
}

#[component]
fn SessionItem(
    row: SessionRow,
    slug: String,
    persona: Persona,
    can_run: bool,
    actions: Actions,
) -> impl IntoView {
    let id = row.id;
    let shown = move || {
        actions
            .optimistic
            .with(|o| o.get(&id).copied())
            .unwrap_or(row.status)
    };
    let href = session_path(persona, &slug, id);
    let quick = [
        SessionAction::Start,
        SessionAction::Pause,
        SessionAction::Resume,
    ];
    let phase = format!(
        "Phase {} of {} · {}",
        row.phase_index + 1,
        row.phase_count,
        row.phase_name
    );
    view! {
        <li class="session-item" data-session=id.to_string() data-title=row.title.to_string()>
            <div class="session-main">
                <a href=href class="session-title">{row.title.to_string()}</a>
                {move || status_badge(shown())}
            </div>
            <p class="muted small">{row.template_name.to_string()}" · "{phase}" · "{row.owner_name.to_string()}" · updated "{format_time(row.updated_at)}</p>
            {can_run.then(|| {
                let slug = slug.clone();
                view! {
                    <div class="quick-actions">
                        {move || {
                            let current = shown();
                            quick
                                .iter()
                                .copied()
                                .filter(|a| current.after(*a).is_some())
                                .map(|action| {
                                    let slug = slug.clone();
                                    view! {
                                        <button type="button" class="button small" data-action=action.as_str()
                                            on:click=move |_| {
                                                if let Some(next) = current.after(action) {
                                                    actions.optimistic.update(|o| { o.insert(id, next); });
                                                }
                                                actions.change.dispatch(ChangeSessionStatus { slug: slug.clone(), id, action });
                                            }>
                                            {action.label()}
                                        </button>
                                    }
                                })
                                .collect_view()
                        }}
                    </div>
                }
            })}
        </li>
    }
}

#[component]
fn TrainingExamples(
    examples: Vec<SessionRow>,
    slug: String,
    persona: Persona,
    can_run: bool,
    action: ServerAction<CloneSession>,
) -> impl IntoView {
    if examples.is_empty() {
        return ().into_any();
    }
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <div class="examples" data-testid="examples">
            <h3>"Training examples"</h3>
            <p class="muted small">"Read-only sessions to learn from; clone one to start from it."</p>
            <ActionError error />
            <ul>
                {examples.into_iter().map(|row| {
                    let href = session_path(persona, &slug, row.id);
                    let slug = slug.clone();
                    view! {
                        <li>
                            // One flowing span, so a wrapped line never starts at the dot.
                            <span>
                                <a href=href>{row.title.to_string()}</a>
                                <span class="muted small">" · "<span class="keep-together">{row.template_name.to_string()}</span></span>
                            </span>
                            {can_run.then(|| view! {
                                <ActionForm action attr:class="inline-form">
                                    <input type="hidden" name="slug" value=slug />
                                    <input type="hidden" name="id" value=row.id.to_string() />
                                    <input type="hidden" name="with_data" value="on" />
                                    <button type="submit" class="button small">"Clone"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// "New session": pick a template, name the session and fill in its first phase.
#[component]
fn NewSessionDialog(
    templates: Vec<TemplateSummary>,
    slug: String,
    can_make_examples: bool,
    action: ServerAction<CreateSession>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let first = templates.first().map(|t| t.id);
    let (chosen, set_chosen) = signal(first);
    let slug_key = slug.clone();
    let template = resource(
        move || (slug_key.clone(), chosen.get()),
        |(slug, id)| async move {
            match id {
                Some(id) => crate::templates::get_template::get_template(slug, id)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
    );
    let slug_value = slug.clone();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <div class="modal-backdrop" on:click=move |_| on_close()>
            <div class="modal panel" role="dialog" aria-modal="true" aria-labelledby="new-session-title" on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if ev.key() == "Escape" { on_close() }>
                <div class="panel-head">
                    <h2 id="new-session-title">"New session"</h2>
                    <button type="button" class="button small" on:click=move |_| on_close()>"Close"</button>
                </div>
                <ActionForm action attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=slug_value />
                    <div class="field">
                        <label for="new-session-template">"Template"</label>
                        <select id="new-session-template" name="template" on:change=move |ev| set_chosen.set(event_target_value(&ev).parse().ok())>
                            {templates.iter().map(|t| view! { <option value=t.id.to_string()>{t.name.to_string()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="new-session-title-input">"Title"</label>
                        <input id="new-session-title-input" name="title" required=true autofocus=true maxlength="120" />
                    </div>
                    {loaded(template, "Loading the form…", move |result| match result {
                        Ok(Some(detail)) => {
                            let phase = detail.definition.phases.first().cloned();
                            phase.map(|p| view! {
                                <fieldset>
                                    <legend>{format!("{} · {}", p.key, p.name)}</legend>
                                    <SchemaFields schema=p.schema scope="new-session" server_error=error />
                                </fieldset>
                            }).into_any()
                        }
                        Ok(None) => view! { <p class="muted">"There is no template yet."</p> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    })}
                    {can_make_examples.then(|| view! {
                        <div class="field checkbox">
                            <input id="new-session-example" type="checkbox" name="example" />
                            <label for="new-session-example">"A training example (read-only, for others to clone)"</label>
                        </div>
                    })}
                    <ActionError error />
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>"Create the session"</button>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
fn OrchestrationPanel(center: CommandCenter, persona: Persona, actions: Actions) -> impl IntoView {
    let slug = center.tenant.slug.to_string();
    let can_run = center.my_role.can(Permission::SessionsRun);
    let can_manage = center.my_role.can(Permission::JobsManage);
    let mut phases: Vec<(String, [usize; 4])> = Vec::new();
    for job in &center.jobs {
        let column = match job.status {
            JobStatus::Running | JobStatus::Waiting => 0,
            JobStatus::Queued if job.is_retrying() => 2,
            JobStatus::Queued => 1,
            _ => 3,
        };
        match phases.iter_mut().find(|(k, _)| *k == job.phase_key) {
            Some((_, counts)) => counts[column] += 1,
            None => {
                let mut counts = [0; 4];
                counts[column] = 1;
                phases.push((job.phase_key.clone(), counts));
            }
        }
    }
    let error = Signal::derive(move || {
        actions
            .retry
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.cancel.value().get().and_then(Result::err))
            .or_else(|| actions.approve.value().get().and_then(Result::err))
    });
    view! {
        <section class="panel cc-panel cc-orchestration" aria-labelledby="orchestration-title" data-testid="orchestration">
            <div class="panel-head"><h2 id="orchestration-title">"Orchestration"</h2></div>
            {if center.jobs.is_empty() {
                view! { <p class="muted empty">"Nothing is running or waiting. Starting a session queues its first phase."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Jobs per phase">
                        <table class="compact phase-counts">
                            <caption class="visually-hidden">"Jobs per phase"</caption>
                            <thead><tr><th scope="col">"Phase"</th><th scope="col" class="number">"Running"</th><th scope="col" class="number">"Queued"</th><th scope="col" class="number">"Retrying"</th><th scope="col" class="number">"Failed"</th></tr></thead>
                            <tbody>
                                {phases.into_iter().map(|(key, c)| view! {
                                    <tr><th scope="row">{key}</th><td class="number">{c[0]}</td><td class="number">{c[1]}</td><td class="number">{c[2]}</td><td class="number">{c[3]}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <ActionError error />
                    <ul class="job-list" data-testid="job-list">
                        {center.jobs.iter().cloned().map(|job| view! { <JobItem job slug=slug.clone() persona can_run can_manage actions /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn JobItem(
    job: JobView,
    slug: String,
    persona: Persona,
    can_run: bool,
    can_manage: bool,
    actions: Actions,
) -> impl IntoView {
    let (label, class) = match job.status {
        JobStatus::Queued if job.is_retrying() => ("Retrying", "warn"),
        JobStatus::Failed => ("Dead letter", "danger"),
        JobStatus::Running => ("Running", "ok"),
        status => (status.label(), ""),
    };
    let href = session_path(persona, &slug, job.session_id);
    let id = job.id;
    let approve = (can_run && job.status == JobStatus::Waiting && job.kind == "approval").then(|| {
        let slug = slug.clone();
        view! { <button type="button" class="button small primary" on:click=move |_| { actions.approve.dispatch(ApproveStep { slug: slug.clone(), job: id }); }>"Approve"</button> }
    });
    let retry = (can_manage && job.status == JobStatus::Failed).then(|| {
        let slug = slug.clone();
        view! { <button type="button" class="button small" on:click=move |_| { actions.retry.dispatch(RetryJob { slug: slug.clone(), job: id }); }>"Retry"</button> }
    });
    let cancel = (can_manage && matches!(job.status, JobStatus::Queued | JobStatus::Waiting | JobStatus::Failed)).then(|| {
        let slug = slug.clone();
        view! { <button type="button" class="button small danger" on:click=move |_| { actions.cancel.dispatch(CancelJob { slug: slug.clone(), job: id }); }>"Cancel"</button> }
    });
    let when = if job.is_retrying() {
        Some(format!("next try {}", format_time(job.run_after)))
    } else {
        None
    };
    view! {
        <li class="job-item" data-job=id.to_string() data-status=job.status.as_str()>
            <div class="session-main">
                <strong>{job.step_name.clone()}</strong>
                <span class=format!("badge {class}")>{label}</span>
            </div>
            <p class="muted small">
                <a href=href>{job.session_title.to_string()}</a>
                {format!(" · {} · {} · attempt {} of {}", job.phase_key, job.kind, job.attempts, job.max_attempts)}
                {when.map(|w| format!(" · {w}"))}
            </p>
            {job.last_error.clone().map(|e| view! { <p class="job-error">{e}</p> })}
            <div class="quick-actions">{approve}{retry}{cancel}</div>
        </li>
    }
}

#[component]
fn AnalyticsPanel(center: CommandCenter) -> impl IntoView {
    let a = center.analytics;
    let rate = a
        .completion_rate
        .map_or("—".to_owned(), |r| format!("{:.0} %", r * 100.0));
    let median = a.median_phase_seconds.map_or("—".to_owned(), duration);
    view! {
        <section class="panel cc-panel cc-analytics" aria-labelledby="analytics-title" data-testid="analytics">
            <div class="panel-head"><h2 id="analytics-title">"Analytics"</h2></div>
            <dl class="facts">
                <dt>"Completion rate"</dt>
                <dd data-testid="completion-rate">{rate}</dd>
                <dt>"Median phase"</dt>
                <dd>{median}</dd>
            </dl>
            <h3>"Sessions by status"</h3>
            <StatusBars counts=a.by_status />
            <h3>"Throughput"</h3>
            <ThroughputChart days=a.throughput />
        </section>
    }
}

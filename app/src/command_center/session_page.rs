//! One session: its state and the actions it allows, each phase's data, the steps that ran
//! for it, and its audit trail — live like the command center.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::Value;
use shared::ids::ProcessSessionId;
use shared::permissions::Permission;
use shared::personas::Persona;
use shared::process::{JobStatus, SessionDetail};

use super::approve_step::ApproveStep;
use super::change_session_status::ChangeSessionStatus;
use super::clone_session::CloneSession;
use super::get_session::get_session;
use super::schema_form::SchemaFields;
use super::update_session_data::UpdateSessionData;
use super::{TOPICS, center_path, session_path, status_badge};
use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::live::{LiveIndicator, watch};
use crate::workspaces::is_wrong_prefix;

#[derive(Clone, Copy)]
struct Actions {
    change: ServerAction<ChangeSessionStatus>,
    save: ServerAction<UpdateSessionData>,
    approve: ServerAction<ApproveStep>,
    clone: ServerAction<CloneSession>,
}

/// One session, under either workspace prefix.
#[component]
pub fn SessionPage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <SessionFor persona /> }.into_any())
}

#[component]
fn SessionFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let id = Memo::new(move |_| {
        params
            .read()
            .get("session")
            .and_then(|s| s.parse::<ProcessSessionId>().ok())
    });
    let version = watch(slug.into(), TOPICS);
    let actions = Actions {
        change: ServerAction::new(),
        save: ServerAction::new(),
        approve: ServerAction::new(),
        clone: ServerAction::new(),
    };
    let detail = resource(
        move || {
            (
                slug.get(),
                id.get(),
                version.get(),
                actions.change.version().get(),
                actions.save.version().get(),
                actions.approve.version().get(),
            )
        },
        |(slug, id, ..)| async move {
            match id {
                Some(id) => get_session(slug, id).await,
                None => Err(shared::AppError::not_found("The session")),
            }
        },
    );
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(new_id)) = actions.clone.value().get() {
            navigate(
                &session_path(persona, &slug.get_untracked(), new_id),
                Default::default(),
            );
        }
    });
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::CommandCenter,
    });
    let crumbs = vec![
        (
            "Command center".to_owned(),
            Some(center_path(persona, &slug.get_untracked())),
        ),
        ("Session".to_owned(), None),
    ];
    view! {
        <AppShell place crumbs>
            {loaded(detail, "Loading the session…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(d) if is_wrong_prefix(&d.tenant, &slug.get(), persona) => {
                    let path = session_path(d.tenant.variant.persona(), d.tenant.slug.as_str(), d.session.id);
                    view! { <Redirect path /> }.into_any()
                }
                Ok(d) => view! { <SessionBody d actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn SessionBody(d: SessionDetail, actions: Actions) -> impl IntoView {
    let slug = d.tenant.slug.to_string();
    let id = d.session.id;
    let status = d.session.status;
    let can_run = d.my_role.can(Permission::SessionsRun) && !d.session.is_example;
    let can_clone = d.my_role.can(Permission::SessionsRun);
    let editable = can_run && !status.is_closed();
    let change_error = Signal::derive(move || actions.change.value().get().and_then(Result::err));
    let save_error = Signal::derive(move || actions.save.value().get().and_then(Result::err));
    let approve_error = Signal::derive(move || actions.approve.value().get().and_then(Result::err));
    let clone_error = Signal::derive(move || actions.clone.value().get().and_then(Result::err));
    let subtitle = format!(
        "{} (version {}) · owned by {} · updated {}",
        d.session.template_name,
        d.session.template_version,
        d.session.owner_name,
        format_time(d.session.updated_at)
    );
    let current = d.session.phase_index as usize;
    let phases = d.definition.phases.clone();
    let data = d.data.clone();
    // While a status change is on its way, the badge shows where the state machine takes the
    // session; a refusal clears the pending input, and the server's status shows again.
    let shown = move || {
        actions
            .change
            .input()
            .with(|pending| {
                pending
                    .as_ref()
                    .filter(|p| p.id == id)
                    .and_then(|p| status.after(p.action))
            })
            .unwrap_or(status)
    };
    view! {
        <PageHeader title=d.session.title.to_string() subtitle>
            <LiveIndicator />
        </PageHeader>
        <section class="panel" aria-labelledby="state-title" data-testid="session-state">
            <div class="panel-head">
                <h2 id="state-title">"State"</h2>
                {move || status_badge(shown())}
            </div>
            {d.session.is_example.then(|| view! { <p class="notice">"A training example: read-only. Clone it to work on a copy."</p> })}
            <ActionError error=change_error />
            {can_run.then(|| view! {
                <div class="quick-actions">
                    {status.actions().into_iter().map(|action| {
                        let slug = slug.clone();
                        view! {
                            <ActionForm action=actions.change attr:class="inline-form">
                                <input type="hidden" name="slug" value=slug />
                                <input type="hidden" name="id" value=id.to_string() />
                                <input type="hidden" name="action" value=action.as_str() />
                                <button type="submit" class="button small" data-action=action.as_str()>{action.label()}</button>
                            </ActionForm>
                        }
                    }).collect_view()}
                </div>
            })}
        </section>
        <section class="panel" aria-labelledby="phases-title">
            <h2 id="phases-title">"Phases"</h2>
            <ActionError error=save_error />
            <ol class="phases">
                {phases.into_iter().enumerate().map(|(i, phase)| {
                    let state = if status == shared::process::SessionStatus::Completed || i < current {
                        "done"
                    } else if i == current {
                        "current"
                    } else {
                        "upcoming"
                    };
                    let values = data.get(&phase.key).and_then(Value::as_object).cloned().unwrap_or_default();
                    let has_fields = !phase.schema.fields().is_empty();
                    let slug = slug.clone();
                    let heading = format!("{} · {}", phase.key, phase.name);
                    let key = phase.key.clone();
                    view! {
                        <li class=format!("phase {state}") data-phase=key>
                            <h3>{heading}<span class="muted small">{format!(" — {state}")}</span></h3>
                            {has_fields.then(|| view! {
                                <ActionForm action=actions.save attr:class="stack" attr:novalidate="true">
                                    <input type="hidden" name="slug" value=slug />
                                    <input type="hidden" name="id" value=id.to_string() />
                                    <input type="hidden" name="phase" value=phase.key.clone() />
                                    <SchemaFields schema=phase.schema.clone() values scope=format!("phase-{}", phase.key) disabled=!editable server_error=save_error />
                                    {editable.then(|| view! { <button type="submit" class="button small primary">{format!("Save {}", phase.key)}</button> })}
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
        <section class="panel" aria-labelledby="steps-title">
            <h2 id="steps-title">"Steps"</h2>
            <ActionError error=approve_error />
            {if d.jobs.is_empty() {
                view! { <p class="muted">"No steps have run yet: start the session to queue its first phase."</p> }.into_any()
            } else {
                view! {
                    <ul class="job-list" data-testid="session-jobs">
                        {d.jobs.iter().map(|job| {
                            let approve = (can_run && job.status == JobStatus::Waiting && job.kind == "approval").then(|| {
                                let slug = slug.clone();
                                let job_id = job.id;
                                view! { <button type="button" class="button small primary" on:click=move |_| { actions.approve.dispatch(ApproveStep { slug: slug.clone(), job: job_id }); }>"Approve"</button> }
                            });
                            view! {
                                <li class="job-item" data-job=job.id.to_string() data-status=job.status.as_str()>
                                    <div class="session-main">
                                        <strong>{format!("{} · {}", job.phase_key, job.step_name)}</strong>
                                        <span class="badge">{job.status.label()}</span>
                                    </div>
                                    <p class="muted small">{format!("{} · attempt {} of {}", job.kind, job.attempts, job.max_attempts)}</p>
                                    {job.last_error.clone().map(|e| view! { <p class="job-error">{e}</p> })}
                                    {approve}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {can_clone.then(|| view! {
            <section class="panel" aria-labelledby="clone-title">
                <h2 id="clone-title">"Clone"</h2>
                <ActionForm action=actions.clone attr:class="stack narrow-form">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="id" value=id.to_string() />
                    <div class="field">
                        <label for="clone-title-input">"Title of the copy"</label>
                        <input id="clone-title-input" name="title" placeholder=format!("Copy of {}", d.session.title) maxlength="120" />
                    </div>
                    <div class="field checkbox">
                        <input id="clone-with-data" type="checkbox" name="with_data" checked=true />
                        <label for="clone-with-data">"Copy the data too"</label>
                    </div>
                    <ActionError error=clone_error />
                    <button type="submit" class="button">"Clone the session"</button>
                </ActionForm>
            </section>
        })}
        <section class="panel" aria-labelledby="trail-title">
            <h2 id="trail-title">"Audit trail"</h2>
            <ol class="trail" data-testid="trail">
                {d.trail.into_iter().map(|entry| view! {
                    <li data-action=entry.action.clone()>
                        <p>
                            <strong>{entry.actor.map_or_else(|| "The orchestrator".to_owned(), |a| a.to_string())}</strong>
                            {format!(" · {} · {}", entry.action.replace('_', " "), format_time(entry.at))}
                        </p>
                        {(!entry.changes.is_empty()).then(|| view! {
                            <ul class="changes">
                                {entry.changes.iter().map(|c| view! { <li><code>{c.describe()}</code></li> }).collect_view()}
                            </ul>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

//! Process sessions: created from a template, their data edited phase by phase, moved
//! through the state machine in `shared`, cloned, archived — every change in the session's
//! audit trail and announced on the live bus once committed.

use chrono::{Duration, Utc};
use serde_json::{Map, Value};
use shared::AppError;
use shared::customers::ImplementationStatus;
use shared::ids::{ProcessSessionId, TemplateId};
use shared::live::Change;
use shared::names::SessionTitle;
use shared::permissions::Permission;
use shared::process::schema::Completeness;
use shared::process::{
    CommandCenter, SESSIONS_PER_PAGE, SessionAction, SessionAnalytics, SessionDetail,
    SessionFilter, SessionStatus, TemplateSummary, ThroughputDay, diff, transition,
};
use tracing::instrument;

use super::orchestrator;
use crate::authz::{self, Caller, TenantAccess};
use crate::error::Result;
use crate::state::Services;
use crate::storage::TenantData;
use crate::storage::process::{AnalyticsRows, Milestones, NewSession, SessionState, SessionUpdate};

/// How many jobs the orchestration panel lists.
const PANEL_JOBS: i64 = 100;

#[instrument(skip_all, fields(slug))]
pub async fn command_center(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    filter: SessionFilter,
) -> Result<CommandCenter> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsView)?;
    let today = crate::time::now().date_naive();
    let rows = svc
        .store()
        .tenant(&access)
        .command_center_rows(
            &filter,
            SESSIONS_PER_PAGE,
            PANEL_JOBS,
            MEDIAN_OF_PHASES,
            first_day(today),
        )
        .await?;
    Ok(CommandCenter {
        tenant: access.tenant().clone(),
        my_role: access.role(),
        sessions: rows.sessions,
        total: rows.total,
        examples: rows.examples,
        templates: rows.templates,
        owners: rows.owners,
        jobs: rows.jobs,
        analytics: analytics(rows.analytics, today),
        filter,
    })
}

/// How many of the latest finished phases the median phase duration is taken over.
const MEDIAN_OF_PHASES: i64 = 500;
/// Days the throughput chart shows, today the last.
const THROUGHPUT_DAYS: i64 = 14;

/// The throughput chart's first day, from its midnight (UTC).
fn first_day(today: chrono::NaiveDate) -> chrono::DateTime<Utc> {
    (today - Duration::days(THROUGHPUT_DAYS - 1))
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(crate::time::now)
}

fn analytics(rows: AnalyticsRows, today: chrono::NaiveDate) -> SessionAnalytics {
    let AnalyticsRows {
        by_status,
        phase_spans,
        milestones,
    } = rows;
    let count = |s: SessionStatus| {
        by_status
            .iter()
            .find(|(x, _)| *x == s)
            .map_or(0, |(_, n)| *n)
    };
    let finished = count(SessionStatus::Completed) + count(SessionStatus::Failed);
    let completion_rate =
        (finished > 0).then(|| count(SessionStatus::Completed) as f64 / finished as f64);
    let mut spans: Vec<i64> = phase_spans
        .into_iter()
        .map(|(start, end)| (end - start).num_seconds().max(0))
        .collect();
    spans.sort_unstable();
    let median_phase_seconds = (!spans.is_empty()).then(|| spans[spans.len() / 2]);
    let first = today - Duration::days(THROUGHPUT_DAYS - 1);
    let mut throughput: Vec<ThroughputDay> = (0..THROUGHPUT_DAYS)
        .map(|i| ThroughputDay {
            day: (first + Duration::days(i)).to_string(),
            started: 0,
            completed: 0,
        })
        .collect();
    let days = throughput.len();
    let slot = |at: chrono::DateTime<Utc>| {
        usize::try_from((at.date_naive() - first).num_days())
            .ok()
            .filter(|i| *i < days)
    };
    for Milestones {
        started_at,
        finished_at,
        status,
    } in milestones
    {
        if let Some(i) = started_at.and_then(slot) {
            throughput[i].started += 1;
        }
        if status == SessionStatus::Completed
            && let Some(i) = finished_at.and_then(slot)
        {
            throughput[i].completed += 1;
        }
    }
    SessionAnalytics {
        by_status,
        completion_rate,
        median_phase_seconds,
        throughput,
    }
}

#[instrument(skip_all, fields(slug, session = %id))]
pub async fn detail(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    id: ProcessSessionId,
) -> Result<SessionDetail> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsView)?;
    let data = svc.store().tenant(&access);
    let session = data.session_row(id).await?.ok_or_else(not_found)?;
    let state = data.session_state(id).await?.ok_or_else(not_found)?;
    Ok(SessionDetail {
        tenant: access.tenant().clone(),
        my_role: access.role(),
        session,
        data: super::stored_data(&state.data),
        definition: super::stored_definition(&state.definition)?,
        jobs: data.session_jobs(id).await?,
        trail: data.trail(id).await?,
    })
}

fn not_found() -> AppError {
    AppError::not_found("The session")
}

/// Creates a draft session from a template's current version, with the first phase's
/// data from the creation form. Training examples need the template manager's permission.
#[allow(clippy::too_many_arguments)]
#[instrument(skip_all, fields(slug, template = %template))]
pub async fn create(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    template: TemplateId,
    title: &str,
    inputs: &[(String, String)],
    example: bool,
) -> Result<ProcessSessionId> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsRun)?;
    if example {
        authz::require(&access, Permission::TemplatesManage)?;
    }
    let title = SessionTitle::parse(title)?;
    let data = svc.store().tenant(&access);
    let (summary, definition_text) = data
        .template(template)
        .await?
        .ok_or_else(|| AppError::not_found("The template"))?;
    may_start_from(&summary)?;
    let definition = super::stored_definition(&definition_text)?;
    let first = definition
        .phase(0)
        .ok_or_else(|| anyhow::anyhow!("template without phases"))?;
    let phase_data = first
        .schema
        .read_form(inputs, Completeness::Partial)
        .map_err(super::invalid)?;
    let mut all = Map::new();
    all.insert(first.key.clone(), Value::Object(phase_data));
    let all = Value::Object(all);
    let id = ProcessSessionId::from_uuid(uuid::Uuid::now_v7());
    let now = crate::time::now();
    let text = all.to_string();
    let mut tx = svc.store().begin().await?;
    data.insert_session(
        &mut tx,
        &NewSession {
            id,
            template_id: template,
            template_version: summary.version,
            title: &title,
            owner: caller.user_id,
            phase_count: definition.phases.len() as i32,
            phase_name: &first.name,
            data: &text,
            is_example: example,
            cloned_from: None,
            at: now,
        },
    )
    .await?;
    let changes = diff(&Value::Object(Map::new()), &all);
    data.append_trail(&mut tx, id, Some(caller.user_id), "created", &changes, now)
        .await?;
    tx.publish(
        access.tenant_id(),
        Change::Session {
            session: id,
            status: SessionStatus::Draft,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Loads a session for a person's change: it must exist here, and examples are read-only.
async fn for_change(
    data: &TenantData<'_>,
    tx: &mut crate::storage::Tx,
    id: ProcessSessionId,
) -> Result<SessionState> {
    let state = data
        .session_for_update(tx, id)
        .await?
        .ok_or_else(not_found)?;
    if state.is_example {
        return Err(AppError::forbidden(
            "Training examples are read-only: clone it to work on a copy.",
        )
        .into());
    }
    Ok(state)
}

/// Replaces one phase's data with what the form holds (present values checked; required
/// ones are checked when the phase's "check the data" step runs).
#[instrument(skip_all, fields(slug, session = %id, phase = phase_key))]
pub async fn update_data(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    id: ProcessSessionId,
    phase_key: &str,
    inputs: &[(String, String)],
) -> Result<()> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsRun)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let state = for_change(&data, &mut tx, id).await?;
    if state.status.is_closed() {
        return Err(AppError::conflict(format!(
            "This session is {}, so its data can no longer change.",
            state.status.label().to_lowercase()
        ))
        .into());
    }
    let definition = super::stored_definition(&state.definition)?;
    let phase = definition
        .phases
        .iter()
        .find(|p| p.key == phase_key)
        .ok_or_else(|| {
            AppError::invalid(
                "phase",
                format!("This template has no phase “{phase_key}”."),
            )
        })?;
    let phase_data = phase
        .schema
        .read_form(inputs, Completeness::Partial)
        .map_err(super::invalid)?;
    let before = Value::Object(super::stored_data(&state.data));
    let mut after = super::stored_data(&state.data);
    after.insert(phase.key.clone(), Value::Object(phase_data));
    let after = Value::Object(after);
    let changes = diff(&before, &after);
    if changes.is_empty() {
        return Ok(());
    }
    let now = crate::time::now();
    let phase_name = definition
        .phase(state.phase_index as usize)
        .map_or("", |p| p.name.as_str());
    data.update_session(
        &mut tx,
        id,
        &SessionUpdate {
            status: state.status,
            phase_index: state.phase_index,
            phase_name,
            data: &after.to_string(),
            title: &state.title,
            at: now,
        },
    )
    .await?;
    data.append_trail(
        &mut tx,
        id,
        Some(caller.user_id),
        "data_changed",
        &changes,
        now,
    )
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Session {
            session: id,
            status: state.status,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a session through the state machine. Starting it queues its first phase's steps;
/// failing or archiving it cancels the work it still had queued.
#[instrument(skip_all, fields(slug, session = %id, action = %action))]
pub async fn act(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    id: ProcessSessionId,
    action: SessionAction,
) -> Result<SessionStatus> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsRun)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let state = for_change(&data, &mut tx, id).await?;
    let next = transition(state.status, action)?;
    let definition = super::stored_definition(&state.definition)?;
    let now = crate::time::now();
    let phase_name = definition
        .phase(state.phase_index as usize)
        .map_or("", |p| p.name.as_str());
    data.update_session(
        &mut tx,
        id,
        &SessionUpdate {
            status: next,
            phase_index: state.phase_index,
            phase_name,
            data: &state.data,
            title: &state.title,
            at: now,
        },
    )
    .await?;
    let changes = vec![shared::process::FieldChange {
        path: "status".into(),
        before: Some(Value::String(state.status.as_str().into())),
        after: Some(Value::String(next.as_str().into())),
    }];
    data.append_trail(
        &mut tx,
        id,
        Some(caller.user_id),
        action.as_str(),
        &changes,
        now,
    )
    .await?;
    let mut queued = false;
    match action {
        SessionAction::Start => {
            orchestrator::enqueue_phase(&data, &mut tx, id, &definition, 0, state.owner_id, now)
                .await?;
            queued = true;
        }
        SessionAction::Fail | SessionAction::Archive | SessionAction::Complete => {
            for job in data.cancel_session_jobs(&mut tx, id, now).await? {
                tx.publish(
                    access.tenant_id(),
                    Change::Job {
                        job,
                        session: id,
                        status: shared::process::JobStatus::Cancelled,
                    },
                )
                .await?;
            }
        }
        SessionAction::Resume => {
            // What finished while it was paused (an approval, a callback) moves it on now.
            orchestrator::advance_if_done(
                &data,
                &mut tx,
                id,
                state.phase_index,
                Some(caller.user_id),
                now,
            )
            .await?;
            queued = true;
        }
        SessionAction::Pause => {}
    }
    tx.publish(
        access.tenant_id(),
        Change::Session {
            session: id,
            status: next,
        },
    )
    .await?;
    tx.commit().await?;
    if queued {
        svc.wake_worker();
    }
    Ok(next)
}

/// Copies a session (a training example or any other) into a new draft owned by the
/// caller, with or without its data.
#[instrument(skip_all, fields(slug, session = %id))]
pub async fn clone(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    id: ProcessSessionId,
    title: &str,
    with_data: bool,
) -> Result<ProcessSessionId> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsRun)?;
    clone_within(svc, &access, id, title, with_data).await
}

/// Refuses a new session (made or cloned) from a builder's template whose deployment for this
/// workspace is not live.
fn may_start_from(template: &TemplateSummary) -> Result<()> {
    if template.startable() {
        return Ok(());
    }
    let state = match template.deployment {
        Some(ImplementationStatus::Retired) => "retired (it ends with the builder's link)",
        _ => "paused by its builder",
    };
    Err(AppError::conflict(format!(
        "“{}” is not available for new sessions: its deployment for this workspace is {state}.",
        template.name
    ))
    .into())
}

async fn clone_within(
    svc: &Services,
    access: &TenantAccess,
    id: ProcessSessionId,
    title: &str,
    with_data: bool,
) -> Result<ProcessSessionId> {
    let data = svc.store().tenant(access);
    let source = data.session_state(id).await?.ok_or_else(not_found)?;
    let (template, _) = data
        .template(source.template_id)
        .await?
        .ok_or_else(|| AppError::not_found("The template"))?;
    may_start_from(&template)?;
    let title = if title.trim().is_empty() {
        SessionTitle::parse(
            &format!("Copy of {}", source.title)
                .chars()
                .take(120)
                .collect::<String>(),
        )?
    } else {
        SessionTitle::parse(title)?
    };
    let definition = super::stored_definition(&source.definition)?;
    let first = definition
        .phase(0)
        .ok_or_else(|| anyhow::anyhow!("template without phases"))?;
    let copied = if with_data {
        source.data.clone()
    } else {
        "{}".to_owned()
    };
    let new_id = ProcessSessionId::from_uuid(uuid::Uuid::now_v7());
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    data.insert_session(
        &mut tx,
        &NewSession {
            id: new_id,
            template_id: source.template_id,
            template_version: source.template_version,
            title: &title,
            owner: access.caller().user_id,
            phase_count: definition.phases.len() as i32,
            phase_name: &first.name,
            data: &copied,
            is_example: false,
            cloned_from: Some(id),
            at: now,
        },
    )
    .await?;
    let changes = vec![shared::process::FieldChange {
        path: "cloned_from".into(),
        before: None,
        after: Some(Value::String(source.title.to_string())),
    }];
    data.append_trail(
        &mut tx,
        new_id,
        Some(access.caller().user_id),
        "cloned",
        &changes,
        now,
    )
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Session {
            session: new_id,
            status: SessionStatus::Draft,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(new_id)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone as _};

    use super::*;

    fn at(day: u32, hour: u32) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn analytics_count_rate_median_and_each_day_of_the_chart() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let rows = AnalyticsRows {
            by_status: vec![
                (SessionStatus::Completed, 3),
                (SessionStatus::Failed, 1),
                (SessionStatus::Active, 5),
            ],
            phase_spans: vec![
                (at(1, 0), at(1, 1)),
                (at(1, 0), at(1, 3)),
                (at(1, 0), at(1, 2)),
                // A clock that went backwards counts as no time, not negative time.
                (at(1, 5), at(1, 4)),
            ],
            milestones: vec![
                Milestones {
                    started_at: Some(at(7, 9)),
                    finished_at: Some(at(20, 23)),
                    status: SessionStatus::Completed,
                },
                Milestones {
                    started_at: Some(at(20, 1)),
                    finished_at: Some(at(20, 2)),
                    status: SessionStatus::Failed,
                },
                // Started before the chart's first day (the 7th): only its end counts.
                Milestones {
                    started_at: Some(at(6, 23)),
                    finished_at: Some(at(8, 0)),
                    status: SessionStatus::Completed,
                },
            ],
        };
        let analytics = analytics(rows, today);
        assert_eq!(analytics.completion_rate, Some(0.75));
        // Spans 0, 1, 2 and 3 hours: the upper median.
        assert_eq!(analytics.median_phase_seconds, Some(2 * 3600));
        assert_eq!(analytics.throughput.len(), 14);
        assert_eq!(analytics.throughput[0].day, "2026-12-07");
        assert_eq!(analytics.throughput[13].day, "2026-12-20");
        let started: Vec<i64> = analytics.throughput.iter().map(|d| d.started).collect();
        let completed: Vec<i64> = analytics.throughput.iter().map(|d| d.completed).collect();
        assert_eq!(started, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(completed, [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn analytics_of_nothing_has_no_rate_and_no_median() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let analytics = analytics(AnalyticsRows::default(), today);
        assert_eq!(analytics.completion_rate, None);
        assert_eq!(analytics.median_phase_seconds, None);
        assert!(
            analytics
                .throughput
                .iter()
                .all(|d| d.started == 0 && d.completed == 0)
        );
    }
}

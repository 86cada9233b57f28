//! The orchestration queue's worker and the moves around it: queueing a phase's steps,
//! running them (built-in steps and webhooks), retrying with exponential backoff and jitter,
//! dead-lettering, approvals and callbacks — and advancing the session when its phase is done.
//!
//! A job is claimed with a lease (`Store::claim_job`); only the lease holder can settle it,
//! in one transaction with what it causes (the next phase's jobs, the session completing),
//! under a lock on the session. A server that dies mid-job loses its lease, and the job is
//! claimed again once the lease runs out: from the session's point of view each step
//! completes exactly once. Jobs act with the authority of the person who started the
//! session, through the same permission check as that person's requests.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::RngExt as _;
use serde_json::{Value, json};
use shared::AppError;
use shared::billing::Feature;
use shared::ids::{JobId, NotificationId, ProcessSessionId, TenantId, UserId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::process::schema::Completeness;
use shared::process::{
    JobStatus, SessionAction, SessionStatus, StepKind, TemplateDefinition, transition,
};
use shared::security::NotificationKind;
use tracing::instrument;

use super::webhooks::{self, CallbackBody, CallbackStatus, Delivery};
use crate::audit::{self, actions};
use crate::authz::{self, Caller, TenantAccess};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::jobs::{ClaimedJob, NewJob};
use crate::storage::notifications::NewNotification;
use crate::storage::process::SessionUpdate;
use crate::storage::{TenantData, Tx};

/// Jobs run at once by one server.
const CONCURRENCY: usize = 4;
/// Longest an idle worker sleeps before looking again (new work also wakes it at once).
const IDLE: Duration = Duration::from_secs(2);

/// Queues the steps of phase `index` and marks the phase started.
pub async fn enqueue_phase(
    data: &TenantData<'_>,
    tx: &mut Tx,
    session: ProcessSessionId,
    definition: &TemplateDefinition,
    index: usize,
    acting_user: UserId,
    at: DateTime<Utc>,
) -> Result<()> {
    let phase = definition
        .phase(index)
        .ok_or_else(|| anyhow::anyhow!("no phase {index}"))?;
    let phase_index = index as i32;
    data.start_phase_run(tx, session, phase_index, at).await?;
    for (i, step) in phase.steps.iter().enumerate() {
        let id = JobId::from_uuid(uuid::Uuid::now_v7());
        data.insert_job(
            tx,
            &NewJob {
                id,
                session,
                phase_index,
                step_index: i as i32,
                phase_key: &phase.key,
                step_key: &step.key,
                step_name: &step.name,
                kind: step.kind.as_str(),
                max_attempts: step.kind.max_attempts() as i32,
                acting_user,
                at,
            },
        )
        .await?;
        tx.publish(
            data.tenant_id(),
            Change::Job {
                job: id,
                session,
                status: JobStatus::Queued,
            },
        )
        .await?;
    }
    Ok(())
}

/// After a job of `phase` finished: when every job of the phase succeeded (or was
/// cancelled, i.e. skipped), the phase ends and the session moves on — to the next phase's
/// steps, or to completed after the last.
pub(crate) async fn advance_if_done(
    data: &TenantData<'_>,
    tx: &mut Tx,
    session: ProcessSessionId,
    phase: i32,
    actor: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(state) = data.session_for_update(tx, session).await? else {
        return Ok(());
    };
    if state.status != SessionStatus::Active || state.phase_index != phase {
        return Ok(());
    }
    let statuses = data.phase_job_statuses(tx, session, phase).await?;
    if !statuses
        .iter()
        .all(|s| matches!(s, JobStatus::Succeeded | JobStatus::Cancelled))
    {
        return Ok(());
    }
    let definition = super::stored_definition(&state.definition)?;
    data.finish_phase_run(tx, session, phase, at).await?;
    let next_index = phase as usize + 1;
    let (status, phase_index, action) = match definition.phase(next_index) {
        Some(_) => (SessionStatus::Active, next_index as i32, "phase_advanced"),
        None => (
            transition(state.status, SessionAction::Complete)?,
            phase,
            "completed",
        ),
    };
    let phase_name = definition
        .phase(phase_index as usize)
        .map_or("", |p| p.name.as_str());
    data.update_session(
        tx,
        session,
        &SessionUpdate {
            status,
            phase_index,
            phase_name,
            data: &state.data,
            title: &state.title,
            at,
        },
    )
    .await?;
    let from_phase = definition.phase(phase as usize).map(|p| p.key.clone());
    let to = if status == SessionStatus::Completed {
        Value::String("completed".into())
    } else {
        Value::String(
            definition
                .phase(next_index)
                .map(|p| p.key.clone())
                .unwrap_or_default(),
        )
    };
    let changes = vec![shared::process::FieldChange {
        path: "phase".into(),
        before: from_phase.map(Value::String),
        after: Some(to),
    }];
    data.append_trail(tx, session, actor, action, &changes, at)
        .await?;
    if status == SessionStatus::Active {
        enqueue_phase(
            data,
            tx,
            session,
            &definition,
            next_index,
            state.owner_id,
            at,
        )
        .await?;
    }
    tx.publish(data.tenant_id(), Change::Session { session, status })
        .await?;
    Ok(())
}

/// Starts the queue's worker for this server, for as long as the services live.
pub fn spawn_worker(svc: &Services) {
    let svc = svc.clone();
    let worker = uuid::Uuid::new_v4().simple().to_string();
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    tokio::spawn(async move {
        loop {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                return;
            };
            let now = crate::time::now();
            let lease_until = now + lease_length(&svc);
            // A token per claim: if this job's lease runs out and it is claimed again (even
            // by this server), the first attempt can no longer settle it.
            let owner = format!("{worker}:{}", uuid::Uuid::new_v4().simple());
            match svc.store().claim_job(&owner, now, lease_until).await {
                Ok(Some(job)) => {
                    let svc = svc.clone();
                    tokio::spawn(async move {
                        run(&svc, &owner, job).await;
                        drop(permit);
                    });
                    continue;
                }
                Ok(None) => drop(permit),
                Err(err) => {
                    drop(permit);
                    tracing::warn!(error = %err.into_app_error(), "orchestrator: claiming failed");
                }
            }
            let wait = match svc.store().next_job_due().await {
                Ok(Some(due)) => (due - crate::time::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(IDLE),
                _ => IDLE,
            };
            tokio::select! {
                () = svc.worker_signal().notified() => {}
                () = tokio::time::sleep(wait.max(Duration::from_millis(20))) => {}
            }
        }
    });
}

/// What running a step came to.
enum Outcome {
    Succeeded(Option<String>),
    Waiting,
    Retry(String),
    Dead(String),
}

#[instrument(skip_all, fields(job = %claimed.id, tenant = %claimed.tenant_id, attempt = claimed.attempts))]
async fn run(svc: &Services, owner: &str, claimed: ClaimedJob) {
    let started = std::time::Instant::now();
    let outcome = match admit(svc, claimed.tenant_id, claimed.acting_user_id).await {
        Err(err) => Outcome::Dead(format!(
            "Stopped by the permission check: {}",
            err.into_app_error()
        )),
        Ok(access) => match keep_lease(svc, owner, &claimed, attempt(svc, &access, &claimed)).await
        {
            Some(Ok(outcome)) => outcome,
            Some(Err(err)) => Outcome::Retry(format!("{}", err.into_app_error())),
            // Another worker holds the job now; it settles it.
            None => return,
        },
    };
    let outcome = match outcome {
        Outcome::Retry(reason) if claimed.attempts >= claimed.max_attempts => Outcome::Dead(reason),
        other => other,
    };
    let label = match &outcome {
        Outcome::Succeeded(_) => "succeeded",
        Outcome::Waiting => "waiting",
        Outcome::Retry(_) => "retry",
        Outcome::Dead(_) => "dead",
    };
    metrics::counter!("atrium_jobs_total", "outcome" => label).increment(1);
    metrics::histogram!("atrium_job_seconds").record(started.elapsed().as_secs_f64());
    if let Err(err) = settle(svc, owner, &claimed, outcome).await {
        tracing::warn!(error = %err.into_app_error(), "orchestrator: settling failed; the lease will run out and the job run again");
    }
}

/// How long a claim lasts before another worker may take the job.
fn lease_length(svc: &Services) -> chrono::Duration {
    chrono::Duration::seconds(
        i64::try_from(svc.settings().jobs.lease_seconds.max(1)).unwrap_or(120),
    )
}

/// Runs `work` while renewing the job's lease every third of its length, so a step that
/// takes longer than one lease is not taken over by another worker while it still runs. The
/// renewal runs beside the step (the step keeps being polled while it waits for the
/// database). `None` when the lease was lost (this worker stalled past it and another took
/// the job): the step is dropped there, so it does not keep running twice.
async fn keep_lease<T>(
    svc: &Services,
    owner: &str,
    claimed: &ClaimedJob,
    work: impl std::future::Future<Output = T>,
) -> Option<T> {
    let every = (lease_length(svc) / 3)
        .to_std()
        .unwrap_or(Duration::from_secs(40))
        .max(Duration::from_millis(100));
    let renew = async {
        loop {
            tokio::time::sleep(every).await;
            let now = crate::time::now();
            match svc
                .store()
                .renew_job_lease(claimed.id, owner, now, now + lease_length(svc))
                .await
            {
                Ok(true) => metrics::counter!("atrium_job_lease_renewals_total").increment(1),
                Ok(false) => return,
                Err(err) => {
                    tracing::warn!(error = %err.into_app_error(), "orchestrator: renewing the lease failed")
                }
            }
        }
    };
    tokio::select! {
        out = work => Some(out),
        () = renew => {
            tracing::warn!(job = %claimed.id, "orchestrator: lease lost while the step ran; stopped it");
            None
        }
    }
}

async fn admit(svc: &Services, tenant: TenantId, user: UserId) -> Result<TenantAccess> {
    let caller = authz::acting_for(svc.store(), user).await?;
    let access = authz::enter_tenant_by_id(svc.store(), &caller, tenant).await?;
    authz::require(&access, Permission::SessionsRun)?;
    Ok(access)
}

/// Runs one attempt of a claimed job.
async fn attempt(svc: &Services, access: &TenantAccess, claimed: &ClaimedJob) -> Result<Outcome> {
    let data = svc.store().tenant(access);
    let mut tx = svc.store().begin().await?;
    let job = data
        .job(&mut tx, claimed.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("claimed job vanished"))?;
    drop(tx);
    let state = data
        .session_state(job.session_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("session vanished"))?;
    let definition = super::stored_definition(&state.definition)?;
    let phase = definition
        .phase(job.phase_index as usize)
        .ok_or_else(|| anyhow::anyhow!("phase vanished"))?;
    let step = phase
        .steps
        .get(job.step_index as usize)
        .ok_or_else(|| anyhow::anyhow!("step vanished"))?;
    let all_data = super::stored_data(&state.data);
    let phase_data = all_data
        .get(&phase.key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    Ok(match &step.kind {
        StepKind::CheckData => match phase.schema.validate(&phase_data, Completeness::Complete) {
            Ok(()) => Outcome::Succeeded(None),
            Err(errors) => Outcome::Dead(format!(
                "{} is not complete: {}",
                phase.name,
                errors
                    .iter()
                    .map(|e| e.reason.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        },
        StepKind::Notify => {
            svc.store()
                .notify(&NewNotification {
                    id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
                    user_id: state.owner_id,
                    kind: NotificationKind::ProcessStep,
                    title: format!("{}: {}", state.title, step.name),
                    body: format!(
                        "The session reached “{}” in phase {} ({}).",
                        step.name, phase.key, phase.name
                    ),
                    created_at: crate::time::now(),
                })
                .await?;
            Outcome::Succeeded(None)
        }
        StepKind::Approval => Outcome::Waiting,
        StepKind::Webhook {
            url, timeout_secs, ..
        } => {
            // Switched off, or the plan lost it, since the template was saved: nothing is
            // sent, and the dead letter says why.
            let entitlement = crate::billing::entitlement(&svc.store().tenant(access)).await?;
            if let Some(why) = entitlement.features.refusal(Feature::Webhooks) {
                return Ok(Outcome::Dead(why.to_owned()));
            }
            let secret = webhooks::signing_secret(svc, access).await?;
            let callback = webhooks::callback_url(
                &svc.settings().public_url(),
                &webhooks::callback_key(svc, access.tenant_id()),
                access.tenant_id(),
                job.id,
                claimed.attempts,
            );
            let body = json!({
                "job": { "id": job.id, "attempt": claimed.attempts, "step": step.key, "name": step.name },
                "session": {
                    "id": state.id, "title": state.title, "status": state.status,
                    "template": { "id": state.template_id, "version": state.template_version },
                    "phase": { "index": job.phase_index, "key": phase.key, "name": phase.name },
                    "data": all_data,
                },
                "workspace": { "id": access.tenant_id(), "slug": access.tenant().slug },
                "callback_url": callback,
            })
            .to_string();
            if !svc.settings().jobs.allow_private_webhooks
                && let Err(reason) = super::outbound::check_url(url).await
            {
                return Ok(Outcome::Dead(reason));
            }
            let delivery = format!("{}:{}", job.id, claimed.attempts);
            match webhooks::deliver(
                svc.http(),
                url,
                &secret,
                &body,
                &delivery,
                Duration::from_secs(u64::from(*timeout_secs)),
            )
            .await
            {
                Delivery::Done(output) => Outcome::Succeeded(output),
                Delivery::Accepted => Outcome::Waiting,
                Delivery::Failed(reason) => Outcome::Retry(reason),
            }
        }
    })
}

/// Exponential backoff with jitter: attempt 1 waits between half and all of `base`, then
/// up to twice that, four times… capped at ten minutes.
pub fn backoff(base: Duration, attempt: i32) -> Duration {
    let ceiling = (base.as_secs_f64() * 2f64.powi(attempt.clamp(1, 20) - 1)).min(600.0);
    let jittered = rand::rng().random_range(ceiling / 2.0..=ceiling);
    Duration::from_secs_f64(jittered)
}

async fn settle(svc: &Services, owner: &str, claimed: &ClaimedJob, outcome: Outcome) -> Result<()> {
    let access = match admit(svc, claimed.tenant_id, claimed.acting_user_id).await {
        Ok(access) => access,
        // Refused now: the job still must leave the running state, as a dead letter.
        Err(_) => return settle_refused(svc, owner, claimed).await,
    };
    let data = svc.store().tenant(&access);
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    let job = data
        .job(&mut tx, claimed.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("claimed job vanished"))?;
    // Lock the session first, so two jobs of one phase settle one after the other.
    data.session_for_update(&mut tx, job.session_id).await?;
    let (status, error, output, run_after) = match &outcome {
        Outcome::Succeeded(output) => (JobStatus::Succeeded, None, output.as_deref(), now),
        Outcome::Waiting => (JobStatus::Waiting, None, None, now),
        Outcome::Retry(reason) => {
            let base = Duration::from_millis(svc.settings().jobs.backoff_base_ms);
            let wait =
                chrono::Duration::from_std(backoff(base, claimed.attempts)).unwrap_or_default();
            (JobStatus::Queued, Some(reason.as_str()), None, now + wait)
        }
        Outcome::Dead(reason) => (JobStatus::Failed, Some(reason.as_str()), None, now),
    };
    if !data
        .settle_job(
            &mut tx, claimed.id, owner, status, error, output, run_after, now,
        )
        .await?
    {
        tracing::warn!(job = %claimed.id, "orchestrator: lease lost; another worker has the job");
        return Ok(());
    }
    tx.publish(
        access.tenant_id(),
        Change::Job {
            job: claimed.id,
            session: job.session_id,
            status,
        },
    )
    .await?;
    if status == JobStatus::Succeeded {
        advance_if_done(&data, &mut tx, job.session_id, job.phase_index, None, now).await?;
    }
    tx.commit().await?;
    svc.wake_worker();
    Ok(())
}

/// A job whose person may no longer act: it becomes a dead letter, written through the queue
/// itself since no tenant access can be had.
async fn settle_refused(svc: &Services, owner: &str, claimed: &ClaimedJob) -> Result<()> {
    svc.store()
        .dead_letter_refused(
            claimed.id,
            owner,
            "Stopped by the permission check: the person this work acts for may no longer do it.",
            crate::time::now(),
        )
        .await
}

async fn enter(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    permission: Permission,
) -> Result<TenantAccess> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, permission)?;
    Ok(access)
}

/// A job of this workspace with its session, locked for a change until the transaction
/// ends: every move of a job takes the session's lock first, so moves of one phase's jobs
/// happen one after the other.
async fn locked_job(
    data: &TenantData<'_>,
    tx: &mut Tx,
    id: JobId,
) -> Result<(
    crate::storage::jobs::JobRecord,
    crate::storage::process::SessionState,
)> {
    let job = data
        .job(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("The job"))?;
    let session = data
        .session_for_update(tx, job.session_id)
        .await?
        .ok_or_else(|| AppError::not_found("The session"))?;
    Ok((job, session))
}

/// A member approves a waiting approval step.
#[instrument(skip_all, fields(slug, job = %id))]
pub async fn approve(svc: &Services, caller: &Caller, slug: &str, id: JobId) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::SessionsRun).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let (job, _) = locked_job(&data, &mut tx, id).await?;
    let now = crate::time::now();
    if !data
        .move_job(
            &mut tx,
            id,
            &[JobStatus::Waiting],
            JobStatus::Succeeded,
            None,
            None,
            false,
            now,
        )
        .await?
    {
        return Err(AppError::conflict(format!(
            "This step is {}, not waiting for approval.",
            job.status.label().to_lowercase()
        ))
        .into());
    }
    let changes = vec![shared::process::FieldChange {
        path: "step".into(),
        before: Some(Value::String("waiting".into())),
        after: Some(Value::String("approved".into())),
    }];
    data.append_trail(
        &mut tx,
        job.session_id,
        Some(caller.user_id),
        "approved",
        &changes,
        now,
    )
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Job {
            job: id,
            session: job.session_id,
            status: JobStatus::Succeeded,
        },
    )
    .await?;
    advance_if_done(
        &data,
        &mut tx,
        job.session_id,
        job.phase_index,
        Some(caller.user_id),
        now,
    )
    .await?;
    tx.commit().await?;
    svc.wake_worker();
    Ok(())
}

/// Puts a dead letter (or a cancelled step) back on the queue with fresh attempts.
#[instrument(skip_all, fields(slug, job = %id))]
pub async fn retry(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: JobId,
) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::JobsManage).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let (job, session) = locked_job(&data, &mut tx, id).await?;
    if session.status.is_closed() {
        return Err(AppError::conflict(format!(
            "The session is {}, so its steps cannot run again.",
            session.status.label().to_lowercase()
        ))
        .into());
    }
    let now = crate::time::now();
    if !data
        .move_job(
            &mut tx,
            id,
            &[JobStatus::Failed, JobStatus::Cancelled],
            JobStatus::Queued,
            None,
            None,
            true,
            now,
        )
        .await?
    {
        return Err(AppError::conflict(format!(
            "Only dead letters and cancelled steps can be retried; this one is {}.",
            job.status.label().to_lowercase()
        ))
        .into());
    }
    tx.audit(&audit::entry(
        actions::JOB_RETRIED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(id.to_string()),
        client,
        json!({}),
    ))
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Job {
            job: id,
            session: job.session_id,
            status: JobStatus::Queued,
        },
    )
    .await?;
    tx.commit().await?;
    svc.wake_worker();
    Ok(())
}

/// Cancels a step that has not run to its end; the phase then moves on without it.
#[instrument(skip_all, fields(slug, job = %id))]
pub async fn cancel(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: JobId,
) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::JobsManage).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let (job, _) = locked_job(&data, &mut tx, id).await?;
    let now = crate::time::now();
    let from = [JobStatus::Queued, JobStatus::Waiting, JobStatus::Failed];
    if !data
        .move_job(
            &mut tx,
            id,
            &from,
            JobStatus::Cancelled,
            Some("Cancelled by a person."),
            None,
            false,
            now,
        )
        .await?
    {
        return Err(AppError::conflict(format!(
            "This step is {}, so it cannot be cancelled.",
            job.status.label().to_lowercase()
        ))
        .into());
    }
    tx.audit(&audit::entry(
        actions::JOB_CANCELLED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(id.to_string()),
        client,
        json!({}),
    ))
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Job {
            job: id,
            session: job.session_id,
            status: JobStatus::Cancelled,
        },
    )
    .await?;
    advance_if_done(
        &data,
        &mut tx,
        job.session_id,
        job.phase_index,
        Some(caller.user_id),
        now,
    )
    .await?;
    tx.commit().await?;
    svc.wake_worker();
    Ok(())
}

/// A webhook endpoint's late answer, through the signed callback URL. The signature admits
/// it; it then acts, like the job, for the person who started the session.
#[instrument(skip_all, fields(tenant = %tenant, job = %id))]
#[allow(clippy::too_many_arguments)]
pub async fn callback(
    svc: &Services,
    tenant: TenantId,
    id: JobId,
    attempt: i32,
    expires: i64,
    signature: &str,
    body: &[u8],
) -> Result<()> {
    webhooks::check_callback(
        &webhooks::callback_key(svc, tenant),
        tenant,
        id,
        attempt,
        expires,
        signature,
    )?;
    let answer: CallbackBody = serde_json::from_slice(body)
        .map_err(|e| AppError::invalid("body", format!("The callback body is not valid: {e}. Send {{\"status\": \"succeeded\" | \"failed\", \"output\": …, \"error\": …}}.")))?;
    let actor = svc
        .store()
        .job_actor(tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("The job"))?;
    let access = admit(svc, tenant, actor).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let (job, _) = locked_job(&data, &mut tx, id).await?;
    if job.kind != "webhook" || job.attempts != attempt {
        return Err(AppError::conflict("This callback URL belongs to an earlier attempt of the step; only the latest one counts.").into());
    }
    let now = crate::time::now();
    let output = answer.output.as_ref().map(Value::to_string);
    let (status, error) = match answer.status {
        CallbackStatus::Succeeded => (JobStatus::Succeeded, None),
        CallbackStatus::Failed => (
            JobStatus::Failed,
            Some(
                answer
                    .error
                    .unwrap_or_else(|| "The endpoint reported a failure.".into()),
            ),
        ),
    };
    if !data
        .move_job(
            &mut tx,
            id,
            // Running: the endpoint called back before its 202 reached us; the worker's
            // own result then no longer applies (it holds no running job to settle).
            &[JobStatus::Waiting, JobStatus::Running],
            status,
            error.as_deref(),
            output.as_deref(),
            false,
            now,
        )
        .await?
    {
        return Err(AppError::conflict(format!(
            "This step is {}, not waiting for a callback.",
            job.status.label().to_lowercase()
        ))
        .into());
    }
    tx.publish(
        access.tenant_id(),
        Change::Job {
            job: id,
            session: job.session_id,
            status,
        },
    )
    .await?;
    if status == JobStatus::Succeeded {
        advance_if_done(&data, &mut tx, job.session_id, job.phase_index, None, now).await?;
    }
    tx.commit().await?;
    svc.wake_worker();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_a_ceiling() {
        let base = Duration::from_secs(2);
        for attempt in 1..=12 {
            let ceiling = 2f64.powi(attempt).min(600.0);
            for _ in 0..50 {
                let wait = backoff(base, attempt).as_secs_f64();
                assert!(
                    wait >= ceiling / 2.0 && wait <= ceiling,
                    "attempt {attempt}: {wait}"
                );
            }
        }
        assert!(backoff(base, 40).as_secs_f64() <= 600.0);
    }
}

//! The orchestration queue. Claiming due work is the queue's own business and spans
//! tenants ([`Store::claim_job`] returns only a job's ids); everything a job then reads or
//! changes goes through the tenant it belongs to, after the permission check.

use chrono::{DateTime, Utc};
use shared::ids::{JobId, ProcessSessionId, TenantId, UserId};
use shared::process::{JobStatus, JobView};
use tracing::instrument;

use super::{
    Dialect, JsonColumn, Store, TenantData, Tx, on_tenant_tx, with_reader, with_tenant_reader,
    with_writer,
};
use crate::error::Result;

pub struct NewJob<'a> {
    pub id: JobId,
    pub session: ProcessSessionId,
    pub phase_index: i32,
    pub step_index: i32,
    pub phase_key: &'a str,
    pub step_key: &'a str,
    pub step_name: &'a str,
    pub kind: &'a str,
    pub max_attempts: i32,
    pub acting_user: UserId,
    pub at: DateTime<Utc>,
}

/// A job taken off the queue by one worker, until its lease runs out.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: JobId,
    pub tenant_id: TenantId,
    pub acting_user_id: UserId,
    pub attempts: i32,
    pub max_attempts: i32,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRecord {
    pub id: JobId,
    pub session_id: ProcessSessionId,
    pub phase_index: i32,
    pub step_index: i32,
    pub kind: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub lease_owner: Option<String>,
}

pub(super) const VIEW_SQL: &str = "SELECT j.id, j.session_id, s.title AS session_title, j.phase_key, j.step_key, j.step_name, j.kind,
    j.status, j.attempts, j.max_attempts, j.run_after, j.last_error, j.updated_at
    FROM jobs j JOIN process_sessions s ON s.id = j.session_id AND s.tenant_id = j.tenant_id";

/// [`VIEW_SQL`]'s columns as [`super::Dialect::json_rows`] reads them, in [`JobView`]'s order.
pub(super) const VIEW_JSON: [JsonColumn; 13] = [
    JsonColumn::Uuid("id"),
    JsonColumn::Uuid("session_id"),
    JsonColumn::Value("session_title"),
    JsonColumn::Value("phase_key"),
    JsonColumn::Value("step_key"),
    JsonColumn::Value("step_name"),
    JsonColumn::Value("kind"),
    JsonColumn::Value("status"),
    JsonColumn::Value("attempts"),
    JsonColumn::Value("max_attempts"),
    JsonColumn::Value("run_after"),
    JsonColumn::Value("last_error"),
    JsonColumn::Value("updated_at"),
];

/// The orchestration panel's order over [`VIEW_SQL`]'s columns: running, waiting, queued,
/// then dead letters; the latest change first.
pub(super) const PANEL_ORDER: &str = "CASE status WHEN 'running' THEN 0 WHEN 'waiting' THEN 1 WHEN 'queued' THEN 2 ELSE 3 END, updated_at DESC, id";

#[derive(sqlx::FromRow)]
struct JobViewRow {
    id: JobId,
    session_id: ProcessSessionId,
    session_title: shared::names::SessionTitle,
    phase_key: String,
    step_key: String,
    step_name: String,
    kind: String,
    status: JobStatus,
    attempts: i32,
    max_attempts: i32,
    run_after: DateTime<Utc>,
    last_error: Option<String>,
    updated_at: DateTime<Utc>,
}

impl From<JobViewRow> for JobView {
    fn from(r: JobViewRow) -> Self {
        Self {
            id: r.id,
            session_id: r.session_id,
            session_title: r.session_title,
            phase_key: r.phase_key,
            step_key: r.step_key,
            step_name: r.step_name,
            kind: r.kind,
            status: r.status,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_after: r.run_after,
            last_error: r.last_error,
            updated_at: r.updated_at,
        }
    }
}

impl Store {
    /// Takes the next due job (or one whose worker's lease ran out) of an active session for
    /// `owner` until `lease_until`, counting the attempt; a paused session's jobs wait. One statement, so two workers never take the
    /// same job: SQLite has one writer, and PostgreSQL skips rows another worker locked.
    #[instrument(skip_all)]
    pub async fn claim_job(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<ClaimedJob>> {
        let lock = if self.dialect() == Dialect::Postgres {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', lease_owner = $1, lease_expires_at = $3, attempts = attempts + 1, updated_at = $2
             WHERE id = (SELECT id FROM jobs
                         WHERE ((status = 'queued' AND run_after <= $2) OR (status = 'running' AND lease_expires_at < $2))
                           AND EXISTS (SELECT 1 FROM process_sessions s WHERE s.id = jobs.session_id AND s.tenant_id = jobs.tenant_id AND s.status = 'active')
                         ORDER BY run_after LIMIT 1 {lock})
             RETURNING id, tenant_id, acting_user_id, attempts, max_attempts"
        );
        Ok(
            with_writer!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(owner)
            .bind(now)
            .bind(lease_until)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Extends the lease `owner` holds on a running job to `until`; `false` when it no
    /// longer holds it (the lease ran out and another worker took the job).
    #[instrument(skip_all, fields(job = %id))]
    pub async fn renew_job_lease(
        &self,
        id: JobId,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(with_writer!(self, pool => sqlx::query(
            "UPDATE jobs SET lease_expires_at = $4, updated_at = $3
             WHERE id = $1 AND status = 'running' AND lease_owner = $2",
        )
        .bind(id)
        .bind(owner)
        .bind(now)
        .bind(until)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1))?)
    }

    /// When the next queued job falls due, so an idle worker knows how long to sleep.
    #[instrument(skip_all)]
    pub async fn next_job_due(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(with_reader!(self, pool => sqlx::query_scalar(
            "SELECT MIN(CASE WHEN status = 'queued' THEN run_after ELSE lease_expires_at END) FROM jobs
             WHERE status = 'queued' OR status = 'running'",
        )
        .fetch_one(pool)
        .await)?)
    }

    /// Queue depth by status, for `/metrics`.
    #[instrument(skip_all)]
    pub async fn job_counts(&self) -> Result<Vec<(JobStatus, i64)>> {
        Ok(
            with_reader!(self, pool => sqlx::query_as("SELECT status, COUNT(*) FROM jobs GROUP BY status")
            .fetch_all(pool)
            .await)?,
        )
    }
}

impl TenantData<'_> {
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn insert_job(&self, tx: &mut Tx, j: &NewJob<'_>) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO jobs (id, tenant_id, session_id, phase_index, step_index, phase_key, step_key, step_name, kind,
                status, attempts, max_attempts, run_after, acting_user_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $11, $12, $11, $11)",
        )
        .bind(j.id)
        .bind(self.tenant)
        .bind(j.session)
        .bind(j.phase_index)
        .bind(j.step_index)
        .bind(j.phase_key)
        .bind(j.step_key)
        .bind(j.step_name)
        .bind(j.kind)
        .bind(j.max_attempts)
        .bind(j.at)
        .bind(j.acting_user)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, session = %session))]
    pub async fn session_jobs(&self, session: ProcessSessionId) -> Result<Vec<JobView>> {
        let sql = format!(
            "{VIEW_SQL} WHERE j.tenant_id = $1 AND j.session_id = $2 ORDER BY j.phase_index, j.step_index, j.created_at"
        );
        let rows: Vec<JobViewRow> = with_tenant_reader!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.tenant)
            .bind(session)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, job = %id))]
    pub async fn job(&self, tx: &mut Tx, id: JobId) -> Result<Option<JobRecord>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT id, session_id, phase_index, step_index, kind, status, attempts, max_attempts, lease_owner
             FROM jobs WHERE tenant_id = $1 AND id = $2",
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Statuses of the jobs of one phase of a session.
    pub async fn phase_job_statuses(
        &self,
        tx: &mut Tx,
        session: ProcessSessionId,
        phase: i32,
    ) -> Result<Vec<JobStatus>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT status FROM jobs WHERE tenant_id = $1 AND session_id = $2 AND phase_index = $3",
        )
        .bind(self.tenant)
        .bind(session)
        .bind(phase)
        .fetch_all(&mut **conn)
        .await)?)
    }

    /// Finishes a running job held by `owner`: `false` when the lease was lost (another
    /// worker took the job over), in which case nothing may be written.
    #[allow(clippy::too_many_arguments)]
    #[instrument(skip_all, fields(tenant = %self.tenant, job = %id, status = %status))]
    pub async fn settle_job(
        &self,
        tx: &mut Tx,
        id: JobId,
        owner: &str,
        status: JobStatus,
        error: Option<&str>,
        output: Option<&str>,
        run_after: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE jobs SET status = $4, last_error = COALESCE($5, last_error), output = COALESCE($6, output), run_after = $7,
                updated_at = $8, lease_owner = NULL, lease_expires_at = NULL,
                finished_at = CASE WHEN $4 IN ('succeeded', 'failed', 'cancelled') THEN $8 ELSE NULL END
             WHERE tenant_id = $1 AND id = $2 AND status = 'running' AND lease_owner = $3",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(owner)
        .bind(status)
        .bind(error)
        .bind(output)
        .bind(run_after)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Moves a job from one status to another (a person's retry or cancel, an approval, a
    /// callback); `false` when it was not in `from`.
    #[allow(clippy::too_many_arguments)]
    #[instrument(skip_all, fields(tenant = %self.tenant, job = %id, to = %to))]
    pub async fn move_job(
        &self,
        tx: &mut Tx,
        id: JobId,
        from: &[JobStatus],
        to: JobStatus,
        error: Option<&str>,
        output: Option<&str>,
        reset_attempts: bool,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let from_list = from
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE jobs SET status = $3, last_error = COALESCE($4, last_error), output = COALESCE($5, output),
                attempts = CASE WHEN $6 THEN 0 ELSE attempts END, run_after = $7, updated_at = $7,
                lease_owner = NULL, lease_expires_at = NULL,
                finished_at = CASE WHEN $3 IN ('succeeded', 'failed', 'cancelled') THEN $7 ELSE NULL END
             WHERE tenant_id = $1 AND id = $2 AND status IN ({from_list})"
        );
        let done = on_tenant_tx!(self, tx, conn => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.tenant)
            .bind(id)
            .bind(to)
            .bind(error)
            .bind(output)
            .bind(reset_attempts)
            .bind(at)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Cancels the unfinished jobs of a session (it was archived or failed); returns them.
    #[instrument(skip_all, fields(tenant = %self.tenant, session = %session))]
    pub async fn cancel_session_jobs(
        &self,
        tx: &mut Tx,
        session: ProcessSessionId,
        at: DateTime<Utc>,
    ) -> Result<Vec<JobId>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "UPDATE jobs SET status = 'cancelled', updated_at = $3, finished_at = $3, lease_owner = NULL, lease_expires_at = NULL
             WHERE tenant_id = $1 AND session_id = $2 AND status IN ('queued', 'running', 'waiting', 'failed') RETURNING id",
        )
        .bind(self.tenant)
        .bind(session)
        .bind(at)
        .fetch_all(&mut **conn)
        .await)?)
    }
}

impl Store {
    /// Dead-letters a running job whose person may no longer act (no tenant access can be
    /// had to do it the usual way); only the lease holder can.
    #[instrument(skip_all, fields(job = %id))]
    pub async fn dead_letter_refused(
        &self,
        id: JobId,
        owner: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "UPDATE jobs SET status = 'failed', last_error = $3, updated_at = $4, finished_at = $4, lease_owner = NULL, lease_expires_at = NULL
             WHERE id = $1 AND status = 'running' AND lease_owner = $2",
        )
        .bind(id)
        .bind(owner)
        .bind(reason)
        .bind(at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

impl TenantData<'_> {
    pub fn tenant_id(&self) -> TenantId {
        self.tenant
    }
}

//! Process templates, sessions, their audit trail and phase timings — all reachable only
//! through [`TenantData`], so every query is filtered by the caller's tenant.

use chrono::{DateTime, Utc};
use shared::ids::{
    ImplementationId, ProcessSessionId, SessionEventId, TemplateId, TenantId, UserId,
};
use shared::names::{PersonName, SessionTitle, TemplateName};
use shared::process::{
    FieldChange, JobView, SessionFilter, SessionRow, SessionSort, SessionStatus, TemplateSummary,
    TemplateVersionView, TrailEntry,
};
use tracing::instrument;

use super::{
    Dialect, JsonColumn, SqlTexts, Store, TenantData, Tx, contains_pattern, on_tenant_tx, on_tx,
    parse_json_rows, with_reader, with_tenant_reader, with_tenant_writer,
};
use crate::error::Result;

pub struct NewTemplate<'a> {
    pub id: TemplateId,
    pub name: &'a TemplateName,
    pub description: &'a str,
    pub builtin_key: Option<&'a str>,
    /// The builder's deployment this template is the customer's copy of.
    pub implementation: Option<ImplementationId>,
    /// The definition as JSON text (its property order is the form's field order).
    pub definition: &'a str,
    pub created_by: Option<UserId>,
    pub at: DateTime<Utc>,
}

/// A customer's copy of a template a builder deployed for it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeployedCopy {
    pub id: TemplateId,
    pub name: TemplateName,
    pub description: String,
    pub definition: String,
}

/// Whose a template's versions are: the workspace's own, or the builder's that deployed it.
#[derive(Clone, Copy)]
enum TemplateOwner {
    Workspace,
    Builder,
}

/// An edit of a template, saved as its next version.
pub struct TemplateEdit<'a> {
    pub name: &'a TemplateName,
    pub description: &'a str,
    pub definition: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// When a session started and finished, and how it ended.
#[derive(Clone, Debug)]
pub struct Milestones {
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: SessionStatus,
}

/// What the command center's analytics are computed from, read in one round trip.
#[derive(Clone, Debug, Default)]
pub struct AnalyticsRows {
    /// Sessions per status, examples excluded.
    pub by_status: Vec<(SessionStatus, i64)>,
    /// When the latest finished phases started and finished.
    pub phase_spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Sessions that started or finished since the chart's first day.
    pub milestones: Vec<Milestones>,
}

/// What the command center shows of a workspace's sessions, templates and jobs, read in one
/// statement by [`TenantData::command_center_rows`].
#[derive(Clone, Debug)]
pub struct CenterRows {
    /// One page of the session list (training examples are listed apart).
    pub sessions: Vec<SessionRow>,
    /// How many sessions the whole list has.
    pub total: i64,
    pub examples: Vec<SessionRow>,
    pub templates: Vec<TemplateSummary>,
    /// People who own a session here, for the owner filter.
    pub owners: Vec<(UserId, PersonName)>,
    /// What the orchestration panel shows: every job not yet done, and dead letters.
    pub jobs: Vec<JobView>,
    pub analytics: AnalyticsRows,
}

/// [`SESSION_COLUMNS`] as [`Dialect::json_rows`] reads them, in [`SessionRow`]'s order.
const SESSION_JSON: [JsonColumn; 14] = [
    JsonColumn::Uuid("id"),
    JsonColumn::Value("title"),
    JsonColumn::Value("status"),
    JsonColumn::Uuid("template_id"),
    JsonColumn::Value("template_name"),
    JsonColumn::Value("template_version"),
    JsonColumn::Value("phase_index"),
    JsonColumn::Value("phase_count"),
    JsonColumn::Value("phase_name"),
    JsonColumn::Uuid("owner_id"),
    JsonColumn::Value("owner_name"),
    JsonColumn::Bool("is_example"),
    JsonColumn::Value("created_at"),
    JsonColumn::Value("updated_at"),
];

/// [`TEMPLATE_SUMMARY`] as [`Dialect::json_rows`] reads it, in [`TemplateSummary`]'s order.
const TEMPLATE_JSON: [JsonColumn; 8] = [
    JsonColumn::Uuid("id"),
    JsonColumn::Value("name"),
    JsonColumn::Value("description"),
    JsonColumn::Value("builtin_key"),
    JsonColumn::Value("version"),
    JsonColumn::Value("updated_at"),
    JsonColumn::Value("provided_by"),
    JsonColumn::Value("deployment"),
];

pub struct NewSession<'a> {
    pub id: ProcessSessionId,
    pub template_id: TemplateId,
    pub template_version: i32,
    pub title: &'a SessionTitle,
    pub owner: UserId,
    pub phase_count: i32,
    pub phase_name: &'a str,
    pub data: &'a str,
    pub is_example: bool,
    pub cloned_from: Option<ProcessSessionId>,
    pub at: DateTime<Utc>,
}

/// A session as a change to it needs it: its state, data and template version.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionState {
    pub id: ProcessSessionId,
    pub title: SessionTitle,
    pub status: SessionStatus,
    pub template_id: TemplateId,
    pub template_version: i32,
    pub phase_index: i32,
    pub owner_id: UserId,
    pub is_example: bool,
    pub data: String,
    pub definition: String,
    pub started_at: Option<DateTime<Utc>>,
}

/// What a change writes back.
pub struct SessionUpdate<'a> {
    pub status: SessionStatus,
    pub phase_index: i32,
    pub phase_name: &'a str,
    pub data: &'a str,
    pub title: &'a SessionTitle,
    pub at: DateTime<Utc>,
}

/// A template as lists show it, with the builder that deployed it and where that deployment
/// stands (`LEFT JOIN`s: only a deployed copy has them).
const TEMPLATE_SUMMARY: &str =
    "SELECT t.id, t.name, t.description, t.builtin_key, t.current_version AS version, t.updated_at,
            b.name AS provided_by, i.status AS deployment
     FROM process_templates t
     LEFT JOIN implementations i ON i.id = t.implementation_id
     LEFT JOIN tenants b ON b.id = i.tenant_id";

const SESSION_COLUMNS: &str = "s.id, s.title, s.status, s.template_id, t.name AS template_name, s.template_version,
    s.phase_index, s.phase_count, s.phase_name, s.owner_id, u.name AS owner_name, s.is_example, s.created_at, s.updated_at
    FROM process_sessions s JOIN process_templates t ON t.id = s.template_id AND t.tenant_id = s.tenant_id JOIN users u ON u.id = s.owner_id";

impl Store {
    /// Gives every tenant that lacks it the built-in template `key` (idempotent; run at
    /// start-up and after a tenant is created).
    #[instrument(skip_all, fields(key))]
    pub async fn install_builtin_template(
        &self,
        key: &str,
        name: &TemplateName,
        description: &str,
        definition: &str,
    ) -> Result<u64> {
        let missing: Vec<TenantId> = with_reader!(self, pool => sqlx::query_scalar(
            "SELECT id FROM tenants WHERE NOT EXISTS
               (SELECT 1 FROM process_templates p WHERE p.tenant_id = tenants.id AND p.builtin_key = $1)",
        )
        .bind(key)
        .fetch_all(pool)
        .await)?;
        let now = crate::time::now();
        for tenant in &missing {
            let mut tx = self.begin().await?;
            tx.insert_template_for(
                *tenant,
                &NewTemplate {
                    id: TemplateId::from_uuid(uuid::Uuid::now_v7()),
                    name,
                    description,
                    builtin_key: Some(key),
                    implementation: None,
                    definition,
                    created_by: None,
                    at: now,
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(missing.len() as u64)
    }
}

impl TenantData<'_> {
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn templates(&self) -> Result<Vec<TemplateSummary>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "{TEMPLATE_SUMMARY} WHERE t.tenant_id = $1"
            )),
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)
        .map(|templates| in_order(templates, TemplateSummary::list_order))?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn template(&self, id: TemplateId) -> Result<Option<(TemplateSummary, String)>> {
        let summary: Option<TemplateSummary> = with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{TEMPLATE_SUMMARY} WHERE t.tenant_id = $1 AND t.id = $2")),
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        let Some(summary) = summary else {
            return Ok(None);
        };
        let definition: Option<String> = with_tenant_reader!(self, pool => sqlx::query_scalar(
            "SELECT definition FROM process_template_versions WHERE tenant_id = $1 AND template_id = $2 AND version = $3",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(summary.version)
        .fetch_optional(pool)
        .await)?;
        Ok(definition.map(|d| (summary, d)))
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn template_versions(&self, id: TemplateId) -> Result<Vec<TemplateVersionView>> {
        let rows: Vec<(i32, DateTime<Utc>, Option<PersonName>)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT v.version, v.created_at, u.name FROM process_template_versions v
             LEFT JOIN users u ON u.id = v.created_by
             WHERE v.tenant_id = $1 AND v.template_id = $2 ORDER BY v.version DESC",
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(version, created_at, author)| TemplateVersionView {
                version,
                created_at,
                author,
            })
            .collect())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn insert_template(&self, tx: &mut Tx, t: &NewTemplate<'_>) -> Result<()> {
        tx.insert_template_for(self.tenant, t).await
    }

    async fn insert_template_version(
        &self,
        tx: &mut Tx,
        id: TemplateId,
        version: i32,
        definition: &str,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        tx.insert_template_version_for(self.tenant, id, version, definition, by, at)
            .await
    }

    /// Saves a new version of a template the workspace made (never a built-in one); returns
    /// the version number, or `None` when there is no such editable template.
    #[instrument(skip_all, fields(tenant = %self.tenant, template = %id))]
    pub async fn add_template_version(
        &self,
        tx: &mut Tx,
        id: TemplateId,
        edit: &TemplateEdit<'_>,
    ) -> Result<Option<i32>> {
        self.next_version(tx, id, edit, TemplateOwner::Workspace)
            .await
    }

    /// Saves `edit` as the next version of template `id` when it is `owner`'s (never a
    /// built-in one); returns the version number.
    async fn next_version(
        &self,
        tx: &mut Tx,
        id: TemplateId,
        edit: &TemplateEdit<'_>,
        owner: TemplateOwner,
    ) -> Result<Option<i32>> {
        let whose = match owner {
            TemplateOwner::Workspace => "implementation_id IS NULL",
            TemplateOwner::Builder => "implementation_id IS NOT NULL",
        };
        let version: Option<i32> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            sqlx::AssertSqlSafe(format!(
                "UPDATE process_templates SET current_version = current_version + 1, name = $3, description = $4, updated_at = $5
                 WHERE tenant_id = $1 AND id = $2 AND builtin_key IS NULL AND {whose}
                 RETURNING current_version"
            )),
        )
        .bind(self.tenant)
        .bind(id)
        .bind(edit.name)
        .bind(edit.description)
        .bind(edit.at)
        .fetch_optional(&mut **conn)
        .await)?;
        if let Some(version) = version {
            self.insert_template_version(tx, id, version, edit.definition, Some(edit.by), edit.at)
                .await?;
        }
        Ok(version)
    }

    /// This workspace's copy of the template deployed for it by `implementation`, as it is
    /// now.
    #[instrument(skip_all, fields(tenant = %self.tenant, %implementation))]
    pub async fn deployed_template(
        &self,
        tx: &mut Tx,
        implementation: ImplementationId,
    ) -> Result<Option<DeployedCopy>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT t.id, t.name, t.description, v.definition FROM process_templates t
             JOIN process_template_versions v ON v.template_id = t.id AND v.version = t.current_version
             WHERE t.tenant_id = $1 AND t.implementation_id = $2",
        )
        .bind(self.tenant)
        .bind(implementation)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Brings this workspace's copy of a deployed template up to the builder's current
    /// version, as its next version (sessions already started keep theirs).
    #[instrument(skip_all, fields(tenant = %self.tenant, template = %id))]
    pub async fn refresh_deployed_template(
        &self,
        tx: &mut Tx,
        id: TemplateId,
        edit: &TemplateEdit<'_>,
    ) -> Result<()> {
        self.next_version(tx, id, edit, TemplateOwner::Builder)
            .await
            .map(|_| ())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn insert_session(&self, tx: &mut Tx, s: &NewSession<'_>) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO process_sessions (id, tenant_id, template_id, template_version, title, status, owner_id,
                phase_index, phase_count, phase_name, data, is_example, cloned_from, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'draft', $6, 0, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(s.id)
        .bind(self.tenant)
        .bind(s.template_id)
        .bind(s.template_version)
        .bind(s.title)
        .bind(s.owner)
        .bind(s.phase_count)
        .bind(s.phase_name)
        .bind(s.data)
        .bind(s.is_example)
        .bind(s.cloned_from)
        .bind(s.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, session = %id))]
    pub async fn session_row(&self, id: ProcessSessionId) -> Result<Option<SessionRow>> {
        let sql = format!("SELECT {SESSION_COLUMNS} WHERE s.tenant_id = $1 AND s.id = $2");
        Ok(
            with_tenant_reader!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.tenant)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The session with its data and template version, for a read.
    #[instrument(skip_all, fields(tenant = %self.tenant, session = %id))]
    pub async fn session_state(&self, id: ProcessSessionId) -> Result<Option<SessionState>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(STATE_SQL)
            .bind(self.tenant)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// The session, locked for a change until the transaction ends (on PostgreSQL a row
    /// lock, so two changes to one session queue up; SQLite's single writer already does).
    #[instrument(skip_all, fields(tenant = %self.tenant, session = %id))]
    pub async fn session_for_update(
        &self,
        tx: &mut Tx,
        id: ProcessSessionId,
    ) -> Result<Option<SessionState>> {
        let sql = if tx.dialect() == Dialect::Postgres {
            format!("{STATE_SQL} FOR UPDATE OF s")
        } else {
            STATE_SQL.to_owned()
        };
        Ok(
            on_tenant_tx!(self, tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.tenant)
            .bind(id)
            .fetch_optional(&mut **conn)
            .await)?,
        )
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, session = %id))]
    pub async fn update_session(
        &self,
        tx: &mut Tx,
        id: ProcessSessionId,
        u: &SessionUpdate<'_>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE process_sessions SET status = $3, phase_index = $4, phase_name = $5, data = $6, title = $7, updated_at = $8,
                started_at = CASE WHEN started_at IS NULL AND $3 = 'active' THEN $8 ELSE started_at END,
                finished_at = CASE WHEN $3 IN ('completed', 'failed') THEN $8 ELSE finished_at END
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(u.status)
        .bind(u.phase_index)
        .bind(u.phase_name)
        .bind(u.data)
        .bind(u.title)
        .bind(u.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, session = %session))]
    pub async fn append_trail(
        &self,
        tx: &mut Tx,
        session: ProcessSessionId,
        actor: Option<UserId>,
        action: &str,
        changes: &[FieldChange],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let changes = serde_json::to_string(changes).map_err(anyhow::Error::from)?;
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO process_session_events (id, tenant_id, session_id, at, actor_id, action, changes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(SessionEventId::from_uuid(uuid::Uuid::now_v7()))
        .bind(self.tenant)
        .bind(session)
        .bind(at)
        .bind(actor)
        .bind(action)
        .bind(changes)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// A session's audit trail, newest first.
    #[instrument(skip_all, fields(tenant = %self.tenant, session = %session))]
    pub async fn trail(&self, session: ProcessSessionId) -> Result<Vec<TrailEntry>> {
        let rows: Vec<(DateTime<Utc>, Option<PersonName>, String, String)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT e.at, u.name, e.action, e.changes FROM process_session_events e
             LEFT JOIN users u ON u.id = e.actor_id
             WHERE e.tenant_id = $1 AND e.session_id = $2 ORDER BY e.at DESC, e.id DESC LIMIT 200",
        )
        .bind(self.tenant)
        .bind(session)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(at, actor, action, changes)| TrailEntry {
                at,
                actor,
                action,
                changes: serde_json::from_str(&changes).unwrap_or_default(),
            })
            .collect())
    }

    /// Marks a phase started (again, after a restart of the session's phase).
    pub async fn start_phase_run(
        &self,
        tx: &mut Tx,
        session: ProcessSessionId,
        phase: i32,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO process_phase_runs (session_id, phase_index, tenant_id, started_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (session_id, phase_index) DO UPDATE SET started_at = excluded.started_at, finished_at = NULL",
        )
        .bind(session)
        .bind(phase)
        .bind(self.tenant)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn finish_phase_run(
        &self,
        tx: &mut Tx,
        session: ProcessSessionId,
        phase: i32,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE process_phase_runs SET finished_at = $4 WHERE tenant_id = $1 AND session_id = $2 AND phase_index = $3",
        )
        .bind(self.tenant)
        .bind(session)
        .bind(phase)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Everything the command center shows, in one statement (every statement is a hop to a
    /// database thread, which costs more than these small reads): one page of the sessions
    /// `filter` lists (`per_page` long) and their total, the training examples, templates
    /// and session owners, the orchestration panel's `jobs` (at most), and what the analytics
    /// are computed from — sessions per status, the latest `spans` finished phases, and the
    /// sessions that started or finished since `since`.
    ///
    /// The lists are put in order here rather than by the JSON aggregates: an aggregate's own
    /// `ORDER BY` sorts through a temporary b-tree that SQLite opens and sets up for every
    /// run, a quarter of the statement's instructions for five short lists. The page and the
    /// panel's jobs still take their order from the database where it picks which rows they
    /// hold (`ORDER BY … LIMIT`), and [`SessionSort::compare`] and [`JobView::panel_order`]
    /// give the same order.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn command_center_rows(
        &self,
        filter: &SessionFilter,
        per_page: u32,
        jobs: i64,
        spans: i64,
        since: DateTime<Utc>,
    ) -> Result<CenterRows> {
        let dialect = self.store.dialect();
        let sort = filter.sort.unwrap_or(SessionSort::Updated);
        // Archived sessions show only when asked for by status.
        let sql = center_statement(dialect, sort, filter.status.is_none());
        let pattern = contains_pattern(filter.text.trim());
        type Folded = (i64, String, String, String, String, String, String);
        let (total, page, examples, templates, owners, jobs_json, analytics): Folded = with_tenant_reader!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(self.tenant)
                .bind(false)
                .bind(filter.status)
                .bind(filter.template)
                .bind(filter.owner)
                .bind(&pattern)
                .bind(i64::from(per_page))
                .bind(i64::from(filter.page) * i64::from(per_page))
                .bind(true)
                .bind(spans)
                .bind(since)
                .bind(jobs)
                .fetch_one(pool)
                .await)?;
        Ok(CenterRows {
            sessions: in_order(parse_json_rows(&page)?, |a, b| sort.compare(a, b)),
            total,
            examples: in_order(parse_json_rows(&examples)?, |a, b| {
                SessionSort::Title.compare(a, b)
            }),
            templates: in_order(parse_json_rows(&templates)?, TemplateSummary::list_order),
            owners: in_order(
                parse_json_rows(&owners)?,
                |(a_id, a): &(UserId, PersonName), (b_id, b)| (a, a_id).cmp(&(b, b_id)),
            ),
            jobs: in_order(parse_json_rows(&jobs_json)?, JobView::panel_order),
            analytics: analytics_of(parse_json_rows(&analytics)?)?,
        })
    }

    /// The workspace's sealed webhook signing secret, creating it from `fresh` when missing.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn webhook_secret(&self, fresh: &[u8]) -> Result<Vec<u8>> {
        with_tenant_writer!(self, pool => sqlx::query(
            "INSERT INTO webhook_secrets (tenant_id, sealed, created_at) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(self.tenant)
        .bind(fresh)
        .bind(crate::time::now())
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(
            with_tenant_writer!(self, pool => sqlx::query_scalar("SELECT sealed FROM webhook_secrets WHERE tenant_id = $1")
            .bind(self.tenant)
            .fetch_one(pool)
            .await)?,
        )
    }
}

/// `rows` as read, put in `order` (the lists' orders are defined in `shared`, once).
fn in_order<T>(mut rows: Vec<T>, order: impl FnMut(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    rows.sort_by(order);
    rows
}

/// [`AnalyticsRows`] out of the command center's analytics rows: a kind (`status`, `span` or
/// `milestone`), a status, a count and two times.
type AnalyticsRow = (
    String,
    String,
    i64,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

fn analytics_of(rows: Vec<AnalyticsRow>) -> Result<AnalyticsRows> {
    let mut out = AnalyticsRows::default();
    let status_of = |text: &str| -> Result<SessionStatus> {
        Ok(text
            .parse()
            .map_err(|_| anyhow::anyhow!("unknown session status {text:?}"))?)
    };
    for (kind, status, n, started_at, finished_at) in rows {
        match kind.as_str() {
            "status" => out.by_status.push((status_of(&status)?, n)),
            "span" => out.phase_spans.extend(started_at.zip(finished_at)),
            _ => out.milestones.push(Milestones {
                started_at,
                finished_at,
                status: status_of(&status)?,
            }),
        }
    }
    Ok(out)
}

const STATE_SQL: &str = "SELECT s.id, s.title, s.status, s.template_id, s.template_version, s.phase_index, s.owner_id,
    s.is_example, s.data, v.definition, s.started_at
    FROM process_sessions s JOIN process_template_versions v ON v.template_id = s.template_id AND v.version = s.template_version AND v.tenant_id = s.tenant_id
    WHERE s.tenant_id = $1 AND s.id = $2";

impl Store {
    /// Whom a job acts for, by tenant and job id: for a callback whose signature checked out.
    #[instrument(skip_all, fields(tenant = %tenant, job = %job))]
    pub async fn job_actor(
        &self,
        tenant: TenantId,
        job: shared::ids::JobId,
    ) -> Result<Option<UserId>> {
        Ok(
            with_reader!(self, pool => sqlx::query_scalar("SELECT acting_user_id FROM jobs WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(job)
            .fetch_optional(pool)
            .await)?,
        )
    }
}

impl Tx {
    /// Inserts a template with its first version into `tenant`: for the tenant's own data
    /// layer and for installing the built-ins into a tenant being created.
    pub(crate) async fn insert_template_for(
        &mut self,
        tenant: TenantId,
        t: &NewTemplate<'_>,
    ) -> Result<()> {
        on_tx!(self, conn => sqlx::query(
            "INSERT INTO process_templates (id, tenant_id, name, description, builtin_key, implementation_id,
                                            current_version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
        )
        .bind(t.id)
        .bind(tenant)
        .bind(t.name)
        .bind(t.description)
        .bind(t.builtin_key)
        .bind(t.implementation)
        .bind(t.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        self.insert_template_version_for(tenant, t.id, 1, t.definition, t.created_by, t.at)
            .await
    }

    async fn insert_template_version_for(
        &mut self,
        tenant: TenantId,
        id: TemplateId,
        version: i32,
        definition: &str,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(self, conn => sqlx::query(
            "INSERT INTO process_template_versions (template_id, version, tenant_id, definition, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(version)
        .bind(tenant)
        .bind(definition)
        .bind(by)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

/// The command center's statement ([`TenantData::command_center_rows`]) for one sort `order`,
/// with archived sessions left out unless a status is asked for (`any_status`).
fn center_sql(dialect: Dialect, order: &str, any_status: bool) -> String {
    let archived = if any_status {
        " AND s.status <> 'archived'"
    } else {
        ""
    };
    let listed = format!(
        "SELECT {SESSION_COLUMNS} WHERE s.tenant_id = $1 AND s.is_example = $2{archived}
           AND ($3 IS NULL OR s.status = $3) AND ($4 IS NULL OR s.template_id = $4)
           AND ($5 IS NULL OR s.owner_id = $5) AND ($6 = '' OR LOWER(s.title) LIKE $6 ESCAPE '\\')"
    );
    let page = dialect.json_rows(
        &SESSION_JSON,
        &format!("SELECT * FROM ({listed}) AS q ORDER BY {order} LIMIT $7 OFFSET $8"),
    );
    let examples = dialect.json_rows(
        &SESSION_JSON,
        &format!("SELECT {SESSION_COLUMNS} WHERE s.tenant_id = $1 AND s.is_example = $9"),
    );
    let templates = dialect.json_rows(
        &TEMPLATE_JSON,
        &format!("{TEMPLATE_SUMMARY} WHERE t.tenant_id = $1"),
    );
    // Grouped first and joined after: under half the instructions of `u.id IN (SELECT …)`,
    // for which SQLite builds an ephemeral table and a Bloom filter.
    let owners = dialect.json_rows(
        &[JsonColumn::Uuid("id"), JsonColumn::Value("name")],
        "SELECT u.id, u.name FROM
           (SELECT owner_id FROM process_sessions WHERE tenant_id = $1 GROUP BY owner_id) AS o
         JOIN users u ON u.id = o.owner_id",
    );
    let open_jobs = dialect.json_rows(
        &super::jobs::VIEW_JSON,
        &format!(
            "SELECT * FROM ({view} WHERE j.tenant_id = $1 AND j.status IN ('queued', 'running', 'waiting', 'failed')) AS q
             ORDER BY {order} LIMIT $12",
            view = super::jobs::VIEW_SQL,
            order = super::jobs::PANEL_ORDER,
        ),
    );
    let analytics = dialect.json_rows(
        &["kind", "status", "n", "started_at", "finished_at"].map(JsonColumn::Value),
        "SELECT 'status' AS kind, status, CAST(COUNT(*) AS BIGINT) AS n, NULL AS started_at, NULL AS finished_at
         FROM process_sessions WHERE tenant_id = $1 AND is_example = $2 GROUP BY status
         UNION ALL
         SELECT 'span', '', CAST(0 AS BIGINT), started_at, finished_at FROM
           (SELECT started_at, finished_at FROM process_phase_runs
            WHERE tenant_id = $1 AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT $10) AS spans
         UNION ALL
         SELECT 'milestone', status, CAST(0 AS BIGINT), started_at, finished_at FROM process_sessions
         WHERE tenant_id = $1 AND is_example = $2 AND (started_at >= $11 OR finished_at >= $11)",
    );
    format!(
        "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM ({listed}) AS l), ({page}), ({examples}),
                ({templates}), ({owners}), ({open_jobs}), ({analytics})"
    )
}

/// [`center_sql`] for `sort`, built once per process for each dialect, sort and
/// `any_status`.
fn center_statement(dialect: Dialect, sort: SessionSort, any_status: bool) -> &'static str {
    static TEXTS: SqlTexts<8> = SqlTexts::new();
    let (choice, order) = match sort {
        SessionSort::Updated => (0, "updated_at DESC, id"),
        SessionSort::Created => (1, "created_at DESC, id"),
        SessionSort::Title => (2, "title ASC, id"),
        SessionSort::Status => (3, "status ASC, updated_at DESC, id"),
    };
    TEXTS.get(dialect, choice * 2 + usize::from(any_status), || {
        center_sql(dialect, order, any_status)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each sort, with and without archived sessions, keeps a statement of its own.
    #[test]
    fn the_command_center_keeps_a_statement_for_each_sort_and_status_choice() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let mut seen = std::collections::HashSet::new();
            for sort in SessionSort::ALL {
                for any_status in [true, false] {
                    let sql = center_statement(dialect, *sort, any_status);
                    assert!(std::ptr::eq(
                        sql,
                        center_statement(dialect, *sort, any_status)
                    ));
                    let order = sql
                        .split("ORDER BY ")
                        .nth(1)
                        .and_then(|rest| rest.split(" LIMIT").next())
                        .unwrap_or_default();
                    assert_eq!(
                        order.split(',').next().map(str::trim),
                        Some(match sort {
                            SessionSort::Updated => "updated_at DESC",
                            SessionSort::Created => "created_at DESC",
                            SessionSort::Title => "title ASC",
                            SessionSort::Status => "status ASC",
                        }),
                        "{sql}"
                    );
                    assert_eq!(sql.contains("s.status <> 'archived'"), any_status);
                    assert!(seen.insert(sql.to_owned()));
                }
            }
            assert_eq!(seen.len(), 8);
        }
    }
}

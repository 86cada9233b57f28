//! What visitors sent through embedded widgets: contacts (one per email per workspace, with
//! the latest answers) and every lead form and feedback answer as it came.

use chrono::{DateTime, Utc};
use shared::email::Email;
use shared::ids::{ContactId, ImplementationId, SubmissionId, WidgetId};
use shared::names::WidgetName;
use shared::widgets::WidgetKind;
use shared::widgets::submissions::{Answer, Contact, FeedbackResponse};
use tracing::instrument;

use super::{TenantData, Tx, on_tenant_tx, with_tenant_reader};
use crate::error::Result;

/// One submission for [`TenantData::insert_submission`].
pub struct NewSubmission<'a> {
    pub id: SubmissionId,
    pub widget: WidgetId,
    /// The customer deployment it came through, if any.
    pub implementation: Option<ImplementationId>,
    pub version: i32,
    pub kind: WidgetKind,
    pub contact: Option<ContactId>,
    pub score: Option<u8>,
    /// The answers (lead form) or the comment (feedback) as JSON.
    pub answers: &'a str,
    pub origin: Option<&'a str>,
    pub at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: ContactId,
    email: Email,
    name: Option<String>,
    answers: String,
    widget: Option<WidgetName>,
    origin: Option<String>,
    submissions: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    id: SubmissionId,
    widget: WidgetId,
    widget_name: WidgetName,
    score: i32,
    answers: String,
    origin: Option<String>,
    created_at: DateTime<Utc>,
}

impl TenantData<'_> {
    /// Makes the contact with `email`, or updates it with these answers (one contact per
    /// email in a workspace); returns its id.
    #[allow(clippy::too_many_arguments)]
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn upsert_contact(
        &self,
        tx: &mut Tx,
        email: &Email,
        name: Option<&str>,
        answers: &str,
        widget: WidgetId,
        implementation: Option<ImplementationId>,
        origin: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<ContactId> {
        let id = ContactId::from_uuid(uuid::Uuid::now_v7());
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "INSERT INTO contacts (id, tenant_id, email, name, answers, widget_id, implementation_id,
                                   origin, submissions, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)
             ON CONFLICT (tenant_id, email) DO UPDATE SET
                 name = COALESCE(excluded.name, contacts.name), answers = excluded.answers,
                 widget_id = excluded.widget_id, implementation_id = excluded.implementation_id,
                 origin = excluded.origin,
                 submissions = contacts.submissions + 1, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(id)
        .bind(self.tenant)
        .bind(email)
        .bind(name)
        .bind(answers)
        .bind(widget)
        .bind(implementation)
        .bind(origin)
        .bind(at)
        .fetch_one(&mut **conn)
        .await)?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, widget = %submission.widget))]
    pub async fn insert_submission(
        &self,
        tx: &mut Tx,
        submission: &NewSubmission<'_>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO widget_submissions (id, tenant_id, widget_id, implementation_id, version, kind,
                                             contact_id, score, answers, origin, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(submission.id)
        .bind(self.tenant)
        .bind(submission.widget)
        .bind(submission.implementation)
        .bind(submission.version)
        .bind(submission.kind)
        .bind(submission.contact)
        .bind(submission.score.map(i32::from))
        .bind(submission.answers)
        .bind(submission.origin)
        .bind(submission.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The workspace's contacts, most recently heard from first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn contacts(&self, limit: u32) -> Result<Vec<Contact>> {
        let rows: Vec<ContactRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT c.id, c.email, c.name, c.answers, COALESCE(i.name, w.name) AS widget, c.origin,
                    c.submissions, c.created_at, c.updated_at
             FROM contacts c
             LEFT JOIN widgets w ON w.id = c.widget_id AND w.tenant_id = c.tenant_id
             LEFT JOIN implementations i ON i.id = c.implementation_id AND i.customer_tenant_id = c.tenant_id
             WHERE c.tenant_id = $1 ORDER BY c.updated_at DESC, c.id LIMIT $2",
        )
        .bind(self.tenant)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| Contact {
                id: r.id,
                email: r.email,
                name: r.name,
                answers: serde_json::from_str::<Vec<Answer>>(&r.answers).unwrap_or_default(),
                widget: r.widget,
                origin: r.origin,
                submissions: u32::try_from(r.submissions).unwrap_or(0),
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// The workspace's feedback answers, newest first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn feedback_responses(&self, limit: u32) -> Result<Vec<FeedbackResponse>> {
        let rows: Vec<FeedbackRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT s.id, s.widget_id AS widget, COALESCE(i.name, w.name) AS widget_name, s.score,
                    s.answers, s.origin, s.created_at
             FROM widget_submissions s
             LEFT JOIN widgets w ON w.id = s.widget_id AND w.tenant_id = s.tenant_id
             LEFT JOIN implementations i ON i.id = s.implementation_id AND i.customer_tenant_id = s.tenant_id
             WHERE s.tenant_id = $1 AND s.kind = 'feedback' ORDER BY s.created_at DESC, s.id LIMIT $2",
        )
        .bind(self.tenant)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| FeedbackResponse {
                id: r.id,
                widget: r.widget,
                widget_name: r.widget_name,
                score: u8::try_from(r.score).unwrap_or(0),
                comment: serde_json::from_str::<String>(&r.answers).unwrap_or_default(),
                origin: r.origin,
                created_at: r.created_at,
            })
            .collect())
    }
}

//! Support tickets as stored: the ticket (status, assignee) and its append-only thread.

use chrono::{DateTime, Utc};
use shared::ids::{TenantId, TicketFileId, TicketId, UserId};
use shared::names::{PersonName, TicketSubject};
use shared::support::files::{CheckedFile, FileKind, FileName, TicketFile};
use shared::support::{NewTicket, TicketMessage, TicketPriority, TicketStatus, TicketSummary};
use shared::tenants::TenantSummary;
use tracing::instrument;

use super::{Dialect, PlatformData, TenantData, Tx, on_tenant_tx, with_reader, with_tenant_reader};
use crate::error::Result;

/// A ticket with its organization (the tenant's columns keep their names; the ticket's
/// are prefixed where they would clash).
const SELECT: &str = concat!(
    "SELECT t.id, t.slug, t.name, t.variant, t.status,
        k.id AS ticket_id, k.subject, k.priority, k.status AS ticket_status, k.opened_by,
        o.name AS opened_by_name, k.assignee_id, a.name AS assignee_name,
        (SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = k.id) AS messages,
        k.updated_at, ",
    super::tenants::feature_column!("priority_support"),
    " FROM tickets k
    JOIN tenants t ON t.id = k.tenant_id
    JOIN users o ON o.id = k.opened_by
    LEFT JOIN users a ON a.id = k.assignee_id"
);

/// Waiting for support first, then the rest; within each, organizations with priority
/// support first, then the latest change first.
const ORDER: &str = "ORDER BY CASE k.status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, priority_support DESC, k.updated_at DESC";

#[derive(sqlx::FromRow)]
struct TicketRow {
    #[sqlx(flatten)]
    tenant: TenantSummary,
    ticket_id: TicketId,
    subject: TicketSubject,
    priority: TicketPriority,
    ticket_status: TicketStatus,
    opened_by: UserId,
    opened_by_name: PersonName,
    assignee_id: Option<UserId>,
    assignee_name: Option<PersonName>,
    messages: i64,
    updated_at: DateTime<Utc>,
    priority_support: bool,
}

/// A ticket as loaded: its summary, who opened it and who has it.
pub struct StoredTicket {
    pub summary: TicketSummary,
    pub opened_by: UserId,
    pub assignee_id: Option<UserId>,
}

impl From<TicketRow> for StoredTicket {
    fn from(row: TicketRow) -> Self {
        Self {
            opened_by: row.opened_by,
            assignee_id: row.assignee_id,
            summary: TicketSummary {
                id: row.ticket_id,
                tenant: row.tenant,
                subject: row.subject,
                priority: row.priority,
                status: row.ticket_status,
                opened_by: row.opened_by_name,
                assignee: row.assignee_name,
                messages: row.messages,
                updated_at: row.updated_at,
                priority_support: row.priority_support,
            },
        }
    }
}

impl TenantData<'_> {
    /// The organization's tickets, those waiting for support first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn tickets(&self) -> Result<Vec<TicketSummary>> {
        let rows: Vec<TicketRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{SELECT} WHERE k.tenant_id = $1 {ORDER} LIMIT 200")),
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|row| StoredTicket::from(row).summary)
            .collect())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn ticket(&self, ticket: TicketId) -> Result<Option<StoredTicket>> {
        let row: Option<TicketRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{SELECT} WHERE k.tenant_id = $1 AND k.id = $2")),
        )
        .bind(self.tenant)
        .bind(ticket)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(StoredTicket::from))
    }

    /// A ticket's thread, oldest first.
    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn ticket_messages(&self, ticket: TicketId) -> Result<Vec<TicketMessage>> {
        let rows: Vec<(PersonName, bool, String, DateTime<Utc>)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT u.name, m.from_support, m.body, m.created_at FROM ticket_messages m
             JOIN users u ON u.id = m.author_id
             WHERE m.tenant_id = $1 AND m.ticket_id = $2 ORDER BY m.id",
        )
        .bind(self.tenant)
        .bind(ticket)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(author, from_support, body, at)| TicketMessage {
                author,
                from_support,
                body,
                at,
            })
            .collect())
    }

    /// The organization's owners and admins: whom its tickets may be assigned to.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn support_staff(&self) -> Result<Vec<(UserId, PersonName)>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND m.role IN ('owner', 'admin') ORDER BY u.name",
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn insert_ticket(
        &self,
        tx: &mut Tx,
        ticket: TicketId,
        new: &NewTicket,
        opener: UserId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO tickets (id, tenant_id, subject, priority, status, opened_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'open', $5, $6, $6)",
        )
        .bind(ticket)
        .bind(self.tenant)
        .bind(&new.subject)
        .bind(new.priority)
        .bind(opener)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn add_ticket_message(
        &self,
        tx: &mut Tx,
        ticket: TicketId,
        author: UserId,
        from_support: bool,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO ticket_messages (ticket_id, tenant_id, author_id, from_support, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(ticket)
        .bind(self.tenant)
        .bind(author)
        .bind(from_support)
        .bind(body)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The ticket's status and opener, locked for a change (on SQLite the one writer is
    /// the lock).
    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn lock_ticket(
        &self,
        tx: &mut Tx,
        ticket: TicketId,
    ) -> Result<Option<(TicketStatus, UserId)>> {
        let lock = match tx.dialect() {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        };
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("SELECT status, opened_by FROM tickets WHERE tenant_id = $1 AND id = $2{lock}")),
        )
        .bind(self.tenant)
        .bind(ticket)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Sets the status, and the assignee when `assignee` is given (`Some(None)` clears it).
    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket, %status))]
    pub async fn set_ticket(
        &self,
        tx: &mut Tx,
        ticket: TicketId,
        status: TicketStatus,
        assignee: Option<Option<UserId>>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (set_assignee, assignee) = match assignee {
            Some(who) => (true, who),
            None => (false, None),
        };
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE tickets SET status = $3, updated_at = $4,
                    assignee_id = CASE WHEN $5 THEN $6 ELSE assignee_id END
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(self.tenant)
        .bind(ticket)
        .bind(status)
        .bind(at)
        .bind(set_assignee)
        .bind(assignee)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

/// A stored file with its bytes, for a download.
#[derive(sqlx::FromRow)]
pub struct StoredFile {
    pub name: FileName,
    pub kind: FileKind,
    pub content: Vec<u8>,
}

/// A file about to be stored: who sent it and what it is.
pub struct NewFile<'a> {
    pub id: TicketFileId,
    pub uploaded_by: UserId,
    pub from_support: bool,
    pub checked: &'a CheckedFile,
    pub content: &'a [u8],
    pub at: DateTime<Utc>,
}

impl TenantData<'_> {
    /// A ticket's files, oldest first (without their bytes).
    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn ticket_files(&self, ticket: TicketId) -> Result<Vec<TicketFile>> {
        type Row = (
            TicketFileId,
            FileName,
            FileKind,
            i64,
            PersonName,
            bool,
            DateTime<Utc>,
        );
        let rows: Vec<Row> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT f.id, f.name, f.kind, f.size, u.name, f.from_support, f.created_at
             FROM ticket_files f JOIN users u ON u.id = f.uploaded_by
             WHERE f.tenant_id = $1 AND f.ticket_id = $2 ORDER BY f.created_at, f.id",
        )
        .bind(self.tenant)
        .bind(ticket)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, kind, size, uploaded_by, from_support, at)| TicketFile {
                    id,
                    name,
                    kind,
                    size,
                    uploaded_by,
                    from_support,
                    at,
                },
            )
            .collect())
    }

    /// One of a ticket's files with its bytes.
    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket, %file))]
    pub async fn ticket_file(
        &self,
        ticket: TicketId,
        file: TicketFileId,
    ) -> Result<Option<StoredFile>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT name, kind, content FROM ticket_files
             WHERE tenant_id = $1 AND ticket_id = $2 AND id = $3",
        )
        .bind(self.tenant)
        .bind(ticket)
        .bind(file)
        .fetch_optional(pool)
        .await)?)
    }

    /// How many files a ticket holds, inside the transaction that locked it.
    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn count_ticket_files(&self, tx: &mut Tx, ticket: TicketId) -> Result<i64> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM ticket_files WHERE tenant_id = $1 AND ticket_id = $2",
        )
        .bind(self.tenant)
        .bind(ticket)
        .fetch_one(&mut **conn)
        .await)?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, %ticket))]
    pub async fn insert_ticket_file(
        &self,
        tx: &mut Tx,
        ticket: TicketId,
        file: &NewFile<'_>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO ticket_files (id, ticket_id, tenant_id, uploaded_by, from_support, name, kind, size, content, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(file.id)
        .bind(ticket)
        .bind(self.tenant)
        .bind(file.uploaded_by)
        .bind(file.from_support)
        .bind(&file.checked.name)
        .bind(file.checked.kind)
        .bind(i64::try_from(file.content.len()).unwrap_or(i64::MAX))
        .bind(file.content)
        .bind(file.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

impl PlatformData<'_> {
    /// Every organization's tickets, those waiting for support first.
    #[instrument(skip_all)]
    pub async fn all_tickets(&self) -> Result<Vec<TicketSummary>> {
        let rows: Vec<TicketRow> = with_reader!(self.store, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{SELECT} {ORDER} LIMIT 500")),
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|row| StoredTicket::from(row).summary)
            .collect())
    }

    /// The organization a ticket belongs to.
    #[instrument(skip_all, fields(%ticket))]
    pub async fn ticket_tenant(&self, ticket: TicketId) -> Result<Option<TenantId>> {
        Ok(with_reader!(self.store, pool => sqlx::query_scalar(
            "SELECT tenant_id FROM tickets WHERE id = $1",
        )
        .bind(ticket)
        .fetch_optional(pool)
        .await)?)
    }
}

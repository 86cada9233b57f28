//! Live events as stored: numbered, kept an hour so a tab that reconnects can catch up.

use chrono::{DateTime, Utc};
use shared::ids::TenantId;
use shared::live::{Change, LiveEvent, Topic};
use tracing::instrument;

use super::{
    Dialect, PlatformData, Store, TenantData, Tx, on_tx, with_reader, with_tenant_reader,
    with_writer,
};
use crate::error::Result;

/// The advisory lock (PostgreSQL) that numbers live events in commit order.
const NUMBERING_LOCK: i64 = 0x4154_5249_554d; // "ATRIUM"

impl Tx {
    /// Records that `change` happened in `tenant`; subscribers get it once this transaction
    /// commits (on PostgreSQL, every server instance does). The event is written and
    /// numbered as the transaction commits (see [`Tx::write_events`]).
    pub async fn publish(&mut self, tenant: TenantId, change: Change) -> Result<()> {
        self.pending_events.push((tenant, change));
        Ok(())
    }

    /// Writes the published events, numbered, just before commit. On PostgreSQL the
    /// transaction first takes an advisory lock held until it commits, so a later id can
    /// never commit before an earlier one: a tab that saw event N has seen every event
    /// below N, and resuming from N misses nothing. Taken last, after every other lock the
    /// transaction needed, so waiting for it cannot deadlock.
    #[instrument(skip_all, fields(events = self.pending_events.len()))]
    pub(super) async fn write_events(&mut self) -> Result<Vec<LiveEvent>> {
        let pending = std::mem::take(&mut self.pending_events);
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let postgres = self.dialect() == Dialect::Postgres;
        if postgres {
            on_tx!(self, conn => sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(NUMBERING_LOCK)
                .execute(&mut **conn)
                .await
                .map(|_| ()))?;
        }
        let mut events = Vec::with_capacity(pending.len());
        for (tenant, change) in pending {
            let topic = change.topic();
            let payload = serde_json::to_string(&change).map_err(anyhow::Error::from)?;
            let id: i64 = on_tx!(self, conn => sqlx::query_scalar(
                "INSERT INTO live_events (tenant_id, topic, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(tenant)
            .bind(topic)
            .bind(&payload)
            .bind(crate::time::now())
            .fetch_one(&mut **conn)
            .await)?;
            let event = LiveEvent {
                id,
                tenant,
                topic,
                change,
            };
            if postgres {
                let envelope = self.events.envelope(&event);
                on_tx!(self, conn => sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(crate::events::CHANNEL)
                    .bind(envelope)
                    .execute(&mut **conn)
                    .await
                    .map(|_| ()))?;
            }
            events.push(event);
        }
        Ok(events)
    }
}

/// What a reconnecting tab missed.
pub struct Replay {
    pub events: Vec<LiveEvent>,
    /// False when more was missed than fits, or when some of it was already pruned: the tab
    /// must reload instead.
    pub complete: bool,
}

/// Events of `topics` after `since`, oldest first, at most `limit`: of one tenant, or of
/// every tenant (`tenant: None`, for a super admin's platform subscription).
async fn events_since(
    store: &Store,
    tenant: Option<TenantId>,
    since: i64,
    topics: &[Topic],
    limit: i64,
) -> Result<Replay> {
    // The topic names are our own constants, never input.
    let names = topics
        .iter()
        .map(|t| format!("'{}'", t.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let scope = if tenant.is_some() {
        "tenant_id = $3 AND"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id, tenant_id, topic, payload FROM live_events WHERE {scope} id > $1 AND topic IN ({names}) ORDER BY id LIMIT $2"
    );
    let rows: Vec<(i64, TenantId, Topic, String)> = with_reader!(store, pool => {
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(since)
            .bind(limit + 1);
        match tenant {
            Some(tenant) => query.bind(tenant),
            None => query,
        }
        .fetch_all(pool)
        .await
    })?;
    let oldest: Option<i64> = with_reader!(store, pool => sqlx::query_scalar("SELECT MIN(id) FROM live_events")
        .fetch_one(pool)
        .await)?;
    let pruned = oldest.is_some_and(|oldest| since + 1 < oldest);
    let complete = rows.len() as i64 <= limit && !pruned;
    let events = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .filter_map(|(id, tenant, topic, payload)| {
            let change = serde_json::from_str(&payload).ok()?;
            Some(LiveEvent {
                id,
                tenant,
                topic,
                change,
            })
        })
        .collect();
    Ok(Replay { events, complete })
}

impl TenantData<'_> {
    /// This workspace's events of these topics after `since`, oldest first, at most `limit`.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn live_events_since(
        &self,
        since: i64,
        topics: &[Topic],
        limit: i64,
    ) -> Result<Replay> {
        events_since(self.store, Some(self.tenant), since, topics, limit).await
    }

    /// The newest event id of this workspace: where a new subscription starts (another
    /// workspace's activity is not visible in it).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn live_cursor(&self) -> Result<i64> {
        let id: Option<i64> = with_tenant_reader!(self, pool => sqlx::query_scalar(
            "SELECT MAX(id) FROM live_events WHERE tenant_id = $1",
        )
        .bind(self.tenant)
        .fetch_one(pool)
        .await)?;
        Ok(id.unwrap_or(0))
    }
}

impl PlatformData<'_> {
    /// Every workspace's events of these topics after `since` (a super admin's view).
    #[instrument(skip_all)]
    pub async fn live_events_since(
        &self,
        since: i64,
        topics: &[Topic],
        limit: i64,
    ) -> Result<Replay> {
        events_since(self.store, None, since, topics, limit).await
    }

    /// The newest event id of any workspace.
    #[instrument(skip_all)]
    pub async fn live_cursor(&self) -> Result<i64> {
        let id: Option<i64> = with_reader!(self.store, pool => sqlx::query_scalar("SELECT MAX(id) FROM live_events")
            .fetch_one(pool)
            .await)?;
        Ok(id.unwrap_or(0))
    }
}

impl Store {
    /// Starts the bus's cursor at the newest stored event, so pages rendered before anything
    /// new happens point their tabs at the present rather than at the beginning.
    #[instrument(skip_all)]
    pub async fn seed_live_cursor(&self) -> Result<()> {
        let id: Option<i64> = with_reader!(self, pool => sqlx::query_scalar("SELECT MAX(id) FROM live_events")
            .fetch_one(pool)
            .await)?;
        self.events.saw(id.unwrap_or(0));
        Ok(())
    }

    /// Forgets events older than `before`.
    #[instrument(skip_all)]
    pub async fn prune_live_events(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(
            with_writer!(self, pool => sqlx::query("DELETE FROM live_events WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?,
        )
    }
}

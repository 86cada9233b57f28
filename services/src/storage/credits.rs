//! The credits ledger as stored: entries are only ever inserted (triggers refuse UPDATE and
//! DELETE), and the balance is their sum.

use chrono::{DateTime, Utc};
use shared::billing::{Currency, Money};
use shared::credits::{CreditEntry, CreditKind};
use shared::ids::{TenantId, UserId};
use tracing::instrument;

use super::{PlatformData, TenantData, Tx, on_tenant_tx, with_reader, with_tenant_reader};
use crate::error::Result;

/// The balance: the sum of the ledger, never stored on its own.
const BALANCE: &str =
    "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM credit_entries WHERE tenant_id = $1";

impl TenantData<'_> {
    /// The balance as `tx` sees it (lock the tenant first when about to take from it).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn credit_balance_in(&self, tx: &mut Tx) -> Result<i64> {
        let sum: Option<i64> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            BALANCE,
        )
        .bind(self.tenant)
        .fetch_one(&mut **conn)
        .await)?;
        Ok(sum.unwrap_or(0))
    }

    /// Appends an entry; `amount_minor` carries the kind's sign.
    #[instrument(skip_all, fields(tenant = %self.tenant, %kind))]
    pub async fn add_credit_entry(
        &self,
        tx: &mut Tx,
        kind: CreditKind,
        amount_minor: i64,
        note: &str,
        actor: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO credit_entries (tenant_id, kind, amount_minor, note, actor_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.tenant)
        .bind(kind)
        .bind(amount_minor)
        .bind(note)
        .bind(actor)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The balance and the newest `limit` entries, newest first, in one read: each row
    /// carries the sum of every entry (`SUM(…) OVER ()` is taken before the limit); no
    /// entries is a zero balance. `limit` is at least one, or the balance has no row to ride.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn credit_statement(&self, limit: i64) -> Result<(i64, Vec<CreditEntry>)> {
        let rows: Vec<(CreditKind, i64, String, DateTime<Utc>, i64)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT kind, amount_minor, note, created_at, CAST(SUM(amount_minor) OVER () AS BIGINT)
             FROM credit_entries WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(self.tenant)
        .bind(limit.max(1))
        .fetch_all(pool)
        .await)?;
        let balance = rows.first().map_or(0, |row| row.4);
        let entries = rows
            .into_iter()
            .map(|(kind, amount, note, created_at, _)| CreditEntry {
                kind,
                amount: Money::new(amount, Currency::Usd),
                note,
                created_at,
            })
            .collect();
        Ok((balance, entries))
    }
}

impl PlatformData<'_> {
    /// Every tenant's balance (tenants without entries are absent).
    #[instrument(skip_all)]
    pub async fn credit_balances(&self) -> Result<Vec<(TenantId, i64)>> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT tenant_id, CAST(SUM(amount_minor) AS BIGINT) FROM credit_entries GROUP BY tenant_id",
        )
        .fetch_all(pool)
        .await)?)
    }
}

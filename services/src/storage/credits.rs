//! The credits ledger as stored: entries are only ever inserted (triggers refuse UPDATE and
//! DELETE), and the balance is their sum.

use chrono::{DateTime, Utc};
use shared::credits::CreditKind;
use shared::ids::{TenantId, UserId};
use tracing::instrument;

use super::{PlatformData, TenantData, Tx, on_tenant_tx, with_reader};
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

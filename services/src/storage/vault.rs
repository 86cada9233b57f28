//! Vault keys as stored: sealed, with the last four characters in the clear. Every method is
//! scoped to the tenant and to the person who owns the key. The key rotation (`atrium
//! rotate-key`) reads and rewrites every sealed value of every table here.

use chrono::{DateTime, Utc};
use shared::ids::{UserId, VaultKeyId};
use shared::names::KeyLabel;
use shared::vault::{Provider, VaultKeyView};
use tracing::instrument;

use super::{TenantData, Tx, on_tenant_tx, on_tx, with_tenant_reader};
use crate::error::Result;

/// A new key for [`TenantData::insert_vault_key`].
pub struct NewVaultKey<'a> {
    pub id: VaultKeyId,
    pub user: UserId,
    pub provider: Provider,
    pub label: &'a KeyLabel,
    pub sealed: &'a [u8],
    pub last_four: &'a str,
    pub at: DateTime<Utc>,
}

impl TenantData<'_> {
    /// `user`'s keys in this workspace, newest first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn vault_keys(&self, user: UserId) -> Result<Vec<VaultKeyView>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT id, provider, label, last_four, created_at, rotated_at, last_used_at FROM vault_keys
             WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC",
        )
        .bind(self.tenant)
        .bind(user)
        .fetch_all(pool)
        .await)?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn insert_vault_key(&self, tx: &mut Tx, key: &NewVaultKey<'_>) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO vault_keys (id, tenant_id, user_id, provider, label, sealed, last_four, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(key.id)
        .bind(self.tenant)
        .bind(key.user)
        .bind(key.provider)
        .bind(key.label)
        .bind(key.sealed)
        .bind(key.last_four)
        .bind(key.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The provider of `user`'s key `id`, read inside `tx`; `None` when it is not theirs.
    #[instrument(skip_all, fields(tenant = %self.tenant, key = %id))]
    pub async fn vault_key_provider(
        &self,
        tx: &mut Tx,
        id: VaultKeyId,
        user: UserId,
    ) -> Result<Option<Provider>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT provider FROM vault_keys WHERE tenant_id = $1 AND id = $2 AND user_id = $3",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(user)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Replaces the secret of `user`'s key `id` (a rotation at the provider).
    #[instrument(skip_all, fields(tenant = %self.tenant, key = %id))]
    pub async fn replace_vault_secret(
        &self,
        tx: &mut Tx,
        id: VaultKeyId,
        user: UserId,
        sealed: &[u8],
        last_four: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE vault_keys SET sealed = $4, last_four = $5, rotated_at = $6
             WHERE tenant_id = $1 AND id = $2 AND user_id = $3",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(user)
        .bind(sealed)
        .bind(last_four)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected() == 1))?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, key = %id))]
    pub async fn delete_vault_key(
        &self,
        tx: &mut Tx,
        id: VaultKeyId,
        user: UserId,
    ) -> Result<bool> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query(
            "DELETE FROM vault_keys WHERE tenant_id = $1 AND id = $2 AND user_id = $3",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(user)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected() == 1))?)
    }

    /// `user`'s newest key for `provider` here (its id and last four), and marks it used.
    #[instrument(skip_all, fields(tenant = %self.tenant, %provider))]
    pub async fn use_vault_key(
        &self,
        tx: &mut Tx,
        user: UserId,
        provider: Provider,
        at: DateTime<Utc>,
    ) -> Result<Option<(VaultKeyId, String)>> {
        let found: Option<(VaultKeyId, String)> = on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT id, last_four FROM vault_keys WHERE tenant_id = $1 AND user_id = $2 AND provider = $3
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(self.tenant)
        .bind(user)
        .bind(provider)
        .fetch_optional(&mut **conn)
        .await)?;
        if let Some((id, _)) = &found {
            on_tenant_tx!(self, tx, conn => sqlx::query(
                "UPDATE vault_keys SET last_used_at = $2 WHERE id = $1 AND tenant_id = $3 AND user_id = $4",
            )
                .bind(*id)
                .bind(at)
                .bind(self.tenant)
                .bind(user)
                .execute(&mut **conn)
                .await
                .map(|_| ()))?;
        }
        Ok(found)
    }
}

/// Where a sealed value lives, and so what purpose it was sealed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealedKind {
    /// `totp_credentials.secret`, purpose `totp:<user id>`.
    Totp,
    /// `webhook_secrets.sealed`, purpose `webhook-secret:<tenant id>`.
    WebhookSecret,
    /// `vault_keys.sealed`, purpose `vault:<key id>`.
    Vault,
}

impl SealedKind {
    pub const ALL: [SealedKind; 3] = [Self::Totp, Self::WebhookSecret, Self::Vault];

    const fn table(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Totp => ("totp_credentials", "user_id", "secret"),
            Self::WebhookSecret => ("webhook_secrets", "tenant_id", "sealed"),
            Self::Vault => ("vault_keys", "id", "sealed"),
        }
    }
}

/// One sealed value, by the row that holds it.
pub struct SealedRow {
    pub kind: SealedKind,
    pub id: uuid::Uuid,
    pub sealed: Vec<u8>,
}

impl Tx {
    /// Locks every table holding sealed values against writes until this transaction ends
    /// (PostgreSQL; the key rotation).
    pub async fn lock_sealed_tables(&mut self) -> Result<()> {
        let tables = SealedKind::ALL
            .iter()
            .map(|k| k.table().0)
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE");
        on_tx!(self, conn => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Every sealed value of `kind` (for the key rotation, which rewrites them all).
    pub async fn sealed_rows(&mut self, kind: SealedKind) -> Result<Vec<SealedRow>> {
        let (table, id, column) = kind.table();
        let sql = format!("SELECT {id}, {column} FROM {table}");
        let rows: Vec<(uuid::Uuid, Vec<u8>)> = on_tx!(self, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_all(&mut **conn)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|(id, sealed)| SealedRow { kind, id, sealed })
            .collect())
    }

    /// Writes a value sealed again (under a new key) back to its row.
    pub async fn reseal(&mut self, row: &SealedRow) -> Result<()> {
        let (table, id, column) = row.kind.table();
        let sql = format!("UPDATE {table} SET {column} = $2 WHERE {id} = $1");
        on_tx!(self, conn => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(row.id)
            .bind(&row.sealed)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}

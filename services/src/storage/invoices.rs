//! Invoices as stored: figures fixed at issue (a trigger refuses changing them), the payment
//! status and the append-only payment attempts.

use chrono::{DateTime, Utc};
use shared::billing::invoice::{
    InvoiceDraft, InvoiceLine, InvoiceStatus, InvoiceSummary, PaymentAttempt, Period, TaxRate,
};
use shared::billing::{Currency, Money};
use shared::ids::{InvoiceId, TenantId, UserId};
use tracing::instrument;

use super::{
    Dialect, JsonColumn, Store, TenantData, Tx, on_tenant_tx, with_reader, with_tenant_reader,
};
use crate::error::{Error, Result};

pub(super) const SUMMARY: &str = "id, number, period, status, total_minor, currency, issued_at";

/// [`SUMMARY`]'s columns folded into JSON (`Dialect::json_rows`).
pub(super) const SUMMARY_JSON: [JsonColumn; 7] = [
    JsonColumn::Uuid("id"),
    JsonColumn::Value("number"),
    JsonColumn::Value("period"),
    JsonColumn::Value("status"),
    JsonColumn::Value("total_minor"),
    JsonColumn::Value("currency"),
    JsonColumn::Value("issued_at"),
];

type SummaryRow = (
    InvoiceId,
    String,
    String,
    InvoiceStatus,
    i64,
    Currency,
    DateTime<Utc>,
);

fn summary(row: SummaryRow) -> Result<InvoiceSummary> {
    let (id, number, period, status, total, currency, issued_at) = row;
    Ok(InvoiceSummary {
        id,
        number,
        period: Period::parse(&period).map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))?,
        status,
        total: Money::new(total, currency),
        issued_at,
    })
}

/// Invoice summaries out of their rows, the newest month first (one invoice per month).
fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<InvoiceSummary>> {
    let mut invoices = rows.into_iter().map(summary).collect::<Result<Vec<_>>>()?;
    invoices.sort_by_key(|invoice| std::cmp::Reverse(invoice.period));
    Ok(invoices)
}

/// Invoice summaries out of [`SUMMARY`]'s rows folded into JSON, in [`summaries`]' order.
pub(super) fn summaries_of_json(json: &str) -> Result<Vec<InvoiceSummary>> {
    summaries(super::parse_json_rows(json)?)
}

/// What a month's invoice is computed from, as stored.
pub struct BillableMonth {
    /// Active services priced per month: name, price, currency.
    pub monthly_services: Vec<(String, i64, Currency)>,
    /// Per provider, on the platform's keys: quantity and cost (minor units).
    pub provider_costs: Vec<(String, i64, i64)>,
    /// What credits covered during the month (a positive amount).
    pub credits_consumed: i64,
}

impl TenantData<'_> {
    /// The figures of `period` (`[start, end)`), read inside the issuing transaction.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn billable_month(
        &self,
        tx: &mut Tx,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<BillableMonth> {
        let monthly_services = on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT s.name, s.price_minor, s.currency FROM service_activations a
             JOIN services s ON s.id = a.service_id
             WHERE a.tenant_id = $1 AND a.status = 'active' AND s.unit = 'month' AND a.requested_at < $2
             ORDER BY s.name",
        )
        .bind(self.tenant)
        .bind(end)
        .fetch_all(&mut **conn)
        .await)?;
        let provider_costs = on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT provider, CAST(SUM(quantity) AS BIGINT), CAST(SUM(cost_minor) AS BIGINT)
             FROM usage_events
             WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3
               AND provider IS NOT NULL AND vault_key_id IS NULL
             GROUP BY provider ORDER BY provider",
        )
        .bind(self.tenant)
        .bind(start)
        .bind(end)
        .fetch_all(&mut **conn)
        .await)?;
        let consumed: Option<i64> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT CAST(-SUM(amount_minor) AS BIGINT) FROM credit_entries
             WHERE tenant_id = $1 AND kind = 'consumption' AND created_at >= $2 AND created_at < $3",
        )
        .bind(self.tenant)
        .bind(start)
        .bind(end)
        .fetch_one(&mut **conn)
        .await)?;
        Ok(BillableMonth {
            monthly_services,
            provider_costs,
            credits_consumed: consumed.unwrap_or(0),
        })
    }

    /// Stores an issued invoice; returns its id, or `None` when the month already has one.
    #[instrument(skip_all, fields(tenant = %self.tenant, %number))]
    pub async fn insert_invoice(
        &self,
        tx: &mut Tx,
        number: &str,
        period: Period,
        draft: &InvoiceDraft,
        issued_at: DateTime<Utc>,
    ) -> Result<Option<InvoiceId>> {
        // Nothing to pay: settled as it is issued.
        let (status, paid_at) = if draft.total.minor == 0 {
            (InvoiceStatus::Paid, Some(issued_at))
        } else {
            (InvoiceStatus::Open, None)
        };
        let lines = serde_json::to_string(&draft.lines)
            .map_err(|e| Error::Internal(anyhow::anyhow!("invoice lines: {e}")))?;
        let id = InvoiceId::from_uuid(uuid::Uuid::now_v7());
        let done = on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO invoices (id, tenant_id, number, period, currency, lines, subtotal_minor, tax_rate_bp,
                                   tax_minor, total_minor, status, issued_at, paid_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (tenant_id, period) DO NOTHING",
        )
        .bind(id)
        .bind(self.tenant)
        .bind(number)
        .bind(period.to_string())
        .bind(draft.currency)
        .bind(lines)
        .bind(draft.subtotal.minor)
        .bind(i64::from(draft.tax_rate.basis_points()))
        .bind(draft.tax.minor)
        .bind(draft.total.minor)
        .bind(status)
        .bind(issued_at)
        .bind(paid_at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        Ok((done == 1).then_some(id))
    }

    /// Every invoice, the newest month first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn invoices(&self) -> Result<Vec<InvoiceSummary>> {
        let rows: Vec<SummaryRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("SELECT {SUMMARY} FROM invoices WHERE tenant_id = $1")),
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?;
        summaries(rows)
    }

    /// One invoice by number, with its lines and payment attempts.
    #[instrument(skip_all, fields(tenant = %self.tenant, %number))]
    pub async fn invoice(
        &self,
        number: &str,
    ) -> Result<Option<(InvoiceSummary, InvoiceDraft, Vec<PaymentAttempt>)>> {
        type FullRow = (
            InvoiceId,
            String,
            String,
            InvoiceStatus,
            i64,
            Currency,
            DateTime<Utc>,
            String,
            i64,
            i64,
            i64,
        );
        let row: Option<FullRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT {SUMMARY}, lines, subtotal_minor, tax_rate_bp, tax_minor FROM invoices WHERE tenant_id = $1 AND number = $2"
            )),
        )
        .bind(self.tenant)
        .bind(number)
        .fetch_optional(pool)
        .await)?;
        let Some((
            id,
            number,
            period,
            status,
            total,
            currency,
            issued_at,
            lines,
            subtotal,
            tax_rate,
            tax,
        )) = row
        else {
            return Ok(None);
        };
        let head = (id, number, period, status, total, currency, issued_at);
        let summary = summary(head)?;
        let currency = summary.total.currency;
        let lines: Vec<InvoiceLine> = serde_json::from_str(&lines)
            .map_err(|e| Error::Internal(anyhow::anyhow!("invoice lines: {e}")))?;
        let draft = InvoiceDraft {
            currency,
            lines,
            subtotal: Money::new(subtotal, currency),
            tax_rate: u32::try_from(tax_rate)
                .ok()
                .and_then(|bp| TaxRate::from_basis_points(bp).ok())
                .unwrap_or_default(),
            tax: Money::new(tax, currency),
            total: summary.total,
        };
        let payments: Vec<(DateTime<Utc>, String, String, bool, String, String)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT at, provider, method, succeeded, reference, message FROM invoice_payments
             WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY id",
        )
        .bind(self.tenant)
        .bind(summary.id)
        .fetch_all(pool)
        .await)?;
        let payments = payments
            .into_iter()
            .map(
                |(at, provider, method, succeeded, reference, message)| PaymentAttempt {
                    at,
                    provider,
                    method,
                    succeeded,
                    reference,
                    message,
                },
            )
            .collect();
        Ok(Some((summary, draft, payments)))
    }

    /// An invoice by number, locked for paying it (on SQLite the one writer is the lock):
    /// its id, status and total, and how many payment attempts it has had.
    #[instrument(skip_all, fields(tenant = %self.tenant, %number))]
    pub async fn lock_invoice(
        &self,
        tx: &mut Tx,
        number: &str,
    ) -> Result<Option<(InvoiceId, InvoiceStatus, Money, i64)>> {
        let lock = match tx.dialect() {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        };
        let row: Option<(InvoiceId, InvoiceStatus, i64, Currency)> = on_tenant_tx!(self, tx, conn => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT id, status, total_minor, currency FROM invoices WHERE tenant_id = $1 AND number = $2{lock}"
            )),
        )
        .bind(self.tenant)
        .bind(number)
        .fetch_optional(&mut **conn)
        .await)?;
        let Some((id, status, total, currency)) = row else {
            return Ok(None);
        };
        let attempts: i64 = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM invoice_payments WHERE tenant_id = $1 AND invoice_id = $2",
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_one(&mut **conn)
        .await)?;
        Ok(Some((id, status, Money::new(total, currency), attempts)))
    }

    /// Records a payment attempt and the status it leaves the invoice in.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn record_payment(
        &self,
        tx: &mut Tx,
        invoice: InvoiceId,
        attempt: &PaymentAttempt,
        actor: Option<UserId>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO invoice_payments (invoice_id, tenant_id, provider, method, succeeded, reference, message, actor_id, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(invoice)
        .bind(self.tenant)
        .bind(&attempt.provider)
        .bind(&attempt.method)
        .bind(attempt.succeeded)
        .bind(&attempt.reference)
        .bind(&attempt.message)
        .bind(actor)
        .bind(attempt.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        let (status, paid_at) = if attempt.succeeded {
            (InvoiceStatus::Paid, Some(attempt.at))
        } else {
            (InvoiceStatus::Failed, None)
        };
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE invoices SET status = $3, paid_at = $4 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(self.tenant)
        .bind(invoice)
        .bind(status)
        .bind(paid_at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

impl Store {
    /// Organizations that existed before `end` and have no invoice for `period` yet.
    #[instrument(skip_all, fields(%period))]
    pub async fn tenants_due_an_invoice(
        &self,
        period: Period,
        end: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, String)>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT t.id, t.slug FROM tenants t
             WHERE t.created_at < $1
               AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = t.id AND i.period = $2)
             ORDER BY t.created_at",
        )
        .bind(end)
        .bind(period.to_string())
        .fetch_all(pool)
        .await)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoices_are_listed_newest_first() {
        let row = |period: &str| -> SummaryRow {
            (
                InvoiceId::from_uuid(uuid::Uuid::nil()),
                period.to_owned(),
                period.to_owned(),
                InvoiceStatus::Open,
                0,
                Currency::Usd,
                Utc::now(),
            )
        };
        let invoices = summaries(vec![row("2026-10"), row("2026-12"), row("2025-12")]).unwrap();
        let numbers: Vec<&str> = invoices.iter().map(|i| i.number.as_str()).collect();
        assert_eq!(numbers, ["2026-12", "2026-10", "2025-12"]);
    }
}

//! Monthly invoices: issued for every organization once a month has closed (by the
//! platform's own run, hourly, so a server that was down catches up), listed on Plan &
//! usage, shown as a printable page, downloaded as CSV, and paid through the payment
//! provider. The figures come from `shared::billing::invoice::compute`.

use chrono::{DateTime, Utc};
use shared::AppError;
use shared::billing::invoice::{
    Invoice, InvoiceInputs, InvoiceSummary, PaymentAttempt, Period, compute, invoice_number,
};
use shared::billing::{Money, PlanTier};
use shared::permissions::Permission;
use tracing::instrument;

use super::payments::Charge;
use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::csv_table::CsvTable;
use crate::error::Result;
use crate::state::Services;
use crate::storage::TenantData;

/// The name the monthly run goes by in refusals and logs.
const RUN: &str = "monthly invoicing";

/// Issues the invoices still missing for the month before `now`; returns how many.
#[instrument(skip_all)]
pub async fn issue_due(svc: &Services, now: DateTime<Utc>) -> Result<usize> {
    let period = Period::of(now).previous();
    issue_period(svc, period, period.next().start(), now).await
}

/// The demo's organizations were created just now: their last month is invoiced as if
/// they had been customers then (its usage history is there), so Plan & usage has one.
pub(crate) async fn issue_for_demo(svc: &Services, now: DateTime<Utc>) -> Result<usize> {
    let period = Period::of(now).previous();
    issue_period(svc, period, now + chrono::TimeDelta::seconds(1), now).await
}

/// Issues `period`'s invoice to every organization created before `created_before` that
/// has none yet.
async fn issue_period(
    svc: &Services,
    period: Period,
    created_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let access = authz::enter_system(RUN);
    authz::require(&access, Permission::InvoicesIssue)?;
    let mut issued = 0;
    for (tenant, slug) in svc
        .store()
        .tenants_due_an_invoice(period, created_before)
        .await?
    {
        let data = svc.store().tenant_for_system(&access, tenant);
        match issue(svc, &data, &slug, period, now).await {
            Ok(true) => issued += 1,
            Ok(false) => {}
            // One organization's failure (a service priced in another currency) must not
            // hold up the others; it is retried on the next run.
            Err(err) => {
                tracing::warn!(%tenant, %period, error = %err.into_app_error(), "an invoice could not be issued")
            }
        }
    }
    if issued > 0 {
        tracing::info!(%period, issued, "invoices issued");
    }
    Ok(issued)
}

/// Computes and stores one organization's invoice for `period`, in one transaction.
async fn issue(
    svc: &Services,
    data: &TenantData<'_>,
    slug: &str,
    period: Period,
    now: DateTime<Utc>,
) -> Result<bool> {
    let tier: PlanTier = data.plan_tier().await?;
    let plan = super::plan_of(svc.store(), tier).await?;
    let mut tx = svc.store().begin().await?;
    let month = data
        .billable_month(&mut tx, period.start(), period.next().start())
        .await?;
    let currency = plan.price.currency;
    let draft = compute(&InvoiceInputs {
        period,
        plan: (tier, plan.price),
        monthly_services: month
            .monthly_services
            .into_iter()
            .map(|(name, minor, currency)| (name, Money::new(minor, currency)))
            .collect(),
        provider_costs: month
            .provider_costs
            .into_iter()
            .map(|(provider, quantity, cost)| {
                (
                    provider,
                    u64::try_from(quantity).unwrap_or(0),
                    Money::new(cost, currency),
                )
            })
            .collect(),
        credits_applied: Money::new(month.credits_consumed, currency),
        tax_rate: svc.tax_rate(),
    })
    .map_err(AppError::from)?;
    let number = invoice_number(slug, period);
    let Some(invoice) = data
        .insert_invoice(&mut tx, &number, period, &draft, now)
        .await?
    else {
        return Ok(false);
    };
    crate::customers::attribute_commissions(data, &mut tx, invoice, period, draft.subtotal, now)
        .await?;
    tx.audit(&audit::entry(
        actions::INVOICE_ISSUED,
        None,
        Some(data.tenant_id()),
        Some(number.clone()),
        &ClientInfo::default(),
        serde_json::json!({ "period": period.to_string(), "total_minor": draft.total.minor, "currency": draft.currency }),
    ))
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The organization's invoices, newest first.
#[instrument(skip_all, fields(slug))]
pub async fn list(svc: &Services, caller: &Caller, slug: &str) -> Result<Vec<InvoiceSummary>> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::BillingView)?;
    svc.store().tenant(&access).invoices().await
}

/// One invoice in full (another organization's number is as unknown as a made-up one).
#[instrument(skip_all, fields(slug, number))]
pub async fn get(svc: &Services, caller: &Caller, slug: &str, number: &str) -> Result<Invoice> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::BillingView)?;
    let (summary, draft, payments) = svc
        .store()
        .tenant(&access)
        .invoice(number)
        .await?
        .ok_or_else(|| AppError::not_found(format!("The invoice “{number}”")))?;
    let provider = svc.payments();
    Ok(Invoice {
        can_pay: summary.status.payable() && access.role().can(Permission::InvoicesPay),
        tenant: access.tenant().clone(),
        summary,
        draft,
        payments,
        provider: provider.name().to_owned(),
        methods: provider
            .methods()
            .into_iter()
            .map(|(value, label)| (value.to_owned(), label.to_owned()))
            .collect(),
    })
}

/// The invoice as CSV: one row per line, then subtotal, tax and total.
pub async fn csv(svc: &Services, caller: &Caller, slug: &str, number: &str) -> Result<String> {
    let invoice = get(svc, caller, slug, number).await?;
    to_csv(&invoice)
}

fn to_csv(invoice: &Invoice) -> Result<String> {
    let amount = |m: Money| format!("{}.{:02}", m.minor / 100, (m.minor % 100).abs());
    let signed = |m: Money| {
        if m.minor < 0 && m.minor > -100 {
            format!("-{}", amount(m))
        } else {
            amount(m)
        }
    };
    let mut out = CsvTable::new(&[
        "invoice",
        "period",
        "description",
        "kind",
        "quantity",
        "unit_price",
        "amount",
        "currency",
    ])?;
    let head = &invoice.summary;
    let currency = invoice.draft.currency.as_str().to_uppercase();
    for line in &invoice.draft.lines {
        out.row([
            head.number.as_str(),
            &head.period.to_string(),
            &line.description,
            line.kind.as_str(),
            &line.quantity.to_string(),
            &signed(line.unit_price),
            &signed(line.amount),
            &currency,
        ])?;
    }
    let tax = format!("Tax {}", invoice.draft.tax_rate.text());
    for (label, money) in [
        ("Subtotal", invoice.draft.subtotal),
        (tax.as_str(), invoice.draft.tax),
        ("Total", invoice.draft.total),
    ] {
        out.row([
            head.number.as_str(),
            &head.period.to_string(),
            label,
            "total",
            "",
            "",
            &signed(money),
            &currency,
        ])?;
    }
    out.finish()
}

/// Pays an open (or failed) invoice with `method`, through the payment provider. The
/// invoice is locked while the provider answers, so two clicks cannot charge it twice.
#[instrument(skip_all, fields(slug, number))]
pub async fn pay(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    number: &str,
    method: &str,
) -> Result<Invoice> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::InvoicesPay)?;
    let provider = svc.payments();
    super::payments::check_method(provider, method)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let (id, status, total, attempts) = data
        .lock_invoice(&mut tx, number)
        .await?
        .ok_or_else(|| AppError::not_found(format!("The invoice “{number}”")))?;
    if !status.payable() {
        return Err(AppError::conflict(format!("Invoice {number} is already paid.")).into());
    }
    let charge = Charge {
        invoice_number: number,
        amount: total,
        method,
        idempotency_key: format!("{number}-{}", attempts + 1),
    };
    let (reference, declined) = provider.charge(&charge).await.into_parts();
    let succeeded = declined.is_none();
    let message = declined.unwrap_or_else(|| format!("Paid {}", total.format()));
    let attempt = PaymentAttempt {
        at: crate::time::now(),
        provider: provider.name().to_owned(),
        method: method.to_owned(),
        succeeded,
        reference,
        message: message.clone(),
    };
    data.record_payment(&mut tx, id, &attempt, Some(caller.user_id))
        .await?;
    tx.audit(&audit::entry(
        actions::INVOICE_PAYMENT,
        Some(caller.user_id),
        Some(data.tenant_id()),
        Some(number.to_owned()),
        client,
        serde_json::json!({ "succeeded": succeeded, "method": method, "reference": attempt.reference, "amount_minor": total.minor }),
    ))
    .await?;
    tx.commit().await?;
    if !succeeded {
        return Err(AppError::PaymentDeclined { reason: message }.into());
    }
    get(svc, caller, slug, number).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::billing::Currency;
    use shared::billing::invoice::InvoiceStatus;
    use shared::billing::invoice::{InvoiceDraft, InvoiceLine, LineKind, TaxRate};
    use shared::ids::InvoiceId;

    #[test]
    fn the_csv_lists_every_line_and_the_totals() {
        let usd = |m| Money::new(m, Currency::Usd);
        let invoice = Invoice {
            summary: InvoiceSummary {
                id: InvoiceId::from_uuid(uuid::Uuid::nil()),
                number: "INV-ACME-2026-11".into(),
                period: Period::parse("2026-11").unwrap(),
                status: InvoiceStatus::Open,
                total: usd(5_355),
                issued_at: Utc::now(),
            },
            tenant: shared::tenants::TenantSummary {
                id: shared::ids::TenantId::from_uuid(uuid::Uuid::nil()),
                slug: shared::slug::Slug::parse("acme").unwrap(),
                name: shared::names::TenantName::parse("Acme").unwrap(),
                variant: shared::platform::PlatformVariant::Standard,
                status: shared::platform::TenantStatus::Active,
            },
            draft: InvoiceDraft {
                currency: Currency::Usd,
                lines: vec![
                    InvoiceLine {
                        kind: LineKind::Plan,
                        description: "Pro plan, November 2026".into(),
                        quantity: 1,
                        unit_price: usd(4_900),
                        amount: usd(4_900),
                    },
                    InvoiceLine {
                        kind: LineKind::Credits,
                        description: "Credits applied".into(),
                        quantity: 1,
                        unit_price: usd(-5),
                        amount: usd(-5),
                    },
                ],
                subtotal: usd(4_895),
                tax_rate: TaxRate::parse("9.4").unwrap(),
                tax: usd(460),
                total: usd(5_355),
            },
            payments: vec![],
            can_pay: true,
            provider: "Test payments".into(),
            methods: vec![],
        };
        let text = to_csv(&invoice).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows,
            [
                "invoice,period,description,kind,quantity,unit_price,amount,currency",
                "INV-ACME-2026-11,2026-11,\"Pro plan, November 2026\",plan,1,49.00,49.00,USD",
                "INV-ACME-2026-11,2026-11,Credits applied,credits,1,-0.05,-0.05,USD",
                "INV-ACME-2026-11,2026-11,Subtotal,total,,,48.95,USD",
                "INV-ACME-2026-11,2026-11,Tax 9.4 %,total,,,4.60,USD",
                "INV-ACME-2026-11,2026-11,Total,total,,,53.55,USD",
            ]
        );
    }
}

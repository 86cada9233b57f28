//! Credits: super admins grant, refund and expire them by hand; metered usage with a provider
//! cost consumes them (as far as the balance goes) in the same transaction that records it.
//! Falling below the low-balance line tells the owners and admins once per crossing.

use shared::billing::{Currency, Money};
use shared::credits::{
    CreditAdjustment, CreditEntry, CreditKind, CreditsView, LOW_BALANCE_MINOR, check_expiry,
    covered, crosses_low,
};
use shared::ids::{NotificationId, UserId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::security::NotificationKind;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::notifications::NewNotification;
use crate::storage::{TenantData, Tx};

/// Entries the Plan & usage page lists.
pub(super) const SHOWN: i64 = 10;

/// The organization's credits for its Plan & usage page: the balance and the newest entries.
pub(super) fn view(balance: i64, entries: Vec<CreditEntry>) -> CreditsView {
    CreditsView {
        balance: Money::new(balance, Currency::Usd),
        low: balance < LOW_BALANCE_MINOR,
        entries,
    }
}

/// A super admin grants, refunds or expires a tenant's credits.
#[instrument(skip_all, fields(slug, kind = %adjustment.kind))]
pub async fn adjust(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    adjustment: &CreditAdjustment,
) -> Result<i64> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::CreditsManage)?;
    let data = super::plans::platform_tenant(svc, &access, slug).await?;
    let mut tx = svc.store().begin().await?;
    data.lock_for_member_change(&mut tx).await?;
    let before = data.credit_balance_in(&mut tx).await?;
    check_expiry(before, adjustment)?;
    data.add_credit_entry(
        &mut tx,
        adjustment.kind,
        adjustment.signed_minor(),
        &adjustment.note,
        Some(caller.user_id),
        crate::time::now(),
    )
    .await?;
    let after = before + adjustment.signed_minor();
    tx.audit(&audit::entry(
        actions::CREDITS_ADJUSTED,
        Some(caller.user_id),
        Some(data.tenant_id()),
        Some(adjustment.kind.as_str().to_owned()),
        client,
        serde_json::json!({ "amount_minor": adjustment.signed_minor(), "note": adjustment.note, "before": before, "after": after }),
    ))
    .await?;
    if adjustment.kind == CreditKind::Expiry && crosses_low(before, adjustment.amount.minor) {
        tell_low(&data, &mut tx, after).await?;
    }
    tx.publish(
        data.tenant_id(),
        Change::Credits {
            balance_minor: after,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// An owner buys a pack of credits through the payment provider; the purchase is a ledger
/// entry only once the provider accepted it. Returns the new balance.
#[instrument(skip_all, fields(slug, amount = pack.minor))]
pub async fn purchase(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    pack: Money,
    method: &str,
) -> Result<i64> {
    use super::payments::{Charge, check_method};

    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::InvoicesPay)?;
    let provider = svc.payments();
    check_method(provider, method)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    // One purchase at a time per organization, like every change of its balance.
    data.lock_for_member_change(&mut tx).await?;
    let before = data.credit_balance_in(&mut tx).await?;
    let reference = format!("credits-{}", uuid::Uuid::now_v7().simple());
    let (charged, declined) = provider
        .charge(&Charge {
            invoice_number: &reference,
            amount: pack,
            method,
            idempotency_key: reference.clone(),
        })
        .await
        .into_parts();
    if declined.is_none() {
        data.add_credit_entry(
            &mut tx,
            CreditKind::Purchase,
            pack.minor,
            &format!("Bought {} ({charged})", pack.format()),
            Some(caller.user_id),
            crate::time::now(),
        )
        .await?;
    }
    let after = before + if declined.is_none() { pack.minor } else { 0 };
    tx.audit(&audit::entry(
        if declined.is_none() {
            actions::CREDITS_PURCHASED
        } else {
            actions::CREDITS_PURCHASE_DECLINED
        },
        Some(caller.user_id),
        Some(data.tenant_id()),
        Some(reference.clone()),
        client,
        serde_json::json!({ "amount_minor": pack.minor, "method": method, "before": before, "after": after }),
    ))
    .await?;
    if declined.is_none() {
        tx.publish(
            data.tenant_id(),
            Change::Credits {
                balance_minor: after,
            },
        )
        .await?;
    }
    tx.commit().await?;
    match declined {
        Some(reason) => Err(shared::AppError::PaymentDeclined { reason }.into()),
        None => Ok(after),
    }
}

/// Takes what the balance covers of `cost_minor` (a metered action's provider cost), inside
/// the transaction recording the action; how much it took.
pub async fn consume(
    data: &TenantData<'_>,
    tx: &mut Tx,
    cost_minor: i64,
    user: Option<UserId>,
    what: &str,
) -> Result<i64> {
    if cost_minor <= 0 {
        return Ok(0);
    }
    // One taker at a time per tenant (SQLite has one writer anyway), so the balance read
    // here is the one the entry is taken from.
    data.lock_for_member_change(tx).await?;
    let before = data.credit_balance_in(tx).await?;
    let taken = covered(before, cost_minor);
    if taken == 0 {
        return Ok(0);
    }
    data.add_credit_entry(
        tx,
        CreditKind::Consumption,
        -taken,
        what,
        user,
        crate::time::now(),
    )
    .await?;
    if crosses_low(before, taken) {
        tell_low(data, tx, before - taken).await?;
    }
    tx.publish(
        data.tenant_id(),
        Change::Credits {
            balance_minor: before - taken,
        },
    )
    .await?;
    Ok(taken)
}

async fn tell_low(data: &TenantData<'_>, tx: &mut Tx, balance: i64) -> Result<()> {
    let left = Money::new(balance.max(0), Currency::Usd).format();
    let title = format!("Credits are low: {left} left");
    let body = format!(
        "Below {} of credits, provider costs are billed on the next invoice. See Plan & usage.",
        Money::new(LOW_BALANCE_MINOR, Currency::Usd).format()
    );
    let now = crate::time::now();
    for user in data.billing_contacts(tx).await? {
        tx.notify(&NewNotification {
            id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
            user_id: user,
            kind: NotificationKind::LowCredits,
            title: title.clone(),
            body: body.clone(),
            created_at: now,
        })
        .await?;
    }
    Ok(())
}

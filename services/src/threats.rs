//! The console's security page: the alerts sign-in activity raised (acknowledged, then
//! resolved), the account locks and address blocks running now (lifted by hand when they
//! hit the wrong person), and an operator's own block of an address.

use chrono::TimeDelta;
use shared::AppError;
use shared::ids::SecurityAlertId;
use shared::permissions::Permission;
use shared::threats::{
    AddressBlock, AlertStep, LockSubject, OPEN_SHOWN, RESOLVED_SHOWN, SignInLock, ThreatsConsole,
    WINDOW_HOURS,
};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::auth::throttle;
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;

/// Everything the page shows (super admins).
#[instrument(skip_all)]
pub async fn console(svc: &Services, caller: &Caller) -> Result<ThreatsConsole> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let data = svc.store().platform(&access);
    let now = crate::time::now();
    let (counts, open, resolved, locks) = tokio::try_join!(
        data.threat_counts(now - TimeDelta::hours(WINDOW_HOURS)),
        data.alerts(false, OPEN_SHOWN),
        data.alerts(true, RESOLVED_SHOWN),
        data.running_locks(now),
    )?;
    Ok(ThreatsConsole {
        counts,
        open: open.into_iter().map(|row| row.view()).collect(),
        resolved: resolved.into_iter().map(|row| row.view()).collect(),
        locks: locks
            .into_iter()
            .filter_map(|row| {
                let (kind, subject) = throttle::subject_of(&row.key)?;
                Some(SignInLock {
                    kind,
                    subject,
                    failures: row.failures,
                    until: row.locked_until?,
                })
            })
            .collect(),
    })
}

/// Acknowledges or resolves an alert; doing it twice changes nothing.
#[instrument(skip_all, fields(alert = id, %step))]
pub async fn advance(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    id: &str,
    step: AlertStep,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::ThreatsManage)?;
    let data = svc.store().platform(&access);
    let missing = || AppError::not_found("That alert");
    let id = id.parse::<SecurityAlertId>().map_err(|_| missing())?;
    let alert = data.alert(id).await?.ok_or_else(missing)?;
    let mut tx = svc.store().begin().await?;
    if data
        .advance_alert(&mut tx, id, step, crate::time::now())
        .await?
    {
        tx.audit(&audit::entry(
            match step {
                AlertStep::Acknowledge => actions::ALERT_ACKNOWLEDGED,
                AlertStep::Resolve => actions::ALERT_RESOLVED,
            },
            Some(caller.user_id),
            None,
            Some(alert.subject.clone()),
            client,
            serde_json::json!({ "alert": id, "kind": alert.kind, "occurrences": alert.occurrences }),
        ))
        .await?;
    }
    tx.commit().await
}

/// Blocks sign-ins from an address for the chosen time.
#[instrument(skip_all)]
pub async fn block(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    block: AddressBlock,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::ThreatsManage)?;
    if client.ip == Some(block.address) {
        return Err(AppError::invalid(
            "address",
            "That is the address you are using: blocking it would lock you out.",
        )
        .into());
    }
    let data = svc.store().platform(&access);
    let now = crate::time::now();
    let until = now + block.duration();
    let mut tx = svc.store().begin().await?;
    data.block_key(
        &mut tx,
        &throttle::key_of(&LockSubject::Address(block.address)),
        now,
        until,
    )
    .await?;
    tx.audit(&audit::entry(
        actions::ADDRESS_BLOCKED,
        Some(caller.user_id),
        None,
        Some(block.address.to_string()),
        client,
        serde_json::json!({ "hours": block.hours, "until": until, "note": block.note }),
    ))
    .await?;
    tx.commit().await
}

/// Lifts a running account lock or address block (the failures it counted are forgotten).
#[instrument(skip_all)]
pub async fn lift(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    subject: LockSubject,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::ThreatsManage)?;
    let data = svc.store().platform(&access);
    let key = throttle::key_of(&subject);
    let mut tx = svc.store().begin().await?;
    if !data.lift_key(&mut tx, &key, crate::time::now()).await? {
        return Err(AppError::not_found("A running lock on that").into());
    }
    tx.audit(&audit::entry(
        actions::LOCK_LIFTED,
        Some(caller.user_id),
        None,
        Some(subject.text()),
        client,
        serde_json::json!({ "kind": subject.kind() }),
    ))
    .await?;
    tx.commit().await
}

/// The security page's alerts as CSV: the open ones, then those resolved lately.
#[instrument(skip_all)]
pub async fn alerts_csv(svc: &Services, caller: &Caller) -> Result<String> {
    use crate::csv_table::{CsvTable, time};
    let page = console(svc, caller).await?;
    let mut out = CsvTable::new(&[
        "kind",
        "subject",
        "state",
        "reason",
        "occurrences",
        "raised",
        "last seen",
        "acknowledged",
        "resolved",
        "evidence",
    ])?;
    for alert in page.open.iter().chain(&page.resolved) {
        let state = match (alert.resolved_at, alert.acknowledged_at) {
            (Some(_), _) => "resolved",
            (None, Some(_)) => "acknowledged",
            (None, None) => "new",
        };
        out.row([
            alert.kind.label(),
            &alert.subject,
            state,
            &alert.reason,
            &alert.occurrences.to_string(),
            &time(alert.created_at),
            &time(alert.last_seen_at),
            &alert.acknowledged_at.map(time).unwrap_or_default(),
            &alert.resolved_at.map(time).unwrap_or_default(),
            &alert.evidence,
        ])?;
    }
    out.finish()
}

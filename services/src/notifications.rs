//! In-app notifications: what the platform tells a person about their own account (a
//! sign-in from a new device, a changed password, a reset second factor).

use shared::security::NotificationView;
use tracing::instrument;

use crate::authz::Caller;
use crate::error::Result;
use crate::state::Services;

/// How many notifications the account page shows.
const SHOWN: i64 = 50;

#[instrument(skip_all)]
pub async fn list(svc: &Services, caller: &Caller) -> Result<Vec<NotificationView>> {
    let rows = svc.store().notifications(caller.user_id, SHOWN).await?;
    Ok(rows
        .into_iter()
        .map(|row| NotificationView {
            id: row.id,
            kind: row.kind,
            title: row.title,
            body: row.body,
            created_at: row.created_at,
            read: row.read_at.is_some(),
        })
        .collect())
}

/// Marks every notification of the caller read; returns how many were unread.
#[instrument(skip_all)]
pub async fn mark_read(svc: &Services, caller: &Caller) -> Result<u64> {
    caller.may_change()?;
    svc.store()
        .mark_notifications_read(caller.user_id, crate::time::now())
        .await
}

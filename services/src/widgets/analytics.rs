//! What embedded widgets report about themselves — impressions, interactions, errors, load
//! times — through the public events endpoint, and the analytics builders read from it. A
//! batch is admitted like a submission (a visit the server signed for the widget and site, the
//! live version allowing the site, a budget per address), counted up, and added to the day's
//! roll-up in one transaction: an accepted batch is stored.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use shared::AppError;
use shared::ids::{TenantId, WidgetId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::widgets::events::{EventBatch, WidgetAnalytics};
use tracing::instrument;

use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;

/// How many days the analytics cover, today included.
const DAYS: i64 = 30;
/// Live notices that a widget's counters moved go out at most this often per widget and
/// workspace told: the builder's, and each customer's of a deployment, each at its own pace.
const NOTICE_EVERY: Duration = Duration::from_secs(1);

/// Paces the live notices of widgets' counters: the first batch of a quiet widget is told at
/// once; batches within the next second share one trailing notice at its end, so the last
/// change is always told and a busy widget costs one notice a second.
#[derive(Default)]
pub struct StatsNotices {
    widgets: Mutex<HashMap<Paced, Pacing>>,
}

/// What notices are paced by: the widget, and the workspace told (the builder's, or the
/// customer's of a deployment).
pub type Paced = (WidgetId, TenantId);

struct Pacing {
    /// When the latest notice went (or, with `trailing`, will go) out.
    last: Instant,
    trailing: bool,
}

/// What a batch's notice should do.
#[derive(Debug, PartialEq, Eq)]
pub enum Notice {
    Now,
    /// Go out after this long (the trailing notice).
    After(Duration),
    /// A trailing notice is already on its way and will include this batch.
    Pending,
}

impl StatsNotices {
    pub fn claim(&self, widget: Paced, now: Instant) -> Notice {
        let mut widgets = self.widgets.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(pacing) = widgets.get_mut(&widget) else {
            widgets.insert(
                widget,
                Pacing {
                    last: now,
                    trailing: false,
                },
            );
            return Notice::Now;
        };
        if pacing.trailing {
            Notice::Pending
        } else if now.saturating_duration_since(pacing.last) >= NOTICE_EVERY {
            pacing.last = now;
            Notice::Now
        } else {
            pacing.trailing = true;
            pacing.last += NOTICE_EVERY;
            Notice::After(pacing.last.saturating_duration_since(now))
        }
    }

    fn trailing_sent(&self, widget: Paced) {
        if let Some(pacing) = self
            .widgets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(&widget)
        {
            pacing.trailing = false;
        }
    }

    /// Forgets widgets quiet for a minute (housekeeping).
    pub fn forget_idle(&self) {
        self.widgets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, p| p.trailing || p.last.elapsed() < Duration::from_secs(60));
    }
}

/// Sends a notice of widget `paced.0` to the workspace `paced.1` after `wait` (at once for
/// `Duration::ZERO`), in a task of its own so that a cancelled request cannot lose it.
fn notify_later(svc: &Services, paced: Paced, wait: Duration) {
    let svc = svc.clone();
    let (widget, tenant) = paced;
    tokio::spawn(async move {
        tokio::time::sleep(wait).await;
        let sent = async {
            let mut tx = svc.store().begin().await?;
            tx.publish(tenant, Change::WidgetStats { widget }).await?;
            tx.commit().await
        }
        .await;
        if !wait.is_zero() {
            svc.stats_notices().trailing_sent(paced);
        }
        if let Err(err) = sent {
            tracing::warn!(%widget, error = %err.into_app_error(), "a widget stats notice failed");
        }
    });
}

/// Stores a batch of events reported by `widget`'s frame; returns how many it held.
#[instrument(skip_all, fields(%widget))]
pub async fn record_events(
    svc: &Services,
    client: &ClientInfo,
    widget: WidgetId,
    body: &[u8],
) -> Result<usize> {
    svc.event_limiter().check(client.ip)?;
    let batch = EventBatch::parse(body)?;
    let site = batch.site.as_deref();
    let implementation = super::embed::check_visit(svc, widget, site, &batch.visit)?;
    let access = authz::enter_embed(svc.store(), widget, implementation, site).await?;
    authz::require(&access, Permission::WidgetReport)?;
    let tally = batch.tally();
    let data = svc.store().tenant_for_visitor(&access);
    let site = access.site().map_or("", |s| s.as_str());
    let mut tx = svc.store().begin().await?;
    data.add_widget_stats(
        &mut tx,
        widget,
        access.implementation(),
        crate::time::now().date_naive(),
        site,
        &tally,
        0,
    )
    .await?;
    tx.commit().await?;
    // Claimed once the batch is stored, with nothing left to fail or be cancelled between
    // the claim and the notice it promises.
    // The builder's workspace is told, and for a deployment the customer's too, each paced.
    let now = Instant::now();
    let mut told = vec![access.tenant_id()];
    if access.records_tenant() != access.tenant_id() {
        told.push(access.records_tenant());
    }
    for tenant in told {
        let paced = (widget, tenant);
        match svc.stats_notices().claim(paced, now) {
            Notice::Now => notify_later(svc, paced, Duration::ZERO),
            Notice::After(wait) => notify_later(svc, paced, wait),
            Notice::Pending => {}
        }
    }
    metrics::counter!("atrium_widget_events_total").increment(batch.events.len() as u64);
    Ok(batch.events.len())
}

/// `widget`'s analytics over the last 30 days, for members of its builder workspace.
#[instrument(skip_all, fields(slug, %widget))]
pub async fn analytics(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    widget: WidgetId,
) -> Result<WidgetAnalytics> {
    let access = super::enter(svc, caller, slug, Permission::WidgetsView).await?;
    let data = svc.store().tenant(&access);
    if data.widget(widget).await?.is_none() {
        return Err(AppError::not_found("The widget").into());
    }
    let today = crate::time::now().date_naive();
    let since = today - chrono::Duration::days(DAYS - 1);
    let mut analytics = data.widget_analytics(widget, since).await?;
    analytics.today = today;
    Ok(analytics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_widget_gets_one_notice_now_and_one_trailing() {
        let notices = StatsNotices::default();
        let builder = TenantId::from_uuid(uuid::Uuid::now_v7());
        let paced = |id: WidgetId| (id, builder);
        let widget = paced(WidgetId::from_uuid(uuid::Uuid::now_v7()));
        let other = paced(WidgetId::from_uuid(uuid::Uuid::now_v7()));
        let customer = (widget.0, TenantId::from_uuid(uuid::Uuid::now_v7()));
        let start = Instant::now();
        assert_eq!(notices.claim(widget, start), Notice::Now);
        let soon = start + Duration::from_millis(200);
        assert_eq!(
            notices.claim(widget, soon),
            Notice::After(Duration::from_millis(800))
        );
        assert_eq!(
            notices.claim(widget, start + Duration::from_millis(500)),
            Notice::Pending
        );
        assert_eq!(
            notices.claim(other, soon),
            Notice::Now,
            "each widget its own pace"
        );
        assert_eq!(
            notices.claim(customer, soon),
            Notice::Now,
            "and each workspace told of it"
        );
        notices.trailing_sent(widget);
        assert_eq!(
            notices.claim(widget, start + Duration::from_millis(1100)),
            Notice::After(Duration::from_millis(900))
        );
        notices.trailing_sent(widget);
        assert_eq!(
            notices.claim(widget, start + Duration::from_millis(3100)),
            Notice::Now,
            "a second after the trailing notice"
        );
    }
}

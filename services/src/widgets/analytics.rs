//! What embedded widgets report about themselves — impressions, interactions, errors, load
//! times — through the public events endpoint, and the analytics builders read from it. A
//! batch is admitted like a submission (a visit the server signed for the widget and site, the
//! live version allowing the site, a budget per address), counted up, and added to the day's
//! roll-up in one transaction: an accepted batch is stored.

use shared::AppError;
use shared::ids::WidgetId;
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
    super::embed::check_visit(svc, widget, site, &batch.visit)?;
    let access = authz::enter_embed(svc.store(), widget, site).await?;
    authz::require(&access, Permission::WidgetReport)?;
    let tally = batch.tally();
    let data = svc.store().tenant_for_visitor(&access);
    let site = access.site().map_or("", |s| s.as_str());
    let mut tx = svc.store().begin().await?;
    data.add_widget_stats(
        &mut tx,
        widget,
        crate::time::now().date_naive(),
        site,
        &tally,
        0,
    )
    .await?;
    if svc.stats_notice_due(widget) {
        tx.publish(access.tenant_id(), Change::WidgetStats { widget })
            .await?;
    }
    tx.commit().await?;
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
    let since = crate::time::now().date_naive() - chrono::Duration::days(DAYS - 1);
    data.widget_analytics(widget, since).await
}

//! Widget analytics as stored: one row per widget, day and site with its counters, and the
//! load times per bucket. Each batch of events (and each submission) adds to them with an
//! upsert; the analytics read the last 30 days' rows, never raw events.

use chrono::NaiveDate;
use shared::ids::{ImplementationId, TenantId, WidgetId};
use shared::names::TenantName;
use shared::widgets::events::{
    CustomerTotals, LOAD_BUCKETS, SiteTotals, Tally, WidgetAnalytics, WidgetDay,
};
use tracing::instrument;

use super::{TenantData, Tx, on_tenant_tx, with_tenant_reader};
use crate::error::Result;

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl TenantData<'_> {
    /// Adds a batch's tally and `submissions` to `widget`'s counters of `day` on `site`,
    /// through the customer deployment `deployment` (or the builder's own code).
    #[allow(clippy::too_many_arguments)]
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn add_widget_stats(
        &self,
        tx: &mut Tx,
        widget: WidgetId,
        deployment: Option<ImplementationId>,
        day: NaiveDate,
        site: &str,
        tally: &Tally,
        submissions: u64,
    ) -> Result<()> {
        let deployment = deployment.map_or_else(String::new, |d| d.to_string());
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO widget_stats_daily (tenant_id, widget_id, day, site, deployment, impressions,
                                             interactions, submissions, errors, last_error)
             VALUES ($1, $2, $3, $4, $10, $5, $6, $7, $8, $9)
             ON CONFLICT (widget_id, day, site, deployment) DO UPDATE SET
               impressions = widget_stats_daily.impressions + excluded.impressions,
               interactions = widget_stats_daily.interactions + excluded.interactions,
               submissions = widget_stats_daily.submissions + excluded.submissions,
               errors = widget_stats_daily.errors + excluded.errors,
               last_error = COALESCE(excluded.last_error, widget_stats_daily.last_error)",
        )
        .bind(self.tenant)
        .bind(widget)
        .bind(day)
        .bind(site)
        .bind(count(tally.impressions))
        .bind(count(tally.interactions))
        .bind(count(submissions))
        .bind(count(tally.errors))
        .bind(tally.last_error.as_deref())
        .bind(&deployment)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        for (bucket, loads) in tally.loads.iter().enumerate().filter(|(_, n)| **n > 0) {
            on_tenant_tx!(self, tx, conn => sqlx::query(
                "INSERT INTO widget_load_times (tenant_id, widget_id, day, bucket, loads)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (widget_id, day, bucket) DO UPDATE SET
                   loads = widget_load_times.loads + excluded.loads",
            )
            .bind(self.tenant)
            .bind(widget)
            .bind(day)
            .bind(i32::try_from(bucket).unwrap_or(0))
            .bind(count(*loads))
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        }
        Ok(())
    }

    /// `widget`'s counters since `since` (a day), per day and per site, with its load times.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn widget_analytics(
        &self,
        widget: WidgetId,
        since: NaiveDate,
    ) -> Result<WidgetAnalytics> {
        type Row = (
            NaiveDate,
            String,
            String,
            i64,
            i64,
            i64,
            i64,
            Option<String>,
        );
        let rows: Vec<Row> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT day, site, deployment, impressions, interactions, submissions, errors, last_error
             FROM widget_stats_daily WHERE tenant_id = $1 AND widget_id = $2 AND day >= $3
             ORDER BY day, site, deployment",
        )
        .bind(self.tenant)
        .bind(widget)
        .bind(since)
        .fetch_all(pool)
        .await)?;
        let loads: Vec<(i32, i64)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT bucket, CAST(SUM(loads) AS BIGINT) FROM widget_load_times
             WHERE tenant_id = $1 AND widget_id = $2 AND day >= $3 GROUP BY bucket",
        )
        .bind(self.tenant)
        .bind(widget)
        .bind(since)
        .fetch_all(pool)
        .await)?;
        // The customers this widget is deployed for, by deployment.
        // (Row-level security shows a customer's name only while its link is active.)
        let customers: Vec<(ImplementationId, TenantId, Option<TenantName>)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT i.id, i.customer_tenant_id, t.name
             FROM implementations i
             LEFT JOIN customer_links l ON l.id = i.link_id AND l.status = 'active'
             LEFT JOIN tenants t ON t.id = l.customer_tenant_id
             WHERE i.tenant_id = $1 AND i.widget_id = $2",
        )
        .bind(self.tenant)
        .bind(widget)
        .fetch_all(pool)
        .await)?;
        let customer_of = |deployment: &str| {
            customers
                .iter()
                .find(|(id, ..)| id.to_string() == deployment)
                .map(|(_, customer, name)| (*customer, name.as_ref().map(ToString::to_string)))
        };
        let mut analytics = WidgetAnalytics {
            load_buckets: vec![0; LOAD_BUCKETS.len()],
            ..WidgetAnalytics::default()
        };
        for (bucket, n) in loads {
            if let Some(slot) = usize::try_from(bucket)
                .ok()
                .and_then(|b| analytics.load_buckets.get_mut(b))
            {
                *slot = unsigned(n);
            }
        }
        for (day, site, deployment, impressions, interactions, submissions, errors, last_error) in
            rows
        {
            // A deployment no longer on record counts as the builder's own code.
            let (customer_id, customer) = customer_of(&deployment).unzip();
            let customer = customer.flatten();
            match analytics
                .by_customer
                .iter_mut()
                .find(|c| c.customer_id == customer_id)
            {
                Some(totals) => {
                    totals.impressions += unsigned(impressions);
                    totals.interactions += unsigned(interactions);
                    totals.submissions += unsigned(submissions);
                    totals.errors += unsigned(errors);
                }
                None => analytics.by_customer.push(CustomerTotals {
                    customer_id,
                    customer,
                    impressions: unsigned(impressions),
                    interactions: unsigned(interactions),
                    submissions: unsigned(submissions),
                    errors: unsigned(errors),
                }),
            }
            if analytics.days.last().is_none_or(|d| d.day != day) {
                analytics.days.push(WidgetDay {
                    day,
                    ..WidgetDay::default()
                });
            }
            if let Some(today) = analytics.days.last_mut() {
                today.impressions += unsigned(impressions);
                today.interactions += unsigned(interactions);
                today.submissions += unsigned(submissions);
                today.errors += unsigned(errors);
            }
            match analytics.by_site.iter_mut().find(|s| s.site == site) {
                Some(totals) => {
                    totals.impressions += unsigned(impressions);
                    totals.interactions += unsigned(interactions);
                    totals.errors += unsigned(errors);
                }
                None => analytics.by_site.push(SiteTotals {
                    site,
                    impressions: unsigned(impressions),
                    interactions: unsigned(interactions),
                    errors: unsigned(errors),
                }),
            }
            if last_error.is_some() {
                analytics.last_error = last_error;
            }
        }
        analytics
            .by_site
            .sort_by(|a, b| b.impressions.cmp(&a.impressions).then(a.site.cmp(&b.site)));
        analytics.by_customer.sort_by(|a, b| {
            b.impressions
                .cmp(&a.impressions)
                .then(a.customer.cmp(&b.customer))
        });
        Ok(analytics)
    }
}

//! Plans, each tenant's plan and overrides, usage events with their daily roll-up, and the
//! monthly quota counters.
//!
//! A quota is consumed by one conditional upsert on `usage_counters`: the row only grows
//! while the new total stays within the limit, so concurrent actions can never spend more
//! than the limit between them, on either backend (SQLite has one writer; PostgreSQL locks
//! the row for the upsert and re-checks the condition against the committed total).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use shared::billing::{
    Currency, DailyUsage, Feature, FeatureOverride, LimitOverride, Limits, Metric, Money, Plan,
    PlanTier, ProviderCost, UsageLevel,
};
use shared::ids::{TenantId, UserId};
use tracing::instrument;

use super::{
    JsonColumn, PlatformData, Store, TenantData, Tx, on_tenant_tx, on_tx, parse_json_rows,
    with_reader, with_tenant_reader, with_writer,
};
use crate::error::Result;

macro_rules! plan_columns {
    () => {
        "tier, price_minor, currency, members_limit, widgets_limit, monthly_tokens_limit, monthly_api_calls_limit, api_requests_per_minute, features"
    };
}
const PLAN_COLUMNS: &str = plan_columns!();
const PLANS_SQL: &str = concat!("SELECT ", plan_columns!(), " FROM plans");
const PLAN_TIER_SQL: &str = "SELECT plan_tier FROM tenants WHERE id = $1";
const OVERRIDES_SQL: &str =
    "SELECT metric, limit_value FROM tenant_limit_overrides WHERE tenant_id = $1 ORDER BY metric";
const FEATURE_OVERRIDES_SQL: &str =
    "SELECT feature, enabled FROM tenant_feature_overrides WHERE tenant_id = $1 ORDER BY feature";

fn feature_overrides_from(rows: Vec<(Feature, bool)>) -> Vec<FeatureOverride> {
    rows.into_iter()
        .map(|(feature, on)| FeatureOverride { feature, on })
        .collect()
}

type PlanRow = (
    PlanTier,
    i64,
    Currency,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i32,
    String,
);

fn to_u64(n: Option<i64>) -> Option<u64> {
    n.map(|n| u64::try_from(n).unwrap_or(0))
}

fn to_i64(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn plan_from(row: PlanRow) -> Plan {
    let (tier, price, currency, members, widgets, tokens, calls, rate, features) = row;
    Plan {
        tier,
        price: Money::new(price, currency),
        limits: Limits {
            members: to_u64(members),
            widgets: to_u64(widgets),
            monthly_tokens: to_u64(tokens),
            monthly_api_calls: to_u64(calls),
            api_requests_per_minute: u32::try_from(rate).unwrap_or(1),
        },
        features: features
            .split(',')
            .filter_map(|f| f.parse::<Feature>().ok())
            .collect(),
    }
}

fn overrides_from(rows: Vec<(Metric, Option<i64>)>) -> Vec<LimitOverride> {
    rows.into_iter()
        .map(|(metric, limit)| LimitOverride {
            metric,
            limit: to_u64(limit),
        })
        .collect()
}

fn features_text(plan: &Plan) -> String {
    plan.features
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A plan's columns bound as `$1` (tier) … `$9` (features), `$10` the time, for both the
/// insert of the defaults and a super admin's edit.
macro_rules! bind_plan {
    ($sql:expr, $plan:expr, $at:expr) => {
        sqlx::query(sqlx::AssertSqlSafe($sql))
            .bind($plan.tier)
            .bind($plan.price.minor)
            .bind($plan.price.currency)
            .bind(to_i64($plan.limits.members))
            .bind(to_i64($plan.limits.widgets))
            .bind(to_i64($plan.limits.monthly_tokens))
            .bind(to_i64($plan.limits.monthly_api_calls))
            .bind($plan.limits.api_requests_per_minute as i32)
            .bind(features_text($plan))
            .bind($at)
    };
}

/// One metered action, as recorded.
pub struct NewUsage<'a> {
    pub user: Option<UserId>,
    pub metric: Metric,
    pub quantity: u64,
    pub service: Option<&'a str>,
    pub provider: Option<&'a str>,
    /// The vault key the action ran on (the person's own), if any.
    pub vault_key: Option<shared::ids::VaultKeyId>,
    pub cost_minor: i64,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Writes the default plans where none is stored yet (edits are kept).
    #[instrument(skip_all)]
    pub async fn install_default_plans(&self, at: DateTime<Utc>) -> Result<()> {
        for plan in Plan::defaults() {
            let sql = format!(
                "INSERT INTO plans ({PLAN_COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (tier) DO NOTHING"
            );
            with_writer!(self, pool => bind_plan!(sql.as_str(), &plan, at)
                .execute(pool)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }

    /// Every plan, cheapest tier first. Plans are public facts (the comparison every
    /// workspace shows), not tenant data; kept in the access cache until one is edited.
    #[instrument(skip_all)]
    pub async fn plans(&self) -> Result<Arc<Vec<Plan>>> {
        if let Some(plans) = self.cache.plans() {
            return Ok(plans);
        }
        let seen = self.cache.generation();
        let rows: Vec<PlanRow> = with_reader!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(PLANS_SQL))
            .fetch_all(pool)
            .await)?;
        Ok(self.remember_plans(rows, seen))
    }

    /// [`Store::plans`] read inside `tx`, for checks that run inside a transaction: a read
    /// from the pool there could wait for a connection that other open transactions hold.
    #[instrument(skip_all)]
    pub async fn plans_in(&self, tx: &mut Tx) -> Result<Arc<Vec<Plan>>> {
        if let Some(plans) = self.cache.plans() {
            return Ok(plans);
        }
        let seen = self.cache.generation();
        let rows: Vec<PlanRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(PLANS_SQL))
            .fetch_all(&mut **conn)
            .await)?;
        Ok(self.remember_plans(rows, seen))
    }

    fn remember_plans(
        &self,
        rows: Vec<PlanRow>,
        seen: super::access_cache::Generation,
    ) -> Arc<Vec<Plan>> {
        let mut plans: Vec<Plan> = rows.into_iter().map(plan_from).collect();
        plans.sort_by_key(|p| p.tier);
        let plans = Arc::new(plans);
        self.cache.remember_plans(plans.clone(), seen);
        plans
    }
}

impl PlatformData<'_> {
    #[instrument(skip_all, fields(tier = %plan.tier))]
    pub async fn update_plan(&self, tx: &mut Tx, plan: &Plan, at: DateTime<Utc>) -> Result<()> {
        on_tx!(tx, conn => bind_plan!(
            "UPDATE plans SET price_minor = $2, currency = $3, members_limit = $4, widgets_limit = $5,
             monthly_tokens_limit = $6, monthly_api_calls_limit = $7, api_requests_per_minute = $8,
             features = $9, updated_at = $10 WHERE tier = $1",
            plan,
            at
        )
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        tx.invalidates(super::access_cache::Invalidation::Plans);
        // A plan's white-label feature decides whether its tenants show their branding.
        tx.invalidates(super::access_cache::Invalidation::AllMemberships);
        Ok(())
    }

    /// Every tenant's plan tier and overrides, by tenant.
    #[instrument(skip_all)]
    pub async fn tenant_plans(&self) -> Result<Vec<(TenantId, PlanTier, Vec<LimitOverride>)>> {
        let tiers: Vec<(TenantId, PlanTier)> = with_reader!(self.store, pool => sqlx::query_as(
            "SELECT id, plan_tier FROM tenants ORDER BY name",
        )
        .fetch_all(pool)
        .await)?;
        let overrides: Vec<(TenantId, Metric, Option<i64>)> = with_reader!(self.store, pool => sqlx::query_as(
            "SELECT tenant_id, metric, limit_value FROM tenant_limit_overrides ORDER BY metric",
        )
        .fetch_all(pool)
        .await)?;
        Ok(tiers
            .into_iter()
            .map(|(tenant, tier)| {
                let own = overrides
                    .iter()
                    .filter(|(t, ..)| *t == tenant)
                    .map(|(_, metric, limit)| LimitOverride {
                        metric: *metric,
                        limit: to_u64(*limit),
                    })
                    .collect();
                (tenant, tier, own)
            })
            .collect())
    }

    /// Sets (or, with `None`, removes) a tenant's override of one limit.
    #[instrument(skip_all, fields(tenant = %tenant))]
    pub async fn set_limit_override(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        metric: Metric,
        limit: Option<Option<u64>>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        match limit {
            None => on_tx!(tx, conn => sqlx::query(
                "DELETE FROM tenant_limit_overrides WHERE tenant_id = $1 AND metric = $2",
            )
            .bind(tenant)
            .bind(metric)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?,
            Some(limit) => on_tx!(tx, conn => sqlx::query(
                "INSERT INTO tenant_limit_overrides (tenant_id, metric, limit_value, set_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, metric) DO UPDATE SET limit_value = excluded.limit_value, set_at = excluded.set_at",
            )
            .bind(tenant)
            .bind(metric)
            .bind(to_i64(limit))
            .bind(at)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?,
        }
        Ok(())
    }

    /// Switches `feature` on or off for a tenant against its plan (`None`: follow the plan).
    #[instrument(skip_all, fields(tenant = %tenant, %feature))]
    pub async fn set_feature_override(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        feature: Feature,
        on: Option<bool>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        match on {
            None => on_tx!(tx, conn => sqlx::query(
                "DELETE FROM tenant_feature_overrides WHERE tenant_id = $1 AND feature = $2",
            )
            .bind(tenant)
            .bind(feature)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?,
            Some(on) => on_tx!(tx, conn => sqlx::query(
                "INSERT INTO tenant_feature_overrides (tenant_id, feature, enabled, set_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, feature) DO UPDATE SET enabled = excluded.enabled, set_at = excluded.set_at",
            )
            .bind(tenant)
            .bind(feature)
            .bind(on)
            .bind(at)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?,
        }
        // Memberships carry whether the tenant shows its branding.
        tx.invalidates(super::access_cache::Invalidation::AllMemberships);
        Ok(())
    }
}

impl Tx {
    /// Puts a tenant on `tier`.
    pub async fn set_plan_tier(&mut self, tenant: TenantId, tier: PlanTier) -> Result<()> {
        on_tx!(self, conn => sqlx::query("UPDATE tenants SET plan_tier = $2 WHERE id = $1")
            .bind(tenant)
            .bind(tier)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        // Its tokens' rate comes from the plan, and its members' view of its branding.
        self.invalidates(super::access_cache::Invalidation::Tokens);
        self.invalidates(super::access_cache::Invalidation::AllMemberships);
        Ok(())
    }
}

impl TenantData<'_> {
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn plan_tier(&self) -> Result<PlanTier> {
        Ok(
            with_tenant_reader!(self, pool => sqlx::query_scalar(PLAN_TIER_SQL)
        .bind(self.tenant)
        .fetch_one(pool)
        .await)?,
        )
    }

    /// The plan tier read inside `tx` (see [`Store::plans_in`]).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn plan_tier_in(&self, tx: &mut Tx) -> Result<PlanTier> {
        Ok(
            on_tenant_tx!(self, tx, conn => sqlx::query_scalar(PLAN_TIER_SQL)
        .bind(self.tenant)
        .fetch_one(&mut **conn)
        .await)?,
        )
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn limit_overrides(&self) -> Result<Vec<LimitOverride>> {
        let rows: Vec<(Metric, Option<i64>)> = with_tenant_reader!(self, pool => sqlx::query_as(OVERRIDES_SQL)
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?;
        Ok(overrides_from(rows))
    }

    /// The limit overrides read inside `tx` (see [`Store::plans_in`]).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn limit_overrides_in(&self, tx: &mut Tx) -> Result<Vec<LimitOverride>> {
        let rows: Vec<(Metric, Option<i64>)> = on_tenant_tx!(self, tx, conn => sqlx::query_as(OVERRIDES_SQL)
        .bind(self.tenant)
        .fetch_all(&mut **conn)
        .await)?;
        Ok(overrides_from(rows))
    }

    /// The features switched on or off for this workspace against its plan.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn feature_overrides(&self) -> Result<Vec<FeatureOverride>> {
        let rows: Vec<(Feature, bool)> = with_tenant_reader!(self, pool => sqlx::query_as(FEATURE_OVERRIDES_SQL)
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?;
        Ok(feature_overrides_from(rows))
    }

    /// The feature overrides read inside `tx` (see [`Store::plans_in`]).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn feature_overrides_in(&self, tx: &mut Tx) -> Result<Vec<FeatureOverride>> {
        let rows: Vec<(Feature, bool)> = on_tenant_tx!(self, tx, conn => sqlx::query_as(FEATURE_OVERRIDES_SQL)
        .bind(self.tenant)
        .fetch_all(&mut **conn)
        .await)?;
        Ok(feature_overrides_from(rows))
    }

    /// Adds `quantity` to this month's counter of `metric` if the total stays within
    /// `limit` (`None`: unlimited). Returns the new total, or `None` when it would not fit
    /// (nothing is counted then).
    #[instrument(skip_all, fields(tenant = %self.tenant, %metric))]
    pub async fn consume_quota(
        &self,
        tx: &mut Tx,
        metric: Metric,
        period: &str,
        quantity: u64,
        limit: Option<u64>,
    ) -> Result<Option<u64>> {
        let quantity = i64::try_from(quantity).unwrap_or(i64::MAX);
        let limit = to_i64(limit).unwrap_or(i64::MAX);
        let used: Option<i64> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "INSERT INTO usage_counters (tenant_id, metric, period, used) SELECT $1, $2, $3, $4 WHERE $4 <= $5
             ON CONFLICT (tenant_id, metric, period) DO UPDATE SET used = usage_counters.used + excluded.used
             WHERE usage_counters.used + excluded.used <= $5
             RETURNING used",
        )
        .bind(self.tenant)
        .bind(metric)
        .bind(period)
        .bind(quantity)
        .bind(limit)
        .fetch_optional(&mut **conn)
        .await)?;
        Ok(to_u64(used))
    }

    /// Writes the usage event and adds it to the day's roll-up.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn record_usage(&self, tx: &mut Tx, usage: &NewUsage<'_>) -> Result<()> {
        let quantity = i64::try_from(usage.quantity).unwrap_or(i64::MAX);
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO usage_events (tenant_id, user_id, metric, quantity, service, provider, cost_minor, occurred_at, vault_key_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(self.tenant)
        .bind(usage.user)
        .bind(usage.metric)
        .bind(quantity)
        .bind(usage.service)
        .bind(usage.provider)
        .bind(usage.cost_minor)
        .bind(usage.at)
        .bind(usage.vault_key)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        let user_key = usage.user.map(|u| u.to_string()).unwrap_or_default();
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO usage_daily (tenant_id, day, metric, user_key, service, provider, quantity, cost_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id, day, metric, user_key, service, provider) DO UPDATE SET
               quantity = usage_daily.quantity + excluded.quantity,
               cost_minor = usage_daily.cost_minor + excluded.cost_minor",
        )
        .bind(self.tenant)
        .bind(usage.at.date_naive())
        .bind(usage.metric)
        .bind(&user_key)
        .bind(usage.service.unwrap_or(""))
        .bind(usage.provider.unwrap_or(""))
        .bind(quantity)
        .bind(usage.cost_minor)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// This month's counters.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn usage_counters(&self, period: &str) -> Result<Vec<(Metric, u64)>> {
        let rows: Vec<(Metric, i64)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT metric, used FROM usage_counters WHERE tenant_id = $1 AND period = $2",
        )
        .bind(self.tenant)
        .bind(period)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(m, used)| (m, u64::try_from(used).unwrap_or(0)))
            .collect())
    }

    /// Members and pending invitations: the seats the members limit counts.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn seats_taken(&self, tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
        let n: i64 = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM memberships WHERE tenant_id = $1)
                  + (SELECT COUNT(*) FROM invitations WHERE tenant_id = $1 AND accepted_at IS NULL
                     AND revoked_at IS NULL AND expires_at > $2)",
        )
        .bind(self.tenant)
        .bind(now)
        .fetch_one(&mut **conn)
        .await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Usage per day and metric from `history_since` on (by day, then metric), and what each
    /// provider cost from `costs_since` on (most expensive first), from the roll-up in one
    /// read.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn usage_report(
        &self,
        history_since: NaiveDate,
        costs_since: NaiveDate,
        currency: Currency,
    ) -> Result<(Vec<DailyUsage>, Vec<ProviderCost>)> {
        // A day and a metric, or no day and a provider with its cost.
        const REPORT: &str = "SELECT day, metric AS name, CAST(SUM(quantity) AS BIGINT) AS quantity, CAST(0 AS BIGINT) AS cost
             FROM usage_daily WHERE tenant_id = $1 AND day >= $2 GROUP BY day, metric
             UNION ALL
             SELECT NULL, provider, CAST(SUM(quantity) AS BIGINT), CAST(SUM(cost_minor) AS BIGINT) FROM usage_daily
             WHERE tenant_id = $1 AND day >= $3 AND provider <> '' GROUP BY provider";
        let sql = self.store.dialect().json_rows(
            &["day", "name", "quantity", "cost"].map(JsonColumn::Value),
            REPORT,
        );
        let json: String = with_tenant_reader!(self, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.tenant)
            .bind(history_since)
            .bind(costs_since)
            .fetch_one(pool)
            .await)?;
        let rows: Vec<(Option<NaiveDate>, String, i64, i64)> = parse_json_rows(&json)?;
        let (mut history, mut costs) = (Vec::new(), Vec::new());
        for (day, name, quantity, cost) in rows {
            let quantity = u64::try_from(quantity).unwrap_or(0);
            match day {
                Some(day) => history.push(DailyUsage {
                    day,
                    metric: name
                        .parse()
                        .map_err(|_| anyhow::anyhow!("unknown metric {name:?} in usage_daily"))?,
                    quantity,
                }),
                None => costs.push(ProviderCost {
                    provider: name,
                    cost: Money::new(cost, currency),
                    quantity,
                }),
            }
        }
        in_report_order(&mut history, &mut costs);
        Ok((history, costs))
    }

    /// Notes that `metric` reached `level` this period; false when it was noted before.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn raise_usage_alert(
        &self,
        tx: &mut Tx,
        metric: Metric,
        period: &str,
        level: UsageLevel,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO usage_alerts (tenant_id, metric, period, level, raised_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, metric, period, level) DO NOTHING",
        )
        .bind(self.tenant)
        .bind(metric)
        .bind(period)
        .bind(level.as_str())
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Owners and admins: who hears about limits.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn billing_contacts(&self, tx: &mut Tx) -> Result<Vec<UserId>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT user_id FROM memberships WHERE tenant_id = $1 AND role IN ('owner', 'admin')",
        )
        .bind(self.tenant)
        .fetch_all(&mut **conn)
        .await)?)
    }
}

/// The usage page's order: history by day, then metric; providers by cost, most expensive
/// first, then by name.
fn in_report_order(history: &mut [DailyUsage], costs: &mut [ProviderCost]) {
    history.sort_by(|a, b| (a.day, a.metric.as_str()).cmp(&(b.day, b.metric.as_str())));
    costs.sort_by(|a, b| {
        b.cost
            .minor
            .cmp(&a.cost.minor)
            .then_with(|| a.provider.cmp(&b.provider))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usage_report_is_ordered_by_day_and_metric_and_by_cost_then_name() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let usage = |d, metric| DailyUsage {
            day: day(d),
            metric,
            quantity: 1,
        };
        let cost = |provider: &str, minor| ProviderCost {
            provider: provider.to_owned(),
            cost: Money::new(minor, Currency::Usd),
            quantity: 1,
        };
        let mut history = vec![
            usage(2, Metric::ApiCalls),
            usage(1, Metric::Tokens),
            usage(1, Metric::ApiCalls),
        ];
        let mut costs = vec![cost("groq", 2), cost("twilio", 9), cost("deepgram", 9)];
        in_report_order(&mut history, &mut costs);
        let history: Vec<_> = history.iter().map(|u| (u.day, u.metric)).collect();
        assert_eq!(
            history,
            [
                (day(1), Metric::ApiCalls),
                (day(1), Metric::Tokens),
                (day(2), Metric::ApiCalls)
            ]
        );
        let costs: Vec<_> = costs.iter().map(|c| c.provider.as_str()).collect();
        assert_eq!(costs, ["deepgram", "twilio", "groq"]);
    }
}

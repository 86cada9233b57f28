//! Plans, each tenant's plan and overrides, usage events with their daily roll-up, and the
//! monthly quota counters.
//!
//! A quota is consumed by one conditional upsert on `usage_counters`: the row only grows
//! while the new total stays within the limit, so concurrent actions can never spend more
//! than the limit between them, on either backend (SQLite has one writer; PostgreSQL locks
//! the row for the upsert and re-checks the condition against the committed total).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use shared::billing::invoice::InvoiceSummary;
use shared::billing::{
    Currency, DailyUsage, Feature, FeatureOverride, LimitOverride, Limits, Metric, Money, Plan,
    PlanTier, ProviderCost, UsageLevel,
};
use shared::credits::{CreditEntry, CreditKind};
use shared::ids::{TenantId, UserId};
use tracing::instrument;

use super::memberships::HomeCounts;
use super::{
    Dialect, JsonColumn, PlatformData, SqlTexts, Store, TenantData, Tx, on_tenant_tx, on_tx,
    parse_json_rows, with_reader, with_tenant_reader, with_writer,
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

    /// Everything the usage page reads of its tenant, in one statement: the home's counts
    /// (members, invitations, quota counters, plan, overrides, services, widgets), usage per
    /// day and metric from `history_since` on and per provider from `costs_since` on (from
    /// the roll-up), the credit balance with the newest `credit_entries` entries, and every
    /// invoice. Each read is folded into JSON (`Dialect::json_rows`), so the four cost one
    /// hop to the database thread rather than four (each hop costs more than these reads);
    /// each list is put in order after reading ([`in_report_order`],
    /// [`credits_newest_first`], and the invoices' order in `invoices.rs`).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn usage_page_rows(
        &self,
        now: DateTime<Utc>,
        period: &str,
        history_since: NaiveDate,
        costs_since: NaiveDate,
        credit_entries: i64,
    ) -> Result<UsagePageRows> {
        let dialect = self.store.dialect();
        let sql = USAGE_PAGE_SQL.get(dialect, 0, || usage_page_sql(dialect));
        let (counts, report, credits, invoices): (String, String, String, String) = with_tenant_reader!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(self.tenant)
            .bind(now)
            .bind(period)
            .bind(history_since)
            .bind(costs_since)
            .bind(credit_entries.max(1))
            .fetch_one(pool)
            .await)?;
        let mut credits: Vec<CreditRow> = parse_json_rows(&credits)?;
        credits_newest_first(&mut credits);
        let credit_balance = credits.first().map_or(0, |row| row.5);
        Ok(UsagePageRows {
            counts: super::memberships::home_counts_of(parse_json_rows(&counts)?),
            report: UsageReport(parse_json_rows(&report)?),
            credit_balance,
            credit_entries: credits
                .into_iter()
                .map(|(_, kind, amount, note, created_at, _)| CreditEntry {
                    kind,
                    amount: Money::new(amount, Currency::Usd),
                    note,
                    created_at,
                })
                .collect(),
            invoices: super::invoices::summaries_of_json(&invoices)?,
        })
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

/// What the usage page reads of its tenant ([`TenantData::usage_page_rows`]).
pub struct UsagePageRows {
    pub counts: HomeCounts,
    pub report: UsageReport,
    pub credit_balance: i64,
    /// The newest entries, newest first.
    pub credit_entries: Vec<CreditEntry>,
    /// Every invoice, the newest month first.
    pub invoices: Vec<InvoiceSummary>,
}

/// Usage per day and metric, and per provider, as read; costs are in the plan's currency,
/// which the rest of the page's read decides.
pub struct UsageReport(Vec<(Option<NaiveDate>, String, i64, i64)>);

impl UsageReport {
    /// The history by day, then metric, and what each provider cost, most expensive first.
    pub fn in_currency(self, currency: Currency) -> Result<(Vec<DailyUsage>, Vec<ProviderCost>)> {
        let (mut history, mut costs) = (Vec::new(), Vec::new());
        for (day, name, quantity, cost) in self.0 {
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
}

/// A credit entry as the usage page reads it: its id (the ledger's order), kind, amount,
/// note, time, and the balance of the whole ledger.
type CreditRow = (i64, CreditKind, i64, String, DateTime<Utc>, i64);

/// The ledger's order, newest first: entries are only ever appended, so by id.
fn credits_newest_first(rows: &mut [CreditRow]) {
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
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

/// The usage page's statement ([`TenantData::usage_page_rows`]); its parameters are the
/// tenant, now, the period, the history's and the costs' first days, and how many credit
/// entries.
fn usage_page_sql(dialect: Dialect) -> String {
    // $1–$3 are the home counts' (the tenant, now, the period).
    let counts = dialect.json_rows(
        &super::memberships::HOME_COUNTS_JSON,
        super::memberships::HOME_COUNTS,
    );
    // A day and a metric, or no day and a provider with its cost.
    let report = dialect.json_rows(
        &["day", "name", "quantity", "cost"].map(JsonColumn::Value),
        "SELECT day, metric AS name, CAST(SUM(quantity) AS BIGINT) AS quantity, CAST(0 AS BIGINT) AS cost
         FROM usage_daily WHERE tenant_id = $1 AND day >= $4 GROUP BY day, metric
         UNION ALL
         SELECT NULL, provider, CAST(SUM(quantity) AS BIGINT), CAST(SUM(cost_minor) AS BIGINT) FROM usage_daily
         WHERE tenant_id = $1 AND day >= $5 AND provider <> '' GROUP BY provider",
    );
    // Each entry carries the sum of every entry: `SUM(…) OVER ()` is taken before the limit.
    let credits = dialect.json_rows(
        &["id", "kind", "amount_minor", "note", "created_at", "balance"].map(JsonColumn::Value),
        "SELECT id, kind, amount_minor, note, created_at, CAST(SUM(amount_minor) OVER () AS BIGINT) AS balance
         FROM credit_entries WHERE tenant_id = $1 ORDER BY id DESC LIMIT $6",
    );
    let invoices = dialect.json_rows(
        &super::invoices::SUMMARY_JSON,
        &format!(
            "SELECT {} FROM invoices WHERE tenant_id = $1",
            super::invoices::SUMMARY
        ),
    );
    format!("SELECT ({counts}), ({report}), ({credits}), ({invoices})")
}

/// [`usage_page_sql`] for each dialect.
static USAGE_PAGE_SQL: SqlTexts<1> = SqlTexts::new();

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

    #[test]
    fn the_report_splits_days_from_providers_and_prices_costs_in_the_plans_currency() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let report = UsageReport(vec![
            (None, "groq".to_owned(), 10, 250),
            (Some(day), "tokens".to_owned(), 7, 0),
        ]);
        let (history, costs) = report.in_currency(Currency::Eur).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            (history[0].day, history[0].metric, history[0].quantity),
            (day, Metric::Tokens, 7)
        );
        assert_eq!(costs.len(), 1);
        assert_eq!(
            (costs[0].provider.as_str(), costs[0].quantity),
            ("groq", 10)
        );
        assert_eq!(costs[0].cost, Money::new(250, Currency::Eur));
        let unknown = UsageReport(vec![(Some(day), "minutes".to_owned(), 1, 0)]);
        assert!(
            unknown.in_currency(Currency::Usd).is_err(),
            "an unknown metric is an error, not a silent gap"
        );
    }

    #[test]
    fn credits_are_listed_newest_first() {
        let at = Utc::now();
        let entry = |id| (id, CreditKind::Grant, 100, String::new(), at, 0);
        let mut credits = vec![entry(2), entry(9), entry(5)];
        credits_newest_first(&mut credits);
        let ids: Vec<i64> = credits.iter().map(|c| c.0).collect();
        assert_eq!(ids, [9, 5, 2]);
    }
}

//! REST API calls made with tokens are metered in batches, so the API path does not write
//! to the database on every request.
//!
//! Each call is admitted in memory against the plan's monthly API-call quota: the tally
//! starts from the stored counter and adds what this server admitted since, so on one
//! server the quota holds exactly. Once a second the admitted calls are written as one usage
//! event per workspace through the same storage as every metered action (counter, event,
//! daily roll-up, warnings, live update). Several PostgreSQL instances each admit against
//! the stored counter plus their own tally, so together they can overshoot by at most one
//! second of calls per instance; a crash loses at most the last second's count.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use shared::AppError;
use shared::billing::{Feature, Metric, PlanTier, UsageLevel, period_of, quota_message};
use shared::ids::TenantId;
use shared::live::Change;

use super::entitlement;
use crate::authz::TenantAccess;
use crate::error::Result;
use crate::state::Services;
use crate::storage::billing::NewUsage;

/// How long a tally trusts the limits and stored counter it read.
const REFRESH: Duration = Duration::from_secs(10);

struct Tally {
    /// The workspace, as the latest caller entered it (the flush writes through it).
    access: TenantAccess,
    period: String,
    stored: u64,
    in_flight: u64,
    pending: u64,
    limit: Option<u64>,
    tier: PlanTier,
    /// Why the REST API is closed to the workspace (its plan or its operators), if it is.
    closed: Option<String>,
    checked_at: Instant,
}

#[derive(Default)]
pub struct ApiCallMeter {
    tallies: Mutex<HashMap<TenantId, Tally>>,
}

impl ApiCallMeter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, Tally>> {
        self.tallies.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one API call for the workspace, or refuses it beyond the monthly quota.
    pub async fn admit(&self, svc: &Services, access: &TenantAccess) -> Result<()> {
        let tenant = access.tenant_id();
        let period = period_of(crate::time::now());
        let stale = self
            .lock()
            .get(&tenant)
            .is_none_or(|t| t.period != period || t.checked_at.elapsed() >= REFRESH);
        if stale {
            let data = svc.store().tenant(access);
            let ent = entitlement(&data).await?;
            let stored = data
                .usage_counters(&period)
                .await?
                .into_iter()
                .find(|(m, _)| *m == Metric::ApiCalls)
                .map_or(0, |(_, used)| used);
            let mut tallies = self.lock();
            let tally = tallies.entry(tenant).or_insert_with(|| Tally {
                access: access.clone(),
                period: period.clone(),
                stored,
                in_flight: 0,
                pending: 0,
                limit: None,
                tier: ent.plan.tier,
                closed: None,
                checked_at: Instant::now(),
            });
            if tally.period != period {
                tally.period = period;
                tally.stored = stored;
                tally.pending = 0;
            } else {
                // What was flushed meanwhile is in `stored` already: never count backwards.
                tally.stored = tally.stored.max(stored);
            }
            tally.limit = ent.limits.of(Metric::ApiCalls);
            tally.tier = ent.plan.tier;
            tally.closed = ent.features.refusal(Feature::ApiAccess).map(str::to_owned);
            tally.checked_at = Instant::now();
        }
        let mut tallies = self.lock();
        let Some(tally) = tallies.get_mut(&tenant) else {
            return Ok(());
        };
        if let Some(why) = &tally.closed {
            return Err(AppError::forbidden(why.clone()).into());
        }
        let used = tally.stored + tally.in_flight + tally.pending;
        if let Some(limit) = tally.limit
            && used >= limit
        {
            metrics::counter!("atrium_quota_refused_total", "metric" => Metric::ApiCalls.as_str())
                .increment(1);
            return Err(AppError::quota_exceeded(quota_message(
                Metric::ApiCalls,
                limit,
                tally.tier,
            ))
            .into());
        }
        tally.pending += 1;
        tally.access = access.clone();
        Ok(())
    }

    /// Makes the next call of `tenant` read its plan afresh (after a super admin changed
    /// what it may use), keeping what it has counted.
    pub fn recheck(&self, tenant: TenantId) {
        if let Some(tally) = self.lock().get_mut(&tenant) {
            tally.checked_at = Instant::now()
                .checked_sub(REFRESH)
                .unwrap_or(tally.checked_at);
        }
    }

    /// Writes what was admitted since the last flush.
    pub async fn flush(&self, svc: &Services) {
        let batch: Vec<(TenantAccess, String, u64, Option<u64>)> = self
            .lock()
            .values_mut()
            .filter(|t| t.pending > 0)
            .map(|t| {
                let n = std::mem::take(&mut t.pending);
                t.in_flight += n;
                (t.access.clone(), t.period.clone(), n, t.limit)
            })
            .collect();
        for (access, period, n, limit) in batch {
            let written = write(svc, &access, &period, n, limit).await;
            let mut tallies = self.lock();
            if let Some(tally) = tallies.get_mut(&access.tenant_id()) {
                tally.in_flight = tally.in_flight.saturating_sub(n);
                match written {
                    Ok(used) if tally.period == period => tally.stored = tally.stored.max(used),
                    Ok(_) => {}
                    Err(err) => {
                        tracing::warn!(error = %err.into_app_error(), "writing API calls failed; kept for the next try");
                        tally.pending += n;
                    }
                }
            }
        }
    }
}

async fn write(
    svc: &Services,
    access: &TenantAccess,
    period: &str,
    n: u64,
    limit: Option<u64>,
) -> Result<u64> {
    let data = svc.store().tenant(access);
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    // Admitted already: counted without a limit here.
    let used = data
        .consume_quota(&mut tx, Metric::ApiCalls, period, n, None)
        .await?
        .unwrap_or(n);
    data.record_usage(
        &mut tx,
        &NewUsage {
            vault_key: None,
            user: Some(access.caller().user_id),
            metric: Metric::ApiCalls,
            quantity: n,
            service: Some("rest-api"),
            provider: None,
            cost_minor: 0,
            at: now,
        },
    )
    .await?;
    let level = UsageLevel::of(used, limit);
    super::usage::warn_once(
        &data,
        &mut tx,
        access,
        Metric::ApiCalls,
        period,
        level,
        used,
        limit,
    )
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Usage {
            metric: Metric::ApiCalls,
            used,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(used)
}

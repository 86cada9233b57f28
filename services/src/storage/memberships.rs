//! Members of one tenant, reachable only through [`TenantData`].

use shared::billing::{FeatureOverride, LimitOverride, Metric, PlanTier};
use shared::email::Email;
use shared::ids::UserId;
use shared::members::MemberView;
use shared::names::PersonName;
use shared::permissions::Role;
use shared::tenants::HomeService;
use tracing::instrument;

use chrono::{DateTime, Utc};

use super::access_cache::Invalidation;
use super::{
    Dialect, JsonColumn, SqlTexts, TenantData, Tx, on_tenant_tx, parse_json_rows,
    with_tenant_reader,
};
use crate::error::Result;

/// A member as needed to act on them: who they are and their role.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberContact {
    pub name: PersonName,
    pub email: Email,
    pub role: Role,
}

/// What a workspace's home and usage page count, read in one round trip.
#[derive(Clone, Debug)]
pub struct HomeCounts {
    pub roles: Vec<(Role, i64)>,
    pub open_invitations: i64,
    /// This month's quota counters.
    pub used: Vec<(Metric, u64)>,
    pub plan: PlanTier,
    pub overrides: Vec<LimitOverride>,
    pub features: Vec<FeatureOverride>,
    /// The services not cancelled, with their status, by name.
    pub services: Vec<HomeService>,
    /// Widgets the workspace has (the widgets limit counts what exists).
    pub widgets: u64,
}

impl HomeCounts {
    /// Members and pending invitations: the seats the members limit counts.
    pub fn seats(&self) -> u64 {
        let members: i64 = self.roles.iter().map(|(_, n)| *n).sum();
        u64::try_from(members + self.open_invitations).unwrap_or(0)
    }
}

/// [`HomeCounts`]' rows, each a label and a number: `$1` is the tenant, `$2` the time now
/// (invitations still open), `$3` the month the quota counters key. The usage page folds the
/// same read into its own statement (`TenantData::usage_page_rows`).
pub(super) const HOME_COUNTS: &str = "SELECT role AS label, CAST(COUNT(*) AS BIGINT) AS n FROM memberships WHERE tenant_id = $1 GROUP BY role
             UNION ALL
             SELECT 'invitations', CAST(COUNT(*) AS BIGINT) FROM invitations
             WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
             UNION ALL
             SELECT 'used:' || metric, CAST(used AS BIGINT) FROM usage_counters WHERE tenant_id = $1 AND period = $3
             UNION ALL
             SELECT 'plan:' || plan_tier, CAST(0 AS BIGINT) FROM tenants WHERE id = $1
             UNION ALL
             SELECT 'override:' || metric, CAST(COALESCE(limit_value, -1) AS BIGINT)
             FROM tenant_limit_overrides WHERE tenant_id = $1
             UNION ALL
             SELECT 'feature:' || feature, CAST(CASE WHEN enabled THEN 1 ELSE 0 END AS BIGINT)
             FROM tenant_feature_overrides WHERE tenant_id = $1
             UNION ALL
             SELECT 'service:' || a.status || ':' || s.name, CAST(0 AS BIGINT)
             FROM service_activations a JOIN services s ON s.id = a.service_id
             WHERE a.tenant_id = $1 AND a.status <> 'cancelled'
             UNION ALL
             SELECT 'widgets', CAST(COUNT(*) AS BIGINT) FROM widgets WHERE tenant_id = $1";

/// A member's columns as [`MemberView`] reads them, in its fields' order.
const MEMBER_JSON: [JsonColumn; 7] = [
    JsonColumn::Uuid("user_id"),
    JsonColumn::Value("name"),
    JsonColumn::Value("email"),
    JsonColumn::Value("role"),
    JsonColumn::Value("joined_at"),
    JsonColumn::Value("last_sign_in_at"),
    JsonColumn::Bool("two_factor"),
];

/// [`TenantData::members`]' statement, for each dialect.
static MEMBERS_SQL: SqlTexts<1> = SqlTexts::new();

/// The order members are listed in: by role, the most powerful first, then by name (as
/// bytes, on both backends), then by id.
fn member_order(a: &MemberView, b: &MemberView) -> std::cmp::Ordering {
    (a.role, &a.name, a.user_id).cmp(&(b.role, &b.name, b.user_id))
}

/// The home's counts as one statement, for each dialect.
static HOME_COUNTS_SQL: SqlTexts<1> = SqlTexts::new();

pub(super) const HOME_COUNTS_JSON: [JsonColumn; 2] =
    [JsonColumn::Value("label"), JsonColumn::Value("n")];

/// [`HomeCounts`] out of the rows [`HOME_COUNTS`] reads.
pub(super) fn home_counts_of(rows: Vec<(String, i64)>) -> HomeCounts {
    let mut counts = HomeCounts {
        roles: Vec::new(),
        open_invitations: 0,
        used: Vec::new(),
        plan: PlanTier::Free,
        overrides: Vec::new(),
        features: Vec::new(),
        services: Vec::new(),
        widgets: 0,
    };
    let unsigned = |n: i64| u64::try_from(n).ok();
    for (label, n) in rows {
        if let Some(metric) = label.strip_prefix("used:") {
            if let Ok(metric) = metric.parse() {
                counts.used.push((metric, unsigned(n).unwrap_or(0)));
            }
        } else if let Some(tier) = label.strip_prefix("plan:") {
            counts.plan = tier.parse().unwrap_or(PlanTier::Free);
        } else if let Some(metric) = label.strip_prefix("override:") {
            if let Ok(metric) = metric.parse() {
                // -1 stands for an override to "unlimited" (a NULL limit).
                counts.overrides.push(LimitOverride {
                    metric,
                    limit: unsigned(n),
                });
            }
        } else if let Some(feature) = label.strip_prefix("feature:") {
            if let Ok(feature) = feature.parse() {
                counts.features.push(FeatureOverride {
                    feature,
                    on: n == 1,
                });
            }
        } else if let Some(service) = label.strip_prefix("service:") {
            // The status has no colon; the name after it may.
            if let Some((status, name)) = service.split_once(':')
                && let Ok(status) = status.parse()
            {
                counts.services.push(HomeService {
                    name: name.to_owned(),
                    status,
                });
            }
        } else if label == "widgets" {
            counts.widgets = unsigned(n).unwrap_or(0);
        } else if label == "invitations" {
            counts.open_invitations = n;
        } else if let Ok(role) = label.parse::<Role>() {
            counts.roles.push((role, n));
        }
    }
    counts.overrides.sort_by_key(|o| o.metric);
    counts.services.sort_by(|a, b| a.name.cmp(&b.name));
    counts
}

impl TenantData<'_> {
    /// The tenant's members, owners first, then by role and name (see [`member_order`]).
    /// Their rows come as one JSON value (`Dialect::json_rows`): one hand-over from the
    /// database thread instead of one per member.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn members(&self) -> Result<Vec<MemberView>> {
        let dialect = self.store.dialect();
        let sql = MEMBERS_SQL.get(dialect, 0, || {
            dialect.json_rows(
                &MEMBER_JSON,
                "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at AS joined_at, u.last_sign_in_at,
                        EXISTS (SELECT 1 FROM totp_credentials c
                                WHERE c.user_id = u.id AND c.confirmed_at IS NOT NULL) AS two_factor
                 FROM memberships m JOIN users u ON u.id = m.user_id
                 WHERE m.tenant_id = $1",
            )
        });
        let json: String = with_tenant_reader!(self, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(self.tenant)
            .fetch_one(pool)
            .await)?;
        let mut members: Vec<MemberView> = parse_json_rows(&json)?;
        members.sort_by(member_order);
        Ok(members)
    }

    /// Members per role, open invitations, the plan, its overrides, this month's quota
    /// counters and the services' statuses, in one round trip (the workspace home: every
    /// query is a hop to a database thread, which costs more than these small reads).
    /// `period` is the month the counters key (`shared::billing::period_of`).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn home_counts(&self, now: DateTime<Utc>, period: &str) -> Result<HomeCounts> {
        let dialect = self.store.dialect();
        let sql = HOME_COUNTS_SQL.get(dialect, 0, || {
            dialect.json_rows(&HOME_COUNTS_JSON, HOME_COUNTS)
        });
        let json: String = with_tenant_reader!(self, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(self.tenant)
            .bind(now)
            .bind(period)
            .fetch_one(pool)
            .await)?;
        Ok(home_counts_of(parse_json_rows(&json)?))
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn has_member_with_email(&self, email: &Email) -> Result<bool> {
        let found: Option<i32> = with_tenant_reader!(self, pool => sqlx::query_scalar(
            "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND u.email = $2",
        )
        .bind(self.tenant)
        .bind(email)
        .fetch_optional(pool)
        .await)?;
        Ok(found.is_some())
    }

    /// Locks the tenant's memberships for a change that must keep at least one owner: on
    /// PostgreSQL a row lock on the tenant serializes concurrent owner changes; SQLite's
    /// single writer already does.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn lock_for_member_change(&self, tx: &mut Tx) -> Result<()> {
        if tx.dialect() == Dialect::Postgres {
            on_tenant_tx!(self, tx, conn => sqlx::query("SELECT id FROM tenants WHERE id = $1 FOR UPDATE")
                .bind(self.tenant)
                .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        }
        Ok(())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn member_role(&self, tx: &mut Tx, user: UserId) -> Result<Option<Role>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(self.tenant)
        .bind(user)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn member_contact(&self, tx: &mut Tx, user: UserId) -> Result<Option<MemberContact>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.tenant_id = $1 AND m.user_id = $2",
        )
        .bind(self.tenant)
        .bind(user)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// For an Enterprise home: members with a confirmed second factor, and the audit log's
    /// entries about the workspace since `since`, in one round trip.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn governance_counts(&self, since: DateTime<Utc>) -> Result<(i64, i64)> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM memberships m
                     WHERE m.tenant_id = $1 AND EXISTS (
                         SELECT 1 FROM totp_credentials c
                         WHERE c.user_id = m.user_id AND c.confirmed_at IS NOT NULL)),
                    (SELECT COUNT(*) FROM audit_log WHERE tenant_id = $1 AND at >= $2)",
        )
        .bind(self.tenant)
        .bind(since)
        .fetch_one(pool)
        .await)?)
    }

    /// Members who have no confirmed second factor.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn members_without_two_factor(&self, tx: &mut Tx) -> Result<Vec<UserId>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT m.user_id FROM memberships m
             WHERE m.tenant_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM totp_credentials c WHERE c.user_id = m.user_id AND c.confirmed_at IS NOT NULL)",
        )
        .bind(self.tenant)
        .fetch_all(&mut **conn)
        .await)?)
    }

    /// Requires two-factor sign-in of the members since `since` (or no longer, with
    /// `None`), with `grace_days` for those without it.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn set_two_factor_requirement(
        &self,
        tx: &mut Tx,
        since: Option<DateTime<Utc>>,
        grace_days: u32,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE tenants SET require_two_factor_since = $1, two_factor_grace_days = $2 WHERE id = $3",
        )
        .bind(since)
        .bind(i32::try_from(grace_days).unwrap_or(i32::MAX))
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        // Every member's cached memberships carry the rule.
        tx.invalidates(Invalidation::AllMemberships);
        Ok(())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn owner_count(&self, tx: &mut Tx) -> Result<usize> {
        let n: i64 = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE tenant_id = $1 AND role = 'owner'",
        )
        .bind(self.tenant)
        .fetch_one(&mut **conn)
        .await)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn set_role(&self, tx: &mut Tx, user: UserId, role: Role) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query("UPDATE memberships SET role = $1 WHERE tenant_id = $2 AND user_id = $3")
            .bind(role)
            .bind(self.tenant)
            .bind(user)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        tx.invalidates(Invalidation::MembershipsOf(user));
        Ok(())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn delete_member(&self, tx: &mut Tx, user: UserId) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query("DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2")
            .bind(self.tenant)
            .bind(user)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        tx.invalidates(Invalidation::MembershipsOf(user));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_listed_by_role_then_name_then_id() -> anyhow::Result<()> {
        let member = |name: &str, role, id: u128| -> anyhow::Result<MemberView> {
            Ok(MemberView {
                user_id: UserId::from_uuid(uuid::Uuid::from_u128(id)),
                name: PersonName::parse(name)?,
                email: Email::parse(&format!("{id}@acme.example"))?,
                role,
                joined_at: Utc::now(),
                last_sign_in_at: None,
                two_factor: None,
            })
        };
        let mut members = [
            member("Vic", Role::Viewer, 1)?,
            member("ada", Role::Admin, 2)?,
            member("Zed", Role::Owner, 3)?,
            member("Bo", Role::Admin, 5)?,
            member("Bo", Role::Admin, 4)?,
            member("Cy", Role::Consultant, 6)?,
        ];
        members.sort_by(member_order);
        let listed: Vec<(Role, &str, u128)> = members
            .iter()
            .map(|m| (m.role, m.name.as_str(), m.user_id.as_uuid().as_u128()))
            .collect();
        assert_eq!(
            listed,
            [
                (Role::Owner, "Zed", 3),
                (Role::Admin, "Bo", 4),
                (Role::Admin, "Bo", 5),
                (Role::Admin, "ada", 2),
                (Role::Consultant, "Cy", 6),
                (Role::Viewer, "Vic", 1),
            ]
        );
        Ok(())
    }
}

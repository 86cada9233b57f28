//! The console's people: every account searched, counted and paged, and the bulk writes a
//! super admin's action makes. Platform-wide (no tenant): only the console reaches it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::ids::UserId;
use shared::people::{SignInFilter, UserQuery, UserSort};
use shared::personas::PersonaSet;
use shared::platform::UserStatus;
use tracing::instrument;

use super::access_cache::Invalidation;
use super::{PlatformData, Tx, contains_pattern, on_tx, with_reader};
use crate::error::Result;

/// A person as the list shows them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub personas: PersonaSet,
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub two_factor: bool,
    pub workspaces: i64,
}

/// A person a bulk action is about to act on.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BulkTarget {
    pub id: UserId,
    pub email: String,
    pub status: UserStatus,
}

/// The search's conditions on `users u`, parameters `$1` to `$8` (bound by [`bind_filter!`]).
const FILTER: &str = "($1 = '' OR LOWER(u.email || ' ' || u.name) LIKE $1 ESCAPE '\\')
   AND ($2 = '' OR ',' || u.personas || ',' LIKE $2)
   AND ($3 = '' OR u.status = $3)
   AND (($4 = '' AND $5 = '') OR EXISTS (
        SELECT 1 FROM memberships m JOIN tenants t ON t.id = m.tenant_id
        WHERE m.user_id = u.id AND ($4 = '' OR t.slug = $4) AND ($5 = '' OR m.role = $5)))
   AND ($6 = ''
        OR ($6 = 'since' AND u.last_sign_in_at >= $7)
        OR ($6 = 'dormant' AND (u.last_sign_in_at IS NULL OR u.last_sign_in_at < $7))
        OR ($6 = 'never' AND u.last_sign_in_at IS NULL))
   AND ($8 = '' OR ($8 = 'on') = EXISTS (
        SELECT 1 FROM totp_credentials c WHERE c.user_id = u.id AND c.confirmed_at IS NOT NULL))";

/// Binds a search's parameters `$1` to `$8` of [`FILTER`] to `$query_expr`, as of `$now`.
macro_rules! bind_filter {
    ($query_expr:expr, $search:expr, $now:expr) => {{
        let search: &UserQuery = $search;
        let (mode, since) = sign_in_bounds(search.signed_in, $now);
        $query_expr
            .bind(contains_pattern(&search.text))
            .bind(
                search
                    .persona
                    .map(|p| format!("%,{},%", p.as_str()))
                    .unwrap_or_default(),
            )
            .bind(search.status.map(UserStatus::as_str).unwrap_or_default())
            .bind(
                search
                    .tenant
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            )
            .bind(search.role.map(|r| r.as_str()).unwrap_or_default())
            .bind(mode)
            .bind(since)
            .bind(match search.two_factor {
                None => "",
                Some(true) => "on",
                Some(false) => "off",
            })
    }};
}

/// The sign-in filter as `$6` (which test) and `$7` (the moment it measures from).
fn sign_in_bounds(
    filter: Option<SignInFilter>,
    now: DateTime<Utc>,
) -> (&'static str, Option<DateTime<Utc>>) {
    match filter {
        None => ("", None),
        Some(SignInFilter::Never) => ("never", None),
        Some(SignInFilter::Dormant) => ("dormant", SignInFilter::Dormant.since(now)),
        Some(other) => ("since", other.since(now)),
    }
}

/// The column the list is ordered by, and whether it runs backwards.
const fn order(sort: UserSort) -> (&'static str, bool) {
    match sort {
        UserSort::Newest => ("created_at", true),
        UserSort::Oldest => ("created_at", false),
        UserSort::Email => ("email", false),
        UserSort::Name => ("name", false),
    }
}

fn list_sql(sort: UserSort) -> String {
    let (column, descending) = order(sort);
    let (direction, beyond) = if descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    format!(
        "SELECT u.id, u.email, u.name, u.personas, u.status, u.created_at, u.last_sign_in_at,
                EXISTS (SELECT 1 FROM totp_credentials c
                        WHERE c.user_id = u.id AND c.confirmed_at IS NOT NULL) AS two_factor,
                (SELECT COUNT(*) FROM memberships m WHERE m.user_id = u.id) AS workspaces
         FROM users u
         WHERE {FILTER}
           AND ($9 IS NULL OR (u.{column}, u.id) {beyond}
                (SELECT v.{column}, v.id FROM users v WHERE v.id = $9))
         ORDER BY u.{column} {direction}, u.id {direction}
         LIMIT $10"
    )
}

/// `$first, $first+1, …` for `count` values (an `IN` list).
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl PlatformData<'_> {
    /// A page of people matching the search, in its order, after its `after` person.
    #[instrument(skip_all)]
    pub async fn people(
        &self,
        search: &UserQuery,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<PersonRow>> {
        let sql = list_sql(search.sort);
        Ok(with_reader!(self.store, pool => bind_filter!(
                sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(sql.as_str())), search, now)
            .bind(search.after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?)
    }

    /// How many people match the search (all pages).
    #[instrument(skip_all)]
    pub async fn count_people(&self, search: &UserQuery, now: DateTime<Utc>) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM users u WHERE {FILTER}");
        Ok(with_reader!(self.store, pool => bind_filter!(
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())), search, now)
            .fetch_one(pool)
            .await)?)
    }

    /// Everyone the search matches, for a bulk action on all of them.
    #[instrument(skip_all)]
    pub async fn people_matching(
        &self,
        search: &UserQuery,
        now: DateTime<Utc>,
    ) -> Result<Vec<BulkTarget>> {
        let sql =
            format!("SELECT u.id, u.email, u.status FROM users u WHERE {FILTER} ORDER BY u.email");
        Ok(with_reader!(self.store, pool => bind_filter!(
                sqlx::query_as::<_, BulkTarget>(sqlx::AssertSqlSafe(sql.as_str())), search, now)
            .fetch_all(pool)
            .await)?)
    }

    /// The people with these ids (those that exist), for a bulk action on a selection.
    #[instrument(skip_all, fields(count = ids.len()))]
    pub async fn people_by_ids(&self, ids: &[UserId]) -> Result<Vec<BulkTarget>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, email, status FROM users WHERE id IN ({}) ORDER BY email",
            placeholders(1, ids.len())
        );
        Ok(with_reader!(self.store, pool => {
            let mut query = sqlx::query_as::<_, BulkTarget>(sqlx::AssertSqlSafe(sql.as_str()));
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await
        })?)
    }

    /// Sets the status of those of `ids` that have another; returns whose changed. Their
    /// sessions and API tokens are looked up afresh on their next request.
    #[instrument(skip_all, fields(count = ids.len(), ?status))]
    pub async fn set_people_status(
        &self,
        tx: &mut Tx,
        ids: &[UserId],
        status: UserStatus,
    ) -> Result<Vec<UserId>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE users SET status = $1 WHERE status <> $1 AND id IN ({}) RETURNING id",
            placeholders(2, ids.len())
        );
        let changed: Vec<UserId> = on_tx!(tx, conn => {
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(status);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(&mut **conn).await
        })?;
        for id in &changed {
            tx.invalidates(Invalidation::SessionsOf(*id));
            tx.invalidates(Invalidation::TokensOf(*id));
        }
        Ok(changed)
    }

    /// Ends every live session of `ids`; returns, per person, how many ended.
    #[instrument(skip_all, fields(count = ids.len()))]
    pub async fn revoke_sessions_of(
        &self,
        tx: &mut Tx,
        ids: &[UserId],
        at: DateTime<Utc>,
    ) -> Result<HashMap<UserId, u64>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id IN ({})
             RETURNING user_id",
            placeholders(2, ids.len())
        );
        let ended: Vec<UserId> = on_tx!(tx, conn => {
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(at);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(&mut **conn).await
        })?;
        let mut counts: HashMap<UserId, u64> = HashMap::new();
        for id in ended {
            *counts.entry(id).or_default() += 1;
        }
        for id in counts.keys() {
            tx.invalidates(Invalidation::SessionsOf(*id));
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_an_in_list() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
    }

    #[test]
    fn each_order_pages_in_its_own_direction() {
        let newest = list_sql(UserSort::Newest);
        assert!(newest.contains("(u.created_at, u.id) <"));
        assert!(newest.contains("ORDER BY u.created_at DESC, u.id DESC"));
        let email = list_sql(UserSort::Email);
        assert!(email.contains("(u.email, u.id) >"));
        assert!(email.contains("ORDER BY u.email ASC, u.id ASC"));
    }
}

//! The console's people: every account searched, counted and paged, and the bulk writes a
//! super admin's action makes. Platform-wide (no tenant): only the console reaches it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use shared::billing::{Currency, Metric, Money};
use shared::ids::UserId;
use shared::people::{PersonUsage, SignInFilter, UserQuery, UserSort};
use shared::personas::PersonaSet;
use shared::platform::UserStatus;
use shared::slug::Slug;
use tracing::instrument;

use super::access_cache::Invalidation;
use super::search::{Arg, Filter, bind_args, placeholders};
use super::{Dialect, PlatformData, Tx, contains_pattern, on_tx, with_reader};
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

/// One metric of a person's usage in one workspace.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonUsageRow {
    pub workspace: String,
    pub slug: Slug,
    pub metric: Metric,
    pub quantity: i64,
    pub cost_minor: i64,
    pub currency: Currency,
}

impl PersonUsageRow {
    pub fn view(self) -> PersonUsage {
        PersonUsage {
            workspace: self.workspace,
            slug: self.slug,
            metric: self.metric,
            quantity: u64::try_from(self.quantity).unwrap_or(0),
            cost: Money::new(self.cost_minor, self.currency),
        }
    }
}

/// A person a bulk action is about to act on.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BulkTarget {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub status: UserStatus,
    pub personas: PersonaSet,
}

/// The search's conditions on `users u`, only those of the fields in use, the cheap
/// comparisons of a person's own columns first (a search that reads every account checks
/// memberships only for those still in the running). Words use the backend's index of
/// three-letter pieces: SQLite's `people_text` (FTS5, for words of three letters or more;
/// shorter ones are read from every account) or PostgreSQL's trigram index on the same
/// `LIKE`. A workspace's members come through its memberships (`IN`: a workspace is
/// usually a small part of the platform); a role alone is checked per person (`EXISTS`: a
/// role is held by a large part of it).
fn people_filter(search: &UserQuery, now: DateTime<Utc>, dialect: Dialect) -> Filter {
    let mut filter = Filter::default();
    if let Some(status) = search.status {
        let n = filter.arg(Arg::Text(status.as_str().to_owned()));
        filter.when(format!("u.status = ${n}"));
    }
    match search.signed_in {
        None => {}
        Some(SignInFilter::Never) => filter.when("u.last_sign_in_at IS NULL".to_owned()),
        Some(period) => {
            if let Some(since) = period.since(now) {
                let n = filter.arg(Arg::Time(since));
                filter.when(if period == SignInFilter::Dormant {
                    format!("(u.last_sign_in_at IS NULL OR u.last_sign_in_at < ${n})")
                } else {
                    format!("u.last_sign_in_at >= ${n}")
                });
            }
        }
    }
    if let Some(persona) = search.persona {
        let n = filter.arg(Arg::Text(format!("%,{},%", persona.as_str())));
        filter.when(format!("',' || u.personas || ',' LIKE ${n}"));
    }
    if !search.text.is_empty() {
        if dialect == Dialect::Sqlite && search.text.chars().count() >= 3 {
            let n = filter.arg(Arg::Text(fts_phrase(&search.text)));
            filter.when(format!(
                "u.id IN (SELECT user_id FROM people_text WHERE people_text MATCH ${n})"
            ));
        } else {
            let n = filter.arg(Arg::Text(contains_pattern(&search.text)));
            filter.when(format!(
                "LOWER(u.email || ' ' || u.name) LIKE ${n} ESCAPE '\\'"
            ));
        }
    }
    match (&search.tenant, search.role) {
        (Some(tenant), role) => {
            let slug = filter.arg(Arg::Text(tenant.to_string()));
            let role = match role {
                Some(role) => {
                    let n = filter.arg(Arg::Text(role.as_str().to_owned()));
                    format!(" AND m.role = ${n}")
                }
                None => String::new(),
            };
            filter.when(format!(
                "u.id IN (SELECT m.user_id FROM memberships m JOIN tenants t ON t.id = m.tenant_id
                              WHERE t.slug = ${slug}{role})"
            ));
        }
        (None, Some(role)) => {
            let n = filter.arg(Arg::Text(role.as_str().to_owned()));
            filter.when(format!(
                "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role = ${n})"
            ));
        }
        (None, None) => {}
    }
    if let Some(on) = search.two_factor {
        filter.when(format!(
            "{} (SELECT 1 FROM totp_credentials c
                     WHERE c.user_id = u.id AND c.confirmed_at IS NOT NULL)",
            if on { "EXISTS" } else { "NOT EXISTS" }
        ));
    }
    filter
}

/// `text` as one FTS5 phrase: the trigram tokenizer matches it as a substring, ignoring
/// case; inside the quotes nothing is syntax but a doubled quote.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
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

/// A page of the search in its order: `filter`'s conditions, then the person the page
/// starts after (if any) and the page's size as the last parameters.
fn list_sql(sort: UserSort, filter: &mut Filter, after: Option<UserId>, limit: u32) -> String {
    let (column, descending) = order(sort);
    let order_by = filter.page_after(("users", "u"), column, descending, after.map(Arg::User));
    let limit = filter.arg(Arg::Count(i64::from(limit)));
    format!(
        "SELECT u.id, u.email, u.name, u.personas, u.status, u.created_at, u.last_sign_in_at,
                EXISTS (SELECT 1 FROM totp_credentials c
                        WHERE c.user_id = u.id AND c.confirmed_at IS NOT NULL) AS two_factor,
                (SELECT COUNT(*) FROM memberships m WHERE m.user_id = u.id) AS workspaces
         FROM users u
         WHERE {}
         ORDER BY {order_by}
         LIMIT ${limit}",
        filter.sql()
    )
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
        let mut filter = people_filter(search, now, self.store.dialect());
        let sql = list_sql(search.sort, &mut filter, search.after, limit);
        Ok(with_reader!(self.store, pool => bind_args!(
                sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(sql.as_str())), &filter.args)
            .fetch_all(pool)
            .await)?)
    }

    /// What `user` used from `since` on, per workspace and metric, with what the providers
    /// charged in each workspace's plan currency (the daily roll-ups keep who each use was
    /// for; `usage_daily_by_user` finds a person's rows across every workspace).
    #[instrument(skip_all)]
    pub async fn person_usage(
        &self,
        user: UserId,
        since: NaiveDate,
    ) -> Result<Vec<PersonUsageRow>> {
        Ok(
            with_reader!(self.store, pool => sqlx::query_as::<_, PersonUsageRow>(
            "SELECT t.name AS workspace, t.slug, d.metric,
                    CAST(SUM(d.quantity) AS BIGINT) AS quantity,
                    CAST(SUM(d.cost_minor) AS BIGINT) AS cost_minor, p.currency
             FROM usage_daily d
             JOIN tenants t ON t.id = d.tenant_id
             JOIN plans p ON p.tier = t.plan_tier
             WHERE d.user_key = $1 AND d.day >= $2
             GROUP BY t.name, t.slug, d.metric, p.currency
             ORDER BY t.name, t.slug, d.metric",
        )
        .bind(user.to_string())
        .bind(since)
        .fetch_all(pool)
        .await)?,
        )
    }

    /// One person as the list shows them.
    #[instrument(skip_all)]
    pub async fn person(&self, id: UserId) -> Result<Option<PersonRow>> {
        let mut filter = Filter::default();
        let n = filter.arg(Arg::User(id));
        filter.when(format!("u.id = ${n}"));
        let sql = list_sql(UserSort::Newest, &mut filter, None, 1);
        Ok(with_reader!(self.store, pool => bind_args!(
                sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(sql.as_str())), &filter.args)
            .fetch_optional(pool)
            .await)?)
    }

    /// How many people match the search (all pages).
    #[instrument(skip_all)]
    pub async fn count_people(&self, search: &UserQuery, now: DateTime<Utc>) -> Result<i64> {
        let filter = people_filter(search, now, self.store.dialect());
        let sql = format!("SELECT COUNT(*) FROM users u WHERE {}", filter.sql());
        Ok(with_reader!(self.store, pool => bind_args!(
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())), &filter.args)
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
        let filter = people_filter(search, now, self.store.dialect());
        let sql = format!(
            "SELECT u.id, u.email, u.name, u.status, u.personas FROM users u WHERE {} ORDER BY u.email",
            filter.sql()
        );
        Ok(with_reader!(self.store, pool => bind_args!(
                sqlx::query_as::<_, BulkTarget>(sqlx::AssertSqlSafe(sql.as_str())), &filter.args)
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
            "SELECT id, email, name, status, personas FROM users WHERE id IN ({}) ORDER BY email",
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
    fn each_order_pages_in_its_own_direction() {
        let after = Some(UserId::from_uuid(uuid::Uuid::from_u128(7)));
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        let search = UserQuery::default();
        let mut filter = people_filter(&search, now, Dialect::Sqlite);
        let newest = list_sql(UserSort::Newest, &mut filter, after, 51);
        assert!(newest.contains(
            "(u.created_at, u.id) < (SELECT v.created_at, v.id FROM users v WHERE v.id = $1)"
        ));
        assert!(newest.contains("ORDER BY u.created_at DESC, u.id DESC"));
        assert!(newest.ends_with("LIMIT $2"));
        let mut filter = people_filter(&search, now, Dialect::Sqlite);
        let email = list_sql(UserSort::Email, &mut filter, after, 51);
        assert!(email.contains("(u.email, u.id) >"));
        assert!(email.contains("ORDER BY u.email ASC, u.id ASC"));
    }

    #[test]
    fn only_the_fields_in_use_become_conditions_the_cheap_ones_first() {
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        let everyone = people_filter(&UserQuery::default(), now, Dialect::Sqlite);
        assert_eq!(everyone.sql(), "1 = 1");
        let search = UserQuery {
            text: "ann".to_owned(),
            role: Some(shared::permissions::Role::Viewer),
            signed_in: Some(SignInFilter::Dormant),
            two_factor: Some(false),
            ..UserQuery::default()
        };
        let filter = people_filter(&search, now, Dialect::Postgres);
        let sql = filter.sql();
        assert_eq!(filter.args.len(), 3);
        let at = |part: &str| sql.find(part).unwrap_or_else(|| panic!("{part} in {sql}"));
        assert!(at("u.last_sign_in_at < $1") < at("LIKE $2 ESCAPE"), "{sql}");
        assert!(
            at("LIKE $2 ESCAPE") < at("m.user_id = u.id AND m.role = $3"),
            "{sql}"
        );
        assert!(at("m.role = $3") < at("NOT EXISTS"), "{sql}");
    }

    #[test]
    fn words_use_the_sqlite_index_from_three_letters_on() {
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        let words = |text: &str| {
            let search = UserQuery {
                text: text.to_owned(),
                ..UserQuery::default()
            };
            people_filter(&search, now, Dialect::Sqlite)
        };
        let long = words("Ann \"Lee\"");
        assert!(
            long.sql().contains("people_text MATCH $1"),
            "{}",
            long.sql()
        );
        assert!(matches!(&long.args[0], Arg::Text(t) if t == "\"Ann \"\"Lee\"\"\""));
        let short = words("an");
        assert!(short.sql().contains("LIKE $1 ESCAPE"), "{}", short.sql());
        assert!(matches!(&short.args[0], Arg::Text(t) if t == "%an%"));
    }
}

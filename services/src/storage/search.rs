//! Searches built from a form: only the conditions of the fields in use, each value a
//! numbered parameter, so one query serves every combination of filters on both backends.

use chrono::{DateTime, Utc};
use shared::ids::{TenantId, UserId};

/// A value a search's condition compares with.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Text(String),
    Time(DateTime<Utc>),
    User(UserId),
    Tenant(TenantId),
    Count(i64),
}

/// A search's conditions, numbered `$1`, `$2`… in the order of their values.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    conditions: Vec<String>,
    pub(crate) args: Vec<Arg>,
}

impl Filter {
    /// Adds a value; returns its parameter number.
    pub(crate) fn arg(&mut self, arg: Arg) -> usize {
        self.args.push(arg);
        self.args.len()
    }

    pub(crate) fn when(&mut self, condition: String) {
        self.conditions.push(condition);
    }

    /// The `WHERE` clause's body (`1 = 1` for everything).
    pub(crate) fn sql(&self) -> String {
        if self.conditions.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.conditions.join("\n   AND ")
        }
    }

    /// Keyset paging: rows after `after` in the order of `column` (then the id), running
    /// backwards when `descending`; returns the `ORDER BY` list. `alias` is the searched
    /// table's alias in the query, `table` its name.
    pub(crate) fn page_after(
        &mut self,
        (table, alias): (&str, &str),
        column: &str,
        descending: bool,
        after: Option<Arg>,
    ) -> String {
        let (direction, beyond) = if descending {
            ("DESC", "<")
        } else {
            ("ASC", ">")
        };
        if let Some(after) = after {
            let n = self.arg(after);
            self.when(format!(
                "({alias}.{column}, {alias}.id) {beyond} (SELECT v.{column}, v.id FROM {table} v WHERE v.id = ${n})"
            ));
        }
        format!("{alias}.{column} {direction}, {alias}.id {direction}")
    }
}

/// Binds `$args` (a slice of [`Arg`]) to `$query`, in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::storage::search::Arg::Text(text) => query.bind(text.clone()),
                $crate::storage::search::Arg::Time(at) => query.bind(*at),
                $crate::storage::search::Arg::User(id) => query.bind(*id),
                $crate::storage::search::Arg::Tenant(id) => query.bind(*id),
                $crate::storage::search::Arg::Count(n) => query.bind(*n),
            };
        }
        query
    }};
}
pub(crate) use bind_args;

/// `$first, $first+1, …` for `count` values (an `IN` list).
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
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
        let after = || Some(Arg::User(UserId::from_uuid(uuid::Uuid::from_u128(7))));
        let mut filter = Filter::default();
        assert_eq!(filter.sql(), "1 = 1");
        let order = filter.page_after(("users", "u"), "created_at", true, after());
        assert_eq!(order, "u.created_at DESC, u.id DESC");
        assert_eq!(
            filter.sql(),
            "(u.created_at, u.id) < (SELECT v.created_at, v.id FROM users v WHERE v.id = $1)"
        );
        let mut filter = Filter::default();
        filter.arg(Arg::Text("x".into()));
        let order = filter.page_after(("tenants", "t"), "name", false, after());
        assert_eq!(order, "t.name ASC, t.id ASC");
        assert!(
            filter
                .sql()
                .contains("(t.name, t.id) > (SELECT v.name, v.id FROM tenants v WHERE v.id = $2)")
        );
        let mut filter = Filter::default();
        filter.page_after(("tenants", "t"), "name", false, None);
        assert_eq!(filter.sql(), "1 = 1");
    }
}

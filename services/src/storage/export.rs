//! A tenant's data as rows of JSON: every table keyed by `tenant_id`, read through the
//! tenant's own scope (on PostgreSQL row-level security holds it to the tenant as well as
//! the `WHERE`), without secrets or file contents.
//!
//! The list is explicit, so a table's secret columns are named here before it is exported;
//! the integration suite checks it against the tables the database has, so a new table
//! cannot be left out unnoticed.

use futures_util::TryStreamExt as _;
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tracing::instrument;

use super::{Dialect, Store, TenantData, tenant_scoped, with_reader};
use crate::error::Result;

/// How most tables name their tenant.
const TENANT: &[&str] = &["tenant_id"];
/// A link between a builder and a customer belongs to both.
const EITHER_SIDE: &[&str] = &["builder_tenant_id", "customer_tenant_id"];

/// The exported tables, parents before children: each with the columns naming its tenant
/// (a row is exported when any of them is this tenant) and the columns left out — hashes of
/// credentials, sealed secrets and file contents (a file's name, kind and size stay).
pub const EXPORTED: &[(&str, &[&str], &[&str])] = &[
    ("memberships", TENANT, &[]),
    ("invitations", TENANT, &["token_hash"]),
    ("process_templates", TENANT, &[]),
    ("process_template_versions", TENANT, &[]),
    ("process_sessions", TENANT, &[]),
    ("process_session_events", TENANT, &[]),
    ("process_phase_runs", TENANT, &[]),
    ("jobs", TENANT, &[]),
    ("tenant_limit_overrides", TENANT, &[]),
    ("tenant_feature_overrides", TENANT, &[]),
    ("usage_events", TENANT, &[]),
    ("usage_daily", TENANT, &[]),
    ("usage_counters", TENANT, &[]),
    ("usage_alerts", TENANT, &[]),
    ("api_tokens", TENANT, &["token_hash"]),
    ("service_activations", TENANT, &[]),
    ("vault_keys", TENANT, &["sealed"]),
    ("credit_entries", TENANT, &[]),
    ("invoices", TENANT, &[]),
    ("invoice_payments", TENANT, &[]),
    ("tickets", TENANT, &[]),
    ("ticket_messages", TENANT, &[]),
    ("ticket_files", TENANT, &["content"]),
    ("widgets", TENANT, &[]),
    ("widget_versions", TENANT, &[]),
    ("contacts", TENANT, &[]),
    ("widget_submissions", TENANT, &[]),
    ("widget_stats_daily", TENANT, &[]),
    ("widget_load_times", TENANT, &[]),
    ("customer_links", EITHER_SIDE, &[]),
    ("implementations", TENANT, &[]),
    ("commissions", EITHER_SIDE, &[]),
    ("projects", TENANT, &[]),
    ("marketplace_listings", TENANT, &[]),
    ("marketplace_ratings", TENANT, &[]),
    ("marketplace_installs", TENANT, &[]),
    ("marketplace_screenshots", TENANT, &["content"]),
    ("tenant_logos", TENANT, &["content"]),
    ("audit_log", TENANT, &[]),
];

/// Tables keyed by a tenant that are left out whole: webhook signing secrets, and the
/// live hub's passing events.
pub const NOT_EXPORTED: &[&str] = &["webhook_secrets", "live_events"];

/// A column as SQLite's JSON sees it: ids (16-byte blobs) as UUID text, other blobs as hex.
fn sqlite_value(column: &str) -> String {
    let c = format!("\"{column}\"");
    format!(
        "CASE WHEN typeof({c}) = 'blob' AND length({c}) = 16 THEN lower(substr(hex({c}), 1, 8) || '-' || \
         substr(hex({c}), 9, 4) || '-' || substr(hex({c}), 13, 4) || '-' || substr(hex({c}), 17, 4) || '-' || \
         substr(hex({c}), 21)) WHEN typeof({c}) = 'blob' THEN lower(hex({c})) ELSE {c} END"
    )
}

/// SQLite keeps JSON as text: a text value that is a JSON object or list becomes one, as
/// PostgreSQL's `jsonb` columns already are.
fn unfold_json(row: &mut Map<String, Value>) {
    for value in row.values_mut() {
        if let Value::String(text) = value
            && (text.starts_with('{') || text.starts_with('['))
            && let Ok(parsed) = serde_json::from_str::<Value>(text)
        {
            *value = parsed;
        }
    }
}

impl TenantData<'_> {
    /// Sends every exported row of this tenant to `sink` as a line of JSON
    /// (`{"table": …, "row": {…}}`), table by table, and answers how many it sent; stops
    /// early (without error) when the receiver is gone.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn export_rows(&self, sink: &mpsc::Sender<String>) -> Result<u64> {
        let dialect = self.store.dialect();
        let mut sent = 0_u64;
        for &(table, keys, omitted) in EXPORTED {
            let mine: Vec<String> = keys.iter().map(|key| format!("{key} = $1")).collect();
            let mine = mine.join(" OR ");
            let sql = match dialect {
                Dialect::Postgres => {
                    let omitted: Vec<String> = omitted.iter().map(|c| format!("'{c}'")).collect();
                    format!(
                        "SELECT (to_jsonb(t) - ARRAY[{}]::text[])::text FROM {table} t WHERE {mine}",
                        omitted.join(", ")
                    )
                }
                Dialect::Sqlite => {
                    let columns = self.store.columns_of(table).await?;
                    let pairs: Vec<String> = columns
                        .iter()
                        .filter(|c| !omitted.contains(&c.as_str()))
                        .map(|c| format!("'{c}', {}", sqlite_value(c)))
                        .collect();
                    format!(
                        "SELECT json_object({}) FROM {table} WHERE {mine}",
                        pairs.join(", ")
                    )
                }
            };
            let (count, open) = tenant_scoped!(self, reader, self.held, conn => {
                let mut rows = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(self.tenant)
                    .fetch(&mut *conn);
                let mut count = 0_u64;
                let mut open = true;
                loop {
                    match rows.try_next().await {
                        Err(e) => break Err(e),
                        Ok(None) => break Ok((count, open)),
                        Ok(Some(text)) => {
                            let mut row = match serde_json::from_str::<Value>(&text) {
                                Ok(Value::Object(row)) => row,
                                _ => Map::new(),
                            };
                            if dialect == Dialect::Sqlite {
                                unfold_json(&mut row);
                            }
                            let line = serde_json::json!({ "table": table, "row": row });
                            if sink.send(format!("{line}\n")).await.is_err() {
                                open = false;
                                break Ok((count, open));
                            }
                            count += 1;
                        }
                    }
                }
            })?;
            sent += count;
            if !open {
                break;
            }
        }
        Ok(sent)
    }
}

impl Store {
    /// A SQLite table's columns, in order.
    async fn columns_of(&self, table: &str) -> Result<Vec<String>> {
        Ok(with_reader!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT name FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(table)
        .fetch_all(pool)
        .await)?)
    }

    /// Every table with a column naming a tenant (`tenant_id`, `…_tenant_id`), by name: what
    /// [`EXPORTED`] and [`NOT_EXPORTED`] must cover between them.
    #[instrument(skip_all)]
    pub async fn tables_keyed_by_tenant(&self) -> Result<Vec<String>> {
        let sql = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND (c.name = 'tenant_id' OR c.name LIKE '%\\_tenant\\_id' ESCAPE '\\')
                 GROUP BY m.name ORDER BY m.name"
            }
            Dialect::Postgres => {
                "SELECT table_name::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND (column_name = 'tenant_id' OR column_name LIKE '%\\_tenant\\_id' ESCAPE '\\')
                 GROUP BY table_name ORDER BY table_name"
            }
        };
        Ok(
            with_reader!(self, pool => sqlx::query_scalar::<_, String>(sql)
            .fetch_all(pool)
            .await)?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_text_holding_json_becomes_json_and_other_text_stays() {
        let mut row = Map::new();
        row.insert("details".into(), Value::String(r#"{"a":1}"#.into()));
        row.insert("lines".into(), Value::String("[1,2]".into()));
        row.insert("name".into(), Value::String("{not json".into()));
        row.insert("n".into(), Value::from(3));
        unfold_json(&mut row);
        assert_eq!(row["details"], serde_json::json!({ "a": 1 }));
        assert_eq!(row["lines"], serde_json::json!([1, 2]));
        assert_eq!(row["name"], Value::String("{not json".into()));
        assert_eq!(row["n"], Value::from(3));
    }

    #[test]
    fn every_table_is_listed_once() {
        let mut names: Vec<&str> = EXPORTED.iter().map(|(t, ..)| *t).collect();
        names.extend(NOT_EXPORTED);
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert!(sqlite_value("id").contains("typeof(\"id\") = 'blob'"));
    }
}

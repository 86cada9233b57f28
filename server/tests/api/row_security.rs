//! Row-level security on PostgreSQL: the second lock behind the tenant-scoped data layer.
//!
//! SQLite has no row-level security; there the tenant-scoped data layer and the
//! cross-tenant harness are the lock, and these tests check nothing beyond saying so.

use sqlx::Connection as _;

use crate::helpers::{Backend, TestApp, backend, spawn_app};
use crate::members::org;

/// Tables whose rows belong to one tenant: every table with a `tenant_id` column, and the
/// tenants themselves.
async fn tenant_tables(db: &mut sqlx::PgConnection) -> Vec<String> {
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'
           AND t.table_type = 'BASE TABLE'
         ORDER BY 1",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    tables.push("tenants".to_owned());
    tables
}

async fn connect(app: &TestApp) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(app.database.url())
        .await
        .expect("postgres")
}

#[tokio::test]
async fn every_table_with_tenant_rows_has_a_policy() {
    if backend() == Backend::Sqlite {
        return; // no row-level security on SQLite
    }
    let app = spawn_app().await;
    let mut db = connect(&app).await;
    let tables = tenant_tables(&mut db).await;
    assert!(tables.len() > 20, "found only {tables:?}");
    for table in &tables {
        let (enabled, policies): (bool, i64) = sqlx::query_as(
            "SELECT c.relrowsecurity,
                    (SELECT COUNT(*) FROM pg_policies p
                     WHERE p.schemaname = 'public' AND p.tablename = c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relname = $1",
        )
        .bind(table)
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert!(
            enabled && policies > 0,
            "{table} holds tenant rows without row-level security"
        );
    }
    // The server's role may not touch the migration history.
    let allowed: bool = sqlx::query_scalar(
        "SELECT has_table_privilege('atrium_app', '_sqlx_migrations', 'SELECT')",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert!(!allowed);
}

#[tokio::test]
async fn a_connection_scoped_to_a_tenant_sees_and_writes_only_its_rows() {
    if backend() == Backend::Sqlite {
        return; // no row-level security on SQLite
    }
    let app = spawn_app().await;
    let ours = org(&app, "Rows Ours", "rows-ours.example").await;
    let theirs = org(&app, "Rows Theirs", "rows-theirs.example").await;
    let tenant = ours.owner.me().await.unwrap().workspaces[0].tenant.id;
    let other = theirs.owner.me().await.unwrap().workspaces[0].tenant.id;
    // Both organizations have members and audit entries.
    let mut db = connect(&app).await;
    let everyone: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships")
        .fetch_one(&mut db)
        .await
        .unwrap();

    sqlx::raw_sql("SET ROLE atrium_app")
        .execute(&mut db)
        .await
        .unwrap();
    sqlx::query("SELECT set_config('atrium.tenant_id', ($1::uuid)::text, false)")
        .bind(tenant.as_uuid())
        .execute(&mut db)
        .await
        .unwrap();
    for table in tenant_tables(&mut db).await {
        let column = if table == "tenants" {
            "id"
        } else {
            "tenant_id"
        };
        let foreign: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE {column} <> $1"
        )))
        .bind(tenant.as_uuid())
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert_eq!(foreign, 0, "{table} shows another tenant's rows");
    }
    let visible: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert!(
        visible > 0 && visible < everyone,
        "{visible} of {everyone} memberships visible"
    );
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM tenants")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(names, ["Rows Ours"]);

    // Writing into the other tenant is refused, and changing its rows reaches none.
    let refused = sqlx::query(
        "INSERT INTO audit_log (id, at, tenant_id, action) VALUES (gen_random_uuid(), now(), $1, 'test.forged')",
    )
    .bind(other.as_uuid())
    .execute(&mut db)
    .await
    .unwrap_err();
    assert!(
        refused.to_string().contains("row-level security"),
        "{refused}"
    );
    let changed = sqlx::query("UPDATE memberships SET role = 'viewer' WHERE tenant_id = $1")
        .bind(other.as_uuid())
        .execute(&mut db)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 0);

    // Cleared, as the server leaves its pooled connections, the role works across tenants.
    sqlx::raw_sql("SELECT set_config('atrium.tenant_id', '', false)")
        .execute(&mut db)
        .await
        .unwrap();
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(all, everyone);

    // The server's own reads still find both organizations' data.
    let page = theirs
        .owner
        .page(&format!("/app/{}/members", theirs.slug))
        .await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("rows-theirs.example"));
}

//! Taking a tenant off the platform: its export (every table keyed by it, its rows only,
//! no secrets) and its deletion, which waits for a suspension, a fresh export and its
//! address typed again — and then removes everything it held but its audit trail.

use serde_json::Value;
use shared::AppError;
use shared::tenant_console::TenantDetail;

use crate::helpers::{Browser, spawn_app};
use crate::members::org;

async fn delete(admin: &Browser, slug: &str, typed: &str) -> reqwest::Response {
    admin
        .call("delete_tenant", &[("slug", slug), ("confirm", typed)])
        .await
}

async fn export(browser: &Browser, slug: &str) -> reqwest::Response {
    browser
        .client
        .get(browser.url(&format!("/api/v1/platform/tenants/{slug}/export")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_tenant_is_exported_then_deleted_and_only_its_audit_trail_stays() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let other = org(&app, "Other", "other.example").await;
    let admin = app.super_admin().await;
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    let acme_id = detail.row.tenant.id.to_string();
    assert_eq!(detail.last_export, None);
    let other_detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &other.slug)])
        .await;
    let other_id = other_detail.row.tenant.id.to_string();

    // Every table keyed by a tenant is either exported or named as left out.
    let mut listed: Vec<String> = services::storage::export::EXPORTED
        .iter()
        .map(|(table, ..)| (*table).to_owned())
        .chain(
            services::storage::export::NOT_EXPORTED
                .iter()
                .map(|t| (*t).to_owned()),
        )
        .collect();
    listed.sort();
    let tables = app.services.store().tables_keyed_by_tenant().await.unwrap();
    assert_eq!(tables, listed);

    // Only super admins export or delete, and nothing goes before the steps are taken.
    for (browser, status) in [(&acme.owner, 403), (&other.owner, 403)] {
        assert_eq!(export(browser, &acme.slug).await.status(), status);
        assert_eq!(
            delete(browser, &acme.slug, &acme.slug).await.status(),
            status
        );
    }
    assert_eq!(export(&admin, "no-such-tenant").await.status(), 404);
    let (status, error) = admin
        .call_err("delete_tenant", &[("slug", &acme.slug), ("confirm", "acm")])
        .await;
    assert_eq!(status, 422);
    assert!(matches!(&error, AppError::Invalid { field, .. } if field == "confirm"));
    let (status, error) = admin
        .call_err(
            "delete_tenant",
            &[("slug", &acme.slug), ("confirm", &acme.slug)],
        )
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("Suspend"), "{error}");
    let _: () = admin
        .call_ok(
            "set_tenant_status",
            &[("slug", &acme.slug), ("status", "suspended")],
        )
        .await;
    let (status, error) = admin
        .call_err(
            "delete_tenant",
            &[("slug", &acme.slug), ("confirm", &acme.slug)],
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        error.to_string().contains("Export its data first"),
        "{error}"
    );

    // The export: a header, the members with their emails, every row of the tenant's own.
    let response = export(&admin, &acme.slug).await;
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains(&format!("atrium-{}-", acme.slug))
            && disposition.ends_with(".jsonl\""),
        "{disposition}"
    );
    let text = response.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines[0]["format"], "atrium.tenant-export");
    assert_eq!(lines[0]["tenant"]["slug"], acme.slug.as_str());
    let last = lines.last().unwrap();
    assert_eq!(last["end"], true);
    assert_eq!(last["rows"].as_u64().unwrap() as usize, lines.len() - 2);
    let rows = &lines[1..lines.len() - 1];
    let of = |table: &str| -> Vec<&Value> {
        rows.iter()
            .filter(|line| line["table"] == table)
            .map(|line| &line["row"])
            .collect()
    };
    let members = of("members");
    assert_eq!(members.len(), 4);
    assert!(
        members
            .iter()
            .any(|m| m["email"].as_str().unwrap().starts_with("viewer"))
    );
    assert_eq!(of("memberships").len(), 4);
    let invitations = of("invitations");
    assert_eq!(invitations.len(), 3);
    assert!(invitations.iter().all(|i| i.get("token_hash").is_none()));
    assert!(!of("process_templates").is_empty());
    let audit = of("audit_log");
    assert!(
        audit
            .iter()
            .any(|entry| entry["action"] == "tenant.suspended")
    );
    // JSON columns are JSON on both databases.
    assert!(audit.iter().all(|entry| entry["details"].is_object()));
    for line in rows {
        let row = &line["row"];
        if let Some(tenant) = row.get("tenant_id") {
            assert_eq!(tenant.as_str(), Some(acme_id.as_str()), "{line}");
        }
        assert!(!line.to_string().contains(&other_id), "{line}");
    }
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    assert!(detail.last_export.is_some());

    // A recent confirmation of who the super admin is, then the address typed again.
    app.age_step_up(&admin).await;
    let (status, error) = admin
        .call_err(
            "delete_tenant",
            &[("slug", &acme.slug), ("confirm", &acme.slug)],
        )
        .await;
    assert_eq!((status.as_u16(), error), (403, AppError::StepUpRequired));
    // Another super admin, just signed in (which counts as confirming).
    let admin = app.super_admin().await;
    let path: String = admin
        .call_ok(
            "delete_tenant",
            &[("slug", &acme.slug), ("confirm", &acme.slug)],
        )
        .await;
    assert_eq!(path, format!("/admin/tenants?deleted={}", acme.slug));

    // Gone: its page, its export, its members' workspace; the other tenant is untouched.
    let (status, _) = admin
        .call_err("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    assert_eq!(status, 404);
    assert_eq!(export(&admin, &acme.slug).await.status(), 404);
    let home = acme.viewer.page(&format!("/app/{}", acme.slug)).await;
    assert!(
        matches!(home.status().as_u16(), 403 | 404),
        "{}",
        home.status()
    );
    let home = other.viewer.page(&format!("/app/{}", other.slug)).await;
    assert_eq!(home.status(), 200);
    let cond = format!(
        "tenant_id = (SELECT id FROM tenants WHERE slug = '{}')",
        other.slug
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM memberships WHERE {cond}"))
            .await,
        4
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM tenants WHERE slug = '{}'",
            acme.slug
        ))
        .await,
        0
    );
    // Its people keep their accounts; the log keeps its trail and names the deletion.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email LIKE '%@acme.example'")
            .await,
        4
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.deleted' AND target = '{}'",
            acme.slug
        ))
        .await,
        1
    );
    assert!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('tenant.exported', 'tenant.suspended') AND target = '{}'",
            acme.slug
        ))
        .await
            >= 2
    );
}

//! The API-key vault and the server key's rotation: keys are checked for their provider's
//! format, sealed at rest, never returned or logged, rotated and deleted by their owner only;
//! metered usage runs on the reporter's own key and records which; `atrium rotate-key`
//! moves every secret to a new key, all or nothing.

use shared::AppError;
use shared::billing::UsageRecorded;
use shared::ids::VaultKeyId;
use shared::vault::VaultPage;

use crate::helpers::{Browser, TestApp, captured_logs, enroll, spawn_app, sql_uuid};
use crate::members::org;

const GROQ: &str = "gsk_VaultTestKey0123456789abcdefghijklmnopqrstuvWXYZ";
const GROQ_NEXT: &str = "gsk_RotatedKey9876543210zyxwvutsrqponmlkjihgfeDCBA";

async fn add(
    browser: &Browser,
    slug: &str,
    provider: &str,
    label: &str,
    secret: &str,
) -> reqwest::Response {
    browser
        .call(
            "add_vault_key",
            &[
                ("slug", slug),
                ("provider", provider),
                ("label", label),
                ("secret", secret),
            ],
        )
        .await
}

async fn sealed_of(app: &TestApp, id: VaultKeyId) -> String {
    // Hex of the stored bytes, the same on both backends.
    let sql = match crate::helpers::backend() {
        crate::helpers::Backend::Sqlite => format!(
            "SELECT hex(sealed) FROM vault_keys WHERE id = {}",
            sql_uuid(id.as_uuid())
        ),
        crate::helpers::Backend::Postgres => format!(
            "SELECT encode(sealed, 'hex') FROM vault_keys WHERE id = {}",
            sql_uuid(id.as_uuid())
        ),
    };
    app.query_text(&sql).await.unwrap().to_lowercase()
}

#[tokio::test]
async fn keys_are_checked_sealed_shown_masked_and_never_returned_or_logged() {
    captured_logs();
    let app = spawn_app().await;
    let team = org(&app, "Vault Ltd", "vault.example").await;

    // The provider's format is checked first; nothing is kept.
    let answer = add(
        &team.owner,
        &team.slug,
        "groq",
        "Production",
        "sk-not-a-groq-key",
    )
    .await;
    assert_eq!(answer.status(), 422);
    let err: AppError = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(err.field(), Some("secret"));
    assert!(
        err.to_string().contains("a Groq key starts with gsk_"),
        "{err}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM vault_keys").await, 0);

    let answer = add(&team.owner, &team.slug, "groq", "Production", GROQ).await;
    assert_eq!(answer.status(), 200);
    let body = answer.text().await.unwrap();
    assert!(!body.contains(GROQ), "the key is not echoed: {body}");
    let first: VaultKeyId = serde_json::from_str(&body).unwrap();
    let second: VaultKeyId = add(&team.owner, &team.slug, "groq", "Same key again", GROQ)
        .await
        .json()
        .await
        .unwrap();

    // Stored sealed: not the key, and the same key twice seals differently.
    let (a, b) = (sealed_of(&app, first).await, sealed_of(&app, second).await);
    assert_ne!(a, b, "a fresh nonce each time");
    assert!(!a.contains(&hex::encode(GROQ.as_bytes())));
    assert_eq!(
        app.query_text(&format!(
            "SELECT last_four FROM vault_keys WHERE id = {}",
            sql_uuid(first.as_uuid())
        ))
        .await
        .unwrap(),
        "WXYZ"
    );

    // The page shows the last four only.
    let response = team.owner.call("get_vault", &[("slug", &team.slug)]).await;
    let text = response.text().await.unwrap();
    assert!(!text.contains(&GROQ[..20]), "{text}");
    let page: VaultPage = serde_json::from_str(&text).unwrap();
    assert_eq!(page.keys.len(), 2);
    assert!(page.keys.iter().all(|k| k.masked() == "••••WXYZ"));
    let html = team
        .owner
        .page(&format!("/app/{}/api-keys", team.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("••••WXYZ") && !html.contains(&GROQ[..20]));

    // Rotating checks the new key for the same provider; the old one is gone.
    let (status, err) = team
        .owner
        .call_err(
            "rotate_vault_key",
            &[
                ("slug", &team.slug),
                ("id", &first.to_string()),
                ("secret", "0123456789abcdef0123456789abcdef01234567"),
            ],
        )
        .await;
    assert_eq!(status, 422, "a Deepgram key is no Groq key: {err}");
    let _: () = team
        .owner
        .call_ok(
            "rotate_vault_key",
            &[
                ("slug", &team.slug),
                ("id", &first.to_string()),
                ("secret", GROQ_NEXT),
            ],
        )
        .await;
    let page: VaultPage = team
        .owner
        .call_ok("get_vault", &[("slug", &team.slug)])
        .await;
    let rotated = page.keys.iter().find(|k| k.id == first).unwrap();
    assert_eq!(rotated.last_four, "DCBA");
    assert!(rotated.rotated_at.is_some());

    // Keys are their owner's own: another member neither sees nor touches them; a viewer
    // keeps none.
    let theirs: VaultPage = team
        .admin
        .call_ok("get_vault", &[("slug", &team.slug)])
        .await;
    assert!(theirs.keys.is_empty());
    for function in ["rotate_vault_key", "delete_vault_key"] {
        let (status, _) = team
            .admin
            .call_err(
                function,
                &[
                    ("slug", &team.slug),
                    ("id", &first.to_string()),
                    ("secret", GROQ),
                ],
            )
            .await;
        assert_eq!(status, 404, "{function}");
    }
    let (status, _) = team
        .viewer
        .call_err("get_vault", &[("slug", &team.slug)])
        .await;
    assert_eq!(status, 403);

    // Usage for a provider runs on the reporter's own key and records which.
    let recorded: UsageRecorded = team
        .owner
        .api_post(
            &format!("/api/v1/tenants/{}/usage", team.slug),
            r#"{"metric": "tokens", "quantity": 100, "provider": "groq"}"#,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        recorded.own_key.as_deref(),
        Some("WXYZ"),
        "the newest groq key"
    );
    let platform: UsageRecorded = team
        .admin
        .api_post(
            &format!("/api/v1/tenants/{}/usage", team.slug),
            r#"{"metric": "tokens", "quantity": 100, "provider": "groq"}"#,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        platform.own_key, None,
        "the admin keeps no key: the platform's is used"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM usage_events WHERE vault_key_id = {}",
            sql_uuid(second.as_uuid())
        ))
        .await,
        1
    );
    let page: VaultPage = team
        .owner
        .call_ok("get_vault", &[("slug", &team.slug)])
        .await;
    assert!(
        page.keys
            .iter()
            .find(|k| k.id == second)
            .unwrap()
            .last_used_at
            .is_some()
    );

    let _: () = team
        .owner
        .call_ok(
            "delete_vault_key",
            &[("slug", &team.slug), ("id", &second.to_string())],
        )
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM vault_keys").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'vault.%'")
            .await,
        4
    );

    let logs = captured_logs();
    assert!(!logs.is_empty(), "the logs were captured");
    for secret in [GROQ, GROQ_NEXT] {
        assert!(!logs.contains(&secret[4..24]), "a key reached the logs");
    }
}

#[tokio::test]
async fn rotating_the_server_key_keeps_every_secret_readable_or_changes_nothing() {
    let app = spawn_app().await;
    let team = org(&app, "Rotate Ltd", "rotate.example").await;
    let (totp, _) = enroll(&team.owner).await;
    let _: VaultKeyId = add(&team.owner, &team.slug, "groq", "Production", GROQ)
        .await
        .json()
        .await
        .unwrap();
    let templates: shared::process::TemplatesPage = team
        .owner
        .call_ok("get_templates", &[("slug", &team.slug)])
        .await;
    let signing_secret = templates.signing_secret.unwrap();
    let old_key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, app.key);

    // A tampered value: the rotation refuses and changes nothing, in any table.
    let before = all_sealed(&app).await;
    let original = app
        .query_text(&hex_of("sealed", "webhook_secrets"))
        .await
        .unwrap();
    let zeroed = match crate::helpers::backend() {
        crate::helpers::Backend::Sqlite => {
            "UPDATE webhook_secrets SET sealed = zeroblob(length(sealed))"
        }
        crate::helpers::Backend::Postgres => {
            "UPDATE webhook_secrets SET sealed = decode(repeat('00', length(sealed)), 'hex')"
        }
    };
    app.exec(zeroed).await;
    let output = crate::cli::atrium_with_key(app.database.url(), &old_key)
        .arg("rotate-key")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not open with the current server key; nothing was changed"),
        "{stderr}"
    );
    let restore = match crate::helpers::backend() {
        crate::helpers::Backend::Sqlite => {
            format!("UPDATE webhook_secrets SET sealed = X'{original}'")
        }
        crate::helpers::Backend::Postgres => {
            format!("UPDATE webhook_secrets SET sealed = decode('{original}', 'hex')")
        }
    };
    app.exec(&restore).await;
    assert_eq!(all_sealed(&app).await, before, "nothing was resealed");

    // The rotation proper: the new key is printed (the key came from the environment).
    let output = crate::cli::atrium_with_key(app.database.url(), &old_key)
        .arg("rotate-key")
        .output()
        .await
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{printed} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("Sealed 3 secrets under the new server key"),
        "{printed}"
    );
    assert_ne!(
        all_sealed(&app).await,
        before,
        "every value was sealed again"
    );
    let new_key = printed
        .lines()
        .find_map(|l| l.strip_prefix("ATRIUM_SECRETS__SERVER_KEY="))
        .unwrap()
        .trim()
        .to_owned();
    assert_ne!(new_key, old_key);

    // A server on the new key reads every secret: the authenticator still works, the signing
    // secret is the same, the vault key still opens (usage runs on it).
    let (second, _) = crate::helpers::spawn_instance_with_key(&app, &new_key).await;
    let owner = team.owner.on(&second);
    let templates: shared::process::TemplatesPage = owner
        .call_ok("get_templates", &[("slug", &team.slug)])
        .await;
    assert_eq!(templates.signing_secret.unwrap(), signing_secret);
    let recorded: UsageRecorded = owner
        .api_post(
            &format!("/api/v1/tenants/{}/usage", team.slug),
            r#"{"metric": "tokens", "quantity": 5, "provider": "groq"}"#,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(recorded.own_key.as_deref(), Some("WXYZ"));
    let me = team.owner.me().await.unwrap();
    let fresh = crate::helpers::browser_at(&second, None);
    let _: String = fresh
        .call_ok(
            "sign_in",
            &[
                ("email", me.email.as_str()),
                ("password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    let _: String = fresh
        .call_ok(
            "verify_second_factor",
            &[("code", &crate::helpers::code(&totp, 1))],
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'platform.server_key_rotated'")
            .await,
        1
    );

    // With a key file: the new key replaces the file's, and a server on it reads everything.
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("server.key");
    std::fs::write(&key_file, &new_key).unwrap();
    let output = crate::cli::atrium_with_key(app.database.url(), "")
        .env_remove("ATRIUM_SECRETS__SERVER_KEY")
        .env("ATRIUM_SECRETS__KEY_FILE", &key_file)
        .arg("rotate-key")
        .output()
        .await
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{printed} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("Sealed 3 secrets under a new server key, now in"),
        "{printed}"
    );
    let third_key = std::fs::read_to_string(&key_file).unwrap();
    assert!(
        !printed.contains(third_key.trim()),
        "a key file's key is never printed"
    );
    assert_ne!(third_key.trim(), new_key);
    assert!(!dir.path().join("server.key.new").exists());
    let (third, _) = crate::helpers::spawn_instance_with_key(&app, third_key.trim()).await;
    let templates: shared::process::TemplatesPage = team
        .owner
        .on(&third)
        .call_ok("get_templates", &[("slug", &team.slug)])
        .await;
    assert_eq!(templates.signing_secret.unwrap(), signing_secret);

    // No key where one is expected: refused, and no key file is made up.
    let missing = dir.path().join("elsewhere.key");
    let output = crate::cli::atrium_with_key(app.database.url(), "")
        .env_remove("ATRIUM_SECRETS__SERVER_KEY")
        .env("ATRIUM_SECRETS__KEY_FILE", &missing)
        .arg("rotate-key")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("there is no server key at"));
    assert!(!missing.exists());
}

/// A query for the hex of one sealed column (sorted), the same on both backends.
fn hex_of(column: &str, table: &str) -> String {
    match crate::helpers::backend() {
        crate::helpers::Backend::Sqlite => {
            format!(
                "SELECT group_concat(h, ',') FROM (SELECT hex({column}) AS h FROM {table} ORDER BY h)"
            )
        }
        crate::helpers::Backend::Postgres => format!(
            "SELECT string_agg(encode({column}, 'hex'), ',' ORDER BY encode({column}, 'hex')) FROM {table}"
        ),
    }
}

/// Every sealed value in the database, for telling whether a rotation touched them.
async fn all_sealed(app: &TestApp) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for (column, table) in [
        ("secret", "totp_credentials"),
        ("sealed", "webhook_secrets"),
        ("sealed", "vault_keys"),
    ] {
        out.push(
            app.query_text(&hex_of(column, table))
                .await
                .map(|h| h.to_lowercase()),
        );
    }
    out
}

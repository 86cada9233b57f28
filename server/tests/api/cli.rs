//! The operator commands, run as the real binary.

use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

use crate::helpers::{Backend, TestDatabase, backend};

fn atrium(database_url: &str) -> Command {
    atrium_with_key(database_url, "dGVzdCBrZXkgZm9yIHRoZSBjb21tYW5kIGxpbmUgISE=")
}

/// The binary on `database_url` with the server key `key` (base64) given outright, so the
/// commands never write a key file into the checkout.
pub fn atrium_with_key(database_url: &str, key: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_atrium"));
    command
        .env("ATRIUM_DATABASE__URL", database_url)
        .env("ATRIUM_LOG__FILTER", "warn")
        .env("ATRIUM_SECRETS__SERVER_KEY", key)
        .env_remove("ATRIUM_SUPER_ADMIN_PASSWORD");
    command
}

#[tokio::test]
async fn migrate_and_create_super_admin_from_the_command_line() {
    let database = TestDatabase::create().await;
    let status = atrium(database.url())
        .arg("migrate")
        .status()
        .await
        .unwrap();
    assert!(status.success());

    let mut child = atrium(database.url())
        .args([
            "create-super-admin",
            "--email",
            "Root@Platform.example",
            "--name",
            "Root",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .await
        .unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("root@platform.example is a super admin")
    );

    let weak = atrium(database.url())
        .args(["create-super-admin", "--email", "weak@platform.example"])
        .env("ATRIUM_SUPER_ADMIN_PASSWORD", "short")
        .output()
        .await
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 10 characters"));

    let demo = atrium(database.url()).arg("demo").output().await.unwrap();
    assert!(demo.status.success());
    let printed = String::from_utf8_lossy(&demo.stdout);
    assert!(printed.contains("olivia@acme.example") && printed.contains(services::demo::PASSWORD));
    if backend() == Backend::Sqlite {
        assert!(!printed.contains("postgres://"));
    }
}

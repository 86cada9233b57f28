//! The operator command line. `atrium serve` is what the README's run command starts.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use services::Services;
use services::config::Settings;

use crate::startup::Application;

#[derive(Parser)]
#[command(
    name = "atrium",
    version,
    about = "Atrium: a multi-tenant platform shell"
)]
struct Cli {
    /// A TOML settings file (default: ./atrium.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve HTTP.
    Serve {
        /// Load demo tenants and people into an empty database, and print their logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a super admin, or grant the persona to an existing account. The only way to
    /// make one. The password comes from ATRIUM_SUPER_ADMIN_PASSWORD, stdin, or a prompt.
    CreateSuperAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Super Admin")]
        name: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Load the demo data into an empty database and print the logins.
    Demo,
    /// Replace the server key: every stored secret (authenticator secrets, webhook signing
    /// secrets, vault keys) is sealed again under a new key, all or nothing. Stop the server
    /// first. Callback URLs signed with the old key stop working.
    RotateKey,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Rendering a page polls deeply nested view futures: an unoptimised (debug) build needs
    // more than the default 2 MiB per worker for the largest pages. The stack is reserved,
    // not used, until a thread needs it.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(16 * 1024 * 1024)
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: starting the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    crate::observability::init_logging(&settings.log);
    match cli.command {
        Command::Serve { demo } => {
            settings.demo |= demo;
            serve(settings).await
        }
        Command::Migrate => {
            let services = Services::start(settings).await?;
            tracing::info!(database = %services.settings().database_url_for_logs(), "migrations applied");
            services.store().close().await;
            Ok(())
        }
        Command::CreateSuperAdmin {
            email,
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let services = Services::start(settings).await?;
            services::accounts::create_super_admin(&services, &email, &name, &password)
                .await
                .map_err(|e| anyhow::anyhow!(e.into_app_error()))?;
            let email =
                shared::email::Email::parse(&email).map_err(|e| anyhow::anyhow!(e.reason))?;
            println!("{email} is a super admin.");
            services.store().close().await;
            Ok(())
        }
        Command::Demo => {
            let services = Services::start(settings).await?;
            load_demo(&services).await?;
            services.store().close().await;
            Ok(())
        }
        Command::RotateKey => rotate_key(settings).await,
    }
}

/// `atrium rotate-key`. With a key file, the new key is written (and synced) beside it first
/// (`<file>.new`), then the secrets move to it in one transaction, then it replaces the
/// file. With the key given in `ATRIUM_SECRETS__SERVER_KEY`, the new key is printed before
/// the transaction, for the operator to set once the command reports success.
async fn rotate_key(settings: Settings) -> anyhow::Result<()> {
    use services::crypto::SecretBox;
    use services::key_rotation::RotationError;

    let from_environment = settings.secrets.server_key.is_some();
    let key_file = PathBuf::from(&settings.secrets.key_file);
    let pending = PathBuf::from(format!("{}.new", key_file.display()));
    if !from_environment && !key_file.exists() {
        anyhow::bail!(
            "there is no server key at {} (and ATRIUM_SECRETS__SERVER_KEY is not set): nothing to rotate; run this where the server runs",
            key_file.display()
        );
    }
    let services = Services::start(settings).await?;
    let (new_box, new_key) = SecretBox::generate();
    if from_environment {
        println!("The new server key (in use once this command reports success):");
        println!("ATRIUM_SECRETS__SERVER_KEY={new_key}");
    } else {
        SecretBox::write_key_file(&pending, &new_key).with_context(|| {
            format!(
                "writing the new key to {} (if it exists, an earlier rotation was interrupted: see the README)",
                pending.display()
            )
        })?;
    }
    let result =
        services::key_rotation::reseal_all(services.store(), services.secrets(), &new_box).await;
    services.store().close().await;
    let count = match result {
        Ok(count) => count,
        Err(RotationError::Refused(cause)) => {
            if !from_environment {
                // Nothing moved: the old key stays the one in use.
                let _ = std::fs::remove_file(&pending);
            }
            anyhow::bail!("{cause:#}; nothing was changed, the current key stays in use");
        }
        Err(err @ RotationError::AtCommit(_)) => {
            let keys = if from_environment {
                "the old key or the new one printed above".to_owned()
            } else {
                format!("{} or {}", key_file.display(), pending.display())
            };
            anyhow::bail!(
                "{err}; start one server with {keys} and keep the one that signs people in with their authenticator"
            );
        }
    };
    if from_environment {
        println!(
            "Sealed {count} secrets under the new server key. Set it on every server before starting Atrium again."
        );
    } else {
        std::fs::rename(&pending, &key_file).with_context(|| {
            format!(
                "the secrets are sealed under the key in {}, but it could not replace {}: move it there before starting Atrium",
                pending.display(),
                key_file.display()
            )
        })?;
        if let Some(dir) = key_file.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename itself on disk too.
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        println!(
            "Sealed {count} secrets under a new server key, now in {}.",
            key_file.display()
        );
    }
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    if !settings.is_https() && !settings.http.listen.ip().is_loopback() {
        tracing::warn!(
            "serving plain http on a non-loopback address: set http.public_url to an https:// URL behind TLS"
        );
    }
    let demo = settings.demo;
    let app = Application::build(settings).await?;
    if demo {
        load_demo(app.services()).await?;
    }
    let settings = app.services().settings();
    println!(
        "Atrium is running on {} (database: {}).",
        settings.public_url(),
        settings.database_url_for_logs()
    );
    app.run_until_stopped().await
}

async fn load_demo(services: &Services) -> anyhow::Result<()> {
    let loaded = services::demo::load_if_empty(services)
        .await
        .map_err(|e| anyhow::anyhow!(e.into_app_error()))?;
    if loaded {
        println!("Loaded the demo tenants and people.");
    }
    println!(
        "\nDemo logins (password for all: {}):",
        services::demo::PASSWORD
    );
    for (persona, email, roles) in services::demo::logins() {
        println!("  {persona:<22} {email:<26} {roles}");
    }
    println!();
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("ATRIUM_SUPER_ADMIN_PASSWORD") {
        return Ok(password);
    }
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    rpassword::prompt_password("Password for the new super admin: ").context("reading the password")
}

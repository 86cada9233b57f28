//! Typed settings: built-in defaults, then an optional TOML file, then `ATRIUM_*`
//! environment variables (nested keys joined by `__`, e.g. `ATRIUM_DATABASE__URL`).

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub http: HttpSettings,
    pub sessions: SessionSettings,
    pub auth: AuthSettings,
    #[serde(default)]
    pub mail: MailSettings,
    pub secrets: SecretsSettings,
    pub jobs: JobSettings,
    pub billing: BillingSettings,
    pub widgets: WidgetSettings,
    /// The lines the console's health page raises alerts at.
    pub health: HealthSettings,
    /// Load the demo tenants and people into an empty database at start-up.
    pub demo: bool,
    pub log: LogSettings,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://path/to/file.db` (the default, created on first start) or
    /// `postgres://user@host/db`. May hold a password, so it is a secret.
    pub url: SecretString,
    /// Readers for SQLite (there is always exactly one writer); the whole pool for PostgreSQL.
    pub max_connections: u32,
}

#[derive(Clone, Debug, Deserialize)]
pub struct HttpSettings {
    pub listen: SocketAddr,
    /// The address people use to reach Atrium, for links in emails and the CSRF origin
    /// check. Defaults to `http://` + the listen address.
    pub public_url: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// The folder with the built browser assets (`pkg/` inside), made by `cargo leptos build`.
    pub site_root: String,
    /// Most live connections (tabs) one person may hold open on this server at once.
    pub live_connections_per_person: u32,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SessionSettings {
    /// A session unused for this long ends.
    pub idle_timeout_minutes: u64,
    /// A session ends this long after sign-in, however active.
    pub absolute_timeout_hours: u64,
    /// How long a server keeps its copy of a session and of a person's memberships. Changes
    /// made through this server take effect at once; with several servers on one PostgreSQL
    /// database, this bounds how long another server lags behind. `0` disables the copies.
    pub cache_seconds: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AuthSettings {
    /// Password hashes computed at once; defaults to one less than the number of cores so an
    /// async worker always keeps a core.
    pub hash_concurrency: Option<usize>,
    /// How long a sign-in waits for a hashing slot before the server answers 503.
    pub hash_queue_timeout_ms: u64,
    /// Failed sign-ins for one email within the window that lock it.
    pub account_lockout_threshold: u32,
    /// Failed sign-ins from one network address within the window that block it.
    pub ip_lockout_threshold: u32,
    pub lockout_window_minutes: u64,
    pub lockout_minutes: u64,
    /// Sign-in and sign-up attempts per minute from one address, before any password work.
    pub attempts_per_minute_per_ip: u32,
    /// How long an invitation link stays valid.
    pub invitation_days: u64,
    /// Different accounts failing from one address within 15 minutes that count as
    /// credential stuffing (an alert, and the address blocked for an hour).
    pub stuffing_accounts_threshold: u32,
    /// How long "confirm it's you" (or signing in) keeps sensitive changes open, in seconds.
    pub step_up_seconds: u64,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct MailSettings {
    /// `smtp://user:pass@host:587?tls=required` or `smtps://…`; unset means emails are
    /// written to the log instead of sent.
    pub smtp_url: Option<SecretString>,
    pub from: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SecretsSettings {
    /// The server key that encrypts secrets at rest (TOTP secrets, later provider keys):
    /// base64 of 32 random bytes. Every server of one deployment needs the same key.
    pub server_key: Option<SecretString>,
    /// Where the key is kept when `server_key` is not set; created on first start.
    pub key_file: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct JobSettings {
    /// How long a worker holds a job before another server may take it over (a server
    /// that died mid-job loses it after this long). Longer than the longest webhook timeout.
    pub lease_seconds: u64,
    /// The first retry waits up to this long; each next one twice as long (with jitter).
    pub backoff_base_ms: u64,
    /// Let webhook steps call loopback and private addresses (a single-company install
    /// whose n8n runs next to it; tests). Off by default: in a shared deployment it would let
    /// any workspace reach the server's own network.
    pub allow_private_webhooks: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct BillingSettings {
    /// The tax rate invoices charge on their subtotal, in percent ("8.25"); read once at
    /// start-up, where a value that does not parse stops the server with the reason.
    pub tax_rate: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct WidgetSettings {
    /// Lead forms and feedback one address may send through embedded widgets per minute.
    pub submissions_per_minute_per_ip: u32,
    /// Event batches one address's embedded widgets may report per minute.
    pub event_batches_per_minute_per_ip: u32,
}

#[derive(Clone, Debug, Deserialize)]
pub struct HealthSettings {
    /// Failed (5xx) requests over the last five minutes, in percent.
    pub error_percent: f64,
    /// The 99th percentile latency over the last five minutes, in milliseconds.
    pub p99_ms: f64,
    /// Jobs waiting to run.
    pub jobs_waiting: i64,
    /// The server's resident memory, in MB.
    pub memory_mb: u64,
    /// A database statement taking longer than this many milliseconds is slow: logged as a
    /// warning with its text and counted on the health page.
    pub slow_query_ms: u64,
    /// Slow statements over the last five minutes.
    pub slow_queries: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct LogSettings {
    /// `pretty` for people, `json` for log collectors.
    pub format: String,
    /// A `tracing` filter, e.g. `info,sqlx=warn`.
    pub filter: String,
}

impl Settings {
    /// Defaults, then `file` if given (or `atrium.toml` when present), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut builder = config::Config::builder()
            .set_default("database.url", "sqlite://data/atrium.db")?
            .set_default("database.max_connections", 8)?
            .set_default("http.listen", "127.0.0.1:3000")?
            .set_default("http.trust_forwarded_for", false)?
            .set_default("http.site_root", "target/site")?
            .set_default("http.live_connections_per_person", 20)?
            .set_default("sessions.idle_timeout_minutes", 24 * 60)?
            .set_default("sessions.absolute_timeout_hours", 14 * 24)?
            .set_default("sessions.cache_seconds", 5)?
            .set_default("auth.hash_queue_timeout_ms", 3000)?
            .set_default("auth.account_lockout_threshold", 10)?
            .set_default("auth.ip_lockout_threshold", 50)?
            .set_default("auth.lockout_window_minutes", 15)?
            .set_default("auth.lockout_minutes", 15)?
            .set_default("auth.attempts_per_minute_per_ip", 60)?
            .set_default("auth.invitation_days", 7)?
            .set_default("auth.stuffing_accounts_threshold", 5)?
            .set_default("auth.step_up_seconds", 600)?
            .set_default("secrets.key_file", "data/server.key")?
            .set_default("jobs.lease_seconds", 120)?
            .set_default("jobs.backoff_base_ms", 2000)?
            .set_default("jobs.allow_private_webhooks", false)?
            .set_default("billing.tax_rate", "0")?
            .set_default("widgets.submissions_per_minute_per_ip", 20)?
            .set_default("widgets.event_batches_per_minute_per_ip", 120)?
            .set_default("health.error_percent", 5.0)?
            .set_default("health.p99_ms", 1000.0)?
            .set_default("health.jobs_waiting", 1000)?
            .set_default("health.memory_mb", 1024)?
            .set_default("health.slow_query_ms", 200)?
            .set_default("health.slow_queries", 50)?
            .set_default("demo", false)?
            .set_default("log.format", "pretty")?
            .set_default("log.filter", "info,sqlx=warn,tower_http=warn")?;
        match file {
            Some(path) => {
                builder = builder.add_source(config::File::from(path).required(true));
            }
            None => {
                builder = builder.add_source(config::File::with_name("atrium").required(false));
            }
        }
        builder
            .add_source(
                config::Environment::with_prefix("ATRIUM")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()
            .context("reading configuration")?
            .try_deserialize()
            .context("configuration has an invalid value")
    }

    pub fn public_url(&self) -> String {
        self.http
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.http.listen))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Served over https: cookies get `Secure` and the `__Host-` prefix, responses get HSTS.
    pub fn is_https(&self) -> bool {
        // Without a public URL it is the listen address over plain http. Asked on every
        // response, so without putting the URL together.
        self.http
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }

    pub fn idle_timeout(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::minutes(self.sessions.idle_timeout_minutes as i64)
    }

    pub fn absolute_timeout(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::hours(self.sessions.absolute_timeout_hours as i64)
    }

    pub fn hash_concurrency(&self) -> usize {
        self.auth.hash_concurrency.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get().saturating_sub(1).max(1))
                .unwrap_or(1)
        })
    }

    pub fn hash_queue_timeout(&self) -> Duration {
        Duration::from_millis(self.auth.hash_queue_timeout_ms)
    }

    /// The server key: from `secrets.server_key` when set, otherwise from the key file,
    /// created with a new random key on first start.
    pub fn secret_box(&self) -> anyhow::Result<crate::crypto::SecretBox> {
        if let Some(key) = &self.secrets.server_key {
            return crate::crypto::SecretBox::from_base64(key.expose_secret());
        }
        let path = Path::new(&self.secrets.key_file);
        let (secret_box, created) = crate::crypto::SecretBox::from_file_or_create(path)?;
        if created {
            tracing::warn!(
                file = %path.display(),
                "created a new server key; keep this file (and back it up): the secrets it encrypts cannot be read without it"
            );
        }
        Ok(secret_box)
    }

    /// The database URL with any password removed, for logs.
    pub fn database_url_for_logs(&self) -> String {
        redact_url(self.database.url.expose_secret())
    }
}

fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_secrets_stay_hidden() {
        let settings = Settings::load(Some(Path::new("/dev/null/none.toml")));
        assert!(
            settings.is_err(),
            "a named file that is missing is an error"
        );
        let settings = Settings::load(None).unwrap();
        assert_eq!(settings.http.listen.port(), 3000);
        assert_eq!(settings.public_url(), "http://127.0.0.1:3000");
        assert!(!settings.is_https());
        let debug = format!("{settings:?}");
        assert!(
            !debug.contains("data/atrium.db"),
            "database URL is redacted: {debug}"
        );
        assert!(settings.hash_concurrency() >= 1);
    }

    #[test]
    fn passwords_are_cut_from_logged_urls() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db:5432/atrium"),
            "postgres://***@db:5432/atrium"
        );
        assert_eq!(
            redact_url("sqlite://data/atrium.db"),
            "sqlite://data/atrium.db"
        );
    }
}

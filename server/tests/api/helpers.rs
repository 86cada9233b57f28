//! Spawning the real app on a fresh database, and a small typed "browser" to talk to it.

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ORIGIN};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use server::Application;
use services::Services;
use services::config::Settings;
use shared::AppError;
use shared::two_factor::{BackupCodes, TotpSetup};
use totp_rs::{Builder, Secret, Totp};

pub const PASSWORD: &str = "correct horse battery";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backend this run of the suite uses: SQLite unless `ATRIUM_TEST_DATABASE=postgres`.
pub fn backend() -> Backend {
    match std::env::var("ATRIUM_TEST_DATABASE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// A database that exists for one test and is removed after it.
pub enum TestDatabase {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDatabase {
    pub async fn create() -> Self {
        match backend() {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/atrium.db", dir.path().display());
                Self::Sqlite { _dir: dir, url }
            }
            Backend::Postgres => {
                let base = std::env::var("ATRIUM_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
                let admin_url = format!("{base}/postgres");
                let name = format!("atrium_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = admin_connection(&admin_url).await;
                sqlx::Executor::execute(
                    &mut admin,
                    sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")),
                )
                .await
                .expect("creating the test database");
                let url = format!("{base}/{name}");
                Self::Postgres {
                    admin_url,
                    name,
                    url,
                }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// Runs one SQL statement, for setting up what no page produces.
    pub async fn exec(&self, sql: &str) -> u64 {
        self.try_exec(sql).await.expect("statement")
    }

    /// Runs one SQL statement that may be refused (by a trigger, a constraint).
    pub async fn try_exec(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match backend() {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(self.url()).await.expect("sqlite");
                sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .map(|r| r.rows_affected())
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(self.url()).await.expect("postgres");
                sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .map(|r| r.rows_affected())
            }
        }
    }
}

async fn admin_connection(url: &str) -> sqlx::postgres::PgConnection {
    use sqlx::Connection as _;
    sqlx::postgres::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL is required for this run and is not reachable at {url}: {e}")
        })
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres {
            admin_url, name, ..
        } = self
        {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Dropping happens inside the test's runtime; use a thread with its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async move {
                    let mut admin = admin_connection(&admin_url).await;
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    sqlx::Executor::execute(&mut admin, sqlx::AssertSqlSafe(sql))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

fn rand_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key
}

pub struct TestApp {
    pub address: String,
    pub services: Services,
    pub database: TestDatabase,
    /// The server key (each test has its own, never a file in the checkout).
    pub key: [u8; 32],
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Waits until `check` gives a value (polling; no fixed sleeps), at most `seconds`.
pub async fn wait_for<T, F, Fut>(seconds: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Starts the real server with the default settings, adjusted by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create().await;
    let key: [u8; 32] = rand_key();
    let (address, services) = start_server(database.url(), &key, configure).await;
    TestApp {
        address,
        services,
        database,
        key,
    }
}

/// Another server instance on the same database and server key (as a deployment with
/// several instances behind a load balancer would run).
pub async fn spawn_instance(app: &TestApp) -> (String, Services) {
    start_server(app.database.url(), &app.key, |_| {}).await
}

/// Another server on the same database under another server key (base64), as after
/// `atrium rotate-key`.
pub async fn spawn_instance_with_key(app: &TestApp, key: &str) -> (String, Services) {
    let key = SecretString::from(key.to_owned());
    start_server(app.database.url(), &app.key, move |settings| {
        settings.secrets.server_key = Some(key);
    })
    .await
}

async fn start_server(
    url: &str,
    key: &[u8; 32],
    configure: impl FnOnce(&mut Settings),
) -> (String, Services) {
    let mut settings = Settings::load(None).expect("settings");
    settings.http.listen = "127.0.0.1:0".parse().expect("address");
    settings.http.public_url = None;
    settings.demo = false;
    settings.database.url = SecretString::from(url.to_owned());
    // The tests' webhook receivers listen on loopback (a deployment refuses that by default;
    // `command_center::webhooks_to_private_addresses_are_refused` checks it).
    settings.jobs.allow_private_webhooks = true;
    settings.secrets.server_key = Some(SecretString::from(base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        key,
    )));
    configure(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("building the app");
    let address = format!("http://{}", app.local_addr());
    let services = app.services().clone();
    tokio::spawn(app.run_until_stopped());
    (address, services)
}

impl TestApp {
    /// Runs one SQL statement against the test database, for setting up situations no
    /// page can produce yet (a deactivated account, a session gone stale).
    pub async fn exec(&self, sql: &str) -> u64 {
        self.try_exec(sql).await.expect("statement")
    }

    /// Runs one SQL statement that may be refused (by a trigger, a constraint).
    pub async fn try_exec(&self, sql: &str) -> Result<u64, sqlx::Error> {
        self.database.try_exec(sql).await
    }

    /// Creates a super admin the way `atrium create-super-admin` does, signs them in and
    /// sets up their authenticator (the console is closed to super admins without one).
    pub async fn super_admin(&self) -> Browser {
        let email = unique_email("root", "platform.example");
        services::accounts::create_super_admin(&self.services, &email, "Root", PASSWORD)
            .await
            .expect("super admin");
        let browser = self.signed_in(&email, PASSWORD).await;
        enroll(&browser).await;
        browser
    }

    /// Makes the browser's "confirm it's you" older than the step-up window, as if the
    /// person had signed in long ago.
    pub async fn age_step_up(&self, browser: &Browser) {
        let me = browser.me().await.expect("signed in");
        let long_ago = sql_time(chrono::Utc::now() - chrono::TimeDelta::hours(2));
        self.exec(&format!(
            "UPDATE sessions SET authenticated_at = {long_ago} WHERE user_id = {}",
            sql_uuid(me.user_id.as_uuid())
        ))
        .await;
        // The server keeps a short-lived copy of sessions; drop it like a write would.
        self.services.store().forget_sessions_of(me.user_id);
    }

    /// The newest email the outbox holds for `recipient`, and the first link in it that
    /// starts with `path` (the token is in the link, and nowhere else).
    pub async fn mailed_link(&self, recipient: &str, path: &str) -> String {
        let body = self
            .query_text(&format!(
                "SELECT body FROM outbox WHERE recipient = '{recipient}' ORDER BY created_at DESC LIMIT 1"
            ))
            .await
            .unwrap_or_else(|| panic!("no email to {recipient} in the outbox"));
        let start = body
            .find(&format!("{}{path}", self.address))
            .unwrap_or_else(|| panic!("no {path} link in: {body}"));
        body[start..]
            .split_whitespace()
            .next()
            .expect("link")
            .trim_start_matches(&self.address)
            .to_owned()
    }

    /// One text value from the test database.
    pub async fn query_text(&self, sql: &str) -> Option<String> {
        self.scalar(sql).await
    }

    /// One count from the test database.
    pub async fn count(&self, sql: &str) -> i64 {
        self.scalar(sql).await.expect("a count")
    }

    async fn scalar<T>(&self, sql: &str) -> Option<T>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>
            + for<'r> sqlx::Decode<'r, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>
            + Send
            + Unpin,
    {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match backend() {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(self.database.url())
                    .await
                    .expect("sqlite");
                sqlx::query_scalar(sql).fetch_optional(&pool).await
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(self.database.url())
                    .await
                    .expect("postgres");
                sqlx::query_scalar(sql).fetch_optional(&pool).await
            }
        }
        .expect("query")
    }
}

/// A UUID literal both backends compare correctly with stored ids.
pub fn sql_uuid(id: uuid::Uuid) -> String {
    match backend() {
        Backend::Sqlite => format!("X'{}'", id.simple()),
        Backend::Postgres => format!("'{id}'"),
    }
}

/// The authenticator app of a person, from the setup the page showed them.
pub fn authenticator(setup: &TotpSetup) -> Totp {
    let secret = Secret::try_from_base32(&setup.secret).expect("base32 secret");
    Builder::new()
        .with_secret(secret)
        .build()
        .expect("authenticator")
}

fn now_unix() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).expect("time")
}

/// The code the app shows `steps` time steps from now (one step ahead is inside the
/// accepted skew, which lets a test use a fresh step without waiting 30 seconds).
pub fn code(totp: &Totp, steps: u64) -> String {
    totp.generate(now_unix() + 30 * steps).to_string()
}

/// A code that is wrong for certain: none of the steps around now (a fixed guess such as
/// 000000 is right about once in 300,000 runs, and that once happened).
pub fn wrong_code(totp: &Totp) -> String {
    let now = now_unix();
    let near: Vec<String> = (0..=8)
        .map(|step| {
            totp.generate((now + 120).saturating_sub(30 * step))
                .to_string()
        })
        .collect();
    (0..10)
        .map(|digit| digit.to_string().repeat(6))
        .find(|guess| !near.contains(guess))
        .expect("nine codes cannot cover ten guesses")
}

/// Turns two-factor sign-in on for the signed-in browser; returns its authenticator and
/// backup codes.
pub async fn enroll(browser: &Browser) -> (Totp, BackupCodes) {
    let setup: TotpSetup = browser.call_ok("start_totp_setup", &[]).await;
    let totp = authenticator(&setup);
    let codes: BackupCodes = browser
        .call_ok("confirm_totp_setup", &[("code", &code(&totp, 0))])
        .await;
    (totp, codes)
}

/// A timestamp literal both backends compare correctly with stored values.
pub fn sql_time(at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "'{}'",
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
    )
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A unique, valid email for this test run.
pub fn unique_email(name: &str, domain: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{name}{n}@{domain}")
}

/// A fresh browser talking to the server at `address`.
pub fn browser_at(address: &str, agent: Option<&str>) -> Browser {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    // A request the server never answers fails the test with its address instead of
    // hanging the suite.
    let mut builder = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60));
    if let Some(agent) = agent {
        builder = builder.user_agent(agent.to_owned());
    }
    Browser {
        client: builder.build().expect("client"),
        address: address.to_owned(),
        jar,
    }
}

/// A person's browser: its own cookie jar, no automatic redirects, and the `Origin` header
/// a browser sends with every form post.
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
}

impl TestApp {
    pub fn browser(&self) -> Browser {
        self.browser_with(None)
    }

    /// A browser that sends this `User-Agent` (the device the history and alerts see).
    pub fn browser_with_agent(&self, agent: &str) -> Browser {
        self.browser_with(Some(agent))
    }

    fn browser_with(&self, agent: Option<&str>) -> Browser {
        browser_at(&self.address, agent)
    }

    /// Signs up a new person with their own organization; returns their signed-in browser.
    pub async fn sign_up(&self, kind: &str, organization: &str, email: &str) -> (Browser, String) {
        let browser = self.browser();
        let home: String = browser
            .call_ok(
                "sign_up",
                &[
                    ("name", "Test Person"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("organization", organization),
                    ("kind", kind),
                ],
            )
            .await;
        (browser, home)
    }

    pub async fn signed_in(&self, email: &str, password: &str) -> Browser {
        let browser = self.browser();
        let _: String = browser
            .call_ok("sign_in", &[("email", email), ("password", password)])
            .await;
        browser
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The `Cookie` header this browser sends to the server.
    pub fn cookie_header(&self) -> String {
        use reqwest::cookie::CookieStore as _;
        let url = self.address.parse().expect("url");
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().expect("cookie").to_owned())
            .unwrap_or_default()
    }

    /// The same person's browser, talking to another server (a second instance).
    pub fn on(&self, address: &str) -> Browser {
        use reqwest::cookie::CookieStore as _;
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let url: reqwest::Url = address.parse().expect("url");
        for pair in self.cookie_header().split("; ").filter(|p| !p.is_empty()) {
            jar.add_cookie_str(&format!("{pair}; Path=/"), &url);
        }
        let _ = jar.cookies(&url);
        Browser {
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            address: address.to_owned(),
            jar,
        }
    }

    /// Calls a server function the way the app's client does (JSON answers).
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/rpc/{function}")))
            .header(ORIGIN, &self.address)
            .header(ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn call_ok<T: DeserializeOwned>(&self, function: &str, form: &[(&str, &str)]) -> T {
        let response = self.call(function, form).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(
            status.is_success(),
            "{function} failed with {status}: {body}"
        );
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{function} answered {body}: {e}"))
    }

    /// Calls a server function that must fail; returns the status and the error.
    pub async fn call_err(&self, function: &str, form: &[(&str, &str)]) -> (StatusCode, AppError) {
        let response = self.call(function, form).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(
            !status.is_success(),
            "{function} should have failed: {body}"
        );
        let error = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{function} error body {body}: {e}"));
        (status, error)
    }

    /// Posts JSON to a REST route with this browser's session, from our own page.
    pub async fn api_post(&self, path: &str, json: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(ORIGIN, &self.address)
            .header(ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json.to_owned())
            .send()
            .await
            .expect("request")
    }

    /// Uploads a file as multipart (field `file`) from our own page: as the page's script
    /// does (JSON answers), or as a plain form post (`html`).
    pub async fn upload(
        &self,
        path: &str,
        name: &str,
        bytes: &[u8],
        html: bool,
    ) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
        self.client
            .post(self.url(path))
            .header(ORIGIN, &self.address)
            .header(
                ACCEPT,
                if html {
                    "text/html"
                } else {
                    "application/json"
                },
            )
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("request")
    }

    /// Loads a page as a browser would.
    pub async fn page(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .expect("request")
    }

    pub async fn me(&self) -> Option<shared::accounts::Me> {
        self.call_ok("get_me", &[]).await
    }
}

/// Asserts a response is a redirect to `location`.
pub fn assert_redirect_to(response: &reqwest::Response, location: &str) {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    assert_eq!(
        response.headers()["location"].to_str().expect("location"),
        location
    );
}

/// Everything this test process logs from the moment the first caller asks, for tests that
/// check what never appears in logs. Installs the process's one global subscriber (debug for
/// our crates), with the server's record of slow statements beside it as in the server.
pub fn captured_logs() -> String {
    use std::sync::{Mutex, OnceLock};
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    static LOGS: OnceLock<std::sync::Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    #[derive(Clone)]
    struct Sink(std::sync::Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logs = LOGS.get_or_init(|| {
        let logs = std::sync::Arc::new(Mutex::new(Vec::new()));
        let sink = Sink(logs.clone());
        let _ = tracing_subscriber::registry()
            .with(server::observability::slow_statements())
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(move || sink.clone())
                    .with_filter(tracing_subscriber::EnvFilter::new(
                        "info,services=debug,server=debug,app=debug,tower_http=debug",
                    )),
            )
            .try_init();
        logs
    });
    String::from_utf8_lossy(&logs.lock().unwrap()).into_owned()
}

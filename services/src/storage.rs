//! The one storage interface, on two backends chosen from the database URL.
//!
//! Domain code and SQL are written once: the `with_reader!`, `with_writer!` and `on_tx!`
//! macros expand a block once per backend, so the same query text runs on SQLite and
//! PostgreSQL (both take `$1`-style parameters). Where the dialects really differ a block
//! branches on [`Dialect`]. The macros stay inside this module: services see typed methods
//! on [`Store`], [`Tx`], [`TenantData`] and [`PlatformData`] only.
//!
//! SQLite runs in WAL mode with a busy timeout, one writer connection and a pool of readers;
//! PostgreSQL uses one pool.
//!
//! Tenant data is reachable only through [`TenantData`], which is built from a
//! [`TenantAccess`](crate::TenantAccess) — proof that the permission check admitted the
//! caller to that tenant. Platform-wide reads go through [`PlatformData`], built from a
//! [`PlatformAccess`](crate::PlatformAccess).

use std::str::FromStr as _;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use sqlx::ConnectOptions as _;
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tracing::instrument;

use crate::authz::{EmbedAccess, PlatformAccess, SystemAccess, TenantAccess};
use crate::events::EventBus;
use access_cache::{AccessCache, Invalidation};
use shared::ids::TenantId;

pub mod access_cache;
pub mod account_links;
pub mod api_tokens;
pub mod audit;
pub mod billing;
pub mod catalog;
pub mod credits;
pub mod customers;
pub mod export;
pub mod impersonations;
pub mod invitations;
pub mod invoices;
pub mod jobs;
pub mod live_events;
pub mod marketplace;
pub mod memberships;
pub mod notifications;
pub mod outbox;
pub mod people;
pub mod platform;
pub mod process;
pub mod projects;
pub(crate) mod search;
pub mod security_alerts;
pub mod sessions;
pub mod sign_ins;
mod sqlite_readers;
pub mod submissions;
pub mod support;
pub mod tenants;
pub mod throttle;
pub mod trusted_devices;
pub mod two_factor;
pub mod users;
pub mod vault;
pub mod widget_stats;
pub mod widgets;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub(crate) enum Backend {
    Sqlite {
        writer: SqlitePool,
        reader: sqlite_readers::Readers,
    },
    Postgres(PgPool),
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    pub(crate) cache: Arc<AccessCache>,
    pub(crate) events: Arc<EventBus>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .finish_non_exhaustive()
    }
}

/// Pool figures for `/metrics` and the health page.
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
}

/// Expands `$body` with `$conn` bound to a reading pool of the configured backend.
macro_rules! with_reader {
    ($store:expr, $conn:ident => $body:expr) => {{
        $crate::storage::reading::refuse_second_connection();
        match &$store.backend {
            $crate::storage::Backend::Sqlite { reader: $conn, .. } => $body,
            $crate::storage::Backend::Postgres($conn) => $body,
        }
    }};
}

/// Expands `$body` with `$conn` bound to the writing pool of the configured backend.
macro_rules! with_writer {
    ($store:expr, $conn:ident => $body:expr) => {{
        $crate::storage::reading::refuse_second_connection();
        match &$store.backend {
            $crate::storage::Backend::Sqlite { writer: $conn, .. } => $body,
            $crate::storage::Backend::Postgres($conn) => $body,
        }
    }};
}

/// Expands `$body` with `$conn` bound to the open transaction inside a [`Tx`]; use
/// `&mut **$conn` as the executor.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::storage::TxInner::Sqlite($conn) => $body,
            $crate::storage::TxInner::Postgres($conn) => $body,
        }
    };
}

/// Expands `$body` with `$conn` bound to a connection on which only the tenant of `$data`
/// (a [`TenantData`]) is visible: on PostgreSQL a pooled connection with `atrium.tenant_id`
/// set, so row-level security hides every other tenant's rows even from a query that forgot
/// its `WHERE tenant_id`; on SQLite a connection of the named pool. Use `&mut *$conn` when
/// the body runs more than one query.
macro_rules! tenant_scoped {
    ($data:expr, $sqlite:ident, $held:expr, $conn:ident => $body:expr) => {
        match &$data.store.backend {
            $crate::storage::Backend::Sqlite { $sqlite: pool, .. } => 'scoped: {
                let mut lease = match $crate::storage::Lease::sqlite(pool, $held).await {
                    Ok(lease) => lease,
                    Err(e) => break 'scoped Err(e.into()),
                };
                let $conn = lease.sqlite_connection();
                $body
            }
            $crate::storage::Backend::Postgres(pool) => 'scoped: {
                let mut lease =
                    match $crate::storage::Lease::postgres(pool, $data.tenant, $held).await {
                        Ok(lease) => lease,
                        Err(e) => break 'scoped Err(e.into()),
                    };
                let out = {
                    let $conn = lease.connection();
                    $body
                };
                match lease.release().await {
                    Ok(()) => out,
                    Err(e) => Err(e.into()),
                }
            }
        }
    };
}

/// [`on_tx!`] for a [`TenantData`] write: on PostgreSQL the transaction is scoped to the
/// tenant for the body (row-level security then refuses rows of any other tenant) and
/// unscoped again after it, so the rest of the transaction is not limited by it.
macro_rules! on_tenant_tx {
    ($data:expr, $tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::storage::TxInner::Sqlite($conn) => $body,
            $crate::storage::TxInner::Postgres(tx) => 'scoped: {
                if let Err(e) =
                    sqlx::query("SELECT set_config('atrium.tenant_id', ($1::uuid)::text, true)")
                        .bind($data.tenant)
                        .execute(&mut **tx)
                        .await
                {
                    break 'scoped Err(e.into());
                }
                let out = {
                    let $conn = &mut *tx;
                    $body
                };
                match out {
                    // After an error the transaction is aborted and ends unscoped.
                    Err(e) => Err(e),
                    Ok(value) => {
                        match sqlx::query("SELECT set_config('atrium.tenant_id', '', true)")
                            .execute(&mut **tx)
                            .await
                        {
                            Ok(_) => Ok(value),
                            Err(e) => Err(e.into()),
                        }
                    }
                }
            }
        }
    };
}

/// [`tenant_scoped!`] on a reading connection: the one [`TenantData::reading`] holds, if any.
macro_rules! with_tenant_reader {
    ($data:expr, $conn:ident => $body:expr) => {
        $crate::storage::tenant_scoped!($data, reader, $data.held, $conn => $body)
    };
}

/// [`tenant_scoped!`] on the writing connection.
macro_rules! with_tenant_writer {
    ($data:expr, $conn:ident => $body:expr) => {
        $crate::storage::tenant_scoped!($data, writer, None, $conn => $body)
    };
}

/// A column of a read whose rows come back as one ([`Dialect::json_rows`]), by how each
/// backend stores it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum JsonColumn {
    /// Numbers, text, timestamps: the same JSON from both backends.
    Value(&'static str),
    /// A uuid: SQLite keeps it as a BLOB, which JSON cannot hold, so there it comes as its
    /// hex digits (which `Uuid` reads as well as PostgreSQL's hyphenated text).
    Uuid(&'static str),
    /// A boolean: SQLite keeps 0 or 1, made `false` or `true`.
    Bool(&'static str),
}

impl Dialect {
    /// A `SELECT` of one value: the rows of `query` as a JSON array of arrays of its output
    /// columns `columns`, in no set order (the caller sorts what it reads: an aggregate's
    /// own `ORDER BY` costs SQLite a temporary b-tree per run). On SQLite every row of a
    /// result is handed from the connection's thread to the task reading it (a channel
    /// send, and mostly a wake-up), and a page's reads of many small rows spent more in
    /// those hand-overs than in SQLite; folded, each read is one hand-over, and several
    /// such reads can be columns of one statement.
    pub(crate) fn json_rows(self, columns: &[JsonColumn], query: &str) -> String {
        let columns = columns
            .iter()
            .map(|column| match (self, *column) {
                (_, JsonColumn::Value(name))
                | (Dialect::Postgres, JsonColumn::Uuid(name) | JsonColumn::Bool(name)) => {
                    format!("r.{name}")
                }
                (Dialect::Sqlite, JsonColumn::Uuid(name)) => format!("hex(r.{name})"),
                (Dialect::Sqlite, JsonColumn::Bool(name)) => {
                    format!("json(CASE WHEN r.{name} THEN 'true' ELSE 'false' END)")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            Dialect::Sqlite => {
                format!("SELECT json_group_array(json_array({columns})) FROM ({query}) AS r")
            }
            Dialect::Postgres => format!(
                "SELECT COALESCE(json_agg(json_build_array({columns})), '[]')::text FROM ({query}) AS r"
            ),
        }
    }
}

/// Statement texts a read assembles from fixed parts, each built on its first use and kept
/// for the process's life: one per dialect and per `N` choices the read makes (a sort order,
/// say). The pages' folded reads formatted their statements anew for every request, a few
/// percent of a page's instructions.
pub(crate) struct SqlTexts<const N: usize>([[OnceLock<String>; N]; 2]);

impl<const N: usize> SqlTexts<N> {
    pub(crate) const fn new() -> Self {
        Self([const { [const { OnceLock::new() }; N] }; 2])
    }

    /// The text for `dialect` and choice `choice` (below `N`), built by `build` the first
    /// time.
    pub(crate) fn get(
        &self,
        dialect: Dialect,
        choice: usize,
        build: impl FnOnce() -> String,
    ) -> &str {
        self.0[dialect as usize][choice].get_or_init(build)
    }
}

/// The rows out of a [`Dialect::json_rows`] read's value.
pub(crate) fn parse_json_rows<T: serde::de::DeserializeOwned>(
    json: &str,
) -> anyhow::Result<Vec<T>> {
    serde_json::from_str(json).context("reading rows folded into JSON")
}

pub(crate) use {
    on_tenant_tx, on_tx, tenant_scoped, with_reader, with_tenant_reader, with_tenant_writer,
    with_writer,
};

/// `text` as a `LIKE … ESCAPE '\'` pattern matching it anywhere (lower-cased), or `''` for
/// no text.
pub(crate) fn contains_pattern(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("%{}%", like_escape(&text.to_lowercase()))
}

pub(crate) fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The role the server's PostgreSQL connections run as: not a superuser and not the tables'
/// owner, so row-level security applies to it. Created at connect when missing; the
/// migrations grant it what the server needs (and nothing on the migration history).
const APP_ROLE_SQL: &str = "DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'atrium_app') THEN
        CREATE ROLE atrium_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- another server created it meanwhile
END
$$;
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'atrium_app', 'MEMBER') THEN
        EXECUTE format('GRANT atrium_app TO %I', current_user);
    END IF;
END
$$;";

/// A PostgreSQL connection scoped to one tenant for row-level security. Its tenant is
/// cleared before it goes back to the pool; one dropped half-way (an error, a cancelled
/// request) is closed instead, so no other caller ever gets a connection still scoped.
pub(crate) struct TenantConnection {
    conn: sqlx::pool::PoolConnection<sqlx::Postgres>,
    cleared: bool,
}

impl TenantConnection {
    pub(crate) async fn acquire(pool: &PgPool, tenant: TenantId) -> sqlx::Result<Self> {
        let mut scoped = Self {
            conn: pool.acquire().await?,
            cleared: false,
        };
        sqlx::query("SELECT set_config('atrium.tenant_id', ($1::uuid)::text, false)")
            .bind(tenant)
            .execute(&mut *scoped.conn)
            .await?;
        Ok(scoped)
    }

    pub(crate) fn connection(&mut self) -> &mut sqlx::PgConnection {
        &mut self.conn
    }

    pub(crate) async fn release(mut self) -> sqlx::Result<()> {
        sqlx::query("SELECT set_config('atrium.tenant_id', '', false)")
            .execute(&mut *self.conn)
            .await?;
        self.cleared = true;
        Ok(())
    }
}

impl Drop for TenantConnection {
    fn drop(&mut self) {
        if !self.cleared {
            self.conn.close_on_drop();
        }
    }
}

/// The reading connection [`TenantData::reading`] keeps for a run of reads, so they pay for
/// one pooled checkout instead of one each (on PostgreSQL three round trips to scope and
/// unscope it; on SQLite a checkout is cheap, and the run waits for a free connection once).
/// Reads of the run take turns on it.
pub(crate) enum HeldReader {
    Sqlite(tokio::sync::Mutex<sqlite_readers::Reader>),
    Postgres(tokio::sync::Mutex<TenantConnection>),
}

/// A connection for one tenant-scoped statement block: checked out of a pool for it, or the
/// held one of a run of reads, taken for the block.
pub(crate) enum Lease<'h, C> {
    Pooled(C),
    Held(tokio::sync::MutexGuard<'h, C>),
}

impl<C> Lease<'_, C> {
    fn get(&mut self) -> &mut C {
        match self {
            Lease::Pooled(conn) => conn,
            Lease::Held(conn) => conn,
        }
    }
}

impl<'h, C> Lease<'h, C> {
    /// The held connection when there is one; otherwise one `checkout` takes from its pool.
    async fn take(
        held: Option<&'h tokio::sync::Mutex<C>>,
        checkout: impl Future<Output = sqlx::Result<C>>,
    ) -> sqlx::Result<Self> {
        match held {
            Some(conn) => Ok(Lease::Held(conn.lock().await)),
            None => {
                reading::refuse_second_connection();
                Ok(Lease::Pooled(checkout.await?))
            }
        }
    }
}

/// An SQLite pool a tenant-scoped block checks its connection out of: the reading
/// connections (or the one a run of reads holds) or the writing one.
pub(crate) trait SqliteCheckout {
    type Conn: std::ops::DerefMut<Target = sqlx::SqliteConnection>;

    fn checkout(&self) -> impl Future<Output = sqlx::Result<Self::Conn>> + Send;

    /// The connection of a run of reads this pool's blocks take instead, if any.
    fn held(held: &HeldReader) -> Option<&tokio::sync::Mutex<Self::Conn>>;
}

impl SqliteCheckout for sqlite_readers::Readers {
    type Conn = sqlite_readers::Reader;

    fn checkout(&self) -> impl Future<Output = sqlx::Result<Self::Conn>> + Send {
        self.acquire()
    }

    fn held(held: &HeldReader) -> Option<&tokio::sync::Mutex<Self::Conn>> {
        match held {
            HeldReader::Sqlite(conn) => Some(conn),
            HeldReader::Postgres(_) => None,
        }
    }
}

impl SqliteCheckout for SqlitePool {
    type Conn = sqlx::pool::PoolConnection<sqlx::Sqlite>;

    fn checkout(&self) -> impl Future<Output = sqlx::Result<Self::Conn>> + Send {
        self.acquire()
    }

    fn held(_: &HeldReader) -> Option<&tokio::sync::Mutex<Self::Conn>> {
        None
    }
}

impl<'h, C: std::ops::DerefMut<Target = sqlx::SqliteConnection>> Lease<'h, C> {
    pub(crate) async fn sqlite<P: SqliteCheckout<Conn = C>>(
        pool: &P,
        held: Option<&'h HeldReader>,
    ) -> sqlx::Result<Self> {
        Lease::take(held.and_then(P::held), pool.checkout()).await
    }

    pub(crate) fn sqlite_connection(&mut self) -> &mut sqlx::SqliteConnection {
        self.get()
    }
}

impl<'h> Lease<'h, TenantConnection> {
    pub(crate) async fn postgres(
        pool: &PgPool,
        tenant: TenantId,
        held: Option<&'h HeldReader>,
    ) -> sqlx::Result<Self> {
        let held = match held {
            Some(HeldReader::Postgres(conn)) => Some(conn),
            _ => None,
        };
        Lease::take(held, TenantConnection::acquire(pool, tenant)).await
    }

    pub(crate) fn connection(&mut self) -> &mut sqlx::PgConnection {
        self.get().connection()
    }

    /// Unscopes a connection checked out for the block; the held one stays scoped for the
    /// rest of its run.
    pub(crate) async fn release(self) -> sqlx::Result<()> {
        match self {
            Lease::Pooled(conn) => conn.release().await,
            Lease::Held(_) => Ok(()),
        }
    }
}

/// Guards the rule of [`TenantData::reading`]: a task holding a reading connection takes no
/// other from the pools. Were it to wait for one, every holder could be waiting at once,
/// each for a connection only another holder could give back.
pub(crate) mod reading {
    tokio::task_local! {
        static HOLDING: ();
    }

    /// Runs `run` as a task that holds a reading connection.
    pub(crate) async fn holding<T>(run: impl Future<Output = T>) -> T {
        HOLDING.scope((), run).await
    }

    /// Fails a debug build (every test) when the current task holds a reading connection.
    pub(crate) fn refuse_second_connection() {
        debug_assert!(
            HOLDING.try_with(|_| ()).is_err(),
            "a database connection was checked out during TenantData::reading, which holds one"
        );
    }
}

impl Store {
    /// Connects to the database named by `url`; SQLite files (and their folder) are created
    /// when missing. Statements taking `slow` or longer are reported as warnings (target
    /// `sqlx::query`), which the health page counts.
    #[instrument(skip_all)]
    pub async fn connect(
        url: &SecretString,
        max_connections: u32,
        cache_ttl: Duration,
        slow: Duration,
    ) -> anyhow::Result<Self> {
        let cache = Arc::new(AccessCache::new(cache_ttl));
        let events = Arc::new(EventBus::new());
        let url = url.expose_secret();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .context("parsing the PostgreSQL URL")?
                .log_slow_statements(log::LevelFilter::Warn, slow);
            let mut bootstrap = PgConnection::connect_with(&options)
                .await
                .context("connecting to PostgreSQL")?;
            sqlx::raw_sql(APP_ROLE_SQL)
                .execute(&mut bootstrap)
                .await
                .context(
                    "setting up the role atrium_app (the database user needs CREATEROLE, or an \
                     administrator runs CREATE ROLE atrium_app NOLOGIN and GRANT atrium_app TO it)",
                )?;
            bootstrap.close().await.ok();
            let pool = PgPoolOptions::new()
                .max_connections(max_connections.max(2))
                .acquire_timeout(Duration::from_secs(5))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        sqlx::raw_sql("SET ROLE atrium_app")
                            .execute(conn)
                            .await
                            .map(|_| ())
                    })
                })
                .connect_with(options)
                .await
                .context("connecting to PostgreSQL")?;
            events.spawn_listener(pool.clone());
            return Ok(Self {
                backend: Backend::Postgres(pool),
                cache,
                events,
            });
        }
        if !url.starts_with("sqlite:") {
            anyhow::bail!("the database URL must start with sqlite:// or postgres://");
        }
        let options = SqliteConnectOptions::from_str(url)
            .context("parsing the SQLite URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .log_slow_statements(log::LevelFilter::Warn, slow);
        if let Some(dir) = options.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the database folder {}", dir.display()))?;
        }
        // An SQLite connection is a file in this process and cannot drop like a network
        // one, so the writer's pool does not ping it before handing it out (a round trip to
        // the connection's thread before every query; the ping on release is sqlx's own,
        // which the readers avoid: see `sqlite_readers`).
        let writer = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await
            .context("opening the SQLite database")?;
        let reader = sqlite_readers::Readers::open(
            &options.read_only(true),
            max_connections,
            Duration::from_secs(5),
        )
        .await
        .context("opening SQLite readers")?;
        Ok(Self {
            backend: Backend::Sqlite { writer, reader },
            cache,
            events,
        })
    }

    /// Applies pending migrations for this backend.
    #[instrument(skip_all)]
    pub async fn migrate(&self) -> anyhow::Result<()> {
        const FAILED: &str = "applying database migrations";
        match &self.backend {
            Backend::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await.context(FAILED),
            Backend::Postgres(pool) => {
                // Migrations run as the connecting user (the tables' owner), never as the
                // server's role; that connection is closed afterwards rather than reused.
                let mut owner = pool.acquire().await.context(FAILED)?;
                owner.close_on_drop();
                sqlx::raw_sql("RESET ROLE")
                    .execute(&mut *owner)
                    .await
                    .context(FAILED)?;
                POSTGRES_MIGRATIONS.run(&mut *owner).await.context(FAILED)?;
                drop(owner);
                self.check_row_security(pool).await
            }
        }
    }

    /// Refuses to go on unless the server's connections are bound by row-level security.
    async fn check_row_security(&self, pool: &PgPool) -> anyhow::Result<()> {
        let (role, active): (String, bool) =
            sqlx::query_as("SELECT current_user::text, row_security_active('memberships')")
                .fetch_one(pool)
                .await
                .context("checking row-level security")?;
        anyhow::ensure!(
            role == "atrium_app" && active,
            "row-level security is not in force on this server's connections (they run as {role})"
        );
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite { .. } => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.dialect() {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// The database's size on disk in bytes (the SQLite file's pages; PostgreSQL's
    /// `pg_database_size`), for the console's health page.
    #[instrument(skip_all)]
    pub async fn database_size(&self) -> crate::Result<Option<i64>> {
        Ok(match &self.backend {
            Backend::Sqlite { reader, .. } => {
                sqlx::query_scalar(
                    "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                )
                .fetch_optional(reader)
                .await?
            }
            Backend::Postgres(pool) => {
                sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_optional(pool)
                    .await?
            }
        })
    }

    pub fn pool_stats(&self) -> PoolStats {
        match &self.backend {
            Backend::Sqlite { writer, reader } => PoolStats {
                size: writer.size() + reader.size(),
                idle: (writer.num_idle() + reader.num_idle()) as u32,
            },
            Backend::Postgres(pool) => PoolStats {
                size: pool.size(),
                idle: pool.num_idle() as u32,
            },
        }
    }

    /// A round trip to the database, for `/healthz`.
    pub async fn ping(&self) -> crate::Result<()> {
        with_reader!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Whether [`Store::close`] was called.
    pub fn is_closed(&self) -> bool {
        match &self.backend {
            Backend::Sqlite { writer, .. } => writer.is_closed(),
            Backend::Postgres(pool) => pool.is_closed(),
        }
    }

    /// Closes every connection (SQLite checkpoints its WAL on the last close).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    /// Drops this server's cached copies of a person's sessions, so the next request reads
    /// them from the database (after a change made outside the storage layer).
    pub fn forget_sessions_of(&self, user: shared::ids::UserId) {
        self.cache.apply(Invalidation::SessionsOf(user));
    }

    /// The event bus this store's transactions publish to after they commit.
    pub fn events(&self) -> &Arc<EventBus> {
        &self.events
    }

    /// Opens a write transaction (on SQLite, on the single writer connection).
    pub async fn begin(&self) -> crate::Result<Tx> {
        reading::refuse_second_connection();
        let inner = match &self.backend {
            Backend::Sqlite { writer, .. } => TxInner::Sqlite(writer.begin().await?),
            Backend::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            cache: self.cache.clone(),
            invalidations: Vec::new(),
            events: self.events.clone(),
            pending_events: Vec::new(),
        })
    }

    /// Data of the one tenant the caller was admitted to.
    pub fn tenant<'a>(&'a self, access: &TenantAccess) -> TenantData<'a> {
        TenantData::new(self, access.tenant_id())
    }

    /// One tenant's data as a super admin reaches it (the platform scope covers every tenant).
    pub fn tenant_from_platform<'a>(
        &'a self,
        _access: &PlatformAccess,
        tenant: TenantId,
    ) -> TenantData<'a> {
        TenantData::new(self, tenant)
    }

    /// One tenant's data as the platform's scheduled work reaches it.
    pub fn tenant_for_system<'a>(
        &'a self,
        _access: &SystemAccess,
        tenant: TenantId,
    ) -> TenantData<'a> {
        TenantData::new(self, tenant)
    }

    /// The data of the workspace whose published widget a visitor reaches.
    pub fn tenant_for_visitor<'a>(&'a self, access: &EmbedAccess) -> TenantData<'a> {
        TenantData::new(self, access.tenant_id())
    }

    /// The workspace that keeps what a visitor sends: the customer's, when they came through
    /// a deployment for one (see [`EmbedAccess::records_tenant`]).
    pub fn records_for_visitor<'a>(&'a self, access: &EmbedAccess) -> TenantData<'a> {
        TenantData::new(self, access.records_tenant())
    }

    /// Platform-wide data, for super admins.
    pub fn platform<'a>(&'a self, _access: &PlatformAccess) -> PlatformData<'a> {
        PlatformData { store: self }
    }
}

/// A write transaction on either backend. Dropping it without [`Tx::commit`] rolls back.
/// The access-cache entries its writes affect are dropped, and the live events it published
/// are delivered, when it commits.
pub struct Tx {
    pub(crate) inner: TxInner,
    cache: Arc<AccessCache>,
    invalidations: Vec<Invalidation>,
    pub(crate) events: Arc<EventBus>,
    pub(crate) pending_events: Vec<(TenantId, shared::live::Change)>,
}

pub(crate) enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub async fn commit(mut self) -> crate::Result<()> {
        let events = self.write_events().await?;
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        for change in self.invalidations {
            self.cache.apply(change);
        }
        for event in events {
            self.events.deliver(event);
        }
        Ok(())
    }

    /// Records that this transaction's writes change what the access cache holds.
    pub(crate) fn invalidates(&mut self, change: Invalidation) {
        self.invalidations.push(change);
    }

    pub fn dialect(&self) -> Dialect {
        match self.inner {
            TxInner::Sqlite(_) => Dialect::Sqlite,
            TxInner::Postgres(_) => Dialect::Postgres,
        }
    }
}

/// Tenant-scoped reads and writes. Every query it runs is filtered by its tenant.
pub struct TenantData<'a> {
    pub(crate) store: &'a Store,
    pub(crate) tenant: TenantId,
    /// The reading connection of a [`TenantData::reading`] run.
    pub(crate) held: Option<&'a HeldReader>,
}

impl<'a> TenantData<'a> {
    /// One tenant's data, each read on a connection of its own.
    pub(crate) fn new(store: &'a Store, tenant: TenantId) -> Self {
        TenantData {
            store,
            tenant,
            held: None,
        }
    }

    /// Runs `reads` with every read of this tenant's data on one connection, checked out
    /// once for the run: for a page made of several reads. Reads that run side by side (a
    /// `try_join!`) take turns on it. Within the run nothing else may use the database —
    /// no writes, no reads outside this tenant's data — since a task holding one connection
    /// must not wait for another (debug builds fail such a checkout).
    pub async fn reading<T>(
        &self,
        reads: impl AsyncFnOnce(&TenantData<'_>) -> crate::Result<T>,
    ) -> crate::Result<T> {
        reading::refuse_second_connection();
        let held = match &self.store.backend {
            Backend::Sqlite { reader, .. } => {
                HeldReader::Sqlite(tokio::sync::Mutex::new(reader.acquire().await?))
            }
            Backend::Postgres(pool) => HeldReader::Postgres(tokio::sync::Mutex::new(
                TenantConnection::acquire(pool, self.tenant).await?,
            )),
        };
        let data = TenantData {
            held: Some(&held),
            ..TenantData::new(self.store, self.tenant)
        };
        let out = reading::holding(reads(&data)).await;
        let released = match held {
            HeldReader::Postgres(conn) => conn.into_inner().release().await,
            HeldReader::Sqlite(_) => Ok(()),
        };
        let value = out?;
        released?;
        Ok(value)
    }
}

/// Platform-wide reads and writes, for super admins.
pub struct PlatformData<'a> {
    pub(crate) store: &'a Store,
}

#[cfg(test)]
mod tests {
    use sqlx::Connection as _;

    /// The bundled SQLite is built with the options `.cargo/config.toml` gives it: a page
    /// cache per connection (no global memory-management mutex) and stable query plans, so a
    /// cached statement with a bound `LIMIT` is not parsed and planned again on every run.
    #[tokio::test]
    async fn the_bundled_sqlite_has_our_build_options() -> anyhow::Result<()> {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
        for (option, wanted) in [("ENABLE_QPSG", 1), ("ENABLE_MEMORY_MANAGEMENT", 0)] {
            let used: i64 = sqlx::query_scalar("SELECT sqlite_compileoption_used($1)")
                .bind(option)
                .fetch_one(&mut conn)
                .await?;
            assert_eq!(used, wanted, "SQLITE_{option}");
        }
        Ok(())
    }

    /// The SQLite writer's pool does not ping its connection before handing it out: each
    /// ping is a round trip to the connection's thread, and a connection to a file in this
    /// process cannot have gone away. (The readers are not pinged at all: see
    /// `sqlite_readers`.)
    #[tokio::test]
    async fn the_sqlite_writer_is_handed_out_without_a_ping() -> anyhow::Result<()> {
        let (_dir, store) = sqlite_store(2).await?;
        let super::Backend::Sqlite { writer, reader } = &store.backend else {
            anyhow::bail!("an SQLite URL opened another backend");
        };
        assert!(!writer.options().get_test_before_acquire());
        assert_eq!((reader.size(), reader.num_idle()), (2, 2));
        Ok(())
    }

    /// A migrated SQLite store in a temporary folder, with `readers` reading connections.
    async fn sqlite_store(readers: u32) -> anyhow::Result<(tempfile::TempDir, super::Store)> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("atrium.db").display());
        let store = super::Store::connect(
            &url.into(),
            readers,
            std::time::Duration::from_secs(5),
            std::time::Duration::from_secs(1),
        )
        .await?;
        store.migrate().await?;
        Ok((dir, store))
    }

    fn some_tenant(store: &super::Store) -> super::TenantData<'_> {
        super::TenantData::new(
            store,
            shared::ids::TenantId::from_uuid(uuid::Uuid::now_v7()),
        )
    }

    /// Every read of a run, side by side or one after another, goes over the one connection
    /// the run holds: with a single reading connection, a read that went to the pool instead
    /// would wait for the run to give it back.
    #[tokio::test]
    async fn a_run_of_reads_holds_one_connection() -> anyhow::Result<()> {
        let (_dir, store) = sqlite_store(1).await?;
        let session = shared::ids::ProcessSessionId::from_uuid(uuid::Uuid::now_v7());
        let (templates, trail, jobs, center) = some_tenant(&store)
            .reading(async |data| {
                let side_by_side = tokio::try_join!(
                    data.templates(),
                    data.trail(session),
                    data.session_jobs(session)
                )?;
                let super::Backend::Sqlite { reader, .. } = &store.backend else {
                    unreachable!("sqlite_store opens SQLite");
                };
                assert_eq!((reader.size(), reader.num_idle()), (1, 0));
                let (templates, trail, jobs) = side_by_side;
                let center = data
                    .command_center_rows(&Default::default(), 20, 10, 10, chrono::Utc::now())
                    .await?;
                Ok((templates, trail, jobs, center))
            })
            .await?;
        assert!(templates.is_empty() && trail.is_empty() && jobs.is_empty());
        assert!(center.sessions.is_empty() && center.examples.is_empty());
        assert_eq!(center.total, 0);
        // Given back afterwards: the single connection serves the next read.
        assert!(some_tenant(&store).templates().await?.is_empty());
        Ok(())
    }

    /// Each dialect and choice has its own text, built once.
    #[test]
    fn statement_texts_are_built_once_for_each_dialect_and_choice() {
        use super::Dialect;
        static TEXTS: super::SqlTexts<2> = super::SqlTexts::new();
        let builds = std::cell::Cell::new(0);
        let text = |dialect, choice| {
            TEXTS.get(dialect, choice, || {
                builds.set(builds.get() + 1);
                format!("{dialect:?} {choice}")
            })
        };
        for _ in 0..3 {
            assert_eq!(text(Dialect::Sqlite, 0), "Sqlite 0");
            assert_eq!(text(Dialect::Sqlite, 1), "Sqlite 1");
            assert_eq!(text(Dialect::Postgres, 1), "Postgres 1");
        }
        assert_eq!(builds.get(), 3);
    }

    /// Folded into JSON, a uuid (a BLOB on SQLite) reads back as the same `Uuid`, a boolean
    /// (0 or 1) as `bool`, and every row comes back.
    #[tokio::test]
    async fn rows_folded_into_json_read_back_uuids_and_booleans() -> anyhow::Result<()> {
        use super::JsonColumn::{Bool, Uuid, Value};
        let (_dir, store) = sqlite_store(1).await?;
        let (a, b) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let sql = store.dialect().json_rows(
            &[Uuid("id"), Bool("flag"), Value("n")],
            "SELECT $1 AS id, 1 = 1 AS flag, 2 AS n UNION ALL SELECT $2, 1 = 0, 1",
        );
        let json: String = super::with_reader!(store, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(a)
            .bind(b)
            .fetch_one(pool)
            .await)?;
        let mut rows: Vec<(uuid::Uuid, bool, i64)> = super::parse_json_rows(&json)?;
        rows.sort_by_key(|row| row.2);
        assert_eq!(rows, [(b, false, 1), (a, true, 2)]);
        let none = store
            .dialect()
            .json_rows(&[Value("n")], "SELECT 1 AS n WHERE 1 = 0");
        let json: String = super::with_reader!(store, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(none.as_str()))
            .fetch_one(pool)
            .await)?;
        assert!(super::parse_json_rows::<(i64,)>(&json)?.is_empty());
        Ok(())
    }

    /// Taking a second connection while holding one could leave every holder waiting on
    /// another; debug builds (every test) fail it where it happens.
    #[tokio::test]
    #[should_panic(expected = "checked out during TenantData::reading")]
    async fn a_run_of_reads_takes_no_other_connection() {
        let (_dir, store) = sqlite_store(1).await.unwrap();
        let _ = some_tenant(&store)
            .reading(async |_| store.ping().await)
            .await;
    }
}

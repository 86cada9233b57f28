//! SQLite's reading connections, pooled without sqlx's pool.
//!
//! sqlx runs each SQLite connection on a thread of its own, so every statement is a hop to
//! that thread and back. Its pool adds a second hop per checkout: a connection on its way
//! back is pinged, in a task spawned for it, before anyone may take it again. That ping
//! guards network connections that died or were left mid-statement; neither can happen
//! here. A connection's thread runs its commands in the order they were sent, so whatever a
//! cancelled read left behind (a statement half-stepped, a transaction the guard is rolling
//! back) is finished before the next command runs, and a connection to a file in this
//! process does not go away. These connections are opened at start, held in a
//! [`deadpool`] pool of existing objects, and go back to it when dropped.
//!
//! `&Readers` is an [`Executor`], like `&SqlitePool`, so a read written once for both
//! backends takes either pool.

use std::time::Duration;

use deadpool::Runtime;
use deadpool::unmanaged::{Object, Pool, PoolConfig, PoolError};
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt as _, TryStreamExt as _};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteQueryResult, SqliteRow, SqliteStatement,
    SqliteTypeInfo,
};
use sqlx::{ConnectOptions as _, Connection as _, Either, Execute, Executor, SqlStr, Sqlite};

/// The reading connections, cheap to clone.
#[derive(Clone)]
pub(crate) struct Readers {
    pool: Pool<SqliteConnection>,
}

/// One reading connection, checked out until dropped.
pub(crate) type Reader = Object<SqliteConnection>;

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self.pool.status();
        f.debug_struct("Readers")
            .field("size", &status.size)
            .field("idle", &status.available)
            .finish()
    }
}

impl Readers {
    /// Opens `count` connections with `options`; a checkout waits at most `wait` for one.
    pub(crate) async fn open(
        options: &SqliteConnectOptions,
        count: u32,
        wait: Duration,
    ) -> sqlx::Result<Self> {
        let count = count.max(1) as usize;
        let pool = Pool::from_config(&PoolConfig {
            max_size: count,
            timeout: Some(wait),
            runtime: Some(Runtime::Tokio1),
        });
        for _ in 0..count {
            let conn = options.connect().await?;
            if pool.try_add(conn).is_err() {
                return Err(sqlx::Error::PoolClosed);
            }
        }
        Ok(Self { pool })
    }

    /// A connection, as soon as one is free.
    pub(crate) async fn acquire(&self) -> sqlx::Result<Reader> {
        self.pool.get().await.map_err(|e| match e {
            PoolError::Timeout => sqlx::Error::PoolTimedOut,
            PoolError::Closed | PoolError::NoRuntimeSpecified => sqlx::Error::PoolClosed,
        })
    }

    /// How many connections there are.
    pub(crate) fn size(&self) -> u32 {
        u32::try_from(self.pool.status().size).unwrap_or(u32::MAX)
    }

    /// How many of them are free now.
    pub(crate) fn num_idle(&self) -> usize {
        self.pool.status().available
    }

    /// Closes the free connections, each to the end (so the writer, closed after, is the
    /// last connection and SQLite checkpoints its WAL then), and each checked-out one as it
    /// comes back; waiting and later checkouts fail.
    pub(crate) async fn close(&self) {
        while let Ok(conn) = self.pool.try_remove() {
            conn.close().await.ok();
        }
        self.pool.close();
    }
}

impl<'p> Executor<'p> for &'p Readers {
    type Database = Sqlite;

    /// The rows are read to the end on the connection before the stream yields them, so the
    /// connection goes back to the pool with the statement done. Reads through the pool
    /// are short; a long streamed read takes a connection with [`Readers::acquire`].
    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, sqlx::Result<Either<SqliteQueryResult, SqliteRow>>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        let rows = async move {
            let mut conn = self.acquire().await?;
            (&mut *conn).fetch_many(query).try_collect::<Vec<_>>().await
        };
        stream::once(rows)
            .map_ok(|rows| stream::iter(rows.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, sqlx::Result<Option<SqliteRow>>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        Box::pin(async move {
            let mut conn = self.acquire().await?;
            (&mut *conn).fetch_optional(query).await
        })
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [SqliteTypeInfo],
    ) -> BoxFuture<'e, sqlx::Result<SqliteStatement>>
    where
        'p: 'e,
    {
        Box::pin(async move {
            let mut conn = self.acquire().await?;
            (&mut *conn).prepare_with(sql, parameters).await
        })
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, sqlx::Result<sqlx::Describe<Sqlite>>>
    where
        'p: 'e,
    {
        Box::pin(async move {
            let mut conn = self.acquire().await?;
            (&mut *conn).describe(sql).await
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::sqlite::SqliteConnectOptions;

    use super::Readers;

    async fn readers(count: u32, wait: Duration) -> anyhow::Result<(tempfile::TempDir, Readers)> {
        let dir = tempfile::tempdir()?;
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("readers.db"))
            .create_if_missing(true);
        Ok((dir, Readers::open(&options, count, wait).await?))
    }

    /// Reads through `&Readers` run like reads through `&SqlitePool`, and each hands its
    /// connection back as it ends: free again before anything else runs (sqlx's pool gives
    /// it back later, from a task it spawns to ping it first).
    #[tokio::test]
    async fn a_read_gives_its_connection_back_as_it_ends() -> anyhow::Result<()> {
        let (_dir, readers) = readers(1, Duration::from_secs(5)).await?;
        assert_eq!((readers.size(), readers.num_idle()), (1, 1));
        let one: i64 = sqlx::query_scalar("SELECT $1 + 1")
            .bind(41_i64)
            .fetch_one(&readers)
            .await?;
        assert_eq!(one, 42);
        assert_eq!(readers.num_idle(), 1);
        let rows: Vec<(i64,)> =
            sqlx::query_as("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n")
                .fetch_all(&readers)
                .await?;
        assert_eq!(rows, [(1,), (2,), (3,)]);
        assert_eq!(readers.num_idle(), 1);
        let none: Option<i64> = sqlx::query_scalar("SELECT 1 WHERE 0")
            .fetch_optional(&readers)
            .await?;
        assert_eq!(none, None);
        assert_eq!(readers.num_idle(), 1);
        Ok(())
    }

    /// A read cancelled half-way (its request gone) leaves nothing behind: the next read on
    /// the same, only connection gets its own answer.
    #[tokio::test]
    async fn a_cancelled_read_leaves_the_connection_usable() -> anyhow::Result<()> {
        let (_dir, readers) = readers(1, Duration::from_secs(5)).await?;
        let long = sqlx::query_scalar::<_, i64>(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) SELECT count(*) FROM n",
        )
        .fetch_one(&readers);
        assert!(
            tokio::time::timeout(Duration::from_millis(20), long)
                .await
                .is_err()
        );
        let answer: String = sqlx::query_scalar("SELECT 'mine'")
            .fetch_one(&readers)
            .await?;
        assert_eq!(answer, "mine");
        assert_eq!(readers.num_idle(), 1);
        Ok(())
    }

    /// With every connection taken, a checkout waits its time and then fails as sqlx's pool
    /// does; closed, the pool refuses at once.
    #[tokio::test]
    async fn a_checkout_waits_then_fails_and_a_closed_pool_refuses() -> anyhow::Result<()> {
        let (_dir, readers) = readers(1, Duration::from_millis(50)).await?;
        let held = readers.acquire().await?;
        assert!(matches!(
            readers.acquire().await,
            Err(sqlx::Error::PoolTimedOut)
        ));
        drop(held);
        assert!(readers.acquire().await.is_ok());
        readers.close().await;
        assert_eq!(readers.size(), 0);
        assert!(matches!(
            readers.acquire().await,
            Err(sqlx::Error::PoolClosed)
        ));
        Ok(())
    }
}

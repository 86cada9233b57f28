//! argon2id hashing, off the async workers and with bounded concurrency.
//!
//! Hashing costs ~25 ms of one core. Hashes run on the blocking pool, at most
//! `auth.hash_concurrency` at a time (one less than the cores by default, so async workers
//! always keep a core). A request that cannot get a slot within `auth.hash_queue_timeout_ms`
//! is answered 503 with `Retry-After` instead of stalling the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use shared::AppError;
use shared::password::Password;
use tokio::sync::Semaphore;

use crate::error::Result;

/// OWASP's recommended argon2id configuration: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    permits: Arc<Semaphore>,
    queue_timeout: Duration,
    /// Verified against when the email is unknown, so timing does not tell.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    pub fn new(concurrency: usize, queue_timeout: Duration) -> anyhow::Result<Self> {
        let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
            .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut OsRng);
        let dummy_hash = argon2
            .hash_password(b"no account has this password", &salt)
            .map_err(|e| anyhow::anyhow!("hashing the dummy password: {e}"))
            .context("preparing the password hasher")?
            .to_string();
        Ok(Self {
            argon2,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            queue_timeout,
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Hashes a new password (PHC string with its salt and parameters).
    pub async fn hash(&self, password: &Password) -> Result<String> {
        let argon2 = self.argon2.clone();
        let secret = password.expose().to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2
                .hash_password(secret.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
        })
        .await?
        .map_err(Into::into)
    }

    /// Checks a password against a stored hash, or against the dummy hash when there is no
    /// account, taking the same time either way.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool> {
        let argon2 = self.argon2.clone();
        let candidate = password.to_owned();
        let exists = stored.is_some();
        let hash = stored
            .map(str::to_owned)
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let matches = self
            .run(move || {
                PasswordHash::new(&hash)
                    .map(|parsed| {
                        argon2
                            .verify_password(candidate.as_bytes(), &parsed)
                            .is_ok()
                    })
                    .unwrap_or(false)
            })
            .await?;
        Ok(exists && matches)
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let waited = Instant::now();
        let permit = tokio::time::timeout(self.queue_timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                metrics::counter!("atrium_password_hash_rejected_total").increment(1);
                AppError::Unavailable {
                    retry_after_secs: self.queue_timeout.as_secs().max(1),
                }
            })?
            .context("password hasher closed")?;
        metrics::histogram!("atrium_password_hash_wait_seconds")
            .record(waited.elapsed().as_secs_f64());
        let started = Instant::now();
        let out = tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await
        .context("password hashing task")?;
        metrics::histogram!("atrium_password_hash_seconds").record(started.elapsed().as_secs_f64());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let hasher = PasswordHasher::new(1, Duration::from_secs(5)).unwrap();
        let password = Password::parse("correct horse battery", None).unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify("correct horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("wrong horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("no account has this password", None)
                .await
                .unwrap()
        );
        assert!(!hasher.verify("x", Some("not a phc string")).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_answers_unavailable() {
        let hasher = PasswordHasher::new(1, Duration::from_millis(10)).unwrap();
        let _held = hasher.permits.clone().acquire_owned().await.unwrap();
        let err = hasher.verify("anything", None).await.unwrap_err();
        assert!(
            matches!(err.app(), Some(AppError::Unavailable { .. })),
            "{err:?}"
        );
    }
}

//! Webhook steps: the signed POST to a workflow endpoint, and the signed callback URL the
//! endpoint may answer through later.
//!
//! Signature: `X-Atrium-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
//! with the workspace's signing secret (shown to template managers), so a receiver can
//! verify the body and refuse replays older than a few minutes. `X-Atrium-Delivery` is
//! `<job id>:<attempt>`: after a server restart a step may be delivered again, and a
//! receiver that must act once dedupes on the job id.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use shared::AppError;
use shared::ids::{JobId, TenantId};

use crate::authz::TenantAccess;
use crate::error::Result;
use crate::state::Services;

type HmacSha256 = Hmac<Sha256>;

/// How long a callback URL stays valid.
pub const CALLBACK_DAYS: i64 = 7;

fn purpose(tenant: TenantId) -> String {
    crate::crypto::purposes::webhook_secret(tenant)
}

/// The workspace's signing secret (created on first use, sealed at rest).
pub async fn signing_secret(svc: &Services, access: &TenantAccess) -> Result<String> {
    let fresh = format!("whsec_{}", crate::tokens::new_token());
    let sealed_fresh = svc
        .secrets()
        .seal(&purpose(access.tenant_id()), fresh.as_bytes());
    let sealed = svc
        .store()
        .tenant(access)
        .webhook_secret(&sealed_fresh)
        .await?;
    open_secret(svc, access.tenant_id(), &sealed)
}

fn open_secret(svc: &Services, tenant: TenantId, sealed: &[u8]) -> Result<String> {
    let plain = svc
        .secrets()
        .open(&purpose(tenant), sealed)
        .map_err(|e| anyhow::anyhow!("webhook secret does not open: {e:?}"))?;
    String::from_utf8(plain).map_err(|e| anyhow::anyhow!("webhook secret is not text: {e}").into())
}

pub fn sign(secret: &str, message: &[u8]) -> String {
    sign_with(secret.as_bytes(), message)
}

/// HMAC-SHA256 of `message` under `key`, in hex.
pub fn sign_with(key: &[u8], message: &[u8]) -> String {
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable_hmac());
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// HMAC takes keys of any length; this never runs.
fn unreachable_hmac() -> HmacSha256 {
    #[allow(clippy::unwrap_used)]
    <HmacSha256 as KeyInit>::new_from_slice(b"k").unwrap()
}

/// Checks a hex signature in constant time.
pub(crate) fn verify(key: &[u8], message: &[u8], signature_hex: &str) -> bool {
    let Ok(expected) = hex::decode(signature_hex) else {
        return false;
    };
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable_hmac());
    mac.update(message);
    mac.verify_slice(&expected).is_ok()
}

/// The key callback URLs of a workspace are signed with: derived from the server key, so
/// only the server can make one (webhook receivers hold the signing secret, not this).
pub fn callback_key(svc: &Services, tenant: TenantId) -> String {
    svc.secrets().derived_key(&format!("callbacks:{tenant}"))
}

fn callback_message(tenant: TenantId, job: JobId, attempt: i32, expires: i64) -> String {
    format!("callback:{tenant}:{job}:{attempt}:{expires}")
}

/// The URL a webhook endpoint posts its result to: for this attempt of this job only, valid
/// for [`CALLBACK_DAYS`].
pub fn callback_url(base: &str, key: &str, tenant: TenantId, job: JobId, attempt: i32) -> String {
    let expires = (crate::time::now() + chrono::Duration::days(CALLBACK_DAYS)).timestamp();
    let signature = sign(
        key,
        callback_message(tenant, job, attempt, expires).as_bytes(),
    );
    format!(
        "{base}/api/v1/callbacks/{tenant}/jobs/{job}?attempt={attempt}&expires={expires}&signature={signature}"
    )
}

/// Checks a callback URL's signature and expiry.
pub fn check_callback(
    key: &str,
    tenant: TenantId,
    job: JobId,
    attempt: i32,
    expires: i64,
    signature: &str,
) -> Result<()> {
    if !verify(
        key.as_bytes(),
        callback_message(tenant, job, attempt, expires).as_bytes(),
        signature,
    ) {
        return Err(AppError::forbidden("The callback signature is not valid.").into());
    }
    if expires < crate::time::now().timestamp() {
        return Err(AppError::forbidden("This callback URL has expired.").into());
    }
    Ok(())
}

/// What a delivery came to.
#[derive(Debug)]
pub enum Delivery {
    /// 2xx: done; the body (JSON, if any) is kept as the step's output.
    Done(Option<String>),
    /// 202: the endpoint will answer through the callback URL.
    Accepted,
    /// Anything else: worth another attempt.
    Failed(String),
}

/// The most of a response body kept as output.
const MAX_OUTPUT: usize = 16 * 1024;

/// POSTs `body` signed to `url`.
pub async fn deliver(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &str,
    delivery: &str,
    timeout: Duration,
) -> Delivery {
    let t = crate::time::now().timestamp();
    let signature = sign(secret, format!("{t}.{body}").as_bytes());
    let sent = client
        .post(url)
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("x-atrium-signature", format!("t={t},v1={signature}"))
        .header("x-atrium-delivery", delivery)
        .body(body.to_owned())
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(err) if err.is_timeout() => {
            return Delivery::Failed(format!("No answer within {} s.", timeout.as_secs()));
        }
        Err(err) => {
            return Delivery::Failed(format!(
                "Could not reach the endpoint: {}.",
                without_url(&err)
            ));
        }
    };
    let status = response.status();
    if status == reqwest::StatusCode::ACCEPTED {
        return Delivery::Accepted;
    }
    if status.is_success() {
        // Read at most MAX_OUTPUT: an endpoint must not be able to fill the server's memory.
        let mut response = response;
        let mut body = Vec::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            if body.len() + chunk.len() > MAX_OUTPUT {
                body.clear();
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let output = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .map(|v| v.to_string());
        return Delivery::Done(output);
    }
    Delivery::Failed(format!("The endpoint answered {status}."))
}

fn without_url(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(url.as_str(), "").replace(" ()", "");
    }
    text.trim().trim_end_matches(" for").to_owned()
}

/// What a callback posts.
#[derive(Debug, Deserialize)]
pub struct CallbackBody {
    pub status: CallbackStatus,
    #[serde(default)]
    pub output: Option<serde_json::Value>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CallbackStatus {
    Succeeded,
    Failed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let sig = sign("whsec_test", b"123.{}");
        assert!(verify(b"whsec_test", b"123.{}", &sig));
        assert!(!verify(b"whsec_test", b"123.{ }", &sig));
        assert!(!verify(b"whsec_other", b"123.{}", &sig));
        assert!(!verify(b"whsec_test", b"123.{}", "zz"));
        // A known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
        assert_eq!(
            sign("key", b"The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn callback_urls_are_bound_to_their_job_attempt_and_expiry() {
        let tenant = TenantId::from_uuid(uuid::Uuid::now_v7());
        let job = JobId::from_uuid(uuid::Uuid::now_v7());
        let url = callback_url("http://x", "k", tenant, job, 2);
        let query = url.split('?').nth(1).unwrap();
        let mut expires = 0;
        let mut signature = "";
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap();
            match k {
                "expires" => expires = v.parse().unwrap(),
                "signature" => signature = v,
                _ => {}
            }
        }
        assert!(check_callback("k", tenant, job, 2, expires, signature).is_ok());
        assert!(
            check_callback("k", tenant, job, 1, expires, signature).is_err(),
            "another attempt"
        );
        assert!(
            check_callback("other", tenant, job, 2, expires, signature).is_err(),
            "another key"
        );
        let other = JobId::from_uuid(uuid::Uuid::now_v7());
        assert!(check_callback("k", tenant, other, 2, expires, signature).is_err());
        let past = crate::time::now().timestamp() - 10;
        let stale = sign("k", callback_message(tenant, job, 2, past).as_bytes());
        assert!(check_callback("k", tenant, job, 2, past, &stale).is_err());
    }
}

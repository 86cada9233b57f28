//! Two-factor sign-in with TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of
//! clock skew either way) and single-use backup codes.
//!
//! The TOTP secret is sealed under the server key; a code is accepted once (the step of the
//! last accepted code is stored and a code must be of a later step); backup codes are kept
//! as SHA-256 hashes (each carries 50 random bits and dies after one use). Wrong codes count
//! against the account's and the address's sign-in throttle, like wrong passwords.

use qrcode::QrCode;
use qrcode::render::svg;
use sha2::{Digest, Sha256};
use shared::AppError;
use shared::ids::UserId;
use shared::two_factor::{
    BACKUP_CODE_ALPHABET, BACKUP_CODE_COUNT, BACKUP_CODE_LEN, BackupCodes, SecondFactorCode,
    TotpSetup, TwoFactorStatus, format_backup_code,
};
use totp_rs::{Builder, Totp};
use tracing::instrument;

use super::sign_in::SignedIn;
use super::trusted_devices::{self, IssuedDevice};
use super::{history, sessions, step_up, throttle};
use crate::audit::{self, actions};
use crate::authz::Caller;
use crate::client::ClientInfo;
use crate::error::{Error, Result};
use crate::state::Services;
use shared::security::SignInOutcome;

const ISSUER: &str = "Atrium";
/// 160-bit secrets, as RFC 4226 recommends for HMAC-SHA-1.
const SECRET_LEN: usize = 20;

fn purpose(user: UserId) -> String {
    crate::crypto::purposes::totp(user)
}

/// Our TOTP configuration for a secret (the builder's defaults are RFC 6238's: SHA-1,
/// 6 digits, 30 s, skew 1).
pub fn totp(secret: Vec<u8>, account: &str) -> Result<Totp> {
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|error| Error::Internal(anyhow::anyhow!("building a TOTP: {error}")))
}

/// The time step of `code` if it is right for this sealed secret now (±1 step).
fn matching_step(
    svc: &Services,
    user: UserId,
    account: &str,
    sealed: &[u8],
    code: &str,
) -> Result<Option<u64>> {
    let secret = svc
        .secrets()
        .open(&purpose(user), sealed)
        .map_err(|error| Error::Internal(error.into()))?;
    Ok(totp(secret, account)?.check(code, now_unix()))
}

fn now_unix() -> u64 {
    u64::try_from(crate::time::now().timestamp()).unwrap_or(0)
}

fn hash_backup_code(code: &str) -> Vec<u8> {
    Sha256::digest(code.as_bytes()).to_vec()
}

fn new_backup_codes() -> (Vec<String>, Vec<Vec<u8>>) {
    (0..BACKUP_CODE_COUNT)
        .map(|_| {
            let bytes: [u8; BACKUP_CODE_LEN] = rand::random();
            let code: String = bytes
                .iter()
                .map(|b| BACKUP_CODE_ALPHABET[usize::from(b & 31)] as char)
                .collect();
            let hash = hash_backup_code(&code);
            (format_backup_code(&code), hash)
        })
        .unzip()
}

fn wrong_code() -> Error {
    AppError::invalid(
        "code",
        "That code is not right, or it was already used. Wait for the next code in your authenticator app, or use a backup code.",
    )
    .into()
}

#[instrument(skip_all)]
pub async fn status(svc: &Services, caller: &Caller) -> Result<TwoFactorStatus> {
    let enabled = svc.store().has_two_factor(caller.user_id).await?;
    let left = if enabled {
        svc.store().backup_codes_left(caller.user_id).await?
    } else {
        0
    };
    Ok(TwoFactorStatus {
        enabled,
        backup_codes_left: u32::try_from(left).unwrap_or(0),
    })
}

/// Step one of enrollment: a new secret, its QR code and its text. Starting again replaces
/// a secret that was never confirmed.
#[instrument(skip_all)]
pub async fn start_enrollment(svc: &Services, caller: &Caller) -> Result<TotpSetup> {
    caller.in_person()?;
    if svc.store().has_two_factor(caller.user_id).await? {
        return Err(AppError::conflict(
            "Two-factor sign-in is already on. Turn it off first to set up another authenticator.",
        )
        .into());
    }
    let secret: [u8; SECRET_LEN] = rand::random();
    let totp = totp(secret.to_vec(), caller.email.as_str())?;
    let sealed = svc.secrets().seal(&purpose(caller.user_id), &secret);
    if !svc
        .store()
        .put_pending_totp(caller.user_id, &sealed, crate::time::now())
        .await?
    {
        return Err(AppError::conflict("Two-factor sign-in is already on.").into());
    }
    let otpauth_url = totp
        .to_url()
        .map_err(|error| Error::Internal(anyhow::anyhow!("otpauth URL: {error}")))?;
    let qr = QrCode::new(otpauth_url.as_bytes())
        .map_err(|error| Error::Internal(anyhow::anyhow!("QR code: {error}")))?;
    let qr_svg = qr
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(TotpSetup {
        secret: totp.secret().to_base32(),
        otpauth_url,
        qr_svg,
    })
}

/// Step two: the first code from the app turns the second factor on and returns the backup
/// codes, shown once.
#[instrument(skip_all)]
pub async fn confirm_enrollment(
    svc: &Services,
    caller: &Caller,
    code: &str,
    client: &ClientInfo,
) -> Result<BackupCodes> {
    caller.in_person()?;
    svc.second_factor_limiter().check(client.ip)?;
    let code = SecondFactorCode::parse_totp(code)?;
    let Some(row) = svc.store().totp_credential(caller.user_id).await? else {
        return Err(AppError::conflict(
            "Start the setup again: no authenticator is waiting to be confirmed.",
        )
        .into());
    };
    if row.confirmed_at.is_some() {
        return Err(AppError::conflict("Two-factor sign-in is already on.").into());
    }
    let Some(step) = matching_step(
        svc,
        caller.user_id,
        caller.email.as_str(),
        &row.secret,
        &code,
    )?
    else {
        return Err(AppError::invalid(
            "code",
            "That code is not right. Check that the time on your phone is correct and enter the code the app shows now.",
        )
        .into());
    };
    let (codes, hashes) = new_backup_codes();
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    if !tx
        .confirm_totp(caller.user_id, i64::try_from(step).unwrap_or(i64::MAX), now)
        .await?
    {
        return Err(AppError::conflict("Two-factor sign-in is already on.").into());
    }
    tx.replace_backup_codes(caller.user_id, &hashes, now)
        .await?;
    tx.audit(&audit::on_own_account(
        actions::TWO_FACTOR_ENABLED,
        caller,
        client,
        serde_json::json!({ "method": "totp" }),
    ))
    .await?;
    tx.commit().await?;
    Ok(BackupCodes { codes })
}

/// A new set of backup codes; the old set stops working. Needs a recent "confirm it's you".
#[instrument(skip_all)]
pub async fn regenerate_backup_codes(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
) -> Result<BackupCodes> {
    step_up::require(svc, caller)?;
    if !svc.store().has_two_factor(caller.user_id).await? {
        return Err(AppError::conflict("Turn on two-factor sign-in first.").into());
    }
    let (codes, hashes) = new_backup_codes();
    let mut tx = svc.store().begin().await?;
    tx.replace_backup_codes(caller.user_id, &hashes, crate::time::now())
        .await?;
    tx.audit(&audit::on_own_account(
        actions::BACKUP_CODES_REGENERATED,
        caller,
        client,
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok(BackupCodes { codes })
}

/// Turns the second factor off. Needs a recent "confirm it's you" (the password and a
/// code), so a session left open on a shared computer cannot do it. Trusted devices stop
/// being trusted.
#[instrument(skip_all)]
pub async fn disable(svc: &Services, caller: &Caller, client: &ClientInfo) -> Result<()> {
    step_up::require(svc, caller)?;
    let mut tx = svc.store().begin().await?;
    tx.remove_two_factor(caller.user_id).await?;
    tx.revoke_all_trusted_devices(caller.user_id, crate::time::now())
        .await?;
    tx.audit(&audit::on_own_account(
        actions::TWO_FACTOR_DISABLED,
        caller,
        client,
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await
}

/// Checks and spends a code: a TOTP code of a step later than the last accepted one, or an
/// unused backup code.
pub(crate) async fn check_code(
    svc: &Services,
    user: UserId,
    account: &str,
    code: &SecondFactorCode,
) -> Result<bool> {
    match code {
        SecondFactorCode::Totp(digits) => {
            let Some(row) = svc.store().totp_credential(user).await? else {
                return Ok(false);
            };
            if row.confirmed_at.is_none() {
                return Ok(false);
            }
            let Some(step) = matching_step(svc, user, account, &row.secret, digits)? else {
                return Ok(false);
            };
            svc.store()
                .accept_totp_step(user, i64::try_from(step).unwrap_or(i64::MAX))
                .await
        }
        SecondFactorCode::Backup(code) => {
            svc.store()
                .use_backup_code(user, &hash_backup_code(code), crate::time::now())
                .await
        }
    }
}

/// The second step of signing in: the session that passed the password presents a code;
/// it is ended and a new full session (a new token) replaces it. With `trust_device`, the
/// browser is also trusted to skip this step for 30 days (its token is in the answer).
#[instrument(skip_all)]
pub async fn verify_sign_in(
    svc: &Services,
    pending_token: Option<&str>,
    code: &str,
    trust_device: bool,
    client: &ClientInfo,
) -> Result<(SignedIn, Option<IssuedDevice>)> {
    svc.second_factor_limiter().check(client.ip)?;
    let Some(token) = pending_token else {
        return Err(AppError::Unauthenticated.into());
    };
    let Some(caller) = sessions::resolve_pending(svc, token).await? else {
        return Err(AppError::Unauthenticated.into());
    };
    let code = SecondFactorCode::parse(code)?;
    throttle::check(svc, &caller.email, client).await?;
    if !check_code(svc, caller.user_id, caller.email.as_str(), &code).await? {
        svc.store()
            .audit(&audit::on_own_account(
                actions::SECOND_FACTOR_FAILED,
                &caller,
                client,
                serde_json::json!({ "method": method(&code) }),
            ))
            .await?;
        history::record(
            svc,
            caller.email.as_str(),
            Some(caller.user_id),
            client,
            SignInOutcome::WrongCode,
        )
        .await?;
        let refusal = throttle::record_failure(svc, &caller.email, client).await?;
        if let Some(refusal) = refusal {
            sessions::end(svc, token).await?;
            return Err(refusal.into());
        }
        return Err(wrong_code());
    }
    throttle::clear(svc, &caller.email).await?;
    sessions::end(svc, token).await?;
    let session = sessions::issue(svc, caller.user_id, client).await?;
    svc.store()
        .audit(&audit::on_own_account(
            actions::SECOND_FACTOR_PASSED,
            &caller,
            client,
            serde_json::json!({ "method": method(&code), "session": session.id }),
        ))
        .await?;
    let device = if trust_device {
        let device = trusted_devices::trust(svc, caller.user_id, client).await?;
        svc.store()
            .audit(&audit::on_own_account(
                actions::DEVICE_TRUSTED,
                &caller,
                client,
                serde_json::json!({ "device": device.id }),
            ))
            .await?;
        Some(device)
    } else {
        None
    };
    let Some(user) = svc.store().user_by_id(caller.user_id).await? else {
        return Err(AppError::Unauthenticated.into());
    };
    let home = super::sign_in::signed_in(svc, &user, &session, client).await?;
    Ok((
        SignedIn {
            session,
            home,
            needs_second_factor: false,
        },
        device,
    ))
}

fn method(code: &SecondFactorCode) -> &'static str {
    match code {
        SecondFactorCode::Totp(_) => "totp",
        SecondFactorCode::Backup(_) => "backup_code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 with its 20-byte ASCII key and 8 digits.
    #[test]
    fn rfc_6238_appendix_b_vectors() {
        let secret = b"12345678901234567890".to_vec();
        let totp = Builder::new()
            .with_secret(secret)
            .with_digits(8)
            .build()
            .unwrap();
        assert_eq!(totp.generate(59).to_string(), "94287082");
        assert_eq!(totp.generate(1111111109).to_string(), "07081804");
        assert_eq!(totp.generate(1111111111).to_string(), "14050471");
        assert_eq!(totp.generate(1234567890).to_string(), "89005924");
        assert_eq!(totp.generate(2000000000).to_string(), "69279037");
    }

    /// Our configuration: 6 digits (the last six of the RFC's values), 30 s, ±1 step.
    #[test]
    fn our_configuration_accepts_one_step_of_skew_and_no_more() {
        let totp = totp(b"12345678901234567890".to_vec(), "a@example.com").unwrap();
        assert_eq!(totp.generate(59).to_string(), "287082");
        assert_eq!(totp.generate(1111111109).to_string(), "081804");
        let now = 1111111109;
        let code = totp.generate(now).to_string();
        let step = now / 30;
        assert_eq!(totp.check(&code, now), Some(step));
        assert_eq!(totp.check(&code, now + 30), Some(step), "one step late");
        assert_eq!(totp.check(&code, now - 30), Some(step), "one step early");
        assert_eq!(totp.check(&code, now + 60), None, "two steps late");
        assert_eq!(totp.check(&code, now - 60), None, "two steps early");
        assert_eq!(totp.check("000000", now).filter(|_| code != "000000"), None);
    }

    #[test]
    fn backup_codes_are_distinct_parseable_and_stored_hashed() {
        let (codes, hashes) = new_backup_codes();
        assert_eq!(codes.len(), BACKUP_CODE_COUNT);
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), codes.len());
        for (code, hash) in codes.iter().zip(&hashes) {
            let SecondFactorCode::Backup(compact) = SecondFactorCode::parse(code).unwrap() else {
                panic!("{code} is not a backup code");
            };
            assert_eq!(&hash_backup_code(&compact), hash);
            assert!(!hash.windows(compact.len()).any(|w| w == compact.as_bytes()));
        }
        // 10 characters of a 32-letter alphabet: 50 bits each.
        const { assert!(BACKUP_CODE_LEN * 5 >= 50) };
    }
}

//! Links sent by email: resetting a forgotten password, verifying an address, moving an
//! account to a new address. Each link carries a random token (we keep its hash), works
//! once and expires. Asking for a reset answers the same whether or not an account has
//! the email.

use chrono::TimeDelta;
use shared::AppError;
use shared::email::Email;
use shared::ids::{AccountLinkId, NotificationId, UserId};
use shared::password::Password;
use shared::security::{EMAIL_LINK_HOURS, LinkPurpose, NotificationKind, PASSWORD_RESET_MINUTES};
use tracing::instrument;

use super::step_up;
use crate::audit::{self, actions};
use crate::authz::Caller;
use crate::client::ClientInfo;
use crate::error::Result;
use crate::mail::OutgoingMail;
use crate::state::Services;
use crate::storage::Tx;
use crate::storage::account_links::{AccountLinkRow, NewAccountLink};
use crate::storage::notifications::NewNotification;
use crate::tokens;

fn lifetime(purpose: LinkPurpose) -> TimeDelta {
    match purpose {
        LinkPurpose::PasswordReset => TimeDelta::minutes(PASSWORD_RESET_MINUTES),
        LinkPurpose::EmailVerification | LinkPurpose::EmailChange => {
            TimeDelta::hours(EMAIL_LINK_HOURS)
        }
    }
}

fn path(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::PasswordReset => "/reset-password",
        LinkPurpose::EmailVerification | LinkPurpose::EmailChange => "/verify-email",
    }
}

/// Creates a link in `tx` and returns its URL (to be mailed after the commit).
async fn new_link(
    svc: &Services,
    tx: &mut Tx,
    user: UserId,
    purpose: LinkPurpose,
    email: Option<&Email>,
) -> Result<String> {
    let token = tokens::new_token();
    let now = crate::time::now();
    tx.insert_account_link(&NewAccountLink {
        id: AccountLinkId::from_uuid(uuid::Uuid::now_v7()),
        user_id: user,
        purpose,
        token_hash: tokens::hash_token(&token),
        email: email.map(|e| e.to_string()),
        created_at: now,
        expires_at: now + lifetime(purpose),
    })
    .await?;
    Ok(format!(
        "{}{}/{token}",
        svc.settings().public_url(),
        path(purpose)
    ))
}

/// What a password an administrator reset is stored as until its owner chooses a new one:
/// not a password hash, so no password matches it.
pub(crate) const RESET_BY_ADMIN: &str = "!reset-by-admin";

/// Makes `user`'s password stop working and returns the mail with their link to choose a
/// new one (sent after `tx` commits). Their sessions are the caller's to end.
pub(crate) async fn force_reset(
    svc: &Services,
    tx: &mut Tx,
    user: UserId,
    email: Email,
    name: &str,
) -> Result<OutgoingMail> {
    tx.set_password_hash(user, RESET_BY_ADMIN, crate::time::now())
        .await?;
    let link = new_link(svc, tx, user, LinkPurpose::PasswordReset, None).await?;
    Ok(OutgoingMail {
        to: email,
        subject: "Choose a new Atrium password".into(),
        body: format!(
            "Hello {name},\n\nAn administrator of this Atrium reset your password, and signed you out everywhere. Your old password no longer works.\n\nChoose a new one here (the link works once, for {PASSWORD_RESET_MINUTES} minutes; after that, use “Forgot your password?” on the sign-in page):\n{link}\n"
        ),
    })
}

/// "Forgot your password?": mails a reset link when an account has this email. The answer
/// is the same either way, and so is the work, so nobody learns which emails have accounts.
#[instrument(skip_all)]
pub async fn request_password_reset(
    svc: &Services,
    email: &str,
    client: &ClientInfo,
) -> Result<()> {
    svc.sign_in_limiter().check(client.ip)?;
    let email = Email::parse(email)?;
    let Some(user) = svc.store().user_by_email(&email).await? else {
        svc.store()
            .audit(&audit::entry(
                actions::PASSWORD_RESET_REQUESTED,
                None,
                None,
                Some(email.to_string()),
                client,
                serde_json::json!({ "account": false }),
            ))
            .await?;
        return Ok(());
    };
    let mut tx = svc.store().begin().await?;
    let link = new_link(svc, &mut tx, user.id, LinkPurpose::PasswordReset, None).await?;
    tx.audit(&audit::entry(
        actions::PASSWORD_RESET_REQUESTED,
        Some(user.id),
        None,
        Some(email.to_string()),
        client,
        serde_json::json!({ "account": true }),
    ))
    .await?;
    tx.commit().await?;
    svc.send_mail(OutgoingMail {
        to: email,
        subject: "Reset your Atrium password".into(),
        body: format!(
            "Hello {},\n\nSomeone (hopefully you) asked to reset the password of your Atrium account.\n\nChoose a new password here (the link works once, for {PASSWORD_RESET_MINUTES} minutes):\n{link}\n\nIf you did not ask for this, ignore this email: your password stays as it is.\n",
            user.name
        ),
    })
    .await;
    Ok(())
}

/// Reads a link for its page: what it is for, or why it no longer works.
async fn live_link(svc: &Services, token: &str, purpose: LinkPurpose) -> Result<AccountLinkRow> {
    let dead = || -> crate::error::Error {
        AppError::not_found(match purpose {
            LinkPurpose::PasswordReset => "That password-reset link",
            _ => "That email link",
        })
        .into()
    };
    if !tokens::looks_like_token(token) {
        return Err(dead());
    }
    let link = svc
        .store()
        .account_link(&tokens::hash_token(token))
        .await?
        .filter(|l| match purpose {
            LinkPurpose::PasswordReset => l.purpose == LinkPurpose::PasswordReset,
            _ => l.purpose != LinkPurpose::PasswordReset,
        })
        .ok_or_else(dead)?;
    if link.used_at.is_some() {
        return Err(AppError::conflict(match purpose {
            LinkPurpose::PasswordReset => {
                "This password-reset link was already used. Ask for a new one if you still need it."
            }
            _ => "This link was already used.",
        })
        .into());
    }
    if link.expires_at <= crate::time::now() {
        return Err(AppError::conflict(match purpose {
            LinkPurpose::PasswordReset => {
                "This password-reset link has expired. Ask for a new one."
            }
            _ => "This link has expired. Ask for a new one from your account page.",
        })
        .into());
    }
    Ok(link)
}

/// Whether a reset link still works, for the page before the form is shown.
#[instrument(skip_all)]
pub async fn check_password_reset(svc: &Services, token: &str, client: &ClientInfo) -> Result<()> {
    svc.second_factor_limiter().check(client.ip)?;
    live_link(svc, token, LinkPurpose::PasswordReset)
        .await
        .map(|_| ())
}

/// Sets a new password through a reset link: the link dies, every session and trusted
/// device of the person ends, and they are told. Two-factor sign-in stays as it was.
#[instrument(skip_all)]
pub async fn reset_password(
    svc: &Services,
    token: &str,
    new_password: &str,
    client: &ClientInfo,
) -> Result<()> {
    svc.second_factor_limiter().check(client.ip)?;
    let link = live_link(svc, token, LinkPurpose::PasswordReset).await?;
    let Some(user) = svc.store().user_by_id(link.user_id).await? else {
        return Err(AppError::not_found("That password-reset link").into());
    };
    let password = Password::parse(new_password, Some(user.email.as_str()))?;
    let hash = svc.hasher().hash(&password).await?;
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    if !tx.use_account_link(link.id, now).await? {
        return Err(AppError::conflict(
            "This password-reset link was already used. Ask for a new one if you still need it.",
        )
        .into());
    }
    set_password(&mut tx, user.id, &hash, now).await?;
    tx.audit(&audit::entry(
        actions::PASSWORD_RESET,
        Some(user.id),
        None,
        Some(user.email.to_string()),
        client,
        serde_json::json!({}),
    ))
    .await?;
    tx.notify(&password_changed_notice(user.id, now)).await?;
    tx.commit().await?;
    super::throttle::clear(svc, &user.email).await?;
    Ok(())
}

/// Writes a new hash and ends everything the old password opened: sessions and trusted
/// devices.
async fn set_password(
    tx: &mut Tx,
    user: UserId,
    hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    tx.set_password_hash(user, hash, now).await?;
    tx.revoke_all_sessions(user, now).await?;
    tx.revoke_all_trusted_devices(user, now).await?;
    Ok(())
}

fn password_changed_notice(user: UserId, now: chrono::DateTime<chrono::Utc>) -> NewNotification {
    NewNotification {
        id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
        user_id: user,
        kind: NotificationKind::PasswordChanged,
        title: "Your password was changed".into(),
        body: "Every other session was signed out and trusted devices must pass the second step again. If this was not you, reset your password now.".into(),
        created_at: now,
    }
}

/// A new password for the signed-in person (after step-up). Their other sessions end and
/// trusted devices stop being trusted; this session goes on.
#[instrument(skip_all)]
pub async fn change_password(
    svc: &Services,
    caller: &Caller,
    new_password: &str,
    client: &ClientInfo,
) -> Result<()> {
    step_up::require(svc, caller)?;
    let password = Password::parse(new_password, Some(caller.email.as_str()))?;
    let hash = svc.hasher().hash(&password).await?;
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    tx.set_password_hash(caller.user_id, &hash, now).await?;
    tx.revoke_other_sessions(caller.user_id, caller.session_id, now)
        .await?;
    tx.revoke_all_trusted_devices(caller.user_id, now).await?;
    tx.audit(&audit::on_own_account(
        actions::PASSWORD_CHANGED,
        caller,
        client,
        serde_json::json!({}),
    ))
    .await?;
    tx.notify(&password_changed_notice(caller.user_id, now))
        .await?;
    tx.commit().await
}

/// Mails a verification link to the person's address (at sign-up, or again on request).
#[instrument(skip_all)]
pub async fn send_verification(svc: &Services, user: UserId, email: &Email) -> Result<()> {
    let mut tx = svc.store().begin().await?;
    let link = new_link(svc, &mut tx, user, LinkPurpose::EmailVerification, None).await?;
    tx.commit().await?;
    svc.send_mail(OutgoingMail {
        to: email.clone(),
        subject: "Confirm your email for Atrium".into(),
        body: format!(
            "Welcome to Atrium.\n\nConfirm that this is your address (the link works for {EMAIL_LINK_HOURS} hours):\n{link}\n"
        ),
    })
    .await;
    Ok(())
}

/// "Send the link again", for a signed-in person whose address is not verified yet.
#[instrument(skip_all)]
pub async fn resend_verification(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
) -> Result<()> {
    caller.in_person()?;
    svc.sign_in_limiter().check(client.ip)?;
    if svc.store().email_verified(caller.user_id).await? {
        return Err(AppError::conflict("Your email address is already confirmed.").into());
    }
    send_verification(svc, caller.user_id, &caller.email).await
}

/// Asks to move the account to another address (after step-up): a link goes to the new
/// address, and the change happens when it is followed.
#[instrument(skip_all)]
pub async fn request_email_change(
    svc: &Services,
    caller: &Caller,
    new_email: &str,
    client: &ClientInfo,
) -> Result<()> {
    step_up::require(svc, caller)?;
    let email = Email::parse(new_email)?;
    if email == caller.email {
        return Err(AppError::invalid("email", "That is already your email address.").into());
    }
    if svc.store().user_by_email(&email).await?.is_some() {
        return Err(
            AppError::invalid("email", "Another account already uses that email address.").into(),
        );
    }
    let mut tx = svc.store().begin().await?;
    let link = new_link(
        svc,
        &mut tx,
        caller.user_id,
        LinkPurpose::EmailChange,
        Some(&email),
    )
    .await?;
    tx.audit(&audit::on_own_account(
        actions::EMAIL_CHANGE_REQUESTED,
        caller,
        client,
        serde_json::json!({ "to": email }),
    ))
    .await?;
    tx.commit().await?;
    svc.send_mail(OutgoingMail {
        to: email,
        subject: "Confirm your new email for Atrium".into(),
        body: format!(
            "Hello {},\n\nConfirm that your Atrium account should use this address from now on (the link works for {EMAIL_LINK_HOURS} hours):\n{link}\n\nIf you did not ask for this, ignore this email.\n",
            caller.name
        ),
    })
    .await;
    Ok(())
}

/// Follows a verification or email-change link. Returns the address now confirmed.
#[instrument(skip_all)]
pub async fn verify_email(svc: &Services, token: &str, client: &ClientInfo) -> Result<Email> {
    svc.second_factor_limiter().check(client.ip)?;
    let link = live_link(svc, token, LinkPurpose::EmailVerification).await?;
    let Some(user) = svc.store().user_by_id(link.user_id).await? else {
        return Err(AppError::not_found("That email link").into());
    };
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    if !tx.use_account_link(link.id, now).await? {
        return Err(AppError::conflict("This link was already used.").into());
    }
    let email = match (link.purpose, link.email.as_deref()) {
        (LinkPurpose::EmailChange, Some(new)) => {
            let new = Email::parse(new)?;
            tx.change_email(user.id, &new, now).await?;
            tx.audit(&audit::entry(
                actions::EMAIL_CHANGED,
                Some(user.id),
                None,
                Some(new.to_string()),
                client,
                serde_json::json!({ "from": user.email }),
            ))
            .await?;
            tx.notify(&NewNotification {
                id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
                user_id: user.id,
                kind: NotificationKind::EmailChanged,
                title: "Your email address was changed".into(),
                body: format!("You now sign in with {new} (it was {}).", user.email),
                created_at: now,
            })
            .await?;
            new
        }
        _ => {
            tx.mark_email_verified(user.id, now).await?;
            tx.audit(&audit::entry(
                actions::EMAIL_VERIFIED,
                Some(user.id),
                None,
                Some(user.email.to_string()),
                client,
                serde_json::json!({}),
            ))
            .await?;
            user.email.clone()
        }
    };
    tx.commit().await?;
    if email != user.email {
        // The address the account left is told too, in case the change was not its owner's.
        svc.send_mail(OutgoingMail {
            to: user.email.clone(),
            subject: "Your Atrium email address was changed".into(),
            body: format!(
                "Hello {},\n\nYour Atrium account now signs in with {email} instead of this address.\n\nIf you did not do this, reset your password at {}/forgot-password and tell your administrator.\n",
                user.name,
                svc.settings().public_url()
            ),
        })
        .await;
    }
    Ok(email)
}

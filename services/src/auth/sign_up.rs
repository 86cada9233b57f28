//! Signing up: a new person and the organization they own, in one transaction.

use shared::email::Email;
use shared::ids::UserId;
use shared::names::{PersonName, TenantName};
use shared::password::Password;
use shared::personas::PersonaSet;
use shared::platform::{SignUpKind, UserStatus};
use shared::slug::Slug;
use tracing::instrument;

use super::sessions::{self, IssuedSession};
use crate::audit::{self, actions};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::users::UserRecord;
use crate::tenants;

/// A sign-up form as typed; every field is parsed here, with the same parsers the browser
/// used for instant feedback.
pub struct SignUpForm<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub organization: &'a str,
    pub slug: Option<&'a str>,
    pub kind: SignUpKind,
}

pub struct SignedUp {
    pub session: IssuedSession,
    pub home: String,
}

#[instrument(skip_all)]
pub async fn sign_up(
    svc: &Services,
    form: SignUpForm<'_>,
    client: &ClientInfo,
) -> Result<SignedUp> {
    let name = PersonName::parse(form.name)?;
    let email = Email::parse(form.email)?;
    let password = Password::parse(form.password, Some(email.as_str()))?;
    let organization =
        TenantName::parse(form.organization).map_err(|e| e.for_field("organization"))?;
    let slug = form
        .slug
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Slug::parse)
        .transpose()?;
    svc.sign_in_limiter().check(client.ip)?;

    let password_hash = svc.hasher().hash(&password).await?;
    let now = crate::time::now();
    let user = UserRecord {
        id: UserId::from_uuid(uuid::Uuid::now_v7()),
        email,
        name,
        password_hash,
        personas: PersonaSet::new([form.kind.persona()]),
        status: UserStatus::Active,
        created_at: now,
        last_sign_in_at: Some(now),
    };
    let mut tx = svc.store().begin().await?;
    tx.insert_user(&user).await?;
    let tenant = tenants::create(
        &mut tx,
        &organization,
        slug,
        form.kind.variant(),
        (user.id, Some(user.id)),
        client,
    )
    .await?;
    tx.audit(&audit::entry(
        actions::SIGN_UP,
        Some(user.id),
        Some(tenant.id),
        Some(user.email.to_string()),
        client,
        serde_json::json!({ "kind": form.kind }),
    ))
    .await?;
    tx.commit().await?;

    super::recovery::send_verification(svc, user.id, &user.email).await?;
    let session = sessions::issue(svc, user.id, client).await?;
    Ok(SignedUp {
        session,
        home: shared::tenants::workspace_path(form.kind.persona(), &tenant.slug),
    })
}

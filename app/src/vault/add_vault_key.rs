use leptos::prelude::*;
use shared::AppError;
use shared::ids::VaultKeyId;
use shared::vault::Provider;

/// Keeps a provider key, checked for its provider's format and sealed at rest.
#[server(prefix = "/rpc", endpoint = "add_vault_key")]
pub async fn add_vault_key(
    slug: String,
    provider: Provider,
    label: String,
    secret: String,
) -> Result<VaultKeyId, AppError> {
    use crate::server;
    use shared::names::KeyLabel;
    use shared::vault::ProviderSecret;

    let caller = server::caller()?;
    let invalid = |e: shared::ValidationError| server::fail(e.into());
    let label = KeyLabel::parse(&label).map_err(invalid)?;
    let secret = ProviderSecret::parse(provider, &secret).map_err(invalid)?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::vault::add(&svc, &caller, &ctx.client, &slug, provider, &label, &secret)
        .await
        .map_err(server::fail)
}

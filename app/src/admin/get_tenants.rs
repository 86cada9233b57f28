use leptos::prelude::*;
use shared::AppError;
use shared::tenant_console::{TenantForm, TenantsPage};

/// A page of the platform's tenants (super admins), searched by the list's form.
#[server(prefix = "/rpc", endpoint = "get_tenants")]
pub async fn get_tenants(form: TenantForm) -> Result<TenantsPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let query = form
        .parse()
        .map_err(|e| server::fail(AppError::from(e).into()))?;
    services::platform::tenants(&svc, &caller, query)
        .await
        .map_err(server::fail)
}

use leptos::prelude::*;
use shared::AppError;
use shared::security::TrustedDeviceView;

#[server(prefix = "/rpc", endpoint = "list_trusted_devices")]
pub async fn list_trusted_devices() -> Result<Vec<TrustedDeviceView>, AppError> {
    use crate::server;
    use services::auth::{cookie, trusted_devices};

    let caller = server::caller()?;
    let svc = server::services()?;
    let current = server::cookie(cookie::device_cookie_name(svc.settings()));
    trusted_devices::list(&svc, &caller, current.as_deref())
        .await
        .map_err(server::fail)
}

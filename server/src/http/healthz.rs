use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use services::Services;

/// `/healthz`: 200 when the database answers, 503 when it does not.
pub async fn healthz(State(services): State<Services>) -> Response {
    let store = services.store();
    let database = store.backend_name();
    match store.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": database, "version": env!("CARGO_PKG_VERSION") }))
            .into_response(),
        Err(err) => {
            let reference = err.into_app_error();
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": database, "error": reference.to_string() })),
            )
                .into_response()
        }
    }
}

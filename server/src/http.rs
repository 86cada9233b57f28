//! What every request passes through, and the small handlers outside the app.

pub mod assets;
pub mod context;
pub mod csrf;
pub mod errors;
pub mod headers;
pub mod healthz;
pub mod metrics;
pub mod preloads;
pub mod request_metrics;
pub mod server_fn_status;

//! Atrium's HTTP server: the axum router with the Leptos pages and server functions, the
//! JSON API, health and metrics, the middleware every request passes through, and the
//! operator command line.

pub mod api;
pub mod cli;
pub mod embed;
pub mod http;
pub mod live;
pub mod observability;
pub mod startup;

pub use startup::Application;

//! Atrium's domain, written once for the server and the browser.
//!
//! Everything here compiles to native code and to `wasm32-unknown-unknown` and does no I/O.
//! Values that carry a rule (an email, a slug, a password) are newtypes with a private field
//! and a `parse` function: the browser calls it for instant feedback, the server calls it
//! again, and nothing downstream re-checks.

#[macro_use]
mod text_enum;

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod billing;
pub mod branding;
pub mod catalog;
pub mod credits;
pub mod customers;
pub mod email;
pub mod error;
pub mod health;
pub mod ids;
pub mod impersonation;
pub mod live;
pub mod marketplace;
pub mod members;
pub mod names;
pub mod navigation;
pub mod password;
pub mod people;
pub mod permissions;
pub mod personas;
pub mod platform;
pub mod process;
pub mod projects;
pub mod security;
pub mod slug;
pub mod support;
pub mod tenant_console;
pub mod tenants;
pub mod threats;
pub mod two_factor;
pub mod validation;
pub mod vault;
pub mod widgets;

pub use error::AppError;
pub use validation::ValidationError;

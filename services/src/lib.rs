//! Atrium's server-side core: configuration, storage on SQLite or PostgreSQL, sign-in and
//! sessions, the permission check, and the domain services the pages and APIs call.
//!
//! Nothing here speaks HTTP. The `server` crate turns requests into a [`Caller`] and a
//! [`ClientInfo`]; the Leptos server functions in `app` call these services with them.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod billing;
pub mod catalog;
pub mod client;
pub mod config;
pub mod crypto;
pub mod csv_table;
pub mod customers;
pub mod demo;
pub mod error;
pub mod events;
pub mod health;
pub mod impersonation;
pub mod key_rotation;
pub mod mail;
pub mod marketplace;
pub mod notifications;
pub mod people;
pub mod platform;
pub mod process;
pub mod projects;
pub mod state;
pub mod storage;
pub mod support;
pub mod tenant_removal;
pub mod tenants;
pub mod threats;
pub mod time;
pub mod tokens;
pub mod vault;
pub mod widgets;

pub use authz::{Caller, PlatformAccess, TenantAccess};
pub use client::ClientInfo;
pub use error::{Error, Result};
pub use state::Services;

//! Integration tests: each starts the real server on port 0 with a fresh database and talks
//! to it over HTTP on loopback. The same suite runs on SQLite (default) and on PostgreSQL
//! (`ATRIUM_TEST_DATABASE=postgres`); see `scripts/test`.
//!
//! Run: `cargo test -p server --test api` (add `ATRIUM_TEST_DATABASE=postgres` for the
//! PostgreSQL half).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod account_security;
mod accounts;
mod api_tokens;
mod audit_log;
mod billing;
mod catalog;
mod cli;
mod command_center;
mod credits;
mod cross_tenant;
mod customers;
mod embeds;
mod features;
mod health;
mod impersonation;
mod invitations;
mod invoices;
mod marketplace;
mod members;
mod operations;
mod pages;
mod people;
mod platform;
mod projects;
mod restart;
mod row_security;
mod security;
mod sign_in;
mod sign_up;
mod support;
mod tenant_console;
mod tenant_removal;
mod threats;
mod two_factor;
mod vault;
mod widgets;

//! Signing up, signing in and out, sessions, password hashing and brute-force throttling.

pub mod cookie;
pub mod passwords;
pub mod rate_limit;
pub mod sessions;
pub mod sign_in;
pub mod sign_up;
pub mod throttle;
pub mod two_factor;

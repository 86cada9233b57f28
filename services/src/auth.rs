//! Signing up, signing in and out, sessions, password hashing and brute-force throttling.

pub mod cookie;
pub mod history;
pub mod passwords;
pub mod rate_limit;
pub mod recovery;
pub mod sessions;
pub mod sign_in;
pub mod sign_up;
pub mod step_up;
pub mod throttle;
pub mod trusted_devices;
pub mod two_factor;

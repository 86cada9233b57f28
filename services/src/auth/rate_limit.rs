//! Per-address request budgets for anonymous endpoints (sign-in, sign-up, invitations),
//! enforced in memory before any password work, so a flood cannot queue up hashing.

use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use shared::AppError;

use crate::error::Result;

#[derive(Clone)]
pub struct AddressLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    clock: DefaultClock,
}

impl AddressLimiter {
    pub fn per_minute(requests: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(requests.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            clock: DefaultClock::default(),
        }
    }

    /// Spends one request of the address's budget, or says how long to wait. An IPv6
    /// address counts by its /64 (one household or host holds a whole /64 and could rotate
    /// through it).
    pub fn check(&self, ip: Option<IpAddr>) -> Result<()> {
        let key = match ip {
            Some(IpAddr::V6(v6)) => {
                let segments = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                ))
            }
            Some(v4) => v4,
            None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        };
        self.limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            metrics::counter!("atrium_rate_limited_total").increment(1);
            AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            }
            .into()
        })
    }

    /// Forgets addresses whose budget is full again; called periodically.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_per_address() {
        let limiter = AddressLimiter::per_minute(2);
        let a = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
        let b = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let err = limiter.check(a).unwrap_err();
        assert!(
            matches!(err.app(), Some(AppError::RateLimited { retry_after_secs }) if *retry_after_secs >= 1)
        );
        assert!(
            limiter.check(b).is_ok(),
            "another address has its own budget"
        );
        // Addresses of one IPv6 /64 share a budget.
        let host = |last: u16| {
            Some(IpAddr::V6(std::net::Ipv6Addr::new(
                0x2001, 0xdb8, 1, 2, 0, 0, 0, last,
            )))
        };
        assert!(limiter.check(host(1)).is_ok());
        assert!(limiter.check(host(2)).is_ok());
        assert!(limiter.check(host(3)).is_err());
    }
}

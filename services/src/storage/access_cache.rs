//! Short-lived in-process copies of the two reads every signed-in request makes: which
//! session a token belongs to, and where its person is a member; and of the plans, which
//! every workspace home and usage page reads and only a super admin's edit changes.
//!
//! Every write that can change them goes through the storage layer, which drops the affected
//! entries — at commit for transactions — so within one server nothing is ever stale: a
//! revoked session or removed member is refused on the very next request. Entries also
//! expire after `sessions.cache_seconds`, which bounds how long another server instance
//! sharing a PostgreSQL database can lag behind a change made elsewhere. `0` turns the
//! cache off.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use shared::billing::Plan;
use shared::ids::UserId;

use super::sessions::SessionLookup;
use super::tenants::MembershipLookup;

/// What a committed change invalidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalidation {
    /// The person's sessions (revocations, personas, status).
    SessionsOf(UserId),
    /// The person's memberships (joined, removed, role changed).
    MembershipsOf(UserId),
    /// Every membership list (a tenant's status or name changed).
    AllMemberships,
    /// The plans (a super admin edited one).
    Plans,
}

pub struct AccessCache {
    sessions: Option<Cache<Vec<u8>, SessionLookup>>,
    memberships: Option<Cache<UserId, Arc<Vec<MembershipLookup>>>>,
    plans: Option<Cache<(), Arc<Vec<Plan>>>>,
}

impl AccessCache {
    pub fn new(ttl: Duration) -> Self {
        if ttl.is_zero() {
            return Self {
                sessions: None,
                memberships: None,
                plans: None,
            };
        }
        Self {
            sessions: Some(
                Cache::builder()
                    .max_capacity(100_000)
                    .time_to_live(ttl)
                    .support_invalidation_closures()
                    .build(),
            ),
            memberships: Some(
                Cache::builder()
                    .max_capacity(100_000)
                    .time_to_live(ttl)
                    .build(),
            ),
            plans: Some(Cache::builder().max_capacity(1).time_to_live(ttl).build()),
        }
    }

    pub fn session(&self, token_hash: &[u8]) -> Option<SessionLookup> {
        let hit = self.sessions.as_ref()?.get(token_hash);
        metrics::counter!("atrium_access_cache_total", "kind" => "session", "hit" => if hit.is_some() { "true" } else { "false" }).increment(1);
        hit
    }

    pub fn remember_session(&self, token_hash: Vec<u8>, session: SessionLookup) {
        if let Some(cache) = &self.sessions {
            cache.insert(token_hash, session);
        }
    }

    pub fn forget_session(&self, token_hash: &[u8]) {
        if let Some(cache) = &self.sessions {
            cache.invalidate(token_hash);
        }
    }

    pub fn memberships(&self, user: UserId) -> Option<Arc<Vec<MembershipLookup>>> {
        let hit = self.memberships.as_ref()?.get(&user);
        metrics::counter!("atrium_access_cache_total", "kind" => "memberships", "hit" => if hit.is_some() { "true" } else { "false" }).increment(1);
        hit
    }

    pub fn remember_memberships(&self, user: UserId, memberships: Arc<Vec<MembershipLookup>>) {
        if let Some(cache) = &self.memberships {
            cache.insert(user, memberships);
        }
    }

    pub fn plans(&self) -> Option<Arc<Vec<Plan>>> {
        self.plans.as_ref()?.get(&())
    }

    pub fn remember_plans(&self, plans: Arc<Vec<Plan>>) {
        if let Some(cache) = &self.plans {
            cache.insert((), plans);
        }
    }

    pub fn apply(&self, change: Invalidation) {
        match change {
            Invalidation::SessionsOf(user) => {
                if let Some(cache) = &self.sessions {
                    // Only fails when closures are unsupported, which the builder enables.
                    if cache
                        .invalidate_entries_if(move |_, s| s.user_id == user)
                        .is_err()
                    {
                        cache.invalidate_all();
                    }
                }
            }
            Invalidation::MembershipsOf(user) => {
                if let Some(cache) = &self.memberships {
                    cache.invalidate(&user);
                }
            }
            Invalidation::AllMemberships => {
                if let Some(cache) = &self.memberships {
                    cache.invalidate_all();
                }
            }
            Invalidation::Plans => {
                if let Some(cache) = &self.plans {
                    cache.invalidate_all();
                }
            }
        }
    }
}

//! Short-lived in-process copies of the reads every signed-in request makes: which session a
//! cookie's token belongs to (or which API token a `Bearer` is, with its person), and where
//! the person is a member; and of the plans, which every workspace home and usage page reads
//! and only a super admin's edit changes.
//!
//! Every write that can change them goes through the storage layer, which drops the affected
//! entries — at commit for transactions — so within one server nothing is ever stale: a
//! revoked session or token, or a removed member, is refused on the very next request. A read
//! that raced such a write cannot put its stale copy back: each invalidation moves the cache
//! to a new [`Generation`], and a copy read under an older one is not kept. Entries also
//! expire after `sessions.cache_seconds`, which bounds how long another server instance
//! sharing a PostgreSQL database can lag behind a change made elsewhere. `0` turns the
//! cache off.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use moka::ops::compute::Op;
use moka::sync::Cache;
use shared::billing::Plan;
use shared::ids::UserId;

use super::api_tokens::TokenLookup;
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
    /// The plans (a super admin edited one), and with them every token's rate.
    Plans,
    /// The person's API tokens (one was revoked).
    TokensOf(UserId),
    /// Every API token's rate (a workspace changed plan).
    Tokens,
}

/// How many invalidations the cache had seen when a read began: what that read found may be
/// kept only if none happened since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation(u64);

pub struct AccessCache {
    sessions: Option<Cache<Vec<u8>, SessionLookup>>,
    tokens: Option<Cache<Vec<u8>, TokenLookup>>,
    memberships: Option<Cache<UserId, Arc<Vec<MembershipLookup>>>>,
    plans: Option<Cache<(), Arc<Vec<Plan>>>>,
    /// Inserts hold it shared and check the generation; invalidations hold it exclusively
    /// and move it on, so no insert lands between the check and the drop.
    generation: RwLock<u64>,
}

impl AccessCache {
    pub fn new(ttl: Duration) -> Self {
        if ttl.is_zero() {
            return Self {
                sessions: None,
                tokens: None,
                memberships: None,
                plans: None,
                generation: RwLock::new(0),
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
            tokens: Some(
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
            generation: RwLock::new(0),
        }
    }

    /// Taken before a read whose result may be remembered.
    pub fn generation(&self) -> Generation {
        Generation(
            *self
                .generation
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Runs `insert` unless an invalidation happened since `seen`.
    fn keep_if_current(&self, seen: Generation, insert: impl FnOnce()) {
        let now = self
            .generation
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if *now == seen.0 {
            insert();
        }
    }

    pub fn session(&self, token_hash: &[u8]) -> Option<SessionLookup> {
        let hit = self.sessions.as_ref()?.get(token_hash);
        metrics::counter!("atrium_access_cache_total", "kind" => "session", "hit" => if hit.is_some() { "true" } else { "false" }).increment(1);
        hit
    }

    pub fn remember_session(&self, token_hash: Vec<u8>, session: SessionLookup, seen: Generation) {
        if let Some(cache) = &self.sessions {
            self.keep_if_current(seen, || cache.insert(token_hash, session));
        }
    }

    /// Applies `update` to the cached copy of a session, if there still is one.
    pub fn refresh_session(&self, token_hash: Vec<u8>, update: impl FnOnce(&mut SessionLookup)) {
        if let Some(cache) = &self.sessions {
            refresh(cache, token_hash, update);
        }
    }

    pub fn token(&self, token_hash: &[u8]) -> Option<TokenLookup> {
        let hit = self.tokens.as_ref()?.get(token_hash);
        metrics::counter!("atrium_access_cache_total", "kind" => "token", "hit" => if hit.is_some() { "true" } else { "false" }).increment(1);
        hit
    }

    pub fn remember_token(&self, token_hash: Vec<u8>, token: TokenLookup, seen: Generation) {
        if let Some(cache) = &self.tokens {
            self.keep_if_current(seen, || cache.insert(token_hash, token));
        }
    }

    /// Applies `update` to the cached copy of a token, if there still is one.
    pub fn refresh_token(&self, token_hash: Vec<u8>, update: impl FnOnce(&mut TokenLookup)) {
        if let Some(cache) = &self.tokens {
            refresh(cache, token_hash, update);
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

    pub fn remember_memberships(
        &self,
        user: UserId,
        memberships: Arc<Vec<MembershipLookup>>,
        seen: Generation,
    ) {
        if let Some(cache) = &self.memberships {
            self.keep_if_current(seen, || cache.insert(user, memberships));
        }
    }

    pub fn plans(&self) -> Option<Arc<Vec<Plan>>> {
        self.plans.as_ref()?.get(&())
    }

    pub fn remember_plans(&self, plans: Arc<Vec<Plan>>, seen: Generation) {
        if let Some(cache) = &self.plans {
            self.keep_if_current(seen, || cache.insert((), plans));
        }
    }

    pub fn apply(&self, change: Invalidation) {
        let mut generation = self
            .generation
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        *generation += 1;
        match change {
            Invalidation::SessionsOf(user) => {
                if let Some(cache) = &self.sessions {
                    // A session impersonating the person holds their status and personas too.
                    drop_where(cache, move |s: &SessionLookup| {
                        s.user_id == user || s.as_user_id == Some(user)
                    });
                }
                // A token acts as its person: their status, personas and second factor too.
                if let Some(cache) = &self.tokens {
                    drop_where(cache, move |t: &TokenLookup| t.user_id == user);
                }
            }
            Invalidation::TokensOf(user) => {
                if let Some(cache) = &self.tokens {
                    drop_where(cache, move |t: &TokenLookup| t.user_id == user);
                }
            }
            Invalidation::Tokens => {
                if let Some(cache) = &self.tokens {
                    cache.invalidate_all();
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
                if let Some(cache) = &self.tokens {
                    cache.invalidate_all();
                }
            }
        }
    }
}

/// Drops every entry `matches`; everything when the cache cannot take a predicate.
fn drop_where<V: Clone + Send + Sync + 'static>(
    cache: &Cache<Vec<u8>, V>,
    matches: impl Fn(&V) -> bool + Send + Sync + 'static,
) {
    // Only fails when closures are unsupported, which the builders enable.
    if cache.invalidate_entries_if(move |_, v| matches(v)).is_err() {
        cache.invalidate_all();
    }
}

/// Changes a cached entry in place; an entry dropped meanwhile stays dropped.
fn refresh<V: Clone + Send + Sync + 'static>(
    cache: &Cache<Vec<u8>, V>,
    key: Vec<u8>,
    update: impl FnOnce(&mut V),
) {
    cache.entry(key).and_compute_with(|entry| match entry {
        Some(entry) => {
            let mut value = entry.into_value();
            update(&mut value);
            Op::Put(value)
        }
        None => Op::Nop,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_list() -> Arc<Vec<Plan>> {
        Arc::new(Vec::new())
    }

    #[test]
    fn a_read_that_raced_an_invalidation_is_not_kept() {
        let cache = AccessCache::new(Duration::from_secs(60));
        let seen = cache.generation();
        // A write commits and drops the plans while the read is still under way …
        cache.apply(Invalidation::Plans);
        // … so what the read found is stale and must not come back.
        cache.remember_plans(plan_list(), seen);
        assert!(cache.plans().is_none());
        // A read begun after the write is kept.
        cache.remember_plans(plan_list(), cache.generation());
        assert!(cache.plans().is_some());
    }

    #[test]
    fn a_cache_of_zero_seconds_keeps_nothing() {
        let cache = AccessCache::new(Duration::ZERO);
        cache.remember_plans(plan_list(), cache.generation());
        assert!(cache.plans().is_none());
    }
}

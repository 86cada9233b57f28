//! The one event bus: services publish domain events inside their transaction, and the
//! events reach subscribers (the WebSocket hub) only once that transaction has committed.
//!
//! Each event is written to `live_events` (its id is the cursor a reconnecting tab resumes
//! from) as part of the change it describes. After commit it goes to this server's
//! subscribers through a broadcast channel. On PostgreSQL the same transaction also issues
//! `pg_notify('atrium_live', …)`, which the database delivers to every server instance at
//! commit; each instance's listener passes on the events that other instances published, so
//! a tab connected to one instance sees what happened on another.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::ids::UserId;
use shared::live::LiveEvent;
use tokio::sync::broadcast;

/// The PostgreSQL channel events travel between server instances on.
pub const CHANNEL: &str = "atrium_live";

/// How many events a slow subscriber may fall behind before it is told to resync.
const BUFFER: usize = 4096;

/// An event with its JSON written once, however many connections send it.
#[derive(Debug)]
pub struct Published {
    pub event: LiveEvent,
    pub json: String,
    /// The whole message as the hub sends it to tabs watching the workspace as `slug`,
    /// built by the first connection and shared by the rest (all watch it under one slug).
    pub frame: std::sync::OnceLock<(String, bytes::Bytes)>,
}

impl Published {
    /// The hub's message for a tab watching this workspace as `slug`.
    pub fn frame_for(&self, slug: &str) -> bytes::Bytes {
        let build = || {
            let quoted = serde_json::to_string(slug).unwrap_or_default();
            bytes::Bytes::from(format!(
                r#"{{"type":"event","slug":{quoted},"event":{}}}"#,
                self.json
            ))
        };
        let (cached_slug, frame) = self.frame.get_or_init(|| (slug.to_owned(), build()));
        if cached_slug == slug {
            frame.clone()
        } else {
            build()
        }
    }
}

/// Cheap to share; one per server process.
#[derive(Debug)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<Published>>,
    instance: uuid::Uuid,
    /// Live connections open on this server, per person.
    connections: Arc<Mutex<HashMap<UserId, u32>>>,
    /// The newest event id this server has delivered (or found stored at start): a page
    /// rendered now reflects everything up to it, so its tab resumes from there.
    latest: AtomicI64,
}

/// One person's live connection, counted while it is held.
#[derive(Debug)]
pub struct ConnectionSlot {
    connections: Arc<Mutex<HashMap<UserId, u32>>>,
    user: UserId,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut open = self
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// What travels in a NOTIFY payload: the event and the instance that published it.
#[derive(Serialize, Deserialize)]
pub(crate) struct Envelope {
    pub instance: uuid::Uuid,
    pub event: LiveEvent,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(BUFFER);
        Self {
            sender,
            instance: uuid::Uuid::new_v4(),
            latest: AtomicI64::new(0),
            connections: Arc::default(),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.sender.subscribe()
    }

    pub fn instance(&self) -> uuid::Uuid {
        self.instance
    }

    /// The newest event id delivered here: read before a page reads its data, it is the
    /// cursor the page's tab subscribes from, so nothing committed after the read is missed.
    pub fn latest(&self) -> i64 {
        self.latest.load(Ordering::Acquire)
    }

    /// Counts a live connection for `user`, unless they already hold `most`; the count drops
    /// when the returned slot does.
    pub fn admit_connection(&self, user: UserId, most: u32) -> Option<ConnectionSlot> {
        let mut open = self
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(user).or_default();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(ConnectionSlot {
            connections: Arc::clone(&self.connections),
            user,
        })
    }

    /// Raises [`Self::latest`] to `id` (never lowers it).
    pub(crate) fn saw(&self, id: i64) {
        self.latest.fetch_max(id, Ordering::AcqRel);
    }

    /// Hands a committed event to this server's subscribers.
    pub(crate) fn deliver(&self, event: LiveEvent) {
        let json = match serde_json::to_string(&event) {
            Ok(json) => json,
            Err(err) => {
                tracing::error!(error = %err, "live event not serializable");
                return;
            }
        };
        metrics::counter!("atrium_live_events_total", "topic" => event.topic.as_str()).increment(1);
        self.saw(event.id);
        // No receivers is fine: nobody is watching.
        let _ = self.sender.send(Arc::new(Published {
            event,
            json,
            frame: std::sync::OnceLock::new(),
        }));
    }

    pub(crate) fn envelope(&self, event: &LiveEvent) -> String {
        serde_json::to_string(&Envelope {
            instance: self.instance,
            event: event.clone(),
        })
        .unwrap_or_default()
    }

    /// Passes on events other instances published (PostgreSQL only), for as long as the
    /// pool lives; the listener reconnects by itself after a dropped connection.
    pub fn spawn_listener(self: &Arc<Self>, pool: sqlx::PgPool) {
        let bus = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(200);
            loop {
                let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(listener) => listener,
                    Err(err) => {
                        if pool.is_closed() {
                            return;
                        }
                        tracing::warn!(error = %err, "live events: cannot listen yet");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                        continue;
                    }
                };
                if let Err(err) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %err, "live events: LISTEN failed");
                    tokio::time::sleep(backoff).await;
                    continue;
                }
                backoff = Duration::from_millis(200);
                loop {
                    let note = match listener.recv().await {
                        Ok(note) => note,
                        Err(err) => {
                            if pool.is_closed() {
                                return;
                            }
                            tracing::warn!(error = %err, "live events: listener lost its connection");
                            break;
                        }
                    };
                    let Some(bus) = bus.upgrade() else { return };
                    match serde_json::from_str::<Envelope>(note.payload()) {
                        Ok(envelope) if envelope.instance != bus.instance => {
                            bus.deliver(envelope.event)
                        }
                        Ok(_) => {}
                        Err(err) => {
                            tracing::warn!(error = %err, "live events: unreadable notification")
                        }
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_holds_at_most_the_allowed_connections_and_gets_them_back() {
        let bus = EventBus::new();
        let (ada, bob) = (
            UserId::from_uuid(uuid::Uuid::new_v4()),
            UserId::from_uuid(uuid::Uuid::new_v4()),
        );
        let first = bus.admit_connection(ada, 2);
        let second = bus.admit_connection(ada, 2);
        assert!(first.is_some() && second.is_some());
        assert!(bus.admit_connection(ada, 2).is_none(), "a third is refused");
        assert!(
            bus.admit_connection(bob, 2).is_some(),
            "others are not affected"
        );
        drop(first);
        assert!(
            bus.admit_connection(ada, 2).is_some(),
            "a closed tab frees its slot"
        );
    }

    #[test]
    fn the_cursor_only_moves_forward() {
        let bus = EventBus::new();
        bus.saw(7);
        bus.saw(3);
        assert_eq!(bus.latest(), 7);
    }
}

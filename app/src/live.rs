//! The browser's end of the real-time layer: one WebSocket per tab (`/ws`), opened when a
//! page first watches a workspace, kept across navigation, closed when nothing is watched.
//!
//! A page calls [`watch`] with its workspace and topics and gets a version number that
//! grows with every event (or when the server says to resync); resources that read it
//! reload through the same server functions they rendered with. After a drop the tab
//! reconnects with exponential backoff and jitter and resumes from the last event id it
//! saw, so the server replays what it missed. The state shows in [`LiveIndicator`].

use leptos::prelude::*;
use shared::live::Topic;

/// The `<meta>` the server renders with the newest live event id it had delivered when the
/// page started rendering; the tab's first subscription resumes from it, so an event that
/// lands between rendering and subscribing is replayed rather than lost.
pub const CURSOR_META: &str = "atrium-live-cursor";

/// How the tab's connection is doing, for the indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Not needed (no page watches anything) or not started yet.
    Idle,
    Connecting,
    Live,
    /// Dropped; trying again in a moment.
    Reconnecting,
    /// The server refused or ended it (signed out, no longer a member): the reason.
    Stopped(String),
}

/// The tab's connection, provided once by the app.
#[derive(Clone, Copy)]
pub struct Live {
    state: RwSignal<Connection>,
    #[cfg(not(feature = "ssr"))]
    inner: StoredValue<client::Client, LocalStorage>,
}

impl Live {
    pub fn provide() {
        let live = Self {
            state: RwSignal::new(Connection::Idle),
            #[cfg(not(feature = "ssr"))]
            inner: StoredValue::new_local(client::Client::starting_from_page()),
        };
        provide_context(live);
    }

    pub fn state(&self) -> Signal<Connection> {
        self.state.into()
    }
}

/// Watches `topics` of the workspace `slug` while the calling component lives; the number
/// grows whenever something there changed.
pub fn watch(slug: Signal<String>, topics: &'static [Topic]) -> ReadSignal<u64> {
    let (version, set_version) = signal(0u64);
    let Some(live) = use_context::<Live>() else {
        return version;
    };
    #[cfg(not(feature = "ssr"))]
    {
        Effect::new(move |previous: Option<String>| {
            let slug = slug.get();
            if let Some(previous) = previous.filter(|p| *p != slug) {
                client::unwatch(live, &previous, set_version);
            }
            client::watch(live, slug.clone(), topics, set_version);
            slug
        });
        on_cleanup(move || client::unwatch(live, &slug.get_untracked(), set_version));
    }
    #[cfg(feature = "ssr")]
    let _ = (live, slug, topics, set_version);
    version
}

/// A small badge: live, reconnecting, or why updates stopped.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let state = use_context::<Live>()
        .map(|l| l.state())
        .unwrap_or_else(|| Signal::derive(|| Connection::Idle));
    let text = move || match state.get() {
        Connection::Idle | Connection::Connecting => "Connecting…".to_owned(),
        Connection::Live => "Live".to_owned(),
        Connection::Reconnecting => "Reconnecting…".to_owned(),
        Connection::Stopped(reason) => format!("Updates stopped: {reason}"),
    };
    let class = move || match state.get() {
        Connection::Live => "live-indicator ok",
        Connection::Stopped(_) => "live-indicator danger",
        _ => "live-indicator warn",
    };
    view! {
        <span class=class role="status" aria-live="polite" data-testid="live-indicator" data-state=move || match state.get() {
            Connection::Live => "live",
            Connection::Stopped(_) => "stopped",
            _ => "connecting",
        }>
            <span class="dot" aria-hidden="true"></span>
            {text}
        </span>
    }
}

#[cfg(not(feature = "ssr"))]
mod client {
    use std::time::Duration;

    use leptos::prelude::*;
    use shared::live::{ClientMessage, ServerMessage, Topic};
    use wasm_bindgen::JsCast as _;
    use wasm_bindgen::closure::Closure;
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    use super::{Connection, Live};

    /// Close code the server uses for "your session has ended".
    const SESSION_ENDED: u16 = 4401;
    /// Close code the server uses for "this person has too many tabs open".
    const TOO_MANY_CONNECTIONS: u16 = 4429;

    struct Watched {
        slug: String,
        topics: &'static [Topic],
        bump: WriteSignal<u64>,
    }

    #[derive(Default)]
    pub(super) struct Client {
        socket: Option<WebSocket>,
        watched: Vec<Watched>,
        /// The newest event id seen, to resume from after a drop.
        last_event: Option<i64>,
        failures: u32,
        /// The closures the socket calls, kept alive as long as it is.
        handlers: Vec<Box<dyn std::any::Any>>,
    }

    impl Client {
        /// A client that resumes from the cursor the page was rendered at.
        pub(super) fn starting_from_page() -> Self {
            let last_event = document()
                .query_selector(&format!("meta[name='{}']", super::CURSOR_META))
                .ok()
                .flatten()
                .and_then(|meta| meta.get_attribute("content"))
                .and_then(|content| content.parse().ok());
            Self {
                last_event,
                ..Self::default()
            }
        }
    }

    fn subscribe_text(w: &Watched, since: Option<i64>) -> String {
        serde_json::to_string(&ClientMessage::Subscribe {
            slug: w.slug.clone(),
            topics: w.topics.to_vec(),
            since,
        })
        .unwrap_or_default()
    }

    pub(super) fn watch(
        live: Live,
        slug: String,
        topics: &'static [Topic],
        bump: WriteSignal<u64>,
    ) {
        let mut send = None;
        live.inner.update_value(|c| {
            // One entry per watching page (its signal tells it apart), so a page that
            // leaves after the next one watched the same workspace does not end that one.
            c.watched.retain(|w| w.bump != bump);
            let watched = Watched { slug, topics, bump };
            if let Some(socket) = c
                .socket
                .as_ref()
                .filter(|s| s.ready_state() == WebSocket::OPEN)
            {
                send = Some((socket.clone(), subscribe_text(&watched, c.last_event)));
            }
            c.watched.push(watched);
        });
        match send {
            Some((socket, text)) => {
                let _ = socket.send_with_str(&text);
            }
            None => connect(live),
        }
    }

    pub(super) fn unwatch(live: Live, slug: &str, bump: WriteSignal<u64>) {
        let Some(mut c) = live.inner.try_update_value(std::mem::take) else {
            return;
        };
        c.watched.retain(|w| w.bump != bump);
        let still_watched = c.watched.iter().any(|w| w.slug == slug);
        if let Some(socket) = c
            .socket
            .as_ref()
            .filter(|s| s.ready_state() == WebSocket::OPEN && !still_watched)
        {
            let text = serde_json::to_string(&ClientMessage::Unsubscribe {
                slug: slug.to_owned(),
            })
            .unwrap_or_default();
            let _ = socket.send_with_str(&text);
        }
        if c.watched.is_empty() {
            if let Some(socket) = c.socket.take() {
                socket.set_onclose(None);
                let _ = socket.close();
            }
            c.handlers.clear();
            live.state.set(Connection::Idle);
        }
        live.inner.set_value(c);
    }

    fn url() -> Option<String> {
        let location = window().location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/ws", location.host().ok()?))
    }

    fn connect(live: Live) {
        let busy = live
            .inner
            .with_value(|c| c.socket.is_some() || c.watched.is_empty());
        if busy {
            return;
        }
        let Some(socket) = url().and_then(|u| WebSocket::new(&u).ok()) else {
            live.state.set(Connection::Stopped(
                "this browser cannot open a live connection".into(),
            ));
            return;
        };
        live.state.set(Connection::Connecting);

        // Live only once the server confirms a subscription: before that, events are not
        // reaching this tab yet.
        let on_open = Closure::<dyn FnMut()>::new(move || {
            let texts: Vec<(WebSocket, String)> = live.inner.with_value(|c| {
                c.socket
                    .as_ref()
                    .map(|s| {
                        c.watched
                            .iter()
                            .map(|w| (s.clone(), subscribe_text(w, c.last_event)))
                            .collect()
                    })
                    .unwrap_or_default()
            });
            live.inner.update_value(|c| c.failures = 0);
            for (socket, text) in texts {
                let _ = socket.send_with_str(&text);
            }
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(message) = serde_json::from_str::<ServerMessage>(&text) else {
                return;
            };
            receive(live, message);
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            live.inner.update_value(|c| {
                c.socket = None;
                c.failures += 1;
            });
            if event.code() == SESSION_ENDED {
                live.state
                    .set(Connection::Stopped("you were signed out".into()));
                return;
            }
            let failures = live.inner.with_value(|c| c.failures);
            if event.code() == TOO_MANY_CONNECTIONS {
                // Tried again now and then: a tab closed elsewhere frees a place.
                live.state.set(Connection::Stopped(event.reason()));
                set_timeout(move || connect(live), backoff(6));
                return;
            }
            live.state.set(Connection::Reconnecting);
            set_timeout(move || connect(live), backoff(failures));
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        live.inner.update_value(|c| {
            c.socket = Some(socket);
            c.handlers = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
        });
    }

    fn receive(live: Live, message: ServerMessage) {
        let bump_slug = |slug: &str| {
            live.inner.with_value(|c| {
                for w in c.watched.iter().filter(|w| w.slug == slug) {
                    w.bump.update(|v| *v += 1);
                }
            });
        };
        match message {
            ServerMessage::Subscribed { cursor, .. } => {
                live.inner.update_value(|c| {
                    if c.last_event.is_none() {
                        c.last_event = Some(cursor);
                    }
                });
                live.state.set(Connection::Live);
            }
            ServerMessage::Event { slug, event } => {
                let fresh = live.inner.try_update_value(|c| {
                    let fresh = c.last_event.is_none_or(|seen| event.id > seen);
                    if fresh {
                        c.last_event = Some(event.id);
                    }
                    fresh
                });
                if fresh == Some(true) {
                    bump_slug(&slug);
                }
            }
            ServerMessage::Resync { slug } => bump_slug(&slug),
            ServerMessage::Refused { reason, .. } => live.state.set(Connection::Stopped(reason)),
        }
    }

    /// 1 s, 2 s, 4 s … up to 30 s, each between half and all of it, so tabs that dropped
    /// together do not all come back at once.
    fn backoff(failures: u32) -> Duration {
        let ceiling = 2f64.powi(failures.clamp(1, 6) as i32 - 1).min(30.0);
        let jitter = 0.5 + js_sys::Math::random() * 0.5;
        Duration::from_secs_f64(ceiling * jitter)
    }
}

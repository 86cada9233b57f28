//! The WebSocket hub: one connection per tab at `/ws`, authenticated by the session cookie,
//! its `Origin` checked on the handshake. A tab subscribes to topics of a workspace; the one
//! permission check decides (`authz::enter_tenant` + `require(topic.permission())`), and is
//! asked again every half minute, so a removed member or a revoked session stops receiving.
//! Events come from the store's event bus after their transaction committed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::server::RequestContext;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::{Extensions, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt as _, StreamExt as _};
use services::{Caller, Services, authz};
use shared::AppError;
use shared::ids::TenantId;
use shared::live::{ClientMessage, PLATFORM, ServerMessage, Topic};
use tokio::sync::broadcast::error::RecvError;

use crate::http::errors::ApiError;

/// How often each connection asks the permission check again.
const RECHECK: Duration = Duration::from_secs(30);
/// Most workspaces one tab watches at once.
const MAX_SUBSCRIPTIONS: usize = 8;
/// Most missed events replayed to a reconnecting tab; beyond that it reloads.
const REPLAY_LIMIT: i64 = 200;
/// Close code for "your session ended" (the 4000s are the application's own).
const SESSION_ENDED: u16 = 4401;
/// Close code for "you have too many tabs open".
const TOO_MANY_CONNECTIONS: u16 = 4429;

struct Subscription {
    slug: String,
    topics: Vec<Topic>,
}

/// What one tab watches: workspaces by tenant, and (super admins) topics across all of them.
#[derive(Default)]
struct Subscriptions {
    tenants: HashMap<TenantId, Subscription>,
    platform: Option<Vec<Topic>>,
}

impl Subscriptions {
    /// The messages `published` becomes for this tab: once per way it watches the event (a
    /// topic that crosses workspaces, the marketplace, reaches every workspace watching it).
    fn frames(&self, published: &services::events::Published) -> Vec<Utf8Bytes> {
        let event = &published.event;
        let mut out = Vec::new();
        if event.topic.crosses_workspaces() {
            for sub in self.tenants.values() {
                if sub.topics.contains(&event.topic) {
                    out.extend(Utf8Bytes::try_from(published.frame_for(&sub.slug)));
                }
            }
        } else if let Some(sub) = self.tenants.get(&event.tenant)
            && sub.topics.contains(&event.topic)
        {
            out.extend(Utf8Bytes::try_from(published.frame_for(&sub.slug)));
        }
        if self
            .platform
            .as_ref()
            .is_some_and(|topics| topics.contains(&event.topic))
        {
            out.extend(Utf8Bytes::try_from(published.frame_for(PLATFORM)));
        }
        out
    }

    fn slugs(&self) -> impl Iterator<Item = String> + '_ {
        self.tenants
            .values()
            .map(|sub| sub.slug.clone())
            .chain(self.platform.iter().map(|_| PLATFORM.to_owned()))
    }
}

/// `GET /ws`: upgrades a signed-in tab from one of our own pages.
pub async fn connect(
    State(services): State<Services>,
    headers: HeaderMap,
    extensions: Extensions,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !crate::http::csrf::is_own_page_handshake(&headers, &services.settings().public_url()) {
        metrics::counter!("atrium_csrf_refused_total").increment(1);
        return ApiError(AppError::CrossSiteRequest).into_response();
    }
    let context = extensions
        .get::<Arc<RequestContext>>()
        .cloned()
        .unwrap_or_default();
    let (Some(caller), Some(token)) = (context.caller.clone(), context.session_token.clone())
    else {
        return ApiError(AppError::Unauthenticated).into_response();
    };
    // Small buffers: a tab sends a few short messages and receives short events, and the
    // defaults (128 KiB each way) would cost hundreds of MB at thousands of tabs.
    upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(16 * 1024)
        .on_upgrade(move |socket| serve(services, caller, token, socket))
}

/// Counts open connections for `/metrics` and the console's health page, also when a
/// connection task ends by panic.
struct Open(Services);

impl Open {
    fn new(services: &Services) -> Self {
        metrics::gauge!("atrium_websocket_connections").increment(1.0);
        services.health().websocket(1);
        Self(services.clone())
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        metrics::gauge!("atrium_websocket_connections").decrement(1.0);
        self.0.health().websocket(-1);
    }
}

/// Messages a tab may send per minute (each subscription runs the permission check and
/// reads the database); a tab needs a handful.
const MESSAGES_PER_MINUTE: u32 = 30;

async fn serve(svc: Services, mut caller: Caller, token: String, mut socket: WebSocket) {
    let most = svc.settings().http.live_connections_per_person;
    let Some(_slot) = svc.store().events().admit_connection(caller.user_id, most) else {
        metrics::counter!("atrium_websocket_refused_total").increment(1);
        let frame = CloseFrame {
            code: TOO_MANY_CONNECTIONS,
            reason: format!(
                "You have {most} live tabs open already; close some and this one reconnects."
            )
            .into(),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
        return;
    };
    let _open = Open::new(&svc);
    let mut budget = (tokio::time::Instant::now(), 0u32);
    let (mut sink, mut stream) = socket.split();
    let mut events = svc.store().events().subscribe();
    let mut subscriptions = Subscriptions::default();
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    loop {
        let outgoing: Vec<Utf8Bytes> = tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if budget.0.elapsed() >= Duration::from_secs(60) {
                        budget = (tokio::time::Instant::now(), 0);
                    }
                    budget.1 += 1;
                    if budget.1 > MESSAGES_PER_MINUTE {
                        vec![refused("", "Too many messages on this connection; wait a minute.").into()]
                    } else {
                        match serde_json::from_str::<ClientMessage>(&text) {
                            // Boxed, as the recheck below: the state of these rare awaits
                            // (database reads) would otherwise sit inline in every idle
                            // connection's task for its whole life.
                            Ok(message) => Box::pin(handle(&svc, &caller, &mut subscriptions, message)).await.into_iter().map(Into::into).collect(),
                            Err(err) => vec![refused("", &format!("The message could not be read: {err}.")).into()],
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => Vec::new(),
            },
            published = events.recv() => match published {
                Ok(published) => subscriptions.frames(&published),
                Err(RecvError::Lagged(_)) => subscriptions
                    .slugs()
                    .map(|slug| to_json(&ServerMessage::Resync { slug }).into())
                    .collect(),
                Err(RecvError::Closed) => break,
            },
            _ = recheck.tick() => {
                match Box::pin(services::auth::sessions::resolve(&svc, &token)).await {
                    Ok(Some(fresh)) => {
                        caller = fresh;
                        Box::pin(recheck_subscriptions(&svc, &caller, &mut subscriptions)).await.into_iter().map(Into::into).collect()
                    }
                    Ok(None) => {
                        let frame = CloseFrame { code: SESSION_ENDED, reason: "Your session has ended.".into() };
                        let _ = sink.send(Message::Close(Some(frame))).await;
                        break;
                    }
                    Err(_) => Vec::new(),
                }
            },
        };
        for text in outgoing {
            if sink.send(Message::Text(text)).await.is_err() {
                return;
            }
        }
    }
}

fn to_json(message: &ServerMessage) -> String {
    serde_json::to_string(message).unwrap_or_default()
}

fn refused(slug: &str, reason: &str) -> String {
    to_json(&ServerMessage::Refused {
        slug: slug.to_owned(),
        reason: reason.to_owned(),
    })
}

/// Admits the caller to `slug` for every topic, through the one permission check.
async fn admit(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    topics: &[Topic],
) -> services::Result<authz::TenantAccess> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    may_watch(&access, topics)?;
    Ok(access)
}

/// The one permission check for each topic, and the marketplace for builder workspaces only
/// (as the marketplace itself).
fn may_watch(access: &authz::TenantAccess, topics: &[Topic]) -> services::Result<()> {
    for topic in topics {
        authz::require(access, topic.permission())?;
        if *topic == Topic::Marketplace
            && access.tenant().variant.persona() != shared::personas::Persona::Builder
        {
            return Err(AppError::forbidden(
                "The marketplace is for builder workspaces; this organization is not one.",
            )
            .into());
        }
    }
    Ok(())
}

/// Admits a super admin to watch `topics` across every workspace.
fn admit_platform(caller: &Caller, topics: &[Topic]) -> services::Result<authz::PlatformAccess> {
    let access = authz::enter_platform(caller)?;
    for topic in topics {
        let permission = topic.platform_permission().ok_or_else(|| {
            AppError::forbidden(format!("“{topic}” can only be watched inside a workspace."))
        })?;
        authz::require(&access, permission)?;
    }
    Ok(access)
}

async fn subscribe_platform(
    svc: &Services,
    caller: &Caller,
    subscriptions: &mut Subscriptions,
    topics: Vec<Topic>,
    since: Option<i64>,
) -> Vec<String> {
    let access = match admit_platform(caller, &topics) {
        Ok(access) => access,
        Err(err) => return vec![refused(PLATFORM, &err.into_app_error().to_string())],
    };
    subscriptions.platform = Some(topics.clone());
    let data = svc.store().platform(&access);
    let cursor = data.live_cursor().await.unwrap_or(0);
    let mut out = vec![to_json(&ServerMessage::Subscribed {
        slug: PLATFORM.to_owned(),
        topics: topics.clone(),
        cursor,
    })];
    if let Some(since) = since {
        out.extend(replayed(
            PLATFORM,
            data.live_events_since(since, &topics, REPLAY_LIMIT).await,
        ));
    }
    out
}

/// What a reconnecting subscription missed, or "resync" when it cannot all be replayed.
fn replayed(
    slug: &str,
    replay: services::Result<services::storage::live_events::Replay>,
) -> Vec<String> {
    match replay {
        Ok(replay) if replay.complete => replay
            .events
            .into_iter()
            .map(|event| {
                to_json(&ServerMessage::Event {
                    slug: slug.to_owned(),
                    event,
                })
            })
            .collect(),
        _ => vec![to_json(&ServerMessage::Resync {
            slug: slug.to_owned(),
        })],
    }
}

async fn handle(
    svc: &Services,
    caller: &Caller,
    subscriptions: &mut Subscriptions,
    message: ClientMessage,
) -> Vec<String> {
    match message {
        ClientMessage::Unsubscribe { slug } => {
            if slug == PLATFORM {
                subscriptions.platform = None;
            }
            subscriptions.tenants.retain(|_, sub| sub.slug != slug);
            Vec::new()
        }
        ClientMessage::Subscribe {
            slug,
            mut topics,
            since,
        } => {
            topics.sort();
            topics.dedup();
            if topics.is_empty() {
                return vec![refused(&slug, "Name at least one topic.")];
            }
            if slug == PLATFORM {
                return subscribe_platform(svc, caller, subscriptions, topics, since).await;
            }
            let access = match admit(svc, caller, &slug, &topics).await {
                Ok(access) => access,
                Err(err) => return vec![refused(&slug, &err.into_app_error().to_string())],
            };
            if !subscriptions.tenants.contains_key(&access.tenant_id())
                && subscriptions.tenants.len() >= MAX_SUBSCRIPTIONS
            {
                return vec![refused(
                    &slug,
                    "This tab already watches too many workspaces.",
                )];
            }
            subscriptions.tenants.insert(
                access.tenant_id(),
                Subscription {
                    slug: slug.clone(),
                    topics: topics.clone(),
                },
            );
            let data = svc.store().tenant(&access);
            let cursor = data.live_cursor().await.unwrap_or(0);
            let mut out = vec![to_json(&ServerMessage::Subscribed {
                slug: slug.clone(),
                topics: topics.clone(),
                cursor,
            })];
            if let Some(since) = since {
                if topics.iter().any(|t| t.crosses_workspaces()) {
                    // Other workspaces' events are not this one's to replay: reload.
                    out.push(to_json(&ServerMessage::Resync { slug }));
                } else {
                    out.extend(replayed(
                        &slug,
                        data.live_events_since(since, &topics, REPLAY_LIMIT).await,
                    ));
                }
            }
            out
        }
    }
}

/// Asks the permission check again for every subscription; withdraws what it now refuses.
async fn recheck_subscriptions(
    svc: &Services,
    caller: &Caller,
    subscriptions: &mut Subscriptions,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(topics) = &subscriptions.platform
        && let Err(err) = admit_platform(caller, topics)
    {
        out.push(refused(PLATFORM, &err.into_app_error().to_string()));
        subscriptions.platform = None;
    }
    let mut withdrawn = Vec::new();
    for (tenant, sub) in subscriptions.tenants.iter() {
        let admitted: services::Result<()> = async {
            let access = authz::enter_tenant_by_id(svc.store(), caller, *tenant).await?;
            may_watch(&access, &sub.topics)
        }
        .await;
        if let Err(err) = admitted {
            out.push(refused(&sub.slug, &err.into_app_error().to_string()));
            withdrawn.push(*tenant);
        }
    }
    for tenant in withdrawn {
        subscriptions.tenants.remove(&tenant);
    }
    out
}

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
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{Extensions, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt as _, StreamExt as _};
use services::{Caller, Services, authz};
use shared::AppError;
use shared::ids::TenantId;
use shared::live::{ClientMessage, ServerMessage, Topic};
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

struct Subscription {
    slug: String,
    topics: Vec<Topic>,
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
    upgrade
        .max_message_size(16 * 1024)
        .on_upgrade(move |socket| serve(services, caller, token, socket))
}

/// Counts open connections for `/metrics`, also when a connection task ends by panic.
struct Open;

impl Open {
    fn new() -> Self {
        metrics::gauge!("atrium_websocket_connections").increment(1.0);
        Self
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        metrics::gauge!("atrium_websocket_connections").decrement(1.0);
    }
}

async fn serve(svc: Services, caller: Caller, token: String, socket: WebSocket) {
    let _open = Open::new();
    let (mut sink, mut stream) = socket.split();
    let mut events = svc.store().events().subscribe();
    let mut subscriptions: HashMap<TenantId, Subscription> = HashMap::new();
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    loop {
        let outgoing: Vec<String> = tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMessage>(&text) {
                    Ok(message) => handle(&svc, &caller, &mut subscriptions, message).await,
                    Err(err) => vec![refused("", &format!("The message could not be read: {err}."))],
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => Vec::new(),
            },
            published = events.recv() => match published {
                Ok(published) => match subscriptions.get(&published.event.tenant) {
                    Some(sub) if sub.topics.contains(&published.event.topic) => {
                        let slug = serde_json::to_string(&sub.slug).unwrap_or_default();
                        vec![format!(r#"{{"type":"event","slug":{slug},"event":{}}}"#, published.json)]
                    }
                    _ => Vec::new(),
                },
                Err(RecvError::Lagged(_)) => subscriptions
                    .values()
                    .map(|sub| to_json(&ServerMessage::Resync { slug: sub.slug.clone() }))
                    .collect(),
                Err(RecvError::Closed) => break,
            },
            _ = recheck.tick() => {
                match services::auth::sessions::resolve(&svc, &token).await {
                    Ok(Some(_)) => recheck_subscriptions(&svc, &caller, &mut subscriptions).await,
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
            if sink.send(Message::Text(text.into())).await.is_err() {
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
    for topic in topics {
        authz::require(&access, topic.permission())?;
    }
    Ok(access)
}

async fn handle(
    svc: &Services,
    caller: &Caller,
    subscriptions: &mut HashMap<TenantId, Subscription>,
    message: ClientMessage,
) -> Vec<String> {
    match message {
        ClientMessage::Unsubscribe { slug } => {
            subscriptions.retain(|_, sub| sub.slug != slug);
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
            let access = match admit(svc, caller, &slug, &topics).await {
                Ok(access) => access,
                Err(err) => return vec![refused(&slug, &err.into_app_error().to_string())],
            };
            if !subscriptions.contains_key(&access.tenant_id())
                && subscriptions.len() >= MAX_SUBSCRIPTIONS
            {
                return vec![refused(
                    &slug,
                    "This tab already watches too many workspaces.",
                )];
            }
            subscriptions.insert(
                access.tenant_id(),
                Subscription {
                    slug: slug.clone(),
                    topics: topics.clone(),
                },
            );
            let cursor = svc.store().live_cursor().await.unwrap_or(0);
            let mut out = vec![to_json(&ServerMessage::Subscribed {
                slug: slug.clone(),
                topics: topics.clone(),
                cursor,
            })];
            if let Some(since) = since {
                match svc
                    .store()
                    .tenant(&access)
                    .live_events_since(since, &topics, REPLAY_LIMIT + 1)
                    .await
                {
                    Ok(missed) if missed.len() as i64 <= REPLAY_LIMIT => {
                        out.extend(missed.into_iter().map(|event| {
                            to_json(&ServerMessage::Event {
                                slug: slug.clone(),
                                event,
                            })
                        }))
                    }
                    _ => out.push(to_json(&ServerMessage::Resync { slug })),
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
    subscriptions: &mut HashMap<TenantId, Subscription>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut withdrawn = Vec::new();
    for (tenant, sub) in subscriptions.iter() {
        let admitted: services::Result<()> = async {
            let access = authz::enter_tenant_by_id(svc.store(), caller, *tenant).await?;
            for topic in &sub.topics {
                authz::require(&access, topic.permission())?;
            }
            Ok(())
        }
        .await;
        if let Err(err) = admitted {
            out.push(refused(&sub.slug, &err.into_app_error().to_string()));
            withdrawn.push(*tenant);
        }
    }
    for tenant in withdrawn {
        subscriptions.remove(&tenant);
    }
    out
}

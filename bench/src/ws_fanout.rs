//! One event to many tabs: opens N WebSocket connections to a running Atrium (as one signed
//! in member), subscribes each to a workspace, then creates a session there and times how
//! long each connection takes to receive the event. Prints one JSON line.
//!
//! Run (scripts/bench does): `ws-fanout <base URL> <session cookie> <slug> <clients> [server pid]`

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::{SinkExt as _, StreamExt as _};
use shared::live::{Change, ServerMessage};
use shared::process::SessionStatus;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Handshakes in flight at once (the server's accept queue is not what is measured).
const OPENING: usize = 200;

/// The client's buffers, as small as the server's: tungstenite's default read buffer
/// (128 KiB, zeroed on every read) made the load generator spend more time clearing memory
/// than the server spent sending, on the same two cores, inside the measured window.
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, cookie, slug, clients, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: ws-fanout <base URL> <session cookie> <slug> <clients> [server pid]");
    };
    let clients: usize = clients.parse().context("clients")?;
    let pid = rest.first().cloned();
    let ws_url = format!("{}/ws", base.replace("http://", "ws://"));

    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(clients);
    // When the request that causes the event is sent. Each client reads it when its event
    // arrives, so no client is woken to learn it while the clock runs.
    let started_at = Arc::new(OnceLock::<Instant>::new());
    // Tells every client to hang up once all are measured.
    let (finished_tx, _) = tokio::sync::watch::channel(false);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<Duration>(clients);
    let opening = std::sync::Arc::new(tokio::sync::Semaphore::new(OPENING));
    let opened = Instant::now();
    for _ in 0..clients {
        let (ws_url, cookie, base, slug) =
            (ws_url.clone(), cookie.clone(), base.clone(), slug.clone());
        let (ready, done, opening) = (ready_tx.clone(), done_tx.clone(), opening.clone());
        let (started_at, mut finished) = (started_at.clone(), finished_tx.subscribe());
        tokio::spawn(async move {
            let permit = opening.acquire().await.ok();
            let mut request = ws_url.into_client_request().ok()?;
            request.headers_mut().insert("cookie", cookie.parse().ok()?);
            request.headers_mut().insert("origin", base.parse().ok()?);
            let (mut socket, _) =
                tokio_tungstenite::connect_async_with_config(request, Some(config()), true)
                    .await
                    .ok()?;
            let subscribe = format!(
                r#"{{"type":"subscribe","slug":"{slug}","topics":["sessions"],"since":null}}"#
            );
            socket.send(Message::Text(subscribe.into())).await.ok()?;
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Text(text) = message
                    && matches!(
                        serde_json::from_str(&text),
                        Ok(ServerMessage::Subscribed { .. })
                    )
                {
                    break;
                }
            }
            drop(permit);
            ready.send(()).await.ok()?;
            // Stop the clock on arrival; the message is checked after, so the client's own
            // parsing is not counted as the server's delivery time. Only the new session
            // counts (a draft: the bench creates the only one); anything else on the topic,
            // such as a demo session's job moving it on, is passed over.
            while let Some(Ok(message)) = socket.next().await {
                let arrived = Instant::now();
                let Some(started) = started_at.get() else {
                    continue;
                };
                if let Message::Text(text) = message
                    && is_new_session(&text)
                {
                    done.send(arrived.saturating_duration_since(*started))
                        .await
                        .ok()?;
                    break;
                }
            }
            // Stay connected until every client has its event.
            let _ = finished.wait_for(|done| *done).await;
            Some(())
        });
    }
    drop(ready_tx);
    drop(done_tx);
    let mut connected = 0;
    while connected < clients {
        match tokio::time::timeout(Duration::from_secs(60), ready_rx.recv()).await {
            Ok(Some(())) => connected += 1,
            _ => break,
        }
    }
    let connect_seconds = opened.elapsed().as_secs_f64();
    let rss_connected = pid.as_deref().and_then(|p| rss_mb(p, "VmRSS"));

    let http = reqwest::Client::new();
    let center: serde_json::Value = http
        .post(format!("{base}/rpc/get_command_center"))
        .header("cookie", cookie)
        .header("origin", base)
        .header("accept", "application/json")
        .form(&[("slug", slug.as_str())])
        .send()
        .await?
        .json()
        .await?;
    let template = center["templates"][0]["id"]
        .as_str()
        .context("a template")?
        .to_owned();
    let _ = started_at.set(Instant::now());
    let created = http
        .post(format!("{base}/rpc/create_session"))
        .header("cookie", cookie)
        .header("origin", base)
        .header("accept", "application/json")
        .form(&[
            ("slug", slug.as_str()),
            ("template", template.as_str()),
            ("title", "Fan-out bench"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        created.status().is_success(),
        "creating the session: {}",
        created.status()
    );
    let mut latencies = Vec::with_capacity(connected);
    while latencies.len() < connected {
        match tokio::time::timeout(Duration::from_secs(10), done_rx.recv()).await {
            Ok(Some(latency)) => latencies.push(latency.as_secs_f64() * 1000.0),
            _ => break,
        }
    }
    let _ = finished_tx.send(true);
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let report = serde_json::json!({
        "clients": clients,
        "connected": connected,
        "received": latencies.len(),
        "connect_seconds": connect_seconds,
        "first_ms": latencies.first().copied().unwrap_or(f64::NAN),
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "max_ms": latencies.last().copied().unwrap_or(f64::NAN),
        "rss_mb": rss_connected,
        "peak_rss_mb": pid.as_deref().and_then(|p| rss_mb(p, "VmHWM")),
    });
    println!("{report}");
    Ok(())
}

/// Whether `text` is the event of a session just created (a draft).
fn is_new_session(text: &str) -> bool {
    matches!(
        serde_json::from_str(text),
        Ok(ServerMessage::Event { event, .. })
            if matches!(event.change, Change::Session { status: SessionStatus::Draft, .. })
    )
}

/// A memory figure of the server process from /proc, in MB.
fn rss_mb(pid: &str, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

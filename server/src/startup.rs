//! Builds the whole HTTP application and runs it. Integration tests call the same code with
//! port 0.

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use anyhow::Context as _;
use app::{App, shell};
use axum::extract::FromRef;
use axum::routing::get;
use axum::{Router, middleware};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use metrics_exporter_prometheus::PrometheusHandle;
use services::Services;
use services::config::Settings;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;

use crate::http;
use crate::http::assets::Assets;
use crate::http::preloads::SplitPreloads;

/// What every handler may take from the router. axum clones a handler's state for every
/// request, so it lives behind one `Arc`: a clone is one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

pub struct Parts {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub metrics: PrometheusHandle,
    pub assets: Arc<Assets>,
    pub preloads: SplitPreloads,
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// Each part as a handler's `State<…>`, as `#[derive(FromRef)]` would give on the parts.
macro_rules! state_parts {
    ($($field:ident: $type:ty),+ $(,)?) => {
        $(impl FromRef<AppState> for $type {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        })+
    };
}

state_parts!(
    leptos_options: LeptosOptions,
    services: Services,
    metrics: PrometheusHandle,
    assets: Arc<Assets>,
    preloads: SplitPreloads,
);

pub struct Application {
    listener: TcpListener,
    router: Router,
    services: Services,
}

impl Application {
    /// Binds the listener, connects to the database (migrating it) and builds the router.
    /// Without a configured public URL the server's own address is used, so port 0 works.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.http.listen)
            .await
            .with_context(|| format!("listening on {}", settings.http.listen))?;
        let address = listener.local_addr()?;
        settings.http.listen = address;
        let services = Services::start(settings).await?;
        services::process::orchestrator::spawn_worker(&services);
        let leptos_options = LeptosOptions::builder()
            .output_name("atrium")
            .site_root(services.settings().http.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .env(leptos::config::Env::PROD)
            .build();
        let site_root = std::path::Path::new(&services.settings().http.site_root);
        let assets = Assets::load(site_root)
            .with_context(|| format!("reading the browser assets in {}", site_root.display()))?;
        if assets.is_empty() {
            tracing::warn!(site_root = %site_root.display(), "no browser assets found: pages will not hydrate (build with `cargo leptos build`)");
        }
        let state = AppState(Arc::new(Parts {
            leptos_options,
            services: services.clone(),
            metrics: crate::observability::metrics_handle(),
            assets: Arc::new(assets),
            preloads: SplitPreloads::load(site_root),
        }));
        Ok(Self {
            listener,
            router: router(state),
            services,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests and closes the
    /// database cleanly.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let services = self.services.clone();
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
        services.store().close().await;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}

/// The pages' routes, read off the component tree once per process. Reading them renders the
/// app while a process-wide flag in leptos_server keeps resources from loading, and a
/// resource first polled meanwhile never loads (leptos#4773): a second server started in the
/// same process (the integration tests start many, `spawn_instance` two on one database)
/// would stall pages another server was rendering.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// Every route the app answers, with its middleware. `leptos_routes_with_context` registers
/// the pages and every server function (under `/rpc/`). The middleware runs after routing,
/// outermost first: compression, request metrics, the CSRF check, the request context, the
/// server-function status correction, then the split pages' chunk preloads.
pub fn router(state: AppState) -> Router {
    let routes = ROUTES.clone();
    let services = state.services.clone();
    let context = move || provide_context(services.clone());
    let options = state.leptos_options.clone();

    Router::new()
        .route("/healthz", get(http::healthz::healthz))
        .route("/metrics", get(http::metrics::metrics))
        .route("/ws", get(crate::live::connect))
        .route("/pkg/{*file}", get(http::assets::serve))
        .route("/favicon.svg", get(http::assets::serve))
        .route("/embed.js", get(http::assets::serve))
        .route("/embed-frame.js", get(http::assets::serve))
        .route(
            shared::widgets::embed::PREVIEW_PATH,
            get(crate::embed::show_preview),
        )
        .route("/embed/{widget}", get(crate::embed::show_widget))
        .merge(crate::api::router())
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(
            // One stack, outermost first: each `Router::layer` call wraps and boxes every
            // route's service again, with a clone and a boxed future per request for each.
            ServiceBuilder::new()
                .layer(CompressionLayer::new())
                .layer(middleware::from_fn_with_state(
                    state.services.clone(),
                    http::request_metrics::record,
                ))
                .layer(middleware::from_fn_with_state(
                    state.services.clone(),
                    http::csrf::refuse_cross_site,
                ))
                .layer(middleware::from_fn_with_state(
                    state.services.clone(),
                    http::context::request_context,
                ))
                .layer(middleware::from_fn(http::server_fn_status::correct_status))
                .layer(middleware::from_fn_with_state(
                    state.preloads.clone(),
                    http::preloads::add_to_page,
                )),
        )
        .with_state(state)
}

//! Everything a service needs, built once at start-up and shared by every request.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::auth::passwords::PasswordHasher;
use crate::auth::rate_limit::AddressLimiter;
use crate::config::Settings;
use crate::crypto::SecretBox;
use crate::mail::{Mailer, OutgoingMail};
use crate::storage::Store;
use crate::storage::outbox::OutboxRow;
use shared::ids::OutboxId;

/// Cheap to clone; hand it to every handler.
#[derive(Clone)]
pub struct Services {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    store: Store,
    hasher: PasswordHasher,
    mailer: Mailer,
    sign_in_limiter: AddressLimiter,
    second_factor_limiter: AddressLimiter,
    /// Budget for what visitors send through embedded widgets, per client address.
    submission_limiter: AddressLimiter,
    /// Budget for widget event batches, per client address.
    event_limiter: AddressLimiter,
    /// When each widget's last usage notice went out (they are sent at most once a second).
    stats_notices: crate::widgets::analytics::StatsNotices,
    secrets: SecretBox,
    /// Wakes the orchestration worker when work was queued.
    worker_signal: tokio::sync::Notify,
    /// Outbound HTTP (webhook steps): no redirects followed, a timeout per request.
    http: reqwest::Client,
    /// The REST API's per-token rate limits.
    token_limiter: crate::api_tokens::TokenLimiter,
    /// API calls admitted and not yet written (see `billing::api_calls`).
    api_calls: crate::billing::api_calls::ApiCallMeter,
    /// What invoices charge in tax, from `billing.tax_rate`.
    tax_rate: shared::billing::invoice::TaxRate,
    /// Where invoices are paid: the test provider in this build.
    payments: Arc<dyn crate::billing::payments::PaymentProvider>,
    /// Requests and gauges of the last day, for the console's health page.
    health: crate::health::HealthRecorder,
}

impl Services {
    /// Connects to the database, applies migrations and prepares the hasher and mailer.
    pub async fn start(settings: Settings) -> anyhow::Result<Self> {
        let store = Store::connect(
            &settings.database.url,
            settings.database.max_connections,
            Duration::from_secs(settings.sessions.cache_seconds),
            Duration::from_millis(settings.health.slow_query_ms),
        )
        .await?;
        store.migrate().await?;
        store
            .seed_live_cursor()
            .await
            .map_err(|e| anyhow::anyhow!("reading the live cursor: {}", e.into_app_error()))?;
        store
            .install_default_plans(crate::time::now())
            .await
            .map_err(|e| anyhow::anyhow!("installing the default plans: {}", e.into_app_error()))?;
        crate::process::templates::install_builtins(&store)
            .await
            .map_err(|e| {
                anyhow::anyhow!("installing the built-in templates: {}", e.into_app_error())
            })?;
        Self::with_store(settings, store)
    }

    pub fn with_store(settings: Settings, store: Store) -> anyhow::Result<Self> {
        let hasher =
            PasswordHasher::new(settings.hash_concurrency(), settings.hash_queue_timeout())?;
        let mailer = Mailer::from_settings(&settings.mail).context("configuring email")?;
        let sign_in_limiter = AddressLimiter::per_minute(settings.auth.attempts_per_minute_per_ip);
        let second_factor_limiter =
            AddressLimiter::per_minute(settings.auth.attempts_per_minute_per_ip);
        let submission_limiter =
            AddressLimiter::per_minute(settings.widgets.submissions_per_minute_per_ip);
        let event_limiter =
            AddressLimiter::per_minute(settings.widgets.event_batches_per_minute_per_ip);
        let secrets = settings.secret_box().context("loading the server key")?;
        let mut http = reqwest::Client::builder();
        if !settings.jobs.allow_private_webhooks {
            http = http.dns_resolver(crate::process::outbound::resolver());
        }
        let http = http
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("Atrium/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the HTTP client")?;
        let tax_rate = shared::billing::invoice::TaxRate::parse(&settings.billing.tax_rate)
            .map_err(|e| anyhow::anyhow!("ATRIUM_BILLING__TAX_RATE: {}", e.reason))?;
        let services = Self {
            inner: Arc::new(Inner {
                settings,
                store,
                hasher,
                mailer,
                sign_in_limiter,
                second_factor_limiter,
                submission_limiter,
                event_limiter,
                stats_notices: Default::default(),
                secrets,
                worker_signal: tokio::sync::Notify::new(),
                http,
                token_limiter: Default::default(),
                api_calls: Default::default(),
                tax_rate,
                payments: Arc::new(crate::billing::payments::TestPaymentProvider),
                health: Default::default(),
            }),
        };
        services.spawn_housekeeping();
        services.spawn_invoicing();
        services.spawn_api_call_flush();
        services.spawn_health_sampling();
        Ok(services)
    }

    pub fn token_limiter(&self) -> &crate::api_tokens::TokenLimiter {
        &self.inner.token_limiter
    }

    pub fn api_calls(&self) -> &crate::billing::api_calls::ApiCallMeter {
        &self.inner.api_calls
    }

    pub fn tax_rate(&self) -> shared::billing::invoice::TaxRate {
        self.inner.tax_rate
    }

    pub fn payments(&self) -> &dyn crate::billing::payments::PaymentProvider {
        self.inner.payments.as_ref()
    }

    pub fn health(&self) -> &crate::health::HealthRecorder {
        &self.inner.health
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn hasher(&self) -> &PasswordHasher {
        &self.inner.hasher
    }

    pub fn mailer(&self) -> &Mailer {
        &self.inner.mailer
    }

    /// Budget for anonymous, password-checking endpoints, per client address.
    pub fn sign_in_limiter(&self) -> &AddressLimiter {
        &self.inner.sign_in_limiter
    }

    /// Budget for second-factor attempts (codes, backup codes), per client address.
    pub fn second_factor_limiter(&self) -> &AddressLimiter {
        &self.inner.second_factor_limiter
    }

    /// Budget for lead forms and feedback sent through embedded widgets, per client address.
    pub fn submission_limiter(&self) -> &AddressLimiter {
        &self.inner.submission_limiter
    }

    /// Budget for widget event batches, per client address.
    pub fn event_limiter(&self) -> &AddressLimiter {
        &self.inner.event_limiter
    }

    /// When widgets' last usage notices went out (see `widgets::analytics`).
    pub fn stats_notices(&self) -> &crate::widgets::analytics::StatsNotices {
        &self.inner.stats_notices
    }

    /// Sends an email by SMTP; without an SMTP server it is logged and kept in the outbox,
    /// where super admins can read it (so reset and invitation links still reach someone).
    /// Returns whether it went out by SMTP. Delivery never fails the action that sent it.
    pub async fn send_mail(&self, mail: OutgoingMail) -> bool {
        if self.inner.mailer.is_smtp() {
            return self.inner.mailer.send(mail).await;
        }
        let kept = OutboxRow {
            id: OutboxId::from_uuid(uuid::Uuid::now_v7()),
            created_at: crate::time::now(),
            recipient: mail.to.to_string(),
            subject: mail.subject.clone(),
            body: mail.body.clone(),
        };
        if let Err(err) = self.inner.store.put_in_outbox(&kept).await {
            tracing::warn!(error = %err, "email not kept in the outbox");
        }
        self.inner.mailer.send(mail).await
    }

    /// The server key, for secrets kept encrypted in the database.
    pub fn secrets(&self) -> &SecretBox {
        &self.inner.secrets
    }

    /// Wakes the orchestration worker: work was queued.
    pub fn wake_worker(&self) {
        self.inner.worker_signal.notify_one();
    }

    pub(crate) fn worker_signal(&self) -> &tokio::sync::Notify {
        &self.inner.worker_signal
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Runs `work` every `period` (the first time at once) for as long as the services live
    /// and their database is open: the server's background chores share this one loop.
    fn spawn_every<F, Fut>(&self, period: Duration, work: F)
    where
        F: Fn(Services) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { break };
                // A server that shut down (its database closed) has nothing left to do.
                if inner.store.is_closed() {
                    break;
                }
                work(Services { inner }).await;
            }
        });
    }

    /// Writes the REST API calls admitted in memory, once a second.
    fn spawn_api_call_flush(&self) {
        self.spawn_every(Duration::from_secs(1), |services| async move {
            services.api_calls().flush(&services).await;
        });
    }

    /// Issues the invoices of the month that closed, at start-up and then hourly (so a
    /// server that was down on the first of the month catches up).
    fn spawn_invoicing(&self) {
        self.spawn_every(Duration::from_secs(3600), |services| async move {
            if let Err(err) =
                crate::billing::invoices::issue_due(&services, crate::time::now()).await
            {
                tracing::warn!(error = %err.into_app_error(), "the monthly invoice run failed");
            }
        });
    }

    /// Samples the health gauges and checks their thresholds, once a minute.
    fn spawn_health_sampling(&self) {
        self.spawn_every(Duration::from_secs(60), |services| async move {
            crate::health::sample(&services).await;
        });
    }

    /// Forgets idle rate-limit entries and live events older than an hour, once a minute.
    fn spawn_housekeeping(&self) {
        self.spawn_every(Duration::from_secs(60), |services| async move {
            let inner = &services.inner;
            inner.sign_in_limiter.forget_idle();
            inner.token_limiter.forget_idle();
            inner.second_factor_limiter.forget_idle();
            inner.submission_limiter.forget_idle();
            inner.event_limiter.forget_idle();
            inner.stats_notices.forget_idle();
            let hour_ago = crate::time::now() - chrono::Duration::hours(1);
            if let Err(err) = inner.store.prune_live_events(hour_ago).await {
                tracing::warn!(error = %err.into_app_error(), "pruning live events failed");
            }
        });
    }
}

-- Plans and usage: the tiers super admins edit, each tenant's plan and its per-tenant
-- overrides, usage events (append-only) with their daily roll-up, and the monthly quota
-- counters that actions consume atomically.

CREATE TABLE plans (
    tier                     TEXT PRIMARY KEY NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
    price_minor              INTEGER NOT NULL CHECK (price_minor >= 0),
    currency                 TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    members_limit            INTEGER CHECK (members_limit >= 0),
    widgets_limit            INTEGER CHECK (widgets_limit >= 0),
    monthly_tokens_limit     INTEGER CHECK (monthly_tokens_limit >= 0),
    monthly_api_calls_limit  INTEGER CHECK (monthly_api_calls_limit >= 0),
    api_requests_per_minute  INTEGER NOT NULL CHECK (api_requests_per_minute > 0),
    -- Comma-separated feature names.
    features                 TEXT NOT NULL,
    updated_at               TEXT NOT NULL
) STRICT;

ALTER TABLE tenants ADD COLUMN plan_tier TEXT NOT NULL DEFAULT 'free'
    CHECK (plan_tier IN ('free', 'pro', 'enterprise'));

-- A super admin's exception to a tenant's plan: NULL is unlimited.
CREATE TABLE tenant_limit_overrides (
    tenant_id    BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric       TEXT NOT NULL CHECK (metric IN ('api_calls', 'tokens', 'members', 'widgets')),
    limit_value  INTEGER CHECK (limit_value >= 0),
    set_at       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, metric)
) STRICT;

CREATE TABLE usage_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      BLOB,
    metric       TEXT NOT NULL CHECK (metric IN ('api_calls', 'tokens', 'members', 'widgets')),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    service      TEXT,
    provider     TEXT,
    cost_minor   INTEGER NOT NULL DEFAULT 0 CHECK (cost_minor >= 0),
    occurred_at  TEXT NOT NULL
) STRICT;
CREATE INDEX usage_events_by_tenant ON usage_events (tenant_id, occurred_at);

CREATE TRIGGER usage_events_no_update BEFORE UPDATE ON usage_events
BEGIN SELECT RAISE(ABORT, 'usage events are append-only'); END;
CREATE TRIGGER usage_events_no_delete BEFORE DELETE ON usage_events
WHEN EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id)
BEGIN SELECT RAISE(ABORT, 'usage events are append-only'); END;

-- The daily roll-up the usage pages and analytics read (never the events themselves).
-- Empty strings stand for "none" so the key stays unique.
CREATE TABLE usage_daily (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    metric      TEXT NOT NULL,
    user_key    TEXT NOT NULL DEFAULT '',
    service     TEXT NOT NULL DEFAULT '',
    provider    TEXT NOT NULL DEFAULT '',
    quantity    INTEGER NOT NULL,
    cost_minor  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, metric, user_key, service, provider)
) STRICT;

-- What each tenant used of a monthly quota; consumed by one conditional upsert.
CREATE TABLE usage_counters (
    tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric     TEXT NOT NULL,
    period     TEXT NOT NULL,
    used       INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (tenant_id, metric, period)
) STRICT;

-- The 80 % and 100 % warnings already raised, so each is raised once a month.
CREATE TABLE usage_alerts (
    tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric     TEXT NOT NULL,
    period     TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('warning', 'reached')),
    raised_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, metric, period, level)
) STRICT;

-- Tokens for the public REST API: one person, one workspace, some scopes. Only the hash
-- of the secret is kept.
CREATE TABLE api_tokens (
    id            BLOB PRIMARY KEY NOT NULL,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    BLOB NOT NULL UNIQUE,
    token_prefix  TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    last_used_at  TEXT,
    revoked_at    TEXT
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);

-- Plans and usage: the tiers super admins edit, each tenant's plan and its per-tenant
-- overrides, usage events (append-only) with their daily roll-up, and the monthly quota
-- counters that actions consume atomically.

CREATE TABLE plans (
    tier                     TEXT PRIMARY KEY CHECK (tier IN ('free', 'pro', 'enterprise')),
    price_minor              BIGINT NOT NULL CHECK (price_minor >= 0),
    currency                 TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    members_limit            BIGINT CHECK (members_limit >= 0),
    widgets_limit            BIGINT CHECK (widgets_limit >= 0),
    monthly_tokens_limit     BIGINT CHECK (monthly_tokens_limit >= 0),
    monthly_api_calls_limit  BIGINT CHECK (monthly_api_calls_limit >= 0),
    api_requests_per_minute  INTEGER NOT NULL CHECK (api_requests_per_minute > 0),
    -- Comma-separated feature names.
    features                 TEXT NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL
);

ALTER TABLE tenants ADD COLUMN plan_tier TEXT NOT NULL DEFAULT 'free'
    CHECK (plan_tier IN ('free', 'pro', 'enterprise'));

-- A super admin's exception to a tenant's plan: NULL is unlimited.
CREATE TABLE tenant_limit_overrides (
    tenant_id    UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric       TEXT NOT NULL CHECK (metric IN ('api_calls', 'tokens', 'members', 'widgets')),
    limit_value  BIGINT CHECK (limit_value >= 0),
    set_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, metric)
);

CREATE TABLE usage_events (
    id           BIGSERIAL PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      UUID,
    metric       TEXT NOT NULL CHECK (metric IN ('api_calls', 'tokens', 'members', 'widgets')),
    quantity     BIGINT NOT NULL CHECK (quantity > 0),
    service      TEXT,
    provider     TEXT,
    cost_minor   BIGINT NOT NULL DEFAULT 0 CHECK (cost_minor >= 0),
    occurred_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX usage_events_by_tenant ON usage_events (tenant_id, occurred_at);

CREATE FUNCTION usage_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'usage events are append-only';
END;
$$;
CREATE TRIGGER usage_events_no_change BEFORE UPDATE OR DELETE ON usage_events
    FOR EACH ROW EXECUTE FUNCTION usage_events_append_only();

-- The daily roll-up the usage pages and analytics read (never the events themselves).
-- Empty strings stand for "none" so the key stays unique.
CREATE TABLE usage_daily (
    tenant_id   UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day         DATE NOT NULL,
    metric      TEXT NOT NULL,
    user_key    TEXT NOT NULL DEFAULT '',
    service     TEXT NOT NULL DEFAULT '',
    provider    TEXT NOT NULL DEFAULT '',
    quantity    BIGINT NOT NULL,
    cost_minor  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day, metric, user_key, service, provider)
);

-- What each tenant used of a monthly quota; consumed by one conditional upsert.
CREATE TABLE usage_counters (
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric     TEXT NOT NULL,
    period     TEXT NOT NULL,
    used       BIGINT NOT NULL CHECK (used >= 0),
    PRIMARY KEY (tenant_id, metric, period)
);

-- The 80 % and 100 % warnings already raised, so each is raised once a month.
CREATE TABLE usage_alerts (
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    metric     TEXT NOT NULL,
    period     TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('warning', 'reached')),
    raised_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, metric, period, level)
);

-- Tokens for the public REST API: one person, one workspace, some scopes. Only the hash
-- of the secret is kept.
CREATE TABLE api_tokens (
    id            UUID PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    BYTEA NOT NULL UNIQUE,
    token_prefix  TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);

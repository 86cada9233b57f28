-- The service catalog: services super admins offer, and each tenant's activation of a
-- service (requested → active ⇄ suspended, any → cancelled; one row per tenant and service,
-- reused when a cancelled service is requested again).

CREATE TABLE services (
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    description   TEXT NOT NULL,
    price_minor   BIGINT NOT NULL CHECK (price_minor >= 0),
    currency      TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    unit          TEXT NOT NULL CHECK (unit IN ('month', 'request', 'minute', '1k_tokens', 'once')),
    -- Comma-separated plan tiers whose tenants may request it.
    tiers         TEXT NOT NULL,
    offered       BOOLEAN NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE service_activations (
    id            UUID PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    service_id    UUID NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('requested', 'active', 'suspended', 'cancelled')),
    requested_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    requested_at  TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, service_id)
);
CREATE INDEX service_activations_by_status ON service_activations (status, updated_at);

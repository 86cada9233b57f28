-- The service catalog: services super admins offer, and each tenant's activation of a
-- service (requested → active ⇄ suspended, any → cancelled; one row per tenant and service,
-- reused when a cancelled service is requested again).

CREATE TABLE services (
    id            BLOB PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL UNIQUE,
    description   TEXT NOT NULL,
    price_minor   INTEGER NOT NULL CHECK (price_minor >= 0),
    currency      TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    unit          TEXT NOT NULL CHECK (unit IN ('month', 'request', 'minute', '1k_tokens', 'once')),
    -- Comma-separated plan tiers whose tenants may request it.
    tiers         TEXT NOT NULL,
    offered       INTEGER NOT NULL CHECK (offered IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE service_activations (
    id            BLOB PRIMARY KEY NOT NULL,
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    service_id    BLOB NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('requested', 'active', 'suspended', 'cancelled')),
    requested_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    requested_at  TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (tenant_id, service_id)
) STRICT;
CREATE INDEX service_activations_by_status ON service_activations (status, updated_at);

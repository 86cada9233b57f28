-- Builders and their customers (seed 000). A builder workspace asks an end-user organization
-- to become its customer; the customer's owner accepts or declines, and either side ends the
-- link. Over an active link the builder deploys widgets for the customer (implementations);
-- what visitors send through a live implementation is kept in the customer's workspace.

CREATE TABLE customer_links (
    id                  BLOB PRIMARY KEY NOT NULL,
    builder_tenant_id   BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    customer_tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'active', 'declined', 'ended')),
    -- The address the builder asked for: all it knows of the customer until it accepts.
    customer_address    TEXT NOT NULL,
    requested_by        BLOB REFERENCES users (id) ON DELETE SET NULL,
    requested_at        TEXT NOT NULL,
    decided_by          BLOB REFERENCES users (id) ON DELETE SET NULL,
    decided_at          TEXT,
    CHECK (builder_tenant_id <> customer_tenant_id),
    UNIQUE (builder_tenant_id, customer_tenant_id)
) STRICT;
CREATE INDEX customer_links_by_customer ON customer_links (customer_tenant_id);

CREATE TABLE implementations (
    id                  BLOB PRIMARY KEY NOT NULL,
    tenant_id           BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    link_id             BLOB NOT NULL REFERENCES customer_links (id) ON DELETE CASCADE,
    customer_tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id           BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'live', 'paused', 'retired')),
    created_by          BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX implementations_by_builder ON implementations (tenant_id, updated_at);
CREATE INDEX implementations_by_customer ON implementations (customer_tenant_id, updated_at);
-- One open deployment of a widget per customer.
CREATE UNIQUE INDEX implementations_open ON implementations (widget_id, customer_tenant_id)
    WHERE status <> 'retired';

ALTER TABLE contacts ADD COLUMN implementation_id BLOB REFERENCES implementations (id) ON DELETE SET NULL;
ALTER TABLE widget_submissions ADD COLUMN implementation_id BLOB REFERENCES implementations (id) ON DELETE SET NULL;

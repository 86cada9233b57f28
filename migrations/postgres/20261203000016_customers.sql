-- Builders and their customers (seed 000). A builder workspace asks an end-user organization
-- to become its customer; the customer's owner accepts or declines, and either side ends the
-- link. Over an active link the builder deploys widgets for the customer (implementations);
-- what visitors send through a live implementation is kept in the customer's workspace.

CREATE TABLE customer_links (
    id                  UUID PRIMARY KEY,
    builder_tenant_id   UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    customer_tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'active', 'declined', 'ended')),
    -- The address the builder asked for: all it knows of the customer until it accepts.
    customer_address    TEXT NOT NULL,
    requested_by        UUID REFERENCES users (id) ON DELETE SET NULL,
    requested_at        TIMESTAMPTZ NOT NULL,
    decided_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    decided_at          TIMESTAMPTZ,
    CHECK (builder_tenant_id <> customer_tenant_id),
    UNIQUE (builder_tenant_id, customer_tenant_id)
);
CREATE INDEX customer_links_by_customer ON customer_links (customer_tenant_id);

CREATE TABLE implementations (
    id                  UUID PRIMARY KEY,
    tenant_id           UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    link_id             UUID NOT NULL REFERENCES customer_links (id) ON DELETE CASCADE,
    customer_tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id           UUID NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'live', 'paused', 'retired')),
    created_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX implementations_by_builder ON implementations (tenant_id, updated_at);
CREATE INDEX implementations_by_customer ON implementations (customer_tenant_id, updated_at);
-- One open deployment of a widget per customer.
CREATE UNIQUE INDEX implementations_open ON implementations (widget_id, customer_tenant_id)
    WHERE status <> 'retired';

ALTER TABLE contacts ADD COLUMN implementation_id UUID REFERENCES implementations (id) ON DELETE SET NULL;
ALTER TABLE widget_submissions ADD COLUMN implementation_id UUID REFERENCES implementations (id) ON DELETE SET NULL;

-- Both sides of a link see it and answer or end it.
ALTER TABLE customer_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON customer_links
    USING (atrium_tenant() IS NULL OR builder_tenant_id = atrium_tenant()
           OR customer_tenant_id = atrium_tenant());

-- A builder's deployments are its own; the customer sees those made for it and may only
-- retire them (ending a link retires every deployment over it).
ALTER TABLE implementations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON implementations
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());
CREATE POLICY customer_reads ON implementations FOR SELECT
    USING (customer_tenant_id = atrium_tenant());
CREATE POLICY customer_retires ON implementations FOR UPDATE
    USING (customer_tenant_id = atrium_tenant())
    WITH CHECK (customer_tenant_id = atrium_tenant() AND status = 'retired');

-- A customer sees the builders that asked for it; a builder sees its customers while they
-- have it as their builder (before, it knows only the address it typed).
CREATE POLICY linked_tenants ON tenants FOR SELECT
    USING (EXISTS (SELECT 1 FROM customer_links l
                   WHERE (l.builder_tenant_id = atrium_tenant() AND l.customer_tenant_id = tenants.id
                          AND l.status = 'active')
                      OR (l.customer_tenant_id = atrium_tenant() AND l.builder_tenant_id = tenants.id)));

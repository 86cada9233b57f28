-- Support tickets and their threads. Messages are append-only.

CREATE TABLE tickets (
    id           UUID PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    priority     TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status       TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    opened_by    UUID NOT NULL REFERENCES users (id),
    assignee_id  UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX tickets_by_tenant ON tickets (tenant_id, updated_at);
CREATE INDEX tickets_by_update ON tickets (updated_at);

CREATE TABLE ticket_messages (
    id            BIGSERIAL PRIMARY KEY,
    ticket_id     UUID NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    author_id     UUID NOT NULL REFERENCES users (id),
    from_support  BOOLEAN NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);

CREATE FUNCTION ticket_messages_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ticket messages are append-only';
END;
$$;
CREATE TRIGGER ticket_messages_no_update BEFORE UPDATE ON ticket_messages
    FOR EACH ROW EXECUTE FUNCTION ticket_messages_append_only();

-- Row-level security, as for every table with tenant rows.
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tickets
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());
ALTER TABLE ticket_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON ticket_messages
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

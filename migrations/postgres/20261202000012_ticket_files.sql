-- Files attached to support tickets. The bytes live in the database beside the ticket, so
-- a backup holds everything and the tenant scope (and row-level security) covers them like
-- any other row. A stored file never changes; it goes only with its ticket or organization.

CREATE TABLE ticket_files (
    id            UUID PRIMARY KEY,
    ticket_id     UUID NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    uploaded_by   UUID NOT NULL REFERENCES users (id),
    from_support  BOOLEAN NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('png', 'jpeg', 'gif', 'webp', 'pdf', 'text', 'csv')),
    size          BIGINT NOT NULL CHECK (size > 0),
    content       BYTEA NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_files_by_ticket ON ticket_files (ticket_id, created_at);

CREATE FUNCTION ticket_files_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ticket files are immutable';
END;
$$;
CREATE TRIGGER ticket_files_no_update BEFORE UPDATE ON ticket_files
    FOR EACH ROW EXECUTE FUNCTION ticket_files_immutable();

ALTER TABLE ticket_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON ticket_files
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

-- Files attached to support tickets. The bytes live in the database beside the ticket, so
-- a backup holds everything and the tenant scope covers them like any other row. A stored
-- file never changes; it goes only with its ticket or organization.

CREATE TABLE ticket_files (
    id            BLOB PRIMARY KEY,
    ticket_id     BLOB NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    uploaded_by   BLOB NOT NULL REFERENCES users (id),
    from_support  INTEGER NOT NULL CHECK (from_support IN (0, 1)),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('png', 'jpeg', 'gif', 'webp', 'pdf', 'text', 'csv')),
    size          INTEGER NOT NULL CHECK (size > 0),
    content       BLOB NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_files_by_ticket ON ticket_files (ticket_id, created_at);

CREATE TRIGGER ticket_files_no_update BEFORE UPDATE ON ticket_files
BEGIN SELECT RAISE(ABORT, 'ticket files are immutable'); END;

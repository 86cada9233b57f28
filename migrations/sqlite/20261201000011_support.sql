-- Support tickets and their threads. Messages are append-only.

CREATE TABLE tickets (
    id           BLOB PRIMARY KEY,
    tenant_id    BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    priority     TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status       TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    opened_by    BLOB NOT NULL REFERENCES users (id),
    assignee_id  BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX tickets_by_tenant ON tickets (tenant_id, updated_at);
CREATE INDEX tickets_by_update ON tickets (updated_at);

CREATE TABLE ticket_messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id     BLOB NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    author_id     BLOB NOT NULL REFERENCES users (id),
    from_support  INTEGER NOT NULL CHECK (from_support IN (0, 1)),
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);

CREATE TRIGGER ticket_messages_no_update BEFORE UPDATE ON ticket_messages
BEGIN SELECT RAISE(ABORT, 'ticket messages are append-only'); END;

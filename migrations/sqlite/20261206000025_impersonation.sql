-- Impersonation (shared::impersonation): a super admin's session shows the platform as one
-- person sees it, for a reason, until it is ended or runs out; the person's security page
-- lists these. The audit log records both people: the actor (the super admin) and whom they
-- acted on behalf of.
CREATE TABLE impersonations (
    id               BLOB PRIMARY KEY NOT NULL,
    session_id       BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    impersonator_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_id          BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason           TEXT NOT NULL,
    read_only        INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    started_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    ended_at         TEXT
) STRICT;
CREATE UNIQUE INDEX impersonations_open_per_session ON impersonations (session_id) WHERE ended_at IS NULL;
CREATE INDEX impersonations_of_user ON impersonations (user_id, started_at);

ALTER TABLE audit_log ADD COLUMN on_behalf_of_id BLOB;

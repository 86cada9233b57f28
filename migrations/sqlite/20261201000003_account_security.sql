-- Account security: sign-in history, trusted devices, single-use links (password reset,
-- email verification), in-app notifications, security alerts, the outbox of emails that
-- had no SMTP server to go to, step-up and per-organization two-factor enforcement.

ALTER TABLE users ADD COLUMN email_verified_at TEXT;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
-- Existing people (created before verification existed) count as verified.
UPDATE users SET email_verified_at = created_at;

-- The last time a session's person proved who they are (password, and a code when they
-- have a second factor): sensitive changes need it to be recent (step-up).
ALTER TABLE sessions ADD COLUMN authenticated_at TEXT;
UPDATE sessions SET authenticated_at = created_at;

-- An organization that requires two-factor sign-in of its members, since when, and how
-- long members without it have to set it up.
ALTER TABLE tenants ADD COLUMN require_two_factor_since TEXT;
ALTER TABLE tenants ADD COLUMN two_factor_grace_days INTEGER NOT NULL DEFAULT 7;

-- Every sign-in attempt that named an email: the person's history, and the evidence for
-- alerts (failures across many emails from one address).
CREATE TABLE sign_in_events (
    id          BLOB PRIMARY KEY NOT NULL,
    at          TEXT NOT NULL,
    user_id     BLOB REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    ip          TEXT,
    network     TEXT,
    user_agent  TEXT,
    device      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    new_device  INTEGER NOT NULL DEFAULT 0,
    new_network INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sign_in_events_by_user ON sign_in_events (user_id, at);
CREATE INDEX sign_in_events_by_ip ON sign_in_events (ip, at);
CREATE INDEX sign_in_events_by_email ON sign_in_events (email, at);

CREATE TABLE trusted_devices (
    id            BLOB PRIMARY KEY NOT NULL,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    BLOB NOT NULL UNIQUE,
    device        TEXT NOT NULL,
    ip            TEXT,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT
) STRICT;
CREATE INDEX trusted_devices_by_user ON trusted_devices (user_id);

-- Single-use links sent by email.
CREATE TABLE account_links (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_verification', 'email_change')),
    token_hash  BLOB NOT NULL UNIQUE,
    -- The address an email change moves to.
    email       TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT;
CREATE INDEX account_links_by_user ON account_links (user_id, purpose);

CREATE TABLE notifications (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
) STRICT;
CREATE INDEX notifications_by_user ON notifications (user_id, created_at);

CREATE TABLE security_alerts (
    id               BLOB PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('credential_stuffing', 'account_brute_force', 'new_device')),
    subject          TEXT NOT NULL,
    user_id          BLOB REFERENCES users (id) ON DELETE SET NULL,
    reason           TEXT NOT NULL,
    evidence         TEXT NOT NULL DEFAULT '{}',
    occurrences      INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    last_seen_at     TEXT NOT NULL,
    acknowledged_at  TEXT,
    resolved_at      TEXT
) STRICT;
CREATE UNIQUE INDEX security_alerts_one_open ON security_alerts (kind, subject) WHERE resolved_at IS NULL;
CREATE INDEX security_alerts_by_time ON security_alerts (created_at);

-- Emails written while no SMTP server is configured, for a super admin to read.
CREATE TABLE outbox (
    id          BLOB PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_by_time ON outbox (created_at);

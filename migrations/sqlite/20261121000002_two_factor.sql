-- Two-factor sign-in: a TOTP credential per person (its secret encrypted under the server
-- key), single-use backup codes (hashed), and the stage of a session: one that has passed
-- only the password can do nothing but the second step.

ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full'
    CHECK (stage IN ('full', 'second_factor'));

CREATE TABLE totp_credentials (
    user_id       BLOB PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret        BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    confirmed_at  TEXT,
    -- The last time step whose code was accepted: a code is accepted once.
    last_step     INTEGER
) STRICT;

CREATE TABLE backup_codes (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT;
CREATE INDEX backup_codes_by_user ON backup_codes (user_id);

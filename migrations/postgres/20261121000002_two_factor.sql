-- Two-factor sign-in: a TOTP credential per person (its secret encrypted under the server
-- key), single-use backup codes (hashed), and the stage of a session: one that has passed
-- only the password can do nothing but the second step.

ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full'
    CHECK (stage IN ('full', 'second_factor'));

CREATE TABLE totp_credentials (
    user_id       UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret        BYTEA NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    confirmed_at  TIMESTAMPTZ,
    -- The last time step whose code was accepted: a code is accepted once.
    last_step     BIGINT
);

CREATE TABLE backup_codes (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX backup_codes_by_user ON backup_codes (user_id);

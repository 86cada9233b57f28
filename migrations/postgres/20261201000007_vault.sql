-- The API-key vault: each person's provider keys in a workspace, sealed with AES-256-GCM
-- under the server key (purpose `vault:<id>` bound in), with only the last four characters
-- kept in the clear. Usage events record the key a metered action ran on.

CREATE TABLE vault_keys (
    id            UUID PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider      TEXT NOT NULL CHECK (provider IN ('groq', 'deepgram', 'twilio', 'generic')),
    label         TEXT NOT NULL,
    sealed        BYTEA NOT NULL,
    last_four     TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    rotated_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX vault_keys_by_owner ON vault_keys (tenant_id, user_id, provider);

ALTER TABLE usage_events ADD COLUMN vault_key_id UUID;

-- The command center: process templates (versioned), sessions with their audit trail and
-- phase timings, the orchestration queue, each workspace's webhook signing secret, and the
-- live events the WebSocket hub fans out (kept an hour, so a reconnecting tab can catch up).

CREATE TABLE process_templates (
    id               BLOB PRIMARY KEY NOT NULL,
    tenant_id        BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    -- Set for the built-in templates every workspace has (read-only).
    builtin_key      TEXT,
    current_version  INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX process_templates_by_tenant ON process_templates (tenant_id, name);
CREATE UNIQUE INDEX process_templates_one_builtin ON process_templates (tenant_id, builtin_key)
    WHERE builtin_key IS NOT NULL;

-- Versions never change once written: a running session keeps the version it started on.
CREATE TABLE process_template_versions (
    template_id  BLOB NOT NULL REFERENCES process_templates (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    tenant_id    BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    definition   TEXT NOT NULL,
    created_by   BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (template_id, version)
) STRICT;

CREATE TABLE process_sessions (
    id                BLOB PRIMARY KEY NOT NULL,
    tenant_id         BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    template_id       BLOB NOT NULL,
    template_version  INTEGER NOT NULL,
    title             TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'completed', 'failed', 'archived')),
    owner_id          BLOB NOT NULL REFERENCES users (id),
    phase_index       INTEGER NOT NULL DEFAULT 0,
    phase_count       INTEGER NOT NULL,
    phase_name        TEXT NOT NULL,
    data              TEXT NOT NULL DEFAULT '{}',
    is_example        INTEGER NOT NULL DEFAULT 0,
    cloned_from       BLOB REFERENCES process_sessions (id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    started_at        TEXT,
    finished_at       TEXT,
    FOREIGN KEY (template_id, template_version) REFERENCES process_template_versions (template_id, version)
) STRICT;
CREATE INDEX process_sessions_by_tenant ON process_sessions (tenant_id, updated_at);
CREATE INDEX process_sessions_by_status ON process_sessions (tenant_id, status);

-- The audit trail: append-only, like the audit log.
CREATE TABLE process_session_events (
    id          BLOB PRIMARY KEY NOT NULL,
    tenant_id   BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    session_id  BLOB NOT NULL REFERENCES process_sessions (id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor_id    BLOB REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX process_session_events_by_session ON process_session_events (session_id, at);
CREATE TRIGGER process_session_events_no_update BEFORE UPDATE ON process_session_events
BEGIN SELECT RAISE(ABORT, 'the session audit trail is append-only'); END;
CREATE TRIGGER process_session_events_no_delete BEFORE DELETE ON process_session_events
WHEN EXISTS (SELECT 1 FROM process_sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'the session audit trail is append-only'); END;

CREATE TABLE process_phase_runs (
    session_id   BLOB NOT NULL REFERENCES process_sessions (id) ON DELETE CASCADE,
    phase_index  INTEGER NOT NULL,
    tenant_id    BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    PRIMARY KEY (session_id, phase_index)
) STRICT;
CREATE INDEX process_phase_runs_finished ON process_phase_runs (tenant_id, finished_at);

-- The orchestration queue. A worker claims a due job by setting a lease; a job whose lease
-- ran out (its worker died) is claimed again; only the lease holder can finish it.
CREATE TABLE jobs (
    id                BLOB PRIMARY KEY NOT NULL,
    tenant_id         BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    session_id        BLOB NOT NULL REFERENCES process_sessions (id) ON DELETE CASCADE,
    phase_index       INTEGER NOT NULL,
    step_index        INTEGER NOT NULL,
    phase_key         TEXT NOT NULL,
    step_key          TEXT NOT NULL,
    step_name         TEXT NOT NULL,
    kind              TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL,
    run_after         TEXT NOT NULL,
    lease_owner       TEXT,
    lease_expires_at  TEXT,
    last_error        TEXT,
    output            TEXT,
    -- The person whose authority the job acts with (who started the session).
    acting_user_id    BLOB NOT NULL REFERENCES users (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    finished_at       TEXT
) STRICT;
CREATE INDEX jobs_due ON jobs (status, run_after);
CREATE INDEX jobs_by_session ON jobs (session_id, phase_index);
CREATE INDEX jobs_by_tenant ON jobs (tenant_id, updated_at);

CREATE TABLE webhook_secrets (
    tenant_id   BLOB PRIMARY KEY NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sealed      BLOB NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE live_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   BLOB NOT NULL,
    topic       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX live_events_by_tenant ON live_events (tenant_id, id);
CREATE INDEX live_events_by_time ON live_events (created_at);

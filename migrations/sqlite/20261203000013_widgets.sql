-- Widgets (seed 000): what builders make for their customers' sites. A widget keeps one
-- draft (the editor saves into it) and a list of published versions that never change; the
-- live version is the one embedded sites get, and rolling back points it at an older one.

CREATE TABLE widgets (
    id                   BLOB PRIMARY KEY NOT NULL,
    tenant_id            BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('lead_form', 'status_badge', 'feedback')),
    draft                TEXT NOT NULL,
    live_version         INTEGER,
    unpublished_changes  INTEGER NOT NULL CHECK (unpublished_changes IN (0, 1)),
    created_by           BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE INDEX widgets_by_tenant ON widgets (tenant_id, updated_at);

CREATE TABLE widget_versions (
    widget_id     BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL CHECK (version > 0),
    config        TEXT NOT NULL,
    published_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    published_at  TEXT NOT NULL,
    PRIMARY KEY (widget_id, version)
) STRICT;

CREATE TRIGGER widget_versions_no_update BEFORE UPDATE OF widget_id, tenant_id, version, config, published_at ON widget_versions
BEGIN SELECT RAISE(ABORT, 'published widget versions are immutable'); END;

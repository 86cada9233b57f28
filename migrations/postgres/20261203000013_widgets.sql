-- Widgets (seed 000): what builders make for their customers' sites. A widget keeps one
-- draft (the editor saves into it) and a list of published versions that never change; the
-- live version is the one embedded sites get, and rolling back points it at an older one.

CREATE TABLE widgets (
    id                   UUID PRIMARY KEY,
    tenant_id            UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('lead_form', 'status_badge', 'feedback')),
    draft                TEXT NOT NULL,
    live_version         INTEGER,
    unpublished_changes  BOOLEAN NOT NULL,
    created_by           UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX widgets_by_tenant ON widgets (tenant_id, updated_at);

CREATE TABLE widget_versions (
    widget_id     UUID NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL CHECK (version > 0),
    config        TEXT NOT NULL,
    published_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    published_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (widget_id, version)
);

-- Only a deleted author may be let go of (ON DELETE SET NULL); nothing else changes.
CREATE FUNCTION widget_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.widget_id IS DISTINCT FROM OLD.widget_id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id
       OR NEW.version IS DISTINCT FROM OLD.version OR NEW.config IS DISTINCT FROM OLD.config
       OR NEW.published_at IS DISTINCT FROM OLD.published_at THEN
        RAISE EXCEPTION 'published widget versions are immutable';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER widget_versions_no_update BEFORE UPDATE ON widget_versions
    FOR EACH ROW EXECUTE FUNCTION widget_versions_immutable();

ALTER TABLE widgets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON widgets
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE widget_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON widget_versions
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

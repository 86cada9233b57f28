-- A builder's projects: named bodies of work for some of its customers. A customer link is in
-- at most one of its builder's projects; each commission keeps the project its customer's
-- link was in when the invoice was issued (revenue by project never moves afterwards).

CREATE TABLE projects (
    id           UUID PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- The name folded to lower case (by the server), unique per builder.
    name_key     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('active', 'on_hold', 'completed', 'archived')),
    created_by   UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, name_key),
    UNIQUE (id, tenant_id)
);
CREATE INDEX projects_by_tenant ON projects (tenant_id, updated_at);

-- Only the link's own builder's projects. A customer's invoice run reads its links' project
-- (not the project) and writes it into the commission; foreign-key checks see past
-- row-level security.
ALTER TABLE customer_links ADD COLUMN project_id UUID;
ALTER TABLE customer_links ADD CONSTRAINT customer_links_project
    FOREIGN KEY (project_id, builder_tenant_id) REFERENCES projects (id, tenant_id)
    ON DELETE SET NULL (project_id);
CREATE INDEX customer_links_by_project ON customer_links (project_id);

ALTER TABLE commissions ADD COLUMN project_id UUID REFERENCES projects (id) ON DELETE CASCADE;
CREATE INDEX commissions_by_project ON commissions (project_id, period);

-- A builder's projects are its own.
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON projects
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

-- A builder's projects: named bodies of work for some of its customers. A customer link is in
-- at most one of its builder's projects; each commission keeps the project its customer's
-- link was in when the invoice was issued (revenue by project never moves afterwards).

CREATE TABLE projects (
    id           BLOB PRIMARY KEY NOT NULL,
    tenant_id    BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- The name folded to lower case (by the server), unique per builder.
    name_key     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('active', 'on_hold', 'completed', 'archived')),
    created_by   BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (tenant_id, name_key)
) STRICT;
CREATE INDEX projects_by_tenant ON projects (tenant_id, updated_at);

ALTER TABLE customer_links ADD COLUMN project_id BLOB REFERENCES projects (id) ON DELETE SET NULL;
CREATE INDEX customer_links_by_project ON customer_links (project_id);

-- Only the link's own builder's projects (PostgreSQL says this with a two-column foreign key,
-- which SQLite cannot add to an existing table).
CREATE TRIGGER customer_links_project_insert BEFORE INSERT ON customer_links
WHEN NEW.project_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM projects WHERE id = NEW.project_id AND tenant_id = NEW.builder_tenant_id)
BEGIN SELECT RAISE(ABORT, 'a customer joins only its own builder''s projects'); END;
CREATE TRIGGER customer_links_project_update BEFORE UPDATE OF project_id ON customer_links
WHEN NEW.project_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM projects WHERE id = NEW.project_id AND tenant_id = NEW.builder_tenant_id)
BEGIN SELECT RAISE(ABORT, 'a customer joins only its own builder''s projects'); END;

ALTER TABLE commissions ADD COLUMN project_id BLOB REFERENCES projects (id) ON DELETE CASCADE;
CREATE INDEX commissions_by_project ON commissions (project_id, period);

-- A tenant's logo (white-label branding): the image, checked on upload (shared::branding::LOGO),
-- and on the tenant row its fingerprint, so every page links it at its version.
CREATE TABLE tenant_logos (
    tenant_id   UUID PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    content     BYTEA NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
ALTER TABLE tenants ADD COLUMN brand_logo TEXT;

ALTER TABLE tenant_logos ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenant_logos
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

-- A tenant's logo (white-label branding): the image, checked on upload (shared::branding::LOGO),
-- and on the tenant row its fingerprint, so every page links it at its version.
CREATE TABLE tenant_logos (
    tenant_id   BLOB PRIMARY KEY NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    content     BLOB NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
ALTER TABLE tenants ADD COLUMN brand_logo TEXT;

-- Screenshots on a marketplace listing: images the publisher uploads (their bytes checked
-- against their names), shown on the listing and, the first one, on its card. They are the
-- publisher's rows; the two-column key keeps each on a listing of its own workspace.

CREATE UNIQUE INDEX marketplace_listings_by_tenant_id ON marketplace_listings (id, tenant_id);

CREATE TABLE marketplace_screenshots (
    id            UUID PRIMARY KEY,
    listing_id    UUID NOT NULL,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('png', 'jpeg', 'gif', 'webp')),
    size          BIGINT NOT NULL CHECK (size > 0),
    content       BYTEA NOT NULL,
    uploaded_by   UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (listing_id, tenant_id) REFERENCES marketplace_listings (id, tenant_id)
        ON DELETE CASCADE
);
CREATE INDEX marketplace_screenshots_by_listing ON marketplace_screenshots (listing_id, created_at);

-- The publisher's own rows; the catalog reads them without a workspace scope
-- (`Store::marketplace_*`), behind each caller's permission check.
ALTER TABLE marketplace_screenshots ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON marketplace_screenshots
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

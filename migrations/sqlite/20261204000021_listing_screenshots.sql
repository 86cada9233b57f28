-- Screenshots on a marketplace listing: images the publisher uploads (their bytes checked
-- against their names), shown on the listing and, the first one, on its card. They are the
-- publisher's rows; the two-column key keeps each on a listing of its own workspace.

CREATE UNIQUE INDEX marketplace_listings_by_tenant_id ON marketplace_listings (id, tenant_id);

CREATE TABLE marketplace_screenshots (
    id            BLOB PRIMARY KEY NOT NULL,
    listing_id    BLOB NOT NULL,
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('png', 'jpeg', 'gif', 'webp')),
    size          INTEGER NOT NULL CHECK (size > 0),
    content       BLOB NOT NULL,
    uploaded_by   BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    FOREIGN KEY (listing_id, tenant_id) REFERENCES marketplace_listings (id, tenant_id)
        ON DELETE CASCADE
) STRICT;
CREATE INDEX marketplace_screenshots_by_listing ON marketplace_screenshots (listing_id, created_at);

-- The widget marketplace: builders list published widgets as templates (the listed version's
-- configuration without its sites); every builder workspace searches them, rates them (one
-- rating per workspace, never its own) and installs them. Listings, ratings and installs are
-- each their own workspace's rows; the catalog is read platform-wide, and a listing's
-- counters are recounted from its ratings and installs by the transaction that changes them.

CREATE TABLE marketplace_listings (
    id            BLOB PRIMARY KEY NOT NULL,
    -- The builder that listed it.
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id     BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('lead_form', 'status_badge', 'feedback')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    template      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('listed', 'withdrawn')),
    installs      INTEGER NOT NULL DEFAULT 0 CHECK (installs >= 0),
    rating_count  INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    rating_stars  INTEGER NOT NULL DEFAULT 0 CHECK (rating_stars >= 0),
    listed_by     BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (widget_id)
) STRICT;
CREATE INDEX marketplace_listed ON marketplace_listings (status, kind, updated_at);
CREATE INDEX marketplace_by_tenant ON marketplace_listings (tenant_id);

CREATE TABLE marketplace_ratings (
    listing_id  BLOB NOT NULL REFERENCES marketplace_listings (id) ON DELETE CASCADE,
    -- The builder that rated it.
    tenant_id   BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    stars       INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    review      TEXT NOT NULL DEFAULT '',
    rated_by    BLOB REFERENCES users (id) ON DELETE SET NULL,
    rated_at    TEXT NOT NULL,
    PRIMARY KEY (listing_id, tenant_id)
) STRICT;
CREATE INDEX marketplace_ratings_by_tenant ON marketplace_ratings (tenant_id);

CREATE TABLE marketplace_installs (
    id                 BLOB PRIMARY KEY NOT NULL,
    listing_id         BLOB NOT NULL REFERENCES marketplace_listings (id) ON DELETE CASCADE,
    -- The builder that installed it, and what it made of it.
    tenant_id          BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id          BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    implementation_id  BLOB REFERENCES implementations (id) ON DELETE SET NULL,
    installed_by       BLOB REFERENCES users (id) ON DELETE SET NULL,
    installed_at       TEXT NOT NULL
) STRICT;
CREATE INDEX marketplace_installs_by_listing ON marketplace_installs (listing_id);
CREATE INDEX marketplace_installs_by_tenant ON marketplace_installs (tenant_id);

-- The widget marketplace: builders list published widgets as templates (the listed version's
-- configuration without its sites); every builder workspace searches them, rates them (one
-- rating per workspace, never its own) and installs them. Listings, ratings and installs are
-- each their own workspace's rows; the catalog is read platform-wide, and a listing's
-- counters are recounted from its ratings and installs by the transaction that changes them.

CREATE TABLE marketplace_listings (
    id            UUID PRIMARY KEY,
    -- The builder that listed it.
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id     UUID NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('lead_form', 'status_badge', 'feedback')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    template      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('listed', 'withdrawn')),
    installs      BIGINT NOT NULL DEFAULT 0 CHECK (installs >= 0),
    rating_count  BIGINT NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    rating_stars  BIGINT NOT NULL DEFAULT 0 CHECK (rating_stars >= 0),
    listed_by     UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (widget_id)
);
CREATE INDEX marketplace_listed ON marketplace_listings (status, kind, updated_at);
CREATE INDEX marketplace_by_tenant ON marketplace_listings (tenant_id);

CREATE TABLE marketplace_ratings (
    listing_id  UUID NOT NULL REFERENCES marketplace_listings (id) ON DELETE CASCADE,
    -- The builder that rated it.
    tenant_id   UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    stars       INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    review      TEXT NOT NULL DEFAULT '',
    rated_by    UUID REFERENCES users (id) ON DELETE SET NULL,
    rated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (listing_id, tenant_id)
);
CREATE INDEX marketplace_ratings_by_tenant ON marketplace_ratings (tenant_id);

CREATE TABLE marketplace_installs (
    id                 UUID PRIMARY KEY,
    listing_id         UUID NOT NULL REFERENCES marketplace_listings (id) ON DELETE CASCADE,
    -- The builder that installed it, and what it made of it.
    tenant_id          UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id          UUID NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    implementation_id  UUID REFERENCES implementations (id) ON DELETE SET NULL,
    installed_by       UUID REFERENCES users (id) ON DELETE SET NULL,
    installed_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX marketplace_installs_by_listing ON marketplace_installs (listing_id);
CREATE INDEX marketplace_installs_by_tenant ON marketplace_installs (tenant_id);

-- Each workspace's own rows; the catalog is read and its counters recounted without a
-- workspace scope (`Store::marketplace_*`), behind each caller's permission check.
ALTER TABLE marketplace_listings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON marketplace_listings
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());
ALTER TABLE marketplace_ratings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON marketplace_ratings
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());
ALTER TABLE marketplace_installs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON marketplace_installs
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

-- What embedded widgets report about themselves, rolled up per widget, day and site as the
-- batches arrive (no raw events are kept): impressions, interactions, lead forms and feedback
-- sent, errors, and load times in fixed buckets (percentiles are read from those).

CREATE TABLE widget_stats_daily (
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id     UUID NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    day           DATE NOT NULL,
    site          TEXT NOT NULL DEFAULT '',
    impressions   BIGINT NOT NULL DEFAULT 0,
    interactions  BIGINT NOT NULL DEFAULT 0,
    submissions   BIGINT NOT NULL DEFAULT 0,
    errors        BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT,
    PRIMARY KEY (widget_id, day, site)
);
CREATE INDEX widget_stats_by_tenant ON widget_stats_daily (tenant_id, widget_id, day);

CREATE TABLE widget_load_times (
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id  UUID NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    day        DATE NOT NULL,
    bucket     INTEGER NOT NULL CHECK (bucket >= 0),
    loads      BIGINT NOT NULL,
    PRIMARY KEY (widget_id, day, bucket)
);
CREATE INDEX widget_load_times_by_tenant ON widget_load_times (tenant_id, widget_id, day);

ALTER TABLE widget_stats_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON widget_stats_daily
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE widget_load_times ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON widget_load_times
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

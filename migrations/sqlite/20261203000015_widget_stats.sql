-- What embedded widgets report about themselves, rolled up per widget, day and site as the
-- batches arrive (no raw events are kept): impressions, interactions, lead forms and feedback
-- sent, errors, and load times in fixed buckets (percentiles are read from those).

CREATE TABLE widget_stats_daily (
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id     BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    site          TEXT NOT NULL DEFAULT '',
    impressions   INTEGER NOT NULL DEFAULT 0,
    interactions  INTEGER NOT NULL DEFAULT 0,
    submissions   INTEGER NOT NULL DEFAULT 0,
    errors        INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    PRIMARY KEY (widget_id, day, site)
) STRICT;
CREATE INDEX widget_stats_by_tenant ON widget_stats_daily (tenant_id, widget_id, day);

CREATE TABLE widget_load_times (
    tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id  BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    bucket     INTEGER NOT NULL CHECK (bucket >= 0),
    loads      INTEGER NOT NULL,
    PRIMARY KEY (widget_id, day, bucket)
) STRICT;
CREATE INDEX widget_load_times_by_tenant ON widget_load_times (tenant_id, widget_id, day);

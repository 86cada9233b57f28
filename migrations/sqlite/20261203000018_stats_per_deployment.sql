-- Widget counters per customer: each row is also keyed by the deployment (implementation) the
-- visitors came through, its id as text, or '' for the builder's own embed code. SQLite
-- cannot change a primary key in place, so the table is rebuilt.

CREATE TABLE widget_stats_daily_new (
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id     BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    site          TEXT NOT NULL DEFAULT '',
    deployment    TEXT NOT NULL DEFAULT '',
    impressions   INTEGER NOT NULL DEFAULT 0,
    interactions  INTEGER NOT NULL DEFAULT 0,
    submissions   INTEGER NOT NULL DEFAULT 0,
    errors        INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    PRIMARY KEY (widget_id, day, site, deployment)
) STRICT;
INSERT INTO widget_stats_daily_new (tenant_id, widget_id, day, site, impressions, interactions,
                                    submissions, errors, last_error)
SELECT tenant_id, widget_id, day, site, impressions, interactions, submissions, errors, last_error
FROM widget_stats_daily;
DROP TABLE widget_stats_daily;
ALTER TABLE widget_stats_daily_new RENAME TO widget_stats_daily;
CREATE INDEX widget_stats_by_tenant ON widget_stats_daily (tenant_id, widget_id, day);

-- Widget counters per customer: each row is also keyed by the deployment (implementation) the
-- visitors came through, its id as text, or '' for the builder's own embed code.

ALTER TABLE widget_stats_daily ADD COLUMN deployment TEXT NOT NULL DEFAULT '';
ALTER TABLE widget_stats_daily DROP CONSTRAINT widget_stats_daily_pkey;
ALTER TABLE widget_stats_daily ADD PRIMARY KEY (widget_id, day, site, deployment);

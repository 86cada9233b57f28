-- A customer sees the counters of the widgets deployed for it: the rows of
-- `widget_stats_daily` (the builder's) whose deployment is one of its own implementations.
CREATE POLICY customer_reads ON widget_stats_daily FOR SELECT
    USING (deployment <> '' AND EXISTS (
        SELECT 1 FROM implementations i
        WHERE i.id::text = widget_stats_daily.deployment AND i.customer_tenant_id = atrium_tenant()));

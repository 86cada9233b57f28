-- A super admin's exception to a tenant's plan for one feature (shared::billing::Feature):
-- switched on although the plan lacks it, or off although the plan has it.
CREATE TABLE tenant_feature_overrides (
    tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    feature    TEXT NOT NULL CHECK (feature IN ('api_access', 'webhooks', 'custom_templates', 'white_label', 'priority_support')),
    enabled    BOOLEAN NOT NULL,
    set_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, feature)
);

ALTER TABLE tenant_feature_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenant_feature_overrides
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

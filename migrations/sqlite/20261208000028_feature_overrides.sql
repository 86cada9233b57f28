-- A super admin's exception to a tenant's plan for one feature (shared::billing::Feature):
-- switched on although the plan lacks it, or off although the plan has it.
CREATE TABLE tenant_feature_overrides (
    tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    feature    TEXT NOT NULL CHECK (feature IN ('api_access', 'webhooks', 'custom_templates', 'white_label', 'priority_support')),
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    set_at     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, feature)
) STRICT;

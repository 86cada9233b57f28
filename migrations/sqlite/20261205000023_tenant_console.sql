-- The console's tenant list pages through every tenant in these orders (keyset pages:
-- each continues after the last tenant shown).
CREATE INDEX tenants_by_created ON tenants (created_at, id);
CREATE INDEX tenants_by_name ON tenants (name, id);

-- A builder deploys a process template for a customer, as it deploys a widget: an
-- implementation names either a widget or a template. While it is live, the customer's
-- workspace holds a read-only copy of the template (`process_templates.implementation_id`),
-- written by the builder's change through the customer's own scope, from which its members
-- start sessions like from any of their templates.
ALTER TABLE implementations ALTER COLUMN widget_id DROP NOT NULL;
ALTER TABLE implementations ADD COLUMN template_id UUID REFERENCES process_templates (id) ON DELETE CASCADE;
ALTER TABLE implementations ADD CONSTRAINT implementations_one_target
    CHECK ((widget_id IS NULL) <> (template_id IS NULL));
-- One open deployment of a template per customer.
CREATE UNIQUE INDEX implementations_open_template ON implementations (template_id, customer_tenant_id)
    WHERE status <> 'retired';

ALTER TABLE process_templates ADD COLUMN implementation_id UUID REFERENCES implementations (id) ON DELETE SET NULL;
-- One copy per deployment. Should the builder's workspace be removed, the customer keeps the
-- copy as its own.
CREATE UNIQUE INDEX process_templates_one_per_deployment ON process_templates (implementation_id)
    WHERE implementation_id IS NOT NULL;

-- no-transaction
-- A builder deploys a process template for a customer, as it deploys a widget: an
-- implementation names either a widget or a template. While it is live, the customer's
-- workspace holds a read-only copy of the template (`process_templates.implementation_id`),
-- from which its members start sessions like from any of their templates.
--
-- SQLite cannot drop a column's NOT NULL: the table is rebuilt the way its documentation
-- prescribes (foreign keys off outside a transaction, then in one transaction a new table,
-- copy, drop, rename; the rows pointing at it keep their ids, and the table keeps every column
-- and index it had, so no reference breaks).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE implementations_rebuilt (
    id                  BLOB PRIMARY KEY NOT NULL,
    tenant_id           BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    link_id             BLOB NOT NULL REFERENCES customer_links (id) ON DELETE CASCADE,
    customer_tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id           BLOB REFERENCES widgets (id) ON DELETE CASCADE,
    template_id         BLOB REFERENCES process_templates (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'live', 'paused', 'retired')),
    created_by          BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK ((widget_id IS NULL) <> (template_id IS NULL))
) STRICT;
INSERT INTO implementations_rebuilt (id, tenant_id, link_id, customer_tenant_id, widget_id, name,
                                     status, created_by, created_at, updated_at)
    SELECT id, tenant_id, link_id, customer_tenant_id, widget_id, name,
           status, created_by, created_at, updated_at
    FROM implementations;
DROP TABLE implementations;
ALTER TABLE implementations_rebuilt RENAME TO implementations;
CREATE INDEX implementations_by_builder ON implementations (tenant_id, updated_at);
CREATE INDEX implementations_by_customer ON implementations (customer_tenant_id, updated_at);
-- One open deployment of a widget, or of a template, per customer.
CREATE UNIQUE INDEX implementations_open ON implementations (widget_id, customer_tenant_id)
    WHERE status <> 'retired' AND widget_id IS NOT NULL;
CREATE UNIQUE INDEX implementations_open_template ON implementations (template_id, customer_tenant_id)
    WHERE status <> 'retired' AND template_id IS NOT NULL;

ALTER TABLE process_templates ADD COLUMN implementation_id BLOB REFERENCES implementations (id) ON DELETE SET NULL;
-- One copy per deployment. Should the builder's workspace be removed, the customer keeps the
-- copy as its own.
CREATE UNIQUE INDEX process_templates_one_per_deployment ON process_templates (implementation_id)
    WHERE implementation_id IS NOT NULL;
COMMIT;
PRAGMA foreign_keys = ON;

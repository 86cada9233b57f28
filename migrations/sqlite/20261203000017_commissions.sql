-- What builders earn of their customers' invoices. Each builder workspace has a commission
-- rate (basis points, set by super admins; 10 % to begin with). When an invoice is issued to
-- an organization, every builder it has an active link with is credited the rate of that day
-- of the invoice's subtotal (before tax). Attributions never change.

ALTER TABLE tenants ADD COLUMN commission_bp INTEGER NOT NULL DEFAULT 1000
    CHECK (commission_bp BETWEEN 0 AND 10000);

CREATE TABLE commissions (
    invoice_id          BLOB NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    builder_tenant_id   BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    customer_tenant_id  BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The customer's name when the invoice was issued (its builder may not read it later).
    customer_name       TEXT NOT NULL,
    period              TEXT NOT NULL,
    currency            TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    revenue_minor       INTEGER NOT NULL,
    rate_bp             INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    amount_minor        INTEGER NOT NULL CHECK (amount_minor >= 0),
    created_at          TEXT NOT NULL,
    PRIMARY KEY (invoice_id, builder_tenant_id)
) STRICT;
CREATE INDEX commissions_by_builder ON commissions (builder_tenant_id, period);

CREATE TRIGGER commissions_no_update BEFORE UPDATE ON commissions
BEGIN SELECT RAISE(ABORT, 'commissions never change once attributed'); END;

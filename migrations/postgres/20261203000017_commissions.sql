-- What builders earn of their customers' invoices. Each builder workspace has a commission
-- rate (basis points, set by super admins; 10 % to begin with). When an invoice is issued to
-- an organization, every builder it has an active link with is credited the rate of that day
-- of the invoice's subtotal (before tax). Attributions never change.

ALTER TABLE tenants ADD COLUMN commission_bp INTEGER NOT NULL DEFAULT 1000
    CHECK (commission_bp BETWEEN 0 AND 10000);

CREATE TABLE commissions (
    invoice_id          UUID NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    builder_tenant_id   UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    customer_tenant_id  UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The customer's name when the invoice was issued (its builder may not read it later).
    customer_name       TEXT NOT NULL,
    period              TEXT NOT NULL,
    currency            TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    revenue_minor       BIGINT NOT NULL,
    rate_bp             INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    amount_minor        BIGINT NOT NULL CHECK (amount_minor >= 0),
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (invoice_id, builder_tenant_id)
);
CREATE INDEX commissions_by_builder ON commissions (builder_tenant_id, period);

CREATE FUNCTION commissions_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'commissions never change once attributed'; END $$;
CREATE TRIGGER commissions_no_update BEFORE UPDATE ON commissions
    FOR EACH ROW EXECUTE FUNCTION commissions_fixed();

-- The builder reads its commissions; the customer's invoice run writes them (and reads
-- nothing of them).
ALTER TABLE commissions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON commissions FOR SELECT
    USING (atrium_tenant() IS NULL OR builder_tenant_id = atrium_tenant());
CREATE POLICY invoice_run_writes ON commissions FOR INSERT
    WITH CHECK (atrium_tenant() IS NULL OR customer_tenant_id = atrium_tenant());

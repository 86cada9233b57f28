-- Monthly invoices. An issued invoice's figures never change (lines are the document as
-- issued, JSON); only its payment status moves. Payment attempts are append-only.

CREATE TABLE invoices (
    id             UUID PRIMARY KEY,
    tenant_id      UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    number         TEXT NOT NULL UNIQUE,
    period         TEXT NOT NULL,
    currency       TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    lines          TEXT NOT NULL,
    subtotal_minor BIGINT NOT NULL,
    tax_rate_bp    BIGINT NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_minor      BIGINT NOT NULL CHECK (tax_minor >= 0),
    total_minor    BIGINT NOT NULL CHECK (total_minor = subtotal_minor + tax_minor),
    status         TEXT NOT NULL CHECK (status IN ('open', 'paid', 'failed')),
    issued_at      TIMESTAMPTZ NOT NULL,
    paid_at        TIMESTAMPTZ,
    UNIQUE (tenant_id, period)
);
CREATE INDEX invoices_by_tenant ON invoices (tenant_id, period);

CREATE FUNCTION invoices_figures_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.tenant_id, NEW.number, NEW.period, NEW.currency, NEW.lines, NEW.subtotal_minor,
        NEW.tax_rate_bp, NEW.tax_minor, NEW.total_minor, NEW.issued_at)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.number, OLD.period, OLD.currency, OLD.lines, OLD.subtotal_minor,
        OLD.tax_rate_bp, OLD.tax_minor, OLD.total_minor, OLD.issued_at) THEN
        RAISE EXCEPTION 'an issued invoice keeps its figures';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER invoices_figures_fixed BEFORE UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_figures_fixed();

CREATE TABLE invoice_payments (
    id          BIGSERIAL PRIMARY KEY,
    invoice_id  UUID NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    tenant_id   UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    method      TEXT NOT NULL,
    succeeded   BOOLEAN NOT NULL,
    reference   TEXT NOT NULL,
    message     TEXT NOT NULL,
    actor_id    UUID,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX invoice_payments_by_invoice ON invoice_payments (invoice_id, id);

CREATE FUNCTION invoice_payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payment attempts are append-only';
END;
$$;
CREATE TRIGGER invoice_payments_no_update BEFORE UPDATE ON invoice_payments
    FOR EACH ROW EXECUTE FUNCTION invoice_payments_append_only();

-- Row-level security, as for every table with tenant rows (see the previous migration).
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON invoices
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());
ALTER TABLE invoice_payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON invoice_payments
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

-- Monthly invoices. An issued invoice's figures never change (lines are the document as
-- issued, JSON); only its payment status moves. Payment attempts are append-only.

CREATE TABLE invoices (
    id             BLOB PRIMARY KEY,
    tenant_id      BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    number         TEXT NOT NULL UNIQUE,
    period         TEXT NOT NULL,
    currency       TEXT NOT NULL CHECK (currency IN ('usd', 'eur', 'gbp')),
    lines          TEXT NOT NULL,
    subtotal_minor INTEGER NOT NULL,
    tax_rate_bp    INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_minor      INTEGER NOT NULL CHECK (tax_minor >= 0),
    total_minor    INTEGER NOT NULL CHECK (total_minor = subtotal_minor + tax_minor),
    status         TEXT NOT NULL CHECK (status IN ('open', 'paid', 'failed')),
    issued_at      TEXT NOT NULL,
    paid_at        TEXT,
    UNIQUE (tenant_id, period)
) STRICT;
CREATE INDEX invoices_by_tenant ON invoices (tenant_id, period);

CREATE TRIGGER invoices_figures_fixed BEFORE UPDATE ON invoices
WHEN NEW.tenant_id IS NOT OLD.tenant_id OR NEW.number IS NOT OLD.number
  OR NEW.period IS NOT OLD.period OR NEW.currency IS NOT OLD.currency
  OR NEW.lines IS NOT OLD.lines OR NEW.subtotal_minor IS NOT OLD.subtotal_minor
  OR NEW.tax_rate_bp IS NOT OLD.tax_rate_bp OR NEW.tax_minor IS NOT OLD.tax_minor
  OR NEW.total_minor IS NOT OLD.total_minor OR NEW.issued_at IS NOT OLD.issued_at
BEGIN SELECT RAISE(ABORT, 'an issued invoice keeps its figures'); END;

CREATE TABLE invoice_payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id  BLOB NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    tenant_id   BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    method      TEXT NOT NULL,
    succeeded   INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
    reference   TEXT NOT NULL,
    message     TEXT NOT NULL,
    actor_id    BLOB,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX invoice_payments_by_invoice ON invoice_payments (invoice_id, id);

CREATE TRIGGER invoice_payments_no_update BEFORE UPDATE ON invoice_payments
BEGIN SELECT RAISE(ABORT, 'payment attempts are append-only'); END;

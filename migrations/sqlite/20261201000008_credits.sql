-- Credits: an append-only ledger per tenant (grants, purchases and refunds add; consumption
-- and expiry take away, as negative amounts). The balance is the sum of the entries.

CREATE TABLE credit_entries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('grant', 'purchase', 'consumption', 'refund', 'expiry')),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor <> 0),
    note          TEXT NOT NULL,
    actor_id      BLOB,
    created_at    TEXT NOT NULL,
    CHECK ((kind IN ('grant', 'purchase', 'refund') AND amount_minor > 0)
        OR (kind IN ('consumption', 'expiry') AND amount_minor < 0))
) STRICT;
CREATE INDEX credit_entries_by_tenant ON credit_entries (tenant_id, id);

CREATE TRIGGER credit_entries_no_update BEFORE UPDATE ON credit_entries
BEGIN SELECT RAISE(ABORT, 'credit entries are append-only'); END;
CREATE TRIGGER credit_entries_no_delete BEFORE DELETE ON credit_entries
WHEN EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id)
BEGIN SELECT RAISE(ABORT, 'credit entries are append-only'); END;

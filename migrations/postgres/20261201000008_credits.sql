-- Credits: an append-only ledger per tenant (grants, purchases and refunds add; consumption
-- and expiry take away, as negative amounts). The balance is the sum of the entries.

CREATE TABLE credit_entries (
    id            BIGSERIAL PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('grant', 'purchase', 'consumption', 'refund', 'expiry')),
    amount_minor  BIGINT NOT NULL CHECK (amount_minor <> 0),
    note          TEXT NOT NULL,
    actor_id      UUID,
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK ((kind IN ('grant', 'purchase', 'refund') AND amount_minor > 0)
        OR (kind IN ('consumption', 'expiry') AND amount_minor < 0))
);
CREATE INDEX credit_entries_by_tenant ON credit_entries (tenant_id, id);

CREATE FUNCTION credit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'credit entries are append-only';
END;
$$;
CREATE TRIGGER credit_entries_no_change BEFORE UPDATE OR DELETE ON credit_entries
    FOR EACH ROW EXECUTE FUNCTION credit_entries_append_only();

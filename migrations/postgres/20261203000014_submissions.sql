-- What visitors send through embedded widgets. A lead form's answers make (or update) a
-- contact of the workspace, known by its email; every lead form and feedback answer is also
-- kept as a submission, against the widget version the visitor saw.

CREATE TABLE contacts (
    id           UUID PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    name         TEXT,
    answers      TEXT NOT NULL,
    widget_id    UUID REFERENCES widgets (id) ON DELETE SET NULL,
    origin       TEXT,
    submissions  INTEGER NOT NULL CHECK (submissions > 0),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, email)
);
CREATE INDEX contacts_by_recency ON contacts (tenant_id, updated_at);

CREATE TABLE widget_submissions (
    id          UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id   UUID NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('lead_form', 'feedback')),
    contact_id  UUID REFERENCES contacts (id) ON DELETE SET NULL,
    score       INTEGER,
    answers     TEXT NOT NULL,
    origin      TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX widget_submissions_by_widget ON widget_submissions (tenant_id, widget_id, created_at);
CREATE INDEX widget_submissions_by_kind ON widget_submissions (tenant_id, kind, created_at);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON contacts
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE widget_submissions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON widget_submissions
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

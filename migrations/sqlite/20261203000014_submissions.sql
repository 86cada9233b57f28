-- What visitors send through embedded widgets. A lead form's answers make (or update) a
-- contact of the workspace, known by its email; every lead form and feedback answer is also
-- kept as a submission, against the widget version the visitor saw.

CREATE TABLE contacts (
    id           BLOB PRIMARY KEY NOT NULL,
    tenant_id    BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    name         TEXT,
    answers      TEXT NOT NULL,
    widget_id    BLOB REFERENCES widgets (id) ON DELETE SET NULL,
    origin       TEXT,
    submissions  INTEGER NOT NULL CHECK (submissions > 0),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (tenant_id, email)
) STRICT;
CREATE INDEX contacts_by_recency ON contacts (tenant_id, updated_at);

CREATE TABLE widget_submissions (
    id          BLOB PRIMARY KEY NOT NULL,
    tenant_id   BLOB NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    widget_id   BLOB NOT NULL REFERENCES widgets (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('lead_form', 'feedback')),
    contact_id  BLOB REFERENCES contacts (id) ON DELETE SET NULL,
    score       INTEGER,
    answers     TEXT NOT NULL,
    origin      TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX widget_submissions_by_widget ON widget_submissions (tenant_id, widget_id, created_at);
CREATE INDEX widget_submissions_by_kind ON widget_submissions (tenant_id, kind, created_at);

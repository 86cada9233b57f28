-- Row-level security: the second lock on tenant data.
--
-- The server's connections run as the role atrium_app (created when the server connects,
-- see services/src/storage.rs), which owns nothing and is not a superuser, so the policies
-- below apply to it. The tenant-scoped data layer (TenantData) sets atrium.tenant_id for
-- each of its reads (on the connection, cleared before it goes back to the pool) and each
-- of its writes (local to the transaction, cleared after the statement); these policies
-- then hide every other tenant's rows and refuse writing them, even for a query that
-- forgot its WHERE tenant_id. Code that works across tenants (sign-in, the job queue, the
-- live hub, the super admin console) sets no tenant and is not limited here: the
-- permission check in front of it is its lock.

CREATE FUNCTION atrium_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('atrium.tenant_id', true), '')::uuid $$;

GRANT USAGE ON SCHEMA public TO atrium_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atrium_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO atrium_app;
REVOKE ALL ON _sqlx_migrations FROM atrium_app;
-- Tables and sequences later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO atrium_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO atrium_app;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenants
    USING (atrium_tenant() IS NULL OR id = atrium_tenant());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON memberships
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON invitations
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON audit_log
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE process_templates ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON process_templates
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE process_template_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON process_template_versions
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE process_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON process_sessions
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE process_session_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON process_session_events
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE process_phase_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON process_phase_runs
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON jobs
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE webhook_secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON webhook_secrets
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE live_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON live_events
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE tenant_limit_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenant_limit_overrides
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE usage_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON usage_events
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE usage_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON usage_daily
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE usage_counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON usage_counters
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE usage_alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON usage_alerts
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON api_tokens
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE service_activations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON service_activations
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE vault_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON vault_keys
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

ALTER TABLE credit_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON credit_entries
    USING (atrium_tenant() IS NULL OR tenant_id = atrium_tenant());

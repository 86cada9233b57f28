-- The command center's session list, in its default order (the latest change first, then
-- by id): read from this index in that order, a page needs no sort of its own. It leads with
-- what every list reads (the workspace, and training examples apart from sessions).
CREATE INDEX process_sessions_listed ON process_sessions (tenant_id, is_example, updated_at DESC, id);

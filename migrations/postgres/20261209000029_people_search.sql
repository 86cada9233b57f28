-- The console's people search looks for words anywhere in a person's email and name
-- (LOWER(email || ' ' || name) LIKE '%…%'). pg_trgm's index of three-letter pieces lets that
-- LIKE find the few accounts that hold them instead of reading every one. pg_trgm ships with
-- PostgreSQL (contrib) and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_by_text ON users USING gin (LOWER(email || ' ' || name) gin_trgm_ops);

-- The overview counts people per persona and who signed in lately from indexes alone.
CREATE INDEX users_by_status_personas ON users (status, personas);
CREATE INDEX users_by_sign_in ON users (last_sign_in_at);

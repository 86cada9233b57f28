-- The console's people list pages through every account in these orders (keyset pages:
-- each continues after the last person shown).
CREATE INDEX users_by_created ON users (created_at, id);
CREATE INDEX users_by_name ON users (name, id);
CREATE INDEX memberships_by_role ON memberships (role, user_id);

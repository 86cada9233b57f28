-- The console's people search looks for words anywhere in a person's email and name. A
-- LIKE '%…%' reads every account; this index of three-letter pieces (FTS5's trigram
-- tokenizer: substrings, ignoring case) finds the few that hold them. It keeps each
-- person's id, since a table without an INTEGER PRIMARY KEY may renumber its rows on VACUUM;
-- the triggers keep it in step (the old text finds its own row through the index).
CREATE VIRTUAL TABLE people_text USING fts5 (user_id UNINDEXED, text, tokenize = 'trigram');

INSERT INTO people_text (user_id, text) SELECT id, email || ' ' || name FROM users;

CREATE TRIGGER people_text_added AFTER INSERT ON users BEGIN
    INSERT INTO people_text (user_id, text) VALUES (new.id, new.email || ' ' || new.name);
END;

CREATE TRIGGER people_text_changed AFTER UPDATE OF email, name ON users BEGIN
    DELETE FROM people_text
    WHERE people_text MATCH '"' || replace(old.email || ' ' || old.name, '"', '""') || '"'
      AND user_id = old.id;
    INSERT INTO people_text (user_id, text) VALUES (new.id, new.email || ' ' || new.name);
END;

CREATE TRIGGER people_text_removed AFTER DELETE ON users BEGIN
    DELETE FROM people_text
    WHERE people_text MATCH '"' || replace(old.email || ' ' || old.name, '"', '""') || '"'
      AND user_id = old.id;
END;

-- The overview counts people per persona and who signed in lately from indexes alone.
CREATE INDEX users_by_status_personas ON users (status, personas);
CREATE INDEX users_by_sign_in ON users (last_sign_in_at);

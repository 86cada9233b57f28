-- The console's security page counts failed sign-ins across the platform over the last day.
CREATE INDEX sign_in_events_by_time ON sign_in_events (at);

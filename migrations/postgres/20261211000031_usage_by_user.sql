-- A person's page in the console sums what they used over the last 30 days across every
-- workspace: the daily roll-ups keep who each use was for (`user_key`), and this index
-- finds one person's rows without reading every workspace's.
CREATE INDEX usage_daily_by_user ON usage_daily (user_key, day);

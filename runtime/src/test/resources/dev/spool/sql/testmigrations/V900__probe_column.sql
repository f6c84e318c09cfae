-- compatible-from: 16 (a test's migration: a column no runtime reads)
-- A catalog-only change under ACCESS EXCLUSIVE: the lock every enqueue and claim queues behind while it waits.
alter table {schema}.jobs add column probe integer;

-- compatible-from: 15 (a storage parameter: runtimes of schema 15 use the same columns and functions)
-- Half of each new page of jobs is left free. A claim rewrites every row it takes (state, attempt, lease),
-- and the new version of a row fits beside the old one only when its page has room: PostgreSQL then logs
-- just the bytes that changed, and no lock record of the old version. At fillfactor 85 almost every claimed
-- row moved to another page; at 50, pg_waldump counts 435 bytes of WAL a drained job instead of 508
-- (the SQL floor: 405). The price is disk: a backlog or a kept history takes about 1.7 times the pages.
-- Only pages written from now on are affected; an operator may choose otherwise with
-- alter table ... set (fillfactor = N).
alter table {schema}.jobs set (fillfactor = 50);

-- compatible-from: 12 (declared when windows were introduced: no older runtime was checked against it)
-- Active versus reserved: each heartbeat writes how many of the worker's jobs run a handler now (active) and
-- how many wait claimed in its prefetch buffer (reserved), with the ids of the running ones (the first 100),
-- so the admin API, the CLI and the dashboard tell the two apart per worker from one row each, without a
-- statement per job (the jobs table cannot: both are 'running' there, leased to the worker).
alter table {schema}.workers add column active integer;
alter table {schema}.workers add column reserved integer;
alter table {schema}.workers add column running_ids bigint[];

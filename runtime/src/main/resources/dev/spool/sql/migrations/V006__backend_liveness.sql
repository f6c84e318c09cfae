-- compatible-from: 6 (declared when windows were introduced: no older runtime was checked against it)
-- A worker or leader whose process dies takes its database connections with it: PostgreSQL sees the
-- socket close at once. Recording the backend pid that heartbeats (or renews the leadership) lets the
-- rescuer and the election tell a killed worker from a slow one in about two heartbeats instead of
-- waiting out the full timeout.
alter table {schema}.workers add column backend_pid integer;
alter table {schema}.leader add column backend_pid integer;

-- The SQL floor's scratch table: the least any PostgreSQL job queue must store per job (a state, a
-- queue, an order, a lease, the arguments) and one partial index for the claim. pgbench runs
-- claim.sql against it; :n jobs are inserted before.
drop table if exists spool_floor_jobs;
create table spool_floor_jobs (
  id          bigserial primary key,
  queue       text not null default 'default',
  state       smallint not null default 0,     -- 0 available, 1 running, 2 completed
  priority    smallint not null default 0,
  run_at      timestamptz not null default now(),
  attempts    integer not null default 0,
  lease_until timestamptz,
  args        jsonb not null
);
create index spool_floor_jobs_due on spool_floor_jobs (queue, priority, run_at, id) where state = 0;
insert into spool_floor_jobs (args) select jsonb_build_object('i', g) from generate_series(1, :n) g;
vacuum analyze spool_floor_jobs;

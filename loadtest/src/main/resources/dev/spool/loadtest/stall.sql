-- SQL of migration-stall: a jobs table filled at an old schema version, and the probe's enqueue and claim. The
-- probe's statements are the plain INSERT and the claim's UPDATE ... FOR UPDATE SKIP LOCKED with the columns every
-- schema version since V001 has: this release's own enqueue and claim expect its latest schema, and they take the
-- same table locks (ROW EXCLUSIVE on jobs) and row locks as these. {schema} is filled in by Checks.namedSql.

-- name: DropSchema
drop schema if exists {schema} cascade

-- Jobs $1 to $2 (ids of generate_series): even ones available in the default queue, due an hour ago; odd ones
-- completed and kept, as a worker with keep-completed leaves them.
-- name: FillJobs
insert into {schema}.jobs (queue, task, args, state, run_at, attempt, attempted_at, finished_at)
select 'default', 'stall.fill', convert_to('{"i":' || i || '}', 'UTF8'),
       case when i % 2 = 0 then 'available' else 'completed' end::{schema}.job_state,
       now() - interval '1 hour',
       case when i % 2 = 0 then 0 else 1 end,
       case when i % 2 = 0 then null else now() - interval '30 minutes' end,
       case when i % 2 = 0 then null else now() - interval '30 minutes' end
  from generate_series($1::bigint, $2::bigint) as i

-- As autovacuum leaves a table that has settled: hint bits set, the visibility map and statistics current.
-- name: VacuumJobs
vacuum (analyze) {schema}.jobs

-- name: TableSizes
select pg_relation_size('{schema}.jobs') as heap, pg_indexes_size('{schema}.jobs') as indexes

-- name: ProbeEnqueue
insert into {schema}.jobs (queue, task, args) values ('default', 'stall.probe', '\x7b7d'::bytea) returning id

-- name: ProbeClaim
update {schema}.jobs j
   set state = 'running', attempt = j.attempt + 1, lease_owner = 'stall-probe',
       lease_expires_at = now() + interval '1 hour', attempted_at = now()
 where j.id = (select id from {schema}.jobs
                where state = 'available' and queue = 'default' and run_at <= now()
                order by priority, run_at, id
                limit 1
                for update skip locked)
returning j.id

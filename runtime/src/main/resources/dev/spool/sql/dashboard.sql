-- Queries of the dashboard's overview, polled every few seconds while a page is open. Each reads
-- indexes only, and no more than a bounded number of rows per queue, whatever the size of the table:
-- counts stop at $1 (the page shows "≥ $1"), finished jobs are never counted (workers report their
-- throughput in their heartbeat instead), and the list of queues comes from the claim index with a
-- skip scan, one probe per distinct queue (as does the list of queues with dead letters).

-- Per queue: pause, due / scheduled / running / dead jobs (capped at $1), the wait of the job next in
-- line, and from workers that heartbeated within $2 ms: their number, finished and failed runs a second,
-- pickup lag.
-- name: DashboardQueues
with recursive claim_queues(queue) as (
  (select queue from {schema}.jobs where state = 'available' order by queue limit 1)
  union all
  select (select j.queue from {schema}.jobs j where j.state = 'available' and j.queue > c.queue
           order by j.queue limit 1)
    from claim_queues c where c.queue is not null),
dead_queues(queue) as (
  (select queue from {schema}.jobs where state = 'dead' order by queue limit 1)
  union all
  select (select j.queue from {schema}.jobs j where j.state = 'dead' and j.queue > d.queue
           order by j.queue limit 1)
    from dead_queues d where d.queue is not null),
reported as (
  select a.key as queue, count(*) as workers,
         sum((a.value ->> 'finished_per_s')::float8) as finished_per_s,
         sum((a.value ->> 'failed_per_s')::float8) as failed_per_s,
         sum((a.value ->> 'lag_ms_avg')::float8 * (a.value ->> 'started')::float8)
           / nullif(sum((a.value ->> 'started')::float8), 0) as lag_ms_avg,
         max((a.value ->> 'lag_ms_max')::float8) as lag_ms_max
    from {schema}.workers w, jsonb_each(coalesce(w.activity, '{}'::jsonb)) a
   where w.heartbeat_at > now() - $2::float8 * interval '1 millisecond'
   group by a.key),
names as (
  select queue as name from claim_queues where queue is not null
  union select name from {schema}.queues
  union select queue from reported
  union select queue from {schema}.jobs where state = 'running'
  union select queue from dead_queues where queue is not null)
select n.name as queue, coalesce(q.paused, false) as paused, q.paused_at,
       (select count(*) from (select from {schema}.jobs j where j.state = 'available' and j.queue = n.name
                                 and j.run_at <= now() limit $1) x) as available,
       (select count(*) from (select from {schema}.jobs j where j.state = 'available' and j.queue = n.name
                                 and j.run_at > now() limit $1) x) as scheduled,
       (select count(*) from {schema}.jobs j where j.state = 'running' and j.queue = n.name) as running,
       (select count(*) from (select from {schema}.jobs j where j.state = 'dead' and j.queue = n.name
                                 limit $1) x) as dead,
       (select extract(epoch from now() - j.run_at)::float8 from {schema}.jobs j
         where j.state = 'available' and j.queue = n.name and j.run_at <= now()
         order by j.priority, j.run_at, j.id limit 1) as next_wait_seconds,
       coalesce(r.workers, 0) as workers, r.finished_per_s, r.failed_per_s, r.lag_ms_avg, r.lag_ms_max
  from names n left join {schema}.queues q on q.name = n.name
               left join reported r on r.queue = n.name
 order by n.name

-- The table's size as the planner estimates it (no scan): the page's "about N rows", kept history included (the
-- partitions of jobs_done, V017).
-- name: EstimatedJobRows
select coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint as rows
  from pg_class c join pg_namespace s on s.oid = c.relnamespace
 where s.nspname = $1
   and (c.relname = 'jobs' or c.oid in (select i.inhrelid from pg_inherits i where i.inhparent = '{schema}.jobs_done'::regclass))

-- The newest job's id (the end of the primary key): where a search of the dashboard starts.
-- name: NewestJobId
select coalesce(max(id), 0) as id from {schema}.all_jobs

-- Queries of explain (JobAdmin.explain: why is this job not running?) and of the warnings about due jobs
-- no live worker can claim. Each reads a bounded number of index entries, whatever the size of the table:
-- the job by its primary key, its queue's and limits' rows by theirs, the workers table (one row per live
-- worker verticle), running jobs of its queue (bounded by the work in flight, and by $3), due jobs ahead
-- of it through the claim index, from the queue's head to the job itself (at most $3 entries), and for a
-- waiting job its parents through the edges' child index (at most $3 edges, each a primary-key probe).

-- One row per job of $1 that exists (the job explained, or the parents it waits on). $1 job ids, $2 live
-- within (ms), $3 count limit, $4 how many unfinished (and dead or cancelled) parents to name. Parents are
-- read for waiting jobs only: a parent no longer stored completed and was deleted, so it counts as finished.
-- name: ExplainJob
with job as (
  select id, queue, task, state::text as state, priority, run_at, lease_owner, lease_expires_at, finished_at,
         last_error, run_on_parent_failure
    from {schema}.all_jobs where id = any($1::bigint[])),
live as (
  select w.id, w.queues, w.tasks, w.limits from {schema}.workers w
   where w.heartbeat_at > now() - $2::float8 * interval '1 millisecond')
select j.id, j.queue, j.task, j.state, j.run_at, j.lease_owner, j.lease_expires_at, j.finished_at, now() as now,
       j.last_error, coalesce(j.run_on_parent_failure, false) as run_on_parent_failure,
       q.paused_at, coalesce(q.paused, false) as paused,
       (select count(*) from live w where j.queue = any(w.queues)) as queue_workers,
       (select count(*) from live w where j.queue = any(w.queues) and (w.tasks is null or j.task = any(w.tasks)))
         as task_workers,
       (select w.limits -> ('queue:' || j.queue) from live w
         where j.queue = any(w.queues) and w.limits ? ('queue:' || j.queue) limit 1) as queue_limit,
       (select w.limits -> ('task:' || j.task) from live w
         where j.queue = any(w.queues) and w.limits ? ('task:' || j.task) limit 1) as task_limit,
       (select r.starts from {schema}.rate_limits r where r.key = 'queue:' || j.queue) as queue_starts,
       (select r.starts from {schema}.rate_limits r where r.key = 'task:' || j.task) as task_starts,
       (select count(*) from (select from {schema}.jobs r where r.state = 'running' and r.queue = j.queue
                                limit $3) x) as queue_running,
       (select count(*) from (select from {schema}.jobs a
                               where a.state = 'available' and a.queue = j.queue and a.run_at <= now()
                                 and (a.priority, a.run_at, a.id) < (j.priority, j.run_at, j.id)
                               limit $3) x) as ahead,
       d.parents, d.unfinished_parents, d.unfinished_ids[1:$4] as unfinished_ids,
       d.unfinished_states[1:$4] as unfinished_states, d.failed_parents, d.failed_ids[1:$4] as failed_ids,
       d.failed_states[1:$4] as failed_states,
       (select o.heartbeat_at from {schema}.workers o where o.id = j.lease_owner) as owner_heartbeat_at,
       exists (select 1 from live o where o.id = j.lease_owner) as owner_live,
       (select l.leader_id from {schema}.leader l where l.name = 'maintenance' and l.expires_at >= now()) as leader
  from job j left join {schema}.queues q on q.name = j.queue
  -- a waiting job's parents are read from jobs: one missing completed (deleted, or moved to jobs_done: V017, V018),
  -- neither unfinished nor failed, as recount() counts it
  left join lateral (
    select count(*) as parents,
           count(*) filter (where p.state in ('available', 'running', 'waiting')) as unfinished_parents,
           array_agg(p.id order by p.id) filter (where p.state in ('available', 'running', 'waiting')) as unfinished_ids,
           array_agg(p.state::text order by p.id) filter (where p.state in ('available', 'running', 'waiting'))
             as unfinished_states,
           count(*) filter (where p.state in ('dead', 'cancelled')) as failed_parents,
           array_agg(p.id order by p.id) filter (where p.state in ('dead', 'cancelled')) as failed_ids,
           array_agg(p.state::text order by p.id) filter (where p.state in ('dead', 'cancelled')) as failed_states
      from (select e.parent_id from {schema}.job_deps e where e.child_id = j.id and j.state = 'waiting'
             limit $3) e
      left join {schema}.jobs p on p.id = e.parent_id) d on true
 order by j.id

-- Per queue with due jobs (a skip scan of the claim index) that is not paused: the tasks among its first $2
-- due jobs in claim order that no live worker (heartbeat within $1 ms) of the queue handles, and whether
-- any live worker serves the queue at all. Workers registered without tasks (older builds) count as
-- handling every task.
-- name: UnservedWork
with recursive claim_queues(queue) as (
  (select queue from {schema}.jobs where state = 'available' order by queue limit 1)
  union all
  select (select j.queue from {schema}.jobs j where j.state = 'available' and j.queue > c.queue
           order by j.queue limit 1)
    from claim_queues c where c.queue is not null),
live as (
  select w.queues, w.tasks from {schema}.workers w
   where w.heartbeat_at > now() - $1::float8 * interval '1 millisecond')
select c.queue, t.task, t.jobs, exists (select 1 from live w where c.queue = any(w.queues)) as queue_served
  from claim_queues c
  cross join lateral (
    select s.task, count(*) as jobs
      from (select j.task from {schema}.jobs j
             where j.state = 'available' and j.queue = c.queue and j.run_at <= now()
             order by j.priority, j.run_at, j.id limit $2) s
     group by s.task) t
 where c.queue is not null
   and not exists (select 1 from {schema}.queues q where q.name = c.queue and q.paused)
   and not exists (select 1 from live w where c.queue = any(w.queues) and (w.tasks is null or t.task = any(w.tasks)))
 order by 1, 2

-- Queries of the producer: claim a batch of due jobs of one queue, only of the tasks this worker handles,
-- unless the queue is paused (one primary-key probe per claim, so a pause holds on every node at once).

-- Every claim returns the same fourteen columns in the same order (ClaimedJob reads them by position, the
-- fastest way; ClaimStatementsTest checks they stay alike): id, queue, task, args, priority, attempt,
-- max_attempts, timeout_ms, run_at, created_at, soft_timeout_ms, flagged, traceparent, rescues. flagged is true
-- for a job that is awaited, false for one that only has dependents, null for every other: a flagged job's
-- ack tells them in the same statement (complete_jobs, kill_jobs in workflow.sql), while every other job keeps
-- the plain ack, and an awaited job's ack goes in a short statement, as its awaiter waits for that one row.
-- traceparent is the W3C trace context captured at enqueue (V013), null unless the job was enqueued under a
-- span. rescues: how many of the job's attempts the rescuer ended (its worker died or lost its lease), which
-- the retry backoff leaves out (V014).

-- Due jobs are found one priority at a time: the claim index is (queue, priority, run_at, id), so with the
-- priority fixed, run_at <= now() bounds the scan, and jobs due later (a backlog scheduled for next week)
-- are never read; a plain scan in (priority, run_at) order had to filter past all of them whenever fewer
-- than a batch were due, 114 ms a claim beside a million. The priorities present are walked with one
-- index probe each (a loose index scan); a queue with one priority pays two probes and a sort of the batch.
-- The ids go through an array rather than a join: a prepared statement's generic plan cannot see the
-- LIMIT, guesses thousands of rows and hashes the whole table for a join; id = any(array) stays on the
-- primary key whatever the guess. UPDATE ... RETURNING hands rows back in table order, not claim order:
-- the producer sorts each batch by (priority, run_at, id) itself, which costs the JVM microseconds and
-- the database nothing.
-- name: ClaimJobs
update {schema}.jobs j
   set state = 'running', attempt = j.attempt + 1, lease_owner = $4,
       lease_expires_at = now() + $5::float8 * interval '1 millisecond', attempted_at = now()
 where j.id = any(array(
   with recursive prio(p) as (
     (select priority from {schema}.jobs where state = 'available' and queue = $1 order by priority limit 1)
     union all
     select (select n.priority from {schema}.jobs n where n.state = 'available' and n.queue = $1 and n.priority > prio.p
              order by n.priority limit 1)
       from prio where prio.p is not null)
   select c.id from prio, lateral (
     select id, priority, run_at from {schema}.jobs
      where state = 'available' and queue = $1 and priority = prio.p and run_at <= now() and task = any($2)
      order by run_at, id
      limit $3
      for update skip locked) c
    where not exists (select 1 from {schema}.queues q where q.name = $1 and q.paused)
    order by c.priority, c.run_at, c.id
    limit $3))
returning j.id, j.queue, j.task, j.args, j.priority, j.attempt, j.max_attempts, j.timeout_ms, j.run_at, j.created_at,
          j.soft_timeout_ms, case when j.awaited then true when j.has_dependents then false end as flagged, j.traceparent, j.rescues

-- The claim from a frontier: ClaimJobs reading each priority of the queue only from a floor on run_at,
-- $6 the priorities and $7 their floors (ClaimFrontier keeps them). Why: while any session elsewhere holds
-- an old snapshot, vacuum can remove no index entry of a claimed job, and a claim that starts at the head of
-- the queue's index walks every job claimed since that snapshot was taken, checking each in the table (241
-- ms a claim after 6 minutes at 400 jobs/s). From a floor the scan starts past them with one index descent
-- per priority, and skips the loose index scan of the priorities, which walked them as well. Nothing is
-- lost below a floor: ClaimHead, run beside the claims, finds what is there and lowers the floors.
-- name: ClaimJobsFrom
update {schema}.jobs j
   set state = 'running', attempt = j.attempt + 1, lease_owner = $4,
       lease_expires_at = now() + $5::float8 * interval '1 millisecond', attempted_at = now()
 where j.id = any(array(
   select c.id from unnest($6::smallint[], $7::timestamptz[]) as f(p, floor), lateral (
     select id, priority, run_at from {schema}.jobs
      where state = 'available' and queue = $1 and priority = f.p and run_at >= f.floor and run_at <= now()
        and task = any($2)
      order by run_at, id
      limit $3
      for update skip locked) c
    where not exists (select 1 from {schema}.queues q where q.name = $1 and q.paused)
    order by c.priority, c.run_at, c.id
    limit $3))
returning j.id, j.queue, j.task, j.args, j.priority, j.attempt, j.max_attempts, j.timeout_ms, j.run_at, j.created_at,
          j.soft_timeout_ms, case when j.awaited then true when j.has_dependents then false end as flagged, j.traceparent, j.rescues

-- The head of a queue for ClaimJobsFrom, read without locking anything: the priorities with available jobs,
-- and per priority the earliest run_at among the jobs of the tasks $2 (null when it has none of them), as
-- the snapshot saw them at now() (snapshot_at); clock_at, read at the end, sets the producer's estimate of
-- the database's clock. This is the walk the frontier spares the claims: it reads every index entry the
-- claims skip, which is why it runs beside them on another connection, at most once per twenty times its
-- own duration (ClaimFrontier), never in their way.
-- name: ClaimHead
select array_agg(h.p order by h.p) as priorities, array_agg(h.first_run_at order by h.p) as first_run_ats,
       now() as snapshot_at, clock_timestamp() as clock_at
  from (
    with recursive prio(p) as (
      (select priority from {schema}.jobs where state = 'available' and queue = $1 order by priority limit 1)
      union all
      select (select n.priority from {schema}.jobs n where n.state = 'available' and n.queue = $1 and n.priority > prio.p
               order by n.priority limit 1)
        from prio where prio.p is not null)
    select prio.p, (select min(f.run_at) from {schema}.jobs f
                     where f.state = 'available' and f.queue = $1 and f.priority = prio.p and f.task = any($2)) as first_run_at
      from prio where prio.p is not null) h

-- The claim of queues with a cluster-wide concurrency or rate limit: the columns of ClaimJobs plus
-- wait_ms; a row with a null id only carries the wait. $12, $13: the priorities and floors to read from
-- (ClaimFrontier), or nulls to read from the head.
-- name: ClaimJobsLimited
select id, queue, task, args, priority, attempt, max_attempts, timeout_ms, run_at, created_at, soft_timeout_ms, flagged,
       traceparent, rescues, wait_ms
  from {schema}.claim_limited($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)

-- The claim of a queue with a cluster-wide concurrency limit or a rate limit (of the queue or of its
-- tasks); unlimited queues keep the plain ClaimJobs. It locks the queue's limit rows (in key order, so
-- claims take turns without deadlocks), then, each statement seeing what the previous claim committed,
-- counts what the limits still allow, claims at most that in the usual order, and logs the claims.
-- Returns the claimed jobs like ClaimJobs, plus, when a limit cut the claim short, one row with a null id
-- whose wait_ms says when to try again (when the oldest logged claim leaves its window, or p_recheck_ms
-- when the concurrency limit is reached).
--   p_keys, p_limits, p_windows_ms, p_key_tasks: per limit row, its key, the starts allowed per window
--   (null: no rate limit, the row only serialises claims), the window, and the task it limits (null: the
--   whole queue). p_concurrency: running jobs of the queue allowed across all workers, null for no limit.
--   p_priorities, p_floors: read each priority of the queue only from its floor on run_at, as ClaimJobsFrom
--   does (why: there), one index descent per task and priority; null (the default, and the call of runtimes
--   of schemas 17 and 18, which pass eleven arguments): from the head, walking the priorities in index order.
--   The limits count the same either way: the floors only change where the jobs are looked for.
-- The migrator defines it after the migrations on every migrate (create or replace): this is its only text.
-- (A change of its columns needs a migration that drops it first, as V013 does.)
-- name: ClaimLimitedFunction
create or replace function {schema}.claim_limited(
  p_queue text, p_tasks text[], p_batch integer, p_owner text, p_lease_ms float8, p_concurrency integer,
  p_keys text[], p_limits integer[], p_windows_ms float8[], p_key_tasks text[], p_recheck_ms float8,
  p_priorities smallint[] default null, p_floors timestamptz[] default null)
returns table (id bigint, queue text, task text, args bytea, priority smallint, attempt integer,
               max_attempts integer, timeout_ms integer, run_at timestamptz, created_at timestamptz,
               soft_timeout_ms integer, flagged boolean, traceparent text, rescues integer, wait_ms float8)
language plpgsql as $$
#variable_conflict use_column
declare
  t             timestamptz;
  ids           bigint[];
  allowance     integer := p_batch;
  task_names    text[] := '{}';
  task_allow    integer[] := '{}';
  claimed_tasks text[] := '{}';
  n_keys        integer := coalesce(array_length(p_keys, 1), 0);
  used          integer;
  oldest        timestamptz;
  running       integer;
  wait          float8;
  r             record;
begin
  if exists (select 1 from {schema}.queues q where q.name = p_queue and q.paused) then
    return;
  end if;
  insert into {schema}.rate_limits (key) select k from unnest(p_keys) k order by k on conflict do nothing;
  perform 1 from {schema}.rate_limits l where l.key = any(p_keys) order by l.key for update;
  t := clock_timestamp();

  for i in 1 .. n_keys loop
    continue when p_limits[i] is null;
    select count(*) into used
      from {schema}.rate_limits l, unnest(l.starts) s
     where l.key = p_keys[i] and s > t - p_windows_ms[i] * interval '1 millisecond';
    if p_key_tasks[i] is null then
      allowance := least(allowance, greatest(0, p_limits[i] - used));
    else
      task_names := task_names || p_key_tasks[i];
      task_allow := task_allow || greatest(0, p_limits[i] - used);
    end if;
  end loop;
  if p_concurrency is not null then
    select count(*) into running from {schema}.jobs j where j.state = 'running' and j.queue = p_queue;
    allowance := least(allowance, greatest(0, p_concurrency - running));
  end if;

  if allowance > 0 then
    -- Two statements rather than one with an "or p_priorities is null": each keeps a plan of its own.
    if p_priorities is null then
      ids := array(
        select c.id
          from unnest(p_tasks) as tk(name)
         cross join lateral (
           select s.id, s.priority, s.run_at from {schema}.jobs s
            where s.state = 'available' and s.queue = p_queue and s.run_at <= t and s.task = tk.name
            order by s.priority, s.run_at, s.id
            limit coalesce((select u.a from unnest(task_names, task_allow) as u(n, a) where u.n = tk.name), allowance)
            for update of s skip locked) c
         order by c.priority, c.run_at, c.id
         limit allowance);
    else
      -- per task, its first jobs over all the priorities from their floors (a task's allowance holds across
      -- them), each priority read with one descent of the claim index from its floor
      ids := array(
        select c.id
          from unnest(p_tasks) as tk(name)
         cross join lateral (
           select coalesce((select u.a from unnest(task_names, task_allow) as u(n, a) where u.n = tk.name), allowance)
         ) as ta(a)
         cross join lateral (
           select x.id, x.priority, x.run_at
             from unnest(p_priorities, p_floors) as f(p, floor)
            cross join lateral (
              select s.id, s.priority, s.run_at from {schema}.jobs s
               where s.state = 'available' and s.queue = p_queue and s.priority = f.p and s.run_at >= f.floor
                 and s.run_at <= t and s.task = tk.name
               order by s.run_at, s.id
               limit ta.a
               for update of s skip locked) x
            order by x.priority, x.run_at, x.id
            limit ta.a) c
         order by c.priority, c.run_at, c.id
         limit allowance);
    end if;
    for r in
      with claimed as (
      update {schema}.jobs j
         set state = 'running', attempt = j.attempt + 1, lease_owner = p_owner,
             lease_expires_at = t + p_lease_ms * interval '1 millisecond', attempted_at = t
       where j.id = any(ids)
      returning j.id, j.queue, j.task, j.args, j.priority, j.attempt, j.max_attempts, j.timeout_ms, j.run_at, j.created_at,
                j.soft_timeout_ms, case when j.awaited then true when j.has_dependents then false end as flagged, j.traceparent, j.rescues)
      select * from claimed c order by c.priority, c.run_at, c.id
    loop
      claimed_tasks := claimed_tasks || r.task;
      id := r.id; queue := r.queue; task := r.task; args := r.args; priority := r.priority; attempt := r.attempt;
      max_attempts := r.max_attempts; timeout_ms := r.timeout_ms; run_at := r.run_at; created_at := r.created_at;
      soft_timeout_ms := r.soft_timeout_ms; flagged := r.flagged; traceparent := r.traceparent;
    rescues := r.rescues; wait_ms := null;
      return next;
    end loop;
  end if;

  for i in 1 .. n_keys loop
    continue when p_limits[i] is null;
    update {schema}.rate_limits l
       set starts = array(select s from unnest(l.starts) s
                           where s > t - p_windows_ms[i] * interval '1 millisecond' order by s)
                    || array_fill(t, array[(select count(*)::integer from unnest(claimed_tasks) c
                                             where p_key_tasks[i] is null or c = p_key_tasks[i])])
     where l.key = p_keys[i]
    returning cardinality(l.starts), l.starts[1] into used, oldest;
    if used >= p_limits[i] then
      wait := least(wait, greatest(1, extract(epoch from oldest + p_windows_ms[i] * interval '1 millisecond' - t) * 1000));
    end if;
  end loop;
  if p_concurrency is not null and running + coalesce(array_length(claimed_tasks, 1), 0) >= p_concurrency then
    wait := least(wait, p_recheck_ms);
  end if;
  if wait is not null then
    id := null; queue := p_queue; task := null; args := null; priority := null; attempt := null;
    max_attempts := null; timeout_ms := null; run_at := null; created_at := null; soft_timeout_ms := null; flagged := null;
    traceparent := null; rescues := null; wait_ms := wait;
    return next;
  end if;
end $$

-- The fallback poll of a worker serving several queues (QueuePoller): which of the queues $1 have a due job
-- of the tasks $2 and are not paused. Each queue is looked at like ClaimJobs does, one priority at a time,
-- so a backlog due later is never read.
-- name: DueQueues
select q.name from unnest($1::text[]) as q(name)
 where not exists (select 1 from {schema}.queues p where p.name = q.name and p.paused)
   and exists (
     with recursive prio(p) as (
       (select priority from {schema}.jobs where state = 'available' and queue = q.name order by priority limit 1)
       union all
       select (select n.priority from {schema}.jobs n where n.state = 'available' and n.queue = q.name
                  and n.priority > prio.p order by n.priority limit 1)
         from prio where prio.p is not null)
     select 1 from prio
      where exists (select 1 from {schema}.jobs j where j.state = 'available' and j.queue = q.name
                       and j.priority = prio.p and j.run_at <= now() and j.task = any($2)))

-- DueQueues of the queues whose floors the worker knows (the same as its claims read from, ClaimJobsFrom): per queue
-- $1, priority $2 and floor $3, whether a job of the tasks $4 is due at or above the floor. One index descent each
-- (a lateral with a limit: as an EXISTS, the planner merged the triples with the whole claim index),
-- where DueQueues reads every index entry that a long transaction elsewhere keeps at the queue's head (75 ms a poll
-- after 50,000 jobs, on the worker's own connection, every poll interval). What sits below a floor the producer's head
-- scans find, and QueuePoller's own reads of the heads (DueQueues, on the Spool's pool, paced by their duration).
-- name: DueQueuesFrom
select distinct f.queue from unnest($1::text[], $2::smallint[], $3::timestamptz[]) as f(queue, p, floor)
 cross join lateral (select 1 from {schema}.jobs j
                      where j.state = 'available' and j.queue = f.queue and j.priority = f.p and j.run_at >= f.floor
                        and j.run_at <= now() and j.task = any($4)
                      limit 1) due
 where not exists (select 1 from {schema}.queues q where q.name = f.queue and q.paused)

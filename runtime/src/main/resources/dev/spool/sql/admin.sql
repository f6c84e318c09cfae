-- Queries of the operations surface (JobAdmin: the admin HTTP API and the CLI) and of the metrics'
-- queue gauges. Not on the hot path. JobAdmin runs them on connections with plan_cache_mode =
-- force_custom_plan: each execution is planned with its actual filters, so "$1 is null or ..." folds
-- away and a state filter reaches the partial index of that state (jobs_claim, jobs_running,
-- jobs_dead, jobs_cancelled).

-- Newest first; $1 stored state, $2 due filter (true: run_at in the future, i.e. scheduled; false: due),
-- $3 queue, $4 task, $5 only ids below it (paging), $6 limit, $7 only the $7 ids below $5 (else below the
-- newest id): a bound on the walk down the primary key when the filters match rarely; $8 key. Completed jobs kept
-- in jobs_done are listed too (all_jobs, V017): a merge of the primary key and each partition's index on id.
-- name: ListJobs
select id, queue, task, args, priority, run_at, state::text as state, attempt, max_attempts, timeout_ms,
       soft_timeout_ms, lease_owner, lease_expires_at, last_error, unique_key, created_at, attempted_at, finished_at, key,
       cancel_requested_at
  from {schema}.all_jobs
 where ($1::{schema}.job_state is null or state = $1::{schema}.job_state)
   and ($2::boolean is null or (run_at > now()) = $2::boolean)
   and ($3::text is null or queue = $3::text)
   and ($4::text is null or task = $4::text)
   and ($8::text is null or key = $8::text)
   and ($5::bigint is null or id < $5::bigint) and id > 0 -- lets state 'dead' use jobs_dead_id (see V007)
   and ($7::bigint is null or id >= coalesce($5::bigint, (select max(id) + 1 from {schema}.all_jobs)) - $7::bigint)
 order by id desc
 limit $6

-- A dead or cancelled job runs again: available now, its attempt count kept (so an outcome of an old run
-- can never land on the new one) and one more attempt allowed when they were used up. Not when another
-- job holds its unique key. Returns the state before, or no row when there is no such job.
-- name: RetryJob
with target as (
  select id, state, unique_key from {schema}.jobs where id = $1 for update),
retried as (
  update {schema}.jobs j
     set state = 'available', run_at = now(), finished_at = null, cancel_requested_at = null,
         max_attempts = greatest(j.max_attempts, j.attempt + 1), lease_owner = null, lease_expires_at = null
    from target t
   where j.id = t.id and t.state in ('dead', 'cancelled')
     and (t.unique_key is null or not exists (
           select 1 from {schema}.jobs h where h.unique_key = t.unique_key and h.state in ('available', 'running')))
  returning j.queue),
woken as (
  select pg_notify('{channel}', r.queue) from retried r)
select t.state::text as state_before, (select count(*) from retried) as retried, (select count(*) from woken) as woken
  from target t
union all -- a completed job kept in jobs_done is found, and not retried
select 'completed', 0, 0 from {schema}.jobs_done d where d.id = $1

-- Every dead job (of queue $1 and task $2 when given) runs again, as RetryJob does; of several dead jobs
-- with one unique key only the newest, and none while a live job holds the key. Returns the retried ids
-- too: the caller revives the dependents they had cancelled (ReviveDependents) in the same transaction.
-- name: RetryDeadJobs
with locked as (
  select id, unique_key from {schema}.jobs d
   where state = 'dead' and ($1::text is null or queue = $1::text) and ($2::text is null or task = $2::text)
     and (unique_key is null or not exists (
           select 1 from {schema}.jobs h where h.unique_key = d.unique_key and h.state in ('available', 'running')))
   for update skip locked),
picked as (
  select l.id from (select id, unique_key, row_number() over (partition by unique_key order by id desc) as nth
                      from locked) l
   where l.unique_key is null or l.nth = 1),
retried as (
  update {schema}.jobs j
     set state = 'available', run_at = now(), finished_at = null, cancel_requested_at = null,
         max_attempts = greatest(j.max_attempts, j.attempt + 1)
   where j.id in (select id from picked)
  returning j.id, j.queue),
woken as (
  select pg_notify('{channel}', q.queue) from (select distinct queue from retried) q)
select (select count(*) from retried) as retried, (select count(*) from woken) as woken,
       array(select id from retried order by id) as ids

-- name: PurgeDeadJobs
delete from {schema}.jobs
 where state = 'dead' and ($1::text is null or queue = $1::text) and ($2::text is null or task = $2::text)

-- Every queue that has jobs or settings: its pause, its jobs per reported state (one row per state, or
-- one row with a null state for a queue without jobs) and how long its oldest due job has waited.
-- name: QueueSummaries
with counts as (
  select queue, case when state = 'available' and run_at > now() then 'scheduled' else state::text end as state,
         count(*) as jobs, min(run_at) as oldest
    from {schema}.all_jobs
   group by 1, 2)
select coalesce(c.queue, q.name) as queue, coalesce(q.paused, false) as paused, q.paused_at, c.state, c.jobs,
       case when c.state = 'available' then extract(epoch from now() - c.oldest)::float8 end as oldest_seconds
  from counts c full join {schema}.queues q on q.name = c.queue
 order by 1, 4

-- Readiness: per queue not paused, how long the oldest due job has waited (only available rows: the
-- claim index). A paused queue's jobs wait by design.
-- name: OldestAvailable
select queue, extract(epoch from now() - min(run_at))::float8 as age_seconds
  from {schema}.jobs j
 where state = 'available' and run_at <= now()
   and not exists (select 1 from {schema}.queues q where q.name = j.queue and q.paused)
 group by queue
 order by 2 desc

-- Readiness: is the database answering at all.
-- name: Ping
select 1

-- Metrics: jobs per queue and reported state, and for due jobs how long the oldest has waited. One scan
-- of the table every refresh interval (MicrometerMetrics.watchQueues), never on the workers' path.
-- name: QueueDepth
select queue, case when state = 'available' and run_at > now() then 'scheduled' else state::text end as state,
       count(*) as jobs, extract(epoch from now() - min(run_at))::float8 as oldest_seconds
  from {schema}.all_jobs
 group by 1, 2

-- The keys of a keyed queue that have open jobs, busiest first, with their running jobs and the starts in
-- their rate log (trimmed to the window by every claim) and how long their oldest due job has waited (null
-- when none is due); keys_with_work counts them all. Reads the open keyed jobs of the queue through
-- jobs_key_open.
-- name: QueueKeys
with per_key as (
  select key, count(*) filter (where state = 'available') as available,
         count(*) filter (where state = 'running') as running,
         extract(epoch from now() - min(run_at) filter (where state = 'available' and run_at <= now()))::float8
           as oldest_wait_seconds
    from {schema}.jobs where queue = $1 and key is not null and state in ('available', 'running')
   group by key)
select k.key, k.available, k.running, k.oldest_wait_seconds, count(*) over () as keys_with_work,
       coalesce((select cardinality(l.starts) from {schema}.rate_limits l where l.key = 'key:' || $1 || ':' || k.key), 0) as recent_starts
  from per_key k
 order by k.available + k.running desc, k.key
 limit $2

-- Bulk actions on pending jobs. The filter: $1 queue, $2 task, $3 due (true: due now, false: due later,
-- null: both), $4 created before; each null for any. One statement handles at most $5 jobs (its own
-- transaction), skipping rows a claim holds, and the caller repeats it until a batch comes back short: a
-- million-job purge is many short statements, never one long lock. Cancelled and moved jobs leave the
-- pending state or the queue's range of the claim index, so each batch starts where the matches are.
-- name: CountPending
select count(*) as jobs from {schema}.jobs
 where state = 'available' and ($1::text is null or queue = $1::text) and ($2::text is null or task = $2::text)
   and ($3::boolean is null or (run_at <= now()) = $3::boolean)
   and ($4::timestamptz is null or created_at < $4::timestamptz)

-- name: CancelPendingBatch
update {schema}.jobs
   set state = 'cancelled', finished_at = now(), cancel_requested_at = now()
 where id = any(array(
   select id from {schema}.jobs
    where state = 'available' and ($1::text is null or queue = $1::text) and ($2::text is null or task = $2::text)
      and ($3::boolean is null or (run_at <= now()) = $3::boolean)
      and ($4::timestamptz is null or created_at < $4::timestamptz)
    limit $5
    for update skip locked))

-- name: DeletePendingBatch
delete from {schema}.jobs
 where id = any(array(
   select id from {schema}.jobs
    where state = 'available' and ($1::text is null or queue = $1::text) and ($2::text is null or task = $2::text)
      and ($3::boolean is null or (run_at <= now()) = $3::boolean)
      and ($4::timestamptz is null or created_at < $4::timestamptz)
    limit $5
    for update skip locked))

-- Moves to queue $6 (jobs already there are not taken, so the loop ends) and wakes it when a moved job is due.
-- name: MovePendingBatch
with moved as (
  update {schema}.jobs
     set queue = $6::text
   where id = any(array(
     select id from {schema}.jobs
      where state = 'available' and ($1::text is null or queue = $1::text) and ($2::text is null or task = $2::text)
        and ($3::boolean is null or (run_at <= now()) = $3::boolean)
        and ($4::timestamptz is null or created_at < $4::timestamptz)
        and queue <> $6::text
      limit $5
      for update skip locked))
  returning run_at),
woken as (
  select pg_notify('{channel}', $6::text) where exists (select 1 from moved where run_at <= now()))
select (select count(*) from moved) as moved, (select count(*) from woken) as woken

-- Workers with what each holds (V012: handlers running, jobs reserved in its prefetch buffer, the running ids)
-- as of its last heartbeat, and whether it holds the maintenance lease ($1 the role's name). Dead workers'
-- rows stay until the rescuer reaps them: heartbeat_at tells.
-- name: ListWorkers
select w.id, w.queues, w.tasks, w.started_at, w.heartbeat_at, w.active, w.reserved, w.running_ids,
       l.leader_id is not null as leader
  from {schema}.workers w
  left join {schema}.leader l on l.name = $1 and l.leader_id = w.id and l.expires_at >= now()
 order by w.id

-- Queries of the completer. Each takes a whole batch of outcomes as arrays, so a flush is a few
-- statements however many jobs it carries. An outcome lands only on the same run it came from
-- (id + attempt + lease owner, still running): a late answer from a run that was taken away changes nothing.
-- A failed run of a job whose cancel was requested ends it cancelled.
--
-- "Still running" is checked as lease_owner = me: only a claim sets lease_owner and every way out of
-- running clears it. Naming state = 'running' too would let the planner pick the small partial index of
-- running jobs and compare every outcome with every job the worker holds; this way each outcome is one
-- primary-key lookup.
--
-- The two acks of completed jobs find their rows by id = any($1), and fence them by (id, attempt) against a hashed
-- subplan of the outcomes, not by a join: under a long transaction elsewhere the generic plan of the join, made once
-- vacuum had counted the drained table as empty (reltuples 0), read the whole primary key on every ack (0.8 s after
-- ten pinned minutes at 1,000 jobs/s), and a join kept to the ids by id = any($1) was a nested loop over both arrays
-- (unnest is guessed at 10 rows): 154 ms for 1,000 outcomes, against 9 ms this way. (The coalesce keeps the IN a
-- filter: pulled up into a semi-join it would be the same nested loop.)

-- name: DeleteCompleted
delete from {schema}.jobs j
 where j.id = any($1::bigint[]) and j.lease_owner = $3
   and coalesce((j.id, j.attempt) in (select o.id, o.attempt from unnest($1::bigint[], $2::int[]) as o(id, attempt)), false)

-- Keep mode (keepCompleted, a completed retention window): the row leaves jobs as DeleteCompleted's does and goes
-- to the partition of jobs_done that covers its finish time (see V017), in this one statement, so it is never
-- missing nor in both. A step of a workflow stays in jobs, completed (its workflow's steps are read from jobs, and
-- kept by the results window), as does a job flagged since its claim (an await or a dependent added while it ran:
-- the leader's sweep finds it in jobs and tells them), and every row when no partition covers now() (the leader was
-- down for longer than it makes partitions ahead, and the ack must land all the same). One row returned per job acked.
-- name: MarkCompleted
with done as (
  select exists (select 1 from {schema}.jobs_done_partitions p where p.starts <= now() and now() < p.ends) as movable),
moved as (
  delete from {schema}.jobs j
   where j.id = any($1::bigint[]) and j.lease_owner = $3
     and coalesce((j.id, j.attempt) in (select o.id, o.attempt from unnest($1::bigint[], $2::int[]) as o(id, attempt)), false)
     and not coalesce(j.workflow_id is not null or j.has_dependents or j.awaited, false) and (select movable from done)
  returning j.id, j.queue, j.task, j.args, j.priority, j.run_at, j.attempt, j.max_attempts, j.timeout_ms,
            j.last_error, j.unique_key, j.created_at, j.attempted_at, j.cancel_requested_at, j.soft_timeout_ms,
            j.result, j.progress, j.pending_parents, j.run_on_parent_failure, j.watched, j.key, j.traceparent,
            j.rescues),
marked as (
  update {schema}.jobs j
     set state = 'completed', finished_at = now(), lease_owner = null, lease_expires_at = null
   where j.id = any($1::bigint[]) and j.lease_owner = $3
     and coalesce((j.id, j.attempt) in (select o.id, o.attempt from unnest($1::bigint[], $2::int[]) as o(id, attempt)), false)
     and (coalesce(j.workflow_id is not null or j.has_dependents or j.awaited, false) or not (select movable from done))
     -- a one-time filter: when every job acked was moved (the usual case) the rows are not read a second time
     and (select count(*) from moved) < cardinality($1::bigint[])
  returning j.id),
stored as (
  insert into {schema}.jobs_done (id, queue, task, args, priority, run_at, state, attempt, max_attempts, timeout_ms,
                                  last_error, unique_key, created_at, attempted_at, finished_at, cancel_requested_at,
                                  soft_timeout_ms, result, progress, pending_parents, run_on_parent_failure, watched,
                                  key, traceparent, rescues)
  select m.id, m.queue, m.task, m.args, m.priority, m.run_at, 'completed', m.attempt, m.max_attempts, m.timeout_ms,
         m.last_error, m.unique_key, m.created_at, m.attempted_at, now(), m.cancel_requested_at, m.soft_timeout_ms,
         m.result, m.progress, m.pending_parents, m.run_on_parent_failure, m.watched, m.key, m.traceparent, m.rescues
    from moved m
  returning id)
select id from stored
union all
select id from marked

-- name: RetryJobs
update {schema}.jobs j
   set state = case when j.cancel_requested_at is null then 'available' else 'cancelled' end::{schema}.job_state,
       run_at = now() + o.delay_ms * interval '1 millisecond',
       finished_at = case when j.cancel_requested_at is not null then now() end,
       last_error = o.error::jsonb || jsonb_build_object('at', now()),
       lease_owner = null, lease_expires_at = null
  from unnest($1::bigint[], $2::int[], $3::float8[], $4::text[]) as o(id, attempt, delay_ms, error)
 where j.id = o.id and j.attempt = o.attempt and j.lease_owner = $5

-- name: KillJobs
update {schema}.jobs j
   set state = case when j.cancel_requested_at is null then 'dead' else 'cancelled' end::{schema}.job_state,
       finished_at = now(),
       last_error = o.error::jsonb || jsonb_build_object('at', now()),
       lease_owner = null, lease_expires_at = null
  from unnest($1::bigint[], $2::int[], $3::text[]) as o(id, attempt, error)
 where j.id = o.id and j.attempt = o.attempt and j.lease_owner = $4

-- Jobs that were claimed but never started (prefetched when the worker stopped) go straight back,
-- their attempt not counted.
-- name: ReleaseJobs
update {schema}.jobs j
   set state = 'available', attempt = j.attempt - 1, lease_owner = null, lease_expires_at = null
  from unnest($1::bigint[], $2::int[]) as o(id, attempt)
 where j.id = o.id and j.attempt = o.attempt and j.lease_owner = $3

-- A handler snoozed its job: it waits again for the delay, no error recorded, and max_attempts grows by
-- one so the run does not use up an attempt meant for failures (attempt itself never goes back, which
-- keeps the id + attempt guard of every ack exact). A job whose cancel was requested ends cancelled.
-- name: SnoozeJobs
update {schema}.jobs j
   set state = case when j.cancel_requested_at is null then 'available' else 'cancelled' end::{schema}.job_state,
       run_at = now() + o.delay_ms * interval '1 millisecond',
       max_attempts = j.max_attempts + 1,
       finished_at = case when j.cancel_requested_at is not null then now() end,
       lease_owner = null, lease_expires_at = null
  from unnest($1::bigint[], $2::int[], $3::float8[]) as o(id, attempt, delay_ms)
 where j.id = o.id and j.attempt = o.attempt and j.lease_owner = $4

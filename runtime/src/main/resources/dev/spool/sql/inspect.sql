-- Read-only queries for users and operators. A job is read from all_jobs (V017): completed jobs kept in keep mode
-- are in jobs_done.

-- name: FindJob
select id, queue, task, args, priority, run_at, state::text as state, attempt, max_attempts, timeout_ms,
       soft_timeout_ms, lease_owner, lease_expires_at, last_error, unique_key, created_at, attempted_at, finished_at, key,
       cancel_requested_at
  from {schema}.all_jobs where id = $1

-- A job waiting for a future run_at is reported as 'scheduled'.
-- name: CountJobsByState
select queue,
       case when state = 'available' and run_at > now() then 'scheduled' else state::text end as state,
       count(*) as jobs
  from {schema}.all_jobs
 group by 1, 2
 order by 1, 2

-- name: CountJobsByStateInRange
select case when state = 'available' and run_at > now() then 'scheduled' else state::text end as state,
       count(*) as jobs
  from {schema}.all_jobs
 where id between $1 and $2
 group by 1

-- name: PauseQueue
insert into {schema}.queues (name, paused, paused_at) values ($1, true, now())
on conflict (name) do update set paused = true, paused_at = coalesce({schema}.queues.paused_at, now()), updated_at = now()

-- Resuming wakes the queue's workers at once rather than at their next poll. A queue's row holds nothing
-- but its pause, so resuming deletes it: a queue paused by mistake ("queues pause typo") leaves no trace
-- once resumed, and a queue is listed again only while it has jobs or workers.
-- name: ResumeQueue
with resumed as (
  delete from {schema}.queues where name = $1 returning name)
select pg_notify('{channel}', $1::text), (select count(*) from resumed) as removed

-- name: ListQueues
select q.name, coalesce(s.paused, false) as paused, s.paused_at,
       count(j.id) filter (where j.state = 'available' and j.run_at <= now()) as available,
       count(j.id) filter (where j.state = 'available' and j.run_at > now()) as scheduled,
       count(j.id) filter (where j.state = 'running') as running
  from (select name from {schema}.queues union select distinct queue from {schema}.jobs where state in ('available', 'running')) q(name)
  left join {schema}.queues s on s.name = q.name
  left join {schema}.jobs j on j.queue = q.name and j.state in ('available', 'running')
 group by q.name, s.paused, s.paused_at
 order by q.name

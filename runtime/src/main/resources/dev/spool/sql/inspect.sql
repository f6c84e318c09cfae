-- Read-only queries for users and operators.

-- name: FindJob
select id, queue, task, args, priority, run_at, state::text as state, attempt, max_attempts, timeout_ms,
       lease_owner, lease_expires_at, last_error, unique_key, created_at, attempted_at, finished_at
  from {schema}.jobs where id = $1

-- A job waiting for a future run_at is reported as 'scheduled'.
-- name: CountJobsByState
select queue,
       case when state = 'available' and run_at > now() then 'scheduled' else state::text end as state,
       count(*) as jobs
  from {schema}.jobs
 group by 1, 2
 order by 1, 2

-- name: CountJobsByStateInRange
select case when state = 'available' and run_at > now() then 'scheduled' else state::text end as state,
       count(*) as jobs
  from {schema}.jobs
 where id between $1 and $2
 group by 1

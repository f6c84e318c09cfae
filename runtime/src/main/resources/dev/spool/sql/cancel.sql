-- Cancellation. A job not yet running is cancelled on the spot; a running one gets a persistent cancel
-- request and its worker is told through NOTIFY (payload: the job id); a finished one is left alone.
-- Returns the state the job was in before, or no row when there is no such job.

-- name: CancelJob
with target as (
  select id, state from {schema}.jobs where id = $1 for update),
now_cancelled as (
  update {schema}.jobs j
     set state = 'cancelled', finished_at = now(), cancel_requested_at = now()
    from target t
   where j.id = t.id and t.state in ('available', 'waiting')
  returning j.id),
requested as (
  update {schema}.jobs j
     set cancel_requested_at = coalesce(j.cancel_requested_at, now())
    from target t
   where j.id = t.id and t.state = 'running'
  returning j.id),
told as (
  select pg_notify('{cancel_channel}', r.id::text) from requested r)
select t.state::text as state_before,
       (select count(*) from now_cancelled) + (select count(*) from told) as changed
  from target t
union all -- a completed job kept in jobs_done (V017) is finished too
select 'completed', 0 from {schema}.jobs_done d where d.id = $1

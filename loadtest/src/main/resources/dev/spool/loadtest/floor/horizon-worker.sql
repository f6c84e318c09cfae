-- The floor's worker in the horizon scenario (pgbench, paced with -R): delete.sql's claim and ack, plus one row
-- per claim with the pickup lag of each job it took (claim time minus run_at, the insert's now()), so the
-- scenario can report the floor's pickup percentiles. One extra insert per claim, none per job.
with due as (
  select id from spool_floor_jobs where queue = 'default' and state = 0 and run_at <= now()
   order by priority, run_at, id limit :batch for update skip locked),
claimed as (
  update spool_floor_jobs j set state = 1, attempts = j.attempts + 1, lease_until = now() + interval '30 seconds'
    from due where j.id = due.id returning j.id, j.run_at),
logged as (
  insert into spool_floor_pickups (lags_ms)
  select array_agg(extract(epoch from clock_timestamp() - run_at) * 1000) from claimed having count(*) > 0)
select coalesce(string_agg(id::text, ','), '0') as ids from claimed \gset
delete from spool_floor_jobs where id = any(array[:ids]::bigint[]);

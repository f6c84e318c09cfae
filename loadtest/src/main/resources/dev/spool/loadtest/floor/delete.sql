-- One pgbench transaction of the floor in delete mode: claim :batch due jobs under a lease in one
-- statement, then ack them all by deleting them in a second.
with due as (
  select id from spool_floor_jobs where queue = 'default' and state = 0 and run_at <= now()
   order by priority, run_at, id limit :batch for update skip locked),
claimed as (
  update spool_floor_jobs j set state = 1, attempts = j.attempts + 1, lease_until = now() + interval '30 seconds'
    from due where j.id = due.id returning j.id)
select coalesce(string_agg(id::text, ','), '0') as ids from claimed \gset
delete from spool_floor_jobs where id = any(array[:ids]::bigint[]);

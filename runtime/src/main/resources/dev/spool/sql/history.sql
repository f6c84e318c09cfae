-- Job history: the triggers that fill job_events (see the migration that creates the table) and the
-- queries that read and prune it. The migrator runs EnableHistory or DisableHistory, under its lock,
-- only when SpoolOptions.history was set explicitly; both look before they act, so a migrate that
-- changes nothing takes no lock on the jobs table.

-- name: EnableHistory
do $$
begin
  if not exists (select 1 from pg_trigger where tgrelid = '{schema}.jobs'::regclass and tgname = 'jobs_history_update') then
    create trigger jobs_history_insert after insert on {schema}.jobs
      referencing new table as new_jobs for each statement execute function {schema}.job_events_inserted();
    create trigger jobs_history_update after update on {schema}.jobs
      referencing old table as old_jobs new table as new_jobs for each statement execute function {schema}.job_events_updated();
    create trigger jobs_history_delete after delete on {schema}.jobs
      referencing old table as old_jobs for each statement execute function {schema}.job_events_deleted();
  end if;
end $$

-- name: DisableHistory
do $$
begin
  if exists (select 1 from pg_trigger where tgrelid = '{schema}.jobs'::regclass and tgname = 'jobs_history_update') then
    drop trigger if exists jobs_history_insert on {schema}.jobs;
    drop trigger if exists jobs_history_update on {schema}.jobs;
    drop trigger if exists jobs_history_delete on {schema}.jobs;
  end if;
end $$

-- name: HistoryEnabled
select exists (select 1 from pg_trigger where tgrelid = to_regclass('{schema}.jobs') and tgname = 'jobs_history_update')
  as enabled

-- A job's transitions, oldest first.
-- name: JobEvents
select id, job_id, from_state, to_state, attempt, error, at
  from {schema}.job_events where job_id = $1 order by id limit $2

-- For the retention pruner: deletes up to $2 events older than $1 milliseconds (database time); run it
-- until it deletes fewer than $2.
-- name: PruneJobEvents
delete from {schema}.job_events
 where id = any(array(
   select id from {schema}.job_events where at < now() - $1::float8 * interval '1 millisecond' order by at limit $2))

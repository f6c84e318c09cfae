-- compatible-from: 4 (declared when windows were introduced: no older runtime was checked against it)
-- Job history (off by default): one row per state transition of a job, for audit and the job view in the
-- admin API. The table and the trigger functions always exist; the triggers that fill the table are
-- created only when a Spool migrates with SpoolOptions.setHistory(true) and dropped with
-- setHistory(false) (see EnableHistory/DisableHistory in history.sql). With history off there is no
-- trigger at all, so the hot path pays nothing; with it on, each statement that changes jobs writes its
-- events in one INSERT ... SELECT over its transition tables (statement-level triggers), so a batch of
-- 1 000 acks is one extra statement, not 1 000.
--
-- States are text, not the job_state enum: 'scheduled' (available with run_at in the future) is reported
-- as such, a deleted running job (a completion with keepCompleted off) as 'completed', any other
-- deleted job (purged, pruned) as 'deleted'. Pruned by age through PruneJobEvents.
create table {schema}.job_events (
  id         bigint generated always as identity primary key,
  job_id     bigint not null,
  from_state text,
  to_state   text not null,
  attempt    integer not null,
  error      jsonb,
  at         timestamptz not null default now()
);

create index job_events_job on {schema}.job_events (job_id, id);
create index job_events_at on {schema}.job_events (at);

create function {schema}.job_events_inserted() returns trigger language plpgsql as $$
begin
  insert into {schema}.job_events (job_id, from_state, to_state, attempt)
    select n.id, null, case when n.state = 'available' and n.run_at > now() then 'scheduled' else n.state::text end,
           n.attempt
      from new_jobs n;
  return null;
end $$;

-- The join of the old and new rows is planned once per session and cached: planned for the first
-- statement that fired it (often a single row), a nested loop would then serve 500-row claims in
-- O(n^2). Without nested loops it hashes, whatever the batch (measured: 2x the drain rate with history on).
create function {schema}.job_events_updated() returns trigger language plpgsql set enable_nestloop = off as $$
begin
  insert into {schema}.job_events (job_id, from_state, to_state, attempt, error)
    select n.id, o.state::text,
           case when n.state = 'available' and n.run_at > now() then 'scheduled' else n.state::text end,
           n.attempt, case when n.last_error is distinct from o.last_error then n.last_error end
      from new_jobs n join old_jobs o on o.id = n.id
     where n.state is distinct from o.state;
  return null;
end $$;

create function {schema}.job_events_deleted() returns trigger language plpgsql as $$
begin
  insert into {schema}.job_events (job_id, from_state, to_state, attempt)
    select o.id, o.state::text, case when o.state = 'running' then 'completed' else 'deleted' end, o.attempt
      from old_jobs o;
  return null;
end $$;

-- Operators list cancelled jobs; they are few, so a partial index costs writes nothing until a job is
-- cancelled (dead, running and available jobs have theirs already).
create index concurrently if not exists jobs_cancelled on {schema}.jobs (id) where state = 'cancelled';

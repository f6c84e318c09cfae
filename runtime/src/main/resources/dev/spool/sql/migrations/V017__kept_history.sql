-- compatible-from: 16 (new tables, a view and a function: runtimes of schema 16 keep completed jobs in jobs, as before)
-- Kept history: completed jobs kept by keepCompleted or a completed retention window leave the jobs table as they
-- complete and go to jobs_done, partitioned by finish time, whose partitions past the retention window are detached
-- and dropped whole. In jobs, each kept row was a dead version the claims' table and indexes carried until vacuum
-- removed it, and each pruned row another; under a long transaction elsewhere vacuum removes neither, and the
-- table the claims read grew by every job kept. Here the ack deletes the row from jobs (as the default path does)
-- and inserts it into the partition of its finish time, in the same statement (MarkCompleted), and retention drops
-- a partition with its storage in one catalog change instead of a DELETE per row.
--
-- Left in jobs, as before: completed jobs with a result, dependents or awaiters (complete_jobs: children and
-- awaiters read them while a workflow runs, and every function of workflow.sql finds jobs in jobs), steps of a
-- workflow (their workflow's view lists its steps from jobs, and they go by the results window), and rows written
-- by runtimes of schema 16 during a rolling upgrade. The pruner deletes those row by row, as before. (That is
-- schema 17; from V018 on, complete_jobs moves the first of them too: see there. Comments of an applied migration
-- may change, its statements never: migrate does not run it again and keeps no checksum of it.)
--
-- Same columns as jobs, named one by one, and in all_jobs below: a migration that adds a column to jobs adds it
-- here and to the view too (create or replace view may only append columns). Every statement may run again on a
-- schema that has it (extend_done adds nothing then).
create table if not exists {schema}.jobs_done (
  id                    bigint not null,
  queue                 text not null,
  task                  text not null,
  args                  bytea not null,
  priority              smallint not null,
  run_at                timestamptz not null,
  state                 {schema}.job_state not null check (state = 'completed'),
  attempt               integer not null,
  max_attempts          integer not null,
  timeout_ms            integer,
  lease_owner           text,
  lease_expires_at      timestamptz,
  last_error            jsonb,
  unique_key            text,
  created_at            timestamptz not null,
  attempted_at          timestamptz,
  finished_at           timestamptz not null,
  cancel_requested_at   timestamptz,
  soft_timeout_ms       integer,
  result                bytea,
  progress              jsonb,
  workflow_id           bigint,
  step                  text,
  pending_parents       integer,
  run_on_parent_failure boolean,
  has_dependents        boolean,
  awaited               boolean,
  watched               boolean,
  key                   text,
  traceparent           text,
  rescues               integer not null default 0
) partition by range (finished_at);

-- Lookups by id (a job's view, awaits, explain, lists newest first): one probe per partition. Pruning the
-- partition that straddles the retention boundary row by row reads its rows by finish time, which grows with the
-- table's pages (rows are appended as they finish): a BRIN index, which an insert into a page range not yet
-- summarised does not write, where a B-tree entry cost every kept ack about 90 bytes of WAL.
create index if not exists jobs_done_id on {schema}.jobs_done (id);
create index if not exists jobs_done_finished on {schema}.jobs_done using brin (finished_at);

-- The partitions, with their ranges: what the ack reads to know that its row has a partition (one covers now()),
-- and what the leader reads to find those past retention. Written in the transaction that attaches a partition,
-- deleted once it is dropped. There is no DEFAULT partition: DETACH ... CONCURRENTLY, which retention uses so that
-- no ack waits, is refused on a table that has one; an ack whose finish time no partition covers (the leader was
-- down for longer than partitions are made ahead) keeps its row in jobs, completed, as before.
create table if not exists {schema}.jobs_done_partitions (
  name   text primary key,
  starts timestamptz not null,
  ends   timestamptz not null check (ends > starts)
);

-- Adds the partitions of jobs_done that cover up to p_until, p_period long and aligned on multiples of it from
-- midnight UTC, after the last one (or from the current period when the last one ended before it); returns how
-- many it added. Each is created as a table of its own and then attached: ATTACH PARTITION takes SHARE UPDATE
-- EXCLUSIVE on jobs_done, which no ack's insert waits for, where CREATE TABLE ... PARTITION OF takes ACCESS
-- EXCLUSIVE. The caller bounds its lock waits (lock_timeout) and calls again later when one timed out.
create or replace function {schema}.extend_done(p_period interval, p_until timestamptz) returns integer language plpgsql as $$
declare
  origin constant timestamptz := timestamptz '2000-01-01 00:00:00+00';
  s      timestamptz;
  e      timestamptz;
  part   text;
  n      integer := 0;
begin
  if p_period is null or p_period < interval '1 minute' then
    raise exception 'spool: a partition of jobs_done must cover at least a minute, got %', p_period using errcode = '22023';
  end if;
  select greatest(max(p.ends), date_bin(p_period, now(), origin)) into s from {schema}.jobs_done_partitions p;
  s := coalesce(s, date_bin(p_period, now(), origin));
  while s < p_until loop
    e := date_bin(p_period, s, origin) + p_period;
    part := 'jobs_done_' || to_char(s at time zone 'UTC', 'YYYYMMDD"_"HH24MI');
    execute format('create table %I.%I (like %I.jobs_done including defaults including constraints)',
                   '{schema}', part, '{schema}');
    execute format('alter table %I.jobs_done attach partition %I.%I for values from (%L) to (%L)',
                   '{schema}', '{schema}', part, s, e);
    insert into {schema}.jobs_done_partitions (name, starts, ends) values (part, s, e);
    n := n + 1;
    s := e;
  end loop;
  return n;
end $$;

-- Today's partition and the next two days'; the leader's DonePartitioner keeps them ahead from then on.
select {schema}.extend_done(interval '1 day', now() + interval '2 days');

-- Every job, wherever it is stored: what the readers of a job by id, of lists and of counts read (inspect.sql,
-- admin.sql, explain.sql, workflow.sql's outcomes). Both tables have the same columns in the same order.
create or replace view {schema}.all_jobs as
  select id, queue, task, args, priority, run_at, state, attempt, max_attempts, timeout_ms, lease_owner,
         lease_expires_at, last_error, unique_key, created_at, attempted_at, finished_at, cancel_requested_at,
         soft_timeout_ms, result, progress, workflow_id, step, pending_parents, run_on_parent_failure, has_dependents,
         awaited, watched, key, traceparent, rescues
    from {schema}.jobs
  union all
  select id, queue, task, args, priority, run_at, state, attempt, max_attempts, timeout_ms, lease_owner,
         lease_expires_at, last_error, unique_key, created_at, attempted_at, finished_at, cancel_requested_at,
         soft_timeout_ms, result, progress, workflow_id, step, pending_parents, run_on_parent_failure, has_dependents,
         awaited, watched, key, traceparent, rescues
    from {schema}.jobs_done;

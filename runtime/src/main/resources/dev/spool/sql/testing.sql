-- Queries of the test kit (spool-test) only: the runtime neither loads nor runs them (Queries.TESTING,
-- read by TestStore). They read and reset a test's schema, and move its clock (see TestClockSchema).

-- Test time: a schema beside the test's, {schema}_clock, holds a shift and two functions, now() and
-- clock_timestamp(), that add it to PostgreSQL's own. The kit's connections put {schema}_clock ahead of
-- pg_catalog on their search_path, so every unqualified now() and clock_timestamp() of Spool's SQL (run_at,
-- retry backoff, leases, rate windows) reads the shifted time; Spool's SQL qualifies its tables, so nothing
-- else resolves differently. A production connection has no such schema on its path and reads pg_catalog's.
-- name: TestClockSchema
create schema if not exists {schema}_clock

-- name: TestClockTable
create table if not exists {schema}_clock.shift (one boolean primary key default true check (one), shift interval not null)

-- name: TestClockRow
insert into {schema}_clock.shift (shift) values (interval '0') on conflict do nothing

-- name: TestClockNow
create or replace function {schema}_clock.now() returns timestamptz language sql stable as $$
  select pg_catalog.now() + (select s.shift from {schema}_clock.shift s)
$$

-- name: TestClockTimestamp
create or replace function {schema}_clock.clock_timestamp() returns timestamptz language sql volatile as $$
  select pg_catalog.clock_timestamp() + (select s.shift from {schema}_clock.shift s)
$$

-- Moves test time forward by $1 milliseconds; returns the shift from real time, in milliseconds.
-- name: TestClockAdvance
update {schema}_clock.shift set shift = shift + $1::float8 * interval '1 millisecond'
returning extract(epoch from shift) * 1000

-- The shift from real time, in milliseconds.
-- name: TestClockShift
select extract(epoch from shift) * 1000 from {schema}_clock.shift

-- Drops the test's schema and its clock.
-- name: TestDropSchema
drop schema if exists {schema}, {schema}_clock cascade

-- What a test left behind, cleared before the next: jobs and their edges, workflows, periodic slots, rate
-- windows, key cursors, history, paused queues, and the clock's shift. Workers' rows stay (a worker a test
-- class keeps running must not look gone).
-- name: TestReset
with jobs as (delete from {schema}.jobs),
     done as (delete from {schema}.jobs_done),
     deps as (delete from {schema}.job_deps),
     workflows as (delete from {schema}.workflows),
     periodic as (delete from {schema}.periodic_jobs),
     rates as (delete from {schema}.rate_limits),
     cursors as (delete from {schema}.key_cursors),
     events as (delete from {schema}.job_events),
     queues as (delete from {schema}.queues),
     clock as (update {schema}_clock.shift set shift = interval '0')
select 1

-- The jobs enqueued and not yet run (available, scheduled or waiting for parents), oldest first, with
-- their parents; $1 the most to return.
-- name: TestEnqueuedJobs
select j.id, j.queue, j.task, j.args, j.priority, j.run_at, j.state::text, j.key, j.unique_key, j.attempt,
       j.max_attempts, j.workflow_id, j.step,
       array(select d.parent_id from {schema}.job_deps d where d.child_id = j.id order by d.parent_id) as parents,
       j.run_at > now() as scheduled
  from {schema}.jobs j
 where j.state in ('available', 'waiting')
 order by j.id
 limit $1

-- Makes the scheduled jobs of the queues $1 (all queues when null) due now (a drain that includes them).
-- name: TestRunScheduledNow
update {schema}.jobs set run_at = now()
 where state = 'available' and run_at > now() and ($1::text[] is null or queue = any($1))

-- The present as the test's SQL sees it (shifted).
-- name: TestNow
select now()

-- SQL of the load tester itself: resetting its scratch schema and looking at the outcome. Job operations
-- (enqueue, claim, ack) go only through Spool's own named queries; nothing here changes a job.
-- {schema} is filled in by Checks with the scratch schema, a name SpoolOptions has validated.

-- name: DropSchema
drop schema if exists {schema} cascade

-- Of the run's own rows (id >= $1, the first id after what the run put in the table beforehand: history,
-- a backlog due later, jobs aside for a bulk cancel), those not finished yet (available, running, dead,
-- cancelled) and those kept as completed (in jobs_done too: all_jobs). A range of ids: a count does not read the
-- history.
-- name: CountJobs
select count(*) filter (where state <> 'completed') as open,
       count(*) filter (where state = 'completed') as completed
  from {schema}.all_jobs where id >= $1

-- name: OpenJobIds
select id from {schema}.all_jobs where id >= $1 and state <> 'completed'

-- jdbc-enqueue's yardstick: the server inserting $1 rows like the command's batch (task jdbc-bench, args {"n":i},
-- due now, the other columns as a batch of default options leaves them) by itself, returning their ids and
-- notifying as InsertJobs does. No client encodes or sends them: what the JDBC batch's rate is a fraction of.
-- name: ServerInsertJobs
with inserted as (
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts)
  select 'default', 'jdbc-bench', convert_to('{"n":' || i || '}', 'UTF8'), 0, now(), 20
    from generate_series(0, $1 - 1) as i
  returning id, queue, run_at),
woken as (
  select pg_notify('spool_loadtest_yardstick', d.queue) from (select distinct queue from inserted where run_at <= now()) d)
select id, (select count(*) from woken) as woken from inserted

-- The id the run's own jobs come after.
-- name: NewestId
select coalesce(max(id), 0) from {schema}.all_jobs

-- scale: $1 jobs kept as history (completed rows, as a worker with keep-completed leaves them) in the
-- default queue, then vacuumed and analysed as autovacuum would have by then.
-- name: SeedHistory
insert into {schema}.jobs (queue, task, args, state, attempt, attempted_at, finished_at)
select 'default', 'loadtest.noop', convert_to('{"i":' || i || '}', 'UTF8'), 'completed', 1, now(), now()
  from generate_series(1, $1) as i

-- scale: $1 jobs of the same task in the default queue, due in a week.
-- name: SeedBacklog
insert into {schema}.jobs (queue, task, args, run_at)
select 'default', 'loadtest.noop', convert_to('{"i":' || i || '}', 'UTF8'), now() + interval '7 days'
  from generate_series(1, $1) as i

-- bulk: $1 pending jobs in the queue 'aside', which no worker of the run serves.
-- name: SeedAside
insert into {schema}.jobs (queue, task, args)
select 'aside', 'loadtest.noop', convert_to('{"i":' || i || '}', 'UTF8') from generate_series(1, $1) as i

-- name: VacuumJobs
vacuum (analyze) {schema}.jobs

-- Statements that mention the schema, as counted by pg_stat_statements ($1 is a LIKE pattern, passed
-- as a parameter so that this query's own text does not match it).
-- name: SchemaStatements
select coalesce(sum(calls), 0)::bigint as calls
  from pg_stat_statements
 where dbid = (select oid from pg_database where datname = current_database()) and query like $1

-- The fallback when pg_stat_statements is not loaded: transactions of the whole database. Every
-- statement a worker sends outside a transaction block is a transaction of its own.
-- name: DatabaseTransactions
select (xact_commit + xact_rollback)::bigint as xacts from pg_stat_database where datname = current_database()

-- Between the phases of compare, so that no phase pays for the previous one's dirty pages.
-- name: Checkpoint
checkpoint

-- The chaos test counts executions itself, outside Spool's tables: each run of its recording task
-- inserts a row here before it finishes, so a job that ran but whose ack was lost shows twice.
-- name: CreateRunLog
create table {schema}.chaos_runs (
  job_id     bigint not null,
  worker     text not null,
  attempt    integer not null,
  started_at timestamptz not null default clock_timestamp()
)

-- A run whose recording failed (the database was unreachable: a restart, a failover) started all the same: its
-- handler writes the start here once the database answers again, then fails, and the job is retried. These
-- are not executions (the run had no effect), but they are starts: a kill's recovery counts them. A recording
-- whose commit landed but whose answer the restart dropped shows here and in the run log, with its attempt.
-- name: CreateStartLog
create table {schema}.chaos_unlogged_starts (
  job_id     bigint not null,
  worker     text not null,
  attempt    integer not null,
  started_at timestamptz not null
)

-- name: RecordUnloggedStart
insert into {schema}.chaos_unlogged_starts (job_id, worker, attempt, started_at) values ($1, $2, $3, $4)

-- Built once the run is over (an index would slow every recording), before the per-job questions below.
-- name: IndexRunLog
create index on {schema}.chaos_runs (job_id, started_at)

-- name: RecordRun
insert into {schema}.chaos_runs (job_id, worker, attempt) values ($1, $2, $3)

-- name: Now
select clock_timestamp() as now

-- Jobs a worker process held (claimed, prefetched or running) when it was killed.
-- name: HeldBy
select id from {schema}.jobs where state = 'running' and lease_owner like $1

-- name: OpenCount
select count(*) from {schema}.jobs where state in ('available', 'running')

-- chaos --workflows: steps still to run include those waiting on their parents.
-- name: OpenStepCount
select count(*) from {schema}.jobs where state in ('available', 'running', 'waiting')

-- Per enqueued id: how often it ran, and whether it still has a row (dead/cancelled; completed rows are deleted).
-- name: ChaosOutcome
with runs as (select job_id, count(*) as n from {schema}.chaos_runs group by job_id),
ids as (select generate_series($1::bigint, $2::bigint) as id)
select count(*) filter (where j.id is null and r.n is not null) as completed,
       count(*) filter (where j.state = 'dead') as dead,
       count(*) filter (where (j.id is null and r.n is null) or j.state in ('available', 'running', 'cancelled')) as lost,
       coalesce(sum(greatest(r.n - 1, 0)), 0) as duplicates
  from ids
  left join {schema}.jobs j on j.id = ids.id
  left join runs r on r.job_id = ids.id

-- chaos --effects tx: the effects written in the jobs' own completing transactions. No unique key on
-- purpose: an effect written twice must show as a second row, not as an error that hides it.
-- name: CreateEffects
create table {schema}.chaos_effects (
  job_id     bigint not null,
  worker     text not null,
  attempt    integer not null,
  written_at timestamptz not null default clock_timestamp()
)

-- name: WriteEffect
insert into {schema}.chaos_effects (job_id, worker, attempt) values ($1, $2, $3)

-- Per effect job ($1): effect rows beyond one, effect jobs completed (row deleted) without an effect, and
-- executions beyond one (from the run log).
-- name: EffectOutcome
with ids as (select unnest($1::bigint[]) as id),
e as (select job_id, count(*) as n from {schema}.chaos_effects group by job_id),
r as (select job_id, count(*) as n from {schema}.chaos_runs where job_id = any($1::bigint[]) group by job_id)
select coalesce(sum(greatest(e.n - 1, 0)), 0) as effect_duplicates,
       count(*) filter (where j.id is null and e.n is null) as effects_missing,
       coalesce(sum(greatest(r.n - 1, 0)), 0) as effect_job_reruns
  from ids
  left join e on e.job_id = ids.id
  left join r on r.job_id = ids.id
  left join {schema}.jobs j on j.id = ids.id

-- chaos --fault failover: jobs running when the primary stopped.
-- name: RunningCount
select count(*) from {schema}.jobs where state = 'running'

-- chaos --fault failover: the failover's outage as the workers saw it (no_claim_s: from the last job started
-- before the promotion, $2, to the first one after it), how long after the primary stopped ($1) that first
-- start came, and the longest time in which no job started anywhere in the run, with when it began
-- (seconds after the stop): at the end of a run it is the wait for jobs whose ack the failover lost.
-- name: ClaimGaps
with gaps as (select lag(started_at) over (order by started_at) as from_at,
                     started_at - lag(started_at) over (order by started_at) as gap
                from {schema}.chaos_runs),
longest as (select * from gaps where gap is not null order by gap desc limit 1),
after as (select min(started_at) as at from {schema}.chaos_runs where started_at > $2::timestamptz)
select extract(epoch from (select at from after)
                          - (select max(started_at) from {schema}.chaos_runs where started_at <= $2::timestamptz)) as no_claim_s,
       extract(epoch from (select at from after) - $1::timestamptz) as first_claim_after_failure_s,
       (select extract(epoch from gap) from longest) as longest_gap_s,
       (select extract(epoch from from_at - $1::timestamptz) from longest) as longest_gap_from_s

-- For one kill: how long until every job the killed worker held had started again elsewhere (seconds), the
-- same counting only runs that recorded themselves (recorded_seconds: a start that failed in a database outage
-- is retried after its backoff, behind the jobs due before it), and how many held jobs first started again in
-- such an outage. A held job that never started again (no run after the fault) yet completed was acked by
-- the killed worker itself: its ack was in flight at the kill and committed after the held jobs were read
-- (acked_at_fault); never_rerun counts the others.
-- name: RecoverySeconds
with firsts as (
  select h.id,
         (select min(r.started_at) from {schema}.chaos_runs r where r.job_id = h.id and r.started_at > $2::timestamptz) as recorded,
         (select min(u.started_at) from {schema}.chaos_unlogged_starts u where u.job_id = h.id and u.started_at > $2::timestamptz) as unlogged
    from unnest($1::bigint[]) as h(id))
select max(extract(epoch from least(recorded, unlogged) - $2::timestamptz)) as seconds,
       max(extract(epoch from recorded - $2::timestamptz)) as recorded_seconds,
       count(*) filter (where unlogged < recorded or (unlogged is not null and recorded is null)) as failed_in_outage,
       count(*) filter (where recorded is null and not acked) as never_rerun,
       count(*) filter (where recorded is null and unlogged is null and acked) as acked_at_fault
  from (select f.*, not exists (select 1 from {schema}.jobs j where j.id = f.id and j.state <> 'completed') as acked
          from firsts f) firsts

-- The cost meter's counters: where the WAL is, how many checkpoints ran, and this backend's pid (its
-- parent is the postmaster when the server runs on this machine).
-- name: CostSnapshot
select pg_current_wal_lsn()::text as lsn, (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter) as checkpoints,
       pg_backend_pid() as pid

-- name: WalBytesSince
select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint

-- workflow --fan-in: how long the callback (job $2 of workflow $1) waited after its last parent was acked,
-- both on the database clock: its claim (attempted_at) minus the latest finished_at of the other steps.
-- Both are transaction start stamps: when two acks race for the callback's row, the one that releases it
-- may have started before the other, which took the lock first, so the lag can be a little below zero.
-- name: CallbackLag
select extract(epoch from (c.attempted_at - (select max(p.finished_at) from {schema}.jobs p
                                              where p.workflow_id = $1 and p.id <> $2))) * 1000 as lag_ms
  from {schema}.jobs c where c.id = $2

-- await: rows flagged by an await, so the run starts its workers only once every await is registered.
-- name: AwaitedCount
select count(*) from {schema}.jobs where awaited

-- await: when each job was acked, on the database clock (awaited jobs are kept once completed, in jobs_done since
-- V018: all_jobs reads both).
-- name: FinishedAt
select id, finished_at from {schema}.all_jobs where id = any($1::bigint[])

-- chaos --workflows (the workers keep completed rows, so every step's finished_at stays readable):
-- workflows whose every step completed; steps lost (never ran, or not completed) and runs beyond the first;
-- steps that started before one of their parents completed (a run logged before the parent's ack, the
-- ack's now() being earlier than anything its commit released); callbacks that ran more than once, and
-- of those the ones no killed worker held ($1: the ids killed workers held, whose rerun is expected).
-- name: ChaosWorkflowOutcome
with runs as (select job_id, count(*) as n from {schema}.chaos_runs group by job_id),
steps as (
  select j.id, j.workflow_id, j.step, j.state, coalesce(r.n, 0) as n
    from {schema}.jobs j left join runs r on r.job_id = j.id
   where j.workflow_id is not null),
per_workflow as (
  select workflow_id, bool_and(state = 'completed' and n > 0) as done from steps group by workflow_id)
select (select count(*) from {schema}.workflows) as workflows,
       (select count(*) from per_workflow where done) as workflows_completed,
       (select count(*) from steps) as steps,
       (select count(*) from steps where state <> 'completed' or n = 0) as lost,
       (select coalesce(sum(greatest(n - 1, 0)), 0) from steps) as duplicates,
       (select count(distinct r.job_id) from {schema}.chaos_runs r
          join {schema}.job_deps e on e.child_id = r.job_id
          join {schema}.jobs p on p.id = e.parent_id
          join {schema}.jobs c on c.id = r.job_id
         where p.finished_at is null or r.started_at < p.finished_at
            or (p.state <> 'completed' and not coalesce(c.run_on_parent_failure, false))) as steps_before_parents,
       (select count(*) from steps where step = 'callback' and n > 1) as callbacks_run_more_than_once,
       (select count(*) from steps where step = 'callback' and n > 1 and not (id = any($1::bigint[])))
         as callbacks_run_more_than_once_unexplained

-- A faulted worker's state, polled while its jobs recover: whether its rows are still registered
-- (false once the rescuer reaped it: detection) and how many of the jobs it held are still its own
-- (0 once the rescuer took them back: rescue). $1: its node id + '/%', $2: the jobs it held.
-- name: FaultWatch
select clock_timestamp() as now,
       exists (select 1 from {schema}.workers w where w.id like $1) as registered,
       (select count(*) from {schema}.jobs j
         where j.id = any($2::bigint[]) and j.state = 'running' and j.lease_owner like $1) as still_held

-- Jobs a faulted worker held whose handler it had started by the fault ($3): the runs the fault may
-- repeat; the others were prefetched and never started.
-- name: StartedBeforeFault
select count(distinct r.job_id) from {schema}.chaos_runs r
 where r.job_id = any($1::bigint[]) and r.worker = $2 and r.started_at <= $3

-- Runs beyond the first: of the jobs faulted workers held ($1); of other jobs one of whose runs failed though its
-- recording committed (the restart dropped the insert's answer, so the handler failed and the job was rightly
-- retried: the same job, worker and attempt in both logs); and of every other job (unexplained).
-- name: DuplicatesByCause
with runs as (select job_id, count(*) as n from {schema}.chaos_runs group by job_id having count(*) > 1),
failed as (select distinct r.job_id from {schema}.chaos_runs r
             join {schema}.chaos_unlogged_starts u on u.job_id = r.job_id and u.worker = r.worker and u.attempt = r.attempt)
select coalesce(sum(n - 1) filter (where job_id = any($1::bigint[])), 0) as of_held,
       coalesce(sum(n - 1) filter (where not (job_id = any($1::bigint[])) and job_id in (select job_id from failed)), 0)
         as of_failed_runs,
       coalesce(sum(n - 1) filter (where not (job_id = any($1::bigint[])) and job_id not in (select job_id from failed)), 0)
         as unexplained
  from runs

-- name: Leader
select leader_id from {schema}.leader where expires_at >= now() order by expires_at desc limit 1

-- name: RunningCount
select count(*) from {schema}.jobs where state = 'running'

-- soak: each job's deciding run (the one that succeeded, or the last attempt of a job meant to end dead) is
-- logged here by the worker process, outside Spool's tables; a job logged twice ran twice.
-- name: CreateSoakRuns
create table {schema}.soak_runs (
  job_id  bigint not null,
  attempt integer not null,
  outcome text not null
)

-- name: RecordSoakRun
insert into {schema}.soak_runs (job_id, attempt, outcome) values ($1, $2, $3)

-- What a soak sample reads of the database: its connections, the jobs table with its indexes and TOAST, and
-- the jobs still to run.
-- name: SoakSample
select (select count(*) from pg_stat_activity where datname = current_database()) as connections,
       pg_total_relation_size('{schema}.jobs') as jobs_bytes,
       (select count(*) from {schema}.jobs) as job_rows,
       (select count(*) from {schema}.jobs where state in ('available', 'running')) as open

-- Per enqueued id ($1 to $2): its deciding runs (logged) and whether it is still open.
-- name: SoakOutcome
with runs as (select job_id, count(*) as n, min(outcome) as outcome from {schema}.soak_runs group by job_id),
ids as (select generate_series($1::bigint, $2::bigint) as id)
select count(*) filter (where r.outcome = 'ok') as completed,
       count(*) filter (where r.outcome = 'dead') as dead,
       count(*) filter (where r.n is null) as lost,
       coalesce(sum(greatest(r.n - 1, 0)), 0) as duplicates
  from ids left join runs r on r.job_id = ids.id

-- upgrade: the schema's version, as the release that migrated it recorded.
-- name: SchemaVersion
select coalesce(max(version), 0) from {schema}.schema_version

-- upgrade: the periodic job's runs so far, one per slot (its unique key is periodic:<name>:<slot>).
-- name: PeriodicJobs
select id, unique_key from {schema}.all_jobs where task = $1 and unique_key like $2 order by id

-- upgrade: of the run's jobs ($1), those kept as completed and those in any other state.
-- name: UpgradeStates
select count(*) filter (where state = 'completed') as completed,
       count(*) filter (where state <> 'completed') as unfinished
  from {schema}.all_jobs where id = any($1)

-- The horizon scenario (Horizon): what each sample reads of the queue's table ($1: 'schema.jobs' or
-- 'spool_floor_jobs'): dead and live row versions from the statistics, table and index bytes (TOAST aside,
-- as pg_table_size counts it with the table), and how many vacuums have run on it.
-- name: HorizonTableSample
select coalesce(t.n_dead_tup, 0) as dead, coalesce(t.n_live_tup, 0) as live,
       pg_table_size($1::regclass) as table_bytes, pg_indexes_size($1::regclass) as index_bytes,
       coalesce(t.vacuum_count + t.autovacuum_count, 0) as vacuums
  from pg_stat_user_tables t where t.relid = $1::regclass

-- Dead tuples counted by pgstattuple (a full read of the table and of each B-tree index: once a report):
-- the table's dead versions, and the index entries marked dead (LP_DEAD, killed by a scan that found their
-- row dead to everyone) summed over its indexes. Entries pointing at versions dead only to the pinned snapshot
-- are not marked: they show in the claim's buffers instead.
-- name: HorizonExactDead
select (select dead_tuple_count from pgstattuple($1::regclass)) as table_dead,
       (select coalesce(sum((pgstattuple(i.indexrelid::regclass)).dead_tuple_count), 0)
          from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
         where i.indrelid = $1::regclass and a.amname = 'btree') as index_dead

-- name: HorizonPgstattupleInstalled
select exists (select 1 from pg_extension where extname = 'pgstattuple') as installed,
       exists (select 1 from pg_available_extensions where name = 'pgstattuple') as available

-- name: HorizonCreatePgstattuple
create extension if not exists pgstattuple

-- Whether pg_stat_statements is loaded (it must be in shared_preload_libraries to count anything).
-- name: HorizonStatStatementsLoaded
select current_setting('shared_preload_libraries') ~ 'pg_stat_statements' as loaded

-- The due jobs waiting (Spool's queue).
-- name: HorizonSpoolBacklog
select count(*) as backlog from {schema}.jobs where state = 'available' and run_at <= now()

-- The pin's read: a REPEATABLE READ transaction takes its snapshot at its first statement, this one.
-- name: HorizonPinReadSpool
select count(*) from {schema}.jobs

-- name: HorizonPinReadFloor
select count(*) from spool_floor_jobs

-- One analytical query: it reads the queue's table, then holds its statement's snapshot for $1 seconds.
-- name: HorizonAnalyticsSpool
select (select count(*) from {schema}.jobs) as jobs, pg_sleep($1::float8)

-- name: HorizonAnalyticsFloor
select (select count(*) from spool_floor_jobs) as jobs, pg_sleep($1::float8)

-- Ends the pin's statements still running (an analytical query sleeping), by their backend pids ($1).
-- name: HorizonCancel
select count(pg_cancel_backend(p)) from unnest($1::int[]) p

-- The floor under the horizon scenario: its table empty (schema.sql with n = 0 makes it), jobs inserted at the
-- run's rate, and a log of each claim's pickup lags (horizon-worker.sql writes one row per claim).
-- name: HorizonFloorPickupLog
create unlogged table spool_floor_pickups (at timestamptz not null default now(), lags_ms float8[] not null)

-- name: HorizonFloorDrop
drop table if exists spool_floor_jobs, spool_floor_pickups

-- name: HorizonFloorVacuum
vacuum spool_floor_jobs

-- name: HorizonFloorEnqueue
insert into spool_floor_jobs (args) select jsonb_build_object('i', g) from generate_series(1, $1) g

-- name: HorizonFloorBacklog
select count(*) as backlog from spool_floor_jobs where state = 0 and run_at <= now()

-- Pickup lags of the claims made in [$1, $2).
-- name: HorizonFloorPickups
select l from spool_floor_pickups p, unnest(p.lags_ms) l where p.at >= $1 and p.at < $2

-- The claim of floor/delete.sql, as the probe runs it (in a transaction it rolls back): $1 the batch.
-- name: HorizonFloorClaim
with due as (
  select id from spool_floor_jobs where queue = 'default' and state = 0 and run_at <= now()
   order by priority, run_at, id limit $1 for update skip locked)
update spool_floor_jobs j set state = 1, attempts = j.attempts + 1, lease_until = now() + interval '30 seconds'
  from due where j.id = due.id returning j.id

-- Graphile Worker under the horizon scenario (GraphileHorizonTarget): its own schema, which its runner creates
-- (migrations) at start, and which the run drops before and after.
-- name: HorizonGraphileDrop
drop schema if exists graphile_worker cascade

-- name: HorizonGraphileVacuum
vacuum graphile_worker._private_jobs

-- Due jobs waiting: what Graphile's claim can take (is_available: not locked, attempts left).
-- name: HorizonGraphileBacklog
select count(*) as backlog from graphile_worker._private_jobs where is_available and run_at <= now()

-- name: HorizonPinReadGraphile
select count(*) from graphile_worker._private_jobs

-- name: HorizonAnalyticsGraphile
select (select count(*) from graphile_worker._private_jobs) as jobs, pg_sleep($1::float8)

-- The id of a task identifier ($1), registered as Graphile's worker does when it is not yet.
-- name: HorizonGraphileTaskId
with added as (
  insert into graphile_worker._private_tasks (identifier) values ($1) on conflict (identifier) do nothing returning id)
select id from added union all select id from graphile_worker._private_tasks where identifier = $1

-- Graphile Worker 0.17.3's claim, as its worker sends it (dist/sql/getJobs.js: batchGetJobs with its default
-- named-queue strategy 2, no flags, the database's now()), the batch a parameter ($3) instead of a literal so
-- the probe claims as many jobs as Spool's and the floor's probes: $1 the worker id, $2 the task ids.
-- name: HorizonGraphileClaim
with j as (
  select jobs.job_queue_id, jobs.priority, jobs.run_at, jobs.id
    from graphile_worker._private_jobs as jobs
    where jobs.is_available = true
    and run_at <= now()
    and task_id = any($2::int[])
    and (
      jobs.job_queue_id is null
      or
      jobs.job_queue_id in (
        select id
        from graphile_worker._private_job_queues as job_queues
        where job_queues.is_available = true
        for update
        skip locked
      )
    )
    order by priority asc, run_at asc
    limit $3
    for update
    skip locked
), q as (
  update graphile_worker._private_job_queues as job_queues
    set
      locked_by = $1::text,
      locked_at = now()
    from j
    where job_queues.id = j.job_queue_id
)
  update graphile_worker._private_jobs as jobs
    set
      attempts = jobs.attempts + 1,
      locked_by = $1::text,
      locked_at = now()
    from j
    where jobs.id = j.id
    returning *

-- Queries of the liveness and maintenance services: heartbeats, leader election, rescue, vacuum and pruning.

-- Registers the worker (again, if the rescuer reaped it) with its queues, tasks ($5) and cluster-wide limits
-- ($6; see V009), records what it did since the last beat ($4,
-- per queue: finished and failed runs a second, pickup lag; the dashboard sums live workers) and extends
-- the lease of its jobs that run long, only those past half their lease, so a busy worker rewrites few rows.
-- It also records its jobs running a handler ($7, with the first ids $9) and waiting in its prefetch buffer ($8).
-- name: Heartbeat
with registered as (
  insert into {schema}.workers (id, queues, backend_pid, activity, tasks, limits, active, reserved, running_ids)
  values ($1, $2, pg_backend_pid(), $4::jsonb, $5, $6::jsonb, $7, $8, $9)
  on conflict (id) do update set heartbeat_at = now(), backend_pid = pg_backend_pid(), activity = excluded.activity,
                                 active = excluded.active, reserved = excluded.reserved,
                                 running_ids = excluded.running_ids
  returning id),
-- The beat runs on a connection of its own, beside the worker's acks: it skips rows an ack has locked (they
-- are finishing), so the two never wait for each other.
extended as (
  update {schema}.jobs
     set lease_expires_at = now() + $3::float8 * interval '1 millisecond'
   where id = any(array(
     select s.id from {schema}.jobs s
      -- state as text: the partial index of running jobs by lease (jobs_running) then does not apply, and the
      -- rows are found by primary key from the ids the worker holds. Through that index the generic plan read
      -- every lease that ever ran out: under a long transaction elsewhere, every job claimed since, 0.9 s a
      -- beat after a million jobs.
      where s.state::text = 'running' and s.lease_owner = $1
        and s.lease_expires_at < now() + $3::float8 / 2 * interval '1 millisecond'
        -- only jobs the worker holds ($10): a row whose ack was lost (asynchronous commit, then a crash or a
        -- failover) is still under its name but held by nobody, and must expire to be rescued
        and s.id = any($10::bigint[])
      for update skip locked))
  returning id),
-- ... and its lease ends now, so the leader's rescuer takes it at its next pass instead of a whole lease
-- later. Only rows claimed more than $11 ms ago: a claim whose answer has not reached the worker yet is
-- not in $10 either.
orphaned as (
  update {schema}.jobs
     set lease_expires_at = now()
   where id = any(array(
     select s.id from {schema}.jobs s
      where s.state = 'running' and s.lease_owner = $1
        and s.id <> all($10::bigint[])
        and s.lease_expires_at > now()
        and s.attempted_at < now() - $11::float8 * interval '1 millisecond'
      for update skip locked))
  returning id)
select (select count(*) from registered) as registered, (select count(*) from extended) as extended,
       (select count(*) from orphaned) as orphaned

-- name: Deregister
delete from {schema}.workers where id = $1

-- Takes the role when it is free or expired, renews it when held; returns a row only to the holder.
-- A holder whose database session is gone (its process died) and that has not renewed for $4 ms is
-- replaced at once rather than at the end of its lease.
-- name: Elect
insert into {schema}.leader as l (name, leader_id, expires_at, backend_pid)
values ($1, $2, now() + $3::float8 * interval '1 millisecond', pg_backend_pid())
on conflict (name) do update
   set leader_id = excluded.leader_id, expires_at = excluded.expires_at, backend_pid = excluded.backend_pid,
       elected_at = case when l.leader_id = excluded.leader_id then l.elected_at else now() end
 where l.expires_at < now() or l.leader_id = excluded.leader_id
    or (l.expires_at - $3::float8 * interval '1 millisecond' < now() - $4::float8 * interval '1 millisecond'
        and not exists (select 1 from pg_stat_activity a where a.pid = l.backend_pid))
returning leader_id

-- name: Resign
delete from {schema}.leader where name = $1 and leader_id = $2

-- name: CurrentLeader
select leader_id, expires_at from {schema}.leader where name = $1 and expires_at >= now()

-- Workers that stopped heartbeating are forgotten; the rescue below then frees their jobs.
-- A worker is dead when it has been silent for the worker timeout ($1 ms), or sooner when its database
-- session is gone and it has missed two heartbeats ($2 ms): a live worker whose connection dropped
-- reconnects and heartbeats again within one interval. Silence is counted from the server's start at the
-- earliest: while PostgreSQL was down (a restart) no worker could beat. And a session gone says nothing of a
-- worker whose last beat came before the server's start (the restart closed every session), so the shortcut
-- is not taken for it: such a worker has the whole worker timeout to reconnect. With two beats only, a worker
-- slower than that to come back (a busy machine) was reaped by the first rescue after the restart, and the
-- runs whose acks the restart had dropped, still held and being written again, ran a second time elsewhere.
-- name: ReapWorkers
delete from {schema}.workers w
 where greatest(w.heartbeat_at, pg_postmaster_start_time()) < now() - $1::float8 * interval '1 millisecond'
    or (w.heartbeat_at > pg_postmaster_start_time()
        and w.heartbeat_at < now() - $2::float8 * interval '1 millisecond'
        and not exists (select 1 from pg_stat_activity a where a.pid = w.backend_pid))
returning id

-- Running jobs whose lease ran out or whose worker is gone run again (their attempt counted, and counted as
-- a rescue: the retry backoff grows with the handler's failures only), or end dead
-- when attempts are used up, or cancelled when a cancel was requested. Workers are woken per queue, and
-- told on the rescue channel how many jobs came back, so one whose prefetch buffer is full makes room for
-- them (Producer.rescued). run_at is left as it was, so a rescued job takes its old place at the head of
-- the line instead of queueing behind everything enqueued since.
-- name: RescueJobs
with rescued as (
  update {schema}.jobs j
     set state = case when j.cancel_requested_at is not null then 'cancelled'::{schema}.job_state
                      when j.attempt >= j.max_attempts then 'dead'::{schema}.job_state
                      else 'available'::{schema}.job_state end,
         finished_at = case when j.cancel_requested_at is not null or j.attempt >= j.max_attempts then now() end,
         last_error = jsonb_build_object('class', 'dev.spool.LeaseExpired',
                                         'message', 'worker ' || coalesce(j.lease_owner, '?') || ' stopped or lost its lease while running the job',
                                         'attempt', j.attempt, 'at', now()),
         lease_owner = null, lease_expires_at = null, rescues = j.rescues + 1
   where j.id = any(array(
     select s.id from {schema}.jobs s
      where s.state = 'running'
        and (s.lease_expires_at < now()
             or not exists (select 1 from {schema}.workers w where w.id = s.lease_owner))
      limit $1
      for update of s skip locked))
  returning j.id, j.queue, j.state::text as state),
woken as (
  select pg_notify('{channel}', q.queue), pg_notify('{rescue_channel}', q.n || ':' || q.queue)
    from (select queue, count(*) as n from rescued where state = 'available' group by queue) q)
select r.id, r.queue, r.state, (select count(*) from woken) as woken from rescued r

-- RescueJobs between full passes (Rescuer): only leases that ran out since the last pass less a margin ($2 ms
-- ago). Every statement that sets a lease sets it no earlier than its own start (a claim or an extension in the
-- future, a worker's release of a job it no longer holds at now()), so a lease older than that was already past
-- at the last pass, which took it. The full pass walks the partial index of running jobs from its start:
-- under a long transaction elsewhere that is every job claimed since (0.66 s after a million), where this
-- reads the entries of the leases that ran out in those few seconds. The jobs of a worker that is gone with
-- their leases still running are left to the full pass that follows each reaping, and what both passes skip (a
-- row locked by a transaction that then rolls back) to the next full one.
-- name: RescueJobsSince
with rescued as (
  update {schema}.jobs j
     set state = case when j.cancel_requested_at is not null then 'cancelled'::{schema}.job_state
                      when j.attempt >= j.max_attempts then 'dead'::{schema}.job_state
                      else 'available'::{schema}.job_state end,
         finished_at = case when j.cancel_requested_at is not null or j.attempt >= j.max_attempts then now() end,
         last_error = jsonb_build_object('class', 'dev.spool.LeaseExpired',
                                         'message', 'worker ' || coalesce(j.lease_owner, '?') || ' stopped or lost its lease while running the job',
                                         'attempt', j.attempt, 'at', now()),
         lease_owner = null, lease_expires_at = null, rescues = j.rescues + 1
   where j.id = any(array(
     select s.id from {schema}.jobs s
      where s.state = 'running' and s.lease_expires_at >= now() - $2::float8 * interval '1 millisecond'
        and s.lease_expires_at < now()
      limit $1
      for update of s skip locked))
  returning j.id, j.queue, j.state::text as state),
woken as (
  select pg_notify('{channel}', q.queue), pg_notify('{rescue_channel}', q.n || ':' || q.queue)
    from (select queue, count(*) as n from rescued where state = 'available' group by queue) q)
select r.id, r.queue, r.state, (select count(*) from woken) as woken from rescued r

-- The vacuumer: live and dead row versions of the jobs table, from PostgreSQL's statistics (no scan), and
-- whether this role may vacuum it (its owner, or a member of the owning role; superusers are): for any
-- other role VACUUM only warns and skips the table, which would fail silently at every check.
-- name: JobTableDeadRows
select coalesce(t.n_live_tup, 0) as live, coalesce(t.n_dead_tup, 0) as dead,
       pg_has_role(current_user, c.relowner, 'USAGE') as may_vacuum
  from pg_stat_user_tables t join pg_class c on c.oid = t.relid
 where t.schemaname = $1 and t.relname = 'jobs'

-- Removes dead row versions and their index entries; skips at once when another vacuum holds the table.
-- name: VacuumJobs
vacuum (skip_locked) {schema}.jobs

-- The pruner: finished jobs past their retention window, a bounded batch per statement.
-- name: PruneCompleted
delete from {schema}.jobs where id = any(array(
  select id from {schema}.jobs
   where state = 'completed' and finished_at < now() - $1::float8 * interval '1 millisecond'
     and result is null and workflow_id is null
   limit $2))

-- Completed jobs kept for their result, or as steps of a workflow (RetentionOptions.results).
-- name: PruneResults
delete from {schema}.jobs where id = any(array(
  select id from {schema}.jobs
   where state = 'completed' and finished_at < now() - $1::float8 * interval '1 millisecond'
     and (result is not null or workflow_id is not null)
   limit $2))

-- name: PruneDead
delete from {schema}.jobs where id = any(array(
  select id from {schema}.jobs
   where state = 'dead' and finished_at < now() - $1::float8 * interval '1 millisecond'
   limit $2))

-- name: PruneCancelled
delete from {schema}.jobs where id = any(array(
  select id from {schema}.jobs
   where state = 'cancelled' and finished_at < now() - $1::float8 * interval '1 millisecond'
   limit $2))

-- The index reclaimer: the valid indexes of the jobs table over $1 bytes that take more than $2 bytes per entry
-- counted by the last vacuum (a B-tree entry of the jobs table needs 20 to 60), with the age in seconds of the
-- oldest snapshot in this database other than this session's: a rebuild waits for every older snapshot to end.
-- name: BloatedJobIndexes
select i.relname as name, pg_relation_size(i.oid) as bytes, greatest(i.reltuples, 0)::bigint as entries,
       (select coalesce(extract(epoch from now() - min(a.xact_start)), 0)::float8 from pg_stat_activity a
         where a.backend_xmin is not null and a.pid <> pg_backend_pid() and a.datname = current_database())
         as oldest_snapshot_s
  from pg_index x join pg_class i on i.oid = x.indexrelid
 where x.indrelid = '{schema}.jobs'::regclass and x.indisvalid
   and pg_relation_size(i.oid) > $1 and pg_relation_size(i.oid) > $2 * greatest(i.reltuples, 1)
 order by bytes desc

-- Rebuilds one index of the jobs table beside the old one, which serves claims and acks until the swap; takes
-- no lock that blocks them but for the instant of the swap. {index} is a name BloatedJobIndexes returned.
-- name: ReindexJobIndex
reindex index concurrently {schema}."{index}"

-- What a rebuild that failed half-way leaves: an invalid copy of the index (named *_ccnew*), kept up to date by
-- every write until dropped.
-- name: InvalidJobIndexes
select i.relname as name
  from pg_index x join pg_class i on i.oid = x.indexrelid
 where x.indrelid = '{schema}.jobs'::regclass and not x.indisvalid and i.relname like '%\_ccnew%'

-- name: DropJobIndex
drop index concurrently if exists {schema}."{index}"

-- The index reclaimer's session: a rebuild waits at most 10 s for a lock (it waits for every older transaction:
-- one that began meanwhile waits for the next pass), and runs at most 10 minutes.
-- name: ReclaimTimeouts
select set_config('lock_timeout', '10s', false), set_config('statement_timeout', '10min', false)

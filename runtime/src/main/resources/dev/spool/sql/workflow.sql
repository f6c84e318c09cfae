-- Jobs that compose: the functions of workflows (defined by the migrator after the migrations on every
-- migrate, like claim_limited, so each body lives here only) and the queries of results, awaits,
-- workflows and progress.
--
-- The model: a job with parents is 'waiting' with pending_parents = its parents that may still run
-- (available, running, waiting). A parent is flagged has_dependents. When a flagged job reaches a final
-- state, settle() tells its children in the same statement as the ack that finished it: a completed parent
-- (or a failed one, for a child that runs on parent failure) decrements the child's count, and a child
-- reaching 0 becomes available and its queue is notified; a dead or cancelled parent cancels its other
-- children, naming itself in their last_error, and so on down the graph. Awaited jobs are announced on
-- {done_channel} by the same settle(). Locks: parents before children, each set in id order.
--
-- The functions on an ack's path (settle, tell, complete_jobs, kill_jobs) run their statements with generic
-- plans (plan_cache_mode): their rows are reached through arrays of ids on the primary key, which a generic
-- plan keeps, while PL/pgSQL's default planned the statements anew on every call, 0.7 ms of a chain's step.

-- Tells the dependents and awaiters of the final, flagged jobs among p_ids (others are skipped, so a
-- second call is harmless); returns how many jobs it settled. The acks of complete_jobs and kill_jobs
-- read and clear the flags in their own update and call tell() directly; this is for everything else
-- (the sweep, the children cancelled by tell(), SettleJobs). It reads jobs only: a row moved to jobs_done was told
-- by the ack that moved it (its flags cleared there), and only live jobs, in jobs, are ever flagged.
-- name: SettleFunction
create or replace function {schema}.settle(p_ids bigint[]) returns integer language plpgsql
set plan_cache_mode = force_generic_plan as $$
declare
  todo      bigint[] := p_ids;
  finished  bigint[];
  failed    bigint[];
  told      bigint[];
  total     integer := 0;
begin
  while todo is not null and cardinality(todo) > 0 loop
    select array_agg(s.id) filter (where s.has_dependents and s.state = 'completed'),
           array_agg(s.id) filter (where s.has_dependents and s.state <> 'completed'),
           array_agg(s.id) filter (where s.awaited)
      into finished, failed, told
      from (select j.id, j.state, j.has_dependents, j.awaited from {schema}.jobs j
             where j.id = any(todo) and (j.has_dependents or j.awaited)
               and j.state in ('completed', 'dead', 'cancelled')
             order by j.id for update) s;
    exit when finished is null and failed is null and told is null;
    update {schema}.jobs set has_dependents = null, awaited = null
     where id = any(coalesce(finished, '{}') || coalesce(failed, '{}') || coalesce(told, '{}'));
    total := total + cardinality(coalesce(finished, '{}') || coalesce(failed, '{}') || coalesce(told, '{}'));
    -- cancelled children tell their own children and awaiters
    select t.cancelled into todo from {schema}.tell(finished, failed, told) t;
  end loop;
  return total;
end $$;

-- The telling itself, for final jobs whose flags the caller has read and cleared: p_told are announced on
-- {done_channel}; each child of p_finished (completed parents) and p_failed (dead or cancelled ones) counts
-- the parent off, becoming available at 0 (its queue notified) or cancelled by a failed parent. Returns the
-- children it cancelled, for the caller to settle in turn, and those it released, due now, in p_quiet: queues
-- whose released children the caller claims itself, so tell() does not notify them (their row locks are
-- this transaction's until it ends, so no claim can take them meanwhile).
-- name: TellFunction
create or replace function {schema}.tell(p_finished bigint[], p_failed bigint[], p_told bigint[],
                                         p_quiet text[] default null, out cancelled bigint[], out released bigint[])
language plpgsql
set plan_cache_mode = force_generic_plan as $$
declare
  parents   bigint[] := coalesce(p_finished, '{}') || coalesce(p_failed, '{}');
  children  bigint[];
  n_woken   bigint;
begin
  if p_told is not null then
    -- a payload holds at most 8000 bytes: 500 ids a notification
    perform pg_notify('{done_channel}', string_agg(u.t::text, ',' order by u.i))
       from unnest(p_told) with ordinality u(t, i) group by (u.i - 1) / 500;
  end if;
  if cardinality(parents) = 0 then
    return;
  end if;
  -- The children are found through an array of ids, never a join: with a join, a plan made without fresh
  -- statistics (a new chain's rows) scanned the whole table on every ack, 1 ms a step per 10,000 steps.
  children := array(select e.child_id from {schema}.job_deps e where e.parent_id = any(parents));
  perform 1 from {schema}.jobs c where c.id = any(children) and c.state = 'waiting' order by c.id for update;
  with hits as (
    select e.child_id, count(*)::integer as n,
           min(e.parent_id) filter (where e.parent_id = any(p_failed)) as failed_parent
      from {schema}.job_deps e where e.parent_id = any(parents)
     group by e.child_id),
  changed as (
    update {schema}.jobs c
       set pending_parents = c.pending_parents - h.n,
           state = case when h.failed_parent is not null and not coalesce(c.run_on_parent_failure, false)
                          then 'cancelled'
                        when c.pending_parents - h.n <= 0 then 'available'
                        else 'waiting' end::{schema}.job_state,
           finished_at = case when h.failed_parent is not null and not coalesce(c.run_on_parent_failure, false)
                              then now() end,
           last_error = case when h.failed_parent is not null and not coalesce(c.run_on_parent_failure, false)
                             then {schema}.parent_failed(h.failed_parent) else c.last_error end,
           watched = case when h.failed_parent is null or coalesce(c.run_on_parent_failure, false)
                          then c.watched end
      from hits h
     where c.id = any(children) and c.id = h.child_id and c.state = 'waiting'
    returning c.id, c.queue, c.state, c.run_at),
  woken as (
    select pg_notify('{channel}', q.queue)
      from (select distinct ch.queue from changed ch
             where ch.state = 'available' and ch.run_at <= now() and ch.queue <> all(coalesce(p_quiet, '{}'))) q)
  select array_agg(ch.id) filter (where ch.state = 'cancelled'),
         array_agg(ch.id) filter (where ch.state = 'available' and ch.run_at <= now() and ch.queue = any(p_quiet)),
         (select count(*) from woken)
    into cancelled, released, n_woken from changed ch;
end $$;

-- The last_error of a job cancelled because a parent failed: names the parent (and its step).
-- name: ParentFailedFunction
create or replace function {schema}.parent_failed(p_parent bigint) returns jsonb language sql stable as $$
  select jsonb_build_object('class', 'dev.spool.ParentFailed',
                            'message', 'parent job ' || p.id || coalesce(' (step ' || p.step || ')', '')
                                       || ' ended ' || p.state::text,
                            'parent', p.id, 'at', now())
    from {schema}.jobs p where p.id = p_parent
$$;

-- Sets each waiting child's count from its parents as they are now (parents missing from jobs were completed and
-- deleted, or moved to jobs_done: V017, V018), releasing or cancelling it like settle(). Unsettled final parents
-- are settled first, so a parent is never counted twice.
-- name: RecountFunction
create or replace function {schema}.recount(p_children bigint[]) returns void language plpgsql as $$
declare
  cancelled bigint[];
  n_woken   bigint;
begin
  perform {schema}.settle(array(
    select j.id from {schema}.jobs j
     where j.id = any(array(select e.parent_id from {schema}.job_deps e where e.child_id = any(p_children)))
       and (j.has_dependents or j.awaited) and j.state in ('completed', 'dead', 'cancelled')));
  perform 1 from {schema}.jobs c where c.id = any(p_children) order by c.id for update;
  with s as (
    select c.id,
           count(j.id) filter (where j.state in ('available', 'running', 'waiting'))::integer as live,
           count(j.id) filter (where j.state = 'running') as running,
           min(j.id) filter (where j.state in ('dead', 'cancelled')) as failed
      from unnest(p_children) c(id)
      left join {schema}.job_deps e on e.child_id = c.id
      left join {schema}.jobs j on j.id = e.parent_id
     group by c.id),
  changed as (
    update {schema}.jobs c
       set pending_parents = s.live,
           state = case when s.failed is not null and not coalesce(c.run_on_parent_failure, false) then 'cancelled'
                        when s.live = 0 then 'available' else 'waiting' end::{schema}.job_state,
           finished_at = case when s.failed is not null and not coalesce(c.run_on_parent_failure, false) then now() end,
           last_error = case when s.failed is not null and not coalesce(c.run_on_parent_failure, false)
                             then {schema}.parent_failed(s.failed) else c.last_error end,
           watched = case when s.live > 0 and s.running > 0
                           and (s.failed is null or coalesce(c.run_on_parent_failure, false)) then true end
      from s
     where c.id = s.id and c.state = 'waiting'
    returning c.id, c.queue, c.state, c.run_at),
  woken as (
    select pg_notify('{channel}', q.queue)
      from (select distinct ch.queue from changed ch where ch.state = 'available' and ch.run_at <= now()) q)
  select array_agg(ch.id) filter (where ch.state = 'cancelled'), (select count(*) from woken)
    into cancelled, n_woken from changed ch;
  if cancelled is not null then
    perform {schema}.settle(cancelled);
  end if;
  -- a job that left waiting some other way is no longer watched
  update {schema}.jobs set watched = null where id = any(p_children) and watched and state <> 'waiting';
end $$;

-- Makes each p_child[i] depend on p_parent[i]; the children exist and wait. Errors have SQLSTATEs of
-- their own: SP400 (a null or self dependency), SP404 (no such parent).
-- name: AddParentsFunction
create or replace function {schema}.add_parents(p_child bigint[], p_parent bigint[]) returns void language plpgsql as $$
declare
  missing bigint[];
begin
  if array_position(p_parent, null) is not null then
    raise exception 'spool: depends_on must not contain null' using errcode = 'SP400';
  end if;
  if exists (select 1 from unnest(p_child, p_parent) e(c, p) where e.c = e.p) then
    raise exception 'spool: a job cannot depend on itself' using errcode = 'SP400';
  end if;
  select array_agg(d.p order by d.p) into missing
    from (select distinct p from unnest(p_parent) p) d
   where not exists (select 1 from {schema}.jobs j where j.id = d.p)
     -- a parent completed and kept in jobs_done (V017, V018) exists: recount below counts it completed (it is not
     -- in jobs), and it gets no flag (it will not finish again)
     and not exists (select 1 from {schema}.jobs_done k where k.id = d.p);
  if missing is not null then
    raise exception 'spool: cannot depend on jobs that do not exist (or were deleted): %', missing
      using errcode = 'SP404';
  end if;
  insert into {schema}.job_deps (parent_id, child_id)
    select distinct e.p, e.c from unnest(p_child, p_parent) e(c, p) order by 1, 2 on conflict do nothing;
  -- parents that may still run learn they have dependents (locked in id order; a claim skips them until
  -- this transaction ends, so it sees the flag)
  update {schema}.jobs j set has_dependents = true
   where j.id in (select distinct p from unnest(p_parent) p)
     and j.state in ('available', 'running', 'waiting') and j.has_dependents is not true;
  perform {schema}.recount(array(select distinct c from unnest(p_child) c));
end $$;

-- Enqueues the steps of a workflow in one statement. Steps are given as parallel arrays; the edges as
-- 1-based step positions (p_edge_child[i] waits on p_edge_parent[i]), already checked by the caller
-- (no cycle, no self edge). A root step with a unique key held by a live job takes that job's id.
-- Returns the workflow's id and the steps' ids in the order given. p_traceparent, the enqueuer's trace
-- context (V013), is every step's. (A change of its parameters needs a migration that drops it first.)
-- name: EnqueueWorkflowFunction
create or replace function {schema}.enqueue_workflow(
  p_name text, p_steps text[], p_queue text[], p_task text[], p_args bytea[], p_priority smallint[],
  p_run_at timestamptz[], p_delay_ms float8[], p_max_attempts integer[], p_timeout_ms integer[],
  p_unique_key text[], p_run_on_failure boolean[], p_edge_child integer[], p_edge_parent integer[],
  p_traceparent text)
returns table (workflow_id bigint, ids bigint[]) language plpgsql as $$
#variable_conflict use_column
declare
  wf       bigint;
  new_ids  bigint[];
  n        integer := cardinality(p_task);
  holders  boolean := false;
  holder   bigint;
begin
  if exists (select 1 from unnest(p_edge_child, p_edge_parent) e(c, p)
              where e.c = e.p or e.c not between 1 and n or e.p not between 1 and n) then
    raise exception 'spool: bad workflow edges' using errcode = 'SP400';
  end if;
  insert into {schema}.workflows (name) values (p_name) returning id into wf;
  select array_agg(nextval(pg_get_serial_sequence('{schema}.jobs', 'id')) order by g) into new_ids
    from generate_series(1, n) g;
  insert into {schema}.jobs (id, queue, task, args, priority, run_at, max_attempts, timeout_ms, unique_key, state,
                             workflow_id, step, pending_parents, run_on_parent_failure, has_dependents, traceparent)
  select new_ids[u.i], u.queue, u.task, u.args, u.priority,
         coalesce(u.run_at, now() + u.delay_ms * interval '1 millisecond'), u.max_attempts, u.timeout_ms,
         u.unique_key,
         case when d.parents > 0 then 'waiting' else 'available' end::{schema}.job_state,
         wf, u.step, case when d.parents > 0 then d.parents end, nullif(u.run_on_failure, false),
         case when exists (select 1 from unnest(p_edge_parent) p where p = u.i) then true end, p_traceparent
    from unnest(p_steps, p_queue, p_task, p_args, p_priority, p_run_at, p_delay_ms, p_max_attempts, p_timeout_ms,
                p_unique_key, p_run_on_failure) with ordinality
         as u(step, queue, task, args, priority, run_at, delay_ms, max_attempts, timeout_ms, unique_key, run_on_failure, i)
    left join (select e.c, count(distinct e.p)::integer as parents from unnest(p_edge_child, p_edge_parent) e(c, p)
                group by e.c) d on d.c = u.i
   order by u.i
  on conflict (unique_key) where unique_key is not null and state in ('available', 'running') do nothing;
  -- a root step whose unique key is held is that job
  for i in 1 .. n loop
    continue when p_unique_key[i] is null;
    if not exists (select 1 from {schema}.jobs j where j.id = new_ids[i]) then
      select j.id into holder from {schema}.jobs j
       where j.unique_key = p_unique_key[i] and j.state in ('available', 'running');
      if holder is null then
        raise exception 'spool: unique key % changed hands during the enqueue', p_unique_key[i] using errcode = '40001';
      end if;
      new_ids[i] := holder;
      holders := true;
    end if;
  end loop;
  insert into {schema}.job_deps (parent_id, child_id)
    select distinct new_ids[e.p], new_ids[e.c] from unnest(p_edge_child, p_edge_parent) e(c, p) order by 1, 2;
  if holders then
    update {schema}.jobs j set has_dependents = true
     where j.id in (select new_ids[e.p] from unnest(p_edge_parent) e(p))
       and j.state in ('available', 'running', 'waiting') and j.has_dependents is not true;
    perform {schema}.recount(array(select distinct new_ids[e.c] from unnest(p_edge_child) e(c)));
  end if;
  perform pg_notify('{channel}', q.queue)
     from (select distinct j.queue from {schema}.jobs j
            where j.workflow_id = wf and j.state = 'available' and j.run_at <= now()) q;
  workflow_id := wf;
  ids := new_ids;
  return next;
end $$;

-- The ack of completed jobs that have dependents, are awaited or carry a result: completed with their result, and
-- their dependents and awaiters told, in this one statement. With p_move (V018; the Completer passes it when
-- retention keeps them) the rows leave jobs for the partition of jobs_done covering now(), as MarkCompleted's do,
-- and the first row with a result moved into a partition marks it in the registry (its rows then go by the results
-- window: DonePartitionsPast); without it (what a runtime of schema 17 sends: eight arguments) they stay in jobs,
-- completed. Steps of a workflow stay in jobs either way (their workflow's view and these functions read jobs), as
-- does every row when no partition covers now(). A moved parent counts as completed wherever its children look:
-- recount and ParentStates count a parent missing from jobs as completed, add_parents finds it in jobs_done, and
-- ParentResults, FindOutcomes and AwaitJob read jobs_done too (the Awaiter reads again when AwaitJob met the move).
-- The children it releases in p_queues (the acking worker's plain queues) with a task of p_tasks, due and not
-- paused, up to p_max, it claims for p_owner as ClaimJobs would and returns, so a chain's next step starts on the
-- worker that acked the step before, without a notification and a claim in between (its other released children
-- wake their queues as usual). Returns those jobs in ClaimJobs' columns, then one row with a null id whose acked
-- says how many outcomes landed. p_max 0 hands nothing over.
-- name: CompleteJobsFunction
create or replace function {schema}.complete_jobs(p_ids bigint[], p_attempts integer[], p_results bytea[], p_owner text,
  p_queues text[] default null, p_tasks text[] default null, p_lease_ms float8 default 0, p_max integer default 0,
  p_move boolean default false)
returns table (id bigint, queue text, task text, args bytea, priority smallint, attempt integer,
               max_attempts integer, timeout_ms integer, run_at timestamptz, created_at timestamptz,
               soft_timeout_ms integer, flagged boolean, traceparent text, rescues integer, acked integer)
language plpgsql
set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
declare
  n        integer;
  finished bigint[];
  told     bigint[];
  told_carried bigint[];
  carried_results bytea[];
  movable  boolean;
  moved_results boolean;
  taking   boolean;
  released bigint[];
  taken    bigint[];
begin
  movable := p_move and exists (select 1 from {schema}.jobs_done_partitions p where p.starts <= now() and now() < p.ends);
  -- One write a job: an update of those that stay, a delete (and an insert into jobs_done) of those that move (a
  -- second write of every row cost as much as the first). The flags it acts on are read under row locks taken
  -- first, with the fence (lease owner, then attempt), so an await that flagged a job just before is seen, not
  -- overwritten unannounced.
  with flags as materialized (
    select j.id, j.attempt, j.has_dependents, j.awaited, movable and j.workflow_id is null as moving
      from {schema}.jobs j
     where j.id = any(p_ids) and j.lease_owner = p_owner
     order by j.id for update),
  o as materialized (
    select f.id, f.has_dependents, f.awaited, f.moving, u.result
      from unnest(p_ids, p_attempts, p_results) as u(id, attempt, result) join flags f on f.id = u.id and f.attempt = u.attempt),
  kept as (
    update {schema}.jobs j
       set state = 'completed', finished_at = now(), result = o.result, lease_owner = null, lease_expires_at = null,
           has_dependents = null, awaited = null
      from o
     where j.id = any(p_ids) and j.id = o.id and not o.moving
    returning j.id, o.has_dependents, o.awaited, o.result, false as moving,
              j.step is null and j.progress is null and coalesce(octet_length(o.result), 0) <= 256 as carried),
  moved as (
    delete from {schema}.jobs j
     using o
     where j.id = any(p_ids) and j.id = o.id and o.moving
    returning j.id, j.queue, j.task, j.args, j.priority, j.run_at, j.attempt, j.max_attempts, j.timeout_ms,
              j.last_error, j.unique_key, j.created_at, j.attempted_at, j.cancel_requested_at, j.soft_timeout_ms,
              o.result, j.progress, j.step, j.pending_parents, j.run_on_parent_failure, j.watched, j.key,
              j.traceparent, j.rescues, o.has_dependents as told_dependents, o.awaited as told_awaiters,
              j.step is null and j.progress is null and coalesce(octet_length(o.result), 0) <= 256 as carried),
  stored as (
    insert into {schema}.jobs_done (id, queue, task, args, priority, run_at, state, attempt, max_attempts, timeout_ms,
                                    last_error, unique_key, created_at, attempted_at, finished_at, cancel_requested_at,
                                    soft_timeout_ms, result, progress, step, pending_parents, run_on_parent_failure,
                                    watched, key, traceparent, rescues)
    select m.id, m.queue, m.task, m.args, m.priority, m.run_at, 'completed', m.attempt, m.max_attempts, m.timeout_ms,
           m.last_error, m.unique_key, m.created_at, m.attempted_at, now(), m.cancel_requested_at, m.soft_timeout_ms,
           m.result, m.progress, m.step, m.pending_parents, m.run_on_parent_failure, m.watched, m.key, m.traceparent,
           m.rescues
      from moved m
    returning id),
  -- what each write returned, side by side: a join of the outcomes with them was a nested loop over both (the
  -- CTEs are guessed at one row), 100 ms for 1,000 outcomes
  d as (
    select k.id, k.has_dependents, k.awaited, k.result, k.moving, k.carried from kept k
    union all
    select m.id, m.told_dependents, m.told_awaiters, m.result, true, m.carried from moved m)
  select count(*), array_agg(d.id) filter (where d.has_dependents),
         array_agg(d.id) filter (where d.awaited and not d.carried),
         array_agg(d.id) filter (where d.awaited and d.carried),
         array_agg(d.result) filter (where d.awaited and d.carried),
         coalesce(bool_or(d.moving and d.result is not null), false)
    into n, finished, told, told_carried, carried_results, moved_results from d;
  if moved_results then
    -- once a partition: a later ack finds the flag set and writes nothing
    update {schema}.jobs_done_partitions p set results = true
     where p.starts <= now() and now() < p.ends and not p.results;
  end if;
  if told_carried is not null then
    -- A job that completed with nothing to read but a small result (no step, no progress, a result of at
    -- most 256 bytes) is answered from the notification itself: '@' and the finish time in epoch
    -- microseconds, then '+' and the id of each job without a result, '=' id ':' and the base64 result of
    -- the others; payloads are cut before 8000 bytes. The Awaiter reads the rows of every other job.
    perform pg_notify('{done_channel}', '@' || (extract(epoch from now()) * 1000000)::bigint || ','
                      || string_agg(case when u.r is null then '+' || u.t
                                         else '=' || u.t || ':' || translate(encode(u.r, 'base64'), E'\n', '') end,
                                    ',' order by u.i))
       from (select c.t, c.r, c.i, sum(coalesce(octet_length(c.r), 0) * 4 / 3 + 28) over (order by c.i) as upto
               from unnest(told_carried, carried_results) with ordinality c(t, r, i)) u
      group by u.upto / 7000;
  end if;
  taking := p_max > 0 and finished is not null;
  if finished is not null or told is not null then
    -- a completed parent cancels no child
    select t.released into released from {schema}.tell(finished, null, told, case when taking then p_queues end) t;
  end if;
  if released is not null then
    -- Released by tell() above and locked since, so they are still available. Only the primary key is used
    -- (the filters come after the fence): a plan through the claim index read the queue's whole backlog.
    taken := array(
      select c.id from (select c.id, c.task, c.queue, c.priority, c.run_at from {schema}.jobs c
                         where c.id = any(released) offset 0) c
       where c.task = any(p_tasks) and not exists (select 1 from {schema}.queues q where q.name = c.queue and q.paused)
       order by c.priority, c.run_at, c.id
       limit p_max);
    return query
      update {schema}.jobs j
         set state = 'running', attempt = j.attempt + 1, lease_owner = p_owner,
             lease_expires_at = now() + p_lease_ms * interval '1 millisecond', attempted_at = now()
       where j.id = any(taken)
      returning j.id, j.queue, j.task, j.args, j.priority, j.attempt, j.max_attempts, j.timeout_ms, j.run_at,
                j.created_at, j.soft_timeout_ms, case when j.awaited then true when j.has_dependents then false end,
                j.traceparent, j.rescues,
                null::integer;
    -- what it left (over p_max, another task, a paused queue) wakes its queue, as tell() would have
    perform pg_notify('{channel}', q.queue)
       from (select distinct c.queue from {schema}.jobs c
              where c.id = any(array(select r from unnest(released) r except select t from unnest(taken) t))) q;
  end if;
  return query select null::bigint, null::text, null::text, null::bytea, null::smallint, null::integer,
                      null::integer, null::integer, null::timestamptz, null::timestamptz, null::integer,
                      null::boolean, null::text, null::integer, n;
end $$;

-- KillJobs (complete.sql) of jobs that have dependents or are awaited, telling them in the same statement.
-- name: KillJobsFunction
create or replace function {schema}.kill_jobs(p_ids bigint[], p_attempts integer[], p_errors text[], p_owner text)
returns integer language plpgsql
set plan_cache_mode = force_generic_plan as $$
declare
  n         integer;
  failed    bigint[];
  told      bigint[];
  cancelled bigint[];
begin
  -- as complete_jobs: one update, the flags read under locks taken first
  with flags as materialized (
    select j.id, j.has_dependents, j.awaited from {schema}.jobs j
     where j.id = any(p_ids) and j.lease_owner = p_owner
     order by j.id for update),
  d as (
    update {schema}.jobs j
       set state = case when j.cancel_requested_at is null then 'dead' else 'cancelled' end::{schema}.job_state,
           finished_at = now(),
           last_error = o.error::jsonb || jsonb_build_object('at', now()),
           lease_owner = null, lease_expires_at = null, has_dependents = null, awaited = null
      from unnest(p_ids, p_attempts, p_errors) as o(id, attempt, error), flags f
     where j.id = o.id and f.id = o.id and j.attempt = o.attempt and j.lease_owner = p_owner
    returning j.id, f.has_dependents, f.awaited)
  select count(*), array_agg(d.id) filter (where d.has_dependents), array_agg(d.id) filter (where d.awaited)
    into n, failed, told from d;
  if failed is not null or told is not null then
    select t.cancelled into cancelled from {schema}.tell(null, failed, told) t;
    if cancelled is not null then
      perform {schema}.settle(cancelled);  -- and so on down the graph
    end if;
  end if;
  return n;
end $$;

-- The leader's safety net: settles final jobs whose dependents or awaiters were not told (a cancel, a
-- rescue, a retry that ended cancelled), and recounts watched waiting jobs. Returns the jobs it touched. Both
-- live in jobs: a job moved to jobs_done was settled by its ack, and a waiting job never moves.
-- name: SweepFunction
create or replace function {schema}.sweep_workflows(p_limit integer) returns integer language plpgsql as $$
declare
  unsettled bigint[];
  watched   bigint[];
  n         integer := 0;
begin
  unsettled := array(select j.id from {schema}.jobs j
                      where (j.has_dependents or j.awaited) and j.state in ('completed', 'dead', 'cancelled')
                      order by j.id limit p_limit);
  if cardinality(unsettled) > 0 then
    n := n + {schema}.settle(unsettled);
  end if;
  watched := array(select j.id from {schema}.jobs j where j.watched order by j.id limit p_limit);
  if cardinality(watched) > 0 then
    perform {schema}.recount(watched);
    n := n + cardinality(watched);
  end if;
  return n;
end $$;

-- A dead or cancelled job that runs again brings back the jobs it had cancelled (and theirs), waiting again. Only
-- completed jobs move to jobs_done: every job it reads is in jobs.
-- name: ReviveFunction
create or replace function {schema}.revive(p_parents bigint[]) returns integer language plpgsql as $$
declare
  todo    bigint[] := p_parents;
  revived bigint[];
  everyone bigint[] := '{}';
  total   integer := 0;
begin
  while todo is not null and cardinality(todo) > 0 loop
    with r as (
      update {schema}.jobs c
         set state = 'waiting', finished_at = null, last_error = null, cancel_requested_at = null
       where c.id = any(array(select e.child_id from {schema}.job_deps e where e.parent_id = any(todo)))
         and c.state = 'cancelled' and (c.last_error ->> 'parent')::bigint = any(todo)
      returning c.id)
    select array_agg(r.id) into revived from r;
    exit when revived is null;
    update {schema}.jobs set has_dependents = true where id = any(todo) and exists (
      select 1 from {schema}.job_deps e where e.parent_id = {schema}.jobs.id);
    total := total + cardinality(revived);
    everyone := everyone || revived;
    todo := revived;
  end loop;
  if cardinality(everyone) > 0 then
    perform {schema}.recount(everyone);
  end if;
  update {schema}.jobs set has_dependents = true
   where id = any(p_parents) and exists (select 1 from {schema}.job_deps e where e.parent_id = {schema}.jobs.id)
     and state in ('available', 'running', 'waiting');
  return total;
end $$;

-- name: CompleteFlagged
select * from {schema}.complete_jobs($1, $2, $3, $4, $5, $6, $7, $8, $9)

-- name: KillFlagged
select {schema}.kill_jobs($1, $2, $3, $4)

-- name: SweepWorkflows
select {schema}.sweep_workflows($1)

-- name: SettleJobs
select {schema}.settle($1)

-- Run in the transaction of the retry, after it.
-- name: ReviveDependents
select {schema}.revive($1)

-- name: RecountWaiting
select {schema}.recount(array(
  select e.child_id from {schema}.job_deps e join {schema}.jobs c on c.id = e.child_id
   where e.parent_id = any($1) and c.state = 'waiting'))

-- name: EnqueueWorkflow
select workflow_id, ids from {schema}.enqueue_workflow($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)

-- Registers an await: a job that can still finish is flagged, and its worker is told when it runs it
-- (the claim may have read the flag before it was set). Returns the job as it was, or no row.
-- name: AwaitJob
with target as (
  select id, state from {schema}.jobs where id = $1 for update),
flagged as (
  update {schema}.jobs j set awaited = true
    from target t
   where j.id = t.id and t.state in ('available', 'running', 'waiting')
  returning j.id),
told as (
  select pg_notify('{await_channel}', f.id::text) from flagged f join target t on t.id = f.id where t.state = 'running')
select j.id, j.state::text as state, j.result, j.last_error, j.progress, j.finished_at,
       (select count(*) from told) as told
  from target t join {schema}.jobs j on j.id = t.id
union all -- a completed job kept in jobs_done (V017): finished, nothing to flag
select d.id, d.state::text, d.result, d.last_error, d.progress, d.finished_at, 0
  from {schema}.jobs_done d where d.id = $1

-- name: FindOutcomes
select id, state::text as state, result, last_error, progress, finished_at
  from {schema}.all_jobs where id = any($1)

-- A parent's result as its children read them (a parent acked before its child was added may be in jobs_done).
-- name: ParentResults
select p.id, p.step, p.task, p.state::text as state, p.result, p.last_error
  from {schema}.job_deps e join {schema}.all_jobs p on p.id = e.parent_id
 where e.child_id = $1
 order by p.id

-- How a job's parents ended (a batch callback's tally); parents not in jobs completed (deleted as they did, or moved
-- to jobs_done: only completed jobs move).
-- name: ParentStates
select coalesce(p.state::text, 'completed') as state, count(*) as jobs
  from {schema}.job_deps e left join {schema}.jobs p on p.id = e.parent_id
 where e.child_id = $1
 group by 1

-- name: FindWorkflow
select id, name, created_at from {schema}.workflows where id = $1

-- A workflow's steps with their parents.
-- name: WorkflowSteps
select j.id, j.step, j.task, j.queue, j.state::text as state, j.attempt, j.pending_parents, j.last_error,
       j.progress, j.finished_at, j.run_at,
       array(select e.parent_id from {schema}.job_deps e where e.child_id = j.id order by 1) as parents
  from {schema}.jobs j
 where j.workflow_id = $1
 order by j.id

-- A job's parents and children ids (the job view links them). Its workflow and step are read from jobs: steps never
-- move to jobs_done, so a job found there has none.
-- name: JobLinks
select array(select e.parent_id from {schema}.job_deps e where e.child_id = $1 order by 1) as parents,
       array(select e.child_id from {schema}.job_deps e where e.parent_id = $1 order by 1) as children,
       (select workflow_id from {schema}.jobs where id = $1) as workflow_id,
       (select step from {schema}.jobs where id = $1) as step

-- Cancels a workflow's unfinished steps: waiting and available ones at once, running ones through their
-- worker (as CancelJob does). Returns how many of each.
-- name: CancelWorkflow
with now_cancelled as (
  update {schema}.jobs j
     set state = 'cancelled', finished_at = now(), cancel_requested_at = now(), watched = null,
         last_error = jsonb_build_object('class', 'dev.spool.WorkflowCancelled',
                                         'message', 'workflow ' || $1 || ' was cancelled', 'at', now())
   where j.workflow_id = $1 and j.state in ('available', 'waiting')
  returning j.id),
requested as (
  update {schema}.jobs j
     set cancel_requested_at = coalesce(j.cancel_requested_at, now())
   where j.workflow_id = $1 and j.state = 'running'
  returning j.id),
told as (
  select pg_notify('{cancel_channel}', r.id::text) from requested r)
select (select count(*) from now_cancelled) as cancelled, (select count(*) from told) as requested,
       array(select id from now_cancelled) as ids

-- Progress of running jobs, coalesced by the heartbeat: at most one statement a beat, only for this
-- worker's runs that reported since the last one.
-- name: WriteProgress
update {schema}.jobs j
   set progress = o.progress::jsonb
  from unnest($1::bigint[], $2::int[], $3::text[]) as o(id, attempt, progress)
 where j.id = o.id and j.attempt = o.attempt and j.lease_owner = $4

-- Edges whose child is gone (pruned or purged; a child kept in jobs_done is still there). $1, the pruner's window,
-- is unused (always 0).
-- name: PruneDeps
delete from {schema}.job_deps d
 where (d.parent_id, d.child_id) in (
   select e.parent_id, e.child_id from {schema}.job_deps e
    where not exists (select 1 from {schema}.jobs j where j.id = e.child_id) and $1::float8 >= 0
      and not exists (select 1 from {schema}.jobs_done k where k.id = e.child_id)
    limit $2)

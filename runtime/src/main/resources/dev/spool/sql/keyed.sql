-- Queries of the producer of a keyed queue (fair, per-key limits or serial per key, see QueueOptions.isKeyed): its
-- claims, from the heads of its keys (claim_keyed) and from floors (claim_keyed_from, walking the keys with
-- claim_keyed_walk), and the head scan that keeps the floors (KeyedHead).

-- The claim of a keyed queue (fair, per-key limits or serial per key): keys are served in round robin
-- from where the queue's last claim stopped (key_cursors), each taking its share of the batch (times its
-- weight), within its limits. The queue's cursor row is locked for the claim, so keyed claims of one queue
-- take turns across all workers and per-key counts are exact. Costs O(batch + keys served): keys come from
-- probes of jobs_key_claim, one per key (claim_keyed_walk), never from a walk of one key's backlog. Jobs without a
-- key share one bucket, served after the keys. Rows as ClaimJobsLimited's.
-- name: ClaimJobsKeyed
select id, queue, task, args, priority, attempt, max_attempts, timeout_ms, run_at, created_at, soft_timeout_ms, flagged,
       traceparent, rescues, wait_ms
  from {schema}.claim_keyed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)

--   p_concurrency: running jobs of the queue across all workers (null: no limit); p_key_concurrency,
--   p_key_limit per p_key_window_ms: per key (null: no limit); p_serial: one job of a key at a time, in id
--   order, the first open job of the key holding its place while it waits for a retry when p_serial_hold;
--   p_weight_keys/p_weights: shares of keys other than 1.
-- It is claim_keyed_from knowing no key, no priority and no floor, without the floor rows: workers claim through it
-- until their first head scan of the queue lands and again after jobs came back below the floors (rescued, handed
-- back), workers of schemas before 19 always.
-- name: ClaimKeyedFunction
create or replace function {schema}.claim_keyed(
  p_queue text, p_tasks text[], p_batch integer, p_owner text, p_lease_ms float8, p_concurrency integer,
  p_key_concurrency integer, p_key_limit integer, p_key_window_ms float8, p_serial boolean, p_serial_hold boolean,
  p_weight_keys text[], p_weights integer[], p_recheck_ms float8)
returns table (id bigint, queue text, task text, args bytea, priority smallint, attempt integer,
               max_attempts integer, timeout_ms integer, run_at timestamptz, created_at timestamptz,
               soft_timeout_ms integer, flagged boolean, traceparent text, rescues integer, wait_ms float8)
language sql as $$
  select c.id, c.queue, c.task, c.args, c.priority, c.attempt, c.max_attempts, c.timeout_ms, c.run_at, c.created_at,
         c.soft_timeout_ms, c.flagged, c.traceparent, c.rescues, c.wait_ms
    from {schema}.claim_keyed_from(p_queue, p_tasks, p_batch, p_owner, p_lease_ms, p_concurrency, p_key_concurrency,
                                   p_key_limit, p_key_window_ms, p_weight_keys, p_weights, p_recheck_ms, '{}', '{}',
                                   '{}', null, 0, p_serial, p_serial_hold, null) c
   where c.id is not null or c.wait_ms is not null
$$

-- The claim of a keyed queue from floors: claim_keyed reading each key it knows from floors on run_at, one per priority
-- of the queue, or for a serial queue from a floor on the id of the key's first open job (KeyFrontier keeps them),
-- instead of from the key's head. Why: while a long transaction elsewhere keeps vacuum from removing the index entries
-- of claimed jobs, a claim from the heads walks, for every key it serves, every entry of that key's jobs claimed since
-- (106,862 buffers a fair claim of 20 keys after 50,000 pinned jobs, against 2,623 unpinned). Keys it does not know it finds
-- between the ones it knows: one descent bounded by the next known key (claim_keyed_walk), which stops at that key's
-- first entry without reading it. Rows as ClaimJobsKeyed's plus key and first_open_id: a claimed job's key; a row with
-- a null id and a null wait_ms is a floor (key, priority, run_at: a floor that may rise, null key for jobs without
-- one; or key and first_open_id: a serial key's first open job).
-- name: ClaimJobsKeyedFrom
select id, queue, task, args, priority, attempt, max_attempts, timeout_ms, run_at, created_at, soft_timeout_ms, flagged,
       traceparent, rescues, wait_ms, key, first_open_id
  from {schema}.claim_keyed_from($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                                 $20)

-- The next keys of a keyed claim's walk, which serves keys in order from the queue's cursor (p_cursor, null: from the
-- first), then wraps round once up to the cursor: up to p_count keys after p_after (the last key the walk gave; the
-- cursor before its first step), the known ones (p_keys, sorted, from p_index; past the wrap, p_wrapped) and before
-- each of them the keys with available jobs it does not know, each found with one descent bounded by the next known
-- key, which stops at that key's first entry without reading it. Returns the keys and their index in p_keys (0: a key
-- it did not know), where the next call starts in p_keys, whether the walk has wrapped, and whether it is over. It
-- gives keys a batch at a time: a call per key copied the known keys into every call (4 x the time of a claim of
-- 500 keys from 1,000 known).
-- name: ClaimKeyedWalkFunction
create or replace function {schema}.claim_keyed_walk(
  p_queue text, p_keys text[], p_cursor text, p_after text, p_index integer, p_wrapped boolean, p_count integer,
  out keys text[], out known integer[], out next_index integer, out wrapped boolean, out done boolean)
-- a probe reads the key index in key order and stops at its bound; with a sort allowed, a planner that thought the
-- queue small read the whole queue through the claim index and sorted it (1,757 buffers a probe after 50,000 pinned
-- jobs)
set enable_sort = off
language plpgsql as $$
declare
  n     integer := coalesce(array_length(p_keys, 1), 0);
  after text := p_after;
  bound text;
  found text;
begin
  keys := '{}'; known := '{}'; next_index := p_index; wrapped := p_wrapped; done := false;
  while cardinality(keys) < p_count loop
    bound := case when next_index <= n then p_keys[next_index] end;
    if wrapped and bound > p_cursor then
      bound := null; -- past the wrap, the walk ends at the cursor
    end if;
    if bound is not null then
      select j.key into found from {schema}.jobs j
       where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > coalesce(after, '')
         and j.key < bound
       order by j.key limit 1;
    elsif wrapped then
      select j.key into found from {schema}.jobs j
       where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > coalesce(after, '')
         and j.key <= p_cursor
       order by j.key limit 1;
    else
      select j.key into found from {schema}.jobs j
       where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > coalesce(after, '')
       order by j.key limit 1;
    end if;
    if found is not null then
      keys := keys || found; known := known || 0; after := found;
    elsif bound is not null then
      keys := keys || bound; known := known || next_index; next_index := next_index + 1; after := bound;
    elsif wrapped or p_cursor is null then
      done := true;
      return;
    else
      wrapped := true; after := null; next_index := 1; -- round to the first key
    end if;
  end loop;
end $$

--   p_priorities: the queue's priorities the producer knows; p_keys: the keys it knows, sorted; p_key_floors: for key
--   i and priority j, at (i - 1) * |p_priorities| + j, the run_at below which it assumes no job of its tasks is
--   available; p_bucket_floors: the same for jobs without a key (null: read from the head); p_margin_ms: how far below
--   the claim's time a floor that rises stays, for enqueues still in their transaction then (ClaimFrontier's margin).
--   p_serial, p_serial_hold: as claim_keyed's; p_key_id_floors: per key of a serial queue, the id below which every
--   job of the key has finished (0: read from the head). The others as claim_keyed's. A key it reads up to the end of
--   its due jobs gets floors at the claim's time less the margin; one that gave all it was asked, up to its last job
--   taken; a serial key, at its first open job.
-- name: ClaimKeyedFromFunction
create or replace function {schema}.claim_keyed_from(
  p_queue text, p_tasks text[], p_batch integer, p_owner text, p_lease_ms float8, p_concurrency integer,
  p_key_concurrency integer, p_key_limit integer, p_key_window_ms float8, p_weight_keys text[], p_weights integer[],
  p_recheck_ms float8, p_priorities smallint[], p_keys text[], p_key_floors timestamptz[],
  p_bucket_floors timestamptz[], p_margin_ms float8, p_serial boolean, p_serial_hold boolean, p_key_id_floors bigint[])
returns table (id bigint, queue text, task text, args bytea, priority smallint, attempt integer,
               max_attempts integer, timeout_ms integer, run_at timestamptz, created_at timestamptz,
               soft_timeout_ms integer, flagged boolean, traceparent text, rescues integer, wait_ms float8, key text,
               first_open_id bigint)
-- generic plans: a claim runs each of its statements once per key it serves, and PostgreSQL kept planning them afresh
-- (their generic plans cost more on paper than the custom ones), 0.2 ms a key: 145 ms a claim of 500 keys, against
-- 51 ms
set plan_cache_mode = force_generic_plan
language plpgsql as $$
#variable_conflict use_column
declare
  t             timestamptz;
  ceiling       timestamptz;
  np            integer := coalesce(array_length(p_priorities, 1), 0);
  limited       boolean := p_key_concurrency is not null or p_key_limit is not null or p_serial;
  -- the least share of a key: a fair claim serves batch / 10 keys at most, one with per-key limits or serial batch keys
  min_share     integer := case when p_key_concurrency is not null or p_key_limit is not null or p_serial then 1 else 10 end;
  cursor_key    text;
  served_key    text;
  allowance     integer := p_batch;
  share         integer;
  quota         integer;
  n             integer;
  used          integer;
  oldest        timestamptz;
  running       integer;
  picked        bigint[];
  last_priority smallint;
  last_run_at   timestamptz;
  ids           bigint[] := '{}';
  blocked       boolean := false;
  wait          float8;
  -- the walk so far (the count of keys with work and the passes read it again): keys in order from the cursor, their
  -- index in p_keys (0: unknown), and where the next call of claim_keyed_walk starts
  walk_keys     text[] := '{}';
  walk_known    integer[] := '{}';
  walk_done     boolean := false;
  step          record;
  next_index    integer := 1;
  wrapped       boolean := false;
  -- the floors the answer names: per key and priority (run_at), per serial key (its first open job)
  full_keys     text[] := '{}';
  floor_keys    text[] := '{}';
  floor_prios   smallint[] := '{}';
  floor_times   timestamptz[] := '{}';
  open_keys     text[] := '{}';
  open_ids      bigint[] := '{}';
  first_job     record;
  first_open    bigint;
  id_floor      bigint;
  prio          smallint;
  pos           integer;
  pass          integer;
  k             text;
  ki            integer;
  r             record;
begin
  if exists (select 1 from {schema}.queues q where q.name = p_queue and q.paused) then
    return;
  end if;
  insert into {schema}.key_cursors (queue) values (p_queue) on conflict do nothing;
  select c.last_key into cursor_key from {schema}.key_cursors c where c.queue = p_queue for update;
  t := clock_timestamp();
  ceiling := t - p_margin_ms * interval '1 millisecond';
  if p_concurrency is not null then
    select count(*) into running from {schema}.jobs j where j.state = 'running' and j.queue = p_queue;
    allowance := least(allowance, greatest(0, p_concurrency - running));
    blocked := allowance = 0;
  end if;
  -- the first known key after the cursor
  if cursor_key is not null then
    next_index := coalesce((select min(i) from generate_subscripts(p_keys, 1) i where p_keys[i] > cursor_key),
                           coalesce(array_length(p_keys, 1), 0) + 1);
  end if;

  -- how many keys have work, up to batch / min_share: the share of each (a serial key takes one job a claim, whatever
  -- its share); a lateral with a limit per priority, as an EXISTS the planner hashed the key's every entry
  n := 0;
  pos := 0;
  while allowance > 0 and not p_serial and n < ceil(allowance::float8 / min_share) loop
    pos := pos + 1;
    if pos > cardinality(walk_keys) then
      exit when walk_done;
      step := {schema}.claim_keyed_walk(p_queue, p_keys, cursor_key, coalesce(walk_keys[cardinality(walk_keys)], cursor_key),
                                        next_index, wrapped, ceil(allowance::float8 / min_share)::integer);
      walk_keys := walk_keys || step.keys; walk_known := walk_known || step.known;
      next_index := step.next_index; wrapped := step.wrapped; walk_done := step.done;
      exit when pos > cardinality(walk_keys);
    end if;
    ki := walk_known[pos];
    if ki = 0 or exists (
        select 1 from unnest(p_priorities, p_key_floors[(ki - 1) * np + 1 : ki * np]) as f(p, floor)
         cross join lateral (select 1 from {schema}.jobs s
                              where s.state = 'available' and s.queue = p_queue and s.key = walk_keys[pos]
                                and s.priority = f.p and s.run_at >= f.floor limit 1) due) then
      n := n + 1;
    end if;
  end loop;
  share := greatest(min_share, ceil(allowance::float8 / greatest(1, n))::integer);

  -- pass 1 serves each key its share (times its weight) in walk order until the batch is full; pass 2 (fair claims
  -- alone) gives what is left to the keys that had more than their share, in the same order
  for pass in 1 .. case when limited then 1 else 2 end loop
    pos := 0;
    while allowance > 0 loop
      pos := pos + 1;
      if pos > cardinality(walk_keys) then
        exit when pass = 2 or walk_done or (limited and pos > p_batch); -- with limits, batch keys a claim at most
        step := {schema}.claim_keyed_walk(p_queue, p_keys, cursor_key,
                                          coalesce(walk_keys[cardinality(walk_keys)], cursor_key), next_index, wrapped,
                                          greatest(10, ceil(allowance::float8 / share)::integer));
        walk_keys := walk_keys || step.keys; walk_known := walk_known || step.known;
        next_index := step.next_index; wrapped := step.wrapped; walk_done := step.done;
        exit when pos > cardinality(walk_keys);
      end if;
      k := walk_keys[pos];
      ki := walk_known[pos];
      continue when pass = 2 and not (k = any(full_keys));
      quota := case when pass = 2 then allowance
                    else least(allowance, share * coalesce((select w.weight from unnest(p_weight_keys, p_weights)
                                                             as w(key, weight) where w.key = k), 1)) end;
      if p_key_concurrency is not null then
        select count(*) into n from {schema}.jobs j where j.state = 'running' and j.queue = p_queue and j.key = k;
        if n >= p_key_concurrency then
          blocked := true;
          continue;
        end if;
        quota := least(quota, p_key_concurrency - n);
      end if;
      if p_key_limit is not null then
        select count(*) into used from {schema}.rate_limits l, unnest(l.starts) s
         where l.key = 'key:' || p_queue || ':' || k and s > t - p_key_window_ms * interval '1 millisecond';
        if used >= p_key_limit then
          blocked := true;
          continue;
        end if;
        quota := least(quota, p_key_limit - used);
      end if;
      if p_serial then
        -- one at a time, in id order: only the key's first open job may start, and only when due; read from the id
        -- below which every job of the key has finished, and that floor rises to the first open job
        id_floor := case when ki > 0 then coalesce(p_key_id_floors[ki], 0) else 0 end;
        select j.id into first_open from {schema}.jobs j
         where j.queue = p_queue and j.key = k and j.state in ('available', 'running') and j.id >= id_floor
         order by j.id limit 1;
        if first_open > id_floor then
          open_keys := open_keys || k;
          open_ids := open_ids || first_open;
        end if;
        select j.id, j.state, j.run_at, j.task into first_job from {schema}.jobs j
         where j.queue = p_queue and j.key = k and j.state in ('available', 'running')
           and j.id >= coalesce(first_open, id_floor) and (p_serial_hold or j.state = 'running' or j.run_at <= t)
         order by j.id limit 1;
        if first_job.id is null or not (first_job.task = any(p_tasks)) then
          continue;
        elsif first_job.state = 'running' then
          blocked := true; -- try again soon: its run may end on another worker, which tells nobody
          continue;
        elsif first_job.run_at > t then
          wait := least(wait, greatest(1, extract(epoch from first_job.run_at - t) * 1000));
          continue;
        end if;
        -- by the primary key: state::text, which no partial index's predicate follows from, as a planner that
        -- thought the table small walked the claim index for the id (254 buffers a key after 50,000 pinned jobs)
        picked := array(select s.id from {schema}.jobs s where s.id = first_job.id and s.state::text = 'available'
                         for update of s skip locked);
        blocked := true; -- the key's next job can start once this one ends
      else
        -- its jobs from its floors, or from its head for a key the worker does not know; the last one taken as well
        select coalesce(array_agg(c.id order by c.priority, c.run_at, c.id), '{}'),
               (array_agg(c.priority order by c.priority desc, c.run_at desc, c.id desc))[1],
               (array_agg(c.run_at order by c.priority desc, c.run_at desc, c.id desc))[1]
          into picked, last_priority, last_run_at
          from (select c.id, c.priority, c.run_at
                  from unnest(p_priorities, case when ki > 0 then p_key_floors[(ki - 1) * np + 1 : ki * np] end)
                       as f(p, floor)
                 cross join lateral (
                   select s.id, s.priority, s.run_at from {schema}.jobs s
                    where s.state = 'available' and s.queue = p_queue and s.key = k and s.priority = f.p
                      and s.run_at >= f.floor and s.run_at <= t and s.task = any(p_tasks)
                      and s.id <> all(ids) -- our own locks do not make skip locked skip: pass 1's picks
                    order by s.run_at, s.id limit quota for update of s skip locked) c
                 where ki > 0
                union all
                select h.id, h.priority, h.run_at from (
                  select s.id, s.priority, s.run_at from {schema}.jobs s
                   where ki = 0 and s.state = 'available' and s.queue = p_queue and s.key = k and s.run_at <= t
                     and s.task = any(p_tasks) and s.id <> all(ids)
                   order by s.priority, s.run_at, s.id limit quota for update of s skip locked) h) c;
      end if;
      if p_key_limit is not null and cardinality(picked) > 0 then
        insert into {schema}.rate_limits (key, starts) values ('key:' || p_queue || ':' || k, '{}')
          on conflict (key) do nothing;
        update {schema}.rate_limits l
           set starts = array(select s from unnest(l.starts) s
                               where s > t - p_key_window_ms * interval '1 millisecond' order by s)
                        || array_fill(t, array[cardinality(picked)])
         where l.key = 'key:' || p_queue || ':' || k
        returning l.starts[1] into oldest;
        if used + cardinality(picked) >= p_key_limit then
          wait := least(wait, greatest(1, extract(epoch from oldest + p_key_window_ms * interval '1 millisecond' - t) * 1000));
        end if;
      end if;
      if p_key_concurrency is not null and n + cardinality(picked) >= p_key_concurrency then
        blocked := true; -- at its limit now: a slot frees when one of its runs ends
      end if;
      -- its floors: up to the claim's time when it gave less than asked (it has no due job left at or above them),
      -- else below its last job taken up to that time and at that job's priority up to the job's run_at (a serial
      -- key's floor is its first open job's id)
      if not p_serial then
        if cardinality(picked) = quota then
          floor_keys := floor_keys || k; floor_prios := floor_prios || last_priority;
          floor_times := floor_times || least(ceiling, last_run_at);
          if pass = 1 then
            full_keys := full_keys || k;
          end if;
        end if;
        foreach prio in array p_priorities loop
          continue when cardinality(picked) = quota and prio >= last_priority;
          floor_keys := floor_keys || k; floor_prios := floor_prios || prio; floor_times := floor_times || ceiling;
        end loop;
      end if;
      if pass = 1 and cardinality(picked) > 0 then
        served_key := k; -- the rotation goes on after the last key served
      end if;
      ids := ids || picked;
      allowance := allowance - cardinality(picked);
    end loop;
  end loop;

  -- jobs without a key share one bucket, served after the keys, from their own floors
  if allowance > 0 then
    quota := least(allowance, share);
    select coalesce(array_agg(c.id order by c.priority, c.run_at, c.id), '{}'),
           (array_agg(c.priority order by c.priority desc, c.run_at desc, c.id desc))[1],
           (array_agg(c.run_at order by c.priority desc, c.run_at desc, c.id desc))[1]
      into picked, last_priority, last_run_at
      from (select c.id, c.priority, c.run_at from unnest(p_priorities, p_bucket_floors) as f(p, floor)
             cross join lateral (
               select s.id, s.priority, s.run_at from {schema}.jobs s
                where s.state = 'available' and s.queue = p_queue and s.priority = f.p and s.run_at >= f.floor
                  and s.run_at <= t and s.key is null and s.task = any(p_tasks)
                order by s.run_at, s.id limit quota for update of s skip locked) c
             where p_bucket_floors is not null
            union all
            select h.id, h.priority, h.run_at from (
              select s.id, s.priority, s.run_at from {schema}.jobs s
               where p_bucket_floors is null and s.state = 'available' and s.queue = p_queue and s.key is null
                 and s.run_at <= t and s.task = any(p_tasks)
               order by s.priority, s.run_at, s.id limit quota for update of s skip locked) h) c;
    if cardinality(picked) = quota then
      floor_keys := floor_keys || null::text; floor_prios := floor_prios || last_priority;
      floor_times := floor_times || least(ceiling, last_run_at);
    end if;
    foreach prio in array p_priorities loop
      continue when cardinality(picked) = quota and prio >= last_priority;
      floor_keys := floor_keys || null::text; floor_prios := floor_prios || prio; floor_times := floor_times || ceiling;
    end loop;
    ids := ids || picked;
  end if;
  if served_key is not null then
    update {schema}.key_cursors c set last_key = served_key where c.queue = p_queue;
  end if;

  for r in
    with claimed as (
      update {schema}.jobs j
         set state = 'running', attempt = j.attempt + 1, lease_owner = p_owner,
             lease_expires_at = t + p_lease_ms * interval '1 millisecond', attempted_at = t
       where j.id = any(ids)
      returning j.id, j.queue, j.task, j.args, j.priority, j.attempt, j.max_attempts, j.timeout_ms, j.run_at, j.created_at,
                j.soft_timeout_ms, case when j.awaited then true when j.has_dependents then false end as flagged,
                j.traceparent, j.rescues, j.key)
    select * from claimed c order by c.priority, c.run_at, c.id
  loop
    id := r.id; queue := r.queue; task := r.task; args := r.args; priority := r.priority; attempt := r.attempt;
    max_attempts := r.max_attempts; timeout_ms := r.timeout_ms; run_at := r.run_at; created_at := r.created_at;
    soft_timeout_ms := r.soft_timeout_ms; flagged := r.flagged; traceparent := r.traceparent;
    rescues := r.rescues; wait_ms := null; key := r.key; first_open_id := null;
    return next;
  end loop;
  -- the floors, as rows with neither an id nor a wait
  for i in 1 .. cardinality(floor_keys) loop
    id := null; queue := p_queue; task := null; args := null; priority := floor_prios[i]; attempt := null;
    max_attempts := null; timeout_ms := null; run_at := floor_times[i]; created_at := null; soft_timeout_ms := null;
    flagged := null; traceparent := null; rescues := null; wait_ms := null; key := floor_keys[i]; first_open_id := null;
    return next;
  end loop;
  for i in 1 .. cardinality(open_keys) loop
    id := null; queue := p_queue; task := null; args := null; priority := null; attempt := null; max_attempts := null;
    timeout_ms := null; run_at := null; created_at := null; soft_timeout_ms := null; flagged := null; traceparent := null;
    rescues := null; wait_ms := null; key := open_keys[i]; first_open_id := open_ids[i];
    return next;
  end loop;
  if blocked then
    wait := least(wait, p_recheck_ms); -- a key at its limit: a slot frees when a run ends, on any worker
  end if;
  if wait is not null then
    id := null; queue := p_queue; task := null; args := null; priority := null; attempt := null;
    max_attempts := null; timeout_ms := null; run_at := null; created_at := null; soft_timeout_ms := null; flagged := null;
    traceparent := null; rescues := null; wait_ms := wait; key := null; first_open_id := null;
    return next;
  end if;
end $$

-- The head of a keyed queue for claim_keyed_from, read without locking anything: per key with available jobs (a null
-- key for jobs without one) and per priority it has, the earliest run_at among the jobs of the tasks $2 (null when it
-- has none of them), and for a serial queue ($3) the key's first open job, as the snapshot saw them at now()
-- (snapshot_at); clock_at, read at the end, says what the scan
-- took. This reads every index entry the claims from floors skip: it runs beside them on another connection, at most
-- once per twenty times its own duration (KeyFrontier), never in their way.
-- name: KeyedHead
select array_agg(h.key order by h.key nulls last, h.p) as keys, array_agg(h.p order by h.key nulls last, h.p) as priorities,
       array_agg(h.first_run_at order by h.key nulls last, h.p) as first_run_ats,
       now() as snapshot_at, clock_timestamp() as clock_at,
       array_agg(h.first_open_id order by h.key nulls last, h.p) as first_open_ids
  from (
    with recursive ks(key) as (
      (select j.key from {schema}.jobs j
        where j.state = 'available' and j.queue = $1 and j.key is not null order by j.key limit 1)
      union all
      select (select j.key from {schema}.jobs j
               where j.state = 'available' and j.queue = $1 and j.key is not null and j.key > ks.key
               order by j.key limit 1)
        from ks where ks.key is not null)
    select ks.key, pr.p, (select min(f.run_at) from {schema}.jobs f
                           where f.state = 'available' and f.queue = $1 and f.key = ks.key and f.priority = pr.p
                             and f.task = any($2)) as first_run_at,
           case when $3 then (select min(o.id) from {schema}.jobs o
                               where o.queue = $1 and o.key = ks.key and o.state in ('available', 'running')) end
             as first_open_id
      from ks cross join lateral (
        with recursive prio(p) as (
          (select j.priority from {schema}.jobs j
            where j.state = 'available' and j.queue = $1 and j.key = ks.key order by j.priority limit 1)
          union all
          select (select n.priority from {schema}.jobs n
                   where n.state = 'available' and n.queue = $1 and n.key = ks.key and n.priority > prio.p
                   order by n.priority limit 1)
            from prio where prio.p is not null)
        select prio.p from prio where prio.p is not null) pr
     where ks.key is not null
    union all
    select null, prio.p, (select min(f.run_at) from {schema}.jobs f
                           where f.state = 'available' and f.queue = $1 and f.key is null and f.priority = prio.p
                             and f.task = any($2)), null::bigint
      from (
        with recursive prio(p) as (
          (select j.priority from {schema}.jobs j
            where j.state = 'available' and j.queue = $1 and j.key is null order by j.priority limit 1)
          union all
          select (select n.priority from {schema}.jobs n
                   where n.state = 'available' and n.queue = $1 and n.key is null and n.priority > prio.p
                   order by n.priority limit 1)
            from prio where prio.p is not null)
        select prio.p from prio where prio.p is not null) prio) h

-- Queries of the producer of a keyed queue (fair, per-key limits or serial per key, see QueueOptions.isKeyed): its
-- claim from the heads of its keys (claim_keyed); keyed_floors.sql has the claim from floors and the head scan.

-- The claim of a keyed queue (fair, per-key limits or serial per key): keys are served in round robin
-- from where the queue's last claim stopped (key_cursors), each taking its share of the batch (times its
-- weight), within its limits. The queue's cursor row is locked for the claim, so keyed claims of one queue
-- take turns across all workers and per-key counts are exact. Costs O(batch + keys served): keys come from
-- a skip scan of jobs_key_claim, never from a walk of one key's backlog. Jobs without a key share one
-- bucket, served after the keys. Rows as ClaimJobsLimited's.
-- name: ClaimJobsKeyed
select id, queue, task, args, priority, attempt, max_attempts, timeout_ms, run_at, created_at, soft_timeout_ms, flagged,
       traceparent, rescues, wait_ms
  from {schema}.claim_keyed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)

--   p_concurrency: running jobs of the queue across all workers (null: no limit); p_key_concurrency,
--   p_key_limit per p_key_window_ms: per key (null: no limit); p_serial: one job of a key at a time, in id
--   order, the first open job of the key holding its place while it waits for a retry when p_serial_hold;
--   p_weight_keys/p_weights: shares of keys other than 1.
-- name: ClaimKeyedFunction
create or replace function {schema}.claim_keyed(
  p_queue text, p_tasks text[], p_batch integer, p_owner text, p_lease_ms float8, p_concurrency integer,
  p_key_concurrency integer, p_key_limit integer, p_key_window_ms float8, p_serial boolean, p_serial_hold boolean,
  p_weight_keys text[], p_weights integer[], p_recheck_ms float8)
returns table (id bigint, queue text, task text, args bytea, priority smallint, attempt integer,
               max_attempts integer, timeout_ms integer, run_at timestamptz, created_at timestamptz,
               soft_timeout_ms integer, flagged boolean, traceparent text, rescues integer, wait_ms float8)
language plpgsql as $$
#variable_conflict use_column
declare
  t          timestamptz;
  cursor_key text;
  served_key text;
  keys       text[];
  allowance  integer := p_batch;
  share      integer;
  quota      integer;
  n          integer;
  used       integer;
  oldest     timestamptz;
  running    integer;
  first_job  record;
  picked     bigint[];
  ids        bigint[] := '{}';
  blocked    boolean := false;
  wait       float8;
  k          text;
  r          record;
  -- the least share of a key in a fair-only claim: batch / min_share keys at most per claim
  min_share  constant integer := 10;
  pass       integer;
begin
  if exists (select 1 from {schema}.queues q where q.name = p_queue and q.paused) then
    return;
  end if;
  insert into {schema}.key_cursors (queue) values (p_queue) on conflict do nothing;
  select c.last_key into cursor_key from {schema}.key_cursors c where c.queue = p_queue for update;
  t := clock_timestamp();
  if p_concurrency is not null then
    select count(*) into running from {schema}.jobs j where j.state = 'running' and j.queue = p_queue;
    allowance := least(allowance, greatest(0, p_concurrency - running));
    if allowance = 0 then
      blocked := true;
    end if;
  end if;

  if allowance > 0 and p_key_concurrency is null and p_key_limit is null and not p_serial then
    -- Fair share alone: keys are walked in order from the cursor (wrapping round once), each giving up to
    -- its share, and the walk stops as soon as the batch is full, so a claim touches about batch / share
    -- keys, not one per job. The share is the batch over the keys with work, but at least min_share jobs,
    -- which keeps a queue of many keys from paying two index probes a job (one to find the key, one for its
    -- job); counting the keys walks at most batch / min_share of them. A second pass gives what the first
    -- left (keys with fewer jobs than their share) to the keys that have more, in the same order: a fair
    -- claim still fills its batch when there is work.
    select count(*) into n from (
      with recursive ks(key) as (
        (select j.key from {schema}.jobs j
          where j.state = 'available' and j.queue = p_queue and j.key is not null order by j.key limit 1)
        union all
        select (select j.key from {schema}.jobs j
                 where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > ks.key
                 order by j.key limit 1)
          from ks where ks.key is not null)
      select 1 from ks where ks.key is not null limit ceil(allowance::float8 / min_share)::integer) counted;
    share := greatest(min_share, ceil(allowance::float8 / greatest(1, n))::integer);
    for pass in 1..2 loop
      exit when allowance <= 0;
      select array_agg(p.id), (array_agg(p.key order by p.n desc))[1] into picked, k from (
        select c.id, w.key, w.n from (
          with recursive walk(key, wrapped, n) as (
            select coalesce(a.key, b.key), a.key is null, 1
              from (select (select j.key from {schema}.jobs j
                             where j.state = 'available' and j.queue = p_queue and j.key is not null
                               and j.key > coalesce(cursor_key, '') order by j.key limit 1) as key) a,
                   lateral (select case when a.key is null and cursor_key is not null then
                              (select j.key from {schema}.jobs j
                                where j.state = 'available' and j.queue = p_queue and j.key is not null
                                order by j.key limit 1) end as key) b
             where coalesce(a.key, b.key) is not null
            union all
            select x.key, x.wrapped, w.n + 1 from walk w, lateral (
              select coalesce(nx.key, case when not w.wrapped and cursor_key is not null then
                       (select j.key from {schema}.jobs j
                         where j.state = 'available' and j.queue = p_queue and j.key is not null
                         order by j.key limit 1) end) as key,
                     w.wrapped or nx.key is null as wrapped
                from (select (select j.key from {schema}.jobs j
                               where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > w.key
                               order by j.key limit 1) as key) nx) x
             where x.key is not null and not (x.wrapped and x.key > cursor_key))
          select * from walk) w
        cross join lateral (
          select s.id from {schema}.jobs s
           where s.state = 'available' and s.queue = p_queue and s.key = w.key and s.run_at <= t and s.task = any(p_tasks)
             and s.id <> all(ids) -- our own locks do not make skip locked skip: the first pass's picks
           order by s.priority, s.run_at, s.id
           limit case when pass = 1 then share * coalesce((select g.weight from unnest(p_weight_keys, p_weights)
                                                             as g(key, weight) where g.key = w.key), 1)
                      else allowance end
           for update of s skip locked) c
        limit allowance) p;
      exit when picked is null;
      ids := ids || picked;
      allowance := allowance - cardinality(picked);
      if pass = 1 then
        served_key := k; -- the rotation goes on after the last key that had its share
      end if;
    end loop;
    keys := '{}';
  elsif allowance > 0 then
    -- the next keys with available jobs after the cursor, then from the first key up to the cursor
    keys := array(
      with recursive nexts(key) as (
        (select j.key from {schema}.jobs j
          where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > coalesce(cursor_key, '')
          order by j.key limit 1)
        union all
        select (select j.key from {schema}.jobs j
                 where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > a.key
                 order by j.key limit 1)
          from nexts a where a.key is not null)
      select a.key from nexts a where a.key is not null limit p_batch);
    if coalesce(array_length(keys, 1), 0) < p_batch and cursor_key is not null then
      keys := keys || array(
        with recursive wraps(key) as (
          (select j.key from {schema}.jobs j
            where j.state = 'available' and j.queue = p_queue and j.key is not null
            order by j.key limit 1)
          union all
          select (select j.key from {schema}.jobs j
                   where j.state = 'available' and j.queue = p_queue and j.key is not null and j.key > b.key
                   order by j.key limit 1)
            from wraps b where b.key is not null and b.key <= cursor_key)
        select b.key from wraps b where b.key is not null and b.key <= cursor_key
         limit p_batch - coalesce(array_length(keys, 1), 0));
    end if;
    share := greatest(1, ceil(allowance::float8 / greatest(1, coalesce(array_length(keys, 1), 0)))::integer);
  end if;

  if allowance > 0 then
    keys := keys || array[null::text]; -- the bucket of jobs without a key, last

    foreach k in array keys loop
      exit when allowance <= 0;
      quota := least(allowance, share * coalesce(
        (select w.weight from unnest(p_weight_keys, p_weights) as w(key, weight) where w.key = k), 1));
      if k is null then
        picked := array(
          select s.id from {schema}.jobs s
           where s.state = 'available' and s.queue = p_queue and s.key is null and s.run_at <= t and s.task = any(p_tasks)
           order by s.priority, s.run_at, s.id limit quota for update of s skip locked);
      else
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
          -- one at a time, in id order: only the key's first open job may start, and only when due
          select j.id, j.state, j.run_at, j.task into first_job from {schema}.jobs j
           where j.queue = p_queue and j.key = k and j.state in ('available', 'running')
             and (p_serial_hold or j.state = 'running' or j.run_at <= t)
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
          picked := array(select s.id from {schema}.jobs s where s.id = first_job.id and s.state = 'available'
                           for update of s skip locked);
          blocked := true; -- the key's next job can start once this one ends
        else
          picked := array(
            select s.id from {schema}.jobs s
             where s.state = 'available' and s.queue = p_queue and s.key = k and s.run_at <= t and s.task = any(p_tasks)
             order by s.priority, s.run_at, s.id limit quota for update of s skip locked);
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
        served_key := k;
      end if;
      ids := ids || picked;
      allowance := allowance - cardinality(picked);
    end loop;
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
                j.soft_timeout_ms, case when j.awaited then true when j.has_dependents then false end as flagged, j.traceparent, j.rescues)
    select * from claimed c order by c.priority, c.run_at, c.id
  loop
    id := r.id; queue := r.queue; task := r.task; args := r.args; priority := r.priority; attempt := r.attempt;
    max_attempts := r.max_attempts; timeout_ms := r.timeout_ms; run_at := r.run_at; created_at := r.created_at;
    soft_timeout_ms := r.soft_timeout_ms; flagged := r.flagged; traceparent := r.traceparent;
    rescues := r.rescues; wait_ms := null;
    return next;
  end loop;
  if blocked then
    -- a key at its limit, or a serial key whose job runs: its next job may start when a run ends, on any
    -- worker, which tells nobody; try again soon
    wait := least(wait, p_recheck_ms);
  end if;
  if wait is not null then
    id := null; queue := p_queue; task := null; args := null; priority := null; attempt := null;
    max_attempts := null; timeout_ms := null; run_at := null; created_at := null; soft_timeout_ms := null; flagged := null;
    traceparent := null; rescues := null; wait_ms := wait;
    return next;
  end if;
end $$

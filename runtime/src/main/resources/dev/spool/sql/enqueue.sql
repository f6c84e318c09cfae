-- Queries of the JobClient: enqueue one job, a batch, or look up the holder of a unique key.
-- run_at is $run_at when given, else now() plus a delay in milliseconds, so all times are the database's.
-- traceparent is the enqueuer's W3C trace context (impl.trace.Tracing), null when no span was current: a
-- null column costs the row one bit of its null bitmap, so untraced jobs write no more than before.

-- Each enqueue notifies the queues it filled with due jobs, once per queue, at commit.
-- name: InsertJob
with inserted as (
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, unique_key, soft_timeout_ms, key,
                            traceparent)
  values ($1, $2, $3, $4, coalesce($5, now() + $6::float8 * interval '1 millisecond'), $7, $8, $9, $10, $11, $12)
  on conflict (unique_key) where unique_key is not null and state in ('available', 'running') do nothing
  returning id, queue, run_at),
woken as (
  select pg_notify('{channel}', queue) from inserted where run_at <= now())
select id, (select count(*) from woken) as woken from inserted

-- name: FindUniqueHolder
select id from {schema}.jobs where unique_key = $1 and state in ('available', 'running')

-- A batch is enqueued by one call, under one span (or none): its traceparent, $11, is every job's. Each array
-- holds one value per job, except (EnqueueParams.batchColumns) that a column every job must have ($1, $2, $4,
-- $6, $7) may hold one value for all, which the coalesce applies where unnest pads with null, and that a
-- nullable column ($5, $8, $9, $10) null for every job may be empty. The arrays are named once, in p, so that
-- the JDBC client, whose ? stand for one use each, sends each once.
-- name: InsertJobs
with inserted as (
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, soft_timeout_ms, key,
                            traceparent)
  select coalesce(u.queue, p.queue[1]), coalesce(u.task, p.task[1]), u.args, coalesce(u.priority, p.priority[1]),
         coalesce(u.run_at, now() + coalesce(u.delay_ms, p.delay_ms[1]) * interval '1 millisecond'),
         coalesce(u.max_attempts, p.max_attempts[1]), u.timeout_ms, u.soft_timeout_ms, u.key, p.traceparent
    from (select $1::text[] as queue, $2::text[] as task, $3::bytea[] as args, $4::smallint[] as priority,
                 $5::timestamptz[] as run_at, $6::float8[] as delay_ms, $7::int[] as max_attempts, $8::int[] as timeout_ms,
                 $9::int[] as soft_timeout_ms, $10::text[] as key, $11::text as traceparent) p,
         unnest(p.queue, p.task, p.args, p.priority, p.run_at, p.delay_ms, p.max_attempts, p.timeout_ms,
                p.soft_timeout_ms, p.key)
         as u(queue, task, args, priority, run_at, delay_ms, max_attempts, timeout_ms, soft_timeout_ms, key)
  returning id, queue, run_at),
woken as (
  select pg_notify('{channel}', d.queue) from (select distinct queue from inserted where run_at <= now()) d)
select id, (select count(*) from woken) as woken from inserted

-- The SQL enqueue, for clients in other languages and plain SQL: validates like the Java client (names, key,
-- priority, attempts, time limits, payload size), inserts (waiting behind depends_on, or deduplicated by
-- unique_key), and notifies the queue's workers when the job is due. The migrator defines it after the
-- migrations on every migrate (create or replace): this is its only text; a change of its parameters needs a
-- migration that drops it first (as V013 did).
-- name: EnqueueFunction
create or replace function {schema}.enqueue(
  task text,
  args jsonb default '{}'::jsonb,
  queue text default 'default',
  priority integer default 0,
  run_at timestamptz default now(),
  max_attempts integer default 20,
  timeout_ms integer default null,
  unique_key text default null,
  soft_timeout_ms integer default null,
  depends_on bigint[] default null,
  run_on_parent_failure boolean default false,
  key text default null,
  traceparent text default null
) returns bigint language plpgsql as $$
#variable_conflict use_column
declare
  new_id bigint;
  payload bytea;
  max_payload integer;
begin
  perform {schema}.check_name('task name', enqueue.task);
  perform {schema}.check_name('queue', coalesce(enqueue.queue, 'default'));
  if enqueue.unique_key is not null then
    perform {schema}.check_name('unique key', enqueue.unique_key);
  end if;
  if enqueue.key is not null and (length(enqueue.key) = 0 or length(enqueue.key) > 255) then
    raise exception 'spool: key must be 1..255 characters, got %', length(enqueue.key) using errcode = '22023';
  end if;
  if coalesce(enqueue.priority, 0) not between -32768 and 32767 then
    raise exception 'spool: priority must be between -32768 and 32767, got %', enqueue.priority using errcode = '22023';
  end if;
  if coalesce(enqueue.max_attempts, 20) < 1 then
    raise exception 'spool: max_attempts must be at least 1, got %', enqueue.max_attempts using errcode = '22023';
  end if;
  if enqueue.timeout_ms is not null and enqueue.timeout_ms < 1 then
    raise exception 'spool: timeout_ms must be at least 1, got %', enqueue.timeout_ms using errcode = '22023';
  end if;
  if enqueue.soft_timeout_ms <= 0 or enqueue.soft_timeout_ms >= enqueue.timeout_ms then
    raise exception 'spool: soft_timeout_ms (%) must be positive and below timeout_ms (%)',
      enqueue.soft_timeout_ms, enqueue.timeout_ms using errcode = '22023';
  end if;
  payload := convert_to(coalesce(enqueue.args, '{}'::jsonb)::text, 'UTF8');
  select s.value::integer into max_payload from {schema}.settings s where s.name = 'max_payload_bytes';
  if octet_length(payload) > coalesce(max_payload, 1048576) then
    raise exception 'spool: args are % bytes, over the limit of % (SpoolOptions.maxPayloadBytes)',
      octet_length(payload), coalesce(max_payload, 1048576) using errcode = '54000';
  end if;
  if depends_on is not null and cardinality(depends_on) > 0 then
    if unique_key is not null then
      raise exception 'spool: a job with parents cannot have a unique key' using errcode = 'SP400';
    end if;
    new_id := nextval(pg_get_serial_sequence('{schema}.jobs', 'id'));
    insert into {schema}.jobs (id, queue, task, args, priority, run_at, max_attempts, timeout_ms, soft_timeout_ms,
                               state, pending_parents, run_on_parent_failure, key, traceparent)
      values (new_id, coalesce(enqueue.queue, 'default'), enqueue.task, payload,
              coalesce(enqueue.priority, 0), coalesce(enqueue.run_at, now()), coalesce(enqueue.max_attempts, 20),
              enqueue.timeout_ms, enqueue.soft_timeout_ms, 'waiting', 0,
              nullif(coalesce(enqueue.run_on_parent_failure, false), false),
              enqueue.key, enqueue.traceparent);
    perform {schema}.add_parents(array_fill(new_id, array[cardinality(depends_on)]), depends_on);
    return new_id;
  end if;
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, unique_key, soft_timeout_ms, key,
                             traceparent)
    values (coalesce(enqueue.queue, 'default'), enqueue.task, payload,
            coalesce(enqueue.priority, 0), coalesce(enqueue.run_at, now()), coalesce(enqueue.max_attempts, 20),
            enqueue.timeout_ms, enqueue.unique_key, enqueue.soft_timeout_ms, enqueue.key, enqueue.traceparent)
    on conflict (unique_key) where unique_key is not null and state in ('available', 'running') do nothing
    returning id into new_id;
  if new_id is null then
    select j.id into new_id from {schema}.jobs j
      where j.unique_key = enqueue.unique_key and j.state in ('available', 'running');
  elsif coalesce(enqueue.run_at, now()) <= now() then
    perform pg_notify('{channel}', coalesce(enqueue.queue, 'default'));
  end if;
  return new_id;
end $$;

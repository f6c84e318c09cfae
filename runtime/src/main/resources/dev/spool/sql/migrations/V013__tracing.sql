-- Tracing: the W3C trace context (traceparent) of the span that was current where a job was enqueued, so
-- that its runs are spans of the same trace (impl.trace.Tracing). Null for a job enqueued under no span, or
-- by an application without OpenTelemetry: a null costs one bit of the row's null bitmap, and as jobs has some
-- thirty columns that bit lies in bytes the tuple header's alignment pads anyway, so an untraced row and its
-- WAL record are no larger than before. It is kept as given; a worker that cannot read it counts it and runs
-- the job without a parent span.
alter table {schema}.jobs add column traceparent text;

-- The claims return it (claim.sql): the limited and keyed claim functions change their columns, which
-- create or replace cannot do, so they are dropped here and defined again from claim.sql after migrating.
drop function if exists {schema}.claim_limited(text, text[], integer, text, float8, integer, text[], integer[], float8[],
  text[], float8);
drop function if exists {schema}.claim_keyed(text, text[], integer, text, float8, integer, integer, integer, float8,
  boolean, boolean, text[], integer[], float8);

-- A workflow's steps carry it too: enqueue_workflow (workflow.sql) takes one more parameter.
drop function if exists {schema}.enqueue_workflow(text, text[], text[], text[], bytea[], smallint[], timestamptz[],
  float8[], integer[], integer[], text[], boolean[], integer[], integer[]);

-- enqueue as in V011, with traceparent: a client in another language, or SQL that knows its caller's trace,
-- passes it (enqueue('t', args, traceparent => '00-...-01')).
drop function {schema}.enqueue(text, jsonb, text, integer, timestamptz, integer, integer, text, integer, bigint[], boolean,
  text);

create function {schema}.enqueue(
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

-- Operations: the SQL enqueue refuses what no worker could run, and workers say which tasks they serve.

-- Settings the runtime writes at every migrate, for the SQL functions to read: max_payload_bytes is the
-- SpoolOptions limit of the last process that migrated (the JobClient checks its own in Java).
create table {schema}.settings (
  name  text primary key,
  value text not null
);

-- The rule of names (dev.spool.Names, applied by EnqueueOptions, Task and the admin API's filters): 1 to
-- 200 characters, not blank, no control characters. A job whose queue or task breaks it is one no worker
-- can be configured to serve: it would wait forever.
create function {schema}.check_name(what text, name text) returns void language plpgsql immutable as $$
begin
  if name is null or name ~ '^[[:space:]]*$' then
    raise exception 'spool: % must not be empty', what using errcode = '22023';
  elsif length(name) > 200 then
    raise exception 'spool: % must be at most 200 characters, got %', what, length(name) using errcode = '22023';
  elsif name ~ '[\x01-\x1f\x7f-\x9f]' then
    raise exception 'spool: % must not contain control characters', what using errcode = '22023';
  end if;
end $$;

-- enqueue, redefined (V001's took priority as smallint, so "priority => 5", an integer literal, matched no
-- function; it accepted any queue name and any payload size). The whole definition, as it now stands:
-- priority is an integer checked against the smallint range, names follow check_name, max_attempts and
-- timeout_ms are checked with clear messages, and the payload is refused over settings.max_payload_bytes
-- (1 MiB, SpoolOptions' default, until a Spool migrates).
drop function {schema}.enqueue(text, jsonb, text, smallint, timestamptz, integer, integer, text);

create function {schema}.enqueue(
  task text,
  args jsonb default '{}'::jsonb,
  queue text default 'default',
  priority integer default 0,
  run_at timestamptz default now(),
  max_attempts integer default 20,
  timeout_ms integer default null,
  unique_key text default null
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
  if coalesce(enqueue.priority, 0) not between -32768 and 32767 then
    raise exception 'spool: priority must be between -32768 and 32767, got %', enqueue.priority using errcode = '22023';
  end if;
  if coalesce(enqueue.max_attempts, 20) < 1 then
    raise exception 'spool: max_attempts must be at least 1, got %', enqueue.max_attempts using errcode = '22023';
  end if;
  if enqueue.timeout_ms is not null and enqueue.timeout_ms < 1 then
    raise exception 'spool: timeout_ms must be at least 1, got %', enqueue.timeout_ms using errcode = '22023';
  end if;
  payload := convert_to(coalesce(enqueue.args, '{}'::jsonb)::text, 'UTF8');
  select s.value::integer into max_payload from {schema}.settings s where s.name = 'max_payload_bytes';
  if octet_length(payload) > coalesce(max_payload, 1048576) then
    raise exception 'spool: args are % bytes, over the limit of % (SpoolOptions.maxPayloadBytes)',
      octet_length(payload), coalesce(max_payload, 1048576) using errcode = '54000';
  end if;
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, unique_key)
    values (coalesce(enqueue.queue, 'default'), enqueue.task, payload,
            coalesce(enqueue.priority, 0), coalesce(enqueue.run_at, now()), coalesce(enqueue.max_attempts, 20),
            enqueue.timeout_ms, enqueue.unique_key)
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

-- Workers register the tasks they handle beside their queues, so explain can tell a job whose task no
-- live worker serves (it would wait forever) from one that merely waits its turn; and their cluster-wide
-- limits ({"queue:<q>": {"rate": n, "window_ms": w, "concurrency": c}, "task:<t>": {"rate": n, "window_ms": w}}),
-- which live in the workers' options, so explain can say a rate window is full and until when. Both are
-- written when the worker registers, not at each heartbeat.
alter table {schema}.workers add column tasks text[];
alter table {schema}.workers add column limits jsonb;

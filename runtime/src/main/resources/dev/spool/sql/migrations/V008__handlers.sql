-- Handlers as users write them: a job may carry a soft time limit of its own beside its hard one
-- (timeout_ms). At the soft limit its handler is told and a warning is logged; at the hard limit the run
-- fails. Null takes the handler's (HandlerOptions.softTimeout).
--
-- Adding a nullable column without a default only touches the catalog. The rule (positive, below the
-- job's own hard limit when it has one) holds for every later insert and update; NOT VALID skips the scan
-- of the existing rows under an exclusive lock, which cannot break it: their new column is null.
alter table {schema}.jobs add column soft_timeout_ms integer;
alter table {schema}.jobs add constraint jobs_soft_timeout
  check (soft_timeout_ms is null or (soft_timeout_ms > 0 and (timeout_ms is null or soft_timeout_ms < timeout_ms)))
  not valid;

-- The claims return the new column, so the limited claim's result type changes, which CREATE OR REPLACE
-- cannot do: drop it here; the migrator defines it again from claim.sql right after the migrations.
drop function if exists {schema}.claim_limited(text, text[], integer, text, float8, integer, text[], integer[],
  float8[], text[], float8);

-- enqueue() takes the soft limit too: the definition of V001 with one parameter added at the end, so
-- calls that name their arguments or pass the first eight by position keep working.
drop function {schema}.enqueue(text, jsonb, text, smallint, timestamptz, integer, integer, text);

-- Enqueue from any language with plain SQL:
--   select {schema}.enqueue('send-email', '{"to":"a@b.c"}'::jsonb);
--   select {schema}.enqueue('resize', '{"id":7}'::jsonb, timeout_ms => 600000, soft_timeout_ms => 540000);
-- args are stored as the UTF-8 text of the JSON document, which is what the default JSON codec reads.
create function {schema}.enqueue(
  task text,
  args jsonb default '{}'::jsonb,
  queue text default 'default',
  priority smallint default 0,
  run_at timestamptz default now(),
  max_attempts integer default 20,
  timeout_ms integer default null,
  unique_key text default null,
  soft_timeout_ms integer default null
) returns bigint language plpgsql as $$
#variable_conflict use_column
declare
  new_id bigint;
begin
  if task is null or length(task) = 0 then
    raise exception 'spool: task name must not be empty' using errcode = '22023';
  end if;
  if enqueue.soft_timeout_ms <= 0 or enqueue.soft_timeout_ms >= enqueue.timeout_ms then
    raise exception 'spool: soft_timeout_ms (%) must be positive and below timeout_ms (%)',
      enqueue.soft_timeout_ms, enqueue.timeout_ms using errcode = '22023';
  end if;
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, unique_key, soft_timeout_ms)
    values (coalesce(enqueue.queue, 'default'), enqueue.task, convert_to(coalesce(enqueue.args, '{}'::jsonb)::text, 'UTF8'),
            coalesce(enqueue.priority, 0), coalesce(enqueue.run_at, now()), coalesce(enqueue.max_attempts, 20),
            enqueue.timeout_ms, enqueue.unique_key, enqueue.soft_timeout_ms)
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

-- compatible-from: 11 (declared when windows were introduced: no older runtime was checked against it)
-- Keys: a job may carry a key (a tenant, an account, a document) that a queue can limit (running jobs and
-- starts per key, across all workers), share fairly (round robin between keys) or run one at a time in
-- order. Plain jobs have no key and are in none of the indexes below, so they pay nothing for them.
alter table {schema}.jobs add column key text;
-- NOT VALID, as V008's: the column is new, so no existing row can break the rule, and validating would scan the
-- whole table under the ACCESS EXCLUSIVE lock the column took (every enqueue and claim waiting meanwhile).
alter table {schema}.jobs add constraint jobs_key_length check (key is null or length(key) between 1 and 255)
  not valid;

-- The indexes are built concurrently, after the migration's transaction (MigrationSteps): a plain build holds
-- SHARE on jobs, and no enqueue or claim goes on while it scans the table.
-- The keyed claim reaches the keys that have due jobs by a skip scan of this index, in key order.
create index concurrently if not exists jobs_key_claim on {schema}.jobs (queue, key, priority, run_at, id) where state = 'available' and key is not null;
-- Running jobs of a key (key concurrency) and a key's first open job (serial order).
create index concurrently if not exists jobs_key_running on {schema}.jobs (queue, key) where state = 'running' and key is not null;
create index concurrently if not exists jobs_key_open on {schema}.jobs (queue, key, id) where state in ('available', 'running') and key is not null;

-- Where each keyed queue's round robin stands; locking its row makes that queue's keyed claims take turns.
create table {schema}.key_cursors (
  queue    text primary key,
  last_key text
);

-- enqueue, with every parameter and check this release adds: priority an integer checked against the
-- smallint range, names by check_name (V009), max_attempts and timeout_ms of at least 1, args within
-- settings.max_payload_bytes, soft_timeout_ms (V008), depends_on and run_on_parent_failure (a job with parents waits until every
-- parent finished; its body calls add_parents, workflow.sql) and key.
drop function {schema}.enqueue(text, jsonb, text, smallint, timestamptz, integer, integer, text);

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
  key text default null
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
                               state, pending_parents, run_on_parent_failure, key)
      values (new_id, coalesce(enqueue.queue, 'default'), enqueue.task, payload,
              coalesce(enqueue.priority, 0), coalesce(enqueue.run_at, now()), coalesce(enqueue.max_attempts, 20),
              enqueue.timeout_ms, enqueue.soft_timeout_ms, 'waiting', 0,
              nullif(coalesce(enqueue.run_on_parent_failure, false), false),
              enqueue.key);
    perform {schema}.add_parents(array_fill(new_id, array[cardinality(depends_on)]), depends_on);
    return new_id;
  end if;
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, unique_key, soft_timeout_ms, key)
    values (coalesce(enqueue.queue, 'default'), enqueue.task, payload,
            coalesce(enqueue.priority, 0), coalesce(enqueue.run_at, now()), coalesce(enqueue.max_attempts, 20),
            enqueue.timeout_ms, enqueue.unique_key, enqueue.soft_timeout_ms, enqueue.key)
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

-- compatible-from: 9 (declared when windows were introduced: no older runtime was checked against it)
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

-- enqueue's checks (an integer priority checked against the smallint range, names by check_name,
-- max_attempts and timeout_ms of at least 1, args within settings.max_payload_bytes) are in V011, which
-- defines the function with every parameter this release adds.

-- Workers register the tasks they handle beside their queues, so explain can tell a job whose task no
-- live worker serves (it would wait forever) from one that merely waits its turn; and their cluster-wide
-- limits ({"queue:<q>": {"rate": n, "window_ms": w, "concurrency": c}, "task:<t>": {"rate": n, "window_ms": w}}),
-- which live in the workers' options, so explain can say a rate window is full and until when. Both are
-- written when the worker registers, not at each heartbeat.
alter table {schema}.workers add column tasks text[];
alter table {schema}.workers add column limits jsonb;

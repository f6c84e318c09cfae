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

-- A batch is enqueued by one call, under one span (or none): its traceparent, $11, is every job's.
-- name: InsertJobs
with inserted as (
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, soft_timeout_ms, key,
                            traceparent)
  select u.queue, u.task, u.args, u.priority, coalesce(u.run_at, now() + u.delay_ms * interval '1 millisecond'),
         u.max_attempts, u.timeout_ms, u.soft_timeout_ms, u.key, $11::text
    from unnest($1::text[], $2::text[], $3::bytea[], $4::smallint[], $5::timestamptz[], $6::float8[], $7::int[], $8::int[],
                $9::int[], $10::text[])
         as u(queue, task, args, priority, run_at, delay_ms, max_attempts, timeout_ms, soft_timeout_ms, key)
  returning id, queue, run_at),
woken as (
  select pg_notify('{channel}', d.queue) from (select distinct queue from inserted where run_at <= now()) d)
select id, (select count(*) from woken) as woken from inserted

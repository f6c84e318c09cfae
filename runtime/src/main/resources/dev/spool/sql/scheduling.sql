-- Queries of the periodic scheduler: slots of periodic jobs, enqueued once each.

-- The scheduler's first statement in its transaction for one periodic job: creates its row when new and
-- locks it, so a second leader acting at the same moment waits and then sees the slot this one recorded.
-- last_slot is null for a periodic job never scheduled before.
-- name: LockPeriodicJob
insert into {schema}.periodic_jobs as p (name) values ($1)
on conflict (name) do update set updated_at = now()
returning p.last_slot

-- Enqueues the chosen slots of a periodic job ($2 slot times, $3 their unique keys; run_at is the slot,
-- or now when the database's clock is behind) and records $4 as the last slot handled. Like every
-- enqueue, it notifies the queue it filled, at commit, so idle workers need not wait for their poll.
-- name: EnqueuePeriodicSlots
with recorded as (
  update {schema}.periodic_jobs set last_slot = greatest(last_slot, $4), updated_at = now() where name = $1),
inserted as (
  insert into {schema}.jobs (queue, task, args, priority, run_at, max_attempts, timeout_ms, unique_key, soft_timeout_ms)
  select $5, $6, $7, $8, least(s.slot, now()), $9, $10, s.unique_key, $11
    from unnest($2::timestamptz[], $3::text[]) as s(slot, unique_key)
  on conflict (unique_key) where unique_key is not null and state in ('available', 'running') do nothing
  returning id, queue, run_at),
woken as (
  select pg_notify('{channel}', d.queue) from (select distinct queue from inserted where run_at <= now()) d)
select id, (select count(*) from woken) as woken from inserted

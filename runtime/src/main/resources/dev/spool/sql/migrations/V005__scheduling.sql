-- compatible-from: 5 (declared when windows were introduced: no older runtime was checked against it)
-- Scheduling and flow control: the last slot of each periodic job, the recent claims of rate-limited
-- queues and tasks, and an index for the pruner.

-- One row per periodic job: the latest slot the leader enqueued (or skipped under its catch-up policy).
-- The leader locks the row while it enqueues, so two leaders never enqueue the same slot.
create table {schema}.periodic_jobs (
  name       text primary key,
  last_slot  timestamptz,
  updated_at timestamptz not null default now()
);

-- One row per limited queue ('queue:<name>') or rate-limited task ('task:<name>'): the instants of the
-- claims still inside the rate limit's window. A sliding log rather than a token bucket, so no window of
-- that length ever holds more starts than the limit. Claims of a limited queue lock these rows in turn.
create table {schema}.rate_limits (
  key    text primary key,
  starts timestamptz[] not null default '{}'
);

-- The pruner deletes completed and cancelled jobs by age (dead ones by jobs_dead). The default path never
-- leaves such rows (completed jobs are deleted at once), so this index costs it nothing.
create index concurrently if not exists jobs_finished on {schema}.jobs (state, finished_at) where state in ('completed', 'cancelled');

-- The claim of limited queues, the function claim_limited, is defined by claim.sql (ClaimLimitedFunction),
-- which the migrator runs after the migrations every time: its body lives in one place only.

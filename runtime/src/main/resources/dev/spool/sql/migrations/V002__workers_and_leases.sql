-- compatible-from: 2 (declared when windows were introduced: no older runtime was checked against it)
-- Crash safety: a row per live worker, a leader lease, running jobs findable by owner and lease expiry,
-- and a persistent cancel request for running jobs.

create table {schema}.workers (
  id           text primary key,
  queues       text[] not null,
  started_at   timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);

-- One row per elected role; the holder renews expires_at, anyone may take it once it has passed.
create table {schema}.leader (
  name       text primary key,
  leader_id  text not null,
  elected_at timestamptz not null default now(),
  expires_at timestamptz not null
);

-- Built concurrently, after the migration's transaction (MigrationSteps), as every later index on jobs: a plain
-- build holds SHARE on jobs, and no enqueue or claim goes on while it scans the table.
-- The rescuer and the heartbeat's lease extension read running jobs by lease expiry; only running rows
-- are in the index, so it stays as small as the work in flight. lease_owner is left out on purpose: with
-- it, the planner prefers this index over the primary key for acks (which filter on the owner) and turns
-- each batch ack into a scan of everything the worker holds.
create index concurrently if not exists jobs_running on {schema}.jobs (lease_expires_at) where state = 'running';

-- Set by cancel on a running job: its worker is told through NOTIFY, and whatever the run's outcome
-- other than success, the job ends cancelled rather than retried.
alter table {schema}.jobs add column cancel_requested_at timestamptz;

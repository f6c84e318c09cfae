-- compatible-from: 3 (declared when windows were introduced: no older runtime was checked against it)
-- Queue settings shared by every node. A paused queue still takes enqueues; claims skip it.
create table {schema}.queues (
  name       text primary key,
  paused     boolean not null default false,
  paused_at  timestamptz,
  updated_at timestamptz not null default now()
);

-- compatible-from: 7 (declared when windows were introduced: no older runtime was checked against it)
-- The dashboard: what each live worker did over its last heartbeat interval (per queue: finished and
-- failed runs a second, pickup lag), summed for cluster-wide throughput without counting job rows; and
-- dead letters per queue, newest first, from an index as small as the dead-letter queue (a job dies
-- rarely, so the hot path does not pay for it).
alter table {schema}.workers add column activity jsonb;

create index concurrently if not exists jobs_dead_queue on {schema}.jobs (queue, id) where state = 'dead';

-- Dead letters of all queues newest first (the dashboard's list and /api/dead): without it, the walk down
-- the primary key crosses every newer live or finished job before the first dead one. Its predicate says
-- "id > 0" (true of every job) so that only queries saying so too can use it: ListJobs does; the
-- dashboard's capped count of one queue's dead letters does not, and so stays on jobs_dead_queue instead
-- of walking every dead letter in id order hoping to meet that queue's.
create index concurrently if not exists jobs_dead_id on {schema}.jobs (id) where state = 'dead' and id > 0;

-- Queries of the producer: claim a batch of due jobs of one queue, only of the tasks this worker handles,
-- unless the queue is paused (one primary-key probe per claim, so a pause holds on every node at once).

-- The ids go through an array rather than a join: a prepared statement's generic plan cannot see the
-- LIMIT, guesses thousands of rows and hashes the whole table for a join; id = any(array) stays on the
-- primary key whatever the guess. UPDATE ... RETURNING gives rows in the table's order, not the claim's,
-- so the batch is sorted again on the way out: the prefetch buffer runs it first to last.
-- UPDATE ... RETURNING hands rows back in table order, not claim order: the producer sorts each batch
-- by (priority, run_at, id) itself, which costs the JVM microseconds and the database nothing.
-- name: ClaimJobs
update {schema}.jobs j
   set state = 'running', attempt = j.attempt + 1, lease_owner = $4,
       lease_expires_at = now() + $5::float8 * interval '1 millisecond', attempted_at = now()
 where j.id = any(array(
   select id from {schema}.jobs
    where state = 'available' and queue = $1 and run_at <= now() and task = any($2)
      and not exists (select 1 from {schema}.queues q where q.name = $1 and q.paused)
    order by priority, run_at, id
    limit $3
    for update skip locked))
returning j.id, j.queue, j.task, j.args, j.priority, j.attempt, j.max_attempts, j.timeout_ms, j.run_at, j.created_at

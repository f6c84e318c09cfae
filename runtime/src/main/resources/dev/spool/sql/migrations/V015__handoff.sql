-- compatible-from: 15 (declared when windows were introduced: no older runtime was checked against it)
-- A chain's next step goes straight to the worker that acked its parent: complete_jobs claims the children
-- it releases (of the acking worker's plain queues and tasks) in the ack's own statement and returns them,
-- and tell() leaves those queues un-notified, so no other worker wakes to claim a step already taken.
-- Both change their parameters or columns, which create or replace cannot do: they are dropped here and
-- defined again from workflow.sql after the migrations.
drop function if exists {schema}.tell(bigint[], bigint[], bigint[]);
drop function if exists {schema}.complete_jobs(bigint[], integer[], bytea[], text);

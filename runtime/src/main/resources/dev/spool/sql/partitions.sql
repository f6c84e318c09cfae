-- Queries of the kept history's partitions (jobs_done, see V017), run by the leader's DonePartitioner on a
-- connection of its own, and of the pruner for the partition that straddles the retention boundary.

-- The partitioner's session: each lock it asks for is waited for at most $1 ms (then it tries again at its next
-- pass), and a statement runs at most 1 minute. None of its locks is one an ack's insert waits for (SHARE UPDATE
-- EXCLUSIVE on jobs_done to attach or detach; ACCESS EXCLUSIVE only on a partition already detached, to drop it).
-- name: PartitionTimeouts
select set_config('lock_timeout', ($1::bigint)::text || 'ms', false), set_config('statement_timeout', '1min', false)

-- Partitions of $1 ms each, made ahead up to $2 ms from now (see extend_done in V017); returns how many it made.
-- name: ExtendDone
select {schema}.extend_done($1::float8 * interval '1 millisecond', now() + $2::float8 * interval '1 millisecond') as added

-- Partitions the pruner would leave empty, oldest first: past the window of kept completed jobs $1 ms, and, when a row
-- with a result was moved into it (results, V018), past the window of results $2 ms too (null: kept for ever); with
-- whether each is still attached, or half-detached (a DETACH ... CONCURRENTLY interrupted after its first
-- transaction: FINALIZE completes it).
-- name: DonePartitionsPast
select p.name, i.inhrelid is not null as attached, coalesce(i.inhdetachpending, false) as pending
  from {schema}.jobs_done_partitions p
  left join pg_inherits i on i.inhparent = '{schema}.jobs_done'::regclass
                         and i.inhrelid = to_regclass(format('%I.%I', '{schema}', p.name))
 where p.ends <= now() - $1::float8 * interval '1 millisecond'
   and (not p.results or p.ends <= now() - $2::float8 * interval '1 millisecond')
 order by p.starts

-- {partition} is a name DonePartitionsPast returned. CONCURRENTLY: SHARE UPDATE EXCLUSIVE on jobs_done, then
-- it waits for the transactions that may read the partition (a reader of the history) to end.
-- name: DetachDonePartition
alter table {schema}.jobs_done detach partition {schema}."{partition}" concurrently

-- name: FinalizeDonePartition
alter table {schema}.jobs_done detach partition {schema}."{partition}" finalize

-- name: DropDonePartition
drop table if exists {schema}."{partition}"

-- name: ForgetDonePartition
delete from {schema}.jobs_done_partitions where name = $1

-- The pruner: rows of jobs_done past their window $1 ms, a batch of $2 at most: with $5 false those without a result
-- (nor a workflow), which go by the window of kept completed jobs, with $5 true the others, which go by the window of
-- results (Pruner.keptWindow and resultsWindow, $3 and $4 here; $4 null: results kept for ever). Only in the
-- partitions the partitioner does not drop whole yet (DonePartitionsPast: past $3, and past $4 too when it holds
-- results): those it drops keep their rows until they are dropped, rather than have them deleted one by one
-- meanwhile. Such rows are in the partition that straddles the window's boundary, and, for rows without a result, in
-- those past it that hold results younger than their window (a partition is read through the BRIN index of its own
-- range; the rows with a result there are read again at each pass, as PruneCompleted walked past them in jobs).
-- name: PruneDone
delete from {schema}.jobs_done d
 where d.finished_at < now() - $1::float8 * interval '1 millisecond'
   and d.id = any(array(
     select x.id from {schema}.jobs_done_partitions p
      cross join lateral (
        select x.id from {schema}.jobs_done x
         where x.finished_at >= p.starts and x.finished_at < p.ends
           and x.finished_at < now() - $1::float8 * interval '1 millisecond'
           and (x.result is not null or x.workflow_id is not null) = $5::boolean
         limit $2) x
      where p.starts < now() - $1::float8 * interval '1 millisecond'
        and not coalesce(p.ends <= now() - $3::float8 * interval '1 millisecond'
                         and (not p.results or p.ends <= now() - $4::float8 * interval '1 millisecond'), false)
      limit $2))
package dev.spool;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's view of a Spool: find and list jobs, run dead or cancelled ones again, purge dead
 * letters, see queues. The admin HTTP API and the CLI are built on it; cancel, pause and resume are on
 * {@link JobClient}. Every method returns a {@link Future}; nothing blocks and nothing here is on the
 * workers' hot path.
 *
 * <p>It has a small pool of its own (at most {@link #POOL_SIZE} connections, opened on first use) whose
 * statements are planned with their actual filters, so each listing uses the index of the state asked
 * for. {@link #close()} it when done. Get one from {@link Spool#admin()}.
 */
public interface JobAdmin {

  /** The most connections the admin's own pool opens. */
  int POOL_SIZE = 2;
  /** The most events {@link #history} returns for one job. */
  int MAX_EVENTS = 1000;
  /** {@link #explain} counts jobs ahead (and running ones) up to this. */
  int EXPLAIN_COUNT_LIMIT = 10_000;
  /** {@link #explain} of a waiting job names (and explains) up to this many of its unfinished parents. */
  int EXPLAIN_PARENT_LIMIT = 10;
  /** {@link #unserved} looks at this many due jobs per queue. */
  int UNSERVED_SAMPLE = 500;
  /** The most jobs one statement of a bulk action changes. */
  int BULK_BATCH = 5_000;
  /**
   * After each statement of a bulk action, a pause this many times as long as the statement took: a bulk
   * action takes at most half the database time it could get, and the workers draining other queues keep the
   * rest (measured, 1,000,000 jobs cancelled beside a drain: 0.65 × the drain's undisturbed rate back to back).
   */
  double BULK_PAUSE_SHARE = 1.0;
  /** Workers that heartbeated this recently are live for {@link #explain}. */
  Duration LIVE_WITHIN = Duration.ofSeconds(5);

  /**
   * Jobs matching the query, newest first.
   *
   * @param query the conditions, page and order
   * @return the matching jobs, at most the query's limit
   */
  Future<List<Job>> list(JobQuery query);

  /**
   * The job with this id, if it is (still) stored.
   *
   * @param id the job's id
   * @return the job, or empty
   */
  Future<Optional<Job>> find(long id);

  /**
   * A job's recorded transitions, oldest first; empty when history is off or was off while it ran.
   *
   * @param id the job's id
   * @return the job's events, at most {@link #MAX_EVENTS}
   */
  Future<List<JobEvent>> history(long id);

  /**
   * Whether job history is being recorded in this schema.
   *
   * @return true when history is on
   */
  Future<Boolean> historyEnabled();

  /**
   * Runs a dead or cancelled job again, at once. See {@link RetryResult}.
   *
   * @param id the job's id
   * @return what became of the request
   */
  Future<RetryResult> retry(long id);

  /**
   * Runs every dead job (of this queue and task, each when not null) again; completes with how many.
   * Each gets one more attempt when its attempts were used up; of several with one unique key only the
   * newest, and none whose key a live job holds. Like {@link #retry}, the dependents a retried job had
   * cancelled wait again (and run once it completes).
   *
   * @param queue a queue name, or null for every queue
   * @param task a task name, or null for every task
   * @return how many dead jobs run again
   */
  Future<Integer> retryDead(String queue, String task);

  /**
   * Deletes every dead job (of this queue and task, each when not null); completes with how many.
   *
   * @param queue a queue name, or null for every queue
   * @param task a task name, or null for every task
   * @return how many dead jobs were deleted
   */
  Future<Integer> purgeDead(String queue, String task);

  /**
   * Every queue with jobs or settings: pause, jobs per state, age of the oldest due job.
   *
   * @return the queues, by name
   */
  Future<List<QueueSummary>> queues();

  /**
   * Every queue with due, scheduled, running or dead jobs, settings or live workers, read from indexes
   * only: the dashboard polls it. Counts stop at {@code countLimit}; workers are live when they
   * heartbeated within {@code liveWithin}.
   *
   * @param countLimit the count at which counting stops
   * @param liveWithin how recent a worker's heartbeat must be
   * @return the queues' activity
   */
  Future<List<QueueActivity>> activity(int countLimit, Duration liveWithin);

  /**
   * The number of rows of the jobs table as the planner estimates it, without counting them.
   *
   * @return the estimated row count
   */
  Future<Long> estimatedJobs();

  /**
   * The highest job id so far (0 for an empty table): where a {@link JobQuery#setDepth deep} search starts.
   *
   * @return the highest id, or 0
   */
  Future<Long> newestJobId();

  /**
   * Deletes history events older than {@code age}; completes with how many.
   *
   * @param age how old an event must be to go
   * @return how many events were deleted
   */
  Future<Long> pruneHistory(Duration age);

  /**
   * Completes when the database answers a trivial statement, fails with why it does not.
   *
   * @return a future that completes once the database answered
   */
  Future<Void> ping();

  /**
   * The worker that holds the maintenance lease (the leader), or empty when none does.
   *
   * @return the leader's node id, or empty
   */
  Future<Optional<String>> leader();

  /**
   * Per queue that is not paused and has due jobs, how long its oldest due job has waited, longest
   * first. Reads only available rows (through the claim index).
   *
   * @return the longest waits by queue name, longest first
   */
  Future<Map<String, Duration>> oldestDueWaits();

  /**
   * Jobs per queue and state, with their oldest run_at; one scan of the table, for metrics gauges.
   *
   * @return the depths, one per queue and state
   */
  Future<List<QueueDepth>> depths();

  /**
   * Jobs whose ids are within {@code [firstId, lastId]}, counted per state (scheduled apart).
   *
   * @param firstId the lowest id counted
   * @param lastId the highest id counted
   * @return counts by state; states without jobs are absent
   */
  Future<Map<JobState, Long>> countByState(long firstId, long lastId);

  /**
   * The keys of {@code queue} with work: how many, and the {@code limit} busiest with their running jobs.
   *
   * @param queue the queue's name
   * @param limit how many of the busiest keys to list
   * @return the queue's key count and busiest keys
   */
  Future<QueueKeys> keys(String queue, int limit);

  /**
   * Why this job is not running, from the database's state: waiting on parents (each named with its own
   * first reason, up to {@link #EXPLAIN_PARENT_LIMIT}), due later, queue paused, a rate window full until T,
   * cluster-wide concurrency saturated, N due jobs ahead of it, no live worker for its queue or task, running
   * on a worker that is gone. Empty when there is no such job. Reads a bounded number of index entries
   * whatever the table's size (jobs ahead and parents are counted up to {@link #EXPLAIN_COUNT_LIMIT}).
   *
   * @param id the job's id
   * @return the explanation, or empty when no such job is stored
   */
  Future<Optional<JobExplanation>> explain(long id);

  /**
   * Due jobs no live worker (one that heartbeated within {@code liveWithin}) can claim, per queue that is not
   * paused and task; each queue's first {@link #UNSERVED_SAMPLE} due jobs in claim order are looked at.
   *
   * @param liveWithin how recent a worker's heartbeat must be
   * @return the unserved tasks, per queue
   */
  Future<List<Unserved>> unserved(Duration liveWithin);

  /**
   * What holds back vacuum of the database (sessions, prepared transactions, replication slots), with the
   * jobs table's dead row versions: one statement over shared memory and the statistics (see horizon.sql),
   * cheap enough for a metrics refresh, never run per claim.
   *
   * @return the holders and the jobs table's figures
   */
  Future<VacuumHorizon> vacuumHorizon();

  /**
   * The registered workers, by id, with the jobs each runs (active) and holds in its prefetch buffer (reserved)
   * as of its last heartbeat: one row per worker, never a statement per job.
   *
   * @return the workers, by id
   */
  Future<List<WorkerStatus>> workers();

  /**
   * Pending jobs matching the filter, counted (the dry run of a bulk action).
   *
   * @param filter which pending jobs
   * @return how many match
   */
  Future<Long> countPending(BulkFilter filter);

  /**
   * Cancels the pending jobs matching the filter, in statements of at most {@link #BULK_BATCH} jobs each (its
   * own transaction, each followed by a pause as long as itself: {@link #BULK_PAUSE_SHARE}), so a million-job
   * purge never holds one long lock nor starves the workers; jobs a worker is claiming at that
   * moment are skipped. Completes with how many; 0 when none match. Fails with an
   * {@link IllegalArgumentException} for a filter without conditions that does not say {@code all}.
   *
   * @param filter which pending jobs
   * @return how many were cancelled
   */
  Future<Long> cancelPending(BulkFilter filter);

  /**
   * Deletes the pending jobs matching the filter, as {@link #cancelPending} does (batches, refusal).
   *
   * @param filter which pending jobs
   * @return how many were deleted
   */
  Future<Long> deletePending(BulkFilter filter);

  /**
   * Moves the pending jobs matching the filter to queue {@code toQueue} (a valid queue name), in batches as
   * {@link #cancelPending}; wakes its workers. Jobs already in {@code toQueue} are left alone.
   *
   * @param filter which pending jobs
   * @param toQueue the queue they move to
   * @return how many were moved
   */
  Future<Long> movePending(BulkFilter filter, String toQueue);

  /**
   * Closes the admin's own connections.
   *
   * @return a future that completes once they are closed
   */
  Future<Void> close();

  /**
   * The job's state, result (or error) and progress, with its parents' and children's ids; empty when unknown.
   *
   * @param id the job's id
   * @return the outcome as the admin API shows it, or empty
   */
  Future<Optional<JsonObject>> outcome(long id);

  /**
   * The results (or errors) of the stored jobs among {@code ids}, in id order; ids no longer stored are left
   * out. One statement for all of them, so a workflow's view reads its steps' results in one round trip.
   *
   * @param ids job ids
   * @return the stored jobs' results, in id order
   */
  Future<List<JobResult>> results(List<Long> ids);

  /**
   * A workflow's steps and their states; empty when there is no such workflow.
   *
   * @param workflowId the workflow's id
   * @return the workflow's status, or empty
   */
  Future<Optional<WorkflowStatus>> workflow(long workflowId);

  /**
   * Cancels a workflow's unfinished steps (see {@link JobClient#cancelWorkflow}).
   *
   * @param workflowId the workflow's id
   * @return how many steps were cancelled or told to stop
   */
  Future<Integer> cancelWorkflow(long workflowId);
}

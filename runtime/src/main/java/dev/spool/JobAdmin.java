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

  /** Jobs matching the query, newest first. */
  Future<List<Job>> list(JobQuery query);

  /** The job with this id, if it is (still) stored. */
  Future<Optional<Job>> find(long id);

  /** A job's recorded transitions, oldest first; empty when history is off or was off while it ran. */
  Future<List<JobEvent>> history(long id);

  /** Whether job history is being recorded in this schema. */
  Future<Boolean> historyEnabled();

  /** Runs a dead or cancelled job again, at once. See {@link RetryResult}. */
  Future<RetryResult> retry(long id);

  /**
   * Runs every dead job (of this queue and task, each when not null) again; completes with how many.
   * Each gets one more attempt when its attempts were used up; of several with one unique key only the
   * newest, and none whose key a live job holds. Like {@link #retry}, the dependents a retried job had
   * cancelled wait again (and run once it completes).
   */
  Future<Integer> retryDead(String queue, String task);

  /** Deletes every dead job (of this queue and task, each when not null); completes with how many. */
  Future<Integer> purgeDead(String queue, String task);

  /** Every queue with jobs or settings: pause, jobs per state, age of the oldest due job. */
  Future<List<QueueSummary>> queues();

  /**
   * Every queue with due, scheduled, running or dead jobs, settings or live workers, read from indexes
   * only: the dashboard polls it. Counts stop at {@code countLimit}; workers are live when they
   * heartbeated within {@code liveWithin}.
   */
  Future<List<QueueActivity>> activity(int countLimit, Duration liveWithin);

  /** The number of rows of the jobs table as the planner estimates it, without counting them. */
  Future<Long> estimatedJobs();

  /** The highest job id so far (0 for an empty table): where a {@link JobQuery#setDepth deep} search starts. */
  Future<Long> newestJobId();

  /** Deletes history events older than {@code age}; completes with how many. */
  Future<Long> pruneHistory(Duration age);

  /** Completes when the database answers a trivial statement, fails with why it does not. */
  Future<Void> ping();

  /** The worker that holds the maintenance lease (the leader), or empty when none does. */
  Future<Optional<String>> leader();

  /**
   * Per queue that is not paused and has due jobs, how long its oldest due job has waited, longest
   * first. Reads only available rows (through the claim index).
   */
  Future<Map<String, Duration>> oldestDueWaits();

  /** Jobs per queue and state, with their oldest run_at; one scan of the table, for metrics gauges. */
  Future<List<QueueDepth>> depths();

  /** Jobs whose ids are within {@code [firstId, lastId]}, counted per state (scheduled apart). */
  Future<Map<JobState, Long>> countByState(long firstId, long lastId);

  /** The keys of {@code queue} with work: how many, and the {@code limit} busiest with their running jobs. */
  Future<QueueKeys> keys(String queue, int limit);

  /**
   * Why this job is not running, from the database's state: waiting on parents (each named with its own
   * first reason, up to {@link #EXPLAIN_PARENT_LIMIT}), due later, queue paused, a rate window full until T,
   * cluster-wide concurrency saturated, N due jobs ahead of it, no live worker for its queue or task, running
   * on a worker that is gone. Empty when there is no such job. Reads a bounded number of index entries
   * whatever the table's size (jobs ahead and parents are counted up to {@link #EXPLAIN_COUNT_LIMIT}).
   */
  Future<Optional<JobExplanation>> explain(long id);

  /**
   * Due jobs no live worker (one that heartbeated within {@code liveWithin}) can claim, per queue that is not
   * paused and task; each queue's first {@link #UNSERVED_SAMPLE} due jobs in claim order are looked at.
   */
  Future<List<Unserved>> unserved(Duration liveWithin);

  /**
   * What holds back vacuum of the database (sessions, prepared transactions, replication slots), with the
   * jobs table's dead row versions: one statement over shared memory and the statistics (see horizon.sql),
   * cheap enough for a metrics refresh, never run per claim.
   */
  Future<VacuumHorizon> vacuumHorizon();

  /**
   * The registered workers, by id, with the jobs each runs (active) and holds in its prefetch buffer (reserved)
   * as of its last heartbeat: one row per worker, never a statement per job.
   */
  Future<List<WorkerStatus>> workers();

  /** Pending jobs matching the filter, counted (the dry run of a bulk action). */
  Future<Long> countPending(BulkFilter filter);

  /**
   * Cancels the pending jobs matching the filter, in statements of at most {@link #BULK_BATCH} jobs each (its
   * own transaction, each followed by a pause as long as itself: {@link #BULK_PAUSE_SHARE}), so a million-job
   * purge never holds one long lock nor starves the workers; jobs a worker is claiming at that
   * moment are skipped. Completes with how many; 0 when none match. Fails with an
   * {@link IllegalArgumentException} for a filter without conditions that does not say {@code all}.
   */
  Future<Long> cancelPending(BulkFilter filter);

  /** Deletes the pending jobs matching the filter, as {@link #cancelPending} does (batches, refusal). */
  Future<Long> deletePending(BulkFilter filter);

  /**
   * Moves the pending jobs matching the filter to queue {@code toQueue} (a valid queue name), in batches as
   * {@link #cancelPending}; wakes its workers. Jobs already in {@code toQueue} are left alone.
   */
  Future<Long> movePending(BulkFilter filter, String toQueue);

  /** Closes the admin's own connections. */
  Future<Void> close();

  /** The job's state, result (or error) and progress, with its parents' and children's ids; empty when unknown. */
  Future<Optional<JsonObject>> outcome(long id);

  /**
   * The results (or errors) of the stored jobs among {@code ids}, in id order; ids no longer stored are left
   * out. One statement for all of them, so a workflow's view reads its steps' results in one round trip.
   */
  Future<List<JobResult>> results(List<Long> ids);

  /** A workflow's steps and their states; empty when there is no such workflow. */
  Future<Optional<WorkflowStatus>> workflow(long workflowId);

  /** Cancels a workflow's unfinished steps (see {@link JobClient#cancelWorkflow}). */
  Future<Integer> cancelWorkflow(long workflowId);
}

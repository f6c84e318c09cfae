package dev.spool.impl.complete;

import dev.spool.SpoolOptions;
import dev.spool.impl.stats.Stats;
import dev.spool.impl.Service;
import dev.spool.impl.job.ClaimedJob;
import dev.spool.impl.sql.Queries;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes outcomes in batches: completions, retries, dead letters and hand-backs collected over a few
 * milliseconds go to the database as one array statement per kind, pipelined on one connection.
 *
 * <p>An outcome is never dropped: when a flush fails (the database went away), its outcomes return to
 * the buffer and are written again after a backoff. Writing twice is harmless, because each statement
 * only touches a row still running the same attempt under this worker's lease.
 *
 * <p>Jobs that have dependents or awaiters (flagged by their claim, or told since) or a result go
 * through statements of their own ({@code CompleteFlagged}, {@code KillFlagged}: the functions
 * {@code complete_jobs} and {@code kill_jobs}) that release or cancel the dependents and notify the awaiters
 * in the same statement as the ack, so no crash can leave a child waiting; every other job keeps the
 * plain statements, unchanged. A completion that someone waits for is written at once when no flush is in
 * flight (a chain's next step must not wait for the flush interval), batched like the rest otherwise; with a
 * {@link Handoff}, the children its ack releases come back claimed for this worker.
 *
 * <p>All methods run on the owning verticle's event loop.
 */
public final class Completer implements Service, OutcomeSink {

  /** Flushes allowed in flight at once; more outcomes wait in the buffer. */
  public static final int MAX_FLUSHES_IN_FLIGHT = 4;
  /** Most acks in one statement when any of them is awaited. */
  static final int AWAITED_CHUNK = 100;
  static final long MIN_RETRY_MS = 100;
  static final long MAX_RETRY_MS = 5_000;

  private final Vertx vertx;
  private final SqlClient client;
  private final String owner;
  private final String completeSql;
  private final String retrySql;
  private final String killSql;
  private final String releaseSql;
  private final String snoozeSql;
  private final String completeFlaggedSql;
  private final boolean moveResults;
  private final String killFlaggedSql;
  private final long flushIntervalMs;
  private final int batchSize;
  private final Stats.Recorder stats;

  private Handoff handoff;
  private Batch pending = new Batch();
  private final List<Batch> inFlight = new ArrayList<>(MAX_FLUSHES_IN_FLIGHT);
  private int flushesInFlight;
  private long flushTimer = -1;
  private int failedFlushes;
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  private final long shutdownTimeoutMs;

  /**
   * @param keepCompleted whether completed jobs are kept (else a plain completion deletes the row)
   * @param keepResults whether completed jobs with a result, dependents or awaiters are kept past their ack (see
   *     {@link #keepsResults}): their ack then moves them to the kept history
   */
  public Completer(Vertx vertx, SqlClient client, Queries queries, String owner, boolean keepCompleted,
      boolean keepResults, Duration flushInterval, int batchSize, Duration shutdownTimeout, Stats.Recorder stats) {
    this.vertx = vertx;
    this.client = client;
    this.owner = owner;
    this.completeSql = queries.get(keepCompleted ? "MarkCompleted" : "DeleteCompleted");
    this.moveResults = keepResults;
    this.retrySql = queries.get("RetryJobs");
    this.killSql = queries.get("KillJobs");
    this.releaseSql = queries.get("ReleaseJobs");
    this.snoozeSql = queries.get("SnoozeJobs");
    this.completeFlaggedSql = queries.get("CompleteFlagged");
    this.killFlaggedSql = queries.get("KillFlagged");
    this.flushIntervalMs = flushInterval.toMillis();
    this.batchSize = batchSize;
    this.shutdownTimeoutMs = shutdownTimeout.toMillis();
    this.stats = stats;
  }

  /**
   * Whether the ack of a completed job with a result, dependents or awaiters ({@code complete_jobs}) moves it to the
   * kept history ({@code jobs_done}, V018): when retention keeps it past the ack, as a results window above zero or
   * keep mode does. With a results window of zero and keep mode off it stays in {@code jobs}, completed, until the
   * pruner's next pass deletes it, as before: a row that lives seconds is not worth a partition's.
   *
   * @param options the Spool's options
   * @return true when such jobs move as they complete
   */
  public static boolean keepsResults(SpoolOptions options) {
    Duration results = options.getRetention().getResults();
    return options.keepsCompletedJobs() || results == null || !results.isZero();
  }

  /** Nothing to start: outcomes are written as they come. */
  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  /** Writes every outcome held, waiting at most the shutdown timeout (see {@link #drain}). */
  @Override
  public Future<Void> stop() {
    return drain(shutdownTimeoutMs);
  }

  /**
   * From now on the acks that release children take those of the worker's queues for it (see {@link Handoff});
   * call before start.
   */
  public void handOff(Handoff handoff) {
    this.handoff = handoff;
  }

  /** The job's handler succeeded. */
  @Override
  public void completed(ClaimedJob job) {
    if (job.needsTelling()) {
      pending.completedTold.add(job);
      if (job.isFlagged()) {
        pending.urgent = true;
        if (flushesInFlight == 0) {
          flush();
          return;
        }
      }
    } else {
      pending.completed.add(job);
    }
    added();
  }

  /**
   * Somebody now awaits this job, whose outcome may be held here not yet written: its ack must tell them.
   * Returns false when no outcome of it is held.
   */
  public boolean flag(long id) {
    for (int i = 0; i < pending.completed.size(); i++) {
      ClaimedJob job = pending.completed.get(i);
      if (job.id() == id) {
        job.flag();
        pending.completed.remove(i);
        pending.completedTold.add(job);
        pending.urgent = true;
        return true;
      }
    }
    for (int i = 0; i < pending.killed.size(); i++) {
      Failure f = pending.killed.get(i);
      if (f.job.id() == id) {
        f.job.flag();
        pending.killed.remove(i);
        pending.killedTold.add(f);
        return true;
      }
    }
    return false;
  }

  /** The run failed; the job becomes available again after {@code delayMs}. */
  @Override
  public void retry(ClaimedJob job, long delayMs, JsonObject error) {
    pending.retried.add(new Failure(job, delayMs, error.encode()));
    added();
  }

  /** The job goes to {@code dead} with this error. */
  @Override
  public void kill(ClaimedJob job, JsonObject error) {
    Failure failure = new Failure(job, 0, error.encode());
    if (job.isFlagged()) {
      pending.killedTold.add(failure);
    } else {
      pending.killed.add(failure);
    }
    added();
  }

  /** The handler snoozed the job: it waits {@code delayMs} again, the run not counted as a failure. */
  @Override
  public void snooze(ClaimedJob job, long delayMs) {
    pending.snoozed.add(new Failure(job, delayMs, null));
    added();
  }

  /** The job was claimed but never started: back to available, its attempt not counted. */
  public void release(ClaimedJob job) {
    stats.released(1);
    pending.released.add(job);
    added();
  }

  /**
   * Adds the id of every job whose outcome is held here or being written to {@code out}: their rows are
   * still this worker's (running under its lease), so the heartbeat keeps extending their leases.
   */
  public void heldIds(List<Long> out) {
    pending.ids(out);
    inFlight.forEach(batch -> batch.ids(out));
  }

  /** Outcomes not yet written. */
  public int backlog() {
    return pending.size();
  }

  /**
   * Writes everything held now; completes once nothing is held or in flight, or after {@code timeoutMs}
   * when the database cannot be reached. Outcomes left unwritten then are not lost work: their jobs'
   * leases run out and they run again (at-least-once).
   */
  public Future<Void> drain(long timeoutMs) {
    if (pending.size() == 0 && flushesInFlight == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    drainWaiters.add(promise);
    long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> {
      if (promise.tryComplete()) {
        System.getLogger(Completer.class.getName()).log(System.Logger.Level.WARNING,
            "stopping with " + backlog() + " job outcomes unwritten; those jobs run again when their lease expires");
      }
    });
    flush();
    return promise.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void added() {
    if (pending.size() >= batchSize) {
      flush();
    } else if (flushTimer < 0 && failedFlushes == 0) {
      flushTimer = vertx.setTimer(flushIntervalMs, t -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  private void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if (pending.size() == 0 || flushesInFlight >= MAX_FLUSHES_IN_FLIGHT) {
      return;
    }
    Batch batch = pending;
    pending = new Batch();
    flushesInFlight++;
    inFlight.add(batch);
    write(batch).onComplete(ar -> {
      flushesInFlight--;
      inFlight.remove(batch);
      if (ar.succeeded()) {
        failedFlushes = 0;
      } else {
        pending.absorb(batch);
        failedFlushes++;
        long delay = Math.min(MAX_RETRY_MS, MIN_RETRY_MS << Math.min(failedFlushes, 10));
        System.getLogger(Completer.class.getName()).log(System.Logger.Level.WARNING,
            "could not write " + batch.size() + " job outcomes (" + ar.cause() + "); writing again in " + delay + " ms");
        vertx.setTimer(delay, t -> flush());
        return;
      }
      // an ack someone waits for (a chain's next step, an awaiter) went in while this flush was in flight
      if (pending.size() >= batchSize || pending.urgent || (pending.size() > 0 && !drainWaiters.isEmpty())) {
        flush();
      } else if (pending.size() > 0) {
        added();
      }
      if (pending.size() == 0 && flushesInFlight == 0 && !drainWaiters.isEmpty()) {
        List<Promise<Void>> waiters = new ArrayList<>(drainWaiters);
        drainWaiters.clear();
        waiters.forEach(Promise::tryComplete);
      }
    });
  }

  /** Completes jobs that someone is told of (dependents, awaiters) or that carry a result, in one statement. */
  private Future<?> writeTold(List<ClaimedJob> jobs) {
    int n = jobs.size();
    Long[] ids = new Long[n];
    Integer[] attempts = new Integer[n];
    Buffer[] results = new Buffer[n];
    for (int i = 0; i < n; i++) {
      ClaimedJob job = jobs.get(i);
      ids[i] = job.id();
      attempts[i] = job.attempt();
      results[i] = job.result() == null ? null : Buffer.buffer(job.result());
    }
    Handoff taker = handoff;
    int room = taker == null ? 0 : taker.room().applyAsInt(n);
    Tuple params = room == 0 ? Tuple.of(ids, attempts, results, owner, null, null, 0.0, 0, moveResults)
        : Tuple.of(ids, attempts, results, owner, taker.queues(), taker.tasks(), taker.leaseMs(), room, moveResults);
    return client.preparedQuery(completeFlaggedSql).execute(params)
        .onSuccess(rows -> stats.lateAcks(n - Handoff.acked(rows, taker)));
  }

  private Future<?> write(Batch batch) {
    List<Future<?>> writes = new ArrayList<>(4);
    if (!batch.completed.isEmpty()) {
      writes.add(counted(batch.completed.size(),
          client.preparedQuery(completeSql).execute(idsAndAttempts(batch.completed).addString(owner))));
    }
    // acks of awaited jobs go in statements of at most AWAITED_CHUNK, pipelined: the first awaiters hear of
    // their jobs after a short statement instead of after one that finishes hundreds of rows; other told
    // acks (a fan-in's parents, whose child counts them off in each statement) go in one
    List<ClaimedJob> told = batch.completedTold;
    int chunk = told.stream().anyMatch(ClaimedJob::isAwaited) ? AWAITED_CHUNK : Math.max(1, told.size());
    for (int from = 0; from < told.size(); from += chunk) {
      writes.add(writeTold(told.subList(from, Math.min(told.size(), from + chunk))));
    }
    if (!batch.released.isEmpty()) {
      writes.add(counted(batch.released.size(),
          client.preparedQuery(releaseSql).execute(idsAndAttempts(batch.released).addString(owner))));
    }
    if (!batch.retried.isEmpty()) {
      int n = batch.retried.size();
      Long[] ids = new Long[n];
      Integer[] attempts = new Integer[n];
      Double[] delays = new Double[n];
      String[] errors = new String[n];
      for (int i = 0; i < n; i++) {
        Failure f = batch.retried.get(i);
        ids[i] = f.job.id();
        attempts[i] = f.job.attempt();
        delays[i] = (double) f.delayMs;
        errors[i] = f.error;
      }
      writes.add(counted(n, client.preparedQuery(retrySql).execute(Tuple.of(ids, attempts, delays, errors, owner))));
    }
    if (!batch.killed.isEmpty()) {
      int n = batch.killed.size();
      Long[] ids = new Long[n];
      Integer[] attempts = new Integer[n];
      String[] errors = new String[n];
      for (int i = 0; i < n; i++) {
        Failure f = batch.killed.get(i);
        ids[i] = f.job.id();
        attempts[i] = f.job.attempt();
        errors[i] = f.error;
      }
      writes.add(counted(n, client.preparedQuery(killSql).execute(Tuple.of(ids, attempts, errors, owner))));
    }
    if (!batch.killedTold.isEmpty()) {
      int n = batch.killedTold.size();
      Long[] ids = new Long[n];
      Integer[] attempts = new Integer[n];
      String[] errors = new String[n];
      for (int i = 0; i < n; i++) {
        Failure f = batch.killedTold.get(i);
        ids[i] = f.job.id();
        attempts[i] = f.job.attempt();
        errors[i] = f.error;
      }
      writes.add(client.preparedQuery(killFlaggedSql).execute(Tuple.of(ids, attempts, errors, owner))
          .onSuccess(rows -> stats.lateAcks(n - rows.iterator().next().getInteger(0))));
    }
    if (!batch.snoozed.isEmpty()) {
      int n = batch.snoozed.size();
      Long[] ids = new Long[n];
      Integer[] attempts = new Integer[n];
      Double[] delays = new Double[n];
      for (int i = 0; i < n; i++) {
        Failure f = batch.snoozed.get(i);
        ids[i] = f.job.id();
        attempts[i] = f.job.attempt();
        delays[i] = (double) f.delayMs;
      }
      writes.add(counted(n, client.preparedQuery(snoozeSql).execute(Tuple.of(ids, attempts, delays, owner))));
    }
    return Future.all(writes);
  }

  /** Outcomes that matched no row belonged to runs taken away meanwhile: count them as late acks. */
  private Future<?> counted(int outcomes, Future<RowSet<Row>> write) {
    return write.onSuccess(rows -> stats.lateAcks(outcomes - rows.rowCount()));
  }

  private static Tuple idsAndAttempts(List<ClaimedJob> jobs) {
    int n = jobs.size();
    Long[] ids = new Long[n];
    Integer[] attempts = new Integer[n];
    for (int i = 0; i < n; i++) {
      ids[i] = jobs.get(i).id();
      attempts[i] = jobs.get(i).attempt();
    }
    return Tuple.tuple().addValue(ids).addValue(attempts);
  }

  private record Failure(ClaimedJob job, long delayMs, String error) {}

  private static final class Batch {
    final List<ClaimedJob> completed = new ArrayList<>();
    final List<ClaimedJob> completedTold = new ArrayList<>(0);
    final List<Failure> killedTold = new ArrayList<>(0);
    final List<ClaimedJob> released = new ArrayList<>();
    final List<Failure> retried = new ArrayList<>();
    final List<Failure> killed = new ArrayList<>();
    final List<Failure> snoozed = new ArrayList<>(0);
    /** Holds a completion someone waits for: written as soon as no flush is in flight. */
    boolean urgent;

    int size() {
      return completed.size() + completedTold.size() + released.size() + retried.size() + killed.size()
          + killedTold.size() + snoozed.size();
    }

    void ids(List<Long> out) {
      completed.forEach(job -> out.add(job.id()));
      completedTold.forEach(job -> out.add(job.id()));
      released.forEach(job -> out.add(job.id()));
      for (List<Failure> failures : List.of(killedTold, retried, killed, snoozed)) {
        failures.forEach(f -> out.add(f.job.id()));
      }
    }

    void absorb(Batch other) {
      urgent |= other.urgent;
      completed.addAll(other.completed);
      completedTold.addAll(other.completedTold);
      killedTold.addAll(other.killedTold);
      released.addAll(other.released);
      retried.addAll(other.retried);
      killed.addAll(other.killed);
      snoozed.addAll(other.snoozed);
    }
  }
}

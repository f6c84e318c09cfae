package dev.spool.impl.job;

import dev.spool.JobContext;
import dev.spool.JobFencedException;
import dev.spool.JobResult;
import dev.spool.JobState;
import dev.spool.impl.sql.Lineage;
import dev.spool.impl.sql.Rows;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A job this worker holds under its lease: claimed, waiting in the prefetch buffer or running; the
 * handler's {@link JobContext}.
 *
 * <p>Fields without a note are confined to the worker's event loop. The signals a blocking handler polls
 * from its own thread (cancelled, soft limit passed) are volatile, and the thread running the handler is
 * guarded by this object's lock so that an interrupt can only reach it while it runs this job.
 */
public final class ClaimedJob implements JobContext {

  private final Vertx vertx;
  private final long id;
  private final String queue;
  private final String task;
  private final byte[] args;
  private final int priority;
  private final int attempt;
  private final int maxAttempts;
  private final Integer timeoutMs;
  private final Integer softTimeoutMs;
  private final Instant runAt;
  private final Instant createdAt;
  private boolean settled;
  private long startedNanos;
  private final Promise<Void> cancellation = Promise.promise();
  private boolean hasDependents; // as the claim saw it: left false for an awaited job, which is flagged anyway
  private boolean awaited;
  private int rescues;
  private byte[] result;
  private JsonObject progress;
  private boolean progressDirty;
  private Lineage lineage = Lineage.NONE;
  // the W3C traceparent stored at enqueue (null for most jobs) and the run's span while it is open (see
  // impl.trace.Tracing; typed Object so that this class does not need OpenTelemetry's API)
  private String traceparent;
  private Object span;
  private volatile boolean cancelled;
  // the soft limit's signal, made when first asked for or when the limit passes (most runs never need it)
  private Promise<Void> softSignal;
  private volatile boolean softTimedOut;
  private Thread runner;

  /** How a run's {@link #completeInTransaction} ended. */
  public enum TxOutcome { NONE, COMMITTED, FENCED, FAILED }

  private Transactions transactions;
  // set by the handler's call (possibly on a blocking pool's thread), read on the event loop
  private Future<Void> transactionEnded;
  private volatile TxOutcome txOutcome = TxOutcome.NONE;

  private long timer = -1;
  private Throwable timedOut;
  private long timedOutNanos;
  private boolean returned;
  private boolean stuck;

  public ClaimedJob(Vertx vertx, long id, String queue, String task, byte[] args, int priority, int attempt,
      int maxAttempts, Integer timeoutMs, Integer softTimeoutMs, Instant runAt, Instant createdAt) {
    this.vertx = vertx;
    this.id = id;
    this.queue = queue;
    this.task = task;
    this.args = args;
    this.priority = priority;
    this.attempt = attempt;
    this.maxAttempts = maxAttempts;
    this.timeoutMs = timeoutMs;
    this.softTimeoutMs = softTimeoutMs;
    this.runAt = runAt;
    this.createdAt = createdAt;
  }

  /**
   * Maps a row returned by the {@code ClaimJobs} query (or a limited or keyed claim, whose rows begin with
   * the same columns).
   */
  public static ClaimedJob fromClaimRow(Vertx vertx, Row row, Lineage lineage) {
    ClaimedJob job = new ClaimedJob(vertx, row.getLong(0), row.getString(1), row.getString(2), row.getBuffer(3).getBytes(),
        row.getShort(4), row.getInteger(5), row.getInteger(6), row.getInteger(7), row.getInteger(10),
        Rows.instant(row, 8), Rows.instant(row, 9)); // run_at, created_at, soft_timeout_ms: ClaimJobs' RETURNING
    Boolean flag = row.getBoolean(11); // true: awaited; false: only has dependents; null: neither
    job.hasDependents = Boolean.FALSE.equals(flag);
    job.awaited = Boolean.TRUE.equals(flag);
    job.traceparent = row.getString(12);
    Integer rescues = row.getInteger(13);
    job.rescues = rescues == null ? 0 : rescues;
    job.lineage = lineage;
    return job;
  }

  /**
   * True when the job has dependents or awaiters to tell when it finishes, or a result to keep: its ack then
   * goes through the statement that tells them, every other job's through the plain one.
   */
  public boolean needsTelling() {
    return isFlagged() || result != null;
  }

  /** True when dependents or awaiters wait on this job (known from the claim, or told since). */
  public boolean isFlagged() {
    return hasDependents || awaited;
  }

  /** True when somebody awaits this job (known from the claim, or told since). */
  public boolean isAwaited() {
    return awaited;
  }

  /** Somebody awaits this job since it was claimed. */
  public void flag() {
    awaited = true;
  }

  /** The encoded result the handler completed with, or null. */
  public byte[] result() {
    return result;
  }

  public void result(byte[] encoded) {
    this.result = encoded;
  }

  @Override
  public void progress(Number value, JsonObject details) {
    JsonObject p = new JsonObject();
    if (value != null) {
      p.put("value", value);
    }
    if (details != null) {
      p.put("details", details.copy());
    }
    progress = p;
    progressDirty = true;
  }

  /** The progress reported since the last call (then forgotten), or null: the heartbeat writes it. */
  public JsonObject takeProgress() {
    if (!progressDirty) {
      return null;
    }
    progressDirty = false;
    return progress;
  }

  /** Where {@link #parents()} reads from (a run without a row, as the test kit's, is given its parents). */
  public void lineage(Lineage lineage) {
    this.lineage = lineage;
  }

  @Override
  public Future<List<JobResult>> parents() {
    return lineage.parents(id);
  }

  @Override
  public Future<Map<JobState, Long>> parentStates() {
    return lineage.parentStates(id);
  }

  /** Lets this run complete in its handler's transaction ({@link #completeInTransaction}). */
  public void transactions(Transactions completer) {
    this.transactions = completer;
  }

  @Override
  public <T> Future<T> completeInTransaction(Function<SqlConnection, Future<T>> work) {
    Objects.requireNonNull(work, "work");
    Promise<Void> ended = Promise.promise();
    synchronized (this) { // a blocking handler calls from its own thread
      if (transactions == null) {
        return Future.failedFuture(new IllegalStateException(this + " cannot complete in a transaction: "
            + "its worker has no pool for it"));
      }
      if (transactionEnded != null) {
        return Future.failedFuture(new IllegalStateException("completeInTransaction was already called for " + this
            + ": a run completes once"));
      }
      transactionEnded = ended.future();
    }
    Future<T> done = transactions.complete(this, work);
    // Registered before the caller sees the future: the outcome is known before the handler can return.
    done.onComplete(ar -> {
      txOutcome = ar.succeeded() ? TxOutcome.COMMITTED
          : ar.cause() instanceof JobFencedException ? TxOutcome.FENCED : TxOutcome.FAILED;
      ended.complete();
    });
    return done;
  }

  /** Completes when this run's transaction has ended; null when the handler started none. */
  public synchronized Future<Void> transactionEnded() {
    return transactionEnded;
  }

  /** How this run's transaction ended (NONE while none has, or none was started). */
  public TxOutcome transactionOutcome() {
    return txOutcome;
  }

  /**
   * Marks the job's outcome as decided; false when it already was (a handler that answers after its
   * timeout, or after the worker gave its job back, is not heard a second time).
   */
  public boolean settle() {
    if (settled) {
      return false;
    }
    settled = true;
    return true;
  }

  /** Notes the moment the run begins (for durations). */
  public void markStarted() {
    startedNanos = System.nanoTime();
  }

  public long startedNanos() {
    return startedNanos;
  }

  /** The timer of this run's next limit (soft, hard, then the stuck grace); -1 when none. */
  public long timer() {
    return timer;
  }

  public void timer(long timer) {
    this.timer = timer;
  }

  /** The run reached its hard limit: {@code failure} is its outcome, whenever the handler returns. */
  public void timedOut(Throwable failure) {
    this.timedOut = failure;
    this.timedOutNanos = System.nanoTime();
  }

  /** The failure of a run that reached its hard limit, or null. */
  public Throwable timedOut() {
    return timedOut;
  }

  /** When the hard limit passed ({@link System#nanoTime()}); meaningful once {@link #timedOut()} is set. */
  public long timedOutNanos() {
    return timedOutNanos;
  }

  /** The handler has returned (an async one's future completed, a blocking one's call ended). */
  public void markReturned() {
    returned = true;
  }

  public boolean hasReturned() {
    return returned;
  }

  /** The handler did not return within the grace period after its hard limit (true), or has now (false). */
  public void stuck(boolean stuck) {
    this.stuck = stuck;
  }

  public boolean isStuck() {
    return stuck;
  }

  /** True once the outcome is decided (see {@link #settle()}). */
  public boolean isSettled() {
    return settled;
  }

  /** Signals the handler to stop (cancel, timeout, shutdown); idempotent. */
  public void cancel() {
    cancelled = true;
    cancellation.tryComplete();
  }

  @Override
  public Future<Void> cancellation() {
    return cancellation.future();
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  /** Tells the handler that the run passed its soft limit; on the event loop. */
  public void signalSoftTimeout() {
    softTimedOut = true;
    Promise<Void> signal;
    synchronized (this) {
      if (softSignal == null) {
        softSignal = Promise.promise();
      }
      signal = softSignal;
    }
    signal.tryComplete();
  }

  @Override
  public Future<Void> softTimeout() {
    synchronized (this) { // a blocking handler may ask from its own thread
      if (softSignal == null) {
        softSignal = Promise.promise();
        if (softTimedOut) {
          softSignal.complete();
        }
      }
      return softSignal.future();
    }
  }

  @Override
  public boolean isSoftTimedOut() {
    return softTimedOut;
  }

  /** The pool thread starts this job's blocking handler: an interrupt may now reach it. */
  public synchronized void enter(Thread thread) {
    runner = thread;
  }

  /**
   * The pool thread is done with this job: no interrupt reaches it from now on, and one that came in late
   * is cleared, so it never leaks into the next job the thread runs.
   */
  public void exit() {
    synchronized (this) {
      runner = null;
    }
    Thread.interrupted();
  }

  /** Interrupts the thread running this job's blocking handler, if one is. */
  public synchronized void interrupt() {
    if (runner != null) {
      runner.interrupt();
    }
  }

  /** The W3C traceparent captured when the job was enqueued, or null. */
  public String traceparent() {
    return traceparent;
  }

  /** The span of this run while it is open (see {@code impl.trace.Tracing}), or null. */
  public Object span() {
    return span;
  }

  public void span(Object span) {
    this.span = span;
  }

  public byte[] args() {
    return args;
  }

  /** The job's own hard limit, or null to use the handler's. */
  public Integer timeoutMs() {
    return timeoutMs;
  }

  /** The job's own soft limit, or null to use the handler's. */
  public Integer softTimeoutMs() {
    return softTimeoutMs;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public String task() {
    return task;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  /**
   * The failures of this job's handler so far, this run's included if it fails: its attempts less those the
   * rescuer ended (a worker killed, cut off or frozen is not the handler's failure). The retry backoff grows
   * with these, so a job rescued a few times does not then wait minutes after one failure.
   */
  public int handlerFailures() {
    return Math.max(1, attempt - rescues);
  }

  @Override
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public int priority() {
    return priority;
  }

  @Override
  public Instant runAt() {
    return runAt;
  }

  @Override
  public Instant createdAt() {
    return createdAt;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public String toString() {
    return "job " + id + " (" + task + " on " + queue + ", attempt " + attempt + "/" + maxAttempts + ")";
  }
}

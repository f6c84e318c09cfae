package dev.spool.impl.job;

import dev.spool.JobContext;
import dev.spool.impl.sql.Lineage;
import dev.spool.JobResult;
import dev.spool.JobState;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import dev.spool.impl.sql.Rows;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/** A job this worker holds under its lease: claimed, waiting in the prefetch buffer or running. */
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
  private final Instant runAt;
  private final Instant createdAt;
  private boolean settled;
  private long startedNanos;
  private final Promise<Void> cancellation = Promise.promise();
  private boolean flagged;
  private byte[] result;
  private JsonObject progress;
  private boolean progressDirty;
  private Lineage lineage = Lineage.NONE;

  public ClaimedJob(Vertx vertx, long id, String queue, String task, byte[] args, int priority, int attempt,
      int maxAttempts, Integer timeoutMs, Instant runAt, Instant createdAt) {
    this.vertx = vertx;
    this.id = id;
    this.queue = queue;
    this.task = task;
    this.args = args;
    this.priority = priority;
    this.attempt = attempt;
    this.maxAttempts = maxAttempts;
    this.timeoutMs = timeoutMs;
    this.runAt = runAt;
    this.createdAt = createdAt;
  }

  /** Maps a row returned by the {@code ClaimJobs} query. */
  public static ClaimedJob fromClaimRow(Vertx vertx, Row row, Lineage lineage) {
    ClaimedJob job = new ClaimedJob(vertx, row.getLong(0), row.getString(1), row.getString(2), row.getBuffer(3).getBytes(),
        row.getShort(4), row.getInteger(5), row.getInteger(6), row.getInteger(7),
        Rows.instant(row, 8), Rows.instant(row, 9)); // run_at, created_at (ClaimJobs' RETURNING)
    job.flagged = Boolean.TRUE.equals(row.getBoolean(10)); // has dependents or is awaited
    job.lineage = lineage;
    return job;
  }

  /**
   * True when the job has dependents or awaiters to tell when it finishes, or a result to keep: its ack then
   * goes through the statement that tells them, every other job's through the plain one.
   */
  public boolean needsTelling() {
    return flagged || result != null;
  }

  /** True when dependents or awaiters wait on this job (known from the claim, or told since). */
  public boolean isFlagged() {
    return flagged;
  }

  /** Somebody awaits this job (or it has dependents) since it was claimed. */
  public void flag() {
    flagged = true;
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

  @Override
  public Future<List<JobResult>> parents() {
    return lineage.parents(id);
  }

  @Override
  public Future<Map<JobState, Long>> parentStates() {
    return lineage.parentStates(id);
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

  /** Signals the handler to stop (cancel, timeout, shutdown); idempotent. */
  public void cancel() {
    cancellation.tryComplete();
  }

  @Override
  public Future<Void> cancellation() {
    return cancellation.future();
  }

  public byte[] args() {
    return args;
  }

  /** The job's own timeout, or null to use the handler's. */
  public Integer timeoutMs() {
    return timeoutMs;
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

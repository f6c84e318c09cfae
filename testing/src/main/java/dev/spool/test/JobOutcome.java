package dev.spool.test;

import dev.spool.spi.JobCodec;
import dev.spool.spi.JsonValueCodec;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * What the runtime decided for one run of a handler ({@link SpoolTester#drain}, {@link SpoolTester#perform}):
 * the outcome a worker would have written.
 */
public final class JobOutcome {

  /** The outcomes of a run. */
  public enum Kind {
    /** The handler succeeded; its result, if any, is kept. */
    COMPLETED,
    /** The handler failed and the retry policy allows another attempt: due again at {@link #runAgainAt()}. */
    RETRIED,
    /** The handler failed for the last time (attempts used up, or a failure the policy does not retry). */
    DEAD,
    /** The handler snoozed: due again at {@link #runAgainAt()}, the attempt not counted as a failure. */
    SNOOZED
  }

  private final long id;
  private final String task;
  private final String queue;
  private final int attempt;
  private final Kind kind;
  private final byte[] result;
  private final JobCodec<?> resultCodec;
  private final Duration delay;
  private final Instant runAgainAt;
  private final JsonObject error;
  private final Throwable failure;
  private final JsonObject progress;

  JobOutcome(long id, String task, String queue, int attempt, Kind kind, byte[] result, JobCodec<?> resultCodec,
      Duration delay, Instant runAgainAt, JsonObject error, Throwable failure, JsonObject progress) {
    this.id = id;
    this.task = task;
    this.queue = queue;
    this.attempt = attempt;
    this.kind = kind;
    this.result = result;
    this.resultCodec = resultCodec;
    this.delay = delay;
    this.runAgainAt = runAgainAt;
    this.error = error;
    this.failure = failure;
    this.progress = progress;
  }

  /**
   * The job's id; 0 for {@link SpoolTester#perform}, which runs no row.
   *
   * @return the id, or 0
   */
  public long id() {
    return id;
  }

  /** {@return the job's task name} */
  public String task() {
    return task;
  }

  /** {@return the queue the job ran from} */
  public String queue() {
    return queue;
  }

  /**
   * The attempt this run was (1 for a first run).
   *
   * @return the attempt, from 1
   */
  public int attempt() {
    return attempt;
  }

  /** {@return what the run came to} */
  public Kind kind() {
    return kind;
  }

  /** {@return true when the run completed} */
  public boolean isCompleted() {
    return kind == Kind.COMPLETED;
  }

  /**
   * The result the handler completed with, decoded by its task's result codec (a JSON value for JSON tasks);
   * null when it kept none.
   *
   * @return the result, or null
   */
  public Object result() {
    if (result == null) {
      return null;
    }
    JobCodec<?> codec = resultCodec != null ? resultCodec : JsonValueCodec.INSTANCE;
    return decode(codec);
  }

  /**
   * The result decoded by {@code codec}; null when there is none.
   *
   * @param <R> the result type
   * @param codec the codec of the result
   * @return the result, or null
   */
  public <R> R result(JobCodec<R> codec) {
    return result == null ? null : decode(codec);
  }

  private <R> R decode(JobCodec<R> codec) {
    try {
      return codec.decode(result);
    } catch (Exception e) {
      throw new IllegalStateException("cannot decode the result of " + this + " with codec " + codec.name(), e);
    }
  }

  /**
   * For a retry or a snooze, how long until the job is due again; zero otherwise.
   *
   * @return the delay, or zero
   */
  public Duration delay() {
    return delay;
  }

  /**
   * For a retry or a snooze, when (in test time) the job is due again; null otherwise.
   *
   * @return the instant, or null
   */
  public Instant runAgainAt() {
    return runAgainAt;
  }

  /**
   * The error recorded on the job for a retry or a dead job ({@code message}, {@code class}, ...); else null.
   *
   * @return the error, or null
   */
  public JsonObject error() {
    return error;
  }

  /**
   * What the handler failed with, for a retry or a dead job; else null.
   *
   * @return the failure, or null
   */
  public Throwable failure() {
    return failure;
  }

  /**
   * The last progress the handler reported ({@code JobContext.progress}), null when none.
   *
   * @return the progress, or null
   */
  public JsonObject progress() {
    return progress;
  }

  @Override
  public String toString() {
    return task + (id == 0 ? "" : " #" + id) + " attempt " + attempt + ": " + kind.name().toLowerCase()
        + (runAgainAt != null ? " (due again at " + runAgainAt + ")" : "")
        + (error != null ? " " + error.getString("message", error.encode()) : "");
  }
}

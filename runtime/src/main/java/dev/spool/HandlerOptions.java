package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;

/**
 * How a handler's runs are executed, bounded and retried.
 *
 * <ul>
 *   <li>{@code blocking}: run the handler on the worker's blocking pool (a named Vert.x
 *       {@code WorkerExecutor}, or virtual threads) instead of its event loop. A handler made with
 *       {@link JobHandler#blocking} always runs there.
 *   <li>{@code timeout}: the hard limit of a run, when its job sets none of its own. Past it the run fails
 *       with a {@link JobTimeoutException}: an async handler gets its {@link JobContext#cancellation()}, a
 *       blocking one's thread is interrupted.
 *   <li>{@code softTimeout}: the soft limit, below the hard one (none by default). Past it the handler is
 *       told ({@link JobContext#softTimeout()}), one warning is logged and counted, and the run goes on.
 *   <li>{@code onStuck}: what happens to the job of a run that has not returned by its hard limit: by
 *       default ({@link OnStuck#HOLD}) the worker keeps the job, so it never runs twice at once; see
 *       {@link OnStuck}.
 *   <li>{@code retryPolicy}: when a failed run is tried again, and after how long.
 * </ul>
 *
 * Setters check one value each; {@link #validate()} checks that the soft limit is below the hard one, and
 * {@link JobHandlers#register} calls it.
 */
public class HandlerOptions {

  /** What becomes of the job of a run that outlives its hard limit. */
  public enum OnStuck {
    /**
     * The default: the run has failed, but its job stays with this worker (its slot stays taken, its
     * lease is extended by the heartbeat) until the handler returns; only then is the failure written and
     * the job retried or sent to {@code dead}. If the process dies first, the job is rescued as for any
     * dead worker. So one job never runs twice at once.
     */
    HOLD,
    /**
     * The behaviour before hard limits held jobs: at the hard limit the failure is written at once, the
     * slot freed and the job retried, possibly on another worker, while the handler that ignored its
     * signals may still be running. Choose it only for handlers that are safe to run twice at the same
     * time (idempotent and free of shared side effects): a hung handler then no longer delays its job.
     */
    RELEASE;

    /**
     * The name used in JSON and the configuration file: {@code hold}, {@code release}.
     *
     * @return the name
     */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@code hold} or {@code release}, any case.
     *
     * @param name {@code hold} or {@code release}
     * @return the constant
     */
    public static OnStuck fromConfigName(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("onStuck must be hold or release, got " + name);
      }
    }
  }

  /** The default of {@link #setTimeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);
  /** No soft limit. */
  public static final Duration DEFAULT_SOFT_TIMEOUT = null;
  /** The default of {@link #setBlocking}. */
  public static final boolean DEFAULT_BLOCKING = false;
  /** The default of {@link #setOnStuck}. */
  public static final OnStuck DEFAULT_ON_STUCK = OnStuck.HOLD;

  private Duration timeout = DEFAULT_TIMEOUT;
  private Duration softTimeout = DEFAULT_SOFT_TIMEOUT;
  private boolean blocking = DEFAULT_BLOCKING;
  private OnStuck onStuck = DEFAULT_ON_STUCK;
  private RetryPolicy retryPolicy = new RetryPolicy();

  /** Options with every setting at its default. */
  public HandlerOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public HandlerOptions(HandlerOptions other) {
    this.timeout = other.timeout;
    this.softTimeout = other.softTimeout;
    this.blocking = other.blocking;
    this.onStuck = other.onStuck;
    this.retryPolicy = new RetryPolicy(other.retryPolicy);
  }

  /**
   * Reads {@code timeoutMs}, {@code softTimeoutMs}, {@code blocking}, {@code onStuck} and {@code retryPolicy}.
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public HandlerOptions(JsonObject json) {
    setTimeout(Duration.ofMillis(json.getLong("timeoutMs", DEFAULT_TIMEOUT.toMillis())));
    Long soft = json.getLong("softTimeoutMs");
    setSoftTimeout(soft == null ? null : Duration.ofMillis(soft));
    setBlocking(json.getBoolean("blocking", DEFAULT_BLOCKING));
    setOnStuck(OnStuck.fromConfigName(json.getString("onStuck", DEFAULT_ON_STUCK.configName())));
    setRetryPolicy(new RetryPolicy(json.getJsonObject("retryPolicy", new JsonObject())));
  }

  /** {@return these options as JSON, which {@link #HandlerOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    return new JsonObject().put("timeoutMs", timeout.toMillis())
        .put("softTimeoutMs", softTimeout == null ? null : softTimeout.toMillis())
        .put("blocking", blocking).put("onStuck", onStuck.configName())
        .put("retryPolicy", retryPolicy.toJson());
  }

  /** {@return the {@code timeout} setting} See {@link #setTimeout}. */
  public Duration getTimeout() {
    return timeout;
  }

  /**
   * The hard limit of a run whose job sets no timeout of its own.
   *
   * @param timeout the hard limit of a run whose job sets no timeout of its own.
   * @return these options
   */
  public HandlerOptions setTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be between 1 ms and ~24 days, got " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** {@return the {@code softTimeout} setting} See {@link #setSoftTimeout}. */
  public Duration getSoftTimeout() {
    return softTimeout;
  }

  /**
   * The soft limit of a run whose job sets none of its own; null (the default) for none. It must be below
   * {@link #setTimeout the hard limit} ({@link #validate()}); a run whose job's own hard limit is at or
   * below it is not signalled.
   *
   * @param softTimeout the soft limit of a run whose job sets none of its own; null (the default) for none.
   * @return these options
   */
  public HandlerOptions setSoftTimeout(Duration softTimeout) {
    if (softTimeout != null && (softTimeout.toMillis() < 1 || softTimeout.toMillis() > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("softTimeout must be between 1 ms and ~24 days, got " + softTimeout);
    }
    this.softTimeout = softTimeout;
    return this;
  }

  /** {@return the {@code blocking} setting} See {@link #setBlocking}. */
  public boolean isBlocking() {
    return blocking;
  }

  /**
   * Runs the handler on the worker's blocking pool ({@link WorkerOptions#setBlockingPoolSize}, or virtual
   * threads with {@link WorkerOptions#setVirtualThreads}) rather than its event loop; the future it returns,
   * if any, still decides the outcome. Not needed for handlers made with {@link JobHandler#blocking}.
   *
   * @param blocking true to run the handler on the worker's blocking pool (or virtual threads) rather than its event loop
   * @return these options
   */
  public HandlerOptions setBlocking(boolean blocking) {
    this.blocking = blocking;
    return this;
  }

  /** {@return the {@code onStuck} setting} See {@link #setOnStuck}. */
  public OnStuck getOnStuck() {
    return onStuck;
  }

  /**
   * What becomes of the job of a run that outlives its hard limit; {@link OnStuck#HOLD} by default.
   *
   * @param onStuck what becomes of the job of a run that outlives its hard limit; {@link OnStuck#HOLD} by default.
   * @return these options
   */
  public HandlerOptions setOnStuck(OnStuck onStuck) {
    if (onStuck == null) {
      throw new IllegalArgumentException("onStuck must not be null");
    }
    this.onStuck = onStuck;
    return this;
  }

  /** {@return the {@code retryPolicy} setting} See {@link #setRetryPolicy}. */
  public RetryPolicy getRetryPolicy() {
    return retryPolicy;
  }

  /**
   * When a failed run of this handler's jobs is tried again, and after how long.
   *
   * @param retryPolicy the policy, not null
   * @return these options
   */
  public HandlerOptions setRetryPolicy(RetryPolicy retryPolicy) {
    if (retryPolicy == null) {
      throw new IllegalArgumentException("retryPolicy must not be null");
    }
    this.retryPolicy = retryPolicy;
    return this;
  }

  /**
   * Checks the settings that only make sense together: a soft limit below the hard one.
   *
   * @return these options, when consistent
   */
  public HandlerOptions validate() {
    if (softTimeout != null && softTimeout.compareTo(timeout) >= 0) {
      throw new IllegalArgumentException("softTimeout must be below timeout (" + timeout + "), got " + softTimeout);
    }
    return this;
  }
}

package dev.spool;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * How a job is enqueued: its queue, priority, when it may first run, how often it may be tried, how
 * long one run may take (a hard limit, and a soft one that warns the handler first) and an optional
 * unique key. Setters validate and return {@code this}; {@link #validate()} checks the rules that tie
 * several settings together, and every enqueue calls it.
 */
public class EnqueueOptions {

  /** The default of {@link #setQueue}. */
  public static final String DEFAULT_QUEUE = "default";
  /** The default of {@link #setPriority}. */
  public static final int DEFAULT_PRIORITY = 0;
  /** The longest job key (the jobs table holds it to this too). */
  public static final int MAX_KEY_LENGTH = 255;
  /** The default of {@link #setMaxAttempts}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 20;
  /** The longest queue name or unique key accepted. */
  public static final int MAX_NAME_LENGTH = Names.MAX_LENGTH;

  private String queue = DEFAULT_QUEUE;
  private int priority = DEFAULT_PRIORITY;
  private Instant runAt;
  private Duration delay = Duration.ZERO;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private Duration timeout;
  private Duration softTimeout;
  private String uniqueKey;
  private String key;

  /** Options with every setting at its default. */
  public EnqueueOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public EnqueueOptions(EnqueueOptions other) {
    this.queue = other.queue;
    this.priority = other.priority;
    this.runAt = other.runAt;
    this.delay = other.delay;
    this.maxAttempts = other.maxAttempts;
    this.timeout = other.timeout;
    this.softTimeout = other.softTimeout;
    this.uniqueKey = other.uniqueKey;
    this.key = other.key;
  }

  /**
   * Reads {@code queue, priority, runAt (ISO-8601), delayMs, maxAttempts, timeoutMs, softTimeoutMs, uniqueKey, key}.
   *
   * @param json the options as {@link #toJson()} writes them
   */
  public EnqueueOptions(JsonObject json) {
    setQueue(json.getString("queue", DEFAULT_QUEUE));
    setPriority(json.getInteger("priority", DEFAULT_PRIORITY));
    if (json.getValue("runAt") != null) {
      setRunAt(json.getInstant("runAt"));
    }
    setDelay(Duration.ofMillis(json.getLong("delayMs", 0L)));
    setMaxAttempts(json.getInteger("maxAttempts", DEFAULT_MAX_ATTEMPTS));
    if (json.getValue("timeoutMs") != null) {
      setTimeout(Duration.ofMillis(json.getLong("timeoutMs")));
    }
    if (json.getValue("softTimeoutMs") != null) {
      setSoftTimeout(Duration.ofMillis(json.getLong("softTimeoutMs")));
    }
    setUniqueKey(json.getString("uniqueKey"));
    setKey(json.getString("key"));
  }

  /** {@return these options as JSON, which {@link #EnqueueOptions(JsonObject)} reads back} */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("queue", queue).put("priority", priority).put("delayMs", delay.toMillis()).put("maxAttempts", maxAttempts);
    if (runAt != null) {
      json.put("runAt", runAt);
    }
    if (timeout != null) {
      json.put("timeoutMs", timeout.toMillis());
    }
    if (softTimeout != null) {
      json.put("softTimeoutMs", softTimeout.toMillis());
    }
    if (key != null) {
      json.put("key", key);
    }
    if (uniqueKey != null) {
      json.put("uniqueKey", uniqueKey);
    }
    return json;
  }

  /** {@return the {@code queue} setting} See {@link #setQueue}. */
  public String getQueue() {
    return queue;
  }

  /**
   * The queue the job goes to; workers claim per queue. 1 to 200 characters, no control characters.
   *
   * @param queue the queue the job goes to; workers claim per queue.
   * @return these options
   */
  public EnqueueOptions setQueue(String queue) {
    this.queue = checkName("queue", queue);
    return this;
  }

  /** {@return the {@code priority} setting} See {@link #setPriority}. */
  public int getPriority() {
    return priority;
  }

  /**
   * Lower runs first within a queue; from -32768 to 32767.
   *
   * @param priority lower runs first within a queue; from -32768 to 32767.
   * @return these options
   */
  public EnqueueOptions setPriority(int priority) {
    if (priority < Short.MIN_VALUE || priority > Short.MAX_VALUE) {
      throw new IllegalArgumentException("priority must fit a smallint, got " + priority);
    }
    this.priority = priority;
    return this;
  }

  /** {@return the {@code runAt} setting} See {@link #setRunAt}. */
  public Instant getRunAt() {
    return runAt;
  }

  /**
   * The earliest time the job may run; wins over {@link #setDelay}. Null means now.
   *
   * @param runAt the earliest time the job may run; wins over {@link #setDelay}.
   * @return these options
   */
  public EnqueueOptions setRunAt(Instant runAt) {
    this.runAt = runAt;
    return this;
  }

  /** {@return the {@code delay} setting} See {@link #setDelay}. */
  public Duration getDelay() {
    return delay;
  }

  /**
   * Runs the job no sooner than this long after enqueue (measured on the database's clock).
   *
   * @param delay runs the job no sooner than this long after enqueue (measured on the database's clock).
   * @return these options
   */
  public EnqueueOptions setDelay(Duration delay) {
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
    }
    this.delay = delay;
    return this;
  }

  /** {@return the {@code maxAttempts} setting} See {@link #setMaxAttempts}. */
  public int getMaxAttempts() {
    return maxAttempts;
  }

  /**
   * How many runs the job gets in all before it goes to {@code dead}; at least 1.
   *
   * @param maxAttempts how many runs the job gets in all before it goes to {@code dead}; at least 1.
   * @return these options
   */
  public EnqueueOptions setMaxAttempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    return this;
  }

  /** {@return the {@code timeout} setting} See {@link #setTimeout}. */
  public Duration getTimeout() {
    return timeout;
  }

  /**
   * The hard limit of one run: past it the run fails with a {@link JobTimeoutException}; null uses the
   * handler's ({@link HandlerOptions#setTimeout}).
   *
   * @param timeout the hard limit of one run: past it the run fails with a {@link JobTimeoutException}; null uses the handler's ({@link HandlerOptions#setTimeout}).
   * @return these options
   */
  public EnqueueOptions setTimeout(Duration timeout) {
    if (timeout != null && (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE)) {
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
   * The soft limit of one run: past it the handler is told ({@link JobContext#softTimeout()}) and a
   * warning is logged, and the run goes on until it ends or reaches its hard limit. Null uses the handler's
   * ({@link HandlerOptions#setSoftTimeout}). Must be below this job's {@link #setTimeout timeout} when both
   * are set; one at or above the hard limit that applies to a run is not signalled.
   *
   * @param softTimeout the soft limit of one run: past it the handler is told ({@link JobContext#softTimeout()}) and a warning is logged, and the run goes on until it ends or reaches its hard limit.
   * @return these options
   */
  public EnqueueOptions setSoftTimeout(Duration softTimeout) {
    if (softTimeout != null && (softTimeout.toMillis() < 1 || softTimeout.toMillis() > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("softTimeout must be between 1 ms and ~24 days, got " + softTimeout);
    }
    this.softTimeout = softTimeout;
    return this;
  }

  /** {@return the {@code uniqueKey} setting} See {@link #setUniqueKey}. */
  public String getUniqueKey() {
    return uniqueKey;
  }

  /**
   * While a job with this key is available or running, enqueuing another with the same key returns the
   * existing job's id instead of adding a second job. Null (the default) means no key.
   *
   * @param uniqueKey while a job with this key is available or running, enqueuing another with the same key returns the existing job's id instead of adding a second job.
   * @return these options
   */
  public EnqueueOptions setUniqueKey(String uniqueKey) {
    this.uniqueKey = uniqueKey == null ? null : checkName("uniqueKey", uniqueKey);
    return this;
  }

  /** {@return the {@code key} setting} See {@link #setKey}. */
  public String getKey() {
    return key;
  }

  /**
   * The job's key: a tenant, an account, a document — any string of 1 to {@value #MAX_KEY_LENGTH}
   * characters. A queue can limit running jobs and starts per key, share itself fairly between keys, or
   * run a key's jobs one at a time in order ({@link QueueOptions}). Null (the default) means no key.
   *
   * @param key the job's key: a tenant, an account, a document — any string of 1 to {@value #MAX_KEY_LENGTH} characters.
   * @return these options
   */
  public EnqueueOptions setKey(String key) {
    if (key != null && (key.isEmpty() || key.length() > MAX_KEY_LENGTH)) {
      throw new IllegalArgumentException("key must be 1.." + MAX_KEY_LENGTH + " characters, got " + key.length());
    }
    this.key = key;
    return this;
  }

  /**
   * Checks the settings that only make sense together: a soft limit below the hard one.
   *
   * @return these options, when consistent
   */
  public EnqueueOptions validate() {
    if (softTimeout != null && timeout != null && softTimeout.compareTo(timeout) >= 0) {
      throw new IllegalArgumentException("softTimeout must be below timeout (" + timeout + "), got " + softTimeout);
    }
    return this;
  }

  private static String checkName(String what, String value) {
    return Names.check(what, value);
  }
}

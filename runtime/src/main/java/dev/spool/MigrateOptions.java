package dev.spool;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link Spool#migrate(MigrateOptions)} waits for the locks its statements take. A statement that waits
 * for a lock (an {@code ALTER TABLE} of the jobs table behind a long report's open transaction) makes every
 * enqueue and claim that comes after it wait too. So each statement waits at most {@code lockTimeout}
 * (PostgreSQL's {@code lock_timeout}); when one gives up, the whole migration rolls back, lets the queued
 * work through, and tries again after {@code retryBackoff}, doubled at each retry up to
 * {@code maxRetryBackoff}, for at most {@code lockAttempts} attempts in all; then it fails, naming the lock.
 *
 * <ul>
 *   <li>{@code lockTimeout}: 500 ms, the longest a migration's lock wait holds up enqueues and claims.
 *   <li>{@code lockAttempts}: 8.
 *   <li>{@code retryBackoff}: 1 s, doubling up to {@code maxRetryBackoff} (15 s): about a minute in all.
 *   <li>{@code onRetry}: hears a sentence for each retry (the {@code migrate} command prints it); the runtime
 *       logs it at WARNING too.
 * </ul>
 */
public class MigrateOptions {

  /** The default of {@link #setLockTimeout}. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMillis(500);
  /** The default of {@link #setLockAttempts}. */
  public static final int DEFAULT_LOCK_ATTEMPTS = 8;
  /** The default of {@link #setRetryBackoff}. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  /** The default of {@link #setMaxRetryBackoff}. */
  public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(15);

  private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
  private int lockAttempts = DEFAULT_LOCK_ATTEMPTS;
  private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
  private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
  private Consumer<String> onRetry = note -> {};

  /** Options with every setting at its default. */
  public MigrateOptions() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the options to copy
   */
  public MigrateOptions(MigrateOptions other) {
    this.lockTimeout = other.lockTimeout;
    this.lockAttempts = other.lockAttempts;
    this.retryBackoff = other.retryBackoff;
    this.maxRetryBackoff = other.maxRetryBackoff;
    this.onRetry = other.onRetry;
  }

  /** {@return the {@code lockTimeout} setting} See {@link #setLockTimeout}. */
  public Duration getLockTimeout() {
    return lockTimeout;
  }

  /**
   * The longest one statement waits for a lock before the attempt gives up (at least 1 ms).
   *
   * @param lockTimeout the longest one statement waits for a lock before the attempt gives up (at least 1 ms).
   * @return these options
   */
  public MigrateOptions setLockTimeout(Duration lockTimeout) {
    if (lockTimeout == null || lockTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("lockTimeout must be at least 1 ms, got " + lockTimeout);
    }
    this.lockTimeout = lockTimeout;
    return this;
  }

  /** {@return the {@code lockAttempts} setting} See {@link #setLockAttempts}. */
  public int getLockAttempts() {
    return lockAttempts;
  }

  /**
   * Attempts in all, the first included (at least 1).
   *
   * @param lockAttempts attempts in all, the first included (at least 1).
   * @return these options
   */
  public MigrateOptions setLockAttempts(int lockAttempts) {
    if (lockAttempts < 1) {
      throw new IllegalArgumentException("lockAttempts must be at least 1, got " + lockAttempts);
    }
    this.lockAttempts = lockAttempts;
    return this;
  }

  /** {@return the {@code retryBackoff} setting} See {@link #setRetryBackoff}. */
  public Duration getRetryBackoff() {
    return retryBackoff;
  }

  /**
   * The pause before the first retry, doubled before each further one.
   *
   * @param retryBackoff the pause before the first retry, doubled before each further one.
   * @return these options
   */
  public MigrateOptions setRetryBackoff(Duration retryBackoff) {
    if (retryBackoff == null || retryBackoff.isNegative()) {
      throw new IllegalArgumentException("retryBackoff must not be negative, got " + retryBackoff);
    }
    this.retryBackoff = retryBackoff;
    return this;
  }

  /** {@return the {@code maxRetryBackoff} setting} See {@link #setMaxRetryBackoff}. */
  public Duration getMaxRetryBackoff() {
    return maxRetryBackoff;
  }

  /**
   * The cap of the doubling pause between attempts (15 s by default); not negative.
   *
   * @param maxRetryBackoff the longest pause
   * @return these options
   */
  public MigrateOptions setMaxRetryBackoff(Duration maxRetryBackoff) {
    if (maxRetryBackoff == null || maxRetryBackoff.isNegative()) {
      throw new IllegalArgumentException("maxRetryBackoff must not be negative, got " + maxRetryBackoff);
    }
    this.maxRetryBackoff = maxRetryBackoff;
    return this;
  }

  /** {@return the {@code onRetry} setting} See {@link #setOnRetry}. */
  public Consumer<String> getOnRetry() {
    return onRetry;
  }

  /**
   * Hears a sentence each time an attempt gave up on a lock and another follows.
   *
   * @param onRetry hears a sentence each time an attempt gave up on a lock and another follows.
   * @return these options
   */
  public MigrateOptions setOnRetry(Consumer<String> onRetry) {
    this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
    return this;
  }

  /**
   * The pause before retry {@code retry} (1 for the first).
   *
   * @param retry the retry, from 1
   * @return the pause, doubled from {@code retryBackoff} and capped at {@code maxRetryBackoff}
   */
  public Duration backoffBefore(int retry) {
    long ms = retryBackoff.toMillis();
    for (int i = 1; i < retry && ms < maxRetryBackoff.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, maxRetryBackoff.toMillis()));
  }
}

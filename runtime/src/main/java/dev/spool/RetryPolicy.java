package dev.spool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * When a failed run is tried again, and after how long. The delay after the n-th failed attempt is
 * {@code base × factor^(n-1)}, capped at {@code maxDelay}, then spread by ±{@code jitter} (a fraction)
 * so that jobs failing together do not come back together.
 *
 * <p>Exceptions decide too: a failure that is (a subclass of) one in {@link #getGiveUpOn()}, or a
 * {@link GiveUpException}, goes to {@code dead} at once; when {@link #getRetryOn()} is not empty, only
 * failures matching it are retried. A timeout is a {@link JobTimeoutException}.
 */
public class RetryPolicy {

  /** The default of {@link #setBase}. */
  public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
  /** The default of {@link #setFactor}. */
  public static final double DEFAULT_FACTOR = 2.0;
  /** The default of {@link #setMaxDelay}. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofHours(1);
  /** The default of {@link #setJitter}. */
  public static final double DEFAULT_JITTER = 0.1;

  private Duration base = DEFAULT_BASE;
  private double factor = DEFAULT_FACTOR;
  private Duration maxDelay = DEFAULT_MAX_DELAY;
  private double jitter = DEFAULT_JITTER;
  private Integer maxAttempts;
  private final Set<Class<? extends Throwable>> retryOn = new LinkedHashSet<>();
  private final Set<Class<? extends Throwable>> giveUpOn = new LinkedHashSet<>();

  /** A policy with every setting at its default: all failures retried, within the job's own attempts. */
  public RetryPolicy() {}

  /**
   * A copy of {@code other}.
   *
   * @param other the policy to copy
   */
  public RetryPolicy(RetryPolicy other) {
    this.base = other.base;
    this.factor = other.factor;
    this.maxDelay = other.maxDelay;
    this.jitter = other.jitter;
    this.maxAttempts = other.maxAttempts;
    this.retryOn.addAll(other.retryOn);
    this.giveUpOn.addAll(other.giveUpOn);
  }

  /**
   * Reads {@code baseMs, factor, maxDelayMs, jitter, maxAttempts, retryOn[], giveUpOn[]} (class names).
   *
   * @param json the policy as {@link #toJson()} writes it
   */
  public RetryPolicy(JsonObject json) {
    setBase(Duration.ofMillis(json.getLong("baseMs", DEFAULT_BASE.toMillis())));
    setFactor(json.getDouble("factor", DEFAULT_FACTOR));
    setMaxDelay(Duration.ofMillis(json.getLong("maxDelayMs", DEFAULT_MAX_DELAY.toMillis())));
    setJitter(json.getDouble("jitter", DEFAULT_JITTER));
    setMaxAttempts(json.getInteger("maxAttempts"));
    json.getJsonArray("retryOn", new JsonArray()).forEach(name -> retryOn(loadThrowable((String) name)));
    json.getJsonArray("giveUpOn", new JsonArray()).forEach(name -> giveUpOn(loadThrowable((String) name)));
  }

  /** {@return this policy as JSON, which {@link #RetryPolicy(JsonObject)} reads back} */
  public JsonObject toJson() {
    JsonArray retry = new JsonArray();
    retryOn.forEach(c -> retry.add(c.getName()));
    JsonArray giveUp = new JsonArray();
    giveUpOn.forEach(c -> giveUp.add(c.getName()));
    return new JsonObject().put("baseMs", base.toMillis()).put("factor", factor).put("maxDelayMs", maxDelay.toMillis())
        .put("jitter", jitter).put("maxAttempts", maxAttempts).put("retryOn", retry).put("giveUpOn", giveUp);
  }

  /**
   * The delay before the next run after attempt {@code attempt} (from 1) failed.
   *
   * @param random a number in [0, 1) that places the delay within the jitter band
   * @param attempt the attempt that failed, from 1
   * @return the delay, jitter included
   */
  public Duration delayAfter(int attempt, double random) {
    double ms = base.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
    ms = Math.min(ms, maxDelay.toMillis());
    ms = ms * (1 + jitter * (2 * random - 1));
    return Duration.ofMillis(Math.max(0, Math.round(ms)));
  }

  /**
   * True when attempt {@code attempt} of a job allowed {@code jobMaxAttempts} may be followed by another:
   * the job's own limit and this policy's {@code maxAttempts}, when set, both allow it.
   *
   * @param attempt the attempt that failed, from 1
   * @param jobMaxAttempts the job's own limit of attempts
   * @return true when another attempt may follow
   */
  public boolean allowsAnotherAttempt(int attempt, int jobMaxAttempts) {
    return attempt < jobMaxAttempts && (maxAttempts == null || attempt < maxAttempts);
  }

  /**
   * True when a run that failed with {@code failure} may be tried again (attempts allowing).
   *
   * @param failure what the run failed with
   * @return true unless {@code failure} is one to give up on or not one of the types to retry
   */
  public boolean isRetryable(Throwable failure) {
    if (failure instanceof GiveUpException || matches(giveUpOn, failure)) {
      return false;
    }
    return retryOn.isEmpty() || matches(retryOn, failure);
  }

  private static boolean matches(Set<Class<? extends Throwable>> classes, Throwable failure) {
    for (Class<? extends Throwable> c : classes) {
      if (c.isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  /** {@return the {@code base} setting} See {@link #setBase}. */
  public Duration getBase() {
    return base;
  }

  /**
   * The delay after the first failure.
   *
   * @param base the delay after the first failure.
   * @return this retry policy, for chaining
   */
  public RetryPolicy setBase(Duration base) {
    if (base == null || base.isNegative()) {
      throw new IllegalArgumentException("base must be zero or positive, got " + base);
    }
    this.base = base;
    return this;
  }

  /** {@return the {@code factor} setting} See {@link #setFactor}. */
  public double getFactor() {
    return factor;
  }

  /**
   * How much each further failure multiplies the delay; at least 1.
   *
   * @param factor how much each further failure multiplies the delay; at least 1.
   * @return this retry policy, for chaining
   */
  public RetryPolicy setFactor(double factor) {
    if (!(factor >= 1.0)) {
      throw new IllegalArgumentException("factor must be at least 1, got " + factor);
    }
    this.factor = factor;
    return this;
  }

  /** {@return the {@code maxDelay} setting} See {@link #setMaxDelay}. */
  public Duration getMaxDelay() {
    return maxDelay;
  }

  /**
   * The cap on the delay before jitter.
   *
   * @param maxDelay the cap on the delay before jitter.
   * @return this retry policy, for chaining
   */
  public RetryPolicy setMaxDelay(Duration maxDelay) {
    if (maxDelay == null || maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxDelay must be zero or positive, got " + maxDelay);
    }
    this.maxDelay = maxDelay;
    return this;
  }

  /** {@return the {@code jitter} setting} See {@link #setJitter}. */
  public double getJitter() {
    return jitter;
  }

  /**
   * The spread as a fraction of the delay, from 0 (none) to 1.
   *
   * @param jitter the spread as a fraction of the delay, from 0 (none) to 1.
   * @return this retry policy, for chaining
   */
  public RetryPolicy setJitter(double jitter) {
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within [0, 1], got " + jitter);
    }
    this.jitter = jitter;
    return this;
  }

  /** {@return the {@code maxAttempts} setting} See {@link #setMaxAttempts}. */
  public Integer getMaxAttempts() {
    return maxAttempts;
  }

  /**
   * Caps the attempts of this handler's jobs below their own {@code maxAttempts} (set at enqueue, 20 by
   * default); null (the default) leaves the job's limit alone.
   *
   * @param maxAttempts caps the attempts of this handler's jobs below their own {@code maxAttempts} (set at enqueue, 20 by default); null (the default) leaves the job's limit alone.
   * @return this retry policy, for chaining
   */
  public RetryPolicy setMaxAttempts(Integer maxAttempts) {
    if (maxAttempts != null && maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    return this;
  }

  /** {@return the failure types retried (with their subclasses); empty means all} */
  public Set<Class<? extends Throwable>> getRetryOn() {
    return Set.copyOf(retryOn);
  }

  /**
   * Retries only failures of these types (and their subclasses); none given means all.
   *
   * @param types the failure types
   * @return this retry policy, for chaining
   */
  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
    retryOn.addAll(Set.of(types));
    return this;
  }

  /** {@return the failure types that send a job to {@code dead} at once (with their subclasses)} */
  public Set<Class<? extends Throwable>> getGiveUpOn() {
    return Set.copyOf(giveUpOn);
  }

  /**
   * Failures of these types (and their subclasses) send the job to {@code dead} at once.
   *
   * @param types the failure types
   * @return this retry policy, for chaining
   */
  @SafeVarargs
  public final RetryPolicy giveUpOn(Class<? extends Throwable>... types) {
    giveUpOn.addAll(Set.of(types));
    return this;
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends Throwable> loadThrowable(String name) {
    try {
      Class<?> c = Class.forName(name);
      if (!Throwable.class.isAssignableFrom(c)) {
        throw new IllegalArgumentException(name + " is not a Throwable");
      }
      return (Class<? extends Throwable>) c;
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("unknown exception class " + name, e);
    }
  }
}

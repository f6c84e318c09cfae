package dev.spool.test;

import dev.spool.JobResult;
import java.time.Duration;
import java.util.List;

/** The job {@link SpoolTester#perform} pretends to run: its attempt, limits, queue, parents, cancellation. */
public final class PerformOptions {

  /** The default of {@link #setQueue}. */
  public static final String DEFAULT_QUEUE = "default";
  /** The default of {@link #setAttempt}. */
  public static final int DEFAULT_ATTEMPT = 1;
  /** As an enqueue's default ({@code EnqueueOptions}). */
  public static final int DEFAULT_MAX_ATTEMPTS = 20;

  private String queue = DEFAULT_QUEUE;
  private int priority;
  private int attempt = DEFAULT_ATTEMPT;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private Duration timeout;
  private List<JobResult> parents = List.of();
  private boolean cancelled;

  /** Options with every setting at its default. */
  public PerformOptions() {}

  /** {@return the {@code queue} setting} See {@link #setQueue}. */
  public String getQueue() {
    return queue;
  }

  /**
   * The queue the run's context reports; the default queue by default.
   *
   * @param queue a queue name
   * @return these options
   */
  public PerformOptions setQueue(String queue) {
    this.queue = queue;
    return this;
  }

  /** {@return the {@code priority} setting} See {@link #setPriority}. */
  public int getPriority() {
    return priority;
  }

  /**
   * The priority the run's context reports.
   *
   * @param priority the priority
   * @return these options
   */
  public PerformOptions setPriority(int priority) {
    this.priority = priority;
    return this;
  }

  /** {@return the {@code attempt} setting} See {@link #setAttempt}. */
  public int getAttempt() {
    return attempt;
  }

  /**
   * Which attempt this run is (1 for the first): the retry policy decides on it.
   *
   * @param attempt which attempt this run is (1 for the first): the retry policy decides on it.
   * @return these options
   */
  public PerformOptions setAttempt(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
    this.attempt = attempt;
    return this;
  }

  /** {@return the {@code maxAttempts} setting} See {@link #setMaxAttempts}. */
  public int getMaxAttempts() {
    return maxAttempts;
  }

  /**
   * The attempts the job gets in all: with {@link #setAttempt}, whether this run is the last.
   *
   * @param maxAttempts at least 1
   * @return these options
   */
  public PerformOptions setMaxAttempts(int maxAttempts) {
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
   * The job's own hard time limit (null: the handler's).
   *
   * @param timeout the job's own hard time limit (null: the handler's).
   * @return these options
   */
  public PerformOptions setTimeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** {@return the {@code parents} setting} See {@link #setParents}. */
  public List<JobResult> getParents() {
    return parents;
  }

  /**
   * What {@code JobContext.parents()} answers: the results of a workflow step's parents.
   *
   * @param parents what {@code JobContext.parents()} answers: the results of a workflow step's parents.
   * @return these options
   */
  public PerformOptions setParents(List<JobResult> parents) {
    this.parents = List.copyOf(parents);
    return this;
  }

  /** {@return the {@code cancelled} setting} See {@link #setCancelled}. */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * True to run it as a job whose cancellation was asked for ({@code JobContext.isCancelled()}).
   *
   * @param cancelled true to run it as a job whose cancellation was asked for ({@code JobContext.isCancelled()}).
   * @return these options
   */
  public PerformOptions setCancelled(boolean cancelled) {
    this.cancelled = cancelled;
    return this;
  }
}

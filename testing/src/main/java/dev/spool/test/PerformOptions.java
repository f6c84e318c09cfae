package dev.spool.test;

import dev.spool.JobResult;
import java.time.Duration;
import java.util.List;

/** The job {@link SpoolTester#perform} pretends to run: its attempt, limits, queue, parents, cancellation. */
public final class PerformOptions {

  public static final String DEFAULT_QUEUE = "default";
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

  public PerformOptions() {}

  public String getQueue() {
    return queue;
  }

  public PerformOptions setQueue(String queue) {
    this.queue = queue;
    return this;
  }

  public int getPriority() {
    return priority;
  }

  public PerformOptions setPriority(int priority) {
    this.priority = priority;
    return this;
  }

  public int getAttempt() {
    return attempt;
  }

  /** Which attempt this run is (1 for the first): the retry policy decides on it. */
  public PerformOptions setAttempt(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
    this.attempt = attempt;
    return this;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public PerformOptions setMaxAttempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    return this;
  }

  public Duration getTimeout() {
    return timeout;
  }

  /** The job's own hard time limit (null: the handler's). */
  public PerformOptions setTimeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  public List<JobResult> getParents() {
    return parents;
  }

  /** What {@code JobContext.parents()} answers: the results of a workflow step's parents. */
  public PerformOptions setParents(List<JobResult> parents) {
    this.parents = List.copyOf(parents);
    return this;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** True to run it as a job whose cancellation was asked for ({@code JobContext.isCancelled()}). */
  public PerformOptions setCancelled(boolean cancelled) {
    this.cancelled = cancelled;
    return this;
  }
}

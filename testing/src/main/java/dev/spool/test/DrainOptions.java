package dev.spool.test;

import dev.spool.WorkerOptions;

/**
 * How {@link SpoolTester#drain(String, DrainOptions)} runs jobs. By default it runs the jobs due when it is
 * called, once each, like a worker's single pass; {@link #setFollow follow} also runs what those jobs
 * enqueue or release (workflow steps, retries that are due), until nothing is due.
 */
public final class DrainOptions {

  /** Most jobs one drain runs before it stops with an error (a handler that enqueues forever). */
  public static final int DEFAULT_MAX_JOBS = 1_000;

  private boolean follow;
  private boolean includeScheduled;
  private int maxJobs = DEFAULT_MAX_JOBS;
  private WorkerOptions limits;

  /** Options with every setting at its default. */
  public DrainOptions() {}

  /**
   * Runs jobs until none is due: also those the handlers enqueue and the workflow steps their ends release.
   *
   * @return the options
   */
  public static DrainOptions untilIdle() {
    return new DrainOptions().setFollow(true);
  }

  /** {@return the {@code follow} setting} See {@link #setFollow}. */
  public boolean isFollow() {
    return follow;
  }

  /**
   * True to run, too, the jobs enqueued or released while the drain runs, until none is due.
   *
   * @param follow true to run, too, the jobs enqueued or released while the drain runs, until none is due.
   * @return these options
   */
  public DrainOptions setFollow(boolean follow) {
    this.follow = follow;
    return this;
  }

  /** {@return the {@code includeScheduled} setting} See {@link #setIncludeScheduled}. */
  public boolean isIncludeScheduled() {
    return includeScheduled;
  }

  /**
   * True to run scheduled jobs now rather than at their run_at (their run_at is set to now); with
   * {@link #setFollow follow}, retries and snoozes run again at once too, until each job completes or dies.
   *
   * @param includeScheduled true to run scheduled jobs now rather than at their run_at (their run_at is set to now); with {@link #setFollow follow}, retries and snoozes run again at once too, until each job completes or dies.
   * @return these options
   */
  public DrainOptions setIncludeScheduled(boolean includeScheduled) {
    this.includeScheduled = includeScheduled;
    return this;
  }

  /** {@return the {@code limits} setting} See {@link #setLimits}. */
  public WorkerOptions getLimits() {
    return limits;
  }

  /**
   * Claims as a worker deployed with {@code options} would: the cluster-wide limits it sets for a queue (rate
   * limits of the queue or its tasks, global concurrency, keyed queues) hold, through the worker's own limited
   * claim, and their windows move with {@link SpoolTester#advance}. By default (null) a drain claims every due
   * job, as a worker without limits.
   *
   * @param options claims as a worker deployed with {@code options} would: the cluster-wide limits it sets for a queue (rate limits of the queue or its tasks, global concurrency, keyed queues) hold, through the worker's own limited claim, and their windows move with {@link SpoolTester#advance}.
   * @return these options
   */
  public DrainOptions setLimits(WorkerOptions options) {
    this.limits = options == null ? null : new WorkerOptions(options);
    return this;
  }

  /** {@return the {@code maxJobs} setting} See {@link #setMaxJobs}. */
  public int getMaxJobs() {
    return maxJobs;
  }

  /**
   * Most jobs to run; a drain that would run more stops with an {@link IllegalStateException} naming them.
   *
   * @param maxJobs most jobs to run; a drain that would run more stops with an {@link IllegalStateException} naming them.
   * @return these options
   */
  public DrainOptions setMaxJobs(int maxJobs) {
    if (maxJobs < 1) {
      throw new IllegalArgumentException("maxJobs must be at least 1, got " + maxJobs);
    }
    this.maxJobs = maxJobs;
    return this;
  }
}

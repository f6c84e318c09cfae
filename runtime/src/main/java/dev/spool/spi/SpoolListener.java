package dev.spool.spi;

import dev.spool.JobContext;

/**
 * Hears what workers do, for metrics and logs (the Micrometer adapter is one). Called on worker event
 * loops, on the hot path: implementations must be quick and must not block. Every method has a no-op
 * default so a listener implements only what it needs.
 */
public interface SpoolListener {

  /** What a finished run came to. */
  enum Outcome {
    /** The handler succeeded. */
    COMPLETED,
    /** The run failed and the job will run again. */
    RETRIED,
    /** The run failed and the job went to {@code dead}. */
    DEAD,
    /** The handler asked to run again later ({@link dev.spool.Snooze}); not a failure. */
    SNOOZED
  }

  /**
   * A claim took {@code count} jobs (possibly 0) from {@code queue}.
   *
   * @param queue the queue claimed from
   * @param count the jobs claimed
   */
  default void claimed(String queue, int count) {}

  /**
   * A handler is about to run; {@code pickupLagMillis} is the time since the job became due.
   *
   * @param job the run's job
   * @param pickupLagMillis milliseconds from due to start
   */
  default void started(JobContext job, long pickupLagMillis) {}

  /**
   * A run ended; {@code durationNanos} from handler start to its outcome (timeouts included).
   *
   * @param job the run's job
   * @param outcome what the run came to
   * @param durationNanos nanoseconds from handler start to outcome
   * @param failure what the run failed with, or null when there was no failure
   */
  default void finished(JobContext job, Outcome outcome, long durationNanos, Throwable failure) {}

  /**
   * Outcomes that changed nothing because their run had been taken away (rescued or cancelled).
   *
   * @param count how many
   */
  default void lateAcks(long count) {}

  /**
   * The rescuer took back {@code count} jobs of {@code queue}, now in {@code state}.
   *
   * @param queue the jobs' queue
   * @param state the state they are in now
   * @param count how many
   */
  default void rescued(String queue, String state, int count) {}

  /**
   * A run passed its soft time limit; its handler has been told and goes on.
   *
   * @param job the run's job
   */
  default void softTimeout(JobContext job) {}

  /**
   * A run is stuck: its handler has not returned by its hard limit plus the grace period.
   *
   * @param job the run's job
   */
  default void stuck(JobContext job) {}

  /**
   * A stuck run ended: its handler returned at last, or its worker stopped and gave it up.
   *
   * @param job the run's job
   */
  default void stuckEnded(JobContext job) {}

  /** A listener that hears nothing. */
  SpoolListener NONE = new SpoolListener() {};

  /**
   * A listener that tells {@code first}, then {@code second}, of every event.
   *
   * @param first told first
   * @param second told second
   * @return the pair
   */
  static SpoolListener both(SpoolListener first, SpoolListener second) {
    if (first == NONE) {
      return second;
    }
    if (second == NONE) {
      return first;
    }
    return new SpoolListener() {
      @Override
      public void claimed(String queue, int count) {
        first.claimed(queue, count);
        second.claimed(queue, count);
      }

      @Override
      public void started(JobContext job, long pickupLagMillis) {
        first.started(job, pickupLagMillis);
        second.started(job, pickupLagMillis);
      }

      @Override
      public void finished(JobContext job, Outcome outcome, long durationNanos, Throwable failure) {
        first.finished(job, outcome, durationNanos, failure);
        second.finished(job, outcome, durationNanos, failure);
      }

      @Override
      public void lateAcks(long count) {
        first.lateAcks(count);
        second.lateAcks(count);
      }

      @Override
      public void rescued(String queue, String state, int count) {
        first.rescued(queue, state, count);
        second.rescued(queue, state, count);
      }

      @Override
      public void softTimeout(JobContext job) {
        first.softTimeout(job);
        second.softTimeout(job);
      }

      @Override
      public void stuck(JobContext job) {
        first.stuck(job);
        second.stuck(job);
      }

      @Override
      public void stuckEnded(JobContext job) {
        first.stuckEnded(job);
        second.stuckEnded(job);
      }
    };
  }
}

package dev.spool;

import java.time.Instant;
import java.util.Map;

/**
 * A queue as operators see it ({@link JobAdmin#queues()}).
 *
 * @param counts jobs per state; available jobs due later are counted as {@link JobState#SCHEDULED};
 *     states without jobs are absent
 * @param oldestAvailableSeconds how long the oldest due job has waited, null when none is due
 */
public record QueueSummary(String name, boolean paused, Instant pausedAt, Map<JobState, Long> counts,
    Double oldestAvailableSeconds) {

  /**
   * Jobs of the queue in {@code state}.
   *
   * @param state a state
   * @return the count, 0 when none
   */
  public long count(JobState state) {
    return counts.getOrDefault(state, 0L);
  }
}

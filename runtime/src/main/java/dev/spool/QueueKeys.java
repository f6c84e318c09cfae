package dev.spool;

import java.time.Duration;
import java.util.List;

/**
 * The keys of one queue that have work ({@link JobAdmin#keys}): how many, and the busiest of them.
 *
 * @param keysWithWork keys with available or running jobs in the queue
 * @param busiest the keys with the most open jobs, most first
 */
public record QueueKeys(String queue, long keysWithWork, List<Key> busiest) {

  /**
   * One key's open jobs.
   *
   * @param available    its available jobs, due now or later
   * @param recentStarts starts in the key's rate log, which every claim trims to the rate window (0 for a
   *                     queue without a key rate limit)
   * @param oldestWait   how long its oldest due job has waited, or null when none is due: the key a fair
   *                     queue or a key limit holds back shows here first
   */
  public record Key(String key, long available, long running, int recentStarts, Duration oldestWait) {}
}

package dev.spool;

import java.util.Locale;

/**
 * Where a job is in its life. A job is enqueued {@code available} (shown as {@code scheduled} until its
 * run_at); a claim makes it {@code running}; its outcome makes it {@code completed} (or deletes it),
 * {@code available} again for a retry, or {@code dead}; the rescuer returns a running job whose worker
 * died to {@code available} (or {@code dead} when its attempts are used up); a cancel makes a job that is
 * not running {@code cancelled} at once, and a running one when its run ends; a retry of a dead or
 * cancelled job makes it {@code available}.
 */
public enum JobState {
  /** Waiting to be claimed (reported as {@link #SCHEDULED} while its run_at is in the future). */
  AVAILABLE,
  /** Available, but not before its run_at; not a stored state, a view of {@link #AVAILABLE}. */
  SCHEDULED,
  /** Claimed by a worker under a lease. */
  RUNNING,
  /** Finished well (only seen when completed jobs are kept). */
  COMPLETED,
  /** Attempts used up, or failed in a way that retrying cannot fix; kept with its last error. */
  DEAD,
  /** Cancelled before it finished. */
  CANCELLED,
  /** Waiting for its parents (see {@link Workflow}): claimable once every parent finished. */
  WAITING;

  /**
   * True for the states a job never leaves by itself: completed, dead, cancelled.
   *
   * @return true for a final state
   */
  public boolean isFinal() {
    return this == COMPLETED || this == DEAD || this == CANCELLED;
  }

  /**
   * The lower-case name used in SQL and JSON.
   *
   * @return the name, such as {@code available}
   */
  public String sqlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@link #sqlName()}; throws {@link IllegalArgumentException} on anything else.
   *
   * @param name a name as {@link #sqlName()} gives it
   * @return the state
   */
  public static JobState fromSql(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}

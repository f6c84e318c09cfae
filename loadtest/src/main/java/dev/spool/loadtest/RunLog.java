package dev.spool.loadtest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code upgrade}'s run log: every {@code RAN} line of every worker process, with the worker that printed it
 * and when it was read, so the end of the run can say which jobs never ran, which ran twice (and whether a
 * killed worker explains it), and how long the job starts paused during each phase.
 */
final class RunLog {

  private final Map<Long, List<ReleaseWorker>> runs = new ConcurrentHashMap<>();
  private final long[] startNanos;
  private int starts;

  /** A log with room for the start times of {@code capacity} runs (later ones are counted, not timed). */
  RunLog(int capacity) {
    this.startNanos = new long[capacity];
  }

  void ran(long id, ReleaseWorker worker) {
    runs.compute(id, (k, list) -> {
      List<ReleaseWorker> all = list == null ? new ArrayList<>(1) : list;
      all.add(worker);
      return all;
    });
    long now = System.nanoTime();
    synchronized (this) {
      if (starts < startNanos.length) {
        startNanos[starts] = now;
      }
      starts++;
    }
  }

  synchronized int starts() {
    return starts;
  }

  /**
   * The longest time without a job start between {@code fromNanos} and {@code toNanos}, the window's ends
   * counting as starts: how long claiming paused (while jobs were due all the time).
   */
  synchronized long longestGapMs(long fromNanos, long toNanos) {
    long previous = fromNanos;
    long longest = 0;
    for (int i = 0; i < Math.min(starts, startNanos.length); i++) {
      long t = startNanos[i];
      if (t < fromNanos || t > toNanos) {
        continue;
      }
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return Math.max(longest, toNanos - previous) / 1_000_000;
  }

  /** Runs of job {@code id} (none: an empty list). */
  List<ReleaseWorker> runsOf(long id) {
    return runs.getOrDefault(id, List.of());
  }

  /** Runs of ids that are not among {@code expected}: another process sharing the schema. */
  long unexpected(Collection<Long> expected) {
    return runs.keySet().stream().filter(id -> !expected.contains(id)).count();
  }
}

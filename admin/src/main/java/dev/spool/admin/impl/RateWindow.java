package dev.spool.admin.impl;

import dev.spool.SpoolStats;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * Rates of this node's workers over a sliding window, from samples of {@link SpoolStats} taken once a
 * second: completed, retried and dead runs per second and the share of runs that failed.
 */
final class RateWindow {

  private record Sample(long nanos, long completed, long retried, long dead) {}

  private final SpoolStats stats;
  private final long windowNanos;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  RateWindow(SpoolStats stats, long windowNanos) {
    this.stats = stats;
    this.windowNanos = windowNanos;
    sample(System.nanoTime());
  }

  /** Takes a sample; called once a second on the admin verticle's event loop. */
  void sample(long now) {
    samples.addLast(new Sample(now, stats.completed(), stats.retried(), stats.dead()));
    // keep one sample at or before the window's start, so the window is always covered
    while (samples.size() > 2) {
      var it = samples.iterator();
      it.next();
      if (now - it.next().nanos() >= windowNanos) {
        samples.removeFirst();
      } else {
        break;
      }
    }
  }

  /** Runs (completed + retried + dead) in the window. */
  long runs() {
    Sample first = samples.peekFirst();
    return stats.completed() + stats.retried() + stats.dead() - first.completed() - first.retried() - first.dead();
  }

  /** Failed runs / runs in the window; 0 when nothing ran. */
  double failureRate() {
    Sample first = samples.peekFirst();
    long failed = stats.retried() + stats.dead() - first.retried() - first.dead();
    long runs = runs();
    return runs == 0 ? 0 : (double) failed / runs;
  }

  JsonObject toJson(long now) {
    Sample first = samples.peekFirst();
    double seconds = Math.max(1e-3, (now - first.nanos()) / 1e9);
    return new JsonObject()
        .put("window_seconds", Math.round(seconds * 10) / 10.0)
        .put("completed_per_s", round((stats.completed() - first.completed()) / seconds))
        .put("retried_per_s", round((stats.retried() - first.retried()) / seconds))
        .put("dead_per_s", round((stats.dead() - first.dead()) / seconds))
        .put("runs", runs())
        .put("failure_rate", round(failureRate()));
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}

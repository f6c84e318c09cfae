package dev.spool.impl.worker;

import dev.spool.WorkerOptions;
import dev.spool.impl.Recycling;
import dev.spool.impl.Service;
import dev.spool.impl.stats.Stats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Locale;

/**
 * Watches a worker's recycling limits ({@code maxStuckHandlers}, {@code maxHeapAfterGc}) once a heartbeat
 * interval and trips the process's {@link Recycling} when one is reached: Celery's
 * {@code max_tasks_per_child} and {@code max_memory_per_child}, the JVM way. A JVM does not leak per task
 * but per stuck thread and per retained object, so it counts stuck handlers, and reads the heap in use
 * after the latest garbage collection (what the collector could not free), not the heap in use now.
 */
final class Recycler implements Service {

  private static final System.Logger LOG = System.getLogger(Recycler.class.getName());

  private final Vertx vertx;
  private final WorkerOptions options;
  private final Stats stats;
  private final Recycling recycling;
  private long timer = -1;

  Recycler(Vertx vertx, WorkerOptions options, Stats stats, Recycling recycling) {
    this.vertx = vertx;
    this.options = options;
    this.stats = stats;
    this.recycling = recycling;
  }

  /** Checks every heartbeat interval when a limit is set; does nothing otherwise. */
  @Override
  public Future<Void> start() {
    if (options.recycles()) {
      timer = vertx.setPeriodic(options.getHeartbeatInterval().toMillis(), t -> check());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void check() {
    if (recycling.reason() != null) {
      return;
    }
    int maxStuck = options.getMaxStuckHandlers();
    int stuck = stats.stuckCount();
    if (maxStuck > 0 && stuck >= maxStuck) {
      trip(stuck + " handler(s) are stuck (maxStuckHandlers " + maxStuck + ")");
      return;
    }
    double maxHeap = options.getMaxHeapAfterGc();
    if (maxHeap > 0) {
      double heap = heapAfterGc();
      if (heap > maxHeap) {
        trip(String.format(Locale.ROOT, "the heap in use after garbage collection is %.1f%% of the maximum "
            + "(maxHeapAfterGc %s%%)", heap * 100, percent(maxHeap)));
      }
    }
  }

  private void trip(String reason) {
    if (recycling.trip(reason)) {
      LOG.log(System.Logger.Level.WARNING, "recycling this process: {0}; its workers stop claiming, finish or hand "
          + "back what they hold, and it reports not ready", reason);
    }
  }

  /**
   * The heap in use after the latest collection of each heap pool, over the maximum heap; 0 before any
   * collection.
   */
  static double heapAfterGc() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        MemoryUsage after = pool.getCollectionUsage();
        if (after != null) {
          used += after.getUsed();
        }
      }
    }
    long max = Runtime.getRuntime().maxMemory();
    return max <= 0 || max == Long.MAX_VALUE ? 0 : used / (double) max;
  }

  private static String percent(double fraction) {
    double p = fraction * 100;
    return p == Math.rint(p) ? String.valueOf((long) p) : String.format(Locale.ROOT, "%.4g", p);
  }
}

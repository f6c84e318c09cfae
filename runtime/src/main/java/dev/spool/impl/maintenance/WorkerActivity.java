package dev.spool.impl.maintenance;

import dev.spool.JobContext;
import dev.spool.spi.SpoolListener;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one worker did per queue since its last heartbeat: runs finished, runs failed and the pickup lag
 * (run_at to handler start) of the runs started. The heartbeat writes it to the worker's row, so the
 * dashboard sums live workers for cluster-wide throughput and lag without counting rows of the jobs
 * table (completed jobs are usually deleted, and counting 10 million kept ones is no page load).
 */
public final class WorkerActivity implements SpoolListener {

  private static final class Tally {
    long finished;
    long failed;
    long started;
    long lagSumMs;
    long lagMaxMs;
  }

  private final List<String> queues;
  private final Map<String, Tally> tallies = new HashMap<>();
  private long since;

  public WorkerActivity(List<String> queues, long nowNanos) {
    this.queues = List.copyOf(queues);
    this.since = nowNanos;
  }

  @Override
  public synchronized void started(JobContext job, long pickupLagMillis) {
    Tally t = tallies.computeIfAbsent(job.queue(), q -> new Tally());
    t.started++;
    t.lagSumMs += pickupLagMillis;
    t.lagMaxMs = Math.max(t.lagMaxMs, pickupLagMillis);
  }

  @Override
  public synchronized void finished(JobContext job, Outcome outcome, long durationNanos, Throwable failure) {
    if (outcome == Outcome.SNOOZED) {
      return; // a snooze is neither work done nor a failure
    }
    Tally t = tallies.computeIfAbsent(job.queue(), q -> new Tally());
    t.finished++;
    if (outcome != Outcome.COMPLETED) {
      t.failed++;
    }
  }

  /**
   * The rates since the previous snapshot, per queue this worker serves, and starts a new interval:
   * {@code {"emails": {"finished_per_s": 812.5, "failed_per_s": 1.0, "started": 820, "lag_ms_avg": 3.1,
   * "lag_ms_max": 17}}}.
   */
  public synchronized JsonObject snapshot(long nowNanos) {
    double seconds = Math.max(1e-3, (nowNanos - since) / 1e9);
    since = nowNanos;
    JsonObject json = new JsonObject();
    for (String queue : queues) {
      Tally t = tallies.getOrDefault(queue, new Tally());
      json.put(queue, new JsonObject()
          .put("finished_per_s", round(t.finished / seconds))
          .put("failed_per_s", round(t.failed / seconds))
          .put("started", t.started)
          .put("lag_ms_avg", t.started == 0 ? null : round((double) t.lagSumMs / t.started))
          .put("lag_ms_max", t.started == 0 ? null : t.lagMaxMs));
    }
    tallies.clear();
    return json;
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}

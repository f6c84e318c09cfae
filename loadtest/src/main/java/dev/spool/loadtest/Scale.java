package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One {@code scale} run: the same drain at every size of one dimension, the first size being the baseline
 * each later one is compared with (rate ratio and cost per job, all in one run).
 *
 * <ul>
 *   <li>{@code history}: completed rows kept in the table before the drain (keep mode), vacuumed and analysed;
 *   <li>{@code backlog}: jobs of the same task and queue due in a week, beside the due ones;
 *   <li>{@code queues}: the jobs spread over N queues that one worker set serves, then the statements/s of
 *       those workers once every queue is empty;
 *   <li>{@code payload}: bytes of padding in every job's arguments, reported as bytes/s too;
 *   <li>{@code processes}: N worker JVMs ({@link ScaleWorker}) on one database; the client CPU is theirs.
 * </ul>
 */
final class Scale {

  /** The dimensions, each with its default sizes and the least rate ratio to the baseline it targets. */
  enum Dimension {
    HISTORY("0,1000000,10000000", 0.9), BACKLOG("0,1000000", 0.9), QUEUES("1,100,1000", 0.7),
    PAYLOAD("100,10000,100000", 0), PROCESSES("1,2,4", 0);

    final String defaultSizes;
    /** Rate of every size over the baseline's; 0 when the dimension only reports. */
    final double targetRatio;

    Dimension(String defaultSizes, double targetRatio) {
      this.defaultSizes = defaultSizes;
      this.targetRatio = targetRatio;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Idle statements/s per worker process that 1,000 empty queues may cost. */
  static final double IDLE_TARGET = 20;

  private final DrainSettings base;
  private final Dimension dimension;
  private final List<Integer> sizes;
  private final int idleSeconds;
  private final Progress progress;

  Scale(DrainSettings base, Dimension dimension, List<Integer> sizes, int idleSeconds, Progress progress) {
    this.base = base;
    this.dimension = dimension;
    this.sizes = sizes;
    this.idleSeconds = idleSeconds;
    this.progress = progress;
  }

  JsonObject run(String uri) throws Exception {
    JsonArray steps = new JsonArray();
    Double baseline = null;
    boolean met = true;
    boolean failed = false;
    for (int i = 0; i < sizes.size(); i++) {
      int size = sizes.get(i);
      progress.line("%s %,d", dimension.label(), size);
      DrainSettings settings = settingsFor(size, i == 0);
      JsonObject step = dimension == Dimension.PROCESSES ? processes(uri, settings, size)
          : new Drain(settings, progress).run(uri);
      step.put("size", size);
      failed |= DrainCommand.failed(step);
      long rate = step.getLong("drain_jobs_per_s");
      if (baseline == null) {
        baseline = (double) rate;
      }
      double ratio = Math.round(1000.0 * rate / baseline) / 1000.0;
      step.put("ratio_to_baseline", ratio);
      if (dimension.targetRatio > 0 && ratio < dimension.targetRatio) {
        met = false;
      }
      if (dimension == Dimension.PAYLOAD) {
        step.put("payload_mb_per_s", Math.round(rate * (double) size / 1e5) / 10.0);
      }
      if (step.containsKey("idle_statements_per_s") && i == sizes.size() - 1) {
        met &= step.getDouble("idle_statements_per_s") <= IDLE_TARGET;
      }
      steps.add(step);
    }
    return new JsonObject().put("command", "scale").put("dimension", dimension.label()).put("jobs", base.jobs)
        .put("target_ratio", dimension.targetRatio > 0 ? dimension.targetRatio : null)
        .put("target_met", dimension.targetRatio > 0 || dimension == Dimension.QUEUES ? met : null)
        .put("failed", failed).put("steps", steps);
  }

  /** The drain of one size: the base settings with the dimension applied; only the first step warms up. */
  private DrainSettings settingsFor(int size, boolean first) {
    DrainSettings s = base.warmup();
    s.jobs = base.jobs;
    s.warmupJobs = first ? base.warmupJobs : 0;
    switch (dimension) {
      case HISTORY -> {
        s.keep = true;
        s.seed = size == 0 ? null : (spool, checks) -> seed(spool, checks, "SeedHistory", size);
      }
      case BACKLOG -> s.seed = size == 0 ? null : (spool, checks) -> seed(spool, checks, "SeedBacklog", size);
      case QUEUES -> {
        s.queues = size;
        s.idleSeconds = idleSeconds;
      }
      case PAYLOAD -> s.payloadBytes = size;
      case PROCESSES -> { }
    }
    return s;
  }

  private Future<Void> seed(Spool spool, Checks checks, String sql, int rows) {
    progress.line("seeding %,d rows (%s), then vacuum analyze", rows, sql);
    return spool.pool().preparedQuery(checks.sql(sql)).execute(Tuple.of(rows))
        .compose(r -> spool.pool().query(checks.sql("VacuumJobs")).execute()).mapEmpty();
  }

  /**
   * N worker processes drain the jobs: the queue is paused while the jobs are enqueued and the processes
   * start, and the clock runs from its resume until no row is open. A first round warms the processes up.
   * Executions happen in the processes, so only losses (rows left open) are counted, not duplicates.
   */
  private JsonObject processes(String uri, DrainSettings settings, int processes) throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Process> workers = new ArrayList<>();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri)
          .options(new SpoolOptions().setSchema(settings.schema).setKeepCompleted(settings.keep)).build();
      Checks checks = new Checks(spool);
      Blocking.await(checks.resetSchema());
      for (int i = 0; i < processes; i++) {
        workers.add(start(uri, settings));
      }
      if (settings.warmupJobs > 0) {
        progress.line("warm-up: %,d jobs over %d process(es), not reported", settings.warmupJobs, processes);
        round(spool, checks, settings.warmup(), workers);
      }
      JsonObject result = round(spool, checks, settings, workers);
      Blocking.await(spool.close());
      return result.put("processes", processes).put("workers_per_process", settings.workers.workers);
    } finally {
      for (Process p : workers) {
        p.destroy(); // SIGTERM: the worker stops gracefully
      }
      for (Process p : workers) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      Blocking.await(vertx.close());
    }
  }

  private JsonObject round(Spool spool, Checks checks, DrainSettings settings, List<Process> workers) throws Exception {
    Blocking.await(spool.client().pauseQueue(EnqueueOptions.DEFAULT_QUEUE));
    new Drain(settings, progress).enqueue(spool);
    CostMeter meter = new CostMeter(checks);
    CostMeter.Snapshot start = meter.snapshot();
    long childStart = childCpu(workers);
    long t0 = System.nanoTime();
    Blocking.await(spool.client().resumeQueue(EnqueueOptions.DEFAULT_QUEUE));
    long deadline = t0 + TimeUnit.SECONDS.toNanos(settings.timeoutSeconds);
    long[] counts;
    do {
      Blocking.sleep(Drain.ACK_POLL_MS);
      counts = Blocking.await(checks.countJobs());
    } while (counts[0] > 0 && System.nanoTime() < deadline);
    double seconds = (System.nanoTime() - t0) / 1e9;
    JsonObject cost = meter.since(start, settings.jobs);
    long childCpu = childCpu(workers) - childStart;
    cost.put("client_cpu_us_per_job", Math.round((cost.getDouble("client_cpu_us_per_job") * settings.jobs
        + childCpu / 1000.0) / settings.jobs * 10) / 10.0);
    long lost = counts[0];
    progress.line("drained %,d jobs in %.2f s: %,.0f jobs/s; %d left open", settings.jobs, seconds,
        settings.jobs / seconds, lost);
    return new JsonObject().put("drain_jobs_per_s", Math.round(settings.jobs / seconds))
        .put("drain_seconds", Math.round(seconds * 1000) / 1000.0).put("lost", lost).put("duplicates", 0)
        .put("duplicates_counted", false).put("timed_out", lost > 0).put("cost", cost);
  }

  private static long childCpu(List<Process> workers) {
    long total = 0;
    for (Process p : workers) {
      total += Math.max(0, CostMeter.processCpuNanos(p.pid()));
    }
    return total;
  }

  private Process start(String uri, DrainSettings settings) throws IOException {
    return ChildJvm.start(ScaleWorker.class, l -> { }, uri, settings.schema, Integer.toString(settings.workers.workers),
        Boolean.toString(settings.keep)).process();
  }
}

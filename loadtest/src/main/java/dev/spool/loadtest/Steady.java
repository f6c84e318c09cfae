package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.JobHandlers;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One steady run: workers up first, then jobs enqueued at a fixed rate on a timer, each job's pickup
 * latency (handler start minus the job's {@code run_at}) recorded in an HdrHistogram; then, with nothing
 * due, what the idle workers cost the database.
 *
 * <p>{@code run_at} is the database's {@code now()} at the enqueue, and the handler reads the JVM's clock:
 * both are the same clock when PostgreSQL runs on this machine; on another host their skew adds to
 * every figure.
 */
final class Steady {

  static final long PROGRESS_INTERVAL_MS = 1_000;
  /** Microsecond values with 3 significant digits: 0.1 % resolution, and it grows as needed. */
  static final int HISTOGRAM_DIGITS = 3;
  static final long POLL_MS = 50;
  private static final JsonObject ARGS = new JsonObject();

  private final SteadySettings settings;
  private final Progress progress;

  private final Recorder recorder = new Recorder(HISTOGRAM_DIGITS);
  private final Map<Long, Integer> runs = new ConcurrentHashMap<>();
  private final AtomicLong distinctRuns = new AtomicLong();
  private final Set<Long> enqueuedIds = ConcurrentHashMap.newKeySet();
  private final AtomicLong windowEnqueued = new AtomicLong();
  private final AtomicLong enqueueErrors = new AtomicLong();
  private final AtomicLong enqueuesInFlight = new AtomicLong();
  private volatile Instant windowFrom = Instant.MAX;
  private volatile Instant windowTo = Instant.MAX;

  Steady(SteadySettings settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  JsonObject run(String uri) {
    settings.validate();
    Vertx vertx = Vertx.vertx();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri).options(new SpoolOptions().setSchema(settings.schema)).build();
      return run(spool);
    } finally {
      Blocking.await(vertx.close());
    }
  }

  private JsonObject run(Spool spool) {
    Checks checks = new Checks(spool);
    Blocking.await(checks.resetSchema());
    IdleCost idleCost = new IdleCost(spool, checks);
    idleCost.detect();
    JobHandlers handlers = new JobHandlers().register(Drain.NOOP, (args, ctx) -> {
      Instant now = Instant.now();
      Instant runAt = ctx.runAt();
      if (!runAt.isBefore(windowFrom) && runAt.isBefore(windowTo)) {
        recorder.recordValue(Math.max(0, Duration.between(runAt, now).toNanos() / 1_000));
      }
      if (runs.merge(ctx.id(), 1, Integer::sum) == 1) {
        distinctRuns.incrementAndGet();
      }
      return Future.succeededFuture();
    });
    String deployment = Blocking.await(spool.deployWorkers(settings.workers.toWorkerOptions(), handlers,
        settings.workers.workers));
    progress.line("%s up; enqueueing %,d jobs/s for %d + %d s (warm-up + measured)", settings.workers.describe(),
        settings.rate, settings.warmupSeconds, settings.durationSeconds);

    Histogram latencies = load(spool);
    long deadline = System.nanoTime() + Duration.ofSeconds(settings.graceSeconds).toNanos();
    while (enqueuesInFlight.get() > 0 && System.nanoTime() < deadline) {
      Blocking.sleep(POLL_MS);
    }
    long enqueued = enqueuedIds.size();
    long[] counts = Blocking.await(checks.countJobs());
    while ((distinctRuns.get() < enqueued || counts[0] > 0) && System.nanoTime() < deadline) {
      Blocking.sleep(POLL_MS);
      counts = Blocking.await(checks.countJobs());
    }
    // Jobs of the window that ran after the load stopped were recorded meanwhile.
    latencies.add(recorder.getIntervalHistogram());
    long lost = lost(Blocking.await(checks.openJobIds()));
    long duplicates = runs.entrySet().stream().filter(e -> enqueuedIds.contains(e.getKey()))
        .mapToLong(e -> Math.max(0, e.getValue() - 1)).sum();
    long unexpected = runs.keySet().stream().filter(id -> !enqueuedIds.contains(id)).count();

    // The client's pool is done; closing it now keeps its connections out of the idle count.
    Blocking.await(spool.close());
    progress.line("%,d jobs done (lost %d, duplicates %d); letting the workers go idle, then counting statements for %d s",
        enqueued, lost, duplicates, settings.idleSeconds);
    double idle = idleCost.measure(settings.idleSeconds);
    Blocking.await(spool.vertx().undeploy(deployment));

    double achieved = windowEnqueued.get() / (double) settings.durationSeconds;
    progress.line("pickup p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms over %,d jobs; %,.0f jobs/s; idle %.1f statements/s (%s)",
        ms(latencies, 50), ms(latencies, 99), ms(latencies, 99.9), latencies.getMaxValue() / 1000.0,
        latencies.getTotalCount(), achieved, idle, idleCost.source().label);
    JsonObject result = new JsonObject()
        .put("command", "steady")
        .put("rate", settings.rate)
        .put("achieved_rate", Math.round(achieved))
        .put("duration_s", settings.durationSeconds)
        .put("warmup_s", settings.warmupSeconds)
        .put("pickup_p50_ms", ms(latencies, 50))
        .put("pickup_p99_ms", ms(latencies, 99))
        .put("pickup_p999_ms", ms(latencies, 99.9))
        .put("pickup_max_ms", latencies.getMaxValue() / 1000.0)
        .put("pickup_samples", latencies.getTotalCount())
        .put("jobs", enqueued)
        .put("lost", lost)
        .put("duplicates", duplicates)
        .put("unexpected", unexpected)
        .put("enqueue_errors", enqueueErrors.get())
        .put("idle_queries_per_s", Math.round(idle * 100) / 100.0)
        .put("idle_queries_source", idleCost.source().label)
        .put("tick_ms", settings.tickMs);
    settings.workers.toJson().forEach(e -> result.put(e.getKey(), e.getValue()));
    return result;
  }

  /** Enqueues for warm-up + duration with a line a second; returns the latencies of the measured window. */
  private Histogram load(Spool spool) {
    long warmupNanos = Duration.ofSeconds(settings.warmupSeconds).toNanos();
    long totalNanos = warmupNanos + Duration.ofSeconds(settings.durationSeconds).toNanos();
    Instant startWall = Instant.now();
    windowFrom = startWall.plusNanos(warmupNanos);
    windowTo = startWall.plusNanos(totalNanos);
    long start = System.nanoTime();
    long[] sent = {0};
    long timer = spool.vertx().setPeriodic(settings.tickMs, id -> {
      long elapsed = System.nanoTime() - start;
      long due = Math.min(elapsed, totalNanos) * settings.rate / 1_000_000_000L - sent[0];
      if (due > 0) {
        sent[0] += due;
        enqueue(spool, (int) due, elapsed >= warmupNanos);
      }
    });
    Histogram window = new Histogram(HISTOGRAM_DIGITS);
    Histogram interval = null;
    long lastRuns = 0;
    while (System.nanoTime() - start < totalNanos) {
      Blocking.sleep(Math.min(PROGRESS_INTERVAL_MS, Math.max(1, (totalNanos - (System.nanoTime() - start)) / 1_000_000)));
      interval = recorder.getIntervalHistogram(interval);
      window.add(interval);
      long runsNow = distinctRuns.get();
      progress.line("%,9d enqueued  %,9d run  %,7d jobs/s  pickup p99 %s", enqueuedIds.size(), runsNow,
          runsNow - lastRuns, interval.getTotalCount() == 0 ? "-" : String.format("%.2f ms", ms(interval, 99)));
      lastRuns = runsNow;
    }
    spool.vertx().cancelTimer(timer);
    return window;
  }

  private void enqueue(Spool spool, int n, boolean inWindow) {
    enqueuesInFlight.incrementAndGet();
    Future<List<Long>> ids = n == 1
        ? spool.client().enqueue(Drain.NOOP, ARGS).map(List::of)
        : spool.client().enqueueBatch(Drain.NOOP, Collections.nCopies(n, ARGS), new EnqueueOptions());
    ids.onComplete(ar -> {
      if (ar.succeeded()) {
        enqueuedIds.addAll(ar.result());
        if (inWindow) {
          windowEnqueued.addAndGet(n);
        }
      } else {
        enqueueErrors.addAndGet(n);
        progress.line("enqueue of %d jobs failed: %s", n, ar.cause());
      }
      enqueuesInFlight.decrementAndGet();
    });
  }

  private long lost(List<Long> openIds) {
    long neverRun = enqueuedIds.stream().filter(id -> !runs.containsKey(id)).count();
    long openButRun = openIds.stream().filter(runs::containsKey).count();
    return neverRun + openButRun;
  }

  private static double ms(Histogram histogram, double percentile) {
    return Math.round(histogram.getValueAtPercentile(percentile) / 10.0) / 100.0;
  }
}

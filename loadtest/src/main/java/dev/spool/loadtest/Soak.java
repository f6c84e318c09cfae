package dev.spool.loadtest;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One soak run: a worker process ({@link SoakWorker}) runs jobs enqueued here at a fixed rate for the whole
 * duration, some failing once and some every time; every sample interval the run records what could grow
 * (the worker's heap after a full GC and its resident set, the database's connections, the jobs table's
 * size) and at the end says whether each stayed flat, whether any job was lost or ran twice, and which of
 * the worker's log lines were not planned failures. With {@code --pin}, a session holds the vacuum horizon for the
 * whole load (as in {@code horizon}): the table then grows with every job by design, so its size is reported per
 * job instead of judged.
 */
final class Soak {

  /** The figures judged for flatness, as named in the samples. */
  static final List<String> FLAT_FIGURES = List.of("heap_after_gc_mb", "rss_mb", "connections", "jobs_mb");
  static final long SEED = 20261202L;

  private final SoakSettings settings;
  private final Progress progress;
  private final AtomicReference<JsonObject> lastWorkerSample = new AtomicReference<>();
  private final ConcurrentLinkedQueue<String> logLines = new ConcurrentLinkedQueue<>();
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong enqueueErrors = new AtomicLong();
  private final AtomicLong deadExpected = new AtomicLong();
  private final AtomicLong firstId = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastId = new AtomicLong(0);

  Soak(SoakSettings settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  JsonObject run(String uri) throws Exception {
    settings.validate();
    return OwnSpool.run(uri, settings.schema, spool -> run(spool, uri));
  }

  private JsonObject run(Spool spool, String uri) throws Exception {
    Checks checks = new Checks(spool);
    Blocking.await(checks.resetSchema());
    Blocking.await(spool.pool().query(checks.sql("CreateSoakRuns")).execute());
    Path log = Files.createTempFile("spool-soak-worker", ".log");
    ChildJvm.Started worker = ChildJvm.start(SoakWorker.class, this::workerLine, uri, settings.schema,
        String.valueOf(settings.sampleSeconds));
    progress.line("worker process %s up (its log: %s); enqueueing %,d jobs/s for %d s, %.1f %% failing once, %.1f %% dead",
        worker.nodeId(), log, settings.rate, settings.durationSeconds, 100 * settings.failShare, 100 * settings.deadShare);
    List<JsonObject> samples = new ArrayList<>();
    HorizonPin pin = new HorizonPin(spool.vertx(), uri, checks.sql("HorizonPinReadSpool"),
        checks.sql("HorizonAnalyticsSpool"), checks.sql("HorizonCancel"));
    try {
      if (settings.pin() != HorizonSettings.Pin.NONE) {
        Blocking.await(pin.start(settings.pin(), settings.analyticsSeconds));
        progress.line("horizon pinned: %s (sessions %s)", settings.pin().label(), pin.pids());
      }
      try {
        load(spool, checks, samples);
      } finally {
        Blocking.await(pin.release(spool.pool()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.graceSeconds);
      while (open(spool, checks) > 0 && System.nanoTime() < deadline) {
        Blocking.sleep(200);
      }
    } finally {
      worker.process().destroy(); // SIGTERM: the worker stops gracefully
      worker.process().waitFor(60, TimeUnit.SECONDS);
      Files.write(log, logLines);
    }
    Row outcome = Blocking.await(spool.pool().preparedQuery(checks.sql("SoakOutcome"))
            .execute(Tuple.of(firstId.get(), lastId.get())))
        .iterator().next();
    return result(samples, outcome, log);
  }

  /** Enqueues at the rate for the duration, sampling every interval. */
  private void load(Spool spool, Checks checks, List<JsonObject> samples) {
    Random random = new Random(SEED);
    long totalNanos = TimeUnit.SECONDS.toNanos(settings.durationSeconds);
    long start = System.nanoTime();
    long[] sent = {0};
    long timer = spool.vertx().setPeriodic(settings.tickMs, id -> {
      long elapsed = Math.min(System.nanoTime() - start, totalNanos);
      int due = (int) (elapsed * settings.rate / 1_000_000_000L - sent[0]);
      if (due > 0) {
        sent[0] += due;
        enqueue(spool, random, due);
      }
    });
    long lastEnqueued = 0;
    long nextSample = start + TimeUnit.SECONDS.toNanos(settings.sampleSeconds);
    while (nextSample <= start + totalNanos) {
      Blocking.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSample - System.nanoTime())));
      long now = enqueued.get();
      JsonObject sample = sample(spool, checks, (System.nanoTime() - start) / 1e9, now - lastEnqueued);
      lastEnqueued = now;
      samples.add(sample);
      progress.line("%s", sample.encode());
      nextSample += TimeUnit.SECONDS.toNanos(settings.sampleSeconds);
    }
    while (System.nanoTime() - start < totalNanos) {
      Blocking.sleep(50);
    }
    spool.vertx().cancelTimer(timer);
  }

  private void enqueue(Spool spool, Random random, int n) {
    List<JsonObject> args = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double r = random.nextDouble();
      int fail = r < settings.deadShare ? -1 : r < settings.deadShare + settings.failShare ? 1 : 0;
      if (fail < 0) {
        deadExpected.incrementAndGet();
      }
      args.add(new JsonObject().put("fail", fail));
    }
    spool.client().enqueueBatch(SoakWorker.JOB, args, new EnqueueOptions().setMaxAttempts(SoakWorker.MAX_ATTEMPTS)).onComplete(ar -> {
      if (ar.succeeded()) {
        enqueued.addAndGet(n);
        // one sequence: the run's ids are the range between the first and the last it was given
        ar.result().forEach(id -> {
          firstId.accumulateAndGet(id, Math::min);
          lastId.accumulateAndGet(id, Math::max);
        });
      } else {
        enqueueErrors.addAndGet(n);
        progress.line("enqueue of %d jobs failed: %s", n, ar.cause());
      }
    });
  }

  private JsonObject sample(Spool spool, Checks checks, double seconds, long enqueuedSince) {
    Row db = Blocking.await(spool.pool().query(checks.sql("SoakSample")).execute()).iterator().next();
    JsonObject worker = lastWorkerSample.get();
    return new JsonObject()
        .put("t_s", Math.round(seconds))
        .put("jobs_per_s", Math.round(enqueuedSince / (double) settings.sampleSeconds))
        .put("heap_after_gc_mb", worker == null ? null : worker.getDouble("heap_after_gc_mb"))
        .put("rss_mb", worker == null ? null : worker.getDouble("rss_mb"))
        .put("threads", worker == null ? null : worker.getInteger("threads"))
        .put("connections", db.getLong("connections"))
        .put("jobs_mb", SoakWorker.mb(db.getLong("jobs_bytes")))
        .put("job_rows", db.getLong("job_rows"))
        .put("open_jobs", db.getLong("open"));
  }

  private long open(Spool spool, Checks checks) {
    return Blocking.await(spool.pool().query(checks.sql("SoakSample")).execute()).iterator().next().getLong("open");
  }

  private void workerLine(String line) {
    if (line.startsWith("SAMPLE ")) {
      lastWorkerSample.set(new JsonObject(line.substring(7)));
    } else {
      logLines.add(line);
    }
  }

  private JsonObject result(List<JsonObject> samples, Row outcome, Path log) {
    JsonObject flatness = new JsonObject();
    boolean flat = true;
    boolean pinned = settings.pin() != HorizonSettings.Pin.NONE;
    for (String figure : FLAT_FIGURES) {
      Double ratio = lastToSecondQuarter(samples, figure);
      flatness.put(figure, ratio);
      if (!(pinned && figure.equals("jobs_mb"))) {
        flat &= ratio == null || ratio <= SoakSettings.FLAT_RATIO;
      }
    }
    // every failure is planned: a warning or error line that is not one of them is worth a look
    Map<String, Integer> unexplained = new LinkedHashMap<>();
    long errorLines = 0;
    for (String line : logLines) {
      if (line.contains("WARNING") || line.contains("SEVERE") || line.contains("Exception")) {
        errorLines++;
        if (!line.contains(SoakWorker.PLANNED)) {
          unexplained.merge(line.length() > 200 ? line.substring(0, 200) : line, 1, Integer::sum);
        }
      }
    }
    JsonArray distinct = new JsonArray();
    unexplained.entrySet().stream().limit(10).forEach(e -> distinct.add(e.getValue() + "× " + e.getKey()));
    return new JsonObject()
        .put("command", "soak")
        .put("rate", settings.rate)
        .put("achieved_rate", Math.round(enqueued.get() / (double) settings.durationSeconds))
        .put("duration_s", settings.durationSeconds)
        .put("jobs", enqueued.get())
        .put("enqueue_errors", enqueueErrors.get())
        .put("completed", outcome.getLong("completed"))
        .put("dead", outcome.getLong("dead"))
        .put("dead_expected", deadExpected.get())
        .put("lost", outcome.getLong("lost"))
        .put("duplicates", outcome.getLong("duplicates"))
        .put("pin", settings.pin().label())
        .put("pinned_bytes_per_job", pinned ? bytesPerJob(samples) : null)
        .put("flat_ratio_limit", SoakSettings.FLAT_RATIO)
        .put("last_to_second_quarter", flatness)
        .put("flat", flat)
        .put("judged", settings.judged())
        .put("error_lines", errorLines)
        .put("unexplained_lines", unexplained.values().stream().mapToInt(Integer::intValue).sum())
        .put("unexplained_distinct", distinct)
        .put("worker_log", log.toString())
        .put("samples", new JsonArray(new ArrayList<>(samples)));
  }

  /** The jobs table's growth (with its indexes) from the first sample to the last, per job enqueued between. */
  static Long bytesPerJob(List<JsonObject> samples) {
    if (samples.size() < 2) {
      return null;
    }
    JsonObject first = samples.get(0);
    JsonObject last = samples.get(samples.size() - 1);
    long jobs = 0;
    for (JsonObject sample : samples.subList(1, samples.size())) {
      jobs += sample.getLong("jobs_per_s") * (last.getLong("t_s") - first.getLong("t_s")) / (samples.size() - 1);
    }
    return jobs <= 0 ? null : Math.round((last.getDouble("jobs_mb") - first.getDouble("jobs_mb")) * 1024 * 1024 / jobs);
  }

  /** The mean of the last quarter of samples over the mean of the second; null when too few or no data. */
  static Double lastToSecondQuarter(List<JsonObject> samples, String figure) {
    int quarter = samples.size() / 4;
    if (quarter == 0) {
      return null;
    }
    Double second = mean(samples.subList(quarter, 2 * quarter), figure);
    Double last = mean(samples.subList(samples.size() - quarter, samples.size()), figure);
    return second == null || last == null || second == 0 ? null : Math.round(100 * last / second) / 100.0;
  }

  private static Double mean(List<JsonObject> samples, String figure) {
    double sum = 0;
    int n = 0;
    for (JsonObject sample : samples) {
      Number value = sample.getNumber(figure);
      if (value != null) {
        sum += value.doubleValue();
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }
}

package dev.spool.loadtest;

import dev.spool.JobAdmin;
import dev.spool.Spool;
import dev.spool.loadtest.HorizonSettings.Pin;
import dev.spool.loadtest.HorizonSettings.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One horizon run (issue 25): a queue under a steady enqueue rate with its worker running, first unpinned
 * ({@code --warmup}: the baseline), then with the vacuum horizon pinned ({@code --duration}), then released
 * ({@code --recovery}). Every {@code --report-every} seconds it reports the backlog, pickup p50/p99, the claim
 * statement's time (a {@link ClaimProbe}), dead tuples of the table and its indexes, and table and index bytes;
 * after the release, how long until latency and size are back near the baseline (looked at every
 * {@value #SAMPLE_SECONDS} s).
 */
final class Horizon {

  static final int SAMPLE_SECONDS = 5;
  static final int SPOOL_WORKERS = WorkerSettings.DEFAULT_WORKERS;
  /** Latency is back when pickup p99 and claim time are within this factor of the baseline (or the slack). */
  static final double LATENCY_BACK_RATIO = 2.0;
  static final double PICKUP_BACK_SLACK_MS = 5.0;
  static final double CLAIM_BACK_SLACK_MS = 0.5;
  /** Size is back when table and index bytes are within this factor of the baseline. */
  static final double SIZE_BACK_RATIO = 1.2;

  /** One window of the run: a report line covers one. */
  private record Window(String phase, long fromMillis, long toMillis) {}

  /** What one database sample saw. */
  private record Sample(long atMillis, long backlog, long dead, long tableBytes, long indexBytes, long vacuums,
      Double horizonAgeSeconds) {}

  private final HorizonSettings settings;
  private final Target targetKind;
  private final Progress progress;
  private final List<Sample> samples = new ArrayList<>();

  Horizon(HorizonSettings settings, Target targetKind, Progress progress) {
    this.settings = settings;
    this.targetKind = targetKind;
    this.progress = progress;
  }

  JsonObject run(String uri) throws Exception {
    settings.validate();
    return OwnSpool.run(uri, settings.schema, spool -> run(spool, uri));
  }

  private JsonObject run(Spool spool, String uri) throws Exception {
    Checks checks = new Checks(spool);
    Pin pinShape = settings.pin();
    int totalSeconds = settings.warmupSeconds + settings.durationSeconds + settings.recoverySeconds;
    HorizonTarget target = switch (targetKind) {
      case SPOOL -> new SpoolHorizonTarget(spool, checks, uri, SPOOL_WORKERS, settings.keys, progress);
      case FLOOR -> new FloorHorizonTarget(spool, checks, uri, settings.floorClaimsPerSecond, settings.floorBatch,
          settings.floorVacuumSeconds, totalSeconds + 60, progress);
      case GRAPHILE -> new GraphileHorizonTarget(spool, checks, uri, settings.graphileDir(),
          settings.graphileConcurrency, settings.graphileLocalQueue, settings.graphileVacuumSeconds, progress);
    };
    target.setUp();
    boolean exact = pgstattuple(spool, checks);
    boolean statements = Blocking.await(spool.pool().query(checks.sql("HorizonStatStatementsLoaded")).execute())
        .iterator().next().getBoolean("loaded");
    target.startWorker();
    ClaimProbe probe = target.probe();
    Blocking.await(probe.start(uri));
    JobAdmin admin = spool.admin();
    HorizonPin pin = new HorizonPin(spool.vertx(), uri, target.pinReadSql(), target.analyticsSql(),
        checks.sql("HorizonCancel"));
    progress.line("%s%s: %,d jobs/s; %d s unpinned, %d s %s, %d s after; a report every %d s", targetKind.label(),
        keys() > 0 ? " (fair, " + keys() + " keys)" : "", settings.rate, settings.warmupSeconds,
        settings.durationSeconds, pinShape.label(), settings.recoverySeconds, settings.reportSeconds);

    long start = System.currentTimeMillis();
    long warmEnd = start + settings.warmupSeconds * 1000L;
    long pinEnd = warmEnd + settings.durationSeconds * 1000L;
    long end = pinEnd + settings.recoverySeconds * 1000L;
    List<Window> windows = new ArrayList<>();
    String pinnedLabel = pinShape == Pin.NONE ? "unpinned" : "pinned";
    addWindows(windows, "warmup", start, warmEnd);
    addWindows(windows, pinnedLabel, warmEnd, pinEnd);
    addWindows(windows, pinShape == Pin.NONE ? "after" : "released", pinEnd, end);

    long[] sent = {0};
    long timer = spool.vertx().setPeriodic(settings.tickMs, id -> {
      long elapsed = Math.min(System.currentTimeMillis(), end) - start;
      long due = elapsed * settings.rate / 1000 - sent[0];
      if (due > 0) {
        sent[0] += due;
        target.enqueue((int) due);
      }
    });

    List<JsonObject> reports = new ArrayList<>();
    JsonObject recovery = new JsonObject();
    Baseline baseline = null;
    long enqueuedAtWindowStart = 0;
    int nextWindow = 0;
    long vacuumsAtWindowStart = 0;
    try {
      if (settings.warmupSeconds == 0) {
        startPin(pin, pinShape);
      }
      for (int s = 1; s * 1000L <= end - start; s++) {
        Blocking.sleep(Math.max(0, start + s * 1000L - System.currentTimeMillis()));
        long now = start + s * 1000L;
        boolean windowEnds = nextWindow < windows.size() && windows.get(nextWindow).toMillis() == now;
        if (s % SAMPLE_SECONDS == 0 || windowEnds) {
          samples.add(sample(spool, checks, admin, target, now));
          if (samples.size() == 1) {
            vacuumsAtWindowStart = samples.get(0).vacuums();
          }
        }
        if (windowEnds) {
          Window w = windows.get(nextWindow++);
          JsonObject report = report(w, start, target, probe, checks, spool, exact, enqueuedAtWindowStart,
              vacuumsAtWindowStart);
          enqueuedAtWindowStart = target.enqueued();
          vacuumsAtWindowStart = last().vacuums();
          reports.add(report);
          progress.line("%s", line(report));
        }
        if (now == warmEnd && settings.warmupSeconds > 0) {
          baseline = Baseline.of(reports, last());
          startPin(pin, pinShape);
        }
        if (now == pinEnd && pinShape != Pin.NONE) {
          Blocking.await(pin.release(spool.pool()));
          progress.line("pin released");
        }
        if (now > pinEnd && pinShape != Pin.NONE && baseline != null && s % SAMPLE_SECONDS == 0) {
          watchRecovery(recovery, baseline, target, probe, now, pinEnd);
        }
      }
    } finally {
      spool.vertx().cancelTimer(timer);
      if (now() < pinEnd && pinShape != Pin.NONE) {
        Blocking.await(pin.release(spool.pool()));
      }
      Blocking.await(probe.stop());
      target.stop();
      Blocking.await(admin.close());
    }
    return result(target, reports, baseline, recovery, exact, statements, probe);
  }

  /** The keys of this run's queue: {@code --keys} for Spool, none for the others. */
  private int keys() {
    return targetKind == Target.SPOOL ? settings.keys : 0;
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private void startPin(HorizonPin pin, Pin shape) {
    if (shape != Pin.NONE) {
      Blocking.await(pin.start(shape, settings.analyticsSeconds));
      progress.line("horizon pinned: %s (sessions %s)", shape.label(), pin.pids());
    }
  }

  private void addWindows(List<Window> windows, String phase, long from, long to) {
    for (long t = from; t < to; t += settings.reportSeconds * 1000L) {
      windows.add(new Window(phase, t, Math.min(to, t + settings.reportSeconds * 1000L)));
    }
  }

  private Sample last() {
    return samples.get(samples.size() - 1);
  }

  private boolean pgstattuple(Spool spool, Checks checks) {
    Row row = Blocking.await(spool.pool().query(checks.sql("HorizonPgstattupleInstalled")).execute()).iterator().next();
    if (!row.getBoolean("installed") && row.getBoolean("available") && settings.createPgstattuple) {
      Blocking.await(spool.pool().query(checks.sql("HorizonCreatePgstattuple")).execute());
      return true;
    }
    return row.getBoolean("installed");
  }

  private Sample sample(Spool spool, Checks checks, JobAdmin admin, HorizonTarget target, long at) {
    Row table = Blocking.await(spool.pool().preparedQuery(checks.sql("HorizonTableSample"))
        .execute(Tuple.of(target.table()))).iterator().next();
    Double age = Blocking.await(admin.vacuumHorizon()).oldestTimed()
        .map(h -> Math.round(h.age().toMillis() / 100.0) / 10.0).orElse(null);
    return new Sample(at, target.backlog(), table.getLong("dead"), table.getLong("table_bytes"),
        table.getLong("index_bytes"), table.getLong("vacuums"), age);
  }

  private JsonObject report(Window w, long start, HorizonTarget target, ClaimProbe probe, Checks checks, Spool spool,
      boolean exact, long enqueuedBefore, long vacuumsBefore) {
    double seconds = (w.toMillis() - w.fromMillis()) / 1000.0;
    Histogram pickups = target.pickups(w.fromMillis(), w.toMillis());
    List<ClaimProbe.Sample> claims = probe.between(w.fromMillis(), w.toMillis());
    Sample at = last();
    Double age = samples.stream().filter(s -> s.atMillis() > w.fromMillis() && s.atMillis() <= w.toMillis())
        .map(Sample::horizonAgeSeconds).filter(a -> a != null).max(Double::compare).orElse(null);
    JsonObject report = new JsonObject()
        .put("phase", w.phase())
        .put("t_s", (w.toMillis() - start) / 1000)
        .put("enqueued_per_s", Math.round((target.enqueued() - enqueuedBefore) / seconds))
        .put("started_per_s", Math.round(pickups.getTotalCount() / seconds))
        .put("backlog", at.backlog())
        .put("pickup_p50_ms", ms(pickups, 50))
        .put("pickup_p99_ms", ms(pickups, 99))
        .put("pickup_max_ms", pickups.getTotalCount() == 0 ? null : pickups.getMaxValue() / 1000.0)
        .put("claim_mean_ms", round(claims.stream().mapToDouble(ClaimProbe.Sample::executionMs).average()))
        .put("claim_max_ms", round(claims.stream().mapToDouble(ClaimProbe.Sample::executionMs).max()))
        .put("claim_round_trip_mean_ms", round(claims.stream().mapToDouble(ClaimProbe.Sample::roundTripMs).average()))
        .put("claim_buffers_mean", round(claims.stream().mapToDouble(ClaimProbe.Sample::buffers).average()))
        .put("claim_probes", claims.size())
        .put("dead_tuples", at.dead())
        .put("table_mb", mb(at.tableBytes()))
        .put("index_mb", mb(at.indexBytes()))
        .put("vacuums", at.vacuums() - vacuumsBefore)
        .put("horizon_age_s", age)
        // the box's 1-minute load average: on a shared box, what the other figures were measured under
        .put("load_1m", Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage() * 10) / 10.0);
    if (exact) {
      Row dead = Blocking.await(spool.pool().preparedQuery(checks.sql("HorizonExactDead"))
          .execute(Tuple.of(target.table()))).iterator().next();
      report.put("table_dead_exact", dead.getLong("table_dead")).put("index_dead_exact", dead.getLong("index_dead"));
    }
    return report;
  }

  /** The baseline: the last unpinned report and the sizes at the pin. */
  private record Baseline(double pickupP99Ms, double claimMeanMs, long bytes) {
    static Baseline of(List<JsonObject> reports, Sample at) {
      JsonObject last = reports.get(reports.size() - 1);
      Double p99 = last.getDouble("pickup_p99_ms");
      Double claim = last.getDouble("claim_mean_ms");
      return new Baseline(p99 == null ? 0 : p99, claim == null ? 0 : claim, at.tableBytes() + at.indexBytes());
    }

    JsonObject toJson() {
      return new JsonObject().put("pickup_p99_ms", pickupP99Ms).put("claim_mean_ms", claimMeanMs)
          .put("table_and_index_mb", mb(bytes));
    }
  }

  /** After the release: the first sample whose last few seconds' latency, and whose size, are back near the baseline. */
  private void watchRecovery(JsonObject recovery, Baseline baseline, HorizonTarget target, ClaimProbe probe, long now,
      long released) {
    long since = (now - released) / 1000;
    if (!recovery.containsKey("latency_back_s")) {
      Histogram recent = target.pickups(now - SAMPLE_SECONDS * 1000L, now);
      Double claim = round(probe.between(now - SAMPLE_SECONDS * 1000L, now).stream()
          .mapToDouble(ClaimProbe.Sample::executionMs).average());
      boolean pickupBack = recent.getTotalCount() > 0 && ms(recent, 99) <= Math.max(
          LATENCY_BACK_RATIO * baseline.pickupP99Ms(), baseline.pickupP99Ms() + PICKUP_BACK_SLACK_MS);
      boolean claimBack = claim != null && claim <= Math.max(LATENCY_BACK_RATIO * baseline.claimMeanMs(),
          baseline.claimMeanMs() + CLAIM_BACK_SLACK_MS);
      if (pickupBack && claimBack) {
        recovery.put("latency_back_s", since);
      }
    }
    if (!recovery.containsKey("size_back_s")
        && last().tableBytes() + last().indexBytes() <= SIZE_BACK_RATIO * baseline.bytes()) {
      recovery.put("size_back_s", since);
    }
  }

  private JsonObject result(HorizonTarget target, List<JsonObject> reports, Baseline baseline, JsonObject recovery,
      boolean exact, boolean statements, ClaimProbe probe) {
    JsonArray failed = new JsonArray();
    List<JsonObject> pinned = reports.stream().filter(r -> r.getString("phase").equals("pinned")
        || r.getString("phase").equals("unpinned")).toList();
    if (settings.maxPickupP99Ms != null) {
      pinned.stream().filter(r -> r.getDouble("pickup_p99_ms") == null || r.getDouble("pickup_p99_ms") > settings.maxPickupP99Ms)
          .forEach(r -> failed.add("pickup p99 " + r.getDouble("pickup_p99_ms") + " ms at t=" + r.getLong("t_s")
              + " s over --max-pickup-p99-ms " + settings.maxPickupP99Ms));
    }
    Double growth = null;
    if (pinned.size() >= 2) {
      Double first = pinned.get(0).getDouble("claim_mean_ms");
      Double lastMean = pinned.get(pinned.size() - 1).getDouble("claim_mean_ms");
      growth = first == null || lastMean == null || first == 0 ? null : Math.round(100 * lastMean / first) / 100.0;
    }
    if (settings.maxClaimGrowth != null && (growth == null || growth > settings.maxClaimGrowth)) {
      failed.add("claim time grew " + growth + " × from the first pinned report to the last, over --max-claim-growth "
          + settings.maxClaimGrowth);
    }
    if (target.enqueueErrors() > 0) {
      failed.add(target.enqueueErrors() + " jobs failed to enqueue");
    }
    if (settings.recoverySeconds > 0 && baseline != null && settings.pin() != Pin.NONE) {
      recovery.put("watched_s", settings.recoverySeconds)
          .put("latency_back_when", "pickup p99 <= max(" + LATENCY_BACK_RATIO + " x baseline, baseline + "
              + PICKUP_BACK_SLACK_MS + " ms) and claim <= max(" + LATENCY_BACK_RATIO + " x baseline, baseline + "
              + CLAIM_BACK_SLACK_MS + " ms), over the last " + SAMPLE_SECONDS + " s")
          .put("size_back_when", "table + index bytes <= " + SIZE_BACK_RATIO + " x baseline");
      if (!recovery.containsKey("latency_back_s")) {
        recovery.putNull("latency_back_s");
      }
      if (!recovery.containsKey("size_back_s")) {
        recovery.putNull("size_back_s");
      }
    }
    return new JsonObject()
        .put("command", "horizon")
        .put("target", targetKind.label())
        .put("pin", settings.pin().label())
        .put("rate", settings.rate)
        // only Spool's queue is keyed: the floor and Graphile ran their plain queue whatever --keys said
        .put("keys", keys())
        .put("warmup_s", settings.warmupSeconds)
        .put("duration_s", settings.durationSeconds)
        .put("recovery_s", settings.recoverySeconds)
        .put("report_every_s", settings.reportSeconds)
        .put("analytics_s", settings.pin() == Pin.ANALYTICS ? settings.analyticsSeconds : null)
        .put("jobs", target.enqueued())
        .put("enqueue_errors", target.enqueueErrors())
        .put("target_settings", target.describe())
        .put("claim_timing", "probe: EXPLAIN (ANALYZE, BUFFERS) of the target's claim of "
            + SpoolHorizonTarget.probeBatch(keys()) + " jobs" + (keys() > 0 ? " from floors over all " + keys()
            + " keys (ClaimJobsKeyedFrom)" : "") + " once a second, rolled back"
            + (statements ? "" : " (pg_stat_statements is not loaded on this server)"))
        .put("claim_probe_error", probe.failure())
        .put("dead_tuples_source", exact ? "pg_stat_user_tables.n_dead_tup, and pgstattuple (table_dead_exact, "
            + "index_dead_exact)" : "pg_stat_user_tables.n_dead_tup (pgstattuple not installed: --pgstattuple)")
        .put("baseline", baseline == null ? null : baseline.toJson())
        .put("claim_growth", growth)
        .put("recovery", recovery)
        .put("failed_bounds", failed)
        .put("reports", new JsonArray(new ArrayList<>(reports)));
  }

  /** A report as one progress line. */
  static String line(JsonObject r) {
    return String.format(java.util.Locale.ROOT,
        "%-8s t=%4ds backlog %,7d  pickup p50 %s p99 %s ms  claim %s (max %s) ms, %s buffers  dead %,d  table %s MB index %s MB  vacuums %d  horizon %s s",
        r.getString("phase"), r.getLong("t_s"), r.getLong("backlog"), r.getValue("pickup_p50_ms"),
        r.getValue("pickup_p99_ms"), r.getValue("claim_mean_ms"), r.getValue("claim_max_ms"),
        r.getValue("claim_buffers_mean"), r.getLong("dead_tuples"), r.getValue("table_mb"), r.getValue("index_mb"),
        r.getLong("vacuums"), r.getValue("horizon_age_s"));
  }

  private static Double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? null : Math.round(h.getValueAtPercentile(percentile) / 10.0) / 100.0;
  }

  private static Double round(java.util.OptionalDouble value) {
    return value.isPresent() ? Math.round(value.getAsDouble() * 100) / 100.0 : null;
  }

  private static double mb(long bytes) {
    return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
  }
}

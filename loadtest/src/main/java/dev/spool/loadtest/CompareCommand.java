package dev.spool.loadtest;

import dev.spool.embedded.DatabaseChoice;
import dev.spool.Spool;
import dev.spool.SpoolOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code compare}: the SQL floor (delete and keep), Graphile Worker tuned, and Spool's drain (delete and
 * keep) on the same database in one go, then the ratios the performance targets are stated in. On these
 * shared, noisy machines only ratios taken in one run mean anything; the absolute figures are context.
 * Throughput on a 2-core box moves by a third from one minute to the next, so the steps run in
 * {@code --rounds} rounds, each step once a round: a ratio is taken within each round (its two runs a few
 * seconds apart) and the median over rounds is reported, with every round's ratio beside it.
 * Exits 1 when a step failed or a drain lost or duplicated a job; missed targets are reported, not failed.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Run the SQL floor, Graphile Worker and Spool's drain on one database and print the ratios.")
final class CompareCommand implements Callable<Integer> {

  public static final int DEFAULT_FLOOR_BATCH = 500;
  public static final int DEFAULT_FLOOR_CLIENTS = 2;
  public static final int DEFAULT_GRAPHILE_JOBS = 100_000;
  public static final int DEFAULT_GRAPHILE_CONCURRENCY = 16;
  public static final int DEFAULT_ROUNDS = 3;
  /** The targets: drain and drain --keep against the floor, drain against the peer, batch enqueue. */
  static final double TARGET_FLOOR_RATIO = 0.8;
  static final double TARGET_GRAPHILE_RATIO = 4.0;
  static final long TARGET_ENQUEUE_JOBS_PER_S = 150_000;

  @Spec
  CommandSpec spec;

  @Option(names = "--db", description = "postgresql:// URI (default: $SPOOL_DATABASE_URL, else an embedded PostgreSQL)")
  String db;

  @Option(names = "--jobs", description = "jobs of the floor and of each drain (default: ${DEFAULT-VALUE})")
  int jobs = DrainSettings.DEFAULT_JOBS;

  @Option(names = "--bench-dir", description = "the reference benchmarks (default: " + Scripts.DEFAULT_BENCH_DIR
      + " from the repository root)")
  String benchDir;

  @Option(names = "--floor-batch", description = "jobs per claim of the floor (default: ${DEFAULT-VALUE})")
  int floorBatch = DEFAULT_FLOOR_BATCH;

  @Option(names = "--floor-clients", description = "pgbench clients of the floor (default: ${DEFAULT-VALUE})")
  int floorClients = DEFAULT_FLOOR_CLIENTS;

  @Option(names = "--graphile-jobs", description = "jobs of the Graphile Worker run (default: ${DEFAULT-VALUE})")
  int graphileJobs = DEFAULT_GRAPHILE_JOBS;

  @Option(names = "--graphile-concurrency", description = "Graphile Worker concurrency (default: ${DEFAULT-VALUE})")
  int graphileConcurrency = DEFAULT_GRAPHILE_CONCURRENCY;

  @Option(names = "--rounds", description = "rounds of every step; medians are reported (default: ${DEFAULT-VALUE})")
  int rounds = DEFAULT_ROUNDS;

  @Option(names = "--skip-graphile", description = "leave out the peer (no node/npm here)")
  boolean skipGraphile;

  @Mixin
  WorkerSettings workers = new WorkerSettings();

  @Option(names = "--json", description = "print only the JSON line")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
    }
    Progress progress = json ? Progress.quiet() : Progress.to(spec.commandLine().getErr());
    Path bench = Scripts.benchDir(benchDir);
    JsonObject figures = new JsonObject().put("command", "compare").put("jobs", jobs).put("rounds", rounds);
    List<JsonObject> perRound = new ArrayList<>();
    boolean failed = false;
    try (DatabaseChoice database = DatabaseChoice.resolve(db, true, line -> progress.line("%s", line))) {
      Vertx vertx = Vertx.vertx();
      try {
        Spool spool = Spool.builder(vertx).connectingTo(database.uri())
            .options(new SpoolOptions().setSchema(DrainSettings.DEFAULT_SCHEMA).setPoolSize(1)).build();
        Checks checks = new Checks(spool);
        String url = database.uri();
        Floor floor = new Floor(url, new CostMeter(checks), progress);
        Path graphile = bench.resolve("peers/graphile-worker/run.sh");
        boolean withGraphile = !skipGraphile && java.nio.file.Files.isRegularFile(graphile);
        if (!skipGraphile && !withGraphile) {
          progress.line("no peer benchmarks at %s (pass --bench-dir): Graphile Worker left out", bench);
        }
        for (int round = 1; round <= rounds; round++) {
          progress.line("round %d of %d", round, rounds);
          JsonObject r = new JsonObject().put("round", round);
          failed |= step(progress, checks, r, "floor_delete", "floor_jobs_per_s", () ->
              floor.run(jobs, floorBatch, floorClients, "delete"));
          failed |= step(progress, checks, r, "floor_keep", "floor_jobs_per_s", () ->
              floor.run(jobs, floorBatch, floorClients, "keep"));
          if (withGraphile) {
            failed |= step(progress, checks, r, "graphile", "drained_jobs_per_s", () ->
                Scripts.run(graphile, url, str(graphileJobs), str(graphileConcurrency), "1"));
          }
          failed |= step(progress, checks, r, "drain", "drain_jobs_per_s", () -> drain(url, false, progress));
          failed |= step(progress, checks, r, "drain_keep", "drain_jobs_per_s", () -> drain(url, true, progress));
          JsonObject drain = r.getJsonObject("drain_run");
          JsonObject drainKeep = r.getJsonObject("drain_keep_run");
          r.put("enqueue_jobs_per_s", drain == null ? null : drain.getLong("enqueue_jobs_per_s"));
          r.put("lost", sum(drain, drainKeep, "lost")).put("duplicates", sum(drain, drainKeep, "duplicates"));
          r.put("ratio_drain_floor_delete", ratio(r, "drain", "floor_delete"));
          r.put("ratio_drain_keep_floor_keep", ratio(r, "drain_keep", "floor_keep"));
          r.put("ratio_drain_graphile", ratio(r, "drain", "graphile"));
          // The runs' own lines would make the result hard to read; their figures are in the table.
          r.remove("drain_run");
          r.remove("drain_keep_run");
          perRound.add(r);
        }
        Blocking.await(spool.close());
      } finally {
        Blocking.await(vertx.close());
      }
    }
    for (String field : List.of("floor_delete_jobs_per_s", "floor_keep_jobs_per_s", "graphile_jobs_per_s",
        "drain_jobs_per_s", "drain_keep_jobs_per_s", "enqueue_jobs_per_s")) {
      Double median = median(perRound, field);
      figures.put(field, median == null ? null : Math.round(median));
    }
    for (String field : List.of("ratio_drain_floor_delete", "ratio_drain_keep_floor_keep", "ratio_drain_graphile")) {
      figures.put(field, median(perRound, field));
    }
    figures.put("lost", perRound.stream().mapToLong(r -> r.getLong("lost")).sum())
        .put("duplicates", perRound.stream().mapToLong(r -> r.getLong("duplicates")).sum());
    CostTable.medians(perRound, figures);
    figures.put("settings", workers.toJson());
    figures.put("per_round", new JsonArray(new ArrayList<>(perRound)));
    failed |= figures.getLong("lost") > 0 || figures.getLong("duplicates") > 0;
    if (!json) {
      printTable(spec.commandLine().getOut(), figures, perRound);
      CostTable.print(spec.commandLine().getOut(), figures, perRound.size());
    }
    spec.commandLine().getOut().println(figures.encode());
    spec.commandLine().getOut().flush();
    return failed ? 1 : 0;
  }

  /** The median of a field over the rounds that have it; null when none has. */
  static Double median(List<JsonObject> rounds, String field) {
    List<Double> values = new ArrayList<>();
    for (JsonObject r : rounds) {
      Number n = (Number) r.getValue(field);
      if (n != null) {
        values.add(n.doubleValue());
      }
    }
    if (values.isEmpty()) {
      return null;
    }
    Collections.sort(values);
    int mid = values.size() / 2;
    double median = values.size() % 2 == 1 ? values.get(mid) : (values.get(mid - 1) + values.get(mid)) / 2;
    return Math.round(median * 1000) / 1000.0;
  }

  /** A step that yields one JSON line; its rate goes in {@code <name>_jobs_per_s}. Returns true when it failed. */
  private boolean step(Progress progress, Checks checks, JsonObject figures, String name, String rateField, Step step) {
    Blocking.await(checks.checkpoint());
    progress.line("%s ...", name);
    try {
      JsonObject result = step.run();
      progress.line("%s: %s", name, result.encode());
      figures.put(name + "_jobs_per_s", result.getLong(rateField));
      JsonObject cost = result.getJsonObject("cost");
      if (cost != null) {
        cost.forEach(e -> figures.put(name + "_" + e.getKey(), e.getValue()));
      }
      if (name.startsWith("drain")) {
        figures.put(name + "_run", result);
      }
      return false;
    } catch (Exception e) {
      progress.line("%s failed: %s", name, e.getMessage());
      figures.put(name + "_jobs_per_s", (Long) null).put(name + "_error", String.valueOf(e.getMessage()));
      return true;
    }
  }

  private JsonObject drain(String url, boolean keep, Progress progress) throws InterruptedException {
    DrainSettings settings = new DrainSettings();
    settings.jobs = jobs;
    settings.keep = keep;
    settings.workers = workers;
    return new Drain(settings, progress).run(url);
  }

  private void printTable(PrintWriter out, JsonObject f, List<JsonObject> perRound) {
    out.printf(Locale.ROOT, "%nSpool vs the SQL floor and Graphile Worker, %,d jobs, %s%n", jobs, workers.describe());
    out.printf(Locale.ROOT, "median of %d round(s); a ratio is taken within each round, its median reported%n", rounds);
    out.printf(Locale.ROOT, "%-40s %12s   %s%n", "run", "jobs/s", "ratio (target)   [each round]");
    row(out, "floor, delete (batch " + floorBatch + ", " + floorClients + " clients)", f.getLong("floor_delete_jobs_per_s"),
        rounds(perRound, "floor_delete_jobs_per_s", "%,.0f"));
    row(out, "floor, keep", f.getLong("floor_keep_jobs_per_s"), rounds(perRound, "floor_keep_jobs_per_s", "%,.0f"));
    row(out, "graphile-worker tuned (" + graphileJobs + " jobs)", f.getLong("graphile_jobs_per_s"),
        rounds(perRound, "graphile_jobs_per_s", "%,.0f"));
    row(out, "spool drain", f.getLong("drain_jobs_per_s"),
        verdict(f.getDouble("ratio_drain_floor_delete"), TARGET_FLOOR_RATIO, "floor delete")
            + rounds(perRound, "ratio_drain_floor_delete", "%.2f") + ";  "
            + verdict(f.getDouble("ratio_drain_graphile"), TARGET_GRAPHILE_RATIO, "graphile")
            + rounds(perRound, "ratio_drain_graphile", "%.2f"));
    row(out, "spool drain --keep", f.getLong("drain_keep_jobs_per_s"),
        verdict(f.getDouble("ratio_drain_keep_floor_keep"), TARGET_FLOOR_RATIO, "floor keep")
            + rounds(perRound, "ratio_drain_keep_floor_keep", "%.2f"));
    Long enqueue = f.getLong("enqueue_jobs_per_s");
    row(out, "spool batch enqueue", enqueue, (enqueue == null ? "" : (enqueue >= TARGET_ENQUEUE_JOBS_PER_S ? "met" : "MISSED")
        + String.format(Locale.ROOT, " (target %,d)", TARGET_ENQUEUE_JOBS_PER_S)) + rounds(perRound, "enqueue_jobs_per_s", "%,.0f"));
    out.printf(Locale.ROOT, "lost %d, duplicates %d%n", f.getLong("lost"), f.getLong("duplicates"));
  }

  /** Every round's value of a field, as " [a, b, c]"; empty with one round. */
  private static String rounds(List<JsonObject> perRound, String field, String format) {
    if (perRound.size() < 2) {
      return "";
    }
    List<String> values = new ArrayList<>();
    for (JsonObject r : perRound) {
      Number n = (Number) r.getValue(field);
      values.add(n == null ? "n/a" : String.format(Locale.ROOT, format, n.doubleValue()));
    }
    return "  [" + String.join(", ", values) + "]";
  }

  private static void row(PrintWriter out, String name, Long rate, String note) {
    out.printf(Locale.ROOT, "%-40s %12s   %s%n", name, rate == null ? "n/a" : String.format(Locale.ROOT, "%,d", rate), note);
  }

  private static String verdict(Double ratio, double target, String of) {
    if (ratio == null) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f x %s (>= %.1f %s)", ratio, of, target, ratio >= target ? "met" : "MISSED");
  }

  private static Double ratio(JsonObject figures, String numerator, String denominator) {
    Long a = figures.getLong(numerator + "_jobs_per_s");
    Long b = figures.getLong(denominator + "_jobs_per_s");
    return a == null || b == null || b == 0 ? null : Math.round(1000.0 * a / b) / 1000.0;
  }

  private static long sum(JsonObject a, JsonObject b, String field) {
    return (a == null ? 0 : a.getLong(field)) + (b == null ? 0 : b.getLong(field));
  }

  private static String str(int value) {
    return Integer.toString(value);
  }

  /** One measured step. */
  @FunctionalInterface
  private interface Step {
    JsonObject run() throws Exception;
  }
}

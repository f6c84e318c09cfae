package dev.spool.loadtest;

import dev.spool.Spool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One rolling upgrade, as an operator does it, with jobs flowing throughout: the previous release migrates
 * the schema and its workers drain jobs; this release's {@code migrate} runs while they work; this release's
 * workers start; the old ones get SIGTERM and stop gracefully; the new ones work alone. Every job of the run
 * (plain, workflow steps, awaited, periodic) must run once and end completed, and neither release's workers may
 * log more than a few errors. The workers are the releases' own {@code worker} commands with {@link UpgradeTask}
 * as a handler jar; the jobs are enqueued by a producer process on the old release's jar until the new workers
 * are up, then on the new one's ({@link UpgradeProducer}).
 */
final class Upgrade {

  static final String PERIODIC = "upgrade-tick";
  /** Start times the run log keeps (16 MB), more than any run of this command makes. */
  private static final int RUN_LOG_CAPACITY = 2_000_000;

  /** A phase of the run: what it did, when, and how many runs had started at its ends. */
  private record Phase(String name, long fromNanos, long toNanos, int startsBefore, int startsAfter) {}

  private final UpgradeSettings settings;
  private final Progress progress;
  private final RunLog runLog = new RunLog(RUN_LOG_CAPACITY);
  private final List<Phase> phases = new ArrayList<>();
  private final List<ReleaseWorker> oldWorkers = new ArrayList<>();
  private final List<ReleaseWorker> newWorkers = new ArrayList<>();
  private final List<Integer> oldExitCodes = new ArrayList<>();
  /** The old release's producer, then the new one's. */
  private final List<ReleaseProducer> producers = new ArrayList<>();
  private final List<Integer> producerExitCodes = new ArrayList<>();

  Upgrade(UpgradeSettings settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** Runs the upgrade on the database at {@code uri}; the settings are valid ({@link UpgradeSettings#validate}). */
  JsonObject run(String uri) throws Exception {
    Path oldJar = settings.oldJar != null ? settings.oldJar : OldRelease.build(settings.oldCommit, progress);
    return OwnSpool.run(uri, settings.schema, spool -> run(spool, uri, oldJar));
  }

  private JsonObject run(Spool spool, String uri, Path oldJar) throws Exception {
    Checks checks = new Checks(spool);
    Blocking.await(checks.dropSchema());
    Path dir = Files.createTempDirectory("spool-upgrade");
    Path config = writeConfig(dir);
    Path handlerJar = HandlerJar.write(dir);
    List<String> workerArgs = List.of("--config", config.toString(), "--db", uri, "--schema", settings.schema,
        "--no-migrate", "--workers", "1", "--handlers", handlerJar.toString());
    List<String> producerArgs = List.of(uri, settings.schema, String.valueOf(settings.rate),
        String.valueOf(settings.jobMs), String.valueOf(settings.workflowsPerSecond), String.valueOf(settings.awaitsPerSecond));
    migrate("old", oldJar, uri);
    int versionBefore = schemaVersion(spool, checks);
    UpgradeLoad load = new UpgradeLoad();
    long migrateNanos;
    try {
      oldWorkers.addAll(startWorkers("old", oldJar, workerArgs, dir));
      producers.add(ReleaseProducer.start("old", oldJar, handlerJar, producerArgs, dir, load));
      progress.line("schema at version %d (old release's migrate); logs in %s; the old release's producer enqueues "
          + "%d jobs/s, %d workflows/s, %d awaits/s; a periodic job every %d s", versionBefore, dir, settings.rate,
          settings.workflowsPerSecond, settings.awaitsPerSecond, settings.periodicSeconds);
      phase("old", () -> Blocking.sleep(TimeUnit.SECONDS.toMillis(settings.phaseSeconds)));
      long[] took = {0};
      phase("migrate", () -> took[0] = migrate("new", settings.newJar, uri));
      migrateNanos = took[0];
      // new workers, then the new release's producer in place of the old one (an application rolled too)
      phase("starting new", () -> {
        newWorkers.addAll(startWorkers("new", settings.newJar, workerArgs, dir));
        producers.add(ReleaseProducer.start("new", settings.newJar, handlerJar, producerArgs, dir, load));
        producerExitCodes.add(producers.get(0).stop());
      });
      phase("mixed", () -> Blocking.sleep(TimeUnit.SECONDS.toMillis(settings.phaseSeconds)));
      phase("stopping old", () -> {
        for (ReleaseWorker worker : oldWorkers) {
          oldExitCodes.add(worker.stop(UpgradeSettings.STOP_SECONDS));
        }
      });
      phase("new", () -> Blocking.sleep(TimeUnit.SECONDS.toMillis(settings.phaseSeconds)));
      producerExitCodes.add(producers.get(1).stop());
      progress.line("load stopped; waiting for the last jobs");
      Instant loadStopped = Instant.now();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.graceSeconds);
      while (!done(spool, checks, expected(spool, checks, load, loadStopped)) && System.nanoTime() < deadline) {
        Blocking.sleep(250);
      }
      for (ReleaseWorker worker : newWorkers) {
        worker.stop(UpgradeSettings.STOP_SECONDS);
      }
      return result(spool, checks, load, loadStopped, versionBefore, migrateNanos, oldJar, dir);
    } finally {
      for (ReleaseProducer producer : producers) {
        producer.stop();
      }
      for (ReleaseWorker worker : oldWorkers) {
        worker.stop(UpgradeSettings.STOP_SECONDS);
      }
      for (ReleaseWorker worker : newWorkers) {
        worker.stop(UpgradeSettings.STOP_SECONDS);
      }
    }
  }

  /** A release's workers, started side by side (a JVM start takes seconds on a busy machine). */
  private List<ReleaseWorker> startWorkers(String side, Path jar, List<String> args, Path logDir) throws Exception {
    List<CompletableFuture<ReleaseWorker>> starting = new ArrayList<>();
    for (int i = 0; i < settings.workers; i++) {
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return ReleaseWorker.start(side, jar, args, logDir, runLog);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, runnable -> new Thread(runnable, "upgrade-start-" + side).start()));
    }
    List<ReleaseWorker> started = new ArrayList<>();
    Exception failure = null;
    for (CompletableFuture<ReleaseWorker> worker : starting) {
      try {
        started.add(worker.get());
      } catch (ExecutionException e) {
        failure = e.getCause() instanceof UncheckedIOException io ? io.getCause() : (Exception) e.getCause();
      }
    }
    if (failure != null) {
      for (ReleaseWorker worker : started) {
        worker.stop(UpgradeSettings.STOP_SECONDS);
      }
      throw failure;
    }
    progress.line("%d %s workers up: %s", started.size(), side, started.stream().map(ReleaseWorker::nodeId).toList());
    return started;
  }

  private interface Step {
    void run() throws Exception;
  }

  private void phase(String name, Step step) throws Exception {
    long from = System.nanoTime();
    int before = runLog.starts();
    progress.line("phase %s", name);
    step.run();
    phases.add(new Phase(name, from, System.nanoTime(), before, runLog.starts()));
  }

  /**
   * The workers' configuration beside their flags: the periodic job (enqueued by whichever worker leads, of either
   * release), and completed jobs kept, so the end of the run reads every job's state and every periodic slot.
   */
  private Path writeConfig(Path dir) throws IOException {
    Path config = dir.resolve("spool.yaml");
    Files.writeString(config, String.join("\n",
        "# written by spool-loadtest upgrade",
        "retention:",
        "  keepCompleted: true",
        "periodic:",
        "  - name: " + PERIODIC,
        "    every: " + settings.periodicSeconds + "s",
        "    task: " + UpgradeTask.NAME,
        "    args:",
        "      ms: " + settings.jobMs,
        ""), StandardCharsets.UTF_8);
    return config;
  }

  /** Runs {@code java -jar jar migrate}; returns how long it took; fails with its output when it fails. */
  private long migrate(String side, Path jar, String uri) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(ReleaseWorker.JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "migrate", "--db", uri, "--schema", settings.schema));
    long start = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("SPOOL_"));
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int exit = process.waitFor();
    long took = System.nanoTime() - start;
    progress.line("%s release's migrate: exit %d in %.1f s%s", side, exit, took / 1e9, out.isEmpty() ? "" : ": " + out);
    if (exit != 0) {
      throw new IOException("the " + side + " release's migrate (" + jar + ") failed with exit " + exit + ":\n" + out);
    }
    return took;
  }

  private static int schemaVersion(Spool spool, Checks checks) {
    return Blocking.await(spool.pool().query(checks.sql("SchemaVersion")).execute()).iterator().next().getInteger(0);
  }

  /** The run's jobs: what the load enqueued and the periodic job's slots up to the end of the load. */
  private Set<Long> expected(Spool spool, Checks checks, UpgradeLoad load, Instant loadStopped) {
    Set<Long> ids = new HashSet<>(load.ids());
    for (Row row : periodicJobs(spool, checks)) {
      if (slot(row).isBefore(loadStopped)) {
        ids.add(row.getLong("id"));
      }
    }
    return ids;
  }

  /** The run's jobs and every periodic job, those of slots after the load too. */
  private static Set<Long> allIds(Set<Long> expected, Spool spool, Checks checks) {
    Set<Long> all = new HashSet<>(expected);
    periodicJobs(spool, checks).forEach(row -> all.add(row.getLong("id")));
    return all;
  }

  private static Iterable<Row> periodicJobs(Spool spool, Checks checks) {
    return Blocking.await(spool.pool().preparedQuery(checks.sql("PeriodicJobs"))
        .execute(Tuple.of(UpgradeTask.NAME, "periodic:" + PERIODIC + ":%")));
  }

  private static Instant slot(Row row) {
    String key = row.getString("unique_key");
    return Instant.parse(key.substring(("periodic:" + PERIODIC + ":").length()));
  }

  private boolean done(Spool spool, Checks checks, Set<Long> expected) {
    return expected.stream().allMatch(id -> !runLog.runsOf(id).isEmpty()) && states(spool, checks, expected)[1] == 0;
  }

  /** {@code [completed, unfinished]} of these jobs. */
  private static long[] states(Spool spool, Checks checks, Set<Long> ids) {
    Row row = Blocking.await(spool.pool().preparedQuery(checks.sql("UpgradeStates"))
        .execute(Tuple.of((Object) ids.toArray(Long[]::new)))).iterator().next();
    return new long[] {row.getLong("completed"), row.getLong("unfinished")};
  }

  private JsonObject result(Spool spool, Checks checks, UpgradeLoad load, Instant loadStopped, int versionBefore,
      long migrateNanos, Path oldJar, Path logDir) {
    Set<Long> expected = expected(spool, checks, load, loadStopped);
    long[] states = states(spool, checks, expected);
    long lost = 0;
    long duplicates = 0;
    long unexplained = 0;
    for (long id : expected) {
      List<ReleaseWorker> runs = runLog.runsOf(id);
      if (runs.isEmpty()) {
        lost++;
      } else if (runs.size() > 1) {
        duplicates += runs.size() - 1;
        if (runs.stream().noneMatch(ReleaseWorker::killed)) {
          unexplained += runs.size() - 1;
        }
      }
    }
    List<Instant> slots = new ArrayList<>();
    periodicJobs(spool, checks).forEach(row -> slots.add(slot(row)));
    long periodicGapMs = 0;
    for (int i = 1; i < slots.size(); i++) {
      periodicGapMs = Math.max(periodicGapMs, slots.get(i).toEpochMilli() - slots.get(i - 1).toEpochMilli());
    }
    Phase migrate = phases.stream().filter(p -> p.name().equals("migrate")).findFirst().orElseThrow();
    JsonArray phaseFigures = new JsonArray();
    for (Phase phase : phases) {
      double seconds = (phase.toNanos() - phase.fromNanos()) / 1e9;
      phaseFigures.add(new JsonObject().put("phase", phase.name()).put("s", Math.round(seconds * 10) / 10.0)
          .put("jobs_per_s", Math.round((phase.startsAfter() - phase.startsBefore()) / seconds))
          .put("longest_enqueue_ms", load.longestEnqueueMs(phase.fromNanos(), phase.toNanos()))
          .put("longest_start_gap_ms", runLog.longestGapMs(phase.fromNanos(), phase.toNanos())));
    }
    List<ReleaseWorker> all = new ArrayList<>(oldWorkers);
    all.addAll(newWorkers);
    JsonArray samples = new JsonArray();
    all.forEach(w -> w.samples().forEach(samples::add));
    producers.forEach(p -> p.samples().forEach(samples::add));
    load.errorSamples().forEach(samples::add);
    return new JsonObject()
        .put("command", "upgrade")
        .put("old_jar", oldJar.toString())
        .put("new_jar", settings.newJar.toString())
        .put("schema_version_before", versionBefore)
        .put("schema_version_after", schemaVersion(spool, checks))
        .put("workers_per_release", settings.workers)
        .put("enqueued", expected.size())
        .put("plain", load.plain())
        .put("workflows", load.workflows())
        .put("awaits", load.awaits())
        .put("awaits_answered", load.awaitsAnswered())
        .put("await_errors", load.awaitErrors())
        .put("longest_await_ms", load.longestAwaitMs())
        .put("periodic_runs", slots.size())
        .put("periodic_longest_gap_ms", periodicGapMs)
        .put("completed", states[0])
        .put("unfinished", states[1])
        .put("lost", lost)
        .put("duplicates", duplicates)
        .put("duplicates_unexplained", unexplained)
        .put("unexpected_runs", runLog.unexpected(allIds(expected, spool, checks)))
        .put("enqueue_errors", load.enqueueErrors())
        .put("migrate_s", Math.round(migrateNanos / 1e8) / 10.0)
        .put("migrate_longest_enqueue_ms", load.longestEnqueueMs(migrate.fromNanos(), migrate.toNanos()))
        .put("migrate_longest_start_gap_ms", runLog.longestGapMs(migrate.fromNanos(), migrate.toNanos()))
        .put("phases", phaseFigures)
        .put("errors", new JsonObject().put("old", errors(0, oldWorkers, true)).put("new", errors(1, newWorkers, true)))
        .put("warnings", new JsonObject().put("old", errors(0, oldWorkers, false)).put("new", errors(1, newWorkers, false)))
        .put("max_errors", settings.maxErrors)
        .put("old_exit_codes", new JsonArray(new ArrayList<>(oldExitCodes)))
        .put("producer_exit_codes", new JsonArray(new ArrayList<>(producerExitCodes)))
        .put("killed", all.stream().filter(ReleaseWorker::killed).count())
        .put("worker_logs", logDir.toString())
        .put("samples", samples);
  }

  /** Error (or warning) records of a release's workers and producer. */
  private long errors(int producer, List<ReleaseWorker> workers, boolean errors) {
    ReleaseProducer p = producers.size() > producer ? producers.get(producer) : null;
    return workers.stream().mapToLong(errors ? ReleaseWorker::errors : ReleaseWorker::warnings).sum()
        + (p == null ? 0 : errors ? p.errors() : p.warnings());
  }
}

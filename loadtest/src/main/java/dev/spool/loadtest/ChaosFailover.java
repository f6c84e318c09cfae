package dev.spool.loadtest;

import static dev.spool.loadtest.Blocking.await;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * {@code chaos --fault failover}: the jobs drain on a scratch primary with a synchronous standby (two
 * PostgreSQL clusters of the run's own, made by {@code failover.sh} as root; the shared server is not
 * touched); mid-run the primary stops at once and the standby is promoted. Workers and the client know
 * both hosts only through the URL ({@code postgresql://h1,h2/db?target_session_attrs=read-write}) and must
 * find the new primary by themselves. Reports lost (must be 0), duplicates and {@code no_claim_s}: the
 * failover's outage as the workers saw it, from the last job started before the promotion to the first
 * one after it.
 */
final class ChaosFailover {

  /** Between stopping the primary and promoting the standby: a failover manager's detection, shortened. */
  static final long PROMOTE_AFTER_MS = 1_000;
  private static final String SCRIPT = "dev/spool/loadtest/failover.sh";

  private record Worker(Process process, String nodeId) {}

  private final ChaosCommand settings;
  private final Progress progress;
  private final int primaryPort;
  private final int standbyPort;

  ChaosFailover(ChaosCommand settings, Progress progress, int primaryPort, int standbyPort) {
    this.settings = settings;
    this.progress = progress;
    this.primaryPort = primaryPort;
    this.standbyPort = standbyPort;
  }

  /** Reads {@code --failover-ports P,S}; throws IllegalArgumentException naming what is wrong. */
  static int[] ports(String text) {
    String[] parts = text.split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException("--failover-ports takes two ports, the primary's and the standby's: 5442,5443");
    }
    int[] ports = new int[2];
    for (int i = 0; i < 2; i++) {
      try {
        ports[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        ports[i] = -1;
      }
      if (ports[i] < 1024 || ports[i] > 65535 || ports[i] == 5432) {
        throw new IllegalArgumentException("--failover-ports: " + parts[i].strip() + " is not a free port from 1024 to "
            + "65535 (5432 is the shared server's, never a scratch cluster's)");
      }
    }
    if (ports[0] == ports[1]) {
      throw new IllegalArgumentException("--failover-ports: the primary and the standby need two different ports");
    }
    return ports;
  }

  JsonObject run() throws Exception {
    Path script = Files.createTempFile("spool-failover", ".sh");
    try (InputStream in = Objects.requireNonNull(ChaosFailover.class.getClassLoader().getResourceAsStream(SCRIPT), SCRIPT)) {
      Files.write(script, in.readAllBytes());
    }
    // stopped early (SIGTERM from timeout, Ctrl-C): the clusters go too (the worker processes go with ChildJvm's hook)
    Thread teardownOnExit = new Thread(() -> {
      try {
        shell(script, "teardown");
        Files.deleteIfExists(script);
      } catch (IOException | InterruptedException e) {
        System.err.println("failover.sh teardown at exit: " + e.getMessage());
      }
    }, "failover-teardown");
    Runtime.getRuntime().addShutdownHook(teardownOnExit);
    try {
      progress.line("creating the scratch primary (port %d) and its synchronous standby (port %d)", primaryPort, standbyPort);
      shell(script, "setup", Integer.toString(primaryPort), Integer.toString(standbyPort));
      String uri = "postgresql://postgres@127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort
          + "/postgres?target_session_attrs=read-write";
      return drain(script, uri);
    } finally {
      boolean exiting = false;
      try {
        Runtime.getRuntime().removeShutdownHook(teardownOnExit);
      } catch (IllegalStateException e) {
        exiting = true; // the JVM is shutting down: the hook tears down
      }
      if (!exiting) {
        progress.line("dropping the scratch clusters");
        shell(script, "teardown");
        Files.deleteIfExists(script);
      }
    }
  }

  private JsonObject drain(Path script, String uri) throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Worker> live = new ArrayList<>();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri).schema(settings.schema).build();
      Checks checks = new Checks(spool);
      await(spool.pool().query(checks.sql("DropSchema")).execute());
      await(spool.migrate());
      await(spool.pool().query(checks.sql("CreateRunLog")).execute());
      await(spool.pool().query(checks.sql("CreateStartLog")).execute());
      JsonObject args = new JsonObject().put("ms", settings.jobMs);
      long first = Long.MAX_VALUE;
      long last = 0;
      ChaosEffects.Enqueued effects = null;
      if (settings.effects != null) {
        ChaosEffects.prepare(spool, checks);
        effects = ChaosEffects.enqueue(spool, settings.jobs, args);
        first = effects.first();
        last = effects.last();
      }
      for (int done = 0; effects == null && done < settings.jobs; done += 5000) {
        for (long id : await(spool.client().enqueueBatch(ChaosWorker.RECORD,
            Collections.nCopies(Math.min(5000, settings.jobs - done), args), new EnqueueOptions()))) {
          first = Math.min(first, id);
          last = Math.max(last, id);
        }
      }
      progress.line("enqueued %,d jobs (synchronously replicated); starting %d worker processes", settings.jobs,
          settings.workers);
      for (int i = 0; i < settings.workers; i++) {
        live.add(start(uri));
      }
      long started = System.nanoTime();
      long deadline = started + Duration.ofSeconds(settings.timeoutSeconds).toNanos();
      // mid-run by progress, not by time: a third of the jobs done, however fast this machine drains
      long failWhenOpen = settings.jobs * 2L / 3;
      OffsetDateTime failedAt = null;
      OffsetDateTime promotedAt = null;
      long runningAtFailover = 0;
      boolean timedOut = false;
      String openSql = checks.sql("OpenCount");
      while (true) {
        long open = count(spool, openSql);
        if (open == 0) {
          break;
        }
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        if (failedAt == null && open <= failWhenOpen) {
          runningAtFailover = await(spool.pool().query(checks.sql("RunningCount")).execute()).iterator().next().getLong(0);
          failedAt = OffsetDateTime.now(); // one machine: the clusters' clock is this one
          shell(script, "fail");
          progress.line("stopped the primary (immediate) with %,d jobs running, %,d open", runningAtFailover, open);
          Blocking.sleep(PROMOTE_AFTER_MS);
          shell(script, "promote");
          promotedAt = OffsetDateTime.now();
          progress.line("promoted the standby");
          continue;
        }
        Blocking.sleep(failedAt == null ? 50 : 200);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      for (Worker worker : live) {
        worker.process().toHandle().destroy();
      }
      for (Worker worker : live) {
        worker.process().waitFor();
      }
      live.clear();

      await(spool.pool().query(checks.sql("IndexRunLog")).execute());
      Row outcome = await(spool.pool().preparedQuery(checks.sql("ChaosOutcome")).execute(Tuple.of(first, last)))
          .iterator().next();
      OffsetDateTime end = OffsetDateTime.now();
      Row gaps = await(spool.pool().preparedQuery(checks.sql("ClaimGaps"))
          .execute(Tuple.of(failedAt == null ? end : failedAt, promotedAt == null ? end : promotedAt))).iterator().next();
      JsonObject result = new JsonObject().put("command", "chaos").put("fault", "failover")
          .put("jobs", settings.jobs)
          .put("completed", outcome.getLong("completed"))
          .put("dead", outcome.getLong("dead"))
          .put("lost", outcome.getLong("lost"))
          .put("duplicates", outcome.getLong("duplicates"));
      if (effects != null) {
        result.mergeIn(ChaosEffects.outcome(spool, checks, effects, outcome.getLong("duplicates")));
      }
      result.put("in_flight_at_kills", runningAtFailover)
          .put("no_claim_s", round(gaps.getValue("no_claim_s")))
          .put("longest_gap_s", round(gaps.getValue("longest_gap_s")))
          .put("longest_gap_from_s", round(gaps.getValue("longest_gap_from_s"))) // relative to the stop
          // from the primary's stop to the first job started on the new primary
          .put("max_recovery_s", round(gaps.getValue("first_claim_after_failure_s")))
          .put("promote_after_s", PROMOTE_AFTER_MS / 1000.0)
          .put("failovers", failedAt == null ? 0 : 1)
          .put("workers", settings.workers)
          .put("job_ms", settings.jobMs)
          .put("duration_s", Math.round(seconds * 10) / 10.0)
          .put("timed_out", timedOut);
      progress.line("%s", result.encode());
      return result;
    } finally {
      live.forEach(w -> w.process().destroyForcibly());
      await(vertx.close());
    }
  }

  private static double round(Object seconds) {
    return seconds == null ? 0 : Math.round(((Number) seconds).doubleValue() * 100) / 100.0;
  }

  private Worker start(String uri) throws IOException {
    ChildJvm.Started started = ChildJvm.start(ChaosWorker.class, l -> { }, uri, settings.schema,
        settings.workerOptions().encode(), "false");
    return new Worker(started.process(), started.nodeId());
  }

  private static long count(Spool spool, String sql) {
    // During the failover no server answers as a primary for a while: ask again.
    for (int tries = 0; ; tries++) {
      try {
        return await(spool.pool().query(sql).execute(), Duration.ofSeconds(10)).iterator().next().getLong(0);
      } catch (RuntimeException e) {
        if (tries > 200) {
          throw e;
        }
        Blocking.sleep(250);
      }
    }
  }

  private void shell(Path script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    int exit = p.waitFor();
    if (!output.isBlank()) {
      progress.line("%s", output.strip());
    }
    if (exit != 0) {
      throw new IOException("failover.sh " + String.join(" ", args) + " exited " + exit + " (run chaos --fault failover "
          + "as root, with PostgreSQL 15's pg_createcluster on this machine): " + output.strip());
    }
  }
}

package dev.spool.loadtest;

import static dev.spool.loadtest.Blocking.await;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The chaos run behind {@link ChaosCommand}. */
final class Chaos {

  /** A started worker process and the node id it reported. */
  private record Worker(Process process, String nodeId) {}

  /** One kill: when, and the jobs the killed process held. */
  private record Kill(OffsetDateTime at, Long[] held) {}

  private final ChaosCommand settings;
  private final Progress progress;

  Chaos(ChaosCommand settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  JsonObject run(String uri) throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Worker> live = new CopyOnWriteArrayList<>();
    ExecutorService starter = Executors.newCachedThreadPool();
    try {
      Spool spool = Spool.builder(vertx).connectingTo(uri).schema(settings.schema).build();
      Checks checks = new Checks(spool);
      await(spool.pool().query(checks.sql("DropSchema")).execute());
      await(spool.migrate());
      await(spool.pool().query(checks.sql("CreateRunLog")).execute());
      if (settings.effects != null) {
        ChaosEffects.prepare(spool, checks);
      }

      long first = Long.MAX_VALUE;
      long last = 0;
      JsonObject args = new JsonObject().put("ms", settings.jobMs);
      int jobs = settings.workflows ? ChaosWorkflows.enqueue(spool, settings) : settings.jobs;
      ChaosEffects.Enqueued effects = settings.effects == null ? null : ChaosEffects.enqueue(spool, settings.jobs, args);
      if (effects != null) {
        first = effects.first();
        last = effects.last();
      }
      for (int done = 0; !settings.workflows && effects == null && done < settings.jobs; done += 5000) {
        int n = Math.min(5000, settings.jobs - done);
        for (long id : await(spool.client().enqueueBatch(ChaosWorker.RECORD, Collections.nCopies(n, args),
            new EnqueueOptions()))) {
          first = Math.min(first, id);
          last = Math.max(last, id);
        }
      }
      progress.line("enqueued %,d %s; starting %d worker processes", jobs,
          settings.workflows ? "steps of chords and chains" : "jobs", settings.workers);
      String openSql = checks.sql(settings.workflows ? "OpenStepCount" : "OpenCount");
      // Processes start in the background (a JVM takes seconds to come up), so kills keep their pace.
      for (int i = 0; i < settings.workers; i++) {
        starter.submit(() -> live.add(start(uri)));
      }
      while (live.size() < settings.workers) {
        Blocking.sleep(100);
      }

      long started = System.nanoTime();
      long deadline = started + Duration.ofSeconds(settings.timeoutSeconds).toNanos();
      long nextKill = started + (long) (settings.killEvery * 1e9);
      long restartAt = settings.restartDb == null ? Long.MAX_VALUE : started + (long) (settings.killEvery * 2.5e9);
      List<Kill> kills = new ArrayList<>();
      int restarts = 0;
      long inFlightAtKills = 0;
      boolean timedOut = false;
      while (true) {
        long open = count(spool, openSql);
        if (open == 0) {
          break;
        }
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        if (System.nanoTime() >= restartAt) {
          restartAt = Long.MAX_VALUE;
          progress.line("restarting PostgreSQL: %s", settings.restartDb);
          int exit = new ProcessBuilder("bash", "-c", settings.restartDb).inheritIO().start().waitFor();
          restarts++;
          progress.line("restart command exited %d", exit);
          continue;
        }
        if (System.nanoTime() >= nextKill && !live.isEmpty()) {
          Worker victim = live.remove(ThreadLocalRandom.current().nextInt(live.size()));
          victim.process().destroyForcibly().waitFor();
          OffsetDateTime at = now(spool, checks);
          Long[] held = held(spool, checks, victim.nodeId());
          kills.add(new Kill(at, held));
          inFlightAtKills += held.length;
          progress.line("killed %s holding %d jobs; %,d jobs open", victim.nodeId(), held.length, open);
          starter.submit(() -> live.add(start(uri)));
          nextKill = System.nanoTime() + (long) (settings.killEvery * 1e9);
          continue;
        }
        Blocking.sleep(200);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      starter.shutdown();
      starter.awaitTermination(60, TimeUnit.SECONDS);
      for (Worker worker : live) {
        worker.process().toHandle().destroy(); // SIGTERM: graceful
      }
      for (Worker worker : live) {
        worker.process().waitFor();
      }
      live.clear();

      await(spool.pool().query(checks.sql("IndexRunLog")).execute());
      double maxRecovery = 0;
      long neverRerun = 0;
      for (Kill kill : kills) {
        if (kill.held().length == 0) {
          continue;
        }
        Row r = await(spool.pool().preparedQuery(checks.sql("RecoverySeconds")).execute(
            Tuple.tuple().addValue(kill.held()).addValue(kill.at()))).iterator().next();
        Number s = (Number) r.getValue("seconds");
        maxRecovery = Math.max(maxRecovery, s == null ? 0 : s.doubleValue());
        neverRerun += r.getLong("never_rerun");
      }
      JsonObject result = new JsonObject().put("command", "chaos");
      if (settings.workflows) {
        List<Long> held = new ArrayList<>();
        kills.forEach(kill -> held.addAll(List.of(kill.held())));
        result.put("mode", "workflows").mergeIn(ChaosWorkflows.outcome(spool, checks, held))
            .put("chord_size", settings.chordSize).put("chain_length", settings.chainLength);
      } else {
        Row outcome = await(spool.pool().preparedQuery(checks.sql("ChaosOutcome")).execute(Tuple.of(first, last)))
            .iterator().next();
        result.put("jobs", settings.jobs)
            .put("completed", outcome.getLong("completed"))
            .put("dead", outcome.getLong("dead"))
            .put("lost", outcome.getLong("lost"))
            .put("duplicates", outcome.getLong("duplicates"));
        if (effects != null) {
          result.mergeIn(ChaosEffects.outcome(spool, checks, effects, outcome.getLong("duplicates")));
        }
      }
      result
          .put("in_flight_at_kills", inFlightAtKills)
          .put("max_recovery_s", Math.round(maxRecovery * 100) / 100.0)
          .put("held_jobs_never_rerun", neverRerun)
          .put("kills", kills.size())
          .put("db_restarts", restarts)
          .put("workers", settings.workers)
          .put("kill_every_s", settings.killEvery)
          .put("job_ms", settings.jobMs)
          .put("duration_s", Math.round(seconds * 10) / 10.0)
          .put("timed_out", timedOut);
      progress.line("%s", result.encode());
      return result;
    } finally {
      starter.shutdownNow();
      live.forEach(w -> w.process().destroyForcibly());
      await(vertx.close());
    }
  }

  private Worker start(String uri) throws IOException {
    Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), ChaosWorker.class.getName(), uri, settings.schema,
        Integer.toString(settings.concurrency), Boolean.toString(settings.workflows))
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY ")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "chaos-worker-output");
        drain.setDaemon(true);
        drain.start();
        return new Worker(process, line.substring(6).trim());
      }
    }
    throw new IOException("a chaos worker exited before it was ready (exit " + process.exitValue() + ")");
  }

  private static long count(Spool spool, String sql) {
    // The database may be restarting: an unanswered count is not an answer, ask again.
    for (int tries = 0; ; tries++) {
      try {
        return await(spool.pool().query(sql).execute(), Duration.ofSeconds(10)).iterator().next().getLong(0);
      } catch (RuntimeException e) {
        if (tries > 100) {
          throw e;
        }
        Blocking.sleep(500);
      }
    }
  }

  private static OffsetDateTime now(Spool spool, Checks checks) {
    return await(spool.pool().query(checks.sql("Now")).execute()).iterator().next().getOffsetDateTime(0);
  }

  private static Long[] held(Spool spool, Checks checks, String nodeId) {
    List<Long> ids = new ArrayList<>();
    await(spool.pool().preparedQuery(checks.sql("HeldBy")).execute(Tuple.of(nodeId + "/%")))
        .forEach(row -> ids.add(row.getLong(0)));
    return ids.toArray(Long[]::new);
  }
}

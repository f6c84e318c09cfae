package dev.spool.loadtest;

import static dev.spool.loadtest.Blocking.await;

import dev.spool.EnqueueOptions;
import dev.spool.Spool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The chaos run behind {@link ChaosCommand}: enqueue, start the worker processes, apply the
 * {@link Fault} while the jobs drain (see {@link ChaosFaults}), then read the outcome from the run log.
 */
final class Chaos {

  private final ChaosCommand settings;
  private final Progress progress;

  Chaos(ChaosCommand settings, Progress progress) {
    this.settings = settings;
    this.progress = progress;
  }

  JsonObject run(String uri) throws Exception {
    Vertx vertx = Vertx.vertx();
    Fault fault = settings.fault;
    boolean proxied = fault == Fault.PARTITION || fault == Fault.SLOW_LINK;
    try (ChaosFleet fleet = new ChaosFleet(settings.schema, settings.workerOptions().encode(), settings.workflows);
         LinkProxy proxy = proxied ? new LinkProxy(upstream(uri), fault == Fault.SLOW_LINK ? settings.linkRttMs : 0) : null) {
      Spool spool = Spool.builder(vertx).connectingTo(uri).schema(settings.schema).build();
      Checks checks = new Checks(spool);
      await(spool.pool().query(checks.sql("DropSchema")).execute());
      await(spool.migrate());
      await(spool.pool().query(checks.sql("CreateRunLog")).execute());
      await(spool.pool().query(checks.sql("CreateStartLog")).execute());
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
      progress.line("enqueued %,d %s; starting %d worker processes (fault: %s)", jobs,
          settings.workflows ? "steps of chords and chains" : "jobs", settings.workers, fault.label);
      String openSql = checks.sql(settings.workflows ? "OpenStepCount" : "OpenCount");
      String proxiedUri = proxy == null ? null : throughProxy(uri, proxy.port());
      ChaosFaults faults = new ChaosFaults(settings, progress, spool, checks, fleet, proxy, uri, proxiedUri, openSql);
      faults.startWorkers();

      long started = System.nanoTime();
      long deadline = started + Duration.ofSeconds(settings.timeoutSeconds).toNanos();
      boolean timedOut = false;
      while (true) {
        long open = count(spool, openSql);
        faults.recoveries().forEach(r -> r.poll(spool, checks));
        if (open == 0 && faults.settled()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        if (!faults.tick(System.nanoTime() - started, open)) {
          Blocking.sleep(100);
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      fleet.stopAll();

      await(spool.pool().query(checks.sql("IndexRunLog")).execute());
      double maxRecovery = 0;
      long neverRerun = 0;
      long ackedAtFaults = 0;
      long startedAtFaults = 0;
      long failedInOutage = 0;
      double maxRecorded = 0;
      Recovery worst = null;
      List<Long> held = new ArrayList<>();
      for (Recovery recovery : faults.recoveries()) {
        recovery.settle(spool, checks);
        held.addAll(List.of(recovery.held));
        neverRerun += recovery.neverRerun();
        ackedAtFaults += recovery.ackedAtFault();
        startedAtFaults += recovery.startedBeforeFault();
        failedInOutage += recovery.failedInOutage();
        maxRecorded = Math.max(maxRecorded, recovery.recordedSeconds());
        if (worst == null || recovery.recoveredSeconds() > maxRecovery) {
          worst = recovery;
          maxRecovery = recovery.recoveredSeconds();
        }
      }
      JsonObject result = new JsonObject().put("command", "chaos").put("fault", fault.label);
      if (settings.workflows) {
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
      Row byCause = await(spool.pool().preparedQuery(checks.sql("DuplicatesByCause"))
          .execute(Tuple.of((Object) held.toArray(Long[]::new)))).iterator().next();
      long runningAtEnd = count(spool, checks.sql("RunningCount"));
      result
          .put("in_flight_at_kills", (long) held.size())
          .put("started_at_kills", startedAtFaults)
          .put("duplicates_of_held", byCause.getLong("of_held"))
          .put("duplicates_of_failed_runs", byCause.getLong("of_failed_runs"))
          .put("duplicates_unexplained", byCause.getLong("unexplained"))
          .put("duplicates_pct_of_held", held.isEmpty() ? 0.0
              : Math.round(10000.0 * byCause.getLong("of_held") / held.size()) / 100.0)
          .put("max_recovery_s", Math.round(maxRecovery * 100) / 100.0)
          .put("recovery_s_p50", percentile(faults.recoveries(), 0.5))
          .put("recovery_s_p90", percentile(faults.recoveries(), 0.9))
          .put("worst", worst == null ? null : worst.toJson())
          .put("held_first_starts_failed_in_outage", failedInOutage)
          .put("max_recovery_recorded_s", Math.round(maxRecorded * 100) / 100.0)
          .put("held_jobs_never_rerun", neverRerun)
          .put("held_jobs_acked_at_faults", ackedAtFaults)
          .put("late_acks_fenced", fleet.lateAcks())
          .put("running_at_end", runningAtEnd)
          .mergeIn(faults.figures())
          .put("workers", settings.workers)
          .put("job_ms", settings.jobMs)
          .put("worker_options", settings.workerOptions())
          .put("duration_s", Math.round(seconds * 10) / 10.0)
          .put("timed_out", timedOut);
      progress.line("%s", result.encode());
      return result;
    } finally {
      await(vertx.close());
    }
  }

  /** The recovery time that {@code q} of the faults (those that held jobs) stayed within; null when none held any. */
  static Double percentile(List<Recovery> recoveries, double q) {
    double[] seconds = recoveries.stream().filter(r -> r.held.length > 0).mapToDouble(Recovery::recoveredSeconds)
        .sorted().toArray();
    if (seconds.length == 0) {
      return null;
    }
    int at = Math.min(seconds.length - 1, (int) Math.ceil(q * seconds.length) - 1);
    return Math.round(seconds[Math.max(0, at)] * 100) / 100.0;
  }

  /** Where PostgreSQL listens, from the URI's host and port (5432 when it names none). */
  static InetSocketAddress upstream(String uri) {
    URI parsed = URI.create(uri);
    return new InetSocketAddress(parsed.getHost() == null ? "127.0.0.1" : parsed.getHost(),
        parsed.getPort() < 0 ? 5432 : parsed.getPort());
  }

  /** The same URI with the proxy's address in place of PostgreSQL's. */
  static String throughProxy(String uri, int port) {
    URI parsed = URI.create(uri);
    String user = parsed.getRawUserInfo() == null ? "" : parsed.getRawUserInfo() + "@";
    String query = parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery();
    return parsed.getScheme() + "://" + user + "127.0.0.1:" + port + parsed.getRawPath() + query;
  }

  static long count(Spool spool, String sql) {
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

  static OffsetDateTime now(Spool spool, Checks checks) {
    return await(spool.pool().query(checks.sql("Now")).execute()).iterator().next().getOffsetDateTime(0);
  }

  static Long[] held(Spool spool, Checks checks, String nodeId) {
    List<Long> ids = new ArrayList<>();
    await(spool.pool().preparedQuery(checks.sql("HeldBy")).execute(Tuple.of(nodeId + "/%")))
        .forEach(row -> ids.add(row.getLong(0)));
    return ids.toArray(Long[]::new);
  }

  /** The live worker that leads maintenance now, or a random one when none is known. */
  static ChaosFleet.Worker leaderOrAny(Spool spool, Checks checks, List<ChaosFleet.Worker> live) {
    var rows = await(spool.pool().query(checks.sql("Leader")).execute());
    if (rows.size() > 0) {
      String leader = rows.iterator().next().getString(0);
      for (ChaosFleet.Worker worker : live) {
        if (leader.startsWith(worker.nodeId() + "/")) {
          return worker;
        }
      }
    }
    return live.get(ThreadLocalRandom.current().nextInt(live.size()));
  }

  static boolean isLeader(Spool spool, Checks checks, ChaosFleet.Worker worker) {
    var rows = await(spool.pool().query(checks.sql("Leader")).execute());
    return rows.size() > 0 && rows.iterator().next().getString(0).startsWith(worker.nodeId() + "/");
  }
}

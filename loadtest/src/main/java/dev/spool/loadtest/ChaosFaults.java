package dev.spool.loadtest;

import dev.spool.Spool;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What each {@link Fault} does to the workers of a chaos run, tick by tick of the run's loop, and the
 * figures it adds to the JSON line. One object per run; all calls come from the run's thread.
 */
final class ChaosFaults {

  /** After a partition heals or a frozen worker thaws: time for its late acks to arrive and be counted. */
  private static final long SETTLE_NANOS = 5_000_000_000L;

  private final ChaosCommand settings;
  private final Progress progress;
  private final Spool spool;
  private final Checks checks;
  private final ChaosFleet fleet;
  private final LinkProxy proxy;
  private final String uri;
  private final String proxiedUri;
  private final String openSql;
  private final List<Recovery> recoveries = new ArrayList<>();
  private final JsonObject figures = new JsonObject();

  private long nextKill;
  private long restartAt;
  private int restarts;
  private ChaosFleet.Worker faulted;
  private boolean faultStarted;
  private long healedAt = -1;
  // slow-link: the local half, then the slow half
  private int phase;
  private long phaseStart;
  private long phaseOpen;
  private double localRate;

  ChaosFaults(ChaosCommand settings, Progress progress, Spool spool, Checks checks, ChaosFleet fleet, LinkProxy proxy,
      String uri, String proxiedUri, String openSql) {
    this.settings = settings;
    this.progress = progress;
    this.spool = spool;
    this.checks = checks;
    this.fleet = fleet;
    this.proxy = proxy;
    this.uri = uri;
    this.proxiedUri = proxiedUri;
    this.openSql = openSql;
    this.nextKill = (long) (settings.killEvery * 1e9);
    this.restartAt = settings.restartDb == null ? Long.MAX_VALUE : (long) (settings.killEvery * 2.5e9);
  }

  /** Starts the run's workers: for a partition the first goes through the proxy, the others straight. */
  void startWorkers() throws IOException {
    if (settings.fault == Fault.PARTITION) {
      faulted = fleet.startNow(proxiedUri);
    } else if (settings.fault == Fault.FREEZE) {
      faulted = fleet.startNow(uri);
    }
    for (int i = fleet.live().size(); i < settings.workers; i++) {
      fleet.startLater(uri);
    }
    fleet.awaitLive(settings.workers);
    phaseStart = System.nanoTime();
    phaseOpen = Chaos.count(spool, openSql);
  }

  List<Recovery> recoveries() {
    return recoveries;
  }

  /** True when the run may end once no job is open: the fault is over and its late acks had time to land. */
  boolean settled() {
    return switch (settings.fault) {
      case KILL -> recoveries.stream().noneMatch(Recovery::watching);
      case PARTITION, FREEZE -> healedAt >= 0 && System.nanoTime() - healedAt > SETTLE_NANOS
          && recoveries.stream().noneMatch(Recovery::watching);
      case SLOW_LINK -> phase == 1 && slowHalfDone();
      case FAILOVER -> throw new IllegalStateException("failover runs through ChaosFailover, on clusters of its own");
    };
  }

  /** The mode's figures for the JSON line. */
  JsonObject figures() {
    return figures;
  }

  /** Acts when something is due at {@code elapsed} nanoseconds into the run; true when it did. */
  boolean tick(long elapsed, long open) throws Exception {
    return switch (settings.fault) {
      case KILL -> killTick(elapsed);
      case PARTITION, FREEZE -> faultTick(elapsed);
      case SLOW_LINK -> slowLinkTick(open);
      case FAILOVER -> throw new IllegalStateException("failover runs through ChaosFailover, on clusters of its own");
    };
  }

  private boolean killTick(long elapsed) throws Exception {
    if (elapsed >= restartAt) {
      restartAt = Long.MAX_VALUE;
      progress.line("restarting PostgreSQL: %s", settings.restartDb);
      int exit = new ProcessBuilder("bash", "-c", settings.restartDb).inheritIO().start().waitFor();
      restarts++;
      figures.put("db_restarts", restarts);
      progress.line("restart command exited %d", exit);
      return true;
    }
    if (elapsed < nextKill || fleet.live().isEmpty()) {
      return false;
    }
    // every other kill takes the leader: its rescuer goes with it, so its jobs wait for an election too
    boolean aimAtLeader = recoveries.size() % 2 == 0;
    List<ChaosFleet.Worker> live = fleet.live();
    ChaosFleet.Worker victim = aimAtLeader ? Chaos.leaderOrAny(spool, checks, live)
        : live.get(ThreadLocalRandom.current().nextInt(live.size()));
    boolean leader = Chaos.isLeader(spool, checks, victim);
    // What it holds is read while it is stopped, not after the kill: its session lives on, so nothing of it is
    // rescued yet. Read after the kill, on a busy machine, the rescuer could already have taken some of its
    // jobs (a dead session is reaped after two missed beats) and a survivor started them, and the rerun of a
    // job the killed worker had started counted as a duplicate no fault explained.
    fleet.freeze(victim);
    Long[] held = Chaos.held(spool, checks, victim.nodeId());
    OffsetDateTime at = Chaos.now(spool, checks);
    fleet.kill(victim);
    recoveries.add(new Recovery("kill", victim.nodeId(), leader, at, held));
    progress.line("killed %s%s holding %d jobs", victim.nodeId(), leader ? " (the leader)" : "", held.length);
    fleet.startLater(uri);
    nextKill = elapsed + (long) (settings.killEvery * 1e9);
    figures.put("kills", recoveries.size())
        .put("leader_kills", recoveries.stream().filter(r -> r.leader).count())
        .put("kill_every_s", settings.killEvery);
    return true;
  }

  private boolean faultTick(long elapsed) throws Exception {
    long faultAt = (long) (settings.faultAfter * 1e9);
    if (!faultStarted && elapsed >= faultAt) {
      faultStarted = true;
      boolean leader = Chaos.isLeader(spool, checks, faulted);
      if (settings.fault == Fault.PARTITION) {
        proxy.blackHole();
      } else {
        fleet.freeze(faulted);
      }
      OffsetDateTime at = Chaos.now(spool, checks);
      Long[] held = Chaos.held(spool, checks, faulted.nodeId());
      recoveries.add(new Recovery(settings.fault.label, faulted.nodeId(), leader, at, held));
      progress.line("%s %s%s holding %d jobs, for %.0f s", settings.fault == Fault.PARTITION ? "partitioned" : "froze",
          faulted.nodeId(), leader ? " (the leader)" : "", held.length, settings.faultSeconds);
      figures.put("fault_after_s", settings.faultAfter).put("fault_s", settings.faultSeconds)
          .put("faulted_was_leader", leader);
      return true;
    }
    if (faultStarted && healedAt < 0 && elapsed >= faultAt + (long) (settings.faultSeconds * 1e9)) {
      if (settings.fault == Fault.PARTITION) {
        proxy.heal();
      } else {
        fleet.thaw(faulted);
      }
      healedAt = System.nanoTime();
      progress.line("%s %s", settings.fault == Fault.PARTITION ? "healed the link of" : "thawed", faulted.nodeId());
      return true;
    }
    return false;
  }

  private boolean slowLinkTick(long open) throws Exception {
    if (phase == 0 && open <= phaseOpen / 2) {
      localRate = rate(open);
      progress.line("local half: %,.0f jobs/s; restarting the workers behind a %.0f ms round trip", localRate,
          settings.linkRttMs);
      fleet.stopAll();
      for (int i = 0; i < settings.workers; i++) {
        fleet.startLater(proxiedUri);
      }
      fleet.awaitLive(settings.workers);
      phase = 1;
      phaseStart = System.nanoTime();
      phaseOpen = Chaos.count(spool, openSql);
      return true;
    }
    return false;
  }

  private boolean slowHalfDone() {
    double slowRate = rate(0);
    figures.put("link_rtt_ms", settings.linkRttMs)
        .put("rate_local_jobs_s", Math.round(localRate))
        .put("rate_slow_link_jobs_s", Math.round(slowRate))
        .put("rate_ratio", localRate == 0 ? 0.0 : Math.round(100 * slowRate / localRate) / 100.0);
    return true;
  }

  private double rate(long open) {
    return (phaseOpen - open) / ((System.nanoTime() - phaseStart) / 1e9);
  }
}

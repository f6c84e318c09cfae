package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.impl.maintenance.PeriodicPlan;
import dev.spool.impl.maintenance.Scheduler;
import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeriodicJobTest extends SpoolTestBase {

  static final Task<JsonObject> TICK = Task.json("tick");
  static final Task<JsonObject> OTHER = Task.json("other");

  /** A clock tests can move forward, as if time passed while everything was down. */
  static final class MovableClock extends Clock {
    final AtomicLong offsetMillis = new AtomicLong();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plusMillis(offsetMillis.get());
    }
  }

  private Spool node(Vertx on, Clock clock, PeriodicJob<?>... jobs) {
    Spool.Builder builder = Spool.builder(on).connectingTo(TestDatabase.uri()).schema(schema).clock(clock);
    for (PeriodicJob<?> job : jobs) {
      builder.periodic(job);
    }
    return builder.build();
  }

  @Test
  void twoNodesEnqueueEachSlotOfAnEverySecondCronExactlyOnce() throws Exception {
    Map<Instant, AtomicInteger> runsPerSlot = new ConcurrentHashMap<>();
    JobHandlers handlers = new JobHandlers().register(TICK, (args, ctx) -> {
      runsPerSlot.computeIfAbsent(ctx.runAt(), s -> new AtomicInteger()).incrementAndGet();
      return Future.succeededFuture();
    });
    List<Vertx> nodes = List.of(vertx, otherVertx());
    Instant started = Instant.now();
    for (Vertx node : nodes) {
      Spool spoolOfNode = node(node, Clock.systemUTC(), PeriodicJob.cron("every-second", "* * * * * *", TICK,
          new JsonObject()).catchUp(PeriodicJob.CatchUp.NONE));
      await(node.deployVerticle(() -> spoolOfNode.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
    }
    Thread.sleep(10_000);
    for (Vertx node : nodes) {
      for (String id : node.deploymentIDs()) {
        await(node.undeploy(id));
      }
    }
    Instant stopped = Instant.now();

    TreeMap<Instant, Integer> slots = new TreeMap<>();
    runsPerSlot.forEach((slot, runs) -> slots.put(slot, runs.get()));
    assertThat(slots.values()).as("runs per slot").containsOnly(1);
    // Slots tick on while the nodes stop: the bound is every second the nodes ran in, the first one included.
    assertThat(slots).hasSizeBetween(9, (int) (stopped.getEpochSecond() - started.getEpochSecond()) + 1);
    assertThat(slots.firstKey()).isAfterOrEqualTo(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(slots.lastKey()).isBeforeOrEqualTo(stopped);
    assertThat(Duration.between(slots.firstKey(), slots.lastKey()).toSeconds()).isEqualTo(slots.size() - 1); // no gap
    assertThat(count("task = 'tick'")).isZero(); // all ran and were deleted
    Instant last = sql("select last_slot from {schema}.periodic_jobs where name = 'every-second'").iterator().next()
        .getOffsetDateTime(0).toInstant();
    assertThat(last).isEqualTo(slots.lastKey());
  }

  @Test
  void afterTenSecondsWithoutALeaderNoneSkipsLatestRunsOnceAllRunsEveryMissedSlot() throws Exception {
    MovableClock clock = new MovableClock();
    PeriodicJob<?>[] jobs = {
        PeriodicJob.cron("none", "* * * * * *", TICK, new JsonObject()).catchUp(PeriodicJob.CatchUp.NONE),
        PeriodicJob.cron("latest", "* * * * * *", TICK, new JsonObject()).catchUp(PeriodicJob.CatchUp.LATEST),
        PeriodicJob.every("all", Duration.ofSeconds(1), TICK, new JsonObject()).catchUp(PeriodicJob.CatchUp.ALL)};
    // The workers run another task only, so the periodic jobs stay in the table to be counted.
    JobHandlers handlers = new JobHandlers().register(OTHER, (args, ctx) -> Future.succeededFuture());

    Spool first = node(vertx, clock, jobs);
    String firstWorker = await(vertx.deployVerticle(() -> first.worker(new WorkerOptions(), handlers),
        new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> count("unique_key like 'periodic:none:%'") >= 2);
    await(vertx.undeploy(firstWorker)); // the leader is gone, and no other node runs
    Map<String, Instant> lastBefore = new TreeMap<>();
    for (String name : List.of("none", "latest", "all")) {
      lastBefore.put(name, slots(name).get(slots(name).size() - 1));
    }

    // Ten seconds pass with no leader; the next one starts half-way through a second.
    clock.offsetMillis.addAndGet(10_000 + (1500 - clock.instant().toEpochMilli() % 1000));
    Instant restart = clock.instant();
    Instant lastMissed = restart.minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Vertx second = otherVertx();
    Spool next = node(second, clock, jobs);
    await(second.deployVerticle(() -> next.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> slots("none").stream().anyMatch(s -> s.isAfter(restart.plusSeconds(1))));
    for (String id : second.deploymentIDs()) {
      await(second.undeploy(id));
    }

    // Missed: the slots after the last one enqueued before and up to the second before the restart.
    assertThat(missed("none", lastBefore, lastMissed)).isEmpty();
    assertThat(missed("latest", lastBefore, lastMissed)).containsExactly(lastMissed);
    List<Instant> all = missed("all", lastBefore, lastMissed);
    assertThat(all).hasSize((int) Duration.between(lastBefore.get("all"), lastMissed).toSeconds()).hasSizeBetween(9, 12);
    // and every policy goes on with the slots after the restart, each once
    for (String name : List.of("none", "latest", "all")) {
      List<Instant> after = slots(name).stream().filter(s -> s.isAfter(lastMissed)).toList();
      assertThat(after).as(name).isNotEmpty().doesNotHaveDuplicates().first().isEqualTo(lastMissed.plusSeconds(1));
    }
  }

  private List<Instant> missed(String name, Map<String, Instant> lastBefore, Instant lastMissed) {
    return slots(name).stream().filter(s -> s.isAfter(lastBefore.get(name)) && !s.isAfter(lastMissed)).toList();
  }

  /** The slots of a periodic job's enqueued jobs, from their unique keys, in order. */
  private List<Instant> slots(String name) {
    List<Instant> slots = new ArrayList<>();
    for (Row row : sql("select unique_key from {schema}.jobs where unique_key like $1 order by 1", "periodic:" + name + ":%")) {
      slots.add(Instant.parse(row.getString(0).substring(("periodic:" + name + ":").length())));
    }
    slots.sort(null);
    return slots;
  }

  @Test
  void aSlotWakesIdleWorkersLongBeforeThePoll() {
    List<Duration> lateness = new java.util.concurrent.CopyOnWriteArrayList<>();
    JobHandlers handlers = new JobHandlers().register(TICK, (args, ctx) -> {
      lateness.add(Duration.between(ctx.runAt(), Instant.now()));
      return Future.succeededFuture();
    });
    Spool node = node(vertx, Clock.systemUTC(), PeriodicJob.every("each-second", Duration.ofSeconds(1), TICK,
        new JsonObject()).catchUp(PeriodicJob.CatchUp.NONE));
    await(vertx.deployVerticle(() -> node.worker(new WorkerOptions().setPollInterval(Duration.ofSeconds(10)), handlers),
        new DeploymentOptions()));

    // the enqueue of each slot notifies its queue: the idle worker does not wait for its 10 s poll
    eventually(Duration.ofSeconds(8), () -> lateness.size() >= 3);
    // all far before the 10 s poll; the first slot may wait for the new leader's first pass, the later ones not
    assertThat(lateness).allSatisfy(late -> assertThat(late).isLessThan(Duration.ofSeconds(3)));
    assertThat(lateness.subList(1, lateness.size())).allSatisfy(late -> assertThat(late).isLessThan(Duration.ofSeconds(1)));
  }

  @Test
  void aNewLeadersFirstSlotOnTimeIsNotLoggedAsACatchUpButMissedSlotsAre() throws Exception {
    java.util.logging.Logger schedulerLog = java.util.logging.Logger.getLogger(Scheduler.class.getName());
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        logged.add(new java.util.logging.SimpleFormatter().formatMessage(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    schedulerLog.addHandler(capture);
    try {
      MovableClock clock = new MovableClock();
      // the leader starts 1.5 s before a minute: its last slot recorded is the minute before, not a missed one
      clock.offsetMillis.set(58_500 - clock.instant().toEpochMilli() % 60_000);
      PeriodicJob<JsonObject> minutely = PeriodicJob.cron("minutely", "* * * * *", TICK, new JsonObject())
          .catchUp(PeriodicJob.CatchUp.ALL).catchUpWindow(Duration.ofHours(1));
      JobHandlers handlers = new JobHandlers().register(OTHER, (args, ctx) -> Future.succeededFuture());
      Spool node = node(vertx, clock, minutely);
      String worker = await(vertx.deployVerticle(() -> node.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
      eventually(Duration.ofSeconds(10), () -> count("task = 'tick'") == 1);
      await(vertx.undeploy(worker));
      assertThat(logged).noneMatch(line -> line.contains("minutely"));

      clock.offsetMillis.addAndGet(Duration.ofMinutes(3).toMillis()); // three minutes without a leader
      await(vertx.deployVerticle(() -> node.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
      eventually(Duration.ofSeconds(10), () -> count("task = 'tick'") == 4);
      eventually(Duration.ofSeconds(5), () -> logged.stream().anyMatch(line -> line.contains("minutely")
          && line.contains("enqueued 3 slot(s)") && line.contains("ALL catch-up")));
    } finally {
      schedulerLog.removeHandler(capture);
    }
  }

  @Test
  void runOnStartEnqueuesOneRunEachTimeALeaderStarts() throws Exception {
    PeriodicJob<JsonObject> hourly = PeriodicJob.every("hourly", Duration.ofHours(1), TICK, new JsonObject().put("x", 1))
        .options(new EnqueueOptions().setQueue("reports").setPriority(3)).runOnStart(true);
    JobHandlers handlers = new JobHandlers().register(OTHER, (args, ctx) -> Future.succeededFuture());
    Spool node = node(vertx, Clock.systemUTC(), hourly);
    String worker = await(vertx.deployVerticle(() -> node.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> count("task = 'tick'") == 1);
    Row job = sql("select queue, priority, args from {schema}.jobs where task = 'tick'").iterator().next();
    assertThat(job.getString(0)).isEqualTo("reports");
    assertThat(job.getInteger(1)).isEqualTo(3);
    assertThat(TICK.codec().decode(job.getBuffer(2).getBytes())).isEqualTo(new JsonObject().put("x", 1));
    await(vertx.undeploy(worker));
    Thread.sleep(5); // the next start is a different millisecond, so a different slot
    await(vertx.deployVerticle(() -> node.worker(new WorkerOptions(), handlers), new DeploymentOptions()));
    eventually(Duration.ofSeconds(10), () -> count("task = 'tick'") == 2);
  }

  @Test
  void planFollowsThePolicyAndRecordsTheLastSlot() {
    Instant t0 = Instant.parse("2026-11-22T08:00:00Z");
    PeriodicJob<JsonObject> job = PeriodicJob.every("p", Duration.ofMinutes(1), TICK, new JsonObject());
    Instant now = t0.plusSeconds(600).plusMillis(500);      // ten minutes later
    Instant onTimeFrom = now.minusSeconds(1);
    assertThat(PeriodicPlan.of(job.catchUp(PeriodicJob.CatchUp.NONE), t0, now, onTimeFrom, true).slots())
        .containsExactly(t0.plusSeconds(600));
    assertThat(PeriodicPlan.of(job.catchUp(PeriodicJob.CatchUp.LATEST), t0, now, onTimeFrom, true).slots())
        .containsExactly(t0.plusSeconds(540), t0.plusSeconds(600)); // the latest missed one, then the on-time one
    PeriodicPlan all = PeriodicPlan.of(job.catchUp(PeriodicJob.CatchUp.ALL), t0, now, onTimeFrom, true);
    assertThat(all.slots()).hasSize(10).first().isEqualTo(t0.plusSeconds(60));
    assertThat(all.advanceTo()).isEqualTo(t0.plusSeconds(600));
    assertThat(PeriodicPlan.of(job.catchUp(PeriodicJob.CatchUp.ALL).catchUpWindow(Duration.ofMinutes(3)), t0, now,
        onTimeFrom, true).slots()).hasSize(3);
    assertThat(PeriodicPlan.of(job, t0.plusSeconds(600), now, onTimeFrom, false)).isEqualTo(PeriodicPlan.NOTHING);
    // a job never scheduled before catches nothing up
    assertThat(PeriodicPlan.of(job.catchUp(PeriodicJob.CatchUp.ALL), null, now, onTimeFrom, true).slots()).containsExactly(t0.plusSeconds(600));

    PeriodicJob<JsonObject> daily = PeriodicJob.cron("d", "0 8 * * *", TICK, new JsonObject());
    assertThat(daily.nextSlot(t0)).isEqualTo(t0.plus(Duration.ofDays(1)));
    assertThat(daily.slotBefore(t0.plusMillis(1))).isEqualTo(t0);
    assertThat(PeriodicJob.cron("q", "0 0/15 * * * ? *", TICK, new JsonObject()).nextSlot(t0)).isEqualTo(t0.plusSeconds(900));
    assertThatThrownBy(() -> PeriodicJob.cron("bad", "61 * * * *", TICK, new JsonObject())).hasMessageContaining("bad cron");
    assertThatThrownBy(() -> PeriodicJob.every("fast", Duration.ofMillis(10), TICK, new JsonObject()))
        .hasMessageContaining("at least");
    assertThatThrownBy(() -> Spool.builder(vertx).periodic(job).periodic(job)).hasMessageContaining("already declared");
  }
}

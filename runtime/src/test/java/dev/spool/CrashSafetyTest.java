package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import dev.spool.testing.TestDatabase;
import dev.spool.testing.WorkerProcess;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CrashSafetyTest extends SpoolTestBase {

  static final Task<JsonObject> HOLD = Task.json("hold");
  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);

  final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

  JobHandler<JsonObject> counting(JobHandler<JsonObject> then) {
    return (args, ctx) -> {
      runs.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet();
      return then.handle(args, ctx);
    };
  }

  String deploy(Vertx on, Spool using, WorkerOptions options, JobHandlers handlers) {
    return await(on.deployVerticle(() -> using.worker(options, handlers), new DeploymentOptions()));
  }

  @Test
  void rescuesJobsOfAKilledWorkerWithinSeconds() throws Exception {
    WorkerProcess.Started victim = WorkerProcess.start(TestDatabase.uri(), schema);
    List<Long> ids = await(spool.client().enqueueBatch(HOLD,
        IntStream.range(0, 20).mapToObj(i -> new JsonObject()).toList(), new EnqueueOptions()));
    eventually(WAIT, () -> count("state = 'running' and lease_owner = $1", victim.workerId()) == 20);

    victim.process().destroyForcibly().waitFor(); // SIGKILL: no shutdown, no hand-back
    long killedAt = System.nanoTime();
    deploy(vertx, spool, fastLiveness(), new JobHandlers().register(HOLD, counting((a, c) -> Future.succeededFuture())));

    eventually(WAIT, () -> runs.size() == 20);
    Duration recovery = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(recovery).isLessThan(Duration.ofSeconds(15));
    assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    eventually(WAIT, () -> count("true") == 0);
    assertThat(spool.stats().rescued()).isEqualTo(20);
  }

  @Test
  void aKilledWorkerIsKnownDeadByItsClosedSessionLongBeforeItsTimeout() throws Exception {
    WorkerProcess.Started victim = WorkerProcess.start(TestDatabase.uri(), schema); // also the leader: it came first
    await(spool.client().enqueueBatch(HOLD, IntStream.range(0, 20).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions()));
    eventually(WAIT, () -> count("state = 'running' and lease_owner = $1", victim.workerId()) == 20);

    victim.process().destroyForcibly().waitFor();
    // Timeouts and leases far beyond the wait below: only the closed session can explain a quick rescue.
    deploy(vertx, spool, fastLiveness().setWorkerTimeout(Duration.ofSeconds(60)).setLeaderTtl(Duration.ofSeconds(60))
        .setLease(Duration.ofSeconds(60)), new JobHandlers().register(HOLD, counting((a, c) -> Future.succeededFuture())));

    eventually(Duration.ofSeconds(10), () -> runs.size() == 20);
  }

  @Test
  void rescueCountsTheAttemptAndKillsJobsWithNoAttemptsLeft() {
    // A worker that registered once and then vanished, holding two jobs.
    sql("insert into {schema}.workers (id, queues, heartbeat_at) values ('ghost', '{default}', now() - interval '1 hour')");
    long retriable = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(3)));
    long exhausted = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(1)));
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'ghost', "
        + "lease_expires_at = now() + interval '1 hour'");

    deploy(vertx, spool, fastLiveness(), new JobHandlers().register(WORK, counting((a, c) -> Future.succeededFuture())));

    eventually(WAIT, () -> runs.containsKey(retriable) && count("state = 'dead'") == 1);
    assertThat(runs).doesNotContainKey(exhausted);
    Job dead = await(spool.client().find(exhausted)).orElseThrow();
    assertThat(dead.lastError().getString("class")).isEqualTo("dev.spool.LeaseExpired");
    assertThat(dead.lastError().getString("message")).contains("ghost");
    // the retried job ran as attempt 2 and its ack (written within one flush) removes it
    eventually(WAIT, () -> count("id = $1", retriable) == 0);
  }

  @Test
  void aRescueCountsAnAttemptButNotAFailureSoTheRetryBackoffDoesNotGrowWithIt() {
    // A job whose worker died twice under it (attempts 1 and 2 rescued) is held by a third that vanished.
    sql("insert into {schema}.workers (id, queues, heartbeat_at) values ('ghost', '{default}', now() - interval '1 hour')");
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    sql("update {schema}.jobs set state = 'running', attempt = 3, rescues = 2, lease_owner = 'ghost', "
        + "lease_expires_at = now() + interval '1 hour'");
    HandlerOptions tenfold = new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofSeconds(1))
        .setFactor(10).setMaxDelay(Duration.ofHours(2)).setJitter(0));

    deploy(vertx, spool, fastLiveness(), new JobHandlers().register(WORK,
        counting((a, c) -> Future.failedFuture(new IllegalStateException("the handler's first failure"))), tenfold));

    // rescued a third time, then run as attempt 4, which fails: the handler's first failure, so 1 s, not 10^3 s
    eventually(WAIT, () -> count("id = $1 and attempt = 4 and state = 'available' and rescues = 3", id) == 1);
    Row row = sql("select extract(epoch from run_at - (last_error->>'at')::timestamptz) from {schema}.jobs where id = $1", id)
        .iterator().next();
    assertThat(((Number) row.getValue(0)).doubleValue()).isBetween(0.9, 1.1);
    assertThat(runs.get(id)).hasValue(1);
  }

  @Test
  void rescuesJobsWhoseLeaseExpiredEvenWhenTheirWorkerIsAlive() {
    sql("insert into {schema}.workers (id, queues) values ('slowpoke', '{default}')");
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    sql("update {schema}.jobs set state = 'running', attempt = 1, lease_owner = 'slowpoke', "
        + "lease_expires_at = now() - interval '1 second'");

    deploy(vertx, spool, fastLiveness(), new JobHandlers().register(WORK, counting((a, c) -> Future.succeededFuture())));

    eventually(WAIT, () -> runs.containsKey(id) && count("true") == 0);
  }

  @Test
  void longHandlersExtendTheirLeaseAndAreNotRescuedWhileAlive() {
    WorkerOptions shortLease = fastLiveness().setLease(Duration.ofMillis(600));
    deploy(vertx, spool, shortLease, new JobHandlers().register(WORK, counting((args, ctx) -> {
      Promise<Void> done = Promise.promise();
      ctx.vertx().setTimer(2_500, t -> done.complete()); // four leases long
      return done.future();
    })));
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setTimeout(Duration.ofSeconds(10))));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(runs.get(id)).hasValue(1);
    assertThat(spool.stats().rescued()).isZero();
  }

  @Test
  void aLateAckFromARunThatWasTakenAwayChangesNothing() {
    Promise<Void> release = Promise.promise();
    deploy(vertx, spool, new WorkerOptions(), new JobHandlers().register(WORK, counting((args, ctx) -> release.future())));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, () -> runs.containsKey(id));

    // Meanwhile the job was rescued and is running again elsewhere, as attempt 2.
    sql("update {schema}.jobs set attempt = 2, lease_owner = 'elsewhere' where id = $1", id);
    vertx.runOnContext(v -> release.complete());

    eventually(WAIT, () -> spool.stats().lateAcks() == 1);
    Row row = sql("select state::text, attempt, lease_owner from {schema}.jobs where id = $1", id).iterator().next();
    assertThat(row.getString(0)).isEqualTo("running");
    assertThat(row.getInteger(1)).isEqualTo(2);
    assertThat(row.getString(2)).isEqualTo("elsewhere");
  }

  @Test
  void aNewLeaderIsElectedWithinSecondsWhenTheLeaderGoes() {
    Vertx second = otherVertx();
    Spool other = newSpool(second, new SpoolOptions().setSchema(schema));
    JobHandlers handlers = new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture());
    WorkerVerticle first = spool.worker(fastLiveness(), handlers);
    WorkerVerticle backup = other.worker(fastLiveness(), handlers);
    String firstId = await(vertx.deployVerticle(first));
    eventually(WAIT, first::isLeader);
    await(second.deployVerticle(backup));

    // The leader's lease is taken over once it lapses, without the old leader resigning.
    sql("update {schema}.leader set leader_id = 'gone', expires_at = now() - interval '1 second'");
    await(vertx.undeploy(firstId));
    eventually(Duration.ofSeconds(5), backup::isLeader);
    assertThat(sql("select leader_id from {schema}.leader").iterator().next().getString(0)).isEqualTo(backup.owner());
  }

  @Test
  void jobsStillRunningAtTheShutdownTimeoutAreGivenBackWithTheirAttemptCounted() {
    String deployment = deploy(vertx, spool, new WorkerOptions().setShutdownTimeout(Duration.ofMillis(200)),
        new JobHandlers().register(WORK, counting((a, c) -> Promise.promise().future())));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, () -> runs.containsKey(id));

    await(vertx.undeploy(deployment));

    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.leaseOwner()).isNull();
    assertThat(job.lastError().getString("message")).contains("stopped while");
    assertThat(count("true")).isEqualTo(1);
    assertThat(sql("select count(*) from {schema}.workers").iterator().next().getLong(0)).isZero();
  }

  @Test
  void workersSurviveTheDatabaseDroppingTheirConnections() throws Exception {
    int jobs = 3_000;
    deploy(vertx, spool, fastLiveness().setLease(Duration.ofSeconds(3)),
        new JobHandlers().register(WORK, counting((args, ctx) -> {
          Promise<Void> done = Promise.promise();
          ctx.vertx().setTimer(1, t -> done.complete());
          return done.future();
        })));
    List<JsonObject> args = IntStream.range(0, jobs).mapToObj(i -> new JsonObject()).toList();
    for (int i = 0; i < jobs; i += 500) {
      await(spool.client().enqueueBatch(WORK, args.subList(i, i + 500), new EnqueueOptions()));
      if (i % 1000 == 0) {
        terminateSpoolConnections();
        reconnectTestPool();
      }
    }
    Thread.sleep(300);
    terminateSpoolConnections();

    eventually(Duration.ofSeconds(60), () -> {
      try {
        return count("true") == 0;
      } catch (RuntimeException e) {
        return false; // our own pool lost its connections too
      }
    });
    assertThat(runs).hasSize(jobs);
    // A claim whose answer was lost with its connection is rescued after the lease and runs once more at most.
    assertThat(runs.values().stream().filter(n -> n.get() > 1).count()).isLessThanOrEqualTo(WorkerOptions.DEFAULT_BATCH_SIZE);
  }

  /**
   * The test's own pool lost its connections too: let it find that out on an idempotent statement, so
   * the next enqueue (which may not be retried: it could have committed) runs on a live connection.
   */
  private void reconnectTestPool() {
    eventually(Duration.ofSeconds(10), () -> {
      try {
        sql("select 1");
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  private void terminateSpoolConnections() {
    Vertx killer = Vertx.vertx();
    try {
      Spool admin = newSpool(killer, new SpoolOptions().setSchema(schema));
      await(admin.pool().query("select pg_terminate_backend(pid) from pg_stat_activity "
          + "where application_name = 'spool' and pid <> pg_backend_pid() and datname = current_database()").execute());
    } finally {
      await(killer.close());
    }
  }
}

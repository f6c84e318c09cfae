package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.spi.JobCodec;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WorkerVerticleTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);

  final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

  /** A handler that counts its runs per job id. */
  JobHandler<JsonObject> counting(JobHandler<JsonObject> then) {
    return (args, ctx) -> {
      runs.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet();
      return then.handle(args, ctx);
    };
  }

  String deploy(Vertx on, Spool using, WorkerOptions options, JobHandlers handlers, int instances) {
    return await(on.deployVerticle(() -> using.worker(options, handlers),
        new io.vertx.core.DeploymentOptions().setInstances(instances)));
  }

  String deploy(WorkerOptions options, JobHandlers handlers) {
    return deploy(vertx, spool, options, handlers, 1);
  }

  static HandlerOptions fastRetries() {
    return new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(50)).setFactor(2)
        .setMaxDelay(Duration.ofMillis(400)).setJitter(0));
  }

  @Test
  void enqueuedJobRunsWithItsArgumentsAndIsAckedAway() {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, counting((args, ctx) -> {
      seen.add(args.copy().put("attempt", ctx.attempt()));
      return Future.succeededFuture();
    })));
    long id = await(spool.client().enqueue(WORK, new JsonObject().put("hello", "world")));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(seen).containsExactly(new JsonObject().put("hello", "world").put("attempt", 1));
    assertThat(runs.get(id)).hasValue(1);
  }

  @Test
  void completedJobsAreKeptWhenAsked() {
    Spool keeping = newSpool(vertx, new SpoolOptions().setSchema(schema).setKeepCompleted(true));
    deploy(vertx, keeping, new WorkerOptions(), new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture()), 1);
    long id = await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> countAll("state = 'completed'") == 1);
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.finishedAt()).isNotNull();
    assertThat(job.leaseOwner()).isNull();
  }

  @Test
  void retryDelaysGrowExponentiallyUpToTheCap() {
    List<List<Double>> delays = new ArrayList<>();
    HandlerOptions options = new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(100))
        .setFactor(2).setMaxDelay(Duration.ofMillis(400)).setJitter(0));
    AtomicLong jobId = new AtomicLong();
    List<Double> observed = new CopyOnWriteArrayList<>();
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, (args, ctx) -> {
      return Future.failedFuture(new IllegalStateException("always failing, attempt " + ctx.attempt()));
    }, options));
    jobId.set(await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(6))));

    // After each failure the row holds the delay as run_at minus the failure time.
    int lastSeenAttempt = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (lastSeenAttempt < 5 && System.nanoTime() < deadline) {
      Row row = sql("select attempt, state::text, extract(epoch from run_at - (last_error->>'at')::timestamptz) * 1000 "
          + "from {schema}.jobs where id = $1", jobId.get()).iterator().next();
      if ("available".equals(row.getString(1)) && row.getInteger(0) > lastSeenAttempt) {
        lastSeenAttempt = row.getInteger(0);
        observed.add(row.getDouble(2));
      }
    }
    eventually(WAIT, () -> count("state = 'dead'") == 1);

    assertThat(observed).hasSize(5);
    double[] expected = {100, 200, 400, 400, 400};
    for (int i = 0; i < 5; i++) {
      assertThat(observed.get(i)).as("delay after attempt %d", i + 1).isBetween(expected[i] - 1, expected[i] + 1);
    }
    Row dead = sql("select attempt, last_error from {schema}.jobs where id = $1", jobId.get()).iterator().next();
    assertThat(dead.getInteger(0)).isEqualTo(6);
    JsonObject error = (JsonObject) dead.getValue(1);
    assertThat(error.getString("class")).isEqualTo(IllegalStateException.class.getName());
    assertThat(error.getString("message")).isEqualTo("always failing, attempt 6");
    assertThat(error.getInteger("attempt")).isEqualTo(6);
    assertThat(error.getString("stack")).contains("at ");
  }

  @Test
  void aRunPastItsTimeoutIsRetriedThenDead() {
    AtomicInteger toldToStop = new AtomicInteger();
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, counting((args, ctx) -> {
      Promise<Void> stopped = Promise.promise();
      ctx.cancellation().onComplete(v -> {
        toldToStop.incrementAndGet();
        stopped.fail("told to stop"); // the timeout is what is recorded, not this
      });
      return stopped.future();
    }), fastRetries()));
    long id = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setTimeout(Duration.ofMillis(200)).setMaxAttempts(2)));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(runs.get(id)).hasValue(2);
    assertThat(toldToStop).hasValue(2);
    JsonObject error = await(spool.client().find(id)).orElseThrow().lastError();
    assertThat(error.getString("class")).isEqualTo(JobTimeoutException.class.getName());
    assertThat(error.getString("message")).contains("timed out after 200 ms");
  }

  @Test
  void theHandlersDefaultTimeoutAppliesWhenTheJobHasNone() {
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, (args, ctx) -> ctx.cancellation(),
        fastRetries().setTimeout(Duration.ofMillis(150))));
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(1)));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(await(spool.client().find(id)).orElseThrow().lastError().getString("message")).contains("150 ms");
  }

  @Test
  void aGiveUpFailureIsDeadAfterOneAttempt() {
    deploy(new WorkerOptions(), new JobHandlers()
        .register(WORK, counting((args, ctx) -> Future.failedFuture(new GiveUpException("invalid address"))))
        .register(Task.json("strict"), counting((args, ctx) -> {
          throw new IllegalArgumentException("bad request");
        }), fastRetries().setRetryPolicy(new RetryPolicy().giveUpOn(IllegalArgumentException.class))));
    long giveUp = await(spool.client().enqueue(WORK, new JsonObject()));
    long rule = await(spool.client().enqueue(Task.json("strict"), new JsonObject()));

    eventually(WAIT, () -> count("state = 'dead'") == 2);
    assertThat(runs.get(giveUp)).hasValue(1);
    assertThat(runs.get(rule)).hasValue(1);
    assertThat(await(spool.client().find(rule)).orElseThrow().lastError().getString("message")).isEqualTo("bad request");
  }

  @Test
  void anUndecodablePayloadIsDeadAtOnceAndTheNextJobStillRuns() {
    Task<JsonObject> strictJson = Task.of("strict-json", new JobCodec<>() {
      public String name() {
        return "strict-json";
      }

      public byte[] encode(JsonObject args) {
        return args.toBuffer().getBytes();
      }

      public JsonObject decode(byte[] bytes) {
        return new JsonObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
    });
    deploy(new WorkerOptions().setConcurrency(1), new JobHandlers().register(strictJson, (args, ctx) -> {
      runs.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet();
      return Future.succeededFuture();
    }));
    long bad = sql("insert into {schema}.jobs (task, args) values ('strict-json', 'not json at all'::bytea) returning id")
        .iterator().next().getLong(0);
    long good = await(spool.client().enqueue(strictJson, new JsonObject().put("ok", true)));

    eventually(WAIT, () -> runs.containsKey(good) && count("state = 'dead'") == 1);
    Job dead = await(spool.client().find(bad)).orElseThrow();
    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.attempt()).isEqualTo(1);
    assertThat(dead.lastError().getString("class")).isEqualTo(UndecodablePayloadException.class.getName());
    assertThat(dead.lastError().getString("message")).contains("cannot decode").contains("strict-json");
    assertThat(runs).doesNotContainKey(bad);
  }

  @Test
  void claimsOnlyTasksItHasHandlersFor() {
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, counting((a, c) -> Future.succeededFuture())));
    long other = await(spool.client().enqueue(Task.json("someone-else"), new JsonObject()));
    long mine = await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> runs.containsKey(mine));
    Job waiting = await(spool.client().find(other)).orElseThrow();
    assertThat(waiting.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(waiting.attempt()).isZero();
  }

  @Test
  void twoVerticlesOnTwoVertxInstancesNeverRunAJobTwice() {
    int jobs = 12_000;
    JobHandlers handlers = new JobHandlers().register(WORK, counting((args, ctx) -> Future.succeededFuture()));
    WorkerOptions small = new WorkerOptions().setBatchSize(100).setPrefetch(100);
    deploy(vertx, spool, small, handlers, 2);
    Vertx second = otherVertx();
    deploy(second, newSpool(second, new SpoolOptions().setSchema(schema)), small, handlers, 2);

    List<JsonObject> args = IntStream.range(0, jobs).mapToObj(i -> new JsonObject().put("i", i)).toList();
    for (int i = 0; i < jobs; i += 1000) {
      await(spool.client().enqueueBatch(WORK, args.subList(i, i + 1000), new EnqueueOptions()));
    }

    eventually(Duration.ofSeconds(60), () -> count("true") == 0);
    assertThat(runs).hasSize(jobs);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n).hasValue(1));
  }

  @Test
  void aNotificationWakesIdleWorkersLongBeforeThePoll() throws Exception {
    AtomicLong startedAt = new AtomicLong();
    deploy(vertx, spool, new WorkerOptions().setPollInterval(Duration.ofSeconds(10)),
        new JobHandlers().register(WORK, (args, ctx) -> {
          startedAt.set(System.nanoTime());
          return Future.succeededFuture();
        }), 2);
    Thread.sleep(500); // both workers have claimed nothing and sleep until a wake-up

    long enqueuedAt = System.nanoTime();
    await(spool.client().enqueue(WORK, new JsonObject()));
    eventually(Duration.ofSeconds(5), () -> startedAt.get() != 0);
    assertThat(Duration.ofNanos(startedAt.get() - enqueuedAt)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aJobEnqueuedWithTheSqlFunctionAlsoWakesIdleWorkers() throws Exception {
    AtomicLong startedAt = new AtomicLong();
    deploy(new WorkerOptions().setPollInterval(Duration.ofSeconds(10)), new JobHandlers().register(WORK, (args, ctx) -> {
      startedAt.set(System.nanoTime());
      return Future.succeededFuture();
    }));
    Thread.sleep(500);

    long enqueuedAt = System.nanoTime();
    sql("select {schema}.enqueue('work', '{}'::jsonb)");
    eventually(Duration.ofSeconds(5), () -> startedAt.get() != 0);
    assertThat(Duration.ofNanos(startedAt.get() - enqueuedAt)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void undeployingHandsBackPrefetchedJobsAndFinishesRunningOnes() {
    List<Promise<Void>> running = new CopyOnWriteArrayList<>();
    String deployment = deploy(new WorkerOptions().setConcurrency(2).setPrefetch(10).setBatchSize(10),
        new JobHandlers().register(WORK, counting((args, ctx) -> {
          Promise<Void> p = Promise.promise();
          running.add(p);
          // finishes a moment after undeploy begins
          ctx.vertx().setTimer(300, t -> p.tryComplete());
          return p.future();
        })));
    await(spool.client().enqueueBatch(WORK, IntStream.range(0, 20).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions()));
    eventually(WAIT, () -> running.size() == 2);

    await(vertx.undeploy(deployment));

    // the two that ran are acked away; the rest are available again with no attempt counted
    assertThat(runs).hasSize(2);
    assertThat(count("true")).isEqualTo(18);
    assertThat(count("state = 'available' and attempt = 0 and lease_owner is null")).isEqualTo(18);
  }

  @Test
  void aCompletionStageHandlerWorks() {
    deploy(new WorkerOptions(), new JobHandlers().register(WORK,
        JobHandler.ofStage((args, ctx) -> java.util.concurrent.CompletableFuture.supplyAsync(() -> args.getInteger("n") * 2)
            .thenAccept(n -> runs.put((long) n, new AtomicInteger(1))))));
    await(spool.client().enqueue(WORK, new JsonObject().put("n", 21)));
    eventually(WAIT, () -> runs.containsKey(42L) && count("true") == 0);
  }

  @Test
  void retriedJobsComeBackWithoutWaitingForThePoll() {
    AtomicInteger attempts = new AtomicInteger();
    deploy(new WorkerOptions().setPollInterval(Duration.ofSeconds(30)), new JobHandlers().register(WORK, (args, ctx) ->
        attempts.incrementAndGet() < 3 ? Future.failedFuture(new IllegalStateException("flaky")) : Future.succeededFuture(),
        fastRetries()));
    await(spool.client().enqueue(WORK, new JsonObject()));
    // 50 + 100 ms of backoff: done well within the 30 s poll
    eventually(Duration.ofSeconds(5), () -> attempts.get() == 3 && count("true") == 0);
  }

  @Test
  void workerOptionsRoundTripThroughJsonAndRejectNonsense() {
    WorkerOptions options = new WorkerOptions().setQueues("a", "b").setConcurrency(7).setBatchSize(30).setPrefetch(0)
        .setPollInterval(Duration.ofMillis(1500)).setLease(Duration.ofSeconds(20));
    assertThat(new WorkerOptions(options.toJson()).toJson()).isEqualTo(options.toJson());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorkerOptions().setConcurrency(0))
        .hasMessageContaining("concurrency");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorkerOptions().setQueues(List.of()))
        .hasMessageContaining("queue");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> spool.worker(new WorkerOptions(), new JobHandlers()))
        .hasMessageContaining("handler");
  }
}

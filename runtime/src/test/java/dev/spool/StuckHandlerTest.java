package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static dev.spool.testing.WorkerProcess.fastLiveness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A handler that ignores every signal past its hard limit is stuck: reported, still in its slot, and by
 * default still holding its job, so the job never runs twice at once; the failure is written when the
 * handler returns.
 */
class StuckHandlerTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);

  final AtomicInteger runs = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger mostInFlight = new AtomicInteger();
  final AtomicLong firstReturnedAt = new AtomicLong();

  @Override
  protected SpoolOptions spoolOptions() {
    return new SpoolOptions().setKeepCompleted(true);
  }

  /** Its first run ignores every signal for {@code hangMs}, then succeeds; later runs succeed at once. */
  JobHandler<JsonObject> hangingFirst(long hangMs) {
    return (args, ctx) -> {
      runs.incrementAndGet();
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      if (ctx.attempt() > 1) {
        inFlight.decrementAndGet();
        return Future.succeededFuture();
      }
      Promise<Void> done = Promise.promise();
      ctx.vertx().setTimer(hangMs, t -> {
        inFlight.decrementAndGet();
        firstReturnedAt.set(System.nanoTime());
        done.complete();
      });
      return done.future();
    };
  }

  static WorkerOptions quick() {
    return fastLiveness().setLease(Duration.ofMillis(800)).setStuckGrace(Duration.ofMillis(200));
  }

  static HandlerOptions limits() {
    return new HandlerOptions().setTimeout(Duration.ofMillis(300))
        .setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(20)).setJitter(0));
  }

  @Test
  void aHandlerThatIgnoresEverythingIsStuckAndItsJobNeverRunsTwiceAtOnce() throws Exception {
    // two workers in two Vert.x instances, as two processes: either may claim the job, and would, if freed
    Vertx second = otherVertx();
    Spool other = newSpool(second, spoolOptions().setSchema(schema));
    JobHandlers handlers = new JobHandlers().register(WORK, hangingFirst(3_000), limits());
    await(vertx.deployVerticle(spool.worker(quick(), handlers)));
    await(second.deployVerticle(other.worker(quick(), handlers)));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> stuck(spool, other).size() == 1);
    StuckRun stuck = stuck(spool, other).get(0);
    assertThat(stuck.id()).isEqualTo(id);
    assertThat(stuck.held()).isTrue();
    assertThat(stuck.attempt()).isEqualTo(1);
    assertThat(stuck.running()).isGreaterThanOrEqualTo(Duration.ofMillis(500));

    // well past the lease it was claimed with: the heartbeat keeps extending it, nobody else takes the job
    Thread.sleep(1_500);
    Row row = sql("select state::text, attempt, lease_owner, lease_expires_at > now() from {schema}.jobs where id = $1", id)
        .iterator().next();
    assertThat(row.getString(0)).isEqualTo("running");
    assertThat(row.getInteger(1)).isEqualTo(1);
    assertThat(row.getString(2)).isEqualTo(stuck.worker());
    assertThat(row.getBoolean(3)).isTrue();
    assertThat(runs).hasValue(1);

    // the handler returns: the timeout is written then, and the retry runs
    eventually(WAIT, () -> countAll("state = 'completed'") == 1);
    assertThat(runs).hasValue(2);
    assertThat(mostInFlight).as("runs of the job at once").hasValue(1);
    assertThat(stuck(spool, other)).isEmpty();
    JsonObject error = await(spool.client().find(id)).orElseThrow().lastError();
    assertThat(error.getString("class")).isEqualTo(JobTimeoutException.class.getName());
    assertThat(error.getString("message")).contains("timed out after 300 ms").contains("ignored it and returned");
  }

  @Test
  void aStuckRunEndsDeadWhenItsHandlerReturnsOnTheLastAttempt() {
    await(vertx.deployVerticle(spool.worker(quick(), new JobHandlers().register(WORK, hangingFirst(1_200), limits()))));
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(1)));

    eventually(WAIT, () -> spool.stats().stuckRuns().size() == 1);
    assertThat(count("state = 'running'")).isEqualTo(1);

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(spool.stats().stuckRuns()).isEmpty();
    assertThat(await(spool.client().find(id)).orElseThrow().lastError().getString("class"))
        .isEqualTo(JobTimeoutException.class.getName());
  }

  @Test
  void aStuckRunKeepsItsSlot() {
    AtomicLong secondStartedAt = new AtomicLong();
    JobHandler<JsonObject> first = hangingFirst(1_000);
    await(vertx.deployVerticle(spool.worker(quick().setConcurrency(1), new JobHandlers().register(WORK, (args, ctx) -> {
      if (args.getBoolean("second", false)) {
        secondStartedAt.set(System.nanoTime());
        return Future.succeededFuture();
      }
      return first.handle(args, ctx);
    }, limits()))));
    await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(1)));
    eventually(WAIT, () -> runs.get() == 1);
    await(spool.client().enqueue(WORK, new JsonObject().put("second", true)));

    eventually(WAIT, () -> countAll("state = 'completed'") == 1 && count("state = 'dead'") == 1);
    assertThat(secondStartedAt.get()).as("the second job waited for the stuck handler to return")
        .isGreaterThan(firstReturnedAt.get());
  }

  @Test
  void releaseRetriesTheJobAtItsHardLimitWhichMayRunItBesideTheStuckRun() {
    await(vertx.deployVerticle(spool.worker(quick(), new JobHandlers().register(WORK, hangingFirst(1_500),
        limits().setOnStuck(HandlerOptions.OnStuck.RELEASE)))));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> countAll("state = 'completed'") == 1);
    assertThat(runs).hasValue(2);
    // the documented risk of release: the retry ran while the first run still hung
    assertThat(mostInFlight).hasValue(2);
    eventually(WAIT, () -> firstReturnedAt.get() != 0 && spool.stats().stuckRuns().isEmpty());
    assertThat(await(spool.client().find(id)).orElseThrow().attempt()).isEqualTo(2);
  }

  @Test
  void theBuiltInHangIsReportedStuckWithHowLong() {
    await(vertx.deployVerticle(spool.worker(quick(), BuiltInTasks.register(new JobHandlers(), limits()))));
    long id = await(spool.client().enqueue(BuiltInTasks.HANG, new JsonObject().put("ms", 1_500),
        new EnqueueOptions().setMaxAttempts(1)));

    eventually(WAIT, () -> spool.stats().stuckRuns().size() == 1);
    StuckRun stuck = spool.stats().stuckRuns().get(0);
    assertThat(stuck.id()).isEqualTo(id);
    assertThat(stuck.task()).isEqualTo("spool.hang");
    assertThat(stuck.pastLimit()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(stuck.toJson().getDouble("past_limit_seconds")).isGreaterThanOrEqualTo(0.2);
    assertThat(spool.stats().toJson().getInteger("stuckHandlers")).isEqualTo(1);

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(spool.stats().toJson().getInteger("stuckHandlers")).isZero();
  }

  @Test
  void aWorkerStoppingWithAHeldStuckJobDoesNotWaitForItAndLeavesItToTheRescuer() {
    String deployment = await(vertx.deployVerticle(spool.worker(quick().setShutdownTimeout(Duration.ofSeconds(20)),
        new JobHandlers().register(WORK, hangingFirst(10_000), limits()))));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));
    eventually(WAIT, () -> spool.stats().stuckRuns().size() == 1);

    long start = System.nanoTime();
    await(vertx.undeploy(deployment));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 20 s shutdown timeout").isLessThan(Duration.ofSeconds(5));
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.state()).as("no outcome written while the handler may still run").isEqualTo(JobState.RUNNING);
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(sql("select count(*) from {schema}.workers where id = $1", job.leaseOwner()).iterator().next().getLong(0))
        .as("the worker stays registered until its heartbeat is stale").isEqualTo(1);
  }

  private static List<StuckRun> stuck(Spool... spools) {
    return java.util.Arrays.stream(spools).flatMap(s -> s.stats().stuckRuns().stream()).toList();
  }
}

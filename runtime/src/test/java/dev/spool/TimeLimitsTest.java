package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.spi.SpoolListener;
import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A soft limit tells the handler and goes on; the hard limit ends the run. Bad limits are refused up front. */
class TimeLimitsTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicInteger softHeard = new AtomicInteger();

  @Override
  protected Spool newSpool(io.vertx.core.Vertx on, SpoolOptions options) {
    return Spool.builder(on).connectingTo(dev.spool.testing.TestDatabase.uri()).options(options)
        .listener(new SpoolListener() {
          @Override
          public void softTimeout(JobContext job) {
            softHeard.incrementAndGet();
          }
        }).build();
  }

  void deploy(JobHandlers handlers) {
    await(vertx.deployVerticle(spool.worker(new WorkerOptions(), handlers)));
  }

  static HandlerOptions once() {
    return new HandlerOptions().setRetryPolicy(new RetryPolicy().setMaxAttempts(1));
  }

  @Test
  void theSoftSignalComesBeforeTheHardOneAndTheRunFailsAtTheHardLimit() {
    deploy(new JobHandlers().register(WORK, (args, ctx) -> {
      long start = System.nanoTime();
      ctx.softTimeout().onComplete(v -> events.add("soft after " + (System.nanoTime() - start) / 1_000_000 + " ms"));
      Promise<Void> stopped = Promise.promise();
      ctx.cancellation().onComplete(v -> {
        events.add("hard, soft timed out: " + ctx.isSoftTimedOut());
        stopped.fail("told to stop");
      });
      return stopped.future();
    }, once().setSoftTimeout(Duration.ofMillis(200)).setTimeout(Duration.ofMillis(600))));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).startsWith("soft after ");
    assertThat(Long.parseLong(events.get(0).replaceAll("\\D", ""))).isBetween(150L, 550L);
    assertThat(events.get(1)).isEqualTo("hard, soft timed out: true");
    assertThat(spool.stats().softTimeouts()).isEqualTo(1);
    assertThat(softHeard).hasValue(1);
    JsonObject error = await(spool.client().find(id)).orElseThrow().lastError();
    assertThat(error.getString("class")).isEqualTo(JobTimeoutException.class.getName());
    assertThat(error.getString("message")).contains("timed out after 600 ms");
  }

  @Test
  void aBlockingHandlerPollsTheSoftLimitAndFinishesBeforeTheHardOne() {
    AtomicInteger rounds = new AtomicInteger();
    deploy(new JobHandlers().register(WORK, JobHandler.blocking((args, ctx) -> {
      while (!ctx.isSoftTimedOut()) { // a batch job doing one slice at a time
        rounds.incrementAndGet();
        Thread.sleep(20);
      }
    }), once().setSoftTimeout(Duration.ofMillis(300)).setTimeout(Duration.ofSeconds(10))));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(spool.stats().completed()).isEqualTo(1);
    assertThat(spool.stats().softTimeouts()).isEqualTo(1);
    assertThat(rounds.get()).isGreaterThan(3);
    assertThat(await(spool.client().find(id))).isEmpty();
  }

  @Test
  void aRunThatEndsBeforeItsSoftLimitIsNeverSignalled() {
    deploy(new JobHandlers().register(WORK, (args, ctx) -> {
      Promise<Void> done = Promise.promise();
      ctx.vertx().setTimer(50, t -> done.complete());
      return done.future();
    }, once().setSoftTimeout(Duration.ofMillis(500))));
    await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(spool.stats().completed()).isEqualTo(1);
    assertThat(spool.stats().softTimeouts()).isZero();
  }

  @Test
  void theJobsOwnLimitsWinOverTheHandlers() {
    AtomicBoolean soft = new AtomicBoolean();
    deploy(new JobHandlers().register(WORK, (args, ctx) -> {
      ctx.softTimeout().onComplete(v -> soft.set(true));
      return ctx.cancellation().compose(v -> Future.failedFuture("told to stop"));
    }, once().setTimeout(Duration.ofMinutes(5))));
    long id = await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setSoftTimeout(Duration.ofMillis(100)).setTimeout(Duration.ofMillis(300))));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(soft).isTrue();
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.softTimeoutMs()).isEqualTo(100);
    assertThat(job.timeoutMs()).isEqualTo(300);
    assertThat(job.lastError().getString("message")).contains("timed out after 300 ms");
  }

  @Test
  void theSqlEnqueueFunctionTakesBothLimits() {
    deploy(new JobHandlers().register(WORK, (args, ctx) -> {
      ctx.softTimeout().onComplete(v -> events.add("soft"));
      return ctx.cancellation().compose(v -> Future.failedFuture("told to stop"));
    }, once()));
    long id = sql("select {schema}.enqueue('work', '{}'::jsonb, timeout_ms => 400, soft_timeout_ms => 100)")
        .iterator().next().getLong(0);

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(events).containsExactly("soft");
    Job job = await(spool.client().find(id)).orElseThrow();
    assertThat(job.softTimeoutMs()).isEqualTo(100);
    assertThat(job.timeoutMs()).isEqualTo(400);
  }

  @Test
  void aSoftLimitNotBelowTheHardOneIsRefusedWhereverItIsSet() {
    assertThatThrownBy(() -> new JobHandlers().register(WORK, (a, c) -> Future.succeededFuture(),
        new HandlerOptions().setSoftTimeout(Duration.ofMinutes(10)).setTimeout(Duration.ofMinutes(10))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("task work: softTimeout must be below timeout (PT10M), got PT10M");
    assertThatThrownBy(() -> await(spool.client().enqueue(WORK, new JsonObject(),
        new EnqueueOptions().setSoftTimeout(Duration.ofSeconds(5)).setTimeout(Duration.ofSeconds(2)))))
        .hasMessageContaining("softTimeout must be below timeout (PT2S), got PT5S");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('work', '{}'::jsonb, timeout_ms => 100, soft_timeout_ms => 100)"))
        .hasMessageContaining("soft_timeout_ms (100) must be positive and below timeout_ms (100)");
    assertThatThrownBy(() -> sql("select {schema}.enqueue('work', '{}'::jsonb, soft_timeout_ms => 0)"))
        .hasMessageContaining("must be positive");
    assertThat(count("true")).isZero();
  }

  @Test
  void zeroOrNegativeLimitsAreRefused() {
    assertThatThrownBy(() -> new HandlerOptions().setSoftTimeout(Duration.ZERO))
        .hasMessage("softTimeout must be between 1 ms and ~24 days, got PT0S");
    assertThatThrownBy(() -> new HandlerOptions().setTimeout(Duration.ofSeconds(-1)))
        .hasMessage("timeout must be between 1 ms and ~24 days, got PT-1S");
    assertThatThrownBy(() -> new EnqueueOptions().setSoftTimeout(Duration.ofMillis(-5)))
        .hasMessage("softTimeout must be between 1 ms and ~24 days, got PT-0.005S");
    assertThatThrownBy(() -> new WorkerOptions().setStuckGrace(Duration.ZERO))
        .hasMessage("stuckGrace must be at least 1 ms, got PT0S");
  }

  @Test
  void handlerOptionsKeepTheirLimitsThroughJson() {
    HandlerOptions options = new HandlerOptions().setSoftTimeout(Duration.ofSeconds(540)).setTimeout(Duration.ofSeconds(600))
        .setBlocking(true).setOnStuck(HandlerOptions.OnStuck.RELEASE);
    HandlerOptions copy = new HandlerOptions(options.toJson());
    assertThat(copy.toJson()).isEqualTo(options.toJson());
    assertThat(copy.getSoftTimeout()).isEqualTo(Duration.ofSeconds(540));
    assertThat(copy.isBlocking()).isTrue();
    assertThat(copy.getOnStuck()).isEqualTo(HandlerOptions.OnStuck.RELEASE);
    assertThat(new EnqueueOptions(new EnqueueOptions().setSoftTimeout(Duration.ofSeconds(1)).toJson()).getSoftTimeout())
        .isEqualTo(Duration.ofSeconds(1));
  }
}

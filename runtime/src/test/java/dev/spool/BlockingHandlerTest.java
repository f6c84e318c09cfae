package dev.spool;

import static dev.spool.testing.TestDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testing.SpoolTestBase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** Handlers of blocking code run on the worker's blocking pool, never on its event loop. */
class BlockingHandlerTest extends SpoolTestBase {

  static final Task<JsonObject> WORK = Task.json("work");
  static final Duration WAIT = Duration.ofSeconds(30);

  /** Where and how each run ran. */
  record Seen(String thread, boolean onEventLoop, boolean onVertxThread) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();

  void record() {
    seen.add(new Seen(Thread.currentThread().getName(), Context.isOnEventLoopThread(), Context.isOnVertxThread()));
  }

  void deploy(WorkerOptions options, JobHandlers handlers) {
    await(vertx.deployVerticle(() -> spool.worker(options, handlers), new io.vertx.core.DeploymentOptions().setInstances(2)));
  }

  static HandlerOptions fastRetries() {
    return new HandlerOptions().setRetryPolicy(new RetryPolicy().setBase(Duration.ofMillis(20)).setJitter(0));
  }

  @Test
  void aBlockingHandlerRunsOnTheBlockingPoolNeverOnAnEventLoop() {
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, JobHandler.blocking((args, ctx) -> {
      record();
      Thread.sleep(20); // blocking is fine here
    })));
    List<JsonObject> args = IntStream.range(0, 50).mapToObj(i -> new JsonObject()).toList();
    await(spool.client().enqueueBatch(WORK, args, new EnqueueOptions()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(seen).hasSize(50);
    assertThat(seen).allSatisfy(s -> {
      assertThat(s.onEventLoop()).as("on an event loop: %s", s.thread()).isFalse();
      assertThat(s.thread()).startsWith("spool-blocking-");
    });
  }

  @Test
  void anAsyncHandlerMarkedBlockingRunsOnThePoolAndItsFutureDecides() {
    AtomicInteger calls = new AtomicInteger();
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, (args, ctx) -> {
      record();
      Thread.sleep(10);
      return calls.incrementAndGet() == 1 ? Future.failedFuture(new IllegalStateException("first call fails"))
          : Future.succeededFuture();
    }, fastRetries().setBlocking(true)));
    long id = await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(calls).hasValue(2);
    assertThat(seen).extracting(Seen::onEventLoop).containsOnly(false);
    assertThat(await(spool.client().find(id))).isEmpty();
  }

  @Test
  void thePoolBoundsHowManyBlockingHandlersRunAtOnce() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    deploy(new WorkerOptions().setBlockingPoolSize(3), new JobHandlers().register(WORK, JobHandler.blocking((args, ctx) -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      Thread.sleep(100);
      running.decrementAndGet();
    })));
    await(spool.client().enqueueBatch(WORK, IntStream.range(0, 12).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions()));

    eventually(WAIT, () -> count("true") == 0);
    // two verticles share the one named pool of the process
    assertThat(most).hasValue(3);
  }

  @Test
  void aQueueCanHaveABlockingPoolOfItsOwn() {
    deploy(new WorkerOptions().setQueues("default", "reports").setQueueOptions("reports",
        new QueueOptions().setBlockingPoolSize(1)), new JobHandlers().register(WORK, JobHandler.blocking((args, ctx) -> record())));
    await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setQueue("reports")));
    await(spool.client().enqueue(WORK, new JsonObject()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(seen).extracting(Seen::thread).anyMatch(t -> t.startsWith("spool-blocking-reports-"))
        .anyMatch(t -> t.startsWith("spool-blocking-") && !t.startsWith("spool-blocking-reports-"));
  }

  @Test
  void aBlockingHandlerThatThrowsIsRetriedThenDeadLikeAnyOtherFailure() {
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, JobHandler.blocking((args, ctx) -> {
      runs.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
      throw new IllegalStateException("disk full on attempt " + ctx.attempt());
    }), fastRetries()));
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(3)));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(runs.get(id)).hasValue(3);
    JsonObject error = await(spool.client().find(id)).orElseThrow().lastError();
    assertThat(error.getString("class")).isEqualTo(IllegalStateException.class.getName());
    assertThat(error.getString("message")).isEqualTo("disk full on attempt 3");
  }

  @Test
  void atTheHardLimitABlockingHandlersThreadIsInterruptedAndTheRunFails() {
    AtomicBoolean interrupted = new AtomicBoolean();
    deploy(new WorkerOptions(), new JobHandlers().register(WORK, JobHandler.blocking((args, ctx) -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw e;
      }
    }), fastRetries().setTimeout(Duration.ofMillis(200))));
    long id = await(spool.client().enqueue(WORK, new JsonObject(), new EnqueueOptions().setMaxAttempts(1)));

    eventually(WAIT, () -> count("state = 'dead'") == 1);
    assertThat(interrupted).isTrue();
    JsonObject error = await(spool.client().find(id)).orElseThrow().lastError();
    assertThat(error.getString("class")).isEqualTo(JobTimeoutException.class.getName());
    assertThat(error.getString("message")).contains("timed out after 200 ms");
    assertThat(spool.stats().stuckRuns()).isEmpty();
  }

  @Test
  void theBuiltInBlockSleepsOnAPoolThread() {
    deploy(new WorkerOptions(), BuiltInTasks.register(new JobHandlers()));
    long id = await(spool.client().enqueue(BuiltInTasks.BLOCK, new JsonObject().put("ms", 50)));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(spool.stats().completed()).isEqualTo(1);
    assertThat(await(spool.client().find(id))).isEmpty();
  }

  @Test
  void aPoolOfNoThreadsIsRefused() {
    assertThatThrownBy(() -> new WorkerOptions().setBlockingPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("blockingPoolSize must be at least 1, got 0");
    assertThatThrownBy(() -> new QueueOptions().setBlockingPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("blockingPoolSize must be at least 1, got 0");
  }

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20)
  void virtualThreadsBeforeJava21AreAClearErrorAtConfigurationTime() {
    assertThatThrownBy(() -> new WorkerOptions().setVirtualThreads(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("virtualThreads needs Java 21 or newer, and this is Java " + Runtime.version());
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void onJava21AndNewerBlockingHandlersCanRunOnVirtualThreads() throws Exception {
    java.lang.reflect.Method isVirtual = Thread.class.getMethod("isVirtual");
    List<Boolean> virtual = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    deploy(new WorkerOptions().setVirtualThreads(true).setBlockingPoolSize(1).setConcurrency(200),
        new JobHandlers().register(WORK, JobHandler.blocking((args, ctx) -> {
          virtual.add((Boolean) isVirtual.invoke(Thread.currentThread()));
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          Thread.sleep(500);
          running.decrementAndGet();
        })));
    await(spool.client().enqueueBatch(WORK, IntStream.range(0, 200).mapToObj(i -> new JsonObject()).toList(),
        new EnqueueOptions()));

    eventually(WAIT, () -> count("true") == 0);
    assertThat(virtual).hasSize(200).containsOnly(true);
    assertThat(most.get()).as("far more at once than the pool's one thread").isGreaterThan(50);
  }
}
